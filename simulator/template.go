package simulator

import "strings"

func (s *Server) templateByID(id string) *template {
	for _, t := range s.st.Templates {
		if t.ID == id && !t.Removed {
			return t
		}
	}
	return nil
}

func (s *Server) osName(id string) string {
	if o := s.osTypeByID(id); o != nil {
		return o.Description
	}
	return ""
}

// templateObj renders t as seen in zone z (CloudStack lists one entry per zone).
func (s *Server) templateObj(t *template, zoneID string) obj {
	typ := "USER"
	if t.Featured && t.Public && t.SourceVolumeID == "" && t.SourceSnapshotID == "" {
		typ = "BUILTIN"
	}
	status := "Download Complete"
	if !t.Ready {
		status = "Creating"
	}
	o := obj{"id": t.ID, "name": t.Name, "displaytext": t.DisplayText, "ispublic": t.Public, "isfeatured": t.Featured,
		"isready": t.Ready, "passwordenabled": t.PasswordEnabled, "sshkeyenabled": false, "ostypeid": t.OSTypeID,
		"ostypename": s.osName(t.OSTypeID), "format": t.Format, "hypervisor": t.Hypervisor, "size": t.Size,
		"physicalsize": t.Size, "status": status, "templatetype": typ, "created": fmtTime(t.Created), "crossZones": false,
		"bootable": true, "isextractable": !t.Featured, "isdynamicallyscalable": false, "requireshvm": true,
		"directdownload": false, "deployasis": false, "arch": "x86_64", "accountid": t.AccountID,
		"tags": s.tagsOf("Template", t.ID), "hasannotations": false}
	if zoneID != "" {
		o["zoneid"], o["zonename"] = zoneID, s.zoneName(zoneID)
	}
	if t.SourceVolumeID != "" {
		o["sourcetemplateid"] = ""
	}
	return s.ownerFields(o, t.owned)
}

func (s *Server) templateFilter(c *call, t *template, filter string) bool {
	own := t.AccountID == c.acct.ID
	switch filter {
	case "featured":
		return t.Featured && t.Public
	case "self":
		return own
	case "selfexecutable":
		return own && t.Ready
	case "sharedexecutable":
		// Shared with the caller by launch permission (templatepermission.go).
		return t.sharedWith(c.acct.ID) && t.Ready
	case "executable":
		return (t.Public || own || t.sharedWith(c.acct.ID)) && t.Ready
	case "community":
		return t.Public && !t.Featured
	case "all":
		return true
	}
	return false
}

func listTemplates(s *Server, c *call) (any, *apiError) {
	filter, err := c.need("templatefilter")
	if err != nil {
		return nil, err
	}
	switch filter {
	case "featured", "self", "selfexecutable", "sharedexecutable", "executable", "community", "all":
	default:
		return nil, paramError("Unable to execute API command listtemplates due to invalid value. Invalid parameter templatefilter value=%s", filter)
	}
	if filter == "all" && !c.isAdmin() {
		return nil, invalidParam("Filter all can be specified by admin only")
	}
	var items []obj
	for _, t := range s.st.Templates {
		if t.Removed || !s.templateFilter(c, t, filter) {
			continue
		}
		if id := c.str("id"); id != "" && id != t.ID {
			continue
		}
		if ids := c.list("ids"); len(ids) > 0 && !contains(ids, t.ID) {
			continue
		}
		if n := c.str("name"); n != "" && n != t.Name {
			continue
		}
		if !c.matchKeyword(t.Name, t.DisplayText) || !s.matchTags(c, "Template", t.ID) {
			continue
		}
		zones := t.ZoneIDs
		if len(zones) == 0 {
			zones = []string{""}
		}
		for _, z := range zones {
			if zf := c.str("zoneid"); zf != "" && zf != z {
				continue
			}
			items = append(items, s.templateObj(t, z))
		}
	}
	return c.pageOf("template", items), nil
}

func (s *Server) needOSType(c *call) (*osType, *apiError) {
	id, err := c.need("ostypeid")
	if err != nil {
		return nil, err
	}
	o := s.osTypeByID(id)
	if o == nil {
		return nil, noEntity(c.cmd, "ostypeid", id)
	}
	return o, nil
}

