package gcecompat_test

import (
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apache/cloudstack-go/v2/cloudstack"
	compute "google.golang.org/api/compute/v1"

	"github.com/cloudgate/cloudgate/simulator"
	"github.com/cloudgate/cloudgate/translate"
)

// members lists a MIG's managed instances by name, with the google API
// client's parser.
func (e *env) members(mig string) []*compute.ManagedInstance {
	e.t.Helper()
	r, err := e.gce.InstanceGroupManagers.ListManagedInstances(e.project, e.zone, mig).Do()
	if err != nil {
		e.t.Fatalf("listManagedInstances: %v", err)
	}
	sort.Slice(r.ManagedInstances, func(i, j int) bool { return r.ManagedInstances[i].Name < r.ManagedInstances[j].Name })
	return r.ManagedInstances
}

func testMIGLifecycle(t *testing.T, e *env) {
	e.mustOK(e.gce.InstanceTemplates.Insert(e.project, e.template("web")).Do())
	op := e.mustOK(e.gce.InstanceGroupManagers.Insert(e.project, e.zone, &compute.InstanceGroupManager{
		Name: "web-mig", BaseInstanceName: "web", InstanceTemplate: "global/instanceTemplates/web", TargetSize: 2,
	}).Do())
	if op.OperationType != "insert" || !strings.HasSuffix(op.TargetLink, "/zones/"+e.zone+"/instanceGroupManagers/web-mig") {
		t.Fatalf("insert op = %+v", op)
	}
	m, err := e.gce.InstanceGroupManagers.Get(e.project, e.zone, "web-mig").Do()
	if err != nil {
		t.Fatal(err)
	}
	if m.TargetSize != 2 || m.BaseInstanceName != "web" || !strings.HasSuffix(m.InstanceTemplate, "/projects/"+e.project+"/global/instanceTemplates/web") ||
		!strings.HasSuffix(m.InstanceGroup, "/zones/"+e.zone+"/instanceGroups/web-mig") || m.Id == 0 || m.CurrentActions.None != 2 || !m.Status.IsStable {
		t.Fatalf("get = %+v", m)
	}
	mem := e.members("web-mig")
	if len(mem) != 2 {
		t.Fatalf("members = %d", len(mem))
	}
	for _, mi := range mem {
		// <base>-<4 random [a-z0-9]>, created from the template.
		if len(mi.Name) != len("web-xxxx") || !strings.HasPrefix(mi.Name, "web-") || mi.InstanceStatus != "RUNNING" || mi.CurrentAction != "NONE" ||
			!strings.HasSuffix(mi.Version.InstanceTemplate, "/global/instanceTemplates/web") {
			t.Fatalf("member = %+v", mi)
		}
		vm, err := e.gce.Instances.Get(e.project, e.zone, mi.Name).Do()
		if err != nil || vm.Labels["tier"] != "web" || len(vm.Tags.Items) != 1 || vm.Tags.Items[0] != "web" || !strings.HasSuffix(vm.MachineType, "/small-instance") {
			t.Fatalf("member instance = %+v, %v", vm, err)
		}
	}
	ig, err := e.gce.InstanceGroups.Get(e.project, e.zone, "web-mig").Do()
	if err != nil || ig.Size != 2 {
		t.Fatalf("instance group = %+v, %v", ig, err)
	}
	li, err := e.gce.InstanceGroups.ListInstances(e.project, e.zone, "web-mig", &compute.InstanceGroupsListInstancesRequest{InstanceState: "ALL"}).Do()
	if err != nil || len(li.Items) != 2 || li.Items[0].Status != "RUNNING" {
		t.Fatalf("listInstances = %+v, %v", li, err)
	}

	// Another MIG of the same name in the zone is 409, whatever its template.
	_, err = e.gce.InstanceGroupManagers.Insert(e.project, e.zone, &compute.InstanceGroupManager{
		Name: "web-mig", BaseInstanceName: "other", InstanceTemplate: "web", TargetSize: 0}).Do()
	apiErr(t, err, 409, "alreadyExists")

	// Resize up and down: the target size reads back at once.
	e.mustOK(e.gce.InstanceGroupManagers.Resize(e.project, e.zone, "web-mig", 3).Do())
	if mem = e.members("web-mig"); len(mem) != 3 {
		t.Fatalf("after resize 3: %d members", len(mem))
	}
	op, err = e.gce.InstanceGroupManagers.Resize(e.project, e.zone, "web-mig", 1).Do()
	if err != nil {
		t.Fatal(err)
	}
	if m, err := e.gce.InstanceGroupManagers.Get(e.project, e.zone, "web-mig").Do(); err != nil || m.TargetSize != 1 {
		t.Fatalf("target size right after resize 1 = %+v, %v", m, err)
	}
	e.mustOK(op, nil)
	if mem = e.members("web-mig"); len(mem) != 1 {
		t.Fatalf("after resize 1: %+v", mem)
	}
	l, err := e.gce.InstanceGroupManagers.List(e.project, e.zone).Do()
	if err != nil || len(l.Items) != 1 || l.Items[0].TargetSize != 1 {
		t.Fatalf("list = %+v, %v", l, err)
	}
	agg, err := e.gce.InstanceGroupManagers.AggregatedList(e.project).Do()
	if err != nil || len(agg.Items["zones/"+e.zone].InstanceGroupManagers) != 1 {
		t.Fatalf("aggregated = %+v, %v", agg, err)
	}

	// Recreate keeps the name, makes a new VM.
	before, err := e.gce.Instances.Get(e.project, e.zone, mem[0].Name).Do()
	if err != nil {
		t.Fatal(err)
	}
	e.mustOK(e.gce.InstanceGroupManagers.RecreateInstances(e.project, e.zone, "web-mig", &compute.InstanceGroupManagersRecreateInstancesRequest{
		Instances: []string{"zones/" + e.zone + "/instances/" + mem[0].Name}}).Do())
	after, err := e.gce.Instances.Get(e.project, e.zone, mem[0].Name).Do()
	if err != nil || after.Id == before.Id {
		t.Fatalf("recreated = %+v (before id %d), %v", after, before.Id, err)
	}
	_, err = e.gce.InstanceGroupManagers.RecreateInstances(e.project, e.zone, "web-mig", &compute.InstanceGroupManagersRecreateInstancesRequest{
		Instances: []string{"no-such"}}).Do()
	apiErr(t, err, 400, "invalid")

	// deleteInstances lowers the target size.
	e.mustOK(e.gce.InstanceGroupManagers.Resize(e.project, e.zone, "web-mig", 2).Do())
	mem = e.members("web-mig")
	e.mustOK(e.gce.InstanceGroupManagers.DeleteInstances(e.project, e.zone, "web-mig", &compute.InstanceGroupManagersDeleteInstancesRequest{
		Instances: []string{mem[1].Instance}}).Do())
	if m, err := e.gce.InstanceGroupManagers.Get(e.project, e.zone, "web-mig").Do(); err != nil || m.TargetSize != 1 {
		t.Fatalf("after deleteInstances = %+v, %v", m, err)
	}
	if _, err := e.gce.Instances.Get(e.project, e.zone, mem[1].Name).Do(); err == nil {
		t.Fatalf("deleted member %s still there", mem[1].Name)
	}

	// The template cannot be deleted while the group uses it.
	_, err = e.gce.InstanceTemplates.Delete(e.project, "web").Do()
	apiErr(t, err, 400, "resourceInUseByAnotherResource")

	// Delete removes the members and the group.
	e.mustOK(e.gce.InstanceGroupManagers.Delete(e.project, e.zone, "web-mig").Do())
	e.mustOK(e.gce.InstanceTemplates.Delete(e.project, "web").Do())
	_, err = e.gce.InstanceGroupManagers.Get(e.project, e.zone, "web-mig").Do()
	apiErr(t, err, 404, "notFound")
	il, err := e.gce.Instances.List(e.project, e.zone).Do()
	if err != nil || len(il.Items) != 0 {
		t.Fatalf("instances after MIG delete = %+v, %v", il, err)
	}
}

