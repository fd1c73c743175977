package ec2compat

import (
	"testing"

	"github.com/cloudgate/cloudgate/translate"
)

// TestNetworkEgress: a guest network outside VPCs reaches the internet
// only through what CloudStack gives it: an isolated network's virtual
// router with SourceNat, a shared network's gateway; an L2 network or an
// isolated one without SourceNat has no way out.
func TestNetworkEgress(t *testing.T) {
	for _, c := range []struct {
		n    translate.Network
		want bool
	}{
		{translate.Network{Type: "Isolated", Services: []string{"Dhcp", "Dns", "SourceNat"}}, true},
		{translate.Network{Type: "Isolated", Services: []string{"Dhcp", "Dns"}}, false},
		{translate.Network{Type: "Shared", Gateway: "10.1.0.1"}, true},
		{translate.Network{Type: "Shared"}, false},
		{translate.Network{Type: "L2"}, false},
	} {
		if got := networkEgress(&c.n); got != c.want {
			t.Errorf("%+v: egress %v, want %v", c.n, got, c.want)
		}
	}
}

// TestStaticRouteItem: a route to a private gateway targets its vgw id;
// a next-hop route (CloudStack 4.21) targets the instance and interface
// that have the address on a tier of the VPC, and is a blackhole when no
// instance has it.
func TestStaticRouteItem(t *testing.T) {
	vpc := "7f1c2d4e-1111-2222-3333-444455556666"
	r := staticRouteItem(&translate.StaticRoute{VPCID: vpc, CIDR: "172.16.0.0/16", GatewayID: "0b3c2d4e-1111-2222-3333-444455556666"}, nil)
	if r.GatewayID != "vgw-0b3c2d4e111122223333444455556666" || r.State != "active" || r.Origin != "CreateRoute" {
		t.Fatalf("gateway route %+v", r)
	}
	hops := map[hopKey]hopTarget{{vpc, "10.0.0.5"}: {instance: "aaaaaaaa-1111-2222-3333-444455556666", nic: "bbbbbbbb-1111-2222-3333-444455556666", owner: "acct"}}
	r = staticRouteItem(&translate.StaticRoute{VPCID: vpc, CIDR: "172.17.0.0/16", NextHop: "10.0.0.5"}, hops)
	if r.InstanceID != "i-aaaaaaaa111122223333444455556666" || r.NetworkInterfaceID != "eni-bbbbbbbb111122223333444455556666" ||
		r.GatewayID != "" || r.State != "active" {
		t.Fatalf("next-hop route %+v", r)
	}
	r = staticRouteItem(&translate.StaticRoute{VPCID: vpc, CIDR: "172.18.0.0/16", NextHop: "10.0.0.9"}, hops)
	if r.InstanceID != "" || r.State != "blackhole" {
		t.Fatalf("next hop nobody has: %+v", r)
	}
}
