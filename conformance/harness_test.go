package conformance

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// This file is the black-box harness: it builds cmd/cloudgate once per test
// binary and starts `cloudgate serve` processes with the embedded
// simulator. Tests talk to them only through public clients and CLIs.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// cloudgateBinary builds ./cmd/cloudgate once and returns its path.
func cloudgateBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "cloudgate-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "cloudgate")
		cmd := exec.Command("go", "build", "-o", binPath, "./cmd/cloudgate")
		cmd.Dir = ".."
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build ./cmd/cloudgate: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// requireTool skips the test when a client CLI is missing, except in CI
// (CI=true), where a missing client is a failure.
func requireTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is required in CI but not found in PATH", name)
	}
	t.Skipf("%s not installed", name)
	return ""
}

// Gateway is a running `cloudgate serve`.
type Gateway struct {
	URL     string // https://127.0.0.1:PORT (or http with Insecure)
	DataDir string
	CAFile  string // "" when serving plain HTTP
	Env     map[string]string
	stdout  *syncBuffer
	cmd     *exec.Cmd
}

// GatewayOptions tunes startGateway.
type GatewayOptions struct {
	Insecure bool     // --insecure-http
	Args     []string // extra serve flags
	DataDir  string   // reuse a data dir (restart tests)
}

var listenRE = regexp.MustCompile(`listening on (https?://\S+)`)

// startGateway starts `cloudgate serve --listen 127.0.0.1:0` with a fresh
// data dir and stops it when the test ends.
func startGateway(t testing.TB, o *GatewayOptions) *Gateway {
	t.Helper()
	if o == nil {
		o = &GatewayOptions{}
	}
	bin := cloudgateBinary(t)
	dataDir := o.DataDir
	if dataDir == "" {
		dataDir = t.TempDir()
	}
	args := []string{"serve", "--listen", "127.0.0.1:0", "--data-dir", dataDir, "--log-level", "warn"}
	if o.Insecure {
		args = append(args, "--insecure-http")
	}
	args = append(args, o.Args...)
	cmd := exec.Command(bin, args...)
	cmd.Env = hermeticEnv(nil)
	out := &syncBuffer{}
	pr, pw := io.Pipe()
	cmd.Stdout = io.MultiWriter(out, pw)
	cmd.Stderr = out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	gw := &Gateway{DataDir: dataDir, stdout: out, cmd: cmd}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		pw.Close()
		if t.Failed() {
			t.Logf("cloudgate output:\n%s", out.String())
		}
	})
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if m := listenRE.FindStringSubmatch(sc.Text()); m != nil {
				urlc <- m[1]
				break
			}
		}
		io.Copy(io.Discard, pr)
	}()
	select {
	case gw.URL = <-urlc:
	case <-time.After(60 * time.Second):
		t.Fatalf("cloudgate did not start:\n%s", out.String())
	}
	if strings.HasPrefix(gw.URL, "https://") {
		gw.CAFile = filepath.Join(dataDir, "ca.pem")
	}
	gw.Env = readEnvFile(t, filepath.Join(dataDir, "demo", "env.sh"))
	gw.waitHealthy(t)
	return gw
}

func (g *Gateway) waitHealthy(t testing.TB) {
	t.Helper()
	client := g.HTTPClient(t)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := client.Get(g.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("gateway at %s never became healthy:\n%s", g.URL, g.stdout.String())
}

// HTTPClient trusts the gateway's CA.
func (g *Gateway) HTTPClient(t testing.TB) *http.Client {
	t.Helper()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if g.CAFile != "" {
		pem, err := os.ReadFile(g.CAFile)
		if err != nil {
			t.Fatal(err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			t.Fatalf("no certificates in %s", g.CAFile)
		}
		tr.TLSClientConfig = &tls.Config{RootCAs: pool}
	}
	return &http.Client{Transport: tr, Timeout: 2 * time.Minute}
}

// Output returns what the gateway printed so far.
func (g *Gateway) Output() string { return g.stdout.String() }

// run executes a client command with a bounded time and returns stdout;
// it fails the test on a non-zero exit unless allowFail.
func run(t testing.TB, env []string, timeout time.Duration, name string, args ...string) (string, string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = env
	var so, se strings.Builder
	cmd.Stdout, cmd.Stderr = &so, &se
	err := cmd.Run()
	return so.String(), se.String(), err
}

// hermeticEnv returns a minimal environment (PATH, HOME, TMPDIR, LANG)
// plus extra; client credentials never leak in from the developer's shell.
func hermeticEnv(extra map[string]string) []string {
	env := []string{}
	for _, k := range []string{"PATH", "HOME", "TMPDIR", "LANG", "PYENV_ROOT", "PYENV_VERSION"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	for k, v := range extra {
		env = append(env, k+"="+v)
	}
	return env
}

var exportRE = regexp.MustCompile(`^export ([A-Z_0-9]+)=(.*)$`)

// readEnvFile parses `export K=V` lines (V optionally single/double quoted).
func readEnvFile(t testing.TB, path string) map[string]string {
	t.Helper()
	m := map[string]string{}
	b, err := os.ReadFile(path)
	if err != nil {
		return m
	}
	for _, line := range strings.Split(string(b), "\n") {
		if sm := exportRE.FindStringSubmatch(strings.TrimSpace(line)); sm != nil {
			m[sm[1]] = strings.Trim(sm[2], `'"`)
		}
	}
	return m
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
