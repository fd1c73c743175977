package auth

import (
	"errors"
	"testing"

	"github.com/cloudgate/cloudgate/translate"
)

const (
	demoKey    = "DEMOAPIKEY0123456789"
	demoSecret = "demo-secret-key/with+chars"
	otherKey   = "OTHERAPIKEY987654321"
)

func testRegistry(t testing.TB) *Registry {
	t.Helper()
	reg, err := NewRegistry(
		User{Name: "demo", Account: "Demo", APIKey: demoKey, Secret: demoSecret, UserID: "u-1"},
		User{Name: "other", Account: "other", Domain: "sub", APIKey: otherKey, Secret: "other-secret"},
		User{Name: "admin", Account: "admin", APIKey: "ADMINKEY", Secret: "admin-secret", Admin: true, Project: "adminproj"},
	)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

func wantKind(t testing.TB, err error, k translate.Kind) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %v", k)
	}
	var te *translate.Error
	if !errors.As(err, &te) {
		t.Fatalf("error %v (%T) is not a *translate.Error", err, err)
	}
	if te.Kind != k {
		t.Fatalf("kind = %v (%v), want %v", te.Kind, err, k)
	}
}
