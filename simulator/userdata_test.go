package simulator_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/cloudgate/cloudgate/simulator"
)

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestUserDataRegistry(t *testing.T) {
	srv := mustServer(t, nil)
	cs := mustClient(t, srv, "demo")
	other := mustClient(t, srv, "other")

	r, err := cs.User.RegisterUserData(cs.User.NewRegisterUserDataParams("cg-a", b64(`{"a":1}`)))
	if err != nil || r.Id == "" || r.Name != "cg-a" || r.Userdata != b64(`{"a":1}`) || r.Account != "demo" {
		t.Fatalf("register: %v %+v", err, r)
	}
	// Names are unique per account (checkForUserDataByName) …
	_, err = cs.User.RegisterUserData(cs.User.NewRegisterUserDataParams("cg-a", b64(`{"a":2}`)))
	wantErr(t, err, "431", "A userdata with name cg-a already exists for this account.")
	// … and so is content (checkForUserData).
	_, err = cs.User.RegisterUserData(cs.User.NewRegisterUserDataParams("cg-b", b64(`{"a":1}`)))
	wantErr(t, err, "431", "Userdata cg-a with same content already exists")
	// Another account may use the same name and content.
	if _, err := other.User.RegisterUserData(other.User.NewRegisterUserDataParams("cg-a", b64(`{"a":1}`))); err != nil {
		t.Fatalf("other account: %v", err)
	}
	_, err = cs.User.RegisterUserData(cs.User.NewRegisterUserDataParams("cg-c", "not base64!"))
	wantErr(t, err, "431", "User data is not base64 encoded.")
	// vm.userdata.max.length (32768 base64 characters by default).
	_, err = cs.User.RegisterUserData(cs.User.NewRegisterUserDataParams("cg-big", b64(strings.Repeat("x", 24577))))
	wantErr(t, err, "431", "User data has exceeded configurable max length: 32768")
	if _, err := cs.User.RegisterUserData(cs.User.NewRegisterUserDataParams("cg-max", b64(strings.Repeat("x", 24576)))); err != nil {
		t.Fatalf("max size: %v", err)
	}
	if _, err := cs.User.RegisterUserData(cs.User.NewRegisterUserDataParams("cg-b", b64(`{"b":1}`))); err != nil {
		t.Fatal(err)
	}

	// listUserData: own account only, newest first; name, keyword and id filters.
	l, err := cs.User.ListUserData(cs.User.NewListUserDataParams())
	if err != nil || l.Count != 3 || l.UserData[0].Name != "cg-b" || l.UserData[2].Name != "cg-a" {
		t.Fatalf("list: %v %+v", err, l)
	}
	p := cs.User.NewListUserDataParams()
	p.SetName("cg-a")
	l, err = cs.User.ListUserData(p)
	if err != nil || l.Count != 1 || l.UserData[0].Id != r.Id || l.UserData[0].Userdata != b64(`{"a":1}`) {
		t.Fatalf("list name: %v %+v", err, l)
	}
	p = cs.User.NewListUserDataParams()
	p.SetKeyword("CG-M")
	l, err = cs.User.ListUserData(p)
	if err != nil || l.Count != 1 || l.UserData[0].Name != "cg-max" {
		t.Fatalf("list keyword: %v %+v", err, l)
	}
	p = cs.User.NewListUserDataParams()
	p.SetId("00000000-0000-0000-0000-00000000dead")
	_, err = cs.User.ListUserData(p)
	wantErr(t, err, "431", "entity does not exist")

	// deleteUserData: another account's id is refused; a deleted id lists empty.
	_, err = other.User.DeleteUserData(other.User.NewDeleteUserDataParams(r.Id))
	wantErr(t, err, "531")
	if _, err := cs.User.DeleteUserData(cs.User.NewDeleteUserDataParams(r.Id)); err != nil {
		t.Fatalf("delete: %v", err)
	}
	_, err = cs.User.DeleteUserData(cs.User.NewDeleteUserDataParams(r.Id))
	wantErr(t, err, "431", "does not exist")
	p = cs.User.NewListUserDataParams()
	p.SetId(r.Id)
	if l, err := cs.User.ListUserData(p); err != nil || l.Count != 0 {
		t.Fatalf("list deleted: %v %+v", err, l)
	}
	// The name is free again.
	if _, err := cs.User.RegisterUserData(cs.User.NewRegisterUserDataParams("cg-a", b64(`{"a":3}`))); err != nil {
		t.Fatalf("re-register: %v", err)
	}
}

func TestUserDataMaxLengthSetting(t *testing.T) {
	srv := mustServer(t, nil)
	adm := mustClient(t, srv, "admin")
	cs := mustClient(t, srv, "demo")
	up := adm.Configuration.NewUpdateConfigurationParams(simulator.SettingVMUserDataMaxLength)
	up.SetValue("8")
	if _, err := adm.Configuration.UpdateConfiguration(up); err != nil {
		t.Fatal(err)
	}
	_, err := cs.User.RegisterUserData(cs.User.NewRegisterUserDataParams("x", b64("123456789")))
	wantErr(t, err, "431", "User data has exceeded configurable max length: 8")
}
