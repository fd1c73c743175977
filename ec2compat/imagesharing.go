package ec2compat

import (
	"strconv"
	"strings"

	"github.com/cloudgate/cloudgate/translate"
)

// Image launch permissions map onto CloudStack's template permissions
// (updateTemplatePermissions / listTemplatePermissions):
//
//   - Group=all is the template's ispublic flag. CloudStack refuses it
//     to users when the operator set allow.public.user.templates=false.
//   - UserId is the account to share with. CloudStack shares a template
//     with account names of the owner's domain, and a user cannot look up
//     another account (listAccounts shows a user only its own). With the
//     gateway's account directory (Options.Accounts: the administrator
//     key's listAccounts, or the registry file) UserId is the account id,
//     as GetCallerIdentity answers, and DescribeImageAttribute reads ids
//     back; an account of another domain is refused (CloudStack shares
//     within the owner's domain). Without one, UserId is the CloudStack
//     account name and names read back. Either way the caller's own
//     account is a no-op: the owner can always launch its images, and
//     CloudStack skips it.
//   - Reset makes the template private and removes every account.

type launchPermission struct {
	Group  string `xml:"group,omitempty"`
	UserID string `xml:"userId,omitempty"`
}

// launchPermissions reads a template's permissions as EC2 lists them.
func (s *server) launchPermissions(r *request, id string) ([]launchPermission, error) {
	sh, err := s.svc.ImagePermissions(r.ctx, id)
	if err != nil {
		return nil, err
	}
	perms := []launchPermission{}
	if sh.Public {
		perms = append(perms, launchPermission{Group: "all"})
	}
	for _, a := range sh.Accounts {
		if s.opts.Accounts != nil {
			if acct, err := s.opts.Accounts.AccountByName(r.ctx, r.principal.DomainID, a); err == nil {
				a = acct.ID
			}
		}
		perms = append(perms, launchPermission{UserID: a})
	}
	return perms, nil
}

// shareAccount maps a launch-permission UserId onto a CloudStack account
// name; self reports the caller's own account (a no-op).
func (s *server) shareAccount(r *request, param, id string) (name string, self bool, err error) {
	p := r.principal
	switch {
	case id == "":
		return "", false, apiErrf("InvalidAMIAttributeItemValue", "Invalid attribute item value \"\" for %s.", param)
	case strings.EqualFold(id, p.AccountID):
		return "", true, nil
	case s.opts.Accounts == nil && strings.EqualFold(id, p.Account):
		return "", true, nil
	case s.opts.Accounts == nil && isUUID(id):
		return "", false, apiErrf("InvalidAMIAttributeItemValue",
			"Invalid attribute item value \"%s\" for %s: this gateway shares images with CloudStack account names (in your domain); it has no directory to resolve account ids.", id, param)
	case s.opts.Accounts == nil:
		return id, false, nil
	case !isUUID(id):
		return "", false, apiErrf("InvalidAMIAttributeItemValue",
			"Invalid attribute item value \"%s\" for %s: give the account id (the Account of sts get-caller-identity).", id, param)
	}
	a, err := s.opts.Accounts.AccountByID(r.ctx, id)
	if translate.KindOf(err) == translate.NotFound {
		return "", false, apiErrf("InvalidAMIAttributeItemValue", "Invalid attribute item value \"%s\" for %s: no such account.", id, param)
	}
	if err != nil {
		return "", false, err
	}
	if p.DomainID != "" && a.DomainID != p.DomainID {
		return "", false, apiErrf("InvalidAMIAttributeItemValue",
			"Invalid attribute item value \"%s\" for %s: the account is in another domain, and CloudStack shares images within the owner's domain only.", id, param)
	}
	return a.Name, false, nil
}

