package conformance

import (
	"net/http"

	compute "google.golang.org/api/compute/v1"
)

func gceInstanceActions() scenario {
	return scenario{
		name: "gce/instances/actions", api: "gce",
		ops: []string{"compute.instances.insert", "compute.instances.reset", "compute.instances.setMetadata", "compute.instances.setTags",
			"compute.instances.getSerialPortOutput", "compute.instances.get", "compute.instances.delete"},
		run: func(t *scenarioT) {
			svc, p := t.env.gce, t.env.cfg.GCEProject
			cat := t.catalogGCE()
			name := t.env.name("act")
			inst := t.runInstance(name)
			op, err := svc.Instances.Reset(p, cat.zone, name).Context(t.ctx).Do()
			t.Must(err, "instances.reset")
			t.waitOp(op, "compute.instances.reset")
			t.waitInstanceStatus(name, "RUNNING", "compute.instances.reset")

			fp := ""
			if inst.Metadata != nil {
				fp = inst.Metadata.Fingerprint
			}
			v := "conformance"
			op, err = svc.Instances.SetMetadata(p, cat.zone, name, &compute.Metadata{Fingerprint: fp, Items: []*compute.MetadataItems{{Key: "cgc-role", Value: &v}}}).Context(t.ctx).Do()
			t.Must(err, "instances.setMetadata")
			t.waitOp(op, "compute.instances.setMetadata")
			got, err := svc.Instances.Get(p, cat.zone, name).Context(t.ctx).Do()
			t.Must(err, "instances.get")
			found := false
			if got.Metadata != nil {
				for _, it := range got.Metadata.Items {
					found = found || (it.Key == "cgc-role" && it.Value != nil && *it.Value == v)
				}
			}
			t.Check(found, "metadata lacks cgc-role after setMetadata")
			_, err = svc.Instances.SetMetadata(p, cat.zone, name, &compute.Metadata{Fingerprint: fp, Items: nil}).Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusPreconditionFailed, "conditionNotMet", "instances.setMetadata with a stale fingerprint")

			tfp := ""
			if got.Tags != nil {
				tfp = got.Tags.Fingerprint
			}
			op, err = svc.Instances.SetTags(p, cat.zone, name, &compute.Tags{Fingerprint: tfp, Items: []string{"cgc-a", "cgc-b"}}).Context(t.ctx).Do()
			t.Must(err, "instances.setTags")
			t.waitOp(op, "compute.instances.setTags")
			got, err = svc.Instances.Get(p, cat.zone, name).Context(t.ctx).Do()
			t.Must(err, "instances.get")
			t.Check(got.Tags != nil && len(got.Tags.Items) == 2, "tags %+v after setTags", got.Tags)

			out, err := svc.Instances.GetSerialPortOutput(p, cat.zone, name).Context(t.ctx).Do()
			t.Must(err, "instances.getSerialPortOutput")
			t.Check(out.SelfLink != "" || out.Contents != "" || out.Next >= 0, "empty serial port output object")
		},
	}
}

func gceMachineTypeAndDisks() scenario {
	return scenario{
		name: "gce/instances/machine-type-disks", api: "gce",
		ops: []string{"compute.instances.insert", "compute.instances.stop", "compute.instances.setMachineType", "compute.disks.insert",
			"compute.instances.attachDisk", "compute.instances.detachDisk", "compute.instances.get", "compute.instances.delete", "compute.disks.delete"},
		run: func(t *scenarioT) {
			svc, p := t.env.gce, t.env.cfg.GCEProject
			cat := t.catalogGCE()
			disk := t.env.name("mtdisk")
			t.insertDisk(disk) // first, so its cleanup runs after the instance's
			d := t.waitDisk(disk)
			name := t.env.name("mtd")
			t.runInstance(name)
			op, err := svc.Instances.AttachDisk(p, cat.zone, name, &compute.AttachedDisk{Source: d.SelfLink, DeviceName: "cgc-data"}).Context(t.ctx).Do()
			t.Must(err, "instances.attachDisk")
			t.waitOp(op, "compute.instances.attachDisk")
			inst, err := svc.Instances.Get(p, cat.zone, name).Context(t.ctx).Do()
			t.Must(err, "instances.get")
			device := attachedDevice(inst, disk)
			t.Check(device != "", "instance disks lack %s after attachDisk", disk)
			op, err = svc.Instances.DetachDisk(p, cat.zone, name, device).Context(t.ctx).Do()
			t.Must(err, "instances.detachDisk")
			t.waitOp(op, "compute.instances.detachDisk")
			inst, err = svc.Instances.Get(p, cat.zone, name).Context(t.ctx).Do()
			t.Must(err, "instances.get")
			t.Check(attachedDevice(inst, disk) == "", "instance still lists %s after detachDisk", disk)
			defer func() { // checked last: the rest of the scenario does not depend on it
				Equal(t, "deviceName of the attached disk", device, "cgc-data")
			}()

			mts, err := svc.MachineTypes.List(p, cat.zone).Context(t.ctx).Do()
			t.Must(err, "machineTypes.list")
			var other *compute.MachineType
			for _, mt := range mts.Items {
				if mt.Name != cat.machineType && other == nil {
					other = mt
				}
			}
			if other == nil {
				return // one machine type only: nothing to change to
			}
			link := other.SelfLink
			if link == "" {
				link = "zones/" + cat.zone + "/machineTypes/" + other.Name
			}
			op, err = svc.Instances.Stop(p, cat.zone, name).Context(t.ctx).Do()
			t.Must(err, "instances.stop")
			t.waitOp(op, "compute.instances.stop")
			t.waitInstanceStatus(name, "TERMINATED", "compute.instances.stop")
			op, err = svc.Instances.SetMachineType(p, cat.zone, name, &compute.InstancesSetMachineTypeRequest{MachineType: link}).Context(t.ctx).Do()
			t.Must(err, "instances.setMachineType")
			t.waitOp(op, "compute.instances.setMachineType")
			inst, err = svc.Instances.Get(p, cat.zone, name).Context(t.ctx).Do()
			t.Must(err, "instances.get")
			Equal(t, "machineType after setMachineType", lastSegment(inst.MachineType), other.Name)
		},
	}
}