func TestInstanceGroupManagers(t *testing.T) {
	testMIGLifecycle(t, newEnv(t))
}

// TestInstanceGroupManagersDefaults runs the lifecycle on CloudStack's
// defaults: users cannot expunge, so deleted members are renamed and
// destroyed, and recreate reuses the name at once.
func TestInstanceGroupManagersDefaults(t *testing.T) {
	testMIGLifecycle(t, newEnvWith(t, simulator.DefaultSeed()))
}

func TestInstanceGroupManagersRefusals(t *testing.T) {
	e := newEnv(t)
	e.mustOK(e.gce.InstanceTemplates.Insert(e.project, e.template("web")).Do())
	ok := func() *compute.InstanceGroupManager {
		return &compute.InstanceGroupManager{Name: "g", BaseInstanceName: "g", InstanceTemplate: "web", TargetSize: 1}
	}
	// Fields the gateway does not implement are refused, naming them.
	for field, mod := range map[string]func(m *compute.InstanceGroupManager){
		"autoHealingPolicies": func(m *compute.InstanceGroupManager) {
			m.AutoHealingPolicies = []*compute.InstanceGroupManagerAutoHealingPolicy{{HealthCheck: "global/healthChecks/hc", InitialDelaySec: 60}}
		},
		"distributionPolicy": func(m *compute.InstanceGroupManager) {
			m.DistributionPolicy = &compute.DistributionPolicy{TargetShape: "EVEN"}
		},
		"updatePolicy": func(m *compute.InstanceGroupManager) {
			m.UpdatePolicy = &compute.InstanceGroupManagerUpdatePolicy{Type: "PROACTIVE"}
		},
		"versions": func(m *compute.InstanceGroupManager) {
			m.Versions = []*compute.InstanceGroupManagerVersion{{InstanceTemplate: "web", Name: "a"}, {InstanceTemplate: "web", Name: "b"}}
		},
		"statefulPolicy": func(m *compute.InstanceGroupManager) {
			m.StatefulPolicy = &compute.StatefulPolicy{PreservedState: &compute.StatefulPolicyPreservedState{
				Disks: map[string]compute.StatefulPolicyPreservedStateDiskDevice{"d": {AutoDelete: "NEVER"}}}}
		},
		"description": func(m *compute.InstanceGroupManager) { m.Description = "x" },
	} {
		m := ok()
		mod(m)
		_, err := e.gce.InstanceGroupManagers.Insert(e.project, e.zone, m).Do()
		apiErr(t, err, 400, "invalid")
		if !strings.Contains(err.Error(), field) {
			t.Fatalf("%s: error does not name the field: %v", field, err)
		}
	}
	// One version naming the template (Terraform's version block) is the
	// template; a named one is refused, naming the field.
	e.mustOK(e.gce.InstanceGroupManagers.Insert(e.project, e.zone, &compute.InstanceGroupManager{Name: "v1", BaseInstanceName: "v1",
		Versions: []*compute.InstanceGroupManagerVersion{{InstanceTemplate: "global/instanceTemplates/web"}}, TargetSize: 1}).Do())
	if g, err := e.gce.InstanceGroupManagers.Get(e.project, e.zone, "v1").Do(); err != nil || !strings.HasSuffix(g.InstanceTemplate, "/instanceTemplates/web") ||
		len(g.Versions) != 1 || g.Versions[0].InstanceTemplate != g.InstanceTemplate || g.TargetSize != 1 {
		t.Fatalf("MIG from one version = %+v, %v", g, err)
	}
	e.mustOK(e.gce.InstanceGroupManagers.Delete(e.project, e.zone, "v1").Do())
	// A named version reads back with its name (kept in the group's name).
	e.mustOK(e.gce.InstanceGroupManagers.Insert(e.project, e.zone, &compute.InstanceGroupManager{Name: "v2", BaseInstanceName: "v2",
		Versions: []*compute.InstanceGroupManagerVersion{{InstanceTemplate: "web", Name: "primary"}}, TargetSize: 1}).Do())
	if g, err := e.gce.InstanceGroupManagers.Get(e.project, e.zone, "v2").Do(); err != nil || len(g.Versions) != 1 || g.Versions[0].Name != "primary" {
		t.Fatalf("MIG with a named version = %+v, %v", g, err)
	}
	if mi := e.members("v2"); len(mi) != 1 || mi[0].Version.Name != "primary" {
		t.Fatalf("member version = %+v", mi)
	}
	e.mustOK(e.gce.InstanceGroupManagers.Delete(e.project, e.zone, "v2").Do())
	long := strings.Repeat("a", 63)
	e.mustOK(e.gce.InstanceTemplates.Insert(e.project, e.template(long)).Do())
	_, err := e.gce.InstanceGroupManagers.Insert(e.project, e.zone, &compute.InstanceGroupManager{Name: long, BaseInstanceName: long[:58],
		Versions: []*compute.InstanceGroupManagerVersion{{InstanceTemplate: long, Name: long}}, TargetSize: 1}).Do()
	apiErr(t, err, 400, "invalid")
	if !strings.Contains(err.Error(), "versions[0].name") {
		t.Fatalf("a version name that does not fit: %v", err)
	}
	m := ok()
	m.InstanceTemplate = "no-such-template"
	_, err = e.gce.InstanceGroupManagers.Insert(e.project, e.zone, m).Do()
	apiErr(t, err, 404, "notFound")
	_, err = e.gce.Autoscalers.Insert(e.project, e.zone, &compute.Autoscaler{Name: "a", Target: "g"}).Do()
	apiErr(t, err, 501, "notImplemented")
	if l, err := e.gce.Autoscalers.List(e.project, e.zone).Do(); err != nil || len(l.Items) != 0 {
		t.Fatalf("autoscalers = %+v, %v", l, err)
	}
	// Nothing was left behind by the refusals.
	if l, err := e.gce.InstanceGroupManagers.List(e.project, e.zone).Do(); err != nil || len(l.Items) != 0 {
		t.Fatalf("MIGs after refusals = %+v, %v", l, err)
	}
	_, err = e.gce.InstanceGroupManagers.Resize(e.project, e.zone, "nope", 1).Do()
	apiErr(t, err, 404, "notFound")
}

