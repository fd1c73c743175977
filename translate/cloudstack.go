package translate

import (
	"context"
	"time"
)

// CloudStack is the narrow port through which Service reaches CloudStack.
// It lists only the calls Service makes, in terms of this package's own
// request and response structs; translate/csbackend implements it over
// github.com/apache/cloudstack-go. Every method signs its CloudStack call
// with the keys of the *Principal in ctx.
//
// # Contract for implementations
//
//   - Errors are *Error values classified once by the implementation
//     (CloudStack errorcode → Kind); Op is the CloudStack command, Resource
//     the method's primary resource when the error is NotFound.
//   - Async commands return as soon as CloudStack accepted them, with the
//     job id (and the new entity's id for create-style commands); Service
//     polls QueryAsyncJobResult itself.
//   - List methods return every match (implementations page through
//     CloudStack if needed), in no particular order; Service sorts.
//   - An id filter that names no entity returns either an empty list or a
//     NotFound error; Service treats both the same.
type CloudStack interface {
	// Management server.
	ListCapabilities(ctx context.Context) (*Capabilities, error)

	// Catalog.
	ListZones(ctx context.Context) ([]Zone, error)
	ListServiceOfferings(ctx context.Context) ([]Offering, error)
	ListDiskOfferings(ctx context.Context) ([]DiskOffering, error)
	ListTemplates(ctx context.Context, req ListTemplatesRequest) ([]Image, error)
	ListNetworkOfferings(ctx context.Context, req ListNetworkOfferingsRequest) ([]NetworkOffering, error)
	ListVPCOfferings(ctx context.Context) ([]VPCOffering, error)

	// Virtual machines.
	DeployVirtualMachine(ctx context.Context, req DeployRequest) (AsyncResult, error)
	ListVirtualMachines(ctx context.Context, req ListVMsRequest) ([]Instance, error)
	// ListVirtualMachinesRange returns the VMs at positions [offset,
	// offset+limit) of what req selects, in CloudStack's order (ascending
	// internal id, i.e. creation order: QueryManagerImpl
	// searchForUserVMsInternal's Filter(UserVmJoinVO.class, "id", true,
	// startIndex, pageSize)), read with page/pagesize so the cost follows
	// limit, not the total; and total, CloudStack's count of every VM req
	// selects. limit <= 0 reads to the end.
	ListVirtualMachinesRange(ctx context.Context, req ListVMsRequest, offset, limit int) (vms []Instance, total int, err error)
	StartVirtualMachine(ctx context.Context, id string) (AsyncResult, error)
	StopVirtualMachine(ctx context.Context, id string, forced bool) (AsyncResult, error)
	RebootVirtualMachine(ctx context.Context, id string) (AsyncResult, error)
	DestroyVirtualMachine(ctx context.Context, id string, expunge bool) (AsyncResult, error)
	ExpungeVirtualMachine(ctx context.Context, id string) (AsyncResult, error)
	ChangeServiceForVirtualMachine(ctx context.Context, req ChangeServiceRequest) error
	// RenameVirtualMachine changes a VM's host name (updateVirtualMachine
	// name=), which CloudStack keeps unique per network until the VM is
	// expunged.
	RenameVirtualMachine(ctx context.Context, id, name string) error
	// GetVirtualMachineUserData returns the base64 user data as stored.
	GetVirtualMachineUserData(ctx context.Context, id string) (string, error)
	// UpdateVirtualMachineUserData replaces the user data (base64).
	UpdateVirtualMachineUserData(ctx context.Context, id, userDataBase64 string) error
	// UpdateVirtualMachineSecurityGroups replaces a stopped VM's security
	// groups (updateVirtualMachine securitygroupids=).
	UpdateVirtualMachineSecurityGroups(ctx context.Context, id string, groupIDs []string) error
	GetVMPassword(ctx context.Context, id string) (string, error)
	// ListEvents returns events newest first, as CloudStack does.
	ListEvents(ctx context.Context, req ListEventsRequest) ([]Event, error)
	// AccountLimits is listAccounts for the caller's own account: its
	// resource limits and their usage (<type>limit / <type>total).
	AccountLimits(ctx context.Context) ([]ResourceLimit, error)

	// Async jobs. Job.Err is classified like every other error.
	QueryAsyncJobResult(ctx context.Context, jobID string) (*Job, error)
	ListAsyncJobs(ctx context.Context) ([]Job, error)

	// Tags. Resource is one of the Res* constants that CloudStack can tag.
	CreateTags(ctx context.Context, res Resource, ids []string, tags Tags) (AsyncResult, error)
	DeleteTags(ctx context.Context, res Resource, ids []string, tags Tags) (AsyncResult, error)
	ListTags(ctx context.Context, req ListTagsRequest) ([]Tag, error)

	// Registered user data (CloudStack 4.18+; see userdata.go): the store
	// of instance templates and launch templates. Content is the decoded
	// document; the adapter base64-encodes it.
	RegisterUserData(ctx context.Context, name, content string) (*UserDataRecord, error)
	ListUserData(ctx context.Context, q UserDataQuery) ([]UserDataRecord, error)
	DeleteUserData(ctx context.Context, id string) error

	// Security groups. Rule.ID is CloudStack's rule id.
	CreateSecurityGroup(ctx context.Context, name, description string) (*SecurityGroup, error)
	ListSecurityGroups(ctx context.Context, req ListSecurityGroupsRequest) ([]SecurityGroup, error)
	DeleteSecurityGroup(ctx context.Context, id string) error
	AuthorizeSecurityGroupRule(ctx context.Context, groupID string, rule Rule) (AsyncResult, error)
	RevokeSecurityGroupRule(ctx context.Context, ruleID string, egress bool) (AsyncResult, error)

	// SSH key pairs.
	CreateSSHKeyPair(ctx context.Context, name string) (*KeyPair, error)
	RegisterSSHKeyPair(ctx context.Context, name, publicKey string) (*KeyPair, error)
	ListSSHKeyPairs(ctx context.Context, name string) ([]KeyPair, error)
	DeleteSSHKeyPair(ctx context.Context, name string) error

	// Volumes and snapshots.
	CreateVolume(ctx context.Context, req CreateVolumeRequest) (AsyncResult, error)
	ListVolumes(ctx context.Context, req ListVolumesRequest) ([]Volume, error)
	// AttachVolume: deviceID 0 lets CloudStack choose; RootDeviceID asks
	// for device 0 (the boot disk; the VM must be stopped).
	AttachVolume(ctx context.Context, volumeID, vmID string, deviceID int64) (AsyncResult, error)
	DetachVolume(ctx context.Context, volumeID string) (AsyncResult, error)
	ResizeVolume(ctx context.Context, volumeID string, sizeGB int64) (AsyncResult, error)
	DeleteVolume(ctx context.Context, volumeID string) error
	CreateSnapshot(ctx context.Context, volumeID, name string) (AsyncResult, error)
	ListSnapshots(ctx context.Context, req ListSnapshotsRequest) ([]Snapshot, error)
	DeleteSnapshot(ctx context.Context, id string) (AsyncResult, error)

	// Templates.
	CreateTemplate(ctx context.Context, req CreateTemplateRequest) (AsyncResult, error)
	DeleteTemplate(ctx context.Context, id string) (AsyncResult, error)
	TemplateSharing // imageport.go

	// Public IP addresses and static NAT.
	AssociateIPAddress(ctx context.Context, zoneID, networkID string) (AsyncResult, error)
	ListPublicIPAddresses(ctx context.Context, req ListAddressesRequest) ([]Address, error)
	EnableStaticNat(ctx context.Context, addressID, vmID string) error
	DisableStaticNat(ctx context.Context, addressID string) (AsyncResult, error)
	DisassociateIPAddress(ctx context.Context, addressID string) (AsyncResult, error)
	VPCAddressPort // vpcaddress.go

	// Networks and VPCs.
	ListNetworks(ctx context.Context, req ListNetworksRequest) ([]Network, error)
	CreateNetwork(ctx context.Context, req CreateNetworkRequest) (*Network, error)
	DeleteNetwork(ctx context.Context, id string) (AsyncResult, error)
	ListVPCs(ctx context.Context, id string) ([]VPC, error)
	CreateVPC(ctx context.Context, req CreateVPCRequest) (AsyncResult, error)
	DeleteVPC(ctx context.Context, id string) (AsyncResult, error)

	// Instance groups (instancegroup.go).
	InstanceGroupPort

	// VPC static routes and private gateways (route.go).
	VPCRoutingPort
}

