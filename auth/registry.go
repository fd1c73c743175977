package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/cloudgate/cloudgate/translate"
)

// User is one entry of a registry file. Secret is the CloudStack secret key;
// String never prints it.
type User struct {
	Name      string `json:"name" yaml:"name"`
	UserID    string `json:"userid,omitempty" yaml:"userid,omitempty"`
	Account   string `json:"account" yaml:"account"`
	AccountID string `json:"accountid,omitempty" yaml:"accountid,omitempty"`
	Domain    string `json:"domain,omitempty" yaml:"domain,omitempty"`
	DomainID  string `json:"domainid,omitempty" yaml:"domainid,omitempty"`
	Project   string `json:"project,omitempty" yaml:"project,omitempty"`
	APIKey    string `json:"apikey" yaml:"apikey"`
	Secret    string `json:"secret" yaml:"secret"`
	Admin     bool   `json:"admin,omitempty" yaml:"admin,omitempty"`
}

// String shows the identity and never the secret.
func (u User) String() string { return u.Name + "@" + u.Account + "/" + u.Domain }

// GoString is the same as String.
func (u User) GoString() string { return u.String() }

// Principal converts the entry. Project defaults to the lower-cased account
// name and Domain to ROOT.
func (u User) Principal() *translate.Principal {
	p := &translate.Principal{
		UserID: u.UserID, UserName: u.Name, AccountID: u.AccountID, Account: u.Account,
		DomainID: u.DomainID, Domain: u.Domain, Project: u.Project,
		APIKey: u.APIKey, SecretKey: u.Secret, Admin: u.Admin,
	}
	return normalize(p)
}

// normalize fills Project and Domain defaults on p (in place) and returns it.
func normalize(p *translate.Principal) *translate.Principal {
	if p == nil {
		return nil
	}
	if p.Domain == "" {
		p.Domain = "ROOT"
	}
	if p.Project == "" {
		p.Project = strings.ToLower(p.Account)
	}
	return p
}

func clonePrincipal(p *translate.Principal) *translate.Principal {
	if p == nil {
		return nil
	}
	c := *p
	return &c
}

// sameDomain compares CloudStack domain names; "" means ROOT.
func sameDomain(a, b string) bool {
	if a == "" {
		a = "ROOT"
	}
	if b == "" {
		b = "ROOT"
	}
	return strings.EqualFold(a, b)
}

// registryFile is the on-disk format: either {"users": [...]} or a bare list.
type registryFile struct {
	Users []User `json:"users" yaml:"users"`
}

// Registry is a translate.Directory backed by a JSON or YAML file of users
// (or by a fixed list, see NewRegistry). A file-backed Registry re-reads its
// file when the modification time changes (checked at most once a second).
// Lookups return copies; callers may modify them.
type Registry struct {
	path string
	mu   sync.RWMutex
	mod  time.Time
	size int64
	seen time.Time // last stat
	byKey,
	byName map[string]*translate.Principal
}

// NewRegistry returns an in-memory Registry holding users.
func NewRegistry(users ...User) (*Registry, error) {
	r := &Registry{}
	if err := r.set(users); err != nil {
		return nil, err
	}
	return r, nil
}

// LoadRegistry reads a registry file. Files ending in .json are JSON; others
// are YAML (JSON is valid YAML too). The format is
//
//	users:
//	  - name: demo          # CloudStack user name
//	    account: demo       # CloudStack account name
//	    domain: ROOT        # optional, default ROOT
//	    project: demo       # optional, default lower-cased account
//	    apikey: ...
//	    secret: ...
//	    admin: false
//
// The file should be mode 0600: it holds secret keys.
func LoadRegistry(path string) (*Registry, error) {
	r := &Registry{path: path}
	if err := r.Reload(); err != nil {
		return nil, err
	}
	return r, nil
}

