package gcecompat

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/cloudgate/cloudgate/translate"
	"github.com/gin-gonic/gin"
)

// GCE routes (routes.list and routes.get) are derived from CloudStack's
// networks, never stored:
//
//   - every subnetwork has its subnet route (routeType SUBNET, priority 0,
//     next hop its network): CloudStack routes a network's CIDR on the
//     network itself, and a VPC's tiers to each other through the VPC
//     router;
//   - a network gets a default route (0.0.0.0/0, priority 1000) only where
//     CloudStack gives its guests a way out: a VPC or an isolated network
//     with a source-NAT address (its virtual router) routes to
//     default-internet-gateway; a shared network (security-group zones,
//     routable guest addresses) routes to its gateway (nextHopIp). An
//     isolated network whose router has no source-NAT address yet (not
//     implemented, no VM deployed) or without SourceNat gets none.
//
// Creating and deleting routes is not supported (501): CloudStack's only
// user-made routes are VPC static routes to private gateways, which only
// administrators create.

func (r *wireRoute) sortName() string { return r.Name }
func (r *wireRoute) sortTime() string { return r.CreationTimestamp }

// routeName is GCE's form for generated routes: "default-route-" and 16
// hex digits, here of the key the route derives from.
func routeName(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "default-route-" + hex.EncodeToString(sum[:8])
}

func (s *server) gceRoutes(ctx context.Context, project string) ([]*wireRoute, error) {
	v, err := s.loadNetView(ctx)
	if err != nil {
		return nil, err
	}
	addrs, err := s.svc.Addresses(ctx, translate.AddressQuery{})
	if err != nil {
		return nil, err
	}
	natByNet, natByVPC := map[string]string{}, map[string]string{}
	for _, a := range addrs {
		if !a.SourceNAT {
			continue
		}
		if a.VPCID != "" {
			natByVPC[a.VPCID] = a.IP
		} else if a.NetworkID != "" {
			natByNet[a.NetworkID] = a.IP
		}
	}
	gateway := s.global(project, "gateways", "default-internet-gateway")
	var out []*wireRoute
	add := func(key, network, dest, desc string, prio int, typ string, hop func(*wireRoute)) {
		r := &wireRoute{Kind: "compute#route", ID: numericID("route:" + key), Name: routeName(key), Description: desc,
			Network: s.global(project, "networks", network), DestRange: dest, Priority: prio, RouteType: typ}
		hop(r)
		r.SelfLink = s.global(project, "routes", r.Name)
		out = append(out, r)
	}
	for _, n := range v.nets {
		network := v.networkOf(&n)
		netLink := s.global(project, "networks", network)
		if n.CIDR != "" {
			add("subnet:"+n.ID, network, n.CIDR, "Default local route to the subnetwork "+n.CIDR+".", 0, "SUBNET",
				func(r *wireRoute) { r.NextHopNetwork = netLink })
		}
		if n.VPCID != "" {
			continue // the VPC's default route follows
		}
		switch {
		case natByNet[n.ID] != "":
			add("internet:"+n.ID, network, "0.0.0.0/0", "Default route to the Internet from subnetwork "+gceName(n.Name)+
				" (CloudStack source NAT "+natByNet[n.ID]+").", 1000, "STATIC", func(r *wireRoute) { r.NextHopGateway = gateway })
		case strings.EqualFold(n.Type, "Shared") && n.Gateway != "":
			add("gateway:"+n.ID, network, "0.0.0.0/0", "Default route through the gateway of subnetwork "+gceName(n.Name)+
				" (a CloudStack shared network).", 1000, "STATIC", func(r *wireRoute) { r.NextHopIP = n.Gateway })
		}
	}
	for _, vpc := range v.vpcs {
		if ip := natByVPC[vpc.ID]; ip != "" {
			add("internet:"+vpc.ID, v.vpcName[vpc.ID], "0.0.0.0/0", "Default route to the Internet (CloudStack VPC source NAT "+ip+").",
				1000, "STATIC", func(r *wireRoute) { r.NextHopGateway = gateway })
		}
	}
	return out, nil
}

func (s *server) listRoutes(c *gin.Context) (any, error) {
	lp, err := parseListParams(c)
	if err != nil {
		return nil, err
	}
	project := c.Param("project")
	routes, err := s.gceRoutes(c.Request.Context(), project)
	if err != nil {
		return nil, err
	}
	pg, next := page(routes, lp)
	return s.list("compute#routeList", s.projectLink(project)+"/global/routes", pg, next), nil
}

func (s *server) getRoute(c *gin.Context) (any, error) {
	project := c.Param("project")
	routes, err := s.gceRoutes(c.Request.Context(), project)
	if err != nil {
		return nil, err
	}
	for _, r := range routes {
		if r.Name == c.Param("route") {
			return r, nil
		}
	}
	return nil, notFound(translate.ResNetwork, "projects/"+project+"/global/routes/"+c.Param("route"))
}

func (s *server) changeRoute(c *gin.Context) (any, error) {
	return nil, unimplementedf("Creating and deleting routes is not supported: CloudStack's only user-made routes are VPC static routes through private gateways, which only administrators create.")
}
