package auth

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cloudgate/cloudgate/translate"
)

func TestRegistryFiles(t *testing.T) {
	dir := t.TempDir()
	yml := filepath.Join(dir, "users.yaml")
	os.WriteFile(yml, []byte(`users:
  - name: demo
    account: Demo
    apikey: K1
    secret: S1
  - name: ops
    account: ops
    domain: ROOT/sub
    project: ops-proj
    apikey: K2
    secret: S2
    admin: true
`), 0o600)
	js := filepath.Join(dir, "users.json")
	os.WriteFile(js, []byte(`[{"name":"demo","account":"Demo","apikey":"K1","secret":"S1"}]`), 0o600)
	ctx := context.Background()
	for _, path := range []string{yml, js} {
		reg, err := LoadRegistry(path)
		if err != nil {
			t.Fatal(err)
		}
		p, err := reg.ByAPIKey(ctx, "K1")
		if err != nil || p.UserName != "demo" || p.Project != "demo" || p.Domain != "ROOT" || p.SecretKey != "S1" {
			t.Fatalf("%s: %+v %v", path, p, err)
		}
		if p2, err := reg.ByUserName(ctx, "", "demo"); err != nil || p2.APIKey != "K1" {
			t.Fatalf("%s: by name: %v", path, err)
		}
		p.SecretKey = "mutated"
		if p3, _ := reg.ByAPIKey(ctx, "K1"); p3.SecretKey != "S1" {
			t.Fatal("registry returned shared principal")
		}
		_, err = reg.ByAPIKey(ctx, "nope")
		wantKind(t, err, translate.NotFound)
		if s := fmt.Sprintf("%v %+v %#v %v", reg, reg, reg, reg.Users()); strings.Contains(s, "S1") {
			t.Fatalf("formatting leaks a secret: %s", s)
		}
	}
	reg, _ := LoadRegistry(yml)
	ops, err := reg.ByUserName(ctx, "root/SUB", "ops")
	if err != nil || ops.Project != "ops-proj" || !ops.Admin {
		t.Fatalf("ops: %+v %v", ops, err)
	}
	_, err = reg.ByUserName(ctx, "ROOT", "ops")
	wantKind(t, err, translate.NotFound)

	// The file is re-read when it changes.
	os.WriteFile(yml, []byte("users:\n  - {name: demo, account: Demo, apikey: K9, secret: S9}\n"), 0o600)
	future := time.Now().Add(2 * time.Second)
	os.Chtimes(yml, future, future)
	reg.mu.Lock()
	reg.seen = time.Time{}
	reg.mu.Unlock()
	if _, err := reg.ByAPIKey(ctx, "K9"); err != nil {
		t.Fatalf("reload: %v", err)
	}
	// A broken file keeps the previous data and never echoes content.
	os.WriteFile(yml, []byte("users: [ {name: x, secret: TOPSECRET"), 0o600)
	if err := reg.Reload(); err == nil || strings.Contains(err.Error(), "TOPSECRET") {
		t.Fatalf("broken file: %v", err)
	}
	if _, err := reg.ByAPIKey(ctx, "K9"); err != nil {
		t.Fatal("lost data after a bad reload")
	}
}

func TestRegistryValidation(t *testing.T) {
	if _, err := NewRegistry(User{Name: "a", Account: "a", APIKey: "k"}); err == nil {
		t.Fatal("missing secret accepted")
	}
	if _, err := NewRegistry(User{Name: "a", Account: "a", APIKey: "k", Secret: "s"}, User{Name: "b", Account: "b", APIKey: "k", Secret: "s"}); err == nil {
		t.Fatal("duplicate key accepted")
	}
	if _, err := NewRegistry(User{Name: "a", Account: "a", APIKey: "k", Secret: "s"}, User{Name: "a", Account: "b", APIKey: "k2", Secret: "s"}); err == nil {
		t.Fatal("duplicate name accepted")
	}
	u := User{Name: "a", Account: "a", APIKey: "k", Secret: "SECRET"}
	if s := fmt.Sprintf("%v %+v %#v %s", u, u, u, []User{u}); strings.Contains(s, "SECRET") {
		t.Fatalf("User formatting leaks: %s", s)
	}
}

