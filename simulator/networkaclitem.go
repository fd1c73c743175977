package simulator

import (
	"net/netip"
	"strconv"
	"strings"
)

// A VPC's own network ACL lists and their items
// (api/.../command/user/network/CreateNetworkACLListCmd.java,
// CreateNetworkACLCmd.java, DeleteNetworkACLCmd.java,
// DeleteNetworkACLListCmd.java, all async; the rules are
// NetworkACLServiceImpl's): the system lists cannot be changed or
// removed ("Default ACL cannot be modified", "Default ACL cannot be
// removed"), a rule number is unique within its list whatever the
// direction ("ACL item with number N already exists in ACL: …"; without
// number the next after the highest), protocols are tcp, udp, icmp, all
// or a number, actions Allow or Deny, traffic types Ingress (default) or
// Egress; a list still used by a tier is not deleted
// (NetworkACLManagerImpl.deleteNetworkACL).

type aclList struct {
	ID, Name, Description, VPCID string
	JobID                        string
}

type aclItemState struct {
	ID, ACLID, Protocol, TrafficType, Action, CIDRList string
	Number                                             int
	StartPort, EndPort                                 string
	ICMPType, ICMPCode                                 int
	State                                              string
}

func (s *Server) aclListByID(id string) *aclList {
	for _, l := range s.st.ACLLists {
		if l.ID == id {
			return l
		}
	}
	return nil
}

func (s *Server) aclItemObj(l *aclList, it *aclItemState) obj {
	o := obj{"id": it.ID, "aclid": l.ID, "aclname": l.Name, "number": it.Number, "protocol": it.Protocol,
		"traffictype": it.TrafficType, "action": it.Action, "cidrlist": it.CIDRList, "state": it.State, "fordisplay": true,
		"tags": s.tagsOf("NetworkACL", it.ID)}
	if it.StartPort != "" {
		o["startport"], o["endport"] = it.StartPort, it.EndPort
	}
	if it.Protocol == "icmp" {
		o["icmptype"], o["icmpcode"] = it.ICMPType, it.ICMPCode
	}
	return o
}

// ownedACL finds a VPC's own list the caller may change.
func (s *Server) ownedACL(c *call, id string) (*aclList, *apiError) {
	if id == aclDefaultAllow || id == aclDefaultDeny {
		return nil, invalidParam("Default ACL cannot be modified")
	}
	l := s.aclListByID(id)
	if l == nil {
		return nil, invalidParam("Unable to find specified ACL")
	}
	v := s.vpcByID(l.VPCID)
	if v == nil {
		return nil, invalidParam("Unable to find Vpc associated with the NetworkACL")
	}
	if !s.canAccess(c, v.owned) {
		return nil, permissionDenied("Account %s does not have permission to operate with resource %s", c.acct.Name, v.ID)
	}
	return l, nil
}

func createNetworkACLList(s *Server, c *call) (any, *apiError) {
	name, err := c.need("name")
	if err != nil {
		return nil, err
	}
	vpcID, err := c.need("vpcid")
	if err != nil {
		return nil, err
	}
	v := s.vpcByID(vpcID)
	if v == nil {
		return nil, invalidParam("Unable to find VPC")
	}
	if !s.canAccess(c, v.owned) {
		return nil, permissionDenied("Account %s does not have permission to operate with resource %s", c.acct.Name, v.ID)
	}
	l := &aclList{ID: s.st.uuid(), Name: name, Description: c.str("description"), VPCID: v.ID, JobID: c.job.ID}
	s.st.ACLLists = append(s.st.ACLLists, l)
	c.job.InstanceType, c.job.InstanceID = "NetworkAclList", l.ID
	return createReply(c, l.ID), nil
}

func createNetworkACLListDone(s *Server, c *call) (any, *apiError) {
	l := s.aclListByID(c.job.InstanceID)
	if l == nil {
		return nil, internalError("network ACL list disappeared")
	}
	l.JobID = ""
	if c.job.Fault != nil {
		s.st.ACLLists = removeByID(s.st.ACLLists, l.ID, func(x *aclList) string { return x.ID })
		s.forget(l.ID)
		return nil, c.job.Fault
	}
	v := s.vpcByID(l.VPCID)
	o := obj{"id": l.ID, "name": l.Name, "description": l.Description, "vpcid": l.VPCID, "fordisplay": true}
	if v != nil {
		o["vpcname"] = v.Name
	}
	return objResult{"networkacllist", o}, nil
}

func deleteNetworkACLList(s *Server, c *call) (any, *apiError) {
	id, err := c.need("id")
	if err != nil {
		return nil, err
	}
	if id == aclDefaultAllow || id == aclDefaultDeny {
		return nil, invalidParam("Default ACL cannot be removed")
	}
	l, aerr := s.ownedACL(c, id)
	if aerr != nil {
		return nil, aerr
	}
	c.job.InstanceType, c.job.InstanceID = "NetworkAclList", l.ID
	return jobReply(c), nil
}

func deleteNetworkACLListDone(s *Server, c *call) (any, *apiError) {
	if c.job.Fault != nil {
		return nil, c.job.Fault
	}
	l := s.aclListByID(c.job.InstanceID)
	if l == nil {
		return nil, invalidParam("Unable to find specified ACL")
	}
	n := 0
	for _, nw := range s.st.Networks {
		if nw.NetworkACLID == l.ID {
			n++
		}
	}
	if n > 0 {
		return nil, internalError("ACL is still associated with %d tier(s). Cannot delete network ACL: %s", n, l.ID)
	}
	var keep []*aclItemState
	for _, it := range s.st.ACLItems {
		if it.ACLID != l.ID {
			keep = append(keep, it)
		} else {
			s.forget(it.ID)
		}
	}
	s.st.ACLItems = keep
	s.st.ACLLists = removeByID(s.st.ACLLists, l.ID, func(x *aclList) string { return x.ID })
	s.forget(l.ID)
	return success(), nil
}

