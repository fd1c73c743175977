package gcecompat_test

import (
	"encoding/json"
	"strings"
	"testing"

	compute "google.golang.org/api/compute/v1"
)

func (e *env) template(name string) *compute.InstanceTemplate {
	script := startup
	return &compute.InstanceTemplate{
		Name:        name,
		Description: "web tier",
		Properties: &compute.InstanceProperties{
			Description: "made from a template",
			MachineType: "small-instance",
			Disks: []*compute.AttachedDisk{{Boot: true, AutoDelete: true, Mode: "READ_WRITE", Type: "PERSISTENT",
				InitializeParams: &compute.AttachedDiskInitializeParams{
					SourceImage: "projects/debian-cloud/global/images/family/debian-12", DiskSizeGb: 12,
				}}},
			NetworkInterfaces: []*compute.NetworkInterface{{Network: e.ts.URL + "/compute/v1/projects/" + e.project + "/global/networks/default",
				AccessConfigs: []*compute.AccessConfig{{Name: "external-nat", Type: "ONE_TO_ONE_NAT"}}}},
			Metadata: &compute.Metadata{Items: []*compute.MetadataItems{{Key: "startup-script", Value: &script}}},
			Labels:   map[string]string{"tier": "web"},
			Tags:     &compute.Tags{Items: []string{"web"}},
		},
	}
}

func TestInstanceTemplates(t *testing.T) {
	e := newEnv(t)
	op := e.mustOK(e.gce.InstanceTemplates.Insert(e.project, e.template("web")).RequestId("6f0b1c4e-5b7a-4f1e-9d7e-0a1b2c3d4e5f").Do())
	if op.OperationType != "insert" || !strings.HasSuffix(op.TargetLink, "/global/instanceTemplates/web") {
		t.Fatalf("insert op = %+v", op)
	}
	// A retry of the same insert (same requestId) is the same success; a
	// new insert of the name is 409.
	e.mustOK(e.gce.InstanceTemplates.Insert(e.project, e.template("web")).RequestId("6f0b1c4e-5b7a-4f1e-9d7e-0a1b2c3d4e5f").Do())
	_, err := e.gce.InstanceTemplates.Insert(e.project, e.template("web")).Do()
	apiErr(t, err, 409, "alreadyExists")

	got, err := e.gce.InstanceTemplates.Get(e.project, "web").Do()
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "web" || got.Description != "web tier" || got.Id == 0 || got.CreationTimestamp == "" ||
		!strings.HasSuffix(got.SelfLink, "/projects/"+e.project+"/global/instanceTemplates/web") {
		t.Fatalf("get = %+v", got)
	}
	// The properties read back exactly as written.
	want, _ := json.Marshal(e.template("web").Properties)
	have, _ := json.Marshal(got.Properties)
	if string(want) != string(have) {
		t.Fatalf("properties changed:\n got %s\nwant %s", have, want)
	}

	e.mustOK(e.gce.InstanceTemplates.Insert(e.project, e.template("api")).Do())
	l, err := e.gce.InstanceTemplates.List(e.project).Do()
	if err != nil || len(l.Items) != 2 || l.Items[0].Name != "api" || l.Items[1].Name != "web" {
		t.Fatalf("list = %+v, %v", l, err)
	}
	l, err = e.gce.InstanceTemplates.List(e.project).Filter("name = web").Do()
	if err != nil || len(l.Items) != 1 {
		t.Fatalf("filtered list = %+v, %v", l, err)
	}
	agg, err := e.gce.InstanceTemplates.AggregatedList(e.project).Do()
	if err != nil || len(agg.Items["global"].InstanceTemplates) != 2 {
		t.Fatalf("aggregated = %+v, %v", agg, err)
	}

	// An instance from the template: its properties, with the request's
	// fields replacing the template's.
	src := "global/instanceTemplates/web"
	e.mustOK(e.gce.Instances.Insert(e.project, e.zone, &compute.Instance{Name: "from-tmpl", Labels: map[string]string{"tier": "api"}}).
		SourceInstanceTemplate(src).Do())
	vm, err := e.gce.Instances.Get(e.project, e.zone, "from-tmpl").Do()
	if err != nil {
		t.Fatal(err)
	}
	if last(vm.MachineType) != "small-instance" || vm.Description != "made from a template" || vm.Labels["tier"] != "api" || len(vm.Tags.Items) != 1 || vm.Tags.Items[0] != "web" {
		t.Fatalf("instance from template = %+v", vm)
	}
	if vm.Metadata == nil || len(vm.Metadata.Items) == 0 || vm.Metadata.Items[0].Key != "startup-script" {
		t.Fatalf("metadata from template = %+v", vm.Metadata)
	}
	d, err := e.gce.Disks.Get(e.project, e.zone, "from-tmpl").Do()
	if err != nil || d.SizeGb != 12 {
		t.Fatalf("boot disk = %+v, %v", d, err)
	}
	_, err = e.gce.Instances.Insert(e.project, e.zone, &compute.Instance{Name: "nope"}).SourceInstanceTemplate("global/instanceTemplates/nosuch").Do()
	apiErr(t, err, 404, "notFound")

	// Delete: gone, a second delete is 404.
	e.mustOK(e.gce.InstanceTemplates.Delete(e.project, "web").Do())
	_, err = e.gce.InstanceTemplates.Get(e.project, "web").Do()
	apiErr(t, err, 404, "notFound")
	_, err = e.gce.InstanceTemplates.Delete(e.project, "web").Do()
	apiErr(t, err, 404, "notFound")
	// The name is free again.
	e.mustOK(e.gce.InstanceTemplates.Insert(e.project, e.template("web")).Do())
}

