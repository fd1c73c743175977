package gcecompat

import (
	"errors"
	"fmt"
	"net"

	"github.com/cloudgate/cloudgate/translate"
	"github.com/gin-gonic/gin"
)

// Subnetworks are CloudStack guest networks in the gateway's one region: a
// custom network's subnetworks are its VPC's tiers, the subnetworks of
// "default" are the networks outside VPCs (networks.go). insert creates a
// tier (createNetwork with vpcid, gateway and netmask from ipCidrRange) or,
// on "default", an isolated network with that CIDR; delete deletes the
// CloudStack network (400 resourceInUseByAnotherResource while instances
// use it). expandIpCidrRange is refused: CloudStack cannot widen a
// network's CIDR (NetworkServiceImpl.updateGuestNetwork: guestvmcidr must
// be a subset of the network CIDR; it only narrows the range VMs get).

func subnetworkPath(project, region, name string) string {
	return "projects/" + project + "/regions/" + region + "/subnetworks/" + name
}

func (s *server) listSubnetworks(c *gin.Context) (any, error) {
	if err := s.checkRegion(c); err != nil {
		return nil, err
	}
	lp, err := parseListParams(c)
	if err != nil {
		return nil, err
	}
	project := c.Param("project")
	v, err := s.loadNetView(c.Request.Context())
	if err != nil {
		return nil, err
	}
	var subs []*wireSubnetwork
	for _, n := range v.subnetworks("") {
		subs = append(subs, s.wireSubnetwork(project, v, n))
	}
	pg, next := page(subs, lp)
	return s.list("compute#subnetworkList", s.regionLink(project)+"/subnetworks", pg, next), nil
}

func (s *server) aggregatedSubnetworks(c *gin.Context) (any, error) {
	lp, err := parseListParams(c)
	if err != nil {
		return nil, err
	}
	project := c.Param("project")
	v, err := s.loadNetView(c.Request.Context())
	if err != nil {
		return nil, err
	}
	var items []scoped[*wireSubnetwork]
	for _, n := range v.subnetworks("") {
		items = append(items, scoped[*wireSubnetwork]{scope: "regions/" + s.region, item: s.wireSubnetwork(project, v, n)})
	}
	lp.scopes = s.scopes(c.Request.Context())
	return aggregate("compute#subnetworkAggregatedList", s.projectLink(project)+"/aggregated/subnetworks", "subnetworks", items, lp), nil
}

func (s *server) getSubnetwork(c *gin.Context) (any, error) {
	if err := s.checkRegion(c); err != nil {
		return nil, err
	}
	project := c.Param("project")
	v, err := s.loadNetView(c.Request.Context())
	if err != nil {
		return nil, err
	}
	n := v.subnetwork(c.Param("subnetwork"))
	if n == nil {
		return nil, notFound(translate.ResNetwork, subnetworkPath(project, s.region, c.Param("subnetwork")))
	}
	return s.wireSubnetwork(project, v, n), nil
}

// subnetworkInsert is the body of subnetworks.insert; other fields of
// Google's Subnetwork schema are refused by bindJSON, naming them.
type subnetworkInsert struct {
	Name                    string `json:"name"`
	Description             string `json:"description"`
	Network                 string `json:"network"`
	IPCidrRange             string `json:"ipCidrRange"`
	Region                  string `json:"region"`
	PrivateIPGoogleAccess   bool   `json:"privateIpGoogleAccess"`
	PrivateIpv6GoogleAccess string `json:"privateIpv6GoogleAccess"`
	StackType               string `json:"stackType"`
	Purpose                 string `json:"purpose"`
	EnableFlowLogs          bool   `json:"enableFlowLogs"`
	SecondaryIPRanges       []any  `json:"secondaryIpRanges"`
	LogConfig               *struct {
		Enable bool `json:"enable"`
	} `json:"logConfig"`
}

