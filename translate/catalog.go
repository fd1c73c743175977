package translate

import (
	"context"
	"time"
)

// Zone is a CloudStack zone (a GCE zone, an EC2 availability zone).
type Zone struct {
	ID          string
	Name        string
	Description string
	// NetworkType is "Basic" or "Advanced".
	NetworkType string
	// SecurityGroups reports whether the zone enforces security groups
	// (basic zones and advanced zones with security groups).
	SecurityGroups bool
	Enabled        bool
}

// Offering is a CloudStack service offering: a GCE machine type, an EC2
// instance type. A Custom offering accepts any CPU count and memory size
// within its bounds (GCE custom-CPUS-MEMORY machine types).
type Offering struct {
	ID          string
	Name        string
	DisplayText string
	CPUs        int
	CPUSpeedMHz int
	MemoryMB    int
	Custom      bool
	// Bounds for custom offerings (0 = unbounded).
	MinCPUs, MaxCPUs         int
	MinMemoryMB, MaxMemoryMB int
	StorageType              string // "shared" or "local"
	Created                  time.Time
}

// DiskOffering is a CloudStack disk offering (a GCE disk type, an EBS
// volume type).
type DiskOffering struct {
	ID          string
	Name        string
	DisplayText string
	SizeGB      int64 // 0 when Custom
	Custom      bool
	StorageType string
	Created     time.Time
}

// Zones lists the zones visible to the caller.
func (s *Service) Zones(ctx context.Context) ([]Zone, error) {
	return nil, unimplemented("Zones")
}

// Zone returns one zone by UUID or name; NotFound if there is none.
func (s *Service) Zone(ctx context.Context, idOrName string) (*Zone, error) {
	return nil, unimplemented("Zone")
}

// Offerings lists service offerings (machine/instance types).
func (s *Service) Offerings(ctx context.Context) ([]Offering, error) {
	return nil, unimplemented("Offerings")
}

// Offering returns one service offering by UUID or name; NotFound if none.
func (s *Service) Offering(ctx context.Context, idOrName string) (*Offering, error) {
	return nil, unimplemented("Offering")
}

// DiskOfferings lists disk offerings (disk/volume types).
func (s *Service) DiskOfferings(ctx context.Context) ([]DiskOffering, error) {
	return nil, unimplemented("DiskOfferings")
}

func unimplemented(op string) error {
	return &Error{Op: op, Kind: Unimplemented, Message: op + " is not implemented yet"}
}
