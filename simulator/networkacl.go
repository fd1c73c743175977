package simulator

import "strings"

// Network ACL lists, as far as the gateway reads them. CloudStack ships
// two system lists that belong to no VPC (NetworkACL.DEFAULT_DENY = 1,
// DEFAULT_ALLOW = 2; their items were inserted by the 4.2 upgrade,
// engine/schema/.../upgrade/dao/Upgrade410to420.java and
// setup/db/db/schema-410to420.sql: default_deny denies all ingress and
// egress, default_allow allows both). listNetworkACLLists with or without
// vpcid also lists them: NetworkACLServiceImpl.listNetworkACLs adds
// "vpcId 0" to the VPCs searched. A tier created without aclid has none
// (VpcManagerImpl.createVpcGuestNetwork stores the aclId it is given);
// the VPC router then blocks its ingress and allows its egress.
// Creating lists and items (createNetworkACLList, createNetworkACL) is
// not modelled.

// The system lists' ids (fixed here; a real installation has its own
// UUIDs for ids 1 and 2).
const (
	aclDefaultDeny  = "5c2b1a2e-9d5f-11e3-9c1d-5254004e6b01"
	aclDefaultAllow = "5c2b1a2e-9d5f-11e3-9c1d-5254004e6b02"
)

type aclItem struct {
	ID, Protocol, TrafficType, Action, CIDRList string
	Number                                      int
}

var systemACLs = []struct {
	ID, Name, Description string
	Items                 []aclItem
}{
	{aclDefaultDeny, "default_deny", "Default Network ACL Deny All", []aclItem{
		{"5c2b1a2e-9d5f-11e3-9c1d-5254004e6b11", "all", "Ingress", "Deny", "0.0.0.0/0", 1},
		{"5c2b1a2e-9d5f-11e3-9c1d-5254004e6b12", "all", "Egress", "Deny", "0.0.0.0/0", 2}}},
	{aclDefaultAllow, "default_allow", "Default Network ACL Allow All", []aclItem{
		{"5c2b1a2e-9d5f-11e3-9c1d-5254004e6b21", "all", "Ingress", "Allow", "0.0.0.0/0", 1},
		{"5c2b1a2e-9d5f-11e3-9c1d-5254004e6b22", "all", "Egress", "Allow", "0.0.0.0/0", 2}}},
}

func (s *Server) aclName(id string) string {
	for _, a := range systemACLs {
		if a.ID == id {
			return a.Name
		}
	}
	if l := s.aclListByID(id); l != nil {
		return l.Name
	}
	return ""
}

// aclVPC is the VPC of a list ("" for the system lists).
func (s *Server) aclVPC(id string) string {
	if l := s.aclListByID(id); l != nil {
		return l.VPCID
	}
	return ""
}

// tierACL checks createNetwork's aclid (NetworkServiceImpl.commitNetwork:
// only for VPC tiers; an unknown list is "Unable to find specified
// NetworkACL").
func (s *Server) tierACL(c *call, vpcID string, off *networkOffering) (string, *apiError) {
	id := c.str("aclid")
	if id == "" {
		return "", nil
	}
	if vpcID == "" || !contains(off.Services, "NetworkACL") {
		return "", invalidParam("Network ACL can be applied only on VPC networks with NetworkACL service enabled")
	}
	if s.aclName(id) == "" {
		return "", invalidParam("Unable to find specified NetworkACL")
	}
	if v := s.aclVPC(id); v != "" && v != vpcID {
		return "", invalidParam("ACL [%s] does not belong to the VPC [%s].", id, vpcID)
	}
	return id, nil
}

