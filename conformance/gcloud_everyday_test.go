package conformance

import (
	"strings"
	"testing"
)

// TestGcloudEveryday drives the flags a new user passes to
// `gcloud compute instances create` (issue 16): each is read back as
// written or refused with an error naming it. It also repeats set* calls
// whose fingerprints gcloud sends back URL-safe, creates an instance with
// --address NAME (gcloud derives the region from the zone name) and
// checks the reachable address gcloud compute ssh would use. It skips
// without gcloud, except with CI=true.
func TestGcloudEveryday(t *testing.T) {
	if testing.Short() {
		t.Skip("gcloud end-to-end test skipped in -short mode")
	}
	requireTool(t, "gcloud")
	gw := startGateway(t, nil)
	g := &gcloudCLI{t: t, env: gw.GcloudEnv(t)}
	const zone = "cloudstack-1-zone1"
	image := []string{"--image-family", "debian-12", "--image-project", "debian-cloud"}
	create := func(name string, flags ...string) []string {
		return append(append([]string{"compute", "instances", "create", name, "--zone", zone}, image...), flags...)
	}
	nic0 := func(vm map[string]any) map[string]any {
		nics, _ := vm["networkInterfaces"].([]any)
		if len(nics) != 1 {
			t.Fatalf("networkInterfaces = %v", vm["networkInterfaces"])
		}
		return nics[0].(map[string]any)
	}

	// Defaults: an external (reachable) address, the machine type as named.
	g.ok(create("vm-default", "--machine-type", "e2-medium")...)
	vm := g.describe("compute", "instances", "describe", "vm-default", "--zone", zone)
	if mt, _ := vm["machineType"].(string); !strings.HasSuffix(mt, "/machineTypes/e2-medium") {
		t.Fatalf("--machine-type e2-medium reads back %v", vm["machineType"])
	}
	nic := nic0(vm)
	acs, _ := nic["accessConfigs"].([]any)
	if len(acs) != 1 || acs[0].(map[string]any)["natIP"] == nil || acs[0].(map[string]any)["natIP"] == "" {
		t.Fatalf("default instance has no external natIP (gcloud compute ssh falls back to IAP): %v", nic)
	}
	subnet := nic["subnetwork"].(string)
	guestIP := nic["networkIP"].(string)

	// Fingerprints: gcloud re-encodes them URL-safe; every set* must pass.
	for i, kv := range []string{"a=1", "b=2", "c=3", "d=4", "e=5", "f=6"} {
		g.ok("compute", "instances", "add-labels", "vm-default", "--zone", zone, "--labels", kv)
		g.ok("compute", "instances", "add-metadata", "vm-default", "--zone", zone, "--metadata", kv)
		g.ok("compute", "instances", "add-tags", "vm-default", "--zone", zone, "--tags", "t"+string(rune('a'+i)))
	}
	vm = g.describe("compute", "instances", "describe", "vm-default", "--zone", zone)
	if lbl, _ := vm["labels"].(map[string]any); len(lbl) != 6 {
		t.Fatalf("labels after 6 add-labels = %v", vm["labels"])
	}

	// --no-address: no access config at all.
	g.ok(create("vm-noaddr", "--machine-type", "small-instance", "--no-address")...)
	vm = g.describe("compute", "instances", "describe", "vm-noaddr", "--zone", zone)
	if acs, _ := nic0(vm)["accessConfigs"].([]any); len(acs) != 0 {
		t.Fatalf("--no-address instance shows access configs %v", acs)
	}

	// Protection, scopes, subnet and a private address, read back.
	parts := strings.Split(guestIP, ".")
	ip := strings.Join(parts[:3], ".") + ".250"
	if ip == guestIP {
		ip = strings.Join(parts[:3], ".") + ".249"
	}
	g.ok(create("vm-set", "--machine-type", "small-instance", "--deletion-protection", "--scopes", "cloud-platform,storage-ro",
		"--subnet", lastSegment(subnet), "--private-network-ip", ip)...)
	vm = g.describe("compute", "instances", "describe", "vm-set", "--zone", zone)
	if vm["deletionProtection"] != true {
		t.Fatalf("--deletion-protection reads back %v", vm["deletionProtection"])
	}
	if s := gcloudJSONString(vm["serviceAccounts"]); !strings.Contains(s, "auth/cloud-platform") || !strings.Contains(s, "devstorage.read_only") {
		t.Fatalf("--scopes read back %s", s)
	}
	if n := nic0(vm); n["networkIP"] != ip || !strings.HasSuffix(n["subnetwork"].(string), "/"+lastSegment(subnet)) {
		t.Fatalf("--private-network-ip %s --subnet %s read back %v", ip, lastSegment(subnet), n)
	}
	_, stderr := g.fail("compute", "instances", "delete", "vm-set", "--zone", zone)
	if !strings.Contains(stderr, "protected against deletion") {
		t.Fatalf("delete of a protected instance: %s", stderr)
	}
	g.ok("compute", "instances", "update", "vm-set", "--zone", zone, "--no-deletion-protection")
	g.ok("compute", "instances", "delete", "vm-set", "--zone", zone)

	// --address NAME: gcloud looks the address up in the region it
	// derives from the zone name (cut at the last '-'). Where CloudStack
	// has public addresses the instance gets it; in security-group zones
	// (no user public addresses) the lookup must still name the region.
	var regions []map[string]any
	g.json(&regions, "compute", "regions", "list")
	region := regions[0]["name"].(string)
	if _, _, err := g.run("compute", "addresses", "create", "ip-everyday", "--region", region); err == nil {
		g.ok(create("vm-addr", "--machine-type", "small-instance", "--address", "ip-everyday")...)
		addr := g.describe("compute", "addresses", "describe", "ip-everyday", "--region", region)
		vm = g.describe("compute", "instances", "describe", "vm-addr", "--zone", zone)
		if acs, _ := nic0(vm)["accessConfigs"].([]any); len(acs) != 1 || acs[0].(map[string]any)["natIP"] != addr["address"] {
			t.Fatalf("--address ip-everyday (%v) reads back %v", addr["address"], nic0(vm)["accessConfigs"])
		}
		g.ok("compute", "instances", "delete", "vm-addr", "--zone", zone)
		g.ok("compute", "addresses", "delete", "ip-everyday", "--region", region)
	} else {
		_, stderr := g.fail(create("vm-addr", "--machine-type", "small-instance", "--address", "no-such-ip")...)
		if !strings.Contains(stderr, "regions/"+region+"/addresses/no-such-ip") {
			t.Fatalf("--address: gcloud did not look in region %s:\n%s", region, stderr)
		}
	}

	// Images: --force from a running instance's disk, --family, labels,
	// deprecation; set-scheduling; catalogs that are empty on CloudStack.
	g.ok("compute", "images", "create", "img-everyday", "--source-disk", "vm-default", "--source-disk-zone", zone, "--force", "--family", "fam-everyday")
	if img := g.describe("compute", "images", "describe-from-family", "fam-everyday"); img["name"] != "img-everyday" {
		t.Fatalf("describe-from-family fam-everyday = %v", img["name"])
	}
	g.ok("compute", "images", "add-labels", "img-everyday", "--labels", "team=blue")
	g.ok("compute", "images", "deprecate", "img-everyday", "--state", "DEPRECATED")
	img := g.describe("compute", "images", "describe", "img-everyday")
	if lbl, _ := img["labels"].(map[string]any); lbl["team"] != "blue" || !strings.Contains(gcloudJSONString(img["deprecated"]), "DEPRECATED") {
		t.Fatalf("image labels/deprecated = %v / %v", img["labels"], img["deprecated"])
	}
	g.ok("compute", "images", "delete", "img-everyday")
	g.ok("compute", "instances", "set-scheduling", "vm-default", "--zone", zone, "--maintenance-policy", "MIGRATE")
	if _, stderr := g.fail("compute", "instances", "suspend", "vm-default", "--zone", zone); !strings.Contains(stderr, "not supported") {
		t.Fatalf("suspend: %s", stderr)
	}
	if r := g.describe("compute", "regions", "describe", region); !strings.Contains(gcloudJSONString(r["quotas"]), `"INSTANCES"`) {
		t.Fatalf("region quotas = %v", r["quotas"])
	}
	g.ok("compute", "disks", "create", "ro-disk", "--zone", zone, "--size", "10GB")
	if _, stderr := g.fail("compute", "instances", "attach-disk", "vm-default", "--zone", zone, "--disk", "ro-disk", "--mode", "ro"); !strings.Contains(stderr, "mode") {
		t.Fatalf("attach-disk --mode ro: %s", stderr)
	}
	g.ok("compute", "disks", "delete", "ro-disk", "--zone", zone)
	g.ok("compute", "accelerator-types", "list")
	g.ok("compute", "resource-policies", "list")

	// Refused, naming the flag's field; nothing is created.
	for _, c := range []struct{ flags, field string }{
		{"--preemptible", "preemptible"},
		{"--provisioning-model=SPOT", "provisioningModel"},
		{"--maintenance-policy=TERMINATE", "onHostMaintenance"},
		{"--network=no-such-net", "networks/no-such-net"},
		{"--machine-type=e2-no-such-type", "e2-no-such-type"},
	} {
		args := create("vm-refused", c.flags)
		if !strings.HasPrefix(c.flags, "--machine-type") {
			args = append(args, "--machine-type", "small-instance")
		}
		_, stderr := g.fail(args...)
		if !strings.Contains(stderr, c.field) {
			t.Fatalf("create %s: the error does not name %s:\n%s", c.flags, c.field, stderr)
		}
	}
	if n := g.names("compute", "instances", "list"); n["vm-refused"] || n["vm-set"] {
		t.Fatalf("instances after refused creates = %v", n)
	}
}
