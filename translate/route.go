package translate

import (
	"context"
	"fmt"
	"net/netip"
	"sort"
	"strings"
)

// VPC routing: what CloudStack routes for a VPC besides its tiers. A
// VPC's virtual router is its only gateway: with a source-NAT service in
// the VPC offering it gives the tiers egress to the internet; static
// routes send a CIDR to a private gateway (a VLAN the operator connected
// to the VPC) or, since CloudStack 4.21, to a next-hop address. There are
// no per-tier route tables and no detachable internet gateways in
// CloudStack's model.

// Resources of VPC routing (for errors).
const (
	ResRoute   Resource = "route"   // a static route, named by its CIDR
	ResGateway Resource = "gateway" // a private gateway
)

// StaticRoute is a CloudStack VPC static route.
type StaticRoute struct {
	ID        string
	VPCID     string
	GatewayID string // the private gateway ("" with NextHop)
	NextHop   string // CloudStack 4.21+
	CIDR      string
	State     string // Staged, Add, Active, Revoke
}

// PrivateGateway is a CloudStack VPC private gateway.
type PrivateGateway struct {
	ID        string
	VPCID     string
	IPAddress string
	Gateway   string
	Netmask   string
	VLAN      string
	State     string // Creating, Ready, Deleting
}

// CreateStaticRouteRequest is createStaticRoute: GatewayID, or VPCID with
// NextHop.
type CreateStaticRouteRequest struct {
	GatewayID string
	VPCID     string
	NextHop   string
	CIDR      string
}

// VPCRoutingPort is the part of the CloudStack port for VPC routing.
type VPCRoutingPort interface {
	ListStaticRoutes(ctx context.Context, vpcID string) ([]StaticRoute, error)
	CreateStaticRoute(ctx context.Context, req CreateStaticRouteRequest) (AsyncResult, error)
	DeleteStaticRoute(ctx context.Context, id string) (AsyncResult, error)
	ListPrivateGateways(ctx context.Context, vpcID string) ([]PrivateGateway, error)
	// ListNetworkACLLists lists the ACL lists of the caller's VPCs (of
	// one with vpcID) and CloudStack's system lists (VPCID "").
	ListNetworkACLLists(ctx context.Context, vpcID string) ([]NetworkACLList, error)
	// ListNetworkACLs lists the items of one ACL list.
	ListNetworkACLs(ctx context.Context, aclID string) ([]NetworkACLItem, error)
	// ReplaceNetworkACLList moves a VPC tier to an ACL list.
	ReplaceNetworkACLList(ctx context.Context, aclID, networkID string) (AsyncResult, error)
	CreateNetworkACLList(ctx context.Context, name, description, vpcID string) (AsyncResult, error)
	DeleteNetworkACLList(ctx context.Context, id string) (AsyncResult, error)
	// CreateNetworkACL adds an item to a list (item.ACLID); Number 0
	// lets CloudStack pick.
	CreateNetworkACL(ctx context.Context, item NetworkACLItem) (AsyncResult, error)
	DeleteNetworkACL(ctx context.Context, id string) (AsyncResult, error)
}

// NetworkACLList is a CloudStack network ACL list. The system lists
// default_allow and default_deny belong to no VPC.
type NetworkACLList struct {
	ID          string
	Name        string
	Description string
	VPCID       string
}

// NetworkACLItem is one rule of a network ACL list.
type NetworkACLItem struct {
	ID          string
	ACLID       string
	Number      int
	Protocol    string // tcp, udp, icmp, all or a protocol number
	Action      string // Allow, Deny
	TrafficType string // Ingress, Egress
	CIDRList    string // comma-separated
	StartPort   string
	EndPort     string
	ICMPType    int
	ICMPCode    int
}

// NetworkACLLists lists the ACL lists the caller sees, sorted by id.
func (s *Service) NetworkACLLists(ctx context.Context) ([]NetworkACLList, error) {
	ls, err := s.cs.ListNetworkACLLists(ctx, "")
	if err != nil {
		return nil, opErr("NetworkACLLists", ResVPC, "", err)
	}
	sort.Slice(ls, func(i, j int) bool { return ls[i].ID < ls[j].ID })
	return ls, nil
}

// NetworkACLItems lists one ACL list's rules by number.
func (s *Service) NetworkACLItems(ctx context.Context, aclID string) ([]NetworkACLItem, error) {
	items, err := s.cs.ListNetworkACLs(ctx, aclID)
	if isNotFound(err) {
		return []NetworkACLItem{}, nil
	}
	if err != nil {
		return nil, opErr("NetworkACLItems", ResVPC, "", err)
	}
	out := []NetworkACLItem{}
	for _, it := range items {
		if it.ACLID == "" || it.ACLID == aclID {
			out = append(out, it)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Number < out[j].Number })
	return out, nil
}

// HasService reports whether a CloudStack service list (a VPC's or a
// network's offering services) has the service, case-insensitively.
func HasService(services []string, name string) bool {
	for _, s := range services {
		if strings.EqualFold(s, name) {
			return true
		}
	}
	return false
}

