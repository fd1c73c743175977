package csbackend

import (
	"context"
	"strings"

	"github.com/cloudgate/cloudgate/translate"
)

var _ translate.AccountDirectory = (*Directory)(nil)

type accountJSON struct {
	ID       flexString `json:"id"`
	Name     string     `json:"name"`
	DomainID flexString `json:"domainid"`
}

func (d *Directory) oneAccount(ctx context.Context, p params, match func(accountJSON) bool, what string) (*translate.Account, error) {
	p["listall"] = "true"
	items, err := d.list(ctx, "listAccounts", p)
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		var a accountJSON
		if err := decode("listAccounts", it, &a); err != nil {
			return nil, err
		}
		if match(a) {
			return &translate.Account{ID: string(a.ID), Name: a.Name, DomainID: string(a.DomainID)}, nil
		}
	}
	return nil, &translate.Error{Op: "listAccounts", Kind: translate.NotFound, Resource: translate.ResAccount, ID: what,
		Message: "no account " + what}
}

// AccountByID implements translate.AccountDirectory (listAccounts id=, as
// the administrator).
func (d *Directory) AccountByID(ctx context.Context, id string) (*translate.Account, error) {
	return d.oneAccount(ctx, params{"id": id}, func(a accountJSON) bool { return strings.EqualFold(string(a.ID), id) }, id)
}

// AccountByName implements translate.AccountDirectory (listAccounts
// name= domainid=, as the administrator).
func (d *Directory) AccountByName(ctx context.Context, domainID, name string) (*translate.Account, error) {
	return d.oneAccount(ctx, params{"name": name}.set("domainid", domainID), func(a accountJSON) bool {
		return strings.EqualFold(a.Name, name) && (domainID == "" || string(a.DomainID) == domainID)
	}, name)
}
