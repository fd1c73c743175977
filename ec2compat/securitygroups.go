package ec2compat

import (
	"context"
	"strconv"
	"strings"

	"github.com/cloudgate/cloudgate/translate"
)

type ipRangeItem struct {
	CidrIP      string `xml:"cidrIp"`
	Description string `xml:"description,omitempty"`
}

type userIDGroupPair struct {
	UserID      string `xml:"userId,omitempty"`
	GroupID     string `xml:"groupId,omitempty"`
	GroupName   string `xml:"groupName,omitempty"`
	Description string `xml:"description,omitempty"`
}

// tagRuleDescription keeps a rule's Description in a reserved tag on the
// CloudStack security-group rule (ResourceObjectType SecurityGroupRule is
// taggable), so what a client writes it reads back.
const tagRuleDescription = translate.ReservedTagPrefix + "ec2-description"

type ipPermissionItem struct {
	IPProtocol string            `xml:"ipProtocol"`
	FromPort   *int              `xml:"fromPort,omitempty"`
	ToPort     *int              `xml:"toPort,omitempty"`
	Groups     []userIDGroupPair `xml:"groups>item"`
	IPRanges   []ipRangeItem     `xml:"ipRanges>item"`
}

type securityGroupItem struct {
	OwnerID     string             `xml:"ownerId"`
	GroupID     string             `xml:"groupId"`
	GroupName   string             `xml:"groupName"`
	Description string             `xml:"groupDescription"`
	VpcID       string             `xml:"vpcId,omitempty"`
	Ingress     []ipPermissionItem `xml:"ipPermissions>item"`
	Egress      []ipPermissionItem `xml:"ipPermissionsEgress>item"`
	Tags        []tagItem          `xml:"tagSet>item"`
	tags        translate.Tags
}

// wireProtocol turns a CloudStack protocol into EC2's ("all" → "-1").
func wireProtocol(p string) string {
	switch strings.ToLower(p) {
	case "all", "":
		return "-1"
	}
	return strings.ToLower(p)
}

// rulePorts gives EC2's FromPort/ToPort of a rule (ICMP type/code for
// icmp, nothing for all protocols).
func rulePorts(r translate.Rule) (*int, *int) {
	switch wireProtocol(r.Protocol) {
	case "-1":
		return nil, nil
	case "icmp":
		t, c := r.ICMPType, r.ICMPCode
		return &t, &c
	}
	f, t := r.StartPort, r.EndPort
	return &f, &t
}

func toPermission(r translate.Rule, owner string, groupIDs map[string]string) ipPermissionItem {
	from, to := rulePorts(r)
	p := ipPermissionItem{IPProtocol: wireProtocol(r.Protocol), FromPort: from, ToPort: to}
	desc := r.Tags[tagRuleDescription]
	if r.CIDR != "" {
		p.IPRanges = []ipRangeItem{{CidrIP: r.CIDR, Description: desc}}
	}
	if r.GroupName != "" {
		p.Groups = []userIDGroupPair{{UserID: owner, GroupID: ec2ID(pGroup, groupIDs[r.GroupName]), GroupName: r.GroupName, Description: desc}}
	}
	return p
}

func toGroupItem(g *translate.SecurityGroup, owner string, groupIDs map[string]string) securityGroupItem {
	// CloudStack security groups belong to no VPC: they are the default
	// VPC's (defaultvpc.go).
	it := securityGroupItem{OwnerID: owner, GroupID: ec2ID(pGroup, g.ID), GroupName: g.Name,
		Description: g.Description, VpcID: defaultVPCID, Tags: tagSet(g.Tags), tags: g.Tags}
	for _, r := range g.Ingress {
		it.Ingress = append(it.Ingress, toPermission(r, owner, groupIDs))
	}
	shown, _, _ := egressState(g)
	for _, r := range shown {
		it.Egress = append(it.Egress, toPermission(r, owner, groupIDs))
	}
	return it
}

type createSecurityGroupResp struct {
	meta
	GroupID string    `xml:"groupId"`
	Tags    []tagItem `xml:"tagSet>item"`
}

