package gcecompat

import (
	"context"
	"strings"

	"github.com/cloudgate/cloudgate/translate"
	"github.com/gin-gonic/gin"
)

// GCE networks are of two kinds here:
//
//   - "default" stands for the caller's CloudStack guest networks outside
//     VPCs; each of them is a subnetwork of it in the gateway's region. It
//     cannot be created or deleted.
//   - every CloudStack VPC is a custom-mode network of the same name
//     (gceName of the VPC name); its tiers are its subnetworks.
//     networks.insert with autoCreateSubnetworks false creates a VPC
//     (createVPC, super-CIDR customNetworkCIDR) in the first Advanced zone
//     without security groups; subnetworks.insert creates tiers in it
//     (subnetworks.go). In auto mode (gcloud's default) the VPC gets
//     autoNetworkCIDR and, as GCE gives an auto network one subnetwork per
//     region, one tier named after the network with autoSubnetCIDR (the
//     gateway has one region); the VPC's reserved tag tagAutoMode reads it
//     back. An auto network's subnetwork goes with the network. CloudStack lets users create neither in zones with
//     security groups (NetworkServiceImpl.createGuestNetwork: only shared
//     networks there), so there insert answers 501.
//
// A network's description is kept in the VPC's reserved tag tagDesc.

// customNetworkCIDR is the CloudStack super-CIDR of the VPC behind a
// custom-mode network. GCE custom networks have no range of their own;
// CloudStack needs one, RFC 1918 (VpcManagerImpl.createVpc:
// NetUtils.validateGuestCidr), that holds every tier
// (VpcManagerImpl.validateNewVpcGuestNetwork), so subnetworks of such a
// network must lie in it.
const customNetworkCIDR = "10.0.0.0/8"

// GCE auto mode: subnetworks come from 10.128.0.0/9, a /20 per region
// (the gateway's one region gets the first).
const (
	autoNetworkCIDR = "10.128.0.0/9"
	autoSubnetCIDR  = "10.128.0.0/20"
	tagAutoMode     = translate.ReservedTagPrefix + "gce-auto-mode"
)

// isAuto reports whether a VPC was made as an auto-mode network.
func isAuto(vpc *translate.VPC) bool { return vpc.Tags[tagAutoMode] == "true" }

// autoSubnetwork is the subnetwork an auto network made for itself (nil
// if gone).
func (v *netView) autoSubnetwork(vpc *translate.VPC) *translate.Network {
	if !isAuto(vpc) {
		return nil
	}
	for _, n := range v.subnetworks(v.vpcName[vpc.ID]) {
		if gceName(n.Name) == v.vpcName[vpc.ID] && n.CIDR == autoSubnetCIDR {
			return n
		}
	}
	return nil
}

func (n *wireNetwork) sortName() string    { return n.Name }
func (n *wireNetwork) sortTime() string    { return n.CreationTimestamp }
func (n *wireSubnetwork) sortName() string { return n.Name }
func (n *wireSubnetwork) sortTime() string { return n.CreationTimestamp }

// netView is the caller's CloudStack networks and VPCs as GCE networks
// and subnetworks (two CloudStack calls, listVPCs only when a zone can
// have VPCs).
type netView struct {
	vpcs    []translate.VPC
	nets    []translate.Network
	vpcName map[string]string // VPC id -> GCE network name
}

func (s *server) loadNetView(ctx context.Context) (*netView, error) {
	return s.loadNetViewOf(ctx, false)
}

// loadNetViewOf is loadNetView; with tiersOnly it lists VPCs only when a
// network is a VPC tier (enough to name instances' networks).
func (s *server) loadNetViewOf(ctx context.Context, tiersOnly bool) (*netView, error) {
	nets, err := s.svc.Networks(ctx, translate.NetworkQuery{})
	if err != nil {
		return nil, err
	}
	v := &netView{nets: nets, vpcName: map[string]string{}}
	zones, err := s.svc.Zones(ctx)
	if err != nil {
		return nil, err
	}
	vpcZones, tiers := false, false
	for _, z := range zones {
		vpcZones = vpcZones || !z.SecurityGroups
	}
	for _, n := range nets {
		tiers = tiers || n.VPCID != ""
	}
	if !vpcZones || tiersOnly && !tiers {
		return v, nil // no VPC to show
	}
	if v.vpcs, err = s.svc.VPCs(ctx, nil); err != nil {
		return nil, err
	}
	used := map[string]bool{"default": true}
	for _, vpc := range v.vpcs {
		name := gceName(vpc.Name)
		if used[name] {
			// Two VPCs with the same GCE name (or one called "default"):
			// the later one (by name, then id) gets its id's prefix.
			name = strings.TrimRight(gceName(name+"-"+vpc.ID), "-")
		}
		used[name] = true
		v.vpcName[vpc.ID] = name
	}
	return v, nil
}

