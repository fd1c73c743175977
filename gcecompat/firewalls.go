package gcecompat

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cloudgate/cloudgate/translate"
	"github.com/gin-gonic/gin"
)

// Firewalls are mapped onto CloudStack security groups:
//
//   - Network tag T is the security group "gce-tag-T". Instances created
//     with tag T are deployed into it (and into the account's "default"
//     group, which every instance has).
//   - A firewall's rules go into "gce-tag-T" for each target tag T, or into
//     "default" when it has no target tags. sourceTags S become rules whose
//     source is group "gce-tag-S"; sourceRanges (default 0.0.0.0/0) become
//     CIDR rules; EGRESS firewalls become egress rules on destinationRanges.
//   - The firewall's own definition is stored, as JSON, in the description
//     of an otherwise empty marker group "gce-fw-NAME", so every replica can
//     list it. Updates recreate the marker.
//   - Identical rules of several firewalls are shared: deleting one firewall
//     revokes only the rules no other firewall still needs.
//   - CloudStack groups only allow traffic (everything else is denied), so
//     "denied" entries and priorities are stored and reported but not
//     enforced, and a disabled firewall has no rules.
//   - Instance security groups are fixed when CloudStack deploys the VM:
//     setTags changes the reported tags but not group membership.

const (
	fwMarkerPrefix = "gce-fw-"
	tagGroupPrefix = "gce-tag-"
	defaultGroup   = "default"
)

// fwDef is the stored definition of a firewall.
type fwDef struct {
	Name        string             `json:"n"`
	Description string             `json:"d,omitempty"`
	Priority    int                `json:"p"`
	Direction   string             `json:"dir"`
	Source      []string           `json:"sr,omitempty"`
	Dest        []string           `json:"dr,omitempty"`
	SourceTags  []string           `json:"st,omitempty"`
	TargetTags  []string           `json:"tt,omitempty"`
	Allowed     []wireFirewallRule `json:"a,omitempty"`
	Denied      []wireFirewallRule `json:"x,omitempty"`
	Disabled    bool               `json:"off,omitempty"`
	Created     int64              `json:"c"`
	LastOp      string             `json:"op,omitempty"` // insert, update or patch
	Changed     int64              `json:"t,omitempty"`  // unix millis of LastOp
}

// lastOp is the operation of the firewall's last change; insert, update
// and patch answer with it, and operation lists show it.
func (d *fwDef) lastOp() opRef {
	o := opRef{Type: d.LastOp, Coll: "firewalls", Target: d.Name, Insert: d.Changed}
	if o.Type == "" {
		o.Type = "insert"
	}
	if o.Insert == 0 {
		o.Insert = d.Created
	}
	return o
}

func (f *wireFirewall) sortName() string { return f.Name }
func (f *wireFirewall) sortTime() string { return f.CreationTimestamp }

func (s *server) wireFirewall(project string, d *fwDef) *wireFirewall {
	return &wireFirewall{
		Kind: "compute#firewall", ID: numericID("fw:" + d.Name + ":" + strconv.FormatInt(d.Created, 10)), Name: d.Name,
		Description: d.Description, CreationTimestamp: timestamp(time.UnixMilli(d.Created)),
		Network: s.global(project, "networks", "default"), Priority: d.Priority,
		SourceRanges: d.Source, DestinationRanges: d.Dest, SourceTags: d.SourceTags, TargetTags: d.TargetTags,
		Allowed: d.Allowed, Denied: d.Denied, Direction: d.Direction, Disabled: d.Disabled,
		SelfLink: s.global(project, "firewalls", d.Name),
	}
}

// firewallReq is a firewall in an insert/update/patch body.
type firewallReq struct {
	Name              string             `json:"name"`
	Description       *string            `json:"description"`
	Network           string             `json:"network"`
	Priority          *json.Number       `json:"priority"`
	SourceRanges      []string           `json:"sourceRanges"`
	DestinationRanges []string           `json:"destinationRanges"`
	SourceTags        []string           `json:"sourceTags"`
	TargetTags        []string           `json:"targetTags"`
	Allowed           []wireFirewallRule `json:"allowed"`
	Denied            []wireFirewallRule `json:"denied"`
	Direction         string             `json:"direction"`
	Disabled          *bool              `json:"disabled"`
	SourceSA          []string           `json:"sourceServiceAccounts"`
	TargetSA          []string           `json:"targetServiceAccounts"`
	LogConfig         *struct {
		Enable   bool   `json:"enable"`
		Metadata string `json:"metadata"`
	} `json:"logConfig"`
}

