package translate

import (
	"context"
	"strings"
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
// caller's default network there) and waits for it. If tagging fails the
// address is released again.
func (s *Service) AllocateAddress(ctx context.Context, zoneID, networkID string, tags Tags) (*Address, error) {
	const op = "AllocateAddress"
	z, err := s.Zone(ctx, zoneID)
	if err != nil {
		return nil, opErr(op, ResZone, zoneID, err)
	}
	given := networkID != "" // else one outside VPCs is chosen below
	if networkID == "" && z.SecurityGroups && !strings.EqualFold(z.NetworkType, "Basic") {
		// AssociateIPAddrCmd.getNetworkId: in an Advanced zone the address
		// goes to one of the account's Isolated networks, which such a zone
		// cannot have (NetworkServiceImpl: only shared networks there).
		return nil, &Error{Op: op, Kind: Unimplemented, Resource: ResAddress,
			Message: "zone " + z.Name + " is an Advanced zone with security groups: CloudStack gives users public addresses only on isolated networks, which this zone cannot have"}
	}
	if networkID == "" && !z.SecurityGroups {
		ns, err := s.Networks(ctx, NetworkQuery{ZoneID: z.ID})
		if err != nil {
			return nil, err
		}
		for _, n := range ns {
			if n.VPCID == "" && strings.EqualFold(n.Type, "Isolated") && (networkID == "" || n.Default) {
				networkID = n.ID
			}
		}
		if networkID == "" {
			// No network yet: CloudStack would create the account's network
			// from a Required offering on the first deploy
			// (UserVmManagerImpl.getDefaultNetwork); the address needs it
			// now, so create it the same way (launchNetworks then uses it).
			if networkID, err = s.requiredNetwork(ctx, op, z); err != nil {
				return nil, err
			}
		}
	}
	vpcID := ""
	if given {
		if vpcID, err = s.vpcOfNetwork(ctx, networkID); err != nil {
			return nil, opErr(op, ResNetwork, networkID, err)
		}
	}
	var r AsyncResult
	if vpcID != "" {
		r, err = s.cs.AssociateVPCIPAddress(ctx, vpcID) // vpcaddress.go
	} else {
		r, err = s.cs.AssociateIPAddress(ctx, z.ID, networkID)
	}
	if err != nil {
		return nil, opErr(op, ResAddress, "", err)
	}
	if _, err := s.await(ctx, op, ResAddress, r.ID, r.JobID); err != nil {
		return nil, err
	}
	if len(tags) > 0 {
		if err := s.setTags(ctx, op, ResAddress, []string{r.ID}, tags); err != nil {
			if rr, derr := s.cs.DisassociateIPAddress(ctx, r.ID); derr == nil {
				_, _ = s.WaitJob(ctx, rr.JobID, 0)
			}
			return nil, err
		}
	}
	return s.Address(ctx, r.ID)
}

// Addresses lists the caller's public IPs (source-NAT ones included,
// flagged SourceNAT), sorted by allocation time then id.
func (s *Service) Addresses(ctx context.Context, q AddressQuery) ([]Address, error) {
	const op = "Addresses"
	ids, ips := newIDFilter(q.IDs), newIDFilter(q.IPs)
	req := ListAddressesRequest{ID: ids.single(), IP: ips.single()}
	if q.ZoneID != "" {
		z, err := s.Zone(ctx, q.ZoneID)
		if err != nil {
			return nil, opErr(op, ResZone, q.ZoneID, err)
		}
		req.ZoneID = z.ID
	}
	as, err := s.cs.ListPublicIPAddresses(ctx, req)
	if isNotFound(err) && (req.ID != "" || req.IP != "") {
		return []Address{}, nil
	}
	if err != nil {
		return nil, opErr(op, ResAddress, req.ID, err)
	}
	out := []Address{}
	for _, a := range as {
		if ids.match(a.ID) && ips.match(a.IP) && (q.InstanceID == "" || a.InstanceID == q.InstanceID) && a.Tags.Match(q.Tags) {
			out = append(out, a)
		}
	}
	sortByCreated(out, func(a *Address) time.Time { return a.Allocated }, func(a *Address) string { return a.ID })
	return out, nil
}

// Address returns one address by UUID; NotFound (ResAddress) if none.
func (s *Service) Address(ctx context.Context, id string) (*Address, error) {
	if id == "" {
		return nil, notFound("Address", ResAddress, id)
	}
	as, err := s.Addresses(ctx, AddressQuery{IDs: []string{id}})
	if err != nil {
		return nil, err
	}
	if len(as) == 0 {
		return nil, notFound("Address", ResAddress, id)
	}
	return &as[0], nil
}

// AssociateAddress enables static NAT from the address to the instance.
// InUse if the address is associated elsewhere; associating it again with
// the same instance is a no-op.
func (s *Service) AssociateAddress(ctx context.Context, addressID, instanceID string) error {
	const op = "AssociateAddress"
	a, err := s.Address(ctx, addressID)
	if err != nil {
		return err
	}
	if a.InstanceID == instanceID {
		return nil
	}
	if a.InstanceID != "" || a.SourceNAT {
		return &Error{Op: op, Kind: InUse, Resource: ResAddress, ID: addressID, Message: "the address is in use"}
	}
	in, err := s.Instance(ctx, instanceID)
	if err != nil {
		return err
	}
	return opErr(op, ResAddress, addressID, s.enableStaticNat(ctx, a, in))
}

// DisassociateAddress disables static NAT on the address (a no-op when it
// is not associated).
func (s *Service) DisassociateAddress(ctx context.Context, addressID string) error {
	const op = "DisassociateAddress"
	a, err := s.Address(ctx, addressID)
	if err != nil {
		return err
	}
	if a.InstanceID == "" {
		return nil
	}
	r, err := s.cs.DisableStaticNat(ctx, addressID)
	if err != nil {
		return opErr(op, ResAddress, addressID, err)
	}
	_, err = s.await(ctx, op, ResAddress, addressID, r.JobID)
	return err
}

// ReleaseAddress releases the address (disassociating it first).
func (s *Service) ReleaseAddress(ctx context.Context, addressID string) error {
	const op = "ReleaseAddress"
	if err := s.DisassociateAddress(ctx, addressID); err != nil {
		return err
	}
	r, err := s.cs.DisassociateIPAddress(ctx, addressID)
	if err != nil {
		return opErr(op, ResAddress, addressID, err)
	}
	_, err = s.await(ctx, op, ResAddress, addressID, r.JobID)
	return err
}
