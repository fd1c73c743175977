package ec2compat

import (
	"strings"

	"github.com/cloudgate/cloudgate/translate"
)

// Route tables and internet gateways, derived from what CloudStack
// really routes (translate/route.go). Nothing is stored: every id is
// derived from a CloudStack id, so any replica answers the same.
//
//   - A CloudStack VPC has one route table, its main one
//     (rtb-<VPC uuid>): the local route for the VPC's CIDR, 0.0.0.0/0 to
//     the VPC's internet gateway when its offering has SourceNat (the VPC
//     router's source NAT is how tiers reach the internet), and one route
//     per static route: its CIDR to the private gateway, shown as a
//     virtual private gateway (vgw-<gateway uuid>), or (CloudStack 4.21)
//     to a next hop, shown as the instance that has the address. Every tier is
//     associated with it explicitly (rtbassoc-<tier uuid>): CloudStack
//     routes all tiers through the VPC router; the main association is
//     rtbassoc-<VPC uuid>.
//   - A VPC's internet gateway (igw-<VPC uuid>) exists when its offering
//     has SourceNat and is always attached to it.
//   - The default VPC (defaultvpc.go) stands for the guest networks
//     outside VPCs, which CloudStack does not route between: each of them
//     has its own route table (rtb-<network uuid>, associated with it):
//     the local route for its CIDR and 0.0.0.0/0 to the default VPC's
//     internet gateway when it has egress (an isolated network with
//     SourceNat, a shared network with a gateway; an L2 network has
//     none). The default VPC's main route table (local for its CIDR,
//     0.0.0.0/0 to its internet gateway) serves the zone default subnets,
//     "the network CloudStack picks at launch". Its internet gateway
//     stands for the zones' public networks.

const (
	pRouteTable      = "rtb"
	pRouteTableAssoc = "rtbassoc"
	pInternetGateway = "igw"
	pVpnGateway      = "vgw"
)

// suffix is the part of an EC2 id after its prefix.
func suffix(id string) string {
	_, s, _ := strings.Cut(id, "-")
	return s
}

type routeItem struct {
	DestinationCidrBlock string `xml:"destinationCidrBlock"`
	GatewayID            string `xml:"gatewayId,omitempty"`
	InstanceID           string `xml:"instanceId,omitempty"`
	InstanceOwnerID      string `xml:"instanceOwnerId,omitempty"`
	NetworkInterfaceID   string `xml:"networkInterfaceId,omitempty"`
	State                string `xml:"state"`
	Origin               string `xml:"origin"`
}

type rtbAssocItem struct {
	RouteTableAssociationID string `xml:"routeTableAssociationId"`
	RouteTableID            string `xml:"routeTableId"`
	SubnetID                string `xml:"subnetId,omitempty"`
	Main                    bool   `xml:"main"`
	State                   string `xml:"associationState>state"`
}

type routeTableItem struct {
	RouteTableID string         `xml:"routeTableId"`
	VpcID        string         `xml:"vpcId"`
	OwnerID      string         `xml:"ownerId"`
	Routes       []routeItem    `xml:"routeSet>item"`
	Associations []rtbAssocItem `xml:"associationSet>item"`
	Tags         []tagItem      `xml:"tagSet>item"`
	tags         translate.Tags
}

type igwAttachmentItem struct {
	VpcID string `xml:"vpcId"`
	State string `xml:"state"`
}

type internetGatewayItem struct {
	InternetGatewayID string              `xml:"internetGatewayId"`
	OwnerID           string              `xml:"ownerId"`
	Attachments       []igwAttachmentItem `xml:"attachmentSet>item"`
	Tags              []tagItem           `xml:"tagSet>item"`
	tags              translate.Tags
}

// vpcRouting is what DescribeRouteTables and DescribeInternetGateways
// derive their answers from.
type vpcRouting struct {
	tables []routeTableItem
	igws   []internetGatewayItem
	vpcs   []translate.VPC // the caller's CloudStack VPCs
}

// networkEgress reports whether CloudStack gives a guest network outside
// VPCs a way out: the virtual router's source NAT (isolated), the
// operator's router (a shared network's gateway). L2 networks have no
// gateway at all.
func networkEgress(n *translate.Network) bool {
	switch strings.ToLower(n.Type) {
	case "shared":
		return n.Gateway != ""
	case "isolated":
		return translate.HasService(n.Services, "SourceNat")
	}
	return false
}

// none is a filter field no item has a value for.
func none[T any](T) []string { return nil }

