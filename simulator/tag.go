package simulator

import "strings"

// taggable resource types (ResourceTag.ResourceObjectType names).
var tagTypes = []string{"UserVm", "Volume", "Snapshot", "SecurityGroup", "Template", "PublicIpAddress", "Network", "Vpc", "SSHKeyPair", "SecurityGroupRule"}

func canonicalTagType(t string) (string, bool) {
	for _, x := range tagTypes {
		if strings.EqualFold(x, t) {
			return x, true
		}
	}
	return "", false
}

// resourceOwner finds a taggable resource by type and id.
func (s *Server) resourceOwner(rtype, id string) (owned, bool) {
	switch rtype {
	case "UserVm":
		if v := s.vmByID(id); v != nil {
			return v.owned, true
		}
	case "Volume":
		if v := s.volumeByID(id); v != nil {
			return v.owned, true
		}
	case "Snapshot":
		if v := s.snapshotByID(id); v != nil {
			return v.owned, true
		}
	case "SecurityGroup":
		if v := s.sgByID(id); v != nil {
			return v.owned, true
		}
	case "Template":
		if v := s.templateByID(id); v != nil {
			return v.owned, true
		}
	case "PublicIpAddress":
		if v := s.ipByID(id); v != nil {
			return v.owned, true
		}
	case "Network":
		if v := s.networkByID(id); v != nil {
			return v.owned, true
		}
	case "Vpc":
		if v := s.vpcByID(id); v != nil {
			return v.owned, true
		}
	case "SecurityGroupRule":
		// ResourceTag.ResourceObjectType.SecurityGroupRule (api/.../ResourceTag.java):
		// rules are taggable; their tags come back in the rule's "tags".
		if g, r := s.findRule(id); r != nil {
			return g.owned, true
		}
	case "SSHKeyPair":
		for _, k := range s.st.KeyPairs {
			if k.ID == id {
				return k.owned, true
			}
		}
	}
	return owned{}, false
}

func (s *Server) tagObj(t *tag) obj {
	o := obj{"key": t.Key, "value": t.Value, "resourcetype": t.ResourceType, "resourceid": t.ResourceID}
	if t.Customer != "" {
		o["customer"] = t.Customer
	}
	return s.ownerFields(o, t.owned)
}

// tagsFor returns a resource's tags through the lazily built index, so
// listing N resources costs O(N + T) rather than O(N·T).
func (s *Server) tagsFor(rtype, id string) []*tag {
	if s.st.tagIdx == nil {
		idx := make(map[string][]*tag, len(s.st.Tags))
		for _, t := range s.st.Tags {
			k := t.ResourceType + "\x00" + t.ResourceID
			idx[k] = append(idx[k], t)
		}
		s.st.tagIdx = idx
	}
	return s.st.tagIdx[rtype+"\x00"+id]
}

// tagsOf returns the tags[] array of a resource (always an array, possibly empty).
func (s *Server) tagsOf(rtype, id string) []obj {
	out := []obj{}
	for _, t := range s.tagsFor(rtype, id) {
		out = append(out, s.tagObj(t))
	}
	return out
}

// matchTags implements the tags[n].key/value list filter: a resource matches when it has
// ANY of the given pairs. CloudStack ORs the pairs (each one key AND value) in the join on
// resource_tags (server/src/main/java/com/cloud/api/query/QueryManagerImpl.java:
// tagSearch.or().op("key"+n, …).and("value"+n, …).cp()). An empty value matches any value
// (a simulator leniency).
func (s *Server) matchTags(c *call, rtype, id string) bool {
	return s.hasTags(c.kv("tags"), rtype, id)
}

// hasTags is matchTags with the call's tag pairs already read.
func (s *Server) hasTags(pairs [][2]string, rtype, id string) bool {
	if len(pairs) == 0 {
		return true
	}
	for _, kv := range pairs {
		for _, t := range s.tagsFor(rtype, id) {
			if t.Key == kv[0] && (kv[1] == "" || t.Value == kv[1]) {
				return true
			}
		}
	}
	return false
}

func (s *Server) dropTags(rtype, id string) {
	out := s.st.Tags[:0]
	for _, t := range s.st.Tags {
		if !(t.ResourceType == rtype && t.ResourceID == id) {
			out = append(out, t)
		}
	}
	s.st.Tags = out
	if s.st.tagIdx != nil {
		delete(s.st.tagIdx, rtype+"\x00"+id)
	}
}

func tagParams(c *call) (string, []string, *apiError) {
	rt, err := c.need("resourcetype")
	if err != nil {
		return "", nil, err
	}
	ids := c.list("resourceids")
	if len(ids) == 0 {
		return "", nil, missingParam(c.cmd, "resourceids")
	}
	return rt, ids, nil
}

