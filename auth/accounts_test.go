package auth_test

import (
	"context"
	"testing"

	"github.com/cloudgate/cloudgate/auth"
	"github.com/cloudgate/cloudgate/translate"
)

func TestRegistryAccounts(t *testing.T) {
	reg, err := auth.NewRegistry(
		auth.User{Name: "u1", Account: "demo", AccountID: "a-1", DomainID: "d-1", APIKey: "k1", Secret: "s1"},
		auth.User{Name: "u2", Account: "other", AccountID: "a-2", DomainID: "d-1", APIKey: "k2", Secret: "s2"},
		auth.User{Name: "u3", Account: "noid", APIKey: "k3", Secret: "s3"},
	)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if a, err := reg.AccountByID(ctx, "A-2"); err != nil || a.Name != "other" || a.DomainID != "d-1" {
		t.Fatalf("AccountByID = %+v, %v", a, err)
	}
	if a, err := reg.AccountByName(ctx, "d-1", "Demo"); err != nil || a.ID != "a-1" {
		t.Fatalf("AccountByName = %+v, %v", a, err)
	}
	if _, err := reg.AccountByName(ctx, "d-2", "demo"); translate.KindOf(err) != translate.NotFound {
		t.Fatalf("AccountByName in another domain: %v", err)
	}
	if _, err := reg.AccountByName(ctx, "", "noid"); translate.KindOf(err) != translate.NotFound {
		t.Fatalf("an account without id: %v", err)
	}
}
