package csbackend_test

import (
	"context"
	"testing"
	"time"

	"github.com/apache/cloudstack-go/v2/cloudstack"

	"github.com/cloudgate/cloudgate/simulator"
	"github.com/cloudgate/cloudgate/translate"
)

// inject sets a configureSimulator fault rule as admin.
func inject(t *testing.T, srv *simulator.Server, name, value string, count int) {
	t.Helper()
	ak, sk, _ := srv.UserKeys("admin")
	cs := cloudstack.NewClient(srv.URL(), ak, sk, false, cloudstack.WithHTTPClient(srv.HTTPClient()))
	p := &cloudstack.CustomServiceParams{}
	p.SetParam("name", name)
	p.SetParam("value", value)
	if count > 0 {
		p.SetParam("count", count)
	}
	var out map[string]any
	if err := cs.Custom.(*cloudstack.CustomService).CustomRequest("configureSimulator", p, &out); err != nil {
		t.Fatalf("configureSimulator: %v", err)
	}
}

func TestServiceMinCountRollbackOnCapacity(t *testing.T) {
	svc, ctx, _ := newService(t)
	imgs, _ := svc.Images(ctx, translate.ImageQuery{Name: "Debian 12"})
	// zone1 has 2 hosts × 4096 MB: at most 2 "Large Instance" VMs fit.
	_, err := svc.Launch(ctx, translate.LaunchSpec{ZoneID: "zone1", OfferingID: "Large Instance", ImageID: imgs[0].ID,
		MinCount: 3, MaxCount: 3, Wait: true, ClientToken: "big"})
	if k := translate.KindOf(err); k != translate.InsufficientCapacity {
		t.Fatalf("kind = %v (%v), want InsufficientCapacity", k, err)
	}
	vms, err := svc.Instances(ctx, translate.InstanceQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for _, vm := range vms {
		if vm.State != translate.StateDestroyed && vm.State != translate.StateExpunging {
			t.Fatalf("VM left behind after rollback: %+v", vm)
		}
	}
	// With MinCount 1 the two that fit are kept, the third is cleaned up.
	got, err := svc.Launch(ctx, translate.LaunchSpec{ZoneID: "zone1", OfferingID: "Large Instance", ImageID: imgs[0].ID,
		MinCount: 1, MaxCount: 3, Wait: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("launched %d VMs, want 2", len(got))
	}
	vms, _ = svc.Instances(ctx, translate.InstanceQuery{States: []string{translate.StateError}})
	if len(vms) != 0 {
		t.Fatalf("VMs in Error left behind: %+v", vms)
	}
}

func TestServiceFailedDeployCleanedByJob(t *testing.T) {
	svc, ctx, srv := newService(t)
	inject(t, srv, "deployVirtualMachine", "result:fail|errorcode:533|errortext:no room", 1)
	imgs, _ := svc.Images(ctx, translate.ImageQuery{Name: "Debian 12"})
	vms, err := svc.Launch(ctx, translate.LaunchSpec{ZoneID: "zone1", OfferingID: "Small Instance", ImageID: imgs[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(vms) != 1 || vms[0].JobID == "" || !vms[0].JobPending {
		t.Fatalf("launch without wait = %+v", vms)
	}
	j, err := svc.WaitJob(ctx, vms[0].JobID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if j.Status != translate.JobFailed || j.Err.Kind != translate.InsufficientCapacity || j.Command != "deployVirtualMachine" || j.ResourceID != vms[0].ID {
		t.Fatalf("job = %+v (%v)", j, j.Err)
	}
	vm, err := svc.Instance(ctx, vms[0].ID)
	if err == nil && vm.State == translate.StateError {
		t.Fatalf("failed VM not cleaned up: %+v", vm)
	}
}

func TestServiceJobLatency(t *testing.T) {
	svc, ctx, srv := newService(t)
	srv.SetJobLatency(50 * time.Millisecond)
	imgs, _ := svc.Images(ctx, translate.ImageQuery{Name: "Debian 12"})
	start := time.Now()
	vms, err := svc.Launch(ctx, translate.LaunchSpec{ZoneID: "zone1", OfferingID: "Small Instance", ImageID: imgs[0].ID, MaxCount: 2, Wait: true, Tags: translate.Tags{"x": "y"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(vms) != 2 || vms[0].State != translate.StateRunning || vms[1].Tags["x"] != "y" {
		t.Fatalf("vms = %+v", vms)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("launch took %v", d)
	}
	j, err := svc.StopInstance(ctx, vms[0].ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if j2, _ := svc.Job(ctx, j.ID); j2.Done() {
		t.Fatal("job done before its latency")
	}
	if j2, err := svc.WaitJob(ctx, j.ID, time.Millisecond); err != nil || j2.Done() {
		t.Fatalf("WaitJob with a short timeout = %+v, %v", j2, err)
	}
	if j2, err := svc.WaitJob(ctx, j.ID, 0); err != nil || j2.Status != translate.JobSucceeded {
		t.Fatalf("WaitJob = %+v, %v", j2, err)
	}
}

func TestServiceIsolation(t *testing.T) {
	svc, ctx, srv := newService(t)
	imgs, _ := svc.Images(ctx, translate.ImageQuery{Name: "Debian 12"})
	vms, err := svc.Launch(ctx, translate.LaunchSpec{ZoneID: "zone1", OfferingID: "Small Instance", ImageID: imgs[0].ID, Wait: true})
	if err != nil {
		t.Fatal(err)
	}
	other := userCtx(t, srv, "other")
	if _, err := svc.Instance(other, vms[0].ID); translate.KindOf(err) != translate.NotFound {
		t.Fatalf("other account sees demo's VM: %v", err)
	}
	if _, err := svc.StopInstance(other, vms[0].ID, false); err == nil {
		t.Fatal("other account stopped demo's VM")
	}
	list, err := svc.Instances(other, translate.InstanceQuery{})
	if err != nil || len(list) != 0 {
		t.Fatalf("other's instances = %+v, %v", list, err)
	}
}

func TestServiceAddressesAndNetworks(t *testing.T) {
	svc, ctx, _ := newServiceSeed(t, isolatedSeed(t))
	imgs, _ := svc.Images(ctx, translate.ImageQuery{Name: "Debian 12"})
	vms, err := svc.Launch(ctx, translate.LaunchSpec{ZoneID: "zone1", OfferingID: "Small Instance", ImageID: imgs[0].ID, Wait: true})
	if err != nil {
		t.Fatal(err)
	}
	a, err := svc.AllocateAddress(ctx, "zone1", "", translate.Tags{"name": "ip1"})
	if err != nil {
		t.Fatal(err)
	}
	if a.IP == "" || a.Tags["name"] != "ip1" {
		t.Fatalf("address = %+v", a)
	}
	if err := svc.AssociateAddress(ctx, a.ID, vms[0].ID); err != nil {
		t.Fatal(err)
	}
	got, err := svc.Address(ctx, a.ID)
	if err != nil || got.InstanceID != vms[0].ID {
		t.Fatalf("after associate = %+v, %v", got, err)
	}
	vm, _ := svc.Instance(ctx, vms[0].ID)
	if vm.PublicIP != a.IP {
		t.Fatalf("instance public IP = %q, want %q", vm.PublicIP, a.IP)
	}
	if err := svc.ReleaseAddress(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Address(ctx, a.ID); translate.KindOf(err) != translate.NotFound {
		t.Fatalf("released address: %v", err)
	}

	ns, err := svc.Networks(ctx, translate.NetworkQuery{ZoneID: "zone1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ns) != 1 || !ns[0].Default {
		t.Fatalf("networks = %+v", ns)
	}
	if err := svc.DeleteNetwork(ctx, ns[0].ID); translate.KindOf(err) != translate.InUse {
		t.Fatalf("delete network with VMs: %v", err)
	}
	n, err := svc.CreateNetwork(ctx, translate.NetworkSpec{Name: "net1", ZoneID: "zone1", CIDR: "10.9.0.0/24", Tags: translate.Tags{"k": "v"}})
	if err != nil {
		t.Fatal(err)
	}
	if n.CIDR != "10.9.0.0/24" || n.Gateway != "10.9.0.1" || n.Tags["k"] != "v" {
		t.Fatalf("network = %+v", n)
	}
	if err := svc.DeleteNetwork(ctx, n.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateNetwork(ctx, translate.NetworkSpec{Name: "n", ZoneID: "zone2"}); translate.KindOf(err) != translate.Unimplemented {
		t.Fatalf("network in a basic zone: %v", err)
	}
	v, err := svc.CreateVPC(ctx, translate.VPCSpec{Name: "vpc1", ZoneID: "zone1", CIDR: "10.20.0.0/16"})
	if err != nil {
		t.Fatal(err)
	}
	tier, err := svc.CreateNetwork(ctx, translate.NetworkSpec{Name: "tier1", ZoneID: "zone1", VPCID: v.ID, CIDR: "10.20.1.0/24"})
	if err != nil {
		t.Fatalf("CreateNetwork in VPC: %v", err)
	}
	if err := svc.DeleteVPC(ctx, v.ID); translate.KindOf(err) != translate.InUse {
		t.Fatalf("delete VPC with tiers: %v", err)
	}
	if err := svc.DeleteNetwork(ctx, tier.ID); err != nil {
		t.Fatal(err)
	}
	if err := svc.DeleteVPC(ctx, v.ID); err != nil {
		t.Fatal(err)
	}
}

func TestServiceConcurrent(t *testing.T) {
	svc, demo, srv := newService(t)
	other := userCtx(t, srv, "other")
	imgs, _ := svc.Images(demo, translate.ImageQuery{Name: "Debian 12"})
	errc := make(chan error, 8)
	for i := 0; i < 8; i++ {
		ctx := demo
		if i%2 == 1 {
			ctx = other
		}
		go func() {
			_, err := svc.Launch(ctx, translate.LaunchSpec{ZoneID: "zone1", OfferingID: "Small Instance", ImageID: imgs[0].ID, Wait: true, Tags: translate.Tags{"n": "x"}})
			if err == nil {
				_, err = svc.Instances(ctx, translate.InstanceQuery{Tags: translate.Tags{"n": "x"}})
			}
			errc <- err
		}()
	}
	for i := 0; i < 8; i++ {
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
	}
	for _, ctx := range []context.Context{demo, other} {
		vms, err := svc.Instances(ctx, translate.InstanceQuery{})
		if err != nil || len(vms) != 4 {
			t.Fatalf("instances = %d, %v", len(vms), err)
		}
	}
}
