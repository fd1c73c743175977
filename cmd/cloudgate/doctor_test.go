package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/cloudgate/cloudgate/simulator"
)

// doctorOn runs the doctor against an in-memory simulator with seed, as
// the demo user (and with the admin's keys when admin is set).
func doctorOn(t *testing.T, seed *simulator.Seed, admin bool) *doctorReport {
	t.Helper()
	sim, err := simulator.New(&simulator.Options{Seed: seed, NoListener: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	key, secret, ok := sim.UserKeys("demo")
	if !ok {
		t.Fatal("no demo user")
	}
	target := doctorTarget{URL: "http://sim/client/api", APIKey: key, Secret: secret, HTTPClient: sim.HTTPClient()}
	if admin {
		target.AdminAPIKey, target.AdminSecret, _ = sim.UserKeys("admin")
	}
	rep, err := runDoctor(context.Background(), target)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	rep.print(&b)
	t.Logf("doctor report:\n%s", b.String())
	return rep
}

func feature(t *testing.T, rep *doctorReport, prefix string) doctorFeature {
	t.Helper()
	for _, f := range rep.Features {
		if strings.HasPrefix(f.Feature, prefix) {
			return f
		}
	}
	t.Fatalf("no feature %q in %+v", prefix, rep.Features)
	return doctorFeature{}
}

func setting(rep *doctorReport, name string) doctorSetting {
	for _, s := range rep.Settings {
		if s.Name == name {
			return s
		}
	}
	return doctorSetting{}
}

func TestDoctorReportsTheCloud(t *testing.T) {
	rep := doctorOn(t, nil, true)
	if rep.Version == "" || len(rep.Zones) == 0 || len(rep.Offerings) == 0 {
		t.Fatalf("report lacks version, zones or offerings: %+v", rep)
	}
	s := setting(rep, "allow.user.expunge.recover.vm")
	if s.Value == "" || s.Source == "" {
		t.Fatalf("allow.user.expunge.recover.vm not read: %+v", s)
	}
	del := feature(t, rep, "GCE instances.delete")
	if s.Value == "true" && del.Verdict != verdictWorks || s.Value == "false" && (del.Verdict != verdictDegrades || del.Setting != "allow.user.expunge.recover.vm=true") {
		t.Fatalf("setting %s but instances.delete %+v", s.Value, del)
	}
	sg := feature(t, rep, "EC2 TerminateInstances")
	if s.Value == "false" && sg.Verdict != verdictFails {
		t.Fatalf("DeleteSecurityGroup after terminate: %+v", sg)
	}
	for _, z := range rep.Zones {
		f := feature(t, rep, "launch without naming a network in "+z.Name)
		if f.Verdict == verdictUnknown {
			t.Fatalf("zone %s: %+v", z.Name, f)
		}
	}
	if f := feature(t, rep, "EC2 terminated instances"); f.Verdict != verdictWorks {
		t.Fatalf("terminated instances: %+v", f)
	}
}

// Without administrator keys the settings that only listConfigurations
// tells are reported as unknown, never guessed.
func TestDoctorWithoutAdminKeys(t *testing.T) {
	rep := doctorOn(t, nil, false)
	if s := setting(rep, "expunge.delay"); s.Value != "" || s.Source != "" {
		t.Fatalf("expunge.delay guessed: %+v", s)
	}
	if f := feature(t, rep, "listing"); f.Verdict != verdictUnknown {
		t.Fatalf("page size: %+v", f)
	}
}
