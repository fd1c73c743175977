package gcecompat

import (
	"context"

	"github.com/cloudgate/cloudgate/translate"
	"github.com/gin-gonic/gin"
)

// Collections that exist in GCE but have nothing in them on CloudStack:
// accelerator types (instances.insert refuses guestAccelerators, so none
// is offered) and resource policies (none can be created). Lists answer
// empty, gets 404 and inserts 501, in Google's formats, so that gcloud's
// list commands work instead of failing.

// wireCatalogItem is an item of an always-empty collection.
type wireCatalogItem struct {
	Name string `json:"name"`
}

func (w *wireCatalogItem) sortName() string { return w.Name }
func (w *wireCatalogItem) sortTime() string { return "" }

func noItems(context.Context, string, string) ([]*wireCatalogItem, error) { return nil, nil }

func (s *server) listAcceleratorTypes(c *gin.Context) (any, error) {
	return zonalList(s, c, "compute#acceleratorTypeList", "acceleratorTypes", noItems)
}

func (s *server) aggregatedAcceleratorTypes(c *gin.Context) (any, error) {
	return zonalAggregated(s, c, "compute#acceleratorTypeAggregatedList", "acceleratorTypes", noItems)
}

func (s *server) getAcceleratorType(c *gin.Context) (any, error) {
	project := c.Param("project")
	if _, err := s.zoneByName(c.Request.Context(), project, c.Param("zone")); err != nil {
		return nil, err
	}
	return nil, notFound(translate.ResOffering, "projects/"+project+"/zones/"+c.Param("zone")+"/acceleratorTypes/"+c.Param("acceleratorType"))
}

func (s *server) listResourcePolicies(c *gin.Context) (any, error) {
	lp, err := parseListParams(c)
	if err != nil {
		return nil, err
	}
	if err := s.checkRegion(c); err != nil {
		return nil, err
	}
	pg, next := page([]*wireCatalogItem{}, lp)
	project := c.Param("project")
	return s.list("compute#resourcePolicyList", s.regionLink(project)+"/resourcePolicies", pg, next), nil
}

func (s *server) aggregatedResourcePolicies(c *gin.Context) (any, error) {
	lp, err := parseListParams(c)
	if err != nil {
		return nil, err
	}
	ctx, project := c.Request.Context(), c.Param("project")
	lp.scopes = s.scopes(ctx)
	return aggregate[*wireCatalogItem]("compute#resourcePolicyAggregatedList", s.projectLink(project)+"/aggregated/resourcePolicies", "resourcePolicies", nil, lp), nil
}

func (s *server) getResourcePolicy(c *gin.Context) (any, error) {
	if err := s.checkRegion(c); err != nil {
		return nil, err
	}
	return nil, notFound("", "projects/"+c.Param("project")+"/regions/"+c.Param("region")+"/resourcePolicies/"+c.Param("resourcePolicy"))
}

func (s *server) insertResourcePolicy(c *gin.Context) (any, error) {
	return nil, unimplementedf("Resource policies (snapshot schedules, instance schedules, placement) are not supported by this gateway: CloudStack has no equivalent to attach them to.")
}

// setScheduling is instances.setScheduling (gcloud compute instances
// set-scheduling): the values CloudStack has (automatic restart, live
// migration, STANDARD provisioning) are accepted; others are refused as
// at insert.
func (s *server) setScheduling(c *gin.Context) (any, error) {
	var ins instanceInsert
	if err := bindJSON(c, &ins.Scheduling); err != nil {
		return nil, err
	}
	if err := ins.validate(); err != nil {
		return nil, err
	}
	ctx, project, zone := c.Request.Context(), c.Param("project"), c.Param("zone")
	in, _, err := s.instanceByName(ctx, project, zone, c.Param("instance"))
	if err != nil {
		return nil, err
	}
	return s.syncInstanceOp(c, "setScheduling", in)
}

// suspendResume answers instances.suspend and instances.resume.
func (s *server) suspendResume(c *gin.Context) (any, error) {
	ctx, project, zone := c.Request.Context(), c.Param("project"), c.Param("zone")
	if _, _, err := s.instanceByName(ctx, project, zone, c.Param("instance")); err != nil {
		return nil, err
	}
	return nil, unimplementedf("Suspending instances is not supported by this gateway: CloudStack cannot suspend a VM's memory to storage for its users. Use stop and start.")
}
