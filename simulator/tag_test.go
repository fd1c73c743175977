package simulator_test

import (
	"fmt"
	"testing"

	"github.com/apache/cloudstack-go/v2/cloudstack"
)

func TestTagsAndFilters(t *testing.T) {
	srv := mustServer(t, nil)
	cs := mustClient(t, srv, "demo")
	cat := mustCatalog(t, cs)
	a := mustDeploy(t, cs, cat, "a1")
	b := mustDeploy(t, cs, cat, "b1")

	if _, err := cs.Resourcetags.CreateTags(cs.Resourcetags.NewCreateTagsParams([]string{a.Id}, "UserVm", map[string]string{"env": "prod", "team": "x"})); err != nil {
		t.Fatalf("createTags: %v", err)
	}
	if _, err := cs.Resourcetags.CreateTags(cs.Resourcetags.NewCreateTagsParams([]string{b.Id}, "UserVm", map[string]string{"env": "dev"})); err != nil {
		t.Fatalf("createTags b: %v", err)
	}
	_, err := cs.Resourcetags.CreateTags(cs.Resourcetags.NewCreateTagsParams([]string{a.Id}, "UserVm", map[string]string{"env": "again"}))
	wantErr(t, err, "431", "already")

	lp := cs.VirtualMachine.NewListVirtualMachinesParams()
	lp.SetTags(map[string]string{"env": "prod"})
	l, err := cs.VirtualMachine.ListVirtualMachines(lp)
	if err != nil || l.Count != 1 || l.VirtualMachines[0].Id != a.Id || len(l.VirtualMachines[0].Tags) != 2 {
		t.Fatalf("tag filter: %v %+v", err, l)
	}
	tl := cs.Resourcetags.NewListTagsParams()
	tl.SetResourceid(a.Id)
	tags, err := cs.Resourcetags.ListTags(tl)
	if err != nil || tags.Count != 2 || tags.Tags[0].Resourcetype != "UserVm" {
		t.Fatalf("listTags: %v %+v", err, tags)
	}
	dp := cs.Resourcetags.NewDeleteTagsParams([]string{a.Id}, "UserVm")
	dp.SetTags(map[string]string{"team": ""})
	if _, err := cs.Resourcetags.DeleteTags(dp); err != nil {
		t.Fatalf("deleteTags: %v", err)
	}
	tags, _ = cs.Resourcetags.ListTags(tl)
	if tags.Count != 1 || tags.Tags[0].Key != "env" {
		t.Fatalf("after deleteTags: %+v", tags)
	}
	kp := cs.VirtualMachine.NewListVirtualMachinesParams()
	kp.SetKeyword("b1")
	if l, err = cs.VirtualMachine.ListVirtualMachines(kp); err != nil || l.Count != 1 {
		t.Fatalf("keyword: %v %+v", err, l)
	}
	ip := cs.VirtualMachine.NewListVirtualMachinesParams()
	ip.SetIds([]string{a.Id, b.Id})
	if l, err = cs.VirtualMachine.ListVirtualMachines(ip); err != nil || l.Count != 2 {
		t.Fatalf("ids: %v %+v", err, l)
	}
}

func TestPaging(t *testing.T) {
	srv := mustServer(t, nil)
	cs := mustClient(t, srv, "demo")
	cat := mustCatalog(t, cs)
	for i := 0; i < 5; i++ {
		mustDeploy(t, cs, cat, fmt.Sprintf("vm%d", i))
	}
	p := cs.VirtualMachine.NewListVirtualMachinesParams()
	p.SetPage(2)
	p.SetPagesize(2)
	l, err := cs.VirtualMachine.ListVirtualMachines(p)
	if err != nil || l.Count != 5 || len(l.VirtualMachines) != 2 || l.VirtualMachines[0].Name != "vm2" {
		t.Fatalf("page 2: %v %+v", err, l)
	}
	p.SetPage(3)
	if l, err = cs.VirtualMachine.ListVirtualMachines(p); err != nil || l.Count != 5 || len(l.VirtualMachines) != 1 {
		t.Fatalf("page 3: %v %+v", err, l)
	}
	q := cs.VirtualMachine.NewListVirtualMachinesParams()
	q.SetPage(1)
	_, err = cs.VirtualMachine.ListVirtualMachines(q)
	wantErr(t, err, "431", "pagesize")
}

func TestAccountIsolation(t *testing.T) {
	srv := mustServer(t, nil)
	demo := mustClient(t, srv, "demo")
	other := mustClient(t, srv, "other")
	adm := mustClient(t, srv, "admin")
	cat := mustCatalog(t, demo)
	vm := mustDeploy(t, demo, cat, "mine")

	l, err := other.VirtualMachine.ListVirtualMachines(other.VirtualMachine.NewListVirtualMachinesParams())
	if err != nil || l.Count != 0 {
		t.Fatalf("other sees: %v %+v", err, l)
	}
	_, _, err = other.VirtualMachine.GetVirtualMachineByID(vm.Id)
	wantErr(t, err, "No match found")
	_, err = other.VirtualMachine.StopVirtualMachine(other.VirtualMachine.NewStopVirtualMachineParams(vm.Id))
	wantErr(t, err, "531")
	// Hostnames are unique per network, and zone1's Shared network is every account's.
	_, err = other.VirtualMachine.DeployVirtualMachine(func() *cloudstack.DeployVirtualMachineParams {
		p := other.VirtualMachine.NewDeployVirtualMachineParams(cat.small, cat.debian, cat.zone)
		p.SetName("mine")
		return p
	}())
	wantErr(t, err, "431", "The vm with hostName mine already exists in the network domain")
	mustDeploy(t, other, cat, "theirs")

	// admin without listall sees only its own; with listall everything, with host details.
	l, _ = adm.VirtualMachine.ListVirtualMachines(adm.VirtualMachine.NewListVirtualMachinesParams())
	if l.Count != 0 {
		t.Fatalf("admin without listall: %+v", l)
	}
	ap := adm.VirtualMachine.NewListVirtualMachinesParams()
	ap.SetListall(true)
	l, err = adm.VirtualMachine.ListVirtualMachines(ap)
	if err != nil || l.Count != 2 || l.VirtualMachines[0].Hostname == "" || l.VirtualMachines[0].Instancename == "" {
		t.Fatalf("admin listall: %v %+v", err, l)
	}
	sg, _ := other.SecurityGroup.ListSecurityGroups(other.SecurityGroup.NewListSecurityGroupsParams())
	if sg.Count != 1 || sg.SecurityGroups[0].Account != "other" {
		t.Fatalf("other sgs: %+v", sg)
	}
	// admin-only commands answer 401 to users, like CloudStack's API checker
	_, err = demo.Host.ListHosts(demo.Host.NewListHostsParams())
	wantErr(t, err, "401")
	h, err := adm.Host.ListHosts(adm.Host.NewListHostsParams())
	if err != nil || h.Count != 4 || h.Hosts[0].Cpunumber != 4 || h.Hosts[0].Memorytotal != 4<<30 || h.Hosts[0].Memoryallocated == 0 {
		t.Fatalf("hosts: %v %+v", err, h.Hosts[0])
	}
}
