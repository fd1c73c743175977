package conformance

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	compute "google.golang.org/api/compute/v1"
)

// TestLoad is a bounded load run against a built gateway and a standalone
// simulator, both APIs, reads and writes, with faults injected while it
// runs. It is skipped unless CLOUDGATE_LOAD is set:
//
//	CLOUDGATE_LOAD=60s CLOUDGATE_LOAD_CLIENTS=200 go test ./conformance -run TestLoad -v -timeout 30m
//
// Optional: CLOUDGATE_LOAD_GW_ARGS="--rate-limit 500 --rate-burst 1000"
// (extra serve flags; default "--rate-limit 1000 --rate-burst 2000
// --max-in-flight 1024"), CLOUDGATE_LOAD_WRITERS (concurrent launches,
// default 16). It fails on any unexpected error (5xx other than the
// injected capacity failures and throttling), on resources left behind,
// and on goroutine growth in the gateway.
func TestLoad(t *testing.T) {
	dur, err := time.ParseDuration(os.Getenv("CLOUDGATE_LOAD"))
	if err != nil || dur <= 0 {
		t.Skip("set CLOUDGATE_LOAD=<duration> (e.g. 60s) to run the load test")
	}
	clients := envInt("CLOUDGATE_LOAD_CLIENTS", 50)
	writers := envInt("CLOUDGATE_LOAD_WRITERS", 16)
	gwArgs := strings.Fields(os.Getenv("CLOUDGATE_LOAD_GW_ARGS"))
	if len(gwArgs) == 0 {
		gwArgs = []string{"--rate-limit", "1000", "--rate-burst", "2000", "--max-in-flight", "1024"}
	}

	sim := startSimulator(t, "--expunge-delay", "100ms", "--job-latency", "200ms")
	gw := startReplica(t, sim, testAuthKey, append(gwArgs, "--log-level", "error")...)
	hc := gw.HTTPClient(t)
	rr := newRR(t, gw)
	rr.base.(*http.Transport).MaxIdleConnsPerHost = clients + 16
	baseVMs, baseVols := len(sim.liveVMs(t)), len(sim.liveVolumes(t))

	users := []string{"demo", "other"}
	ec2s := map[string]*ec2.Client{}
	gces := map[string]*compute.Service{}
	for _, u := range users {
		ec2s[u] = ec2.New(ec2.Options{
			Region: "cloudstack-1", BaseEndpoint: aws.String(gw.URL + "/"),
			HTTPClient: &http.Client{Transport: rr, Timeout: 3 * time.Minute},
			Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
				return aws.Credentials{AccessKeyID: sim.users[u].APIKey, SecretAccessKey: sim.users[u].Secret}, nil
			}),
			Retryer: retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = 5
				o.MaxBackoff = time.Second
				o.RateLimiter = ratelimit.None // each client retries on its own
			}),
		})
		ts := gceTokenSource(t, gceKey(t, sim, testAuthKey, u), gw, &http.Client{Transport: rr, Timeout: time.Minute})
		gces[u] = gceService(t, gw, &retryRT{base: rr}, ts, 3*time.Minute)
	}
	cat := discover(t, ec2s["demo"], gces["demo"], "demo")

	before := scrape(t, hc, gw.URL)
	t.Logf("gateway before: goroutines %.0f, RSS %.1f MiB", before["go_goroutines"], before["process_resident_memory_bytes"]/(1<<20))

	st := &loadStats{outcomes: map[string]int{}, lat: map[string][]time.Duration{}}
	ctx, cancel := context.WithTimeout(context.Background(), dur)
	defer cancel()

	// Fault injector: capacity failures, slow lists and slow jobs, in turn.
	var injected []string
	injDone := make(chan struct{})
	go func() {
		defer close(injDone)
		faults := [][2]string{
			{"deployVirtualMachine", "result:fail|errorcode:533|errortext:Unable to create a deployment for VM"},
			{"listVirtualMachines", "wait:300"},
			{"*", "wait:500"},
		}
		tick := time.NewTicker(5 * time.Second)
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			f := faults[i%len(faults)]
			if _, err := sim.tryMock(f[0], f[1], 3); err != nil {
				injected = append(injected, "FAILED "+err.Error())
				continue
			}
			injected = append(injected, f[0]+"="+f[1])
		}
	}()

	sem := make(chan struct{}, writers)
	var wg sync.WaitGroup
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			u := users[i/2%len(users)]
			rng := rand.New(rand.NewPCG(uint64(i), 7))
			for n := 0; ctx.Err() == nil; n++ {
				write := rng.IntN(100) < 10
				if write {
					select {
					case sem <- struct{}{}:
					default:
						write = false
					}
				}
				if i%2 == 0 {
					loadEC2(ctx, st, ec2s[u], cat, rng, write, fmt.Sprintf("load-%d-%d", i, n))
				} else {
					loadGCE(ctx, st, gces[u], u, cat, rng, write, fmt.Sprintf("load-%d-%d", i, n))
				}
				if write {
					<-sem
				}
			}
		}()
	}
	wg.Wait()
	<-injDone
	cleanCtx, cleanCancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cleanCancel()
	for _, u := range users {
		leftover := terminateAllOf(cleanCtx, t, ec2s[u])
		if leftover > 0 {
			t.Errorf("%d instances of %s were still running after the clients finished (they delete what they create)", leftover, u)
		}
	}
	deadline := time.Now().Add(2 * time.Minute)
	var vms, vols int
	for {
		vms, vols = len(sim.liveVMs(t)), len(sim.liveVolumes(t))
		if vms == baseVMs && vols == baseVols || time.Now().After(deadline) {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	// Close the clients' keep-alive connections so what remains in the
	// gateway is its own state (plus its pooled CloudStack connections,
	// two goroutines each, counted by cloudgate_cloudstack_connections_open).
	rr.base.(*http.Transport).CloseIdleConnections()
	hc.CloseIdleConnections()
	time.Sleep(3 * time.Second)
	after := scrape(t, hc, gw.URL)
	pooled := 2*after["cloudgate_cloudstack_connections_open"] + 2*after["cloudgate_http_connections_open"]
	unexplained := after["go_goroutines"] - pooled - before["go_goroutines"]

	// Report.
	total, unexpected := 0, 0
	var keys []string
	for k, n := range st.outcomes {
		keys = append(keys, k)
		total += n
		if strings.HasPrefix(k, "UNEXPECTED") {
			unexpected += n
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	fmt.Fprintf(&b, "load: %d clients (%d EC2, %d GCE; users demo/other), %v, %d writers max, gateway args %v\n", clients, (clients+1)/2, clients/2, dur, writers, gwArgs)
	fmt.Fprintf(&b, "operations: %d (%.0f/s), unexpected: %d\n", total, float64(total)/dur.Seconds(), unexpected)
	for _, k := range keys {
		fmt.Fprintf(&b, "  %-70s %d\n", k, st.outcomes[k])
	}
	for _, api := range []string{"ec2-read", "ec2-write", "gce-read", "gce-write"} {
		if p := percentiles(st.lat[api]); p != "" {
			fmt.Fprintf(&b, "  latency %-9s %s\n", api, p)
		}
	}
	rr.mu.Lock()
	fmt.Fprintf(&b, "HTTP statuses seen by the clients (all attempts): %v\n", rr.status)
	rr.mu.Unlock()
	fmt.Fprintf(&b, "faults injected: %d (%s …)\n", len(injected), strings.Join(injected[:min(3, len(injected))], ", "))
	fmt.Fprintf(&b, "CloudStack after cleanup: live VMs %d (baseline %d), live volumes %d (baseline %d)\n", vms, baseVMs, vols, baseVols)
	fmt.Fprintf(&b, "gateway goroutines %.0f → %.0f (open connections: %.0f to CloudStack, %.0f from clients; unexplained growth %.0f), RSS %.1f → %.1f MiB, throttled %.0f, CloudStack calls %.0f\n",
		before["go_goroutines"], after["go_goroutines"], after["cloudgate_cloudstack_connections_open"], after["cloudgate_http_connections_open"], unexplained,
		before["process_resident_memory_bytes"]/(1<<20), after["process_resident_memory_bytes"]/(1<<20),
		after["cloudgate_throttled_total"], after["cloudgate_cloudstack_requests_total"])
	t.Log("\n" + b.String())
	if out := os.Getenv("CLOUDGATE_LOAD_REPORT"); out != "" {
		os.WriteFile(out, []byte(b.String()), 0o644)
	}

	if unexpected > 0 {
		t.Errorf("%d unexpected errors", unexpected)
	}
	if vms != baseVMs || vols != baseVols {
		t.Errorf("leaked resources: VMs %d (baseline %d), volumes %d (baseline %d): %v", vms, baseVMs, vols, baseVols, vmNames(sim.liveVMs(t)))
	}
	if unexplained > 20 {
		t.Errorf("gateway goroutines grew from %.0f to %.0f, %.0f more than its open connections explain", before["go_goroutines"], after["go_goroutines"], unexplained)
	}
}

type loadStats struct {
	mu       sync.Mutex
	outcomes map[string]int
	lat      map[string][]time.Duration
}

func (s *loadStats) add(kind, outcome string, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.outcomes[outcome]++
	s.lat[kind] = append(s.lat[kind], d)
}

// Expected failures: the injected capacity failure and throttling (after
// the client's own retries), and the end of the run cancelling a call.
var expectedEC2 = map[string]bool{"InsufficientInstanceCapacity": true, "RequestLimitExceeded": true}
var expectedGCE = map[string]bool{"rateLimitExceeded": true, "resourcePoolExhausted": true, "ZONE_RESOURCE_POOL_EXHAUSTED": true}

func (s *loadStats) ec2(op string, start time.Time, write bool, err error) {
	kind := "ec2-read"
	if write {
		kind = "ec2-write"
	}
	d := time.Since(start)
	if err == nil {
		s.add(kind, "ok ec2 "+op, d)
		return
	}
	code, status := ec2ErrCode(err)
	switch {
	case expectedEC2[code]:
		s.add(kind, fmt.Sprintf("expected ec2 %s %s %d", op, code, status), d)
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled):
		s.add(kind, "ended ec2 "+op, d)
	default:
		s.add(kind, fmt.Sprintf("UNEXPECTED ec2 %s %s %d: %.120s", op, code, status, err.Error()), d)
	}
}

func (s *loadStats) gce(op string, start time.Time, write bool, err error) {
	kind := "gce-read"
	if write {
		kind = "gce-write"
	}
	d := time.Since(start)
	if err == nil {
		s.add(kind, "ok gce "+op, d)
		return
	}
	reason, status := gceErrCode(err)
	var oe *opError
	if errors.As(err, &oe) {
		reason = oe.code
	}
	switch {
	case expectedGCE[reason]:
		s.add(kind, fmt.Sprintf("expected gce %s %s %d", op, reason, status), d)
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled):
		s.add(kind, "ended gce "+op, d)
	default:
		s.add(kind, fmt.Sprintf("UNEXPECTED gce %s %s %d: %.120s", op, reason, status, err.Error()), d)
	}
}

type opError struct{ code, msg string }

func (e *opError) Error() string { return "operation error " + e.code + ": " + e.msg }

func loadEC2(ctx context.Context, st *loadStats, c *ec2.Client, cat catalog, rng *rand.Rand, write bool, token string) {
	start := time.Now()
	if !write {
		var err error
		op := ""
		switch rng.IntN(3) {
		case 0:
			op = "DescribeInstances"
			_, err = c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
		case 1:
			op = "DescribeImages"
			_, err = c.DescribeImages(ctx, &ec2.DescribeImagesInput{})
		default:
			op = "DescribeAvailabilityZones"
			_, err = c.DescribeAvailabilityZones(ctx, &ec2.DescribeAvailabilityZonesInput{})
		}
		st.ec2(op, start, false, err)
		return
	}
	// A write: launch and always terminate, to completion (bounded) even
	// when the run ends, so nothing is left behind.
	wctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	out, err := c.RunInstances(wctx, &ec2.RunInstancesInput{ImageId: aws.String(cat.ami), InstanceType: ec2types.InstanceType(cat.instanceType),
		MinCount: aws.Int32(1), MaxCount: aws.Int32(1), ClientToken: aws.String(token)})
	st.ec2("RunInstances", start, true, err)
	if err != nil {
		return
	}
	start = time.Now()
	_, err = c.TerminateInstances(wctx, &ec2.TerminateInstancesInput{InstanceIds: []string{aws.ToString(out.Instances[0].InstanceId)}})
	st.ec2("TerminateInstances", start, true, err)
}

func loadGCE(ctx context.Context, st *loadStats, svc *compute.Service, project string, cat catalog, rng *rand.Rand, write bool, name string) {
	start := time.Now()
	if !write {
		var err error
		op := ""
		switch rng.IntN(3) {
		case 0:
			op = "instances.list"
			_, err = svc.Instances.List(project, cat.zone).Context(ctx).Do()
		case 1:
			op = "zones.list"
			_, err = svc.Zones.List(project).Context(ctx).Do()
		default:
			op = "machineTypes.list"
			_, err = svc.MachineTypes.List(project, cat.zone).Context(ctx).Do()
		}
		st.gce(op, start, false, err)
		return
	}
	// Writes run to completion (bounded) even when the run ends, so the
	// instance is always deleted.
	wctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	err := gceDo(wctx, svc, project, cat.zone, func() (*compute.Operation, error) {
		return svc.Instances.Insert(project, cat.zone, gceInstance(cat, name)).Context(wctx).Do()
	})
	st.gce("instances.insert", start, true, err)
	if err != nil {
		var oe *opError
		if !errors.As(err, &oe) {
			// The insert may have happened; make sure it is gone.
			persist(wctx, func() error {
				err := gceDo(wctx, svc, project, cat.zone, func() (*compute.Operation, error) {
					return svc.Instances.Delete(project, cat.zone, name).Context(wctx).Do()
				})
				if _, status := gceErrCode(err); status == http.StatusNotFound {
					return nil
				}
				return err
			})
		}
		return
	}
	start = time.Now()
	tries := 0
	err = persist(wctx, func() error {
		tries++
		err := gceDo(wctx, svc, project, cat.zone, func() (*compute.Operation, error) {
			return svc.Instances.Delete(project, cat.zone, name).Context(wctx).Do()
		})
		if _, status := gceErrCode(err); status == http.StatusNotFound && tries > 1 {
			return nil // an earlier attempt's delete went through; only its wait was throttled
		}
		return err
	})
	st.gce("instances.delete", start, true, err)
}

// persist retries a cleanup step that was throttled or hit an unavailable
// backend until it succeeds or ctx ends: a client that created something
// keeps trying to delete it.
func persist(ctx context.Context, f func() error) error {
	for {
		err := f()
		_, status := gceErrCode(err)
		if err == nil || (status != http.StatusTooManyRequests && status != http.StatusServiceUnavailable) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Second + rand.N(time.Second)):
		}
	}
}

