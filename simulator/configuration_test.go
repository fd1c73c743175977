package simulator_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/cloudstack-go/v2/cloudstack"

	"github.com/cloudgate/cloudgate/simulator"
)

func accountID(tb testing.TB, cs *cloudstack.CloudStackClient, name string) string {
	tb.Helper()
	p := cs.Account.NewListAccountsParams()
	p.SetName(name)
	l, err := cs.Account.ListAccounts(p)
	if err != nil || l.Count != 1 {
		tb.Fatalf("account %s: %v %+v", name, err, l)
	}
	return l.Accounts[0].Id
}

func TestConfigurationsDefaultAndUpdate(t *testing.T) {
	srv := mustServer(t, nil)
	adm := mustClient(t, srv, "admin")
	cs := mustClient(t, srv, "demo")

	// CloudStack's defaults.
	want := map[string]string{
		simulator.SettingAllowUserExpungeRecoverVM: "false", simulator.SettingAllowUserViewDestroyedVM: "false",
		simulator.SettingExpungeDelay: "86400", simulator.SettingExpungeInterval: "86400", simulator.SettingDefaultPageSize: "500",
	}
	l, err := adm.Configuration.ListConfigurations(adm.Configuration.NewListConfigurationsParams())
	if err != nil || l.Count < len(want) {
		t.Fatalf("listConfigurations: %v %+v", err, l)
	}
	got := map[string]string{}
	for _, c := range l.Configurations {
		got[c.Name] = c.Value
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	// name is a substring filter (ManagementServerImpl: name LIKE %name%).
	p := adm.Configuration.NewListConfigurationsParams()
	p.SetName("expunge")
	if l, err = adm.Configuration.ListConfigurations(p); err != nil || l.Count != 4 {
		t.Fatalf("name=expunge: %v %+v", err, l)
	}
	p.SetName("allow.user.view.destroyed.vm")
	if l, err = adm.Configuration.ListConfigurations(p); err != nil || l.Count != 1 || l.Configurations[0].Isdynamic != true || l.Configurations[0].Category != "Advanced" {
		t.Fatalf("exact name: %v %+v", err, l)
	}

	// Users may not read or change settings (admin APIs: 401 from the API checker).
	_, err = cs.Configuration.ListConfigurations(cs.Configuration.NewListConfigurationsParams())
	wantErr(t, err, "401")
	_, err = cs.Configuration.UpdateConfiguration(cs.Configuration.NewUpdateConfigurationParams(simulator.SettingAllowUserExpungeRecoverVM))
	wantErr(t, err, "401")

	// listCapabilities follows the settings: false for users by default, true for admins.
	caps, err := cs.Configuration.ListCapabilities(cs.Configuration.NewListCapabilitiesParams())
	if err != nil || caps.Capabilities.Allowuserexpungerecovervm || caps.Capabilities.Allowuserviewdestroyedvm {
		t.Fatalf("user capabilities: %v %+v", err, caps.Capabilities)
	}
	acaps, err := adm.Configuration.ListCapabilities(adm.Configuration.NewListCapabilitiesParams())
	if err != nil || !acaps.Capabilities.Allowuserexpungerecovervm || !acaps.Capabilities.Allowuserviewdestroyedvm {
		t.Fatalf("admin capabilities: %v %+v", err, acaps.Capabilities)
	}

	up := adm.Configuration.NewUpdateConfigurationParams(simulator.SettingAllowUserExpungeRecoverVM)
	up.SetValue("maybe")
	_, err = adm.Configuration.UpdateConfiguration(up)
	wantErr(t, err, "431", "'true' or 'false'")
	up.SetValue("true")
	r, err := adm.Configuration.UpdateConfiguration(up)
	if err != nil || r.Value != "true" || r.Name != simulator.SettingAllowUserExpungeRecoverVM {
		t.Fatalf("update: %v %+v", err, r)
	}
	caps, _ = cs.Configuration.ListCapabilities(cs.Configuration.NewListCapabilitiesParams())
	if !caps.Capabilities.Allowuserexpungerecovervm || caps.Capabilities.Allowuserviewdestroyedvm {
		t.Fatalf("capabilities after update: %+v", caps.Capabilities)
	}
	_, err = adm.Configuration.UpdateConfiguration(adm.Configuration.NewUpdateConfigurationParams("no.such.setting"))
	wantErr(t, err, "431", "doesn't exist")

	// Account-scoped: allow.user.view.destroyed.vm for account "other" only.
	other := mustClient(t, srv, "other")
	vp := adm.Configuration.NewUpdateConfigurationParams(simulator.SettingAllowUserViewDestroyedVM)
	vp.SetValue("true")
	vp.SetAccountid(accountID(t, adm, "other"))
	if _, err := adm.Configuration.UpdateConfiguration(vp); err != nil {
		t.Fatal(err)
	}
	oc, _ := other.Configuration.ListCapabilities(other.Configuration.NewListCapabilitiesParams())
	dc, _ := cs.Configuration.ListCapabilities(cs.Configuration.NewListCapabilitiesParams())
	if !oc.Capabilities.Allowuserviewdestroyedvm || dc.Capabilities.Allowuserviewdestroyedvm {
		t.Fatalf("account scope: other %+v demo %+v", oc.Capabilities, dc.Capabilities)
	}
	// resetConfiguration restores CloudStack's default.
	var reset struct {
		C struct {
			Name, Value string
		} `json:"configuration"`
	}
	rp := &cloudstack.CustomServiceParams{}
	rp.SetParam("name", simulator.SettingAllowUserExpungeRecoverVM)
	if err := custom(adm).CustomRequest("resetConfiguration", rp, &reset); err != nil || reset.C.Value != "false" {
		t.Fatalf("resetConfiguration: %v %+v", err, reset)
	}
	if caps, _ = cs.Configuration.ListCapabilities(cs.Configuration.NewListCapabilitiesParams()); caps.Capabilities.Allowuserexpungerecovervm {
		t.Fatal("reset did not restore the default")
	}
	// Non-Account settings cannot be set per account.
	dp := adm.Configuration.NewUpdateConfigurationParams(simulator.SettingDefaultPageSize)
	dp.SetValue("100")
	dp.SetAccountid(accountID(t, adm, "other"))
	_, err = adm.Configuration.UpdateConfiguration(dp)
	wantErr(t, err, "431")
}

func TestSeedSettingsAndProfiles(t *testing.T) {
	if got := strings.Join(simulator.Profiles(), ","); got != "demo,demo-recommended,sandbox" {
		t.Fatalf("profiles = %s", got)
	}
	for _, name := range simulator.Profiles() {
		srv, err := simulator.NewFromProfile(name, &simulator.Options{NoListener: true})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		cs := mustClient(t, srv, "demo")
		caps, err := cs.Configuration.ListCapabilities(cs.Configuration.NewListCapabilitiesParams())
		if err != nil {
			t.Fatal(err)
		}
		rec := name == simulator.ProfileDemoRecommended
		if caps.Capabilities.Allowuserexpungerecovervm != rec || caps.Capabilities.Allowuserviewdestroyedvm != rec {
			t.Errorf("%s: capabilities %+v", name, caps.Capabilities)
		}
		z, err := cs.Zone.ListZones(cs.Zone.NewListZonesParams())
		if err != nil || z.Count == 0 {
			t.Fatalf("%s zones: %v", name, err)
		}
		if name == simulator.ProfileSandbox && (z.Count != 1 || z.Zones[0].Networktype != "Advanced" || z.Zones[0].Securitygroupsenabled) {
			t.Errorf("sandbox zone: %+v", z.Zones[0])
		}
		srv.Close()
	}
	if _, err := simulator.ProfileSeed("nope"); err == nil {
		t.Fatal("unknown profile accepted")
	}
	if _, err := simulator.New(&simulator.Options{NoListener: true, Profile: "nope"}); err == nil {
		t.Fatal("unknown profile accepted by New")
	}

	// A seed sets settings; an unknown or invalid one is refused.
	sd := simulator.DefaultSeed()
	sd.Settings = map[string]string{simulator.SettingDefaultPageSize: "2"}
	srv := mustServer(t, &simulator.Options{Seed: sd})
	adm := mustClient(t, srv, "admin")
	p := adm.Configuration.NewListConfigurationsParams()
	p.SetName(simulator.SettingDefaultPageSize)
	l, err := adm.Configuration.ListConfigurations(p)
	if err != nil || l.Configurations[0].Value != "2" {
		t.Fatalf("seeded setting: %v %+v", err, l)
	}
	sd.Settings = map[string]string{"no.such": "1"}
	if _, err := simulator.New(&simulator.Options{NoListener: true, Seed: sd}); err == nil {
		t.Fatal("unknown seed setting accepted")
	}
	sd.Settings = map[string]string{simulator.SettingExpungeDelay: "soon"}
	if _, err := simulator.New(&simulator.Options{NoListener: true, Seed: sd}); err == nil {
		t.Fatal("invalid seed setting accepted")
	}
}

// Fact 1: allow.user.expunge.recover.vm (default false).
func TestUserExpungeRefusedByDefault(t *testing.T) {
	srv := mustServer(t, nil)
	adm := mustClient(t, srv, "admin")
	cs := mustClient(t, srv, "demo")
	cat := mustCatalog(t, cs)
	vm := mustDeploy(t, cs, cat, "keep")

	// destroy expunge=true: a jobid, then the job fails 530; the VM is untouched.
	key, secret, _ := srv.UserKeys("demo")
	sync := cloudstack.NewClient(srv.URL(), key, secret, false, cloudstack.WithHTTPClient(srv.HTTPClient()))
	p := sync.VirtualMachine.NewDestroyVirtualMachineParams(vm.Id)
	p.SetExpunge(true)
	r, err := sync.VirtualMachine.DestroyVirtualMachine(p)
	if err != nil || r.JobID == "" {
		t.Fatalf("destroy expunge: %v %+v", err, r)
	}
	res, err := cs.Asyncjob.QueryAsyncJobResult(cs.Asyncjob.NewQueryAsyncJobResultParams(r.JobID))
	if err != nil || res.Jobstatus != 2 || res.Jobresultcode != 530 {
		t.Fatalf("job: %v %+v", err, res)
	}
	var jr map[string]any
	json.Unmarshal(res.Jobresult, &jr)
	if jr["errortext"] != "Parameter expunge can be passed by Admin only. Or when the allow.user.expunge.recover.vm key is set." ||
		jr["errorcode"] != 530.0 || jr["cserrorcode"] != nil {
		t.Fatalf("job result: %s", res.Jobresult)
	}
	if res.Cmd != "org.apache.cloudstack.api.command.user.vm.DestroyVMCmd" {
		t.Fatalf("job cmd = %s", res.Cmd)
	}
	got, _, err := cs.VirtualMachine.GetVirtualMachineByID(vm.Id)
	if err != nil || got.State != "Running" {
		t.Fatalf("after refused expunge: %v %+v", err, got)
	}
	// The async client reports the job failure.
	_, err = cs.VirtualMachine.DestroyVirtualMachine(p)
	wantErr(t, err, "530", "allow.user.expunge.recover.vm")

	// A plain destroy works; expunge and recover are refused for the user.
	if _, err := cs.VirtualMachine.DestroyVirtualMachine(cs.VirtualMachine.NewDestroyVirtualMachineParams(vm.Id)); err != nil {
		t.Fatal(err)
	}
	_, err = cs.VirtualMachine.ExpungeVirtualMachine(cs.VirtualMachine.NewExpungeVirtualMachineParams(vm.Id))
	wantErr(t, err, "530", "Expunging a vm can only be done by an Admin. Or when the allow.user.expunge.recover.vm key is set.")
	_, err = cs.VirtualMachine.RecoverVirtualMachine(cs.VirtualMachine.NewRecoverVirtualMachineParams(vm.Id))
	wantErr(t, err, "531", "Recovering a vm can only be done by an Admin. Or when the allow.user.expunge.recover.vm key is set.")

	// The admin sees the Destroyed VM, recovers and expunges it; admin jobs run the ByAdmin classes.
	al := adm.VirtualMachine.NewListVirtualMachinesParams()
	al.SetId(vm.Id)
	al.SetListall(true)
	ag, err := adm.VirtualMachine.ListVirtualMachines(al)
	if err != nil || ag.Count != 1 || ag.VirtualMachines[0].State != "Destroyed" {
		t.Fatalf("admin view: %v %+v", err, ag)
	}
	if _, err := adm.VirtualMachine.RecoverVirtualMachine(adm.VirtualMachine.NewRecoverVirtualMachineParams(vm.Id)); err != nil {
		t.Fatal(err)
	}
	ap := adm.VirtualMachine.NewDestroyVirtualMachineParams(vm.Id)
	ap.SetExpunge(true)
	if _, err := adm.VirtualMachine.DestroyVirtualMachine(ap); err != nil {
		t.Fatalf("admin destroy expunge: %v", err)
	}
	if l, err := adm.VirtualMachine.ListVirtualMachines(al); err != nil || l.Count != 0 {
		t.Fatalf("expunged VM still listed: %v %+v", err, l)
	}
	jobs, _ := adm.Asyncjob.ListAsyncJobs(adm.Asyncjob.NewListAsyncJobsParams())
	found := false
	for _, j := range jobs.AsyncJobs {
		found = found || j.Cmd == "org.apache.cloudstack.api.command.admin.vm.DestroyVMCmdByAdmin"
	}
	if !found {
		t.Fatalf("admin destroy job cmd: %+v", jobs.AsyncJobs)
	}

	// With the setting, the user may expunge and recover.
	up := adm.Configuration.NewUpdateConfigurationParams(simulator.SettingAllowUserExpungeRecoverVM)
	up.SetValue("true")
	if _, err := adm.Configuration.UpdateConfiguration(up); err != nil {
		t.Fatal(err)
	}
	vm2 := mustDeploy(t, cs, cat, "gone")
	p2 := cs.VirtualMachine.NewDestroyVirtualMachineParams(vm2.Id)
	p2.SetExpunge(true)
	if _, err := cs.VirtualMachine.DestroyVirtualMachine(p2); err != nil {
		t.Fatalf("user expunge with setting: %v", err)
	}
}

// Fact 2: allow.user.view.destroyed.vm (default false), expunge.delay and expunge.interval.
func TestDestroyedVisibilityAndExpunger(t *testing.T) {
	clk := &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	srv := mustServer(t, &simulator.Options{Now: clk.Now})
	adm := mustClient(t, srv, "admin")
	cs := mustClient(t, srv, "demo")
	cat := mustCatalog(t, cs)
	sg, err := cs.SecurityGroup.CreateSecurityGroup(cs.SecurityGroup.NewCreateSecurityGroupParams("held"))
	if err != nil {
		t.Fatal(err)
	}
	p := cs.VirtualMachine.NewDeployVirtualMachineParams(cat.small, cat.debian, cat.zone)
	p.SetName("vanish")
	p.SetSecuritygroupids([]string{sg.Id})
	vm, err := cs.VirtualMachine.DeployVirtualMachine(p)
	if err != nil {
		t.Fatal(err)
	}
	clk.Add(time.Hour)
	if _, err := cs.VirtualMachine.DestroyVirtualMachine(cs.VirtualMachine.NewDestroyVirtualMachineParams(vm.Id)); err != nil {
		t.Fatal(err)
	}
	// The user sees nothing, not even by id or state.
	byID := cs.VirtualMachine.NewListVirtualMachinesParams()
	byID.SetId(vm.Id)
	byState := cs.VirtualMachine.NewListVirtualMachinesParams()
	byState.SetState("Destroyed")
	for _, lp := range []*cloudstack.ListVirtualMachinesParams{cs.VirtualMachine.NewListVirtualMachinesParams(), byID, byState} {
		if l, err := cs.VirtualMachine.ListVirtualMachines(lp); err != nil || l.Count != 0 {
			t.Fatalf("user sees destroyed VM: %v %+v", err, l)
		}
	}
	// The admin sees it in a plain listall list.
	al := adm.VirtualMachine.NewListVirtualMachinesParams()
	al.SetListall(true)
	if l, err := adm.VirtualMachine.ListVirtualMachines(al); err != nil || l.Count != 1 || l.VirtualMachines[0].State != "Destroyed" {
		t.Fatalf("admin list: %v %+v", err, l)
	}
	// Until expunged the VM still holds its security group (536) and its name (431).
	dp := cs.SecurityGroup.NewDeleteSecurityGroupParams()
	dp.SetId(sg.Id)
	_, err = cs.SecurityGroup.DeleteSecurityGroup(dp)
	wantErr(t, err, "536")
	_, err = cs.VirtualMachine.DeployVirtualMachine(p)
	wantErr(t, err, "431", "already exists")

	// expunge.delay = expunge.interval = 86400: nothing happens within the day…
	clk.Add(23 * time.Hour)
	if l, _ := adm.VirtualMachine.ListVirtualMachines(al); l.Count != 1 {
		t.Fatalf("expunged before expunge.delay: %+v", l)
	}
	// …the run at +48h (first run at least a day after the destroy at +1h) expunges it.
	clk.Add(24 * time.Hour)
	if l, _ := adm.VirtualMachine.ListVirtualMachines(al); l.Count != 0 {
		t.Fatalf("not expunged: %+v", l)
	}
	if _, err := cs.SecurityGroup.DeleteSecurityGroup(dp); err != nil {
		t.Fatalf("delete after expunge: %v", err)
	}

	// RunExpunger is the test knob: with expunge.delay 0 it expunges at once.
	sd := simulator.DefaultSeed()
	sd.Settings = map[string]string{simulator.SettingExpungeDelay: "0"}
	srv2 := mustServer(t, &simulator.Options{Seed: sd})
	cs2 := mustClient(t, srv2, "demo")
	v2 := mustDeploy(t, cs2, mustCatalog(t, cs2), "quick")
	cs2.VirtualMachine.DestroyVirtualMachine(cs2.VirtualMachine.NewDestroyVirtualMachineParams(v2.Id))
	if n := srv2.RunExpunger(); n != 1 {
		t.Fatalf("RunExpunger = %d", n)
	}
	if _, err := cs2.VirtualMachine.DeployVirtualMachine(func() *cloudstack.DeployVirtualMachineParams {
		c := mustCatalog(t, cs2)
		p := cs2.VirtualMachine.NewDeployVirtualMachineParams(c.small, c.debian, c.zone)
		p.SetName("quick")
		return p
	}()); err != nil {
		t.Fatalf("name reuse after expunge: %v", err)
	}
}

// Fact 6: pagesize above default.page.size is 431; lists without pagesize return one page.
func TestPageSizeLimit(t *testing.T) {
	sd := simulator.DefaultSeed()
	sd.Settings = map[string]string{simulator.SettingDefaultPageSize: "2"}
	srv := mustServer(t, &simulator.Options{Seed: sd})
	cs := mustClient(t, srv, "demo")
	p := cs.Template.NewListTemplatesParams("featured")
	p.SetPage(1)
	p.SetPagesize(3)
	_, err := cs.Template.ListTemplates(p)
	wantErr(t, err, "431", "Page size can't exceed max allowed page size value: 2")
	l, err := cs.Template.ListTemplates(cs.Template.NewListTemplatesParams("featured"))
	if err != nil || l.Count != 6 || len(l.Templates) != 2 { // 3 templates × 2 zones
		t.Fatalf("default page: %v count %d items %d", err, l.Count, len(l.Templates))
	}
	p.SetPagesize(2)
	p.SetPage(2)
	if l, err = cs.Template.ListTemplates(p); err != nil || len(l.Templates) != 2 || l.Count != 6 {
		t.Fatalf("page 2: %v %+v", err, l)
	}
	// CloudStack's default is 500.
	srv2 := mustServer(t, nil)
	cs2 := mustClient(t, srv2, "demo")
	p2 := cs2.Template.NewListTemplatesParams("featured")
	p2.SetPage(1)
	p2.SetPagesize(501)
	_, err = cs2.Template.ListTemplates(p2)
	wantErr(t, err, "431", "500")
	p2.SetPagesize(500)
	if _, err = cs2.Template.ListTemplates(p2); err != nil {
		t.Fatal(err)
	}
}

// Fact 6: several tags[n] pairs are ORed.
func TestTagsAreORed(t *testing.T) {
	srv := mustServer(t, nil)
	cs := mustClient(t, srv, "demo")
	cat := mustCatalog(t, cs)
	a := mustDeploy(t, cs, cat, "a")
	b := mustDeploy(t, cs, cat, "b")
	mustDeploy(t, cs, cat, "c")
	tag := func(id, k, v string) {
		if _, err := cs.Resourcetags.CreateTags(cs.Resourcetags.NewCreateTagsParams([]string{id}, "UserVm", map[string]string{k: v})); err != nil {
			t.Fatal(err)
		}
	}
	tag(a.Id, "role", "web")
	tag(b.Id, "tier", "db")
	p := cs.VirtualMachine.NewListVirtualMachinesParams()
	p.SetTags(map[string]string{"role": "web", "tier": "db"})
	l, err := cs.VirtualMachine.ListVirtualMachines(p)
	if err != nil || l.Count != 2 {
		t.Fatalf("OR of tags: %v %+v", err, l)
	}
	p.SetTags(map[string]string{"role": "db"})
	if l, err = cs.VirtualMachine.ListVirtualMachines(p); err != nil || l.Count != 0 {
		t.Fatalf("key and value must both match: %v %+v", err, l)
	}
}

// Fact 5: a customized offering without cpuspeed needs details[0].cpuSpeed, on deploy and on
// changeServiceForVirtualMachine; one with a fixed speed refuses it.
func TestCustomOfferingCPUSpeed(t *testing.T) {
	srv := mustServer(t, nil)
	cs := mustClient(t, srv, "demo")
	cat := mustCatalog(t, cs)
	p := cs.VirtualMachine.NewDeployVirtualMachineParams(cat.custom, cat.debian, cat.zone)
	p.SetName("c1")
	p.SetDetails(map[string]string{"cpuNumber": "2", "memory": "1024"})
	_, err := cs.VirtualMachine.DeployVirtualMachine(p)
	wantErr(t, err, "431", "Invalid cpu speed value, specify a value between 1 and 2147483647")
	_, err = cs.VirtualMachine.DeployVirtualMachine(cs.VirtualMachine.NewDeployVirtualMachineParams(cat.custom, cat.debian, cat.zone))
	wantErr(t, err, "431", "Need to specify custom parameter values cpu, cpu speed and memory when using custom offering")
	p.SetDetails(map[string]string{"cpuNumber": "2", "cpuSpeed": "1500", "memory": "1024"})
	vm, err := cs.VirtualMachine.DeployVirtualMachine(p)
	if err != nil || vm.Cpuspeed != 1500 || vm.Cpunumber != 2 {
		t.Fatalf("deploy with cpuSpeed: %v %+v", err, vm)
	}

	small := mustDeploy(t, cs, cat, "s1")
	if _, err := cs.VirtualMachine.StopVirtualMachine(cs.VirtualMachine.NewStopVirtualMachineParams(small.Id)); err != nil {
		t.Fatal(err)
	}
	cp := cs.VirtualMachine.NewChangeServiceForVirtualMachineParams(small.Id, cat.custom)
	cp.SetDetails(map[string]string{"cpuNumber": "2", "memory": "1024"})
	_, err = cs.VirtualMachine.ChangeServiceForVirtualMachine(cp)
	wantErr(t, err, "431", "Invalid cpu speed value")
	cp.SetDetails(map[string]string{"cpuNumber": "2", "cpuSpeed": "800", "memory": "1024"})
	if _, err := cs.VirtualMachine.ChangeServiceForVirtualMachine(cp); err != nil {
		t.Fatal(err)
	}
	got, _, _ := cs.VirtualMachine.GetVirtualMachineByID(small.Id)
	if got.Cpuspeed != 800 || got.Serviceofferingid != cat.custom {
		t.Fatalf("after changeService: %+v", got)
	}

	// demo-recommended's Custom offering fixes the speed: cpuSpeed is then refused and not needed.
	srv2 := mustServer(t, &simulator.Options{Profile: simulator.ProfileDemoRecommended})
	cs2 := mustClient(t, srv2, "demo")
	cat2 := mustCatalog(t, cs2)
	p2 := cs2.VirtualMachine.NewDeployVirtualMachineParams(cat2.custom, cat2.debian, cat2.zone)
	p2.SetDetails(map[string]string{"cpuNumber": "2", "cpuSpeed": "1500", "memory": "1024"})
	_, err = cs2.VirtualMachine.DeployVirtualMachine(p2)
	wantErr(t, err, "431", "is not customizable")
	p2.SetDetails(map[string]string{"cpuNumber": "2", "memory": "1024"})
	if vm, err := cs2.VirtualMachine.DeployVirtualMachine(p2); err != nil || vm.Cpuspeed != 1000 {
		t.Fatalf("fixed speed: %v %+v", err, vm)
	}
}

// expunge.delay is not dynamic: a new value is stored at once and takes effect when the
// management server next starts (here: a restart on the same state file).
func TestNonDynamicSettingAppliesAfterRestart(t *testing.T) {
	clk := &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	file := filepath.Join(t.TempDir(), "state.json")
	srv, err := simulator.New(&simulator.Options{NoListener: true, Now: clk.Now, StateFile: file})
	if err != nil {
		t.Fatal(err)
	}
	adm := mustClient(t, srv, "admin")
	for _, name := range []string{simulator.SettingExpungeDelay, simulator.SettingExpungeInterval} {
		up := adm.Configuration.NewUpdateConfigurationParams(name)
		up.SetValue("10")
		if _, err := adm.Configuration.UpdateConfiguration(up); err != nil {
			t.Fatal(err)
		}
	}
	cs := mustClient(t, srv, "demo")
	vm := mustDeploy(t, cs, mustCatalog(t, cs), "slow")
	cs.VirtualMachine.DestroyVirtualMachine(cs.VirtualMachine.NewDestroyVirtualMachineParams(vm.Id))
	al := adm.VirtualMachine.NewListVirtualMachinesParams()
	al.SetListall(true)
	clk.Add(time.Minute)
	if l, _ := adm.VirtualMachine.ListVirtualMachines(al); l.Count != 1 {
		t.Fatalf("expunged with the new delay before a restart: %+v", l)
	}
	srv.Close()
	srv2, err := simulator.New(&simulator.Options{NoListener: true, Now: clk.Now, StateFile: file})
	if err != nil {
		t.Fatal(err)
	}
	defer srv2.Close()
	adm2 := mustClient(t, srv2, "admin")
	clk.Add(20 * time.Second)
	if l, _ := adm2.VirtualMachine.ListVirtualMachines(al); l.Count != 0 {
		t.Fatalf("not expunged after the restart: %+v", l)
	}
}