// Reload re-reads the file now.
func (r *Registry) Reload() error {
	if r.path == "" {
		return nil
	}
	st, err := os.Stat(r.path)
	if err != nil {
		return fmt.Errorf("auth: registry: %w", err)
	}
	data, err := os.ReadFile(r.path)
	if err != nil {
		return fmt.Errorf("auth: registry: %w", err)
	}
	users, err := parseRegistry(r.path, data)
	if err != nil {
		return err
	}
	if err := r.set(users); err != nil {
		return err
	}
	r.mu.Lock()
	r.mod, r.size, r.seen = st.ModTime(), st.Size(), time.Now()
	r.mu.Unlock()
	return nil
}

func parseRegistry(path string, data []byte) ([]User, error) {
	var f registryFile
	var err error
	if strings.TrimSpace(string(data)) == "" {
		return nil, nil
	}
	if strings.EqualFold(filepath.Ext(path), ".json") {
		if t := strings.TrimSpace(string(data)); strings.HasPrefix(t, "[") {
			err = json.Unmarshal(data, &f.Users)
		} else {
			err = json.Unmarshal(data, &f)
		}
	} else {
		var node yaml.Node
		if err = yaml.Unmarshal(data, &node); err == nil && len(node.Content) > 0 && node.Content[0].Kind == yaml.SequenceNode {
			err = node.Decode(&f.Users)
		} else if err == nil {
			err = node.Decode(&f)
		}
	}
	if err != nil {
		// The decoder's message may quote file content; keep it short and
		// never echo values (the file holds secrets).
		return nil, fmt.Errorf("auth: registry %s: malformed file", path)
	}
	return f.Users, nil
}

func (r *Registry) set(users []User) error {
	byKey := map[string]*translate.Principal{}
	byName := map[string]*translate.Principal{}
	for i, u := range users {
		if u.Name == "" || u.Account == "" || u.APIKey == "" || u.Secret == "" {
			return fmt.Errorf("auth: registry entry %d (%s): name, account, apikey and secret are required", i+1, u.Name)
		}
		p := u.Principal()
		if _, dup := byKey[p.APIKey]; dup {
			return fmt.Errorf("auth: registry entry %d (%s): duplicate apikey", i+1, u.Name)
		}
		nk := nameKey(p.Domain, p.UserName)
		if _, dup := byName[nk]; dup {
			return fmt.Errorf("auth: registry entry %d (%s): duplicate user in domain %s", i+1, u.Name, p.Domain)
		}
		byKey[p.APIKey] = p
		byName[nk] = p
	}
	r.mu.Lock()
	r.byKey, r.byName = byKey, byName
	r.mu.Unlock()
	return nil
}

func nameKey(domain, user string) string {
	if domain == "" {
		domain = "ROOT"
	}
	return strings.ToLower(domain) + "\x00" + user
}

// maybeReload re-reads the file if it changed; errors keep the old data.
func (r *Registry) maybeReload() {
	if r.path == "" {
		return
	}
	r.mu.RLock()
	fresh := time.Since(r.seen) < time.Second
	r.mu.RUnlock()
	if fresh {
		return
	}
	st, err := os.Stat(r.path)
	r.mu.Lock()
	r.seen = time.Now()
	changed := err == nil && (!st.ModTime().Equal(r.mod) || st.Size() != r.size)
	r.mu.Unlock()
	if changed {
		r.Reload()
	}
}

// ByAPIKey implements translate.Directory.
func (r *Registry) ByAPIKey(_ context.Context, apiKey string) (*translate.Principal, error) {
	r.maybeReload()
	r.mu.RLock()
	p := r.byKey[apiKey]
	r.mu.RUnlock()
	if p == nil {
		return nil, translate.Errorf(translate.NotFound, translate.ResAccount, "", "no user with this API key")
	}
	return clonePrincipal(p), nil
}