func localRoute(cidr string) routeItem {
	return routeItem{DestinationCidrBlock: cidr, GatewayID: "local", State: "active", Origin: "CreateRouteTable"}
}

func internetRoute(igw string) routeItem {
	return routeItem{DestinationCidrBlock: "0.0.0.0/0", GatewayID: igw, State: "active", Origin: "CreateRouteTable"}
}

// hopKey names an address on a tier of a VPC.
type hopKey struct{ vpc, ip string }

// hopTarget is the instance NIC a next-hop address belongs to.
type hopTarget struct{ instance, nic, owner string }

// staticRouteItem renders a CloudStack static route: to a private
// gateway, its vgw id; to a next hop (CloudStack 4.21), the instance and
// interface that have the address on a tier of the VPC, or no target and
// the state blackhole (EC2's word for a route whose target is gone) when
// no instance has it.
func staticRouteItem(r *translate.StaticRoute, hops map[hopKey]hopTarget) routeItem {
	it := routeItem{DestinationCidrBlock: r.CIDR, State: "active", Origin: "CreateRoute"}
	switch h, ok := hops[hopKey{r.VPCID, r.NextHop}]; {
	case r.GatewayID != "":
		it.GatewayID = ec2ID(pVpnGateway, r.GatewayID)
	case ok:
		it.InstanceID, it.NetworkInterfaceID, it.InstanceOwnerID = ec2ID(pInstance, h.instance), ec2ID(pENI, h.nic), h.owner
	default:
		it.State = "blackhole"
	}
	return it
}

// nextHops maps the addresses the caller's instances have on VPC tiers
// to their NICs (one instance listing, only when a route needs it).
func (s *server) nextHops(r *request, routes []translate.StaticRoute, nets []translate.Network) (map[hopKey]hopTarget, error) {
	need := false
	for _, rt := range routes {
		need = need || rt.NextHop != ""
	}
	if !need {
		return nil, nil
	}
	insts, err := s.svc.Instances(r.ctx, translate.InstanceQuery{})
	if err != nil {
		return nil, err
	}
	vpcOf := map[string]string{}
	for _, n := range nets {
		if n.VPCID != "" {
			vpcOf[n.ID] = n.VPCID
		}
	}
	out := map[hopKey]hopTarget{}
	for _, in := range insts {
		for _, n := range in.NICs {
			if v := vpcOf[n.NetworkID]; v != "" && n.IP != "" {
				out[hopKey{v, n.IP}] = hopTarget{instance: in.ID, nic: n.ID, owner: r.principal.AccountID}
			}
		}
	}
	return out, nil
}

