package simulator

import "strings"

// Template launch permissions and copies between zones, modelled on
// server/src/main/java/com/cloud/template/TemplateManagerImpl.java
// (updateTemplateOrIsoPermissions, listTemplateOrIsoPermissions,
// copyTemplate) and
// api/src/main/java/org/apache/cloudstack/api/response/TemplatePermissionsResponse.java.

// SettingAllowPublicUserTemplates is allow.public.user.templates
// (TemplateManager.AllowPublicUserTemplates: "true", dynamic, Scope.Account):
// when false, users other than admins cannot make a template public.
const SettingAllowPublicUserTemplates = "allow.public.user.templates"

func init() {
	settingDefs = append(settingDefs, settingDef{Name: SettingAllowPublicUserTemplates, Category: "Advanced", Component: "TemplateManager",
		Type: "Boolean", Scope: "Account", Dynamic: true, Default: "true",
		Description: "If false, users will not be able to create public Templates.",
		Group:       "Storage", Subgroup: "Template", DisplayText: "Allow public user templates"})
}

// mayPublish is the allow.public.user.templates check of createTemplate,
// registerTemplate and updateTemplatePermissions for the template owner's
// account.
func (s *Server) mayPublish(c *call, ownerID string) bool {
	return c.isAdmin() || s.settingBool(SettingAllowPublicUserTemplates, ownerID)
}

// sharedWith reports whether t's owner granted accountID a launch permission.
func (t *template) sharedWith(accountID string) bool {
	return contains(t.LaunchAccounts, accountID)
}

// updateTemplatePermissions (sync): ispublic, isfeatured (admins),
// isextractable, and accounts= with op=add|remove|reset. Only the owner
// (or an admin) may change them; accounts are names in the owner's domain.
func updateTemplatePermissions(s *Server, c *call) (any, *apiError) {
	id, err := c.need("id")
	if err != nil {
		return nil, err
	}
	t := s.templateByID(id)
	if t == nil {
		return nil, invalidParam("unable to find template with id %s", id)
	}
	// checkAccess(caller, OperateEntry, true, template)
	if !s.canAccess(c, t.owned) {
		return nil, permissionDenied("Account %s does not have permission to operate on template %s", c.acct.Name, t.ID)
	}
	public := c.has("ispublic") && c.boolean("ispublic", false)
	if public && !s.mayPublish(c, t.AccountID) {
		return nil, invalidParam("Only private templates can be created.")
	}
	accounts := c.list("accounts")
	op := strings.ToLower(c.str("op"))
	if len(accounts) > 0 && op != "add" && op != "remove" && op != "reset" {
		return nil, invalidParam("Invalid operation on Accounts, the operation must be either 'add' or 'remove' in order to modify launch permissions.  Given operation is: '%s'", c.str("op"))
	}
	if (op == "add" || op == "remove") && len(accounts) == 0 {
		return nil, invalidParam("Operation %s requires Accounts or projectIds to be passed in", c.str("op"))
	}
	// Resolve every name first: an unknown account updates nothing.
	var ids []string
	for _, name := range accounts {
		a := s.accountByName(name)
		if a == nil || a.DomainID != t.DomainID {
			if op == "add" {
				return nil, invalidParam("Unable to grant a launch permission to Account %s in domain id=%s, Account not found.  No permissions updated, please verify the Account names and retry.", name, t.DomainID)
			}
			continue
		}
		ids = append(ids, a.ID)
	}
	if c.has("ispublic") {
		t.Public = c.boolean("ispublic", false)
	}
	if c.has("isfeatured") && c.isAdmin() {
		t.Featured = c.boolean("isfeatured", false)
	}
	switch op {
	case "add":
		for _, a := range ids {
			if a != c.acct.ID && !contains(t.LaunchAccounts, a) { // the owner has it implicitly
				t.LaunchAccounts = append(t.LaunchAccounts, a)
			}
		}
	case "remove":
		var keep []string
		for _, a := range t.LaunchAccounts {
			if !contains(ids, a) {
				keep = append(keep, a)
			}
		}
		t.LaunchAccounts = keep
	case "reset":
		t.Public, t.Featured, t.LaunchAccounts = false, false, nil
	}
	return success(), nil
}

// listTemplatePermissions answers one templatepermission object: whether
// the template is public and the names of the accounts it is shared with,
// plus the owner's when the template is not public (as CloudStack does).
func listTemplatePermissions(s *Server, c *call) (any, *apiError) {
	id, err := c.need("id")
	if err != nil {
		return nil, err
	}
	t := s.templateByID(id)
	if t == nil {
		return nil, invalidParam("unable to find template with id %s", id)
	}
	if !t.Public && !s.canAccess(c, t.owned) && !t.sharedWith(c.acct.ID) {
		return nil, permissionDenied("Account %s does not have permission to use template %s", c.acct.Name, t.ID)
	}
	names := []string{}
	for _, a := range t.LaunchAccounts {
		if n := s.accountName(a); n != "" {
			names = append(names, n)
		}
	}
	if !t.Public { // "also add the owner if not public"
		names = append(names, s.accountName(t.AccountID))
	}
	return objResult{"templatepermission", obj{"id": t.ID, "ispublic": t.Public, "domainid": t.DomainID, "account": names}}, nil
}

// copyTemplate (async) makes a template available in more zones. It is the
// same template (same id) afterwards: a zone that already has it is
// skipped ("don't need to copy"), and a source zone equal to a destination
// is refused.
func copyTemplate(s *Server, c *call) (any, *apiError) {
	t, err := s.needTemplate(c, "id", false)
	if err != nil {
		return nil, err
	}
	dests := c.list("destzoneids")
	if d := c.str("destzoneid"); d != "" {
		dests = append(dests, d)
	}
	if len(dests) == 0 {
		return nil, invalidParam("Please specify a valid destination zone.")
	}
	if src := c.str("sourcezoneid"); src != "" {
		if contains(dests, src) {
			return nil, invalidParam("Please specify different source and destination zones.")
		}
		if s.zoneByID(src) == nil {
			return nil, invalidParam("Please specify a valid source zone.")
		}
	}
	for _, d := range dests {
		if s.zoneByID(d) == nil {
			return nil, invalidParam("Please specify a valid destination zone.")
		}
	}
	// checkAccess(caller, OperateEntry, true, template): owner or admin.
	if !s.canAccess(c, t.owned) {
		return nil, permissionDenied("Account %s does not have permission to operate on template %s", c.acct.Name, t.ID)
	}
	if !t.Ready {
		return nil, invalidParam("There is no Template %s ready on image store.", t.ID)
	}
	c.job.InstanceType, c.job.InstanceID = "Template", t.ID
	return jobReply(c), nil
}

func copyTemplateDone(s *Server, c *call) (any, *apiError) {
	if c.job.Fault != nil {
		return nil, c.job.Fault
	}
	t := s.templateByID(c.job.InstanceID)
	if t == nil {
		return nil, invalidParam("Unable to find Template with id")
	}
	dests := c.list("destzoneids")
	if d := c.str("destzoneid"); d != "" {
		dests = append(dests, d)
	}
	for _, d := range dests {
		if !contains(t.ZoneIDs, d) {
			t.ZoneIDs = append(t.ZoneIDs, d)
		}
	}
	s.event(c, "TEMPLATE.COPY", "Template", t.ID, t.Name, "Successfully completed copying Template")
	return objResult{"template", s.templateObj(t, dests[0])}, nil
}