func (s *server) createSecurityGroup(r *request) (response, error) {
	name, err := r.q.required("GroupName")
	if err != nil {
		return nil, err
	}
	desc, err := r.q.required("GroupDescription")
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(name, "sg-") {
		return nil, apiErr("InvalidParameterValue", "Group names may not be in the format sg-*.")
	}
	if vpc := r.q.str("VpcId"); vpc != "" && vpc != defaultVPCID {
		if _, err := csID(pVPC, translate.ResVPC, vpc); err != nil {
			return nil, err
		}
		return nil, apiErrf("InvalidParameterValue", "Invalid value '%s' for VpcId: security groups exist only in the default VPC (%s) of this cloud; CloudStack VPCs filter traffic with network ACLs.", vpc, defaultVPCID)
	}
	specs, err := r.q.tagSpecs()
	if err != nil {
		return nil, err
	}
	if _, err := specTags(specs, "security-group"); err != nil {
		return nil, err
	}
	g, err := s.svc.CreateSecurityGroup(r.ctx, name, desc, specs["security-group"])
	if err != nil {
		return nil, err
	}
	return &createSecurityGroupResp{GroupID: ec2ID(pGroup, g.ID), Tags: tagSet(g.Tags)}, nil
}

// groupRef resolves GroupId or GroupName to a group.
func (s *server) groupRef(r *request) (*translate.SecurityGroup, error) {
	if id := r.q.str("GroupId"); id != "" {
		cid, err := csID(pGroup, translate.ResSecurityGroup, id)
		if err != nil {
			return nil, err
		}
		return s.svc.SecurityGroup(r.ctx, cid)
	}
	name := r.q.str("GroupName")
	if name == "" {
		return nil, apiErr("MissingParameter", "The request must contain the parameter GroupName or GroupId")
	}
	gs, err := s.svc.SecurityGroups(r.ctx, translate.SecurityGroupQuery{Names: []string{name}})
	if err != nil {
		return nil, err
	}
	for i := range gs {
		if gs[i].Name == name {
			return &gs[i], nil
		}
	}
	return nil, &translate.Error{Kind: translate.NotFound, Resource: translate.ResSecurityGroup, ID: name}
}

func (s *server) deleteSecurityGroup(r *request) (response, error) {
	g, err := s.groupRef(r)
	if err != nil {
		return nil, err
	}
	if err := s.svc.DeleteSecurityGroup(r.ctx, g.ID); err != nil {
		return nil, err
	}
	return ok()
}

// groupNames maps group name → id for every group of the caller.
func (s *server) groupNames(r *request) (map[string]string, []translate.SecurityGroup, error) {
	gs, err := s.svc.SecurityGroups(r.ctx, translate.SecurityGroupQuery{})
	if err != nil {
		return nil, nil, err
	}
	m := map[string]string{}
	for _, g := range gs {
		m[g.Name] = g.ID
	}
	return m, gs, nil
}

type describeSecurityGroupsResp struct {
	meta
	Groups    []securityGroupItem `xml:"securityGroupInfo>item"`
	NextToken string              `xml:"nextToken,omitempty"`
}

func (s *server) describeSecurityGroups(r *request) (response, error) {
	fs, pg, err := r.q.listArgs(5, 1000)
	if err != nil {
		return nil, err
	}
	ids := r.q.list("GroupId")
	cids, err := csIDs(pGroup, translate.ResSecurityGroup, ids)
	if err != nil {
		return nil, err
	}
	names := r.q.list("GroupName")
	byName, gs, err := s.groupNames(r)
	if err != nil {
		return nil, err
	}
	owner := r.principal.AccountID
	var items []securityGroupItem
	found := map[string]bool{}
	for i := range gs {
		g := &gs[i]
		id := strings.ToLower(g.ID)
		if (len(cids) > 0 || len(names) > 0) && !contains(cids, id) && !contains(names, g.Name) {
			continue
		}
		found[id], found["name:"+g.Name] = true, true
		items = append(items, toGroupItem(g, owner, byName))
	}
	for i, c := range cids {
		if !found[c] {
			return nil, &translate.Error{Kind: translate.NotFound, Resource: translate.ResSecurityGroup, ID: ids[i]}
		}
	}
	for _, n := range names {
		if !found["name:"+n] {
			return nil, &translate.Error{Kind: translate.NotFound, Resource: translate.ResSecurityGroup, ID: n}
		}
	}
	sgFields := fields[securityGroupItem]{
		"group-id":    func(x securityGroupItem) []string { return one(x.GroupID) },
		"group-name":  func(x securityGroupItem) []string { return one(x.GroupName) },
		"description": func(x securityGroupItem) []string { return one(x.Description) },
		"owner-id":    func(x securityGroupItem) []string { return one(x.OwnerID) },
		"vpc-id":      func(x securityGroupItem) []string { return one(x.VpcID) },
	}
	for name, get := range permissionFields {
		sgFields["ip-permission."+name] = func(x securityGroupItem) []string { return permValues(x.Ingress, get) }
		sgFields["egress.ip-permission."+name] = func(x securityGroupItem) []string { return permValues(x.Egress, get) }
	}
	items, err = applyFilters(items, fs, sgFields, func(x securityGroupItem) translate.Tags { return x.tags })
	if err != nil {
		return nil, err
	}
	items, next := paginate(items, func(x securityGroupItem) string { return x.GroupID }, pg)
	return &describeSecurityGroupsResp{Groups: items, NextToken: next}, nil
}

