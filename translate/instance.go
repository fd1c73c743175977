package translate

import (
	"context"
	"time"
)

// CloudStack VM states, as CloudStack reports them.
const (
	StateStarting  = "Starting"
	StateRunning   = "Running"
	StateStopping  = "Stopping"
	StateStopped   = "Stopped"
	StateDestroyed = "Destroyed"
	StateExpunging = "Expunging"
	StateMigrating = "Migrating"
	StateError     = "Error"
)

// GroupRef names a security group.
type GroupRef struct {
	ID   string
	Name string
}

// Instance is a CloudStack virtual machine.
type Instance struct {
	ID           string
	Name         string // CloudStack VM name (GCE instance name)
	DisplayName  string
	State        string // one of the State* constants
	ZoneID       string
	ZoneName     string
	OfferingID   string
	OfferingName string
	CPUs         int
	MemoryMB     int
	ImageID      string
	ImageName    string
	KeyPair      string
	Groups       []GroupRef
	PrivateIP    string
	PublicIP     string // static-NAT / public address, "" if none
	PublicIPID   string
	MACAddress   string
	NetworkID    string
	NetworkName  string
	Hostname     string
	Created      time.Time
	Tags         Tags
	// RootVolumeID is the instance's ROOT volume, when known.
	RootVolumeID string
	// JobID/JobPending report a CloudStack async job still running on the
	// VM (CloudStack stamps jobid/jobstatus on list items).
	JobID      string
	JobPending bool
	// PasswordEnabled reports whether the template sets a password.
	PasswordEnabled bool
}

// LaunchSpec describes instances to create (RunInstances,
// instances.insert).
type LaunchSpec struct {
	// Names of the VMs; when empty CloudStack picks names. With len(Names)
	// > 0, MaxCount is len(Names).
	Names      []string
	ZoneID     string // required
	OfferingID string // required
	// CPUs and MemoryMB are required for custom offerings and ignored
	// otherwise.
	CPUs     int
	MemoryMB int
	ImageID  string // required
	// RootDiskGB overrides the template's root disk size (0 = template size).
	RootDiskGB int64
	// RootDiskOfferingID picks the root disk's offering (GCE disk type).
	RootDiskOfferingID string
	KeyPair            string
	GroupIDs           []string
	GroupNames         []string
	NetworkIDs         []string
	UserData           []byte // raw; the Service base64-encodes it for CloudStack
	// Tags are written on every VM (reserved tags included). The client
	// token is stored as a reserved tag by Launch itself.
	Tags Tags
	// VolumeTags are written on every VM's root volume.
	VolumeTags Tags
	MinCount   int // default 1
	MaxCount   int // default MinCount
	// ClientToken makes Launch idempotent: if instances carrying this token
	// exist, Launch returns them instead of creating new ones.
	ClientToken string
	// NoStart creates the VMs stopped.
	NoStart bool
	// Wait makes Launch wait for the deploy jobs. With Wait, if fewer than
	// MinCount VMs deploy, Launch destroys and expunges every VM it created
	// and returns the deploy error (InsufficientCapacity, ...). Without
	// Wait, Launch returns as soon as CloudStack accepted the deploy calls
	// and each Instance carries its JobID.
	Wait bool
}

// InstanceQuery selects instances. Zero fields do not filter.
type InstanceQuery struct {
	IDs    []string
	Name   string
	ZoneID string
	States []string
	Tags   Tags
	// IncludeExpunged is not possible; Destroyed (not yet expunged) VMs are
	// always included, so callers can show them as terminated.
}

// Launch creates instances; see LaunchSpec for idempotency, MinCount and
// rollback. It returns InvalidArgument/NotFound for bad zones, offerings or
// images before creating anything.
func (s *Service) Launch(ctx context.Context, spec LaunchSpec) ([]Instance, error) {
	return nil, unimplemented("Launch")
}

// Instances lists the caller's instances matching q.
func (s *Service) Instances(ctx context.Context, q InstanceQuery) ([]Instance, error) {
	return nil, unimplemented("Instances")
}

// Instance returns one instance by UUID; NotFound (ResInstance) if none.
func (s *Service) Instance(ctx context.Context, id string) (*Instance, error) {
	return nil, unimplemented("Instance")
}

// StartInstance starts a stopped instance. FailedPrecondition if it is not
// stopped.
func (s *Service) StartInstance(ctx context.Context, id string) (*Job, error) {
	return nil, unimplemented("StartInstance")
}

// StopInstance stops a running instance.
func (s *Service) StopInstance(ctx context.Context, id string, force bool) (*Job, error) {
	return nil, unimplemented("StopInstance")
}

// RebootInstance reboots a running instance.
func (s *Service) RebootInstance(ctx context.Context, id string) (*Job, error) {
	return nil, unimplemented("RebootInstance")
}

// DestroyInstance destroys an instance; with expunge it is removed at once,
// otherwise it stays visible as Destroyed until CloudStack expunges it.
func (s *Service) DestroyInstance(ctx context.Context, id string, expunge bool) (*Job, error) {
	return nil, unimplemented("DestroyInstance")
}

// ChangeOffering changes a stopped instance's service offering (cpus and
// memoryMB for custom offerings). FailedPrecondition if it is running.
func (s *Service) ChangeOffering(ctx context.Context, id, offeringID string, cpus, memoryMB int) error {
	return unimplemented("ChangeOffering")
}

// UserData returns an instance's user data (raw bytes).
func (s *Service) UserData(ctx context.Context, id string) ([]byte, error) {
	return nil, unimplemented("UserData")
}

// SetUserData replaces an instance's user data.
func (s *Service) SetUserData(ctx context.Context, id string, data []byte) error {
	return unimplemented("SetUserData")
}

// ConsoleOutput returns the instance's console (serial port) output.
// CloudStack has no such API; the text is derived from the VM's CloudStack
// events and state, and is deterministic for the same history.
func (s *Service) ConsoleOutput(ctx context.Context, id string) (string, error) {
	return "", unimplemented("ConsoleOutput")
}

// Password returns the instance's password as CloudStack's getVMPassword
// gives it (encrypted with the key pair's public key, base64), "" if none.
func (s *Service) Password(ctx context.Context, id string) (string, error) {
	return "", unimplemented("Password")
}
