package auth

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"

	"github.com/cloudgate/cloudgate/translate"
)

func init() { gin.SetMode(gin.TestMode) }

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type fixture struct {
	ts    *TokenServer
	srv   *httptest.Server
	reg   *Registry
	clock *clock
	demo  *translate.Principal
}

func newFixture(t *testing.T, tokenURLFixed bool) *fixture {
	t.Helper()
	key, err := KeyFromString("a test gateway secret shared by replicas")
	if err != nil {
		t.Fatal(err)
	}
	reg := testRegistry(t)
	f := &fixture{reg: reg, clock: &clock{t: time.Now()}}
	f.ts = &TokenServer{
		Key: key, Directory: reg, Now: f.clock.Now, Logf: t.Logf,
		Login: func(ctx context.Context, domain, user, password string) (*translate.Principal, error) {
			if user == "demo" && password == "password" && sameDomain(domain, "ROOT") {
				return reg.ByUserName(ctx, domain, user)
			}
			return nil, translate.Errorf(translate.Unauthenticated, "", "", "bad password")
		},
	}
	r := gin.New()
	f.ts.Register(r)
	r.GET("/api", func(c *gin.Context) {
		p, err := f.ts.AuthenticateBearer(c.Request)
		if err != nil {
			c.JSON(401, gin.H{"kind": translate.KindOf(err).String(), "message": err.Error()})
			return
		}
		c.String(200, p.UserName+" "+p.Project)
	})
	f.srv = httptest.NewServer(r)
	t.Cleanup(f.srv.Close)
	if tokenURLFixed {
		f.ts.TokenURL = f.srv.URL + "/token"
	}
	f.demo, _ = reg.ByAPIKey(context.Background(), demoKey)
	return f
}