// inject sets a simulator fault rule (configureSimulator, as admin).
func (e *env) inject(name, value string, count int) {
	e.t.Helper()
	ak, sk, _ := e.sim.UserKeys("admin")
	cs := cloudstack.NewClient(e.sim.URL(), ak, sk, false, cloudstack.WithHTTPClient(e.sim.HTTPClient()))
	p := &cloudstack.CustomServiceParams{}
	p.SetParam("name", name)
	p.SetParam("value", value)
	p.SetParam("count", count)
	var out map[string]any
	if err := cs.Custom.(*cloudstack.CustomService).CustomRequest("configureSimulator", p, &out); err != nil {
		e.t.Fatalf("configureSimulator: %v", err)
	}
}

// TestInstanceGroupManagersStateless: a second replica (its own gateway
// over the same CloudStack) answers the same MIG; a member left marked
// deleting by a replica that died before deleting it is deleted by the
// next resize; a deploy CloudStack refuses fails the resize's operation and
// the target size reads back what exists.
func TestInstanceGroupManagersStateless(t *testing.T) {
	e := newEnv(t)
	_, other := e.gateway(e.svc)
	e.mustOK(e.gce.InstanceTemplates.Insert(e.project, e.template("web")).Do())
	e.mustOK(e.gce.InstanceGroupManagers.Insert(e.project, e.zone, &compute.InstanceGroupManager{
		Name: "g", BaseInstanceName: "g", InstanceTemplate: "web", TargetSize: 2}).Do())
	e.mustOK(other.InstanceGroupManagers.Resize(e.project, e.zone, "g", 3).Do())
	a, err := e.gce.InstanceGroupManagers.Get(e.project, e.zone, "g").Do()
	if err != nil {
		t.Fatal(err)
	}
	b, err := other.InstanceGroupManagers.Get(e.project, e.zone, "g").Do()
	if err != nil || a.TargetSize != 3 || b.TargetSize != 3 || a.Id != b.Id || a.Fingerprint != b.Fingerprint {
		t.Fatalf("replicas disagree: %+v / %+v, %v", a, b, err)
	}

	// A replica marked a member deleting and died: the member shows
	// DELETING, does not count, and the next resize deletes it.
	mem := e.members("g")
	vm, err := e.svc.Instances(e.ctx(), translate.InstanceQuery{Name: mem[0].Name})
	if err != nil || len(vm) != 1 {
		t.Fatalf("member %s: %v", mem[0].Name, err)
	}
	if err := e.svc.CreateTags(e.ctx(), translate.ResInstance, []string{vm[0].ID}, translate.Tags{"cloudgate:gce-mig-action": "deleting"}); err != nil {
		t.Fatal(err)
	}
	m, err := other.InstanceGroupManagers.Get(e.project, e.zone, "g").Do()
	if err != nil || m.TargetSize != 2 || m.CurrentActions.Deleting != 1 || m.Status.IsStable {
		t.Fatalf("with a member marked deleting: %+v, %v", m, err)
	}
	e.mustOK(e.gce.InstanceGroupManagers.Resize(e.project, e.zone, "g", 2).Do())
	if mem := e.members("g"); len(mem) != 2 {
		t.Fatalf("after the resize finished the deletion: %d members", len(mem))
	}
	if _, err := e.gce.Instances.Get(e.project, e.zone, vm[0].Name).Do(); err == nil {
		t.Fatalf("member %s marked deleting survived the resize", vm[0].Name)
	}

	// CloudStack refuses a deploy (capacity): the operation fails, the
	// target size is what exists, and resizing again completes it.
	e.inject("deployVirtualMachine", "result:fail|errorcode:533|errortext:Unable to create a deployment for VM", 1)
	op := e.wait(e.gce.InstanceGroupManagers.Resize(e.project, e.zone, "g", 3).Do())
	if op.Error == nil {
		t.Fatalf("resize with a refused deploy succeeded: %+v", op)
	}
	if m, err := e.gce.InstanceGroupManagers.Get(e.project, e.zone, "g").Do(); err != nil || m.TargetSize != 2 {
		t.Fatalf("after a refused deploy: %+v, %v", m, err)
	}
	e.mustOK(e.gce.InstanceGroupManagers.Resize(e.project, e.zone, "g", 3).Do())
	if mem := e.members("g"); len(mem) != 3 {
		t.Fatalf("after resizing again: %d members", len(mem))
	}
}

