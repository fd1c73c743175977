package simulator

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"time"
)

// state is the whole fake datacenter. Every field is persisted by the state file;
// all access happens under Server.mu.
type state struct {
	RNG []byte `json:"rng"`
	rng *rand.PCG
	// tagIdx indexes Tags by resource type and id; nil means stale (every
	// change to the Tags slice resets it). Guarded by Server.mu.
	tagIdx map[string][]*tag
	// vmIdx indexes VMs by id; nil means stale (reset by every change to
	// the VMs slice). Guarded by Server.mu.
	vmIdx map[string]*vm
	// volIdx indexes the Volumes attached to each VM id, built for
	// volIdxLen volumes; nil means stale (every change to the Volumes slice
	// or to a volume's VMID resets it; volumeindex.go). Guarded by Server.mu.
	volIdx    map[string][]*volume
	volIdxLen int
	// jobIdx indexes Jobs by id and pendingJobs lists the pending ones;
	// nil jobIdx means stale (both are rebuilt). Guarded by Server.mu.
	jobIdx      map[string]*job
	pendingJobs []*job
	Seq         int64  `json:"seq"`
	Instance    string `json:"instanceSuffix"`

	Domains  []*domain  `json:"domains"`
	Accounts []*account `json:"accounts"`
	Users    []*user    `json:"users"`

	Zones    []*zone    `json:"zones"`
	Pods     []*pod     `json:"pods"`
	Clusters []*cluster `json:"clusters"`
	Hosts    []*host    `json:"hosts"`

	ServiceOfferings []*serviceOffering `json:"serviceOfferings"`
	DiskOfferings    []*diskOffering    `json:"diskOfferings"`
	NetworkOfferings []*networkOffering `json:"networkOfferings"`
	VPCOfferings     []*vpcOffering     `json:"vpcOfferings"`
	OSTypes          []*osType          `json:"osTypes"`
	Templates        []*template        `json:"templates"`

	Networks []*network `json:"networks"`
	VPCs     []*vpc     `json:"vpcs"`
	// PrivateGateways and StaticRoutes: staticroute.go.
	PrivateGateways []*privateGateway `json:"privateGateways,omitempty"`
	StaticRoutes    []*staticRoute    `json:"staticRoutes,omitempty"`
	// ACLLists and ACLItems: the VPCs' own network ACL lists (networkaclitem.go).
	ACLLists       []*aclList       `json:"aclLists,omitempty"`
	ACLItems       []*aclItemState  `json:"aclItems,omitempty"`
	IPs            []*publicIP      `json:"ips"`
	VMs            []*vm            `json:"vms"`
	Volumes        []*volume        `json:"volumes"`
	Snapshots      []*snapshot      `json:"snapshots"`
	SecurityGroups []*securityGroup `json:"securityGroups"`
	InstanceGroups []*instanceGroup `json:"instanceGroups,omitempty"`
	KeyPairs       []*keyPair       `json:"keyPairs"`
	UserData       []*userData      `json:"userData,omitempty"`
	Tags           []*tag           `json:"tags"`
	Jobs           []*job           `json:"jobs"`
	Events         []*event         `json:"events"`
	Mocks          []*mock          `json:"mocks"`

	// Settings are the management server's global settings changed from their
	// defaults; AccountSettings the Account-scoped ones set per account id.
	Settings        map[string]string            `json:"settings,omitempty"`
	AccountSettings map[string]map[string]string `json:"accountSettings,omitempty"`
	// LastExpunge is when the expunge thread last ran (every expunge.interval).
	LastExpunge time.Time `json:"lastExpunge"`

	// Removed holds ids of deleted entities: like CloudStack (findByUuidIncludingRemoved)
	// they still resolve as parameters, so lists by such an id are empty, not errors.
	Removed map[string]bool `json:"removed"`
}

// owned is embedded in every account-owned resource.
type owned struct {
	AccountID string `json:"accountId"`
	DomainID  string `json:"domainId"`
}

type domain struct {
	ID, Name, Path, ParentID string
	Created                  time.Time
}

type account struct {
	ID, Name, DomainID string
	Type               int // 0 user, 1 root admin
	Created            time.Time
}

type user struct {
	ID, Username, AccountID, Password string
	FirstName, LastName, Email        string
	APIKey, SecretKey                 string
	Created                           time.Time
}

type zone struct {
	ID, Name, NetworkType, Description string
	SecurityGroups                     bool
	GuestCIDR, PublicPrefix            string // PublicPrefix e.g. "192.168.2."
}

type pod struct{ ID, Name, ZoneID, Gateway, Netmask, StartIP, EndIP string }

type cluster struct{ ID, Name, PodID, ZoneID string }

type host struct {
	ID, Name, ClusterID, PodID, ZoneID, IP string
	CPUs                                   int
	CPUSpeed                               int   // MHz per core
	Memory                                 int64 // bytes
	Created                                time.Time
}

type serviceOffering struct {
	ID, Name, DisplayText string
	CPUs, CPUSpeed        int // 0 CPUs = customized
	Memory                int // MB
	Customized            bool
	RootDiskSize          int64 // GB, 0 = template size
	MinCPUs, MaxCPUs      int   // customized bounds, 0 = none
	MinMemory, MaxMemory  int   // MB
	Created               time.Time
}

type diskOffering struct {
	ID, Name, DisplayText string
	DiskSize              int64 // GB
	Customized            bool
	Created               time.Time
}