// apply merges a request into a definition (all fields for update, only
// present ones for patch).
func (r *firewallReq) apply(d *fwDef, patch bool) error {
	if r.LogConfig != nil && r.LogConfig.Enable {
		return unsupportedValue("resource.logConfig.enable", true, "Firewall logging is not supported by this gateway.")
	}
	if len(r.SourceSA) > 0 || len(r.TargetSA) > 0 {
		return unimplementedf("Service-account firewall sources and targets are not supported.")
	}
	if r.Network != "" && lastSegment(r.Network) != "default" {
		return invalid("Invalid value for field 'resource.network': '%s'. Only the 'default' network exists.", r.Network)
	}
	set := func(dst *[]string, v []string) {
		if !patch || v != nil {
			*dst = v
		}
	}
	if r.Description != nil {
		d.Description = *r.Description
	} else if !patch {
		d.Description = ""
	}
	if r.Priority != nil {
		p, err := r.Priority.Int64()
		if err != nil || p < 0 || p > 65535 {
			return invalid("Invalid value for field 'resource.priority': '%s'. Must be between 0 and 65535.", r.Priority.String())
		}
		d.Priority = int(p)
	} else if !patch {
		d.Priority = 1000
	}
	set(&d.Source, r.SourceRanges)
	set(&d.Dest, r.DestinationRanges)
	set(&d.SourceTags, r.SourceTags)
	set(&d.TargetTags, r.TargetTags)
	if !patch || r.Allowed != nil {
		d.Allowed = r.Allowed
	}
	if !patch || r.Denied != nil {
		d.Denied = r.Denied
	}
	if r.Direction != "" {
		d.Direction = strings.ToUpper(r.Direction)
	} else if !patch || d.Direction == "" {
		d.Direction = "INGRESS"
	}
	if r.Disabled != nil {
		d.Disabled = *r.Disabled
	} else if !patch {
		d.Disabled = false
	}
	if d.Direction != "INGRESS" && d.Direction != "EGRESS" {
		return invalid("Invalid value for field 'resource.direction': '%s'.", d.Direction)
	}
	if len(d.Allowed) == 0 && len(d.Denied) == 0 {
		return invalid("Invalid value for field 'resource': ''. Exactly one of 'allowed' or 'denied' must be specified.")
	}
	if len(d.Allowed) > 0 && len(d.Denied) > 0 {
		return invalid("Invalid value for field 'resource': ''. Only one of 'allowed' or 'denied' may be specified.")
	}
	if _, err := fwRules(d, ""); err != nil {
		return err
	}
	return nil
}

// groupRules are the CloudStack rules of a firewall, by group name.
type groupRules map[string][]translate.Rule

// fwRules computes the CloudStack rules a firewall needs.
func fwRules(d *fwDef, account string) (groupRules, error) {
	out := groupRules{}
	if d.Disabled || len(d.Allowed) == 0 {
		return out, nil
	}
	targets := []string{defaultGroup}
	if len(d.TargetTags) > 0 {
		targets = nil
		for _, t := range d.TargetTags {
			targets = append(targets, tagGroupPrefix+t)
		}
	}
	egress := d.Direction == "EGRESS"
	type peer struct{ cidr, group string }
	var peers []peer
	if egress {
		ranges := d.Dest
		if len(ranges) == 0 {
			ranges = []string{"0.0.0.0/0"}
		}
		for _, r := range ranges {
			peers = append(peers, peer{cidr: r})
		}
	} else {
		for _, r := range d.Source {
			peers = append(peers, peer{cidr: r})
		}
		for _, t := range d.SourceTags {
			peers = append(peers, peer{group: tagGroupPrefix + t})
		}
		if len(peers) == 0 {
			peers = []peer{{cidr: "0.0.0.0/0"}}
		}
	}
	var base []translate.Rule
	for _, a := range d.Allowed {
		rs, err := protocolRules(a)
		if err != nil {
			return nil, err
		}
		base = append(base, rs...)
	}
	for _, g := range targets {
		for _, p := range peers {
			for _, r := range base {
				r.Egress, r.CIDR = egress, p.cidr
				if p.group != "" {
					r.GroupName, r.GroupAccount = p.group, account
				}
				out[g] = append(out[g], r)
			}
		}
	}
	return out, nil
}