// networkOf is the GCE network name of a CloudStack network.
func (v *netView) networkOf(n *translate.Network) string {
	if name := v.vpcName[n.VPCID]; n.VPCID != "" && name != "" {
		return name
	}
	return "default"
}

// vpcByName finds the VPC behind a custom network.
func (v *netView) vpcByName(name string) *translate.VPC {
	for i := range v.vpcs {
		if v.vpcName[v.vpcs[i].ID] == name {
			return &v.vpcs[i]
		}
	}
	return nil
}

// subnetworks returns the subnetworks of network ("" for all), in
// CloudStack's order (by name, then id).
func (v *netView) subnetworks(network string) []*translate.Network {
	var out []*translate.Network
	for i := range v.nets {
		if network == "" || v.networkOf(&v.nets[i]) == network {
			out = append(out, &v.nets[i])
		}
	}
	return out
}

// subnetwork finds a subnetwork by GCE name.
func (v *netView) subnetwork(name string) *translate.Network {
	for i := range v.nets {
		if gceName(v.nets[i].Name) == name {
			return &v.nets[i]
		}
	}
	return nil
}

func (s *server) wireSubnetwork(project string, v *netView, n *translate.Network) *wireSubnetwork {
	desc := n.DisplayText
	if d, ok := n.Tags[tagDesc]; ok {
		desc = d
	} else if n.VPCID != "" && desc == n.Name {
		desc = ""
	}
	return &wireSubnetwork{
		Kind: "compute#subnetwork", ID: numericID(n.ID), Name: gceName(n.Name), Description: desc,
		Network: s.global(project, "networks", v.networkOf(n)), IPCidrRange: n.CIDR, GatewayAddress: n.Gateway,
		Region: s.regionLink(project), Fingerprint: fingerprint("subnet", n.ID, n.CIDR), StackType: "IPV4_ONLY",
		Purpose: "PRIVATE", PrivateIPGoogleAccess: false,
		SelfLink: s.regional(project, "subnetworks", gceName(n.Name)),
	}
}

func (s *server) defaultNetwork(project string, v *netView) *wireNetwork {
	n := &wireNetwork{
		Kind: "compute#network", ID: numericID("network:" + project + "/default"), Name: "default",
		Description: "The caller's CloudStack guest networks", SelfLink: s.global(project, "networks", "default"),
		RoutingConfig: map[string]string{"routingMode": "REGIONAL"}, MTU: 1460,
	}
	for _, sn := range v.subnetworks("default") {
		n.Subnetworks = append(n.Subnetworks, s.regional(project, "subnetworks", gceName(sn.Name)))
	}
	return n
}

func (s *server) vpcNetwork(project string, v *netView, vpc *translate.VPC) *wireNetwork {
	name := v.vpcName[vpc.ID]
	desc := vpc.DisplayText
	if d, ok := vpc.Tags[tagDesc]; ok {
		desc = d
	} else if desc == vpc.Name {
		desc = ""
	}
	n := &wireNetwork{
		Kind: "compute#network", ID: numericID(vpc.ID), Name: name, Description: desc,
		SelfLink: s.global(project, "networks", name), AutoCreateSubnetworks: isAuto(vpc),
		RoutingConfig: map[string]string{"routingMode": "REGIONAL"},
	}
	for _, sn := range v.subnetworks(name) {
		n.Subnetworks = append(n.Subnetworks, s.regional(project, "subnetworks", gceName(sn.Name)))
	}
	return n
}

