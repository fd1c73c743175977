package main

import (
	"io"
	"testing"

	"github.com/cloudgate/cloudgate/simulator"
)

// The command tree builds (no flag is defined twice) and serve and simulator take --profile.
func TestProfileFlags(t *testing.T) {
	env := func(string) (string, bool) { return "", false }
	root := newRootCommand(io.Discard, io.Discard, env)
	for _, name := range []string{"serve", "simulator"} {
		cmd, _, err := root.Find([]string{name})
		if err != nil || cmd.Flags().Lookup("profile") == nil {
			t.Fatalf("%s --profile: %v", name, err)
		}
	}
}

func TestLoadSeedProfiles(t *testing.T) {
	for _, p := range simulator.Profiles() {
		if _, err := loadSeed("", p, simulator.ProfileDemo); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	sd, err := loadSeed("", "", simulator.ProfileDemoRecommended)
	if err != nil || sd.Settings[simulator.SettingAllowUserExpungeRecoverVM] != "true" {
		t.Fatalf("default serve profile: %v %+v", err, sd)
	}
	if sd, err := loadSeed("", "", simulator.ProfileDemo); err != nil || len(sd.Settings) != 0 {
		t.Fatalf("default simulator profile: %v %+v", err, sd)
	}
	if _, err := loadSeed("x.yaml", "demo", simulator.ProfileDemo); err == nil {
		t.Fatal("--seed with --profile accepted")
	}
	if _, err := loadSeed("", "nope", simulator.ProfileDemo); err == nil {
		t.Fatal("unknown profile accepted")
	}
}
