package conformance

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGcloudInstanceTemplates drives `gcloud compute instance-templates
// create/describe/list/delete` with the flags users pass, and `gcloud
// compute instances create --source-instance-template`: what gcloud
// writes reads back unchanged, flags the gateway cannot honour at launch
// are refused at template creation naming the field. It skips without
// gcloud, except with CI=true.
func TestGcloudInstanceTemplates(t *testing.T) {
	if testing.Short() {
		t.Skip("gcloud end-to-end test skipped in -short mode")
	}
	requireTool(t, "gcloud")
	gw := startGateway(t, nil)
	g := &gcloudCLI{t: t, env: gw.GcloudEnv(t)}
	const zone = "cloudstack-1-zone1"

	script := filepath.Join(t.TempDir(), "startup.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho from-template > /tmp/t\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	g.ok("compute", "instance-templates", "create", "web-tmpl", "--machine-type", "e2-medium",
		"--image-family", "debian-12", "--image-project", "debian-cloud", "--boot-disk-size", "12GB",
		"--metadata-from-file", "startup-script="+script, "--metadata", "role=web",
		"--labels", "tier=web,env=dev", "--tags", "web,ssh", "--network", "default", "--description", "web tier")
	tmpl := g.describe("compute", "instance-templates", "describe", "web-tmpl")
	props, _ := tmpl["properties"].(map[string]any)
	if props == nil || props["machineType"] != "e2-medium" || tmpl["description"] != "web tier" {
		t.Fatalf("describe web-tmpl = %v", tmpl)
	}
	if s := gcloudJSONString(props["labels"]); !strings.Contains(s, `"tier":"web"`) || !strings.Contains(s, `"env":"dev"`) {
		t.Fatalf("--labels read back %s", s)
	}
	if s := gcloudJSONString(props["tags"]); !strings.Contains(s, `"web"`) || !strings.Contains(s, `"ssh"`) {
		t.Fatalf("--tags read back %s", s)
	}
	if s := gcloudJSONString(props["metadata"]); !strings.Contains(s, "from-template") || !strings.Contains(s, `"role"`) {
		t.Fatalf("--metadata/--metadata-from-file read back %s", s)
	}
	if s := gcloudJSONString(props["disks"]); !strings.Contains(s, `"diskSizeGb":"12"`) || !strings.Contains(s, "debian-12") {
		t.Fatalf("--boot-disk-size/--image-family read back %s", s)
	}
	_, stderr := g.fail("compute", "instance-templates", "create", "web-tmpl", "--machine-type", "e2-medium",
		"--image-family", "debian-12", "--image-project", "debian-cloud")
	if !strings.Contains(stderr, "already exists") {
		t.Fatalf("second create: %s", stderr)
	}

	// --no-address and --subnet.
	g.ok("compute", "instance-templates", "create", "private-tmpl", "--machine-type", "small-instance",
		"--image-family", "debian-12", "--image-project", "debian-cloud", "--no-address")
	tmpl = g.describe("compute", "instance-templates", "describe", "private-tmpl")
	if s := gcloudJSONString(tmpl["properties"]); strings.Contains(s, "accessConfigs") {
		t.Fatalf("--no-address template has access configs: %s", s)
	}

	// --subnet (with its --region): an instance from the template lands there.
	var subnets []map[string]any
	g.json(&subnets, "compute", "networks", "subnets", "list")
	if len(subnets) == 0 {
		t.Fatal("no subnetworks listed")
	}
	subName, _ := subnets[0]["name"].(string)
	subRegion := lastSegment(subnets[0]["region"].(string))
	g.ok("compute", "instance-templates", "create", "subnet-tmpl", "--machine-type", "small-instance",
		"--image-family", "debian-12", "--image-project", "debian-cloud", "--subnet", subName, "--region", subRegion)
	tmpl = g.describe("compute", "instance-templates", "describe", "subnet-tmpl")
	if s := gcloudJSONString(tmpl["properties"]); !strings.Contains(s, "/subnetworks/"+subName) {
		t.Fatalf("--subnet %s reads back %s", subName, s)
	}
	g.ok("compute", "instance-templates", "delete", "subnet-tmpl")

	var list []map[string]any
	g.json(&list, "compute", "instance-templates", "list")
	names := []string{}
	for _, it := range list {
		names = append(names, it["name"].(string))
	}
	if strings.Join(names, ",") != "private-tmpl,web-tmpl" {
		t.Fatalf("instance-templates list = %v", names)
	}

	// Flags a launch could not honour: refused at creation, naming the field.
	for _, bad := range [][]string{
		{"--can-ip-forward", "canIpForward"},
		{"--preemptible", "preemptible"},
		{"--shielded-secure-boot", "shieldedInstanceConfig"},
	} {
		_, stderr := g.fail("compute", "instance-templates", "create", "bad-tmpl", "--machine-type", "e2-medium",
			"--image-family", "debian-12", "--image-project", "debian-cloud", bad[0])
		if !strings.Contains(stderr, bad[1]) {
			t.Fatalf("%s: the error does not name %s:\n%s", bad[0], bad[1], stderr)
		}
	}
	_, stderr = g.fail("compute", "instance-templates", "describe", "bad-tmpl")
	if !strings.Contains(stderr, "was not found") {
		t.Fatalf("a refused template exists: %s", stderr)
	}

	// An instance from the template, with a flag of its own.
	g.ok("compute", "instances", "create", "vm-from-tmpl", "--zone", zone, "--source-instance-template", "web-tmpl",
		"--labels", "tier=api")
	vm := g.describe("compute", "instances", "describe", "vm-from-tmpl", "--zone", zone)
	if mt, _ := vm["machineType"].(string); !strings.HasSuffix(mt, "/machineTypes/e2-medium") {
		t.Fatalf("instance from template: machineType %v", vm["machineType"])
	}
	if s := gcloudJSONString(vm["labels"]); !strings.Contains(s, `"tier":"api"`) {
		t.Fatalf("instance from template: --labels tier=api read back %s", s)
	}
	if s := gcloudJSONString(vm["metadata"]); !strings.Contains(s, "from-template") {
		t.Fatalf("instance from template: startup-script missing from %s", s)
	}
	if s := gcloudJSONString(vm["tags"]); !strings.Contains(s, `"web"`) {
		t.Fatalf("instance from template: tags %s", s)
	}
	disk := g.describe("compute", "disks", "describe", "vm-from-tmpl", "--zone", zone)
	if disk["sizeGb"] != "12" {
		t.Fatalf("instance from template: boot disk %v GB", disk["sizeGb"])
	}
	g.ok("compute", "instances", "delete", "vm-from-tmpl", "--zone", zone)

	g.ok("compute", "instance-templates", "delete", "web-tmpl", "private-tmpl")
	g.json(&list, "compute", "instance-templates", "list")
	if len(list) != 0 {
		t.Fatalf("instance-templates list after delete = %v", list)
	}
}
