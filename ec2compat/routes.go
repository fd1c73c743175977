package ec2compat

import (
	"net/netip"
	"strings"

	"github.com/cloudgate/cloudgate/translate"
)

// Route, route table and internet gateway changes. CloudStack can add
// and remove a VPC's static routes (a CIDR to a private gateway); that is
// what CreateRoute and DeleteRoute do. It has no standalone route tables
// or internet gateways (a VPC's router is its only gateway, created and
// removed with the VPC), so the calls that would create, move or remove
// them answer EC2's own errors (UnsupportedOperation, DependencyViolation,
// Resource.AlreadyAssociated) with what CloudStack does instead; none
// claims a success it did not have.

// derivedUntaggable are the id prefixes of resources this file and
// routetables.go/networkacls.go derive, which have nothing to keep tags
// in: CreateTags refuses them by name instead of calling the id invalid.
var derivedUntaggable = map[string]bool{pRouteTable: true, pInternetGateway: true, pNetworkACL: true, pVpnGateway: true}

// routeTargets are CreateRoute's targets CloudStack cannot express
// (GatewayId vgw-: a private gateway; InstanceId and NetworkInterfaceId:
// a next hop, CloudStack 4.21+).
var routeTargets = []string{"NatGatewayId", "VpcPeeringConnectionId",
	"TransitGatewayId", "LocalGatewayId", "CarrierGatewayId", "EgressOnlyInternetGatewayId", "VpcEndpointId",
	"CoreNetworkArn", "DestinationIpv6CidrBlock", "DestinationPrefixListId"}

// routeTableOf finds a route table by id; its VPC is nil for the default
// VPC's tables (the guest networks outside VPCs).
func (s *server) routeTableOf(r *request, id string) (*routeTableItem, *translate.VPC, error) {
	if !strings.HasPrefix(id, pRouteTable+"-") || len(id) <= len(pRouteTable)+1 {
		return nil, nil, apiErrf("InvalidRouteTableId.Malformed", "Invalid id: \"%s\" (expecting \"rtb-...\")", id)
	}
	rt, err := s.routing(r)
	if err != nil {
		return nil, nil, err
	}
	for i := range rt.tables {
		t := &rt.tables[i]
		if t.RouteTableID != id {
			continue
		}
		for j := range rt.vpcs {
			if ec2ID(pVPC, rt.vpcs[j].ID) == t.VpcID {
				return t, &rt.vpcs[j], nil
			}
		}
		return t, nil, nil
	}
	return nil, nil, apiErrf("InvalidRouteTableID.NotFound", "The routeTable ID '%s' does not exist", id)
}