// TestInstanceTemplateRefusals: a property an instance insert could not
// honour is refused when the template is inserted, naming the field.
func TestInstanceTemplateRefusals(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		name  string
		edit  func(p *compute.InstanceProperties)
		field string
		code  int
	}{
		{"ipfwd", func(p *compute.InstanceProperties) { p.CanIpForward = true }, "resource.properties.canIpForward", 400},
		{"spot", func(p *compute.InstanceProperties) {
			p.Scheduling = &compute.Scheduling{ProvisioningModel: "SPOT"}
		}, "resource.properties.scheduling.provisioningModel", 400},
		{"mt", func(p *compute.InstanceProperties) { p.MachineType = "nosuch-type" }, "resource.properties.machineType", 400},
		{"img", func(p *compute.InstanceProperties) {
			p.Disks[0].InitializeParams.SourceImage = "projects/debian-cloud/global/images/family/debian-99"
		}, "resource.properties.disks[0].initializeParams.sourceImage", 400},
		{"src", func(p *compute.InstanceProperties) {
			p.Disks[0].InitializeParams, p.Disks[0].Source = nil, "zones/local1-zone1/disks/d1"
		}, "resource.properties.disks[0].source", 400},
		{"nics", func(p *compute.InstanceProperties) {
			p.NetworkInterfaces = append(p.NetworkInterfaces, &compute.NetworkInterface{Network: "global/networks/default"})
		}, "resource.properties.networkInterfaces[1]", 400},
		{"shielded", func(p *compute.InstanceProperties) {
			p.ShieldedInstanceConfig = &compute.ShieldedInstanceConfig{EnableSecureBoot: true}
		}, "resource.properties.shieldedInstanceConfig", 400},
		{"labels", func(p *compute.InstanceProperties) { p.Labels = map[string]string{"Bad": "x"} }, "resource.properties.labels", 400},
	}
	for _, tc := range cases {
		tmpl := e.template("t-" + tc.name)
		tc.edit(tmpl.Properties)
		_, err := e.gce.InstanceTemplates.Insert(e.project, tmpl).Do()
		apiErr(t, err, tc.code, "")
		if !strings.Contains(err.Error(), tc.field) {
			t.Errorf("%s: error %v does not name %s", tc.name, err, tc.field)
		}
	}
	l, err := e.gce.InstanceTemplates.List(e.project).Do()
	if err != nil || len(l.Items) != 0 {
		t.Fatalf("refused templates were stored: %+v %v", l, err)
	}
	_, err = e.gce.InstanceTemplates.Insert(e.project, &compute.InstanceTemplate{Name: "nop"}).Do()
	apiErr(t, err, 400, "invalid")
	_, err = e.gce.InstanceTemplates.Insert(e.project, &compute.InstanceTemplate{Name: "src", SourceInstance: "zones/local1-zone1/instances/vm1"}).Do()
	apiErr(t, err, 400, "invalid")
}

// TestInstanceTemplateCustomNetwork: a template on a custom network names
// its subnetwork (a VPC tier); an instance from it lands there.
func TestInstanceTemplateCustomNetwork(t *testing.T) {
	e := newSandboxEnv(t)
	p := e.project
	region := strings.TrimSuffix(e.zone, e.zone[strings.LastIndexByte(e.zone, '-'):])
	e.mustOK(e.gce.Networks.Insert(p, &compute.Network{Name: "net1", ForceSendFields: []string{"AutoCreateSubnetworks"}}).Do())
	e.mustOK(e.gce.Subnetworks.Insert(p, region, &compute.Subnetwork{Name: "sub1", Network: "global/networks/net1", IpCidrRange: "10.5.0.0/24"}).Do())
	tmpl := e.template("vpc-tmpl")
	tmpl.Properties.NetworkInterfaces = []*compute.NetworkInterface{{Network: "global/networks/net1", Subnetwork: "regions/" + region + "/subnetworks/sub1"}}
	e.mustOK(e.gce.InstanceTemplates.Insert(p, tmpl).Do())
	// Without the subnetwork a custom network is refused, naming the field.
	bad := e.template("vpc-bad")
	bad.Properties.NetworkInterfaces = []*compute.NetworkInterface{{Network: "global/networks/net1"}}
	_, err := e.gce.InstanceTemplates.Insert(p, bad).Do()
	apiErr(t, err, 400, "invalid")
	if !strings.Contains(err.Error(), "resource.properties.networkInterfaces[0].network") {
		t.Fatalf("error does not name the field: %v", err)
	}
	bad.Properties.NetworkInterfaces = []*compute.NetworkInterface{{Network: "global/networks/nope"}}
	_, err = e.gce.InstanceTemplates.Insert(p, bad).Do()
	apiErr(t, err, 404, "notFound")

	e.mustOK(e.gce.Instances.Insert(p, e.zone, &compute.Instance{Name: "vm-vpc"}).SourceInstanceTemplate("global/instanceTemplates/vpc-tmpl").Do())
	vm, err := e.gce.Instances.Get(p, e.zone, "vm-vpc").Do()
	if err != nil || len(vm.NetworkInterfaces) != 1 || last(vm.NetworkInterfaces[0].Subnetwork) != "sub1" || last(vm.NetworkInterfaces[0].Network) != "net1" {
		t.Fatalf("instance from the VPC template: %+v %v", vm, err)
	}
}

