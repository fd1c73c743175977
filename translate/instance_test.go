package translate_test

import (
	"context"
	"sort"
	"testing"

	"github.com/cloudgate/cloudgate/translate"
)

func TestLaunchValidation(t *testing.T) {
	tests := []struct {
		name string
		spec translate.LaunchSpec
		kind translate.Kind
		res  translate.Resource
	}{
		{"no zone", translate.LaunchSpec{OfferingID: offID, ImageID: imageID}, translate.InvalidArgument, translate.ResZone},
		{"unknown zone", translate.LaunchSpec{ZoneID: "nowhere", OfferingID: offID, ImageID: imageID}, translate.NotFound, translate.ResZone},
		{"unknown offering", translate.LaunchSpec{ZoneID: "zone1", OfferingID: "huge", ImageID: imageID}, translate.NotFound, translate.ResOffering},
		{"unknown image", translate.LaunchSpec{ZoneID: zoneID, OfferingID: offID, ImageID: "nope"}, translate.NotFound, translate.ResImage},
		{"custom without size", translate.LaunchSpec{ZoneID: zoneID, OfferingID: "Custom", ImageID: imageID}, translate.InvalidArgument, translate.ResOffering},
		{"custom too big", translate.LaunchSpec{ZoneID: zoneID, OfferingID: custID, CPUs: 64, MemoryMB: 1024, ImageID: imageID}, translate.InvalidArgument, translate.ResOffering},
		{"unknown key pair", translate.LaunchSpec{ZoneID: zoneID, OfferingID: offID, ImageID: imageID, KeyPair: "nokey"}, translate.NotFound, translate.ResKeyPair},
		{"min > max", translate.LaunchSpec{ZoneID: zoneID, OfferingID: offID, ImageID: imageID, MinCount: 3, MaxCount: 2}, translate.InvalidArgument, translate.ResInstance},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, m := newWorld()
			_, err := newService(m).Launch(testCtx(), tt.spec)
			mustKind(t, err, tt.kind, tt.res)
			if n := m.Calls("DeployVirtualMachine"); n != 0 {
				t.Fatalf("deployed %d VMs before validating", n)
			}
		})
	}
}

