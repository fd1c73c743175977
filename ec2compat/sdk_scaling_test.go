package ec2compat_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// csCounter is an http.RoundTripper between csbackend and the simulator
// that counts CloudStack calls per command and the items list commands
// return (their "count"), so tests can guard the complexity of a client
// operation in CloudStack work rather than time.
type csCounter struct {
	next  http.RoundTripper
	mu    sync.Mutex
	calls map[string]int
	items map[string]int
	// sent counts the items list answers carried (their arrays' lengths),
	// where items counts what CloudStack matched in all ("count").
	sent  map[string]int
	trace bool      // record spans
	t0    time.Time // spans are relative to t0
	spans []span
}

// span is one CloudStack call's start and end, relative to csCounter.t0.
type span struct {
	cmd        string
	start, end time.Duration
}

func newCSCounter(next http.RoundTripper) *csCounter {
	if next == nil {
		next = http.DefaultTransport
	}
	return &csCounter{next: next, calls: map[string]int{}, items: map[string]int{}, sent: map[string]int{}}
}

func (c *csCounter) RoundTrip(r *http.Request) (*http.Response, error) {
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
	st := time.Since(c.t0)
	resp, err := c.next.RoundTrip(r)
	if c.trace {
		c.mu.Lock()
		c.spans = append(c.spans, span{cmd, st, time.Since(c.t0)})
		c.mu.Unlock()
	}
	if err != nil {
		return resp, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	if err != nil {
		return resp, nil
	}
	n, sent := 0, 0
	var env map[string]map[string]json.RawMessage
	if strings.HasPrefix(cmd, "list") && json.Unmarshal(b, &env) == nil {
		for _, v := range env {
			for k, m := range v {
				var x int
				var arr []json.RawMessage
				if k == "count" && json.Unmarshal(m, &x) == nil {
					n += x
				} else if json.Unmarshal(m, &arr) == nil {
					sent += len(arr)
				}
			}
		}
	}
	c.mu.Lock()
	c.calls[cmd]++
	c.items[cmd] += n
	c.sent[cmd] += sent
	c.mu.Unlock()
	return resp, nil
}

// takeSent returns and resets the counts, with the items sent.
func (c *csCounter) takeSent() (calls, sent map[string]int) {
	c.mu.Lock()
	sent = c.sent
	c.mu.Unlock()
	calls, _ = c.take()
	return calls, sent
}

// take returns and resets the counts.
func (c *csCounter) take() (calls, items map[string]int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	calls, items = c.calls, c.items
	c.calls, c.items, c.sent = map[string]int{}, map[string]int{}, map[string]int{}
	return calls, items
}

func summary(m map[string]int) string {
	var ks []string
	for k, v := range m {
		if v != 0 {
			ks = append(ks, k+"="+strconv.Itoa(v))
		}
	}
	sort.Strings(ks)
	return strings.Join(ks, " ")
}

// Single-instance operations must cost the same CloudStack work whatever
// the size of the cloud (issue 15, item 1): the same number of calls per
// list command and the same number of listed items with 3 and with 15
// other instances present. Polling (queryAsyncJobResult) varies with
// timing and is not compared.
func TestSingleInstanceOperationsDoNotGrowWithTheCloud(t *testing.T) {
	e := mustEnv(t)
	ctx := ctxT(t)
	ami := debianImage(t, e)
	grow := func(n int32, token string) {
		t.Helper()
		if _, err := e.ec2.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(ami), InstanceType: "t3.micro",
			MinCount: aws.Int32(n), MaxCount: aws.Int32(n), ClientToken: aws.String(token)}); err != nil {
			t.Fatal(err)
		}
	}
	// One launch, get, stop, start and terminate of a fresh instance.
	lifecycle := func(token string) {
		t.Helper()
		out, err := e.ec2.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(ami), InstanceType: "t3.micro",
			MinCount: aws.Int32(1), MaxCount: aws.Int32(1), ClientToken: aws.String(token)})
		if err != nil {
			t.Fatal(err)
		}
		id := []string{aws.ToString(out.Instances[0].InstanceId)}
		if d, err := e.ec2.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: id}); err != nil || len(d.Reservations) != 1 {
			t.Fatalf("describe %v: %v %v", id, d, err)
		}
		if _, err := e.ec2.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: id}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.ec2.StartInstances(ctx, &ec2.StartInstancesInput{InstanceIds: id}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.ec2.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: id}); err != nil {
			t.Fatal(err)
		}
	}
	measure := func(token string) (map[string]int, map[string]int) {
		e.cs.take()
		lifecycle(token)
		calls, items := e.cs.take()
		delete(calls, "queryAsyncJobResult")
		return calls, items
	}

	grow(3, "scale-seed")
	lifecycle("scale-warm") // fills the catalog caches
	smallCalls, smallItems := measure("scale-small")
	grow(12, "scale-grow")
	bigCalls, bigItems := measure("scale-big")

	t.Logf("with 3 other instances:  calls %s; items %s", summary(smallCalls), summary(smallItems))
	t.Logf("with 15 other instances: calls %s; items %s", summary(bigCalls), summary(bigItems))
	for cmd, n := range bigItems {
		if n > smallItems[cmd] {
			t.Errorf("%s listed %d items with 15 other instances, %d with 3: single-instance operations must not list the cloud", cmd, n, smallItems[cmd])
		}
	}
	for cmd, n := range bigCalls {
		if n > smallCalls[cmd] {
			t.Errorf("%s called %d times with 15 other instances, %d with 3", cmd, n, smallCalls[cmd])
		}
	}
	if smallCalls["listVirtualMachines"] == 0 || smallCalls["deployVirtualMachine"] != 1 || smallCalls["destroyVirtualMachine"] != 1 {
		t.Errorf("the counter did not see the lifecycle's CloudStack calls: %s", summary(smallCalls))
	}
}

