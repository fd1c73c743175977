package gcecompat

import (
	"testing"
)

type fItem struct {
	Name    string            `json:"name"`
	Status  string            `json:"status"`
	Zone    string            `json:"zone"`
	CPUs    int               `json:"guestCpus"`
	Labels  map[string]string `json:"labels,omitempty"`
	Allowed []struct {
		Ports []string `json:"ports"`
	} `json:"allowed,omitempty"`
}

func TestFilter(t *testing.T) {
	vm1 := fItem{Name: "vm1", Status: "RUNNING", Zone: "https://x/compute/v1/projects/p/zones/local1-zone1", CPUs: 2, Labels: map[string]string{"env": "dev"}}
	vm1.Allowed = append(vm1.Allowed, struct {
		Ports []string `json:"ports"`
	}{Ports: []string{"22", "80"}})
	allowSSH := fItem{Name: "allow-ssh", Status: "TERMINATED", CPUs: 1}
	cases := []struct {
		filter string
		item   fItem
		want   bool
	}{
		{``, vm1, true},
		{`name eq vm1`, vm1, true},
		{`name eq vm`, vm1, false}, // full match
		{`name eq "^vm1$"`, vm1, true},
		{`name eq ".*\ballow\-ssh\b.*"`, allowSSH, true},
		{`name eq ".*\ballow\b.*"`, allowSSH, true},
		{`name eq ".*(^allow).*"`, allowSSH, true},
		{`name ne ".*\ballow\-ssh\b.*"`, allowSSH, false},
		{`name ne ".*\ballow\-ssh\b.*"`, vm1, true},
		{`(name eq vm1)(status eq RUNNING)`, vm1, true},
		{`(name eq vm1)(status eq TERMINATED)`, vm1, false},
		{`(zone eq ".*\bzone1\b.*")(status eq RUNNING)`, vm1, true},
		{`name = vm1`, vm1, true},
		{`name = "vm1" AND status = RUNNING`, vm1, true},
		{`name = vm2 OR status = RUNNING`, vm1, true},
		{`name = vm2 OR status = STOPPED`, vm1, false},
		{`NOT name = vm1`, vm1, false},
		{`status != RUNNING`, vm1, false},
		{`labels.env = dev`, vm1, true},
		{`labels.env eq prod`, vm1, false},
		{`labels.missing eq x`, vm1, false},
		{`labels.missing ne x`, vm1, true},
		{`allowed.ports eq ".*\b22\b.*"`, vm1, true},
		{`allowed.ports eq 443`, vm1, false},
		{`guestCpus > 1`, vm1, true},
		{`guestCpus >= 3`, vm1, false},
		{`guestCpus < 3 AND guestCpus <= 2`, vm1, true},
		{`name : vm`, vm1, true},
		{`name : vm*`, vm1, true},
		{`name : xyz`, vm1, false},
		{`name = v*`, vm1, true},
		{`(name = vm1 OR name = vm2) AND (labels.env = dev)`, vm1, true},
		{`name ~ ^vm`, vm1, true},
	}
	for _, c := range cases {
		x, err := parseFilter(c.filter)
		if err != nil {
			t.Errorf("parseFilter(%q): %v", c.filter, err)
			continue
		}
		got := x == nil || x.match(jsonValue(c.item))
		if got != c.want {
			t.Errorf("filter %q on %s = %v, want %v", c.filter, c.item.Name, got, c.want)
		}
	}
}

func TestFilterErrors(t *testing.T) {
	for _, f := range []string{`name eq`, `(name eq x`, `name eq "unterminated`, `eq x`, `name foo x`, `name eq "("`, `name eq x)`, `!`} {
		if _, err := parseFilter(f); err == nil {
			t.Errorf("parseFilter(%q) succeeded, want error", f)
		}
	}
}

func TestFilterItems(t *testing.T) {
	items := []fItem{{Name: "a"}, {Name: "b"}, {Name: "ab"}}
	x, err := parseFilter(`name eq a.*`)
	if err != nil {
		t.Fatal(err)
	}
	got := filterItems(items, x)
	if len(got) != 2 || got[0].Name != "a" || got[1].Name != "ab" {
		t.Fatalf("filterItems = %+v", got)
	}
}

func FuzzFilter(f *testing.F) {
	for _, s := range []string{
		`name eq vm1`, `(name eq ".*\bfoo\b.*")(status eq UP)`, `name = "a" AND NOT (b != c OR d : e*)`,
		`labels.env eq dev`, `guestCpus > 2`, `name ~ ^x`, `((((`, `"`, `name eq "\"`, `a = b OR`,
	} {
		f.Add(s)
	}
	item := jsonValue(fItem{Name: "vm1", Status: "RUNNING", Labels: map[string]string{"env": "dev"}})
	f.Fuzz(func(t *testing.T, s string) {
		x, err := parseFilter(s)
		if err != nil || x == nil {
			return
		}
		_ = x.match(item)
		_ = x.match(nil)
		_ = x.match([]any{item, "s", 1.0})
	})
}
