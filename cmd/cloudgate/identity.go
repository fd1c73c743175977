package main

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/cloudgate/cloudgate/auth"
	"github.com/cloudgate/cloudgate/translate"
	"github.com/cloudgate/cloudgate/translate/csbackend"
)

// identity is the gateway's authentication state: the gateway key, the
// directory of CloudStack users and the two request authenticators.
type identity struct {
	key *auth.Key
	dir translate.Directory
	// accounts resolves accounts for EC2 image launch permissions.
	accounts translate.AccountDirectory
	tokens   *auth.TokenServer
	sigv4    *auth.SigV4
}

func newIdentity(c *Config, be *backend, tokenURL string, logger *slog.Logger) (*identity, error) {
	var key *auth.Key
	var err error
	if c.Auth.Key != "" {
		key, err = auth.KeyFromString(c.Auth.Key)
	} else {
		key, err = auth.LoadOrCreateKey(filepath.Join(c.DataDir, "gateway.key"))
	}
	if err != nil {
		return nil, err
	}
	if c.Auth.PreviousKey != "" {
		// A rotation in progress: the previous key's tokens and
		// service-account keys stay valid until the end of the window.
		prev, err := auth.KeyFromString(c.Auth.PreviousKey)
		if err != nil {
			return nil, fmt.Errorf("auth.previous_key: %w", err)
		}
		until, _ := time.Parse(time.RFC3339, c.Auth.PreviousUntil)
		key = key.WithPrevious(until, prev)
		logger.Info("gateway key rotation: the previous key is accepted until " + until.UTC().Format(time.RFC3339))
	}
	var dir translate.Directory
	var accounts translate.AccountDirectory
	var login auth.LoginFunc
	if c.Auth.Registry != "" {
		reg, err := auth.LoadRegistry(c.Auth.Registry)
		if err != nil {
			return nil, err
		}
		dir, accounts = reg, reg
	} else {
		if be.adminKey == "" {
			return nil, fmt.Errorf("either an admin key pair (to resolve callers through CloudStack) or --registry is required")
		}
		csdir := csbackend.NewDirectory(be.url, be.csOptions(c))
		dir = auth.CachedDirectory(csdir, 30*time.Second)
		accounts = csdir
		login = csdir.Login
	}
	rv, err := auth.NewRevocations(filepath.Join(c.DataDir, "revocations.json"))
	if err != nil {
		return nil, err
	}
	alog := logger.With("component", "auth")
	return &identity{
		key:      key,
		dir:      dir,
		accounts: accounts,
		tokens: &auth.TokenServer{
			Key:         key,
			Directory:   dir,
			Login:       login,
			TokenURL:    tokenURL,
			Revocations: rv,
			Logf:        func(f string, a ...any) { alog.Info(fmt.Sprintf(f, a...)) },
		},
		// The EC2 endpoint also serves STS GetCallerIdentity (ec2compat/sts.go).
		sigv4: &auth.SigV4{Directory: dir, AllowSigV2: c.Auth.AllowSigV2, Services: []string{"sts"}},
	}, nil
}

func (b *backend) csOptions(c *Config) *csbackend.Options {
	return &csbackend.Options{
		AdminAPIKey: b.adminKey,
		AdminSecret: b.adminSecret,
		VerifySSL:   c.CloudStack.VerifySSL,
		Timeout:     c.CloudStack.Timeout,
	}
}
