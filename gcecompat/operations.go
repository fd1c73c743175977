package gcecompat

import (
	"bytes"
	"context"
	"encoding/base32"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/cloudgate/cloudgate/translate"
	"github.com/gin-gonic/gin"
)

// An operation is named "operation-" + base32(opRef): everything needed to
// render it again (type, scope, target, CloudStack job ids, insert time)
// is in the name, so any replica, or a restarted gateway, can answer get
// and wait. Status comes from CloudStack (Service.Job); an operation with
// no jobs was synchronous and is DONE.
type opRef struct {
	Type   string   // operationType: insert, delete, start, ...
	Zone   string   // zonal scope; "" with Region false means global
	Region bool     // regional scope
	Coll   string   // target collection: instances, disks, firewalls, ...
	Target string   // target name
	Key    string   // target CloudStack UUID (for targetId), optional
	Jobs   []string // CloudStack async job ids
	Insert int64    // unix millis
}

const opPrefix = "operation-"

var opEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

func (o opRef) name() string {
	var b bytes.Buffer
	b.WriteByte(1) // version
	putString(&b, o.Type)
	scope := "g"
	if o.Region {
		scope = "r"
	} else if o.Zone != "" {
		scope = "z" + o.Zone
	}
	putString(&b, scope)
	putString(&b, o.Coll)
	putString(&b, o.Target)
	putPacked(&b, o.Key)
	putUvarint(&b, uint64(len(o.Jobs)))
	for _, j := range o.Jobs {
		putPacked(&b, j)
	}
	putUvarint(&b, uint64(o.Insert))
	return opPrefix + opEncoding.EncodeToString(b.Bytes())
}

var errBadOpName = errors.New("bad operation name")

func parseOpName(name string) (opRef, error) {
	var o opRef
	if !strings.HasPrefix(name, opPrefix) {
		return o, errBadOpName
	}
	raw, err := opEncoding.DecodeString(name[len(opPrefix):])
	if err != nil || len(raw) == 0 || raw[0] != 1 {
		return o, errBadOpName
	}
	r := bytes.NewReader(raw[1:])
	var scope string
	var n uint64
	steps := []func() error{
		func() (err error) { o.Type, err = getString(r); return },
		func() (err error) { scope, err = getString(r); return },
		func() (err error) { o.Coll, err = getString(r); return },
		func() (err error) { o.Target, err = getString(r); return },
		func() (err error) { o.Key, err = getPacked(r); return },
		func() (err error) { n, err = binary.ReadUvarint(r); return },
	}
	for _, f := range steps {
		if err := f(); err != nil {
			return o, errBadOpName
		}
	}
	if n > 64 {
		return o, errBadOpName
	}
	for i := uint64(0); i < n; i++ {
		j, err := getPacked(r)
		if err != nil {
			return o, errBadOpName
		}
		o.Jobs = append(o.Jobs, j)
	}
	t, err := binary.ReadUvarint(r)
	if err != nil || r.Len() != 0 {
		return o, errBadOpName
	}
	o.Insert = int64(t)
	switch {
	case scope == "r":
		o.Region = true
	case strings.HasPrefix(scope, "z"):
		o.Zone = scope[1:]
	case scope != "g":
		return o, errBadOpName
	}
	return o, nil
}

func putUvarint(b *bytes.Buffer, v uint64) {
	var tmp [binary.MaxVarintLen64]byte
	b.Write(tmp[:binary.PutUvarint(tmp[:], v)])
}

func putString(b *bytes.Buffer, s string) {
	putUvarint(b, uint64(len(s)))
	b.WriteString(s)
}

// putPacked stores UUIDs in 16 bytes, other strings as is.
func putPacked(b *bytes.Buffer, s string) {
	if len(s) == 36 && strings.Count(s, "-") == 4 && s == strings.ToLower(s) {
		if raw, err := hex.DecodeString(strings.ReplaceAll(s, "-", "")); err == nil && len(raw) == 16 {
			b.WriteByte(1)
			b.Write(raw)
			return
		}
	}
	b.WriteByte(0)
	putString(b, s)
}

