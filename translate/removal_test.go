package translate_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cloudgate/cloudgate/translate"
)

// On CloudStack's default settings (no user expunge) nothing may rely on
// expunge: a failed launch leaves its VMs destroyed (not running), renamed
// so that their names are free again, and the failed job is never caused
// by an expunge the caller may not do.
func TestLaunchRollbackWithoutUserExpunge(t *testing.T) {
	w, m := newWorld()
	w.caps.UserExpungeVM = false
	w.deployFail[1] = &translate.Error{Kind: translate.InsufficientCapacity, Message: "no host"}
	svc := newService(m)
	_, err := svc.Launch(testCtx(), translate.LaunchSpec{Names: []string{"web-1", "web-2"}, ZoneID: zoneID, OfferingID: offID,
		ImageID: imageID, MinCount: 2, Wait: true})
	mustKind(t, err, translate.InsufficientCapacity, "")
	if len(w.destroy) != 0 {
		t.Fatalf("expunged without the right: %v", w.destroy)
	}
	for id, vm := range w.vms {
		if vm.State != translate.StateDestroyed {
			t.Errorf("VM %s left %s", id, vm.State)
		}
	}
	if w.renamed["vm-01"] != translate.RetiredName("vm-01") {
		t.Errorf("the running VM was not renamed before destroy: %v", w.renamed)
	}
	if m.Calls("ExpungeVirtualMachine") != 0 {
		t.Errorf("called expungeVirtualMachine without allow.user.expunge.recover.vm")
	}
}

func TestTerminateInstance(t *testing.T) {
	for _, expunge := range []bool{true, false} {
		w, m := newWorld()
		w.caps.UserExpungeVM = expunge
		var detached []string
		m.ListVolumesFn = func(ctx context.Context, req translate.ListVolumesRequest) ([]translate.Volume, error) {
			if req.VMID == "" {
				return nil, nil
			}
			return []translate.Volume{{ID: "root", Type: "ROOT", InstanceID: req.VMID}, {ID: "data", Type: "DATADISK", InstanceID: req.VMID}}, nil
		}
		m.DetachVolumeFn = func(ctx context.Context, id string) (translate.AsyncResult, error) {
			detached = append(detached, id)
			return translate.AsyncResult{}, nil
		}
		svc := newService(m)
		vms, err := svc.Launch(testCtx(), translate.LaunchSpec{Names: []string{"db"}, ZoneID: zoneID, OfferingID: offID, ImageID: imageID, Wait: true})
		if err != nil {
			t.Fatal(err)
		}
		id := vms[0].ID
		j, err := svc.TerminateInstance(testCtx(), id, true)
		if err != nil {
			t.Fatal(err)
		}
		if j, err = svc.WaitJob(testCtx(), j.ID, 0); err != nil || j.Status != translate.JobSucceeded {
			t.Fatalf("expunge=%v: job %+v %v", expunge, j, err)
		}
		if expunge {
			if len(w.destroy) != 1 || len(detached) != 0 || len(w.renamed) != 0 {
				t.Fatalf("with user expunge: expunged %v, detached %v, renamed %v", w.destroy, detached, w.renamed)
			}
			continue
		}
		if len(w.destroy) != 0 || w.vms[id].State != translate.StateDestroyed {
			t.Fatalf("without user expunge: expunged %v, state %s", w.destroy, w.vms[id].State)
		}
		if w.vms[id].Name != translate.RetiredName(id) || len(detached) != 1 || detached[0] != "data" {
			t.Fatalf("without user expunge: name %q, detached %v", w.vms[id].Name, detached)
		}
		if n := translate.RetiredName("3b5c3e4a-7a2e-4a8b-9c1d-2f0e1d2c3b4a"); len(n) > 63 || strings.ContainsAny(n, "-") && n[len(n)-1] == '-' {
			t.Fatalf("retired name %q is no host name", n)
		}
	}
}