// StaticRoutes lists a VPC's static routes (every VPC's with vpcID ""),
// none being revoked, sorted by VPC then CIDR.
func (s *Service) StaticRoutes(ctx context.Context, vpcID string) ([]StaticRoute, error) {
	rs, err := s.cs.ListStaticRoutes(ctx, vpcID)
	if isNotFound(err) {
		return []StaticRoute{}, nil
	}
	if err != nil {
		return nil, opErr("StaticRoutes", ResVPC, vpcID, err)
	}
	out := []StaticRoute{}
	for _, r := range rs {
		if (vpcID == "" || r.VPCID == vpcID) && !strings.EqualFold(r.State, "Revoke") {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].VPCID != out[j].VPCID {
			return out[i].VPCID < out[j].VPCID
		}
		return out[i].CIDR < out[j].CIDR
	})
	return out, nil
}

// PrivateGateways lists a VPC's private gateways (every VPC's with vpcID
// ""), sorted by id.
func (s *Service) PrivateGateways(ctx context.Context, vpcID string) ([]PrivateGateway, error) {
	gs, err := s.cs.ListPrivateGateways(ctx, vpcID)
	if isNotFound(err) {
		return []PrivateGateway{}, nil
	}
	if err != nil {
		return nil, opErr("PrivateGateways", ResVPC, vpcID, err)
	}
	out := []PrivateGateway{}
	for _, g := range gs {
		if vpcID == "" || g.VPCID == vpcID {
			out = append(out, g)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// RouteTarget is where a static route sends its CIDR: one of a VPC's
// private gateways or, since CloudStack 4.21, a next-hop address.
type RouteTarget struct {
	GatewayID string
	NextHop   string
}

// nextHopSince is the CloudStack version whose createStaticRoute takes
// vpcid and nexthop (CreateStaticRouteCmd, "since" 4.21.0 in
// StaticRouteResponse).
var nextHopSince = [2]int{4, 21}

// RequireNextHopRoutes answers Unimplemented, naming this cloud's
// version, when CloudStack is older than 4.21 and so routes VPC CIDRs
// only to private gateways. An unknown version lets CloudStack answer.
func (s *Service) RequireNextHopRoutes(ctx context.Context) error {
	c, err := s.Capabilities(ctx)
	if err != nil {
		return err
	}
	if c.Known && c.Version != "" && !versionAtLeast(c.Version, nextHopSince) {
		return &Error{Op: "CreateStaticRoute", Kind: Unimplemented, Resource: ResRoute,
			Message: fmt.Sprintf("routes to an instance's address in a VPC (a next hop) need CloudStack %d.%d or later; this cloud runs CloudStack %s, whose VPCs route only to private gateways (GatewayId vgw-...)",
				nextHopSince[0], nextHopSince[1], c.Version)}
	}
	return nil
}

// CreateStaticRoute routes cidr of a VPC to a target and waits for
// CloudStack to apply it. CloudStack's own rules
// (VpcManagerImpl/StaticRouteServiceImpl.createStaticRoute) are checked
// first so the caller gets a clear error: the CIDR must be IPv4, outside
// the VPC's CIDR and must not overlap another static route
// (AlreadyExists when it is the same CIDR); a gateway must be one of the
// VPC's; a next hop needs CloudStack 4.21 (Unimplemented, naming this
// cloud's version, before).
func (s *Service) CreateStaticRoute(ctx context.Context, vpcID string, target RouteTarget, cidr string) (*StaticRoute, error) {
	const op = "CreateStaticRoute"
	v, err := s.vpc(ctx, vpcID)
	if err != nil {
		return nil, err
	}
	p, err := netip.ParsePrefix(strings.TrimSpace(cidr))
	if err != nil || !p.Addr().Is4() {
		return nil, invalid(op, ResVPC, vpcID, "invalid IPv4 CIDR %q", cidr)
	}
	if vp, err := netip.ParsePrefix(v.CIDR); err == nil && vp.Overlaps(p) {
		return nil, invalid(op, ResVPC, vpcID, "the CIDR %s overlaps the VPC's own CIDR %s; CloudStack routes only CIDRs outside the VPC", cidr, v.CIDR)
	}
	req := CreateStaticRouteRequest{CIDR: p.String()}
	if target.NextHop != "" {
		if err := s.RequireNextHopRoutes(ctx); err != nil {
			return nil, err
		}
		req.VPCID, req.NextHop = vpcID, target.NextHop
	} else {
		gws, err := s.PrivateGateways(ctx, vpcID)
		if err != nil {
			return nil, err
		}
		found := false
		for _, g := range gws {
			found = found || g.ID == target.GatewayID
		}
		if !found {
			return nil, &Error{Op: op, Kind: NotFound, Resource: ResGateway, ID: target.GatewayID,
				Message: "the VPC has no private gateway " + target.GatewayID}
		}
		req.GatewayID = target.GatewayID
	}
	routes, err := s.StaticRoutes(ctx, vpcID)
	if err != nil {
		return nil, err
	}
	for _, r := range routes {
		rp, err := netip.ParsePrefix(r.CIDR)
		if err != nil || !rp.Overlaps(p) {
			continue
		}
		if rp.Masked() == p.Masked() {
			return nil, &Error{Op: op, Kind: AlreadyExists, Resource: ResRoute, ID: cidr, Message: "a route for " + r.CIDR + " already exists"}
		}
		return nil, invalid(op, ResVPC, vpcID, "the CIDR %s overlaps the route for %s; CloudStack allows no overlapping static routes in a VPC", cidr, r.CIDR)
	}
	ar, err := s.cs.CreateStaticRoute(ctx, req)
	if err != nil {
		return nil, opErr(op, ResRoute, cidr, err)
	}
	if _, err := s.await(ctx, op, ResRoute, ar.ID, ar.JobID); err != nil {
		return nil, err
	}
	return &StaticRoute{ID: ar.ID, VPCID: vpcID, GatewayID: req.GatewayID, NextHop: req.NextHop, CIDR: p.String(), State: "Active"}, nil
}

// DeleteStaticRoute removes the VPC's static route for cidr and waits.
// NotFound (ResRoute) if the VPC routes no such CIDR.
func (s *Service) DeleteStaticRoute(ctx context.Context, vpcID, cidr string) error {
	const op = "DeleteStaticRoute"
	routes, err := s.StaticRoutes(ctx, vpcID)
	if err != nil {
		return err
	}
	want, perr := netip.ParsePrefix(strings.TrimSpace(cidr))
	for _, r := range routes {
		rp, err := netip.ParsePrefix(r.CIDR)
		if r.CIDR == cidr || perr == nil && err == nil && rp.Masked() == want.Masked() {
			ar, err := s.cs.DeleteStaticRoute(ctx, r.ID)
			if err != nil {
				return opErr(op, ResRoute, cidr, err)
			}
			_, err = s.await(ctx, op, ResRoute, r.ID, ar.JobID)
			return err
		}
	}
	return &Error{Op: op, Kind: NotFound, Resource: ResRoute, ID: cidr, Message: "no route for " + cidr}
}

// ReplaceNetworkACL moves a VPC tier to another ACL list (one of its
// VPC's or a system list) and waits for CloudStack to apply it.
func (s *Service) ReplaceNetworkACL(ctx context.Context, networkID, aclID string) error {
	const op = "ReplaceNetworkACL"
	ar, err := s.cs.ReplaceNetworkACLList(ctx, aclID, networkID)
	if err != nil {
		return opErr(op, ResNetwork, networkID, err)
	}
	_, err = s.await(ctx, op, ResNetwork, networkID, ar.JobID)
	return err
}

// CreateNetworkACLList creates an ACL list in a VPC and waits for it.
// With a token, the list carries it in its description and a retry finds
// the list the first attempt made instead of making another.
func (s *Service) CreateNetworkACLList(ctx context.Context, vpcID, name, token string) (*NetworkACLList, error) {
	const op = "CreateNetworkACLList"
	if _, err := s.vpc(ctx, vpcID); err != nil {
		return nil, err
	}
	desc := name
	if token != "" {
		desc = "cg-token:" + token
		ls, err := s.cs.ListNetworkACLLists(ctx, vpcID)
		if err != nil {
			return nil, opErr(op, ResVPC, vpcID, err)
		}
		for _, l := range ls {
			if l.VPCID == vpcID && l.Description == desc {
				return &l, nil
			}
		}
	}
	ar, err := s.cs.CreateNetworkACLList(ctx, name, desc, vpcID)
	if err != nil {
		return nil, opErr(op, ResVPC, vpcID, err)
	}
	if _, err := s.await(ctx, op, ResVPC, vpcID, ar.JobID); err != nil {
		return nil, err
	}
	return &NetworkACLList{ID: ar.ID, Name: name, Description: desc, VPCID: vpcID}, nil
}

// DeleteNetworkACLList deletes a VPC's ACL list and waits.
func (s *Service) DeleteNetworkACLList(ctx context.Context, id string) error {
	const op = "DeleteNetworkACLList"
	ar, err := s.cs.DeleteNetworkACLList(ctx, id)
	if err != nil {
		return opErr(op, ResVPC, "", err)
	}
	_, err = s.await(ctx, op, ResVPC, "", ar.JobID)
	return err
}

// CreateNetworkACLItem adds a rule to an ACL list and waits.
func (s *Service) CreateNetworkACLItem(ctx context.Context, item NetworkACLItem) error {
	const op = "CreateNetworkACLItem"
	ar, err := s.cs.CreateNetworkACL(ctx, item)
	if err != nil {
		return opErr(op, ResVPC, "", err)
	}
	_, err = s.await(ctx, op, ResVPC, "", ar.JobID)
	return err
}

// DeleteNetworkACLItem removes a rule from an ACL list and waits.
func (s *Service) DeleteNetworkACLItem(ctx context.Context, id string) error {
	const op = "DeleteNetworkACLItem"
	ar, err := s.cs.DeleteNetworkACL(ctx, id)
	if err != nil {
		return opErr(op, ResVPC, "", err)
	}
	_, err = s.await(ctx, op, ResVPC, "", ar.JobID)
	return err
}
