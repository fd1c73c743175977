package gcecompat_test

import (
	"strings"
	"testing"

	"github.com/cloudgate/cloudgate/translate"
	compute "google.golang.org/api/compute/v1"
)

func TestCatalog(t *testing.T) {
	e := newEnv(t)
	zones, err := e.gce.Zones.List(e.project).Do()
	if err != nil {
		t.Fatal(err)
	}
	if len(zones.Items) != 2 || zones.Items[0].Name != "local1-zone1" || zones.Items[0].SelfLink == "" || zones.Items[0].Id == 0 {
		t.Fatalf("zones = %+v", zones.Items)
	}
	zl, err := e.gce.Zones.List(e.project).Filter(`name eq ".*\bzone2\b.*"`).Do()
	if err != nil || len(zl.Items) != 1 || zl.Items[0].Name != "local1-zone2" {
		t.Fatalf("filtered zones = %+v, %v", zl, err)
	}
	regions, err := e.gce.Regions.List(e.project).Do()
	if err != nil || len(regions.Items) != 1 || len(regions.Items[0].Zones) != 2 {
		t.Fatalf("regions = %+v, %v", regions, err)
	}
	if _, err := e.gce.Zones.Get(e.project, "local1-zone1").Do(); err != nil {
		t.Fatal(err)
	}
	_, err = e.gce.Zones.Get(e.project, "nosuch").Do()
	apiErr(t, err, 404, "notFound")

	mts, err := e.gce.MachineTypes.List(e.project, "local1-zone1").Do()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]*compute.MachineType{}
	for _, m := range mts.Items {
		names[m.Name] = m
	}
	if m := names["small-instance"]; m == nil || m.GuestCpus != 1 || m.MemoryMb != 512 || m.Zone != "local1-zone1" {
		t.Fatalf("machine types = %v", names)
	}
	mt, err := e.gce.MachineTypes.Get(e.project, "local1-zone1", "custom-2-2048").Do()
	if err != nil || mt.GuestCpus != 2 || mt.MemoryMb != 2048 {
		t.Fatalf("custom machine type = %+v, %v", mt, err)
	}
	agg, err := e.gce.MachineTypes.AggregatedList(e.project).Do()
	if err != nil || len(agg.Items["zones/local1-zone1"].MachineTypes) == 0 || len(agg.Items["zones/local1-zone2"].MachineTypes) == 0 {
		t.Fatalf("aggregated machine types = %+v, %v", agg, err)
	}
	dts, err := e.gce.DiskTypes.List(e.project, "local1-zone1").Do()
	if err != nil || len(dts.Items) < 3 {
		t.Fatalf("disk types = %+v, %v", dts, err)
	}

	imgs, err := e.gce.Images.List("debian-cloud").Do()
	if err != nil || len(imgs.Items) != 1 || imgs.Items[0].Family != "debian-12" || imgs.Items[0].DiskSizeGb == 0 {
		t.Fatalf("debian images = %+v, %v", imgs, err)
	}
	img, err := e.gce.Images.GetFromFamily("ubuntu-os-cloud", "ubuntu-2204-lts").Do()
	if err != nil || img.Status != "READY" {
		t.Fatalf("ubuntu family = %+v, %v", img, err)
	}
	if _, err := e.gce.Images.GetFromFamily("centos-cloud", "centos-7").Do(); err != nil {
		t.Fatal(err)
	}
	view, err := e.gce.ImageFamilyViews.Get("debian-cloud", "-", "debian-12").Do()
	if err != nil || view.Image == nil || view.Image.Name != imgs.Items[0].Name {
		t.Fatalf("image family view = %+v, %v", view, err)
	}
	empty, err := e.gce.Images.List("windows-sql-cloud").Do()
	if err != nil || len(empty.Items) != 0 {
		t.Fatalf("unknown image project = %+v, %v", empty, err)
	}
	empty, err = e.gce.Images.List("someone-else").Do()
	if err != nil || len(empty.Items) != 0 {
		t.Fatalf("foreign image project = %+v, %v", empty, err)
	}
	_, err = e.gce.Zones.List("someone-else").Do()
	apiErr(t, err, 403, "forbidden")

	p, err := e.gce.Projects.Get(e.project).Do()
	if err != nil || p.Name != e.project || p.CommonInstanceMetadata == nil || p.CommonInstanceMetadata.Fingerprint == "" {
		t.Fatalf("project = %+v, %v", p, err)
	}
	v := "hello"
	e.mustOK(e.gce.Projects.SetCommonInstanceMetadata(e.project, &compute.Metadata{
		Fingerprint: p.CommonInstanceMetadata.Fingerprint, Items: []*compute.MetadataItems{{Key: "k", Value: &v}},
	}).Do())
	p2, err := e.gce.Projects.Get(e.project).Do()
	if err != nil || len(p2.CommonInstanceMetadata.Items) != 1 || *p2.CommonInstanceMetadata.Items[0].Value != "hello" {
		t.Fatalf("project metadata = %+v, %v", p2.CommonInstanceMetadata, err)
	}
	_, err = e.gce.Projects.SetCommonInstanceMetadata(e.project, &compute.Metadata{Fingerprint: p.CommonInstanceMetadata.Fingerprint}).Do()
	apiErr(t, err, 412, "conditionNotMet")

	nets, err := e.gce.Networks.List(e.project).Do()
	if err != nil || len(nets.Items) != 1 || nets.Items[0].Name != "default" {
		t.Fatalf("networks = %+v, %v", nets, err)
	}
}

