package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/cloudgate/cloudgate/translate"
	"github.com/cloudgate/cloudgate/translate/csbackend"
)

// `cloudgate doctor` tells an operator what the gateway will do on their
// CloudStack before anyone points a client at it: it reads, as the user
// whose keys it is given (every gateway call is made as the caller), the
// capabilities, zones, networks and offerings, and with administrator keys
// the global settings, and reports each gateway feature as works, degrades
// or fails, with the setting that would change it.

// doctorSettings are the management-server settings that change what the
// gateway can do, with CloudStack's defaults (ConfigKey declarations in
// UserVmManager, QueryService, ApiServiceConfiguration and
// UserVmManagerImpl's expunge thread).
var doctorSettings = []struct{ name, def string }{
	{"allow.user.expunge.recover.vm", "false"},
	{"allow.user.view.destroyed.vm", "false"},
	{"expunge.delay", "86400"},
	{"expunge.interval", "86400"},
	{"default.page.size", "500"},
}

// Feature verdicts.
const (
	verdictWorks    = "works"
	verdictDegrades = "degrades"
	verdictFails    = "fails"
	verdictUnknown  = "unknown"
)

type doctorSetting struct {
	Name    string `json:"name"`
	Value   string `json:"value"`
	Default string `json:"default"`
	// Source: listCapabilities (as the caller), listConfigurations (admin
	// keys) or "" when it could not be read.
	Source string `json:"source"`
}

type doctorZone struct {
	Name           string   `json:"name"`
	NetworkType    string   `json:"networkType"`
	SecurityGroups bool     `json:"securityGroups"`
	Networks       []string `json:"networks"`
	// RequiredOffering is an Isolated offering with availability Required
	// (CloudStack then creates an account's first network on deploy).
	RequiredOffering string `json:"requiredOffering,omitempty"`
}

type doctorOffering struct {
	Name        string `json:"name"`
	CPUs        int    `json:"cpus"`
	CPUSpeedMHz int    `json:"cpuSpeedMhz"`
	MemoryMB    int    `json:"memoryMb"`
	Custom      bool   `json:"custom"`
}

type doctorFeature struct {
	Feature string `json:"feature"`
	Verdict string `json:"verdict"`
	Detail  string `json:"detail"`
	// Setting is what would make the feature work ("" if it works).
	Setting string `json:"setting,omitempty"`
}

type doctorReport struct {
	URL       string           `json:"url"`
	Version   string           `json:"version"`
	Settings  []doctorSetting  `json:"settings"`
	Zones     []doctorZone     `json:"zones"`
	Offerings []doctorOffering `json:"offerings"`
	Features  []doctorFeature  `json:"features"`
}

func newDoctorCommand(stdout io.Writer, env func(string) (string, bool)) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "doctor --cloudstack-url URL --api-key KEY --secret-key SECRET",
		Short: "Report what the gateway can do on a CloudStack (version, settings, zones, offerings, features)",
		Long: "Reads a CloudStack as the user whose keys are given (the gateway acts as its callers) and, with\n" +
			"--admin-api-key/--admin-secret, its global settings; then reports every gateway feature as\n" +
			"works, degrades or fails there, with the CloudStack setting that would change it.\n" +
			"Keys may also come from CLOUDSTACK_API_KEY / CLOUDSTACK_SECRET_KEY (and CLOUDGATE_CLOUDSTACK_URL).",
	}
	fs := cmd.Flags()
	fs.String("cloudstack-url", "", "CloudStack API URL, e.g. https://cs.example/client/api")
	fs.String("api-key", "", "API key of the CloudStack user to check as")
	fs.String("secret-key", "", "secret key of that user")
	fs.String("admin-api-key", "", "administrator API key (optional: reads the global settings)")
	fs.String("admin-secret", "", "administrator secret key")
	fs.Bool("insecure", false, "do not verify CloudStack's TLS certificate")
	fs.Bool("json", false, "print the report as JSON")
	fs.Duration("timeout", time.Minute, "bound for the whole check")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		str := func(flag, envName string) string {
			v, _ := fs.GetString(flag)
			if v == "" && envName != "" {
				v, _ = env(envName)
			}
			return v
		}
		url := str("cloudstack-url", "CLOUDGATE_CLOUDSTACK_URL")
		key, secret := str("api-key", "CLOUDSTACK_API_KEY"), str("secret-key", "CLOUDSTACK_SECRET_KEY")
		if url == "" || key == "" || secret == "" {
			return fmt.Errorf("--cloudstack-url, --api-key and --secret-key are required")
		}
		insecure, _ := fs.GetBool("insecure")
		asJSON, _ := fs.GetBool("json")
		timeout, _ := fs.GetDuration("timeout")
		ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
		defer cancel()
		rep, err := runDoctor(ctx, doctorTarget{URL: url, APIKey: key, Secret: secret,
			AdminAPIKey: str("admin-api-key", ""), AdminSecret: str("admin-secret", ""), VerifySSL: !insecure})
		if err != nil {
			return err
		}
		if asJSON {
			enc := json.NewEncoder(stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(rep)
		}
		rep.print(stdout)
		return nil
	}
	return cmd
}