type networkOffering struct {
	ID, Name, DisplayText, GuestIPType string
	ForVPC, SourceNat, IsDefault       bool
	Services                           []string
	Availability                       string // "" = Optional; Required makes CloudStack create the account's network on deploy

}

type vpcOffering struct {
	ID, Name, DisplayText string
	// Services of the offering; empty is the default VPC offering's
	// (vpcoffering.go).
	Services []string `json:",omitempty"`
}

type osType struct{ ID, Description, CategoryID, CategoryName string }

type template struct {
	owned
	ID, Name, DisplayText, OSTypeID, Format, Hypervisor string
	Public, Featured, PasswordEnabled, Ready            bool
	Size                                                int64 // bytes
	ZoneIDs                                             []string
	SourceVolumeID, SourceSnapshotID                    string
	JobID                                               string
	// LaunchAccounts are the accounts the owner shared the template with
	// (updateTemplatePermissions op=add; the launch_permission table).
	LaunchAccounts []string
	Created        time.Time
	Removed        bool
}

type network struct {
	owned
	ID, Name, DisplayText, ZoneID, OfferingID, Type string // Type Isolated|Shared
	CIDR, Gateway, Netmask                          string
	VPCID                                           string
	IsDefault                                       bool
	// ACLType is Account (the owner's network) or Domain (a zone-wide Shared
	// network created by the admin, usable by every account in the domain).
	ACLType string `json:",omitempty"`
	// NetworkACLID is a VPC tier's network ACL list (networkacl.go).
	NetworkACLID string `json:",omitempty"`
	State        string
	JobID        string
	Created      time.Time
}

type vpc struct {
	owned
	ID, Name, DisplayText, ZoneID, OfferingID, CIDR, State string
	JobID                                                  string
	Created                                                time.Time
}

type publicIP struct {
	owned
	ID, Address, ZoneID, NetworkID, VPCID string
	SourceNat                             bool
	StaticNatVMID                         string
	State                                 string // Allocating|Allocated|Releasing
	JobID                                 string
	Allocated                             time.Time
}

type nic struct {
	ID, NetworkID, IP, MAC string
	Default                bool
	DeviceID               int
}

type vm struct {
	owned
	ID, Name, DisplayName, ZoneID, HostID, ServiceOfferingID, TemplateID string
	UserID                                                               string
	CPUs, CPUSpeed, Memory                                               int
	State                                                                string
	UserData                                                             string
	KeyPairs                                                             []string
	SecurityGroupIDs                                                     []string
	Nics                                                                 []nic
	Password                                                             string
	InstanceName                                                         string
	Details                                                              map[string]string
	JobID                                                                string
	Created                                                              time.Time
	DestroyedAt                                                          time.Time
	StartVM                                                              bool
	GroupID                                                              string `json:",omitempty"` // instance group (at most one)
}

type volume struct {
	owned
	ID, Name, Type, ZoneID, DiskOfferingID, VMID, SnapshotID, TemplateID string
	Size                                                                 int64 // bytes
	DeviceID                                                             int64
	State                                                                string
	JobID                                                                string
	Created, Attached                                                    time.Time
}

type snapshot struct {
	owned
	ID, Name, VolumeID, ZoneID, State string
	Size                              int64
	JobID                             string
	Created                           time.Time
}

type sgRule struct {
	ID, Protocol, CIDR  string
	StartPort, EndPort  int
	ICMPType, ICMPCode  int
	HasPorts, HasICMP   bool
	UserAccount, UserSG string
	Egress              bool
}

type securityGroup struct {
	owned
	ID, Name, Description string
	Rules                 []*sgRule
	Created               time.Time
}

type keyPair struct {
	owned
	ID, Name, Fingerprint, PublicKey string
	Created                          time.Time
}

type tag struct {
	owned
	ResourceType, ResourceID, Key, Value, Customer string
}

type event struct {
	owned
	ID, UserID, Type, Level, Description, State string
	ResourceID, ResourceType, ResourceName      string
	Created                                     time.Time
}

// newState returns an empty state with a seeded RNG.
func newState(seed uint64) *state {
	st := &state{rng: rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)}
	return st
}

func (st *state) r() *rand.Rand { return rand.New(st.rng) }

// uuid draws a version-4 UUID from the seeded RNG.
func (st *state) uuid() string {
	r := st.r()
	var b [16]byte
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func (st *state) mac() string {
	r := st.r()
	return fmt.Sprintf("02:00:%02x:%02x:%02x:%02x", r.IntN(256), r.IntN(256), r.IntN(256), r.IntN(256))
}

func (st *state) nextSeq() int64 { st.Seq++; return st.Seq }

// save writes the state as JSON (atomically via rename).
func (st *state) save(path string) error {
	b, err := st.rng.MarshalBinary()
	if err != nil {
		return err
	}
	st.RNG = b
	data, err := json.MarshalIndent(st, "", " ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// loadState reads a state file; it returns (nil, nil) if the file does not exist.
func loadState(path string) (*state, error) {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	st := &state{}
	if err := json.Unmarshal(data, st); err != nil {
		return nil, fmt.Errorf("simulator: state file %s: %w", path, err)
	}
	st.rng = rand.NewPCG(1, 2)
	if len(st.RNG) > 0 {
		if err := st.rng.UnmarshalBinary(st.RNG); err != nil {
			return nil, fmt.Errorf("simulator: state file %s: rng: %w", path, err)
		}
	}
	return st, nil
}
