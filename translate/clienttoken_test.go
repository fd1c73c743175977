package translate_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudgate/cloudgate/translate"
)

// Ensure concurrent launches with one client token deploy once and all
// return the same instances.
func TestLaunchConcurrentClientToken(t *testing.T) {
	_, m := newWorld()
	svc := newService(m)
	spec := translate.LaunchSpec{ZoneID: zoneID, OfferingID: offID, ImageID: imageID, ClientToken: "same"}
	var wg sync.WaitGroup
	got := make([]string, 6)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			vms, err := svc.Launch(testCtx(), spec)
			if err != nil || len(vms) != 1 {
				t.Errorf("launch %d: %v %v", i, vms, err)
				return
			}
			got[i] = vms[0].ID
		}()
	}
	wg.Wait()
	if n := m.Calls("DeployVirtualMachine"); n != 1 {
		t.Fatalf("deployed %d times, want 1", n)
	}
	for _, id := range got[1:] {
		if id != got[0] {
			t.Fatalf("launches returned different instances: %v", got)
		}
	}
}

// Ensure a launch whose caller goes away mid-deploy still completes and
// tags its VMs, so a retry with the same token finds them.
func TestLaunchSurvivesCallerCancel(t *testing.T) {
	_, m := newWorld()
	deploy := m.DeployVirtualMachineFn
	release := make(chan struct{})
	m.DeployVirtualMachineFn = func(ctx context.Context, req translate.DeployRequest) (translate.AsyncResult, error) {
		<-release
		if err := ctx.Err(); err != nil {
			return translate.AsyncResult{}, err
		}
		return deploy(ctx, req)
	}
	svc := newService(m)
	spec := translate.LaunchSpec{ZoneID: zoneID, OfferingID: offID, ImageID: imageID, ClientToken: "abandoned"}
	ctx, cancel := context.WithCancel(testCtx())
	done := make(chan error, 1)
	go func() { _, err := svc.Launch(ctx, spec); done <- err }()
	time.Sleep(50 * time.Millisecond)
	cancel()
	close(release)
	<-done
	m.DeployVirtualMachineFn = deploy
	vms, err := svc.Launch(testCtx(), spec)
	if err != nil {
		t.Fatal(err)
	}
	if n := m.Calls("DeployVirtualMachine"); n != 1 || len(vms) != 1 {
		t.Fatalf("deploy calls %d, instances %v: the retry launched again", n, vms)
	}
}

// A gateway that dies between the deploy and its tags leaves an untagged
// VM; a retry with the same token on another replica (another Service)
// finds it by the mark in its displayname, does not deploy again, and
// finishes the launch (the caller's tags, then the token tag).
func TestLaunchRetryAfterCrashBeforeTags(t *testing.T) {
	for _, named := range []bool{false, true} {
		w, m := newWorld()
		dead := make(chan struct{}) // the first replica never gets past createTags
		createTags := m.CreateTagsFn
		var calls int
		var mu sync.Mutex
		m.CreateTagsFn = func(ctx context.Context, res translate.Resource, ids []string, tags translate.Tags) (translate.AsyncResult, error) {
			mu.Lock()
			calls++
			first := calls == 1
			mu.Unlock()
			if first {
				<-dead
			}
			return createTags(ctx, res, ids, tags)
		}
		spec := translate.LaunchSpec{ZoneID: zoneID, OfferingID: offID, ImageID: imageID, ClientToken: "tok-crash", Tags: translate.Tags{"env": "dev"}}
		if named {
			spec.Names = []string{"web-1"}
		}
		go newService(m).Launch(testCtx(), spec)
		deadline := time.Now().Add(5 * time.Second)
		for m.Calls("CreateTags") == 0 && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		w.mu.Lock()
		var first *translate.Instance
		for _, vm := range w.vms {
			first = vm
		}
		w.mu.Unlock()
		if first == nil || len(first.Tags) != 0 {
			t.Fatalf("named=%v: the first attempt should have deployed an untagged VM: %+v", named, first)
		}
		if named && first.Name != "web-1" || !named && first.Name != first.DisplayName {
			t.Errorf("named=%v: name %q displayname %q", named, first.Name, first.DisplayName)
		}
		got, err := newService(m).Launch(testCtx(), spec)
		if err != nil {
			t.Fatalf("named=%v: retry: %v", named, err)
		}
		if n := m.Calls("DeployVirtualMachine"); n != 1 || len(got) != 1 || got[0].ID != first.ID {
			t.Fatalf("named=%v: retry deployed again (%d deploys) or returned %+v, want %s", named, n, got, first.ID)
		}
		if got[0].Tags["env"] != "dev" || got[0].Tags[translate.ClientTokenTag] != "tok-crash" {
			t.Errorf("named=%v: retry did not finish the tags: %v", named, got[0].Tags)
		}
		if !newService(m).LaunchedWith(testCtx(), &got[0], "tok-crash") || newService(m).LaunchedWith(testCtx(), &got[0], "other") {
			t.Errorf("named=%v: LaunchedWith", named)
		}
		close(dead)
	}
}

