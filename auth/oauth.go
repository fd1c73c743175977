package auth

import (
	"context"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/cloudgate/cloudgate/translate"
)

// Grant types.
const (
	GrantJWTBearer         = "urn:ietf:params:oauth:grant-type:jwt-bearer"
	GrantRefreshToken      = "refresh_token"
	GrantAuthorizationCode = "authorization_code"
	// GoogleTokenURL is the audience gcloud (google-auth) always puts in
	// service-account assertions, whatever the key's token_uri.
	GoogleTokenURL = "https://oauth2.googleapis.com/token"
)

// googleTokenAudiences are the token URLs Google's own libraries put in
// assertions: google-auth (GoogleTokenURL), Libcloud and oauth2client
// (accounts.google.com/o/oauth2/token), older google-api clients
// (www.googleapis.com/oauth2/v4/token and /oauth2/v3/token).
var googleTokenAudiences = []string{
	GoogleTokenURL,
	"https://accounts.google.com/o/oauth2/token",
	"https://www.googleapis.com/oauth2/v4/token",
	"https://www.googleapis.com/oauth2/v3/token",
	"https://oauth2.googleapis.com/oauth2/v4/token",
}

// TokenPaths are the paths the token endpoint answers on: the gateway's
// /token and the paths of Google's token URLs, so that a client pointed at
// the gateway's host with its built-in path (Libcloud posts to
// /o/oauth2/token) needs no patching.
var TokenPaths = []string{"/token", "/o/oauth2/token", "/oauth2/v4/token", "/oauth2/v3/token"}

// LoginFunc checks a CloudStack user name and password (the lead wires it to
// the CloudStack login API) and returns the user's principal. The principal
// must carry either the API key or a Domain and UserName that the
// TokenServer's Directory can resolve.
type LoginFunc func(ctx context.Context, domain, user, password string) (*translate.Principal, error)

// TokenServer is the gateway's OAuth 2.0 authorization server for the GCE
// front end, and the verifier of the bearer tokens it issues. All its state
// is in Key (shared by replicas) and, for revocation, Revocations. The
// zero values of the optional fields are sensible defaults.
type TokenServer struct {
	// Key signs and seals everything. Required.
	Key *Key
	// Directory resolves users when tokens are issued and used. Required.
	Directory translate.Directory
	// Login checks passwords on the login page; nil offers only the API
	// key + secret form.
	Login LoginFunc
	// TokenURL is the public URL of POST /token (what NewServiceAccountKey
	// writes as token_uri). Assertions with this audience, with
	// GoogleTokenURL, or with the URL the request actually came to are
	// accepted. Empty: derived from each request.
	TokenURL string
	// Audiences are further accepted assertion audiences.
	Audiences []string
	// AccessTTL is the access-token lifetime (default 1h); RefreshTTL the
	// refresh-token lifetime (default 30 days); CodeTTL the
	// authorization-code lifetime (default 5 minutes).
	AccessTTL, RefreshTTL, CodeTTL time.Duration
	// MaxSkew is the clock skew allowed on assertion iat/exp (default 5m).
	MaxSkew time.Duration
	// Revocations records revoked IDs; nil keeps an in-memory list.
	Revocations *Revocations
	// RedirectURIs are allowed authorization-code redirect URIs besides
	// loopback http URIs (always allowed, as for native apps) and
	// urn:ietf:wg:oauth:2.0:oob (shows the code).
	RedirectURIs []string
	// DisableSelfSignedJWT rejects self-signed service-account JWTs as
	// bearer tokens (gcloud's auth/service_account_use_self_signed_jwt).
	DisableSelfSignedJWT bool
	// Now returns the current time (default time.Now).
	Now func() time.Time
	// Logf, if set, receives one line per failed grant (never secrets).
	Logf func(format string, args ...any)

	once sync.Once
	rv   *Revocations
}

// String describes the server without secrets.
func (ts *TokenServer) String() string { return "auth.TokenServer{" + ts.TokenURL + "}" }

// GoString is the same as String.
func (ts *TokenServer) GoString() string { return ts.String() }

