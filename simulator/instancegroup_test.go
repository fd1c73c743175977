package simulator_test

import (
	"testing"

	"github.com/apache/cloudstack-go/v2/cloudstack"
)

// createGroup calls createInstanceGroup through the Custom service:
// cloudstack-go's CreateInstanceGroup does not unwrap the "instancegroup"
// object CloudStack answers with (InstanceGroupJoinDaoImpl
// newInstanceGroupResponse: setObjectName("instancegroup")).
func createGroup(cs *cloudstack.CloudStackClient, name string) (*cloudstack.InstanceGroup, error) {
	var r struct {
		G cloudstack.InstanceGroup `json:"instancegroup"`
	}
	p := &cloudstack.CustomServiceParams{}
	p.SetParam("name", name)
	err := custom(cs).CustomRequest("createInstanceGroup", p, &r)
	return &r.G, err
}

// TestInstanceGroups drives createInstanceGroup/listInstanceGroups/
// deleteInstanceGroup and group membership through cloudstack-go's
// VMGroupService and VirtualMachineService, as a client of CloudStack.
func TestInstanceGroups(t *testing.T) {
	srv := mustServer(t, nil)
	cs := mustClient(t, srv, "demo")
	other := mustClient(t, srv, "other")
	cat := mustCatalog(t, cs)

	g, err := createGroup(cs, "gce-mig:z:web")
	if err != nil || g.Name != "gce-mig:z:web" || g.Id == "" || g.Created == "" || g.Account != "demo" {
		t.Fatalf("create: %v %+v", err, g)
	}
	_, err = createGroup(cs, "gce-mig:z:web")
	wantErr(t, err, "431", "already exists")
	// Names are per account.
	if _, err := createGroup(other, "gce-mig:z:web"); err != nil {
		t.Fatalf("another account's group of the same name: %v", err)
	}

	// Deploy into the group by name; a name without a group creates one.
	deploy := func(name, group string) string {
		t.Helper()
		p := cs.VirtualMachine.NewDeployVirtualMachineParams(cat.small, cat.centos, cat.zone)
		p.SetName(name)
		p.SetGroup(group)
		vm, err := cs.VirtualMachine.DeployVirtualMachine(p)
		if err != nil || vm.Group != group || vm.Groupid == "" {
			t.Fatalf("deploy %s: %v %+v", name, err, vm)
		}
		return vm.Id
	}
	a := deploy("web-a", "gce-mig:z:web")
	deploy("web-b", "gce-mig:z:web")
	deploy("db-a", "gce-mig:z:db")

	l, err := cs.VMGroup.ListInstanceGroups(cs.VMGroup.NewListInstanceGroupsParams())
	if err != nil || l.Count != 2 {
		t.Fatalf("list: %v %+v", err, l)
	}
	lp := cs.VMGroup.NewListInstanceGroupsParams()
	lp.SetName("gce-mig:z") // exact match only
	if l, err := cs.VMGroup.ListInstanceGroups(lp); err != nil || l.Count != 0 {
		t.Fatalf("list name= is exact: %v %+v", err, l)
	}
	lp = cs.VMGroup.NewListInstanceGroupsParams()
	lp.SetKeyword(":WEB")
	if l, err := cs.VMGroup.ListInstanceGroups(lp); err != nil || l.Count != 1 || l.InstanceGroups[0].Id != g.Id {
		t.Fatalf("list keyword=: %v %+v", err, l)
	}

	vp := cs.VirtualMachine.NewListVirtualMachinesParams()
	vp.SetGroupid(g.Id)
	vms, err := cs.VirtualMachine.ListVirtualMachines(vp)
	if err != nil || vms.Count != 2 {
		t.Fatalf("list members: %v %+v", err, vms)
	}

	// Deleting the group keeps its VMs, outside any group.
	if _, err := cs.VMGroup.DeleteInstanceGroup(cs.VMGroup.NewDeleteInstanceGroupParams(g.Id)); err != nil {
		t.Fatalf("delete: %v", err)
	}
	vm, _, err := cs.VirtualMachine.GetVirtualMachineByID(a)
	if err != nil || vm.Groupid != "" || vm.Group != "" {
		t.Fatalf("member after group delete: %v %+v", err, vm)
	}
	// A removed group's id resolves: lists by it are empty, not errors.
	vms, err = cs.VirtualMachine.ListVirtualMachines(vp)
	if err != nil || vms.Count != 0 {
		t.Fatalf("list by removed group: %v %+v", err, vms)
	}
	_, err = cs.VMGroup.DeleteInstanceGroup(cs.VMGroup.NewDeleteInstanceGroupParams("5f6f52b0-0000-4000-8000-000000000000"))
	wantErr(t, err, "431", "Invalid parameter id")
}