// protocolRules turns one allowed entry into rules without peers.
func protocolRules(a wireFirewallRule) ([]translate.Rule, error) {
	proto := strings.ToLower(a.IPProtocol)
	switch proto {
	case "tcp", "udp", "sctp":
		if len(a.Ports) == 0 {
			return []translate.Rule{{Protocol: proto, StartPort: 1, EndPort: 65535}}, nil
		}
		var out []translate.Rule
		for _, p := range a.Ports {
			lo, hi, ok := strings.Cut(p, "-")
			if !ok {
				hi = lo
			}
			start, err1 := strconv.Atoi(lo)
			end, err2 := strconv.Atoi(hi)
			if err1 != nil || err2 != nil || start < 0 || end > 65535 || start > end {
				return nil, invalid("Invalid value for field 'resource.allowed[].ports[]': '%s'.", p)
			}
			out = append(out, translate.Rule{Protocol: proto, StartPort: start, EndPort: end})
		}
		return out, nil
	case "icmp":
		return []translate.Rule{{Protocol: "icmp", ICMPType: -1, ICMPCode: -1}}, nil
	case "all":
		return []translate.Rule{{Protocol: "all"}}, nil
	case "":
		return nil, invalid("Invalid value for field 'resource.allowed[].IPProtocol': ''.")
	}
	if n, err := strconv.Atoi(proto); err == nil && n >= 0 && n <= 255 {
		return []translate.Rule{{Protocol: proto}}, nil
	}
	return nil, invalid("Invalid value for field 'resource.allowed[].IPProtocol': '%s'.", a.IPProtocol)
}

func ruleKey(r translate.Rule) string {
	return fmt.Sprintf("%v|%s|%d|%d|%d|%d|%s|%s", r.Egress, r.Protocol, r.StartPort, r.EndPort, r.ICMPType, r.ICMPCode, r.CIDR, r.GroupName)
}

// firewall is a stored firewall with its marker group.
type firewall struct {
	def      fwDef
	markerID string
}

// firewalls lists every firewall definition of the caller.
func (s *server) firewalls(ctx context.Context) ([]firewall, error) {
	groups, err := s.svc.SecurityGroups(ctx, translate.SecurityGroupQuery{})
	if err != nil {
		return nil, err
	}
	var out []firewall
	for _, g := range groups {
		if !strings.HasPrefix(g.Name, fwMarkerPrefix) {
			continue
		}
		var d fwDef
		if json.Unmarshal([]byte(g.Description), &d) != nil || d.Name == "" {
			continue
		}
		out = append(out, firewall{def: d, markerID: g.ID})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].def.Name < out[j].def.Name })
	return out, nil
}

func (s *server) firewallByName(ctx context.Context, project, name string) (*firewall, []firewall, error) {
	all, err := s.firewalls(ctx)
	if err != nil {
		return nil, nil, err
	}
	for i := range all {
		if all[i].def.Name == name {
			return &all[i], all, nil
		}
	}
	return nil, all, notFound(translate.ResSecurityGroup, "projects/"+project+"/global/firewalls/"+name)
}

// ensureGroup returns the id of the named group, creating it if needed.
func (s *server) ensureGroup(ctx context.Context, name, description string) (string, error) {
	gs, err := s.svc.SecurityGroups(ctx, translate.SecurityGroupQuery{Names: []string{name}})
	if err != nil && !isNotFound(err) {
		return "", err
	}
	for _, g := range gs {
		if g.Name == name {
			return g.ID, nil
		}
	}
	g, err := s.svc.CreateSecurityGroup(ctx, name, description, nil)
	if translate.KindOf(err) == translate.AlreadyExists {
		return s.ensureGroup(ctx, name, description)
	}
	if err != nil {
		return "", err
	}
	return g.ID, nil
}

