package conformance

import (
	"bytes"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestCommandTable checks the everyday-commands table against the suite:
// every scenario it names exists, every Go test it names is a test of
// this package, and a command has scenarios exactly when it is built.
func TestCommandTable(t *testing.T) {
	scen := map[string]bool{}
	for _, s := range allScenarios() {
		scen[s.name] = true
	}
	tests := map[string]bool{}
	files, _ := filepath.Glob("*_test.go")
	fset := token.NewFileSet()
	for _, f := range files {
		af, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for name, obj := range af.Scope.Objects {
			if strings.HasPrefix(name, "Test") && obj.Kind.String() == "func" {
				tests[name] = true
			}
		}
	}
	seen := map[string]bool{}
	for _, c := range everydayCommands {
		if seen[c.cli] {
			t.Errorf("%q listed twice", c.cli)
		}
		seen[c.cli] = true
		switch c.expect {
		case expectWorks, expectRefused, expectUnsupported:
			if len(c.scenarios) == 0 {
				t.Errorf("%q is %s but no scenario asserts it", c.cli, c.expect)
			}
		case expectNotBuilt:
			if len(c.scenarios) != 0 {
				t.Errorf("%q is not built but names scenarios %v", c.cli, c.scenarios)
			}
		default:
			t.Errorf("%q: unknown outcome %q", c.cli, c.expect)
		}
		for _, s := range c.scenarios {
			if !scen[s] {
				t.Errorf("%q names scenario %s, which the suite does not have", c.cli, s)
			}
		}
		for _, tn := range c.tests {
			if !tests[tn] {
				t.Errorf("%q names test %s, which this package does not have", c.cli, tn)
			}
		}
	}
}

// TestCommandOutcome checks that a command's outcome follows its
// scenarios' results.
func TestCommandOutcome(t *testing.T) {
	c := command{cli: "x", expect: expectRefused, scenarios: []string{"a", "b"}}
	rep := func(sa, sb Status) *Report {
		return &Report{Results: []Result{{Scenario: "a", Status: sa}, {Scenario: "b", Status: sb}}}
	}
	for _, tc := range []struct {
		a, b Status
		want string
	}{
		{StatusPass, StatusPass, "✅ refused"},
		{StatusPass, StatusFail, "❌ fail (b)"},
		{StatusSkip, StatusSkip, "⏭ skip"},
		{StatusSkip, StatusPass, "✅ refused (⏭ a)"},
	} {
		if got := commandOutcome(c, rep(tc.a, tc.b)); got != tc.want {
			t.Errorf("%s/%s: got %q, want %q", tc.a, tc.b, got, tc.want)
		}
	}
	if got := commandOutcome(c, &Report{}); got != "– not run" {
		t.Errorf("no results: %q", got)
	}
	if got := commandOutcome(command{expect: expectNotBuilt}, rep(StatusPass, StatusPass)); got != "· not built" {
		t.Errorf("not built: %q", got)
	}
	var b bytes.Buffer
	writeCommands(&b, []ProfileReport{{Name: "p1", Report: rep(StatusPass, StatusPass)}})
	if !strings.Contains(b.String(), "| p1 |") || !strings.Contains(b.String(), everydayCommands[0].cli) {
		t.Errorf("table:\n%s", b.String())
	}
}
