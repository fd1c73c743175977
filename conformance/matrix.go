package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// RoutesPath is where the gateway lists its route tables:
// GET <scheme://host:port>/_cloudgate/routes returns
// {"gce":["compute.instances.insert",…],"ec2":["RunInstances",…]}.
const RoutesPath = "/_cloudgate/routes"

// opUsage is what the scenarios told us about one operation.
type opUsage struct {
	pass, fail, skip []string // scenario names
	failReason       string
	skipReason       string
}

// usage aggregates scenario outcomes per operation for the matrix.
type usage struct{ ops map[string]*opUsage }

func newUsage() *usage { return &usage{ops: map[string]*opUsage{}} }

func (u *usage) get(op string) *opUsage {
	if u.ops[op] == nil {
		u.ops[op] = &opUsage{}
	}
	return u.ops[op]
}

// add charges a scenario's outcome to operations. A passed scenario
// vouches for every operation it called. A failed one charges the failure
// to Result.FailedOperation and vouches for the other operations it
// called. A skipped one marks the operations it would have covered and
// vouches for the calls that succeeded before it stopped.
func (u *usage) add(res Result, calls []call) {
	if res.Status == StatusSkip {
		for _, op := range res.Operations {
			o := u.get(op)
			o.skip = appendOnce(o.skip, res.Scenario)
			if o.skipReason == "" {
				o.skipReason = res.Reason
			}
		}
		for _, c := range calls { // calls that succeeded before the skip
			if c.err == nil {
				o := u.get(c.op)
				o.pass = appendOnce(o.pass, res.Scenario)
			}
		}
		return
	}
	for _, c := range calls {
		if res.Status == StatusFail && c.op == res.FailedOperation {
			continue
		}
		o := u.get(c.op)
		o.pass = appendOnce(o.pass, res.Scenario)
	}
	if res.Status == StatusFail && res.FailedOperation != "" {
		o := u.get(res.FailedOperation)
		o.fail = appendOnce(o.fail, res.Scenario)
		if o.failReason == "" {
			o.failReason = res.Scenario + ": " + res.Reason
		}
	}
}

func appendOnce(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

// routeStatus folds an operation's usage: any failure wins, then a pass,
// then a skip; nothing is "untested".
func (u *usage) route(api, op string) Route {
	rt := Route{API: api, Operation: op, Status: StatusUntested}
	o := u.ops[op]
	if o == nil {
		return rt
	}
	switch {
	case len(o.fail) > 0: // a failure anywhere wins: the route is not fully compatible
		rt.Status, rt.Reason = StatusFail, o.failReason
		if n := len(o.pass); n > 0 {
			rt.Reason = fmt.Sprintf("works in %d other scenario(s); fails in %s", n, o.failReason)
		}
		rt.Scenarios = append(append([]string{}, o.fail...), o.pass...)
	case len(o.pass) > 0:
		rt.Status, rt.Scenarios = StatusPass, o.pass
	case len(o.skip) > 0:
		rt.Status, rt.Scenarios, rt.Reason = StatusSkip, o.skip, o.skipReason
	}
	return rt
}

// buildMatrix lists every route of the gateway (or, when the target has
// no route listing, every operation the suite knows) with its status.
func buildMatrix(ctx context.Context, e *env, hc *http.Client, u *usage) (string, []Route) {
	apis := map[string]bool{"ec2": e.ec2 != nil, "gce": e.gce != nil}
	routes, ok := fetchRoutes(ctx, hc, e.cfg.GCEEndpoint, e.cfg.EC2Endpoint)
	source := "gateway"
	if !ok {
		source = "suite"
		routes = knownOperations(u)
	}
	var out []Route
	for api, ops := range routes {
		if !apis[api] {
			continue
		}
		sort.Strings(ops)
		seen := map[string]bool{}
		for _, op := range ops {
			if !seen[op] {
				seen[op] = true
				out = append(out, u.route(api, op))
			}
		}
	}
	return source, out
}

// knownOperations is the fallback route list: what the scenarios declare
// plus what they actually called.
func knownOperations(u *usage) map[string][]string {
	m := map[string][]string{}
	seen := map[string]bool{}
	add := func(op string) {
		if op != "" && !seen[op] {
			seen[op] = true
			m[apiOf(op)] = append(m[apiOf(op)], op)
		}
	}
	for _, sc := range allScenarios() {
		for _, op := range sc.ops {
			add(op)
		}
	}
	for op := range u.ops {
		add(op)
	}
	return m
}

// apiOf tells GCE method IDs ("compute.…") from EC2 actions.
func apiOf(op string) string {
	if strings.HasPrefix(op, "compute.") {
		return "gce"
	}
	return "ec2"
}

// fetchRoutes asks each endpoint's origin for RoutesPath and merges the
// answers; ok is false when none answered with the expected JSON.
func fetchRoutes(ctx context.Context, hc *http.Client, endpoints ...string) (map[string][]string, bool) {
	merged := map[string][]string{}
	ok := false
	tried := map[string]bool{}
	for _, ep := range endpoints {
		u, err := url.Parse(ep)
		if ep == "" || err != nil || u.Host == "" {
			continue
		}
		origin := u.Scheme + "://" + u.Host
		if tried[origin] {
			continue
		}
		tried[origin] = true
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, origin+RoutesPath, nil)
		if err != nil {
			continue
		}
		resp, err := hc.Do(req)
		if err != nil {
			continue
		}
		var body map[string][]string
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || err != nil || (len(body["gce"]) == 0 && len(body["ec2"]) == 0) {
			continue
		}
		ok = true
		for api, ops := range body {
			merged[api] = append(merged[api], ops...)
		}
	}
	return merged, ok
}