// registerTemplate (sync) registers a template from a URL; it is Ready at once.
func registerTemplate(s *Server, c *call) (any, *apiError) {
	for _, p := range []string{"name", "format", "hypervisor", "url"} {
		if _, err := c.need(p); err != nil {
			return nil, err
		}
	}
	ost, err := s.needOSType(c)
	if err != nil {
		return nil, err
	}
	ow, err := s.owner(c)
	if err != nil {
		return nil, err
	}
	zones := c.list("zoneids")
	if z := c.str("zoneid"); z != "" && z != "-1" {
		zones = append(zones, z)
	}
	if len(zones) == 0 && c.str("zoneid") != "-1" {
		return nil, missingParam(c.cmd, "zoneid")
	}
	if c.str("zoneid") == "-1" {
		zones = nil
		for _, z := range s.st.Zones {
			zones = append(zones, z.ID)
		}
	}
	for _, z := range zones {
		if s.zoneByID(z) == nil {
			return nil, noEntity(c.cmd, "zoneid", z)
		}
	}
	t := &template{owned: owned{ow.ID, ow.DomainID}, ID: s.st.uuid(), Name: c.str("name"), DisplayText: c.str("displaytext"),
		OSTypeID: ost.ID, Format: strings.ToUpper(c.str("format")), Hypervisor: c.str("hypervisor"), Public: c.boolean("ispublic", false),
		Featured: c.boolean("isfeatured", false) && c.isAdmin(), PasswordEnabled: c.boolean("passwordenabled", false), Ready: true,
		Size: 2 << 30, ZoneIDs: zones, Created: c.now}
	if t.DisplayText == "" {
		t.DisplayText = t.Name
	}
	s.st.Templates = append(s.st.Templates, t)
	var items []obj
	for _, z := range zones {
		items = append(items, s.templateObj(t, z))
	}
	return listResult{Key: "template", Items: items, Total: len(items)}, nil
}

// createTemplate (async create) makes a private template from a volume or snapshot.
func createTemplate(s *Server, c *call) (any, *apiError) {
	name, err := c.need("name")
	if err != nil {
		return nil, err
	}
	ost, err := s.needOSType(c)
	if err != nil {
		return nil, err
	}
	var size int64
	var zoneID, volID, snapID string
	switch {
	case c.str("volumeid") != "":
		v := s.volumeByID(c.str("volumeid"))
		if v == nil {
			return nil, noEntity(c.cmd, "volumeid", c.str("volumeid"))
		}
		if !s.canAccess(c, v.owned) {
			return nil, permissionDenied("Account %s does not have permission to operate on volume %s", c.acct.Name, v.ID)
		}
		if v.VMID != "" {
			if vm := s.vmByID(v.VMID); vm != nil && vm.State != "Stopped" {
				return nil, invalidParam("VolumeId: %s please stop VM %s before creating a template from its volume", v.ID, vm.Name)
			}
		}
		size, zoneID, volID = v.Size, v.ZoneID, v.ID
	case c.str("snapshotid") != "":
		sn := s.snapshotByID(c.str("snapshotid"))
		if sn == nil {
			return nil, noEntity(c.cmd, "snapshotid", c.str("snapshotid"))
		}
		if !s.canAccess(c, sn.owned) {
			return nil, permissionDenied("Account %s does not have permission to operate on snapshot %s", c.acct.Name, sn.ID)
		}
		size, zoneID, snapID = sn.Size, sn.ZoneID, sn.ID
	default:
		return nil, invalidParam("Failed to create private template record, need to pass in at least one of volume/snapshot id")
	}
	if c.boolean("ispublic", false) && !s.mayPublish(c, c.acct.ID) {
		return nil, invalidParam("Only private templates can be created.")
	}
	t := &template{owned: owned{c.acct.ID, c.acct.DomainID}, ID: s.st.uuid(), Name: name, DisplayText: c.str("displaytext"),
		OSTypeID: ost.ID, Format: "QCOW2", Hypervisor: "Simulator", Public: c.boolean("ispublic", false),
		Featured: c.boolean("isfeatured", false) && c.isAdmin(), PasswordEnabled: c.boolean("passwordenabled", false),
		Size: size, ZoneIDs: []string{zoneID}, SourceVolumeID: volID, SourceSnapshotID: snapID, JobID: c.job.ID, Created: c.now}
	if t.DisplayText == "" {
		t.DisplayText = name
	}
	s.st.Templates = append(s.st.Templates, t)
	c.job.InstanceType, c.job.InstanceID = "Template", t.ID
	return createReply(c, t.ID), nil
}

