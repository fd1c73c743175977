package translate_test

import (
	"context"
	"testing"

	"github.com/cloudgate/cloudgate/translate"
)

// TestCreateStaticRouteNextHop: a next-hop route (CloudStack 4.21's
// createStaticRoute vpcid= nexthop=) is refused with the cloud's version
// before 4.21 and sent as vpcid + nexthop from 4.21; a gateway route
// names only gatewayid; CloudStack's rules (outside the VPC CIDR, no
// overlap) are checked before any call.
func TestCreateStaticRouteNextHop(t *testing.T) {
	const vpcID = "44444444-0000-0000-0000-000000000001"
	const gwID = "55555555-0000-0000-0000-000000000001"
	w, m := newWorld()
	m.ListVPCsFn = func(ctx context.Context, id string) ([]translate.VPC, error) {
		return []translate.VPC{{ID: vpcID, Name: "v", CIDR: "10.0.0.0/16"}}, nil
	}
	var routes []translate.StaticRoute
	m.ListStaticRoutesFn = func(ctx context.Context, v string) ([]translate.StaticRoute, error) { return routes, nil }
	m.ListPrivateGatewaysFn = func(ctx context.Context, v string) ([]translate.PrivateGateway, error) {
		return []translate.PrivateGateway{{ID: gwID, VPCID: vpcID, State: "Ready"}}, nil
	}
	var sent []translate.CreateStaticRouteRequest
	m.CreateStaticRouteFn = func(ctx context.Context, req translate.CreateStaticRouteRequest) (translate.AsyncResult, error) {
		sent = append(sent, req)
		w.mu.Lock()
		w.jobs["job-route"] = &translate.Job{ID: "job-route", Status: translate.JobSucceeded}
		w.mu.Unlock()
		return translate.AsyncResult{ID: "route-1", JobID: "job-route"}, nil
	}
	ctx := testCtx()

	w.caps = translate.Capabilities{Known: true, Version: "4.20.1.0"}
	svc := newService(m)
	_, err := svc.CreateStaticRoute(ctx, vpcID, translate.RouteTarget{NextHop: "10.0.1.5"}, "172.16.0.0/16")
	mustKind(t, err, translate.Unimplemented, translate.ResRoute)
	if len(sent) != 0 {
		t.Fatalf("sent %+v to a 4.20 cloud", sent)
	}
	if _, err := svc.CreateStaticRoute(ctx, vpcID, translate.RouteTarget{GatewayID: gwID}, "172.16.0.0/16"); err != nil {
		t.Fatal(err)
	}
	if len(sent) != 1 || sent[0].GatewayID != gwID || sent[0].VPCID != "" || sent[0].NextHop != "" {
		t.Fatalf("gateway route sent as %+v", sent)
	}

	w.caps = translate.Capabilities{Known: true, Version: "4.21.0.0"}
	svc = newService(m) // capabilities are cached per service
	if _, err := svc.CreateStaticRoute(ctx, vpcID, translate.RouteTarget{NextHop: "10.0.1.5"}, "192.168.0.0/24"); err != nil {
		t.Fatal(err)
	}
	if len(sent) != 2 || sent[1].VPCID != vpcID || sent[1].NextHop != "10.0.1.5" || sent[1].GatewayID != "" || sent[1].CIDR != "192.168.0.0/24" {
		t.Fatalf("next-hop route sent as %+v", sent[1:])
	}
	routes = []translate.StaticRoute{{ID: "route-1", VPCID: vpcID, CIDR: "192.168.0.0/24", NextHop: "10.0.1.5", State: "Active"}}
	_, err = svc.CreateStaticRoute(ctx, vpcID, translate.RouteTarget{NextHop: "10.0.1.6"}, "192.168.0.0/24")
	mustKind(t, err, translate.AlreadyExists, translate.ResRoute)
	_, err = svc.CreateStaticRoute(ctx, vpcID, translate.RouteTarget{NextHop: "10.0.1.6"}, "192.168.0.128/25")
	mustKind(t, err, translate.InvalidArgument, "")
	_, err = svc.CreateStaticRoute(ctx, vpcID, translate.RouteTarget{NextHop: "10.0.1.6"}, "10.0.5.0/24")
	mustKind(t, err, translate.InvalidArgument, "")
	if len(sent) != 2 {
		t.Fatalf("refused routes reached CloudStack: %+v", sent[2:])
	}
}