func getString(r *bytes.Reader) (string, error) {
	n, err := binary.ReadUvarint(r)
	if err != nil || n > uint64(r.Len()) {
		return "", errBadOpName
	}
	buf := make([]byte, n)
	_, _ = r.Read(buf)
	return string(buf), nil
}

func getPacked(r *bytes.Reader) (string, error) {
	tag, err := r.ReadByte()
	if err != nil {
		return "", err
	}
	switch tag {
	case 0:
		return getString(r)
	case 1:
		var raw [16]byte
		if n, _ := r.Read(raw[:]); n != 16 {
			return "", errBadOpName
		}
		h := hex.EncodeToString(raw[:])
		return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
	}
	return "", errBadOpName
}

// newOp starts an opRef for a zonal, regional or global target.
func newOp(typ, zone, coll, target, key string, jobs ...*translate.Job) opRef {
	o := opRef{Type: typ, Zone: zone, Coll: coll, Target: target, Key: key, Insert: time.Now().UnixMilli()}
	for _, j := range jobs {
		if j != nil && j.ID != "" {
			o.Jobs = append(o.Jobs, j.ID)
		}
	}
	return o
}

func (s *server) targetLink(project string, o opRef) string {
	switch {
	case o.Coll == "projects":
		return s.projectLink(project)
	case o.Zone != "":
		return s.zonal(project, o.Zone, o.Coll, o.Target)
	case o.Region:
		return s.regional(project, o.Coll, o.Target)
	}
	return s.global(project, o.Coll, o.Target)
}

func (s *server) opSelfLink(project string, o opRef) string {
	name := o.name()
	switch {
	case o.Zone != "":
		return s.zonal(project, o.Zone, "operations", name)
	case o.Region:
		return s.regional(project, "operations", name)
	}
	return s.global(project, "operations", name)
}

// render builds the wire form of an operation from its current jobs. With
// wait set, it blocks (bounded) until the jobs finish.
func (s *server) render(ctx context.Context, project string, o opRef, wait time.Duration) (*wireOperation, error) {
	return s.renderWith(ctx, project, o, wait, nil)
}

// renderWith is render with some jobs already known (by id).
func (s *server) renderWith(ctx context.Context, project string, o opRef, wait time.Duration, known map[string]*translate.Job) (*wireOperation, error) {
	name := o.name()
	p := principal(ctx)
	op := &wireOperation{
		Kind: "compute#operation", ID: numericID("op:" + name), Name: name,
		OperationType: o.Type, TargetLink: s.targetLink(project, o),
		Status: "DONE", Progress: 100, User: p.UserName,
		InsertTime: timestamp(time.UnixMilli(o.Insert)),
		SelfLink:   s.opSelfLink(project, o),
	}
	op.StartTime = op.InsertTime
	if o.Key != "" {
		op.TargetID = numericID(o.Key)
	}
	switch {
	case o.Zone != "":
		op.Zone = s.zoneLink(project, o.Zone)
	case o.Region:
		op.Region = s.regionLink(project)
	}
	var end time.Time
	for _, id := range o.Jobs {
		j, err := known[id], error(nil)
		switch {
		case j != nil:
		case wait > 0:
			j, err = s.svc.WaitJob(ctx, id, wait)
		default:
			j, err = s.svc.Job(ctx, id)
		}
		if isNotFound(err) {
			continue // CloudStack purged the finished job
		}
		if err != nil {
			return nil, err
		}
		if j.Status == translate.JobPending {
			op.Status, op.Progress = "RUNNING", 50
			continue
		}
		if j.Completed.After(end) {
			end = j.Completed
		}
		if j.Status == translate.JobFailed && op.Error == nil {
			var jerr error = j.Err
			if j.Err == nil {
				jerr = translate.Errorf(translate.Internal, translate.ResJob, id, "operation failed")
			}
			op.Error, op.HTTPErrorStatusCode, op.HTTPErrorMessage = operationError(jerr)
		}
	}
	if op.Status == "DONE" {
		if end.IsZero() {
			end = time.UnixMilli(o.Insert)
		}
		op.EndTime = timestamp(end)
	}
	return op, nil
}

