package conformance

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestGcloud drives the built cloudgate binary with the real gcloud CLI
// (Cloud SDK 528): catalog lists with --filter, an instance's whole life,
// firewall rules, disks and snapshots, addresses and operations. It skips
// without gcloud, except with CI=true, where that is a failure.
func TestGcloud(t *testing.T) {
	if testing.Short() {
		t.Skip("gcloud end-to-end test skipped in -short mode")
	}
	requireTool(t, "gcloud")
	gw := startGateway(t, nil)
	// One gcloud configuration; the parts run one after the other (gcloud
	// is CPU-heavy, running them in parallel only makes each call slower).
	// The whole test takes a few minutes: run it with -timeout 20m.
	env := gw.GcloudEnv(t)
	for _, part := range []struct {
		name string
		run  func(*gcloudCLI)
	}{
		{"catalog", gcloudCatalog},
		{"firewall-rules", gcloudFirewalls},
		{"addresses", gcloudAddresses},
		{"instances", gcloudInstances},
	} {
		if !t.Run(part.name, func(t *testing.T) { part.run(&gcloudCLI{t: t, env: env}) }) {
			t.FailNow()
		}
	}
}

// TestGcloudAddressesSandbox reserves an address through gcloud where
// CloudStack gives users public addresses: the sandbox profile (an Advanced
// zone without security groups).
func TestGcloudAddressesSandbox(t *testing.T) {
	if testing.Short() {
		t.Skip("gcloud end-to-end test skipped in -short mode")
	}
	requireTool(t, "gcloud")
	gw := startGateway(t, &GatewayOptions{Args: []string{"--profile", "sandbox"}})
	gcloudAddressesIsolated(&gcloudCLI{t: t, env: gw.GcloudEnv(t)})
}

// gcloudCatalog lists zones, regions, machine types and images, with and
// without --filter (which gcloud turns into the server-side filter=).
func gcloudCatalog(g *gcloudCLI) {
	t := g.t
	zones := g.names("compute", "zones", "list")
	if !zones["cloudstack-1-zone1"] || !zones["cloudstack-1-zone2"] {
		t.Fatalf("zones = %v", zones)
	}
	if z := g.names("compute", "zones", "list", "--filter=name=cloudstack-1-zone2"); len(z) != 1 || !z["cloudstack-1-zone2"] {
		t.Fatalf("zones --filter=name=cloudstack-1-zone2 = %v", z)
	}
	if r := g.names("compute", "regions", "list"); len(r) != 1 {
		t.Fatalf("regions = %v", r)
	}
	if mt := g.names("compute", "machine-types", "list", "--zones", "cloudstack-1-zone1"); !mt["small-instance"] || !mt["medium-instance"] {
		t.Fatalf("machine types = %v", mt)
	}
	var images []map[string]any
	g.json(&images, "compute", "images", "list")
	families := map[string]bool{}
	for _, im := range images {
		if f, _ := im["family"].(string); f != "" {
			families[f] = true
		}
	}
	if !families["debian-12"] || !families["ubuntu-2204-lts"] || !families["centos-7"] {
		t.Fatalf("image families = %v", families)
	}
	g.json(&images, "compute", "images", "list", "--filter=family~debian")
	if len(images) != 1 {
		t.Fatalf("images --filter=family~debian = %v", images)
	}
}

