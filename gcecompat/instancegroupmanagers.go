package gcecompat

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/cloudgate/cloudgate/translate"
)

// Managed instance groups (zones/:zone/instanceGroupManagers) map onto
// CloudStack instance groups (translate.InstanceGroup). Nothing is kept in
// the gateway, and CloudStack keeps no more of a group than its name, its
// owner, its creation time and its members, so:
//
//   - The group's name is the MIG's fixed definition:
//     "gce-mig:<zone uuid>:<name>:<baseInstanceName>:<instance template>"
//     plus ":<version name>" when the one version is named (GCE names
//     cannot hold ':'; at most 232 of CloudStack's 255 characters without
//     a version name; a longer one is refused naming the field). CloudStack keeps group names unique per account, so two
//     replicas cannot create the same group; a MIG of the same name in the
//     zone (another base name or template) is looked up first (409).
//   - Members are the group's VMs (deployVirtualMachine group=), created
//     like instances.insert from the instance template (insertFrom) and
//     named <baseInstanceName>-<4 random [a-z0-9]>, as GCE names them.
//   - targetSize is derived: the number of live members not being deleted.
//     Members being removed carry the reserved tag tagMIGAction=deleting
//     (written before they are deleted), so a resize down reads back at
//     once, on every replica, whether CloudStack expunges the VM or keeps
//     it Stopping/Destroyed for a while. A resize that a crash or a
//     refused deploy left short is finished by resizing again: resize
//     compares the members with the asked size every time.
//   - There is no autoscaler, update policy, health check, stateful policy
//     or versions other than the one template: such fields are refused
//     naming them (the strict body decoder), and autoscalers list empty.
//
// Operations carry the deploy and destroy jobs of the members, so an
// operation is DONE when CloudStack finished them, and fails with the
// first failed job's error.

const (
	migGroupPrefix = "gce-mig:"
	// tagMIGAction marks a member the MIG is removing ("deleting").
	tagMIGAction = translate.ReservedTagPrefix + "gce-mig-action"
	// maxBaseInstanceName leaves room for "-xxxx" in a 63-character name.
	maxBaseInstanceName = 58
)

// mig is a managed instance group read from CloudStack.
type mig struct {
	group    translate.InstanceGroup
	zone     *translate.Zone
	zoneName string // GCE zone name
	name     string
	base     string
	template string // instance template name (global, the caller's project)
	version  string // the one version's name ("" if unnamed)
	members  []translate.Instance
}

// migGroupName is the CloudStack group name of a MIG; a named version
// adds ":<version name>".
func migGroupName(zoneID, name, base, template, version string) string {
	g := migGroupPrefix + zoneID + ":" + name + ":" + base + ":" + template
	if version != "" {
		g += ":" + version
	}
	return g
}

// maxGroupName is CloudStack's instance_group.name (varchar(255)).
const maxGroupName = 255

// parseMIGGroup decodes a group name written by migGroupName.
func parseMIGGroup(group string) (zoneID, name, base, template, version string, ok bool) {
	rest, found := strings.CutPrefix(group, migGroupPrefix)
	if !found {
		return "", "", "", "", "", false
	}
	f := strings.Split(rest, ":")
	if len(f) < 4 || len(f) > 5 || f[0] == "" || f[1] == "" || f[2] == "" || f[3] == "" || (len(f) == 5 && f[4] == "") {
		return "", "", "", "", "", false
	}
	if len(f) == 5 {
		version = f[4]
	}
	return f[0], f[1], f[2], f[3], version, true
}

// targetSize is the number of members the MIG keeps.
func (m *mig) targetSize() int {
	n := 0
	for i := range m.members {
		if m.members[i].Tags[tagMIGAction] == "" {
			n++
		}
	}
	return n
}