// ByUserName implements translate.Directory. Domain "" means ROOT; domain
// names compare case-insensitively, user names exactly.
func (r *Registry) ByUserName(_ context.Context, domain, user string) (*translate.Principal, error) {
	r.maybeReload()
	r.mu.RLock()
	p := r.byName[nameKey(domain, user)]
	r.mu.RUnlock()
	if p == nil {
		return nil, translate.Errorf(translate.NotFound, translate.ResAccount, user, "user %q not found", user)
	}
	return clonePrincipal(p), nil
}

// Users returns the registered users (secrets included: for tooling only).
func (r *Registry) Users() []User {
	r.maybeReload()
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]User, 0, len(r.byKey))
	for _, p := range r.byKey {
		out = append(out, User{Name: p.UserName, UserID: p.UserID, Account: p.Account, AccountID: p.AccountID,
			Domain: p.Domain, DomainID: p.DomainID, Project: p.Project, APIKey: p.APIKey, Secret: p.SecretKey, Admin: p.Admin})
	}
	return out
}

// String describes the registry without secrets.
func (r *Registry) String() string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.path != "" {
		return fmt.Sprintf("auth.Registry{%s, %d users}", r.path, len(r.byKey))
	}
	return fmt.Sprintf("auth.Registry{%d users}", len(r.byKey))
}

// GoString is the same as String.
func (r *Registry) GoString() string { return r.String() }

// CachedDirectory wraps d with a small cache: successful lookups and
// NotFound answers are remembered for ttl (default 30s), so a burst of
// requests costs one CloudStack lookup. Other errors are not cached. Results
// are copies.
func CachedDirectory(d translate.Directory, ttl time.Duration) translate.Directory {
	if ttl <= 0 {
		ttl = 30 * time.Second
	}
	return &cachedDirectory{d: d, ttl: ttl, m: map[string]cacheEntry{}, now: time.Now}
}

type cacheEntry struct {
	p   *translate.Principal
	err error
	exp time.Time
}

type cachedDirectory struct {
	d   translate.Directory
	ttl time.Duration
	now func() time.Time
	mu  sync.Mutex
	m   map[string]cacheEntry
}

const maxCacheEntries = 4096

func (c *cachedDirectory) String() string {
	return fmt.Sprintf("auth.CachedDirectory{%v, ttl=%s}", c.d, c.ttl)
}
func (c *cachedDirectory) GoString() string { return c.String() }

func (c *cachedDirectory) get(ctx context.Context, key string, load func() (*translate.Principal, error)) (*translate.Principal, error) {
	now := c.now()
	c.mu.Lock()
	e, ok := c.m[key]
	c.mu.Unlock()
	if ok && now.Before(e.exp) {
		return clonePrincipal(e.p), e.err
	}
	p, err := load()
	if err == nil || translate.KindOf(err) == translate.NotFound {
		c.mu.Lock()
		if len(c.m) >= maxCacheEntries {
			for k, v := range c.m {
				if !now.Before(v.exp) {
					delete(c.m, k)
				}
			}
			if len(c.m) >= maxCacheEntries {
				clear(c.m)
			}
		}
		c.m[key] = cacheEntry{p: clonePrincipal(normalize(p)), err: err, exp: now.Add(c.ttl)}
		c.mu.Unlock()
	}
	return clonePrincipal(p), err
}

func (c *cachedDirectory) ByAPIKey(ctx context.Context, apiKey string) (*translate.Principal, error) {
	return c.get(ctx, "k\x00"+apiKey, func() (*translate.Principal, error) { return c.d.ByAPIKey(ctx, apiKey) })
}

func (c *cachedDirectory) ByUserName(ctx context.Context, domain, user string) (*translate.Principal, error) {
	if domain == "" {
		domain = "ROOT"
	}
	return c.get(ctx, "u\x00"+strings.ToLower(domain)+"\x00"+user, func() (*translate.Principal, error) { return c.d.ByUserName(ctx, domain, user) })
}
