package gcecompat

import (
	"context"
	"strings"

	"github.com/cloudgate/cloudgate/translate"
	"github.com/gin-gonic/gin"
)

// Addresses are CloudStack public IPs (not the source-NAT ones) in the one
// region. The GCE name is the reserved tag cloudgate:gce-name; addresses
// without it are named "ip-A-B-C-D".

func (a *wireAddress) sortName() string { return a.Name }
func (a *wireAddress) sortTime() string { return a.CreationTimestamp }

func addressName(a *translate.Address) string {
	if n := a.Tags[tagName]; n != "" {
		return n
	}
	return "ip-" + strings.ReplaceAll(a.IP, ".", "-")
}

func (s *server) wireAddress(project string, a *translate.Address, zones map[string]string) *wireAddress {
	name := addressName(a)
	w := &wireAddress{
		Kind: "compute#address", ID: numericID(a.ID), Name: name, Description: a.Tags[tagDesc],
		CreationTimestamp: timestamp(a.Allocated), Address: a.IP, Status: "RESERVED",
		Region: s.regionLink(project), AddressType: "EXTERNAL", NetworkTier: "PREMIUM",
		SelfLink: s.regional(project, "addresses", name),
	}
	if a.State == "Allocating" {
		w.Status = "RESERVING"
	}
	if a.InstanceID != "" {
		w.Status = "IN_USE"
		w.Users = []string{s.zonal(project, zones[a.ZoneID], "instances", a.InstanceName)}
	}
	return w
}

func (s *server) addresses(ctx context.Context) ([]translate.Address, map[string]string, error) {
	zones, _, err := s.zoneNames(ctx)
	if err != nil {
		return nil, nil, err
	}
	all, err := s.svc.Addresses(ctx, translate.AddressQuery{})
	if err != nil {
		return nil, nil, err
	}
	var out []translate.Address
	for _, a := range all {
		if !a.SourceNAT && a.State != "Releasing" && a.Tags[tagEphemeralFor] == "" {
			out = append(out, a)
		}
	}
	return out, zones, nil
}

func (s *server) addressByName(ctx context.Context, project, name string) (*translate.Address, map[string]string, error) {
	all, zones, err := s.addresses(ctx)
	if err != nil {
		return nil, nil, err
	}
	for i := range all {
		if addressName(&all[i]) == name {
			return &all[i], zones, nil
		}
	}
	return nil, nil, notFound(translate.ResAddress, "projects/"+project+"/regions/"+s.region+"/addresses/"+name)
}

func (s *server) listAddresses(c *gin.Context) (any, error) {
	if err := s.checkRegion(c); err != nil {
		return nil, err
	}
	lp, err := parseListParams(c)
	if err != nil {
		return nil, err
	}
	ctx, project := c.Request.Context(), c.Param("project")
	all, zones, err := s.addresses(ctx)
	if err != nil {
		return nil, err
	}
	items := make([]*wireAddress, 0, len(all))
	for i := range all {
		items = append(items, s.wireAddress(project, &all[i], zones))
	}
	pg, next := page(items, lp)
	return s.list("compute#addressList", s.regionLink(project)+"/addresses", pg, next), nil
}

func (s *server) aggregatedAddresses(c *gin.Context) (any, error) {
	lp, err := parseListParams(c)
	if err != nil {
		return nil, err
	}
	ctx, project := c.Request.Context(), c.Param("project")
	all, zones, err := s.addresses(ctx)
	if err != nil {
		return nil, err
	}
	var items []scoped[*wireAddress]
	for i := range all {
		items = append(items, scoped[*wireAddress]{scope: "regions/" + s.region, item: s.wireAddress(project, &all[i], zones)})
	}
	lp.scopes = s.scopes(c.Request.Context())
	return aggregate("compute#addressAggregatedList", s.projectLink(project)+"/aggregated/addresses", "addresses", items, lp), nil
}

func (s *server) getAddress(c *gin.Context) (any, error) {
	if err := s.checkRegion(c); err != nil {
		return nil, err
	}
	ctx, project := c.Request.Context(), c.Param("project")
	a, zones, err := s.addressByName(ctx, project, c.Param("address"))
	if err != nil {
		return nil, err
	}
	return s.wireAddress(project, a, zones), nil
}

func (s *server) insertAddress(c *gin.Context) (any, error) {
	if err := s.checkRegion(c); err != nil {
		return nil, err
	}
	var req struct {
		Name        string `json:"name"`
		Description string `json:"description"`
		Address     string `json:"address"`
		AddressType string `json:"addressType"`
		NetworkTier string `json:"networkTier"`
		Region      string `json:"region"`
		IPVersion   string `json:"ipVersion"`
		Purpose     string `json:"purpose"`
	}
	if err := bindJSON(c, &req); err != nil {
		return nil, err
	}
	switch {
	case req.NetworkTier != "" && req.NetworkTier != "PREMIUM":
		return nil, unsupportedValue("resource.networkTier", req.NetworkTier, "Only the PREMIUM network tier is supported.")
	case req.IPVersion != "" && req.IPVersion != "IPV4":
		return nil, unsupportedValue("resource.ipVersion", req.IPVersion, "Only IPV4 addresses are supported.")
	case req.Purpose != "":
		return nil, unsupportedValue("resource.purpose", req.Purpose, "Address purposes are not supported by this gateway.")
	}
	if err := checkName("resource.name", req.Name); err != nil {
		return nil, err
	}
	if req.Address != "" {
		return nil, unimplementedf("Reserving a specific address is not supported.")
	}
	if req.AddressType == "INTERNAL" {
		return nil, unimplementedf("Internal addresses are not supported.")
	}
	ctx, project := c.Request.Context(), c.Param("project")
	if _, _, err := s.addressByName(ctx, project, req.Name); err == nil {
		return nil, translate.Errorf(translate.AlreadyExists, translate.ResAddress, req.Name,
			"The resource 'projects/%s/regions/%s/addresses/%s' already exists", project, s.region, req.Name)
	} else if !isNotFound(err) {
		return nil, err
	}
	zones, err := s.svc.Zones(ctx)
	if err != nil {
		return nil, err
	}
	if len(zones) == 0 {
		return nil, translate.Errorf(translate.Unavailable, translate.ResZone, "", "No zone is available.")
	}
	tags := translate.Tags{tagName: req.Name}
	if req.Description != "" {
		tags[tagDesc] = req.Description
	}
	a, err := s.svc.AllocateAddress(ctx, zones[0].ID, "", tags)
	if err != nil {
		return nil, err
	}
	o := newOp("insert", "", "addresses", req.Name, a.ID)
	o.Region = true
	return s.done(c, o)
}

func (s *server) deleteAddress(c *gin.Context) (any, error) {
	if err := s.checkRegion(c); err != nil {
		return nil, err
	}
	ctx, project := c.Request.Context(), c.Param("project")
	a, _, err := s.addressByName(ctx, project, c.Param("address"))
	if err != nil {
		return nil, err
	}
	if err := s.svc.ReleaseAddress(ctx, a.ID); err != nil {
		return nil, err
	}
	o := newOp("delete", "", "addresses", addressName(a), a.ID)
	o.Region = true
	return s.done(c, o)
}
