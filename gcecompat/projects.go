package gcecompat

import (
	"context"
	"encoding/json"
	"sort"

	"github.com/cloudgate/cloudgate/translate"
	"github.com/gin-gonic/gin"
)

// The project is the caller's CloudStack account. Its common instance
// metadata is stored, as JSON, in the description of the marker security
// group "gce-project-metadata" (CloudStack accounts have no tags). The
// answer has no defaultServiceAccount: gcloud then creates instances
// without scopes.

const projectMarker = "gce-project-metadata"

func (s *server) projectMetadata(ctx context.Context) (map[string]string, string, error) {
	gs, err := s.svc.SecurityGroups(ctx, translate.SecurityGroupQuery{Names: []string{projectMarker}})
	if err != nil && !isNotFound(err) {
		return nil, "", err
	}
	md := map[string]string{}
	for _, g := range gs {
		if g.Name == projectMarker {
			_ = json.Unmarshal([]byte(g.Description), &md)
			return md, g.ID, nil
		}
	}
	return md, "", nil
}

func (s *server) getProject(c *gin.Context) (any, error) {
	ctx, project := c.Request.Context(), c.Param("project")
	md, _, err := s.projectMetadata(ctx)
	if err != nil {
		return nil, err
	}
	p := principal(ctx)
	w := &wireProject{
		Kind: "compute#project", ID: numericID("project:" + p.AccountID + project), Name: project,
		Description: "CloudStack account " + p.Account, DefaultNetworkTier: "PREMIUM",
		XpnProjectStatus: "UNSPECIFIED_XPN_PROJECT_STATUS", SelfLink: s.projectLink(project),
		CommonInstanceMetadata: wireMetadata{Kind: "compute#metadata", Fingerprint: mapFingerprint(md)},
	}
	if w.Quotas, err = s.quotas(ctx, projectQuotaMetrics); err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(md))
	for k := range md {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		w.CommonInstanceMetadata.Items = append(w.CommonInstanceMetadata.Items, wireMetadataItem{Key: k, Value: md[k]})
	}
	return w, nil
}

func (s *server) setCommonInstanceMetadata(c *gin.Context) (any, error) {
	var req reqMetadata
	if err := bindJSON(c, &req); err != nil {
		return nil, err
	}
	ctx, project := c.Request.Context(), c.Param("project")
	md, id, err := s.projectMetadata(ctx)
	if err != nil {
		return nil, err
	}
	if !fingerprintMatches(req.Fingerprint, mapFingerprint(md)) {
		return nil, fingerprintMismatch("metadata")
	}
	b, err := json.Marshal(req.asMap())
	if err != nil {
		return nil, err
	}
	if id != "" {
		if err := s.svc.DeleteSecurityGroup(ctx, id); err != nil && !isNotFound(err) {
			return nil, err
		}
	}
	if _, err := s.svc.CreateSecurityGroup(ctx, projectMarker, string(b), nil); err != nil {
		return nil, err
	}
	return s.done(c, newOp("setMetadata", "", "projects", project, ""))
}
