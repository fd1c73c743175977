package conformance

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	compute "google.golang.org/api/compute/v1"
)

// gceImageFromSnapshot snapshots an instance's boot disk with the global
// snapshots.insert, makes an image from the snapshot, reads its source
// back and boots an instance from it; an image from another image and a
// data disk from an image either are made (GCE) or are refused with 400
// naming sourceImage (CloudStack cannot copy a template into a new one
// nor create a data volume from one), never a success that did something
// else.
func gceImageFromSnapshot() scenario {
	return scenario{
		name: "gce/images/from-snapshot", api: "gce",
		ops: []string{"compute.snapshots.insert", "compute.snapshots.get", "compute.images.insert", "compute.images.get",
			"compute.instances.insert", "compute.disks.insert", "compute.images.delete", "compute.snapshots.delete"},
		run: func(t *scenarioT) {
			svc, p := t.env.gce, t.env.cfg.GCEProject
			cat := t.catalogGCE()
			vm := t.runInstance(t.env.name("vm-imgsrc"))
			snap := t.env.name("snap-boot")
			op, err := svc.Snapshots.Insert(p, &compute.Snapshot{Name: snap, SourceDisk: vm.Disks[0].Source}).Context(t.ctx).Do()
			t.Must(err, "snapshots.insert with sourceDisk")
			t.Defer("delete snapshot "+snap, func(ctx context.Context) error {
				_, err := svc.Snapshots.Delete(p, snap).Context(ctx).Do()
				return ignoreGCENotFound(err)
			})
			t.waitOp(op, "compute.snapshots.insert")
			var sn *compute.Snapshot
			t.WaitFor("snapshot "+snap+" READY", "compute.snapshots.insert", func() (bool, string, error) {
				sn, err = svc.Snapshots.Get(p, snap).Context(t.ctx).Do()
				if err != nil {
					return false, "", err
				}
				return sn.Status == "READY", sn.Status, nil
			})
			t.Check(lastSegment(sn.SourceDisk) == lastSegment(vm.Disks[0].Source), "snapshot sourceDisk %q, want the boot disk %q", sn.SourceDisk, vm.Disks[0].Source)

			name := t.env.name("img-snap")
			op, err = svc.Images.Insert(p, &compute.Image{Name: name, Family: t.env.name("fam"), SourceSnapshot: sn.SelfLink}).Context(t.ctx).Do()
			t.Must(err, "images.insert with sourceSnapshot")
			t.Defer("delete image "+name, func(ctx context.Context) error {
				_, err := svc.Images.Delete(p, name).Context(ctx).Do()
				return ignoreGCENotFound(err)
			})
			t.waitOp(op, "compute.images.insert")
			var img *compute.Image
			t.WaitFor("image "+name+" READY", "compute.images.insert", func() (bool, string, error) {
				img, err = svc.Images.Get(p, name).Context(t.ctx).Do()
				if err != nil {
					return false, "", err
				}
				return img.Status == "READY", img.Status, nil
			})
			t.Check(strings.HasSuffix(img.SourceSnapshot, "/global/snapshots/"+snap), "image sourceSnapshot %q does not name %s", img.SourceSnapshot, snap)
			t.Check(img.SourceSnapshotId != "" && img.SourceSnapshotId == strconv.FormatUint(sn.Id, 10), "image sourceSnapshotId %q, snapshot id %d", img.SourceSnapshotId, sn.Id)

			vm2 := t.env.name("vm-fromsnap")
			body := t.gceInstance(vm2)
			body.Disks[0].InitializeParams.SourceImage = img.SelfLink
			op, err = svc.Instances.Insert(p, cat.zone, body).Context(t.ctx).Do()
			t.Must(err, "instances.insert from the image made from a snapshot")
			t.Defer("delete instance "+vm2, func(ctx context.Context) error {
				_, err := svc.Instances.Delete(p, cat.zone, vm2).Context(ctx).Do()
				return ignoreGCENotFound(err)
			})
			t.waitOp(op, "compute.instances.insert")
			t.waitInstanceStatus(vm2, "RUNNING", "compute.instances.insert")

			cp := t.env.name("img-copy")
			op, err = svc.Images.Insert(p, &compute.Image{Name: cp, SourceImage: img.SelfLink}).Context(t.ctx).Do()
			if err == nil {
				t.Defer("delete image "+cp, func(ctx context.Context) error {
					_, err := svc.Images.Delete(p, cp).Context(ctx).Do()
					return ignoreGCENotFound(err)
				})
				t.waitOp(op, "compute.images.insert")
				got, err := svc.Images.Get(p, cp).Context(t.ctx).Do()
				t.Must(err, "images.get of the copy")
				t.Check(got.Id != img.Id, "the copy has the source's id %d", img.Id)
			} else {
				t.ExpectGCE(err, http.StatusBadRequest, "", "images.insert with sourceImage where images cannot be copied")
				_, _, msg := gceError(err)
				t.Check(strings.Contains(msg, "sourceImage"), "images.insert sourceImage refusal %q does not name the field", msg)
			}

			dn := t.env.name("disk-img")
			op, err = svc.Disks.Insert(p, cat.zone, &compute.Disk{Name: dn, SourceImage: img.SelfLink}).Context(t.ctx).Do()
			if err == nil {
				t.Defer("delete disk "+dn, func(ctx context.Context) error {
					_, err := svc.Disks.Delete(p, cat.zone, dn).Context(ctx).Do()
					return ignoreGCENotFound(err)
				})
				t.waitOp(op, "compute.disks.insert")
			} else {
				t.ExpectGCE(err, http.StatusBadRequest, "", "disks.insert with sourceImage where data disks cannot come from images")
				_, _, msg := gceError(err)
				t.Check(strings.Contains(msg, "sourceImage"), "disks.insert sourceImage refusal %q does not name the field", msg)
				_, err = svc.Disks.Get(p, cat.zone, dn).Context(t.ctx).Do()
				t.Check(isGCENotFound(err), "a refused disk exists (get: %v)", err)
			}
		},
	}
}

