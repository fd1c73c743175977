package cstest

import (
	"testing"

	"github.com/cloudgate/cloudgate/translate"
)

// testInstanceGroups: create (names unique per account), list by name,
// keyword and id, membership through deploy group= and list groupid=,
// delete (members stay).
func testInstanceGroups(t *testing.T, s *suite) {
	name := uniq("cg-group") + ":a"
	g, err := s.cs.CreateInstanceGroup(s.ctx, name)
	if err != nil || g.ID == "" || g.Name != name || g.Created.IsZero() {
		t.Fatalf("CreateInstanceGroup = %+v, %v", g, err)
	}
	deleted := false
	t.Cleanup(func() {
		if !deleted {
			_ = s.cs.DeleteInstanceGroup(s.ctx, g.ID)
		}
	})
	if _, err := s.cs.CreateInstanceGroup(s.ctx, name); translate.KindOf(err) != translate.AlreadyExists && translate.KindOf(err) != translate.InvalidArgument {
		t.Fatalf("CreateInstanceGroup again: %v", err)
	}
	for _, req := range []translate.ListInstanceGroupsRequest{{Name: name}, {Keyword: name[:len(name)-2]}, {ID: g.ID}} {
		gs, err := s.cs.ListInstanceGroups(s.ctx, req)
		if err != nil || len(gs) != 1 || gs[0].ID != g.ID {
			t.Fatalf("ListInstanceGroups(%+v) = %+v, %v", req, gs, err)
		}
	}

	zone, off, tmpl := s.catalog(t)
	vmName := uniq("grp")
	r := s.mustSucceed(t, "DeployVirtualMachine group=", func() (translate.AsyncResult, error) {
		return s.cs.DeployVirtualMachine(s.ctx, translate.DeployRequest{ZoneID: zone, ServiceOfferingID: off, TemplateID: tmpl,
			Name: vmName, DisplayName: vmName, Group: name})
	})
	t.Cleanup(func() { _, _ = s.cs.DestroyVirtualMachine(s.ctx, r.ID, true) })
	vms, err := s.cs.ListVirtualMachines(s.ctx, translate.ListVMsRequest{GroupID: g.ID})
	if err != nil || len(vms) != 1 || vms[0].ID != r.ID || vms[0].GroupID != g.ID || vms[0].GroupName != name {
		t.Fatalf("ListVirtualMachines groupid = %+v, %v", vms, err)
	}

	if err := s.cs.DeleteInstanceGroup(s.ctx, g.ID); err != nil {
		t.Fatalf("DeleteInstanceGroup: %v", err)
	}
	deleted = true
	if vm := s.vm(t, r.ID); vm == nil || vm.GroupID != "" {
		t.Fatalf("member after its group was deleted: %+v", vm)
	}
	if gs, err := s.cs.ListInstanceGroups(s.ctx, translate.ListInstanceGroupsRequest{Name: name}); err != nil || len(gs) != 0 {
		t.Fatalf("ListInstanceGroups after delete = %+v, %v", gs, err)
	}
}