func (f *fixture) saKey(t *testing.T, p *translate.Principal) []byte {
	t.Helper()
	js, err := NewServiceAccountKey(p, f.srv.URL+"/token", f.ts.Key)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

func (f *fixture) bearer(t *testing.T, tok string) (*translate.Principal, error) {
	t.Helper()
	r := httptest.NewRequest("GET", "/compute/v1/projects/demo/zones", nil)
	r.Header.Set("Authorization", "Bearer "+tok)
	return f.ts.AuthenticateBearer(r)
}

func (f *fixture) postToken(t *testing.T, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := http.PostForm(f.srv.URL+"/token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

func parseSAKey(t *testing.T, js []byte) (ServiceAccountKey, *rsa.PrivateKey) {
	t.Helper()
	var k ServiceAccountKey
	if err := json.Unmarshal(js, &k); err != nil {
		t.Fatal(err)
	}
	b, _ := pem.Decode([]byte(k.PrivateKey))
	pk, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return k, pk.(*rsa.PrivateKey)
}

// assertion builds what google-auth (gcloud) sends.
func assertion(t *testing.T, kid, iss, aud string, priv *rsa.PrivateKey, iat time.Time, life time.Duration, extra map[string]any) string {
	t.Helper()
	claims := map[string]any{"iss": iss, "aud": aud, "iat": iat.Unix(), "exp": iat.Add(life).Unix(),
		"scope": "openid https://www.googleapis.com/auth/cloud-platform https://www.googleapis.com/auth/compute"}
	for k, v := range extra {
		claims[k] = v
	}
	s, err := signJWT(priv, kid, claims)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestServiceAccountKeyFormat(t *testing.T) {
	f := newFixture(t, true)
	js := f.saKey(t, f.demo)
	k, _ := parseSAKey(t, js)
	if k.Type != "service_account" || k.ProjectID != "demo" || !regexp.MustCompile(`^demo@b[a-z2-7]{10}\.demo\.root\.cloudgate$`).MatchString(k.ClientEmail) ||
		k.TokenURI != f.srv.URL+"/token" || k.AuthURI != f.srv.URL+"/authorize" || k.ClientID == "" ||
		!strings.HasPrefix(k.PrivateKey, "-----BEGIN PRIVATE KEY-----") || !strings.HasPrefix(k.PrivateKeyID, "cgsa1.") {
		t.Fatalf("key %s", js)
	}
	if s := fmt.Sprintf("%v %+v %#v", k, k, k); strings.Contains(s, "PRIVATE") {
		t.Fatal("formatting leaks the private key")
	}
	// Email encoding round-trips awkward names.
	for _, p := range []*translate.Principal{
		{UserName: "Alice.Smith@corp.example", Account: "Team A", Domain: "ROOT/sub"},
		{UserName: "x--tricky", Account: "acct", Project: "custom-proj", Domain: "ROOT"},
		{UserName: "bob", Account: "bob"},
	} {
		u, proj, dom, err := parseServiceAccountEmail(ServiceAccountEmail(p))
		wantDom := p.Domain
		if wantDom == "" {
			wantDom = "ROOT"
		}
		if err != nil || u != p.UserName || proj != normalize(clonePrincipal(p)).Project || dom != wantDom {
			t.Errorf("%s: %q %q %q %v", ServiceAccountEmail(p), u, proj, dom, err)
		}
	}
}

func TestJWTBearerWithXOAuth2(t *testing.T) {
	for _, fixed := range []bool{true, false} {
		t.Run(fmt.Sprintf("TokenURL fixed=%v", fixed), func(t *testing.T) {
			f := newFixture(t, fixed)
			js := f.saKey(t, f.demo)
			ctx := context.Background()

			// golang.org/x/oauth2/jwt via google.JWTConfigFromJSON (aud = token_uri).
			cfg, err := google.JWTConfigFromJSON(js, "https://www.googleapis.com/auth/compute")
			if err != nil {
				t.Fatal(err)
			}
			tok, err := cfg.TokenSource(ctx).Token()
			if err != nil {
				t.Fatal(err)
			}
			if tok.TokenType != "Bearer" || time.Until(tok.Expiry) < 59*time.Minute {
				t.Fatalf("token %+v", tok)
			}
			p, err := f.bearer(t, tok.AccessToken)
			if err != nil || p.UserName != "demo" || p.Project != "demo" || p.SecretKey != demoSecret {
				t.Fatalf("bearer: %v %v", p, err)
			}

			// google.CredentialsFromJSON and an authenticated HTTP call.
			creds, err := google.CredentialsFromJSON(ctx, js, "https://www.googleapis.com/auth/compute")
			if err != nil {
				t.Fatal(err)
			}
			resp, err := oauth2.NewClient(ctx, creds.TokenSource).Get(f.srv.URL + "/api")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || string(body) != "demo demo" {
				t.Fatalf("%d %s", resp.StatusCode, body)
			}

			// Self-signed JWT (gcloud auth/service_account_use_self_signed_jwt).
			jts, err := google.JWTAccessTokenSourceWithScope(js, "https://www.googleapis.com/auth/compute")
			if err != nil {
				t.Fatal(err)
			}
			st, err := jts.Token()
			if err != nil {
				t.Fatal(err)
			}
			if p, err := f.bearer(t, st.AccessToken); err != nil || p.UserName != "demo" {
				t.Fatalf("self-signed: %v", err)
			}
			f.ts.DisableSelfSignedJWT = true
			_, err = f.bearer(t, st.AccessToken)
			wantKind(t, err, translate.Unauthenticated)
		})
	}
}

func TestGcloudStyleAssertionAndIDToken(t *testing.T) {
	f := newFixture(t, true)
	k, priv := parseSAKey(t, f.saKey(t, f.demo))
	now := f.clock.Now()

	// ID-token request as gcloud sends it first (aud is Google's, always).
	code, m := f.postToken(t, url.Values{"grant_type": {GrantJWTBearer}, "assertion": {assertion(t, k.PrivateKeyID, k.ClientEmail, GoogleTokenURL, priv, now, time.Hour,
		map[string]any{"target_audience": "32555940559.apps.googleusercontent.com"})}})
	if code != 200 || m["id_token"] == nil || m["access_token"] != nil {
		t.Fatalf("id token: %d %v", code, m)
	}
	idt := m["id_token"].(string)
	j, err := parseJWT(idt)
	if err != nil || j.header.Alg != "EdDSA" || j.claims.Exp == 0 || j.claims.Aud[0] != "32555940559.apps.googleusercontent.com" {
		t.Fatalf("id token %v %+v", err, j)
	}
	// Verify with the published JWKS.
	resp, err := http.Get(f.srv.URL + "/.well-known/jwks.json")
	if err != nil {
		t.Fatal(err)
	}
	var jwks struct{ Keys []map[string]string }
	json.NewDecoder(resp.Body).Decode(&jwks)
	resp.Body.Close()
	x, _ := b64d(jwks.Keys[0]["x"])
	if jwks.Keys[0]["kid"] != j.header.Kid || !ed25519.Verify(x, []byte(j.signingInput), j.signature) {
		t.Fatal("id token does not verify with the JWKS key")
	}
	// An ID token is not an access token.
	_, err = f.bearer(t, idt)
	wantKind(t, err, translate.Unauthenticated)

	// Access-token request.
	code, m = f.postToken(t, url.Values{"grant_type": {GrantJWTBearer}, "assertion": {assertion(t, k.PrivateKeyID, k.ClientEmail, GoogleTokenURL, priv, now, time.Hour, nil)}})
	if code != 200 || m["token_type"] != "Bearer" || m["expires_in"] != float64(3599) {
		t.Fatalf("access token: %d %v", code, m)
	}
	if p, err := f.bearer(t, m["access_token"].(string)); err != nil || p.Project != "demo" {
		t.Fatal(err)
	}

	// Discovery.
	resp, err = http.Get(f.srv.URL + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	var disc map[string]any
	json.NewDecoder(resp.Body).Decode(&disc)
	resp.Body.Close()
	if disc["token_endpoint"] != f.srv.URL+"/token" {
		t.Fatalf("discovery %v", disc)
	}
}

func TestJWTBearerNegative(t *testing.T) {
	f := newFixture(t, true)
	k, priv := parseSAKey(t, f.saKey(t, f.demo))
	ko, privOther := parseSAKey(t, f.saKey(t, f.reg.mustUser(t, otherKey)))
	forger, _ := rsa.GenerateKey(rand.Reader, 2048)
	otherGW, _ := KeyFromString("a different gateway's secret!!")
	otherGWKID := otherGW.serviceAccountKID(k.ClientEmail, &priv.PublicKey)
	now := f.clock.Now()

	cases := []struct {
		name, assertion, want string
	}{
		{"forged signature", assertion(t, k.PrivateKeyID, k.ClientEmail, GoogleTokenURL, forger, now, time.Hour, nil), "Invalid JWT Signature."},
		{"kid of another account", assertion(t, ko.PrivateKeyID, k.ClientEmail, GoogleTokenURL, privOther, now, time.Hour, nil), "Invalid JWT Signature."},
		{"email of another account", assertion(t, k.PrivateKeyID, ko.ClientEmail, GoogleTokenURL, priv, now, time.Hour, nil), "Invalid JWT Signature."},
		{"kid from another gateway", assertion(t, otherGWKID, k.ClientEmail, GoogleTokenURL, priv, now, time.Hour, nil), "Invalid JWT Signature."},
		{"unknown kid", assertion(t, "0123456789abcdef", k.ClientEmail, GoogleTokenURL, priv, now, time.Hour, nil), "Invalid JWT Signature."},
		{"expired", assertion(t, k.PrivateKeyID, k.ClientEmail, GoogleTokenURL, priv, now.Add(-2*time.Hour), time.Hour, nil), "short-lived"},
		{"too long", assertion(t, k.PrivateKeyID, k.ClientEmail, GoogleTokenURL, priv, now, 3*time.Hour, nil), "short-lived"},
		{"issued in the future", assertion(t, k.PrivateKeyID, k.ClientEmail, GoogleTokenURL, priv, now.Add(time.Hour), time.Hour, nil), "short-lived"},
		{"wrong audience", assertion(t, k.PrivateKeyID, k.ClientEmail, "https://evil.example/token", priv, now, time.Hour, nil), "audience"},
		{"malformed", "not.a.jwt", "malformed"},
		{"alg none", b64([]byte(`{"alg":"none","kid":"`+k.PrivateKeyID+`"}`)) + "." + b64([]byte(`{"iss":"`+k.ClientEmail+`"}`)) + ".", "RS256"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, m := f.postToken(t, url.Values{"grant_type": {GrantJWTBearer}, "assertion": {c.assertion}})
			if code != 400 || m["error"] != "invalid_grant" || !strings.Contains(fmt.Sprint(m["error_description"]), c.want) {
				t.Fatalf("%d %v", code, m)
			}
			// The same JWT is no better as a self-signed bearer token.
			if _, err := f.bearer(t, c.assertion); err == nil {
				t.Fatal("accepted as bearer")
			}
		})
	}
	code, m := f.postToken(t, url.Values{"grant_type": {"password"}})
	if code != 400 || m["error"] != "unsupported_grant_type" {
		t.Fatalf("%d %v", code, m)
	}
	code, m = f.postToken(t, url.Values{"grant_type": {GrantJWTBearer}})
	if code != 400 || m["error"] != "invalid_request" {
		t.Fatalf("%d %v", code, m)
	}

	// Revoking the SA key kills new grants and the tokens already issued.
	_, m = f.postToken(t, url.Values{"grant_type": {GrantJWTBearer}, "assertion": {assertion(t, k.PrivateKeyID, k.ClientEmail, GoogleTokenURL, priv, now, time.Hour, nil)}})
	at := m["access_token"].(string)
	if _, err := f.bearer(t, at); err != nil {
		t.Fatal(err)
	}
	if err := f.ts.RevokeServiceAccountKey(k.PrivateKeyID); err != nil {
		t.Fatal(err)
	}
	_, err := f.bearer(t, at)
	wantKind(t, err, translate.Unauthenticated)
	code, _ = f.postToken(t, url.Values{"grant_type": {GrantJWTBearer}, "assertion": {assertion(t, k.PrivateKeyID, k.ClientEmail, GoogleTokenURL, priv, now, time.Hour, nil)}})
	if code != 400 {
		t.Fatal("revoked SA key still grants")
	}
	// The other account's key is unaffected.
	code, _ = f.postToken(t, url.Values{"grant_type": {GrantJWTBearer}, "assertion": {assertion(t, ko.PrivateKeyID, ko.ClientEmail, GoogleTokenURL, privOther, now, time.Hour, nil)}})
	if code != 200 {
		t.Fatal("revocation hit another key")
	}
}

func (r *Registry) mustUser(t *testing.T, apiKey string) *translate.Principal {
	p, err := r.ByAPIKey(context.Background(), apiKey)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestAccessTokenNegative(t *testing.T) {
	f := newFixture(t, true)
	resp, _, err := f.ts.issueAccess(f.demo, "", "", "")
	if err != nil {
		t.Fatal(err)
	}
	at := resp.AccessToken
	if p, err := f.bearer(t, at); err != nil || p.UserName != "demo" {
		t.Fatal(err)
	}
	if strings.Contains(at, demoKey) || strings.Contains(at, "demo") {
		t.Fatal("token shows the identity in clear")
	}

	// Tampering with any character is detected.
	raw := []byte(at)
	for i := len(tokenPrefix); i < len(raw)-1; i += 7 {
		c := append([]byte(nil), raw...)
		if c[i] == 'A' {
			c[i] = 'B'
		} else {
			c[i] = 'A'
		}
		_, err := f.bearer(t, string(c))
		wantKind(t, err, translate.Unauthenticated)
	}
	// Missing / wrong scheme / garbage.
	r := httptest.NewRequest("GET", "/", nil)
	_, err = f.ts.AuthenticateBearer(r)
	wantKind(t, err, translate.Unauthenticated)
	r.Header.Set("Authorization", "Basic ZGVtbzpkZW1v")
	_, err = f.ts.AuthenticateBearer(r)
	wantKind(t, err, translate.Unauthenticated)
	_, err = f.bearer(t, "ya29.some-google-token")
	wantKind(t, err, translate.Unauthenticated)

	// A token sealed by another gateway key.
	other, _ := KeyFromString("another gateway secret entirely")
	ot, _ := other.sealToken(&tokenClaims{Typ: typAccess, ID: "x", User: "demo", APIKey: demoKey, Exp: f.clock.Now().Add(time.Hour).Unix()})
	_, err = f.bearer(t, ot)
	wantKind(t, err, translate.Unauthenticated)

	// A refresh token or a code is not an access token.
	rt, _ := f.ts.Key.sealToken(&tokenClaims{Typ: typRefresh, ID: "y", User: "demo", APIKey: demoKey, Exp: f.clock.Now().Add(time.Hour).Unix()})
	_, err = f.bearer(t, rt)
	wantKind(t, err, translate.Unauthenticated)

	// Another replica with the same key accepts the token (stateless).
	replica := &TokenServer{Key: f.ts.Key, Directory: CachedDirectory(f.reg, time.Minute)}
	if p, err := replica.AuthenticateToken(context.Background(), nil, at); err != nil || p.UserName != "demo" {
		t.Fatalf("replica: %v", err)
	}

	// Revocation.
	http.PostForm(f.srv.URL+"/revoke", url.Values{"token": {at}})
	_, err = f.bearer(t, at)
	wantKind(t, err, translate.Unauthenticated)
	if code, _ := f.postRevoke(t, url.Values{"token": {"garbage"}}); code != 200 {
		t.Fatalf("revoke garbage: %d", code)
	}
	if code, _ := f.postRevoke(t, url.Values{}); code != 400 {
		t.Fatalf("revoke without token: %d", code)
	}

	// Expiry.
	resp, _, _ = f.ts.issueAccess(f.demo, "", "", "")
	f.clock.Add(time.Hour)
	_, err = f.bearer(t, resp.AccessToken)
	wantKind(t, err, translate.Expired)
}

func (f *fixture) postRevoke(t *testing.T, form url.Values) (int, string) {
	resp, err := http.PostForm(f.srv.URL+"/revoke", form)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, string(b)
}

func TestTokenInvalidatedWhenUserChanges(t *testing.T) {
	f := newFixture(t, true)
	resp, _, _ := f.ts.issueAccess(f.demo, "", "", "")
	// The user regenerates their CloudStack keys: the token dies.
	f.reg.set([]User{{Name: "demo", Account: "Demo", APIKey: "NEWKEY", Secret: "new"}})
	_, err := f.bearer(t, resp.AccessToken)
	wantKind(t, err, translate.Unauthenticated)
}

func noRedirectClient() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (f *fixture) oauthConfig() *oauth2.Config {
	return &oauth2.Config{
		ClientID: "test-client", RedirectURL: "http://127.0.0.1:8085/cb", Scopes: []string{"openid", "https://www.googleapis.com/auth/compute"},
		Endpoint: oauth2.Endpoint{AuthURL: f.srv.URL + "/authorize", TokenURL: f.srv.URL + "/token", AuthStyle: oauth2.AuthStyleInParams},
	}
}

// authorize runs the login page with the given credentials and returns the code.
func (f *fixture) authorize(t *testing.T, cfg *oauth2.Config, verifier string, creds url.Values) (string, int) {
	t.Helper()
	authURL := cfg.AuthCodeURL("st4te", oauth2.S256ChallengeOption(verifier))
	resp, err := http.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), `name="code_challenge"`) {
		t.Fatalf("login page %d %s", resp.StatusCode, page)
	}
	u, _ := url.Parse(authURL)
	form := u.Query()
	for k, v := range creds {
		form[k] = v
	}
	resp, err = noRedirectClient().PostForm(f.srv.URL+"/authorize", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		return "", resp.StatusCode
	}
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if loc.Query().Get("state") != "st4te" || !strings.HasPrefix(loc.String(), "http://127.0.0.1:8085/cb?") {
		t.Fatalf("redirect %s", loc)
	}
	return loc.Query().Get("code"), resp.StatusCode
}

func TestAuthorizationCodePKCE(t *testing.T) {
	f := newFixture(t, true)
	cfg := f.oauthConfig()
	ctx := context.Background()
	for _, creds := range []url.Values{
		{"method": {"apikey"}, "apikey": {demoKey}, "secretkey": {demoSecret}},
		{"method": {"password"}, "domain": {"ROOT"}, "username": {"demo"}, "password": {"password"}},
	} {
		verifier := oauth2.GenerateVerifier()
		code, status := f.authorize(t, cfg, verifier, creds)
		if code == "" {
			t.Fatalf("%v: status %d", creds.Get("method"), status)
		}
		tok, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(verifier))
		if err != nil {
			t.Fatal(err)
		}
		if tok.RefreshToken == "" || tok.Extra("id_token") == nil {
			t.Fatalf("token %+v", tok)
		}
		if p, err := f.bearer(t, tok.AccessToken); err != nil || p.UserName != "demo" {
			t.Fatal(err)
		}
		// Code reuse fails.
		if _, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(verifier)); err == nil {
			t.Fatal("code accepted twice")
		}
		// Refresh: an expired token is refreshed through the refresh token.
		tok.Expiry = time.Now().Add(-time.Minute)
		nt, err := cfg.TokenSource(ctx, tok).Token()
		if err != nil {
			t.Fatal(err)
		}
		if nt.AccessToken == tok.AccessToken {
			t.Fatal("not refreshed")
		}
		if _, err := f.bearer(t, nt.AccessToken); err != nil {
			t.Fatal(err)
		}
		// Revoking the refresh token kills it and its access tokens.
		if code, _ := f.postRevoke(t, url.Values{"token": {tok.RefreshToken}}); code != 200 {
			t.Fatal(code)
		}
		nt.Expiry = time.Now().Add(-time.Minute)
		if _, err := cfg.TokenSource(ctx, nt).Token(); err == nil || !strings.Contains(err.Error(), "invalid_grant") {
			t.Fatalf("refresh after revoke: %v", err)
		}
		_, err = f.bearer(t, nt.AccessToken)
		wantKind(t, err, translate.Unauthenticated)
	}

	// PKCE mismatch.
	verifier := oauth2.GenerateVerifier()
	code, _ := f.authorize(t, cfg, verifier, url.Values{"method": {"apikey"}, "apikey": {demoKey}, "secretkey": {demoSecret}})
	if _, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(oauth2.GenerateVerifier())); err == nil || !strings.Contains(err.Error(), "invalid_grant") {
		t.Fatalf("PKCE mismatch: %v", err)
	}
	if _, err := cfg.Exchange(ctx, code); err == nil {
		t.Fatal("exchange without verifier accepted")
	}
	// Wrong redirect_uri at exchange.
	cfg2 := *cfg
	cfg2.RedirectURL = "http://127.0.0.1:9999/other"
	if _, err := cfg2.Exchange(ctx, code, oauth2.VerifierOption(verifier)); err == nil {
		t.Fatal("redirect mismatch accepted")
	}
	// Expired code.
	code, _ = f.authorize(t, cfg, verifier, url.Values{"method": {"apikey"}, "apikey": {demoKey}, "secretkey": {demoSecret}})
	f.clock.Add(6 * time.Minute)
	if _, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(verifier)); err == nil {
		t.Fatal("expired code accepted")
	}

	// Bad credentials.
	for _, creds := range []url.Values{
		{"method": {"apikey"}, "apikey": {demoKey}, "secretkey": {"wrong"}},
		{"method": {"apikey"}, "apikey": {"nokey"}, "secretkey": {"x"}},
		{"method": {"password"}, "username": {"demo"}, "password": {"wrong"}},
	} {
		if code, status := f.authorize(t, cfg, oauth2.GenerateVerifier(), creds); code != "" || status != 401 {
			t.Fatalf("bad credentials %v: %d", creds, status)
		}
	}

	// Requests the page refuses.
	for _, q := range []string{
		"response_type=code&client_id=c&redirect_uri=https://evil.example/cb&code_challenge=" + strings.Repeat("a", 43) + "&code_challenge_method=S256",
		"response_type=code&client_id=c&redirect_uri=http://127.0.0.1/cb",
		"response_type=code&client_id=c&redirect_uri=http://127.0.0.1/cb&code_challenge=" + strings.Repeat("a", 43) + "&code_challenge_method=plain",
		"response_type=token&client_id=c&redirect_uri=http://127.0.0.1/cb&code_challenge=" + strings.Repeat("a", 43) + "&code_challenge_method=S256",
	} {
		resp, err := http.Get(f.srv.URL + "/authorize?" + q)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 400 {
			t.Errorf("%s: %d", q, resp.StatusCode)
		}
	}
}