// migs lists the caller's MIGs in zone (nil: every zone) with their members;
// name != "" selects one.
func (s *server) migs(ctx context.Context, zone *translate.Zone, name string) ([]*mig, error) {
	kw := migGroupPrefix
	if zone != nil {
		kw += zone.ID + ":"
		if name != "" {
			kw += name + ":"
		}
	}
	groups, err := s.svc.InstanceGroups(ctx, translate.ListInstanceGroupsRequest{Keyword: kw})
	if err != nil {
		return nil, err
	}
	zones, zl, err := s.zoneNames(ctx)
	if err != nil {
		return nil, err
	}
	var out []*mig
	for _, g := range groups {
		zoneID, n, base, tmpl, version, ok := parseMIGGroup(g.Name)
		if !ok || (zone != nil && zoneID != zone.ID) || (name != "" && n != name) || zones[zoneID] == "" {
			continue
		}
		m := &mig{group: g, zoneName: zones[zoneID], name: n, base: base, template: tmpl, version: version}
		for i := range zl {
			if zl[i].ID == zoneID {
				m.zone = &zl[i]
			}
		}
		out = append(out, m)
	}
	if len(out) == 0 {
		return out, nil
	}
	// Members: one listVirtualMachines per group (groupid=), at most
	// migParallel at once.
	errs := make([]error, len(out))
	sem := make(chan struct{}, migParallel)
	var wg sync.WaitGroup
	for k, m := range out {
		wg.Add(1)
		sem <- struct{}{}
		go func(k int, m *mig) {
			defer func() { <-sem; wg.Done() }()
			vms, err := s.svc.Instances(ctx, translate.InstanceQuery{GroupID: m.group.ID, NoRootVolumes: true})
			if err != nil {
				errs[k] = err
				return
			}
			for i := range vms {
				if live(&vms[i]) && vms[i].GroupID == m.group.ID && vms[i].ZoneID == m.zone.ID {
					m.members = append(m.members, vms[i])
				}
			}
			sort.Slice(m.members, func(i, j int) bool { return m.members[i].Name < m.members[j].Name })
		}(k, m)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// migByName finds one MIG; NotFound in Google's words if there is none.
func (s *server) migByName(ctx context.Context, project, zoneName, name string) (*mig, error) {
	zone, err := s.zoneByName(ctx, project, zoneName)
	if err != nil {
		return nil, err
	}
	ms, err := s.migs(ctx, zone, name)
	if err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return nil, notFound(translate.ResInstanceGroup, "projects/"+project+"/zones/"+zoneName+"/instanceGroupManagers/"+name)
	}
	return ms[0], nil
}

// memberAction is what the MIG is doing to a member (GCE currentAction).
func memberAction(in *translate.Instance) string {
	switch {
	case in.Tags[tagMIGAction] == "deleting":
		return "DELETING"
	case in.State == translate.StateStarting || (in.JobPending && in.State != translate.StateRunning):
		return "CREATING"
	}
	return "NONE"
}

func (s *server) wireMIG(project string, m *mig) *wireInstanceGroupManager {
	tmpl := s.global(project, "instanceTemplates", m.template)
	acts := wireMIGActions{}
	for i := range m.members {
		switch memberAction(&m.members[i]) {
		case "DELETING":
			acts.Deleting++
		case "CREATING":
			acts.Creating++
		default:
			acts.None++
		}
	}
	stable := acts.Creating == 0 && acts.Deleting == 0
	size := m.targetSize()
	return &wireInstanceGroupManager{
		Kind: "compute#instanceGroupManager", ID: numericID(m.group.ID), CreationTimestamp: timestamp(m.group.Created),
		Name: m.name, Zone: s.zoneLink(project, m.zoneName), InstanceTemplate: tmpl,
		Versions:         []wireMIGVersion{{Name: m.version, InstanceTemplate: tmpl}},
		InstanceGroup:    s.zonal(project, m.zoneName, "instanceGroups", m.name),
		BaseInstanceName: m.base, TargetSize: size, CurrentActions: acts,
		Status: wireMIGStatus{IsStable: stable, VersionTarget: wireMIGReached{IsReached: true},
			Stateful: wireMIGStateful{PerInstanceConfigs: wireMIGAllEffective{AllEffective: true}}},
		Fingerprint:                 fingerprint("mig", m.group.ID, strconv.Itoa(size)),
		ListManagedInstancesResults: "PAGELESS",
		SelfLink:                    s.zonal(project, m.zoneName, "instanceGroupManagers", m.name),
	}
}

func (w *wireInstanceGroupManager) sortName() string { return w.Name }
func (w *wireInstanceGroupManager) sortTime() string { return w.CreationTimestamp }

func (s *server) listInstanceGroupManagers(c *gin.Context) (any, error) {
	return migCollection(s, c, "compute#instanceGroupManagerList", "instanceGroupManagers", s.wireMIG)
}

func (s *server) aggregatedInstanceGroupManagers(c *gin.Context) (any, error) {
	return migAggregated(s, c, "compute#instanceGroupManagerAggregatedList", "instanceGroupManagers", s.wireMIG)
}

// migCollection lists a zone's managed instance groups through one of
// their views (the managers, or the instance groups they control).
func migCollection[T listItem](s *server, c *gin.Context, kind, coll string, view func(project string, m *mig) T) (any, error) {
	return zonalCollection(s, c, kind, coll,
		func(ctx context.Context, project string, zone *translate.Zone) ([]T, error) {
			ms, err := s.migs(ctx, zone, "")
			if err != nil {
				return nil, err
			}
			out := make([]T, 0, len(ms))
			for _, m := range ms {
				out = append(out, view(project, m))
			}
			return out, nil
		})
}

// migAggregated is migCollection's aggregatedList over every zone.
func migAggregated[T listItem](s *server, c *gin.Context, kind, coll string, view func(project string, m *mig) T) (any, error) {
	lp, err := parseListParams(c)
	if err != nil {
		return nil, err
	}
	ctx, project := c.Request.Context(), c.Param("project")
	ms, err := s.migs(ctx, nil, "")
	if err != nil {
		return nil, err
	}
	var all []scoped[T]
	for _, m := range ms {
		all = append(all, scoped[T]{scope: "zones/" + m.zoneName, item: view(project, m)})
	}
	lp.scopes = s.scopes(ctx)
	return aggregate(kind, s.projectLink(project)+"/aggregated/"+coll, coll, all, lp), nil
}

func (s *server) getInstanceGroupManager(c *gin.Context) (any, error) {
	ctx, project := c.Request.Context(), c.Param("project")
	m, err := s.migByName(ctx, project, c.Param("zone"), c.Param("instanceGroupManager"))
	if err != nil {
		return nil, err
	}
	return s.wireMIG(project, m), nil
}

// migInsert is the body of instanceGroupManagers.insert: the fields the
// gateway implements. Every other InstanceGroupManager field (autoscaling
// is a separate resource; autoHealingPolicies, distributionPolicy,
// statefulPolicy, updatePolicy, namedPorts, targetPools, …) is
// refused by the strict decoder, naming it, unless empty.
type migInsert struct {
	Name             string `json:"name"`
	Description      string `json:"description"`
	InstanceTemplate string `json:"instanceTemplate"`
	BaseInstanceName string `json:"baseInstanceName"`
	TargetSize       *int64 `json:"targetSize"`
	Zone             string `json:"zone"`
	// ListManagedInstancesResults: PAGELESS is what lists answer.
	ListManagedInstancesResults string `json:"listManagedInstancesResults"`
	// Versions may name the one template (Terraform's version block, its
	// name kept in the group's name);
	// several versions (canary updates) are refused.
	Versions []migVersion `json:"versions"`
}

type migVersion struct {
	Name             string          `json:"name"`
	InstanceTemplate string          `json:"instanceTemplate"`
	TargetSize       json.RawMessage `json:"targetSize"`
}

// template returns the MIG's instance template reference: instanceTemplate
// or the single version's (they must agree when both are given).
func (r *migInsert) template(project string) (string, error) {
	switch {
	case len(r.Versions) > 1:
		return "", unsupportedValue("resource.versions", len(r.Versions), "A managed instance group here has one version: one instance template.")
	case len(r.Versions) == 0:
		return templateName(project, r.InstanceTemplate)
	}
	v := r.Versions[0]
	if v.Name != "" {
		if err := checkName("resource.versions[0].name", v.Name); err != nil {
			return "", err
		}
	}
	if len(v.TargetSize) > 0 && string(v.TargetSize) != "null" && string(v.TargetSize) != "{}" {
		return "", unsupportedValue("resource.versions[0].targetSize", string(v.TargetSize), "The one version holds every instance.")
	}
	name, err := templateName(project, v.InstanceTemplate)
	if err != nil {
		return "", err
	}
	if r.InstanceTemplate != "" {
		top, err := templateName(project, r.InstanceTemplate)
		if err != nil {
			return "", err
		}
		if top != name {
			return "", invalid("Invalid value for field 'resource.versions[0].instanceTemplate': '%s'. It must be the group's instanceTemplate '%s'.", v.InstanceTemplate, r.InstanceTemplate)
		}
	}
	return name, nil
}

// templateName checks an instanceTemplate reference (name, global path or
// URL in the caller's project) and returns the template's name.
func templateName(project, ref string) (string, error) {
	if ref == "" {
		return "", invalid("Invalid value for field 'resource.instanceTemplate': ''. An instance template is required.")
	}
	if segmentAfter(ref, "regions") != "" {
		return "", unsupportedValue("resource.instanceTemplate", ref, "Regional instance templates are not supported; use a global instance template.")
	}
	if p := segmentAfter(ref, "projects"); p != "" && p != project {
		return "", unsupportedValue("resource.instanceTemplate", ref, "The instance template must be in the group's project.")
	}
	if strings.Contains(ref, "/") && segmentAfter(ref, "instanceTemplates") == "" {
		return "", invalid("Invalid value for field 'resource.instanceTemplate': '%s'. The URL is malformed.", ref)
	}
	name := lastSegment(ref)
	if err := checkName("resource.instanceTemplate", name); err != nil {
		return "", err
	}
	return name, nil
}

func (s *server) insertInstanceGroupManager(c *gin.Context) (any, error) {
	var req migInsert
	if err := bindJSON(c, &req); err != nil {
		return nil, err
	}
	ctx, project, zoneName := c.Request.Context(), c.Param("project"), c.Param("zone")
	if err := checkName("resource.name", req.Name); err != nil {
		return nil, err
	}
	if req.Description != "" {
		return nil, unsupportedValue("resource.description", req.Description, "CloudStack instance groups hold no description.")
	}
	if req.ListManagedInstancesResults != "" && req.ListManagedInstancesResults != "PAGELESS" {
		return nil, unsupportedValue("resource.listManagedInstancesResults", req.ListManagedInstancesResults, "Managed instances are listed PAGELESS.")
	}
	if req.TargetSize == nil {
		// Clients omit a zero size (the Go client's omitempty).
		req.TargetSize = new(int64)
	}
	if *req.TargetSize < 0 || *req.TargetSize > maxMIGSize {
		return nil, invalid("Invalid value for field 'resource.targetSize': '%d'. Must be between 0 and %d.", *req.TargetSize, maxMIGSize)
	}
	zone, err := s.zoneByName(ctx, project, zoneName)
	if err != nil {
		return nil, err
	}
	if req.Zone != "" && lastSegment(req.Zone) != zoneName {
		return nil, invalid("Invalid value for field 'resource.zone': '%s'. The zone must be the request's zone '%s'.", req.Zone, zoneName)
	}
	base := req.BaseInstanceName
	if base == "" {
		base = req.Name
		if len(base) > maxBaseInstanceName {
			base = strings.TrimRight(base[:maxBaseInstanceName], "-")
		}
	}
	if len(base) > maxBaseInstanceName || !validName.MatchString(base) {
		return nil, invalid("Invalid value for field 'resource.baseInstanceName': '%s'. Must be a match of regex '[a-z](([-a-z0-9]{0,57})|([-a-z0-9]{0,51}-#{1,10}(\\[[0-9]{1,10}\\])?))'", base)
	}
	tmplName, err := req.template(project)
	if err != nil {
		return nil, err
	}
	version := ""
	if len(req.Versions) == 1 {
		version = req.Versions[0].Name
	}
	if len(migGroupName(zone.ID, req.Name, base, tmplName, version)) > maxGroupName {
		return nil, unsupportedValue("resource.versions[0].name", version,
			"The group's name, base instance name, template and version name must fit a CloudStack instance group name (255 characters); use shorter names.")
	}
	// The template must exist and give a valid instance.
	if _, err := s.migTemplate(ctx, project, tmplName); err != nil {
		return nil, err
	}
	if ms, err := s.migs(ctx, zone, req.Name); err != nil {
		return nil, err
	} else if len(ms) > 0 {
		return nil, translate.Errorf(translate.AlreadyExists, translate.ResInstanceGroup, req.Name,
			"The resource 'projects/%s/zones/%s/instanceGroupManagers/%s' already exists", project, zoneName, req.Name)
	}
	g, err := s.svc.CreateInstanceGroup(ctx, migGroupName(zone.ID, req.Name, base, tmplName, version))
	if translate.KindOf(err) == translate.AlreadyExists {
		return nil, translate.Errorf(translate.AlreadyExists, translate.ResInstanceGroup, req.Name,
			"The resource 'projects/%s/zones/%s/instanceGroupManagers/%s' already exists", project, zoneName, req.Name)
	}
	if err != nil {
		return nil, err
	}
	// Two inserts of the name with other base names or templates make two
	// groups (their CloudStack names differ): the older group wins, on
	// every replica, and the younger one goes again.
	if lost, err := s.lostInsertRace(ctx, zone, req.Name, g); err != nil || lost {
		if derr := s.svc.DeleteInstanceGroup(ctx, g.ID); derr != nil {
			s.log.Warn("cannot remove the instance group of a managed instance group insert that lost a race", "group", g.ID, "err", derr)
		}
		if err != nil {
			return nil, err
		}
		return nil, translate.Errorf(translate.AlreadyExists, translate.ResInstanceGroup, req.Name,
			"The resource 'projects/%s/zones/%s/instanceGroupManagers/%s' already exists", project, zoneName, req.Name)
	}
	m := &mig{group: *g, zone: zone, zoneName: zoneName, name: req.Name, base: base, template: tmplName, version: version}
	o := newOp("insert", zoneName, "instanceGroupManagers", m.name, m.group.ID)
	jobs, created, err := s.growMIG(ctx, project, m, int(*req.TargetSize))
	if err != nil && created == 0 {
		// Nothing was created: the group goes again, so the insert leaves
		// nothing behind.
		if derr := s.svc.DeleteInstanceGroup(ctx, g.ID); derr != nil {
			s.log.Warn("cannot remove the instance group of a failed managed instance group insert", "group", g.ID, "err", derr)
		}
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	o.Jobs = jobs
	return s.done(c, o)
}

// lostInsertRace reports whether another group of the MIG name in zone is
// older than g (ties: the smaller id).
func (s *server) lostInsertRace(ctx context.Context, zone *translate.Zone, name string, g *translate.InstanceGroup) (bool, error) {
	groups, err := s.svc.InstanceGroups(ctx, translate.ListInstanceGroupsRequest{Keyword: migGroupPrefix + zone.ID + ":" + name + ":"})
	if err != nil {
		return false, err
	}
	for _, o := range groups {
		zoneID, n, _, _, _, ok := parseMIGGroup(o.Name)
		if !ok || zoneID != zone.ID || n != name || o.ID == g.ID {
			continue
		}
		if o.Created.Before(g.Created) || (o.Created.Equal(g.Created) && o.ID < g.ID) {
			return true, nil
		}
	}
	return false, nil
}

// maxMIGSize bounds a MIG's target size (GCE allows 1000 per zonal group).
const maxMIGSize = 1000

// growMIG creates n members from the MIG's template, at most
// migParallel at a time, and returns their jobs (none for members whose
// insert waited for the deployment) and how many were created. A member CloudStack
// refuses is an error; the members created stay (they count towards the
// target size).
func (s *server) growMIG(ctx context.Context, project string, m *mig, n int) ([]string, int, error) {
	if n <= 0 {
		return nil, 0, nil
	}
	tmpl, err := s.migTemplate(ctx, project, m.template)
	if err != nil {
		return nil, 0, err
	}
	var mu sync.Mutex
	taken := map[string]bool{}
	for _, in := range m.members {
		taken[in.Name] = true
	}
	claim := func() string {
		mu.Lock()
		defer mu.Unlock()
		for {
			name := m.base + "-" + randomSuffix()
			if !taken[name] {
				taken[name] = true
				return name
			}
		}
	}
	jobs := make([][]string, n)
	errs := make([]error, n)
	sem := make(chan struct{}, migParallel)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer func() { <-sem; wg.Done() }()
			for attempt := 0; ; attempt++ {
				req, err := tmpl.insert()
				if err != nil {
					errs[i] = err
					return
				}
				req.Name = claim()
				o, err := s.insertFrom(ctx, project, m.zoneName, req, "", m.group.Name)
				if translate.KindOf(err) == translate.AlreadyExists && attempt < 5 {
					continue // an instance or disk outside the group has that name
				}
				jobs[i], errs[i] = o.Jobs, err
				return
			}
		}(i)
	}
	wg.Wait()
	var out []string
	for _, j := range jobs {
		out = append(out, j...)
	}
	created := 0
	var first error
	for _, err := range errs {
		if err == nil {
			created++
		} else if first == nil {
			first = err
		}
	}
	return out, created, first
}

