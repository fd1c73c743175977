package conformance

import (
	"fmt"
	"net/http"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/apache/cloudstack-go/v2/cloudstack"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"golang.org/x/oauth2"
	compute "google.golang.org/api/compute/v1"
)

// The crash test: a `cloudgate serve` replica is killed with SIGKILL in the
// middle of a mutating call that carries an idempotency key (EC2
// RunInstances with ClientToken, GCE instances.insert with requestId), at
// several points of the call; the call is retried with the same key on a
// second replica at once, and again on the killed replica once restarted.
// Every retry must succeed and name the same resource, and CloudStack
// (the standalone simulator both replicas share) must hold exactly one
// live VM for the key, with the caller's tags.
//
// The windows are widened with the simulator's configureSimulator waits:
//
//	before-deploy  listTemplates (image lookup, before any deploy) waits 3 s
//	before-tags    createTags waits 3 s and fails: the deployed VM never gets
//	               its tags from the first attempt
//	deploy-job     the deploy job runs 3 s (the VM exists, Starting)
//
// The kill comes when the simulator has consumed the mock (the call is at
// that point), plus a short delay for deploy-job.

type crashPoint struct {
	name, cmd, value string
	delay            time.Duration
}

var crashPoints = []crashPoint{
	{"before-deploy", "listTemplates", "wait:3000", 0},
	{"before-tags", "createTags", "wait:3000|result:fail", 0},
	{"deploy-job", "deployVirtualMachine", "wait:3000", 400 * time.Millisecond},
}

// kill ends the gateway with SIGKILL (a crash: no draining, nothing
// flushed).
func (g *Gateway) kill() {
	g.cmd.Process.Signal(syscall.SIGKILL)
	g.cmd.Process.Wait()
}

// mockCount is the remaining count of a configureSimulator rule.
func (s *simProc) mockCount(id string) (int, error) {
	p := &cloudstack.CustomServiceParams{}
	p.SetParam("id", id)
	var res struct {
		M struct {
			Count *int `json:"count"`
		} `json:"simulatormock"`
	}
	if err := s.admin().Custom.(*cloudstack.CustomService).CustomRequest("querySimulatorMock", p, &res); err != nil {
		return 0, err
	}
	if res.M.Count == nil {
		return -1, nil
	}
	return *res.M.Count, nil
}

// waitMockUsed waits until the rule (count 1) has been consumed.
func (s *simProc) waitMockUsed(t testing.TB, id string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if n, err := s.mockCount(id); err == nil && n == 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("the gateway never reached mock %s", id)
}

// liveCount counts live VMs (admin view, every account).
func (s *simProc) liveCount(t testing.TB) int { return len(s.liveVMs(t)) }

type crashFigures struct {
	mu                              sync.Mutex
	kills, retries, failedRetries   int
	duplicates, lost, missingTags   int
	firstAttemptAnswered, diffNames int
}

