package simulator

import (
	"sort"
	"strconv"
	"strings"
	"time"
)

// Management-server settings (CloudStack's "global settings"): the ones whose
// value changes behaviour the simulator models. Defaults are CloudStack's own.
//
// Scope "Account" settings (ConfigKey.Scope.Account) can also be set per
// account with updateConfiguration accountid=; CloudStack reads them with
// ConfigKey.valueIn(accountId). Non-dynamic settings (isdynamic=false) are
// read when the management server starts: updateConfiguration stores the new
// value, and it takes effect when the simulator is next started (New, or
// Reset), as in CloudStack.
const (
	// SettingAllowUserExpungeRecoverVM is allow.user.expunge.recover.vm
	// (server/src/main/java/com/cloud/vm/UserVmManager.java, AllowUserExpungeRecoverVm:
	// "false", dynamic, Scope.Account).
	SettingAllowUserExpungeRecoverVM = "allow.user.expunge.recover.vm"
	// SettingAllowUserViewDestroyedVM is allow.user.view.destroyed.vm
	// (api/src/main/java/org/apache/cloudstack/query/QueryService.java, AllowUserViewDestroyedVM:
	// "false", dynamic, Scope.Account).
	SettingAllowUserViewDestroyedVM = "allow.user.view.destroyed.vm"
	// SettingAllowUserExpungeRecoverVolume is allow.user.expunge.recover.volume
	// (VolumeApiServiceImpl.AllowUserExpungeRecoverVolume: "true", dynamic, Scope.Account).
	SettingAllowUserExpungeRecoverVolume = "allow.user.expunge.recover.volume"
	// SettingExpungeDelay is expunge.delay in seconds
	// (server/src/main/java/com/cloud/configuration/Config.java ExpungeDelay: "86400", not dynamic).
	SettingExpungeDelay = "expunge.delay"
	// SettingExpungeInterval is expunge.interval in seconds: how often the expunge
	// thread runs (Config.java ExpungeInterval: "86400", not dynamic).
	SettingExpungeInterval = "expunge.interval"
	// SettingDefaultPageSize is default.page.size (Config.java DefaultPageSize: "500"),
	// the page size of list commands without pagesize and the largest pagesize allowed
	// (api/src/main/java/org/apache/cloudstack/api/BaseListCmd.java).
	SettingDefaultPageSize = "default.page.size"
)

// settingDef describes one setting as listConfigurations shows it.
type settingDef struct {
	Name, Category, Component, Description, Default, Type, Scope string
	Group, Subgroup, DisplayText                                 string
	Dynamic                                                      bool
}

var settingDefs = []settingDef{
	{Name: SettingAllowUserExpungeRecoverVM, Category: "Advanced", Component: "UserVmManager", Type: "Boolean", Scope: "Account", Dynamic: true,
		Default: "false", Description: "Determines whether users can expunge or recover their vm",
		Group: "Compute", Subgroup: "Virtual Machine", DisplayText: "Allow user expunge recover vm"},
	{Name: SettingAllowUserExpungeRecoverVolume, Category: "Advanced", Component: "VolumeApiServiceImpl", Type: "Boolean", Scope: "Account", Dynamic: true,
		Default: "true", Description: "Determines whether users can expunge or recover their volume",
		Group: "Storage", Subgroup: "Volume", DisplayText: "Allow user expunge recover volume"},
	{Name: SettingAllowUserViewDestroyedVM, Category: "Advanced", Component: "QueryService", Type: "Boolean", Scope: "Account", Dynamic: true,
		Default: "false", Description: "Determines whether users can view their destroyed or expunging vm ",
		Group: "Compute", Subgroup: "Virtual Machine", DisplayText: "Allow user view destroyed vm"},
	{Name: SettingDefaultPageSize, Category: "Advanced", Component: "management-server", Type: "Number", Scope: "Global",
		Default: "500", Description: "Default page size for API list* commands",
		Group: "Miscellaneous", Subgroup: "Others", DisplayText: "Default page size"},
	{Name: SettingExpungeDelay, Category: "Advanced", Component: "management-server", Type: "Number", Scope: "Global",
		Default: "86400", Description: "Determines how long (in seconds) to wait before actually expunging destroyed vm. The default value = the default value of expunge.interval",
		Group: "Compute", Subgroup: "Virtual Machine", DisplayText: "Expunge delay"},
	{Name: SettingExpungeInterval, Category: "Advanced", Component: "management-server", Type: "Number", Scope: "Global",
		Default: "86400", Description: "The interval (in seconds) to wait before running the expunge thread.",
		Group: "Compute", Subgroup: "Virtual Machine", DisplayText: "Expunge interval"},
}

