package gcecompat

import (
	"context"

	"github.com/gin-gonic/gin"

	"github.com/cloudgate/cloudgate/translate"
)

// Instance groups (zones/:zone/instanceGroups) are the groups of the
// managed instance groups (instancegroupmanagers.go), as GCE shows them:
// read-only, with the MIG's live members. CloudStack instance groups not
// made by the gateway are not shown: they have no zone, and their members
// may be anywhere.

func (s *server) wireInstanceGroup(project string, m *mig) *wireInstanceGroup {
	return &wireInstanceGroup{
		Kind: "compute#instanceGroup", ID: numericID("ig:" + m.group.ID), CreationTimestamp: timestamp(m.group.Created),
		Name: m.name, Zone: s.zoneLink(project, m.zoneName),
		Description: "This instance group is controlled by Instance Group Manager '" + m.name +
			"'. To modify instances in this group, use the Instance Group Manager API: https://cloud.google.com/compute/docs/reference/latest/instanceGroupManagers",
		Network:     s.global(project, "networks", "default"),
		Fingerprint: fingerprint("ig", m.group.ID),
		Size:        len(m.members),
		SelfLink:    s.zonal(project, m.zoneName, "instanceGroups", m.name),
	}
}

func (w *wireInstanceGroup) sortName() string { return w.Name }
func (w *wireInstanceGroup) sortTime() string { return w.CreationTimestamp }

func (s *server) listInstanceGroups(c *gin.Context) (any, error) {
	return migCollection(s, c, "compute#instanceGroupList", "instanceGroups", s.wireInstanceGroup)
}

func (s *server) aggregatedInstanceGroups(c *gin.Context) (any, error) {
	return migAggregated(s, c, "compute#instanceGroupAggregatedList", "instanceGroups", s.wireInstanceGroup)
}

func (s *server) instanceGroupByName(ctx context.Context, project, zoneName, name string) (*mig, error) {
	m, err := s.migByName(ctx, project, zoneName, name)
	if isNotFound(err) {
		return nil, notFound(translate.ResInstanceGroup, "projects/"+project+"/zones/"+zoneName+"/instanceGroups/"+name)
	}
	return m, err
}

func (s *server) getInstanceGroup(c *gin.Context) (any, error) {
	ctx, project := c.Request.Context(), c.Param("project")
	m, err := s.instanceGroupByName(ctx, project, c.Param("zone"), c.Param("instanceGroup"))
	if err != nil {
		return nil, err
	}
	return s.wireInstanceGroup(project, m), nil
}

func (w *wireInstanceWithNamedPorts) sortName() string { return lastSegment(w.Instance) }
func (w *wireInstanceWithNamedPorts) sortTime() string { return "" }

// listInstanceGroupInstances is instanceGroups.listInstances: the members,
// all or only the running ones (instanceState ALL, RUNNING).
func (s *server) listInstanceGroupInstances(c *gin.Context) (any, error) {
	var req struct {
		InstanceState string `json:"instanceState"`
	}
	if err := bindJSON(c, &req); err != nil {
		return nil, err
	}
	if req.InstanceState != "" && req.InstanceState != "ALL" && req.InstanceState != "RUNNING" {
		return nil, invalid("Invalid value for field 'resource.instanceState': '%s'. Must be ALL or RUNNING.", req.InstanceState)
	}
	lp, err := parseListParams(c)
	if err != nil {
		return nil, err
	}
	ctx, project := c.Request.Context(), c.Param("project")
	m, err := s.instanceGroupByName(ctx, project, c.Param("zone"), c.Param("instanceGroup"))
	if err != nil {
		return nil, err
	}
	items := make([]*wireInstanceWithNamedPorts, 0, len(m.members))
	for i := range m.members {
		in := &m.members[i]
		st := instanceStatus[in.State]
		if st == "" || (in.JobPending && in.State == translate.StateStarting) {
			st = "PROVISIONING"
		}
		if req.InstanceState == "RUNNING" && st != "RUNNING" {
			continue
		}
		items = append(items, &wireInstanceWithNamedPorts{Instance: s.zonal(project, m.zoneName, "instances", in.Name), Status: st})
	}
	pg, next := page(items, lp)
	selfLink := s.zonal(project, m.zoneName, "instanceGroups", m.name) + "/listInstances"
	return s.list("compute#instanceGroupsListInstances", selfLink, pg, next), nil
}
