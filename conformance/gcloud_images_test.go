package conformance

import (
	"strings"
	"testing"
)

// TestGcloudImages drives the image commands of issue 16 §3.3 through
// gcloud: snapshots create (global snapshots.insert), images create
// --source-snapshot read back and booted in the other zone, images
// create --source-image and disks create --image refused naming
// sourceImage, and images delete of an image in use. It skips without
// gcloud, except with CI=true.
func TestGcloudImages(t *testing.T) {
	if testing.Short() {
		t.Skip("gcloud end-to-end test skipped in -short mode")
	}
	requireTool(t, "gcloud")
	gw := startGateway(t, nil)
	g := &gcloudCLI{t: t, env: gw.GcloudEnv(t)}
	const zone, zone2 = "cloudstack-1-zone1", "cloudstack-1-zone2"
	g.ok("compute", "instances", "create", "img-src", "--zone", zone, "--image-family", "debian-12", "--image-project", "debian-cloud", "--no-address")
	g.ok("compute", "snapshots", "create", "img-src-snap", "--source-disk", "img-src", "--source-disk-zone", zone)
	g.ok("compute", "images", "create", "from-snap", "--source-snapshot", "img-src-snap", "--family", "golden", "--labels", "team=blue")
	im := g.describe("compute", "images", "describe", "from-snap")
	if src, _ := im["sourceSnapshot"].(string); !strings.HasSuffix(src, "/global/snapshots/img-src-snap") || im["status"] != "READY" || im["family"] != "golden" {
		t.Fatalf("image from a snapshot = %v", im)
	}
	if fam := g.describe("compute", "images", "describe-from-family", "golden"); fam["name"] != "from-snap" {
		t.Fatalf("describe-from-family golden = %v", fam["name"])
	}
	// The image was made in zone1; an instance boots from it in zone2.
	g.ok("compute", "instances", "create", "img-use", "--zone", zone2, "--image", "from-snap", "--no-address")
	if vm := g.describe("compute", "instances", "describe", "img-use", "--zone", zone2); vm["status"] != "RUNNING" {
		t.Fatalf("instance from the image in %s = %v", zone2, vm["status"])
	}

	_, se := g.fail("compute", "images", "create", "copy", "--source-image", "from-snap")
	if !strings.Contains(se, "sourceImage") {
		t.Fatalf("images create --source-image: the error does not name sourceImage:\n%s", se)
	}
	_, se = g.fail("compute", "disks", "create", "data-from-image", "--zone", zone, "--image", "from-snap")
	if !strings.Contains(se, "sourceImage") {
		t.Fatalf("disks create --image: the error does not name sourceImage:\n%s", se)
	}
	if names := g.names("compute", "disks", "list"); names["data-from-image"] {
		t.Fatal("a refused disk exists")
	}

	// --create-disk: a second disk made and attached at insert (auto-delete
	// defaults to yes), deleted with the instance; the kept one stays.
	g.ok("compute", "instances", "create", "img-disks", "--zone", zone, "--image", "from-snap", "--no-address",
		"--create-disk", "size=12GB,name=img-disks-data,device-name=extra,type=pd-ssd",
		"--create-disk", "name=img-disks-keep,auto-delete=no")
	vm := g.describe("compute", "instances", "describe", "img-disks", "--zone", zone)
	disks, _ := vm["disks"].([]any)
	if len(disks) != 3 {
		t.Fatalf("--create-disk twice: disks = %v", vm["disks"])
	}
	d1, d2 := disks[1].(map[string]any), disks[2].(map[string]any)
	if !strings.HasSuffix(d1["source"].(string), "/disks/img-disks-data") || d1["deviceName"] != "extra" || d1["autoDelete"] != true ||
		!strings.HasSuffix(d2["source"].(string), "/disks/img-disks-keep") || d2["autoDelete"] == true {
		t.Fatalf("created disks read back as %v / %v", d1, d2)
	}
	if d := g.describe("compute", "disks", "describe", "img-disks-data", "--zone", zone); d["sizeGb"] != "12" || !strings.HasSuffix(d["type"].(string), "/pd-ssd") {
		t.Fatalf("img-disks-data = size %v type %v", d["sizeGb"], d["type"])
	}
	_, se = g.fail("compute", "instances", "create", "img-bad", "--zone", zone, "--image", "from-snap", "--no-address",
		"--create-disk", "name=img-bad-data,image=from-snap")
	if !strings.Contains(se, "sourceImage") {
		t.Fatalf("--create-disk image=: the error does not name sourceImage:\n%s", se)
	}
	g.ok("compute", "instances", "delete", "img-disks", "--zone", zone)
	names := g.names("compute", "disks", "list")
	if names["img-disks-data"] || !names["img-disks-keep"] || names["img-bad-data"] {
		t.Fatalf("disks after deleting the instance: %v", names)
	}

	g.ok("compute", "images", "delete", "from-snap")
	if names := g.names("compute", "images", "list", "--no-standard-images"); names["from-snap"] {
		t.Fatal("images delete left the image")
	}
	g.ok("compute", "instances", "delete", "img-use", "--zone", zone2)
	g.ok("compute", "instances", "delete", "img-src", "--zone", zone)
}
