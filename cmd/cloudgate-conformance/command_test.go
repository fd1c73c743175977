package main

import (
	"bytes"
	"strings"
	"testing"
)

func noEnv(string) (string, bool) { return "", false }

func TestConformanceCommandNeedsAnEndpoint(t *testing.T) {
	var out, errb bytes.Buffer
	cmd := newConformanceCommand(&out, &errb, noEnv)
	cmd.SetArgs([]string{"--quiet"})
	err := cmd.Execute()
	if err == nil || !strings.Contains(err.Error(), "nothing to test") {
		t.Fatalf("err = %v, want the nothing-to-test error", err)
	}
}

func TestConformanceCommandHelpListsSuiteFlags(t *testing.T) {
	var out, errb bytes.Buffer
	cmd := newConformanceCommand(&out, &errb, noEnv)
	cmd.SetArgs([]string{"--help"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"--data-dir", "--out", "--baseline", "--gce-endpoint", "--ec2-endpoint"} {
		if !strings.Contains(out.String(), f) {
			t.Errorf("--help does not list %s:\n%s", f, out.String())
		}
	}
}

func TestConformanceCommandMissingDataDir(t *testing.T) {
	var out, errb bytes.Buffer
	cmd := newConformanceCommand(&out, &errb, noEnv)
	cmd.SetArgs([]string{"--data-dir", t.TempDir() + "/absent"})
	if err := cmd.Execute(); err == nil {
		t.Fatal("a data dir without demo files was accepted")
	}
}
