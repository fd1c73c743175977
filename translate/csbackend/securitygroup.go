package csbackend

import (
	"context"

	"github.com/cloudgate/cloudgate/translate"
)

type ruleJSON struct {
	RuleID            flexString `json:"ruleid"`
	Protocol          string     `json:"protocol"`
	StartPort         *flexInt   `json:"startport"`
	EndPort           *flexInt   `json:"endport"`
	ICMPType          *flexInt   `json:"icmptype"`
	ICMPCode          *flexInt   `json:"icmpcode"`
	CIDR              string     `json:"cidr"`
	SecurityGroupName string     `json:"securitygroupname"`
	Account           string     `json:"account"`
	Tags              []tagJSON  `json:"tags"`
}

func intOr(p *flexInt, def int) int {
	if p == nil {
		return def
	}
	return int(*p)
}

func (r *ruleJSON) rule(egress bool) translate.Rule {
	return translate.Rule{
		ID: string(r.RuleID), Egress: egress, Protocol: translate.NormProtocol(r.Protocol),
		StartPort: intOr(r.StartPort, 0), EndPort: intOr(r.EndPort, 0),
		ICMPType: intOr(r.ICMPType, -1), ICMPCode: intOr(r.ICMPCode, -1),
		CIDR: r.CIDR, GroupName: r.SecurityGroupName, GroupAccount: r.Account, Tags: tagsOf(r.Tags),
	}
}

type securityGroupJSON struct {
	ID          flexString `json:"id"`
	Name        string     `json:"name"`
	Description string     `json:"description"`
	Account     string     `json:"account"`
	Ingress     []ruleJSON `json:"ingressrule"`
	Egress      []ruleJSON `json:"egressrule"`
	Tags        []tagJSON  `json:"tags"`
}

func (g *securityGroupJSON) group() translate.SecurityGroup {
	out := translate.SecurityGroup{ID: string(g.ID), Name: g.Name, Description: g.Description, Account: g.Account, Tags: tagsOf(g.Tags)}
	for _, r := range g.Ingress {
		out.Ingress = append(out.Ingress, r.rule(false))
	}
	for _, r := range g.Egress {
		out.Egress = append(out.Egress, r.rule(true))
	}
	return out
}

// CreateSecurityGroup implements translate.CloudStack.
func (b *Backend) CreateSecurityGroup(ctx context.Context, name, description string) (*translate.SecurityGroup, error) {
	raw, err := b.call(ctx, "createSecurityGroup", translate.ResSecurityGroup, params{"name": name}.set("description", description))
	if err != nil {
		return nil, err
	}
	var r struct {
		G securityGroupJSON `json:"securitygroup"`
	}
	if err := decode("createSecurityGroup", raw, &r); err != nil {
		return nil, err
	}
	g := r.G.group()
	return &g, nil
}

// ListSecurityGroups implements translate.CloudStack.
func (b *Backend) ListSecurityGroups(ctx context.Context, req translate.ListSecurityGroupsRequest) ([]translate.SecurityGroup, error) {
	items, err := b.list(ctx, "listSecurityGroups", translate.ResSecurityGroup, params{}.set("id", req.ID).set("securitygroupname", req.Name))
	if err != nil {
		return nil, err
	}
	out := make([]translate.SecurityGroup, 0, len(items))
	for _, it := range items {
		var g securityGroupJSON
		if err := decode("listSecurityGroups", it, &g); err != nil {
			return nil, err
		}
		out = append(out, g.group())
	}
	return out, nil
}

// DeleteSecurityGroup implements translate.CloudStack.
func (b *Backend) DeleteSecurityGroup(ctx context.Context, id string) error {
	raw, err := b.call(ctx, "deleteSecurityGroup", translate.ResSecurityGroup, params{"id": id})
	if err != nil {
		return err
	}
	return success("deleteSecurityGroup", raw)
}

// AuthorizeSecurityGroupRule implements translate.CloudStack
// (authorizeSecurityGroupIngress/Egress).
func (b *Backend) AuthorizeSecurityGroupRule(ctx context.Context, groupID string, r translate.Rule) (translate.AsyncResult, error) {
	cmd := "authorizeSecurityGroupIngress"
	if r.Egress {
		cmd = "authorizeSecurityGroupEgress"
	}
	proto := translate.NormProtocol(r.Protocol)
	p := params{"securitygroupid": groupID, "protocol": proto}.set("cidrlist", r.CIDR)
	switch proto {
	case "tcp", "udp":
		p["startport"], p["endport"] = itoa(r.StartPort), itoa(r.EndPort)
	case "icmp":
		p["icmptype"], p["icmpcode"] = itoa(r.ICMPType), itoa(r.ICMPCode)
	}
	if r.GroupName != "" {
		p["usersecuritygrouplist[0].group"] = r.GroupName
		acct := r.GroupAccount
		if acct == "" {
			if pr, ok := translate.FromContext(ctx); ok {
				acct = pr.Account
			}
		}
		p.set("usersecuritygrouplist[0].account", acct)
	}
	return b.asyncCall(ctx, cmd, translate.ResSecurityGroup, p)
}

// RevokeSecurityGroupRule implements translate.CloudStack.
func (b *Backend) RevokeSecurityGroupRule(ctx context.Context, ruleID string, egress bool) (translate.AsyncResult, error) {
	cmd := "revokeSecurityGroupIngress"
	if egress {
		cmd = "revokeSecurityGroupEgress"
	}
	return b.asyncCall(ctx, cmd, translate.ResRule, params{"id": ruleID})
}
