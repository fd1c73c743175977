package auth

import (
	"context"
	"strings"

	"github.com/cloudgate/cloudgate/translate"
)

var _ translate.AccountDirectory = (*Registry)(nil)

func (r *Registry) findAccount(match func(*translate.Principal) bool, what string) (*translate.Account, error) {
	r.maybeReload()
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, p := range r.byKey {
		if p.AccountID != "" && match(p) {
			return &translate.Account{ID: p.AccountID, Name: p.Account, DomainID: p.DomainID}, nil
		}
	}
	return nil, &translate.Error{Op: "registry", Kind: translate.NotFound, Resource: translate.ResAccount, ID: what,
		Message: "no account " + what + " in the registry"}
}

// AccountByID implements translate.AccountDirectory over the accounts of
// the registry's users (those with an accountid).
func (r *Registry) AccountByID(_ context.Context, id string) (*translate.Account, error) {
	return r.findAccount(func(p *translate.Principal) bool { return strings.EqualFold(p.AccountID, id) }, id)
}

// AccountByName implements translate.AccountDirectory.
func (r *Registry) AccountByName(_ context.Context, domainID, name string) (*translate.Account, error) {
	return r.findAccount(func(p *translate.Principal) bool {
		return strings.EqualFold(p.Account, name) && (domainID == "" || p.DomainID == domainID)
	}, name)
}