// done answers a mutation with its operation, rendered at once. A
// job-backed operation takes its insert time from its first job, so that
// operation lists (built from CloudStack's jobs) show the same name.
func (s *server) done(c *gin.Context, o opRef) (any, error) {
	ctx := c.Request.Context()
	if len(o.Jobs) > 0 {
		if j, err := s.svc.Job(ctx, o.Jobs[0]); err == nil && !j.Created.IsZero() {
			o.Insert = j.Created.UnixMilli()
		}
	}
	return s.render(ctx, c.Param("project"), o, 0)
}

// opFromPath decodes the :operation parameter and checks its scope.
func opFromPath(c *gin.Context) (opRef, error) {
	name := c.Param("operation")
	o, err := parseOpName(name)
	if err != nil {
		return o, notFound(translate.ResJob, opPath(c, name))
	}
	zone := c.Param("zone")
	switch {
	case zone != "" && o.Zone != zone,
		zone == "" && strings.Contains(c.FullPath(), "/regions/") && !o.Region,
		zone == "" && strings.Contains(c.FullPath(), "/global/") && (o.Region || o.Zone != ""):
		return o, notFound(translate.ResJob, opPath(c, name))
	}
	return o, nil
}

func opPath(c *gin.Context, name string) string {
	p := "projects/" + c.Param("project")
	switch {
	case c.Param("zone") != "":
		p += "/zones/" + c.Param("zone")
	case c.Param("region") != "":
		p += "/regions/" + c.Param("region")
	default:
		p += "/global"
	}
	return p + "/operations/" + name
}

const waitTimeout = 30 * time.Second

func (s *server) getOperation(c *gin.Context) (any, error) {
	o, err := opFromPath(c)
	if err != nil {
		return nil, err
	}
	return s.render(c.Request.Context(), c.Param("project"), o, 0)
}

func (s *server) waitOperation(c *gin.Context) (any, error) {
	o, err := opFromPath(c)
	if err != nil {
		return nil, err
	}
	return s.render(c.Request.Context(), c.Param("project"), o, waitTimeout)
}

