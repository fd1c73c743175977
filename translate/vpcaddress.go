package translate

import "context"

// VPC addresses. CloudStack acquires a VPC's public addresses for the VPC,
// never for one of its tiers (NetworkServiceImpl.associateIPToNetwork:
// "Can't assign ip to the network directly when network belongs to
// VPC.Specify vpcId to associate ip address to VPC"), and such an address
// is tied to a tier only when static NAT is enabled, which then needs the
// tier (EnableStaticNatCmd.getNetworkId: "ip is not associated with any
// network and no networkId is passed in").

// VPCAddressPort is the part of the CloudStack port for VPC addresses.
type VPCAddressPort interface {
	// AssociateVPCIPAddress is associateIpAddress vpcid=.
	AssociateVPCIPAddress(ctx context.Context, vpcID string) (AsyncResult, error)
	// EnableStaticNatOnNetwork is enableStaticNat with networkid= (the
	// VM's tier, for an address of its VPC).
	EnableStaticNatOnNetwork(ctx context.Context, addressID, vmID, networkID string) error
}

// vpcOfNetwork returns the VPC of a network, "" outside VPCs.
func (s *Service) vpcOfNetwork(ctx context.Context, networkID string) (string, error) {
	if networkID == "" {
		return "", nil
	}
	n, err := s.Network(ctx, networkID)
	if err != nil {
		return "", err
	}
	return n.VPCID, nil
}

// enableStaticNat enables static NAT from a to the instance, naming the
// instance's network in a's VPC when a belongs to a VPC and no tier yet.
func (s *Service) enableStaticNat(ctx context.Context, a *Address, in *Instance) error {
	if a.VPCID == "" || a.NetworkID != "" {
		return s.cs.EnableStaticNat(ctx, a.ID, in.ID)
	}
	netID := ""
	nics := in.NICs
	if len(nics) == 0 {
		nics = []NIC{{NetworkID: in.NetworkID}}
	}
	for _, nic := range nics {
		if vpc, err := s.vpcOfNetwork(ctx, nic.NetworkID); err == nil && vpc == a.VPCID {
			netID = nic.NetworkID
			break
		}
	}
	if netID == "" {
		return &Error{Kind: InvalidArgument, Resource: ResAddress, ID: a.ID,
			Message: "the address belongs to a VPC the instance has no network in"}
	}
	return s.cs.EnableStaticNatOnNetwork(ctx, a.ID, in.ID, netID)
}
