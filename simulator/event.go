package simulator

import (
	"strings"
	"time"
)

// event records a completed action event for the caller's account.
func (s *Server) event(c *call, typ, rtype, rid, rname, desc string) {
	s.eventLevel(c, "INFO", typ, rtype, rid, rname, desc)
}

func (s *Server) eventLevel(c *call, level, typ, rtype, rid, rname, desc string) {
	e := &event{ID: s.st.uuid(), Type: typ, Level: level, Description: desc, State: "Completed",
		ResourceID: rid, ResourceType: rtype, ResourceName: rname, Created: c.now}
	if c.acct != nil {
		e.owned = owned{c.acct.ID, c.acct.DomainID}
	}
	if c.user != nil {
		e.UserID = c.user.ID
	}
	s.st.Events = append(s.st.Events, e)
}

func listEvents(s *Server, c *call) (any, *apiError) {
	var items []obj
	for i := len(s.st.Events) - 1; i >= 0; i-- { // newest first, as CloudStack
		e := s.st.Events[i]
		if !s.visible(c, e.owned) {
			continue
		}
		if id := c.str("id"); id != "" && id != e.ID {
			continue
		}
		if t := c.str("type"); t != "" && !strings.EqualFold(t, e.Type) {
			continue
		}
		if l := c.str("level"); l != "" && !strings.EqualFold(l, e.Level) {
			continue
		}
		if r := c.str("resourceid"); r != "" && r != e.ResourceID {
			continue
		}
		if r := c.str("resourcetype"); r != "" && !strings.EqualFold(r, e.ResourceType) {
			continue
		}
		if sd := c.str("startdate"); sd != "" {
			if t, ok := parseEventDate(sd); ok && e.Created.Before(t) {
				continue
			}
		}
		if !c.matchKeyword(e.Type, e.Description) {
			continue
		}
		o := obj{"id": e.ID, "type": e.Type, "level": e.Level, "description": e.Description, "state": e.State,
			"created": fmtTime(e.Created), "resourceid": e.ResourceID, "resourcetype": e.ResourceType,
			"resourcename": e.ResourceName, "archived": false}
		if u := s.userByID(e.UserID); u != nil {
			o["username"] = u.Username
		}
		items = append(items, s.ownerFields(o, e.owned))
	}
	return c.pageOf("event", items), nil
}

func parseEventDate(v string) (t time.Time, ok bool) {
	for _, l := range []string{"2006-01-02 15:04:05", "2006-01-02", "2006-01-02T15:04:05-0700", "2006-01-02T15:04:05Z07:00"} {
		if x, err := time.Parse(l, v); err == nil {
			return x, true
		}
	}
	return t, false
}
