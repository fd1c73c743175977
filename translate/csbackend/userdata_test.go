package csbackend_test

import (
	"strings"
	"testing"

	"github.com/cloudgate/cloudgate/translate"
	"github.com/cloudgate/cloudgate/translate/csbackend"
)

func TestUserDataOverSimulator(t *testing.T) {
	srv, opts := newSim(t)
	t.Cleanup(func() { _ = srv.Close() })
	b := csbackend.NewBackend(srv.URL(), opts)
	ctx, other := userCtx(t, srv, "demo"), userCtx(t, srv, "other")

	doc := `{"v":1,"name":"web","properties":{"s":"a=b&c"}}`
	r, err := b.RegisterUserData(ctx, "cg-it-web", doc)
	if err != nil || r.ID == "" || r.Name != "cg-it-web" || r.Content != doc {
		t.Fatalf("register: %v %+v", err, r)
	}
	if _, err := b.RegisterUserData(ctx, "cg-it-web", doc+" "); translate.KindOf(err) != translate.AlreadyExists {
		t.Fatalf("duplicate name: %v", err)
	}
	if _, err := b.RegisterUserData(ctx, "cg-it-big", strings.Repeat("x", translate.MaxUserDataBytes+1)); translate.KindOf(err) != translate.InvalidArgument {
		t.Fatalf("too big: %v", err)
	}
	if _, err := b.RegisterUserData(ctx, "cg-it-web2", `{"v":1,"name":"web2"}`); err != nil {
		t.Fatal(err)
	}
	all, err := b.ListUserData(ctx, translate.UserDataQuery{Keyword: "cg-it-"})
	if err != nil || len(all) != 2 {
		t.Fatalf("list keyword: %v %+v", err, all)
	}
	got, err := b.ListUserData(ctx, translate.UserDataQuery{Name: "cg-it-web"})
	if err != nil || len(got) != 1 || got[0] != *r {
		t.Fatalf("list name: %v %+v", err, got)
	}
	if got, err := b.ListUserData(other, translate.UserDataQuery{Name: "cg-it-web"}); err != nil || len(got) != 0 {
		t.Fatalf("other account sees: %v %+v", err, got)
	}
	if err := b.DeleteUserData(other, r.ID); translate.KindOf(err) != translate.PermissionDenied {
		t.Fatalf("other account deletes: %v", err)
	}
	if err := b.DeleteUserData(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	if err := b.DeleteUserData(ctx, r.ID); translate.KindOf(err) != translate.NotFound {
		t.Fatalf("delete again: %v", err)
	}
	if got, err := b.ListUserData(ctx, translate.UserDataQuery{ID: r.ID}); err != nil || len(got) != 0 {
		t.Fatalf("list deleted id: %v %+v", err, got)
	}
}
