package conformance

import (
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func sampleReport() *Report {
	return &Report{
		Target:       "fake",
		Started:      time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC),
		Capabilities: map[string]Capability{capEC2VPC: {Supported: true, Detail: "1 VPC"}},
		RoutesSource: "suite",
		Results: []Result{
			{API: "ec2", Scenario: "ec2/b", Status: StatusFail, Reason: "x | y", FailedOperation: "StopInstances", Duration: 1500 * time.Millisecond},
			{API: "ec2", Scenario: "ec2/a", Status: StatusPass, Duration: time.Second},
			{API: "gce", Scenario: "gce/a", Status: StatusSkip, Reason: "no vpc"},
		},
		Matrix: []Route{
			{API: "ec2", Operation: "StopInstances", Status: StatusFail, Scenarios: []string{"ec2/b"}},
			{API: "ec2", Operation: "RunInstances", Status: StatusPass, Scenarios: []string{"ec2/a", "ec2/b"}},
			{API: "gce", Operation: "compute.zones.list", Status: StatusUntested},
		},
	}
}

func TestReportJSONRoundTrip(t *testing.T) {
	var b bytes.Buffer
	if err := sampleReport().WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	got, err := ReadReport(&b)
	if err != nil {
		t.Fatal(err)
	}
	if got.Results[0].Scenario != "ec2/a" || got.Results[1].Duration != 1500*time.Millisecond {
		t.Fatalf("results not sorted or durations lost: %+v", got.Results)
	}
	if got.Matrix[0].Operation != "RunInstances" || got.Routes("ec2").Fail != 1 || got.Scenarios("").Skip != 1 {
		t.Fatalf("matrix %+v", got.Matrix)
	}
}

func TestReportMarkdown(t *testing.T) {
	var b bytes.Buffer
	if err := sampleReport().WriteMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, want := range []string{
		"| EC2 Query | 1 | 1 | 0 | 0 | 1 | 1 | 0 |",
		"| `StopInstances` | ❌ fail | ec2/b |",
		"| `compute.zones.list` | · untested |",
		`x \| y`,
		"| `ec2.vpc` | yes | 1 VPC |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}

func TestReportJUnit(t *testing.T) {
	var b bytes.Buffer
	if err := sampleReport().WriteJUnit(&b); err != nil {
		t.Fatal(err)
	}
	var suites junitSuites
	if err := xml.Unmarshal(b.Bytes(), &suites); err != nil {
		t.Fatal(err)
	}
	if len(suites.Suites) != 2 || suites.Suites[1].Name != "conformance.ec2" || suites.Suites[1].Failures != 1 || suites.Suites[0].Skipped != 1 {
		t.Fatalf("junit %+v", suites)
	}
}

func TestRegressions(t *testing.T) {
	base := sampleReport()
	now := sampleReport()
	now.Results[1].Status = StatusFail // ec2/a passed before
	now.Results[0].Status = StatusFail // ec2/b never passed: no regression
	now.Results[2].Status = StatusFail // gce/a was skipped: no regression
	regs := now.Regressions(base)
	if len(regs) != 1 || regs[0].Scenario != "ec2/a" {
		t.Fatalf("regressions %+v", regs)
	}
	now.Results[2].Status = StatusPass
	if imp := now.Improvements(base); len(imp) != 1 || imp[0] != "gce/a" {
		t.Fatalf("improvements %v", imp)
	}
	if len(now.Regressions(nil)) != 0 {
		t.Fatal("regressions without baseline")
	}
}

func TestReportWriteFiles(t *testing.T) {
	d := t.TempDir()
	if err := sampleReport().WriteFiles(d, "r"); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"r.md", "r.json", "r.junit.xml"} {
		if fi, err := os.Stat(filepath.Join(d, f)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// The per-profile matrix has a column per profile and says, per profile,
// why a scenario or route did not pass there.
func TestProfilesMarkdown(t *testing.T) {
	a, b := sampleReport(), sampleReport()
	b.Results[0] = Result{API: "ec2", Scenario: "ec2/b", Status: StatusSkip, Reason: "no addresses in zones with security groups"}
	b.Matrix[0].Status = StatusSkip
	var out bytes.Buffer
	if err := WriteProfilesMarkdown(&out, []ProfileReport{{Name: "p1", Description: "first", Report: a}, {Name: "p2", Description: "second", Report: b}}); err != nil {
		t.Fatal(err)
	}
	md := out.String()
	for _, want := range []string{
		"- **p1**: first", "| scenario | p1 | p2 | reason |",
		"| `ec2/b` | ❌ fail | ⏭ skip | p1: x \\| y; p2: no addresses in zones with security groups |",
		"| `StopInstances` | ❌ fail | ⏭ skip |", "| p2 | EC2 Query | 1 | 0 | 1 | 0 | 1 | 0 | 1 |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}