func (s *server) createRoute(r *request) (response, error) {
	id, err := r.q.required("RouteTableId")
	if err != nil {
		return nil, err
	}
	for _, p := range routeTargets {
		if r.q.has(p) {
			return nil, apiErrf("UnsupportedOperation", "The parameter %s is not supported by this cloud: a CloudStack VPC routes a CIDR only to one of its private gateways (GatewayId vgw-...) or, from CloudStack 4.21, to an instance's address in the VPC (InstanceId, NetworkInterfaceId).", p)
		}
	}
	cidr, err := r.q.required("DestinationCidrBlock")
	if err != nil {
		return nil, err
	}
	gw, inst, eni := r.q.str("GatewayId"), r.q.str("InstanceId"), r.q.str("NetworkInterfaceId")
	if n := btoi(gw != "") + btoi(inst != "") + btoi(eni != ""); n != 1 {
		return nil, apiErr("InvalidParameterCombination", "The request must contain exactly one of gatewayId, instanceId or networkInterfaceId")
	}
	t, vpc, err := s.routeTableOf(r, id)
	if err != nil {
		return nil, err
	}
	if vpc == nil {
		return nil, apiErrf("UnsupportedOperation", "The route table %s belongs to the default VPC, which stands for this cloud's guest networks outside VPCs: CloudStack has no routes to add there. Create a VPC (CreateVpc) to route traffic.", id)
	}
	p, perr := netip.ParsePrefix(cidr)
	if perr != nil || !p.Addr().Is4() {
		return nil, apiErrf("InvalidParameterValue", "Value (%s) for parameter destinationCidrBlock is invalid. This is not a valid IPv4 CIDR block.", cidr)
	}
	for _, rr := range t.Routes {
		if rr.DestinationCidrBlock == p.Masked().String() || rr.DestinationCidrBlock == cidr {
			return nil, apiErrf("RouteAlreadyExists", "The route identified by %s already exists.", cidr)
		}
	}
	if inst != "" || eni != "" {
		if err := s.svc.RequireNextHopRoutes(r.ctx); err != nil {
			return nil, err
		}
		hop, err := s.nextHop(r, vpc, inst, eni)
		if err != nil {
			return nil, err
		}
		if _, err := s.svc.CreateStaticRoute(r.ctx, vpc.ID, translate.RouteTarget{NextHop: hop}, cidr); err != nil {
			return nil, err
		}
		return ok()
	}
	switch {
	case gw == "local":
		return nil, apiErr("InvalidParameterValue", "Value (local) for parameter gatewayId is invalid: the local route exists with the VPC.")
	case strings.HasPrefix(gw, pInternetGateway+"-"):
		if gw != ec2ID(pInternetGateway, vpc.ID) {
			return nil, apiErrf("InvalidParameterValue", "route table %s and network gateway %s belong to different networks", id, gw)
		}
		return nil, apiErrf("UnsupportedOperation", "A CloudStack VPC reaches the internet through its router's source NAT, for 0.0.0.0/0 only (the route exists); the route for %s to %s cannot be expressed. Route it to a private gateway (vgw-...) instead.", cidr, gw)
	case !strings.HasPrefix(gw, pVpnGateway+"-"):
		return nil, apiErrf("InvalidGatewayID.Malformed", "Invalid id: \"%s\" (expecting \"vgw-...\" or \"igw-...\")", gw)
	}
	gid, err := csID(pVpnGateway, translate.ResGateway, gw)
	if err != nil {
		return nil, err
	}
	if _, err := s.svc.CreateStaticRoute(r.ctx, vpc.ID, translate.RouteTarget{GatewayID: gid}, cidr); err != nil {
		return nil, err
	}
	return ok()
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// nextHop is the address of an instance's (or one of its interfaces')
// NIC on a tier of the VPC: what CloudStack 4.21 routes a CIDR to.
func (s *server) nextHop(r *request, vpc *translate.VPC, inst, eni string) (string, error) {
	var q translate.InstanceQuery
	if inst != "" {
		cid, err := csID(pInstance, translate.ResInstance, inst)
		if err != nil {
			return "", err
		}
		q.IDs = []string{cid}
	}
	var nicID string
	if eni != "" {
		cid, err := csID(pENI, translate.ResNetwork, eni)
		if err != nil || !strings.HasPrefix(eni, pENI+"-") {
			return "", apiErrf("InvalidNetworkInterfaceID.Malformed", "Invalid id: \"%s\" (expecting \"eni-...\")", eni)
		}
		nicID = cid
	}
	insts, err := s.svc.Instances(r.ctx, q)
	if err != nil {
		return "", err
	}
	tiers, err := s.svc.Networks(r.ctx, translate.NetworkQuery{VPCID: vpc.ID})
	if err != nil {
		return "", err
	}
	inVPC := map[string]bool{}
	for _, n := range tiers {
		inVPC[n.ID] = true
	}
	found := false
	for _, in := range insts {
		for _, n := range in.NICs {
			if nicID != "" && !strings.EqualFold(n.ID, nicID) {
				continue
			}
			found = true
			if inVPC[n.NetworkID] && n.IP != "" {
				return n.IP, nil
			}
		}
	}
	switch {
	case inst != "" && len(insts) == 0:
		return "", &translate.Error{Kind: translate.NotFound, Resource: translate.ResInstance, ID: inst}
	case eni != "" && !found:
		return "", apiErrf("InvalidNetworkInterfaceID.NotFound", "The networkInterface ID '%s' does not exist", eni)
	}
	return "", apiErrf("InvalidParameterValue", "route table %s and %s belong to different networks", ec2ID(pRouteTable, vpc.ID), inst+eni)
}

func (s *server) deleteRoute(r *request) (response, error) {
	id, err := r.q.required("RouteTableId")
	if err != nil {
		return nil, err
	}
	for _, p := range []string{"DestinationIpv6CidrBlock", "DestinationPrefixListId"} {
		if r.q.has(p) {
			return nil, apiErrf("UnsupportedOperation", "The parameter %s is not supported by this cloud: CloudStack VPC routes are IPv4 CIDRs.", p)
		}
	}
	cidr, err := r.q.required("DestinationCidrBlock")
	if err != nil {
		return nil, err
	}
	t, vpc, err := s.routeTableOf(r, id)
	if err != nil {
		return nil, err
	}
	for _, rr := range t.Routes {
		if rr.DestinationCidrBlock != cidr || rr.Origin == "CreateRoute" {
			continue
		}
		if rr.GatewayID == "local" {
			return nil, apiErrf("InvalidParameterValue", "cannot remove local route %s in route table %s", cidr, id)
		}
		return nil, apiErrf("UnsupportedOperation", "The route for %s is the CloudStack router's source NAT, which cannot be removed from %s.", cidr, t.VpcID)
	}
	if vpc == nil {
		return nil, apiErrf("InvalidRoute.NotFound", "no route with destination-cidr-block %s in route table %s", cidr, id)
	}
	if err := s.svc.DeleteStaticRoute(r.ctx, vpc.ID, cidr); err != nil {
		if translate.KindOf(err) == translate.NotFound {
			return nil, apiErrf("InvalidRoute.NotFound", "no route with destination-cidr-block %s in route table %s", cidr, id)
		}
		return nil, err
	}
	return ok()
}

func (s *server) createRouteTable(r *request) (response, error) {
	if _, err := r.q.required("VpcId"); err != nil {
		return nil, err
	}
	return nil, apiErr("UnsupportedOperation", "CloudStack has no route tables of its own: a VPC's router routes all its tiers, so each VPC has exactly its main route table (DescribeRouteTables), whose routes CreateRoute and DeleteRoute change.")
}

func (s *server) deleteRouteTable(r *request) (response, error) {
	id, err := r.q.required("RouteTableId")
	if err != nil {
		return nil, err
	}
	if _, _, err := s.routeTableOf(r, id); err != nil {
		return nil, err
	}
	return nil, apiErrf("DependencyViolation", "The routeTable '%s' has dependencies and cannot be deleted.", id)
}

func (s *server) associateRouteTable(r *request) (response, error) {
	id, err := r.q.required("RouteTableId")
	if err != nil {
		return nil, err
	}
	if r.q.has("GatewayId") {
		return nil, apiErr("UnsupportedOperation", "The parameter GatewayId is not supported by this cloud: CloudStack has no gateway route tables.")
	}
	sub, err := r.q.required("SubnetId")
	if err != nil {
		return nil, err
	}
	t, _, err := s.routeTableOf(r, id)
	if err != nil {
		return nil, err
	}
	for _, a := range t.Associations {
		if a.SubnetID == sub {
			return nil, apiErrf("Resource.AlreadyAssociated", "the specified association for route table %s conflicts with an existing association", id)
		}
	}
	return nil, apiErrf("UnsupportedOperation", "CloudStack routes a subnet only through its own VPC's router (or, outside VPCs, its network's): %s cannot be associated with %s.", sub, id)
}

func (s *server) disassociateRouteTable(r *request) (response, error) {
	id, err := r.q.required("AssociationId")
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(id, pRouteTableAssoc+"-") {
		return nil, apiErrf("InvalidAssociationID.Malformed", "Invalid id: \"%s\" (expecting \"rtbassoc-...\")", id)
	}
	rt, err := s.routing(r)
	if err != nil {
		return nil, err
	}
	for _, t := range rt.tables {
		for _, a := range t.Associations {
			if a.RouteTableAssociationID != id {
				continue
			}
			if a.Main {
				return nil, apiErrf("InvalidParameterValue", "cannot disassociate the main route table association %s", id)
			}
			return nil, apiErrf("UnsupportedOperation", "CloudStack routes %s through its network's router; the association %s cannot be removed.", a.SubnetID, id)
		}
	}
	return nil, apiErrf("InvalidAssociationID.NotFound", "The association ID '%s' does not exist", id)
}

func (s *server) createInternetGateway(r *request) (response, error) {
	if _, err := r.q.tagSpecs(); err != nil {
		return nil, err
	}
	return nil, apiErr("UnsupportedOperation", "CloudStack has no standalone internet gateways: a VPC whose offering has SourceNat gets one with the VPC (its router), attached to it and listed by DescribeInternetGateways (filter attachment.vpc-id).")
}

// internetGatewayOf finds an internet gateway by id.
func (s *server) internetGatewayOf(r *request, id string) (*internetGatewayItem, error) {
	if !strings.HasPrefix(id, pInternetGateway+"-") || len(id) <= len(pInternetGateway)+1 {
		return nil, apiErrf("InvalidInternetGatewayId.Malformed", "Invalid id: \"%s\" (expecting \"igw-...\")", id)
	}
	rt, err := s.routing(r)
	if err != nil {
		return nil, err
	}
	for i := range rt.igws {
		if rt.igws[i].InternetGatewayID == id {
			return &rt.igws[i], nil
		}
	}
	return nil, apiErrf("InvalidInternetGatewayID.NotFound", "The internetGateway ID '%s' does not exist", id)
}

func (s *server) attachInternetGateway(r *request) (response, error) {
	id, err := r.q.required("InternetGatewayId")
	if err != nil {
		return nil, err
	}
	vpc, err := r.q.required("VpcId")
	if err != nil {
		return nil, err
	}
	g, err := s.internetGatewayOf(r, id)
	if err != nil {
		return nil, err
	}
	msg := "resource " + id + " is already attached to network " + g.Attachments[0].VpcID
	if g.Attachments[0].VpcID != vpc {
		msg += "; CloudStack creates each VPC's internet gateway with the VPC (its router), so " + vpc + " cannot use it"
	}
	return nil, apiErr("Resource.AlreadyAssociated", msg)
}

func (s *server) detachInternetGateway(r *request) (response, error) {
	id, err := r.q.required("InternetGatewayId")
	if err != nil {
		return nil, err
	}
	vpc, err := r.q.required("VpcId")
	if err != nil {
		return nil, err
	}
	g, err := s.internetGatewayOf(r, id)
	if err != nil {
		return nil, err
	}
	if g.Attachments[0].VpcID != vpc {
		return nil, apiErrf("Gateway.NotAttached", "resource %s is not attached to network %s", id, vpc)
	}
	return nil, apiErrf("UnsupportedOperation", "The internet gateway %s is the CloudStack router's source NAT of %s, which cannot be detached; delete the VPC to remove it.", id, vpc)
}

func (s *server) deleteInternetGateway(r *request) (response, error) {
	id, err := r.q.required("InternetGatewayId")
	if err != nil {
		return nil, err
	}
	if _, err := s.internetGatewayOf(r, id); err != nil {
		return nil, err
	}
	return nil, apiErrf("DependencyViolation", "The internetGateway '%s' has dependencies and cannot be deleted.", id)
}

// replaceRoute succeeds only when the route already sends the CIDR to
// that target (nothing to change); CloudStack cannot retarget a static
// route in place, so any other change is refused, naming the way that
// works (DeleteRoute, then CreateRoute).
func (s *server) replaceRoute(r *request) (response, error) {
	id, err := r.q.required("RouteTableId")
	if err != nil {
		return nil, err
	}
	for _, p := range routeTargets {
		if r.q.has(p) {
			return nil, apiErrf("UnsupportedOperation", "The parameter %s is not supported by this cloud: a CloudStack VPC routes a CIDR only to one of its private gateways (GatewayId vgw-...) or, from CloudStack 4.21, to an instance's address in the VPC (InstanceId, NetworkInterfaceId).", p)
		}
	}
	cidr, err := r.q.required("DestinationCidrBlock")
	if err != nil {
		return nil, err
	}
	t, _, err := s.routeTableOf(r, id)
	if err != nil {
		return nil, err
	}
	for _, rr := range t.Routes {
		if rr.DestinationCidrBlock != cidr {
			continue
		}
		if rr.GatewayID == "local" {
			return nil, apiErrf("InvalidParameterValue", "cannot replace local route %s in route table %s", cidr, id)
		}
		same := r.q.str("GatewayId") == rr.GatewayID && r.q.str("InstanceId") == rr.InstanceID &&
			(r.q.str("NetworkInterfaceId") == "" || r.q.str("NetworkInterfaceId") == rr.NetworkInterfaceID) &&
			(rr.GatewayID != "" || rr.InstanceID != "")
		if same {
			return ok()
		}
		return nil, apiErrf("UnsupportedOperation", "CloudStack cannot change the target of the route for %s in place; delete it (DeleteRoute) and create it again (CreateRoute).", cidr)
	}
	return nil, apiErrf("InvalidParameterValue", "There is no route defined for '%s' in the route table. Please use AddRoute instead.", cidr)
}

type replaceRouteTableAssociationResp struct {
	meta
	NewAssociationID string `xml:"newAssociationId"`
	AssociationState string `xml:"associationState>state"`
}

// replaceRouteTableAssociation succeeds only when the association already
// is with that route table (CloudStack routes each subnet through its own
// router; nothing can be moved), answering the same association id.
func (s *server) replaceRouteTableAssociation(r *request) (response, error) {
	id, err := r.q.required("AssociationId")
	if err != nil {
		return nil, err
	}
	rtb, err := r.q.required("RouteTableId")
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(id, pRouteTableAssoc+"-") {
		return nil, apiErrf("InvalidAssociationID.Malformed", "Invalid id: \"%s\" (expecting \"rtbassoc-...\")", id)
	}
	if _, _, err := s.routeTableOf(r, rtb); err != nil {
		return nil, err
	}
	rt, err := s.routing(r)
	if err != nil {
		return nil, err
	}
	for _, t := range rt.tables {
		for _, a := range t.Associations {
			if a.RouteTableAssociationID != id {
				continue
			}
			if t.RouteTableID == rtb {
				return &replaceRouteTableAssociationResp{NewAssociationID: id, AssociationState: "associated"}, nil
			}
			return nil, apiErrf("UnsupportedOperation", "CloudStack routes each subnet through its own VPC's (or network's) router: the association %s cannot move to %s.", id, rtb)
		}
	}
	return nil, apiErrf("InvalidAssociationID.NotFound", "The association ID '%s' does not exist", id)
}
