package csbackend

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/cloudgate/cloudgate/translate"
)

// Directory implements translate.Directory over CloudStack with the
// administrator key pair of Options (getUser → getUserKeys, listUsers).
type Directory struct {
	b *Backend
}

var _ translate.Directory = (*Directory)(nil)

// NewDirectory returns a Directory over the API at apiURL. opts must carry
// AdminAPIKey and AdminSecret.
func NewDirectory(apiURL string, opts *Options) *Directory {
	return &Directory{b: NewBackend(apiURL, opts)}
}

// Directory returns a Directory sharing this backend's clients.
func (b *Backend) Directory() *Directory { return &Directory{b: b} }

type userJSON struct {
	ID          flexString `json:"id"`
	UserName    string     `json:"username"`
	AccountID   flexString `json:"accountid"`
	Account     string     `json:"account"`
	AccountType flexInt    `json:"accounttype"`
	RoleType    string     `json:"roletype"`
	DomainID    flexString `json:"domainid"`
	Domain      string     `json:"domain"`
	State       string     `json:"state"`
	APIKey      string     `json:"apikey"`
	SecretKey   string     `json:"secretkey"`
}

func (d *Directory) admin(ctx context.Context, cmd string, res translate.Resource, p params) (json.RawMessage, error) {
	if d.b.opts.AdminAPIKey == "" {
		return nil, &translate.Error{Op: cmd, Kind: translate.Unimplemented, Message: "no CloudStack administrator key configured"}
	}
	return d.b.callAs(ctx, d.b.opts.AdminAPIKey, d.b.opts.AdminSecret, cmd, res, p)
}

// principal completes a user with its keys (getUserKeys).
func (d *Directory) principal(ctx context.Context, u userJSON) (*translate.Principal, error) {
	if u.SecretKey == "" {
		raw, err := d.admin(ctx, "getUserKeys", translate.ResAccount, params{"id": string(u.ID)})
		if err != nil {
			return nil, err
		}
		var r struct {
			Keys struct {
				APIKey    string `json:"apikey"`
				SecretKey string `json:"secretkey"`
			} `json:"userkeys"`
		}
		if err := decode("getUserKeys", raw, &r); err != nil {
			return nil, err
		}
		u.APIKey, u.SecretKey = r.Keys.APIKey, r.Keys.SecretKey
	}
	if u.APIKey == "" || u.SecretKey == "" {
		return nil, &translate.Error{Op: "getUserKeys", Kind: translate.NotFound, Resource: translate.ResAccount, ID: u.UserName,
			Message: "the user " + u.UserName + " has no API keys"}
	}
	if u.State != "" && !strings.EqualFold(u.State, "enabled") {
		return nil, &translate.Error{Op: "getUser", Kind: translate.PermissionDenied, Resource: translate.ResAccount, ID: u.UserName,
			Message: "the user " + u.UserName + " is " + u.State}
	}
	return &translate.Principal{
		UserID: string(u.ID), UserName: u.UserName, AccountID: string(u.AccountID), Account: u.Account,
		DomainID: string(u.DomainID), Domain: u.Domain, Project: strings.ToLower(u.Account),
		APIKey: u.APIKey, SecretKey: u.SecretKey,
		Admin: u.AccountType == 1 || strings.EqualFold(u.RoleType, "Admin"),
	}, nil
}

// ByAPIKey implements translate.Directory (getUser userapikey=…).
func (d *Directory) ByAPIKey(ctx context.Context, apiKey string) (*translate.Principal, error) {
	raw, err := d.admin(ctx, "getUser", translate.ResAccount, params{"userapikey": apiKey})
	if err != nil {
		if k := translate.KindOf(err); k == translate.InvalidArgument || k == translate.NotFound {
			return nil, &translate.Error{Op: "getUser", Kind: translate.NotFound, Resource: translate.ResAccount, Message: "unknown API key", Err: err}
		}
		return nil, err
	}
	var r struct {
		User userJSON `json:"user"`
	}
	if err := decode("getUser", raw, &r); err != nil {
		return nil, err
	}
	if r.User.ID == "" {
		return nil, &translate.Error{Op: "getUser", Kind: translate.NotFound, Resource: translate.ResAccount, Message: "unknown API key"}
	}
	return d.principal(ctx, r.User)
}

