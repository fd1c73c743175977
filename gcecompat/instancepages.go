package gcecompat

import (
	"context"

	"github.com/gin-gonic/gin"

	"github.com/cloudgate/cloudgate/translate"
)

// instances.list without a filter, in name order (the default, or orderBy
// name [desc]), reads in full only the instances of its page (issue 15,
// item 2): translate.InstancesByName orders the zone's instances from one
// minimal CloudStack listing (details=min) and reads the page's VMs and
// their volumes alone. The token is the same offset into the ordered list
// as on the full path, so pages continue across either.
//
// Order: Google documents name order as the default of every list
// ("By default, results are returned in alphanumerical order based on the
// resource name": orderBy in the compute v1 discovery document), so it is
// kept, and that is what keeps a part of the work O(instances in the zone):
// CloudStack's listVirtualMachines pages by internal id and has no sort
// parameter. A filter or orderBy=creationTimestamp keeps the full path.
func (s *server) listInstancesByName(c *gin.Context) (resp any, handled bool, err error) {
	lp, err := parseListParams(c)
	if err != nil || lp.filter != nil || (lp.orderBy != "" && lp.orderBy != "name") {
		return nil, false, nil // the full path answers (and reports bad parameters)
	}
	ctx, project := c.Request.Context(), c.Param("project")
	zone, err := s.zoneByName(ctx, project, c.Param("zone"))
	if err != nil {
		return nil, true, err
	}
	type loaded struct {
		v   *instanceView
		err error
	}
	views := make(chan loaded, 1)
	go func() {
		v, err := s.loadView(ctx, project, false)
		views <- loaded{v, err}
	}()
	var vols map[string][]translate.Volume
	insts, total, err := s.svc.InstancesByName(ctx, translate.ByNameQuery{ZoneID: zone.ID, Desc: lp.desc,
		Alongside: func(sel []translate.Instance, total int) (err error) {
			vols, err = s.pageVolumes(ctx, zone.ID, sel, total, lp.maxResults)
			return err
		}}, lp.offset, lp.maxResults)
	lv := <-views
	if err != nil {
		return nil, true, err
	}
	if lv.err != nil {
		return nil, true, lv.err
	}
	if vols != nil {
		lv.v.vols = vols
	}
	items := make([]*wireInstance, 0, len(insts))
	for i := range insts {
		if live(&insts[i]) {
			items = append(items, s.wireInstance(lv.v, &insts[i], nil))
		}
	}
	next := ""
	if end := lp.offset + lp.maxResults; end < total {
		next = encodePageToken(end, lp.query)
	}
	return s.list("compute#instanceList", s.zoneLink(project, s.gceZone(zone.Name))+"/instances", items, next), true, nil
}

// aggregatedInstancesByName is listInstancesByName for aggregatedList
// (gcloud compute instances list): every zone's instances in the full
// path's order (by scope "zones/<zone>", then name), the page's VMs read
// alone, grouped by scope.
func (s *server) aggregatedInstancesByName(c *gin.Context) (resp any, handled bool, err error) {
	lp, err := parseListParams(c)
	if err != nil || lp.filter != nil || (lp.orderBy != "" && lp.orderBy != "name") {
		return nil, false, nil
	}
	ctx, project := c.Request.Context(), c.Param("project")
	zoneOf, _, err := s.zoneNames(ctx)
	if err != nil {
		return nil, true, err
	}
	scope := func(in *translate.Instance) string {
		z := zoneOf[in.ZoneID]
		if z == "" {
			z = s.gceZone(in.ZoneName)
		}
		return "zones/" + z
	}
	type loaded struct {
		v   *instanceView
		err error
	}
	views := make(chan loaded, 1)
	go func() {
		v, err := s.loadView(ctx, project, false)
		views <- loaded{v, err}
	}()
	key := func(in *translate.Instance) string { return scope(in) + "\x00" + in.Name }
	var vols map[string][]translate.Volume
	insts, total, err := s.svc.InstancesByName(ctx, translate.ByNameQuery{Key: key, Desc: lp.desc,
		Alongside: func(sel []translate.Instance, total int) (err error) {
			vols, err = s.pageVolumes(ctx, "", sel, total, lp.maxResults)
			return err
		}}, lp.offset, lp.maxResults)
	lv := <-views
	if err != nil {
		return nil, true, err
	}
	if lv.err != nil {
		return nil, true, lv.err
	}
	if vols != nil {
		lv.v.vols = vols
	}
	pg := make([]scoped[*wireInstance], 0, len(insts))
	for i := range insts {
		if live(&insts[i]) {
			pg = append(pg, scoped[*wireInstance]{scope: scope(&insts[i]), item: s.wireInstance(lv.v, &insts[i], nil)})
		}
	}
	next := ""
	if end := lp.offset + lp.maxResults; end < total {
		next = encodePageToken(end, lp.query)
	}
	return aggregatedPage("compute#instanceAggregatedList", s.projectLink(project)+"/aggregated/instances", "instances", pg, next, s.scopes(ctx)), true, nil
}

// pageVolumes lists the volumes of a page's instances by instance id: one
// listVolumes per instance (translate.VolumesOfInstances), or, when the
// listing is hardly bigger than the page (total <= 2*limit), one listing of
// the zone's volumes (zoneID "" = every zone), which costs fewer round trips for the same O(page) items.
func (s *server) pageVolumes(ctx context.Context, zoneID string, insts []translate.Instance, total, limit int) (map[string][]translate.Volume, error) {
	if total <= 2*limit {
		vols, err := s.svc.Volumes(ctx, translate.VolumeQuery{ZoneID: zoneID})
		if err != nil {
			return nil, err
		}
		out := map[string][]translate.Volume{}
		for _, vol := range vols {
			if vol.InstanceID != "" {
				out[vol.InstanceID] = append(out[vol.InstanceID], vol)
			}
		}
		return out, nil
	}
	ids := make([]string, 0, len(insts))
	for i := range insts {
		ids = append(ids, insts[i].ID)
	}
	return s.svc.VolumesOfInstances(ctx, ids)
}
