package simulator

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Seed describes the fake datacenter a Server starts with.
type Seed struct {
	// Name and RandomSeed make API keys, UUIDs, IPs and MACs deterministic.
	Name       string `json:"name" yaml:"name"`
	RandomSeed uint64 `json:"randomSeed" yaml:"randomSeed"`

	Zones            []SeedZone            `json:"zones" yaml:"zones"`
	ServiceOfferings []SeedServiceOffering `json:"serviceOfferings" yaml:"serviceOfferings"`
	DiskOfferings    []SeedDiskOffering    `json:"diskOfferings" yaml:"diskOfferings"`
	Templates        []SeedTemplate        `json:"templates" yaml:"templates"`
	Accounts         []SeedAccount         `json:"accounts" yaml:"accounts"`
	// Settings are management-server settings (listConfigurations names, e.g.
	// allow.user.expunge.recover.vm: "true"); unset ones keep CloudStack's defaults.
	Settings map[string]string `json:"settings,omitempty" yaml:"settings,omitempty"`
	// NetworkOfferings changes the built-in network offerings, by name (e.g. availability
	// Required for DefaultIsolatedNetworkOfferingWithSourceNatService).
	NetworkOfferings []SeedNetworkOffering `json:"networkOfferings,omitempty" yaml:"networkOfferings,omitempty"`
}

// SeedNetworkOffering changes one of the built-in network offerings.
type SeedNetworkOffering struct {
	Name         string `json:"name" yaml:"name"`
	Availability string `json:"availability" yaml:"availability"` // Optional (default) or Required
}

// SeedZone is one zone with one pod and one cluster of identical hosts.
type SeedZone struct {
	Name           string `json:"name" yaml:"name"`
	NetworkType    string `json:"networkType" yaml:"networkType"` // Advanced or Basic
	SecurityGroups bool   `json:"securityGroups" yaml:"securityGroups"`
	GuestCIDR      string `json:"guestCidr" yaml:"guestCidr"`       // e.g. 10.1.0.0/16; each network gets a /24
	PublicPrefix   string `json:"publicPrefix" yaml:"publicPrefix"` // e.g. 192.168.2. (hosts .2-.250)
	Hosts          int    `json:"hosts" yaml:"hosts"`
	HostCPUs       int    `json:"hostCpus" yaml:"hostCpus"`
	HostCPUSpeed   int    `json:"hostCpuSpeed" yaml:"hostCpuSpeed"` // MHz
	HostMemoryMB   int64  `json:"hostMemoryMb" yaml:"hostMemoryMb"`
	// NoSharedNetwork leaves a security-group or Basic zone without its zone-wide Shared
	// network (the admin normally creates one with the zone); deploys then fail with 431.
	NoSharedNetwork bool `json:"noSharedNetwork,omitempty" yaml:"noSharedNetwork,omitempty"`
}

// SeedServiceOffering is a compute offering; Customized offerings take
// details[0].cpuNumber/cpuSpeed/memory at deploy time.
type SeedServiceOffering struct {
	Name       string `json:"name" yaml:"name"`
	CPUs       int    `json:"cpus" yaml:"cpus"`
	CPUSpeed   int    `json:"cpuSpeed" yaml:"cpuSpeed"`
	MemoryMB   int    `json:"memoryMb" yaml:"memoryMb"`
	Customized bool   `json:"customized" yaml:"customized"`
	// Bounds of a customized offering (serviceofferingdetails mincpunumber, maxcpunumber,
	// minmemory, maxmemory); 0 = unconstrained.
	MinCPUs     int `json:"minCpus,omitempty" yaml:"minCpus,omitempty"`
	MaxCPUs     int `json:"maxCpus,omitempty" yaml:"maxCpus,omitempty"`
	MinMemoryMB int `json:"minMemoryMb,omitempty" yaml:"minMemoryMb,omitempty"`
	MaxMemoryMB int `json:"maxMemoryMb,omitempty" yaml:"maxMemoryMb,omitempty"`
}

// SeedDiskOffering is a data disk offering; Customized takes size= at createVolume.
type SeedDiskOffering struct {
	Name       string `json:"name" yaml:"name"`
	SizeGB     int64  `json:"sizeGb" yaml:"sizeGb"`
	Customized bool   `json:"customized" yaml:"customized"`
}

