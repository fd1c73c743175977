package translate_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/cloudgate/cloudgate/translate"
	"github.com/cloudgate/cloudgate/translate/mock"
)

// world is a tiny in-memory CloudStack behind mock.CloudStack, enough for
// Service unit tests; tests override single Fn fields to inject faults.
type world struct {
	mu      sync.Mutex
	n       int
	vms     map[string]*translate.Instance
	jobs    map[string]*translate.Job
	tags    []translate.Tag
	destroy []string // ids passed to DestroyVirtualMachine with expunge
	// deployFail makes the i-th deploy job (0-based) fail with this error.
	deployFail map[int]*translate.Error
	deploys    int
	// caps is what listCapabilities answers (user expunge allowed unless a
	// test says otherwise).
	caps     translate.Capabilities
	networks []translate.Network
	renamed  map[string]string // vm id -> new name
	deployed []translate.DeployRequest
	userData userDataStore // registered user data (userdata_fake_test.go)
}

const (
	zoneID  = "11111111-0000-0000-0000-000000000001"
	offID   = "22222222-0000-0000-0000-000000000001"
	custID  = "22222222-0000-0000-0000-000000000002"
	imageID = "33333333-0000-0000-0000-000000000001"
)

func newWorld() (*world, *mock.CloudStack) {
	w := &world{vms: map[string]*translate.Instance{}, jobs: map[string]*translate.Job{}, deployFail: map[int]*translate.Error{},
		caps:     translate.Capabilities{UserExpungeVM: true},
		networks: []translate.Network{{ID: "net-sg", Name: "DefaultSGNetwork", ZoneID: zoneID, Type: "Shared"}},
		renamed:  map[string]string{}}
	m := &mock.CloudStack{}
	m.ListCapabilitiesFn = func(ctx context.Context) (*translate.Capabilities, error) {
		w.mu.Lock()
		defer w.mu.Unlock()
		c := w.caps
		return &c, nil
	}
	m.ListNetworksFn = func(ctx context.Context, req translate.ListNetworksRequest) ([]translate.Network, error) {
		w.mu.Lock()
		defer w.mu.Unlock()
		return append([]translate.Network(nil), w.networks...), nil
	}
	m.RenameVirtualMachineFn = func(ctx context.Context, id, name string) error {
		w.mu.Lock()
		defer w.mu.Unlock()
		vm := w.vms[id]
		if vm == nil {
			return &translate.Error{Kind: translate.NotFound, Message: "entity does not exist"}
		}
		vm.Name = name
		w.renamed[id] = name
		return nil
	}
	m.ListZonesFn = func(ctx context.Context) ([]translate.Zone, error) {
		return []translate.Zone{{ID: zoneID, Name: "zone1", NetworkType: "Advanced", SecurityGroups: true, Enabled: true}}, nil
	}
	m.ListServiceOfferingsFn = func(ctx context.Context) ([]translate.Offering, error) {
		return []translate.Offering{
			{ID: offID, Name: "Small Instance", CPUs: 1, MemoryMB: 512},
			{ID: custID, Name: "Custom", Custom: true, MinCPUs: 1, MaxCPUs: 8, MinMemoryMB: 256, MaxMemoryMB: 8192},
		}, nil
	}
	m.ListDiskOfferingsFn = func(ctx context.Context) ([]translate.DiskOffering, error) {
		return []translate.DiskOffering{{ID: "d1", Name: "Custom", Custom: true}}, nil
	}
	m.ListTemplatesFn = func(ctx context.Context, req translate.ListTemplatesRequest) ([]translate.Image, error) {
		if req.ID != "" && req.ID != imageID {
			return nil, &translate.Error{Kind: translate.NotFound, Message: "entity does not exist"}
		}
		return []translate.Image{{ID: imageID, Name: "Debian 12", OSTypeID: "os1", Public: true, Featured: true, Ready: true}}, nil
	}
	m.ListSSHKeyPairsFn = func(ctx context.Context, name string) ([]translate.KeyPair, error) {
		if name == "" || name == "mykey" {
			return []translate.KeyPair{{Name: "mykey"}}, nil
		}
		return nil, nil
	}
	m.DeployVirtualMachineFn = func(ctx context.Context, req translate.DeployRequest) (translate.AsyncResult, error) {
		w.mu.Lock()
		defer w.mu.Unlock()
		w.deployed = append(w.deployed, req)
		w.n++
		id := fmt.Sprintf("vm-%02d", w.n)
		job := fmt.Sprintf("job-%02d", w.n)
		name := req.Name
		if name == "" {
			name = "VM-" + id
		}
		vm := &translate.Instance{ID: id, Name: name, DisplayName: req.DisplayName, State: translate.StateRunning, ZoneID: req.ZoneID, OfferingID: req.ServiceOfferingID,
			ImageID: req.TemplateID, CPUs: req.CPUs, MemoryMB: req.MemoryMB, Created: time.Unix(int64(1000-w.n), 0), Tags: translate.Tags{}}
		j := &translate.Job{ID: job, Status: translate.JobSucceeded, Command: "deployVirtualMachine", Resource: translate.ResInstance, ResourceID: id}
		if e := w.deployFail[w.deploys]; e != nil {
			vm.State = translate.StateError
			j.Status, j.Err = translate.JobFailed, e
		}
		w.deploys++
		w.vms[id] = vm
		w.jobs[job] = j
		return translate.AsyncResult{ID: id, JobID: job}, nil
	}
	m.QueryAsyncJobResultFn = func(ctx context.Context, id string) (*translate.Job, error) {
		w.mu.Lock()
		defer w.mu.Unlock()
		j, ok := w.jobs[id]
		if !ok {
			return nil, &translate.Error{Kind: translate.NotFound, Message: "no job"}
		}
		c := *j
		return &c, nil
	}
	m.ListVirtualMachinesFn = func(ctx context.Context, req translate.ListVMsRequest) ([]translate.Instance, error) {
		w.mu.Lock()
		defer w.mu.Unlock()
		var out []translate.Instance
		for _, vm := range w.vms {
			if req.ID != "" && vm.ID != req.ID {
				continue
			}
			c := *vm
			c.Tags = translate.Tags{}
			for _, t := range w.tags {
				if t.Resource == translate.ResInstance && t.ResourceID == vm.ID {
					c.Tags[t.Key] = t.Value
				}
			}
			out = append(out, c)
		}
		return out, nil
	}
	m.ListVolumesFn = func(ctx context.Context, req translate.ListVolumesRequest) ([]translate.Volume, error) {
		return nil, nil
	}
	m.DestroyVirtualMachineFn = func(ctx context.Context, id string, expunge bool) (translate.AsyncResult, error) {
		w.mu.Lock()
		defer w.mu.Unlock()
		if expunge && !w.caps.UserExpungeVM {
			// CloudStack accepts the call; the job fails (530).
			w.n++
			job := fmt.Sprintf("job-%02d", w.n)
			w.jobs[job] = &translate.Job{ID: job, Status: translate.JobFailed, Err: &translate.Error{Kind: translate.Internal,
				Message: "Parameter expunge can be passed by Admin only. Or when the allow.user.expunge.recover.vm key is set."}}
			return translate.AsyncResult{JobID: job}, nil
		}
		if expunge {
			w.destroy = append(w.destroy, id)
			delete(w.vms, id)
		} else if vm := w.vms[id]; vm != nil {
			vm.State = translate.StateDestroyed
		}
		w.n++
		job := fmt.Sprintf("job-%02d", w.n)
		w.jobs[job] = &translate.Job{ID: job, Status: translate.JobSucceeded}
		return translate.AsyncResult{JobID: job}, nil
	}
	m.CreateTagsFn = func(ctx context.Context, res translate.Resource, ids []string, tags translate.Tags) (translate.AsyncResult, error) {
		w.mu.Lock()
		defer w.mu.Unlock()
		for _, id := range ids {
			for k, v := range tags {
				for _, t := range w.tags {
					if t.ResourceID == id && t.Key == k {
						return translate.AsyncResult{}, &translate.Error{Kind: translate.InvalidArgument, Message: "duplicate tag key " + k}
					}
				}
				w.tags = append(w.tags, translate.Tag{Resource: res, ResourceID: id, Key: k, Value: v})
			}
		}
		w.n++
		job := fmt.Sprintf("job-%02d", w.n)
		w.jobs[job] = &translate.Job{ID: job, Status: translate.JobSucceeded}
		return translate.AsyncResult{JobID: job}, nil
	}
	m.DeleteTagsFn = func(ctx context.Context, res translate.Resource, ids []string, tags translate.Tags) (translate.AsyncResult, error) {
		w.mu.Lock()
		defer w.mu.Unlock()
		var keep []translate.Tag
		for _, t := range w.tags {
			drop := false
			for _, id := range ids {
				if v, ok := tags[t.Key]; ok && t.ResourceID == id && (v == "" || v == t.Value) {
					drop = true
				}
			}
			if !drop {
				keep = append(keep, t)
			}
		}
		w.tags = keep
		return translate.AsyncResult{}, nil
	}
	m.ListTagsFn = func(ctx context.Context, req translate.ListTagsRequest) ([]translate.Tag, error) {
		w.mu.Lock()
		defer w.mu.Unlock()
		return append([]translate.Tag(nil), w.tags...), nil
	}
	w.userData.install(m)
	return w, m
}

func testCtx() context.Context {
	return translate.NewContext(context.Background(), &translate.Principal{UserName: "demo", Account: "demo", APIKey: "k", SecretKey: "s"})
}

func newService(m translate.CloudStack) *translate.Service {
	return translate.New(m, &translate.Options{JobPollInterval: time.Millisecond, JobTimeout: 2 * time.Second})
}

func mustKind(t *testing.T, err error, want translate.Kind, res translate.Resource) {
	t.Helper()
	if err == nil {
		t.Fatalf("err = nil, want %v", want)
	}
	if got := translate.KindOf(err); got != want {
		t.Fatalf("kind = %v (%v), want %v", got, err, want)
	}
	var e *translate.Error
	if res != "" {
		if !asError(err, &e) || e.Resource != res {
			t.Fatalf("resource = %q (%v), want %q", e.Resource, err, res)
		}
	}
}

func asError(err error, e **translate.Error) bool {
	*e = translate.AsError(err)
	return *e != nil
}
