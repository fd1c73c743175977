package conformance

import (
	"context"
	"net/http"
	"time"

	compute "google.golang.org/api/compute/v1"
)

// gceInstance is the insert body for a small instance from the
// discovered machine type, image and network.
func (t *scenarioT) gceInstance(name string) *compute.Instance {
	cat := t.catalogGCE()
	return &compute.Instance{
		Name:        name,
		MachineType: cat.machineTypeURL,
		Disks: []*compute.AttachedDisk{{
			Boot: true, AutoDelete: true,
			InitializeParams: &compute.AttachedDiskInitializeParams{SourceImage: cat.image},
		}},
		NetworkInterfaces: []*compute.NetworkInterface{{Network: cat.network}},
	}
}

// insertInstance inserts name (with requestID when not empty), pushes its
// deletion and returns the insert operation without waiting.
func (t *scenarioT) insertInstance(name, requestID string) *compute.Operation {
	svc, p := t.env.gce, t.env.cfg.GCEProject
	cat := t.catalogGCE()
	call := svc.Instances.Insert(p, cat.zone, t.gceInstance(name)).Context(t.ctx)
	if requestID != "" {
		call = call.RequestId(requestID)
	}
	t.Step("instances.insert %s", name)
	op, err := call.Do()
	t.Must(err, "instances.insert")
	t.Defer("delete instance "+name, func(ctx context.Context) error {
		return deleteInstanceAndWait(ctx, svc, p, cat.zone, name)
	})
	return op
}