func (ts *TokenServer) now() time.Time {
	if ts.Now != nil {
		return ts.Now()
	}
	return time.Now()
}

func dur(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

func (ts *TokenServer) revocations() *Revocations {
	ts.once.Do(func() {
		ts.rv = ts.Revocations
		if ts.rv == nil {
			ts.rv, _ = NewRevocations("")
		}
	})
	return ts.rv
}

func (ts *TokenServer) logf(format string, args ...any) {
	if ts.Logf != nil {
		ts.Logf(format, args...)
	}
}

// Register mounts the endpoints on r: POST /token, GET and POST /authorize,
// POST /revoke, GET /.well-known/openid-configuration and GET
// /.well-known/jwks.json (the ID-token verification key).
func (ts *TokenServer) Register(r gin.IRouter) {
	for _, path := range TokenPaths {
		r.POST(path, gin.WrapF(ts.ServeToken))
	}
	r.GET("/authorize", gin.WrapF(ts.ServeAuthorize))
	r.POST("/authorize", gin.WrapF(ts.ServeAuthorize))
	r.POST("/revoke", gin.WrapF(ts.ServeRevoke))
	r.GET("/.well-known/openid-configuration", gin.WrapF(ts.ServeDiscovery))
	r.GET("/.well-known/jwks.json", gin.WrapF(ts.ServeJWKS))
}

// tokenResponse is the JSON of a successful token request.
type tokenResponse struct {
	AccessToken  string `json:"access_token,omitempty"`
	ExpiresIn    int64  `json:"expires_in,omitempty"`
	TokenType    string `json:"token_type,omitempty"`
	RefreshToken string `json:"refresh_token,omitempty"`
	Scope        string `json:"scope,omitempty"`
	IDToken      string `json:"id_token,omitempty"`
}

// oauthError is an OAuth error answer.
type oauthError struct {
	status int
	Code   string `json:"error"`
	Desc   string `json:"error_description,omitempty"`
}

func (e *oauthError) Error() string { return e.Code + ": " + e.Desc }

func invalidGrant(format string, args ...any) *oauthError {
	return &oauthError{http.StatusBadRequest, "invalid_grant", fmt.Sprintf(format, args...)}
}

func invalidRequest(format string, args ...any) *oauthError {
	return &oauthError{http.StatusBadRequest, "invalid_request", fmt.Sprintf(format, args...)}
}

// grantError maps an authentication error to an OAuth error: credential
// problems are invalid_grant (400, not retried by google-auth); backend
// trouble is temporarily_unavailable (503, retried).
func grantError(err error) *oauthError {
	var oe *oauthError
	if errors.As(err, &oe) {
		return oe
	}
	switch translate.KindOf(err) {
	case translate.Unauthenticated, translate.SignatureMismatch, translate.Expired, translate.PermissionDenied, translate.NotFound:
		return invalidGrant("%s", translate.AsError(err).Message)
	}
	return &oauthError{http.StatusServiceUnavailable, "temporarily_unavailable", "the identity backend is unavailable"}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// ServeToken is POST /token.
func (ts *TokenServer) ServeToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeJSON(w, http.StatusMethodNotAllowed, &oauthError{Code: "invalid_request", Desc: "POST required"})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, invalidRequest("malformed form body"))
		return
	}
	var resp *tokenResponse
	var err error
	switch gt := r.PostForm.Get("grant_type"); gt {
	case GrantJWTBearer:
		resp, err = ts.grantJWTBearer(r)
	case GrantRefreshToken:
		resp, err = ts.grantRefresh(r)
	case GrantAuthorizationCode:
		resp, err = ts.grantCode(r)
	case "":
		err = invalidRequest("missing grant_type")
	default:
		err = &oauthError{http.StatusBadRequest, "unsupported_grant_type", "unsupported grant_type " + url.QueryEscape(gt)}
	}
	if err != nil {
		oe := grantError(err)
		ts.logf("auth: token grant %s failed: %s (cause: %v)", r.PostForm.Get("grant_type"), oe.Desc, err)
		writeJSON(w, oe.status, oe)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

// issueAccess mints an access token for p.
func (ts *TokenServer) issueAccess(p *translate.Principal, parent, email, scope string) (*tokenResponse, *tokenClaims, error) {
	now := ts.now()
	ttl := dur(ts.AccessTTL, time.Hour)
	c := &tokenClaims{
		Typ: typAccess, ID: newTokenID(), Parent: parent,
		User: p.UserName, Domain: p.Domain, Project: p.Project, APIKey: p.APIKey, Email: email, Scope: scope,
		Iat: now.Unix(), Exp: now.Add(ttl).Unix(),
	}
	tok, err := ts.Key.sealToken(c)
	if err != nil {
		return nil, nil, err
	}
	// expires_in is one second short of the lifetime, as Google (3599).
	return &tokenResponse{AccessToken: tok, ExpiresIn: int64(ttl/time.Second) - 1, TokenType: "Bearer", Scope: scope}, c, nil
}

// idToken makes an EdDSA-signed OpenID Connect ID token.
func (ts *TokenServer) idToken(r *http.Request, p *translate.Principal, email, aud string) (string, error) {
	now := ts.now()
	if email == "" {
		email = ServiceAccountEmail(p)
	}
	_, kid := ts.Key.IDTokenPublicKey()
	return signJWT(ts.Key.idKey, kid, map[string]any{
		"iss": ts.issuer(r), "aud": aud, "azp": email, "sub": email, "email": email, "email_verified": true,
		"iat": now.Unix(), "exp": now.Add(dur(ts.AccessTTL, time.Hour)).Unix(),
		"cloudgate_project": p.Project,
	})
}

// requestURL is the URL a request was sent to (scheme from TLS or
// X-Forwarded-Proto).
func requestURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if fp := r.Header.Get("X-Forwarded-Proto"); fp == "https" || fp == "http" {
		scheme = fp
	}
	return scheme + "://" + r.Host + r.URL.Path
}

