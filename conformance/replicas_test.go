package conformance

import (
	"net/http"
	"sort"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// Two `cloudgate serve` replicas sharing one CloudStack, one gateway key
// (--auth-key) and one users registry are interchangeable: clients
// round-robin between them, a token from one works on the other, an
// operation started on one is waited on the other, ids agree.
func TestReplicasInterchangeable(t *testing.T) {
	sim := startSimulator(t, "--expunge-delay", "100ms")
	a := startReplica(t, sim, testAuthKey)
	b := startReplica(t, sim, testAuthKey)
	ctx := ctxT(t, 4*time.Minute)

	// EC2: every other request goes to the other replica.
	rr := newRR(t, a, b)
	ec := ec2Client(sim, "demo", a, rr, 1, time.Minute)
	onlyA := ec2Client(sim, "demo", a, newRR(t, a, b).only(0), 1, time.Minute)
	onlyB := ec2Client(sim, "demo", a, newRR(t, a, b).only(1), 1, time.Minute)
	cat := discover(t, ec, nil, "")
	run, err := ec.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(cat.ami), InstanceType: ec2types.InstanceType(cat.instanceType),
		MinCount: aws.Int32(2), MaxCount: aws.Int32(2), ClientToken: aws.String("replica-token")})
	if err != nil {
		t.Fatalf("RunInstances: %v", err)
	}
	var want []string
	for _, in := range run.Instances {
		want = append(want, aws.ToString(in.InstanceId))
	}
	sort.Strings(want)
	for name, c := range map[string]*ec2.Client{"A": onlyA, "B": onlyB} {
		out, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: want})
		if err != nil {
			t.Fatalf("DescribeInstances on %s: %v", name, err)
		}
		var got []string
		for _, r := range out.Reservations {
			for _, in := range r.Instances {
				got = append(got, aws.ToString(in.InstanceId))
			}
		}
		sort.Strings(got)
		if !equalStrings(got, want) {
			t.Errorf("replica %s sees %v, want %v", name, got, want)
		}
	}
	// The idempotent retry lands on the other replica and finds the same launch.
	again, err := onlyB.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(cat.ami), InstanceType: ec2types.InstanceType(cat.instanceType),
		MinCount: aws.Int32(2), MaxCount: aws.Int32(2), ClientToken: aws.String("replica-token")})
	if err != nil || aws.ToString(again.ReservationId) != aws.ToString(run.ReservationId) {
		t.Errorf("ClientToken retry on replica B: %v, reservation %s want %s", err, aws.ToString(again.ReservationId), aws.ToString(run.ReservationId))
	}
	if _, err := ec.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: want}); err != nil {
		t.Fatalf("TerminateInstances: %v", err)
	}
	rr.mu.Lock()
	if rr.byHost[hostPort(a.URL)] == 0 || rr.byHost[hostPort(b.URL)] == 0 {
		t.Errorf("round robin did not reach both replicas: %v", rr.byHost)
	}
	for h, id := range rr.lastReq {
		if id == "" {
			t.Errorf("replica %s answered without X-Request-Id", h)
		}
	}
	rr.mu.Unlock()

	// GCE: the token comes from A's /token; requests go to A or B.
	hcA := &http.Client{Transport: newRR(t, a, b).only(0), Timeout: time.Minute}
	ts := gceTokenSource(t, gceKey(t, sim, testAuthKey, "demo"), a, hcA)
	gA := gceService(t, a, newRR(t, a, b).only(0), ts, time.Minute)
	gB := gceService(t, a, newRR(t, a, b).only(1), ts, time.Minute)
	gcat := discover(t, nil, gB, "demo") // token minted by A, used on B
	op, err := gA.Instances.Insert("demo", gcat.zone, gceInstance(gcat, "replica-vm")).Context(ctx).Do()
	if err != nil {
		t.Fatalf("instances.insert on A: %v", err)
	}
	done, err := waitOp(ctx, gB, "demo", gcat.zone, op.Name)
	if err != nil {
		t.Fatalf("operation %s started on A, waited on B: %v", op.Name, err)
	}
	if done.Error != nil {
		t.Fatalf("insert failed: %+v", done.Error.Errors[0])
	}
	ia, errA := gA.Instances.Get("demo", gcat.zone, "replica-vm").Context(ctx).Do()
	ib, errB := gB.Instances.Get("demo", gcat.zone, "replica-vm").Context(ctx).Do()
	if errA != nil || errB != nil || ia.Id != ib.Id || ia.Id == 0 || ia.Status != ib.Status {
		t.Fatalf("instances.get: A %v %v, B %v %v", ia, errA, ib, errB)
	}
	del, err := gB.Instances.Delete("demo", gcat.zone, "replica-vm").Context(ctx).Do()
	if err != nil {
		t.Fatalf("instances.delete on B: %v", err)
	}
	if _, err := waitOp(ctx, gA, "demo", gcat.zone, del.Name); err != nil {
		t.Fatalf("delete operation started on B, waited on A: %v", err)
	}
	time.Sleep(500 * time.Millisecond)
	if live := sim.liveVMs(t); len(live) != 0 {
		t.Errorf("VMs left: %v", vmNames(live))
	}
}

// only pins the transport to one replica (the Host header stays the
// first replica's, as behind a load balancer).
func (rr *rrTransport) only(i int) *rrTransport {
	rr.hosts = []string{rr.hosts[i]}
	return rr
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
