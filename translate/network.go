package translate

import (
	"context"
	"errors"
	"net"
	"sort"
	"strings"
)

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
	Services    []string // its offering's services (SourceNat, Dns, ...)
	ACLID       string   // a VPC tier's network ACL list ("" = none)
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
	Services    []string // its VPC offering's services (SourceNat, Dns, ...)
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

// Networks lists networks visible to the caller, sorted by name then id.
func (s *Service) Networks(ctx context.Context, q NetworkQuery) ([]Network, error) {
	const op = "Networks"
	ids := newIDFilter(q.IDs)
	req := ListNetworksRequest{ID: ids.single(), VPCID: q.VPCID}
	if q.ZoneID != "" {
		z, err := s.Zone(ctx, q.ZoneID)
		if err != nil {
			return nil, opErr(op, ResZone, q.ZoneID, err)
		}
		req.ZoneID = z.ID
	}
	ns, err := s.cs.ListNetworks(ctx, req)
	if isNotFound(err) && (req.ID != "" || req.VPCID != "") {
		return []Network{}, nil
	}
	if err != nil {
		return nil, opErr(op, ResNetwork, req.ID, err)
	}
	out := []Network{}
	for _, n := range ns {
		if ids.match(n.ID) && (q.Name == "" || n.Name == q.Name) && (q.VPCID == "" || n.VPCID == q.VPCID) && n.Tags.Match(q.Tags) {
			out = append(out, n)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// Network returns one network by UUID; NotFound (ResNetwork) if none.
func (s *Service) Network(ctx context.Context, id string) (*Network, error) {
	if id == "" {
		return nil, notFound("Network", ResNetwork, id)
	}
	ns, err := s.Networks(ctx, NetworkQuery{IDs: []string{id}})
	if err != nil {
		return nil, err
	}
	if len(ns) == 0 {
		return nil, notFound("Network", ResNetwork, id)
	}
	return &ns[0], nil
}

// CreateNetwork creates a guest network (a VPC tier when VPCID is set).
// Unimplemented if the zone cannot have networks of that kind (basic
// zones, no suitable network offering). InvalidArgument for a bad CIDR.
// Outside VPCs the first enabled isolated offering with source NAT (the
// default one if there are several) is used.
func (s *Service) CreateNetwork(ctx context.Context, spec NetworkSpec) (*Network, error) {
	const op = "CreateNetwork"
	if spec.Name == "" {
		return nil, invalid(op, ResNetwork, "", "a network name is required")
	}
	z, err := s.Zone(ctx, spec.ZoneID)
	if err != nil {
		return nil, opErr(op, ResZone, spec.ZoneID, err)
	}
	if strings.EqualFold(z.NetworkType, "Basic") {
		return nil, &Error{Op: op, Kind: Unimplemented, Resource: ResNetwork, Message: "zone " + z.Name + " is a basic zone and has no guest networks to create"}
	}
	if z.SecurityGroups {
		// NetworkServiceImpl.createGuestNetwork: "Only shared guest network
		// can be created in security group enabled zone" (admins only).
		return nil, &Error{Op: op, Kind: Unimplemented, Resource: ResNetwork, Message: "zone " + z.Name + " uses security groups: CloudStack lets users create no networks there (only administrators create shared ones)"}
	}
	req := CreateNetworkRequest{Name: spec.Name, DisplayText: spec.DisplayText, ZoneID: z.ID, VPCID: spec.VPCID}
	if req.DisplayText == "" {
		req.DisplayText = spec.Name
	}
	if spec.VPCID != "" {
		if _, err := s.vpc(ctx, spec.VPCID); err != nil {
			return nil, err
		}
		if spec.CIDR == "" {
			return nil, invalid(op, ResNetwork, "", "a CIDR is required for a VPC tier")
		}
	}
	if spec.CIDR != "" {
		gw, mask, err := gatewayOf(spec.CIDR)
		if err != nil {
			return nil, invalid(op, ResNetwork, "", "invalid CIDR %q: %v", spec.CIDR, err)
		}
		req.Gateway, req.Netmask = gw, mask
	}
	offs, err := s.cs.ListNetworkOfferings(ctx, ListNetworkOfferingsRequest{ZoneID: z.ID, ForVPC: spec.VPCID != ""})
	if err != nil {
		return nil, opErr(op, ResNetwork, "", err)
	}
	for _, o := range offs {
		if o.ForVPC != (spec.VPCID != "") || !strings.EqualFold(o.GuestIPType, "Isolated") || o.SpecifyVLAN ||
			(o.State != "" && !strings.EqualFold(o.State, "Enabled")) || !o.SourceNatFirst && spec.VPCID == "" {
			continue
		}
		if req.NetworkOfferingID == "" || o.IsDefault {
			req.NetworkOfferingID = o.ID
		}
	}
	if req.NetworkOfferingID == "" {
		return nil, &Error{Op: op, Kind: Unimplemented, Resource: ResNetwork, Message: "no network offering for this kind of network in zone " + z.Name}
	}
	n, err := s.cs.CreateNetwork(ctx, req)
	if err != nil {
		return nil, opErr(op, ResNetwork, spec.Name, err)
	}
	if len(spec.Tags) > 0 {
		if err := s.setTags(ctx, op, ResNetwork, []string{n.ID}, spec.Tags); err != nil {
			if r, derr := s.cs.DeleteNetwork(ctx, n.ID); derr == nil {
				_, _ = s.WaitJob(ctx, r.JobID, 0)
			}
			return nil, err
		}
		if n.Tags == nil {
			n.Tags = Tags{}
		}
		for k, v := range spec.Tags {
			n.Tags[k] = v
		}
	}
	return n, nil
}

// gatewayOf returns the first host address of an IPv4 CIDR and its
// netmask.
func gatewayOf(cidr string) (string, string, error) {
	_, n, err := net.ParseCIDR(cidr)
	if err != nil {
		return "", "", err
	}
	ip := n.IP.To4()
	if ip == nil {
		return "", "", errors.New("only IPv4 is supported")
	}
	ones, _ := n.Mask.Size()
	if ones > 30 {
		return "", "", errors.New("the network is too small")
	}
	gw := make(net.IP, 4)
	copy(gw, ip)
	gw[3]++
	return gw.String(), net.IP(n.Mask).String(), nil
}

// DeleteNetwork deletes a network and waits for it. InUse if VMs are on
// it.
func (s *Service) DeleteNetwork(ctx context.Context, id string) error {
	const op = "DeleteNetwork"
	if _, err := s.Network(ctx, id); err != nil {
		return err
	}
	vms, err := s.Instances(ctx, InstanceQuery{})
	if err != nil {
		return err
	}
	for _, vm := range vms {
		if vm.NetworkID == id && vm.State != StateExpunging {
			return &Error{Op: op, Kind: InUse, Resource: ResNetwork, ID: id, Message: "instance " + vm.Name + " is on the network"}
		}
	}
	r, err := s.cs.DeleteNetwork(ctx, id)
	if err != nil {
		return opErr(op, ResNetwork, id, err)
	}
	_, err = s.await(ctx, op, ResNetwork, id, r.JobID)
	return err
}

// VPCs lists VPCs visible to the caller, sorted by name then id.
func (s *Service) VPCs(ctx context.Context, ids []string) ([]VPC, error) {
	f := newIDFilter(ids)
	vs, err := s.cs.ListVPCs(ctx, f.single())
	if isNotFound(err) && f.single() != "" {
		return []VPC{}, nil
	}
	if err != nil {
		return nil, opErr("VPCs", ResVPC, f.single(), err)
	}
	out := []VPC{}
	for _, v := range vs {
		if f.match(v.ID) {
			out = append(out, v)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

func (s *Service) vpc(ctx context.Context, id string) (*VPC, error) {
	vs, err := s.VPCs(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	if len(vs) == 0 || id == "" {
		return nil, notFound("VPC", ResVPC, id)
	}
	return &vs[0], nil
}

// CreateVPC creates a VPC with the default (or first) enabled VPC offering
// and waits for it. InvalidArgument without a CIDR.
func (s *Service) CreateVPC(ctx context.Context, spec VPCSpec) (*VPC, error) {
	const op = "CreateVPC"
	if spec.Name == "" || spec.CIDR == "" {
		return nil, invalid(op, ResVPC, "", "a VPC needs a name and a CIDR")
	}
	if _, _, err := net.ParseCIDR(spec.CIDR); err != nil {
		return nil, invalid(op, ResVPC, "", "invalid CIDR %q", spec.CIDR)
	}
	z, err := s.Zone(ctx, spec.ZoneID)
	if err != nil {
		return nil, opErr(op, ResZone, spec.ZoneID, err)
	}
	if z.SecurityGroups {
		// A VPC's tiers are Isolated networks, which CloudStack does not
		// create in Basic zones or zones with security groups
		// (NetworkServiceImpl.createGuestNetwork).
		return nil, &Error{Op: op, Kind: Unimplemented, Resource: ResVPC, Message: "zone " + z.Name + " uses security groups: CloudStack has no VPC tiers (isolated networks) there"}
	}
	offs, err := s.cs.ListVPCOfferings(ctx)
	if err != nil {
		return nil, opErr(op, ResVPC, "", err)
	}
	req := CreateVPCRequest{Name: spec.Name, DisplayText: spec.DisplayText, ZoneID: z.ID, CIDR: spec.CIDR}
	if req.DisplayText == "" {
		req.DisplayText = spec.Name
	}
	for _, o := range offs {
		if o.State != "" && !strings.EqualFold(o.State, "Enabled") {
			continue
		}
		if req.VPCOfferingID == "" || o.IsDefault {
			req.VPCOfferingID = o.ID
		}
	}
	if req.VPCOfferingID == "" {
		return nil, &Error{Op: op, Kind: Unimplemented, Resource: ResVPC, Message: "no VPC offering is enabled"}
	}
	r, err := s.cs.CreateVPC(ctx, req)
	if err != nil {
		return nil, opErr(op, ResVPC, spec.Name, err)
	}
	if _, err := s.await(ctx, op, ResVPC, r.ID, r.JobID); err != nil {
		return nil, err
	}
	if len(spec.Tags) > 0 {
		if err := s.setTags(ctx, op, ResVPC, []string{r.ID}, spec.Tags); err != nil {
			if rr, derr := s.cs.DeleteVPC(ctx, r.ID); derr == nil {
				_, _ = s.WaitJob(ctx, rr.JobID, 0)
			}
			return nil, err
		}
	}
	return s.vpc(ctx, r.ID)
}

// DeleteVPC deletes a VPC and waits for it. InUse if it still has tiers.
func (s *Service) DeleteVPC(ctx context.Context, id string) error {
	const op = "DeleteVPC"
	if _, err := s.vpc(ctx, id); err != nil {
		return err
	}
	tiers, err := s.Networks(ctx, NetworkQuery{VPCID: id})
	if err != nil {
		return err
	}
	if len(tiers) > 0 {
		return &Error{Op: op, Kind: InUse, Resource: ResVPC, ID: id, Message: "the VPC still has networks"}
	}
	r, err := s.cs.DeleteVPC(ctx, id)
	if err != nil {
		return opErr(op, ResVPC, id, err)
	}
	_, err = s.await(ctx, op, ResVPC, id, r.JobID)
	return err
}