// rules converts decoded IpPermissions into translate rules (one per CIDR
// or source group).
func (s *server) rules(r *request, egress bool) ([]translate.Rule, error) {
	perms, err := r.q.ipPermissions()
	if err != nil {
		return nil, err
	}
	if len(perms) == 0 {
		return nil, apiErr("MissingParameter", "The request must contain the parameter IpPermissions")
	}
	var byID map[string]string // id → name, loaded on demand
	var out []translate.Rule
	for _, p := range perms {
		base := translate.Rule{Egress: egress, ICMPType: -1, ICMPCode: -1}
		switch p.Protocol {
		case "-1", "all":
			base.Protocol = "all"
		case "tcp", "udp", "6", "17":
			base.Protocol = map[string]string{"6": "tcp", "17": "udp"}[p.Protocol]
			if base.Protocol == "" {
				base.Protocol = p.Protocol
			}
			if p.FromPort == nil || p.ToPort == nil {
				return nil, apiErrf("InvalidParameterValue", "Invalid value for portRange. Must specify both from and to ports with TCP/UDP.")
			}
			base.StartPort, base.EndPort = *p.FromPort, *p.ToPort
			if base.StartPort == -1 && base.EndPort == -1 {
				base.StartPort, base.EndPort = 0, 65535
			}
			if base.StartPort < 0 || base.EndPort < base.StartPort {
				return nil, apiErrf("InvalidParameterValue", "Invalid port range %d-%d", base.StartPort, base.EndPort)
			}
		case "icmp", "1":
			base.Protocol = "icmp"
			if p.FromPort != nil {
				base.ICMPType = *p.FromPort
			}
			if p.ToPort != nil {
				base.ICMPCode = *p.ToPort
			}
		default:
			if _, err := strconv.Atoi(p.Protocol); err != nil {
				return nil, apiErrf("InvalidParameterValue", "Invalid value '%s' for IP protocol.", p.Protocol)
			}
			base.Protocol = p.Protocol
		}
		withDesc := func(rule translate.Rule, key string) translate.Rule {
			if d := p.Descs[key]; d != "" {
				rule.Tags = translate.Tags{tagRuleDescription: d}
			}
			return rule
		}
		for _, c := range p.CIDRs {
			rule := base
			rule.CIDR = c
			out = append(out, withDesc(rule, "cidr:"+c))
		}
		for _, n := range p.GroupNames {
			rule := base
			rule.GroupName = n
			out = append(out, withDesc(rule, "name:"+n))
		}
		for _, id := range p.GroupIDs {
			cid, err := csID(pGroup, translate.ResSecurityGroup, id)
			if err != nil {
				return nil, err
			}
			if byID == nil {
				byID = map[string]string{}
				byName, _, err := s.groupNames(r)
				if err != nil {
					return nil, err
				}
				for n, gid := range byName {
					byID[strings.ToLower(gid)] = n
				}
			}
			name, ok := byID[cid]
			if !ok {
				return nil, &translate.Error{Kind: translate.NotFound, Resource: translate.ResSecurityGroup, ID: id}
			}
			rule := base
			rule.GroupName = name
			out = append(out, withDesc(rule, "id:"+id))
		}
		if len(p.CIDRs) == 0 && len(p.GroupNames) == 0 && len(p.GroupIDs) == 0 {
			return nil, apiErr("MissingParameter", "Each IpPermission needs an IpRanges.N.CidrIp or a Groups.N source.")
		}
	}
	return out, nil
}

