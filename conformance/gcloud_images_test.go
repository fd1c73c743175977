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

	g.ok("compute", "images", "delete", "from-snap")
	if names := g.names("compute", "images", "list", "--no-standard-images"); names["from-snap"] {
		t.Fatal("images delete left the image")
	}
	g.ok("compute", "instances", "delete", "img-use", "--zone", zone2)
	g.ok("compute", "instances", "delete", "img-src", "--zone", zone)
}
