package conformance

import (
	"fmt"
	"strings"
	"testing"
)

// TestGcloudManagedInstanceGroups drives `gcloud compute instance-groups
// managed` create/describe/list/list-instances/resize/recreate-instances/
// delete-instances/delete and `instance-groups list/list-instances` on an
// instance template, through the real gcloud (isolated config, the
// gateway's CA), and the native errors for what CloudStack cannot do
// (--description, set-autoscaling, --health-check). It skips without
// gcloud, except with CI=true.
func TestGcloudManagedInstanceGroups(t *testing.T) {
	if testing.Short() {
		t.Skip("gcloud end-to-end test skipped in -short mode")
	}
	requireTool(t, "gcloud")
	gw := startGateway(t, nil)
	g := &gcloudCLI{t: t, env: gw.GcloudEnv(t)}
	const zone = "cloudstack-1-zone1"
	mig := func(args ...string) []string {
		return append([]string{"compute", "instance-groups", "managed"}, args...)
	}
	members := func(n int) []string {
		t.Helper()
		var items []map[string]any
		g.json(&items, mig("list-instances", "web", "--zone", zone)...)
		var names []string
		for _, it := range items {
			name, _ := it["name"].(string)
			if it["instanceStatus"] != "RUNNING" || it["currentAction"] != "NONE" || !strings.HasPrefix(name, "web-") || len(name) != len("web-xxxx") {
				t.Fatalf("list-instances item %v", it)
			}
			names = append(names, name)
		}
		if len(names) != n {
			t.Fatalf("list-instances: %d members, want %d: %v", len(names), n, names)
		}
		return names
	}
	targetSize := func() string {
		t.Helper()
		return strings.TrimSpace(g.ok(mig("describe", "web", "--zone", zone, "--format", "value(targetSize)")...))
	}

	g.ok("compute", "instance-templates", "create", "web-tmpl", "--machine-type", "small-instance",
		"--image-family", "debian-12", "--image-project", "debian-cloud", "--labels", "tier=web", "--tags", "web")
	g.ok(mig("create", "web", "--zone", zone, "--template", "web-tmpl", "--size", "2", "--base-instance-name", "web")...)
	m := g.describe(mig("describe", "web", "--zone", zone)...)
	if fmt.Sprint(m["targetSize"]) != "2" || m["baseInstanceName"] != "web" || !strings.HasSuffix(fmt.Sprint(m["instanceTemplate"]), "/global/instanceTemplates/web-tmpl") {
		t.Fatalf("describe = %v", m)
	}
	names := members(2)
	vm := g.describe("compute", "instances", "describe", names[0], "--zone", zone)
	if lbl, _ := vm["labels"].(map[string]any); lbl["tier"] != "web" {
		t.Fatalf("member %s labels %v (template has tier=web)", names[0], vm["labels"])
	}

	// list: gcloud joins the MIG with its instance group's size and looks
	// for autoscalers.
	var list []map[string]any
	g.json(&list, mig("list")...)
	if len(list) != 1 || list[0]["name"] != "web" || fmt.Sprint(list[0]["size"]) != "2" || list[0]["autoscaled"] != "no" {
		t.Fatalf("managed list = %v", list)
	}
	var groups []map[string]any
	g.json(&groups, "compute", "instance-groups", "list")
	if len(groups) != 1 || groups[0]["name"] != "web" || fmt.Sprint(groups[0]["size"]) != "2" {
		t.Fatalf("instance-groups list = %v", groups)
	}
	var igInstances []map[string]any
	g.json(&igInstances, "compute", "instance-groups", "list-instances", "web", "--zone", zone)
	if len(igInstances) != 2 {
		t.Fatalf("instance-groups list-instances = %v", igInstances)
	}

	// resize up and down.
	g.ok(mig("resize", "web", "--zone", zone, "--size", "3")...)
	members(3)
	g.ok(mig("resize", "web", "--zone", zone, "--size", "1")...)
	if s := targetSize(); s != "1" {
		t.Fatalf("targetSize after resize --size 1 = %s", s)
	}
	names = members(1)

	// recreate-instances: the same name, a new instance.
	before := g.describe("compute", "instances", "describe", names[0], "--zone", zone)
	g.ok(mig("recreate-instances", "web", "--zone", zone, "--instances", names[0])...)
	members(1)
	after := g.describe("compute", "instances", "describe", names[0], "--zone", zone)
	if after["id"] == before["id"] {
		t.Fatalf("recreate-instances kept instance id %v", after["id"])
	}

	// delete-instances lowers the target size.
	g.ok(mig("delete-instances", "web", "--zone", zone, "--instances", names[0])...)
	if s := targetSize(); s != "0" {
		t.Fatalf("targetSize after delete-instances = %s", s)
	}
	g.fail("compute", "instances", "describe", names[0], "--zone", zone)

	// What CloudStack cannot do: a native error naming it.
	_, stderr := g.fail(mig("create", "web2", "--zone", zone, "--template", "web-tmpl", "--size", "1", "--description", "x")...)
	if !strings.Contains(stderr, "resource.description") {
		t.Fatalf("--description: %s", stderr)
	}
	_, stderr = g.fail(mig("set-autoscaling", "web", "--zone", zone, "--max-num-replicas", "3")...)
	if !strings.Contains(stderr, "Autoscalers are not supported") {
		t.Fatalf("set-autoscaling: %s", stderr)
	}
	_, stderr = g.fail(mig("create", "web3", "--zone", zone, "--template", "web-tmpl", "--size", "1",
		"--health-check", "hc", "--initial-delay", "60")...)
	if !strings.Contains(stderr, "autoHealingPolicies") && !strings.Contains(stderr, "healthChecks") {
		t.Fatalf("--health-check: %s", stderr)
	}

	g.ok(mig("delete", "web", "--zone", zone)...)
	g.json(&list, mig("list")...)
	if len(list) != 0 {
		t.Fatalf("managed list after delete = %v", list)
	}
	var vms []map[string]any
	g.json(&vms, "compute", "instances", "list")
	if len(vms) != 0 {
		t.Fatalf("instances after the MIG was deleted: %v", vms)
	}
}