func settingByName(name string) *settingDef {
	for i := range settingDefs {
		if settingDefs[i].Name == name {
			return &settingDefs[i]
		}
	}
	return nil
}

// DefaultSettings returns CloudStack's default value of every setting the simulator models.
func DefaultSettings() map[string]string {
	out := map[string]string{}
	for _, d := range settingDefs {
		out[d.Name] = d.Default
	}
	return out
}

// validSetting checks a value against the setting's type (ConfigurationManagerImpl.validateConfigurationValue).
func validSetting(d *settingDef, v string) *apiError {
	switch d.Type {
	case "Boolean":
		if v != "true" && v != "false" {
			return invalidParam("Please enter either 'true' or 'false'.")
		}
	case "Number":
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return invalidParam("There was error in trying to validate the value: %s for the configuration: %s", v, d.Name)
		}
		if n < 0 && !(d.Name == SettingDefaultPageSize && n == -1) {
			return invalidParam("Please enter a positive value for the configuration parameter:%s", d.Name)
		}
	}
	return nil
}

// setting returns the global value of a setting.
func (s *Server) setting(name string) string {
	if v, ok := s.st.Settings[name]; ok {
		return v
	}
	if d := settingByName(name); d != nil {
		return d.Default
	}
	return ""
}

// settingFor returns an Account-scoped setting's value for an account (ConfigKey.valueIn).
func (s *Server) settingFor(name, accountID string) string {
	if m := s.st.AccountSettings[accountID]; m != nil {
		if v, ok := m[name]; ok {
			return v
		}
	}
	return s.setting(name)
}

func (s *Server) settingBool(name, accountID string) bool {
	return s.settingFor(name, accountID) == "true"
}

func (s *Server) settingInt(name string) int64 {
	n, _ := strconv.ParseInt(s.setting(name), 10, 64)
	return n
}

// userMayExpunge is CloudStack's "caller is admin or allow.user.expunge.recover.vm is set for
// the caller's account" (UserVmManagerImpl.destroyVm/expungeVm/recoverVirtualMachine).
func (s *Server) userMayExpunge(c *call) bool {
	return c.isAdmin() || s.settingBool(SettingAllowUserExpungeRecoverVM, c.acct.ID)
}

// userSeesDestroyed is QueryManagerImpl.searchForUserVMsInternal's check: admins always list
// Destroyed/Expunging VMs; users only with allow.user.view.destroyed.vm.
func (s *Server) userSeesDestroyed(c *call) bool {
	return c.isAdmin() || s.settingBool(SettingAllowUserViewDestroyedVM, c.acct.ID)
}

// bootSettings reads the non-dynamic settings, as the management server does at start-up.
func (s *Server) bootSettings() {
	sec := func(name string) time.Duration { return time.Duration(s.settingInt(name)) * time.Second }
	s.expDel, s.expInt = sec(SettingExpungeDelay), sec(SettingExpungeInterval)
	if s.expDelOverride > 0 {
		s.expDel, s.expInt = s.expDelOverride, s.expDelOverride
	}
	if s.expInt <= 0 {
		s.expInt = time.Second
	}
	s.pageSize = s.settingInt(SettingDefaultPageSize)
	if s.pageSize == 0 {
		s.pageSize = 500
	}
}

func (s *Server) configurationObj(d *settingDef, value string, accountID string) obj {
	o := obj{"category": d.Category, "name": d.Name, "value": value, "defaultvalue": d.Default,
		"description": d.Description, "isdynamic": d.Dynamic, "component": d.Component, "type": d.Type,
		"group": d.Group, "subgroup": d.Subgroup, "displaytext": d.DisplayText}
	if accountID != "" {
		o["scope"] = "account"
	}
	return o
}