// groupsForTags returns the security groups of an instance with the given
// network tags: "default" plus "gce-tag-T" per tag.
func (s *server) groupsForTags(ctx context.Context, tags []string) ([]string, error) {
	var ids []string
	gs, err := s.svc.SecurityGroups(ctx, translate.SecurityGroupQuery{Names: []string{defaultGroup}})
	if err != nil && !isNotFound(err) {
		return nil, err
	}
	for _, g := range gs {
		if g.Name == defaultGroup {
			ids = append(ids, g.ID)
		}
	}
	for _, t := range tags {
		if err := checkName("resource.tags.items", t); err != nil {
			return nil, err
		}
		id, err := s.ensureGroup(ctx, tagGroupPrefix+t, "cloudgate: instances with GCE network tag "+t)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// applyRules moves CloudStack from the rules of old to those of new,
// keeping rules that other firewalls need.
func (s *server) applyRules(ctx context.Context, oldDef, newDef *fwDef, others []firewall) error {
	account := principal(ctx).Account
	need := map[string]bool{} // group|rule still needed by others
	for _, o := range others {
		rs, _ := fwRules(&o.def, account)
		for g, rules := range rs {
			for _, r := range rules {
				need[g+"#"+ruleKey(r)] = true
			}
		}
	}
	want := groupRules{}
	if newDef != nil {
		var err error
		if want, err = fwRules(newDef, account); err != nil {
			return err
		}
		for g, rules := range want {
			for _, r := range rules {
				need[g+"#"+ruleKey(r)] = true
			}
		}
	}
	have := groupRules{}
	if oldDef != nil {
		have, _ = fwRules(oldDef, account)
	}
	// Add first, then revoke, so traffic allowed by both stays allowed.
	for g, rules := range want {
		if newDef != nil {
			for _, src := range newDef.SourceTags {
				if _, err := s.ensureGroup(ctx, tagGroupPrefix+src, "cloudgate: instances with GCE network tag "+src); err != nil {
					return err
				}
			}
		}
		id, err := s.ensureGroup(ctx, g, "cloudgate: instances with GCE network tag "+strings.TrimPrefix(g, tagGroupPrefix))
		if err != nil {
			return err
		}
		for _, r := range rules {
			if _, err := s.svc.AuthorizeRules(ctx, id, []translate.Rule{r}); err != nil && translate.KindOf(err) != translate.AlreadyExists {
				return err
			}
		}
	}
	for g, rules := range have {
		var revoke []translate.Rule
		for _, r := range rules {
			if !need[g+"#"+ruleKey(r)] {
				revoke = append(revoke, r)
			}
		}
		if len(revoke) == 0 {
			continue
		}
		gs, err := s.svc.SecurityGroups(ctx, translate.SecurityGroupQuery{Names: []string{g}})
		if err != nil && !isNotFound(err) {
			return err
		}
		for _, grp := range gs {
			if grp.Name != g {
				continue
			}
			for _, r := range revoke {
				if err := s.svc.RevokeRules(ctx, grp.ID, []translate.Rule{r}); err != nil && !isNotFound(err) {
					return err
				}
			}
		}
	}
	return nil
}

// storeDef (re)creates the marker group holding a definition.
func (s *server) storeDef(ctx context.Context, d *fwDef, oldMarker string) error {
	b, err := json.Marshal(d)
	if err != nil {
		return err
	}
	if oldMarker != "" {
		if err := s.svc.DeleteSecurityGroup(ctx, oldMarker); err != nil && !isNotFound(err) {
			return err
		}
	}
	_, err = s.svc.CreateSecurityGroup(ctx, fwMarkerPrefix+d.Name, string(b), translate.Tags{translate.ReservedTagPrefix + "gce-firewall": d.Name})
	return err
}

func (s *server) listFirewalls(c *gin.Context) (any, error) {
	lp, err := parseListParams(c)
	if err != nil {
		return nil, err
	}
	project := c.Param("project")
	all, err := s.firewalls(c.Request.Context())
	if err != nil {
		return nil, err
	}
	items := make([]*wireFirewall, 0, len(all))
	for i := range all {
		items = append(items, s.wireFirewall(project, &all[i].def))
	}
	pg, next := page(items, lp)
	return s.list("compute#firewallList", s.projectLink(project)+"/global/firewalls", pg, next), nil
}

func (s *server) getFirewall(c *gin.Context) (any, error) {
	project := c.Param("project")
	fw, _, err := s.firewallByName(c.Request.Context(), project, c.Param("firewall"))
	if err != nil {
		return nil, err
	}
	return s.wireFirewall(project, &fw.def), nil
}

func (s *server) insertFirewall(c *gin.Context) (any, error) {
	var req firewallReq
	if err := bindJSON(c, &req); err != nil {
		return nil, err
	}
	if err := checkName("resource.name", req.Name); err != nil {
		return nil, err
	}
	ctx, project := c.Request.Context(), c.Param("project")
	_, all, err := s.firewallByName(ctx, project, req.Name)
	if err == nil {
		return nil, translate.Errorf(translate.AlreadyExists, translate.ResSecurityGroup, req.Name,
			"The resource 'projects/%s/global/firewalls/%s' already exists", project, req.Name)
	}
	if !isNotFound(err) {
		return nil, err
	}
	if err := s.checkFirewallNetwork(ctx, project, req.Network); err != nil {
		return nil, err
	}
	now := time.Now().UnixMilli()
	d := &fwDef{Name: req.Name, Created: now, LastOp: "insert", Changed: now}
	if err := req.apply(d, false); err != nil {
		return nil, err
	}
	if err := s.applyRules(ctx, nil, d, all); err != nil {
		_ = s.applyRules(ctx, d, nil, all) // roll back what was added
		return nil, err
	}
	if err := s.storeDef(ctx, d, ""); err != nil {
		_ = s.applyRules(ctx, d, nil, all)
		return nil, err
	}
	return s.done(c, d.lastOp())
}

func (s *server) changeFirewall(patch bool) handlerFunc {
	return func(c *gin.Context) (any, error) {
		var req firewallReq
		if err := bindJSON(c, &req); err != nil {
			return nil, err
		}
		ctx, project, name := c.Request.Context(), c.Param("project"), c.Param("firewall")
		fw, all, err := s.firewallByName(ctx, project, name)
		if err != nil {
			return nil, err
		}
		if req.Name != "" && req.Name != name {
			return nil, invalid("Invalid value for field 'resource.name': '%s'. The name cannot be changed.", req.Name)
		}
		if err := s.checkFirewallNetwork(ctx, project, req.Network); err != nil {
			return nil, err
		}
		d := fw.def
		if err := req.apply(&d, patch); err != nil {
			return nil, err
		}
		d.LastOp, d.Changed = "update", time.Now().UnixMilli()
		if patch {
			d.LastOp = "patch"
		}
		var others []firewall
		for _, o := range all {
			if o.def.Name != name {
				others = append(others, o)
			}
		}
		if err := s.applyRules(ctx, &fw.def, &d, others); err != nil {
			return nil, err
		}
		if err := s.storeDef(ctx, &d, fw.markerID); err != nil {
			return nil, err
		}
		return s.done(c, d.lastOp())
	}
}

func (s *server) deleteFirewall(c *gin.Context) (any, error) {
	ctx, project, name := c.Request.Context(), c.Param("project"), c.Param("firewall")
	fw, all, err := s.firewallByName(ctx, project, name)
	if err != nil {
		return nil, err
	}
	var others []firewall
	for _, o := range all {
		if o.def.Name != name {
			others = append(others, o)
		}
	}
	if err := s.applyRules(ctx, &fw.def, nil, others); err != nil {
		return nil, err
	}
	if err := s.svc.DeleteSecurityGroup(ctx, fw.markerID); err != nil && !isNotFound(err) {
		return nil, err
	}
	return s.done(c, newOp("delete", "", "firewalls", name, ""))
}
