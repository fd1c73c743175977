package simulator_test

import (
	"testing"

	"github.com/apache/cloudstack-go/v2/cloudstack"
)

func TestUsersAndKeys(t *testing.T) {
	srv := mustServer(t, nil)
	adm := mustClient(t, srv, "admin")
	key, _, _ := srv.UserKeys("demo")

	// getUser wraps the user in a "user" object, which cloudstack-go does not unwrap.
	var gu struct {
		User struct {
			Username string `json:"username"`
			Account  string `json:"account"`
		} `json:"user"`
	}
	p := &cloudstack.CustomServiceParams{}
	p.SetParam("userapikey", key)
	if err := custom(adm).CustomRequest("getUser", p, &gu); err != nil || gu.User.Username != "demo" {
		t.Fatalf("getUser: %v %+v", err, gu)
	}
	ul := adm.User.NewListUsersParams()
	ul.SetUsername("demo")
	users, err := adm.User.ListUsers(ul)
	if err != nil || users.Count != 1 || users.Users[0].Apikey != key || users.Users[0].Secretkey != "" {
		t.Fatalf("listUsers: %v %+v", err, users)
	}
	nk, err := adm.User.RegisterUserKeys(adm.User.NewRegisterUserKeysParams(users.Users[0].Id))
	if err != nil || nk.Apikey == "" || nk.Apikey == key {
		t.Fatalf("registerUserKeys: %v %+v", err, nk)
	}
	if k2, s2, _ := srv.UserKeys("demo"); k2 != nk.Apikey || s2 != nk.Secretkey {
		t.Fatal("UserKeys does not return the new keys")
	}
	// the old key no longer works
	old := cloudstack.NewAsyncClient(srv.URL(), key, "x", false, cloudstack.WithHTTPClient(srv.HTTPClient()))
	_, err = old.Zone.ListZones(old.Zone.NewListZonesParams())
	wantErr(t, err, "401")
	demo := mustClient(t, srv, "demo")
	if _, err := demo.Zone.ListZones(demo.Zone.NewListZonesParams()); err != nil {
		t.Fatalf("new keys: %v", err)
	}
	// users cannot read other users' keys
	ol := adm.User.NewListUsersParams()
	ol.SetUsername("other")
	others, _ := adm.User.ListUsers(ol)
	_, err = demo.User.GetUserKeys(demo.User.NewGetUserKeysParams(others.Users[0].Id))
	wantErr(t, err, "531")
}

func TestRegisterTemplate(t *testing.T) {
	srv := mustServer(t, nil)
	cs := mustClient(t, srv, "demo")
	cat := mustCatalog(t, cs)
	ost, _ := cs.GuestOS.ListOsTypes(cs.GuestOS.NewListOsTypesParams())
	p := cs.Template.NewRegisterTemplateParams("my image", "qcow2", "Simulator", "myimg", "http://example.com/img.qcow2")
	p.SetOstypeid(ost.OsTypes[0].Id)
	p.SetZoneid(cat.zone)
	r, err := cs.Template.RegisterTemplate(p)
	if err != nil || r.Count != 1 || r.RegisterTemplate[0].Name != "myimg" || !r.RegisterTemplate[0].Isready {
		t.Fatalf("registerTemplate: %v %+v", err, r)
	}
	// usable for deploys by the owner, invisible to others
	dp := cs.VirtualMachine.NewDeployVirtualMachineParams(cat.small, r.RegisterTemplate[0].Id, cat.zone)
	if _, err := cs.VirtualMachine.DeployVirtualMachine(dp); err != nil {
		t.Fatalf("deploy from registered template: %v", err)
	}
	other := mustClient(t, srv, "other")
	l, err := other.Template.ListTemplates(other.Template.NewListTemplatesParams("executable"))
	if err != nil || l.Count != 6 {
		t.Fatalf("other's executable templates: %v %d", err, l.Count)
	}
	op := other.VirtualMachine.NewDeployVirtualMachineParams(cat.small, r.RegisterTemplate[0].Id, cat.zone)
	_, err = other.VirtualMachine.DeployVirtualMachine(op)
	wantErr(t, err, "531")
}

func TestAdminCatalogDecodes(t *testing.T) {
	srv := mustServer(t, nil)
	adm := mustClient(t, srv, "admin")
	if l, err := adm.Pod.ListPods(adm.Pod.NewListPodsParams()); err != nil || l.Count != 2 {
		t.Fatalf("pods: %v %+v", err, l)
	}
	if l, err := adm.Cluster.ListClusters(adm.Cluster.NewListClustersParams()); err != nil || l.Count != 2 || l.Clusters[0].Hypervisortype != "Simulator" {
		t.Fatalf("clusters: %v %+v", err, l)
	}
	zp := adm.Zone.NewListZonesParams()
	zp.SetShowcapacities(true)
	if l, err := adm.Zone.ListZones(zp); err != nil || len(l.Zones[0].Capacity) != 2 || l.Zones[0].Capacity[0].Capacitytotal != 8<<30 {
		t.Fatalf("zone capacity: %v %+v", err, l)
	}
	if l, err := adm.APIDiscovery.ListApis(adm.APIDiscovery.NewListApisParams()); err != nil || l.Count < 70 {
		t.Fatalf("listApis: %v %+v", err, l)
	}
	if l, err := adm.Account.ListAccounts(adm.Account.NewListAccountsParams()); err != nil || l.Count != 3 || len(l.Accounts[0].User) != 1 {
		t.Fatalf("accounts: %v %+v", err, l)
	}
	if _, err := adm.Authentication.Logout(adm.Authentication.NewLogoutParams()); err != nil {
		t.Fatalf("logout: %v", err)
	}
}
