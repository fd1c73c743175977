package translate

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// SecurityGroup is a CloudStack security group (an EC2 security group; GCE
// firewalls are mapped onto them by gcecompat).
type SecurityGroup struct {
	ID          string
	Name        string
	Description string
	Account     string
	Ingress     []Rule
	Egress      []Rule
	Tags        Tags
}

// Rule is one security-group rule. Protocol is "tcp", "udp", "icmp", "all"
// or a protocol number. Ports apply to tcp/udp; ICMPType/ICMPCode (-1 =
// any) to icmp. A rule has either a CIDR or a source group.
type Rule struct {
	ID           string
	Egress       bool
	Protocol     string
	StartPort    int
	EndPort      int
	ICMPType     int
	ICMPCode     int
	CIDR         string
	GroupName    string // source/destination security group
	GroupAccount string
	Tags         Tags
}

// SecurityGroupQuery selects security groups. Zero fields do not filter.
type SecurityGroupQuery struct {
	IDs   []string
	Names []string
	Tags  Tags
}

// CreateSecurityGroup creates a group. AlreadyExists if the name is taken.
// If tagging the new group fails, it is deleted again.
func (s *Service) CreateSecurityGroup(ctx context.Context, name, description string, tags Tags) (*SecurityGroup, error) {
	const op = "CreateSecurityGroup"
	if name == "" {
		return nil, invalid(op, ResSecurityGroup, "", "a security group name is required")
	}
	gs, err := s.SecurityGroups(ctx, SecurityGroupQuery{Names: []string{name}})
	if err != nil {
		return nil, err
	}
	if len(gs) > 0 {
		return nil, &Error{Op: op, Kind: AlreadyExists, Resource: ResSecurityGroup, ID: name, Message: "the security group '" + name + "' already exists"}
	}
	g, err := s.cs.CreateSecurityGroup(ctx, name, description)
	if err != nil {
		return nil, opErr(op, ResSecurityGroup, name, err)
	}
	if len(tags) > 0 {
		if err := s.setTags(ctx, op, ResSecurityGroup, []string{g.ID}, tags); err != nil {
			_ = s.cs.DeleteSecurityGroup(ctx, g.ID)
			return nil, err
		}
		g.Tags = Tags{}
		for k, v := range tags {
			g.Tags[k] = v
		}
	}
	return g, nil
}