func (r *subnetworkInsert) validate(region string) error {
	if err := checkName("resource.name", r.Name); err != nil {
		return err
	}
	switch {
	case r.Network == "":
		return invalid("Invalid value for field 'resource.network': ''. The network of a subnetwork is required.")
	case r.IPCidrRange == "":
		return invalid("Invalid value for field 'resource.ipCidrRange': ''. An IP range is required.")
	case r.Region != "" && lastSegment(r.Region) != region:
		return unsupportedValue("resource.region", r.Region, "The region must be the one of the request, '"+region+"'.")
	case r.PrivateIPGoogleAccess:
		return unsupportedValue("resource.privateIpGoogleAccess", true, "CloudStack guests cannot reach Google APIs privately.")
	case r.PrivateIpv6GoogleAccess != "" && r.PrivateIpv6GoogleAccess != "DISABLE_GOOGLE_ACCESS":
		return unsupportedValue("resource.privateIpv6GoogleAccess", r.PrivateIpv6GoogleAccess, "CloudStack guests cannot reach Google APIs privately.")
	case r.StackType != "" && r.StackType != "IPV4_ONLY":
		return unsupportedValue("resource.stackType", r.StackType, "Only IPV4_ONLY subnetworks are supported by this gateway.")
	case r.Purpose != "" && r.Purpose != "PRIVATE":
		return unsupportedValue("resource.purpose", r.Purpose, "Only PRIVATE subnetworks are supported by this gateway.")
	case r.EnableFlowLogs || r.LogConfig != nil && r.LogConfig.Enable:
		return unsupportedValue("resource.logConfig.enable", true, "CloudStack keeps no VPC flow logs.")
	case len(r.SecondaryIPRanges) > 0:
		return unsupportedValue("resource.secondaryIpRanges", len(r.SecondaryIPRanges), "CloudStack networks have one IP range: secondary ranges are not supported.")
	}
	return checkCIDR("resource.ipCidrRange", r.IPCidrRange)
}

// checkCIDR validates a subnetwork range as GCE does: canonical IPv4, at
// most /29.
func checkCIDR(field, cidr string) error {
	ip, n, err := net.ParseCIDR(cidr)
	if err != nil || ip.To4() == nil {
		return invalid("Invalid value for field '%s': '%s'. Invalid IPCidrRange: %s is not a valid IPv4 CIDR range.", field, cidr, cidr)
	}
	if !ip.Equal(n.IP) {
		return invalid("Invalid value for field '%s': '%s'. Invalid IPCidrRange: %s conflicts with its own network address; use %s.", field, cidr, cidr, n.String())
	}
	if ones, _ := n.Mask.Size(); ones > 29 || ones < 8 {
		return invalid("Invalid value for field '%s': '%s'. Invalid IPCidrRange: the prefix length must be between /8 and /29.", field, cidr)
	}
	return nil
}

// cidrWithin reports whether CIDR a lies within CIDR b.
func cidrWithin(a, b string) bool {
	_, na, errA := net.ParseCIDR(a)
	_, nb, errB := net.ParseCIDR(b)
	if errA != nil || errB != nil {
		return false
	}
	oa, _ := na.Mask.Size()
	ob, _ := nb.Mask.Size()
	return oa >= ob && nb.Contains(na.IP)
}

func cidrOverlap(a, b string) bool { return cidrWithin(a, b) || cidrWithin(b, a) }

func (s *server) insertSubnetwork(c *gin.Context) (any, error) {
	if err := s.checkRegion(c); err != nil {
		return nil, err
	}
	var req subnetworkInsert
	if err := bindJSON(c, &req); err != nil {
		return nil, err
	}
	if err := req.validate(s.region); err != nil {
		return nil, err
	}
	ctx, project := c.Request.Context(), c.Param("project")
	v, err := s.loadNetView(ctx)
	if err != nil {
		return nil, err
	}
	if v.subnetwork(req.Name) != nil {
		return nil, translate.Errorf(translate.AlreadyExists, translate.ResNetwork, req.Name,
			"The resource '%s' already exists", subnetworkPath(project, s.region, req.Name))
	}
	network := lastSegment(req.Network)
	spec := translate.NetworkSpec{Name: req.Name, DisplayText: req.Description, CIDR: req.IPCidrRange}
	if req.Description != "" {
		spec.Tags = translate.Tags{tagDesc: req.Description}
	}
	if network == "default" {
		z, err := s.vpcZone(ctx)
		if err != nil {
			return nil, err
		}
		spec.ZoneID = z.ID
	} else {
		vpc := v.vpcByName(network)
		if vpc == nil {
			return nil, notFound(translate.ResNetwork, networkPath(project, network))
		}
		if !cidrWithin(req.IPCidrRange, vpc.CIDR) {
			// VpcManagerImpl.validateNewVpcGuestNetwork: "Network cidr … is
			// not within vpc … cidr".
			return nil, invalid("Invalid value for field 'resource.ipCidrRange': '%s'. Invalid IPCidrRange: %s is not within %s, the range of network '%s' (its CloudStack VPC's CIDR).",
				req.IPCidrRange, req.IPCidrRange, vpc.CIDR, network)
		}
		spec.ZoneID, spec.VPCID = vpc.ZoneID, vpc.ID
	}
	for _, n := range v.subnetworks(network) {
		if cidrOverlap(req.IPCidrRange, n.CIDR) {
			return nil, invalid("Invalid value for field 'resource.ipCidrRange': '%s'. Invalid IPCidrRange: %s conflicts with existing subnetwork '%s' in region '%s'.",
				req.IPCidrRange, req.IPCidrRange, gceName(n.Name), s.region)
		}
	}
	n, err := s.svc.CreateNetwork(ctx, spec)
	if err != nil {
		return nil, err
	}
	o := newOp("insert", "", "subnetworks", req.Name, n.ID)
	o.Region = true
	return s.done(c, o)
}

