package translate

import (
	"context"
	"time"
)

// Address is a CloudStack public IP address (a GCE address, an EC2
// Elastic IP). An address is associated with an instance through static
// NAT.
type Address struct {
	ID           string
	IP           string
	ZoneID       string
	ZoneName     string
	State        string // CloudStack: Allocating, Allocated, Releasing
	InstanceID   string // static-NAT target, "" if none
	InstanceName string
	NetworkID    string
	VPCID        string
	SourceNAT    bool
	Allocated    time.Time
	Tags         Tags
}

// AddressQuery selects addresses. Zero fields do not filter.
type AddressQuery struct {
	IDs        []string
	IPs        []string
	ZoneID     string
	InstanceID string
	Tags       Tags
}

// AllocateAddress acquires a public IP in a zone (on networkID, or the
// caller's default network there) and waits for it.
func (s *Service) AllocateAddress(ctx context.Context, zoneID, networkID string, tags Tags) (*Address, error) {
	return nil, unimplemented("AllocateAddress")
}

// Addresses lists the caller's public IPs (source-NAT ones included,
// flagged SourceNAT).
func (s *Service) Addresses(ctx context.Context, q AddressQuery) ([]Address, error) {
	return nil, unimplemented("Addresses")
}

// Address returns one address by UUID; NotFound (ResAddress) if none.
func (s *Service) Address(ctx context.Context, id string) (*Address, error) {
	return nil, unimplemented("Address")
}

// AssociateAddress enables static NAT from the address to the instance.
// InUse if the address is associated elsewhere.
func (s *Service) AssociateAddress(ctx context.Context, addressID, instanceID string) error {
	return unimplemented("AssociateAddress")
}

// DisassociateAddress disables static NAT on the address.
func (s *Service) DisassociateAddress(ctx context.Context, addressID string) error {
	return unimplemented("DisassociateAddress")
}

// ReleaseAddress releases the address (disassociating it first).
func (s *Service) ReleaseAddress(ctx context.Context, addressID string) error {
	return unimplemented("ReleaseAddress")
}