func TestPaging(t *testing.T) {
	e := newEnv(t)
	var got []string
	call := e.gce.MachineTypes.List(e.project, "local1-zone1").MaxResults(1)
	for {
		l, err := call.Do()
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range l.Items {
			got = append(got, m.Name)
		}
		if l.NextPageToken == "" {
			break
		}
		call.PageToken(l.NextPageToken)
	}
	if len(got) != 3 || got[0] > got[1] || got[1] > got[2] {
		t.Fatalf("paged machine types = %v", got)
	}
	_, err := e.gce.Zones.List(e.project).PageToken("garbage!").Do()
	apiErr(t, err, 400, "invalid")
}

const startup = "#!/bin/sh\necho hello > /tmp/hello\n"

func (e *env) insertVM(name, machineType string, tags ...string) *compute.Operation {
	e.t.Helper()
	script := startup
	return e.mustOK(e.gce.Instances.Insert(e.project, e.zone, &compute.Instance{
		Name:        name,
		MachineType: e.ts.URL + "/compute/v1/projects/" + e.project + "/zones/" + e.zone + "/machineTypes/" + machineType,
		Disks: []*compute.AttachedDisk{{Boot: true, AutoDelete: true, InitializeParams: &compute.AttachedDiskInitializeParams{
			SourceImage: e.ts.URL + "/compute/v1/projects/debian-cloud/zones/-/imageFamilyViews/debian-12",
		}}},
		NetworkInterfaces: []*compute.NetworkInterface{{Network: "global/networks/default",
			AccessConfigs: []*compute.AccessConfig{{Name: "external-nat", Type: "ONE_TO_ONE_NAT"}}}},
		Tags:     &compute.Tags{Items: tags},
		Labels:   map[string]string{"env": "dev"},
		Metadata: &compute.Metadata{Items: []*compute.MetadataItems{{Key: "startup-script", Value: &script}}},
	}).Do())
}

