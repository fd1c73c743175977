package translate_test

import (
	"context"
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
