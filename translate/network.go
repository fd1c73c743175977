package translate

import "context"

// Network is a CloudStack guest network (a GCE network or subnetwork, an
// EC2 subnet; with VPCID set it is a VPC tier).
type Network struct {
	ID          string
	Name        string
	DisplayText string
	ZoneID      string
	ZoneName    string
	CIDR        string
	Gateway     string
	VPCID       string
	State       string
	Type        string // Isolated, Shared, L2
	Default     bool   // the account's default network in its zone
	Tags        Tags
}

// VPC is a CloudStack VPC.
type VPC struct {
	ID          string
	Name        string
	DisplayText string
	ZoneID      string
	ZoneName    string
	CIDR        string
	State       string
	Tags        Tags
}

// NetworkQuery selects networks. Zero fields do not filter.
type NetworkQuery struct {
	IDs    []string
	Name   string
	ZoneID string
	VPCID  string
	Tags   Tags
}

// NetworkSpec describes a network to create. In a VPC, Gateway and
// Netmask derive from CIDR.
type NetworkSpec struct {
	Name        string
	DisplayText string
	ZoneID      string
	CIDR        string // optional outside VPCs
	VPCID       string
	Tags        Tags
}

// VPCSpec describes a VPC to create.
type VPCSpec struct {
	Name        string
	DisplayText string
	ZoneID      string
	CIDR        string
	Tags        Tags
}

// Networks lists networks visible to the caller.
func (s *Service) Networks(ctx context.Context, q NetworkQuery) ([]Network, error) {
	return nil, unimplemented("Networks")
}

// Network returns one network by UUID; NotFound (ResNetwork) if none.
func (s *Service) Network(ctx context.Context, id string) (*Network, error) {
	return nil, unimplemented("Network")
}

// CreateNetwork creates a guest network (a VPC tier when VPCID is set).
// Unimplemented if the zone cannot have networks of that kind.
func (s *Service) CreateNetwork(ctx context.Context, spec NetworkSpec) (*Network, error) {
	return nil, unimplemented("CreateNetwork")
}

// DeleteNetwork deletes a network. InUse if VMs are on it.
func (s *Service) DeleteNetwork(ctx context.Context, id string) error {
	return unimplemented("DeleteNetwork")
}

// VPCs lists VPCs visible to the caller.
func (s *Service) VPCs(ctx context.Context, ids []string) ([]VPC, error) {
	return nil, unimplemented("VPCs")
}

// CreateVPC creates a VPC.
func (s *Service) CreateVPC(ctx context.Context, spec VPCSpec) (*VPC, error) {
	return nil, unimplemented("CreateVPC")
}

// DeleteVPC deletes a VPC. InUse if it still has tiers.
func (s *Service) DeleteVPC(ctx context.Context, id string) error {
	return unimplemented("DeleteVPC")
}