// deleteInstanceAndWait deletes an instance and polls until it is gone,
// so that cleanups of disks and addresses it used run after it.
func deleteInstanceAndWait(ctx context.Context, svc *compute.Service, p, zone, name string) error {
	_, err := svc.Instances.Delete(p, zone, name).Context(ctx).Do()
	if err != nil {
		return ignoreGCENotFound(err)
	}
	for {
		_, err := svc.Instances.Get(p, zone, name).Context(ctx).Do()
		if isGCENotFound(err) {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// waitInstanceStatus polls instances.get until status is want.
func (t *scenarioT) waitInstanceStatus(name, want, blame string) *compute.Instance {
	svc, p := t.env.gce, t.env.cfg.GCEProject
	cat := t.catalogGCE()
	var inst *compute.Instance
	t.Step("wait %s %s", name, want)
	t.WaitFor(name+" "+want, blame, func() (bool, string, error) {
		var err error
		inst, err = svc.Instances.Get(p, cat.zone, name).Context(t.ctx).Do()
		if err != nil {
			return false, "", err
		}
		return inst.Status == want, inst.Status, nil
	})
	return inst
}

// runInstance inserts an instance and waits until it is RUNNING.
func (t *scenarioT) runInstance(name string) *compute.Instance {
	op := t.insertInstance(name, "")
	t.waitOp(op, "compute.instances.insert")
	return t.waitInstanceStatus(name, "RUNNING", "compute.instances.insert")
}

func gceInstancesLifecycle() scenario {
	return scenario{
		name: "gce/instances/lifecycle", api: "gce",
		ops: []string{"compute.instances.insert", "compute.zoneOperations.wait", "compute.zoneOperations.get",
			"compute.instances.get", "compute.instances.list", "compute.instances.aggregatedList", "compute.instances.stop", "compute.instances.start", "compute.instances.delete"},
		run: func(t *scenarioT) {
			svc, p := t.env.gce, t.env.cfg.GCEProject
			cat := t.catalogGCE()
			name := t.env.name("vm")
			op := t.insertInstance(name, "")
			Equal(t, "operationType", op.OperationType, "insert")
			Equal(t, "operation zone", lastSegment(op.Zone), cat.zone)
			t.waitOp(op, "compute.instances.insert")
			zop, err := svc.ZoneOperations.Get(p, cat.zone, op.Name).Context(t.ctx).Do()
			t.Must(err, "zoneOperations.get")
			Equal(t, "zoneOperations.get status", zop.Status, "DONE")
			zop, err = svc.ZoneOperations.Wait(p, cat.zone, op.Name).Context(t.ctx).Do()
			t.Must(err, "zoneOperations.wait")
			Equal(t, "zoneOperations.wait status", zop.Status, "DONE")

			inst := t.waitInstanceStatus(name, "RUNNING", "compute.instances.insert")
			Equal(t, "machineType", lastSegment(inst.MachineType), cat.machineType)
			Equal(t, "zone", lastSegment(inst.Zone), cat.zone)
			t.Check(inst.Id != 0 && inst.SelfLink != "", "instance without id or selfLink")
			t.Check(len(inst.NetworkInterfaces) == 1 && inst.NetworkInterfaces[0].NetworkIP != "", "instance without networkInterfaces[0].networkIP")
			t.Check(len(inst.Disks) >= 1 && inst.Disks[0].Boot, "instance without a boot disk")

			list, err := svc.Instances.List(p, cat.zone).Filter(nameFilter(name)).Context(t.ctx).Do()
			t.Must(err, "instances.list filter")
			t.Check(len(list.Items) == 1 && list.Items[0].Name == name, "filter %s returned %d items", nameFilter(name), len(list.Items))
			agg, err := svc.Instances.AggregatedList(p).Context(t.ctx).Do()
			t.Must(err, "instances.aggregatedList")
			found := false
			for _, o := range agg.Items["zones/"+cat.zone].Instances {
				found = found || o.Name == name
			}
			t.Check(found, "aggregatedList zones/%s lacks %s", cat.zone, name)

			_, err = svc.Instances.Insert(p, cat.zone, t.gceInstance(name)).Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusConflict, "alreadyExists", "instances.insert of a taken name")
			_, err = svc.Instances.Insert(p, cat.zone, t.gceInstance("Bad_Name!")).Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusBadRequest, "invalid", "instances.insert with an invalid name")

			stop, err := svc.Instances.Stop(p, cat.zone, name).Context(t.ctx).Do()
			t.Must(err, "instances.stop")
			Equal(t, "stop operationType", stop.OperationType, "stop")
			t.waitOp(stop, "compute.instances.stop")
			t.waitInstanceStatus(name, "TERMINATED", "compute.instances.stop")
			start, err := svc.Instances.Start(p, cat.zone, name).Context(t.ctx).Do()
			t.Must(err, "instances.start")
			t.waitOp(start, "compute.instances.start")
			t.waitInstanceStatus(name, "RUNNING", "compute.instances.start")

			del, err := svc.Instances.Delete(p, cat.zone, name).Context(t.ctx).Do()
			t.Must(err, "instances.delete")
			Equal(t, "delete operationType", del.OperationType, "delete")
			t.waitOp(del, "compute.instances.delete")
			t.WaitFor(name+" gone", "compute.instances.delete", func() (bool, string, error) {
				i, err := svc.Instances.Get(p, cat.zone, name).Context(t.ctx).Do()
				if isGCENotFound(err) {
					return true, "", nil
				}
				if err != nil {
					return false, "", err
				}
				return false, i.Status, nil
			})
		},
	}
}

func gceInstancesIdempotency() scenario {
	return scenario{
		name: "gce/instances/idempotency", api: "gce",
		ops: []string{"compute.instances.insert", "compute.instances.list", "compute.instances.delete"},
		run: func(t *scenarioT) {
			svc, p := t.env.gce, t.env.cfg.GCEProject
			cat := t.catalogGCE()
			name := t.env.name("idem")
			reqID := randomUUID()
			first := t.insertInstance(name, reqID)
			second, err := svc.Instances.Insert(p, cat.zone, t.gceInstance(name)).RequestId(reqID).Context(t.ctx).Do()
			if c, _, _ := gceError(err); c == http.StatusConflict {
				t.Skipf("requestId not honoured: a retried insert got %s", describeErr(err))
			}
			t.Must(err, "instances.insert retried with the same requestId")
			Equal(t, "operation name of the retried insert", second.Name, first.Name)
			t.waitOp(first, "compute.instances.insert")
			list, err := svc.Instances.List(p, cat.zone).Filter(nameFilter(name)).Context(t.ctx).Do()
			t.Must(err, "instances.list filter")
			Equal(t, "instances named "+name, len(list.Items), 1)
		},
	}
}

func gceInstancesLabels() scenario {
	return scenario{
		name: "gce/instances/labels", api: "gce",
		ops: []string{"compute.instances.insert", "compute.instances.setLabels", "compute.instances.get", "compute.instances.delete"},
		run: func(t *scenarioT) {
			svc, p := t.env.gce, t.env.cfg.GCEProject
			cat := t.catalogGCE()
			name := t.env.name("lbl")
			inst := t.runInstance(name)
			old := inst.LabelFingerprint
			t.Check(old != "", "instance without labelFingerprint")
			op, err := svc.Instances.SetLabels(p, cat.zone, name, &compute.InstancesSetLabelsRequest{
				Labels: map[string]string{"role": "conformance", "run": t.env.runID}, LabelFingerprint: old,
			}).Context(t.ctx).Do()
			t.Must(err, "instances.setLabels")
			t.waitOp(op, "compute.instances.setLabels")
			got, err := svc.Instances.Get(p, cat.zone, name).Context(t.ctx).Do()
			t.Must(err, "instances.get")
			t.Check(got.Labels["role"] == "conformance" && got.Labels["run"] == t.env.runID && len(got.Labels) == 2, "labels %v after setLabels", got.Labels)
			t.Check(got.LabelFingerprint != "" && got.LabelFingerprint != old, "labelFingerprint did not change (%q)", got.LabelFingerprint)
			list, err := svc.Instances.List(p, cat.zone).Filter("labels.run eq " + t.env.runID).Context(t.ctx).Do()
			if err == nil {
				t.Check(len(list.Items) == 1 && list.Items[0].Name == name, "filter labels.run returned %d items", len(list.Items))
			}
			_, err = svc.Instances.SetLabels(p, cat.zone, name, &compute.InstancesSetLabelsRequest{
				Labels: map[string]string{"role": "stale"}, LabelFingerprint: old,
			}).Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusPreconditionFailed, "conditionNotMet", "instances.setLabels with a stale fingerprint")
		},
	}
}