type countingDir struct {
	translate.Directory
	n atomic.Int32
}

func (c *countingDir) ByAPIKey(ctx context.Context, k string) (*translate.Principal, error) {
	c.n.Add(1)
	return c.Directory.ByAPIKey(ctx, k)
}

func (c *countingDir) ByUserName(ctx context.Context, d, u string) (*translate.Principal, error) {
	c.n.Add(1)
	return c.Directory.ByUserName(ctx, d, u)
}

func TestCachedDirectory(t *testing.T) {
	inner := &countingDir{Directory: testRegistry(t)}
	cd := CachedDirectory(inner, time.Minute).(*cachedDirectory)
	now := time.Now()
	cd.now = func() time.Time { return now }
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		p, err := cd.ByAPIKey(ctx, demoKey)
		if err != nil || p.UserName != "demo" {
			t.Fatal(err)
		}
		p.SecretKey = "mutated"
		_, err = cd.ByAPIKey(ctx, "unknown")
		wantKind(t, err, translate.NotFound)
		cd.ByUserName(ctx, "", "demo")
		cd.ByUserName(ctx, "ROOT", "demo")
	}
	if n := inner.n.Load(); n != 3 {
		t.Fatalf("%d lookups, want 3", n)
	}
	if p, _ := cd.ByAPIKey(ctx, demoKey); p.SecretKey != demoSecret {
		t.Fatal("cache returned a shared principal")
	}
	now = now.Add(2 * time.Minute)
	cd.ByAPIKey(ctx, demoKey)
	if n := inner.n.Load(); n != 4 {
		t.Fatalf("%d lookups after expiry, want 4", n)
	}
	if s := fmt.Sprintf("%v", cd); strings.Contains(s, demoSecret) {
		t.Fatal(s)
	}
}

func TestAWSProfile(t *testing.T) {
	p := &translate.Principal{APIKey: "AK", SecretKey: "SK"}
	cred, cfg := AWSProfile(p, "cg", "zone1", "https://gw:8443/")
	if string(cred) != "[cg]\naws_access_key_id = AK\naws_secret_access_key = SK\n" {
		t.Fatalf("%q", cred)
	}
	if string(cfg) != "[profile cg]\nregion = zone1\nendpoint_url = https://gw:8443/\noutput = json\n" {
		t.Fatalf("%q", cfg)
	}
	_, cfg = AWSProfile(p, "", "zone1", "")
	if !strings.HasPrefix(string(cfg), "[default]\n") {
		t.Fatalf("%q", cfg)
	}
}

func TestRevocationsFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "revoked.json")
	a, err := NewRevocations(path)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewRevocations(path) // another replica on a shared volume
	if err := a.Revoke("tok1", time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	a.Revoke("gone", time.Now().Add(-time.Hour))
	a.Revoke("forever", time.Time{})
	b.mu.Lock()
	b.seen = time.Time{}
	b.mu.Unlock()
	if !b.Revoked("tok1") || !b.Revoked("x", "forever") || b.Revoked("gone") || b.Revoked("other") {
		t.Fatal("replica does not see revocations")
	}
	if err := b.Revoke("tok2", time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	c, _ := NewRevocations(path)
	if !c.Revoked("tok1") || !c.Revoked("tok2") {
		t.Fatal("merge lost an entry")
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", st.Mode())
	}
}

func TestKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "gateway.key")
	k1, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", st.Mode())
	}
	tok, _ := k1.sealToken(&tokenClaims{Typ: typAccess, ID: "i", User: "u"})
	if _, err := k2.openToken(tok); err != nil {
		t.Fatal("reloaded key cannot open tokens")
	}
	if _, err := KeyFromString("short"); err == nil {
		t.Fatal("short secret accepted")
	}
	if s := fmt.Sprintf("%v %+v %#v", k1, k1, k1); strings.Contains(s, string(k1.secret)) || !strings.HasPrefix(s, "auth.Key{cg-") {
		t.Fatalf("%s", s)
	}
}