func (ts *TokenServer) tokenURL(r *http.Request) string {
	if ts.TokenURL != "" {
		return ts.TokenURL
	}
	u := requestURL(r)
	if i := strings.LastIndex(u, "/"); i >= 0 && !strings.HasSuffix(u, "/token") {
		u = u[:i] + "/token"
	}
	return u
}

func (ts *TokenServer) issuer(r *http.Request) string {
	return strings.TrimSuffix(ts.tokenURL(r), "/token")
}

func (ts *TokenServer) audienceOK(r *http.Request, aud audience) bool {
	for _, a := range aud {
		a = strings.TrimSuffix(a, "/")
		switch {
		case slices.Contains(googleTokenAudiences, a), a == strings.TrimSuffix(ts.tokenURL(r), "/"):
			return true
		case r != nil && (a == strings.TrimSuffix(requestURL(r), "/") || a == strings.Replace(strings.TrimSuffix(requestURL(r), "/"), "http://", "https://", 1)):
			return true
		}
		for _, extra := range ts.Audiences {
			if a == strings.TrimSuffix(extra, "/") {
				return true
			}
		}
	}
	return false
}

// bearerAudienceOK accepts, for self-signed JWTs, audiences naming a
// Google API host (as google-auth does with an audience instead of scopes),
// this gateway's host (as in the request or TokenURL), or Audiences.
func (ts *TokenServer) bearerAudienceOK(r *http.Request, aud audience) bool {
	if ts.audienceOK(r, aud) {
		return true
	}
	var own []string
	if r != nil && r.Host != "" {
		own = append(own, strings.ToLower(r.Host))
	}
	if u, err := url.Parse(ts.TokenURL); err == nil && u.Host != "" {
		own = append(own, strings.ToLower(u.Host))
	}
	for _, a := range aud {
		u, err := url.Parse(a)
		if err != nil {
			continue
		}
		h := strings.ToLower(u.Host)
		if strings.HasSuffix(u.Hostname(), ".googleapis.com") {
			return true
		}
		for _, o := range own {
			if h == o {
				return true
			}
		}
	}
	return false
}

const opSA = "ServiceAccount"