func TestLaunchNetworks(t *testing.T) {
	iso := translate.Zone{ID: zoneID, Name: "zone1", NetworkType: "Advanced", Enabled: true}
	cases := []struct {
		name     string
		zone     translate.Zone
		networks []translate.Network
		offs     []translate.NetworkOffering
		want     string
		kind     translate.Kind
	}{
		{name: "sg zone: shared network", networks: []translate.Network{{ID: "net-sg", ZoneID: zoneID, Type: "Shared"}}, want: "net-sg"},
		{name: "sg zone without a shared network: CloudStack decides", networks: nil, want: ""},
		{name: "isolated: the only network", zone: iso, networks: []translate.Network{{ID: "n1", ZoneID: zoneID, Type: "Isolated"},
			{ID: "tier", ZoneID: zoneID, Type: "Isolated", VPCID: "vpc"}}, want: "n1"},
		{name: "isolated: several, one default", zone: iso, networks: []translate.Network{{ID: "n1", Name: "a", ZoneID: zoneID, Type: "Isolated"},
			{ID: "n2", Name: "default", ZoneID: zoneID, Type: "Isolated"}}, want: "n2"},
		{name: "isolated: several", zone: iso, networks: []translate.Network{{ID: "n1", Name: "a", ZoneID: zoneID, Type: "Isolated"},
			{ID: "n2", Name: "b", ZoneID: zoneID, Type: "Isolated"}}, kind: translate.InvalidArgument},
		{name: "isolated: none, offering Required", zone: iso, offs: []translate.NetworkOffering{{ID: "o", GuestIPType: "Isolated", Availability: "Required"}}, want: ""},
		{name: "isolated: none, nothing Required", zone: iso, offs: []translate.NetworkOffering{{ID: "o", GuestIPType: "Isolated", Availability: "Optional"}}, kind: translate.FailedPrecondition},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w, m := newWorld()
			w.networks = c.networks
			if c.zone.ID != "" {
				m.ListZonesFn = func(ctx context.Context) ([]translate.Zone, error) { return []translate.Zone{c.zone}, nil }
			}
			m.ListNetworkOfferingsFn = func(ctx context.Context, req translate.ListNetworkOfferingsRequest) ([]translate.NetworkOffering, error) {
				return c.offs, nil
			}
			_, err := newService(m).Launch(testCtx(), translate.LaunchSpec{ZoneID: zoneID, OfferingID: offID, ImageID: imageID})
			if c.kind != 0 {
				mustKind(t, err, c.kind, translate.ResNetwork)
				if len(w.deployed) != 0 {
					t.Fatal("deployed anyway")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Join(w.deployed[0].NetworkIDs, ",")
			if got != c.want {
				t.Fatalf("networkids = %q, want %q", got, c.want)
			}
		})
	}
}