func (f *crashFigures) add(fn func(f *crashFigures)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

func TestCrashIdempotentRetries(t *testing.T) {
	sim := startSimulator(t, "--expunge-delay", "100ms")
	a := startReplica(t, sim, testAuthKey)
	b := startReplica(t, sim, testAuthKey)
	key := gceKey(t, sim, testAuthKey, "demo")
	hcB := &http.Client{Transport: newRR(t, b), Timeout: time.Minute}
	ts := gceTokenSource(t, key, b, hcB) // a token from B works on every replica
	ecB := ec2Client(sim, "demo", b, newRR(t, b), 1, time.Minute)
	gB := gceService(t, b, newRR(t, b), ts, time.Minute)
	cat := discover(t, ecB, gB, "demo")
	figs := &crashFigures{}
	top := t // restarted replicas outlive the subtest that restarts them

	for _, pt := range crashPoints {
		t.Run("ec2/"+pt.name, func(t *testing.T) {
			a = crashEC2(t, top, sim, a, ecB, cat, pt, figs)
		})
		t.Run("gce/"+pt.name, func(t *testing.T) {
			a = crashGCE(t, top, sim, a, gB, ts, cat, pt, figs)
		})
	}
	// EC2 CreateVolume carries a ClientToken too (the SDKs fill it in).
	for _, pt := range volumeCrashPoints {
		t.Run("ec2-volume/"+pt.name, func(t *testing.T) {
			a = crashVolume(t, top, sim, a, ecB, pt, figs)
		})
	}
	t.Logf("crash figures: %d kills (%d launch points x 2 APIs + %d CreateVolume points), %d retries (%d failed), first attempts answered before the kill %d; duplicates %d, lost resources %d, resources missing the caller's tags %d, retries naming another resource %d",
		figs.kills, len(crashPoints), len(volumeCrashPoints), figs.retries, figs.failedRetries, figs.firstAttemptAnswered, figs.duplicates, figs.lost, figs.missingTags, figs.diffNames)
	if figs.duplicates+figs.lost+figs.failedRetries+figs.missingTags+figs.diffNames > 0 {
		t.Errorf("crash test failed: %+v", figs)
	}
}

// crashEC2 runs one kill of replica a during RunInstances and returns the
// restarted replica.
func crashEC2(t, top *testing.T, sim *simProc, a *Gateway, ecB *ec2.Client, cat catalog, pt crashPoint, figs *crashFigures) *Gateway {
	ctx := ctxT(t, 3*time.Minute)
	token := "crash-" + pt.name + fmt.Sprint(time.Now().UnixNano())
	in := &ec2.RunInstancesInput{ImageId: aws.String(cat.ami), InstanceType: ec2types.InstanceType(cat.instanceType),
		MinCount: aws.Int32(1), MaxCount: aws.Int32(1), ClientToken: aws.String(token),
		TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeInstance,
			Tags: []ec2types.Tag{{Key: aws.String("case"), Value: aws.String(pt.name)}}}}}
	before := sim.liveCount(t)
	mockID := sim.mock(t, pt.cmd, pt.value, 1)
	ecA := ec2Client(sim, "demo", a, newRR(t, a), 1, time.Minute)
	first := make(chan error, 1)
	go func() {
		_, err := ecA.RunInstances(ctx, in)
		first <- err
	}()
	sim.waitMockUsed(t, mockID)
	time.Sleep(pt.delay)
	a.kill()
	figs.add(func(f *crashFigures) { f.kills++ })
	if err := <-first; err == nil {
		figs.add(func(f *crashFigures) { f.firstAttemptAnswered++ })
	}

	ids := map[string]bool{}
	retry := func(where string, c *ec2.Client) {
		figs.add(func(f *crashFigures) { f.retries++ })
		start := time.Now()
		out, err := c.RunInstances(ctx, in)
		if err == nil && len(out.Instances) == 1 {
			t.Logf("retry on %s: %s %s (%v)", where, aws.ToString(out.Instances[0].InstanceId), out.Instances[0].State.Name, time.Since(start).Round(time.Millisecond))
		}
		if err != nil || len(out.Instances) != 1 {
			figs.add(func(f *crashFigures) { f.failedRetries++ })
			t.Errorf("retry on %s: %v", where, err)
			return
		}
		ids[aws.ToString(out.Instances[0].InstanceId)] = true
	}
	retry("replica B", ecB)
	a2 := startReplica(top, sim, testAuthKey)
	retry("the restarted replica", ec2Client(sim, "demo", a2, newRR(t, a2), 1, time.Minute))
	if len(ids) > 1 {
		figs.add(func(f *crashFigures) { f.diffNames++ })
		t.Errorf("retries returned different instances: %v", ids)
	}
	crashCount(t, sim, before, figs)
	for id := range ids {
		out, err := ecB.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}})
		if err != nil || len(out.Reservations) != 1 {
			t.Errorf("DescribeInstances %s: %v", id, err)
			continue
		}
		tagged := false
		for _, tg := range out.Reservations[0].Instances[0].Tags {
			tagged = tagged || aws.ToString(tg.Key) == "case" && aws.ToString(tg.Value) == pt.name
		}
		if !tagged {
			figs.add(func(f *crashFigures) { f.missingTags++ })
			t.Errorf("instance %s lacks the TagSpecification tag: %v", id, out.Reservations[0].Instances[0].Tags)
		}
		// Terminate once the deploy job is over (CloudStack refuses to
		// destroy a VM while a job runs on it).
		w := ec2.NewInstanceRunningWaiter(ecB, func(o *ec2.InstanceRunningWaiterOptions) { o.MinDelay, o.MaxDelay = 200*time.Millisecond, time.Second })
		if err := w.Wait(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}}, time.Minute); err != nil {
			t.Errorf("wait instance-running %s: %v", id, err)
		}
		if _, err := ecB.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{id}}); err != nil {
			t.Errorf("TerminateInstances: %v", err)
		}
	}
	return a2
}

