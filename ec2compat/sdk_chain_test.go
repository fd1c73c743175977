package ec2compat_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

// traceCalls runs fn with a simulated CloudStack latency and returns the
// CloudStack calls it made, in start order.
func traceCalls(t *testing.T, e *testEnv, latency time.Duration, fn func()) []span {
	t.Helper()
	e.sim.SetCallLatency(latency, 0)
	defer e.sim.SetCallLatency(0, 0)
	e.cs.mu.Lock()
	e.cs.trace, e.cs.t0, e.cs.spans = true, time.Now(), nil
	e.cs.mu.Unlock()
	fn()
	e.cs.mu.Lock()
	defer e.cs.mu.Unlock()
	e.cs.trace = false
	return append([]span(nil), e.cs.spans...)
}

// depth is the longest chain of calls each of which started after the
// previous one answered: the number of sequential CloudStack round trips.
func depth(spans []span) int {
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

// RunInstances and TerminateInstances issue their independent CloudStack
// calls together (issue 15, item 3): a launch is one round of reads
// (earlier launch with the token, network, image: listTemplates
// executable and self), the deploy, the tags alongside the deploy job,
// one read of the result and one of its volumes and networks; a
// termination reads the instance and its public IPs at once, destroys,
// waits and reads the end state. Rounds are counted, not timed: a
// simulated CloudStack latency (200 ms) only makes each sequential step
// impossible to miss. Before: 11 and 7 rounds.
func TestRunAndTerminateCloudStackRounds(t *testing.T) {
	const latency = 200 * time.Millisecond
	e := mustEnv(t)
	ctx := ctxT(t)
	ami := debianImage(t, e)
	run := func(token string) string {
		t.Helper()
		out, err := e.ec2.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(ami), InstanceType: "t3.micro",
			MinCount: aws.Int32(1), MaxCount: aws.Int32(1), ClientToken: aws.String(token)})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.Instances[0].InstanceId)
	}
	terminate := func(id string) {
		t.Helper()
		out, err := e.ec2.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{id}})
		if err != nil || len(out.TerminatingInstances) != 1 || out.TerminatingInstances[0].CurrentState.Name != "terminated" {
			t.Fatalf("TerminateInstances %s: %+v %v", id, out, err)
		}
	}
	terminate(run("rounds-warm")) // fills the catalog caches
	check := func(what string, spans []span, max int) {
		t.Helper()
		for _, s := range spans {
			t.Logf("%s %-24s %7.1f -> %7.1f ms", what, s.cmd, float64(s.start)/1e6, float64(s.end)/1e6)
		}
		d := depth(spans)
		t.Logf("%s: %d CloudStack calls in %d rounds", what, len(spans), d)
		if d > max {
			t.Errorf("%s made %d sequential rounds of CloudStack calls, want at most %d", what, d, max)
		}
	}
	var id string
	check("RunInstances", traceCalls(t, e, latency, func() { id = run("rounds") }), 6)
	check("TerminateInstances", traceCalls(t, e, latency, func() { terminate(id) }), 4)

	// Three at once: the deploys are still one after the other (each
	// VM's name depends on the ones before), their jobs are awaited
	// together; the terminations' jobs are awaited together and the end
	// states read in one call. Before: 9 and 10 rounds.
	var ids []string
	check("RunInstances(3)", traceCalls(t, e, latency, func() {
		out, err := e.ec2.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(ami), InstanceType: "t3.micro",
			MinCount: aws.Int32(3), MaxCount: aws.Int32(3), ClientToken: aws.String("rounds-3")})
		if err != nil || len(out.Instances) != 3 {
			t.Fatalf("RunInstances(3): %v %v", out, err)
		}
		for _, in := range out.Instances {
			ids = append(ids, aws.ToString(in.InstanceId))
		}
	}), 8)
	check("TerminateInstances(3)", traceCalls(t, e, latency, func() {
		out, err := e.ec2.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: ids})
		if err != nil || len(out.TerminatingInstances) != 3 {
			t.Fatalf("TerminateInstances(3): %+v %v", out, err)
		}
		for _, ti := range out.TerminatingInstances {
			if ti.CurrentState.Name != "terminated" || ti.PreviousState.Name != "running" {
				t.Errorf("%s: %s -> %s", aws.ToString(ti.InstanceId), ti.PreviousState.Name, ti.CurrentState.Name)
			}
		}
	}), 6)
}
