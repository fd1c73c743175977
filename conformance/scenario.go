package conformance

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// scenario is one eutester-style check: it creates what it needs, waits
// with bounded polling, asserts fields and exact error codes, and undoes
// everything through its cleanup stack (which runs even on failure).
type scenario struct {
	name  string   // "<api>/<noun>/<what>", e.g. "ec2/instances/lifecycle"
	api   string   // "ec2" or "gce"
	ops   []string // operations it is meant to cover (EC2 actions, GCE method IDs)
	needs []string // capabilities it requires; missing ones skip it
	run   func(t *scenarioT)
}

// abort is panicked by Fatalf/Skipf and recovered by execute.
type abort struct{}

// scenarioT is what a scenario body receives: the scenario's context, the
// clients, the cleanup stack and the assertion helpers.
type scenarioT struct {
	ctx      context.Context
	name     string
	env      *env
	status   Status
	reason   string
	blame    string // operation a failure is attributed to, when not the last call
	cleanups []cleanup
	calls    *callLog
	step     func(string)
}

type cleanup struct {
	what string
	fn   func(ctx context.Context) error
}

// call is one API call a scenario made.
type call struct {
	op  string
	err error
}

// callLog records the calls made through a context (see withCalls).
type callLog struct {
	mu    sync.Mutex
	calls []call
}

func (l *callLog) add(op string, err error) {
	if l == nil || op == "" {
		return
	}
	l.mu.Lock()
	l.calls = append(l.calls, call{op: op, err: err})
	l.mu.Unlock()
}

func (l *callLog) snapshot() []call {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]call(nil), l.calls...)
}

type callLogKey struct{}

func withCalls(ctx context.Context, l *callLog) context.Context {
	return context.WithValue(ctx, callLogKey{}, l)
}

// recordCall notes an API call on the scenario that owns ctx, if any.
func recordCall(ctx context.Context, op string, err error) {
	if l, ok := ctx.Value(callLogKey{}).(*callLog); ok {
		l.add(op, err)
	}
}

// Fatalf fails the scenario and stops it; cleanups still run.
func (t *scenarioT) Fatalf(format string, args ...any) {
	t.status = StatusFail
	t.reason = fmt.Sprintf(format, args...)
	panic(abort{})
}

// Skipf stops the scenario and marks it skipped; cleanups still run.
func (t *scenarioT) Skipf(format string, args ...any) {
	t.status = StatusSkip
	t.reason = fmt.Sprintf(format, args...)
	panic(abort{})
}

// Step reports progress within the scenario (shown on a terminal).
func (t *scenarioT) Step(format string, args ...any) {
	if t.step != nil {
		t.step(fmt.Sprintf(format, args...))
	}
}

// Defer pushes a cleanup; cleanups run last-in first-out with a fresh
// bounded context once the scenario ends, whatever its outcome.
func (t *scenarioT) Defer(what string, fn func(ctx context.Context) error) {
	t.cleanups = append(t.cleanups, cleanup{what: what, fn: fn})
}

// Must fails the scenario when err is not nil.
func (t *scenarioT) Must(err error, what string) {
	if err != nil {
		t.Fatalf("%s: %s", what, describeErr(err))
	}
}

// Check fails the scenario with msg when ok is false.
func (t *scenarioT) Check(ok bool, format string, args ...any) {
	if !ok {
		t.Fatalf(format, args...)
	}
}

// Equal fails the scenario when got != want.
func Equal[V comparable](t *scenarioT, what string, got, want V) {
	if got != want {
		t.Fatalf("%s = %v, want %v", what, got, want)
	}
}

// pollSchedule bounds WaitFor: first interval, longest interval.
var pollSchedule = [2]time.Duration{200 * time.Millisecond, 3 * time.Second}

// WaitFor polls cond until it reports done, returns an error, or the
// scenario's wait budget runs out. cond returns a short state description
// used in the failure message. blame names the operation whose
// asynchronous work is awaited (it is charged in the matrix on timeout).
func (t *scenarioT) WaitFor(what, blame string, cond func() (done bool, state string, err error)) {
	budget := t.env.waitTimeout()
	deadline := time.Now().Add(budget)
	interval := pollSchedule[0]
	state := ""
	for {
		done, st, err := cond()
		if err != nil {
			t.Fatalf("waiting for %s: %s", what, describeErr(err))
		}
		if done {
			return
		}
		state = st
		if time.Now().Add(interval).After(deadline) {
			t.blame = blame
			t.Fatalf("timed out after %s waiting for %s (last state %q)", budget, what, state)
		}
		select {
		case <-t.ctx.Done():
			t.blame = blame
			t.Fatalf("scenario deadline while waiting for %s (last state %q)", what, state)
		case <-time.After(interval):
		}
		if interval *= 2; interval > pollSchedule[1] {
			interval = pollSchedule[1]
		}
	}
}

// execute runs one scenario with its deadline and cleanup stack and
// returns its outcome.
func execute(ctx context.Context, e *env, sc scenario, step func(string)) (res Result, calls []call) {
	start := time.Now()
	l := &callLog{}
	sctx, cancel := context.WithTimeout(withCalls(ctx, l), e.timeout())
	defer cancel()
	t := &scenarioT{ctx: sctx, name: sc.name, env: e, status: StatusPass, calls: l, step: step}
	func() {
		defer func() {
			if r := recover(); r != nil {
				if _, ok := r.(abort); !ok {
					t.status = StatusFail
					t.reason = fmt.Sprintf("panic: %v", r)
				}
			}
		}()
		sc.run(t)
	}()
	if errs := t.runCleanups(ctx, step); len(errs) > 0 {
		msg := "cleanup: " + strings.Join(errs, "; ")
		switch t.status {
		case StatusFail:
			t.reason += " (" + msg + ")"
		default:
			t.status, t.reason = StatusFail, msg
		}
	}
	res = Result{
		API:        sc.api,
		Scenario:   sc.name,
		Operations: sc.ops,
		Status:     t.status,
		Reason:     t.reason,
		Duration:   time.Since(start),
	}
	calls = l.snapshot()
	if t.status == StatusFail {
		res.FailedOperation = t.blame
		if res.FailedOperation == "" && len(calls) > 0 {
			res.FailedOperation = calls[len(calls)-1].op
		}
	}
	return res, calls
}

// runCleanups runs the stack in reverse with a fresh context per entry,
// so cleanups run after a scenario deadline too. Their calls are logged
// apart (cleanup outcomes are reported as reasons, not charged to ops).
func (t *scenarioT) runCleanups(parent context.Context, step func(string)) []string {
	var errs []string
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		c := t.cleanups[i]
		if step != nil {
			step("cleanup: " + c.what)
		}
		ctx, cancel := context.WithTimeout(context.WithoutCancel(parent), t.env.timeout())
		err := func() (err error) {
			defer func() {
				if r := recover(); r != nil {
					err = fmt.Errorf("panic: %v", r)
				}
			}()
			return c.fn(ctx)
		}()
		cancel()
		if err != nil {
			errs = append(errs, c.what+": "+describeErr(err))
		}
	}
	return errs
}

// describeErr renders an SDK error compactly: the API code and message
// without the SDK's long request envelope.
func describeErr(err error) string {
	if err == nil {
		return "<nil>"
	}
	if c := ec2Code(err); c != "" {
		return c + ": " + ec2Message(err)
	}
	if code, reason, msg := gceError(err); code != 0 {
		return fmt.Sprintf("HTTP %d %s: %s", code, reason, msg)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "deadline exceeded: " + err.Error()
	}
	return err.Error()
}
