package ec2compat

import (
	"testing"

	"github.com/cloudgate/cloudgate/translate"
)

func TestWildcardMatch(t *testing.T) {
	for _, c := range []struct {
		p, s string
		want bool
	}{
		{"web", "web", true},
		{"web", "web1", false},
		{"web*", "web-1", true},
		{"*", "", true},
		{"*b*", "abc", true},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{`a\*`, "a*", true},
		{`a\*`, "ab", false},
		{`a\?`, "a?", true},
		{"my-*", "my-image", true},
		{"*-x", "a-b-x", true},
		{"**x", "x", true},
		{"é?", "éa", true},
	} {
		if got := wildcardMatch(c.p, c.s); got != c.want {
			t.Errorf("wildcardMatch(%q, %q) = %v, want %v", c.p, c.s, got, c.want)
		}
	}
}

type thing struct {
	id, state string
	tags      translate.Tags
}

func TestApplyFilters(t *testing.T) {
	items := []thing{
		{"a", "running", translate.Tags{"Name": "web", "env": "dev", "cloudgate:x": "hidden"}},
		{"b", "stopped", translate.Tags{"Name": "db"}},
		{"c", "running", nil},
	}
	f := fields[thing]{"state": func(x thing) []string { return one(x.state) }}
	tags := func(x thing) translate.Tags { return x.tags }
	ids := func(fs []filter) string {
		out, err := applyFilters(items, fs, f, tags)
		if err != nil {
			t.Fatal(err)
		}
		s := ""
		for _, x := range out {
			s += x.id
		}
		return s
	}
	for _, c := range []struct {
		fs   []filter
		want string
	}{
		{nil, "abc"},
		{[]filter{{"state", []string{"running"}}}, "ac"},
		{[]filter{{"state", []string{"running", "stopped"}}}, "abc"},
		{[]filter{{"state", []string{"running"}}, {"tag:Name", []string{"w*"}}}, "a"},
		{[]filter{{"tag-key", []string{"env"}}}, "a"},
		{[]filter{{"tag-key", []string{"cloudgate:x"}}}, ""},
		{[]filter{{"tag-value", []string{"db"}}}, "b"},
		{[]filter{{"tag:Name", []string{"*"}}}, "ab"},
	} {
		if got := ids(c.fs); got != c.want {
			t.Errorf("%v: got %q want %q", c.fs, got, c.want)
		}
	}
	_, err := applyFilters(items, []filter{{"bogus", []string{"x"}}}, f, tags)
	if _, e := toEC2Error(err); e.Code != "InvalidParameterValue" {
		t.Fatalf("unknown filter: %v", err)
	}
}