// routing lists the caller's VPCs, networks and static routes (three
// CloudStack calls) and derives every route table and internet gateway.
func (s *server) routing(r *request) (*vpcRouting, error) {
	vpcs, err := s.svc.VPCs(r.ctx, nil)
	if err != nil {
		return nil, err
	}
	nets, err := s.svc.Networks(r.ctx, translate.NetworkQuery{})
	if err != nil {
		return nil, err
	}
	var routes []translate.StaticRoute
	if len(vpcs) > 0 {
		if routes, err = s.svc.StaticRoutes(r.ctx, ""); err != nil {
			return nil, err
		}
	}
	hops, err := s.nextHops(r, routes, nets)
	if err != nil {
		return nil, err
	}
	owner := r.principal.AccountID
	out := &vpcRouting{vpcs: vpcs}

	// The default VPC.
	dv := defaultVPCItem(nets, owner)
	digw := ec2ID(pInternetGateway, defaultVPCName)
	out.igws = append(out.igws, internetGatewayItem{InternetGatewayID: digw, OwnerID: owner,
		Attachments: []igwAttachmentItem{{VpcID: defaultVPCID, State: "available"}}, Tags: []tagItem{}, tags: translate.Tags{}})
	mainID := pRouteTable + "-" + suffix(defaultVPCID)
	out.tables = append(out.tables, routeTableItem{RouteTableID: mainID, VpcID: defaultVPCID, OwnerID: owner,
		Routes: []routeItem{localRoute(dv.CidrBlock), internetRoute(digw)},
		Associations: []rtbAssocItem{{RouteTableAssociationID: pRouteTableAssoc + "-" + suffix(defaultVPCID), RouteTableID: mainID,
			Main: true, State: "associated"}},
		Tags: []tagItem{}, tags: translate.Tags{}})
	for i := range nets {
		n := &nets[i]
		if n.VPCID != "" {
			continue
		}
		sub := ec2ID(pSubnet, n.ID)
		id := pRouteTable + "-" + suffix(sub)
		t := routeTableItem{RouteTableID: id, VpcID: defaultVPCID, OwnerID: owner,
			Associations: []rtbAssocItem{{RouteTableAssociationID: pRouteTableAssoc + "-" + suffix(sub), RouteTableID: id,
				SubnetID: sub, State: "associated"}},
			Tags: []tagItem{}, tags: translate.Tags{}}
		if n.CIDR != "" {
			t.Routes = append(t.Routes, localRoute(n.CIDR))
		}
		if networkEgress(n) {
			t.Routes = append(t.Routes, internetRoute(digw))
		}
		out.tables = append(out.tables, t)
	}

	// CloudStack VPCs.
	for i := range vpcs {
		v := &vpcs[i]
		vid := ec2ID(pVPC, v.ID)
		id := pRouteTable + "-" + suffix(vid)
		t := routeTableItem{RouteTableID: id, VpcID: vid, OwnerID: owner, Routes: []routeItem{localRoute(v.CIDR)},
			Associations: []rtbAssocItem{{RouteTableAssociationID: pRouteTableAssoc + "-" + suffix(vid), RouteTableID: id,
				Main: true, State: "associated"}},
			Tags: []tagItem{}, tags: translate.Tags{}}
		if translate.HasService(v.Services, "SourceNat") {
			igw := ec2ID(pInternetGateway, v.ID)
			t.Routes = append(t.Routes, internetRoute(igw))
			out.igws = append(out.igws, internetGatewayItem{InternetGatewayID: igw, OwnerID: owner,
				Attachments: []igwAttachmentItem{{VpcID: vid, State: "available"}}, Tags: []tagItem{}, tags: translate.Tags{}})
		}
		for j := range routes {
			if routes[j].VPCID == v.ID {
				t.Routes = append(t.Routes, staticRouteItem(&routes[j], hops))
			}
		}
		for j := range nets {
			if nets[j].VPCID == v.ID {
				sub := ec2ID(pSubnet, nets[j].ID)
				t.Associations = append(t.Associations, rtbAssocItem{RouteTableAssociationID: pRouteTableAssoc + "-" + suffix(sub),
					RouteTableID: id, SubnetID: sub, State: "associated"})
			}
		}
		out.tables = append(out.tables, t)
	}
	return out, nil
}

// checkIDs refuses ids without the prefix (Malformed) or naming nothing
// (NotFound), in EC2's words for the resource.
func checkIDs(ids []string, prefix, malformed, notFound, what string, exists func(string) bool) error {
	for _, id := range ids {
		if !strings.HasPrefix(id, prefix+"-") || len(id) <= len(prefix)+1 {
			return apiErrf(malformed, "Invalid id: \"%s\" (expecting \"%s-...\")", id, prefix)
		}
	}
	for _, id := range ids {
		if !exists(id) {
			return apiErrf(notFound, "The %s ID '%s' does not exist", what, id)
		}
	}
	return nil
}

// byIDs is the items of all that ids name (all of them without ids),
// after checkIDs: a malformed or unknown id is the error.
func byIDs[T any](all []T, idOf func(T) string, ids []string, prefix, malformed, notFound, what string) ([]T, error) {
	have := make(map[string]bool, len(all))
	for _, x := range all {
		have[idOf(x)] = true
	}
	if err := checkIDs(ids, prefix, malformed, notFound, what, func(id string) bool { return have[id] }); err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return all, nil
	}
	var out []T
	for _, x := range all {
		if contains(ids, idOf(x)) {
			out = append(out, x)
		}
	}
	return out, nil
}

type describeRouteTablesResp struct {
	meta
	RouteTables []routeTableItem `xml:"routeTableSet>item"`
	NextToken   string           `xml:"nextToken,omitempty"`
}