func TestInstanceLifecycle(t *testing.T) {
	e := newEnv(t)
	op := e.insertVM("vm1", "small-instance", "web", "db")
	if op.OperationType != "insert" || !strings.HasSuffix(op.TargetLink, "/zones/local1-zone1/instances/vm1") || last(op.Zone) != "local1-zone1" {
		t.Fatalf("insert op = %+v", op)
	}
	// The operation can be read again (by name only).
	again, err := e.gce.ZoneOperations.Get(e.project, "local1-zone1", op.Name).Do()
	if err != nil || again.Status != "DONE" || again.Name != op.Name {
		t.Fatalf("operations.get = %+v, %v", again, err)
	}

	vm, err := e.gce.Instances.Get(e.project, "local1-zone1", "vm1").Do()
	if err != nil {
		t.Fatal(err)
	}
	if vm.Status != "RUNNING" || vm.Labels["env"] != "dev" || len(vm.Tags.Items) != 2 || vm.Id == 0 ||
		!strings.HasSuffix(vm.MachineType, "/machineTypes/small-instance") || len(vm.NetworkInterfaces) != 1 ||
		vm.NetworkInterfaces[0].NetworkIP == "" || len(vm.Disks) == 0 || !vm.Disks[0].Boot {
		t.Fatalf("instance = %+v", vm)
	}
	var script string
	for _, it := range vm.Metadata.Items {
		if it.Key == "startup-script" {
			script = *it.Value
		}
	}
	if script != startup {
		t.Fatalf("startup-script = %q", script)
	}
	ud, err := e.svc.UserData(e.ctx(), findVM(t, e, "vm1").ID)
	if err != nil || string(ud) != startup {
		t.Fatalf("CloudStack user data = %q, %v", ud, err)
	}
	// Network tags put the VM into gce-tag-* security groups.
	groups := map[string]bool{}
	for _, g := range findVM(t, e, "vm1").Groups {
		groups[g.Name] = true
	}
	if !groups["gce-tag-web"] || !groups["gce-tag-db"] || !groups["default"] {
		t.Fatalf("security groups = %v", groups)
	}

	agg, err := e.gce.Instances.AggregatedList(e.project).IncludeAllScopes(true).Do()
	if err != nil || len(agg.Items["zones/local1-zone1"].Instances) != 1 {
		t.Fatalf("aggregated instances = %+v, %v", agg, err)
	}
	if w := agg.Items["zones/local1-zone2"].Warning; w == nil || w.Code != "NO_RESULTS_ON_PAGE" {
		t.Fatalf("empty scope zones/local1-zone2 = %+v", agg.Items["zones/local1-zone2"])
	}
	agg, err = e.gce.Instances.AggregatedList(e.project).Filter(`name eq ^vm1$`).Do()
	if err != nil || len(agg.Items["zones/local1-zone1"].Instances) != 1 {
		t.Fatalf("aggregated instances by name = %+v, %v", agg, err)
	}
	l, err := e.gce.Instances.List(e.project, "local1-zone1").Filter("labels.env eq prod").Do()
	if err != nil || len(l.Items) != 0 {
		t.Fatalf("filtered list = %+v, %v", l, err)
	}

	e.mustOK(e.gce.Instances.Stop(e.project, "local1-zone1", "vm1").Do())
	vm, _ = e.gce.Instances.Get(e.project, "local1-zone1", "vm1").Do()
	if vm.Status != "TERMINATED" {
		t.Fatalf("stopped status = %s", vm.Status)
	}
	e.mustOK(e.gce.Instances.SetMachineType(e.project, "local1-zone1", "vm1", &compute.InstancesSetMachineTypeRequest{
		MachineType: "zones/local1-zone1/machineTypes/custom-2-2048"}).Do())
	vm, _ = e.gce.Instances.Get(e.project, "local1-zone1", "vm1").Do()
	if !strings.HasSuffix(vm.MachineType, "/machineTypes/custom-2-2048") {
		t.Fatalf("machine type after set = %s", vm.MachineType)
	}
	e.mustOK(e.gce.Instances.Start(e.project, "local1-zone1", "vm1").Do())
	_, err = e.gce.Instances.SetMachineType(e.project, "local1-zone1", "vm1", &compute.InstancesSetMachineTypeRequest{
		MachineType: "zones/local1-zone1/machineTypes/large-instance"}).Do()
	apiErr(t, err, 400, "")

	vm, _ = e.gce.Instances.Get(e.project, "local1-zone1", "vm1").Do()
	stale := vm.LabelFingerprint
	e.mustOK(e.gce.Instances.SetLabels(e.project, "local1-zone1", "vm1", &compute.InstancesSetLabelsRequest{
		Labels: map[string]string{"env": "prod", "team": "a"}, LabelFingerprint: stale}).Do())
	_, err = e.gce.Instances.SetLabels(e.project, "local1-zone1", "vm1", &compute.InstancesSetLabelsRequest{
		Labels: map[string]string{"env": "x"}, LabelFingerprint: stale}).Do()
	apiErr(t, err, 412, "conditionNotMet")
	vm, _ = e.gce.Instances.Get(e.project, "local1-zone1", "vm1").Do()
	if vm.Labels["env"] != "prod" || vm.Labels["team"] != "a" {
		t.Fatalf("labels = %v", vm.Labels)
	}
	// setMetadata keeps the startup script in the user data.
	k := "v"
	e.mustOK(e.gce.Instances.SetMetadata(e.project, "local1-zone1", "vm1", &compute.Metadata{
		Fingerprint: vm.Metadata.Fingerprint, Items: append(vm.Metadata.Items, &compute.MetadataItems{Key: "k", Value: &k})}).Do())
	vm, _ = e.gce.Instances.Get(e.project, "local1-zone1", "vm1").Do()
	if len(vm.Metadata.Items) != 2 {
		t.Fatalf("metadata = %+v", vm.Metadata.Items)
	}
	_, err = e.gce.Instances.SetMetadata(e.project, "local1-zone1", "vm1", &compute.Metadata{Fingerprint: "AAAAAAAAAAA="}).Do()
	apiErr(t, err, 412, "conditionNotMet")
	e.mustOK(e.gce.Instances.SetTags(e.project, "local1-zone1", "vm1", &compute.Tags{Items: []string{"web"}, Fingerprint: vm.Tags.Fingerprint}).Do())

	out, err := e.gce.Instances.GetSerialPortOutput(e.project, "local1-zone1", "vm1").Do()
	if err != nil || out.Contents == "" || out.Next == 0 {
		t.Fatalf("serial port = %+v, %v", out, err)
	}
	e.mustOK(e.gce.Instances.Reset(e.project, "local1-zone1", "vm1").Do())

	e.mustOK(e.gce.Instances.Delete(e.project, "local1-zone1", "vm1").Do())
	_, err = e.gce.Instances.Get(e.project, "local1-zone1", "vm1").Do()
	apiErr(t, err, 404, "notFound")
}