// gceDo starts an operation and waits for it; a failed operation is an
// *opError.
func gceDo(ctx context.Context, svc *compute.Service, project, zone string, start func() (*compute.Operation, error)) error {
	op, err := start()
	if err != nil {
		return err
	}
	op, err = waitOp(ctx, svc, project, zone, op.Name)
	if err != nil {
		return err
	}
	if op.Error != nil && len(op.Error.Errors) > 0 {
		return &opError{op.Error.Errors[0].Code, op.Error.Errors[0].Message}
	}
	return nil
}

// terminateAllOf terminates the caller's remaining instances and returns
// how many there were.
func terminateAllOf(ctx context.Context, t *testing.T, c *ec2.Client) int {
	out, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
	if err != nil {
		t.Errorf("cleanup DescribeInstances: %v", err)
		return 0
	}
	var ids []string
	for _, r := range out.Reservations {
		for _, in := range r.Instances {
			if in.State != nil && in.State.Name != ec2types.InstanceStateNameTerminated && in.State.Name != ec2types.InstanceStateNameShuttingDown {
				ids = append(ids, aws.ToString(in.InstanceId))
			}
		}
	}
	if len(ids) > 0 {
		if _, err := c.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: ids}); err != nil {
			t.Errorf("cleanup TerminateInstances: %v", err)
		}
	}
	return len(ids)
}