// SeedTemplate is a public featured template available in Zones (all zones if empty).
type SeedTemplate struct {
	Name            string   `json:"name" yaml:"name"`
	OSType          string   `json:"osType" yaml:"osType"`
	SizeGB          int64    `json:"sizeGb" yaml:"sizeGb"`
	PasswordEnabled bool     `json:"passwordEnabled" yaml:"passwordEnabled"`
	Zones           []string `json:"zones" yaml:"zones"`
}

// SeedAccount is an account in the ROOT domain with one user of the same name.
type SeedAccount struct {
	Name     string `json:"name" yaml:"name"`
	Admin    bool   `json:"admin" yaml:"admin"`
	Password string `json:"password" yaml:"password"`
}

// DefaultSeed is the demo datacenter with CloudStack's default settings (profile "demo"):
// zone1 (Advanced, security groups) and zone2 (Basic), each with 2 hosts of 4×2000 MHz and
// 4 GiB; accounts admin, demo and other (password "password").
func DefaultSeed() *Seed {
	sd, err := ProfileSeed(ProfileDemo)
	if err != nil {
		panic(err) // the embedded profile is tested
	}
	return sd
}

// LoadSeed reads a seed from a JSON or YAML file (by extension; YAML otherwise).
func LoadSeed(path string) (*Seed, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s := &Seed{}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json":
		err = json.Unmarshal(data, s)
	default:
		err = yaml.Unmarshal(data, s)
	}
	if err != nil {
		return nil, fmt.Errorf("simulator: seed %s: %w", path, err)
	}
	return s, s.validate()
}

func (sd *Seed) validate() error {
	if len(sd.Zones) == 0 {
		return fmt.Errorf("simulator: seed has no zones")
	}
	if len(sd.Accounts) == 0 {
		return fmt.Errorf("simulator: seed has no accounts")
	}
	for _, z := range sd.Zones {
		if z.Name == "" || z.Hosts <= 0 || z.HostCPUs <= 0 || z.HostCPUSpeed <= 0 || z.HostMemoryMB <= 0 {
			return fmt.Errorf("simulator: seed zone %q needs name, hosts and host capacity", z.Name)
		}
	}
	for name, v := range sd.Settings {
		d := settingByName(name)
		if d == nil {
			return fmt.Errorf("simulator: seed setting %q is not one the simulator models", name)
		}
		if err := validSetting(d, v); err != nil {
			return fmt.Errorf("simulator: seed setting %s=%q: %s", name, v, err.Text)
		}
	}
	for _, o := range sd.NetworkOfferings {
		if o.Availability != "Optional" && o.Availability != "Required" {
			return fmt.Errorf("simulator: seed network offering %q: availability must be Optional or Required", o.Name)
		}
	}
	return nil
}

// keys derives a deterministic 86-character API key and secret for a user.
func (sd *Seed) keys(username string) (apiKey, secret string) {
	mk := func(kind string) string {
		var out []byte
		for i := 0; i < 2; i++ {
			m := hmac.New(sha256.New, []byte(fmt.Sprintf("%s/%d", sd.Name, sd.RandomSeed)))
			fmt.Fprintf(m, "%s/%s/%d", kind, username, i)
			out = m.Sum(out)
		}
		return base64.RawURLEncoding.EncodeToString(out)
	}
	return mk("apikey"), mk("secret")
}

// osCategory guesses an OS category name from an OS type description.
func osCategory(desc string) string {
	d := strings.ToLower(desc)
	for _, c := range []string{"Debian", "Ubuntu", "CentOS", "Windows", "RHEL", "Fedora", "SUSE", "Oracle"} {
		if strings.Contains(d, strings.ToLower(c)) {
			return c
		}
	}
	return "Other"
}

