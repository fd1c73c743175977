package conformance

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// TestConformance runs the whole suite against `cloudgate serve` with
// the embedded simulator, once per datacenter profile (in parallel),
// writes the reports and fails on regressions versus
// docs/compatibility-PROFILE.json. With -update it rewrites those and
// docs/compatibility.md (the matrix with a column per profile) instead
// (see regen.sh).
func TestConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("conformance suite skipped in -short mode")
	}
	t.Parallel()
	reps := make([]ProfileReport, len(profiles))
	t.Run("profiles", func(t *testing.T) {
		for i, p := range profiles {
			t.Run(p.name, func(t *testing.T) {
				t.Parallel()
				gw := startGateway(t, &GatewayOptions{Args: []string{"--profile", p.name}})
				cfg, err := DemoConfig(gw.DataDir)
				if err != nil {
					t.Fatal(err)
				}
				if cfg.EC2Endpoint == "" {
					cfg.EC2Endpoint = gw.URL + "/"
				}
				if cfg.GCEEndpoint == "" {
					t.Logf("no GCE key in %s/demo: GCE scenarios are skipped", gw.DataDir)
				}
				cfg.CAFile = gw.CAFile
				cfg.Timeout = 2 * time.Minute
				cfg.Target = "cloudgate serve --profile " + p.name
				reps[i] = ProfileReport{Name: p.name, Description: p.desc, Report: runAndCompare(t, cfg, "../docs", "compatibility-"+p.name, false)}
			})
		}
	})
	if *update && !t.Failed() {
		var b bytes.Buffer
		if err := WriteProfilesMarkdown(&b, reps); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join("../docs", "compatibility.md"), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestConformanceMoto runs the EC2 scenarios against moto_server (a
// well-known EC2 fake) as a check of the suite itself. It skips without
// moto_server, except with CI=true. Known divergences are skipped with a
// reason; the baseline is testdata/compatibility-moto.json.
func TestConformanceMoto(t *testing.T) {
	if testing.Short() {
		t.Skip("moto conformance skipped in -short mode")
	}
	t.Parallel()
	bin := requireTool(t, "moto_server")
	url := startMoto(t, bin)
	cfg := Config{
		EC2Endpoint:  url,
		AWSAccessKey: "testing",
		AWSSecret:    "testing",
		AWSRegion:    "us-east-1",
		Only:         []string{"ec2"},
		Skip:         motoDivergences,
		Timeout:      time.Minute,
		Target:       "moto_server (EC2 only)",
	}
	runAndCompare(t, cfg, "testdata", "compatibility-moto", true)
}

// motoDivergences are scenarios where moto (not the suite) departs from
// real EC2 behaviour.
var motoDivergences = map[string]string{
	"ec2/instance-types":            "moto ignores MaxResults on DescribeInstanceTypes",
	"ec2/instances/malformed-id":    "moto answers InvalidInstanceID.NotFound for malformed IDs",
	"ec2/instances/idempotency":     "moto ignores RunInstances ClientToken",
	"ec2/instances/list-validation": "moto answers 500 for unknown filter names",
	"ec2/instances/unknown-image":   "moto launches instances from unknown AMIs",
	"ec2/instances/modify-type":     "moto changes the type of a running instance",
	"ec2/instances/incorrect-state": "moto starts terminated instances",
	"ec2/launch-templates":          "moto's CreateLaunchTemplateVersion ignores SourceVersion (moto/ec2/responses/launch_templates.py never reads it)",
}

// runAndCompare runs cfg (bounded), writes Markdown/JSON/JUnit reports to
// a temp dir, and either rewrites dir/base.{md,json} (-update) or fails
// on regressions versus dir/base.json.
func runAndCompare(t *testing.T, cfg Config, dir, base string, withMarkdown bool) *Report {
	t.Helper()
	if testing.Verbose() {
		cfg.Progress = os.Stderr
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	rep, err := Run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	rep.fill()
	out := t.TempDir()
	if err := rep.WriteFiles(out, base); err != nil {
		t.Fatal(err)
	}
	t.Logf("reports in %s; scenarios %+v, routes %+v", out, rep.Scenarios(""), rep.Routes(""))
	for _, r := range rep.Results {
		if r.Status != StatusPass {
			t.Logf("%s %s: %s", r.Status, r.Scenario, r.Reason)
		}
	}
	if *update {
		writeReports(t, rep, dir, base, withMarkdown)
		t.Logf("rewrote %s/%s (markdown: %v)", dir, base, withMarkdown)
		return rep
	}
	f, err := os.Open(filepath.Join(dir, base+".json"))
	if err != nil {
		t.Logf("no baseline (%v); run with -update to create one", err)
		return rep
	}
	defer f.Close()
	baseline, err := ReadReport(f)
	if err != nil {
		t.Fatalf("baseline %s: %v", f.Name(), err)
	}
	for _, reg := range rep.Regressions(baseline) {
		t.Errorf("regression: %s passed in %s, fails now: %s", reg.Scenario, f.Name(), reg.Reason)
	}
	if imp := rep.Improvements(baseline); len(imp) > 0 {
		t.Logf("now passing, not in the baseline (run conformance/regen.sh): %v", imp)
	}
	return rep
}

// writeReports writes the committed base.json (and base.md when
// withMarkdown) into dir.
func writeReports(t *testing.T, rep *Report, dir, base string, withMarkdown bool) {
	t.Helper()
	write := func(name string, fn func(*bytes.Buffer) error) {
		var b bytes.Buffer
		if err := fn(&b); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if withMarkdown {
		write(base+".md", func(b *bytes.Buffer) error { return rep.WriteMarkdown(b) })
	}
	write(base+".json", func(b *bytes.Buffer) error { return rep.WriteJSON(b) })
}

// startMoto runs `moto_server -H 127.0.0.1 -p PORT` until the test ends
// and returns its URL once it answers.
func startMoto(t *testing.T, bin string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	var out syncBuffer
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd.Env = hermeticEnv(nil)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	url := fmt.Sprintf("http://127.0.0.1:%d/", port)
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(url + "moto-api/data.json")
		if err == nil {
			resp.Body.Close()
			return url
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("moto_server did not start on %s:\n%s", url, out.String())
	return ""
}