// TestInstanceGroupManagersConcurrentInsert: concurrent inserts of one MIG
// name with different base names (different CloudStack group names) leave
// exactly one MIG; the others answer 409.
func TestInstanceGroupManagersConcurrentInsert(t *testing.T) {
	e := newEnv(t)
	e.mustOK(e.gce.InstanceTemplates.Insert(e.project, e.template("web")).Do())
	// CloudStack answers slowly, so the inserts' checks and creates interleave.
	e.sim.SetCallLatency(20*time.Millisecond, 0)
	const n = 6
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		go func(i int) {
			_, err := e.gce.InstanceGroupManagers.Insert(e.project, e.zone, &compute.InstanceGroupManager{
				Name: "race", BaseInstanceName: "b" + string(rune('a'+i)), InstanceTemplate: "web"}).Do()
			errs <- err
		}(i)
	}
	ok := 0
	for i := 0; i < n; i++ {
		if err := <-errs; err == nil {
			ok++
		} else {
			apiErr(t, err, 409, "alreadyExists")
		}
	}
	l, err := e.gce.InstanceGroupManagers.List(e.project, e.zone).Do()
	if err != nil || ok != 1 || len(l.Items) != 1 {
		t.Fatalf("%d inserts succeeded, %d MIGs listed (%v)", ok, len(l.Items), err)
	}
	groups, err := e.svc.InstanceGroups(e.ctx(), translate.ListInstanceGroupsRequest{})
	if err != nil || len(groups) != 1 {
		t.Fatalf("CloudStack instance groups left: %+v, %v", groups, err)
	}
}