type doctorTarget struct {
	URL                      string
	APIKey, Secret           string
	AdminAPIKey, AdminSecret string
	VerifySSL                bool
	HTTPClient               *http.Client // tests (in-memory simulator)
}

// runDoctor inspects the CloudStack at t.URL. It fails only when the
// caller's keys cannot read CloudStack at all.
func runDoctor(ctx context.Context, t doctorTarget) (*doctorReport, error) {
	be := csbackend.NewBackend(t.URL, &csbackend.Options{VerifySSL: t.VerifySSL, HTTPClient: t.HTTPClient})
	svc := translate.New(be, &translate.Options{CatalogTTL: -1})
	uctx := translate.NewContext(ctx, &translate.Principal{APIKey: t.APIKey, SecretKey: t.Secret})
	rep := &doctorReport{URL: t.URL}

	zones, err := svc.Zones(uctx)
	if err != nil {
		return nil, fmt.Errorf("cannot list zones as the given user: %w", err)
	}
	caps, capErr := be.ListCapabilities(uctx)
	if capErr == nil {
		rep.Version = caps.Version
	} else {
		caps = &translate.Capabilities{}
	}

	// Settings: the caller's view first, then the administrator's.
	var conf map[string]string
	if t.AdminAPIKey != "" {
		actx := translate.NewContext(ctx, &translate.Principal{APIKey: t.AdminAPIKey, SecretKey: t.AdminSecret})
		names := make([]string, len(doctorSettings))
		for i, s := range doctorSettings {
			names[i] = s.name
		}
		conf, _ = be.ListConfigurations(actx, names)
	}
	for _, s := range doctorSettings {
		ds := doctorSetting{Name: s.name, Default: s.def}
		if v, ok := conf[s.name]; ok {
			ds.Value, ds.Source = v, "listConfigurations"
		} else if capErr == nil {
			switch s.name {
			case "allow.user.expunge.recover.vm":
				ds.Value, ds.Source = strconv.FormatBool(caps.UserExpungeVM), "listCapabilities"
			case "allow.user.view.destroyed.vm":
				ds.Value, ds.Source = strconv.FormatBool(caps.UserViewDestroyedVM), "listCapabilities"
			}
		}
		rep.Settings = append(rep.Settings, ds)
	}
	setting := func(name string) string {
		for _, s := range rep.Settings {
			if s.Name == name {
				return s.Value
			}
		}
		return ""
	}

	// Zones and their networks.
	for _, z := range zones {
		dz := doctorZone{Name: z.Name, NetworkType: z.NetworkType, SecurityGroups: z.SecurityGroups}
		if !strings.EqualFold(z.NetworkType, "Basic") {
			ns, err := be.ListNetworks(uctx, translate.ListNetworksRequest{ZoneID: z.ID})
			if err == nil {
				for _, n := range ns {
					d := n.Name + " (" + n.Type
					if n.VPCID != "" {
						d += ", VPC tier"
					}
					dz.Networks = append(dz.Networks, d+")")
				}
				sort.Strings(dz.Networks)
			}
			if offs, err := be.ListNetworkOfferings(uctx, translate.ListNetworkOfferingsRequest{ZoneID: z.ID}); err == nil {
				for _, o := range offs {
					if strings.EqualFold(o.Availability, "Required") && strings.EqualFold(o.GuestIPType, "Isolated") && !o.ForVPC {
						dz.RequiredOffering = o.Name
					}
				}
			}
		}
		rep.Zones = append(rep.Zones, dz)
		rep.Features = append(rep.Features, zoneLaunchFeature(z, dz), zoneAddressFeature(z, dz))
	}

	// Offerings.
	offs, err := svc.Offerings(uctx)
	if err != nil {
		return nil, fmt.Errorf("cannot list service offerings: %w", err)
	}
	customs := 0
	speedless := 0
	for _, o := range offs {
		rep.Offerings = append(rep.Offerings, doctorOffering{Name: o.Name, CPUs: o.CPUs, CPUSpeedMHz: o.CPUSpeedMHz, MemoryMB: o.MemoryMB, Custom: o.Custom})
		if o.Custom {
			customs++
			if o.CPUSpeedMHz == 0 {
				speedless++
			}
		}
	}

	delay := setting("expunge.delay")
	if delay == "" {
		delay = "unknown; CloudStack's default is 86400"
	}
	sgZones := 0
	for _, z := range zones {
		if z.SecurityGroups {
			sgZones++
		}
	}
	var f []doctorFeature
	if capErr != nil {
		f = append(f, doctorFeature{"capabilities", verdictDegrades,
			"listCapabilities is refused (" + translate.AsError(capErr).Message + "): the gateway assumes CloudStack's defaults (no user expunge, destroyed VMs hidden)", ""})
	}
	if caps.UserExpungeVM {
		f = append(f,
			doctorFeature{"GCE instances.delete", verdictWorks, "destroyed with expunge as the caller: the name, address, security groups and boot disk are free at once", ""},
			doctorFeature{"EC2 TerminateInstances, then DeleteSecurityGroup", verdictWorks, "terminated instances are expunged, so their security groups can be deleted at once", ""},
			doctorFeature{"launch rollback", verdictWorks, "VMs of a failed launch are destroyed with expunge", ""})
	} else {
		f = append(f,
			doctorFeature{"GCE instances.delete", verdictDegrades,
				"users may not expunge: the instance is renamed cg-deleted-<id> and destroyed, so it vanishes and its name is free at once, but CloudStack keeps its address, security groups and boot disk until expunge.delay (" + delay + " s) passes",
				"allow.user.expunge.recover.vm=true"},
			sgAfterTerminate(sgZones, delay),
			doctorFeature{"launch rollback", verdictDegrades,
				"VMs of a failed launch are destroyed (nothing keeps running) but held until expunge.delay (" + delay + " s)",
				"allow.user.expunge.recover.vm=true"})
	}
	f = append(f, terminatedFeature(uctx, be, caps, capErr == nil))
	switch {
	case customs == 0:
		f = append(f, doctorFeature{"custom machine types (GCE custom-CPUS-MEMORY)", verdictFails, "no customized service offering", "create a customized service offering (createServiceOffering customized=true)"})
	case speedless > 0:
		f = append(f, doctorFeature{"custom machine types (GCE custom-CPUS-MEMORY)", verdictWorks,
			fmt.Sprintf("%d customized offering(s) without a CPU speed: the gateway sends details[0].cpuSpeed=%d", speedless, translate.DefaultCustomCPUSpeedMHz), ""})
	default:
		f = append(f, doctorFeature{"custom machine types (GCE custom-CPUS-MEMORY)", verdictWorks, "customized offerings with a CPU speed", ""})
	}
	switch ps := setting("default.page.size"); {
	case ps == "":
		f = append(f, doctorFeature{"listing (pages of 500)", verdictUnknown, "default.page.size is readable with administrator keys only; the gateway reads lists in pages of 500", ""})
	case atoiOr(ps, 0) >= 500:
		f = append(f, doctorFeature{"listing (pages of 500)", verdictWorks, "default.page.size is " + ps, ""})
	default:
		f = append(f, doctorFeature{"listing (pages of 500)", verdictFails, "default.page.size is " + ps + ": CloudStack refuses pagesize 500 (431)", "default.page.size=500"})
	}
	rep.Features = append(rep.Features, f...)
	return rep, nil
}

