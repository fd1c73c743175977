package conformance

import (
	"context"
	"net/http"
	"strings"

	compute "google.golang.org/api/compute/v1"
)

// insertDisk creates a blank 10 GB disk in the discovered zone, waits for
// the operation and pushes its deletion.
func (t *scenarioT) insertDisk(name string) {
	svc, p := t.env.gce, t.env.cfg.GCEProject
	cat := t.catalogGCE()
	op, err := svc.Disks.Insert(p, cat.zone, &compute.Disk{Name: name, SizeGb: 10}).Context(t.ctx).Do()
	t.Must(err, "disks.insert")
	t.Defer("delete disk "+name, func(ctx context.Context) error {
		_, err := svc.Disks.Delete(p, cat.zone, name).Context(ctx).Do()
		return ignoreGCENotFound(err)
	})
	t.Check(op.Zone != "", "zonal operation %s without zone", op.Name)
	t.waitOp(op, "compute.disks.insert")
}

// waitDisk polls disks.get until the disk's status is READY.
func (t *scenarioT) waitDisk(name string) *compute.Disk {
	svc, p := t.env.gce, t.env.cfg.GCEProject
	cat := t.catalogGCE()
	var d *compute.Disk
	t.WaitFor("disk "+name+" READY", "compute.disks.insert", func() (bool, string, error) {
		var err error
		d, err = svc.Disks.Get(p, cat.zone, name).Context(t.ctx).Do()
		if err != nil {
			return false, "", err
		}
		return d.Status == "READY", d.Status, nil
	})
	return d
}

func gceDisks() scenario {
	return scenario{
		name: "gce/disks", api: "gce",
		ops: []string{"compute.disks.insert", "compute.disks.get", "compute.disks.list", "compute.disks.delete", "compute.zoneOperations.wait"},
		run: func(t *scenarioT) {
			svc, p := t.env.gce, t.env.cfg.GCEProject
			cat := t.catalogGCE()
			name := t.env.name("disk")
			t.insertDisk(name)
			d := t.waitDisk(name)
			Equal(t, "sizeGb", d.SizeGb, int64(10))
			Equal(t, "zone", lastSegment(d.Zone), cat.zone)
			t.Check(d.SelfLink != "", "disk without selfLink")
			list, err := svc.Disks.List(p, cat.zone).Filter(nameFilter(name)).Context(t.ctx).Do()
			t.Must(err, "disks.list filter")
			t.Check(len(list.Items) == 1 && list.Items[0].Name == name, "filter %s returned %d items", nameFilter(name), len(list.Items))
			_, err = svc.Disks.Insert(p, cat.zone, &compute.Disk{Name: name, SizeGb: 10}).Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusConflict, "alreadyExists", "disks.insert of a taken name")
			op, err := svc.Disks.Delete(p, cat.zone, name).Context(t.ctx).Do()
			t.Must(err, "disks.delete")
			t.waitOp(op, "compute.disks.delete")
			_, err = svc.Disks.Get(p, cat.zone, name).Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusNotFound, "notFound", "disks.get of a deleted disk")
		},
	}
}

func gceSnapshots() scenario {
	return scenario{
		name: "gce/snapshots", api: "gce",
		ops: []string{"compute.instances.insert", "compute.disks.createSnapshot", "compute.snapshots.get", "compute.snapshots.list", "compute.snapshots.delete", "compute.instances.delete"},
		run: func(t *scenarioT) {
			inst := t.runInstance(t.env.name("snapvm"))
			t.Check(len(inst.Disks) > 0 && inst.Disks[0].Source != "", "instance %s has no boot disk source", inst.Name)
			t.snapshotDisk(lastSegment(inst.Disks[0].Source))
		},
	}
}

func gceSnapshotsBlankDisk() scenario {
	return scenario{
		name: "gce/snapshots/blank-disk", api: "gce",
		ops: []string{"compute.disks.insert", "compute.disks.createSnapshot", "compute.snapshots.get", "compute.snapshots.delete", "compute.disks.delete"},
		run: func(t *scenarioT) {
			disk := t.env.name("snapdisk")
			t.insertDisk(disk)
			t.waitDisk(disk)
			// CloudStack allocates a volume's storage at its first attach
			// (VolumeApiServiceImpl.takeSnapshot refuses a volume that is
			// not Ready): a cloud that cannot snapshot a never-attached disk
			// must say so with GCE's 400 resourceNotReady and create
			// nothing; one that can must snapshot it.
			svc, p := t.env.gce, t.env.cfg.GCEProject
			cat := t.catalogGCE()
			name := t.env.name("snap-blank")
			op, err := svc.Disks.CreateSnapshot(p, cat.zone, disk, &compute.Snapshot{Name: name}).Context(t.ctx).Do()
			if err == nil {
				t.waitOp(op, "compute.disks.createSnapshot")
				_, _ = svc.Snapshots.Delete(p, name).Context(t.ctx).Do()
				t.snapshotDisk(disk)
				return
			}
			t.ExpectGCE(err, http.StatusBadRequest, "resourceNotReady", "disks.createSnapshot of a never-attached disk")
			_, _, msg := gceError(err)
			t.Check(strings.Contains(msg, "never been attached"), "disks.createSnapshot error %q does not say why", msg)
			_, err = svc.Snapshots.Get(p, name).Context(t.ctx).Do()
			t.Check(isGCENotFound(err), "a refused snapshot exists (get: %v)", err)
		},
	}
}

// snapshotDisk snapshots disk, waits until READY, checks get/list,
// deletes the snapshot and checks 404.
func (t *scenarioT) snapshotDisk(disk string) {
	svc, p := t.env.gce, t.env.cfg.GCEProject
	cat := t.catalogGCE()
	name := t.env.name("snap")
	op, err := svc.Disks.CreateSnapshot(p, cat.zone, disk, &compute.Snapshot{Name: name}).Context(t.ctx).Do()
	t.Must(err, "disks.createSnapshot")
	t.Defer("delete snapshot "+name, func(ctx context.Context) error {
		_, err := svc.Snapshots.Delete(p, name).Context(ctx).Do()
		return ignoreGCENotFound(err)
	})
	t.waitOp(op, "compute.disks.createSnapshot")
	var s *compute.Snapshot
	t.WaitFor("snapshot "+name+" READY", "compute.disks.createSnapshot", func() (bool, string, error) {
		s, err = svc.Snapshots.Get(p, name).Context(t.ctx).Do()
		if err != nil {
			return false, "", err
		}
		if s.Status == "FAILED" {
			t.Fatalf("snapshot %s FAILED", name)
		}
		return s.Status == "READY", s.Status, nil
	})
	t.Check(strings.HasSuffix(s.SourceDisk, "/disks/"+disk), "sourceDisk %q does not name %s", s.SourceDisk, disk)
	list, err := svc.Snapshots.List(p).Filter(nameFilter(name)).Context(t.ctx).Do()
	t.Must(err, "snapshots.list filter")
	Equal(t, "snapshots matching "+nameFilter(name), len(list.Items), 1)
	del, err := svc.Snapshots.Delete(p, name).Context(t.ctx).Do()
	t.Must(err, "snapshots.delete")
	t.waitOp(del, "compute.snapshots.delete")
	_, err = svc.Snapshots.Get(p, name).Context(t.ctx).Do()
	t.ExpectGCE(err, http.StatusNotFound, "notFound", "snapshots.get of a deleted snapshot")
}