// attachedDevice returns the deviceName under which disk is attached to
// inst ("" if it is not), as gcloud's detach-disk --disk looks it up.
func attachedDevice(inst *compute.Instance, disk string) string {
	for _, d := range inst.Disks {
		if lastSegment(d.Source) == disk {
			return d.DeviceName
		}
	}
	return ""
}

func gceDiskActions() scenario {
	return scenario{
		name: "gce/disks/actions", api: "gce",
		ops: []string{"compute.disks.insert", "compute.disks.resize", "compute.disks.setLabels", "compute.disks.get", "compute.disks.aggregatedList", "compute.disks.delete"},
		run: func(t *scenarioT) {
			svc, p := t.env.gce, t.env.cfg.GCEProject
			cat := t.catalogGCE()
			name := t.env.name("dact")
			t.insertDisk(name)
			d := t.waitDisk(name)
			op, err := svc.Disks.Resize(p, cat.zone, name, &compute.DisksResizeRequest{SizeGb: 20}).Context(t.ctx).Do()
			t.Must(err, "disks.resize")
			t.waitOp(op, "compute.disks.resize")
			op, err = svc.Disks.SetLabels(p, cat.zone, name, &compute.ZoneSetLabelsRequest{Labels: map[string]string{"role": "conformance"}, LabelFingerprint: d.LabelFingerprint}).Context(t.ctx).Do()
			t.Must(err, "disks.setLabels")
			t.waitOp(op, "compute.disks.setLabels")
			got, err := svc.Disks.Get(p, cat.zone, name).Context(t.ctx).Do()
			t.Must(err, "disks.get")
			Equal(t, "sizeGb after resize", got.SizeGb, int64(20))
			Equal(t, "labels.role", got.Labels["role"], "conformance")
			agg, err := svc.Disks.AggregatedList(p).Context(t.ctx).Do()
			t.Must(err, "disks.aggregatedList")
			found := false
			for _, x := range agg.Items["zones/"+cat.zone].Disks {
				found = found || x.Name == name
			}
			t.Check(found, "disks.aggregatedList zones/%s lacks %s", cat.zone, name)
		},
	}
}

func gceProjectCatalog() scenario {
	return scenario{
		name: "gce/project-disk-types", api: "gce",
		ops: []string{"compute.projects.get", "compute.diskTypes.list", "compute.diskTypes.get", "compute.diskTypes.aggregatedList"},
		run: func(t *scenarioT) {
			svc, p := t.env.gce, t.env.cfg.GCEProject
			cat := t.catalogGCE()
			proj, err := svc.Projects.Get(p).Context(t.ctx).Do()
			t.Must(err, "projects.get")
			Equal(t, "project name", proj.Name, p)
			dts, err := svc.DiskTypes.List(p, cat.zone).Context(t.ctx).Do()
			t.Must(err, "diskTypes.list")
			t.Check(len(dts.Items) > 0, "diskTypes.list returned no disk type")
			dt, err := svc.DiskTypes.Get(p, cat.zone, dts.Items[0].Name).Context(t.ctx).Do()
			t.Must(err, "diskTypes.get")
			Equal(t, "diskTypes.get name", dt.Name, dts.Items[0].Name)
			_, err = svc.DiskTypes.AggregatedList(p).Context(t.ctx).Do()
			t.Must(err, "diskTypes.aggregatedList")
		},
	}
}

func gceSubnetworks() scenario {
	return scenario{
		name: "gce/subnetworks", api: "gce", needs: []string{capGCESubnetworks},
		ops: []string{"compute.subnetworks.list", "compute.subnetworks.get", "compute.subnetworks.aggregatedList"},
		run: func(t *scenarioT) {
			svc, p := t.env.gce, t.env.cfg.GCEProject
			cat := t.catalogGCE()
			list, err := svc.Subnetworks.List(p, cat.region).Context(t.ctx).Do()
			t.Must(err, "subnetworks.list")
			if len(list.Items) == 0 {
				t.Skipf("no subnetwork in %s", cat.region)
			}
			s := list.Items[0]
			t.Check(s.IpCidrRange != "" && s.Network != "", "subnetwork %s lacks ipCidrRange or network", s.Name)
			got, err := svc.Subnetworks.Get(p, cat.region, s.Name).Context(t.ctx).Do()
			t.Must(err, "subnetworks.get")
			Equal(t, "subnetworks.get name", got.Name, s.Name)
			_, err = svc.Subnetworks.AggregatedList(p).Context(t.ctx).Do()
			t.Must(err, "subnetworks.aggregatedList")
		},
	}
}