func (s *server) describeRouteTables(r *request) (response, error) {
	fs, pg, err := r.q.listArgs(5, 100)
	if err != nil {
		return nil, err
	}
	ids := r.q.list("RouteTableId")
	rt, err := s.routing(r)
	if err != nil {
		return nil, err
	}
	items, err := byIDs(rt.tables, func(t routeTableItem) string { return t.RouteTableID }, ids,
		pRouteTable, "InvalidRouteTableId.Malformed", "InvalidRouteTableID.NotFound", "route table")
	if err != nil {
		return nil, err
	}
	assoc := func(get func(a rtbAssocItem) string) func(x routeTableItem) []string {
		return func(x routeTableItem) []string {
			var out []string
			for _, a := range x.Associations {
				if v := get(a); v != "" {
					out = append(out, v)
				}
			}
			return out
		}
	}
	route := func(get func(r routeItem) string) func(x routeTableItem) []string {
		return func(x routeTableItem) []string {
			var out []string
			for _, rr := range x.Routes {
				if v := get(rr); v != "" {
					out = append(out, v)
				}
			}
			return out
		}
	}
	items, err = applyFilters(items, fs, fields[routeTableItem]{
		"route-table-id":                         func(x routeTableItem) []string { return one(x.RouteTableID) },
		"vpc-id":                                 func(x routeTableItem) []string { return one(x.VpcID) },
		"owner-id":                               func(x routeTableItem) []string { return one(x.OwnerID) },
		"association.route-table-association-id": assoc(func(a rtbAssocItem) string { return a.RouteTableAssociationID }),
		"association.route-table-id":             assoc(func(a rtbAssocItem) string { return a.RouteTableID }),
		"association.subnet-id":                  assoc(func(a rtbAssocItem) string { return a.SubnetID }),
		"association.main":                       assoc(func(a rtbAssocItem) string { return boolStr(a.Main) }),
		"route.destination-cidr-block":           route(func(r routeItem) string { return r.DestinationCidrBlock }),
		"route.gateway-id":                       route(func(r routeItem) string { return r.GatewayID }),
		"route.instance-id":                      route(func(r routeItem) string { return r.InstanceID }),
		// Targets CloudStack has no routes to: they match nothing.
		"route.nat-gateway-id":                  none[routeTableItem],
		"route.transit-gateway-id":              none[routeTableItem],
		"route.vpc-peering-connection-id":       none[routeTableItem],
		"route.egress-only-internet-gateway-id": none[routeTableItem],
		"route.destination-ipv6-cidr-block":     none[routeTableItem],
		"route.destination-prefix-list-id":      none[routeTableItem],
		"association.gateway-id":                none[routeTableItem],
		"route.network-interface-id":            route(func(r routeItem) string { return r.NetworkInterfaceID }),
		"route.origin":                          route(func(r routeItem) string { return r.Origin }),
		"route.state":                           route(func(r routeItem) string { return r.State }),
	}, func(x routeTableItem) translate.Tags { return x.tags })
	if err != nil {
		return nil, err
	}
	page, next := paginate(items, func(x routeTableItem) string { return x.RouteTableID }, pg)
	return &describeRouteTablesResp{RouteTables: page, NextToken: next}, nil
}

type describeInternetGatewaysResp struct {
	meta
	InternetGateways []internetGatewayItem `xml:"internetGatewaySet>item"`
	NextToken        string                `xml:"nextToken,omitempty"`
}

func (s *server) describeInternetGateways(r *request) (response, error) {
	fs, pg, err := r.q.listArgs(5, 1000)
	if err != nil {
		return nil, err
	}
	ids := r.q.list("InternetGatewayId")
	rt, err := s.routing(r)
	if err != nil {
		return nil, err
	}
	items, err := byIDs(rt.igws, func(g internetGatewayItem) string { return g.InternetGatewayID }, ids,
		pInternetGateway, "InvalidInternetGatewayId.Malformed", "InvalidInternetGatewayID.NotFound", "internet gateway")
	if err != nil {
		return nil, err
	}
	att := func(get func(a igwAttachmentItem) string) func(x internetGatewayItem) []string {
		return func(x internetGatewayItem) []string {
			var out []string
			for _, a := range x.Attachments {
				out = append(out, get(a))
			}
			return out
		}
	}
	items, err = applyFilters(items, fs, fields[internetGatewayItem]{
		"internet-gateway-id": func(x internetGatewayItem) []string { return one(x.InternetGatewayID) },
		"owner-id":            func(x internetGatewayItem) []string { return one(x.OwnerID) },
		"attachment.vpc-id":   att(func(a igwAttachmentItem) string { return a.VpcID }),
		"attachment.state":    att(func(a igwAttachmentItem) string { return a.State }),
	}, func(x internetGatewayItem) translate.Tags { return x.tags })
	if err != nil {
		return nil, err
	}
	page, next := paginate(items, func(x internetGatewayItem) string { return x.InternetGatewayID }, pg)
	return &describeInternetGatewaysResp{InternetGateways: page, NextToken: next}, nil
}
