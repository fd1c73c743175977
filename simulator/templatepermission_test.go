package simulator_test

import (
	"testing"

	"github.com/apache/cloudstack-go/v2/cloudstack"
)

// mustTemplateFromSnapshot snapshots vm's root volume and templates the
// snapshot (createTemplate snapshotid=).
func mustTemplateFromSnapshot(t *testing.T, cs *cloudstack.CloudStackClient, vmID, name string) string {
	t.Helper()
	lp := cs.Volume.NewListVolumesParams()
	lp.SetVirtualmachineid(vmID)
	lp.SetType("ROOT")
	vl, err := cs.Volume.ListVolumes(lp)
	if err != nil || vl.Count != 1 {
		t.Fatalf("root volume: %v %+v", err, vl)
	}
	sn, err := cs.Snapshot.CreateSnapshot(cs.Snapshot.NewCreateSnapshotParams(vl.Volumes[0].Id))
	if err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	tl, err := cs.Template.ListTemplates(func() *cloudstack.ListTemplatesParams {
		p := cs.Template.NewListTemplatesParams("executable")
		p.SetId(vl.Volumes[0].Templateid)
		return p
	}())
	if err != nil || tl.Count == 0 {
		t.Fatalf("source template: %v", err)
	}
	tp := cs.Template.NewCreateTemplateParams(name, name, tl.Templates[0].Ostypeid)
	tp.SetSnapshotid(sn.Id)
	tm, err := cs.Template.CreateTemplate(tp)
	if err != nil || !tm.Isready {
		t.Fatalf("template from snapshot: %v %+v", err, tm)
	}
	return tm.Id
}

func TestTemplatePermissionsAndCopy(t *testing.T) {
	srv := mustServer(t, nil)
	demo := mustClient(t, srv, "demo")
	other := mustClient(t, srv, "other")
	cat := mustCatalog(t, demo)
	vm := mustDeploy(t, demo, cat, "src")
	tid := mustTemplateFromSnapshot(t, demo, vm.Id, "golden")

	perms := func(cs *cloudstack.CloudStackClient) (out struct {
		P struct {
			ID       string   `json:"id"`
			IsPublic bool     `json:"ispublic"`
			Account  []string `json:"account"`
		} `json:"templatepermission"`
	}) {
		t.Helper()
		p := &cloudstack.CustomServiceParams{}
		p.SetParam("id", tid)
		if err := custom(cs).CustomRequest("listTemplatePermissions", p, &out); err != nil {
			t.Fatalf("listTemplatePermissions: %v", err)
		}
		return out
	}
	update := func(cs *cloudstack.CloudStackClient, kv ...string) error {
		p := &cloudstack.CustomServiceParams{}
		p.SetParam("id", tid)
		for i := 0; i+1 < len(kv); i += 2 {
			p.SetParam(kv[i], kv[i+1])
		}
		var out map[string]any
		return custom(cs).CustomRequest("updateTemplatePermissions", p, &out)
	}
	deployOther := func() error {
		p := other.VirtualMachine.NewDeployVirtualMachineParams(cat.small, tid, cat.zone)
		p.SetName("borrower")
		_, err := other.VirtualMachine.DeployVirtualMachine(p)
		return err
	}

	if got := perms(demo); got.P.ID != tid || got.P.IsPublic || len(got.P.Account) != 1 || got.P.Account[0] != "demo" {
		t.Fatalf("fresh permissions = %+v", got)
	}
	wantErr(t, deployOther(), "does not have permission")
	wantErr(t, update(other, "accounts", "other", "op", "add"), "does not have permission")
	wantErr(t, update(demo, "accounts", "nosuch", "op", "add"), "Account not found")
	wantErr(t, update(demo, "accounts", "other", "op", "share"), "must be either 'add' or 'remove'")
	if err := update(demo, "accounts", "other,demo", "op", "add"); err != nil {
		t.Fatal(err)
	}
	if got := perms(demo); len(got.P.Account) != 2 || got.P.Account[0] != "other" || got.P.Account[1] != "demo" {
		t.Fatalf("after add (the owner is listed last, once) = %+v", got)
	}
	sl, err := other.Template.ListTemplates(other.Template.NewListTemplatesParams("sharedexecutable"))
	if err != nil || sl.Count != 1 || sl.Templates[0].Id != tid {
		t.Fatalf("sharedexecutable = %v %+v", err, sl)
	}
	if err := deployOther(); err != nil {
		t.Fatalf("deploy from a shared template: %v", err)
	}
	if err := update(demo, "accounts", "other", "op", "remove"); err != nil {
		t.Fatal(err)
	}
	if got := perms(demo); len(got.P.Account) != 1 {
		t.Fatalf("after remove = %+v", got)
	}

	// ispublic, and allow.public.user.templates=false for the owner.
	if err := update(demo, "ispublic", "true"); err != nil {
		t.Fatal(err)
	}
	if got := perms(other); !got.P.IsPublic {
		t.Fatalf("public = %+v", got)
	}
	if err := update(demo, "accounts", "other", "op", "reset"); err != nil {
		t.Fatal(err)
	}
	if got := perms(demo); got.P.IsPublic {
		t.Fatalf("reset keeps public: %+v", got)
	}
	admin := mustClient(t, srv, "admin")
	al, err := admin.Account.ListAccounts(func() *cloudstack.ListAccountsParams {
		p := admin.Account.NewListAccountsParams()
		p.SetName("demo")
		return p
	}())
	if err != nil || al.Count != 1 {
		t.Fatalf("accounts: %v", err)
	}
	cp := admin.Configuration.NewUpdateConfigurationParams("allow.public.user.templates")
	cp.SetValue("false")
	cp.SetAccountid(al.Accounts[0].Id)
	if _, err := admin.Configuration.UpdateConfiguration(cp); err != nil {
		t.Fatal(err)
	}
	wantErr(t, update(demo, "ispublic", "true"), "Only private templates")

	// copyTemplate: the same template in one more zone; a zone that has it
	// already is skipped; source = destination is refused.
	cpy := demo.Template.NewCopyTemplateParams(tid)
	cpy.SetDestzoneid(cat.zone2)
	cpy.SetSourcezoneid(cat.zone)
	if _, err := demo.Template.CopyTemplate(cpy); err != nil {
		t.Fatalf("copy: %v", err)
	}
	lp := demo.Template.NewListTemplatesParams("self")
	lp.SetId(tid)
	l, err := demo.Template.ListTemplates(lp)
	if err != nil || l.Count != 2 {
		t.Fatalf("template in two zones: %v %+v", err, l)
	}
	again := demo.Template.NewCopyTemplateParams(tid)
	again.SetDestzoneid(cat.zone2)
	if _, err := demo.Template.CopyTemplate(again); err != nil {
		t.Fatalf("copy to a zone that has it: %v", err)
	}
	if l, _ := demo.Template.ListTemplates(lp); l.Count != 2 {
		t.Fatalf("copy again duplicated: %+v", l)
	}
	same := demo.Template.NewCopyTemplateParams(tid)
	same.SetDestzoneid(cat.zone)
	same.SetSourcezoneid(cat.zone)
	_, err = demo.Template.CopyTemplate(same)
	wantErr(t, err, "different source and destination")
	theirs := other.Template.NewCopyTemplateParams(tid)
	theirs.SetDestzoneid(cat.zone2)
	_, err = other.Template.CopyTemplate(theirs)
	wantErr(t, err, "permission")
}
