package simulator_test

import (
	"sort"
	"strings"
	"testing"
)

// listVolumes virtualmachineid= (served from the volume index) answers what
// a scan of every volume answers, through create, attach, detach, deploy
// and delete.
func TestVolumesByVMFollowChanges(t *testing.T) {
	srv := mustServer(t, nil)
	cs := mustClient(t, srv, "demo")
	cat := mustCatalog(t, cs)
	a := mustDeploy(t, cs, cat, "ix-a")
	b := mustDeploy(t, cs, cat, "ix-b")
	of := func(vmID string) string {
		t.Helper()
		p := cs.Volume.NewListVolumesParams()
		p.SetVirtualmachineid(vmID)
		l, err := cs.Volume.ListVolumes(p)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, v := range l.Volumes {
			names = append(names, v.Type)
		}
		sort.Strings(names)
		// The scan: every volume, filtered here.
		all, err := cs.Volume.ListVolumes(cs.Volume.NewListVolumesParams())
		if err != nil {
			t.Fatal(err)
		}
		var scan []string
		for _, v := range all.Volumes {
			if v.Virtualmachineid == vmID {
				scan = append(scan, v.Type)
			}
		}
		sort.Strings(scan)
		if strings.Join(names, ",") != strings.Join(scan, ",") {
			t.Fatalf("volumes of %s: by id %v, scan %v", vmID, names, scan)
		}
		return strings.Join(names, ",")
	}
	if got := of(a.Id); got != "ROOT" {
		t.Fatalf("a: %s", got)
	}
	cp := cs.Volume.NewCreateVolumeParams()
	cp.SetName("ix-data")
	cp.SetDiskofferingid(cat.diskSmall)
	cp.SetZoneid(cat.zone)
	vol, err := cs.Volume.CreateVolume(cp)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cs.Volume.AttachVolume(cs.Volume.NewAttachVolumeParams(vol.Id, a.Id)); err != nil {
		t.Fatal(err)
	}
	if got := of(a.Id); got != "DATADISK,ROOT" {
		t.Fatalf("a after attach: %s", got)
	}
	dp := cs.Volume.NewDetachVolumeParams()
	dp.SetId(vol.Id)
	if _, err := cs.Volume.DetachVolume(dp); err != nil {
		t.Fatal(err)
	}
	if got := of(a.Id); got != "ROOT" {
		t.Fatalf("a after detach: %s", got)
	}
	if _, err := cs.Volume.AttachVolume(cs.Volume.NewAttachVolumeParams(vol.Id, b.Id)); err != nil {
		t.Fatal(err)
	}
	if got := of(b.Id); got != "DATADISK,ROOT" {
		t.Fatalf("b after attach: %s", got)
	}
	c := mustDeploy(t, cs, cat, "ix-c")
	if got := of(c.Id); got != "ROOT" {
		t.Fatalf("c: %s", got)
	}
	if _, err := cs.Volume.DetachVolume(dp); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.Volume.DeleteVolume(cs.Volume.NewDeleteVolumeParams(vol.Id)); err != nil {
		t.Fatal(err)
	}
	if got := of(b.Id); got != "ROOT" {
		t.Fatalf("b after delete: %s", got)
	}
}
