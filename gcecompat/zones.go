package gcecompat

import (
	"context"

	"github.com/cloudgate/cloudgate/translate"
	"github.com/gin-gonic/gin"
)

// Every CloudStack zone is a GCE zone named gceName(zone name); all of them
// belong to the gateway's one region (Options.Region).

func (z *wireZone) sortName() string   { return z.Name }
func (z *wireZone) sortTime() string   { return z.CreationTimestamp }
func (r *wireRegion) sortName() string { return r.Name }
func (r *wireRegion) sortTime() string { return r.CreationTimestamp }

// zoneByName resolves a GCE zone name.
func (s *server) zoneByName(ctx context.Context, project, name string) (*translate.Zone, error) {
	zones, err := s.svc.Zones(ctx)
	if err != nil {
		return nil, err
	}
	for i := range zones {
		if gceName(zones[i].Name) == name {
			return &zones[i], nil
		}
	}
	return nil, notFound(translate.ResZone, "projects/"+project+"/zones/"+name)
}

// zoneNames maps CloudStack zone UUIDs to GCE zone names.
func (s *server) zoneNames(ctx context.Context) (map[string]string, []translate.Zone, error) {
	zones, err := s.svc.Zones(ctx)
	if err != nil {
		return nil, nil, err
	}
	m := make(map[string]string, len(zones))
	for _, z := range zones {
		m[z.ID] = gceName(z.Name)
	}
	return m, zones, nil
}

func (s *server) wireZone(project string, z translate.Zone) *wireZone {
	name := gceName(z.Name)
	status := "UP"
	if !z.Enabled {
		status = "DOWN"
	}
	desc := z.Description
	if desc == "" {
		desc = z.Name
	}
	return &wireZone{
		Kind: "compute#zone", ID: numericID(z.ID), Name: name, Description: desc,
		Status: status, Region: s.regionLink(project), SelfLink: s.zoneLink(project, name),
		AvailableCPUPlatforms: []string{"CloudStack"},
	}
}

func (s *server) listZones(c *gin.Context) (any, error) {
	lp, err := parseListParams(c)
	if err != nil {
		return nil, err
	}
	zones, err := s.svc.Zones(c.Request.Context())
	if err != nil {
		return nil, err
	}
	project := c.Param("project")
	items := make([]*wireZone, 0, len(zones))
	for _, z := range zones {
		items = append(items, s.wireZone(project, z))
	}
	pg, next := page(items, lp)
	return s.list("compute#zoneList", s.projectLink(project)+"/zones", pg, next), nil
}

func (s *server) getZone(c *gin.Context) (any, error) {
	project := c.Param("project")
	z, err := s.zoneByName(c.Request.Context(), project, c.Param("zone"))
	if err != nil {
		return nil, err
	}
	return s.wireZone(project, *z), nil
}

func (s *server) wireRegion(ctx context.Context, project string) (*wireRegion, error) {
	zones, err := s.svc.Zones(ctx)
	if err != nil {
		return nil, err
	}
	r := &wireRegion{
		Kind: "compute#region", ID: numericID("region:" + s.region), Name: s.region,
		Description: s.region, Status: "UP", Zones: []string{}, SelfLink: s.regionLink(project),
	}
	for _, z := range zones {
		r.Zones = append(r.Zones, s.zoneLink(project, gceName(z.Name)))
	}
	return r, nil
}

func (s *server) listRegions(c *gin.Context) (any, error) {
	lp, err := parseListParams(c)
	if err != nil {
		return nil, err
	}
	project := c.Param("project")
	r, err := s.wireRegion(c.Request.Context(), project)
	if err != nil {
		return nil, err
	}
	pg, next := page([]*wireRegion{r}, lp)
	return s.list("compute#regionList", s.projectLink(project)+"/regions", pg, next), nil
}

func (s *server) getRegion(c *gin.Context) (any, error) {
	project := c.Param("project")
	if err := s.checkRegion(c); err != nil {
		return nil, err
	}
	return s.wireRegion(c.Request.Context(), project)
}

// checkRegion rejects regions other than the gateway's one.
func (s *server) checkRegion(c *gin.Context) error {
	if r := c.Param("region"); r != s.region {
		return notFound(translate.ResZone, "projects/"+c.Param("project")+"/regions/"+r)
	}
	return nil
}

// scopes lists every scope of aggregated lists: each zone and the region.
func (s *server) scopes(ctx context.Context) []string {
	zones, err := s.svc.Zones(ctx)
	if err != nil {
		return nil
	}
	out := []string{"regions/" + s.region}
	for _, z := range zones {
		out = append(out, "zones/"+gceName(z.Name))
	}
	return out
}
