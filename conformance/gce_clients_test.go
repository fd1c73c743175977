package conformance

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The GCE clients besides gcloud and the Go SDK that people drive GCE with,
// run against the built gateway: googleapiclient (built from the discovery
// document the gateway serves), Libcloud's GCE driver and
// @google-cloud/compute with google-auth-library. Each prints one JSON line
// per step; every step must pass.

const debianPython = "/usr/bin/python3" // Debian's python3-googleapi and python3-libcloud

// requirePython returns Debian's python3 if it can import modules; like
// requireTool it fails with CI=true and skips otherwise.
func requirePython(t *testing.T, modules ...string) string {
	t.Helper()
	py := requireTool(t, debianPython)
	for _, m := range modules {
		if out, err := exec.Command(py, "-c", "import "+m).CombinedOutput(); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("python module %s is required in CI: %v\n%s", m, err, out)
			}
			t.Skipf("python module %s not installed", m)
		}
	}
	return py
}

// clientStep is one line of a client script's report.
type clientStep struct {
	Step   string `json:"step"`
	OK     bool   `json:"ok"`
	Detail any    `json:"detail"`
	Trace  string `json:"trace"`
}

// checkSteps parses a script's report, fails on a failed step, and returns
// the number of steps that passed.
func checkSteps(t *testing.T, client, stdout, stderr string, err error, wantSteps int) {
	t.Helper()
	passed, total := 0, 0
	for _, line := range strings.Split(stdout, "\n") {
		if !strings.HasPrefix(line, "{") {
			continue
		}
		var s clientStep
		if json.Unmarshal([]byte(line), &s) != nil {
			continue
		}
		total++
		if s.OK {
			passed++
			continue
		}
		t.Errorf("%s: step %q failed: %v\n%s", client, s.Step, s.Detail, s.Trace)
	}
	t.Logf("%s: %d/%d steps passed", client, passed, total)
	if total < wantSteps {
		t.Errorf("%s ran %d of %d steps (exit %v)\nstdout:\n%s\nstderr:\n%s", client, total, wantSteps, err, stdout, stderr)
	} else if err != nil && !t.Failed() {
		t.Errorf("%s exited with %v\nstderr:\n%s", client, err, stderr)
	}
}

// TestGoogleAPIClientPython drives googleapiclient, built from the
// gateway's discovery document, through a firewall, disk and instance
// lifecycle with batch requests and Google errors.
func TestGoogleAPIClientPython(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the gateway and runs python3")
	}
	py := requirePython(t, "googleapiclient.discovery", "google_auth_httplib2", "httplib2")
	gw := startGateway(t, nil)
	env := hermeticEnv(map[string]string{"HOME": t.TempDir()})
	script, _ := filepath.Abs("testdata/gce/googleapiclient_lifecycle.py")
	key := filepath.Join(gw.DataDir, "demo", "gce-key.json")
	so, se, err := run(t, env, 8*time.Minute, py, script, gw.URL, key, gw.CAFile, "-", "debian-cloud", "debian-12")
	checkSteps(t, "googleapiclient", so, se, err, 19)
}