func (s *server) deleteOperation(c *gin.Context) (any, error) {
	if _, err := opFromPath(c); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

// Operation lists are built from CloudStack's recent async jobs.

func (o *wireOperation) sortName() string { return o.Name }
func (o *wireOperation) sortTime() string { return o.InsertTime }

// jobOps maps command → (operationType, collection).
var jobOps = map[string][2]string{
	"deployvirtualmachine":          {"insert", "instances"},
	"destroyvirtualmachine":         {"delete", "instances"},
	"expungevirtualmachine":         {"delete", "instances"},
	"startvirtualmachine":           {"start", "instances"},
	"stopvirtualmachine":            {"stop", "instances"},
	"rebootvirtualmachine":          {"reset", "instances"},
	"scalevirtualmachine":           {"setMachineType", "instances"},
	"createvolume":                  {"insert", "disks"},
	"deletevolume":                  {"delete", "disks"},
	"attachvolume":                  {"attachDisk", "disks"},
	"detachvolume":                  {"detachDisk", "disks"},
	"resizevolume":                  {"resize", "disks"},
	"createsnapshot":                {"createSnapshot", "disks"},
	"deletesnapshot":                {"delete", "snapshots"},
	"createtemplate":                {"insert", "images"},
	"deletetemplate":                {"delete", "images"},
	"associateipaddress":            {"insert", "addresses"},
	"disassociateipaddress":         {"delete", "addresses"},
	"authorizesecuritygroupingress": {"insert", "firewalls"},
	"authorizesecuritygroupegress":  {"insert", "firewalls"},
	"revokesecuritygroupingress":    {"delete", "firewalls"},
	"revokesecuritygroupegress":     {"delete", "firewalls"},
}

// allOperations lists the caller's operations with their scopes.
func (s *server) allOperations(ctx context.Context, project string) ([]scoped[*wireOperation], error) {
	jobs, err := s.svc.Jobs(ctx)
	if err != nil {
		return nil, err
	}
	zoneName := map[string]string{}
	if zones, err := s.svc.Zones(ctx); err == nil {
		for _, z := range zones {
			zoneName[z.ID] = s.gceZone(z.Name)
		}
	}
	type target struct{ name, zone string }
	targets := map[string]target{}
	if insts, err := s.svc.Instances(ctx, translate.InstanceQuery{NoRootVolumes: true}); err == nil {
		for _, in := range insts {
			targets[in.ID] = target{in.Name, zoneName[in.ZoneID]}
		}
	}
	if vols, err := s.svc.Volumes(ctx, translate.VolumeQuery{}); err == nil {
		for _, v := range vols {
			targets[v.ID] = target{diskName(v), zoneName[v.ZoneID]}
		}
	}
	var out []scoped[*wireOperation]
	for _, j := range jobs {
		m, ok := jobOps[strings.ToLower(j.Command)]
		if !ok || m[1] == "firewalls" {
			continue // firewall operations come from their definitions below
		}
		o := opRef{Type: m[0], Coll: m[1], Key: j.ResourceID, Insert: j.Created.UnixMilli(), Jobs: []string{j.ID}}
		t, known := targets[j.ResourceID]
		switch {
		case known && (m[1] == "instances" || m[1] == "disks"):
			o.Target, o.Zone = t.name, t.zone
		case m[1] == "addresses":
			o.Region, o.Target = true, j.ResourceID
		default:
			o.Target = j.ResourceID
			if o.Target == "" {
				o.Target = j.ID
			}
		}
		op, err := s.renderWith(ctx, project, o, 0, map[string]*translate.Job{j.ID: &j})
		if err != nil {
			continue
		}
		scope := "global"
		switch {
		case o.Zone != "":
			scope = "zones/" + o.Zone
		case o.Region:
			scope = "regions/" + s.region
		}
		out = append(out, scoped[*wireOperation]{scope: scope, item: op})
	}
	// Synchronous firewall changes: the last change of each firewall.
	if fws, err := s.firewalls(ctx); err == nil {
		for _, fw := range fws {
			op, err := s.render(ctx, project, fw.def.lastOp(), 0)
			if err == nil {
				out = append(out, scoped[*wireOperation]{scope: "global", item: op})
			}
		}
	}
	return out, nil
}

func (s *server) listOperations(c *gin.Context) (any, error) {
	lp, err := parseListParams(c)
	if err != nil {
		return nil, err
	}
	project := c.Param("project")
	all, err := s.allOperations(c.Request.Context(), project)
	if err != nil {
		return nil, err
	}
	want := "global"
	if z := c.Param("zone"); z != "" {
		want = "zones/" + z
	} else if c.Param("region") != "" {
		want = "regions/" + s.region
	}
	var items []*wireOperation
	for _, it := range all {
		if it.scope == want {
			items = append(items, it.item)
		}
	}
	pg, next := page(items, lp)
	self := strings.TrimSuffix(s.base+strings.TrimPrefix(c.Request.URL.Path, "/compute/v1"), "/")
	return s.list("compute#operationList", self, pg, next), nil
}

func (s *server) aggregatedOperations(c *gin.Context) (any, error) {
	lp, err := parseListParams(c)
	if err != nil {
		return nil, err
	}
	project := c.Param("project")
	all, err := s.allOperations(c.Request.Context(), project)
	if err != nil {
		return nil, err
	}
	lp.scopes = s.scopes(c.Request.Context())
	return aggregate("compute#operationAggregatedList", s.projectLink(project)+"/aggregated/operations", "operations", all, lp), nil
}