func createTags(s *Server, c *call) (any, *apiError) {
	if _, _, err := tagParams(c); err != nil {
		return nil, err
	}
	if len(c.maps["tags"]) == 0 {
		return nil, missingParam(c.cmd, "tags")
	}
	return jobReply(c), nil
}

func createTagsDone(s *Server, c *call) (any, *apiError) {
	if c.job.Fault != nil {
		return nil, c.job.Fault
	}
	rtRaw, ids, _ := tagParams(c)
	rt, ok := canonicalTagType(rtRaw)
	if !ok {
		return nil, invalidParam("Invalid resource type %s", rtRaw)
	}
	var add []*tag
	for _, id := range ids {
		o, ok := s.resourceOwner(rt, id)
		if !ok || !s.canAccess(c, o) {
			return nil, invalidParam("Unable to find resource by id %s and type %s", id, rt)
		}
		for _, kv := range c.kv("tags") {
			if kv[0] == "" {
				return nil, invalidParam("Tag key cannot be empty")
			}
			// The resource's own tags (through the index) and this call's:
			// O(tags of the resource), not O(all tags).
			for _, t := range append(append([]*tag{}, s.tagsFor(rt, id)...), add...) {
				if t.ResourceType == rt && t.ResourceID == id && t.Key == kv[0] {
					return nil, invalidParam("tag %s already on %s with id %s", kv[0], rt, id)
				}
			}
			add = append(add, &tag{owned: o, ResourceType: rt, ResourceID: id, Key: kv[0], Value: kv[1], Customer: c.str("customer")})
		}
	}
	s.st.Tags = append(s.st.Tags, add...)
	if s.st.tagIdx != nil {
		for _, t := range add {
			k := t.ResourceType + "\x00" + t.ResourceID
			s.st.tagIdx[k] = append(s.st.tagIdx[k], t)
		}
	}
	return success(), nil
}

func deleteTags(s *Server, c *call) (any, *apiError) {
	if _, _, err := tagParams(c); err != nil {
		return nil, err
	}
	return jobReply(c), nil
}

func deleteTagsDone(s *Server, c *call) (any, *apiError) {
	if c.job.Fault != nil {
		return nil, c.job.Fault
	}
	rtRaw, ids, _ := tagParams(c)
	rt, ok := canonicalTagType(rtRaw)
	if !ok {
		return nil, invalidParam("Invalid resource type %s", rtRaw)
	}
	sel := c.kv("tags")
	gone := map[*tag]bool{}
	out := s.st.Tags[:0]
	for _, t := range s.st.Tags {
		del := t.ResourceType == rt && contains(ids, t.ResourceID) && s.canAccess(c, t.owned)
		if del && len(sel) > 0 {
			del = false
			for _, kv := range sel {
				if kv[0] == t.Key && (kv[1] == "" || kv[1] == t.Value) {
					del = true
				}
			}
		}
		if !del {
			out = append(out, t)
		} else {
			gone[t] = true
		}
	}
	s.st.Tags = out
	if s.st.tagIdx != nil {
		// Re-index only the resources this call touched.
		for _, id := range ids {
			k := rt + "\x00" + id
			var keep []*tag
			for _, t := range s.st.tagIdx[k] {
				if !gone[t] {
					keep = append(keep, t)
				}
			}
			if len(keep) == 0 {
				delete(s.st.tagIdx, k)
			} else {
				s.st.tagIdx[k] = keep
			}
		}
	}
	return success(), nil
}

// listTags filters by owner (and the parameters), never by the tagged
// resource's state: a Destroyed VM's tags stay listable to its owner until
// expunge drops them, also where allow.user.view.destroyed.vm hides the VM
// itself (server/src/main/java/com/cloud/api/query/QueryManagerImpl.java,
// listTagsInternal: an ACL search over resource_tag_view, no VM join;
// engine/schema/src/main/java/com/cloud/vm/dao/UserVmDaoImpl.java, remove).
func listTags(s *Server, c *call) (any, *apiError) {
	var items []obj
	rt := c.str("resourcetype")
	for _, t := range s.st.Tags {
		if !s.visible(c, t.owned) {
			continue
		}
		if rt != "" && !strings.EqualFold(rt, t.ResourceType) {
			continue
		}
		if v := c.str("resourceid"); v != "" && v != t.ResourceID {
			continue
		}
		if v := c.str("key"); v != "" && v != t.Key {
			continue
		}
		if v := c.str("value"); v != "" && v != t.Value {
			continue
		}
		if v := c.str("customer"); v != "" && v != t.Customer {
			continue
		}
		if !c.matchKeyword(t.Key, t.Value) {
			continue
		}
		items = append(items, s.tagObj(t))
	}
	return c.pageOf("tag", items), nil
}