// sgAfterTerminate: without user expunge a destroyed VM keeps its security
// groups for expunge.delay, unless no zone puts VMs in security groups.
func sgAfterTerminate(sgZones int, delay string) doctorFeature {
	const name = "EC2 TerminateInstances, then DeleteSecurityGroup"
	if sgZones == 0 {
		return doctorFeature{name, verdictWorks, "no zone uses security groups, so no instance holds one", ""}
	}
	return doctorFeature{name, verdictFails,
		"a terminated instance stays in its security groups until expunge.delay (" + delay + " s): DeleteSecurityGroup answers DependencyViolation naming this setting",
		"allow.user.expunge.recover.vm=true"}
}

// zoneLaunchFeature says whether a launch that names no network works in
// zone z, as translate.Launch chooses it.
func zoneLaunchFeature(z translate.Zone, dz doctorZone) doctorFeature {
	name := "launch without naming a network in " + z.Name
	switch {
	case strings.EqualFold(z.NetworkType, "Basic"):
		return doctorFeature{name, verdictWorks, "Basic zone: CloudStack places the VM on the zone's network", ""}
	case z.SecurityGroups:
		for _, n := range dz.Networks {
			if strings.Contains(n, "(Shared") {
				return doctorFeature{name, verdictWorks, "Advanced zone with security groups: the gateway names the zone's shared network " + strings.SplitN(n, " (", 2)[0], ""}
			}
		}
		return doctorFeature{name, verdictFails, "Advanced zone with security groups but no shared network visible to the user: CloudStack refuses the deploy (431)",
			"create a shared network with a security-group offering in the zone"}
	}
	var isolated []string
	for _, n := range dz.Networks {
		if strings.HasSuffix(n, "(Isolated)") {
			isolated = append(isolated, strings.SplitN(n, " (", 2)[0])
		}
	}
	switch {
	case len(isolated) == 1:
		return doctorFeature{name, verdictWorks, "Advanced zone without security groups: the gateway names the account's network " + isolated[0], ""}
	case len(isolated) == 0 && dz.RequiredOffering != "":
		return doctorFeature{name, verdictWorks, "Advanced zone without security groups: the offering " + dz.RequiredOffering + " is Required, so CloudStack creates the account's network on the first deploy", ""}
	case len(isolated) == 0:
		return doctorFeature{name, verdictFails, "Advanced zone without security groups, the account has no network and no isolated offering is Required: create a network first (GCE networks.insert, EC2 CreateVpc/CreateSubnet)",
			"availability=Required on an isolated network offering with source NAT (updateNetworkOffering)"}
	}
	for _, n := range isolated {
		if strings.EqualFold(n, "default") {
			return doctorFeature{name, verdictWorks, "several networks: the gateway names the one called default", ""}
		}
	}
	return doctorFeature{name, verdictDegrades, "the account has several networks and none is called default: clients must name one (GCE network/subnetwork, EC2 SubnetId)", ""}
}

