package auth

import (
	"context"
	"crypto/rsa"
	"net/url"
	"testing"
	"time"

	"github.com/cloudgate/cloudgate/translate"
)

// Rotating the gateway key with an overlap window: what the previous key
// issued (access and refresh tokens, service-account keys with and
// without kid) keeps working on every replica configured with the new key
// and the previous one until the window ends, and not after; everything
// new is issued with the new key alone.
func TestGatewayKeyRotation(t *testing.T) {
	f := newFixture(t, true)
	old := f.ts.Key
	oldAccess, _, _ := f.ts.issueAccess(f.demo, "", "", "")
	oldSA := f.saKey(t, f.demo)
	k, priv := parseSAKey(t, oldSA)
	exchange := func(kid string) int {
		code, _ := f.postToken(t, url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"},
			"assertion": {assertion(t, kid, k.ClientEmail, f.srv.URL+"/token", priv, f.clock.Now(), time.Hour, nil)}})
		return code
	}

	newKey, err := KeyFromString("the next gateway secret, rotated in")
	if err != nil {
		t.Fatal(err)
	}
	rotated := newKey.WithPrevious(f.clock.Now().Add(30*time.Minute), old)
	rotated.now = f.clock.Now
	f.ts.Key = rotated

	if _, err := f.bearer(t, oldAccess.AccessToken); err != nil {
		t.Errorf("old access token inside the window: %v", err)
	}
	if c := exchange(k.PrivateKeyID); c != 200 {
		t.Errorf("old service-account key (kid) inside the window: %d", c)
	}
	if c := exchange(""); c != 200 {
		t.Errorf("old service-account key (no kid) inside the window: %d", c)
	}
	// New tokens are sealed with the new key only.
	fresh, _, _ := f.ts.issueAccess(f.demo, "", "", "")
	if _, err := newKey.openToken(fresh.AccessToken); err != nil {
		t.Errorf("a new token does not open with the new key alone: %v", err)
	}
	if _, err := old.openToken(fresh.AccessToken); err == nil {
		t.Errorf("a new token opens with the previous key")
	}
	if n := len(rotated.IDTokenPublicKeys()); n != 2 {
		t.Errorf("JWKS has %d keys inside the window, want 2", n)
	}

	// After the window: the previous key's credentials are refused.
	f.clock.Add(31 * time.Minute)
	_, err = f.bearer(t, oldAccess.AccessToken)
	wantKind(t, err, translate.Unauthenticated)
	if c := exchange(k.PrivateKeyID); c != 400 {
		t.Errorf("old service-account key (kid) after the window: %d", c)
	}
	if c := exchange(""); c != 400 {
		t.Errorf("old service-account key (no kid) after the window: %d", c)
	}
	if _, err := f.bearer(t, fresh.AccessToken); err != nil {
		t.Errorf("new token after the window: %v", err)
	}
	if n := len(rotated.IDTokenPublicKeys()); n != 1 {
		t.Errorf("JWKS has %d keys after the window, want 1", n)
	}
}

// A service-account key is bound to the user's CloudStack API key when it
// was made: regenerating the user's keys in CloudStack revokes it on every
// replica, with no shared revocation list; a key made afterwards works.
func TestServiceAccountKeyDiesWithCloudStackKeys(t *testing.T) {
	f := newFixture(t, true)
	js := f.saKey(t, f.demo)
	k, priv := parseSAKey(t, js)
	exchange := func(kid, email string, priv *rsa.PrivateKey) int {
		code, _ := f.postToken(t, url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"},
			"assertion": {assertion(t, kid, email, f.srv.URL+"/token", priv, f.clock.Now(), time.Hour, nil)}})
		return code
	}
	if c := exchange(k.PrivateKeyID, k.ClientEmail, priv); c != 200 {
		t.Fatalf("fresh key: %d", c)
	}
	f.reg.set([]User{{Name: "demo", Account: "Demo", APIKey: "NEWKEY", Secret: "new"}})
	for _, kid := range []string{k.PrivateKeyID, ""} {
		if c := exchange(kid, k.ClientEmail, priv); c != 400 {
			t.Errorf("key made for the old CloudStack keys (with kid: %v): %d, want 400", kid != "", c)
		}
	}
	p, err := f.reg.ByUserName(context.Background(), "ROOT", "demo")
	if err != nil {
		t.Fatal(err)
	}
	k2, priv2 := parseSAKey(t, f.saKey(t, p))
	if c := exchange(k2.PrivateKeyID, k2.ClientEmail, priv2); c != 200 {
		t.Errorf("key made for the new CloudStack keys: %d", c)
	}
}
