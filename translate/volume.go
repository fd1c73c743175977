package translate

import (
	"context"
	"time"
)

// Volume is a CloudStack volume (a GCE disk, an EBS volume).
type Volume struct {
	ID               string
	Name             string
	ZoneID           string
	ZoneName         string
	SizeGB           int64
	Type             string // "ROOT" or "DATADISK"
	State            string // CloudStack volume state: Allocated, Ready, ...
	InstanceID       string // attached VM, "" if detached
	InstanceName     string
	DeviceID         int64
	DiskOfferingID   string
	DiskOfferingName string
	SnapshotID       string // source snapshot, if any
	ImageID          string // template for ROOT volumes
	Created          time.Time
	Attached         time.Time
	Tags             Tags
	JobPending       bool
}

// VolumeSpec describes a volume to create.
type VolumeSpec struct {
	Name           string
	ZoneID         string // required unless SnapshotID
	DiskOfferingID string // default: the first custom disk offering
	SizeGB         int64  // required for custom offerings
	SnapshotID     string
	Tags           Tags
}

// VolumeQuery selects volumes. Zero fields do not filter.
type VolumeQuery struct {
	IDs        []string
	Name       string
	ZoneID     string
	InstanceID string
	Type       string
	Tags       Tags
}

// CreateVolume creates a volume; the Job finishes when it is Ready.
func (s *Service) CreateVolume(ctx context.Context, spec VolumeSpec) (*Volume, *Job, error) {
	return nil, nil, unimplemented("CreateVolume")
}

// Volumes lists the caller's volumes matching q.
func (s *Service) Volumes(ctx context.Context, q VolumeQuery) ([]Volume, error) {
	return nil, unimplemented("Volumes")
}

// Volume returns one volume by UUID; NotFound (ResVolume) if none.
func (s *Service) Volume(ctx context.Context, id string) (*Volume, error) {
	return nil, unimplemented("Volume")
}

// AttachVolume attaches a volume to an instance (deviceID 0 = next free).
// InUse if it is attached already.
func (s *Service) AttachVolume(ctx context.Context, volumeID, instanceID string, deviceID int64) (*Job, error) {
	return nil, unimplemented("AttachVolume")
}

// DetachVolume detaches a data volume. FailedPrecondition if not attached.
func (s *Service) DetachVolume(ctx context.Context, volumeID string) (*Job, error) {
	return nil, unimplemented("DetachVolume")
}

// ResizeVolume grows a volume. InvalidArgument when shrinking.
func (s *Service) ResizeVolume(ctx context.Context, volumeID string, sizeGB int64) (*Job, error) {
	return nil, unimplemented("ResizeVolume")
}

// DeleteVolume deletes a detached volume. InUse if attached.
func (s *Service) DeleteVolume(ctx context.Context, volumeID string) error {
	return unimplemented("DeleteVolume")
}

// Snapshot is a CloudStack volume snapshot.
type Snapshot struct {
	ID         string
	Name       string
	VolumeID   string
	VolumeName string
	ZoneID     string
	State      string // CloudStack: Creating, BackedUp, ...
	SizeGB     int64
	Created    time.Time
	Tags       Tags
}

// SnapshotQuery selects snapshots. Zero fields do not filter.
type SnapshotQuery struct {
	IDs      []string
	Name     string
	VolumeID string
	Tags     Tags
}

// CreateSnapshot snapshots a volume; the Job finishes when it is BackedUp.
func (s *Service) CreateSnapshot(ctx context.Context, volumeID, name string, tags Tags) (*Snapshot, *Job, error) {
	return nil, nil, unimplemented("CreateSnapshot")
}

// Snapshots lists the caller's snapshots matching q.
func (s *Service) Snapshots(ctx context.Context, q SnapshotQuery) ([]Snapshot, error) {
	return nil, unimplemented("Snapshots")
}

// Snapshot returns one snapshot by UUID; NotFound (ResSnapshot) if none.
func (s *Service) Snapshot(ctx context.Context, id string) (*Snapshot, error) {
	return nil, unimplemented("Snapshot")
}

// DeleteSnapshot deletes a snapshot.
func (s *Service) DeleteSnapshot(ctx context.Context, id string) (*Job, error) {
	return nil, unimplemented("DeleteSnapshot")
}