// permissionChange collects a ModifyImageAttribute launch-permission
// change from both of EC2's forms: LaunchPermission.Add/Remove.N.{UserId,
// Group}, and Attribute=launchPermission with OperationType, UserId.N and
// UserGroup.N (the aws CLI's --operation-type/--user-ids/--user-groups).
func (s *server) permissionChange(r *request) (translate.ImageShareChange, error) {
	var ch translate.ImageShareChange
	add := func(op string, group, user string, gParam, uParam string) error {
		if group != "" {
			if group != "all" {
				return apiErrf("InvalidAMIAttributeItemValue", "Invalid attribute item value \"%s\" for %s: the only group is all.", group, gParam)
			}
			v := op == "add"
			if ch.Public != nil && *ch.Public != v {
				return apiErrf("InvalidParameterCombination", "Group all is both added and removed.")
			}
			ch.Public = &v
		}
		if user != "" || r.q.has(uParam) {
			name, self, err := s.shareAccount(r, uParam, user)
			if err != nil || self {
				return err
			}
			if op == "add" {
				ch.Add = append(ch.Add, name)
			} else {
				ch.Remove = append(ch.Remove, name)
			}
		}
		return nil
	}
	for _, op := range []string{"Add", "Remove"} {
		for i, lp := range r.q.structs("LaunchPermission." + op) {
			n := "LaunchPermission." + op + "." + strconv.Itoa(i+1)
			if err := add(strings.ToLower(op), lp.str("Group"), lp.str("UserId"), n+".Group", n+".UserId"); err != nil {
				return ch, err
			}
		}
	}
	users, groups := r.q.list("UserId"), r.q.list("UserGroup")
	if len(users) > 0 || len(groups) > 0 {
		op := strings.ToLower(r.q.str("OperationType"))
		if op != "add" && op != "remove" {
			return ch, apiErrf("InvalidParameterValue", "Value (%s) for parameter operationType is invalid: add or remove is required with UserId or UserGroup.", r.q.str("OperationType"))
		}
		for i, u := range users {
			if err := add(op, "", u, "", "UserId."+strconv.Itoa(i+1)); err != nil {
				return ch, err
			}
		}
		for i, g := range groups {
			if err := add(op, g, "", "UserGroup."+strconv.Itoa(i+1), ""); err != nil {
				return ch, err
			}
		}
	}
	return ch, nil
}

// modifyImageAttribute changes launch permissions (the only image
// attribute this cloud can change; a parameter for another one is refused
// by the parameter table, naming it).
func (s *server) modifyImageAttribute(r *request) (response, error) {
	id, err := r.q.required("ImageId")
	if err != nil {
		return nil, err
	}
	cid, err := csID(pImage, translate.ResImage, id)
	if err != nil {
		return nil, err
	}
	if a := r.q.str("Attribute"); a != "" && a != "launchPermission" {
		return nil, apiErrf("InvalidParameterValue", "Value (%s) for parameter attribute is invalid: this cloud can modify launchPermission only.", a)
	}
	named := len(r.q.structs("LaunchPermission.Add"))+len(r.q.structs("LaunchPermission.Remove"))+
		len(r.q.list("UserId"))+len(r.q.list("UserGroup")) > 0
	if !named {
		return nil, apiErr("MissingParameter", "A launch permission change (LaunchPermission.Add/Remove, or OperationType with UserId/UserGroup) is required.")
	}
	ch, err := s.permissionChange(r)
	if err != nil {
		return nil, err
	}
	if _, err := s.ownImage(r, cid, id); err != nil {
		return nil, err
	}
	if ch.Public == nil && len(ch.Add) == 0 && len(ch.Remove) == 0 {
		return ok() // only the caller's own account was named
	}
	if err := s.svc.ShareImage(r.ctx, cid, ch); err != nil {
		return nil, err
	}
	return ok()
}

// ownImage returns an image the caller owns; another account's image is
// AuthFailure as in EC2 ("Not authorized for image").
func (s *server) ownImage(r *request, cid, ec2id string) (*translate.Image, error) {
	im, err := s.svc.Image(r.ctx, cid)
	if err != nil {
		return nil, err
	}
	if im.OwnerID != r.principal.AccountID && !strings.EqualFold(im.Owner, r.principal.Account) {
		return nil, apiErrf("AuthFailure", "Not authorized for image:%s", ec2id)
	}
	return im, nil
}

// resetImageAttribute resets launchPermission: private, shared with no one.
func (s *server) resetImageAttribute(r *request) (response, error) {
	attr, err := r.q.required("Attribute")
	if err != nil {
		return nil, err
	}
	id, err := r.q.required("ImageId")
	if err != nil {
		return nil, err
	}
	cid, err := csID(pImage, translate.ResImage, id)
	if err != nil {
		return nil, err
	}
	if attr != "launchPermission" {
		return nil, apiErrf("InvalidParameterValue", "Value (%s) for parameter attribute is invalid: only launchPermission can be reset.", attr)
	}
	if _, err := s.ownImage(r, cid, id); err != nil {
		return nil, err
	}
	if err := s.svc.ShareImage(r.ctx, cid, translate.ImageShareChange{Reset: true}); err != nil {
		return nil, err
	}
	return ok()
}