type ruleItem struct {
	RuleID        string           `xml:"securityGroupRuleId"`
	GroupID       string           `xml:"groupId"`
	GroupOwnerID  string           `xml:"groupOwnerId"`
	IsEgress      bool             `xml:"isEgress"`
	IPProtocol    string           `xml:"ipProtocol"`
	FromPort      int              `xml:"fromPort"`
	ToPort        int              `xml:"toPort"`
	CidrIPv4      string           `xml:"cidrIpv4,omitempty"`
	ReferencedGrp *userIDGroupPair `xml:"referencedGroupInfo,omitempty"`
	Description   string           `xml:"description,omitempty"`
	Tags          []tagItem        `xml:"tagSet>item"`
	tags          translate.Tags
}

func toRuleItem(g *translate.SecurityGroup, rl translate.Rule, owner string, groupIDs map[string]string) ruleItem {
	it := ruleItem{RuleID: ec2ID(pRule, rl.ID), GroupID: ec2ID(pGroup, g.ID), GroupOwnerID: owner,
		IsEgress: rl.Egress, IPProtocol: wireProtocol(rl.Protocol), FromPort: -1, ToPort: -1,
		CidrIPv4: rl.CIDR, Tags: tagSet(rl.Tags), tags: rl.Tags, Description: rl.Tags[tagRuleDescription]}
	if from, to := rulePorts(rl); from != nil {
		it.FromPort, it.ToPort = *from, *to
	}
	if rl.GroupName != "" {
		it.ReferencedGrp = &userIDGroupPair{UserID: owner, GroupID: ec2ID(pGroup, groupIDs[rl.GroupName])}
	}
	return it
}

type authorizeResp struct {
	meta
	Return bool       `xml:"return"`
	Rules  []ruleItem `xml:"securityGroupRuleSet>item"`
}

func (s *server) authorize(r *request, egress bool) (response, error) {
	g, err := s.groupRef(r)
	if err != nil {
		return nil, err
	}
	rules, err := s.rules(r, egress)
	if err != nil {
		return nil, err
	}
	var added []translate.Rule
	if egress {
		added, err = s.authorizeEgressRules(r.ctx, g, rules)
	} else {
		added, err = s.svc.AuthorizeRules(r.ctx, g.ID, rules)
	}
	if err != nil {
		return nil, err
	}
	if err := s.describeRules(r.ctx, rules, added); err != nil {
		// Leave nothing half-done: the rules go again.
		rctx := context.WithoutCancel(r.ctx)
		if egress {
			_ = s.revokeEgressRules(rctx, g, added)
		} else {
			_ = s.svc.RevokeRules(rctx, g.ID, added)
		}
		return nil, err
	}
	byName, _, err := s.groupNames(r)
	if err != nil {
		byName = map[string]string{}
	}
	resp := &authorizeResp{Return: true}
	for _, rl := range added {
		resp.Rules = append(resp.Rules, toRuleItem(g, rl, r.principal.AccountID, byName))
	}
	return resp, nil
}

func (s *server) authorizeIngress(r *request) (response, error) { return s.authorize(r, false) }
func (s *server) authorizeEgress(r *request) (response, error)  { return s.authorize(r, true) }

// revoke removes rules given as IpPermissions or SecurityGroupRuleId.N.
func (s *server) revoke(r *request, egress bool) (response, error) {
	g, err := s.groupRef(r)
	if err != nil {
		return nil, err
	}
	var rules []translate.Rule
	if ids := r.q.list("SecurityGroupRuleId"); len(ids) > 0 {
		cids, err := csIDs(pRule, translate.ResRule, ids)
		if err != nil {
			return nil, err
		}
		existing := g.Ingress
		if egress {
			existing, _, _ = egressState(g)
		}
		for i, c := range cids {
			found := false
			for _, rl := range existing {
				if strings.EqualFold(rl.ID, c) {
					rules, found = append(rules, rl), true
				}
			}
			if !found {
				return nil, &translate.Error{Kind: translate.NotFound, Resource: translate.ResRule, ID: ids[i],
					Message: "The security group rule ID '" + ids[i] + "' does not exist"}
			}
		}
	} else if rules, err = s.rules(r, egress); err != nil {
		return nil, err
	}
	if egress {
		err = s.revokeEgressRules(r.ctx, g, rules)
	} else {
		err = s.svc.RevokeRules(r.ctx, g.ID, rules)
	}
	if err != nil {
		return nil, err
	}
	return ok()
}