// crashGCE runs one kill of replica a during instances.insert.
func crashGCE(t, top *testing.T, sim *simProc, a *Gateway, gB *compute.Service, ts oauth2.TokenSource, cat catalog, pt crashPoint, figs *crashFigures) *Gateway {
	ctx := ctxT(t, 3*time.Minute)
	name := "crash-" + pt.name
	reqID := fmt.Sprintf("00000000-0000-4000-8000-%012d", time.Now().UnixNano()%1e12)
	inst := gceInstance(cat, name)
	inst.Labels = map[string]string{"case": pt.name}
	before := sim.liveCount(t)
	mockID := sim.mock(t, pt.cmd, pt.value, 1)
	gA := gceService(t, a, newRR(t, a), ts, time.Minute)
	first := make(chan error, 1)
	go func() {
		_, err := gA.Instances.Insert("demo", cat.zone, inst).RequestId(reqID).Context(ctx).Do()
		first <- err
	}()
	sim.waitMockUsed(t, mockID)
	time.Sleep(pt.delay)
	a.kill()
	figs.add(func(f *crashFigures) { f.kills++ })
	if err := <-first; err == nil {
		figs.add(func(f *crashFigures) { f.firstAttemptAnswered++ })
	}
	retry := func(where string, svc *compute.Service) {
		figs.add(func(f *crashFigures) { f.retries++ })
		op, err := svc.Instances.Insert("demo", cat.zone, inst).RequestId(reqID).Context(ctx).Do()
		if err == nil {
			op, err = waitOp(ctx, svc, "demo", cat.zone, op.Name)
		}
		if err == nil && op.Error != nil && len(op.Error.Errors) > 0 {
			err = fmt.Errorf("operation %s failed: %s %s", op.Name, op.Error.Errors[0].Code, op.Error.Errors[0].Message)
		}
		if err != nil {
			figs.add(func(f *crashFigures) { f.failedRetries++ })
			t.Errorf("retry on %s: %v", where, err)
		}
	}
	retry("replica B", gB)
	a2 := startReplica(top, sim, testAuthKey)
	retry("the restarted replica", gceService(t, a2, newRR(t, a2), ts, time.Minute))
	crashCount(t, sim, before, figs)
	got, err := gB.Instances.Get("demo", cat.zone, name).Context(ctx).Do()
	if err != nil {
		t.Errorf("instances.get %s: %v", name, err)
	} else if got.Labels["case"] != pt.name {
		figs.add(func(f *crashFigures) { f.missingTags++ })
		t.Errorf("instance %s lacks its label: %v", name, got.Labels)
	}
	if op, err := gB.Instances.Delete("demo", cat.zone, name).Context(ctx).Do(); err != nil {
		t.Errorf("instances.delete: %v", err)
	} else if _, err := waitOp(ctx, gB, "demo", cat.zone, op.Name); err != nil {
		t.Errorf("delete operation: %v", err)
	}
	return a2
}

// crashCount checks that the case left exactly one more live VM.
func crashCount(t *testing.T, sim *simProc, before int, figs *crashFigures) {
	t.Helper()
	live := sim.liveVMs(t)
	switch n := len(live) - before; {
	case n > 1:
		figs.add(func(f *crashFigures) { f.duplicates += n - 1 })
		t.Errorf("%d VMs for one idempotency key: %v", n, vmNames(live))
	case n < 1:
		figs.add(func(f *crashFigures) { f.lost++ })
		t.Errorf("no VM for the key: %v", vmNames(live))
	}
}