// networks is every GCE network, "default" first, then the VPCs.
func (s *server) networks(project string, v *netView) []*wireNetwork {
	out := []*wireNetwork{s.defaultNetwork(project, v)}
	for i := range v.vpcs {
		out = append(out, s.vpcNetwork(project, v, &v.vpcs[i]))
	}
	return out
}

func networkPath(project, name string) string {
	return "projects/" + project + "/global/networks/" + name
}

func (s *server) listNetworks(c *gin.Context) (any, error) {
	lp, err := parseListParams(c)
	if err != nil {
		return nil, err
	}
	project := c.Param("project")
	v, err := s.loadNetView(c.Request.Context())
	if err != nil {
		return nil, err
	}
	pg, next := page(s.networks(project, v), lp)
	return s.list("compute#networkList", s.projectLink(project)+"/global/networks", pg, next), nil
}

func (s *server) getNetwork(c *gin.Context) (any, error) {
	project, name := c.Param("project"), c.Param("network")
	v, err := s.loadNetView(c.Request.Context())
	if err != nil {
		return nil, err
	}
	if name == "default" {
		return s.defaultNetwork(project, v), nil
	}
	vpc := v.vpcByName(name)
	if vpc == nil {
		return nil, notFound(translate.ResNetwork, networkPath(project, name))
	}
	return s.vpcNetwork(project, v, vpc), nil
}

// networkInsert is the body of networks.insert. Fields of Google's Network
// schema that are not here are refused by bindJSON, naming them.
type networkInsert struct {
	Name                  string `json:"name"`
	Description           string `json:"description"`
	AutoCreateSubnetworks *bool  `json:"autoCreateSubnetworks"`
	IPv4Range             string `json:"IPv4Range"`
	GatewayIPv4           string `json:"gatewayIPv4"`
	RoutingConfig         *struct {
		RoutingMode string `json:"routingMode"`
	} `json:"routingConfig"`
	MTU                                   int    `json:"mtu"`
	NetworkFirewallPolicyEnforcementOrder string `json:"networkFirewallPolicyEnforcementOrder"`
}

func (r *networkInsert) validate() error {
	if err := checkName("resource.name", r.Name); err != nil {
		return err
	}
	switch {
	case r.IPv4Range != "" || r.GatewayIPv4 != "":
		return unsupportedValue("resource.IPv4Range", r.IPv4Range, "Legacy networks are not supported by this gateway; create an auto- or custom-mode network.")
	case r.RoutingConfig != nil && r.RoutingConfig.RoutingMode != "" && r.RoutingConfig.RoutingMode != "REGIONAL":
		return unsupportedValue("resource.routingConfig.routingMode", r.RoutingConfig.RoutingMode, "CloudStack VPCs route within their zone only: only REGIONAL routing is supported.")
	case r.MTU != 0:
		return unsupportedValue("resource.mtu", r.MTU, "The MTU of a network cannot be chosen here: CloudStack sets the MTU of VPC tiers (vr.private.interface.max.mtu).")
	case r.NetworkFirewallPolicyEnforcementOrder != "" && r.NetworkFirewallPolicyEnforcementOrder != "AFTER_CLASSIC_FIREWALL":
		return unsupportedValue("resource.networkFirewallPolicyEnforcementOrder", r.NetworkFirewallPolicyEnforcementOrder, "Network firewall policies are not supported by this gateway.")
	}
	return nil
}

// vpcZone picks the CloudStack zone of a new custom network: the first
// Advanced zone without security groups, else the first zone (where
// translate answers CloudStack's refusal).
func (s *server) vpcZone(ctx context.Context) (*translate.Zone, error) {
	zones, err := s.svc.Zones(ctx)
	if err != nil {
		return nil, err
	}
	if len(zones) == 0 {
		return nil, translate.Errorf(translate.Unavailable, translate.ResZone, "", "No zone is available.")
	}
	for i := range zones {
		if !zones[i].SecurityGroups && strings.EqualFold(zones[i].NetworkType, "Advanced") {
			return &zones[i], nil
		}
	}
	return &zones[0], nil
}

