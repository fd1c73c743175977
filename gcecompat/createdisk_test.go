package gcecompat_test

import (
	"strings"
	"testing"

	"github.com/apache/cloudstack-go/v2/cloudstack"
	compute "google.golang.org/api/compute/v1"
)

func dataDiskVM(e *env, name string, data ...*compute.AttachedDisk) *compute.Instance {
	return &compute.Instance{
		Name:        name,
		MachineType: "zones/" + e.zone + "/machineTypes/small-instance",
		Disks: append([]*compute.AttachedDisk{{Boot: true, AutoDelete: true, InitializeParams: &compute.AttachedDiskInitializeParams{
			SourceImage: "projects/debian-cloud/global/images/family/debian-12"}}}, data...),
		NetworkInterfaces: []*compute.NetworkInterface{{Network: "global/networks/default"}},
	}
}

// TestInsertCreatesDataDisks: instances.insert creates a data disk from
// initializeParams (gcloud --create-disk), attaches it with its deviceName
// and autoDelete, a retry does not make another, instances.delete deletes
// the autoDelete disks and keeps the others; what CloudStack cannot do is
// refused naming the field, with nothing created.
func TestInsertCreatesDataDisks(t *testing.T) {
	e := newEnv(t)
	disk := func(name string, size int64, auto bool, device string) *compute.AttachedDisk {
		return &compute.AttachedDisk{AutoDelete: auto, DeviceName: device, InitializeParams: &compute.AttachedDiskInitializeParams{
			DiskName: name, DiskSizeGb: size, DiskType: "zones/" + e.zone + "/diskTypes/pd-ssd", Labels: map[string]string{"role": "data"}}}
	}
	op, err := e.gce.Instances.Insert(e.project, e.zone, dataDiskVM(e, "vm1", disk("vm1-data", 12, true, "extra"), disk("vm1-keep", 0, false, ""))).RequestId("8f0d7c1e-0000-4000-8000-000000000001").Do()
	e.mustOK(op, err)
	vm, err := e.gce.Instances.Get(e.project, e.zone, "vm1").Do()
	if err != nil || len(vm.Disks) != 3 {
		t.Fatalf("vm1 disks = %+v, %v", vm, err)
	}
	d1, d2 := vm.Disks[1], vm.Disks[2]
	if !strings.HasSuffix(d1.Source, "/disks/vm1-data") || d1.DeviceName != "extra" || !d1.AutoDelete || d1.Boot ||
		!strings.HasSuffix(d2.Source, "/disks/vm1-keep") || d2.DeviceName != "vm1-keep" || d2.AutoDelete {
		t.Fatalf("created data disks read back as %+v / %+v", d1, d2)
	}
	dd, err := e.gce.Disks.Get(e.project, e.zone, "vm1-data").Do()
	if err != nil || dd.SizeGb != 12 || !strings.HasSuffix(dd.Type, "/diskTypes/pd-ssd") || dd.Labels["role"] != "data" || len(dd.Users) != 1 {
		t.Fatalf("vm1-data = %+v, %v", dd, err)
	}
	if dk, err := e.gce.Disks.Get(e.project, e.zone, "vm1-keep").Do(); err != nil || dk.SizeGb != 10 {
		t.Fatalf("vm1-keep (default size) = %+v, %v", dk, err)
	}
	// The same request again: the same instance and disks.
	e.mustOK(e.gce.Instances.Insert(e.project, e.zone, dataDiskVM(e, "vm1", disk("vm1-data", 12, true, "extra"), disk("vm1-keep", 0, false, ""))).RequestId("8f0d7c1e-0000-4000-8000-000000000001").Do())
	if l, _ := e.gce.Disks.List(e.project, e.zone).Do(); len(l.Items) != 3 {
		t.Fatalf("disks after the retry: %d", len(l.Items))
	}

	// Refusals, with nothing created.
	_, err = e.gce.Instances.Insert(e.project, e.zone, dataDiskVM(e, "vm2", disk("vm1-data", 5, false, ""))).Do()
	apiErr(t, err, 409, "alreadyExists")
	img := disk("vm2-img", 5, false, "")
	img.InitializeParams.SourceImage = "projects/debian-cloud/global/images/family/debian-12"
	_, err = e.gce.Instances.Insert(e.project, e.zone, dataDiskVM(e, "vm2", img)).Do()
	apiErr(t, err, 400, "invalid")
	if !strings.Contains(err.Error(), "disks[1].initializeParams.sourceImage") {
		t.Fatalf("sourceImage refusal does not name the field: %v", err)
	}
	_, err = e.gce.Instances.Insert(e.project, e.zone, dataDiskVM(e, "vm2", disk("", 5, false, ""))).Do()
	apiErr(t, err, 400, "invalid")
	if _, err := e.gce.Instances.Get(e.project, e.zone, "vm2").Do(); err == nil {
		t.Fatal("a refused insert left an instance")
	}

	// autoDelete of a data disk can be changed; delete honours it.
	e.mustOK(e.gce.Instances.SetDiskAutoDelete(e.project, e.zone, "vm1", false, "extra").Do())
	e.mustOK(e.gce.Instances.SetDiskAutoDelete(e.project, e.zone, "vm1", true, "extra").Do())
	if vm, _ = e.gce.Instances.Get(e.project, e.zone, "vm1").Do(); !vm.Disks[1].AutoDelete {
		t.Fatalf("setDiskAutoDelete true reads back %+v", vm.Disks[1])
	}
	e.mustOK(e.gce.Instances.Delete(e.project, e.zone, "vm1").Do())
	if _, err := e.gce.Disks.Get(e.project, e.zone, "vm1-data").Do(); err == nil {
		t.Fatal("the autoDelete data disk survived its instance")
	}
	if dk, err := e.gce.Disks.Get(e.project, e.zone, "vm1-keep").Do(); err != nil || len(dk.Users) != 0 {
		t.Fatalf("the kept data disk = %+v, %v", dk, err)
	}

	// attachDisk with autoDelete.
	e.insertVM("vm3", "small-instance")
	e.mustOK(e.gce.Instances.AttachDisk(e.project, e.zone, "vm3", &compute.AttachedDisk{Source: "zones/" + e.zone + "/disks/vm1-keep", AutoDelete: true}).Do())
	if vm, _ = e.gce.Instances.Get(e.project, e.zone, "vm3").Do(); len(vm.Disks) != 2 || !vm.Disks[1].AutoDelete {
		t.Fatalf("attachDisk autoDelete reads back %+v", vm.Disks)
	}
	e.mustOK(e.gce.Instances.Delete(e.project, e.zone, "vm3").Do())
	if _, err := e.gce.Disks.Get(e.project, e.zone, "vm1-keep").Do(); err == nil {
		t.Fatal("a disk attached with autoDelete survived its instance")
	}
}