func (s *server) deleteSubnetwork(c *gin.Context) (any, error) {
	if err := s.checkRegion(c); err != nil {
		return nil, err
	}
	ctx, project, name := c.Request.Context(), c.Param("project"), c.Param("subnetwork")
	v, err := s.loadNetView(ctx)
	if err != nil {
		return nil, err
	}
	n := v.subnetwork(name)
	if n == nil {
		return nil, notFound(translate.ResNetwork, subnetworkPath(project, s.region, name))
	}
	if vpc := v.vpcByName(v.networkOf(n)); vpc != nil && v.autoSubnetwork(vpc) == n {
		return nil, invalid("Invalid resource usage: 'Cannot delete auto subnetwork from an auto subnet mode network.'.")
	}
	if err := s.svc.DeleteNetwork(ctx, n.ID); err != nil {
		return nil, subnetworkInUse(err, project, s.region, name, n.ID)
	}
	o := newOp("delete", "", "subnetworks", name, n.ID)
	o.Region = true
	return s.done(c, o)
}

// expandSubnetwork is subnetworks.expandIpCidrRange. The new range is
// checked as GCE checks it (a strictly larger range holding the current
// one), then refused: CloudStack cannot widen a network's CIDR.
func (s *server) expandSubnetwork(c *gin.Context) (any, error) {
	if err := s.checkRegion(c); err != nil {
		return nil, err
	}
	var req struct {
		IPCidrRange string `json:"ipCidrRange"`
	}
	if err := bindJSON(c, &req); err != nil {
		return nil, err
	}
	ctx, project, name := c.Request.Context(), c.Param("project"), c.Param("subnetwork")
	v, err := s.loadNetView(ctx)
	if err != nil {
		return nil, err
	}
	n := v.subnetwork(name)
	if n == nil {
		return nil, notFound(translate.ResNetwork, subnetworkPath(project, s.region, name))
	}
	if err := checkCIDR("ipCidrRange", req.IPCidrRange); err != nil {
		return nil, err
	}
	if !cidrWithin(n.CIDR, req.IPCidrRange) || req.IPCidrRange == n.CIDR {
		return nil, invalid("Invalid value for field 'ipCidrRange': '%s'. Invalid IPCidrRange: the new range must be larger than and contain the current range %s.", req.IPCidrRange, n.CIDR)
	}
	return nil, unimplementedf("%s", fmt.Sprintf("Expanding subnetwork '%s' is not supported: it is a CloudStack network (%s), whose CIDR cannot be widened (updateNetwork guestvmcidr only narrows the range VMs get within it).", name, n.CIDR))
}

// subnetworkInUse words CloudStack's in-use refusal of a network delete as
// GCE does for a subnetwork.
func subnetworkInUse(err error, project, region, name, id string) error {
	var e *translate.Error
	if errors.As(err, &e) && e.Kind == translate.InUse {
		return translate.Errorf(translate.InUse, translate.ResNetwork, id,
			"The subnetwork resource '%s' is already being used by an instance (%s)", subnetworkPath(project, region, name), e.Message)
	}
	return err
}