func (s *server) insertNetwork(c *gin.Context) (any, error) {
	var req networkInsert
	if err := bindJSON(c, &req); err != nil {
		return nil, err
	}
	if err := req.validate(); err != nil {
		return nil, err
	}
	ctx, project := c.Request.Context(), c.Param("project")
	v, err := s.loadNetView(ctx)
	if err != nil {
		return nil, err
	}
	if req.Name == "default" || v.vpcByName(req.Name) != nil {
		return nil, translate.Errorf(translate.AlreadyExists, translate.ResNetwork, req.Name,
			"The resource '%s' already exists", networkPath(project, req.Name))
	}
	auto := req.AutoCreateSubnetworks == nil || *req.AutoCreateSubnetworks
	if auto && v.subnetwork(req.Name) != nil {
		return nil, translate.Errorf(translate.AlreadyExists, translate.ResNetwork, req.Name,
			"The resource '%s' already exists", subnetworkPath(project, s.region, req.Name))
	}
	z, err := s.vpcZone(ctx)
	if err != nil {
		return nil, err
	}
	spec := translate.VPCSpec{Name: req.Name, DisplayText: req.Description, ZoneID: z.ID, CIDR: customNetworkCIDR, Tags: translate.Tags{}}
	if req.Description != "" {
		spec.Tags[tagDesc] = req.Description
	}
	if auto {
		spec.CIDR, spec.Tags[tagAutoMode] = autoNetworkCIDR, "true"
	}
	vpc, err := s.svc.CreateVPC(ctx, spec)
	if err != nil {
		return nil, err
	}
	if auto {
		// The region's subnetwork; without it the network is not made.
		if _, err := s.svc.CreateNetwork(ctx, translate.NetworkSpec{Name: req.Name, ZoneID: vpc.ZoneID, CIDR: autoSubnetCIDR, VPCID: vpc.ID}); err != nil {
			if derr := s.svc.DeleteVPC(ctx, vpc.ID); derr != nil {
				s.log.Warn("cannot roll back an auto-mode network's VPC", "vpc", vpc.ID, "err", derr)
			}
			return nil, err
		}
	}
	return s.done(c, newOp("insert", "", "networks", req.Name, vpc.ID))
}

func (s *server) deleteNetwork(c *gin.Context) (any, error) {
	ctx, project, name := c.Request.Context(), c.Param("project"), c.Param("network")
	v, err := s.loadNetView(ctx)
	if err != nil {
		return nil, err
	}
	if name == "default" {
		return nil, invalid("Invalid value for field 'network': 'default'. The network 'default' stands for this cloud's CloudStack guest networks outside VPCs; it cannot be deleted.")
	}
	vpc := v.vpcByName(name)
	if vpc == nil {
		return nil, notFound(translate.ResNetwork, networkPath(project, name))
	}
	auto := v.autoSubnetwork(vpc)
	for _, sub := range v.subnetworks(name) {
		if sub != auto {
			return nil, translate.Errorf(translate.InUse, translate.ResNetwork, vpc.ID,
				"The network resource '%s' is already being used by '%s'", networkPath(project, name),
				subnetworkPath(project, s.region, gceName(sub.Name)))
		}
	}
	if auto != nil {
		// GCE deletes an auto network's subnetworks with it.
		if err := s.svc.DeleteNetwork(ctx, auto.ID); err != nil {
			return nil, subnetworkInUse(err, project, s.region, gceName(auto.Name), auto.ID)
		}
	}
	if err := s.svc.DeleteVPC(ctx, vpc.ID); err != nil {
		return nil, err
	}
	return s.done(c, newOp("delete", "", "networks", name, vpc.ID))
}

// checkFirewallNetwork refuses firewalls on custom networks. Firewalls map
// onto security groups (firewalls.go); the VPC tiers behind a custom
// network take no security groups: CloudStack filters them with network
// ACLs (NetworkACLManagerImpl), so such a firewall would filter nothing.
func (s *server) checkFirewallNetwork(ctx context.Context, project, network string) error {
	name := lastSegment(network)
	if network == "" || name == "default" {
		return nil
	}
	v, err := s.loadNetView(ctx)
	if err != nil {
		return err
	}
	if v.vpcByName(name) == nil {
		return notFound(translate.ResNetwork, networkPath(project, name))
	}
	return unsupportedValue("resource.network", network, "Firewalls on network '"+name+
		"' are not supported by this gateway: its subnetworks are CloudStack VPC tiers, which CloudStack filters with network ACLs, not with the security groups that firewalls map onto.")
}