// zoneAddressFeature says whether users get public addresses (EC2 Elastic
// IPs, GCE addresses, VPCs and subnets) in zone z (AssociateIPAddrCmd,
// NetworkServiceImpl.createGuestNetwork).
func zoneAddressFeature(z translate.Zone, dz doctorZone) doctorFeature {
	name := "public addresses, VPCs and subnets in " + z.Name
	switch {
	case strings.EqualFold(z.NetworkType, "Basic"):
		return doctorFeature{name, verdictUnknown, "Basic zone: addresses only if the zone's network offers Elastic IPs (the gateway lets CloudStack answer); no VPCs or subnets", ""}
	case z.SecurityGroups:
		return doctorFeature{name, verdictFails, "Advanced zone with security groups: CloudStack gives users neither public addresses nor isolated networks there; the gateway answers EC2 UnsupportedOperation / GCE 501",
			"an Advanced zone without security groups (isolated networks with source NAT)"}
	}
	var isolated int
	for _, n := range dz.Networks {
		if strings.HasSuffix(n, "(Isolated)") {
			isolated++
		}
	}
	if isolated == 0 && dz.RequiredOffering == "" {
		return doctorFeature{name, verdictDegrades, "addresses need the account's isolated network: create one first (no isolated offering is Required)",
			"availability=Required on an isolated network offering with source NAT"}
	}
	return doctorFeature{name, verdictWorks, "addresses go to the account's isolated network (created from the Required offering if it has none yet); VPCs and subnets can be created", ""}
}

