package simulator_test

import (
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/cloudstack-go/v2/cloudstack"

	"github.com/cloudgate/cloudgate/simulator"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestCapacityExhaustion(t *testing.T) {
	srv := mustServer(t, nil)
	cs := mustClient(t, srv, "demo")
	cat := mustCatalog(t, cs)

	// A huge custom VM fits nowhere: the job fails with 533/4325 and the VM is in Error.
	p := cs.VirtualMachine.NewDeployVirtualMachineParams(cat.custom, cat.debian, cat.zone)
	p.SetName("huge")
	p.SetDetails(map[string]string{"cpuNumber": "16", "cpuSpeed": "2000", "memory": "32768"})
	_, err := cs.VirtualMachine.DeployVirtualMachine(p)
	// A failed job's result carries no cserrorcode (ApiAsyncJobDispatcher).
	wantErr(t, err, `"errorcode":533`, "Unable to create a deployment for VM")
	if strings.Contains(err.Error(), "cserrorcode") {
		t.Fatalf("job result has cserrorcode: %v", err)
	}
	// Outside the offering's bounds: a synchronous 431.
	p.SetDetails(map[string]string{"cpuNumber": "64", "memory": "1024"})
	_, err = cs.VirtualMachine.DeployVirtualMachine(p)
	wantErr(t, err, "431", "Invalid cpu cores value, specify a value between 1 and 32")
	lp := cs.VirtualMachine.NewListVirtualMachinesParams()
	lp.SetName("huge")
	l, _ := cs.VirtualMachine.ListVirtualMachines(lp)
	if l.Count != 1 || l.VirtualMachines[0].State != "Error" {
		t.Fatalf("failed VM: %+v", l)
	}
	defer func(id string) {
		// Destroying a VM in Error expunges it.
		if _, err := cs.VirtualMachine.DestroyVirtualMachine(cs.VirtualMachine.NewDestroyVirtualMachineParams(id)); err != nil {
			t.Fatalf("destroy Error VM: %v", err)
		}
		if _, _, err := cs.VirtualMachine.GetVirtualMachineByID(id); err == nil {
			t.Fatal("Error VM still listed after destroy")
		}
	}(l.VirtualMachines[0].Id)

	// Two Large (4 GiB) VMs fill zone1's two 4 GiB hosts; a third fails.
	var large []string
	for _, n := range []string{"l1", "l2", "l3"} {
		p := cs.VirtualMachine.NewDeployVirtualMachineParams(cat.large, cat.debian, cat.zone)
		p.SetName(n)
		vm, err := cs.VirtualMachine.DeployVirtualMachine(p)
		if n == "l3" {
			wantErr(t, err, "533")
			continue
		}
		if err != nil {
			t.Fatalf("deploy %s: %v", n, err)
		}
		large = append(large, vm.Id)
	}
	// Stopping one frees capacity: a stopped-then-started VM fits again.
	if _, err := cs.VirtualMachine.StopVirtualMachine(cs.VirtualMachine.NewStopVirtualMachineParams(large[0])); err != nil {
		t.Fatal(err)
	}
	p = cs.VirtualMachine.NewDeployVirtualMachineParams(cat.custom, cat.debian, cat.zone)
	p.SetName("custom")
	p.SetDetails(map[string]string{"cpuNumber": "2", "cpuSpeed": "1000", "memory": "2048"})
	vm, err := cs.VirtualMachine.DeployVirtualMachine(p)
	if err != nil || vm.Cpunumber != 2 || vm.Memory != 2048 || vm.Details["cpuNumber"] != "2" {
		t.Fatalf("custom after stop: %v %+v", err, vm)
	}
	_, err = cs.VirtualMachine.StartVirtualMachine(cs.VirtualMachine.NewStartVirtualMachineParams(large[0]))
	wantErr(t, err, "533")
	got, _, _ := cs.VirtualMachine.GetVirtualMachineByID(large[0])
	if got.State != "Stopped" {
		t.Fatalf("failed start leaves %s", got.State)
	}
}

func TestJobLatency(t *testing.T) {
	clk := &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	srv := mustServer(t, &simulator.Options{JobLatency: 5 * time.Second, Now: clk.Now, ExpungeDelay: 60 * time.Second, Profile: simulator.ProfileDemoRecommended})
	key, secret, _ := srv.UserKeys("demo")
	// A sync client returns right after submission, so the pending job is observable.
	cs := cloudstack.NewClient(srv.URL(), key, secret, false, cloudstack.WithHTTPClient(srv.HTTPClient()))
	cat := mustCatalog(t, cs)
	p := cs.VirtualMachine.NewDeployVirtualMachineParams(cat.small, cat.debian, cat.zone)
	p.SetName("slow")
	r, err := cs.VirtualMachine.DeployVirtualMachine(p)
	if err != nil || r.Id == "" || r.JobID == "" {
		t.Fatalf("deploy: %v %+v", err, r)
	}
	vm, _, _ := cs.VirtualMachine.GetVirtualMachineByID(r.Id)
	if vm.State != "Starting" || vm.JobID != r.JobID {
		t.Fatalf("pending VM = %s job %q", vm.State, vm.JobID)
	}
	q, err := cs.Asyncjob.QueryAsyncJobResult(cs.Asyncjob.NewQueryAsyncJobResultParams(r.JobID))
	if err != nil || q.Jobstatus != 0 || q.Jobinstancetype != "VirtualMachine" || q.Jobinstanceid != r.Id || q.Created != "2026-01-02T03:04:05+0000" {
		t.Fatalf("pending job: %v %+v", err, q)
	}
	clk.Add(5 * time.Second)
	q, err = cs.Asyncjob.QueryAsyncJobResult(cs.Asyncjob.NewQueryAsyncJobResultParams(r.JobID))
	if err != nil || q.Jobstatus != 1 || q.Jobresulttype != "object" || !strings.HasPrefix(string(q.Jobresult), `{"virtualmachine":{`) {
		t.Fatalf("done job: %v %+v", err, q)
	}
	vm, _, _ = cs.VirtualMachine.GetVirtualMachineByID(r.Id)
	if vm.State != "Running" || vm.JobID != "" {
		t.Fatalf("done VM = %s job %q", vm.State, vm.JobID)
	}
	// Stop shows Stopping while pending.
	if _, err := cs.VirtualMachine.StopVirtualMachine(cs.VirtualMachine.NewStopVirtualMachineParams(r.Id)); err != nil {
		t.Fatal(err)
	}
	vm, _, _ = cs.VirtualMachine.GetVirtualMachineByID(r.Id)
	if vm.State != "Stopping" {
		t.Fatalf("pending stop = %s", vm.State)
	}
	jobs, err := cs.Asyncjob.ListAsyncJobs(cs.Asyncjob.NewListAsyncJobsParams())
	if err != nil || jobs.Count != 2 {
		t.Fatalf("listAsyncJobs: %v %+v", err, jobs)
	}
	// Destroyed VMs are expunged after ExpungeDelay (here 60s, overriding expunge.delay and expunge.interval).
	clk.Add(5 * time.Second)
	if _, err := cs.VirtualMachine.DestroyVirtualMachine(cs.VirtualMachine.NewDestroyVirtualMachineParams(r.Id)); err != nil {
		t.Fatal(err)
	}
	clk.Add(5 * time.Second)
	vm, _, _ = cs.VirtualMachine.GetVirtualMachineByID(r.Id)
	if vm == nil || vm.State != "Destroyed" {
		t.Fatalf("destroyed VM = %+v", vm)
	}
	// The expunge thread runs every 60s and takes VMs destroyed at least 60s before the run:
	// within two intervals of the destroy the VM is gone.
	clk.Add(61 * time.Second)
	clk.Add(60 * time.Second)
	_, _, err = cs.VirtualMachine.GetVirtualMachineByID(r.Id)
	wantErr(t, err, "No match found")
}

func TestFaultInjection(t *testing.T) {
	srv := mustServer(t, nil)
	adm := mustClient(t, srv, "admin")
	cs := mustClient(t, srv, "demo")
	cat := mustCatalog(t, cs)

	var mock struct {
		M struct {
			ID    string `json:"id"`
			Count int    `json:"count"`
		} `json:"simulatormock"`
	}
	p := &cloudstack.CustomServiceParams{}
	p.SetParam("name", "deployVirtualMachine")
	p.SetParam("value", "result:fail|errorcode:535")
	p.SetParam("count", 1)
	if err := custom(adm).CustomRequest("configureSimulator", p, &mock); err != nil || mock.M.Count != 1 {
		t.Fatalf("configureSimulator: %v %+v", err, mock)
	}
	// users may not drive the simulator
	if err := custom(cs).CustomRequest("configureSimulator", p, &mock); err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("user configureSimulator: %v", err)
	}
	dp := cs.VirtualMachine.NewDeployVirtualMachineParams(cat.small, cat.debian, cat.zone)
	_, err := cs.VirtualMachine.DeployVirtualMachine(dp)
	wantErr(t, err, `"errorcode":535`, "Simulated failure")
	if _, err := cs.VirtualMachine.DeployVirtualMachine(dp); err != nil {
		t.Fatalf("second deploy (mock used up): %v", err)
	}
	q := &cloudstack.CustomServiceParams{}
	q.SetParam("id", mock.M.ID)
	if err := custom(adm).CustomRequest("querySimulatorMock", q, &mock); err != nil || mock.M.Count != 0 {
		t.Fatalf("querySimulatorMock: %v %+v", err, mock)
	}
	var ok struct {
		Success bool `json:"success"`
	}
	if err := custom(adm).CustomRequest("cleanupSimulatorMock", q, &ok); err != nil || !ok.Success {
		t.Fatalf("cleanup: %v %+v", err, ok)
	}
	// zone-scoped wait on startVirtualMachine (zone derived from the VM): the job stays pending.
	vm := mustDeploy(t, cs, cat, "scoped")
	cs.VirtualMachine.StopVirtualMachine(cs.VirtualMachine.NewStopVirtualMachineParams(vm.Id))
	p = &cloudstack.CustomServiceParams{}
	p.SetParam("name", "startVirtualMachine")
	p.SetParam("value", "wait:600000")
	p.SetParam("zoneid", cat.zone)
	p.SetParam("count", 1)
	custom(adm).CustomRequest("configureSimulator", p, &mock)
	var job struct {
		JobID string `json:"jobid"`
	}
	sp := &cloudstack.CustomServiceParams{}
	sp.SetParam("id", vm.Id)
	if err := custom(cs).CustomRequest("startVirtualMachine", sp, &job); err != nil {
		t.Fatal(err)
	}
	got, _, _ := cs.VirtualMachine.GetVirtualMachineByID(vm.Id)
	if got.State != "Starting" || got.JobID != job.JobID || got.Jobstatus != 0 {
		t.Fatalf("scoped wait: %+v", got)
	}
	// sync command failure
	p = &cloudstack.CustomServiceParams{}
	p.SetParam("name", "listZones")
	p.SetParam("value", "result:fail")
	custom(adm).CustomRequest("configureSimulator", p, &mock)
	_, err = cs.Zone.ListZones(cs.Zone.NewListZonesParams())
	wantErr(t, err, "530", "Simulated failure")
}

func TestStateFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "state.json")
	srv, err := simulator.New(&simulator.Options{NoListener: true, StateFile: file})
	if err != nil {
		t.Fatal(err)
	}
	cs := mustClient(t, srv, "demo")
	cat := mustCatalog(t, cs)
	vm := mustDeploy(t, cs, cat, "persist")
	if _, err := cs.Resourcetags.CreateTags(cs.Resourcetags.NewCreateTagsParams([]string{vm.Id}, "UserVm", map[string]string{"k": "v"})); err != nil {
		t.Fatal(err)
	}
	key1, _, _ := srv.UserKeys("demo")
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	srv2 := mustServer(t, &simulator.Options{StateFile: file})
	key2, _, _ := srv2.UserKeys("demo")
	if key1 != key2 {
		t.Fatal("keys changed across restart")
	}
	cs2 := mustClient(t, srv2, "demo")
	got, _, err := cs2.VirtualMachine.GetVirtualMachineByID(vm.Id)
	if err != nil || got.State != "Running" || len(got.Tags) != 1 || got.Nic[0].Ipaddress != vm.Nic[0].Ipaddress {
		t.Fatalf("after restart: %v %+v", err, got)
	}
	// New ids continue the seeded sequence instead of repeating it.
	vm2 := mustDeploy(t, cs2, cat, "persist2")
	if vm2.Id == vm.Id {
		t.Fatal("id reused")
	}
}

func TestDeterministicSeed(t *testing.T) {
	ids := func() (string, string) {
		srv := mustServer(t, nil)
		cs := mustClient(t, srv, "demo")
		cat := mustCatalog(t, cs)
		vm := mustDeploy(t, cs, cat, "det")
		return vm.Id, vm.Nic[0].Macaddress
	}
	a1, m1 := ids()
	a2, m2 := ids()
	if a1 != a2 || m1 != m2 {
		t.Fatalf("not deterministic: %s/%s vs %s/%s", a1, m1, a2, m2)
	}
}