func TestAuthorizeOOB(t *testing.T) {
	f := newFixture(t, true)
	verifier := oauth2.GenerateVerifier()
	form := url.Values{"response_type": {"code"}, "client_id": {"c"}, "redirect_uri": {OOBRedirect},
		"code_challenge": {pkceS256(verifier)}, "code_challenge_method": {"S256"},
		"method": {"apikey"}, "apikey": {demoKey}, "secretkey": {demoSecret}}
	resp, err := http.PostForm(f.srv.URL+"/authorize", form)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	_, after, ok := strings.Cut(string(page), `<pre id="code">`)
	code, _, _ := strings.Cut(after, "</pre>")
	if !ok || !strings.HasPrefix(code, tokenPrefix) {
		t.Fatalf("%d %s", resp.StatusCode, page)
	}
	st, m := f.postToken(t, url.Values{"grant_type": {GrantAuthorizationCode}, "code": {code}, "code_verifier": {verifier},
		"redirect_uri": {OOBRedirect}, "client_id": {"c"}})
	if st != 200 || m["access_token"] == nil {
		t.Fatalf("%d %v", st, m)
	}
}

func TestAuthorizedUserCredentials(t *testing.T) {
	f := newFixture(t, true)
	js, err := f.ts.NewAuthorizedUser(f.demo, "", "")
	if err != nil {
		t.Fatal(err)
	}
	var au AuthorizedUser
	json.Unmarshal(js, &au)
	if au.Type != "authorized_user" || au.TokenURI != f.srv.URL+"/token" || !strings.HasPrefix(au.RefreshToken, tokenPrefix) {
		t.Fatalf("%s", js)
	}
	if s := fmt.Sprintf("%v %+v %#v", au, au, au); strings.Contains(s, au.RefreshToken) {
		t.Fatal("formatting leaks the refresh token")
	}
	creds, err := google.CredentialsFromJSON(context.Background(), js, "https://www.googleapis.com/auth/compute")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := creds.TokenSource.Token()
	if err != nil {
		t.Fatal(err)
	}
	if p, err := f.bearer(t, tok.AccessToken); err != nil || p.UserName != "demo" {
		t.Fatal(err)
	}
	// Revoke the refresh token: refreshing fails.
	f.postRevoke(t, url.Values{"token": {au.RefreshToken}})
	creds, _ = google.CredentialsFromJSON(context.Background(), js, "https://www.googleapis.com/auth/compute")
	if _, err := creds.TokenSource.Token(); err == nil {
		t.Fatal("revoked refresh token still works")
	}
}