func findVM(t *testing.T, e *env, name string) *translate.Instance {
	t.Helper()
	insts, err := e.svc.Instances(e.ctx(), translate.InstanceQuery{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	for i := range insts {
		if insts[i].Name == name && insts[i].State != translate.StateDestroyed && insts[i].State != translate.StateExpunging {
			return &insts[i]
		}
	}
	t.Fatalf("no CloudStack VM %s", name)
	return nil
}

// liveVMs counts the demo user's VMs that are not destroyed.
func liveVMs(t *testing.T, e *env) int {
	t.Helper()
	insts, err := e.svc.Instances(e.ctx(), translate.InstanceQuery{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, in := range insts {
		if in.State != translate.StateDestroyed && in.State != translate.StateExpunging {
			n++
		}
	}
	return n
}

func TestInstanceErrors(t *testing.T) {
	e := newEnv(t)
	base := func(name, mt, image string) *compute.Instance {
		return &compute.Instance{
			Name: name, MachineType: "zones/local1-zone1/machineTypes/" + mt,
			Disks: []*compute.AttachedDisk{{Boot: true, InitializeParams: &compute.AttachedDiskInitializeParams{SourceImage: image}}},
		}
	}
	debian := "projects/debian-cloud/global/images/family/debian-12"
	_, err := e.gce.Instances.Insert(e.project, "nosuch", base("vm-a", "small-instance", debian)).Do()
	apiErr(t, err, 404, "notFound")
	_, err = e.gce.Instances.Insert(e.project, "local1-zone1", base("vm-a", "small-instance", "projects/debian-cloud/global/images/family/debian-99")).Do()
	apiErr(t, err, 404, "notFound")
	_, err = e.gce.Instances.Insert(e.project, "local1-zone1", base("vm-a", "nosuch-type", debian)).Do()
	apiErr(t, err, 400, "invalid")
	_, err = e.gce.Instances.Insert(e.project, "local1-zone1", base("Bad_Name", "small-instance", debian)).Do()
	apiErr(t, err, 400, "invalid")
	_, err = e.gce.Instances.Get(e.project, "local1-zone1", "nosuch").Do()
	apiErr(t, err, 404, "notFound")
	if n := liveVMs(t, e); n != 0 {
		t.Fatalf("%d VMs left after rejected inserts", n)
	}

	e.mustOK(e.gce.Instances.Insert(e.project, "local1-zone1", base("vm-b", "small-instance", debian)).Do())
	_, err = e.gce.Instances.Insert(e.project, "local1-zone1", base("vm-b", "small-instance", debian)).Do()
	apiErr(t, err, 409, "alreadyExists")

	// More CPUs than any host has: the deploy job fails and the operation
	// reports it; no VM is left behind.
	op := e.wait(e.gce.Instances.Insert(e.project, "local1-zone1", base("vm-huge", "custom-16-32768", debian)).Do())
	if op.Error == nil || len(op.Error.Errors) == 0 || op.Error.Errors[0].Code != "ZONE_RESOURCE_POOL_EXHAUSTED" || op.HttpErrorStatusCode != 503 {
		t.Fatalf("capacity op = %+v (error %+v)", op, op.Error)
	}
	if n := liveVMs(t, e); n != 1 {
		t.Fatalf("%d VMs after failed insert, want 1", n)
	}
	vols, err := e.svc.Volumes(e.ctx(), translate.VolumeQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vols {
		if v.InstanceName == "vm-huge" {
			t.Fatalf("volume %s of the failed VM left behind", v.Name)
		}
	}
	e.mustOK(e.gce.Instances.Delete(e.project, "local1-zone1", "vm-b").Do())
}

func TestInsertRequestID(t *testing.T) {
	e := newEnv(t)
	mk := func() *compute.Instance {
		return &compute.Instance{Name: "idem", MachineType: "zones/local1-zone1/machineTypes/small-instance",
			Disks: []*compute.AttachedDisk{{Boot: true, InitializeParams: &compute.AttachedDiskInitializeParams{
				SourceImage: "projects/debian-cloud/global/images/family/debian-12"}}}}
	}
	first, err := e.gce.Instances.Insert(e.project, "local1-zone1", mk()).RequestId("6f1c1c1e-0000-4000-8000-000000000001").Do()
	if err != nil {
		t.Fatal(err)
	}
	second, err := e.gce.Instances.Insert(e.project, "local1-zone1", mk()).RequestId("6f1c1c1e-0000-4000-8000-000000000001").Do()
	if err != nil {
		t.Fatal(err)
	}
	if second.Name != first.Name {
		t.Fatalf("retried insert answered %s, want %s", second.Name, first.Name)
	}
	e.mustOK(first, nil)
	third, err := e.gce.Instances.Insert(e.project, "local1-zone1", mk()).RequestId("6f1c1c1e-0000-4000-8000-000000000001").Do()
	if err != nil || third.Name != first.Name {
		t.Fatalf("retry after completion = %v, %v", third, err)
	}
	_, err = e.gce.Instances.Insert(e.project, "local1-zone1", mk()).RequestId("6f1c1c1e-0000-4000-8000-000000000002").Do()
	apiErr(t, err, 409, "alreadyExists")
	if n := liveVMs(t, e); n != 1 {
		t.Fatalf("%d VMs, want 1", n)
	}
}
