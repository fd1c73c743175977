package auth

import (
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/cloudgate/cloudgate/translate"
)

// DefaultClientID is the client_id written into authorized_user files when
// none is given.
const DefaultClientID = "cloudgate-cli"

// AuthorizedUser is the Google "authorized_user" credentials file format.
type AuthorizedUser struct {
	Type         string `json:"type"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	RefreshToken string `json:"refresh_token"`
	TokenURI     string `json:"token_uri,omitempty"`
	QuotaProject string `json:"quota_project_id,omitempty"`
}

// String omits the refresh token.
func (a AuthorizedUser) String() string { return "AuthorizedUser{" + a.ClientID + "}" }

// GoString is the same as String.
func (a AuthorizedUser) GoString() string { return a.String() }

// NewAuthorizedUser issues a refresh token for p (as if p had signed in on
// the login page) and returns it as an authorized_user credentials JSON
// pointing at tokenURI, for clients that take such files
// (golang.org/x/oauth2/google, google-auth). The client secret is not
// checked by the gateway; the refresh token is the credential. Revoke it
// with POST /revoke.
func (ts *TokenServer) NewAuthorizedUser(p *translate.Principal, clientID, tokenURI string) ([]byte, error) {
	if p == nil || p.UserName == "" {
		return nil, errors.New("auth: authorized user needs a principal")
	}
	if tokenURI == "" {
		tokenURI = ts.TokenURL
	}
	if tokenURI == "" {
		return nil, errors.New("auth: empty token URI")
	}
	if clientID == "" {
		clientID = DefaultClientID
	}
	p = normalize(clonePrincipal(p))
	now := ts.now()
	rt, err := ts.Key.sealToken(&tokenClaims{
		Typ: typRefresh, ID: newTokenID(), User: p.UserName, Domain: p.Domain, Project: p.Project, APIKey: p.APIKey,
		Scope: "openid https://www.googleapis.com/auth/cloud-platform https://www.googleapis.com/auth/compute", ClientID: clientID,
		Iat: now.Unix(), Exp: now.Add(dur(ts.RefreshTTL, 30*24*time.Hour)).Unix(),
	})
	if err != nil {
		return nil, err
	}
	return json.MarshalIndent(AuthorizedUser{
		Type: "authorized_user", ClientID: clientID, ClientSecret: "unused-" + strings.ToLower(p.Project),
		RefreshToken: rt, TokenURI: tokenURI, QuotaProject: "",
	}, "", "  ")
}
