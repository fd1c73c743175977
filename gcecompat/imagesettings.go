package gcecompat

import (
	"github.com/cloudgate/cloudgate/translate"
	"github.com/gin-gonic/gin"
)

// Image labels and deprecation, kept on the CloudStack template: labels
// are its user tags, the deprecation status its reserved tags below.
// OBSOLETE and DELETED images cannot boot new instances; family lookups
// prefer images that are not deprecated (as GCE's getFromFamily does).
const (
	tagDeprecState       = translate.ReservedTagPrefix + "gce-deprecated"
	tagDeprecReplacement = translate.ReservedTagPrefix + "gce-deprecated-replacement"
	tagDeprecDeprecated  = translate.ReservedTagPrefix + "gce-deprecated-at"
	tagDeprecObsolete    = translate.ReservedTagPrefix + "gce-obsolete-at"
	tagDeprecDeleted     = translate.ReservedTagPrefix + "gce-deleted-at"
)

var deprecTags = []string{tagDeprecState, tagDeprecReplacement, tagDeprecDeprecated, tagDeprecObsolete, tagDeprecDeleted}

// wireDeprecationOf reads an image's deprecation status (nil if active).
func wireDeprecationOf(tags translate.Tags) *wireDeprecation {
	st := tags[tagDeprecState]
	if st == "" {
		return nil
	}
	return &wireDeprecation{State: st, Replacement: tags[tagDeprecReplacement],
		Deprecated: tags[tagDeprecDeprecated], Obsolete: tags[tagDeprecObsolete], Deleted: tags[tagDeprecDeleted]}
}

// unusable reports whether an image may no longer boot new disks.
func unusable(img *translate.Image) bool {
	st := img.Tags[tagDeprecState]
	return st == "OBSOLETE" || st == "DELETED"
}

func (s *server) setImageLabels(c *gin.Context) (any, error) {
	req, err := readLabels(c)
	if err != nil {
		return nil, err
	}
	ctx, project := c.Request.Context(), c.Param("project")
	im, err := s.imageByName(ctx, project, c.Param("image"))
	if err != nil {
		return nil, err
	}
	if err := s.applyLabels(ctx, req, translate.ResImage, im.img.ID, im.img.Tags.User()); err != nil {
		return nil, err
	}
	return s.done(c, newOp("setLabels", "", "images", im.wire.Name, im.img.ID))
}

// deprecateImage is images.deprecate (gcloud compute images deprecate).
func (s *server) deprecateImage(c *gin.Context) (any, error) {
	var req struct {
		State       string `json:"state"`
		Replacement string `json:"replacement"`
		Deprecated  string `json:"deprecated"`
		Obsolete    string `json:"obsolete"`
		Deleted     string `json:"deleted"`
	}
	if err := bindJSON(c, &req); err != nil {
		return nil, err
	}
	switch req.State {
	case "", "ACTIVE", "DEPRECATED", "OBSOLETE", "DELETED":
	default:
		return nil, invalid("Invalid value for field 'resource.state': '%s'. Must be one of ACTIVE, DEPRECATED, OBSOLETE, DELETED.", req.State)
	}
	ctx, project := c.Request.Context(), c.Param("project")
	im, err := s.imageByName(ctx, project, c.Param("image"))
	if err != nil {
		return nil, err
	}
	if req.Replacement != "" {
		if _, err := s.resolveImage(ctx, req.Replacement); err != nil {
			return nil, invalid("Invalid value for field 'resource.replacement': '%s'. The replacement image was not found.", req.Replacement)
		}
	}
	want := translate.Tags{}
	if req.State != "" && req.State != "ACTIVE" {
		for k, v := range map[string]string{tagDeprecState: req.State, tagDeprecReplacement: req.Replacement,
			tagDeprecDeprecated: req.Deprecated, tagDeprecObsolete: req.Obsolete, tagDeprecDeleted: req.Deleted} {
			if v == "" {
				continue
			}
			if len(v) > maxTagValue {
				return nil, invalid("Invalid value for field 'resource': '%s'. Too long.", v)
			}
			want[k] = v
		}
	}
	cur := translate.Tags{}
	for _, k := range deprecTags {
		if v, ok := im.img.Tags[k]; ok {
			cur[k] = v
		}
	}
	// Replace the whole status: drop the old tags, then write the new.
	if len(cur) > 0 {
		if err := s.svc.DeleteTags(ctx, translate.ResImage, []string{im.img.ID}, cur); err != nil {
			return nil, err
		}
	}
	if len(want) > 0 {
		if err := s.svc.CreateTags(ctx, translate.ResImage, []string{im.img.ID}, want); err != nil {
			return nil, err
		}
	}
	return s.done(c, newOp("deprecate", "", "images", im.wire.Name, im.img.ID))
}
