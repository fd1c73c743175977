package translate

import (
	"context"
	"log/slog"
)

// Principal is the authenticated caller. It maps a gateway identity (an AWS
// access key, an OAuth2 subject) to one CloudStack user and that user's API
// key pair. Every CloudStack call made for a request is signed with these
// keys.
type Principal struct {
	UserID    string // CloudStack user UUID
	UserName  string
	AccountID string // CloudStack account UUID
	Account   string // CloudStack account name
	DomainID  string
	Domain    string
	// Project is the GCE project name this principal may use. By
	// convention it is the CloudStack account name, lower-cased.
	Project string
	// APIKey and SecretKey are the user's CloudStack keys. SecretKey must
	// never be logged or written to a response.
	APIKey    string
	SecretKey string
	Admin     bool // account type admin (used only for display and checks)
}

// String names the principal without its keys. It has a value receiver so
// that formatting a Principal value or pointer never prints SecretKey.
func (p Principal) String() string {
	return p.UserName + "@" + p.Account
}

// GoString is String, so %#v cannot leak the secret either.
func (p Principal) GoString() string { return p.String() }

// LogValue keeps the keys out of structured logs.
func (p Principal) LogValue() slog.Value {
	return slog.GroupValue(slog.String("user", p.UserName), slog.String("account", p.Account))
}

type principalKey struct{}

// NewContext returns a context carrying p.
func NewContext(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the principal stored by NewContext.
func FromContext(ctx context.Context) (*Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(*Principal)
	return p, ok && p != nil
}

// Directory resolves gateway identities to principals (with their CloudStack
// keys). csbackend implements it over CloudStack with an administrator key
// (getUser → getUserKeys); auth implements a file-backed registry. Methods
// return NotFound if the identity is unknown.
type Directory interface {
	// ByAPIKey finds the user owning a CloudStack API key.
	ByAPIKey(ctx context.Context, apiKey string) (*Principal, error)
	// ByUserName finds a user by name (within domain, "" = ROOT).
	ByUserName(ctx context.Context, domain, user string) (*Principal, error)
}
