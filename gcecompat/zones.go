package gcecompat

import (
	"context"
	"strings"

	"github.com/cloudgate/cloudgate/translate"
	"github.com/gin-gonic/gin"
)

// Every CloudStack zone is a GCE zone of the gateway's one region
// (Options.Region), named by gceZone: the region's name, '-', and the
// CloudStack zone name without dashes ("zone1" -> "local1-zone1"). gcloud
// derives a zone's region by cutting the zone name at its last '-' (e.g.
// for `instances create --address`), so the zone name must be the region's
// name plus one dash-free suffix. The mapping is a pure function of the
// CloudStack name, so every replica agrees; zoneByName also accepts the
// plain gceName of the CloudStack zone (the names before this scheme).

// gceZone names a CloudStack zone in GCE.
func (s *server) gceZone(csName string) string {
	n := gceName(csName)
	if rest, ok := strings.CutPrefix(n, s.region+"-"); ok && rest != "" && !strings.Contains(rest, "-") {
		return n // already "<region>-<suffix>"
	}
	return s.region + "-" + strings.ReplaceAll(n, "-", "")
}

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
		if s.gceZone(zones[i].Name) == name {
			return &zones[i], nil
		}
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
		m[z.ID] = s.gceZone(z.Name)
	}
	return m, zones, nil
}

func (s *server) wireZone(project string, z translate.Zone) *wireZone {
	name := s.gceZone(z.Name)
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
		r.Zones = append(r.Zones, s.zoneLink(project, s.gceZone(z.Name)))
	}
	if r.Quotas, err = s.quotas(ctx, regionQuotaMetrics); err != nil {
		return nil, err
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
		out = append(out, "zones/"+s.gceZone(z.Name))
	}
	return out
}