func createTemplateDone(s *Server, c *call) (any, *apiError) {
	t := s.templateByID(c.job.InstanceID)
	if t == nil {
		return nil, internalError("template disappeared")
	}
	t.JobID = ""
	if c.job.Fault != nil {
		t.Removed = true
		return nil, c.job.Fault
	}
	t.Ready = true
	s.event(c, "TEMPLATE.CREATE", "Template", t.ID, t.Name, "Successfully completed creating template "+t.Name)
	return objResult{"template", s.templateObj(t, t.ZoneIDs[0])}, nil
}

func (s *Server) needTemplate(c *call, param string, write bool) (*template, *apiError) {
	id, err := c.need(param)
	if err != nil {
		return nil, err
	}
	t := s.templateByID(id)
	if t == nil {
		return nil, noEntity(c.cmd, param, id)
	}
	if write && !s.canAccess(c, t.owned) {
		return nil, permissionDenied("Account %s does not have permission to operate on template %s", c.acct.Name, id)
	}
	if !write && !t.Public && !s.canAccess(c, t.owned) && !t.sharedWith(c.acct.ID) {
		return nil, permissionDenied("Account %s does not have permission to use template %s", c.acct.Name, id)
	}
	return t, nil
}

// deleteTemplate refuses a template that non-expunged VMs use unless
// forced=true, before the access check (TemplateManagerImpl.deleteTemplate).
func deleteTemplate(s *Server, c *call) (any, *apiError) {
	if t := s.templateByID(c.str("id")); t != nil && !c.boolean("forced", false) {
		n := 0
		for _, v := range s.st.VMs {
			if v.TemplateID == t.ID && v.State != "Expunging" {
				n++
			}
		}
		if n > 0 {
			return nil, invalidParam("Unable to delete template [%s] because there are [%d] VM instances using it.", t.Name, n)
		}
	}
	t, err := s.needTemplate(c, "id", true)
	if err != nil {
		return nil, err
	}
	c.job.InstanceType, c.job.InstanceID = "Template", t.ID
	return jobReply(c), nil
}

func deleteTemplateDone(s *Server, c *call) (any, *apiError) {
	if c.job.Fault != nil {
		return nil, c.job.Fault
	}
	t := s.templateByID(c.job.InstanceID)
	if t == nil {
		return nil, invalidParam("unable to find template with id %s", c.job.InstanceID)
	}
	t.Removed = true
	s.dropTags("Template", t.ID)
	s.event(c, "TEMPLATE.DELETE", "Template", t.ID, t.Name, "Successfully completed deleting template "+t.Name)
	return success(), nil
}

func updateTemplate(s *Server, c *call) (any, *apiError) {
	t, err := s.needTemplate(c, "id", true)
	if err != nil {
		return nil, err
	}
	if v := c.str("name"); v != "" {
		t.Name = v
	}
	if v := c.str("displaytext"); v != "" {
		t.DisplayText = v
	}
	if v := c.str("ostypeid"); v != "" {
		if s.osTypeByID(v) == nil {
			return nil, noEntity(c.cmd, "ostypeid", v)
		}
		t.OSTypeID = v
	}
	if c.has("passwordenabled") {
		t.PasswordEnabled = c.boolean("passwordenabled", false)
	}
	z := ""
	if len(t.ZoneIDs) > 0 {
		z = t.ZoneIDs[0]
	}
	return objResult{"template", s.templateObj(t, z)}, nil
}