func createNetworkACL(s *Server, c *call) (any, *apiError) {
	proto, err := c.need("protocol")
	if err != nil {
		return nil, err
	}
	aclID := c.str("aclid")
	if aclID == "" {
		// Without aclid CloudStack creates a list for networkid's tier;
		// not modelled.
		return nil, invalidParam("Network ACL id is required")
	}
	l, aerr := s.ownedACL(c, aclID)
	if aerr != nil {
		return nil, aerr
	}
	proto = strings.ToLower(proto)
	if n, e := strconv.Atoi(proto); e == nil {
		if n < 0 || n > 255 {
			return nil, invalidParam("Invalid protocol number: %d", n)
		}
	} else if proto != "tcp" && proto != "udp" && proto != "icmp" && proto != "all" {
		return nil, invalidParam("Invalid protocol: %s", proto)
	}
	action := c.str("action")
	switch strings.ToLower(action) {
	case "", "allow":
		action = "Allow"
	case "deny":
		action = "Deny"
	default:
		return nil, invalidParam("Invalid action. Allowed actions are Allow and Deny")
	}
	tt := c.str("traffictype")
	switch strings.ToLower(tt) {
	case "", "ingress":
		tt = "Ingress"
	case "egress":
		tt = "Egress"
	default:
		return nil, invalidParam("Invalid traffic type %s", tt)
	}
	cidrs := c.str("cidrlist")
	if cidrs == "" {
		cidrs = "0.0.0.0/0"
	}
	for _, cidr := range strings.Split(cidrs, ",") {
		if _, e := netip.ParsePrefix(strings.TrimSpace(cidr)); e != nil {
			return nil, invalidParam("Invalid cidr %s", cidr)
		}
	}
	start, end := c.str("startport"), c.str("endport")
	if start != "" || end != "" {
		if proto != "tcp" && proto != "udp" {
			return nil, invalidParam("Can specify start/end port only for protocols TCP and UDP")
		}
		if end == "" {
			end = start
		}
		a, e1 := strconv.Atoi(start)
		b, e2 := strconv.Atoi(end)
		if e1 != nil || e2 != nil || a < 0 || b > 65535 || a > b {
			return nil, invalidParam("Invalid port range %s-%s", start, end)
		}
	}
	number := 0
	max := 0
	for _, it := range s.st.ACLItems {
		if it.ACLID == l.ID && it.Number > max {
			max = it.Number
		}
	}
	if v := c.str("number"); v != "" {
		n, e := strconv.Atoi(v)
		if e != nil || n < 1 {
			return nil, invalidParam("Invalid number %s", v)
		}
		for _, it := range s.st.ACLItems {
			if it.ACLID == l.ID && it.Number == n {
				return nil, invalidParam("ACL item with number %d already exists in ACL: %s", n, l.ID)
			}
		}
		number = n
	} else {
		number = max + 1
	}
	it := &aclItemState{ID: s.st.uuid(), ACLID: l.ID, Protocol: proto, TrafficType: tt, Action: action, CIDRList: cidrs,
		Number: number, StartPort: start, EndPort: end, State: "Add"}
	if proto == "icmp" {
		it.ICMPType, _ = strconv.Atoi(c.str("icmptype"))
		it.ICMPCode, _ = strconv.Atoi(c.str("icmpcode"))
	}
	s.st.ACLItems = append(s.st.ACLItems, it)
	c.job.InstanceType, c.job.InstanceID = "NetworkAcl", it.ID
	return createReply(c, it.ID), nil
}

func (s *Server) aclItemByID(id string) *aclItemState {
	for _, it := range s.st.ACLItems {
		if it.ID == id {
			return it
		}
	}
	return nil
}

func createNetworkACLDone(s *Server, c *call) (any, *apiError) {
	it := s.aclItemByID(c.job.InstanceID)
	if it == nil {
		return nil, internalError("network ACL item disappeared")
	}
	if c.job.Fault != nil {
		s.st.ACLItems = removeByID(s.st.ACLItems, it.ID, func(x *aclItemState) string { return x.ID })
		s.forget(it.ID)
		return nil, c.job.Fault
	}
	it.State = "Active"
	l := s.aclListByID(it.ACLID)
	if l == nil {
		return nil, internalError("network ACL list disappeared")
	}
	return objResult{"networkacl", s.aclItemObj(l, it)}, nil
}

func deleteNetworkACL(s *Server, c *call) (any, *apiError) {
	id, err := c.need("id")
	if err != nil {
		return nil, err
	}
	it := s.aclItemByID(id)
	if it == nil {
		for _, a := range systemACLs {
			for _, si := range a.Items {
				if si.ID == id {
					return nil, invalidParam("ACL Items in default ACL cannot be deleted")
				}
			}
		}
		return nil, noEntity(c.cmd, "id", id)
	}
	if _, aerr := s.ownedACL(c, it.ACLID); aerr != nil {
		return nil, aerr
	}
	it.State = "Revoke"
	c.job.InstanceType, c.job.InstanceID = "NetworkAcl", it.ID
	return jobReply(c), nil
}

func deleteNetworkACLDone(s *Server, c *call) (any, *apiError) {
	it := s.aclItemByID(c.job.InstanceID)
	if it == nil {
		return nil, invalidParam("Unable to find network ACL item")
	}
	if c.job.Fault != nil {
		it.State = "Active"
		return nil, c.job.Fault
	}
	s.st.ACLItems = removeByID(s.st.ACLItems, it.ID, func(x *aclItemState) string { return x.ID })
	s.forget(it.ID)
	return success(), nil
}
