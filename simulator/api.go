package simulator

import (
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// obj is one JSON object of a response.
type obj = map[string]any

// listResult renders as {"count":Total,"<Key>":[...]} (count omitted when empty).
type listResult struct {
	Key   string
	Items []obj
	Total int
}

// objResult renders as {"<Key>":{...}}.
type objResult struct {
	Key string
	Obj obj
}

// flat renders its fields directly inside the envelope (success, jobid, login…).
type flat obj

func success() flat { return flat{"success": true} }

// call is one decoded API request.
type call struct {
	cmd  string            // canonical command name
	p    map[string]string // lower-cased names → first value
	maps map[string][]map[string]string
	acct *account
	user *user
	now  time.Time
	job  *job // set for async commands
	// post is true for an HTTP POST (CloudStack's BaseCmd.getHttpMethod),
	// which raises some size limits (user data: 4 KB by GET, 1 MB by POST).
	post bool
	// pageMax is default.page.size: the page size of a list without pagesize and the
	// largest pagesize allowed (-1 or 0: unlimited).
	pageMax int64
}

var mapParam = regexp.MustCompile(`^([A-Za-z0-9_]+)\[(\d+)\]\.([A-Za-z0-9_]+)$`)

func newCall(cmd string, raw map[string]string) *call {
	c := &call{cmd: cmd, p: map[string]string{}, maps: map[string][]map[string]string{}}
	idx := map[string]map[int]map[string]string{}
	for k, v := range raw {
		if m := mapParam.FindStringSubmatch(k); m != nil {
			name := lower(m[1])
			i, _ := strconv.Atoi(m[2])
			if idx[name] == nil {
				idx[name] = map[int]map[string]string{}
			}
			if idx[name][i] == nil {
				idx[name][i] = map[string]string{}
			}
			idx[name][i][m[3]] = v
			continue
		}
		c.p[lower(k)] = v
	}
	for name, byIdx := range idx {
		keys := make([]int, 0, len(byIdx))
		for i := range byIdx {
			keys = append(keys, i)
		}
		sortInts(keys)
		for _, i := range keys {
			c.maps[name] = append(c.maps[name], byIdx[i])
		}
	}
	return c
}

func sortInts(a []int) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

func (c *call) str(name string) string { return c.p[name] }

func (c *call) has(name string) bool { _, ok := c.p[name]; return ok }

func (c *call) need(name string) (string, *apiError) {
	v := c.p[name]
	if v == "" {
		return "", missingParam(c.cmd, name)
	}
	return v, nil
}

func (c *call) boolean(name string, def bool) bool {
	v, ok := c.p[name]
	if !ok || v == "" {
		return def
	}
	return strings.EqualFold(v, "true")
}

// integer parses an optional integer parameter.
func (c *call) integer(name string) (int64, bool, *apiError) {
	v, ok := c.p[name]
	if !ok || v == "" {
		return 0, false, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, false, paramError("Unable to execute API command %s due to invalid value %s for parameter %s", lower(c.cmd), v, name)
	}
	return n, true, nil
}

// list parses a comma-separated list parameter.
func (c *call) list(name string) []string {
	v := c.p[name]
	if v == "" {
		return nil
	}
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// mapMerged merges all name[i].field maps into one (details[0].cpuNumber, details[1].memory …).
func (c *call) mapMerged(name string) map[string]string {
	out := map[string]string{}
	for _, m := range c.maps[name] {
		if k, ok := m["key"]; ok {
			if v, ok := m["value"]; ok && len(m) == 2 {
				out[k] = v
				continue
			}
		}
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// kv returns name[i].key/value pairs in index order.
func (c *call) kv(name string) [][2]string {
	var out [][2]string
	for _, m := range c.maps[name] {
		out = append(out, [2]string{m["key"], m["value"]})
	}
	return out
}

func (c *call) isAdmin() bool { return c.acct != nil && c.acct.Type == 1 }

// serveAPILocked answers one /client/api request into w (see serveAPI).
func (s *Server) serveAPILocked(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("simulator: panic serving request", "panic", p, "query", r.URL.RawQuery)
			s.write(w, "errorresponse", true, nil, internalError("Internal error executing command: %v", p))
		}
	}()
	if err := r.ParseForm(); err != nil {
		s.write(w, "", false, nil, paramError("malformed request: %v", err))
		return
	}
	raw := map[string]string{}
	for k, vs := range r.Form {
		if len(vs) > 0 {
			raw[k] = vs[0]
		}
	}
	lp := map[string]string{}
	for k, v := range raw {
		lp[lower(k)] = v
	}
	asJSON := lower(lp["response"]) == "json"
	name := lp["command"]
	cmd, known := lookupCommand(name)
	respName := "errorresponse"
	if known {
		respName = lower(cmd.name) + "response"
	}
	for _, v := range raw {
		if hasControl(v) {
			s.write(w, respName, asJSON, nil, paramError("Received value %q for parameter contains control characters", v))
			return
		}
	}

	if known && cmd.name == "login" {
		s.login(w, r, raw, asJSON)
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now().UTC()
	u, acct, viaSession, aerr := s.authenticate(r, raw, lp, now)
	if aerr != nil {
		s.write(w, respName, asJSON, nil, aerr)
		return
	}
	if !known || (cmd.admin && acct.Type != 1) {
		if viaSession && !known {
			s.write(w, "errorresponse", asJSON, nil, &apiError{Code: codeUnsupportedAction, CSCode: csServerAPI, Text: "The given command:" + name + " does not exist or it is not available for user"})
			return
		}
		// Real CloudStack answers 401 for commands the caller may not run.
		s.write(w, respName, asJSON, nil, unauthorized())
		return
	}
	c := newCall(cmd.name, raw)
	c.acct, c.user, c.now, c.pageMax = acct, u, now, s.pageSize
	c.post = r.Method == http.MethodPost
	if cmd.name == "logout" {
		s.logout(w, r, asJSON)
		return
	}
	s.advance(now)
	if err := checkPaging(c); err != nil {
		s.write(w, respName, asJSON, nil, err)
		return
	}
	if err := s.resolveRefs(c); err != nil {
		s.write(w, respName, asJSON, nil, err)
		return
	}
	var res any
	var err *apiError
	fault := s.matchMock(c)
	if fault != nil && cmd.complete == nil {
		if fault.Wait > 0 {
			s.mu.Unlock()
			time.Sleep(fault.Wait)
			s.mu.Lock()
			s.advance(s.now().UTC())
		}
		if fault.Fail {
			err = fault.err()
		}
	}
	if err == nil {
		if cmd.complete != nil {
			res, err = s.submit(c, cmd, fault)
		} else {
			res, err = cmd.run(s, c)
		}
	}
	if err == nil && cmd.mutates {
		s.persist()
	}
	s.write(w, respName, asJSON, res, err)
}

func hasControl(v string) bool {
	for _, r := range v {
		if r < 0x20 && r != '\n' && r != '\r' && r != '\t' {
			return true
		}
	}
	return false
}

// authenticate checks the session or the request signature. Callers hold mu.
func (s *Server) authenticate(r *http.Request, raw, lp map[string]string, now time.Time) (*user, *account, bool, *apiError) {
	if key := lp["sessionkey"]; key != "" {
		ck, err := r.Cookie("JSESSIONID")
		if err != nil {
			return nil, nil, false, unauthorized()
		}
		sess := s.sessions[ck.Value]
		if sess == nil || subtleEq(sess.Key, key) == false {
			return nil, nil, false, unauthorized()
		}
		u := s.userByID(sess.UserID)
		if u == nil {
			return nil, nil, false, unauthorized()
		}
		return u, s.accountByID(u.AccountID), true, nil
	}
	apiKey := lp["apikey"]
	if apiKey == "" || lp["signature"] == "" {
		return nil, nil, false, unauthorized()
	}
	var u *user
	for _, x := range s.st.Users {
		if x.APIKey == apiKey {
			u = x
			break
		}
	}
	if u == nil {
		return nil, nil, false, unauthorized()
	}
	if lp["signatureversion"] == "3" {
		exp, ok := parseExpires(lp["expires"])
		if !ok || exp.Before(now) {
			return nil, nil, false, unauthorized()
		}
	}
	ok, lenient := verifySignature(raw, u.SecretKey)
	if !ok {
		return nil, nil, false, unauthorized()
	}
	if lenient {
		s.log.Warn("simulator: signature only valid with Go url.QueryEscape encoding ('~'); real CloudStack would answer 401", "command", lp["command"])
	}
	return u, s.accountByID(u.AccountID), false, nil
}

func subtleEq(a, b string) bool { return len(a) == len(b) && constantEq(a, b) }

// checkPaging enforces CloudStack's page/pagesize rules
// (api/src/main/java/org/apache/cloudstack/api/BaseListCmd.java: validateSpecificParameters,
// then getPageSize against default.page.size).
func checkPaging(c *call) *apiError {
	for _, p := range []string{"page", "pagesize"} {
		if _, _, err := c.integer(p); err != nil {
			return err
		}
	}
	_, hasPage := c.p["page"]
	size, hasSize, _ := c.integer("pagesize")
	if hasSize && !hasPage && size != -1 {
		return paramError("\"page\" parameter is required when \"pagesize\" is specified")
	}
	if hasPage && !hasSize {
		return paramError("\"pagesize\" parameter is required when \"page\" is specified")
	}
	if hasSize && c.pageMax > 0 && size > c.pageMax {
		return invalidParam("Page size can't exceed max allowed page size value: %d", c.pageMax)
	}
	if hasSize && size == -1 && hasPage {
		return invalidParam("Can't specify page parameter when pagesize is -1 (Unlimited)")
	}
	return nil
}

// write renders a result or an error in the requested format.
func (s *Server) write(w http.ResponseWriter, respName string, asJSON bool, res any, err *apiError) {
	if respName == "" {
		respName = "errorresponse"
	}
	status := http.StatusOK
	var body obj
	if err != nil {
		status = err.Code
		body = obj{"uuidList": []any{}, "errorcode": err.Code, "errortext": err.Text}
		if err.CSCode != 0 {
			body["cserrorcode"] = err.CSCode
		}
		w.Header().Set("X-Description", err.Text)
	} else {
		body = renderResult(res)
		if l, ok := res.(listResult); ok {
			if rec, ok := w.(*recorder); ok {
				rec.items = len(l.Items)
			}
		}
	}
	if asJSON {
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		w.WriteHeader(status)
		// As encoding/json's Encoder would write it (see appendJSON),
		// straight into the recorder's buffer when there is one.
		if rec, ok := w.(*recorder); ok {
			rec.WriteHeader(status)
			rec.body = append(appendJSON(rec.body, obj{respName: body}), '\n')
			return
		}
		w.Write(append(appendJSON(nil, obj{respName: body}), '\n'))
		return
	}
	w.Header().Set("Content-Type", "text/xml; charset=UTF-8")
	w.WriteHeader(status)
	w.Write([]byte(renderXML(respName, body)))
}

func renderResult(res any) obj {
	switch v := res.(type) {
	case nil:
		return obj{}
	case listResult:
		if v.Total == 0 && len(v.Items) == 0 {
			return obj{}
		}
		o := obj{"count": v.Total}
		if len(v.Items) > 0 {
			o[v.Key] = v.Items
		}
		return o
	case objResult:
		return obj{v.Key: v.Obj}
	case flat:
		return obj(v)
	case obj:
		return v
	}
	return obj{}
}

func sortStrings(a []string) { sort.Strings(a) }