// TestInstanceGroupManagersPartialInsert: where members get an ephemeral
// external address (no security groups), each member's insert waits for
// its deployment; when CloudStack refuses one, the insert fails and the
// MIG keeps the members that exist, none outside it.
func TestInstanceGroupManagersPartialInsert(t *testing.T) {
	e := withAccountNetwork(newEnvWith(t, isolatedSeed(t)))
	e.mustOK(e.gce.InstanceTemplates.Insert(e.project, e.template("web")).Do())
	e.inject("deployVirtualMachine", "result:fail|errorcode:533|errortext:Unable to create a deployment for VM", 1)
	_, err := e.gce.InstanceGroupManagers.Insert(e.project, e.zone, &compute.InstanceGroupManager{
		Name: "g", BaseInstanceName: "g", InstanceTemplate: "web", TargetSize: 2}).Do()
	if err == nil {
		t.Fatal("insert with a refused member deploy succeeded")
	}
	m, err := e.gce.InstanceGroupManagers.Get(e.project, e.zone, "g").Do()
	if err != nil || m.TargetSize != 1 {
		t.Fatalf("MIG after a partial insert = %+v, %v", m, err)
	}
	il, err := e.gce.Instances.List(e.project, e.zone).Do()
	if err != nil || len(il.Items) != 1 || !strings.HasPrefix(il.Items[0].Name, "g-") {
		t.Fatalf("instances after a partial insert = %+v, %v", il, err)
	}
	e.mustOK(e.gce.InstanceGroupManagers.Delete(e.project, e.zone, "g").Do())
	if il, err := e.gce.Instances.List(e.project, e.zone).Do(); err != nil || len(il.Items) != 0 {
		t.Fatalf("instances after delete = %+v, %v", il, err)
	}
}