// migParallel bounds the members created or deleted at once.
const migParallel = 8

// randomSuffix is 4 random characters [a-z0-9], as GCE appends to a MIG's
// base instance name.
func randomSuffix() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	var b [4]byte
	_, _ = rand.Read(b[:])
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b[:])
}

// shrinkMIG removes the given members: each is marked deleting first (one
// createTags for all), then deleted as instances.delete does. It returns
// the destroy jobs.
func (s *server) shrinkMIG(ctx context.Context, victims []translate.Instance) ([]string, error) {
	if len(victims) == 0 {
		return nil, nil
	}
	var ids []string
	for i := range victims {
		if protected(&victims[i]) {
			return nil, errProtected()
		}
		if victims[i].Tags[tagMIGAction] == "" {
			ids = append(ids, victims[i].ID)
		}
	}
	if len(ids) > 0 {
		if err := s.svc.CreateTags(ctx, translate.ResInstance, ids, translate.Tags{tagMIGAction: "deleting"}); err != nil {
			return nil, err
		}
	}
	jobs := make([]string, len(victims))
	errs := make([]error, len(victims))
	sem := make(chan struct{}, migParallel)
	var wg sync.WaitGroup
	for i := range victims {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer func() { <-sem; wg.Done() }()
			job, err := s.removeInstance(ctx, victims[i].ID)
			if job != nil && !job.Done() {
				jobs[i] = job.ID
			}
			errs[i] = err
		}(i)
	}
	wg.Wait()
	var out []string
	for _, j := range jobs {
		if j != "" {
			out = append(out, j)
		}
	}
	for _, err := range errs {
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// removeInstance is instances.delete's work on one instance.
func (s *server) removeInstance(ctx context.Context, id string) (*translate.Job, error) {
	if err := s.keepBootDisk(ctx, id); err != nil {
		return nil, err
	}
	if err := s.releaseEphemeralAddresses(ctx, id); err != nil {
		return nil, err
	}
	return s.svc.TerminateInstance(ctx, id, true)
}

// pickVictims chooses n members to remove: the ones already being deleted,
// then those not running (still being created or broken), then the newest.
func pickVictims(members []translate.Instance, n int) []translate.Instance {
	c := append([]translate.Instance(nil), members...)
	rank := func(in *translate.Instance) int {
		switch {
		case in.Tags[tagMIGAction] != "":
			return 0
		case in.State != translate.StateRunning:
			return 1
		}
		return 2
	}
	sort.SliceStable(c, func(i, j int) bool {
		ri, rj := rank(&c[i]), rank(&c[j])
		if ri != rj {
			return ri < rj
		}
		return c[i].Created.After(c[j].Created)
	})
	if n > len(c) {
		n = len(c)
	}
	return c[:n]
}

func (s *server) resizeInstanceGroupManager(c *gin.Context) (any, error) {
	ctx, project, zoneName := c.Request.Context(), c.Param("project"), c.Param("zone")
	raw, ok := c.GetQuery("size")
	if !ok || raw == "" {
		return nil, invalid("Invalid value for field 'size': ''. The size is required.")
	}
	size, err := strconv.Atoi(raw)
	if err != nil || size < 0 || size > maxMIGSize {
		return nil, invalid("Invalid value for field 'size': '%s'. Must be between 0 and %d.", raw, maxMIGSize)
	}
	m, err := s.migByName(ctx, project, zoneName, c.Param("instanceGroupManager"))
	if err != nil {
		return nil, err
	}
	o := newOp("compute.instanceGroupManagers.resize", zoneName, "instanceGroupManagers", m.name, m.group.ID)
	var keep []translate.Instance
	var deleting []translate.Instance
	for _, in := range m.members {
		if in.Tags[tagMIGAction] == "" {
			keep = append(keep, in)
		} else {
			deleting = append(deleting, in)
		}
	}
	var jobs []string
	switch {
	case size > len(keep):
		jobs, _, err = s.growMIG(ctx, project, m, size-len(keep))
	case size < len(keep):
		jobs, err = s.shrinkMIG(ctx, append(deleting, pickVictims(keep, len(keep)-size)...))
	default:
		// Finish deletions a crashed replica left marked.
		jobs, err = s.shrinkMIG(ctx, deleting)
	}
	if err != nil {
		return nil, err
	}
	o.Jobs = jobs
	return s.done(c, o)
}

func (s *server) deleteInstanceGroupManager(c *gin.Context) (any, error) {
	ctx, project, zoneName := c.Request.Context(), c.Param("project"), c.Param("zone")
	m, err := s.migByName(ctx, project, zoneName, c.Param("instanceGroupManager"))
	if err != nil {
		return nil, err
	}
	jobs, err := s.shrinkMIG(ctx, m.members)
	if err != nil {
		return nil, err
	}
	// The group goes last: until then a retry finds the MIG and finishes.
	if err := s.svc.DeleteInstanceGroup(ctx, m.group.ID); err != nil && !isNotFound(err) {
		return nil, err
	}
	o := newOp("delete", zoneName, "instanceGroupManagers", m.name, m.group.ID)
	o.Jobs = jobs
	return s.done(c, o)
}

// migInstancesRequest is the body of recreateInstances and deleteInstances.
type migInstancesRequest struct {
	Instances                      []string `json:"instances"`
	SkipInstancesOnValidationError bool     `json:"skipInstancesOnValidationError"`
}

// selectMembers resolves instance references (names, zonal paths or URLs)
// to members of m. A reference to no member is 400, unless skip.
func selectMembers(project string, m *mig, refs []string, skip bool) ([]translate.Instance, error) {
	if len(refs) == 0 {
		return nil, invalid("Invalid value for field 'resource.instances': ''. At least one instance is required.")
	}
	byName := map[string]translate.Instance{}
	for _, in := range m.members {
		byName[in.Name] = in
	}
	var out []translate.Instance
	seen := map[string]bool{}
	for i, ref := range refs {
		name := lastSegment(ref)
		in, ok := byName[name]
		if ok && (segmentAfter(ref, "zones") != "" && segmentAfter(ref, "zones") != m.zoneName ||
			segmentAfter(ref, "projects") != "" && segmentAfter(ref, "projects") != project) {
			ok = false
		}
		if !ok {
			if skip {
				continue
			}
			return nil, invalid("Invalid value for field 'resource.instances[%d]': '%s'. The instance is not a member of instance group manager '%s'.", i, ref, m.name)
		}
		if !seen[name] {
			seen[name] = true
			out = append(out, in)
		}
	}
	return out, nil
}

func (s *server) deleteMIGInstances(c *gin.Context) (any, error) {
	var req migInstancesRequest
	if err := bindJSON(c, &req); err != nil {
		return nil, err
	}
	ctx, project, zoneName := c.Request.Context(), c.Param("project"), c.Param("zone")
	m, err := s.migByName(ctx, project, zoneName, c.Param("instanceGroupManager"))
	if err != nil {
		return nil, err
	}
	victims, err := selectMembers(project, m, req.Instances, req.SkipInstancesOnValidationError)
	if err != nil {
		return nil, err
	}
	jobs, err := s.shrinkMIG(ctx, victims)
	if err != nil {
		return nil, err
	}
	o := newOp("compute.instanceGroupManagers.deleteInstances", zoneName, "instanceGroupManagers", m.name, m.group.ID)
	o.Jobs = jobs
	return s.done(c, o)
}

// recreateMIGInstances deletes each named member and creates it again,
// under the same name, from the MIG's template. CloudStack frees a name
// only once the old VM is expunged or renamed (TerminateInstance), so each
// deletion is waited for before the new member is deployed.
func (s *server) recreateMIGInstances(c *gin.Context) (any, error) {
	var req migInstancesRequest
	if err := bindJSON(c, &req); err != nil {
		return nil, err
	}
	if req.SkipInstancesOnValidationError {
		return nil, unsupportedValue("resource.skipInstancesOnValidationError", true, "recreateInstances checks every instance.")
	}
	ctx, project, zoneName := c.Request.Context(), c.Param("project"), c.Param("zone")
	m, err := s.migByName(ctx, project, zoneName, c.Param("instanceGroupManager"))
	if err != nil {
		return nil, err
	}
	victims, err := selectMembers(project, m, req.Instances, false)
	if err != nil {
		return nil, err
	}
	for i := range victims {
		if protected(&victims[i]) {
			return nil, errProtected()
		}
	}
	// Read the template before removing anything.
	tmpl, err := s.migTemplate(ctx, project, m.template)
	if err != nil {
		return nil, err
	}
	o := newOp("compute.instanceGroupManagers.recreateInstances", zoneName, "instanceGroupManagers", m.name, m.group.ID)
	for _, in := range victims {
		job, err := s.removeInstance(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		if err := s.waitJob(ctx, job); err != nil {
			return nil, err
		}
		req, err := tmpl.insert()
		if err != nil {
			return nil, err
		}
		req.Name = in.Name
		io, err := s.insertFrom(ctx, project, zoneName, req, "", m.group.Name)
		if err != nil {
			return nil, err
		}
		o.Jobs = append(o.Jobs, io.Jobs...)
	}
	return s.done(c, o)
}

// listManagedInstances answers every member (PAGELESS: maxResults and
// pageToken page, no filter or order).
func (s *server) listManagedInstances(c *gin.Context) (any, error) {
	lp, err := parseListParams(c)
	if err != nil {
		return nil, err
	}
	if lp.filter != nil || c.Query("orderBy") != "" {
		return nil, invalid("Invalid value for field 'filter': filter and orderBy are not supported with listManagedInstancesResults PAGELESS.")
	}
	ctx, project := c.Request.Context(), c.Param("project")
	m, err := s.migByName(ctx, project, c.Param("zone"), c.Param("instanceGroupManager"))
	if err != nil {
		return nil, err
	}
	tmpl := s.global(project, "instanceTemplates", m.template)
	items := make([]*wireManagedInstance, 0, len(m.members))
	for i := range m.members {
		in := &m.members[i]
		st := instanceStatus[in.State]
		if st == "" || (in.JobPending && in.State == translate.StateStarting) {
			st = "PROVISIONING"
		}
		items = append(items, &wireManagedInstance{
			Instance: s.zonal(project, m.zoneName, "instances", in.Name), ID: numericID(in.ID), Name: in.Name,
			InstanceStatus: st, CurrentAction: memberAction(in), Version: &wireMIGVersion{Name: m.version, InstanceTemplate: tmpl},
		})
	}
	pg, next := page(items, lp)
	return &wireManagedInstances{ManagedInstances: pg, NextPageToken: next}, nil
}

func (m *wireManagedInstance) sortName() string { return m.Name }
func (m *wireManagedInstance) sortTime() string { return "" }
