package simulator

import (
	"strconv"
	"strings"
	"time"
)

// mock is a configureSimulator rule. Unlike CloudStack (which matches agent command
// classes), Name is an API command name (e.g. deployVirtualMachine) or "*" for every
// async command.
type mock struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	ZoneID  string `json:"zoneId,omitempty"`
	Value   string `json:"value"`
	Count   *int   `json:"count,omitempty"` // nil = until cleaned up
	Removed bool   `json:"removed,omitempty"`
}

// mockHit is what a matching mock does to one request.
type mockHit struct {
	Fail bool
	Wait time.Duration
	Code int
	Text string
}

func (h *mockHit) err() *apiError {
	code := h.Code
	if code == 0 {
		code = codeInternalError
	}
	cs := map[int]int{431: csInvalidParam, 531: csPermissionDenied, 533: csInsufficientCap, 534: csResourceUnavail,
		535: csResourceAllocation, 536: csResourceInUse}[code]
	if cs == 0 {
		cs = csCloudRuntime
	}
	text := h.Text
	if text == "" {
		text = "Simulated failure"
	}
	return &apiError{code, cs, text}
}

// parseMockValue reads "result:fail|wait:500|errorcode:533|errortext:…".
func parseMockValue(v string) *mockHit {
	h := &mockHit{}
	for _, part := range strings.Split(v, "|") {
		k, val, _ := strings.Cut(part, ":")
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "result":
			h.Fail = strings.EqualFold(val, "fail") || strings.EqualFold(val, "fault")
		case "wait":
			if ms, err := strconv.Atoi(val); err == nil {
				h.Wait = time.Duration(ms) * time.Millisecond
			}
		case "errorcode":
			h.Code, _ = strconv.Atoi(val)
			h.Fail = true
		case "errortext":
			h.Text = val
		}
	}
	return h
}

// matchMock finds the active mock for a call (zone scope before global) and consumes one count.
func (s *Server) matchMock(c *call) *mockHit {
	cmd, _ := lookupCommand(c.cmd)
	var best *mock
	for _, m := range s.st.Mocks {
		if m.Removed || (m.Count != nil && *m.Count <= 0) {
			continue
		}
		if !(strings.EqualFold(m.Name, c.cmd) || (m.Name == "*" && cmd.complete != nil)) {
			continue
		}
		if m.ZoneID != "" && m.ZoneID != s.callZone(c) {
			continue
		}
		if best == nil || (best.ZoneID == "" && m.ZoneID != "") {
			best = m
		}
	}
	if best == nil {
		return nil
	}
	if best.Count != nil {
		*best.Count--
	}
	return parseMockValue(best.Value)
}

func (s *Server) mockObj(m *mock) obj {
	o := obj{"id": m.ID, "name": m.Name}
	if m.ZoneID != "" {
		o["zoneid"] = m.ZoneID
	}
	if m.Count != nil {
		o["count"] = *m.Count
	}
	return o
}

func configureSimulator(s *Server, c *call) (any, *apiError) {
	name, err := c.need("name")
	if err != nil {
		return nil, err
	}
	value, err := c.need("value")
	if err != nil {
		return nil, err
	}
	zoneID := c.str("zoneid")
	if zoneID != "" && s.zoneByID(zoneID) == nil {
		return nil, noEntity(c.cmd, "zoneid", zoneID)
	}
	var count *int
	if n, ok, err := c.integer("count"); err != nil {
		return nil, err
	} else if ok {
		x := int(n)
		count = &x
	}
	for _, m := range s.st.Mocks {
		if !m.Removed && strings.EqualFold(m.Name, name) && m.ZoneID == zoneID {
			m.Value, m.Count = value, count
			return objResult{"simulatormock", s.mockObj(m)}, nil
		}
	}
	m := &mock{ID: s.st.uuid(), Name: name, ZoneID: zoneID, Value: value, Count: count}
	s.st.Mocks = append(s.st.Mocks, m)
	return objResult{"simulatormock", s.mockObj(m)}, nil
}

func (s *Server) needMock(c *call) (*mock, *apiError) {
	id, err := c.need("id")
	if err != nil {
		return nil, err
	}
	for _, m := range s.st.Mocks {
		if m.ID == id && !m.Removed {
			return m, nil
		}
	}
	return nil, noEntity(c.cmd, "id", id)
}

func querySimulatorMock(s *Server, c *call) (any, *apiError) {
	m, err := s.needMock(c)
	if err != nil {
		return nil, err
	}
	return objResult{"simulatormock", s.mockObj(m)}, nil
}

func cleanupSimulatorMock(s *Server, c *call) (any, *apiError) {
	m, err := s.needMock(c)
	if err != nil {
		return nil, err
	}
	m.Removed = true
	return success(), nil
}

// callZone is the zone a call acts in: zoneid, or the zone of the entity it names.
func (s *Server) callZone(c *call) string {
	if z := c.str("zoneid"); z != "" {
		return z
	}
	ids := []string{c.str("virtualmachineid"), c.str("volumeid"), c.str("networkid"), c.str("ipaddressid"), c.str("id")}
	for _, id := range ids {
		if id == "" {
			continue
		}
		if v := s.vmByID(id); v != nil {
			return v.ZoneID
		}
		if v := s.volumeByID(id); v != nil {
			return v.ZoneID
		}
		if n := s.networkByID(id); n != nil {
			return n.ZoneID
		}
		if ip := s.ipByID(id); ip != nil {
			return ip.ZoneID
		}
		if sn := s.snapshotByID(id); sn != nil {
			return sn.ZoneID
		}
	}
	return ""
}