// gcloudInstances runs an instance through its life, with a data disk,
// a snapshot, operations and error output.
func gcloudInstances(g *gcloudCLI) {
	t := g.t
	script := filepath.Join(t.TempDir(), "startup.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho hello from cloudgate\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	g.ok("compute", "instances", "create", "vm1", "--zone", "cloudstack-1-zone1", "--machine-type", "small-instance",
		"--image-family", "debian-12", "--image-project", "debian-cloud", "--tags", "web,db",
		"--labels", "env=dev", "--metadata-from-file", "startup-script="+script)
	var insts []map[string]any
	g.json(&insts, "compute", "instances", "list")
	if len(insts) != 1 || insts[0]["name"] != "vm1" || insts[0]["status"] != "RUNNING" {
		t.Fatalf("instances list = %v", insts)
	}
	vm := g.describe("compute", "instances", "describe", "vm1", "--zone", "cloudstack-1-zone1")
	if lbl, _ := vm["labels"].(map[string]any); lbl["env"] != "dev" {
		t.Fatalf("labels = %v", vm["labels"])
	}
	if !strings.Contains(gcloudJSONString(vm["tags"]), `"web"`) || !strings.Contains(gcloudJSONString(vm["metadata"]), "hello from cloudgate") {
		t.Fatalf("tags/metadata = %v / %v", vm["tags"], vm["metadata"])
	}
	g.ok("compute", "instances", "stop", "vm1", "--zone", "cloudstack-1-zone1")
	// set-machine-type needs a stopped instance, so its success shows the stop.
	g.ok("compute", "instances", "set-machine-type", "vm1", "--zone", "cloudstack-1-zone1", "--machine-type", "medium-instance")
	g.ok("compute", "instances", "start", "vm1", "--zone", "cloudstack-1-zone1")
	g.ok("compute", "instances", "add-labels", "vm1", "--zone", "cloudstack-1-zone1", "--labels", "team=blue")
	vm = g.describe("compute", "instances", "describe", "vm1", "--zone", "cloudstack-1-zone1")
	if vm["status"] != "RUNNING" || !strings.HasSuffix(vm["machineType"].(string), "/medium-instance") {
		t.Fatalf("after set-machine-type + start: %v %v", vm["status"], vm["machineType"])
	}
	if lbl, _ := vm["labels"].(map[string]any); lbl["env"] != "dev" || lbl["team"] != "blue" {
		t.Fatalf("labels after add-labels = %v", vm["labels"])
	}
	if out := g.ok("compute", "instances", "get-serial-port-output", "vm1", "--zone", "cloudstack-1-zone1"); strings.TrimSpace(out) == "" {
		t.Fatal("empty serial port output")
	}

	// Disks and snapshots.
	g.ok("compute", "disks", "create", "data1", "--zone", "cloudstack-1-zone1", "--size", "10GB")
	g.ok("compute", "instances", "attach-disk", "vm1", "--zone", "cloudstack-1-zone1", "--disk", "data1")
	// detach-disk finds the disk among the instance's disks, so its success
	// shows the attachment.
	g.ok("compute", "instances", "detach-disk", "vm1", "--zone", "cloudstack-1-zone1", "--disk", "data1")
	g.ok("compute", "disks", "snapshot", "data1", "--zone", "cloudstack-1-zone1", "--snapshot-names", "snap1")
	if s := g.names("compute", "snapshots", "list"); !s["snap1"] {
		t.Fatalf("snapshots = %v", s)
	}
	if d := g.names("compute", "disks", "list"); !d["data1"] || !d["vm1"] {
		t.Fatalf("disks = %v", d)
	}
	g.ok("compute", "snapshots", "delete", "snap1", "--quiet")
	g.ok("compute", "disks", "delete", "data1", "--zone", "cloudstack-1-zone1", "--quiet")

	// Operations.
	var ops []map[string]any
	g.json(&ops, "compute", "operations", "list")
	types := map[string]bool{}
	for _, op := range ops {
		types[op["operationType"].(string)] = true
	}
	if !types["insert"] || !types["stop"] || !types["start"] {
		t.Fatalf("operation types = %v", types)
	}

	// Errors are Google-style and gcloud prints them.
	_, stderr := g.fail("compute", "instances", "describe", "nosuch", "--zone", "cloudstack-1-zone1")
	if !strings.Contains(stderr, "was not found") {
		t.Fatalf("describe nosuch: %s", stderr)
	}
	_, stderr = g.fail("compute", "instances", "create", "vm1", "--zone", "cloudstack-1-zone1", "--machine-type", "small-instance",
		"--image-family", "debian-12", "--image-project", "debian-cloud")
	if !strings.Contains(stderr, "already exists") {
		t.Fatalf("duplicate create: %s", stderr)
	}

	g.ok("compute", "instances", "delete", "vm1", "--zone", "cloudstack-1-zone1", "--quiet")
	if n := g.names("compute", "instances", "list"); len(n) != 0 {
		t.Fatalf("instances after delete = %v", n)
	}
}

