package simulator

import (
	"encoding/base64"
	"net/url"
	"strings"
	"time"
)

// Registered user data (CloudStack 4.18+): registerUserData, listUserData,
// deleteUserData, modelled on
//   - api/src/main/java/org/apache/cloudstack/api/command/user/userdata/{RegisterUserDataCmd,
//     ListUserDataCmd,DeleteUserDataCmd}.java (parameters; all three authorized to the User role),
//   - server/src/main/java/com/cloud/server/UserDataRegistryServiceImpl.java (ManagementServerImpl
//     before 4.20: registerUserData/listUserDatas/deleteUserData),
//   - engine/userdata/src/main/java/org/apache/cloudstack/userdata/UserDataManagerImpl.java
//     (validateUserData: base64 check, 4 KB by GET / 1 MB by POST, vm.userdata.max.length),
//   - api/src/main/java/org/apache/cloudstack/api/response/UserDataResponse.java (fields).

// SettingVMUserDataMaxLength is vm.userdata.max.length, the largest base64 user data
// CloudStack accepts (UserDataManager.VM_USERDATA_MAX_LENGTH: "32768", dynamic, Global).
const SettingVMUserDataMaxLength = "vm.userdata.max.length"

func init() {
	settingDefs = append(settingDefs, settingDef{Name: SettingVMUserDataMaxLength, Category: "Advanced", Component: "UserDataManager",
		Type: "Number", Scope: "Global", Dynamic: true, Default: "32768",
		Description: "Max length of vm userdata after base64 encoding. Default is 32768 and maximum is 1048576",
		Group:       "Compute", Subgroup: "Virtual Machine", DisplayText: "Vm userdata max length"})
	reg("registerUserData", registerUserData, mutates)
	reg("listUserData", listUserData)
	reg("deleteUserData", deleteUserData, mutates)
}

// userData is a UserDataVO: Content is the base64 text as CloudStack stores
// it (re-encoded with padding by validateUserData).
type userData struct {
	owned
	ID, Name, Content, Params string
	Created                   time.Time
}

func (s *Server) userDataObj(u *userData) obj {
	o := s.ownerFields(obj{"id": u.ID, "name": u.Name, "userdata": u.Content, "hasannotations": false}, u.owned)
	o["accountid"] = u.AccountID
	if u.Params != "" {
		o["params"] = u.Params
	}
	return o
}

// validateUserData is UserDataManagerImpl.validateUserData: it returns the
// content re-encoded with padding, or the InvalidParameterValueException
// CloudStack throws.
func (s *Server) validateUserData(c *call, content string) (string, *apiError) {
	if strings.TrimSpace(content) == "" {
		return "", nil
	}
	if strings.Contains(content, "%") {
		d, err := url.QueryUnescape(content)
		if err != nil {
			return "", invalidParam("Url decoding of user data failed.")
		}
		content = d
	}
	b, err := base64.StdEncoding.DecodeString(content)
	if err != nil {
		if b, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(content, "=")); err != nil {
			return "", invalidParam("User data is not base64 encoded.")
		}
	}
	if len(b) < 1 {
		return "", invalidParam("User data is too short.")
	}
	method, limit := "GET", 4096
	if c.post {
		method, limit = "POST", 1048576
	}
	if len(content) > limit {
		return "", invalidParam("User data is too long for http %s request", method)
	}
	if max := s.settingInt(SettingVMUserDataMaxLength); int64(len(content)) > max {
		return "", invalidParam("User data has exceeded configurable max length: %d", max)
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

func registerUserData(s *Server, c *call) (any, *apiError) {
	name := c.str("name")
	if name == "" {
		return nil, missingParam(c.cmd, "name")
	}
	if c.str("userdata") == "" {
		return nil, missingParam(c.cmd, "userdata")
	}
	ow, err := s.owner(c)
	if err != nil {
		return nil, err
	}
	// checkForUserDataByName, then checkForUserData (same content, compared
	// as sent), then validateUserData.
	for _, u := range s.st.UserData {
		if u.AccountID == ow.ID && u.Name == name {
			return nil, invalidParam("A userdata with name %s already exists for this account.", name)
		}
	}
	for _, u := range s.st.UserData {
		if u.AccountID == ow.ID && u.Content == c.str("userdata") {
			return nil, invalidParam("Userdata %s with same content already exists for this account.", u.Name)
		}
	}
	content, err := s.validateUserData(c, c.str("userdata"))
	if err != nil {
		return nil, err
	}
	if content == "" {
		return nil, missingParam(c.cmd, "userdata")
	}
	params := c.str("params")
	for _, p := range strings.Split(params, ",") {
		// RegisterUserDataCmd.checkForVRMetadataFileNames (NetworkModel.metadataFileNames).
		switch strings.TrimSpace(p) {
		case "userdata", "meta-data", "public-hostname", "local-hostname", "public-ipv4", "local-ipv4",
			"service-offering", "availability-zone", "instance-id", "vm-id", "public-keys", "cloud-identifier", "hypervisor-host-name":
			return nil, invalidParam("Params passed here have a few virtual router metadata file names [%s]", p)
		}
	}
	u := &userData{owned: owned{AccountID: ow.ID, DomainID: ow.DomainID}, ID: s.st.uuid(), Name: name,
		Content: content, Params: params, Created: c.now}
	s.st.UserData = append(s.st.UserData, u)
	return objResult{"userdata", s.userDataObj(u)}, nil
}

func listUserData(s *Server, c *call) (any, *apiError) {
	id := c.str("id")
	if id != "" && !s.st.Removed[id] && s.userDataByID(id) == nil {
		return nil, noEntity(c.cmd, "id", id)
	}
	var items []obj
	// Filter(UserDataVO.class, "id", false, …): newest first.
	for i := len(s.st.UserData) - 1; i >= 0; i-- {
		u := s.st.UserData[i]
		if !s.visible(c, u.owned) {
			continue
		}
		if id != "" && u.ID != id {
			continue
		}
		if n := c.str("name"); n != "" && n != u.Name {
			continue
		}
		// keyword: name LIKE %keyword% (MySQL's default collation ignores case).
		if kw := c.str("keyword"); kw != "" && !containsFold(u.Name, kw) {
			continue
		}
		items = append(items, s.userDataObj(u))
	}
	return c.pageOf("userdata", items), nil
}

func (s *Server) userDataByID(id string) *userData {
	for _, u := range s.st.UserData {
		if u.ID == id {
			return u
		}
	}
	return nil
}

func deleteUserData(s *Server, c *call) (any, *apiError) {
	id := c.str("id")
	if id == "" {
		return nil, missingParam(c.cmd, "id")
	}
	u := s.userDataByID(id)
	if u == nil {
		if s.st.Removed[id] {
			// ParamProcessWorker resolves removed rows; userDataDao.findById does not.
			return nil, invalidParam("A UserData with id '%s' does not exist for account %s in specified domain id", id, c.acct.Name)
		}
		return nil, noEntity(c.cmd, "id", id)
	}
	// ParamProcessWorker's access check on the entity-typed id parameter.
	if !s.canAccess(c, u.owned) {
		return nil, permissionDenied("Account %s does not have permission to operate with resource %s", c.acct.Name, id)
	}
	s.st.UserData = removeByID(s.st.UserData, id, func(x *userData) string { return x.ID })
	s.forget(id)
	return success(), nil
}