// TestInsertDataDiskUndo: when the data disk cannot be attached, the insert
// fails and leaves neither the instance nor the disk it created.
func TestInsertDataDiskUndo(t *testing.T) {
	e := newEnv(t)
	_, err := e.gce.Instances.Insert(e.project, e.zone, dataDiskVM(e, "vm1",
		&compute.AttachedDisk{InitializeParams: &compute.AttachedDiskInitializeParams{DiskName: "same"}},
		&compute.AttachedDisk{InitializeParams: &compute.AttachedDiskInitializeParams{DiskName: "same"}})).Do()
	apiErr(t, err, 400, "invalid")
	e.simFault(t, "attachVolume")
	op, err := e.gce.Instances.Insert(e.project, e.zone, dataDiskVM(e, "vm1",
		&compute.AttachedDisk{InitializeParams: &compute.AttachedDiskInitializeParams{DiskName: "vm1-data"}})).Do()
	if err == nil {
		op, err = e.gce.ZoneOperations.Wait(e.project, e.zone, op.Name).Do()
		if err == nil && op.Error == nil {
			t.Fatal("insert succeeded although attachVolume failed")
		}
	}
	if _, err := e.gce.Instances.Get(e.project, e.zone, "vm1").Do(); err == nil {
		t.Fatal("the failed insert left its instance")
	}
	if _, err := e.gce.Disks.Get(e.project, e.zone, "vm1-data").Do(); err == nil {
		t.Fatal("the failed insert left the disk it created")
	}
}

// simFault makes the simulator fail the next call of cmd (as its admin).
func (e *env) simFault(t *testing.T, cmd string) {
	t.Helper()
	key, secret, _ := e.sim.UserKeys("admin")
	adm := cloudstack.NewAsyncClient(e.sim.URL(), key, secret, false, cloudstack.WithHTTPClient(e.sim.HTTPClient()))
	p := &cloudstack.CustomServiceParams{}
	p.SetParam("name", cmd)
	p.SetParam("value", "result:fail|errorcode:530")
	p.SetParam("count", 1)
	var out map[string]any
	if err := adm.Custom.(*cloudstack.CustomService).CustomRequest("configureSimulator", p, &out); err != nil {
		t.Fatalf("configureSimulator: %v", err)
	}
}
