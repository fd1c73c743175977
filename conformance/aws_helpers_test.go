package conformance

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// awsCLI runs the real aws CLI against a gateway, isolated from the
// developer's configuration: temp AWS_CONFIG_FILE and
// AWS_SHARED_CREDENTIALS_FILE, env credentials from the gateway's
// demo/env.sh, no IMDS, no pager, --endpoint-url always given.
type awsCLI struct {
	t        *testing.T
	bin      string
	env      []string
	endpoint string
}

func newAWSCLI(t *testing.T, gw *Gateway) *awsCLI {
	t.Helper()
	bin := requireTool(t, "aws")
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config")
	creds := filepath.Join(dir, "credentials")
	for _, f := range []string{cfg, creds} {
		if err := os.WriteFile(f, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"} {
		if gw.Env[k] == "" {
			t.Fatalf("%s missing from %s/demo/env.sh (got %v)", k, gw.DataDir, gw.Env)
		}
	}
	extra := map[string]string{
		"AWS_ACCESS_KEY_ID":           gw.Env["AWS_ACCESS_KEY_ID"],
		"AWS_SECRET_ACCESS_KEY":       gw.Env["AWS_SECRET_ACCESS_KEY"],
		"AWS_DEFAULT_REGION":          gw.Env["AWS_DEFAULT_REGION"],
		"AWS_CONFIG_FILE":             cfg,
		"AWS_SHARED_CREDENTIALS_FILE": creds,
		"AWS_EC2_METADATA_DISABLED":   "true",
		"AWS_PAGER":                   "",
		"AWS_RETRY_MODE":              "legacy",
	}
	if gw.CAFile != "" {
		extra["AWS_CA_BUNDLE"] = gw.CAFile
	}
	return &awsCLI{t: t, bin: bin, env: hermeticEnv(extra), endpoint: gw.URL}
}

func (a *awsCLI) args(args []string) []string {
	return append([]string{"--endpoint-url", a.endpoint, "--output", "json"}, args...)
}

// ok runs `aws ARGS…`, fails the test on a non-zero exit and decodes the
// JSON output into out (if non-nil).
func (a *awsCLI) ok(out any, args ...string) {
	a.t.Helper()
	so, se, err := run(a.t, a.env, 3*time.Minute, a.bin, a.args(args)...)
	if err != nil {
		a.t.Fatalf("aws %s: %v\nstdout: %s\nstderr: %s", strings.Join(args, " "), err, so, se)
	}
	if out != nil {
		if err := json.Unmarshal([]byte(so), out); err != nil {
			a.t.Fatalf("aws %s: output is not the expected JSON: %v\n%s", strings.Join(args, " "), err, so)
		}
	}
}

// str runs a command whose --query yields one string.
func (a *awsCLI) str(args ...string) string {
	a.t.Helper()
	var s string
	a.ok(&s, args...)
	return s
}

// strs runs a command whose --query yields a list of strings.
func (a *awsCLI) strs(args ...string) []string {
	a.t.Helper()
	var s []string
	a.ok(&s, args...)
	return s
}

// fails runs a command that must fail with the EC2 error code.
func (a *awsCLI) fails(code string, args ...string) {
	a.t.Helper()
	a.failsOut(code, args...)
}

// failsOut is fails returning the CLI's error output.
func (a *awsCLI) failsOut(code string, args ...string) string {
	a.t.Helper()
	so, se, err := run(a.t, a.env, 3*time.Minute, a.bin, a.args(args)...)
	if err == nil {
		a.t.Fatalf("aws %s succeeded, want %s\n%s", strings.Join(args, " "), code, so)
	}
	if !strings.Contains(se, "("+code+")") {
		a.t.Fatalf("aws %s: want error %s, got:\n%s", strings.Join(args, " "), code, se)
	}
	return se
}

// polls runs a waiter with --debug and returns how many requests it
// sent; 1 means the resources were in the wanted state at the first poll
// (the CLI's waiters poll every 15 s).
func (a *awsCLI) polls(args ...string) int {
	a.t.Helper()
	so, se, err := run(a.t, a.env, 12*time.Minute, a.bin, a.args(append(args, "--debug"))...)
	if err != nil {
		a.t.Fatalf("aws %s: %v\nstdout: %s\nstderr (tail): %s", strings.Join(args, " "), err, so, tail(se, 3000))
	}
	return strings.Count(se, "Sending http request")
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]int{}
	for _, x := range a {
		m[x]++
	}
	for _, x := range b {
		m[x]--
	}
	for _, n := range m {
		if n != 0 {
			return false
		}
	}
	return true
}
