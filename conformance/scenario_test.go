package conformance

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func testEnv(timeout time.Duration) *env {
	return &env{cfg: Config{Timeout: timeout}, caps: map[string]Capability{}, runID: "test"}
}

func TestExecuteCleanupStack(t *testing.T) {
	var order []string
	sc := scenario{name: "x/fail", api: "ec2", run: func(s *scenarioT) {
		recordCall(s.ctx, "CreateThing", nil)
		s.Defer("first", func(context.Context) error { order = append(order, "first"); return nil })
		s.Defer("second", func(context.Context) error { order = append(order, "second"); return nil })
		recordCall(s.ctx, "DescribeThing", nil)
		s.Fatalf("assertion %d", 1)
		order = append(order, "unreachable")
	}}
	res, calls := execute(context.Background(), testEnv(time.Second), sc, nil)
	if res.Status != StatusFail || res.Reason != "assertion 1" {
		t.Fatalf("result %+v", res)
	}
	if strings.Join(order, ",") != "second,first" {
		t.Fatalf("cleanup order %v", order)
	}
	if res.FailedOperation != "DescribeThing" || len(calls) != 2 {
		t.Fatalf("failed op %q, calls %v", res.FailedOperation, calls)
	}
}

func TestExecuteCleanupErrorFailsPassingScenario(t *testing.T) {
	sc := scenario{name: "x/leak", run: func(s *scenarioT) {
		s.Defer("delete", func(context.Context) error { return errors.New("still there") })
	}}
	res, _ := execute(context.Background(), testEnv(time.Second), sc, nil)
	if res.Status != StatusFail || !strings.Contains(res.Reason, "cleanup: delete: still there") {
		t.Fatalf("result %+v", res)
	}
}

func TestExecutePanicAndSkip(t *testing.T) {
	res, _ := execute(context.Background(), testEnv(time.Second), scenario{run: func(s *scenarioT) {
		var m map[string]int
		m["x"] = 1
	}}, nil)
	if res.Status != StatusFail || !strings.HasPrefix(res.Reason, "panic:") {
		t.Fatalf("panic result %+v", res)
	}
	ran := false
	res, _ = execute(context.Background(), testEnv(time.Second), scenario{run: func(s *scenarioT) {
		s.Defer("c", func(context.Context) error { ran = true; return nil })
		s.Skipf("no %s", "vpc")
	}}, nil)
	if res.Status != StatusSkip || res.Reason != "no vpc" || !ran {
		t.Fatalf("skip result %+v, cleanup ran %v", res, ran)
	}
}

func TestWaitForIsBounded(t *testing.T) {
	start := time.Now()
	polls := 0
	res, _ := execute(context.Background(), testEnv(800*time.Millisecond), scenario{run: func(s *scenarioT) {
		s.WaitFor("never", "RunInstances", func() (bool, string, error) { polls++; return false, "pending", nil })
	}}, nil)
	if res.Status != StatusFail || res.FailedOperation != "RunInstances" || !strings.Contains(res.Reason, `last state "pending"`) {
		t.Fatalf("result %+v", res)
	}
	if d := time.Since(start); d > 3*time.Second || polls < 2 {
		t.Fatalf("WaitFor took %s with %d polls", d, polls)
	}
}

func TestCleanupRunsAfterScenarioDeadline(t *testing.T) {
	var cleanupErr error
	execute(context.Background(), testEnv(200*time.Millisecond), scenario{run: func(s *scenarioT) {
		s.Defer("c", func(ctx context.Context) error { cleanupErr = ctx.Err(); return nil })
		<-s.ctx.Done()
	}}, nil)
	if cleanupErr != nil {
		t.Fatalf("cleanup got a dead context: %v", cleanupErr)
	}
}

func TestSelectedAndSkip(t *testing.T) {
	for _, c := range []struct {
		only []string
		name string
		want bool
	}{
		{nil, "ec2/images", true},
		{[]string{"ec2"}, "ec2/images", true},
		{[]string{"ec2"}, "ec2x/images", false},
		{[]string{"gce/instances"}, "gce/instances/labels", true},
		{[]string{"*/errors"}, "gce/errors", true},
		{[]string{"ec2/images"}, "ec2/images", true},
	} {
		if got := selected(c.only, c.name); got != c.want {
			t.Errorf("selected(%v, %s) = %v", c.only, c.name, got)
		}
	}
	e := testEnv(time.Second)
	e.cfg.Skip = map[string]string{"ec2/instances/*": "moto"}
	e.ec2 = newEC2Client(Config{EC2Endpoint: "http://127.0.0.1:1/"}, nil)
	if r, ok := e.skipReason(scenario{name: "ec2/instances/idempotency", api: "ec2"}); !ok || !strings.Contains(r, "moto") {
		t.Errorf("skip glob: %q %v", r, ok)
	}
	if r, ok := e.skipReason(scenario{name: "gce/zones", api: "gce"}); !ok || !strings.Contains(r, "no GCE endpoint") {
		t.Errorf("gce without endpoint: %q %v", r, ok)
	}
	e.caps[capEC2VPC] = Capability{Detail: "basic zone"}
	if r, ok := e.skipReason(scenario{name: "ec2/vpcs", api: "ec2", needs: []string{capEC2VPC}}); !ok || !strings.Contains(r, "basic zone") {
		t.Errorf("capability skip: %q %v", r, ok)
	}
}

func TestScenarioNamesUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, sc := range allScenarios() {
		if seen[sc.name] || !strings.HasPrefix(sc.name, sc.api+"/") || len(sc.ops) == 0 {
			t.Errorf("bad scenario %q (api %q, %d ops)", sc.name, sc.api, len(sc.ops))
		}
		seen[sc.name] = true
	}
}