// A launch rolled back (its VM Destroyed, not expunged, its hostname still
// taken) does not satisfy a retry: the retry deploys under the next
// generation of names.
func TestLaunchRetryAfterRollbackMovesToNextGeneration(t *testing.T) {
	w, m := newWorld()
	deploy := m.DeployVirtualMachineFn
	m.DeployVirtualMachineFn = func(ctx context.Context, req translate.DeployRequest) (translate.AsyncResult, error) {
		w.mu.Lock()
		for _, vm := range w.vms {
			if vm.Name == req.Name {
				w.mu.Unlock()
				return translate.AsyncResult{}, &translate.Error{Kind: translate.AlreadyExists, Message: "The vm with hostName " + req.Name + " already exists in the network domain"}
			}
		}
		w.mu.Unlock()
		return deploy(ctx, req)
	}
	// Users may not expunge: the rolled-back VM stays Destroyed.
	destroy := m.DestroyVirtualMachineFn
	m.DestroyVirtualMachineFn = func(ctx context.Context, id string, expunge bool) (translate.AsyncResult, error) {
		return destroy(ctx, id, false)
	}
	w.deployFail[0] = &translate.Error{Kind: translate.InsufficientCapacity, Message: "no capacity"}
	spec := translate.LaunchSpec{ZoneID: zoneID, OfferingID: offID, ImageID: imageID, ClientToken: "tok-rb", Wait: true}
	svc := newService(m)
	if _, err := svc.Launch(testCtx(), spec); translate.KindOf(err) != translate.InsufficientCapacity {
		t.Fatalf("first launch: %v", err)
	}
	got, err := svc.Launch(testCtx(), spec)
	if err != nil || len(got) != 1 {
		t.Fatalf("retry: %v %v", got, err)
	}
	if !strings.HasSuffix(got[0].Name, "-0-g1") {
		t.Errorf("retry VM name %q, want the next generation", got[0].Name)
	}
	again, err := svc.Launch(testCtx(), spec)
	if err != nil || len(again) != 1 || again[0].ID != got[0].ID {
		t.Errorf("second retry: %v %v", again, err)
	}
}

// A terminate retried after the replica that sent it died finds its
// destroy job still running and answers with it: CloudStack would refuse a
// second destroy ("another operation is in progress").
func TestTerminateRetryFindsItsJob(t *testing.T) {
	w, m := newWorld()
	w.vms["vm-x"] = &translate.Instance{ID: "vm-x", Name: "x", State: translate.StateRunning, JobID: "job-x", JobPending: true, Tags: translate.Tags{}}
	w.jobs["job-x"] = &translate.Job{ID: "job-x", Status: translate.JobPending, Command: "destroyVirtualMachine"}
	j, err := newService(m).TerminateInstance(testCtx(), "vm-x", false)
	if err != nil || j == nil || j.ID != "job-x" {
		t.Fatalf("retried terminate: %+v %v", j, err)
	}
	if n := m.Calls("DestroyVirtualMachine"); n != 0 {
		t.Errorf("destroyed again (%d calls)", n)
	}
	// Another pending job (a stop) is not a terminate under way.
	w.jobs["job-x"].Command = "stopVirtualMachine"
	if j, _ := newService(m).TerminateInstance(testCtx(), "vm-x", false); j != nil && j.ID == "job-x" {
		t.Errorf("a stop job was taken for the terminate")
	}
}

// A retry that finishes a crashed launch while another retry with the same
// token (on another replica) writes the same tags first: CloudStack refuses
// the second createTags, and the retry still succeeds because the tags now
// hold what both wanted (found behind HAProxy, where it answered 400).
func TestLaunchRetryLosesTagRaceToConcurrentRetry(t *testing.T) {
	w, m := newWorld()
	dead := make(chan struct{})
	defer close(dead)
	createTags := m.CreateTagsFn
	var calls int
	var raced bool // only the retry's calls touch it (the first attempt stays blocked)
	var mu sync.Mutex
	m.CreateTagsFn = func(ctx context.Context, res translate.Resource, ids []string, tags translate.Tags) (translate.AsyncResult, error) {
		mu.Lock()
		calls++
		n := calls
		mu.Unlock()
		if n == 1 {
			<-dead // the first attempt dies before its tags
		}
		if _, token := tags[translate.ClientTokenTag]; token && n > 1 && !raced {
			// The concurrent retry wins: its write lands first.
			raced = true
			if _, err := createTags(ctx, res, ids, tags); err != nil {
				return translate.AsyncResult{}, err
			}
		}
		return createTags(ctx, res, ids, tags)
	}
	spec := translate.LaunchSpec{ZoneID: zoneID, OfferingID: offID, ImageID: imageID, ClientToken: "tok-race", Tags: translate.Tags{"env": "dev"}}
	go newService(m).Launch(testCtx(), spec)
	deadline := time.Now().Add(5 * time.Second)
	for m.Calls("CreateTags") == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	got, err := newService(m).Launch(testCtx(), spec)
	if err != nil {
		t.Fatalf("retry that lost the tag race: %v", err)
	}
	if n := m.Calls("DeployVirtualMachine"); n != 1 || len(got) != 1 || got[0].Tags[translate.ClientTokenTag] != "tok-race" {
		t.Fatalf("deploys %d, got %+v", n, got)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.vms) != 1 {
		t.Fatalf("%d VMs, want 1", len(w.vms))
	}
}
