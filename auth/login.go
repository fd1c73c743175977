package auth

import (
	"crypto/subtle"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/cloudgate/cloudgate/translate"
)

// The authorization-code flow (RFC 6749 §4.1 with PKCE, RFC 7636, S256
// only). GET /authorize shows a small login page; POST /authorize checks
// either a CloudStack user name and password (through TokenServer.Login) or
// an API key and secret key (through the Directory), and redirects to
// redirect_uri with a code. The code is a sealed gateway token (5 minutes)
// holding the identity, client_id, redirect_uri and code_challenge, so no
// server-side session is needed; it is made single-use by recording its ID
// in the revocation list when it is redeemed.

// OOBRedirect asks the login page to display the code instead of
// redirecting.
const OOBRedirect = "urn:ietf:wg:oauth:2.0:oob"

type authorizeParams struct {
	ResponseType, ClientID, RedirectURI, State, Scope, Challenge, Method string
}

func readAuthorizeParams(f url.Values) authorizeParams {
	return authorizeParams{
		ResponseType: f.Get("response_type"), ClientID: f.Get("client_id"), RedirectURI: f.Get("redirect_uri"),
		State: f.Get("state"), Scope: f.Get("scope"), Challenge: f.Get("code_challenge"), Method: f.Get("code_challenge_method"),
	}
}

// redirectAllowed accepts loopback http(s) URIs (native apps, RFC 8252),
// the out-of-band URN, and configured URIs.
func (ts *TokenServer) redirectAllowed(uri string) bool {
	if uri == OOBRedirect || slices.Contains(ts.RedirectURIs, uri) {
		return true
	}
	u, err := url.Parse(uri)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.User != nil || u.Fragment != "" {
		return false
	}
	host := u.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// validate checks the request parameters; errors are shown on the page
// (never redirected, since the redirect URI itself may be the problem).
func (ts *TokenServer) validate(p authorizeParams) string {
	switch {
	case p.ResponseType != "code":
		return "response_type must be code"
	case p.ClientID == "":
		return "client_id is required"
	case !ts.redirectAllowed(p.RedirectURI):
		return "redirect_uri is not allowed (use a loopback address)"
	case p.Challenge == "" || p.Method != "S256":
		return "PKCE is required: code_challenge with code_challenge_method=S256"
	case len(p.Challenge) < 43 || len(p.Challenge) > 128:
		return "code_challenge must be 43 to 128 characters"
	}
	return ""
}

var loginPage = template.Must(template.New("login").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>cloudgate sign-in</title>
<style>body{font-family:sans-serif;max-width:28em;margin:3em auto}fieldset{margin:1em 0}label{display:block;margin:.4em 0}input[type=text],input[type=password]{width:100%}.err{color:#b00}</style>
</head><body>
<h1>Sign in to cloudgate</h1>
{{if .Code}}<p>Copy this code into your application:</p><pre id="code">{{.Code}}</pre>
{{else}}{{if .Error}}<p class="err">{{.Error}}</p>{{end}}
{{if .Valid}}<p>Application <b>{{.P.ClientID}}</b> asks for access{{if .P.Scope}} ({{.P.Scope}}){{end}}.</p>
{{if .Password}}<form method="post"><fieldset><legend>CloudStack user</legend>
{{template "hidden" .P}}<input type="hidden" name="method" value="password">
<label>Domain <input type="text" name="domain" value="ROOT"></label>
<label>User name <input type="text" name="username" autocomplete="username" required></label>
<label>Password <input type="password" name="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button></fieldset></form>{{end}}
<form method="post"><fieldset><legend>CloudStack API keys</legend>
{{template "hidden" .P}}<input type="hidden" name="method" value="apikey">
<label>API key <input type="text" name="apikey" required></label>
<label>Secret key <input type="password" name="secretkey" required></label>
<button type="submit">Sign in</button></fieldset></form>{{end}}{{end}}
</body></html>
{{define "hidden"}}<input type="hidden" name="response_type" value="{{.ResponseType}}">
<input type="hidden" name="client_id" value="{{.ClientID}}">
<input type="hidden" name="redirect_uri" value="{{.RedirectURI}}">
<input type="hidden" name="state" value="{{.State}}">
<input type="hidden" name="scope" value="{{.Scope}}">
<input type="hidden" name="code_challenge" value="{{.Challenge}}">
<input type="hidden" name="code_challenge_method" value="{{.Method}}">{{end}}`))

type loginView struct {
	P        authorizeParams
	Valid    bool
	Password bool
	Error    string
	Code     string
}

func (ts *TokenServer) renderLogin(w http.ResponseWriter, status int, v loginView) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
	w.WriteHeader(status)
	loginPage.Execute(w, v)
}

// ServeAuthorize is GET and POST /authorize.
func (ts *TokenServer) ServeAuthorize(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		ts.renderLogin(w, http.StatusBadRequest, loginView{Error: "malformed request"})
		return
	}
	p := readAuthorizeParams(r.Form)
	view := loginView{P: p, Password: ts.Login != nil}
	if msg := ts.validate(p); msg != "" {
		view.Error = msg
		ts.renderLogin(w, http.StatusBadRequest, view)
		return
	}
	view.Valid = true
	if r.Method != http.MethodPost {
		ts.renderLogin(w, http.StatusOK, view)
		return
	}

	var pr *translate.Principal
	var err error
	switch r.PostForm.Get("method") {
	case "password":
		if ts.Login == nil {
			err = unauthenticated("Login", "password sign-in is not enabled")
			break
		}
		pr, err = ts.Login(r.Context(), r.PostForm.Get("domain"), r.PostForm.Get("username"), r.PostForm.Get("password"))
	default:
		pr, err = ts.Directory.ByAPIKey(r.Context(), r.PostForm.Get("apikey"))
		if err == nil && subtle.ConstantTimeCompare([]byte(pr.SecretKey), []byte(r.PostForm.Get("secretkey"))) != 1 {
			err = unauthenticated("Login", "wrong key")
		}
	}
	if err != nil || pr == nil {
		ts.logf("auth: login failed for client %q: %v", p.ClientID, err)
		view.Error = "Sign-in failed: check your credentials."
		status := http.StatusUnauthorized
		if k := translate.KindOf(err); err != nil && k != translate.Unauthenticated && k != translate.NotFound && k != translate.PermissionDenied && k != translate.SignatureMismatch {
			view.Error = "The identity service is unavailable; try again later."
			status = http.StatusServiceUnavailable
		}
		ts.renderLogin(w, status, view)
		return
	}
	pr = normalize(pr)
	now := ts.now()
	code, err := ts.Key.sealToken(&tokenClaims{
		Typ: typCode, ID: newTokenID(), User: pr.UserName, Domain: pr.Domain, Project: pr.Project, APIKey: pr.APIKey,
		Scope: p.Scope, ClientID: p.ClientID, Redirect: p.RedirectURI, Challenge: p.Challenge,
		Iat: now.Unix(), Exp: now.Add(dur(ts.CodeTTL, 5*time.Minute)).Unix(),
	})
	if err != nil {
		view.Error = "internal error"
		ts.renderLogin(w, http.StatusInternalServerError, view)
		return
	}
	if p.RedirectURI == OOBRedirect {
		view.Code = code
		ts.renderLogin(w, http.StatusOK, view)
		return
	}
	u, _ := url.Parse(p.RedirectURI)
	q := u.Query()
	q.Set("code", code)
	if p.State != "" {
		q.Set("state", p.State)
	}
	u.RawQuery = q.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}
