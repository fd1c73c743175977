package gcecompat

import (
	"context"

	"github.com/gin-gonic/gin"

	"github.com/cloudgate/cloudgate/translate"
)

// catalogIn lists one zone's catalog items (machine types, disk types).
type catalogIn[T listItem] func(ctx context.Context, project, zone string) ([]T, error)

// zonalIn lists one zone's items of a collection.
type zonalIn[T listItem] func(ctx context.Context, project string, zone *translate.Zone) ([]T, error)

// unscoped adapts a lister of scoped items (instances, disks) to zonalIn.
func unscoped[T listItem](all func(ctx context.Context, project, zoneID string) ([]scoped[T], error)) zonalIn[T] {
	return func(ctx context.Context, project string, zone *translate.Zone) ([]T, error) {
		sc, err := all(ctx, project, zone.ID)
		if err != nil {
			return nil, err
		}
		items := make([]T, 0, len(sc))
		for _, it := range sc {
			items = append(items, it.item)
		}
		return items, nil
	}
}

// zonalList answers zones/:zone/<coll> for a per-zone catalog.
func zonalList[T listItem](s *server, c *gin.Context, kind, coll string, in catalogIn[T]) (any, error) {
	return zonalCollection(s, c, kind, coll, func(ctx context.Context, project string, zone *translate.Zone) ([]T, error) {
		return in(ctx, project, s.gceZone(zone.Name))
	})
}

// zonalCollection answers zones/:zone/<coll>: one zone's items, filtered and
// paged.
func zonalCollection[T listItem](s *server, c *gin.Context, kind, coll string, in zonalIn[T]) (any, error) {
	lp, err := parseListParams(c)
	if err != nil {
		return nil, err
	}
	ctx, project := c.Request.Context(), c.Param("project")
	zone, err := s.zoneByName(ctx, project, c.Param("zone"))
	if err != nil {
		return nil, err
	}
	items, err := in(ctx, project, zone)
	if err != nil {
		return nil, err
	}
	pg, next := page(items, lp)
	return s.list(kind, s.zoneLink(project, s.gceZone(zone.Name))+"/"+coll, pg, next), nil
}

// zonalAggregated answers aggregated/<coll> for a per-zone catalog.
func zonalAggregated[T listItem](s *server, c *gin.Context, kind, coll string, in catalogIn[T]) (any, error) {
	lp, err := parseListParams(c)
	if err != nil {
		return nil, err
	}
	ctx, project := c.Request.Context(), c.Param("project")
	zones, err := s.svc.Zones(ctx)
	if err != nil {
		return nil, err
	}
	var all []scoped[T]
	for _, z := range zones {
		items, err := in(ctx, project, s.gceZone(z.Name))
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			all = append(all, scoped[T]{scope: "zones/" + s.gceZone(z.Name), item: it})
		}
	}
	lp.scopes = s.scopes(ctx)
	return aggregate(kind, s.projectLink(project)+"/aggregated/"+coll, coll, all, lp), nil
}