// listConfigurations (admin; ListCfgsByCmd) lists settings sorted by name. name= and keyword=
// are substring matches, category= is exact (ManagementServerImpl.searchForConfigurations:
// sc.addAnd("name", Op.LIKE, "%" + name + "%")). accountid= shows Account-scoped values for
// that account.
func listConfigurations(s *Server, c *call) (any, *apiError) {
	acctID := c.str("accountid")
	if acctID != "" && s.accountByID(acctID) == nil {
		return nil, noEntity(c.cmd, "accountid", acctID)
	}
	names := make([]string, 0, len(settingDefs))
	for _, d := range settingDefs {
		names = append(names, d.Name)
	}
	sort.Strings(names)
	var items []obj
	for _, n := range names {
		d := settingByName(n)
		if acctID != "" && d.Scope != "Account" {
			continue
		}
		if x := c.str("name"); x != "" && !strings.Contains(strings.ToLower(d.Name), strings.ToLower(x)) {
			continue
		}
		if x := c.str("category"); x != "" && x != d.Category {
			continue
		}
		val := s.setting(d.Name)
		if acctID != "" {
			val = s.settingFor(d.Name, acctID)
		}
		if !c.matchKeyword(d.Name, d.Component, d.Description, d.Category, val) {
			continue
		}
		items = append(items, s.configurationObj(d, val, acctID))
	}
	return c.pageOf("configuration", items), nil
}

// updateConfiguration (admin; UpdateCfgCmd) sets a global value, or an Account-scoped value
// for accountid=.
func updateConfiguration(s *Server, c *call) (any, *apiError) {
	name, err := c.need("name")
	if err != nil {
		return nil, err
	}
	d := settingByName(name)
	if d == nil {
		return nil, invalidParam("Config parameter with name %s doesn't exist", name)
	}
	val := c.str("value")
	if err := validSetting(d, val); err != nil {
		return nil, err
	}
	acctID := c.str("accountid")
	if acctID != "" {
		if s.accountByID(acctID) == nil {
			return nil, noEntity(c.cmd, "accountid", acctID)
		}
		if d.Scope != "Account" {
			return nil, invalidParam("Scope of the configuration parameter %s is not Account", name)
		}
		if s.st.AccountSettings == nil {
			s.st.AccountSettings = map[string]map[string]string{}
		}
		if s.st.AccountSettings[acctID] == nil {
			s.st.AccountSettings[acctID] = map[string]string{}
		}
		s.st.AccountSettings[acctID][name] = val
		return objResult{"configuration", s.configurationObj(d, val, acctID)}, nil
	}
	if s.st.Settings == nil {
		s.st.Settings = map[string]string{}
	}
	s.st.Settings[name] = val
	return objResult{"configuration", s.configurationObj(d, val, "")}, nil
}

// resetConfiguration (admin; ResetCfgCmd) restores the default (globally or for accountid=).
func resetConfiguration(s *Server, c *call) (any, *apiError) {
	name, err := c.need("name")
	if err != nil {
		return nil, err
	}
	d := settingByName(name)
	if d == nil {
		return nil, invalidParam("Config parameter with name %s doesn't exist", name)
	}
	if acctID := c.str("accountid"); acctID != "" {
		if s.accountByID(acctID) == nil {
			return nil, noEntity(c.cmd, "accountid", acctID)
		}
		delete(s.st.AccountSettings[acctID], name)
		return objResult{"configuration", s.configurationObj(d, s.setting(name), acctID)}, nil
	}
	delete(s.st.Settings, name)
	return objResult{"configuration", s.configurationObj(d, d.Default, "")}, nil
}

// listCapabilities reflects the settings for the caller's account; for admins the
// allowuser* flags are true (ManagementServerImpl.listCapabilities: valueIn(caller) | isAdmin(caller);
// server/src/main/java/com/cloud/server/ManagementServerImpl.java;
// api/src/main/java/org/apache/cloudstack/api/response/CapabilitiesResponse.java field names).
func listCapabilities(s *Server, c *call) (any, *apiError) {
	sg := false
	for _, z := range s.st.Zones {
		sg = sg || z.SecurityGroups
	}
	return objResult{"capability", obj{"cloudstackversion": CloudStackVersion, "securitygroupsenabled": sg,
		"userpublictemplateenabled": true, "allowusercreateprojects": true,
		"allowuserviewdestroyedvm":       s.userSeesDestroyed(c),
		"allowuserexpungerecovervm":      s.userMayExpunge(c),
		"allowuserexpungerecovervolume":  c.isAdmin() || s.settingBool(SettingAllowUserExpungeRecoverVolume, c.acct.ID),
		"allowuserviewalldomainaccounts": false, "regionsecondaryenabled": false,
		"customdiskofferingminsize": 1, "customdiskofferingmaxsize": 1024, "kvmsnapshotenabled": false,
		"apilimitinterval": 1, "apilimitmax": 0, "defaultuipagesize": 20, "dynamicrolesenabled": true,
		"projectinviterequired": false, "supportELB": "false", "kubernetesserviceenabled": false,
		"kubernetesclusterexperimentalfeaturesenabled": false}}, nil
}
