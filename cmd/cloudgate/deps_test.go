package main

import (
	"os/exec"
	"strings"
	"testing"
)

// Ensure the dependency direction of the architecture holds: the wire
// layers and auth reach CloudStack only through translate, only csbackend
// imports cloudstack-go, and the simulator and the conformance suite import
// no project package.
func TestDependencyDirection(t *testing.T) {
	const mod = "github.com/cloudgate/cloudgate/"
	rules := []struct {
		pkg      string
		project  []string // project packages it may import (besides itself)
		external []string // forbidden third-party import path prefixes
	}{
		{"translate", nil, []string{"github.com/gin-gonic/gin", "github.com/apache/cloudstack-go", "github.com/aws/"}},
		{"gcecompat", []string{"translate"}, []string{"github.com/apache/cloudstack-go"}},
		{"ec2compat", []string{"translate"}, []string{"github.com/apache/cloudstack-go"}},
		{"auth", []string{"translate"}, []string{"github.com/apache/cloudstack-go"}},
		{"translate/csbackend", []string{"translate"}, nil},
		{"certs", nil, nil},
		{"simulator", nil, []string{"github.com/apache/cloudstack-go"}},
		{"conformance", nil, nil},
	}
	for _, r := range rules {
		out, err := exec.Command("go", "list", "-deps", mod+r.pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list %s: %v\n%s", r.pkg, err, out)
		}
		allowed := map[string]bool{mod + r.pkg: true}
		for _, p := range r.project {
			allowed[mod+p] = true
		}
		for _, dep := range strings.Fields(string(out)) {
			if strings.HasPrefix(dep, mod) && !allowed[dep] {
				t.Errorf("%s must not depend on %s", r.pkg, dep)
			}
			for _, f := range r.external {
				if strings.HasPrefix(dep, f) {
					t.Errorf("%s must not depend on %s", r.pkg, dep)
				}
			}
		}
	}
}

// The serving binary carries no client SDK: the EC2 and GCE clients are what
// the conformance suite drives the gateway with (cmd/cloudgate-conformance),
// and linking them made the first `go run ./cmd/cloudgate serve` minutes
// longer and the binary several times larger (issue 15, item 4).
func TestServingBinaryLinksNoClientSDK(t *testing.T) {
	forbidden := []string{
		"github.com/aws/aws-sdk-go-v2",
		"github.com/aws/smithy-go",
		"google.golang.org/api",
		"cloud.google.com/go",
		"github.com/cloudgate/cloudgate/conformance",
	}
	out, err := exec.Command("go", "list", "-deps", "github.com/cloudgate/cloudgate/cmd/cloudgate").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 50 {
		t.Fatalf("go list -deps printed %d packages; expected the serving binary's full closure", len(deps))
	}
	for _, dep := range deps {
		for _, f := range forbidden {
			if dep == f || strings.HasPrefix(dep, f+"/") {
				t.Errorf("cmd/cloudgate links %s; client SDKs belong in cmd/cloudgate-conformance", dep)
			}
		}
	}
}