// AsyncResult is CloudStack's answer to an async command: the job id and,
// for create-style commands, the new entity's id.
type AsyncResult struct {
	ID    string
	JobID string
}

// ListTemplatesRequest selects templates. Filter is CloudStack's
// templatefilter ("self", "featured", "community", "executable",
// "selfexecutable"); "" means "executable".
type ListTemplatesRequest struct {
	Filter string
	ID     string
	Name   string
	ZoneID string
}

// DeployRequest is deployVirtualMachine.
type DeployRequest struct {
	ZoneID             string
	ServiceOfferingID  string
	TemplateID         string
	Name               string
	DisplayName        string
	KeyPair            string
	SecurityGroupIDs   []string
	SecurityGroupNames []string
	NetworkIDs         []string
	IPAddress          string // ipaddress: the default NIC's guest address
	UserDataBase64     string
	RootDiskGB         int64
	RootDiskOfferingID string // overridediskofferingid
	// CPUs/MemoryMB are sent as details[0].cpuNumber / details[0].memory
	// (custom offerings); CPUSpeedMHz as details[0].cpuSpeed (custom
	// offerings without a cpuspeed of their own).
	CPUs        int
	MemoryMB    int
	CPUSpeedMHz int
	NoStart     bool
	// Group is the instance group's name (group=): CloudStack creates the
	// group when the account has none of that name.
	Group string
}