// terminatedFeature checks that the caller can read its VM.DESTROY events
// (EC2 keeps terminated instances visible for an hour).
func terminatedFeature(ctx context.Context, be *csbackend.Backend, caps *translate.Capabilities, known bool) doctorFeature {
	const name = "EC2 terminated instances visible for an hour"
	_, err := be.ListEvents(ctx, translate.ListEventsRequest{Type: "VM.DESTROY", Since: time.Now().Add(-time.Hour)})
	switch {
	case err == nil:
		return doctorFeature{name, verdictWorks, "read from CloudStack's VM.DESTROY events (listEvents as the caller)", ""}
	case known && caps.UserViewDestroyedVM:
		return doctorFeature{name, verdictDegrades, "listEvents is refused; terminated instances are visible only while CloudStack keeps them as Destroyed", "allow listEvents for the user's role"}
	}
	return doctorFeature{name, verdictFails, "listEvents is refused and users cannot see destroyed VMs: a terminated instance disappears at once (aws ec2 wait instance-terminated still succeeds on InvalidInstanceID.NotFound)",
		"allow listEvents for the user's role, or allow.user.view.destroyed.vm=true"}
}

func atoiOr(s string, def int) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return def
	}
	return n
}

func (r *doctorReport) print(w io.Writer) {
	fmt.Fprintf(w, "CloudStack %s at %s\n\n", orUnknown(r.Version), r.URL)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SETTING\tVALUE\tDEFAULT\tREAD FROM")
	for _, s := range r.Settings {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.Name, orUnknown(s.Value), s.Default, orDash(s.Source))
	}
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ZONE\tNETWORK TYPE\tSECURITY GROUPS\tNETWORKS (visible to the user)")
	for _, z := range r.Zones {
		nets := strings.Join(z.Networks, ", ")
		if z.RequiredOffering != "" {
			nets = strings.TrimPrefix(nets+"; Required offering "+z.RequiredOffering, "; ")
		}
		fmt.Fprintf(tw, "%s\t%s\t%v\t%s\n", z.Name, z.NetworkType, z.SecurityGroups, orDash(nets))
	}
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "OFFERING\tCPUS\tMHZ\tMEMORY MB\tCUSTOM")
	for _, o := range r.Offerings {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%v\n", o.Name, o.CPUs, o.CPUSpeedMHz, o.MemoryMB, o.Custom)
	}
	tw.Flush()
	fmt.Fprintln(w)
	for _, f := range r.Features {
		fmt.Fprintf(w, "[%s] %s: %s\n", strings.ToUpper(f.Verdict), f.Feature, f.Detail)
		if f.Setting != "" {
			fmt.Fprintf(w, "    to change: %s\n", f.Setting)
		}
	}
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
