package conformance

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	compute "google.golang.org/api/compute/v1"
)

// gceTemplateBody is an instance template from the discovered catalog
// (machine type by name, as gcloud and Terraform send it).
func (t *scenarioT) gceTemplateBody(name string) *compute.InstanceTemplate {
	cat := t.catalogGCE()
	return &compute.InstanceTemplate{
		Name: name, Description: "conformance template",
		Properties: &compute.InstanceProperties{
			MachineType: lastSegment(cat.machineTypeURL),
			Disks: []*compute.AttachedDisk{{Boot: true, AutoDelete: true, Mode: "READ_WRITE", Type: "PERSISTENT",
				InitializeParams: &compute.AttachedDiskInitializeParams{SourceImage: cat.image}}},
			NetworkInterfaces: []*compute.NetworkInterface{{Network: cat.network}},
			Labels:            map[string]string{"tier": "web"},
			Tags:              &compute.Tags{Items: []string{"web"}},
		},
	}
}

// insertTemplate inserts an instance template and pushes its deletion.
func (t *scenarioT) insertTemplate(tmpl *compute.InstanceTemplate) {
	svc, p := t.env.gce, t.env.cfg.GCEProject
	t.Step("instanceTemplates.insert %s", tmpl.Name)
	op, err := svc.InstanceTemplates.Insert(p, tmpl).Context(t.ctx).Do()
	t.Must(err, "instanceTemplates.insert")
	t.Defer("delete instance template "+tmpl.Name, func(ctx context.Context) error {
		_, err := svc.InstanceTemplates.Delete(p, tmpl.Name).Context(ctx).Do()
		return ignoreGCENotFound(err)
	})
	t.waitOp(op, "compute.instanceTemplates.insert")
}

// gceInstanceTemplates: templates read back as written, list and
// aggregatedList show them, an instance is made from one (the request's
// fields win), delete removes it.
func gceInstanceTemplates() scenario {
	return scenario{
		name: "gce/instance-templates", api: "gce",
		ops: []string{"compute.instanceTemplates.insert", "compute.instanceTemplates.get", "compute.instanceTemplates.list",
			"compute.instanceTemplates.aggregatedList", "compute.instanceTemplates.delete", "compute.globalOperations.wait",
			"compute.instances.insert"},
		run: func(t *scenarioT) {
			svc, p := t.env.gce, t.env.cfg.GCEProject
			cat := t.catalogGCE()
			name := t.env.name("tmpl")
			body := t.gceTemplateBody(name)
			t.insertTemplate(body)

			t.Step("instanceTemplates.get %s", name)
			got, err := svc.InstanceTemplates.Get(p, name).Context(t.ctx).Do()
			t.Must(err, "instanceTemplates.get")
			want, _ := json.Marshal(body.Properties)
			have, _ := json.Marshal(got.Properties)
			t.Check(string(want) == string(have), "properties read back changed:\n got %s\nwant %s", have, want)
			Equal(t, "description", got.Description, body.Description)
			t.Check(got.Id != 0 && got.CreationTimestamp != "" && strings.HasSuffix(got.SelfLink, "/global/instanceTemplates/"+name),
				"template output fields: id %d, creationTimestamp %q, selfLink %q", got.Id, got.CreationTimestamp, got.SelfLink)

			_, err = svc.InstanceTemplates.Insert(p, t.gceTemplateBody(name)).Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusConflict, "alreadyExists", "instanceTemplates.insert of an existing name")

			t.Step("instanceTemplates.list / aggregatedList")
			l, err := svc.InstanceTemplates.List(p).Filter("name = " + name).Context(t.ctx).Do()
			t.Must(err, "instanceTemplates.list")
			Equal(t, "templates listed by name", len(l.Items), 1)
			agg, err := svc.InstanceTemplates.AggregatedList(p).Context(t.ctx).Do()
			t.Must(err, "instanceTemplates.aggregatedList")
			found := false
			for _, it := range agg.Items["global"].InstanceTemplates {
				found = found || it.Name == name
			}
			t.Check(found, "aggregatedList global scope does not list %s", name)

			vm := t.env.name("vm-tmpl")
			t.Step("instances.insert %s from %s", vm, name)
			op, err := svc.Instances.Insert(p, cat.zone, &compute.Instance{Name: vm, Labels: map[string]string{"tier": "api"}}).
				SourceInstanceTemplate("global/instanceTemplates/" + name).Context(t.ctx).Do()
			t.Must(err, "instances.insert sourceInstanceTemplate")
			t.Defer("delete instance "+vm, func(ctx context.Context) error {
				return deleteInstanceAndWait(ctx, svc, p, cat.zone, vm)
			})
			t.waitOp(op, "compute.instances.insert")
			inst, err := svc.Instances.Get(p, cat.zone, vm).Context(t.ctx).Do()
			t.Must(err, "instances.get")
			Equal(t, "machine type from the template", lastSegment(inst.MachineType), lastSegment(cat.machineTypeURL))
			Equal(t, "label given with the insert", inst.Labels["tier"], "api")
			t.Check(inst.Tags != nil && len(inst.Tags.Items) == 1 && inst.Tags.Items[0] == "web", "network tags from the template: %v", inst.Tags)

			_, err = svc.Instances.Insert(p, cat.zone, &compute.Instance{Name: t.env.name("vm-none")}).
				SourceInstanceTemplate("global/instanceTemplates/" + t.env.name("no-such-tmpl")).Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusNotFound, "notFound", "instances.insert from a missing template")

			t.Step("instanceTemplates.delete %s", name)
			op, err = svc.InstanceTemplates.Delete(p, name).Context(t.ctx).Do()
			t.Must(err, "instanceTemplates.delete")
			t.waitOp(op, "compute.instanceTemplates.delete")
			_, err = svc.InstanceTemplates.Get(p, name).Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusNotFound, "notFound", "instanceTemplates.get after delete")
		},
	}
}