// verifyServiceAccountJWT checks a JWT signed by a service-account key:
// the kid endorsement, the RS256 signature, iat/exp (lifetime at most 1h),
// key revocation. With assertion set the audience must be a token URL.
// It returns the resolved principal, the claims and the key's revocation ID.
func (ts *TokenServer) verifyServiceAccountJWT(r *http.Request, tok string, assertion bool) (*translate.Principal, *parsedJWT, string, error) {
	j, err := parseJWT(tok)
	if err != nil {
		return nil, nil, "", unauthenticated(opSA, "Invalid JWT: malformed")
	}
	if j.header.Alg != "RS256" {
		return nil, nil, "", unauthenticated(opSA, "Invalid JWT: algorithm must be RS256")
	}
	email := j.claims.Iss
	if email == "" {
		email = j.claims.Sub
	}
	kid := j.header.Kid
	var kidless *translate.Principal
	if kid == "" {
		// Libcloud and other hand-written signers send no kid: try the
		// account's published keys (keystore.go).
		p, pub, err := ts.kidlessKey(r.Context(), j, email)
		if err != nil {
			return nil, nil, "", err
		}
		kidless, kid = p, ts.Key.serviceAccountKID(email, pub)
	} else {
		pub, err := ts.Key.serviceAccountPublicKey(email, kid)
		if err != nil {
			return nil, nil, "", unauthenticated(opSA, "Invalid JWT Signature.")
		}
		if err := j.verifyRS256(pub); err != nil {
			return nil, nil, "", unauthenticated(opSA, "Invalid JWT Signature.")
		}
	}
	now := ts.now()
	skew := dur(ts.MaxSkew, 5*time.Minute)
	iat, exp := time.Unix(int64(j.claims.Iat), 0), time.Unix(int64(j.claims.Exp), 0)
	if j.claims.Exp == 0 || j.claims.Iat == 0 {
		return nil, nil, "", unauthenticated(opSA, "Invalid JWT: iat and exp are required")
	}
	if !now.Before(exp.Add(skew)) {
		return nil, nil, "", expired(opSA, "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.")
	}
	if iat.After(now.Add(skew)) || exp.Sub(iat) > time.Hour+time.Minute || exp.Before(iat) {
		return nil, nil, "", expired(opSA, "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.")
	}
	if assertion && !ts.audienceOK(r, j.claims.Aud) {
		return nil, nil, "", unauthenticated(opSA, "Invalid JWT: audience must be the token endpoint")
	}
	if !assertion && len(j.claims.Aud) > 0 && !ts.bearerAudienceOK(r, j.claims.Aud) {
		return nil, nil, "", unauthenticated(opSA, "Invalid JWT: audience is not this gateway")
	}
	revID := serviceAccountRevocationID(kid)
	if ts.revocations().Revoked(revID) {
		return nil, nil, "", unauthenticated(opSA, "Invalid JWT Signature: the key has been revoked.")
	}
	if kidless != nil {
		return kidless, j, revID, nil
	}
	p, err := ts.serviceAccountPrincipal(r.Context(), email)
	if err != nil {
		return nil, nil, "", err
	}
	return p, j, revID, nil
}

// serviceAccountPrincipal resolves a service account's CloudStack user.
func (ts *TokenServer) serviceAccountPrincipal(ctx context.Context, email string) (*translate.Principal, error) {
	user, project, domain, err := parseServiceAccountEmail(email)
	if err != nil {
		return nil, unauthenticated(opSA, "Invalid JWT: unknown service account")
	}
	p, err := ts.Directory.ByUserName(ctx, domain, user)
	if err != nil {
		return nil, lookupError(opSA, err, "Invalid grant: account not found")
	}
	p = normalize(p)
	if p.Project != project || !sameDomain(p.Domain, domain) {
		return nil, unauthenticated(opSA, "Invalid grant: the service account no longer matches its CloudStack user")
	}
	if fp := boundKeyPrint(email); fp != "" && fp != apiKeyPrint(p.APIKey) {
		return nil, unauthenticated(opSA, "Invalid grant: the key was made for CloudStack API keys that have since been regenerated; create a new key with `cloudgate keys create`")
	}
	return p, nil
}