var volumeCrashPoints = []crashPoint{
	{"before-create", "listVolumes", "wait:3000", 0},
	{"before-tags", "createTags", "wait:3000|result:fail", 0},
	{"create-job", "createVolume", "wait:3000", 300 * time.Millisecond},
}

// crashVolume runs one kill of replica a during CreateVolume.
func crashVolume(t, top *testing.T, sim *simProc, a *Gateway, ecB *ec2.Client, pt crashPoint, figs *crashFigures) *Gateway {
	ctx := ctxT(t, 3*time.Minute)
	azs, err := ecB.DescribeAvailabilityZones(ctx, &ec2.DescribeAvailabilityZonesInput{})
	if err != nil || len(azs.AvailabilityZones) == 0 {
		t.Fatalf("DescribeAvailabilityZones: %v", err)
	}
	token := fmt.Sprintf("crash-vol-%s-%d", pt.name, time.Now().UnixNano())
	in := &ec2.CreateVolumeInput{AvailabilityZone: azs.AvailabilityZones[0].ZoneName, Size: aws.Int32(1), ClientToken: aws.String(token),
		TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeVolume,
			Tags: []ec2types.Tag{{Key: aws.String("case"), Value: aws.String(pt.name)}}}}}
	before := len(sim.liveVolumes(t))
	mockID := sim.mock(t, pt.cmd, pt.value, 1)
	ecA := ec2Client(sim, "demo", a, newRR(t, a), 1, time.Minute)
	first := make(chan error, 1)
	go func() {
		_, err := ecA.CreateVolume(ctx, in)
		first <- err
	}()
	sim.waitMockUsed(t, mockID)
	time.Sleep(pt.delay)
	a.kill()
	figs.add(func(f *crashFigures) { f.kills++ })
	if err := <-first; err == nil {
		figs.add(func(f *crashFigures) { f.firstAttemptAnswered++ })
	}
	ids := map[string]bool{}
	retry := func(where string, c *ec2.Client) {
		figs.add(func(f *crashFigures) { f.retries++ })
		out, err := c.CreateVolume(ctx, in)
		if err != nil {
			figs.add(func(f *crashFigures) { f.failedRetries++ })
			t.Errorf("retry on %s: %v", where, err)
			return
		}
		ids[aws.ToString(out.VolumeId)] = true
	}
	retry("replica B", ecB)
	a2 := startReplica(top, sim, testAuthKey)
	retry("the restarted replica", ec2Client(sim, "demo", a2, newRR(t, a2), 1, time.Minute))
	if len(ids) > 1 {
		figs.add(func(f *crashFigures) { f.diffNames++ })
		t.Errorf("retries returned different volumes: %v", ids)
	}
	switch n := len(sim.liveVolumes(t)) - before; {
	case n > 1:
		figs.add(func(f *crashFigures) { f.duplicates += n - 1 })
		t.Errorf("%d volumes for one ClientToken", n)
	case n < 1:
		figs.add(func(f *crashFigures) { f.lost++ })
		t.Errorf("no volume for the ClientToken")
	}
	for id := range ids {
		out, err := ecB.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{VolumeIds: []string{id}})
		if err != nil || len(out.Volumes) != 1 {
			t.Errorf("DescribeVolumes %s: %v", id, err)
			continue
		}
		tagged := false
		for _, tg := range out.Volumes[0].Tags {
			tagged = tagged || aws.ToString(tg.Key) == "case" && aws.ToString(tg.Value) == pt.name
		}
		if !tagged {
			figs.add(func(f *crashFigures) { f.missingTags++ })
			t.Errorf("volume %s lacks its tag: %v", id, out.Volumes[0].Tags)
		}
		deadline := time.Now().Add(30 * time.Second)
		for {
			_, err := ecB.DeleteVolume(ctx, &ec2.DeleteVolumeInput{VolumeId: aws.String(id)})
			if err == nil || time.Now().After(deadline) {
				if err != nil {
					t.Errorf("DeleteVolume: %v", err)
				}
				break
			}
			time.Sleep(300 * time.Millisecond)
		}
	}
	return a2
}
