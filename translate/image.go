package translate

import (
	"context"
	"time"
)

// Image is a CloudStack template (a GCE image, an EC2 AMI).
type Image struct {
	ID              string
	Name            string
	DisplayText     string
	OSType          string // CloudStack OS type description, e.g. "Debian GNU/Linux 12 (64-bit)"
	OSTypeID        string
	ZoneID          string // "" for cross-zone templates
	ZoneName        string
	Public          bool
	Featured        bool
	Owner           string // owning CloudStack account name
	OwnerID         string // owning CloudStack account UUID
	Ready           bool
	Status          string // CloudStack status text
	SizeBytes       int64
	Format          string
	Hypervisor      string
	PasswordEnabled bool
	Created         time.Time
	Tags            Tags
	// SourceVolumeID/SourceSnapshotID are set for templates created from
	// a volume or snapshot.
	SourceVolumeID   string
	SourceSnapshotID string
}

// ImageQuery selects images. Zero fields do not filter.
type ImageQuery struct {
	IDs []string
	// Self includes the caller's own templates; Public includes public and
	// featured ones. Both false means both true.
	Self, Public bool
	Name         string
	ZoneID       string
}

// CreateImageSpec creates a template from an instance's root volume or
// from a snapshot.
type CreateImageSpec struct {
	Name        string
	Description string
	InstanceID  string // root volume of this instance (it should be stopped)
	VolumeID    string // or this volume
	SnapshotID  string // or this snapshot
	OSTypeID    string // default: the source's OS type
	Public      bool
	Tags        Tags
}

// Images lists the templates matching q.
func (s *Service) Images(ctx context.Context, q ImageQuery) ([]Image, error) {
	return nil, unimplemented("Images")
}

// Image returns one template by UUID; NotFound (ResImage) if none.
func (s *Service) Image(ctx context.Context, id string) (*Image, error) {
	return nil, unimplemented("Image")
}

// CreateImage starts creating a template. The returned Job finishes when the
// template exists; Image is filled as far as known.
func (s *Service) CreateImage(ctx context.Context, spec CreateImageSpec) (*Image, *Job, error) {
	return nil, nil, unimplemented("CreateImage")
}

// DeleteImage deletes a template the caller owns.
func (s *Service) DeleteImage(ctx context.Context, id string) (*Job, error) {
	return nil, unimplemented("DeleteImage")
}
