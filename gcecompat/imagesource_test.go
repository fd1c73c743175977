package gcecompat_test

import (
	"strconv"
	"strings"
	"testing"

	compute "google.golang.org/api/compute/v1"
)

// TestImageSources: images from a snapshot (createTemplate snapshotid=)
// and from a disk read their source back; an image made in one zone boots
// an instance in another (the template is copied there); sourceImage and
// two sources are refused naming the field.
func TestImageSources(t *testing.T) {
	e := newEnv(t)
	e.insertVM("vm1", "small-instance")
	e.mustOK(e.gce.Disks.CreateSnapshot(e.project, e.zone, "vm1", &compute.Snapshot{Name: "boot-snap"}).Do())
	sn, err := e.gce.Snapshots.Get(e.project, "boot-snap").Do()
	if err != nil {
		t.Fatal(err)
	}
	e.mustOK(e.gce.Images.Insert(e.project, &compute.Image{Name: "from-snap", Family: "golden", Description: "from a snapshot",
		SourceSnapshot: "global/snapshots/boot-snap", Labels: map[string]string{"k": "v"}}).Do())
	im, err := e.gce.Images.Get(e.project, "from-snap").Do()
	if err != nil || !strings.HasSuffix(im.SourceSnapshot, "/projects/"+e.project+"/global/snapshots/boot-snap") ||
		im.SourceSnapshotId != strconv.FormatUint(sn.Id, 10) || im.SourceDisk != "" || im.Family != "golden" ||
		im.Description != "from a snapshot" || im.Labels["k"] != "v" || im.Status != "READY" {
		t.Fatalf("image from a snapshot = %+v, %v", im, err)
	}
	_, err = e.gce.Images.Insert(e.project, &compute.Image{Name: "from-snap", SourceSnapshot: "global/snapshots/boot-snap"}).Do()
	apiErr(t, err, 409, "alreadyExists")
	_, err = e.gce.Images.Insert(e.project, &compute.Image{Name: "nosnap", SourceSnapshot: "global/snapshots/nosuch"}).Do()
	apiErr(t, err, 404, "notFound")

	// The image boots in the other zone: CloudStack copies the template there.
	e.mustOK(e.gce.Instances.Insert(e.project, "local1-zone2", &compute.Instance{
		Name:        "vm2",
		MachineType: "zones/local1-zone2/machineTypes/small-instance",
		Disks: []*compute.AttachedDisk{{Boot: true, AutoDelete: true, InitializeParams: &compute.AttachedDiskInitializeParams{
			SourceImage: "global/images/from-snap"}}},
		NetworkInterfaces: []*compute.NetworkInterface{{Network: "global/networks/default"}},
	}).Do())
	vm2, err := e.gce.Instances.Get(e.project, "local1-zone2", "vm2").Do()
	if err != nil || vm2.Status != "RUNNING" {
		t.Fatalf("vm2 = %+v, %v", vm2, err)
	}

	// From a stopped instance's boot disk: sourceDisk reads back.
	e.mustOK(e.gce.Instances.Stop(e.project, e.zone, "vm1").Do())
	e.mustOK(e.gce.Images.Insert(e.project, &compute.Image{Name: "from-disk", SourceDisk: "zones/" + e.zone + "/disks/vm1"}).Do())
	d, _ := e.gce.Disks.Get(e.project, e.zone, "vm1").Do()
	if im, err = e.gce.Images.Get(e.project, "from-disk").Do(); err != nil || !strings.HasSuffix(im.SourceDisk, "/zones/"+e.zone+"/disks/vm1") ||
		im.SourceDiskId != strconv.FormatUint(d.Id, 10) || im.SourceSnapshot != "" {
		t.Fatalf("image from a disk = %+v, %v", im, err)
	}

	_, err = e.gce.Images.Insert(e.project, &compute.Image{Name: "copy", SourceImage: "global/images/from-snap"}).Do()
	apiErr(t, err, 400, "invalid")
	if !strings.Contains(err.Error(), "sourceImage") {
		t.Fatalf("sourceImage refusal does not name the field: %v", err)
	}
	_, err = e.gce.Images.Insert(e.project, &compute.Image{Name: "both", SourceSnapshot: "global/snapshots/boot-snap", SourceDisk: "zones/" + e.zone + "/disks/vm1"}).Do()
	apiErr(t, err, 400, "invalid")
	_, err = e.gce.Images.Insert(e.project, &compute.Image{Name: "none"}).Do()
	apiErr(t, err, 400, "invalid")

	e.mustOK(e.gce.Images.Delete(e.project, "from-snap").Do()) // in use by vm2: GCE deletes it anyway
	if _, err := e.gce.Images.Get(e.project, "from-snap").Do(); err == nil {
		t.Fatal("deleted image still there")
	}
}
