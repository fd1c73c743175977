package translate_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/cloudgate/cloudgate/translate"
	"github.com/cloudgate/cloudgate/translate/mock"
)

// sgWorld is a security group with rules behind the mock.
func sgWorld(rules ...translate.Rule) (*mock.CloudStack, *translate.SecurityGroup, *[]string) {
	g := &translate.SecurityGroup{ID: "sg-1", Name: "web"}
	for i, r := range rules {
		r.ID = fmt.Sprintf("r-%d", i)
		if r.Egress {
			g.Egress = append(g.Egress, r)
		} else {
			g.Ingress = append(g.Ingress, r)
		}
	}
	var revoked []string
	n := 100
	_, m := newWorld()
	m.ListSecurityGroupsFn = func(ctx context.Context, req translate.ListSecurityGroupsRequest) ([]translate.SecurityGroup, error) {
		if req.ID != "" && req.ID != g.ID {
			return nil, nil
		}
		return []translate.SecurityGroup{*g}, nil
	}
	m.AuthorizeSecurityGroupRuleFn = func(ctx context.Context, id string, r translate.Rule) (translate.AsyncResult, error) {
		if r.StartPort == 666 {
			return translate.AsyncResult{}, &translate.Error{Op: "authorizeSecurityGroupIngress", Kind: translate.InvalidArgument, Message: "bad port"}
		}
		n++
		r.ID = fmt.Sprintf("r-%d", n)
		r.Protocol = translate.NormProtocol(r.Protocol)
		if r.Egress {
			g.Egress = append(g.Egress, r)
		} else {
			g.Ingress = append(g.Ingress, r)
		}
		return translate.AsyncResult{}, nil
	}
	m.RevokeSecurityGroupRuleFn = func(ctx context.Context, id string, egress bool) (translate.AsyncResult, error) {
		revoked = append(revoked, id)
		drop := func(rs []translate.Rule) []translate.Rule {
			var out []translate.Rule
			for _, r := range rs {
				if r.ID != id {
					out = append(out, r)
				}
			}
			return out
		}
		g.Ingress, g.Egress = drop(g.Ingress), drop(g.Egress)
		return translate.AsyncResult{}, nil
	}
	return m, g, &revoked
}

func TestAuthorizeRules(t *testing.T) {
	ssh := translate.Rule{Protocol: "tcp", StartPort: 22, EndPort: 22, CIDR: "0.0.0.0/0"}
	web := translate.Rule{Protocol: "TCP", StartPort: 80, EndPort: 80, CIDR: "0.0.0.0/0"}
	bad := translate.Rule{Protocol: "tcp", StartPort: 666, EndPort: 666, CIDR: "0.0.0.0/0"}
	ping := translate.Rule{Protocol: "icmp", ICMPType: 8, ICMPCode: -1, CIDR: "10.0.0.0/8"}

	t.Run("adds and returns ids", func(t *testing.T) {
		m, g, _ := sgWorld()
		got, err := newService(m).AuthorizeRules(testCtx(), "sg-1", []translate.Rule{ssh, ping})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].ID == "" || got[1].ID == "" || len(g.Ingress) != 2 {
			t.Fatalf("got %+v, group %+v", got, g)
		}
	})
	t.Run("duplicate", func(t *testing.T) {
		m, _, _ := sgWorld(ssh)
		_, err := newService(m).AuthorizeRules(testCtx(), "sg-1", []translate.Rule{ssh})
		mustKind(t, err, translate.AlreadyExists, translate.ResRule)
	})
	t.Run("failure revokes this call's rules", func(t *testing.T) {
		m, g, revoked := sgWorld(ssh)
		_, err := newService(m).AuthorizeRules(testCtx(), "sg-1", []translate.Rule{web, ping, bad})
		mustKind(t, err, translate.InvalidArgument, "")
		if len(*revoked) != 2 || len(g.Ingress) != 1 || g.Ingress[0].ID != "r-0" {
			t.Fatalf("revoked %v, left %+v", *revoked, g.Ingress)
		}
	})
	t.Run("invalid rule", func(t *testing.T) {
		m, _, _ := sgWorld()
		_, err := newService(m).AuthorizeRules(testCtx(), "sg-1", []translate.Rule{{Protocol: "tcp", StartPort: 10, EndPort: 5, CIDR: "0.0.0.0/0"}})
		mustKind(t, err, translate.InvalidArgument, translate.ResRule)
	})
	t.Run("unknown group", func(t *testing.T) {
		m, _, _ := sgWorld()
		_, err := newService(m).AuthorizeRules(testCtx(), "sg-x", []translate.Rule{ssh})
		mustKind(t, err, translate.NotFound, translate.ResSecurityGroup)
	})
}

func TestRevokeRules(t *testing.T) {
	ssh := translate.Rule{Protocol: "tcp", StartPort: 22, EndPort: 22, CIDR: "0.0.0.0/0"}
	out := translate.Rule{Egress: true, Protocol: "all", CIDR: "0.0.0.0/0"}
	tests := []struct {
		name    string
		rules   []translate.Rule
		kind    translate.Kind
		revoked int
	}{
		{"by match", []translate.Rule{{Protocol: "6", StartPort: 22, EndPort: 22, CIDR: "0.0.0.0/0"}}, 0, 1},
		{"egress all", []translate.Rule{{Egress: true, Protocol: "-1", CIDR: "0.0.0.0/0"}}, 0, 1},
		{"by id", []translate.Rule{{ID: "r-1"}}, 0, 1},
		{"direction matters", []translate.Rule{{Egress: true, Protocol: "tcp", StartPort: 22, EndPort: 22, CIDR: "0.0.0.0/0"}}, translate.NotFound, 0},
		{"missing one revokes nothing", []translate.Rule{ssh, {Protocol: "udp", StartPort: 53, EndPort: 53, CIDR: "0.0.0.0/0"}}, translate.NotFound, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, _, revoked := sgWorld(ssh, out)
			err := newService(m).RevokeRules(testCtx(), "sg-1", tt.rules)
			if tt.kind != 0 {
				mustKind(t, err, tt.kind, translate.ResRule)
			} else if err != nil {
				t.Fatal(err)
			}
			if len(*revoked) != tt.revoked {
				t.Fatalf("revoked %v", *revoked)
			}
		})
	}
}