func gceInstancesOptions() scenario {
	return scenario{
		name: "gce/instances/options", api: "gce",
		ops: []string{"compute.instances.insert", "compute.instances.get", "compute.instances.list", "compute.instances.delete"},
		run: func(t *scenarioT) {
			svc, p := t.env.gce, t.env.cfg.GCEProject
			cat := t.catalogGCE()
			name := t.env.name("opt")
			body := t.gceInstance(name)
			body.Labels = map[string]string{"role": "conformance"}
			body.Tags = &compute.Tags{Items: []string{"cgc-web"}}
			script := "#!/bin/sh\necho conformance\n"
			body.Metadata = &compute.Metadata{Items: []*compute.MetadataItems{{Key: "startup-script", Value: &script}}}
			op, err := svc.Instances.Insert(p, cat.zone, body).Context(t.ctx).Do()
			t.Must(err, "instances.insert with labels, tags and metadata")
			t.Defer("delete instance "+name, func(ctx context.Context) error {
				return deleteInstanceAndWait(ctx, svc, p, cat.zone, name)
			})
			t.waitOp(op, "compute.instances.insert")
			inst := t.waitInstanceStatus(name, "RUNNING", "compute.instances.insert")
			Equal(t, "labels.role", inst.Labels["role"], "conformance")
			t.Check(inst.Tags != nil && len(inst.Tags.Items) == 1 && inst.Tags.Items[0] == "cgc-web", "tags %+v, want [cgc-web]", inst.Tags)
			found := false
			if inst.Metadata != nil {
				for _, it := range inst.Metadata.Items {
					found = found || (it.Key == "startup-script" && it.Value != nil && *it.Value == script)
				}
			}
			t.Check(found, "metadata lacks the startup-script")
		},
	}
}
