package gcecompat

import (
	"context"

	"github.com/cloudgate/cloudgate/translate"
	"github.com/gin-gonic/gin"
)

// The GCE network "default" stands for the caller's CloudStack guest
// networks; each of them is a subnetwork of it in the gateway's region.
// Creating networks is not supported.

func (n *wireNetwork) sortName() string    { return n.Name }
func (n *wireNetwork) sortTime() string    { return n.CreationTimestamp }
func (n *wireSubnetwork) sortName() string { return n.Name }
func (n *wireSubnetwork) sortTime() string { return n.CreationTimestamp }

func (s *server) subnetworks(ctx context.Context, project string) ([]*wireSubnetwork, error) {
	nets, err := s.svc.Networks(ctx, translate.NetworkQuery{})
	if err != nil {
		return nil, err
	}
	var out []*wireSubnetwork
	for _, n := range nets {
		out = append(out, &wireSubnetwork{
			Kind: "compute#subnetwork", ID: numericID(n.ID), Name: gceName(n.Name), Description: n.DisplayText,
			Network: s.global(project, "networks", "default"), IPCidrRange: n.CIDR, GatewayAddress: n.Gateway,
			Region: s.regionLink(project), Fingerprint: fingerprint("subnet", n.ID, n.CIDR), StackType: "IPV4_ONLY",
			SelfLink: s.regional(project, "subnetworks", gceName(n.Name)),
		})
	}
	return out, nil
}

func (s *server) defaultNetwork(ctx context.Context, project string) (*wireNetwork, error) {
	subs, err := s.subnetworks(ctx, project)
	if err != nil {
		return nil, err
	}
	n := &wireNetwork{
		Kind: "compute#network", ID: numericID("network:" + project + "/default"), Name: "default",
		Description: "The caller's CloudStack guest networks", SelfLink: s.global(project, "networks", "default"),
		RoutingConfig: map[string]string{"routingMode": "REGIONAL"}, MTU: 1460,
	}
	for _, sn := range subs {
		n.Subnetworks = append(n.Subnetworks, sn.SelfLink)
	}
	return n, nil
}

func (s *server) listNetworks(c *gin.Context) (any, error) {
	lp, err := parseListParams(c)
	if err != nil {
		return nil, err
	}
	project := c.Param("project")
	n, err := s.defaultNetwork(c.Request.Context(), project)
	if err != nil {
		return nil, err
	}
	pg, next := page([]*wireNetwork{n}, lp)
	return s.list("compute#networkList", s.projectLink(project)+"/global/networks", pg, next), nil
}

func (s *server) getNetwork(c *gin.Context) (any, error) {
	project := c.Param("project")
	if c.Param("network") != "default" {
		return nil, notFound(translate.ResNetwork, "projects/"+project+"/global/networks/"+c.Param("network"))
	}
	return s.defaultNetwork(c.Request.Context(), project)
}

func (s *server) insertNetwork(c *gin.Context) (any, error) {
	return nil, unimplementedf("Creating networks is not supported; use the 'default' network.")
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
	subs, err := s.subnetworks(c.Request.Context(), project)
	if err != nil {
		return nil, err
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
	subs, err := s.subnetworks(c.Request.Context(), project)
	if err != nil {
		return nil, err
	}
	var items []scoped[*wireSubnetwork]
	for _, sn := range subs {
		items = append(items, scoped[*wireSubnetwork]{scope: "regions/" + s.region, item: sn})
	}
	lp.scopes = s.scopes(c.Request.Context())
	return aggregate("compute#subnetworkAggregatedList", s.projectLink(project)+"/aggregated/subnetworks", "subnetworks", items, lp), nil
}

func (s *server) getSubnetwork(c *gin.Context) (any, error) {
	if err := s.checkRegion(c); err != nil {
		return nil, err
	}
	project := c.Param("project")
	subs, err := s.subnetworks(c.Request.Context(), project)
	if err != nil {
		return nil, err
	}
	for _, sn := range subs {
		if sn.Name == c.Param("subnetwork") {
			return sn, nil
		}
	}
	return nil, notFound(translate.ResNetwork, "projects/"+project+"/regions/"+s.region+"/subnetworks/"+c.Param("subnetwork"))
}