// gceInstanceTemplatesRefused: properties an instance insert could not
// honour are refused when the template is inserted, naming the field, and
// nothing is stored.
func gceInstanceTemplatesRefused() scenario {
	return scenario{
		name: "gce/instance-templates/refused", api: "gce",
		ops: []string{"compute.instanceTemplates.insert", "compute.instanceTemplates.get"},
		run: func(t *scenarioT) {
			svc, p := t.env.gce, t.env.cfg.GCEProject
			for _, tc := range []struct {
				field string
				edit  func(*compute.InstanceProperties)
			}{
				{"canIpForward", func(pr *compute.InstanceProperties) { pr.CanIpForward = true }},
				{"scheduling.preemptible", func(pr *compute.InstanceProperties) { pr.Scheduling = &compute.Scheduling{Preemptible: true} }},
				{"shieldedInstanceConfig", func(pr *compute.InstanceProperties) {
					pr.ShieldedInstanceConfig = &compute.ShieldedInstanceConfig{EnableSecureBoot: true}
				}},
				{"machineType", func(pr *compute.InstanceProperties) { pr.MachineType = "no-such-type-1" }},
			} {
				name := t.env.name("tmpl-bad")
				body := t.gceTemplateBody(name)
				tc.edit(body.Properties)
				_, err := svc.InstanceTemplates.Insert(p, body).Context(t.ctx).Do()
				if err == nil {
					t.Defer("delete instance template "+name, func(ctx context.Context) error {
						_, err := svc.InstanceTemplates.Delete(p, name).Context(ctx).Do()
						return ignoreGCENotFound(err)
					})
				}
				t.ExpectGCE(err, http.StatusBadRequest, "", "instanceTemplates.insert with "+tc.field)
				_, _, msg := gceError(err)
				t.Check(strings.Contains(msg, "properties."+tc.field), "the error %q does not name properties.%s", msg, tc.field)
				_, err = svc.InstanceTemplates.Get(p, name).Context(t.ctx).Do()
				t.ExpectGCE(err, http.StatusNotFound, "notFound", "instanceTemplates.get of a refused template")
			}
		},
	}
}