// gceMethodID maps a compute v1 request to its discovery method ID, e.g.
// POST …/projects/p/zones/z/instances/i/stop → "compute.instances.stop".
// base is the path prefix of the endpoint ("/compute/v1/"). It returns ""
// for paths it does not understand.
func gceMethodID(method, base, p string) string {
	rest := strings.TrimPrefix(p, strings.TrimSuffix(base, "/"))
	segs := strings.Split(strings.Trim(rest, "/"), "/")
	if len(segs) < 2 || segs[0] != "projects" {
		return ""
	}
	segs = segs[2:]
	if len(segs) == 0 {
		if method == http.MethodGet {
			return "compute.projects.get"
		}
		return ""
	}
	var scope, coll string
	var tail []string
	switch segs[0] {
	case "aggregated":
		if len(segs) == 2 {
			return "compute." + segs[1] + ".aggregatedList"
		}
		return ""
	case "zones", "regions":
		switch len(segs) {
		case 1:
			return "compute." + segs[0] + ".list"
		case 2:
			return "compute." + segs[0] + ".get"
		}
		scope, coll, tail = segs[0], segs[2], segs[3:]
	case "global":
		if len(segs) < 2 {
			return ""
		}
		scope, coll, tail = "global", segs[1], segs[2:]
	default:
		if len(segs) == 1 && method == http.MethodPost {
			return "compute.projects." + segs[0]
		}
		return ""
	}
	switch {
	case coll == "operations":
		coll = map[string]string{"zones": "zoneOperations", "regions": "regionOperations", "global": "globalOperations"}[scope]
	case coll == "addresses" && scope == "global":
		coll = "globalAddresses"
	}
	prefix := "compute." + coll + "."
	switch len(tail) {
	case 0:
		switch method {
		case http.MethodGet:
			return prefix + "list"
		case http.MethodPost:
			return prefix + "insert"
		}
	case 1:
		switch method {
		case http.MethodGet:
			return prefix + "get"
		case http.MethodDelete:
			return prefix + "delete"
		case http.MethodPatch:
			return prefix + "patch"
		case http.MethodPut:
			return prefix + "update"
		}
	case 2:
		if coll == "images" && tail[0] == "family" {
			return prefix + "getFromFamily"
		}
		if tail[1] == "serialPort" {
			return prefix + "getSerialPortOutput"
		}
		return prefix + tail[1]
	}
	return ""
}
