package simulator

import (
	"embed"
	"fmt"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Shipped datacenter profiles, one seed file each (simulator/profiles/<name>.yaml).
const (
	// ProfileDemo is the demo datacenter (Advanced zone with security groups and a
	// Basic zone) with CloudStack's default settings.
	ProfileDemo = "demo"
	// ProfileDemoRecommended is the demo datacenter with the settings recommended
	// for a gateway operator (user expunge/recover, users see destroyed VMs,
	// expunge within about 90 s, a fixed-speed Custom offering). `cloudgate serve`
	// embeds it by default.
	ProfileDemoRecommended = "demo-recommended"
	// ProfileSandbox is an Advanced zone without security groups: Isolated
	// networks (the default source-NAT offering is Required) and VPCs, shaped like
	// terraform-provider-cloudstack's CI "Sandbox-simulator" zone.
	ProfileSandbox = "sandbox"
)

//go:embed profiles/*.yaml
var profileFS embed.FS

// Profiles returns the names of the shipped datacenter profiles, sorted.
func Profiles() []string {
	ents, _ := profileFS.ReadDir("profiles")
	var out []string
	for _, e := range ents {
		out = append(out, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	sort.Strings(out)
	return out
}

// ProfileSeed returns a fresh copy of a shipped profile's seed.
func ProfileSeed(name string) (*Seed, error) {
	data, err := profileFS.ReadFile("profiles/" + name + ".yaml")
	if err != nil {
		return nil, fmt.Errorf("simulator: unknown profile %q (have %s)", name, strings.Join(Profiles(), ", "))
	}
	sd := &Seed{}
	if err := yaml.Unmarshal(data, sd); err != nil {
		return nil, fmt.Errorf("simulator: profile %s: %w", name, err)
	}
	return sd, sd.validate()
}

// NewFromProfile starts a Server on a shipped profile; opts may be nil (its Seed and
// Profile are ignored).
func NewFromProfile(name string, opts *Options) (*Server, error) {
	o := Options{}
	if opts != nil {
		o = *opts
	}
	sd, err := ProfileSeed(name)
	if err != nil {
		return nil, err
	}
	o.Seed, o.Profile = sd, ""
	return New(&o)
}
