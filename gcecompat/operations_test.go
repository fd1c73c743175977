package gcecompat

import (
	"reflect"
	"regexp"
	"testing"
)

func TestOpNameRoundTrip(t *testing.T) {
	cases := []opRef{
		{Type: "insert", Zone: "local1-zone1", Coll: "instances", Target: "vm1", Key: "5f0c3a2e-1b2c-4d5e-8f90-0123456789ab",
			Jobs: []string{"0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9"}, Insert: 1795433637142},
		{Type: "delete", Coll: "firewalls", Target: "allow-ssh", Insert: 1},
		{Type: "insert", Region: true, Coll: "addresses", Target: "ip1", Key: "not-a-uuid", Jobs: []string{"12", "Job-X"}},
	}
	valid := regexp.MustCompile(`^operation-[a-z2-7]+$`)
	for _, o := range cases {
		n := o.name()
		if !valid.MatchString(n) {
			t.Errorf("name %q is not URL/GCE friendly", n)
		}
		got, err := parseOpName(n)
		if err != nil {
			t.Fatalf("parseOpName(%q): %v", n, err)
		}
		if !reflect.DeepEqual(got, o) {
			t.Errorf("round trip = %+v, want %+v", got, o)
		}
	}
	for _, bad := range []string{"", "operation-", "operation-!!", "op-abc", "operation-aaaa"} {
		if _, err := parseOpName(bad); err == nil {
			t.Errorf("parseOpName(%q) ok", bad)
		}
	}
}

func FuzzOpName(f *testing.F) {
	f.Add(opRef{Type: "insert", Zone: "z", Coll: "instances", Target: "vm"}.name())
	f.Add("operation-abc")
	f.Fuzz(func(t *testing.T, s string) {
		o, err := parseOpName(s)
		if err != nil {
			return
		}
		if _, err := parseOpName(o.name()); err != nil {
			t.Fatalf("re-encoded name does not parse: %v", err)
		}
	})
}

func TestIDsAndNames(t *testing.T) {
	id := numericID("5f0c3a2e-1b2c-4d5e-8f90-0123456789ab")
	if !regexp.MustCompile(`^[1-9][0-9]{18}$`).MatchString(id) || id != numericID("5f0c3a2e-1b2c-4d5e-8f90-0123456789ab") {
		t.Errorf("numericID = %q", id)
	}
	for in, want := range map[string]string{"Small Instance": "small-instance", "Debian 12": "debian-12", "  Ubuntu 22.04 ": "ubuntu-22-04", "1abc": "x-1abc", "Zone_1": "zone-1"} {
		if got := gceName(in); got != want {
			t.Errorf("gceName(%q) = %q, want %q", in, got, want)
		}
	}
	for os, want := range map[string]string{
		"Debian GNU/Linux 12 (64-bit)": "debian-12", "Ubuntu 22.04 LTS": "ubuntu-2204-lts", "CentOS 7": "centos-7",
		"CentOS Stream 9": "centos-stream-9", "Ubuntu 23.10": "ubuntu-2310", "Rocky Linux 9": "rocky-linux-9",
	} {
		if got := imageFamily(os, ""); got != want {
			t.Errorf("imageFamily(%q) = %q, want %q", os, got, want)
		}
	}
}

func TestMetadataTags(t *testing.T) {
	long := make([]byte, 700)
	for i := range long {
		long[i] = 'a' + byte(i%26)
	}
	md := map[string]string{"ssh-keys": string(long), "k": "", "startup-script": "#!/bin/sh"}
	tags := metadataTags(md)
	for k, v := range tags {
		if len(v) > tagChunk {
			t.Errorf("tag %s has %d bytes", k, len(v))
		}
	}
	got := metadataFromTags(tags)
	delete(md, "startup-script")
	if !reflect.DeepEqual(got, md) {
		t.Errorf("round trip = %v", got)
	}
}
