package simulator

import (
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
)

func constantEq(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

func (s *Server) userByID(id string) *user {
	for _, u := range s.st.Users {
		if u.ID == id {
			return u
		}
	}
	return nil
}

func (s *Server) accountByID(id string) *account {
	for _, a := range s.st.Accounts {
		if a.ID == id {
			return a
		}
	}
	return nil
}

func (s *Server) accountByName(name string) *account {
	for _, a := range s.st.Accounts {
		if strings.EqualFold(a.Name, name) {
			return a
		}
	}
	return nil
}

func (s *Server) accountName(id string) string {
	if a := s.accountByID(id); a != nil {
		return a.Name
	}
	return ""
}

// visible reports whether a list call may show a resource owned by o: callers see their
// own account; root admins see everything with listall=true or account=<name>.
func (s *Server) visible(c *call, o owned) bool {
	if c.isAdmin() {
		if name := c.str("account"); name != "" {
			return strings.EqualFold(s.accountName(o.AccountID), name)
		}
		if c.boolean("listall", false) {
			return true
		}
	}
	return o.AccountID == c.acct.ID
}

// canAccess reports whether the caller may operate on a resource owned by o.
func (s *Server) canAccess(c *call, o owned) bool {
	return c.isAdmin() || o.AccountID == c.acct.ID
}

// owner returns the account a create command acts for (admins may pass account=).
func (s *Server) owner(c *call) (*account, *apiError) {
	if name := c.str("account"); name != "" && c.isAdmin() {
		a := s.accountByName(name)
		if a == nil {
			return nil, invalidParam("Unable to find account by name %s in domain", name)
		}
		return a, nil
	}
	return c.acct, nil
}

// ownerFields are the account/domain fields every owned resource carries.
func (s *Server) ownerFields(o obj, ow owned) obj {
	o["account"] = s.accountName(ow.AccountID)
	o["domainid"] = ow.DomainID
	o["domain"] = "ROOT"
	o["domainpath"] = "ROOT"
	return o
}

// pageOf applies page/pagesize and wraps items; count is the total. Without pagesize a
// list returns its first default.page.size items (BaseListCmd.getPageSizeVal).
func (c *call) pageOf(key string, items []obj) listResult {
	lo, hi := c.pageBounds(len(items))
	return listResult{Key: key, Items: items[lo:hi], Total: len(items)}
}

// pageBounds returns the slice [lo:hi) of total matching items that the
// call's page/pagesize select (all of them without both), so a list can
// render only its page.
func (c *call) pageBounds(total int) (lo, hi int) {
	page, hasPage, _ := c.integer("page")
	size, hasSize, _ := c.integer("pagesize")
	if !hasSize && c.pageMax > 0 {
		page, hasPage, size, hasSize = 1, true, c.pageMax, true
	}
	if !hasPage || !hasSize || size <= 0 {
		return 0, total
	}
	if page < 1 {
		page = 1
	}
	start, end := int((page-1)*size), int(page*size)
	if start > total {
		start = total
	}
	if end > total {
		end = total
	}
	return start, end
}

// matchKeyword implements keyword= (case-insensitive substring of any given field).
func (c *call) matchKeyword(fields ...string) bool {
	kw := c.str("keyword")
	if kw == "" {
		return true
	}
	for _, f := range fields {
		if containsFold(f, kw) {
			return true
		}
	}
	return false
}

// containsFold reports whether sub is within s ignoring case, as
// strings.Contains of both lowered does, without allocating.
func containsFold(s, sub string) bool {
	if sub == "" {
		return true
	}
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}

func (s *Server) accountObj(a *account) obj {
	o := obj{"id": a.ID, "name": a.Name, "accounttype": a.Type, "domainid": a.DomainID, "domain": "ROOT", "domainpath": "ROOT",
		"state": "enabled", "created": fmtTime(a.Created), "isdefault": a.Type == 1, "iscleanuprequired": false,
		"roletype": "User", "rolename": "User"}
	if a.Type == 1 {
		o["roletype"], o["rolename"] = "Admin", "Root Admin"
	}
	var vms, running, stopped int64
	use := map[string]int64{}
	for _, v := range s.st.VMs {
		if v.AccountID == a.ID && v.State != "Destroyed" && v.State != "Expunging" {
			vms++
			if v.State == "Running" {
				running++
			} else if v.State == "Stopped" {
				stopped++
			}
			use["cpu"] += int64(v.CPUs)
			use["memory"] += int64(v.Memory)
		}
	}
	o["vmrunning"], o["vmstopped"] = running, stopped
	use["vm"] = vms
	for _, v := range s.st.Volumes {
		if v.AccountID == a.ID && v.State != "Destroy" && v.State != "Expunged" {
			use["volume"]++
			use["primarystorage"] += v.Size
		}
	}
	use["primarystorage"] = (use["primarystorage"] + 1<<30 - 1) >> 30 // GiB, as CloudStack reports it
	for _, ip := range s.st.IPs {
		if ip.AccountID == a.ID {
			use["ip"]++
		}
	}
	for _, sn := range s.st.Snapshots {
		if sn.AccountID == a.ID {
			use["snapshot"]++
		}
	}
	for _, t := range s.st.Templates {
		if t.AccountID == a.ID {
			use["template"]++
		}
	}
	for _, n := range s.st.Networks {
		if n.AccountID == a.ID {
			use["network"]++
		}
	}
	for _, v := range s.st.VPCs {
		if v.AccountID == a.ID {
			use["vpc"]++
		}
	}
	// Resource limits as listAccounts reports them (AccountResponse:
	// <type>limit is "Unlimited" or the number, <type>total the usage,
	// <type>available the difference). Accounts get CloudStack's global
	// defaults (max.account.user.vms=20, max.account.public.ips=20,
	// max.account.cpus=40, max.account.memory=40960 MB,
	// max.account.primary.storage=200 GiB, …; see ResourceLimitService);
	// root admins are unlimited.
	for _, r := range accountLimitTypes {
		o[r.name+"total"] = use[r.name]
		if a.Type == 1 {
			o[r.name+"limit"], o[r.name+"available"] = "Unlimited", "Unlimited"
			continue
		}
		o[r.name+"limit"] = strconv.FormatInt(r.def, 10)
		o[r.name+"available"] = strconv.FormatInt(max(r.def-use[r.name], 0), 10)
	}
	var users []obj
	for _, u := range s.st.Users {
		if u.AccountID == a.ID {
			users = append(users, s.userObj(u, false))
		}
	}
	o["user"] = users
	return o
}

func (s *Server) userObj(u *user, withSecret bool) obj {
	a := s.accountByID(u.AccountID)
	o := obj{"id": u.ID, "username": u.Username, "firstname": u.FirstName, "lastname": u.LastName, "email": u.Email,
		"accountid": u.AccountID, "account": a.Name, "accounttype": a.Type, "domainid": a.DomainID, "domain": "ROOT",
		"state": "enabled", "created": fmtTime(u.Created), "apikey": u.APIKey, "isdefault": a.Type == 1,
		"roletype": "User", "rolename": "User", "usersource": "native", "is2faenabled": false, "is2famandated": false,
		"apikeyaccess": "INHERIT"}
	if a.Type == 1 {
		o["roletype"], o["rolename"] = "Admin", "Root Admin"
	}
	if withSecret {
		o["secretkey"] = u.SecretKey
	}
	return o
}

func listAccounts(s *Server, c *call) (any, *apiError) {
	var items []obj
	for _, a := range s.st.Accounts {
		if !c.isAdmin() && a.ID != c.acct.ID {
			continue
		}
		if id := c.str("id"); id != "" && a.ID != id {
			continue
		}
		if n := c.str("name"); n != "" && !strings.EqualFold(n, a.Name) {
			continue
		}
		if !c.matchKeyword(a.Name) {
			continue
		}
		items = append(items, s.accountObj(a))
	}
	return c.pageOf("account", items), nil
}

func listUsers(s *Server, c *call) (any, *apiError) {
	var items []obj
	for _, u := range s.st.Users {
		if !c.isAdmin() && u.AccountID != c.acct.ID {
			continue
		}
		if id := c.str("id"); id != "" && u.ID != id {
			continue
		}
		if n := c.str("username"); n != "" && n != u.Username {
			continue
		}
		if n := c.str("account"); n != "" && !strings.EqualFold(n, s.accountName(u.AccountID)) {
			continue
		}
		if !c.matchKeyword(u.Username, u.FirstName, u.LastName) {
			continue
		}
		items = append(items, s.userObj(u, false))
	}
	return c.pageOf("user", items), nil
}

// getUser (admin) finds a user by API key: {"getuserresponse":{"user":{…}}}.
func getUser(s *Server, c *call) (any, *apiError) {
	key, err := c.need("userapikey")
	if err != nil {
		return nil, err
	}
	for _, u := range s.st.Users {
		if u.APIKey == key {
			return objResult{"user", s.userObj(u, false)}, nil
		}
	}
	return nil, invalidParam("User with api key %s does not exist", key)
}

func (s *Server) userForKeys(c *call) (*user, *apiError) {
	id, err := c.need("id")
	if err != nil {
		return nil, err
	}
	u := s.userByID(id)
	if u == nil {
		return nil, noEntity(c.cmd, "id", id)
	}
	if !c.isAdmin() && u.ID != c.user.ID {
		return nil, permissionDenied("Account %s does not have permission to access the keys of user %s", c.acct.Name, id)
	}
	return u, nil
}

func getUserKeys(s *Server, c *call) (any, *apiError) {
	u, err := s.userForKeys(c)
	if err != nil {
		return nil, err
	}
	return objResult{"userkeys", obj{"apikey": u.APIKey, "secretkey": u.SecretKey, "apikeyaccess": true}}, nil
}

func registerUserKeys(s *Server, c *call) (any, *apiError) {
	u, err := s.userForKeys(c)
	if err != nil {
		return nil, err
	}
	r := s.st.r()
	mk := func() string {
		b := make([]byte, 64)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	u.APIKey, u.SecretKey = mk(), mk()
	return objResult{"userkeys", obj{"apikey": u.APIKey, "secretkey": u.SecretKey, "apikeyaccess": true}}, nil
}

func listDomains(s *Server, c *call) (any, *apiError) {
	var items []obj
	for _, d := range s.st.Domains {
		if id := c.str("id"); id != "" && d.ID != id {
			continue
		}
		items = append(items, obj{"id": d.ID, "name": d.Name, "path": d.Path, "level": 0, "haschild": false,
			"state": "Active", "created": fmtTime(d.Created)})
	}
	return c.pageOf("domain", items), nil
}

// login handles POST command=login (username, password, domain) and starts a session.
func (s *Server) login(w http.ResponseWriter, r *http.Request, raw map[string]string, asJSON bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	lp := map[string]string{}
	for k, v := range raw {
		lp[lower(k)] = v
	}
	var u *user
	for _, x := range s.st.Users {
		if x.Username == lp["username"] && constantEq(x.Password, lp["password"]) {
			u = x
		}
	}
	if d := lp["domain"]; d != "" && d != "/" && !strings.EqualFold(strings.Trim(d, "/"), "ROOT") {
		u = nil
	}
	if u == nil {
		s.write(w, "loginresponse", asJSON, nil, &apiError{Code: codeAccountError, CSCode: csServerAPI,
			Text: "Failed to authenticate user " + lp["username"] + " in domain " + lp["domain"] + "; please provide valid credentials"})
		return
	}
	r2 := s.st.r()
	tok := func() string {
		b := make([]byte, 24)
		for i := range b {
			b[i] = byte(r2.Uint32())
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	sess := &session{ID: strings.ToUpper(tok()[:32]), Key: tok(), UserID: u.ID}
	s.sessions[sess.ID] = sess
	http.SetCookie(w, &http.Cookie{Name: "JSESSIONID", Value: sess.ID, Path: "/client", HttpOnly: true})
	http.SetCookie(w, &http.Cookie{Name: "sessionkey", Value: sess.Key, Path: "/client"})
	a := s.accountByID(u.AccountID)
	typ := "0"
	if a.Type == 1 {
		typ = "1"
	}
	s.write(w, "loginresponse", asJSON, flat{"timeout": 1800, "sessionkey": sess.Key, "username": u.Username,
		"userid": u.ID, "domainid": a.DomainID, "account": a.Name, "firstname": u.FirstName, "lastname": u.LastName,
		"type": typ, "timezone": "UTC", "timezoneoffset": "0.0", "registered": "false", "is2faenabled": "false"}, nil)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, asJSON bool) {
	if ck, err := r.Cookie("JSESSIONID"); err == nil {
		delete(s.sessions, ck.Value)
	}
	s.write(w, "logoutresponse", asJSON, flat{"description": "success"}, nil)
}

func itoa(n int) string { return strconv.Itoa(n) }

// accountLimitTypes are the resource types listAccounts reports, with
// CloudStack's default account limits (the max.account.* settings).
var accountLimitTypes = []struct {
	name string
	def  int64
}{
	{"vm", 20}, {"ip", 20}, {"volume", 20}, {"snapshot", 20}, {"template", 20}, {"network", 20}, {"vpc", 20},
	{"cpu", 40}, {"memory", 40960}, {"primarystorage", 200},
}