// SecurityGroups lists the caller's groups matching q, sorted by name then
// id.
func (s *Service) SecurityGroups(ctx context.Context, q SecurityGroupQuery) ([]SecurityGroup, error) {
	ids := newIDFilter(q.IDs)
	names := newIDFilter(q.Names)
	req := ListSecurityGroupsRequest{ID: ids.single()}
	if req.ID == "" {
		req.Name = names.single()
	}
	gs, err := s.cs.ListSecurityGroups(ctx, req)
	if isNotFound(err) && (req.ID != "" || req.Name != "") {
		return []SecurityGroup{}, nil
	}
	if err != nil {
		return nil, opErr("SecurityGroups", ResSecurityGroup, req.ID, err)
	}
	out := []SecurityGroup{}
	for _, g := range gs {
		if ids.match(g.ID) && names.match(g.Name) && g.Tags.Match(q.Tags) {
			out = append(out, g)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// SecurityGroup returns one group by UUID; NotFound (ResSecurityGroup).
func (s *Service) SecurityGroup(ctx context.Context, id string) (*SecurityGroup, error) {
	if id == "" {
		return nil, notFound("SecurityGroup", ResSecurityGroup, id)
	}
	gs, err := s.SecurityGroups(ctx, SecurityGroupQuery{IDs: []string{id}})
	if err != nil {
		return nil, err
	}
	if len(gs) == 0 {
		return nil, notFound("SecurityGroup", ResSecurityGroup, id)
	}
	return &gs[0], nil
}

// DeleteSecurityGroup deletes a group. InUse if VMs still use it; NotFound
// if it does not exist.
//
// CloudStack refuses to delete a group that a VM still belongs to, and a
// destroyed VM keeps its groups until it is expunged (expunge.delay, a day
// by default). When only such VMs hold the group, the caller may expunge
// and see them (allow.user.expunge.recover.vm, allow.user.view.destroyed.vm),
// they are expunged and the delete retried; otherwise the InUse error names
// the CloudStack setting that would let the delete succeed.
func (s *Service) DeleteSecurityGroup(ctx context.Context, id string) error {
	const op = "DeleteSecurityGroup"
	g, err := s.SecurityGroup(ctx, id)
	if err != nil {
		return err
	}
	err = s.cs.DeleteSecurityGroup(ctx, id)
	if KindOf(err) != InUse {
		return opErr(op, ResSecurityGroup, id, err)
	}
	vms, lerr := s.Instances(ctx, InstanceQuery{})
	if lerr != nil {
		return opErr(op, ResSecurityGroup, id, err)
	}
	var destroyed []string
	for _, vm := range vms {
		for _, ref := range vm.Groups {
			if ref.ID != g.ID && (ref.ID != "" || ref.Name != g.Name) {
				continue
			}
			if vm.State != StateDestroyed && vm.State != StateExpunging {
				return opErr(op, ResSecurityGroup, id, err) // a live instance holds it
			}
			destroyed = append(destroyed, vm.ID)
		}
	}
	caps, _ := s.Capabilities(ctx)
	if caps.UserExpungeVM && len(destroyed) > 0 {
		for _, vmID := range destroyed {
			if r, xerr := s.cs.ExpungeVirtualMachine(ctx, vmID); xerr == nil {
				_, _ = s.await(ctx, op, ResInstance, vmID, r.JobID)
			}
		}
		err = s.cs.DeleteSecurityGroup(ctx, id)
		if KindOf(err) != InUse {
			return opErr(op, ResSecurityGroup, id, err)
		}
	}
	fix := "ask the CloudStack operator to set allow.user.expunge.recover.vm=true (the gateway then expunges instances when they are terminated) or to lower expunge.delay"
	if caps.UserExpungeVM {
		fix = "instances terminated before allow.user.expunge.recover.vm was set still hold it; ask the CloudStack operator to set allow.user.view.destroyed.vm=true (the gateway then expunges them here) or to expunge them"
	}
	return &Error{Op: op, Kind: InUse, Resource: ResSecurityGroup, ID: id, Err: err,
		Message: "the security group '" + g.Name + "' is still used by instances that were terminated but not yet expunged: CloudStack keeps a destroyed VM in its security groups until expunge.delay (86400 s by default) has passed; " + fix}
}

// AuthorizeRules adds rules to a group and waits for CloudStack to apply
// them. Rules with Egress set go to the egress list. AlreadyExists if an
// identical rule exists. If one rule fails, rules added by this call are
// revoked again. The returned rules carry CloudStack's rule ids.
func (s *Service) AuthorizeRules(ctx context.Context, groupID string, rules []Rule) ([]Rule, error) {
	const op = "AuthorizeRules"
	before, err := s.SecurityGroup(ctx, groupID)
	if err != nil {
		return nil, err
	}
	old := map[string]bool{}
	for _, r := range allRules(before) {
		old[r.ID] = true
	}
	for i, r := range rules {
		if err := checkRule(r); err != nil {
			return nil, invalid(op, ResRule, "", "rule %d: %v", i, err)
		}
		if findRule(allRules(before), r) != nil {
			return nil, &Error{Op: op, Kind: AlreadyExists, Resource: ResRule, ID: groupID, Message: "the rule " + r.String() + " already exists"}
		}
		for _, q := range rules[:i] {
			if SameRule(q, r) {
				return nil, invalid(op, ResRule, "", "rule %d is given twice", i)
			}
		}
	}
	// added finds this call's rules in the group's current state.
	added := func(ctx context.Context, n int) []Rule {
		g, err := s.SecurityGroup(ctx, groupID)
		if err != nil {
			return nil
		}
		var out []Rule
		cur := allRules(g)
		for _, want := range rules[:n] {
			for _, r := range cur {
				if !old[r.ID] && SameRule(r, want) {
					out = append(out, r)
					break
				}
			}
		}
		return out
	}
	for i, r := range rules {
		res, err := s.cs.AuthorizeSecurityGroupRule(ctx, groupID, r)
		if err == nil {
			_, err = s.await(ctx, op, ResRule, groupID, res.JobID)
		}
		if err != nil {
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.opts.JobTimeout)
			for _, a := range added(rctx, i+1) {
				if rr, err := s.cs.RevokeSecurityGroupRule(rctx, a.ID, a.Egress); err == nil {
					_, _ = s.await(rctx, op, ResRule, a.ID, rr.JobID)
				}
			}
			cancel()
			return nil, opErr(op, ResSecurityGroup, groupID, err)
		}
	}
	return added(ctx, len(rules)), nil
}

// RevokeRules removes the group's rules that equal the given ones
// (matched on direction, protocol, ports, ICMP, CIDR and source group;
// IDs are used when set). NotFound (ResRule) if a rule does not exist; then
// nothing is revoked.
func (s *Service) RevokeRules(ctx context.Context, groupID string, rules []Rule) error {
	const op = "RevokeRules"
	g, err := s.SecurityGroup(ctx, groupID)
	if err != nil {
		return err
	}
	cur := allRules(g)
	var hits []Rule
	for _, want := range rules {
		var hit *Rule
		if want.ID != "" {
			for i := range cur {
				if cur[i].ID == want.ID {
					hit = &cur[i]
				}
			}
		} else {
			hit = findRule(cur, want)
		}
		if hit == nil {
			id := want.ID
			if id == "" {
				id = want.String()
			}
			return &Error{Op: op, Kind: NotFound, Resource: ResRule, ID: id, Message: "the rule " + id + " does not exist in group " + groupID}
		}
		hits = append(hits, *hit)
	}
	for _, h := range hits {
		r, err := s.cs.RevokeSecurityGroupRule(ctx, h.ID, h.Egress)
		if err == nil {
			_, err = s.await(ctx, op, ResRule, h.ID, r.JobID)
		}
		if err != nil {
			return opErr(op, ResRule, h.ID, err)
		}
	}
	return nil
}

func allRules(g *SecurityGroup) []Rule {
	out := make([]Rule, 0, len(g.Ingress)+len(g.Egress))
	for _, r := range g.Ingress {
		r.Egress = false
		out = append(out, r)
	}
	for _, r := range g.Egress {
		r.Egress = true
		out = append(out, r)
	}
	return out
}

func findRule(rs []Rule, want Rule) *Rule {
	for i := range rs {
		if SameRule(rs[i], want) {
			return &rs[i]
		}
	}
	return nil
}

// NormProtocol lower-cases a rule protocol and maps the "any" spellings
// ("-1", "all", "") to "all".
func NormProtocol(p string) string {
	p = strings.ToLower(strings.TrimSpace(p))
	switch p {
	case "", "-1", "all", "any":
		return "all"
	case "6":
		return "tcp"
	case "17":
		return "udp"
	case "1":
		return "icmp"
	}
	return p
}

// SameRule reports whether two rules are the same rule (IDs and tags
// ignored): direction, protocol, ports (tcp/udp), ICMP type/code (icmp),
// CIDR and source group.
func SameRule(a, b Rule) bool {
	pa, pb := NormProtocol(a.Protocol), NormProtocol(b.Protocol)
	if a.Egress != b.Egress || pa != pb || a.CIDR != b.CIDR || a.GroupName != b.GroupName {
		return false
	}
	if a.GroupAccount != "" && b.GroupAccount != "" && !strings.EqualFold(a.GroupAccount, b.GroupAccount) {
		return false
	}
	switch pa {
	case "tcp", "udp":
		return a.StartPort == b.StartPort && a.EndPort == b.EndPort
	case "icmp":
		return a.ICMPType == b.ICMPType && a.ICMPCode == b.ICMPCode
	}
	return true
}

func checkRule(r Rule) error {
	if (r.CIDR == "") == (r.GroupName == "") {
		return errors.New("a rule needs either a CIDR or a source group")
	}
	switch NormProtocol(r.Protocol) {
	case "tcp", "udp":
		if r.StartPort < 0 || r.EndPort > 65535 || r.StartPort > r.EndPort {
			return errors.New("invalid port range")
		}
	case "icmp":
		if r.ICMPType < -1 || r.ICMPType > 255 || r.ICMPCode < -1 || r.ICMPCode > 255 {
			return errors.New("invalid ICMP type or code")
		}
	}
	return nil
}

// String describes a rule for messages.
func (r Rule) String() string {
	dir := "ingress"
	if r.Egress {
		dir = "egress"
	}
	src := r.CIDR
	if src == "" {
		src = "group " + r.GroupName
	}
	p := NormProtocol(r.Protocol)
	switch p {
	case "tcp", "udp":
		return fmt.Sprintf("%s %s %d-%d %s", dir, p, r.StartPort, r.EndPort, src)
	case "icmp":
		return fmt.Sprintf("%s icmp type %d code %d %s", dir, r.ICMPType, r.ICMPCode, src)
	}
	return fmt.Sprintf("%s %s %s", dir, p, src)
}