// A listing's CloudStack calls are independent of each other, so
// DescribeInstances issues them as one concurrent round (issue 15, item 3):
// with a 300 ms simulated CloudStack latency, every call starts before the
// first one answers. (An ordering check: the latency only makes a
// sequential dependency impossible to miss.)
func TestDescribeInstancesIsOneRoundOfCloudStackCalls(t *testing.T) {
	e := mustEnv(t)
	ctx := ctxT(t)
	if _, err := e.ec2.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(debianImage(t, e)), InstanceType: "t3.micro",
		MinCount: aws.Int32(2), MaxCount: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.ec2.DescribeInstances(ctx, &ec2.DescribeInstancesInput{}); err != nil { // warm the caches
		t.Fatal(err)
	}
	e.sim.SetCallLatency(300*time.Millisecond, 0)
	defer e.sim.SetCallLatency(0, 0)
	e.cs.mu.Lock()
	e.cs.trace, e.cs.t0, e.cs.spans = true, time.Now(), nil
	e.cs.mu.Unlock()
	out, err := e.ec2.DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
	if err != nil || len(out.Reservations) == 0 {
		t.Fatalf("DescribeInstances: %v %v", out, err)
	}
	e.cs.mu.Lock()
	spans := append([]span(nil), e.cs.spans...)
	e.cs.trace = false
	e.cs.mu.Unlock()
	if len(spans) < 2 {
		t.Fatalf("saw %d CloudStack calls", len(spans))
	}
	first := spans[0].end
	for _, s := range spans {
		first = min(first, s.end)
	}
	for _, s := range spans {
		t.Logf("%-22s %7.1f -> %7.1f ms", s.cmd, float64(s.start)/1e6, float64(s.end)/1e6)
		if s.start >= first {
			t.Errorf("%s started after another CloudStack call answered: it waits for it (a sequential chain)", s.cmd)
		}
	}
}

// The root device's volume is the same whether the instance is listed or
// asked for by id (the listing takes it from its one listVolumes, a
// get-by-id from listVolumes virtualmachineid=…), and it is the volume
// DescribeVolumes shows attached to the instance.
func TestRootVolumeInListingAndByID(t *testing.T) {
	e := mustEnv(t)
	ctx := ctxT(t)
	id := launchOne(t, e, "root-volume")
	rootOf := func(in *ec2.DescribeInstancesInput) string {
		t.Helper()
		out, err := e.ec2.DescribeInstances(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range out.Reservations {
			for _, inst := range r.Instances {
				if aws.ToString(inst.InstanceId) != id {
					continue
				}
				for _, bd := range inst.BlockDeviceMappings {
					if aws.ToString(bd.DeviceName) == aws.ToString(inst.RootDeviceName) && bd.Ebs != nil {
						return aws.ToString(bd.Ebs.VolumeId)
					}
				}
				t.Fatalf("instance %s has no root device mapping: %+v", id, inst.BlockDeviceMappings)
			}
		}
		t.Fatalf("instance %s not listed", id)
		return ""
	}
	listed, byID := rootOf(&ec2.DescribeInstancesInput{}), rootOf(&ec2.DescribeInstancesInput{InstanceIds: []string{id}})
	vols, err := e.ec2.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{Filters: []types.Filter{{Name: aws.String("attachment.instance-id"), Values: []string{id}}}})
	if err != nil || len(vols.Volumes) != 1 {
		t.Fatalf("DescribeVolumes attached to %s: %v %v", id, vols, err)
	}
	if want := aws.ToString(vols.Volumes[0].VolumeId); listed != want || byID != want {
		t.Fatalf("root volume: listed %q, by id %q, DescribeVolumes %q", listed, byID, want)
	}
}
