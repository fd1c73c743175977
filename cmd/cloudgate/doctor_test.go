package main

import (
	"bytes"
	"context"
	"encoding/json"
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

// The command itself: flags, environment fallback for the keys, JSON out.
func TestDoctorCommand(t *testing.T) {
	sim, err := simulator.New(&simulator.Options{Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	key, secret, _ := sim.UserKeys("demo")
	env := func(k string) (string, bool) {
		v, ok := map[string]string{"CLOUDSTACK_API_KEY": key, "CLOUDSTACK_SECRET_KEY": secret}[k]
		return v, ok
	}
	var out, errOut bytes.Buffer
	cmd := newRootCommand(&out, &errOut, env)
	cmd.SetArgs([]string{"doctor", "--cloudstack-url", sim.URL(), "--json"})
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("doctor: %v\n%s", err, errOut.String())
	}
	var rep doctorReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.String())
	}
	if rep.Version == "" || len(rep.Features) == 0 {
		t.Fatalf("report %+v", rep)
	}
	cmd = newRootCommand(&out, &errOut, func(string) (string, bool) { return "", false })
	cmd.SetArgs([]string{"doctor", "--cloudstack-url", sim.URL()})
	if err := cmd.ExecuteContext(context.Background()); err == nil || !strings.Contains(err.Error(), "--api-key") {
		t.Fatalf("without keys: %v", err)
	}
}

// The doctor on each shipped profile tells what CloudStack's settings
// mean for the gateway: defaults degrade deletes and fail
// DeleteSecurityGroup after terminate where VMs hold groups; the
// recommended settings make them work; the sandbox zone launches through
// its Required offering.
func TestDoctorProfiles(t *testing.T) {
	for _, name := range simulator.Profiles() {
		t.Run(name, func(t *testing.T) {
			seed, err := simulator.ProfileSeed(name)
			if err != nil {
				t.Fatal(err)
			}
			rep := doctorOn(t, seed, true)
			exp := setting(rep, "allow.user.expunge.recover.vm")
			if exp.Source != "listConfigurations" {
				t.Fatalf("settings not read with the admin keys: %+v", rep.Settings)
			}
			if d := setting(rep, "expunge.delay"); d.Value == "" {
				t.Fatalf("expunge.delay not read: %+v", d)
			}
			sgZones := false
			for _, z := range rep.Zones {
				sgZones = sgZones || z.SecurityGroups
			}
			del, sg := feature(t, rep, "GCE instances.delete"), feature(t, rep, "EC2 TerminateInstances")
			switch {
			case exp.Value == "true":
				if del.Verdict != verdictWorks || sg.Verdict != verdictWorks {
					t.Fatalf("user expunge allowed, yet %+v / %+v", del, sg)
				}
			case !sgZones:
				if del.Verdict != verdictDegrades || sg.Verdict != verdictWorks {
					t.Fatalf("no user expunge, no security groups, yet %+v / %+v", del, sg)
				}
			default:
				if del.Verdict != verdictDegrades || sg.Verdict != verdictFails || sg.Setting != "allow.user.expunge.recover.vm=true" {
					t.Fatalf("user expunge refused, yet %+v / %+v", del, sg)
				}
			}
			for _, z := range rep.Zones {
				f := feature(t, rep, "launch without naming a network in "+z.Name)
				shared := strings.Contains(strings.Join(z.Networks, ","), "(Shared")
				works := z.NetworkType == "Basic" || z.SecurityGroups && shared || !z.SecurityGroups && (len(z.Networks) == 1 || z.RequiredOffering != "")
				if (f.Verdict == verdictWorks) != works || f.Verdict == verdictFails && f.Setting == "" {
					t.Errorf("zone %+v: %+v", z, f)
				}
			}
			for _, z := range rep.Zones {
				f := feature(t, rep, "public addresses, VPCs and subnets in "+z.Name)
				if z.NetworkType == "Advanced" && (f.Verdict == verdictFails) != z.SecurityGroups {
					t.Errorf("zone %+v: %+v", z, f)
				}
			}
			if f := feature(t, rep, "listing"); f.Verdict != verdictWorks {
				t.Errorf("page size: %+v", f)
			}
		})
	}
}
