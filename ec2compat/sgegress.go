package ec2compat

import (
	"context"
	"strings"

	"github.com/cloudgate/cloudgate/translate"
)

// Egress: EC2 and CloudStack mean different things by an empty egress
// list. A new EC2 (VPC) security group carries one rule, "allow all
// protocols to 0.0.0.0/0", and a group whose egress rules were all revoked
// lets nothing out. A CloudStack security group without egress rules lets
// everything out, and one with egress rules lets out only what they allow
// (SecurityGroupManagerImpl: egress is default-allow until the first
// egress rule). The EC2 view is derived from CloudStack's state alone:
//
//   - no egress rule in CloudStack: EC2 shows the default allow-all rule
//     (its id is derived from the group's, so it can be revoked by id);
//   - revoking the last EC2 egress rule adds denyAllEgress in CloudStack,
//     a rule that matches no traffic (ICMP type 255, reserved, to the
//     limited-broadcast address), so CloudStack stops defaulting to allow;
//     EC2 never shows it;
//   - authorizing an egress rule while EC2 shows the default allow-all
//     adds allow-all to CloudStack too (EC2 then has both), and while
//     denyAllEgress is there removes it.

// denyAllEgress is the placeholder egress rule that makes a CloudStack
// group deny all egress.
var denyAllEgress = translate.Rule{Egress: true, Protocol: "icmp", ICMPType: 255, ICMPCode: 255, CIDR: "255.255.255.255/32"}

// allowAllEgress is EC2's default egress rule.
var allowAllEgress = translate.Rule{Egress: true, Protocol: "all", CIDR: "0.0.0.0/0", ICMPType: -1, ICMPCode: -1}

// defaultEgressRuleID is the CloudStack-side id of the implicit allow-all
// rule of a group (it has no CloudStack rule of its own).
func defaultEgressRuleID(groupID string) string { return "default-egress:" + strings.ToLower(groupID) }

// egressState splits a group's CloudStack egress rules into what EC2
// shows and whether the deny-all placeholder is present.
func egressState(g *translate.SecurityGroup) (shown []translate.Rule, implicitAllow, denied bool) {
	for _, r := range g.Egress {
		r.Egress = true
		if translate.SameRule(r, denyAllEgress) {
			denied = true
			continue
		}
		shown = append(shown, r)
	}
	if len(shown) == 0 && !denied {
		def := allowAllEgress
		def.ID = defaultEgressRuleID(g.ID)
		return []translate.Rule{def}, true, false
	}
	return shown, false, denied
}

// authorizeEgressRules adds egress rules with EC2's semantics and returns
// the rules added for the caller.
func (s *server) authorizeEgressRules(ctx context.Context, g *translate.SecurityGroup, rules []translate.Rule) ([]translate.Rule, error) {
	_, implicit, denied := egressState(g)
	add := rules
	if implicit {
		for _, r := range rules {
			if translate.SameRule(r, allowAllEgress) {
				return nil, &translate.Error{Kind: translate.AlreadyExists, Resource: translate.ResRule, ID: g.ID,
					Message: "the specified rule \"peer: 0.0.0.0/0, ALL, ALLOW\" already exists"}
			}
		}
		// Materialize the default rule, or CloudStack would stop allowing
		// everything else.
		add = append([]translate.Rule{allowAllEgress}, rules...)
	}
	added, err := s.svc.AuthorizeRules(ctx, g.ID, add)
	if err != nil {
		return nil, err
	}
	if denied {
		if err := s.svc.RevokeRules(ctx, g.ID, []translate.Rule{denyAllEgress}); err != nil {
			return nil, err
		}
	}
	if implicit {
		var mine []translate.Rule
		for _, r := range added {
			if !translate.SameRule(r, allowAllEgress) {
				mine = append(mine, r)
			}
		}
		added = mine
	}
	return added, nil
}

// revokeEgressRules removes egress rules with EC2's semantics: revoking
// the implicit allow-all, or the last rule, leaves a group that lets
// nothing out.
func (s *server) revokeEgressRules(ctx context.Context, g *translate.SecurityGroup, rules []translate.Rule) error {
	shown, implicit, denied := egressState(g)
	var real []translate.Rule
	for _, want := range rules {
		if implicit && (want.ID == shown[0].ID || want.ID == "" && translate.SameRule(want, allowAllEgress)) {
			continue // the implicit rule: denyAllEgress below revokes it
		}
		real = append(real, want)
	}
	if implicit && len(real) > 0 {
		return &translate.Error{Kind: translate.NotFound, Resource: translate.ResRule, ID: real[0].String(),
			Message: "The specified rule does not exist in this security group."}
	}
	remaining := len(shown)
	if !implicit {
		for _, want := range real {
			for _, r := range shown {
				if want.ID != "" && strings.EqualFold(want.ID, r.ID) || want.ID == "" && translate.SameRule(want, r) {
					remaining--
					break
				}
			}
		}
	}
	addDeny := !denied && (implicit || remaining <= 0)
	if addDeny {
		if _, err := s.svc.AuthorizeRules(ctx, g.ID, []translate.Rule{denyAllEgress}); err != nil {
			return err
		}
	}
	if len(real) > 0 {
		if err := s.svc.RevokeRules(ctx, g.ID, real); err != nil {
			if addDeny {
				_ = s.svc.RevokeRules(context.WithoutCancel(ctx), g.ID, []translate.Rule{denyAllEgress})
			}
			return err
		}
	}
	return nil
}