// scrape reads the gateway's /metrics into name → summed value.
func scrape(t *testing.T, hc *http.Client, base string) map[string]float64 {
	t.Helper()
	resp, err := hc.Get(base + "/metrics")
	if err != nil {
		t.Fatalf("scrape: %v", err)
	}
	defer resp.Body.Close()
	m := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			continue
		}
		name := line[:i]
		if j := strings.IndexByte(name, '{'); j >= 0 {
			name = name[:j]
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err == nil {
			m[name] += v
		}
	}
	return m
}

func percentiles(ds []time.Duration) string {
	if len(ds) == 0 {
		return ""
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	p := func(q float64) time.Duration {
		return ds[min(len(ds)-1, int(q*float64(len(ds))))].Round(time.Millisecond)
	}
	return fmt.Sprintf("n=%d p50=%v p90=%v p99=%v max=%v", len(ds), p(.5), p(.9), p(.99), ds[len(ds)-1].Round(time.Millisecond))
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// retryRT retries 429 and 503 answers with capped exponential backoff and
// jitter, as gcloud and the Google client libraries configured for retries
// do (the Go compute client does not retry by itself).
type retryRT struct{ base http.RoundTripper }

func (r *retryRT) RoundTrip(req *http.Request) (*http.Response, error) {
	backoff := 50 * time.Millisecond
	for attempt := 1; ; attempt++ {
		resp, err := r.base.RoundTrip(req)
		if err != nil || attempt == 6 || (resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable) {
			return resp, err
		}
		if req.Body != nil && req.GetBody == nil {
			return resp, nil
		}
		resp.Body.Close()
		if req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			req = req.Clone(req.Context())
			req.Body = body
		}
		select {
		case <-req.Context().Done():
			return nil, req.Context().Err()
		case <-time.After(backoff/2 + rand.N(backoff/2)):
		}
		backoff = min(2*backoff, time.Second)
	}
}
