package translate

import (
	"context"
	"slices"
	"strings"
)

// ImageSharing is who may launch a template besides its owner: everyone
// (public) or the named CloudStack accounts (launch permissions).
type ImageSharing struct {
	Public   bool
	Accounts []string // CloudStack account names, sorted
}

// ImagePermissions returns a template's launch permissions
// (listTemplatePermissions).
func (s *Service) ImagePermissions(ctx context.Context, id string) (*ImageSharing, error) {
	tp, err := s.cs.ListTemplatePermissions(ctx, id)
	if err != nil {
		return nil, opErr("ImagePermissions", ResImage, id, err)
	}
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	out := &ImageSharing{Public: tp.Public, Accounts: []string{}}
	for _, a := range tp.Accounts {
		// CloudStack lists the owner too when the template is not public;
		// the owner can always launch its template and EC2 does not list it.
		if !strings.EqualFold(a, p.Account) {
			out.Accounts = append(out.Accounts, a)
		}
	}
	slices.SortFunc(out.Accounts, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	return out, nil
}

// ImageShareChange changes a template's launch permissions. Add and
// Remove name CloudStack accounts (in the owner's domain); Public nil
// leaves the template's visibility alone; Reset makes the template private
// and removes every account (CloudStack's op=reset).
type ImageShareChange struct {
	Add, Remove []string
	Public      *bool
	Reset       bool
}

// ShareImage applies c with updateTemplatePermissions: one call for the
// public flag and the additions, one for the removals, in that order, so a
// refused addition (unknown account, a public template the operator does
// not allow) changes nothing. Only the owner (or an admin) may do this.
func (s *Service) ShareImage(ctx context.Context, id string, c ImageShareChange) error {
	const op = "ShareImage"
	if c.Reset {
		f := false
		if err := s.cs.UpdateTemplatePermissions(ctx, UpdateTemplatePermissionsRequest{ID: id, Public: &f}); err != nil {
			return opErr(op, ResImage, id, err)
		}
		tp, err := s.cs.ListTemplatePermissions(ctx, id)
		if err != nil {
			return opErr(op, ResImage, id, err)
		}
		// op=reset also clears isfeatured, which only admins may set;
		// op=remove with every account is the owner's equivalent.
		c.Remove = append(c.Remove, tp.Accounts...)
		c.Public = nil
	}
	if c.Public != nil || len(c.Add) > 0 {
		req := UpdateTemplatePermissionsRequest{ID: id, Public: c.Public}
		if len(c.Add) > 0 {
			req.Op, req.Accounts = "add", c.Add
		}
		if err := s.cs.UpdateTemplatePermissions(ctx, req); err != nil {
			return opErr(op, ResImage, id, err)
		}
	}
	if len(c.Remove) > 0 {
		if err := s.cs.UpdateTemplatePermissions(ctx, UpdateTemplatePermissionsRequest{ID: id, Op: "remove", Accounts: c.Remove}); err != nil {
			return opErr(op, ResImage, id, err)
		}
	}
	return nil
}

// imageInZone makes img launchable in zoneID. A GCE image is global and an
// EC2 AMI regional, while a CloudStack template lives in the zones it was
// registered in, created in or copied to. When the caller owns a template
// that is missing from the zone, it is copied there (copyTemplate keeps
// the template's id, so the image stays the one the caller named); a
// public or shared template missing from the zone cannot be copied by the
// caller and is refused naming the zone.
func (s *Service) imageInZone(ctx context.Context, op string, img *Image, zone *Zone) error {
	if len(img.ZoneIDs) == 0 || slices.Contains(img.ZoneIDs, zone.ID) {
		return nil // cross-zone, or there already
	}
	p, err := principal(ctx)
	if err != nil {
		return err
	}
	if !strings.EqualFold(img.Owner, p.Account) {
		return &Error{Op: op, Kind: FailedPrecondition, Resource: ResImage, ID: img.ID,
			Message: "the image " + img.Name + " is not available in zone " + zone.Name + " and only its owner can copy it there"}
	}
	r, err := s.cs.CopyTemplate(ctx, img.ID, img.ZoneIDs[0], []string{zone.ID})
	if err != nil {
		return opErr(op, ResImage, img.ID, err)
	}
	if _, err := s.await(ctx, op, ResImage, img.ID, r.JobID); err != nil {
		return err
	}
	img.ZoneIDs = append(img.ZoneIDs, zone.ID)
	return nil
}

// Account is a CloudStack account as an AccountDirectory knows it.
type Account struct {
	ID, Name, DomainID string
}

// AccountDirectory resolves CloudStack accounts by id or name. A user
// cannot (listAccounts shows a user only its own account), so EC2 launch
// permissions, which name accounts by the id GetCallerIdentity answers,
// need the gateway's directory: csbackend.Directory (administrator key)
// or auth.Registry (the accounts of its file). Both return NotFound
// (ResAccount) for an account they do not know.
type AccountDirectory interface {
	AccountByID(ctx context.Context, id string) (*Account, error)
	AccountByName(ctx context.Context, domainID, name string) (*Account, error)
}
