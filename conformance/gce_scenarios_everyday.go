package conformance

import (
	"context"
	"net/http"
	"strings"

	compute "google.golang.org/api/compute/v1"
)

// Everyday GCE commands of issue 16 that no other scenario asserts: each
// one is read back as written or refused with Google's error.

// gceEverydayReadback covers `gcloud compute disks create --type pd-ssd`
// and `--source-snapshot`, `instances set-disk-auto-delete`,
// `instances delete-access-config`/`add-access-config` and
// `instances resume`.
func gceEverydayReadback() scenario {
	return scenario{
		name: "gce/everyday-readback", api: "gce",
		ops: []string{"compute.disks.insert", "compute.disks.get", "compute.disks.createSnapshot", "compute.snapshots.get",
			"compute.instances.setDiskAutoDelete", "compute.instances.deleteAccessConfig", "compute.instances.addAccessConfig",
			"compute.instances.resume", "compute.diskTypes.get"},
		run: func(t *scenarioT) {
			svc, p := t.env.gce, t.env.cfg.GCEProject
			cat := t.catalogGCE()

			// disks create --type pd-ssd: the type reads back as written.
			if _, err := svc.DiskTypes.Get(p, cat.zone, "pd-ssd").Context(t.ctx).Do(); err == nil {
				name := t.env.name("ssd")
				op, err := svc.Disks.Insert(p, cat.zone, &compute.Disk{Name: name, SizeGb: 10,
					Type: "zones/" + cat.zone + "/diskTypes/pd-ssd"}).Context(t.ctx).Do()
				t.Must(err, "disks.insert --type pd-ssd")
				t.Defer("delete disk "+name, func(ctx context.Context) error {
					_, err := svc.Disks.Delete(p, cat.zone, name).Context(ctx).Do()
					return ignoreGCENotFound(err)
				})
				t.waitOp(op, "compute.disks.insert")
				d := t.waitDisk(name)
				Equal(t, "disk type", lastSegment(d.Type), "pd-ssd")
			} else {
				t.ExpectGCE(err, http.StatusNotFound, "", "diskTypes.get pd-ssd")
			}

			name := t.env.name("vm-ev")
			body := t.gceInstance(name)
			body.NetworkInterfaces[0].AccessConfigs = []*compute.AccessConfig{{Name: "external-nat", Type: "ONE_TO_ONE_NAT"}}
			op, err := svc.Instances.Insert(p, cat.zone, body).Context(t.ctx).Do()
			t.Must(err, "instances.insert with an access config")
			t.Defer("delete instance "+name, func(ctx context.Context) error {
				return deleteInstanceAndWait(ctx, svc, p, cat.zone, name)
			})
			t.waitOp(op, "compute.instances.insert")
			vm := t.waitInstanceStatus(name, "RUNNING", "compute.instances.insert")
			t.Check(len(vm.NetworkInterfaces) == 1 && len(vm.NetworkInterfaces[0].AccessConfigs) == 1,
				"an instance inserted with an access config shows %s", jsonOf(vm.NetworkInterfaces))
			boot := vm.Disks[0]

			// set-disk-auto-delete on the boot disk, both ways.
			for _, auto := range []bool{false, true} {
				op, err := svc.Instances.SetDiskAutoDelete(p, cat.zone, vm.Name, auto, boot.DeviceName).Context(t.ctx).Do()
				t.Must(err, "instances.setDiskAutoDelete")
				t.waitOp(op, "compute.instances.setDiskAutoDelete")
				got, err := svc.Instances.Get(p, cat.zone, vm.Name).Context(t.ctx).Do()
				t.Must(err, "instances.get")
				Equal(t, "boot disk autoDelete", got.Disks[0].AutoDelete, auto)
			}

			// disks create --source-snapshot from a snapshot of the boot disk.
			snap, disk := t.env.name("evsnap"), t.env.name("evdisk")
			op, err = svc.Disks.CreateSnapshot(p, cat.zone, lastSegment(boot.Source), &compute.Snapshot{Name: snap}).Context(t.ctx).Do()
			t.Must(err, "disks.createSnapshot of a boot disk")
			t.Defer("delete snapshot "+snap, func(ctx context.Context) error {
				_, err := svc.Snapshots.Delete(p, snap).Context(ctx).Do()
				return ignoreGCENotFound(err)
			})
			t.waitOp(op, "compute.disks.createSnapshot")
			t.WaitFor("snapshot "+snap+" READY", "compute.disks.createSnapshot", func() (bool, string, error) {
				s, err := svc.Snapshots.Get(p, snap).Context(t.ctx).Do()
				if err != nil {
					return false, "", err
				}
				return s.Status == "READY", s.Status, nil
			})
			op, err = svc.Disks.Insert(p, cat.zone, &compute.Disk{Name: disk, SourceSnapshot: "global/snapshots/" + snap}).Context(t.ctx).Do()
			t.Must(err, "disks.insert --source-snapshot")
			t.Defer("delete disk "+disk, func(ctx context.Context) error {
				_, err := svc.Disks.Delete(p, cat.zone, disk).Context(ctx).Do()
				return ignoreGCENotFound(err)
			})
			t.waitOp(op, "compute.disks.insert")
			d := t.waitDisk(disk)
			t.Check(strings.HasSuffix(d.SourceSnapshot, "/global/snapshots/"+snap), "sourceSnapshot reads back %q", d.SourceSnapshot)
			t.Check(d.SizeGb >= boot.DiskSizeGb, "a disk from a snapshot of a %d GB disk has %d GB", boot.DiskSizeGb, d.SizeGb)

			// delete-access-config, then add-access-config: each works and
			// reads back, or is refused and changes nothing.
			nic := vm.NetworkInterfaces[0]
			if len(nic.AccessConfigs) == 1 {
				before := nic.AccessConfigs[0]
				op, err = svc.Instances.DeleteAccessConfig(p, cat.zone, vm.Name, before.Name, nic.Name).Context(t.ctx).Do()
				got := func() *compute.NetworkInterface {
					in, err := svc.Instances.Get(p, cat.zone, vm.Name).Context(t.ctx).Do()
					t.Must(err, "instances.get")
					return in.NetworkInterfaces[0]
				}
				if err != nil {
					code, _, msg := gceError(err)
					t.Check(code == http.StatusBadRequest || code == http.StatusNotImplemented, "deleteAccessConfig: want a 400 or 501, got %v", err)
					t.Check(msg != "", "deleteAccessConfig refused without a message")
					Equal(t, "access configs after a refused deleteAccessConfig", len(got().AccessConfigs), 1)
				} else {
					t.waitOp(op, "compute.instances.deleteAccessConfig")
					Equal(t, "access configs after deleteAccessConfig", len(got().AccessConfigs), 0)
					op, err = svc.Instances.AddAccessConfig(p, cat.zone, vm.Name, nic.Name,
						&compute.AccessConfig{Name: "external-nat", Type: "ONE_TO_ONE_NAT"}).Context(t.ctx).Do()
					t.Must(err, "instances.addAccessConfig")
					t.waitOp(op, "compute.instances.addAccessConfig")
					acs := got().AccessConfigs
					t.Check(len(acs) == 1 && acs[0].NatIP != "", "access configs after addAccessConfig: %s", jsonOf(acs))
				}
			}

			// resume (like suspend): CloudStack has no suspended state.
			_, err = svc.Instances.Resume(p, cat.zone, vm.Name).Context(t.ctx).Do()
			t.Check(err != nil && gceUnsupported(err), "instances.resume: want 501 in Google's format, got %v", err)
		},
	}
}