func TestLaunchCustomSendsCPUSpeed(t *testing.T) {
	w, m := newWorld()
	svc := newService(m)
	if _, err := svc.Launch(testCtx(), translate.LaunchSpec{ZoneID: zoneID, OfferingID: custID, CPUs: 2, MemoryMB: 2048, ImageID: imageID}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Launch(testCtx(), translate.LaunchSpec{ZoneID: zoneID, OfferingID: offID, ImageID: imageID}); err != nil {
		t.Fatal(err)
	}
	if w.deployed[0].CPUSpeedMHz != translate.DefaultCustomCPUSpeedMHz || w.deployed[1].CPUSpeedMHz != 0 {
		t.Fatalf("cpuSpeed sent: custom %d, fixed %d", w.deployed[0].CPUSpeedMHz, w.deployed[1].CPUSpeedMHz)
	}
}

func TestTerminatedInstancesFromEvents(t *testing.T) {
	_, m := newWorld()
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	const a, b = "0a3f6ac4-1b2c-4d5e-8f90-1234567890ab", "1a3f6ac4-1b2c-4d5e-8f90-1234567890ab"
	launched := now.Add(-3 * time.Hour)
	m.ListEventsFn = func(ctx context.Context, req translate.ListEventsRequest) ([]translate.Event, error) {
		switch req.Type {
		case "VM.DESTROY":
			if req.Since.IsZero() {
				t.Errorf("request %+v", req)
			}
			return []translate.Event{
				{Type: "VM.DESTROY", State: "Completed", Level: "INFO", ResourceID: a, ResourceType: "VirtualMachine", ResourceName: "web", Created: now.Add(-10 * time.Minute)},
				{Type: "VM.DESTROY", State: "Completed", Level: "INFO", Description: "Successfully completed destroying Vm. Vm Id: " + b, Created: now.Add(-20 * time.Minute)},
				{Type: "VM.DESTROY", State: "Started", Level: "INFO", ResourceID: "c", Created: now.Add(-5 * time.Minute)},
				{Type: "VM.DESTROY", State: "Completed", Level: "INFO", ResourceID: "old", Created: now.Add(-2 * time.Hour)},
			}, nil
		case "VM.CREATE":
			// b was launched before the launch record existed (a too, once
			// listTags is refused).
			if req.ResourceID != "" && req.ResourceID != b && req.ResourceID != a {
				t.Errorf("VM.CREATE request %+v", req)
			}
			return []translate.Event{
				{Type: "VM.CREATE", State: "Completed", Level: "INFO", Description: "Successfully completed deploying Vm. Vm Id: " + b, Created: launched},
				{Type: "VM.CREATE", State: "Completed", Level: "INFO", ResourceID: a, Created: now.Add(-time.Minute)},
			}, nil
		}
		t.Errorf("request %+v", req)
		return nil, nil
	}
	rec := "image=img-1&offering=off-1&offering-name=Small&time=2026-01-01T10%3A00%3A00Z"
	m.ListTagsFn = func(ctx context.Context, req translate.ListTagsRequest) ([]translate.Tag, error) {
		if req.Resource != translate.ResInstance || req.Key != "" {
			t.Errorf("listTags %+v", req)
		}
		return []translate.Tag{
			{Resource: translate.ResInstance, ResourceID: a, Key: translate.LaunchRecordTag, Value: rec},
			{Resource: translate.ResInstance, ResourceID: a, Key: "Name", Value: "web"},
			{Resource: translate.ResInstance, ResourceID: "running-vm", Key: "Name", Value: "x"},
		}, nil
	}
	svc := translate.New(m, &translate.Options{Now: func() time.Time { return now }})
	got, err := svc.TerminatedInstances(testCtx(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != b || got[1].ID != a || got[1].Name != "web" || got[0].State != translate.StateDestroyed {
		t.Fatalf("got %+v", got)
	}
	if in := got[1]; !in.Created.Equal(time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)) || in.OfferingID != "off-1" ||
		in.OfferingName != "Small" || in.ImageID != "img-1" || in.Tags["Name"] != "web" {
		t.Fatalf("recorded instance %+v", in)
	}
	if in := got[0]; !in.Created.Equal(launched) || in.OfferingID != "" || in.ImageID != "" || len(in.Tags) != 0 {
		t.Fatalf("instance without record %+v", in)
	}
	// One listTags for the whole listing, one listEvents for VM.DESTROY
	// and one for the VM.CREATE fallback: none per instance.
	if n, e := m.Calls("ListTags"), m.Calls("ListEvents"); n != 1 || e != 2 {
		t.Fatalf("listTags %d, listEvents %d calls; want 1 and 2", n, e)
	}
	got, _ = svc.TerminatedInstances(testCtx(), []string{a})
	if len(got) != 1 || got[0].ID != a || got[0].ImageID != "img-1" {
		t.Fatalf("by id: %+v", got)
	}
	// All recorded: no VM.CREATE call.
	if n, e := m.Calls("ListTags"), m.Calls("ListEvents"); n != 2 || e != 3 {
		t.Fatalf("by id: listTags %d, listEvents %d calls in all; want 2 and 3", n, e)
	}
	// A role without listTags keeps the event's view, fields left empty.
	m.ListTagsFn = nil
	got, err = svc.TerminatedInstances(testCtx(), []string{a})
	if err != nil || len(got) != 1 || got[0].ImageID != "" {
		t.Fatalf("without listTags: %+v %v", got, err)
	}
}

func TestChangeOfferingCustomSendsCPUSpeed(t *testing.T) {
	w, m := newWorld()
	var got translate.ChangeServiceRequest
	m.ChangeServiceForVirtualMachineFn = func(ctx context.Context, req translate.ChangeServiceRequest) error {
		got = req
		return nil
	}
	svc := newService(m)
	vms, err := svc.Launch(testCtx(), translate.LaunchSpec{ZoneID: zoneID, OfferingID: offID, ImageID: imageID, Wait: true})
	if err != nil {
		t.Fatal(err)
	}
	w.vms[vms[0].ID].State = translate.StateStopped
	if err := svc.ChangeOffering(testCtx(), vms[0].ID, custID, 4, 4096); err != nil {
		t.Fatal(err)
	}
	if got.CPUs != 4 || got.MemoryMB != 4096 || got.CPUSpeedMHz != translate.DefaultCustomCPUSpeedMHz {
		t.Fatalf("changeServiceForVirtualMachine %+v", got)
	}
}

// A group only destroyed-not-expunged VMs hold: expunged and deleted
// where the caller may expunge and see them; otherwise InUse naming the
// CloudStack setting. A live member keeps CloudStack's own refusal.
func TestDeleteSecurityGroupHeldByDestroyedVMs(t *testing.T) {
	for _, c := range []struct {
		name         string
		caps         translate.Capabilities
		visibleState string // "" = CloudStack hides the VM
		wantErr      bool
		wantMsg      string
		wantExpunges int
	}{
		{name: "defaults", wantErr: true, wantMsg: "allow.user.expunge.recover.vm=true"},
		{name: "expunge and view", caps: translate.Capabilities{UserExpungeVM: true, UserViewDestroyedVM: true}, visibleState: translate.StateDestroyed, wantExpunges: 1},
		{name: "live member", caps: translate.Capabilities{UserExpungeVM: true}, visibleState: translate.StateRunning, wantErr: true, wantMsg: "in use by virtual machines"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, g, _ := sgWorld()
			held := true
			m.ListCapabilitiesFn = func(ctx context.Context) (*translate.Capabilities, error) { caps := c.caps; return &caps, nil }
			m.DeleteSecurityGroupFn = func(ctx context.Context, id string) error {
				if held {
					return &translate.Error{Op: "deleteSecurityGroup", Kind: translate.InUse, Message: "Cannot delete group when it's in use by virtual machines"}
				}
				return nil
			}
			m.ListVirtualMachinesFn = func(ctx context.Context, req translate.ListVMsRequest) ([]translate.Instance, error) {
				if c.visibleState == "" || req.State != "" && req.State != c.visibleState {
					return nil, nil
				}
				return []translate.Instance{{ID: "vm-1", State: c.visibleState, Groups: []translate.GroupRef{{ID: g.ID, Name: g.Name}}}}, nil
			}
			expunges := 0
			m.ExpungeVirtualMachineFn = func(ctx context.Context, id string) (translate.AsyncResult, error) {
				expunges++
				held = false
				return translate.AsyncResult{}, nil
			}
			err := newService(m).DeleteSecurityGroup(testCtx(), g.ID)
			if (err != nil) != c.wantErr || expunges != c.wantExpunges {
				t.Fatalf("err %v, expunges %d", err, expunges)
			}
			if err != nil && (translate.KindOf(err) != translate.InUse || !strings.Contains(err.Error(), c.wantMsg)) {
				t.Fatalf("err %v, want InUse with %q", err, c.wantMsg)
			}
		})
	}
}
