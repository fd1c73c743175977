package conformance

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestGCEMethodID(t *testing.T) {
	base := "/compute/v1/"
	for _, c := range []struct{ method, path, want string }{
		{"GET", "/compute/v1/projects/p/zones", "compute.zones.list"},
		{"GET", "/compute/v1/projects/p/zones/z1", "compute.zones.get"},
		{"GET", "/compute/v1/projects/p/regions/r1", "compute.regions.get"},
		{"POST", "/compute/v1/projects/p/zones/z1/instances", "compute.instances.insert"},
		{"GET", "/compute/v1/projects/p/zones/z1/instances", "compute.instances.list"},
		{"GET", "/compute/v1/projects/p/zones/z1/instances/vm", "compute.instances.get"},
		{"DELETE", "/compute/v1/projects/p/zones/z1/instances/vm", "compute.instances.delete"},
		{"POST", "/compute/v1/projects/p/zones/z1/instances/vm/stop", "compute.instances.stop"},
		{"POST", "/compute/v1/projects/p/zones/z1/instances/vm/setLabels", "compute.instances.setLabels"},
		{"POST", "/compute/v1/projects/p/zones/z1/operations/op-1/wait", "compute.zoneOperations.wait"},
		{"GET", "/compute/v1/projects/p/regions/r1/operations/op-1", "compute.regionOperations.get"},
		{"GET", "/compute/v1/projects/p/global/operations", "compute.globalOperations.list"},
		{"POST", "/compute/v1/projects/p/global/firewalls", "compute.firewalls.insert"},
		{"PATCH", "/compute/v1/projects/p/global/firewalls/fw", "compute.firewalls.patch"},
		{"GET", "/compute/v1/projects/p/global/addresses/a", "compute.globalAddresses.get"},
		{"POST", "/compute/v1/projects/p/regions/r1/addresses", "compute.addresses.insert"},
		{"GET", "/compute/v1/projects/debian-cloud/global/images/family/debian-12", "compute.images.getFromFamily"},
		{"GET", "/compute/v1/projects/p/aggregated/instances", "compute.instances.aggregatedList"},
		{"GET", "/compute/v1/projects/p", "compute.projects.get"},
		{"GET", "/compute/v1/projects/p/zones/z1/instances/vm/serialPort", "compute.instances.getSerialPortOutput"},
		{"POST", "/compute/v1/projects/p/setCommonInstanceMetadata", "compute.projects.setCommonInstanceMetadata"},
		{"GET", "/compute/v1/other", ""},
		{"GET", "/compute/v1/projects/p/zones/z1/instances/vm/a/b", ""},
	} {
		if got := gceMethodID(c.method, base, c.path); got != c.want {
			t.Errorf("gceMethodID(%s %s) = %q, want %q", c.method, c.path, got, c.want)
		}
	}
}

func TestUsageRoute(t *testing.T) {
	u := newUsage()
	u.add(Result{Scenario: "a", Status: StatusPass}, []call{{op: "RunInstances"}, {op: "DescribeInstances"}})
	u.add(Result{Scenario: "b", Status: StatusFail, Reason: "boom", FailedOperation: "StopInstances"},
		[]call{{op: "RunInstances"}, {op: "StopInstances", err: errors.New("x")}})
	u.add(Result{Scenario: "c", Status: StatusSkip, Reason: "no vpc", Operations: []string{"CreateVpc", "RunInstances", "DescribeVpcs"}},
		[]call{{op: "DescribeVpcs"}})
	for _, c := range []struct {
		op   string
		want Status
	}{
		{"RunInstances", StatusPass},
		{"DescribeInstances", StatusPass},
		{"StopInstances", StatusFail},
		{"CreateVpc", StatusSkip},
		{"DescribeVpcs", StatusPass},
		{"DeleteVpc", StatusUntested},
	} {
		if got := u.route("ec2", c.op); got.Status != c.want {
			t.Errorf("route %s = %s, want %s", c.op, got.Status, c.want)
		}
	}
	if r := u.route("ec2", "StopInstances"); r.Reason != "b: boom" {
		t.Errorf("fail reason %q", r.Reason)
	}
}

func TestFetchRoutes(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != RoutesPath {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(`{"gce":["compute.zones.list"],"ec2":["RunInstances","DescribeInstances"]}`))
	}))
	defer srv.Close()
	routes, ok := fetchRoutes(context.Background(), srv.Client(), srv.URL+"/compute/v1/", srv.URL+"/")
	if !ok || len(routes["ec2"]) != 2 || len(routes["gce"]) != 1 {
		t.Fatalf("fetchRoutes = %v, %v", routes, ok)
	}
	none := httptest.NewServer(http.NotFoundHandler())
	defer none.Close()
	if _, ok := fetchRoutes(context.Background(), none.Client(), none.URL+"/"); ok {
		t.Fatal("fetchRoutes ok on a 404")
	}
}

func TestKnownOperationsCoverScenarios(t *testing.T) {
	m := knownOperations(newUsage())
	if len(m["ec2"]) < 30 || len(m["gce"]) < 30 {
		t.Fatalf("known operations: %d ec2, %d gce", len(m["ec2"]), len(m["gce"]))
	}
	for _, op := range m["gce"] {
		if apiOf(op) != "gce" {
			t.Errorf("gce op %q", op)
		}
	}
}
