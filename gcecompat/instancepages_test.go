package gcecompat_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"google.golang.org/api/compute/v1"

	"github.com/cloudgate/cloudgate/simulator"
	"github.com/cloudgate/cloudgate/translate"
	"github.com/cloudgate/cloudgate/translate/csbackend"
)

// vmCounter counts, between csbackend and the simulator, the VMs
// listVirtualMachines answers carry in full and in their minimal form
// (details=min), and the listVolumes calls with and without
// virtualmachineid.
type vmCounter struct {
	next  http.RoundTripper
	mu    sync.Mutex
	n     map[string]int
	spans [][2]time.Time // start and end of each call
}

func (c *vmCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	q := r.URL.Query()
	if r.Body != nil && q.Get("command") == "" {
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		r.Body = io.NopCloser(bytes.NewReader(b))
		q, _ = url.ParseQuery(string(b))
	}
	start := time.Now()
	resp, err := c.next.RoundTrip(r)
	if err != nil {
		return resp, err
	}
	c.mu.Lock()
	c.spans = append(c.spans, [2]time.Time{start, time.Now()})
	c.mu.Unlock()
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	var env map[string]struct {
		VMs []json.RawMessage `json:"virtualmachine"`
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch q.Get("command") {
	case "listVirtualMachines":
		_ = json.Unmarshal(b, &env)
		for _, v := range env {
			if q.Get("details") == "min" {
				c.n["vm-min"] += len(v.VMs)
			} else {
				c.n["vm-full"] += len(v.VMs)
			}
		}
	case "listVolumes":
		if q.Get("virtualmachineid") != "" {
			c.n["volumes-of-one-vm"]++
		} else {
			c.n["volumes-all"]++
		}
	}
	return resp, nil
}

func (c *vmCounter) take() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.n
	c.n, c.spans = map[string]int{}, nil
	return n
}

// rounds is the longest chain of CloudStack calls since the last take, each
// started after the previous one answered: the sequential depth.
func (c *vmCounter) rounds() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	sp := append([][2]time.Time(nil), c.spans...)
	sort.Slice(sp, func(i, j int) bool { return sp[i][0].Before(sp[j][0]) })
	depth := make([]int, len(sp))
	most := 0
	for i := range sp {
		depth[i] = 1
		for j := 0; j < i; j++ {
			if !sp[j][1].After(sp[i][0]) {
				depth[i] = max(depth[i], depth[j]+1)
			}
		}
		most = max(most, depth[i])
	}
	return most
}

