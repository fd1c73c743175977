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
//     whose offering has SourceNat (its virtual router) routes to
//     default-internet-gateway; a shared network (security-group zones,
//     routable guest addresses) routes to its gateway (nextHopIp); others
//     (L2, isolated without SourceNat) get none;
//   - every VPC static route (listStaticRoutes) is a route of the VPC's
//     network to its private gateway's address or next hop (nextHopIp).
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
	var statics []translate.StaticRoute
	gws := map[string]string{} // private gateway id -> its gateway address
	if len(v.vpcs) > 0 {
		if statics, err = s.svc.StaticRoutes(ctx, ""); err != nil {
			return nil, err
		}
		if len(statics) > 0 {
			pgs, err := s.svc.PrivateGateways(ctx, "")
			if err != nil {
				return nil, err
			}
			for _, g := range pgs {
				gws[g.ID] = g.Gateway
			}
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
		case strings.EqualFold(n.Type, "Isolated") && translate.HasService(n.Services, "SourceNat"):
			add("internet:"+n.ID, network, "0.0.0.0/0", "Default route to the Internet from subnetwork "+gceName(n.Name)+
				" (its CloudStack virtual router's source NAT).", 1000, "STATIC", func(r *wireRoute) { r.NextHopGateway = gateway })
		case strings.EqualFold(n.Type, "Shared") && n.Gateway != "":
			add("gateway:"+n.ID, network, "0.0.0.0/0", "Default route through the gateway of subnetwork "+gceName(n.Name)+
				" (a CloudStack shared network).", 1000, "STATIC", func(r *wireRoute) { r.NextHopIP = n.Gateway })
		}
	}
	for _, vpc := range v.vpcs {
		if translate.HasService(vpc.Services, "SourceNat") {
			add("internet:"+vpc.ID, v.vpcName[vpc.ID], "0.0.0.0/0", "Default route to the Internet (the CloudStack VPC router's source NAT).",
				1000, "STATIC", func(r *wireRoute) { r.NextHopGateway = gateway })
		}
	}
	for _, sr := range statics {
		network := v.vpcName[sr.VPCID]
		hop := sr.NextHop
		if hop == "" {
			hop = gws[sr.GatewayID]
		}
		if network == "" || hop == "" {
			continue
		}
		add("static:"+sr.ID, network, sr.CIDR, "CloudStack VPC static route "+sr.CIDR+" via "+hop+".", 1000, "STATIC",
			func(r *wireRoute) { r.NextHopIP = hop })
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
