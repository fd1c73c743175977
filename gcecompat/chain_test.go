package gcecompat_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/cloudgate/cloudgate/simulator"
	"github.com/cloudgate/cloudgate/translate"
	"github.com/cloudgate/cloudgate/translate/csbackend"
	"github.com/gin-gonic/gin"
	compute "google.golang.org/api/compute/v1"
)

// callTracer records each CloudStack call's command, start and end.
type callTracer struct {
	next  http.RoundTripper
	mu    sync.Mutex
	on    bool
	t0    time.Time
	spans []callSpan
}

type callSpan struct {
	cmd        string
	start, end time.Duration
}

func (c *callTracer) RoundTrip(r *http.Request) (*http.Response, error) {
	cmd := r.URL.Query().Get("command")
	if r.Body != nil && cmd == "" {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		r.Body.Close()
		r.Body = io.NopCloser(bytes.NewReader(b))
		if q, err := url.ParseQuery(string(b)); err == nil {
			cmd = q.Get("command")
		}
	}
	c.mu.Lock()
	on, t0 := c.on, c.t0
	c.mu.Unlock()
	st := time.Since(t0)
	resp, err := c.next.RoundTrip(r)
	if on {
		c.mu.Lock()
		c.spans = append(c.spans, callSpan{cmd, st, time.Since(t0)})
		c.mu.Unlock()
	}
	return resp, err
}

func (c *callTracer) trace(sim *simulator.Server, latency time.Duration, fn func()) []callSpan {
	sim.SetCallLatency(latency, 0)
	defer sim.SetCallLatency(0, 0)
	c.mu.Lock()
	c.on, c.t0, c.spans = true, time.Now(), nil
	c.mu.Unlock()
	fn()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.on = false
	return append([]callSpan(nil), c.spans...)
}

// rounds is the longest chain of calls each of which started after the
// previous one answered: the number of sequential CloudStack round trips.
func rounds(spans []callSpan) int {
	d := make([]int, len(spans))
	best := 0
	for i, s := range spans {
		d[i] = 1
		for j, p := range spans {
			if p.end <= s.start && d[j]+1 > d[i] {
				d[i] = d[j] + 1
			}
		}
		best = max(best, d[i])
	}
	return best
}

// newTracedEnv is newEnv with a callTracer between csbackend and the
// simulator.
func newTracedEnv(t *testing.T) (*env, *callTracer) {
	t.Helper()
	gin.SetMode(gin.TestMode)
	sim, err := simulator.New(&simulator.Options{NoListener: true, Profile: simulator.ProfileDemoRecommended})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	hc := sim.HTTPClient()
	tr := &callTracer{next: hc.Transport}
	traced := *hc
	traced.Transport = tr
	adminKey, adminSecret, _ := sim.UserKeys("admin")
	opts := &csbackend.Options{HTTPClient: &traced, AdminAPIKey: adminKey, AdminSecret: adminSecret}
	svc := translate.New(csbackend.New(sim.URL(), opts), &translate.Options{JobPollInterval: 5 * time.Millisecond})
	demoKey, _, _ := sim.UserKeys("demo")
	demo, err := csbackend.NewDirectory(sim.URL(), opts).ByAPIKey(context.Background(), demoKey)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, sim: sim, svc: svc, demo: demo, project: demo.Project, zone: "local1-zone1"}
	e.ts, e.gce = e.gateway(svc)
	return e, tr
}

// GCE instances.insert and instances.delete issue their independent
// CloudStack calls together (issue 15, item 3); the rounds of sequential
// calls are counted with a simulated latency, not timed. Each includes
// the client's operations.wait polls. Before: insert 16 rounds (the name,
// the boot disk name's two lists, the image and the network tags' groups
// one after the other, and the boot disk looked up again to tag it), delete 8 (the instance read three times).
func TestGCEInsertDeleteCloudStackRounds(t *testing.T) {
	const latency = 200 * time.Millisecond
	e, tr := newTracedEnv(t)
	zl := e.ts.URL + "/compute/v1/projects/" + e.project + "/zones/" + e.zone
	insert := func(name string) {
		t.Helper()
		e.mustOK(e.gce.Instances.Insert(e.project, e.zone, &compute.Instance{
			Name: name, MachineType: zl + "/machineTypes/small-instance",
			Disks:             []*compute.AttachedDisk{{Boot: true, AutoDelete: true, InitializeParams: &compute.AttachedDiskInitializeParams{SourceImage: "projects/debian-cloud/global/images/family/debian-12"}}},
			NetworkInterfaces: []*compute.NetworkInterface{{Network: "global/networks/default"}},
		}).Do())
	}
	insert("warm")
	e.mustOK(e.gce.Instances.Delete(e.project, e.zone, "warm").Do())
	check := func(what string, spans []callSpan, max int) {
		t.Helper()
		for _, s := range spans {
			t.Logf("%s %-24s %7.1f -> %7.1f ms", what, s.cmd, float64(s.start)/1e6, float64(s.end)/1e6)
		}
		d := rounds(spans)
		t.Logf("%s: %d CloudStack calls in %d rounds", what, len(spans), d)
		if d > max {
			t.Errorf("%s made %d sequential rounds of CloudStack calls, want at most %d", what, d, max)
		}
	}
	check("instances.insert", tr.trace(e.sim, latency, func() { insert("chain") }), 11)
	check("instances.delete", tr.trace(e.sim, latency, func() { e.mustOK(e.gce.Instances.Delete(e.project, e.zone, "chain").Do()) }), 5)
}