// kidlessKey checks a JWT without kid against the key derived for its
// client_email (derivedkey.go) and resolves the principal.
func (ts *TokenServer) kidlessKey(ctx context.Context, j *parsedJWT, email string) (*translate.Principal, *rsa.PublicKey, error) {
	if !keySerialRE.MatchString(strings.SplitN(strings.SplitN(email, "@", 2)[len(strings.SplitN(email, "@", 2))-1], ".", 2)[0]) {
		return nil, nil, unauthenticated(opSA, "Invalid JWT Signature: the JWT has no kid and the key of %s cannot be used without one (create a new key with `cloudgate keys create`).", email)
	}
	// The user must exist before any key is derived (derivation costs CPU).
	p, err := ts.serviceAccountPrincipal(ctx, email)
	if err != nil {
		return nil, nil, err
	}
	// The key pair derives from the gateway key: during a rotation's
	// overlap window, keys made under a previous gateway key verify too.
	for _, k := range ts.Key.accepted() {
		pub, err := k.derivedPublicKey(email)
		if err != nil {
			return nil, nil, unauthenticated(opSA, "Invalid JWT Signature.")
		}
		if err := j.verifyRS256(pub); err == nil {
			return p, pub, nil
		}
	}
	return nil, nil, unauthenticated(opSA, "Invalid JWT Signature.")
}

func (ts *TokenServer) grantJWTBearer(r *http.Request) (*tokenResponse, error) {
	assertion := r.PostForm.Get("assertion")
	if assertion == "" {
		return nil, invalidRequest("missing assertion")
	}
	p, j, revID, err := ts.verifyServiceAccountJWT(r, assertion, true)
	if err != nil {
		return nil, err
	}
	email := j.claims.Iss
	if aud := j.claims.TargetAudience; aud != "" {
		// ID-token request: Google answers with id_token only.
		idt, err := ts.idToken(r, p, email, aud)
		if err != nil {
			return nil, err
		}
		return &tokenResponse{IDToken: idt}, nil
	}
	resp, _, err := ts.issueAccess(p, revID, email, j.claims.Scope)
	if err != nil {
		return nil, err
	}
	resp.Scope = ""
	return resp, nil
}

func (ts *TokenServer) grantRefresh(r *http.Request) (*tokenResponse, error) {
	rt := r.PostForm.Get("refresh_token")
	if rt == "" {
		return nil, invalidRequest("missing refresh_token")
	}
	c, err := ts.Key.openToken(rt)
	if err != nil || c.Typ != typRefresh {
		return nil, invalidGrant("Bad Request")
	}
	if c.expired(ts.now()) || ts.revocations().Revoked(c.ID, c.Parent) {
		return nil, invalidGrant("Token has been expired or revoked.")
	}
	if c.ClientID != "" && r.PostForm.Get("client_id") != "" && r.PostForm.Get("client_id") != c.ClientID {
		return nil, &oauthError{http.StatusUnauthorized, "invalid_client", "The OAuth client was not found."}
	}
	p, err := ts.resolve(r.Context(), c)
	if err != nil {
		return nil, err
	}
	resp, _, err := ts.issueAccess(p, c.ID, c.Email, c.Scope)
	if err != nil {
		return nil, err
	}
	if hasScope(c.Scope, "openid") {
		aud := c.ClientID
		if aud == "" {
			aud = "cloudgate"
		}
		if resp.IDToken, err = ts.idToken(r, p, c.Email, aud); err != nil {
			return nil, err
		}
	}
	return resp, nil
}

func hasScope(scopes, s string) bool {
	for _, x := range strings.Fields(scopes) {
		if x == s {
			return true
		}
	}
	return false
}

func pkceS256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return b64(sum[:])
}