// TestInstanceTemplatesAcrossReplicas: a template inserted through one
// gateway replica is read and deleted through another (CloudStack is the
// only state); concurrent inserts of one name make one template.
func TestInstanceTemplatesAcrossReplicas(t *testing.T) {
	e := newEnv(t)
	_, other := e.gateway(e.svc)
	e.mustOK(e.gce.InstanceTemplates.Insert(e.project, e.template("shared")).Do())
	got, err := other.InstanceTemplates.Get(e.project, "shared").Do()
	if err != nil || got.Properties.MachineType != "small-instance" {
		t.Fatalf("other replica reads %+v, %v", got, err)
	}
	if _, err := other.InstanceTemplates.Delete(e.project, "shared").Do(); err != nil {
		t.Fatal(err)
	}
	_, err = e.gce.InstanceTemplates.Get(e.project, "shared").Do()
	apiErr(t, err, 404, "notFound")

	errs := make(chan error, 2)
	for _, g := range []*compute.Service{e.gce, other} {
		go func(g *compute.Service) {
			_, err := g.InstanceTemplates.Insert(e.project, e.template("race")).Do()
			errs <- err
		}(g)
	}
	ok := 0
	for i := 0; i < 2; i++ {
		if err := <-errs; err == nil {
			ok++
		} else {
			apiErr(t, err, 409, "alreadyExists")
		}
	}
	if ok != 1 {
		t.Fatalf("%d concurrent inserts of one name succeeded", ok)
	}
}

// TestInstanceTemplateTerraformShape: the properties the Terraform Google
// provider sends for google_compute_instance_template with its defaults
// (scheduling, disk interface/type/mode, a PREMIUM access config, the
// default service account) are accepted, read back unchanged, and launch.
func TestInstanceTemplateTerraformShape(t *testing.T) {
	e := newEnv(t)
	auto := true
	tmpl := &compute.InstanceTemplate{
		Name: "tf-tmpl", Description: "managed by terraform",
		Properties: &compute.InstanceProperties{
			MachineType: "small-instance", Description: "tf instance",
			Disks: []*compute.AttachedDisk{{Boot: true, AutoDelete: true, Type: "PERSISTENT", Mode: "READ_WRITE", Interface: "SCSI",
				InitializeParams: &compute.AttachedDiskInitializeParams{
					SourceImage: e.ts.URL + "/compute/v1/projects/debian-cloud/global/images/family/debian-12",
					DiskType:    "pd-standard", DiskSizeGb: 10, Labels: map[string]string{"disk": "boot"},
				}}},
			NetworkInterfaces: []*compute.NetworkInterface{{Network: e.ts.URL + "/compute/v1/projects/" + e.project + "/global/networks/default",
				AccessConfigs: []*compute.AccessConfig{{NetworkTier: "PREMIUM", Type: "ONE_TO_ONE_NAT"}}}},
			Scheduling:      &compute.Scheduling{AutomaticRestart: &auto, OnHostMaintenance: "MIGRATE", ProvisioningModel: "STANDARD"},
			ServiceAccounts: []*compute.ServiceAccount{{Email: "default", Scopes: []string{"https://www.googleapis.com/auth/cloud-platform"}}},
			Metadata:        &compute.Metadata{Items: []*compute.MetadataItems{}},
			Labels:          map[string]string{"managed": "terraform"},
			Tags:            &compute.Tags{Items: []string{"web"}},
		},
	}
	e.mustOK(e.gce.InstanceTemplates.Insert(e.project, tmpl).Do())
	got, err := e.gce.InstanceTemplates.Get(e.project, "tf-tmpl").Do()
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(tmpl.Properties)
	have, _ := json.Marshal(got.Properties)
	if string(want) != string(have) {
		t.Fatalf("properties changed:\n got %s\nwant %s", have, want)
	}
	e.mustOK(e.gce.Instances.Insert(e.project, e.zone, &compute.Instance{Name: "tf-vm"}).
		SourceInstanceTemplate(got.SelfLink).Do())
	vm, err := e.gce.Instances.Get(e.project, e.zone, "tf-vm").Do()
	if err != nil || vm.Description != "tf instance" || vm.Labels["managed"] != "terraform" || len(vm.ServiceAccounts) != 1 {
		t.Fatalf("instance from the Terraform-shaped template: %+v %v", vm, err)
	}
}