// buildState turns a seed into an initial datacenter.
func buildState(sd *Seed, now time.Time) *state {
	st := newState(sd.RandomSeed)
	st.Instance = "SIM"
	st.LastExpunge = now
	for k, v := range sd.Settings {
		if st.Settings == nil {
			st.Settings = map[string]string{}
		}
		st.Settings[k] = v
	}
	root := &domain{ID: st.uuid(), Name: "ROOT", Path: "ROOT", Created: now}
	st.Domains = append(st.Domains, root)
	for _, a := range sd.Accounts {
		acc := &account{ID: st.uuid(), Name: a.Name, DomainID: root.ID, Created: now}
		if a.Admin {
			acc.Type = 1
		}
		u := &user{ID: st.uuid(), Username: a.Name, AccountID: acc.ID, Password: a.Password, FirstName: a.Name, LastName: "user", Email: a.Name + "@example.com", Created: now}
		u.APIKey, u.SecretKey = sd.keys(a.Name)
		st.Accounts = append(st.Accounts, acc)
		st.Users = append(st.Users, u)
	}
	for i, z := range sd.Zones {
		zn := &zone{ID: st.uuid(), Name: z.Name, NetworkType: z.NetworkType, SecurityGroups: z.SecurityGroups,
			GuestCIDR: z.GuestCIDR, PublicPrefix: z.PublicPrefix, Description: z.Name + " (simulated)"}
		if zn.NetworkType == "" {
			zn.NetworkType = "Advanced"
		}
		if zn.GuestCIDR == "" {
			zn.GuestCIDR = fmt.Sprintf("10.%d.0.0/16", i+1)
		}
		if zn.PublicPrefix == "" {
			zn.PublicPrefix = fmt.Sprintf("192.168.%d.", i+2)
		}
		st.Zones = append(st.Zones, zn)
		p := &pod{ID: st.uuid(), Name: "POD0-" + z.Name, ZoneID: zn.ID, Gateway: fmt.Sprintf("172.16.%d.1", 15+i), Netmask: "255.255.255.0",
			StartIP: fmt.Sprintf("172.16.%d.2", 15+i), EndIP: fmt.Sprintf("172.16.%d.200", 15+i)}
		c := &cluster{ID: st.uuid(), Name: "C0-" + z.Name, PodID: p.ID, ZoneID: zn.ID}
		st.Pods = append(st.Pods, p)
		st.Clusters = append(st.Clusters, c)
		for h := 0; h < z.Hosts; h++ {
			hid := st.uuid()
			st.Hosts = append(st.Hosts, &host{ID: hid, Name: "SimulatedAgent." + hid, ClusterID: c.ID, PodID: p.ID, ZoneID: zn.ID,
				IP: fmt.Sprintf("172.16.%d.%d", 15+i, 10+h), CPUs: z.HostCPUs, CPUSpeed: z.HostCPUSpeed, Memory: z.HostMemoryMB << 20, Created: now})
		}
	}
	for _, o := range sd.ServiceOfferings {
		st.ServiceOfferings = append(st.ServiceOfferings, &serviceOffering{ID: st.uuid(), Name: o.Name, DisplayText: offeringText(o), CPUs: o.CPUs,
			CPUSpeed: o.CPUSpeed, Memory: o.MemoryMB, Customized: o.Customized, Created: now,
			MinCPUs: o.MinCPUs, MaxCPUs: o.MaxCPUs, MinMemory: o.MinMemoryMB, MaxMemory: o.MaxMemoryMB})
	}
	for _, o := range sd.DiskOfferings {
		text := fmt.Sprintf("%s Disk, %d GB", o.Name, o.SizeGB)
		if o.Customized {
			text = "Custom Disk"
		}
		st.DiskOfferings = append(st.DiskOfferings, &diskOffering{ID: st.uuid(), Name: o.Name, DisplayText: text, DiskSize: o.SizeGB, Customized: o.Customized, Created: now})
	}
	st.NetworkOfferings = []*networkOffering{
		{ID: st.uuid(), Name: "DefaultIsolatedNetworkOfferingWithSourceNatService", DisplayText: "Offering for Isolated networks with Source Nat service enabled", GuestIPType: "Isolated", SourceNat: true, IsDefault: true,
			Services: []string{"Dhcp", "Dns", "UserData", "SourceNat", "StaticNat", "Firewall", "PortForwarding", "Lb", "Vpn"}},
		{ID: st.uuid(), Name: "DefaultSharedNetworkOfferingWithSGService", DisplayText: "Offering for Shared Security group enabled networks", GuestIPType: "Shared", IsDefault: true,
			Services: []string{"Dhcp", "Dns", "UserData", "SecurityGroup"}},
		{ID: st.uuid(), Name: "DefaultIsolatedNetworkOfferingForVpcNetworks", DisplayText: "Offering for Isolated VPC networks with Source Nat service enabled", GuestIPType: "Isolated", ForVPC: true, SourceNat: true, IsDefault: true,
			Services: []string{"Dhcp", "Dns", "UserData", "SourceNat", "StaticNat", "NetworkACL", "PortForwarding", "Lb", "Vpn"}},
	}
	for _, so := range sd.NetworkOfferings {
		for _, o := range st.NetworkOfferings {
			if o.Name == so.Name {
				o.Availability = so.Availability
			}
		}
	}
	// Zones with security groups (Advanced+SG, and Basic) get the zone-wide Shared network
	// with the SecurityGroup service an operator creates with the zone; VMs deployed without
	// networkids land on it.
	var admin *account
	for _, a := range st.Accounts {
		if a.Type == 1 {
			admin = a
			break
		}
	}
	sgOff := st.NetworkOfferings[1]
	for i, z := range sd.Zones {
		zn := st.Zones[i]
		if z.NoSharedNetwork || !(zn.SecurityGroups || strings.EqualFold(zn.NetworkType, "Basic")) || admin == nil {
			continue
		}
		_, ipn, err := net.ParseCIDR(zn.GuestCIDR)
		cidr, gw, mask := zn.GuestCIDR, "", "255.255.0.0"
		if err == nil {
			b := ipn.IP.To4()
			gw = fmt.Sprintf("%d.%d.%d.1", b[0], b[1], b[2])
			mask = net.IP(ipn.Mask).String()
			cidr = ipn.String()
		}
		// One name per zone (operators name them; a client mapping names to networks must
		// not see two with the same name).
		st.Networks = append(st.Networks, &network{owned: owned{admin.ID, admin.DomainID}, ID: st.uuid(), Name: strings.ToLower(zn.Name) + "-shared",
			DisplayText: "Shared network with security groups in " + zn.Name, ZoneID: zn.ID, OfferingID: sgOff.ID, Type: "Shared",
			CIDR: cidr, Gateway: gw, Netmask: mask, ACLType: "Domain", State: "Setup", Created: now})
	}
	st.VPCOfferings = []*vpcOffering{{ID: st.uuid(), Name: "Default VPC offering", DisplayText: "Default VPC offering"}}
	osIDs := map[string]string{}
	for _, t := range sd.Templates {
		if _, ok := osIDs[t.OSType]; ok {
			continue
		}
		o := &osType{ID: st.uuid(), Description: t.OSType, CategoryName: osCategory(t.OSType)}
		o.CategoryID = st.uuid()
		osIDs[t.OSType] = o.ID
		st.OSTypes = append(st.OSTypes, o)
	}
	var system *account
	for _, a := range st.Accounts {
		if a.Type == 1 {
			system = a
			break
		}
	}
	for _, t := range sd.Templates {
		tp := &template{ID: st.uuid(), Name: t.Name, DisplayText: t.Name, OSTypeID: osIDs[t.OSType], Format: "QCOW2", Hypervisor: "Simulator",
			Public: true, Featured: true, PasswordEnabled: t.PasswordEnabled, Ready: true, Size: t.SizeGB << 30, Created: now}
		if system != nil {
			tp.owned = owned{AccountID: system.ID, DomainID: system.DomainID}
		}
		for _, z := range st.Zones {
			if len(t.Zones) == 0 || contains(t.Zones, z.Name) {
				tp.ZoneIDs = append(tp.ZoneIDs, z.ID)
			}
		}
		st.Templates = append(st.Templates, tp)
	}
	for _, a := range st.Accounts {
		st.SecurityGroups = append(st.SecurityGroups, &securityGroup{owned: owned{a.ID, a.DomainID}, ID: st.uuid(), Name: "default",
			Description: "Default Security Group", Created: now, Rules: nil})
	}
	return st
}

func offeringText(o SeedServiceOffering) string {
	if o.Customized {
		return "Custom offering"
	}
	return fmt.Sprintf("%s, %d vCPU, %d MB RAM", o.Name, o.CPUs, o.MemoryMB)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