// ListVMsRequest selects VMs. Zero fields do not filter.
type ListVMsRequest struct {
	ID     string
	IDs    []string // several ids (CloudStack's ids=); mutually exclusive with ID
	Name   string
	ZoneID string
	State  string
	Tags   Tags
	// Keyword is CloudStack's keyword (a substring of the displayname or
	// hostname, among others).
	Keyword string
	// GroupID selects the members of an instance group (groupid=).
	GroupID string
	// Min asks for CloudStack's minimal VM answer (details=min): id, name,
	// display name, state, zone, creation time, tags, job and public IP,
	// without template, offering, CPU/memory, security groups or NICs
	// (UserVmJoinDaoImpl.newUserVmResponse only adds those for their
	// VMDetails); for listings that only need to order and select VMs.
	Min bool
}

// ChangeServiceRequest is changeServiceForVirtualMachine.
type ChangeServiceRequest struct {
	ID                string
	ServiceOfferingID string
	CPUs              int // details[0].cpuNumber for custom offerings
	MemoryMB          int // details[0].memory
	CPUSpeedMHz       int // details[0].cpuSpeed
}

// ListEventsRequest selects CloudStack events.
type ListEventsRequest struct {
	ResourceID   string
	ResourceType string // CloudStack resource type, e.g. "VirtualMachine"
	Type         string // event type, e.g. "VM.DESTROY"
	Since        time.Time
}

// Event is a CloudStack event (listEvents).
type Event struct {
	ID          string
	Type        string // e.g. VM.CREATE
	Level       string
	State       string
	Description string
	Created     time.Time
	// ResourceID/ResourceType name the event's object (CloudStack 4.17+
	// reports them; older ones only name it in the description).
	ResourceID   string
	ResourceType string
	ResourceName string
}

// ListTagsRequest selects tags.
type ListTagsRequest struct {
	Resource   Resource
	ResourceID string
	Key        string
	Value      string
}

// ListSecurityGroupsRequest selects security groups.
type ListSecurityGroupsRequest struct {
	ID   string
	Name string
}

// CreateVolumeRequest is createVolume.
type CreateVolumeRequest struct {
	Name           string
	ZoneID         string
	DiskOfferingID string
	SizeGB         int64
	SnapshotID     string
}

// ListVolumesRequest selects volumes.
type ListVolumesRequest struct {
	ID     string
	Name   string
	ZoneID string
	VMID   string
	Type   string
}

// ListSnapshotsRequest selects snapshots.
type ListSnapshotsRequest struct {
	ID       string
	Name     string
	VolumeID string
}

// CreateTemplateRequest is createTemplate (from a volume or a snapshot).
type CreateTemplateRequest struct {
	Name        string
	DisplayText string
	VolumeID    string
	SnapshotID  string
	OSTypeID    string
	Public      bool
}

// ListAddressesRequest selects public IP addresses.
type ListAddressesRequest struct {
	ID     string
	IP     string
	ZoneID string
}

// ListNetworksRequest selects networks.
type ListNetworksRequest struct {
	ID     string
	ZoneID string
	VPCID  string
}

// NetworkOffering is a CloudStack network offering.
type NetworkOffering struct {
	ID             string
	Name           string
	GuestIPType    string // Isolated, Shared, L2
	ForVPC         bool
	SpecifyVLAN    bool
	State          string
	IsDefault      bool
	SourceNatFirst bool // offers SourceNat (isolated networks need it for public IPs)
	// Availability is Optional or Required; with a Required isolated
	// offering CloudStack creates an account's network on its first deploy.
	Availability string
}

// ListNetworkOfferingsRequest selects network offerings.
type ListNetworkOfferingsRequest struct {
	ZoneID string
	ForVPC bool
}

// VPCOffering is a CloudStack VPC offering.
type VPCOffering struct {
	ID        string
	Name      string
	State     string
	IsDefault bool
}

// CreateNetworkRequest is createNetwork.
type CreateNetworkRequest struct {
	Name              string
	DisplayText       string
	ZoneID            string
	NetworkOfferingID string
	Gateway           string
	Netmask           string
	VPCID             string
}

// CreateVPCRequest is createVPC.
type CreateVPCRequest struct {
	Name          string
	DisplayText   string
	ZoneID        string
	CIDR          string
	VPCOfferingID string
}
