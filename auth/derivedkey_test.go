package auth

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestKidlessAssertion: Libcloud's service-account flow (no kid, aud
// accounts.google.com/o/oauth2/token, POST to /o/oauth2/token) gets a token
// from any replica holding the Key; a wrong key or an old key without a
// serial does not.
func TestKidlessAssertion(t *testing.T) {
	f := newFixture(t, true)
	k, priv := parseSAKey(t, f.saKey(t, f.demo))
	// A second replica with the same Key and nothing else.
	other := newFixture(t, true)
	now := f.clock.Now()
	jwt := assertion(t, "", k.ClientEmail, "https://accounts.google.com/o/oauth2/token", priv, now, time.Hour, nil)
	for _, srv := range []string{f.srv.URL, other.srv.URL} {
		for _, path := range []string{"/o/oauth2/token", "/token"} {
			resp, err := http.PostForm(srv+path, url.Values{"grant_type": {GrantJWTBearer}, "assertion": {jwt}})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("kid-less assertion at %s%s = %d", srv, path, resp.StatusCode)
			}
		}
	}
	// Signed by another key of the same user: refused.
	_, priv2 := parseSAKey(t, f.saKey(t, f.demo))
	bad := assertion(t, "", k.ClientEmail, "https://accounts.google.com/o/oauth2/token", priv2, now, time.Hour, nil)
	if code, m := f.postToken(t, url.Values{"grant_type": {GrantJWTBearer}, "assertion": {bad}}); code != 400 || m["error"] != "invalid_grant" {
		t.Fatalf("wrong key = %d %v", code, m)
	}
	// An email without a serial cannot be used without kid.
	old := strings.Replace(k.ClientEmail, strings.SplitN(strings.SplitN(k.ClientEmail, "@", 2)[1], ".", 2)[0]+".", "", 1)
	bad = assertion(t, "", old, "https://accounts.google.com/o/oauth2/token", priv, now, time.Hour, nil)
	if code, m := f.postToken(t, url.Values{"grant_type": {GrantJWTBearer}, "assertion": {bad}}); code != 400 || !strings.Contains(m["error_description"].(string), "no kid") {
		t.Fatalf("kid-less without serial = %d %v", code, m)
	}
	// Revoking the key (by its private_key_id) revokes kid-less use too.
	if err := f.ts.RevokeServiceAccountKey(k.PrivateKeyID); err != nil {
		t.Fatal(err)
	}
	if code, _ := f.postToken(t, url.Values{"grant_type": {GrantJWTBearer}, "assertion": {jwt}}); code != 400 {
		t.Fatalf("revoked kid-less key = %d", code)
	}
}

func TestDerivedKeyDeterministic(t *testing.T) {
	f := newFixture(t, true)
	a, err := f.ts.Key.derivedKey("demo@kaaaaaaaaaa.demo.root.cloudgate")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := f.ts.Key.derivedKey("demo@kaaaaaaaaaa.demo.root.cloudgate")
	c, _ := f.ts.Key.derivedKey("demo@kaaaaaaaaab.demo.root.cloudgate")
	if a.N.Cmp(b.N) != 0 || a.N.Cmp(c.N) == 0 || a.N.BitLen() != 2048 {
		t.Fatal("derived keys are not deterministic per email")
	}
}