// ByUserName implements translate.Directory (listUsers username=…). domain
// is a domain UUID, name or path ("/a/b" matches the domain named "b");
// "" and "/" mean ROOT.
func (d *Directory) ByUserName(ctx context.Context, domain, user string) (*translate.Principal, error) {
	items, err := d.list(ctx, "listUsers", params{"username": user, "listall": "true"})
	if err != nil {
		return nil, err
	}
	want := strings.Trim(domain, "/")
	if want == "" {
		want = "ROOT"
	}
	for _, it := range items {
		var u userJSON
		if err := decode("listUsers", it, &u); err != nil {
			return nil, err
		}
		if u.UserName != user {
			continue
		}
		last := want[strings.LastIndexByte(want, '/')+1:]
		if strings.EqualFold(u.Domain, want) || strings.EqualFold(u.Domain, last) || string(u.DomainID) == domain {
			return d.principal(ctx, u)
		}
	}
	return nil, &translate.Error{Op: "listUsers", Kind: translate.NotFound, Resource: translate.ResAccount, ID: user,
		Message: "no user " + user + " in domain " + want}
}

// list is Backend.list signed with the administrator key.
func (d *Directory) list(ctx context.Context, cmd string, p params) ([]json.RawMessage, error) {
	if d.b.opts.AdminAPIKey == "" {
		return nil, &translate.Error{Op: cmd, Kind: translate.Unimplemented, Message: "no CloudStack administrator key configured"}
	}
	actx := translate.NewContext(ctx, &translate.Principal{APIKey: d.b.opts.AdminAPIKey, SecretKey: d.b.opts.AdminSecret})
	return d.b.list(actx, cmd, translate.ResAccount, p)
}

// Login checks a user's password with CloudStack's login command (a plain
// form POST, not signed, as CloudStack's UI does) and returns the user's
// principal with its API keys, read with the administrator key. domain is
// a domain path ("" = ROOT). Unauthenticated if the password is wrong.
func (d *Directory) Login(ctx context.Context, domain, user, password string) (*translate.Principal, error) {
	if domain == "" {
		domain = "/"
	}
	form := url.Values{"command": {"login"}, "username": {user}, "password": {password}, "domain": {domain}, "response": {"json"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.b.url, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, Classify("login", translate.ResAccount, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	hc := d.b.opts.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: d.b.opts.Timeout}
	} else {
		c := *hc
		c.Jar = nil // do not keep the session
		hc = &c
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, Classify("login", translate.ResAccount, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, Classify("login", translate.ResAccount, err)
	}
	// {"loginresponse":{…}} on success, {"loginresponse":{"errorcode":…}} or
	// {"errorresponse":…} on failure.
	var env map[string]loginJSON
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, Classify("login", translate.ResAccount, err)
	}
	var lr loginJSON
	for _, v := range env {
		lr = v
	}
	if resp.StatusCode != http.StatusOK || lr.ErrorCode != 0 || lr.UserID == "" {
		code := int(lr.ErrorCode)
		if code == 0 {
			code = resp.StatusCode
		}
		e := ClassifyCode("login", translate.ResAccount, code, 0, lr.ErrorText)
		if e.Kind == translate.InvalidArgument || e.Kind == translate.NotFound || e.Kind == translate.PermissionDenied {
			e.Kind = translate.Unauthenticated
		}
		if e.Kind == translate.Unauthenticated {
			e.Message = "wrong user name or password"
		}
		return nil, e
	}
	// The password is right; read the user and its keys as administrator.
	items, err := d.list(ctx, "listUsers", params{"id": string(lr.UserID), "listall": "true"})
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		var u userJSON
		if err := decode("listUsers", it, &u); err != nil {
			return nil, err
		}
		if string(u.ID) == string(lr.UserID) {
			return d.principal(ctx, u)
		}
	}
	return nil, &translate.Error{Op: "listUsers", Kind: translate.NotFound, Resource: translate.ResAccount, ID: user, Message: "no user " + user}
}

type loginJSON struct {
	ErrorCode flexInt    `json:"errorcode"`
	ErrorText string     `json:"errortext"`
	UserID    flexString `json:"userid"`
	Username  string     `json:"username"`
	DomainID  flexString `json:"domainid"`
}

// Login is Directory.Login for callers holding only a Backend.
func Login(ctx context.Context, apiURL string, opts *Options, domain, user, password string) (*translate.Principal, error) {
	return NewDirectory(apiURL, opts).Login(ctx, domain, user, password)
}