// gcloudFirewalls creates, lists, updates and deletes a firewall rule
// with target tags.
func gcloudFirewalls(g *gcloudCLI) {
	t := g.t
	g.ok("compute", "firewall-rules", "create", "allow-web", "--allow", "tcp:80,tcp:443", "--target-tags", "web", "--source-ranges", "0.0.0.0/0")
	var fws []map[string]any
	g.json(&fws, "compute", "firewall-rules", "list", "--filter=name=allow-web")
	if len(fws) != 1 || !strings.Contains(gcloudJSONString(fws[0]["targetTags"]), "web") {
		t.Fatalf("firewall-rules list = %v", fws)
	}
	g.ok("compute", "firewall-rules", "update", "allow-web", "--allow", "tcp:8080")
	fw := g.describe("compute", "firewall-rules", "describe", "allow-web")
	if s := gcloudJSONString(fw["allowed"]); !strings.Contains(s, "8080") || strings.Contains(s, `"80"`) {
		t.Fatalf("allowed after update = %s", s)
	}
	g.ok("compute", "firewall-rules", "delete", "allow-web", "--quiet")
	if n := g.names("compute", "firewall-rules", "list"); n["allow-web"] {
		t.Fatalf("firewall still listed: %v", n)
	}
}

// gcloudAddresses reserves and releases an external address.
func gcloudAddresses(g *gcloudCLI) {
	t := g.t
	var regions []map[string]any
	g.json(&regions, "compute", "regions", "list")
	if len(regions) != 1 {
		t.Fatalf("regions = %v", regions)
	}
	region := regions[0]["name"].(string)
	// The embedded demo datacenter's zones have security groups: CloudStack gives users
	// no public addresses there, and the gateway says so (as for the aws CLI).
	if _, errOut := g.fail("compute", "addresses", "create", "ip1", "--region", region); !strings.Contains(errOut, "security groups") {
		t.Fatalf("addresses create in a security-group zone: the error does not say why:\n%s", errOut)
	}
	if g.names("compute", "addresses", "list")["ip1"] {
		t.Fatal("a refused address is listed")
	}
}

// gcloudAddressesIsolated reserves, lists and releases an address where the
// zone has no security groups (the sandbox profile).
func gcloudAddressesIsolated(g *gcloudCLI) {
	t := g.t
	var regions []map[string]any
	g.json(&regions, "compute", "regions", "list")
	region := regions[0]["name"].(string)
	g.ok("compute", "addresses", "create", "ip1", "--region", region)
	var addrs []map[string]any
	g.json(&addrs, "compute", "addresses", "list")
	if len(addrs) != 1 || addrs[0]["name"] != "ip1" || addrs[0]["address"] == "" {
		t.Fatalf("addresses = %v", addrs)
	}
	g.ok("compute", "addresses", "delete", "ip1", "--region", region, "--quiet")
}

// gcloudCLI runs gcloud commands with a bounded time each.
type gcloudCLI struct {
	t   *testing.T
	env []string
}

const gcloudTimeout = 3 * time.Minute

func (g *gcloudCLI) run(args ...string) (string, string, error) {
	g.t.Helper()
	start := time.Now()
	out, errOut, err := run(g.t, g.env, gcloudTimeout, "gcloud", append(args, "--quiet")...)
	g.t.Logf("gcloud %s (%s)", strings.Join(args, " "), time.Since(start).Round(time.Millisecond))
	return out, errOut, err
}

// ok runs a command that must succeed and returns its stdout.
func (g *gcloudCLI) ok(args ...string) string {
	g.t.Helper()
	out, errOut, err := g.run(args...)
	if err != nil {
		g.t.Fatalf("gcloud %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out, errOut)
	}
	return out
}

// fail runs a command that must fail.
func (g *gcloudCLI) fail(args ...string) (string, string) {
	g.t.Helper()
	out, errOut, err := g.run(args...)
	if err == nil {
		g.t.Fatalf("gcloud %s succeeded, want failure:\n%s", strings.Join(args, " "), out)
	}
	return out, errOut
}

// json runs a command with --format=json and decodes its output.
func (g *gcloudCLI) json(v any, args ...string) {
	g.t.Helper()
	out := g.ok(append(args, "--format=json")...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		g.t.Fatalf("gcloud %s: output is not JSON: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func (g *gcloudCLI) describe(args ...string) map[string]any {
	g.t.Helper()
	var m map[string]any
	g.json(&m, args...)
	return m
}

// names lists resources and returns their names.
func (g *gcloudCLI) names(args ...string) map[string]bool {
	g.t.Helper()
	var items []map[string]any
	g.json(&items, args...)
	out := map[string]bool{}
	for _, it := range items {
		if n, ok := it["name"].(string); ok {
			out[n] = true
		}
	}
	return out
}

func gcloudJSONString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