// gceInstanceCreateDisk inserts an instance with a second disk created at
// insert (gcloud --create-disk): the disk is attached with its deviceName
// and autoDelete, and goes with the instance.
func gceInstanceCreateDisk() scenario {
	return scenario{
		name: "gce/instances/create-disk", api: "gce",
		ops: []string{"compute.instances.insert", "compute.instances.get", "compute.disks.get", "compute.instances.delete"},
		run: func(t *scenarioT) {
			svc, p := t.env.gce, t.env.cfg.GCEProject
			cat := t.catalogGCE()
			name, data := t.env.name("vm-cdisk"), t.env.name("cdisk")
			body := t.gceInstance(name)
			body.Disks = append(body.Disks, &compute.AttachedDisk{AutoDelete: true, DeviceName: "extra",
				InitializeParams: &compute.AttachedDiskInitializeParams{DiskName: data, DiskSizeGb: 10}})
			op, err := svc.Instances.Insert(p, cat.zone, body).Context(t.ctx).Do()
			t.Must(err, "instances.insert with a disk to create")
			t.Defer("delete instance "+name, func(ctx context.Context) error {
				_, err := svc.Instances.Delete(p, cat.zone, name).Context(ctx).Do()
				return ignoreGCENotFound(err)
			})
			t.Defer("delete disk "+data, func(ctx context.Context) error {
				_, err := svc.Disks.Delete(p, cat.zone, data).Context(ctx).Do()
				return ignoreGCENotFound(err)
			})
			t.waitOp(op, "compute.instances.insert")
			vm := t.waitInstanceStatus(name, "RUNNING", "compute.instances.insert")
			Equal(t, "disks", len(vm.Disks), 2)
			if len(vm.Disks) == 2 {
				d := vm.Disks[1]
				t.Check(lastSegment(d.Source) == data && d.DeviceName == "extra" && d.AutoDelete && !d.Boot,
					"created disk reads back source %s deviceName %s autoDelete %v boot %v", d.Source, d.DeviceName, d.AutoDelete, d.Boot)
			}
			dd, err := svc.Disks.Get(p, cat.zone, data).Context(t.ctx).Do()
			t.Must(err, "disks.get of the created disk")
			Equal(t, "created disk sizeGb", dd.SizeGb, int64(10))
			t.Check(len(dd.Users) == 1 && lastSegment(dd.Users[0]) == name, "created disk users %v", dd.Users)
			del, err := svc.Instances.Delete(p, cat.zone, name).Context(t.ctx).Do()
			t.Must(err, "instances.delete")
			t.waitOp(del, "compute.instances.delete")
			t.WaitFor("disk "+data+" deleted with its instance", "compute.instances.delete", func() (bool, string, error) {
				_, err := svc.Disks.Get(p, cat.zone, data).Context(t.ctx).Do()
				if isGCENotFound(err) {
					return true, "deleted", nil
				}
				return false, "present", err
			})
		},
	}
}
