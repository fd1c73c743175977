package simulator_test

import "testing"

func TestVolumesAndSnapshots(t *testing.T) {
	srv := mustServer(t, nil)
	cs := mustClient(t, srv, "demo")
	cat := mustCatalog(t, cs)
	vm := mustDeploy(t, cs, cat, "db1")

	cp := cs.Volume.NewCreateVolumeParams()
	cp.SetName("data1")
	cp.SetDiskofferingid(cat.diskSmall)
	cp.SetZoneid(cat.zone)
	vol, err := cs.Volume.CreateVolume(cp)
	if err != nil || vol.Name != "data1" || vol.Size != 5<<30 || vol.Type != "DATADISK" || vol.State != "Allocated" {
		t.Fatalf("create: %v %+v", err, vol)
	}
	cc := cs.Volume.NewCreateVolumeParams()
	cc.SetName("custom")
	cc.SetDiskofferingid(cat.diskCustom)
	cc.SetZoneid(cat.zone)
	_, err = cs.Volume.CreateVolume(cc)
	wantErr(t, err, "431", "custom size")
	cc.SetSize(12)
	if cv, err := cs.Volume.CreateVolume(cc); err != nil || cv.Size != 12<<30 {
		t.Fatalf("custom volume: %v %+v", err, cv)
	}

	att, err := cs.Volume.AttachVolume(cs.Volume.NewAttachVolumeParams(vol.Id, vm.Id))
	if err != nil || att.Virtualmachineid != vm.Id || att.Deviceid != 1 || att.State != "Ready" || att.Attached == "" {
		t.Fatalf("attach: %v %+v", err, att)
	}
	_, err = cs.Volume.AttachVolume(cs.Volume.NewAttachVolumeParams(vol.Id, vm.Id))
	wantErr(t, err, "431", "not attached")

	lp := cs.Volume.NewListVolumesParams()
	lp.SetVirtualmachineid(vm.Id)
	l, err := cs.Volume.ListVolumes(lp)
	if err != nil || l.Count != 2 {
		t.Fatalf("list by vm: %v %+v", err, l)
	}
	var root string
	for _, v := range l.Volumes {
		if v.Type == "ROOT" {
			root = v.Id
			if v.Deviceid != 0 || v.Size != 2<<30 || v.Vmname != "db1" {
				t.Fatalf("root = %+v", v)
			}
		}
	}
	dp := cs.Volume.NewDetachVolumeParams()
	dp.SetId(root)
	_, err = cs.Volume.DetachVolume(dp)
	wantErr(t, err, "431")
	_, err = cs.Volume.DeleteVolume(cs.Volume.NewDeleteVolumeParams(vol.Id))
	wantErr(t, err, "431", "not attached")

	rp := cs.Volume.NewResizeVolumeParams(vol.Id)
	rp.SetSize(3)
	_, err = cs.Volume.ResizeVolume(rp)
	wantErr(t, err, "431", "shrink")
	rp.SetSize(8)
	if rv, err := cs.Volume.ResizeVolume(rp); err != nil || rv.Size != 8<<30 {
		t.Fatalf("resize: %v %+v", err, rv)
	}

	dp = cs.Volume.NewDetachVolumeParams()
	dp.SetId(vol.Id)
	if dv, err := cs.Volume.DetachVolume(dp); err != nil || dv.Virtualmachineid != "" {
		t.Fatalf("detach: %v %+v", err, dv)
	}

	// snapshots
	sp := cs.Snapshot.NewCreateSnapshotParams(root)
	sp.SetName("snap1")
	snap, err := cs.Snapshot.CreateSnapshot(sp)
	if err != nil || snap.State != "BackedUp" || snap.Volumeid != root || snap.Name != "snap1" {
		t.Fatalf("snapshot: %v %+v", err, snap)
	}
	sl, err := cs.Snapshot.ListSnapshots(cs.Snapshot.NewListSnapshotsParams())
	if err != nil || sl.Count != 1 || sl.Snapshots[0].Volumetype != "ROOT" {
		t.Fatalf("list snapshots: %v %+v", err, sl)
	}
	fs := cs.Volume.NewCreateVolumeParams()
	fs.SetSnapshotid(snap.Id)
	fs.SetName("fromsnap")
	if v2, err := cs.Volume.CreateVolume(fs); err != nil || v2.Size != 2<<30 || v2.Snapshotid != snap.Id {
		t.Fatalf("volume from snapshot: %v %+v", err, v2)
	}
	ost, err := cs.GuestOS.ListOsTypes(cs.GuestOS.NewListOsTypesParams())
	if err != nil || ost.Count != 3 {
		t.Fatalf("os types: %v %+v", err, ost)
	}
	tp := cs.Template.NewCreateTemplateParams("from snap", "mytpl", ost.OsTypes[0].Id)
	tp.SetSnapshotid(snap.Id)
	tpl, err := cs.Template.CreateTemplate(tp)
	if err != nil || !tpl.Isready || tpl.Name != "mytpl" {
		t.Fatalf("create template: %v %+v", err, tpl)
	}
	self, err := cs.Template.ListTemplates(cs.Template.NewListTemplatesParams("self"))
	if err != nil || self.Count != 1 {
		t.Fatalf("self templates: %v %+v", err, self)
	}
	if _, err := cs.Template.DeleteTemplate(cs.Template.NewDeleteTemplateParams(tpl.Id)); err != nil {
		t.Fatalf("delete template: %v", err)
	}
	if _, err := cs.Snapshot.DeleteSnapshot(cs.Snapshot.NewDeleteSnapshotParams(snap.Id)); err != nil {
		t.Fatalf("delete snapshot: %v", err)
	}
	if _, err := cs.Volume.DeleteVolume(cs.Volume.NewDeleteVolumeParams(vol.Id)); err != nil {
		t.Fatalf("delete volume: %v", err)
	}
	_, _, err = cs.Volume.GetVolumeByID(vol.Id)
	wantErr(t, err, "No match found")
}