func (ts *TokenServer) grantCode(r *http.Request) (*tokenResponse, error) {
	code := r.PostForm.Get("code")
	if code == "" {
		return nil, invalidRequest("missing code")
	}
	c, err := ts.Key.openToken(code)
	if err != nil || c.Typ != typCode {
		return nil, invalidGrant("Malformed auth code.")
	}
	now := ts.now()
	if c.expired(now) || ts.revocations().Revoked(c.ID) {
		return nil, invalidGrant("Bad Request: the code has expired or was already used")
	}
	if r.PostForm.Get("redirect_uri") != c.Redirect {
		return nil, invalidGrant("redirect_uri does not match the authorization request")
	}
	if cid := r.PostForm.Get("client_id"); cid != "" && cid != c.ClientID {
		return nil, &oauthError{http.StatusUnauthorized, "invalid_client", "client_id does not match the authorization request"}
	}
	verifier := r.PostForm.Get("code_verifier")
	if verifier == "" || subtle.ConstantTimeCompare([]byte(pkceS256(verifier)), []byte(c.Challenge)) != 1 {
		return nil, invalidGrant("Invalid code verifier.")
	}
	// Single use (on replicas sharing the revocation list).
	if err := ts.revocations().Revoke(c.ID, time.Unix(c.Exp, 0)); err != nil {
		return nil, err
	}
	p, err := ts.resolve(r.Context(), c)
	if err != nil {
		return nil, err
	}
	rtc := &tokenClaims{
		Typ: typRefresh, ID: newTokenID(), User: p.UserName, Domain: p.Domain, Project: p.Project, APIKey: p.APIKey,
		Email: c.Email, Scope: c.Scope, ClientID: c.ClientID,
		Iat: now.Unix(), Exp: now.Add(dur(ts.RefreshTTL, 30*24*time.Hour)).Unix(),
	}
	rt, err := ts.Key.sealToken(rtc)
	if err != nil {
		return nil, err
	}
	resp, _, err := ts.issueAccess(p, rtc.ID, c.Email, c.Scope)
	if err != nil {
		return nil, err
	}
	resp.RefreshToken = rt
	if hasScope(c.Scope, "openid") {
		if resp.IDToken, err = ts.idToken(r, p, c.Email, c.ClientID); err != nil {
			return nil, err
		}
	}
	return resp, nil
}

const opBearer = "OAuth2"

// resolve finds the current principal for a token's identity: by API key
// when the token has one (so regenerating the CloudStack keys invalidates
// outstanding tokens), otherwise by domain and user name.
func (ts *TokenServer) resolve(ctx context.Context, c *tokenClaims) (*translate.Principal, error) {
	var p *translate.Principal
	var err error
	if c.APIKey != "" {
		p, err = ts.Directory.ByAPIKey(ctx, c.APIKey)
	} else {
		p, err = ts.Directory.ByUserName(ctx, c.Domain, c.User)
	}
	if err != nil {
		return nil, lookupError(opBearer, err, "Request had invalid authentication credentials: the user no longer exists or its keys changed.")
	}
	p = normalize(p)
	if p.UserName != c.User || !sameDomain(p.Domain, c.Domain) {
		return nil, unauthenticated(opBearer, "Request had invalid authentication credentials: the user no longer matches the token.")
	}
	return p, nil
}

const msgInvalidCredentials = "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project."

// AuthenticateBearer authenticates a GCE API request from its
// "Authorization: Bearer" header. It accepts the gateway's access tokens
// and, unless DisableSelfSignedJWT, self-signed service-account JWTs. The
// returned principal has Project set; the caller checks it against the
// project in the URL. Errors are *translate.Error: Unauthenticated
// (missing, malformed, forged, revoked) or Expired.
func (ts *TokenServer) AuthenticateBearer(r *http.Request) (*translate.Principal, error) {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if h == "" {
		return nil, unauthenticated(opBearer, "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.")
	}
	tok = strings.TrimSpace(tok)
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return nil, unauthenticated(opBearer, msgInvalidCredentials)
	}
	return ts.AuthenticateToken(r.Context(), r, tok)
}