// instances.list without a filter reads in full only the VMs of its page
// (issue 15, item 2): with 200 instances, a page of 50 carries 50 VMs in
// full, the rest in CloudStack's minimal form, and lists the volumes of its
// 50 instances only. Pages keep GCE's name order (not CloudStack's creation
// order), name desc reverses it, every instance appears once and the
// listing equals the full path's (a filter matching everything); a token
// is refused for another listing.
func TestInstancesListPageReadsItsVMsAlone(t *testing.T) {
	gin.SetMode(gin.TestMode)
	seed, err := simulator.LoadSeed("../bench/seed-large.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sim, err := simulator.New(&simulator.Options{NoListener: true, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	adminKey, adminSecret, _ := sim.UserKeys("admin")
	hc := *sim.HTTPClient()
	counter := &vmCounter{next: hc.Transport, n: map[string]int{}}
	if counter.next == nil {
		counter.next = http.DefaultTransport
	}
	hc.Transport = counter
	opts := &csbackend.Options{HTTPClient: &hc, AdminAPIKey: adminKey, AdminSecret: adminSecret}
	svc := translate.New(csbackend.New(sim.URL(), opts), &translate.Options{JobPollInterval: 5 * time.Millisecond})
	demoKey, _, _ := sim.UserKeys("demo")
	demo, err := csbackend.NewDirectory(sim.URL(), opts).ByAPIKey(context.Background(), demoKey)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, sim: sim, svc: svc, demo: demo, project: demo.Project}
	e.ts, e.gce = e.gateway(svc)
	ctx := e.ctx()

	// 200 instances whose creation order is not their name order.
	zones, err := svc.Zones(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var zone translate.Zone
	for _, z := range zones {
		if z.Name == "zone1" {
			zone = z
		}
	}
	offs, err := svc.Offerings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	imgs, err := svc.Images(ctx, translate.ImageQuery{})
	if err != nil || len(imgs) == 0 {
		t.Fatalf("images: %v", err)
	}
	const n = 200
	var names []string
	for i := 0; i < n; i++ {
		names = append(names, fmt.Sprintf("vm-%03d", (i*37)%n))
	}
	if _, err := svc.Launch(ctx, translate.LaunchSpec{Names: names, ZoneID: zone.ID, OfferingID: offs[0].ID, ImageID: imgs[0].ID, Wait: true}); err != nil {
		t.Fatal(err)
	}
	var gceZone string
	zl, err := e.gce.Zones.List(e.project).Do()
	if err != nil {
		t.Fatal(err)
	}
	for _, z := range zl.Items {
		if strings.Contains(z.Name, "zone1") {
			gceZone = z.Name
		}
	}

	counter.take()
	first, err := e.gce.Instances.List(e.project, gceZone).MaxResults(50).Do()
	if err != nil {
		t.Fatal(err)
	}
	got := counter.take()
	t.Logf("page of 50 of %d: %v", n, got)
	if len(first.Items) != 50 || first.NextPageToken == "" {
		t.Fatalf("first page: %d items, token %q", len(first.Items), first.NextPageToken)
	}
	if got["vm-full"] > 50 || got["volumes-all"] > 0 || got["volumes-of-one-vm"] > 50 || got["vm-min"] > n {
		t.Errorf("a page of 50 of %d instances read %v: want <= 50 VMs in full, no listing of all volumes", n, got)
	}
	for _, in := range first.Items {
		if len(in.Disks) == 0 || !in.Disks[0].Boot {
			t.Fatalf("instance %s on a page has no boot disk: %+v", in.Name, in.Disks)
		}
	}

	walk := func(order, filter string) []string {
		t.Helper()
		var out []string
		tok := ""
		for {
			call := e.gce.Instances.List(e.project, gceZone).MaxResults(30).PageToken(tok)
			if order != "" {
				call = call.OrderBy(order)
			}
			if filter != "" {
				call = call.Filter(filter)
			}
			l, err := call.Do()
			if err != nil {
				t.Fatal(err)
			}
			for _, in := range l.Items {
				out = append(out, in.Name)
			}
			if tok = l.NextPageToken; tok == "" {
				return out
			}
		}
	}
	asc := walk("", "")
	if len(asc) != n || !sort.StringsAreSorted(asc) {
		t.Fatalf("paged listing: %d names, sorted %v: %v", len(asc), sort.StringsAreSorted(asc), asc)
	}
	if full := walk("", "name eq vm-.*"); strings.Join(full, ",") != strings.Join(asc, ",") {
		t.Fatalf("the pushed-down listing differs from the full path's:\n%v\n%v", asc, full)
	}
	desc := walk("name desc", "")
	for i := range desc {
		if desc[i] != asc[n-1-i] {
			t.Fatalf("name desc: %v", desc)
		}
	}
	// aggregatedList (gcloud compute instances list): the same instances,
	// pages read alone, equal to the full path's listing.
	aggWalk := func(filter string) ([]string, map[string]int) {
		t.Helper()
		var out []string
		cost := map[string]int{}
		tok := ""
		for {
			call := e.gce.Instances.AggregatedList(e.project).MaxResults(30).PageToken(tok)
			if filter != "" {
				call = call.Filter(filter)
			}
			counter.take()
			l, err := call.Do()
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range counter.take() {
				cost[k] = max(cost[k], v)
			}
			var scopes []string
			for sc := range l.Items {
				scopes = append(scopes, sc)
			}
			sort.Strings(scopes)
			for _, sc := range scopes {
				for _, in := range l.Items[sc].Instances {
					out = append(out, sc+"/"+in.Name)
				}
			}
			if tok = l.NextPageToken; tok == "" {
				return out, cost
			}
		}
	}
	agg, cost := aggWalk("")
	if full, _ := aggWalk("name eq vm-.*"); len(agg) != n || strings.Join(full, ",") != strings.Join(agg, ",") {
		t.Fatalf("aggregatedList pages (%d) differ from the full path's (%d):\n%v\n%v", len(agg), len(full), agg, full)
	}
	if cost["vm-full"] > 30 || cost["volumes-all"] > 0 {
		t.Errorf("an aggregatedList page of 30 read %v at most: want <= 30 VMs in full, no listing of all volumes", cost)
	}

	// A token of this listing is refused for another one.
	_, err = e.gce.Instances.List(e.project, gceZone).MaxResults(50).PageToken(first.NextPageToken).Filter("name eq vm-1.*").Do()
	apiErr(t, err, 400, "invalid")
}

// A GCE page's CloudStack calls form two sequential rounds when the zone is
// small: the name listing, then the page's VMs and its volumes together
// (issue 15, items 2 and 3). With 200 ms of simulated CloudStack latency on
// every call, a chain is unmistakable.
func TestInstancesListPageIsTwoRounds(t *testing.T) {
	gin.SetMode(gin.TestMode)
	sim, err := simulator.New(&simulator.Options{NoListener: true, Profile: simulator.ProfileDemoRecommended})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	adminKey, adminSecret, _ := sim.UserKeys("admin")
	hc := *sim.HTTPClient()
	counter := &vmCounter{next: hc.Transport, n: map[string]int{}}
	if counter.next == nil {
		counter.next = http.DefaultTransport
	}
	hc.Transport = counter
	opts := &csbackend.Options{HTTPClient: &hc, AdminAPIKey: adminKey, AdminSecret: adminSecret}
	svc := translate.New(csbackend.New(sim.URL(), opts), &translate.Options{JobPollInterval: 5 * time.Millisecond})
	demoKey, _, _ := sim.UserKeys("demo")
	demo, err := csbackend.NewDirectory(sim.URL(), opts).ByAPIKey(context.Background(), demoKey)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, sim: sim, svc: svc, demo: demo, project: demo.Project, zone: "local1-zone1"}
	e.ts, e.gce = e.gateway(svc)
	for i := 0; i < 3; i++ {
		e.mustOK(e.gce.Instances.Insert(e.project, e.zone, &compute.Instance{Name: fmt.Sprintf("rt-%d", i),
			MachineType: "zones/" + e.zone + "/machineTypes/small-instance",
			Disks:       []*compute.AttachedDisk{{Boot: true, InitializeParams: &compute.AttachedDiskInitializeParams{SourceImage: "projects/debian-cloud/global/images/family/debian-12"}}},
		}).Do())
	}
	if _, err := e.gce.Instances.List(e.project, e.zone).Do(); err != nil { // warm the catalog caches
		t.Fatal(err)
	}
	sim.SetCallLatency(200*time.Millisecond, 0)
	defer sim.SetCallLatency(0, 0)
	counter.take()
	l, err := e.gce.Instances.List(e.project, e.zone).Do()
	if err != nil || len(l.Items) != 3 {
		t.Fatalf("list: %v %v", l, err)
	}
	if r := counter.rounds(); r > 2 {
		t.Errorf("a page of 3 instances took %d sequential rounds of CloudStack calls, want 2", r)
	}
}
