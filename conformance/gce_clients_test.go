package conformance

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
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
	checkSteps(t, "googleapiclient", so, se, err, 21)
}

// connectProxy is an HTTP proxy that tunnels every CONNECT to target
// (host:port), whatever host the client asked for. Clients with Google's
// hosts built in reach the gateway through it.
func connectProxy(t *testing.T, target string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect {
			http.Error(w, "CONNECT only", http.StatusMethodNotAllowed)
			return
		}
		up, err := net.DialTimeout("tcp", target, 10*time.Second)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		hj, ok := w.(http.Hijacker)
		if !ok {
			up.Close()
			return
		}
		down, rw, err := hj.Hijack()
		if err != nil {
			up.Close()
			return
		}
		rw.WriteString("HTTP/1.1 200 Connection established\r\n\r\n")
		rw.Flush()
		go func() { io.Copy(up, rw); up.Close() }()
		io.Copy(down, up)
		down.Close()
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

// TestLibcloudGCE drives Libcloud's GCE driver (Debian's python3-libcloud,
// unpatched, stock service-account auth) through firewall, disk and node
// lifecycles, including a boot disk it asks to keep.
func TestLibcloudGCE(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the gateway and runs python3")
	}
	py := requirePython(t, "libcloud.compute.drivers.gce", "cryptography")
	gw := startGateway(t, &GatewayOptions{Args: []string{"--tls-name", "www.googleapis.com", "--tls-name", "accounts.google.com"}})
	proxy := connectProxy(t, strings.TrimPrefix(gw.URL, "https://"))
	env := hermeticEnv(map[string]string{"HOME": t.TempDir()})
	script, _ := filepath.Abs("testdata/gce/libcloud_lifecycle.py")
	key := filepath.Join(gw.DataDir, "demo", "gce-key.json")
	so, se, err := run(t, env, 8*time.Minute, py, script, key, gw.CAFile, proxy, filepath.Join(t.TempDir(), "token-cache"))
	checkSteps(t, "libcloud", so, se, err, 19)
}

// TestNodeCompute drives @google-cloud/compute (REST) with
// google-auth-library from conformance/testdata/node (npm ci there).
func TestNodeCompute(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the gateway and runs node")
	}
	node := requireTool(t, "node")
	dir, _ := filepath.Abs("testdata/node")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@google-cloud", "compute")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("@google-cloud/compute is not installed (npm ci --ignore-scripts in %s): %v", dir, err)
		}
		t.Skipf("@google-cloud/compute not installed (npm ci --ignore-scripts in %s)", dir)
	}
	gw := startGateway(t, nil)
	hostPort := strings.TrimPrefix(gw.URL, "https://")
	host, port, _ := net.SplitHostPort(hostPort)
	env := hermeticEnv(map[string]string{"HOME": t.TempDir(), "NODE_EXTRA_CA_CERTS": gw.CAFile})
	key := filepath.Join(gw.DataDir, "demo", "gce-key.json")
	so, se, err := run(t, env, 8*time.Minute, node, filepath.Join(dir, "gce_lifecycle.js"), host, port, key)
	checkSteps(t, "@google-cloud/compute", so, se, err, 22)
}