func listNetworkACLLists(s *Server, c *call) (any, *apiError) {
	if v := c.str("vpcid"); v != "" {
		vp := s.vpcByID(v)
		if vp == nil {
			return nil, invalidParam("Unable to find VPC")
		}
		if !s.canAccess(c, vp.owned) {
			return nil, permissionDenied("Account %s does not have permission to operate with resource %s", c.acct.Name, v)
		}
	}
	var items []obj
	for _, a := range systemACLs {
		if id := c.str("id"); id != "" && id != a.ID {
			continue
		}
		if n := c.str("name"); n != "" && n != a.Name {
			continue
		}
		if nid := c.str("networkid"); nid != "" {
			if n := s.networkByID(nid); n == nil || n.NetworkACLID != a.ID {
				continue
			}
		}
		items = append(items, obj{"id": a.ID, "name": a.Name, "description": a.Description, "fordisplay": true})
	}
	for _, l := range s.st.ACLLists {
		v := s.vpcByID(l.VPCID)
		if v == nil || !s.visible(c, v.owned) {
			continue
		}
		if vid := c.str("vpcid"); vid != "" && vid != l.VPCID {
			continue
		}
		if id := c.str("id"); id != "" && id != l.ID {
			continue
		}
		if n := c.str("name"); n != "" && n != l.Name {
			continue
		}
		if nid := c.str("networkid"); nid != "" {
			if n := s.networkByID(nid); n == nil || n.NetworkACLID != l.ID {
				continue
			}
		}
		items = append(items, obj{"id": l.ID, "name": l.Name, "description": l.Description, "vpcid": l.VPCID, "vpcname": v.Name, "fordisplay": true})
	}
	return c.pageOf("networkacllist", items), nil
}

func listNetworkACLs(s *Server, c *call) (any, *apiError) {
	var items []obj
	for _, a := range systemACLs {
		if id := c.str("aclid"); id != "" && id != a.ID {
			continue
		}
		if c.str("aclid") == "" {
			// Without aclid CloudStack lists the items of the caller's
			// VPCs' lists only (NetworkACLServiceImpl.listNetworkACLItems
			// joins network_acl on the permitted VPCs).
			continue
		}
		for _, it := range a.Items {
			if tt := c.str("traffictype"); tt != "" && !strings.EqualFold(tt, it.TrafficType) {
				continue
			}
			items = append(items, obj{"id": it.ID, "aclid": a.ID, "aclname": a.Name, "number": it.Number, "protocol": it.Protocol,
				"traffictype": it.TrafficType, "action": it.Action, "cidrlist": it.CIDRList, "state": "Active", "fordisplay": true,
				"tags": []obj{}})
		}
	}
	for _, it := range s.st.ACLItems {
		l := s.aclListByID(it.ACLID)
		if l == nil || (c.str("aclid") != "" && c.str("aclid") != l.ID) {
			continue
		}
		if v := s.vpcByID(l.VPCID); v == nil || !s.visible(c, v.owned) {
			continue
		}
		if tt := c.str("traffictype"); tt != "" && !strings.EqualFold(tt, it.TrafficType) {
			continue
		}
		items = append(items, s.aclItemObj(l, it))
	}
	return c.pageOf("networkacl", items), nil
}

// replaceNetworkACLList moves a VPC tier to another ACL list
// (ReplaceNetworkACLListCmd, async; NetworkACLServiceImpl.replaceNetworkACL:
// the network must be a VPC tier, a list other than the two system ones
// must belong to the tier's VPC). Private gateways (gatewayid=) are not
// modelled.
func replaceNetworkACLList(s *Server, c *call) (any, *apiError) {
	aclID, err := c.need("aclid")
	if err != nil {
		return nil, err
	}
	netID := c.str("networkid")
	if netID == "" {
		return nil, invalidParam("Network ID and private gateway can't be passed at the same time, or both empty")
	}
	n := s.networkByID(netID)
	if n == nil {
		return nil, invalidParam("Unable to find specified Network")
	}
	if s.aclName(aclID) == "" {
		return nil, invalidParam("Unable to find specified NetworkACL")
	}
	if n.VPCID == "" {
		return nil, invalidParam("Network is not part of a VPC: %s", n.ID)
	}
	if v := s.aclVPC(aclID); v != "" && v != n.VPCID {
		return nil, invalidParam("Network: %s and ACL: %s do not belong to the same VPC", n.ID, aclID)
	}
	if !s.canAccess(c, n.owned) {
		return nil, permissionDenied("Account %s does not have permission to operate with resource %s", c.acct.Name, n.ID)
	}
	c.job.InstanceType, c.job.InstanceID = "Network", n.ID
	return jobReply(c), nil
}

func replaceNetworkACLListDone(s *Server, c *call) (any, *apiError) {
	if c.job.Fault != nil {
		return nil, c.job.Fault
	}
	n := s.networkByID(c.job.InstanceID)
	if n == nil {
		return nil, invalidParam("Unable to find specified Network")
	}
	n.NetworkACLID = c.job.Params["aclid"]
	return success(), nil
}