func (s *server) revokeIngress(r *request) (response, error) { return s.revoke(r, false) }
func (s *server) revokeEgress(r *request) (response, error)  { return s.revoke(r, true) }

type describeRulesResp struct {
	meta
	Rules     []ruleItem `xml:"securityGroupRuleSet>item"`
	NextToken string     `xml:"nextToken,omitempty"`
}

func (s *server) describeSecurityGroupRules(r *request) (response, error) {
	fs, pg, err := r.q.listArgs(5, 1000)
	if err != nil {
		return nil, err
	}
	byName, gs, err := s.groupNames(r)
	if err != nil {
		return nil, err
	}
	owner := r.principal.AccountID
	var items []ruleItem
	for i := range gs {
		shown, _, _ := egressState(&gs[i])
		for _, rl := range append(append([]translate.Rule{}, gs[i].Ingress...), shown...) {
			items = append(items, toRuleItem(&gs[i], rl, owner, byName))
		}
	}
	if ids := r.q.list("SecurityGroupRuleId"); len(ids) > 0 {
		var sel []ruleItem
		for _, it := range items {
			if contains(ids, it.RuleID) {
				sel = append(sel, it)
			}
		}
		items = sel
	}
	items, err = applyFilters(items, fs, fields[ruleItem]{
		"group-id":               func(x ruleItem) []string { return one(x.GroupID) },
		"security-group-rule-id": func(x ruleItem) []string { return one(x.RuleID) },
	}, func(x ruleItem) translate.Tags { return x.tags })
	if err != nil {
		return nil, err
	}
	items, next := paginate(items, func(x ruleItem) string { return x.RuleID }, pg)
	return &describeRulesResp{Rules: items, NextToken: next}, nil
}

// describeRules writes the Description of each requested rule that has
// one onto the CloudStack rule that was added for it.
func (s *server) describeRules(ctx context.Context, want, added []translate.Rule) error {
	byDesc := map[string][]string{}
	for _, w := range want {
		d := w.Tags[tagRuleDescription]
		if d == "" {
			continue
		}
		for _, a := range added {
			if translate.SameRule(a, w) {
				byDesc[d] = append(byDesc[d], a.ID)
				break
			}
		}
	}
	for d, ids := range byDesc {
		if err := s.svc.CreateTags(ctx, translate.ResRule, ids, translate.Tags{tagRuleDescription: d}); err != nil {
			return err
		}
	}
	for i := range added {
		for _, w := range want {
			if translate.SameRule(added[i], w) && w.Tags[tagRuleDescription] != "" {
				if added[i].Tags == nil {
					added[i].Tags = translate.Tags{}
				}
				added[i].Tags[tagRuleDescription] = w.Tags[tagRuleDescription]
			}
		}
	}
	return nil
}

// permissionFields are the ip-permission.* (and egress.ip-permission.*)
// filters of DescribeSecurityGroups: each gives the values of one rule.
var permissionFields = map[string]func(p ipPermissionItem) []string{
	"protocol": func(p ipPermissionItem) []string { return one(p.IPProtocol) },
	"from-port": func(p ipPermissionItem) []string {
		if p.FromPort == nil {
			return nil
		}
		return one(strconv.Itoa(*p.FromPort))
	},
	"to-port": func(p ipPermissionItem) []string {
		if p.ToPort == nil {
			return nil
		}
		return one(strconv.Itoa(*p.ToPort))
	},
	"cidr": func(p ipPermissionItem) []string {
		var out []string
		for _, c := range p.IPRanges {
			out = append(out, c.CidrIP)
		}
		return out
	},
	"group-id": func(p ipPermissionItem) []string {
		var out []string
		for _, g := range p.Groups {
			out = append(out, g.GroupID)
		}
		return out
	},
	"group-name": func(p ipPermissionItem) []string {
		var out []string
		for _, g := range p.Groups {
			out = append(out, g.GroupName)
		}
		return out
	},
	"user-id": func(p ipPermissionItem) []string {
		var out []string
		for _, g := range p.Groups {
			out = append(out, g.UserID)
		}
		return out
	},
	"ipv6-cidr":      func(ipPermissionItem) []string { return nil },
	"prefix-list-id": func(ipPermissionItem) []string { return nil },
}

func permValues(perms []ipPermissionItem, get func(ipPermissionItem) []string) []string {
	var out []string
	for _, p := range perms {
		out = append(out, get(p)...)
	}
	return out
}