// AuthenticateToken checks a bearer token value. r may be nil (it is only
// used for the request context of self-signed JWTs).
func (ts *TokenServer) AuthenticateToken(ctx context.Context, r *http.Request, tok string) (*translate.Principal, error) {
	if strings.HasPrefix(tok, tokenPrefix) {
		c, err := ts.Key.openToken(tok)
		if err != nil || c.Typ != typAccess {
			return nil, unauthenticated(opBearer, msgInvalidCredentials)
		}
		if c.expired(ts.now()) {
			return nil, expired(opBearer, "Request had invalid authentication credentials: the access token has expired.")
		}
		if ts.revocations().Revoked(c.ID, c.Parent) {
			return nil, unauthenticated(opBearer, "Request had invalid authentication credentials: the access token has been revoked.")
		}
		return ts.resolve(ctx, c)
	}
	if !ts.DisableSelfSignedJWT && looksLikeJWT(tok) {
		if r == nil {
			r = (&http.Request{URL: &url.URL{}, Header: http.Header{}}).WithContext(ctx)
		}
		p, _, _, err := ts.verifyServiceAccountJWT(r, tok, false)
		if err != nil {
			if translate.KindOf(err) == translate.Unauthenticated {
				return nil, unauthenticated(opBearer, msgInvalidCredentials)
			}
			return nil, err
		}
		return p, nil
	}
	return nil, unauthenticated(opBearer, msgInvalidCredentials)
}

// ServeRevoke is POST /revoke (RFC 7009): token=<access or refresh token>.
// Unknown or invalid tokens are answered 200 as the RFC asks.
func (ts *TokenServer) ServeRevoke(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil || r.Form.Get("token") == "" {
		writeJSON(w, http.StatusBadRequest, invalidRequest("missing token"))
		return
	}
	if c, err := ts.Key.openToken(r.Form.Get("token")); err == nil && !c.expired(ts.now()) {
		if err := ts.revocations().Revoke(c.ID, time.Unix(c.Exp, 0)); err != nil {
			ts.logf("auth: revoke: %v", err)
			writeJSON(w, http.StatusServiceUnavailable, &oauthError{Code: "temporarily_unavailable", Desc: "could not record the revocation"})
			return
		}
	}
	writeJSON(w, http.StatusOK, struct{}{})
}

// RevokeServiceAccountKey revokes a service-account key by its
// private_key_id, forever, together with the access tokens issued for it.
func (ts *TokenServer) RevokeServiceAccountKey(privateKeyID string) error {
	return ts.revocations().Revoke(serviceAccountRevocationID(privateKeyID), time.Time{})
}

// ServeDiscovery is GET /.well-known/openid-configuration.
func (ts *TokenServer) ServeDiscovery(w http.ResponseWriter, r *http.Request) {
	iss := ts.issuer(r)
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                iss,
		"authorization_endpoint":                iss + "/authorize",
		"token_endpoint":                        iss + "/token",
		"revocation_endpoint":                   iss + "/revoke",
		"jwks_uri":                              iss + "/.well-known/jwks.json",
		"response_types_supported":              []string{"code"},
		"grant_types_supported":                 []string{GrantAuthorizationCode, GrantRefreshToken, GrantJWTBearer},
		"code_challenge_methods_supported":      []string{"S256"},
		"id_token_signing_alg_values_supported": []string{"EdDSA"},
		"subject_types_supported":               []string{"public"},
		"token_endpoint_auth_methods_supported": []string{"none", "client_secret_post"},
	})
}

// ServeJWKS is GET /.well-known/jwks.json: the Ed25519 ID-token keys (the
// current one first, then those of a rotation's previous keys).
func (ts *TokenServer) ServeJWKS(w http.ResponseWriter, r *http.Request) {
	_, cur := ts.Key.IDTokenPublicKey()
	all := ts.Key.IDTokenPublicKeys()
	kids := make([]string, 0, len(all))
	for kid := range all {
		if kid != cur {
			kids = append(kids, kid)
		}
	}
	sort.Strings(kids)
	var keys []map[string]string
	for _, kid := range append([]string{cur}, kids...) {
		keys = append(keys, map[string]string{"kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig", "kid": kid, "x": b64(all[kid])})
	}
	writeJSON(w, http.StatusOK, map[string]any{"keys": keys})
}