func TestLaunchByNameAndCustom(t *testing.T) {
	_, m := newWorld()
	var got translate.DeployRequest
	deploy := m.DeployVirtualMachineFn
	m.DeployVirtualMachineFn = func(ctx context.Context, req translate.DeployRequest) (translate.AsyncResult, error) {
		got = req
		return deploy(ctx, req)
	}
	vms, err := newService(m).Launch(testCtx(), translate.LaunchSpec{
		Names: []string{"web"}, ZoneID: "zone1", OfferingID: "custom", CPUs: 2, MemoryMB: 2048,
		ImageID: imageID, RootDiskGB: 20, UserData: []byte("#!/bin/sh\n"), Wait: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(vms) != 1 || vms[0].Name != "web" {
		t.Fatalf("vms = %+v", vms)
	}
	if got.ZoneID != zoneID || got.ServiceOfferingID != custID || got.CPUs != 2 || got.MemoryMB != 2048 || got.RootDiskGB != 20 || got.UserDataBase64 != "IyEvYmluL3NoCg==" {
		t.Fatalf("deploy request = %+v", got)
	}
}

func TestLaunchMinCount(t *testing.T) {
	capErr := &translate.Error{Op: "deployVirtualMachine", Kind: translate.InsufficientCapacity, Message: "no capacity"}
	tests := []struct {
		name      string
		min, max  int
		fail      []int
		wantErr   translate.Kind
		wantVMs   int
		destroyed int
	}{
		{"all ok", 2, 3, nil, 0, 3, 0},
		{"enough", 2, 3, []int{2}, 0, 2, 1},
		{"too few: roll back everything", 2, 3, []int{1, 2}, translate.InsufficientCapacity, 0, 3},
		{"single fails", 1, 1, []int{0}, translate.InsufficientCapacity, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, m := newWorld()
			for _, i := range tt.fail {
				w.deployFail[i] = capErr
			}
			vms, err := newService(m).Launch(testCtx(), translate.LaunchSpec{
				ZoneID: zoneID, OfferingID: offID, ImageID: imageID, MinCount: tt.min, MaxCount: tt.max, Wait: true,
			})
			if tt.wantErr != 0 {
				mustKind(t, err, tt.wantErr, "")
			} else if err != nil {
				t.Fatal(err)
			}
			if len(vms) != tt.wantVMs {
				t.Fatalf("got %d VMs, want %d", len(vms), tt.wantVMs)
			}
			if len(w.destroy) != tt.destroyed {
				t.Fatalf("expunged %v, want %d", w.destroy, tt.destroyed)
			}
			if tt.wantErr != 0 && len(w.vms) != 0 {
				t.Fatalf("VMs left behind: %v", w.vms)
			}
		})
	}
}

func TestLaunchSyncDeployErrorRollsBack(t *testing.T) {
	w, m := newWorld()
	deploy := m.DeployVirtualMachineFn
	m.DeployVirtualMachineFn = func(ctx context.Context, req translate.DeployRequest) (translate.AsyncResult, error) {
		if w.deploys == 1 {
			return translate.AsyncResult{}, &translate.Error{Op: "deployVirtualMachine", Kind: translate.LimitExceeded, Message: "limit"}
		}
		return deploy(ctx, req)
	}
	_, err := newService(m).Launch(testCtx(), translate.LaunchSpec{ZoneID: zoneID, OfferingID: offID, ImageID: imageID, MinCount: 2, MaxCount: 2})
	mustKind(t, err, translate.LimitExceeded, "")
	if len(w.destroy) != 1 {
		t.Fatalf("expunged %v", w.destroy)
	}
}

func TestLaunchClientToken(t *testing.T) {
	w, m := newWorld()
	svc := newService(m)
	spec := translate.LaunchSpec{ZoneID: zoneID, OfferingID: offID, ImageID: imageID, MaxCount: 2, ClientToken: "tok-1", Tags: translate.Tags{"env": "dev"}}
	first, err := svc.Launch(testCtx(), spec)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 2 || first[0].Tags[translate.ClientTokenTag] != "tok-1" || first[0].Tags["env"] != "dev" {
		t.Fatalf("first = %+v", first)
	}
	if !first[0].JobPending || first[0].JobID == "" {
		t.Fatalf("without Wait the job should be reported: %+v", first[0])
	}
	again, err := svc.Launch(testCtx(), spec)
	if err != nil {
		t.Fatal(err)
	}
	if m.Calls("DeployVirtualMachine") != 2 {
		t.Fatalf("deployed %d times", m.Calls("DeployVirtualMachine"))
	}
	ids := func(vs []translate.Instance) []string {
		var out []string
		for _, v := range vs {
			out = append(out, v.ID)
		}
		sort.Strings(out)
		return out
	}
	if a, b := ids(first), ids(again); len(a) != len(b) || a[0] != b[0] || a[1] != b[1] {
		t.Fatalf("second launch returned %v, want %v", b, a)
	}
	// User-visible tags exclude the token.
	tags, err := svc.ListTags(testCtx(), translate.TagQuery{Resource: translate.ResInstance})
	if err != nil {
		t.Fatal(err)
	}
	for _, tg := range tags {
		if translate.IsReserved(tg.Key) {
			t.Fatalf("ListTags shows reserved tag %+v", tg)
		}
	}
	if len(tags) != 2 {
		t.Fatalf("tags = %+v", tags)
	}
	_ = w
}

func TestLaunchTagFailureRollsBack(t *testing.T) {
	w, m := newWorld()
	m.CreateTagsFn = func(ctx context.Context, res translate.Resource, ids []string, tags translate.Tags) (translate.AsyncResult, error) {
		return translate.AsyncResult{}, &translate.Error{Op: "createTags", Kind: translate.LimitExceeded, Message: "too many tags"}
	}
	_, err := newService(m).Launch(testCtx(), translate.LaunchSpec{ZoneID: zoneID, OfferingID: offID, ImageID: imageID, MaxCount: 2, Tags: translate.Tags{"a": "b"}})
	mustKind(t, err, translate.LimitExceeded, "")
	if len(w.destroy) != 2 || len(w.vms) != 0 {
		t.Fatalf("expunged %v, left %v", w.destroy, w.vms)
	}
}

func TestJobExpungesFailedDeploy(t *testing.T) {
	w, m := newWorld()
	w.deployFail[0] = &translate.Error{Kind: translate.InsufficientCapacity, Message: "no host"}
	svc := newService(m)
	vms, err := svc.Launch(testCtx(), translate.LaunchSpec{ZoneID: zoneID, OfferingID: offID, ImageID: imageID})
	if err != nil {
		t.Fatal(err)
	}
	j, err := svc.WaitJob(testCtx(), vms[0].JobID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if j.Status != translate.JobFailed || j.Err == nil || j.Err.Kind != translate.InsufficientCapacity {
		t.Fatalf("job = %+v", j)
	}
	if len(w.destroy) != 1 || w.destroy[0] != vms[0].ID {
		t.Fatalf("failed VM not expunged: %v", w.destroy)
	}
}

func TestInstanceNotFound(t *testing.T) {
	_, m := newWorld()
	_, err := newService(m).Instance(testCtx(), "no-such-vm")
	mustKind(t, err, translate.NotFound, translate.ResInstance)

	m.ListVirtualMachinesFn = func(ctx context.Context, req translate.ListVMsRequest) ([]translate.Instance, error) {
		return nil, &translate.Error{Op: "listVirtualMachines", Kind: translate.NotFound, Message: "entity does not exist"}
	}
	_, err = newService(m).Instance(testCtx(), "no-such-vm")
	mustKind(t, err, translate.NotFound, translate.ResInstance)
}

func TestStartInstanceState(t *testing.T) {
	_, m := newWorld()
	svc := newService(m)
	vms, err := svc.Launch(testCtx(), translate.LaunchSpec{ZoneID: zoneID, OfferingID: offID, ImageID: imageID, Wait: true})
	if err != nil {
		t.Fatal(err)
	}
	_, err = svc.StartInstance(testCtx(), vms[0].ID)
	mustKind(t, err, translate.FailedPrecondition, translate.ResInstance)
}

func TestInstancesSorted(t *testing.T) {
	_, m := newWorld()
	svc := newService(m)
	if _, err := svc.Launch(testCtx(), translate.LaunchSpec{ZoneID: zoneID, OfferingID: offID, ImageID: imageID, MaxCount: 4}); err != nil {
		t.Fatal(err)
	}
	vms, err := svc.Instances(testCtx(), translate.InstanceQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(vms); i++ {
		if vms[i].Created.Before(vms[i-1].Created) {
			t.Fatalf("not sorted by creation: %v then %v", vms[i-1].Created, vms[i].Created)
		}
	}
}

func TestNoPrincipal(t *testing.T) {
	_, m := newWorld()
	_, err := newService(m).Zones(context.Background())
	mustKind(t, err, translate.Unauthenticated, "")
}

func TestLaunchRetryAfterRollbackWithoutExpungeRights(t *testing.T) {
	w, m := newWorld()
	w.caps.UserExpungeVM = false // CloudStack's default
	w.deployFail[0] = &translate.Error{Kind: translate.InsufficientCapacity, Message: "no host"}
	w.deployFail[1] = &translate.Error{Kind: translate.InsufficientCapacity, Message: "no host"}
	svc := newService(m)
	spec := translate.LaunchSpec{ZoneID: zoneID, OfferingID: offID, ImageID: imageID, MinCount: 2, MaxCount: 2, Wait: true, ClientToken: "retry"}
	_, err := svc.Launch(testCtx(), spec)
	mustKind(t, err, translate.InsufficientCapacity, "")
	for _, vm := range w.vms {
		if vm.State != translate.StateDestroyed && vm.State != translate.StateError {
			t.Fatalf("VM not destroyed: %+v", vm)
		}
	}
	vms, err := svc.Launch(testCtx(), spec)
	if err != nil {
		t.Fatal(err)
	}
	if len(vms) != 2 || m.Calls("DeployVirtualMachine") != 4 {
		t.Fatalf("retry returned %+v after %d deploys", vms, m.Calls("DeployVirtualMachine"))
	}
}
