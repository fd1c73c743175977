package simulator

import (
	"net"
	"strconv"
	"strings"
)

func (s *Server) sgByID(id string) *securityGroup {
	for _, g := range s.st.SecurityGroups {
		if g.ID == id {
			return g
		}
	}
	return nil
}

func (s *Server) sgByName(accountID, name string) *securityGroup {
	for _, g := range s.st.SecurityGroups {
		if g.AccountID == accountID && g.Name == name {
			return g
		}
	}
	return nil
}

func (s *Server) ruleObj(g *securityGroup, r *sgRule) obj {
	o := obj{"ruleid": r.ID, "protocol": r.Protocol, "account": s.accountName(g.AccountID), "tags": s.tagsOf("SecurityGroupRule", r.ID)}
	if r.HasPorts {
		o["startport"], o["endport"] = r.StartPort, r.EndPort
	}
	if r.HasICMP {
		o["icmptype"], o["icmpcode"] = r.ICMPType, r.ICMPCode
	}
	if r.CIDR != "" {
		o["cidr"] = r.CIDR
	}
	if r.UserSG != "" {
		o["securitygroupname"], o["account"] = r.UserSG, r.UserAccount
	}
	return o
}

func (s *Server) sgObj(g *securityGroup) obj {
	var vmIDs []any
	for _, v := range s.st.VMs {
		if contains(v.SecurityGroupIDs, g.ID) && v.State != "Expunging" {
			vmIDs = append(vmIDs, v.ID)
		}
	}
	o := s.sgNested(g)
	o["virtualmachinecount"], o["virtualmachineids"] = len(vmIDs), append([]any{}, vmIDs...)
	return o
}

// sgNested is a security group as nested in a VM: like CloudStack, without
// the group's VM list (which would make VM listings quadratic).
func (s *Server) sgNested(g *securityGroup) obj {
	in, out := []obj{}, []obj{}
	for _, r := range g.Rules {
		if r.Egress {
			out = append(out, s.ruleObj(g, r))
		} else {
			in = append(in, s.ruleObj(g, r))
		}
	}
	o := obj{"id": g.ID, "name": g.Name, "description": g.Description, "ingressrule": in, "egressrule": out,
		"tags": s.tagsOf("SecurityGroup", g.ID)}
	return s.ownerFields(o, g.owned)
}

func listSecurityGroups(s *Server, c *call) (any, *apiError) {
	var vmSGs []string
	if id := c.str("virtualmachineid"); id != "" {
		v := s.vmByID(id)
		if v == nil {
			return nil, noEntity(c.cmd, "virtualmachineid", id)
		}
		vmSGs = v.SecurityGroupIDs
		if vmSGs == nil {
			vmSGs = []string{}
		}
	}
	var items []obj
	for _, g := range s.st.SecurityGroups {
		if !s.visible(c, g.owned) {
			continue
		}
		if id := c.str("id"); id != "" && id != g.ID {
			continue
		}
		if n := c.str("securitygroupname"); n != "" && n != g.Name {
			continue
		}
		if vmSGs != nil && !contains(vmSGs, g.ID) {
			continue
		}
		if !c.matchKeyword(g.Name, g.Description) || !s.matchTags(c, "SecurityGroup", g.ID) {
			continue
		}
		items = append(items, s.sgObj(g))
	}
	return c.pageOf("securitygroup", items), nil
}

func createSecurityGroup(s *Server, c *call) (any, *apiError) {
	name, err := c.need("name")
	if err != nil {
		return nil, err
	}
	ow, err := s.owner(c)
	if err != nil {
		return nil, err
	}
	if strings.EqualFold(name, "default") {
		return nil, invalidParam("The security group name default is reserved")
	}
	if s.sgByName(ow.ID, name) != nil {
		return nil, invalidParam("Unable to create security group, a group with name %s already exists.", name)
	}
	g := &securityGroup{owned: owned{ow.ID, ow.DomainID}, ID: s.st.uuid(), Name: name, Description: c.str("description"), Created: c.now}
	s.st.SecurityGroups = append(s.st.SecurityGroups, g)
	s.event(c, "SG.CREATE", "SecurityGroup", g.ID, g.Name, "Successfully completed creating security group "+g.Name)
	return objResult{"securitygroup", s.sgObj(g)}, nil
}

// sgParam resolves id= or name= (deleteSecurityGroup) / securitygroupid= or securitygroupname=.
func (s *Server) sgParam(c *call, idParam, nameParam string) (*securityGroup, *apiError) {
	if id := c.str(idParam); id != "" {
		g := s.sgByID(id)
		if g == nil {
			return nil, noEntity(c.cmd, idParam, id)
		}
		if !s.canAccess(c, g.owned) {
			return nil, permissionDenied("Account %s does not have permission to operate with resource %s", c.acct.Name, id)
		}
		return g, nil
	}
	if name := c.str(nameParam); name != "" {
		ow, err := s.owner(c)
		if err != nil {
			return nil, err
		}
		g := s.sgByName(ow.ID, name)
		if g == nil {
			return nil, invalidParam("Unable to find security group %s; failed to authorize ingress.", name)
		}
		return g, nil
	}
	return nil, invalidParam("Either %s or %s is required", idParam, nameParam)
}

func deleteSecurityGroup(s *Server, c *call) (any, *apiError) {
	g, err := s.sgParam(c, "id", "name")
	if err != nil {
		return nil, err
	}
	if g.Name == "default" {
		return nil, invalidParam("The network group default is default group and can't be removed.")
	}
	for _, o := range s.st.SecurityGroups {
		for _, r := range o.Rules {
			if o.ID != g.ID && r.UserSG == g.Name && strings.EqualFold(r.UserAccount, s.accountName(g.AccountID)) {
				return nil, inUse("Cannot delete group when there are security rules that allow this group")
			}
		}
	}
	for _, v := range s.st.VMs {
		if contains(v.SecurityGroupIDs, g.ID) {
			return nil, inUse("Cannot delete group when it's in use by virtual machines")
		}
	}
	s.st.SecurityGroups = removeByID(s.st.SecurityGroups, g.ID, func(x *securityGroup) string { return x.ID })
	s.forget(g.ID)
	s.dropTags("SecurityGroup", g.ID)
	s.event(c, "SG.DELETE", "SecurityGroup", g.ID, g.Name, "Successfully completed deleting security group "+g.Name)
	return success(), nil
}

// parseRules validates an authorize request and returns the rules it describes.
func (s *Server) parseRules(c *call, egress bool) ([]*sgRule, *apiError) {
	proto := strings.ToLower(c.str("protocol"))
	if proto == "" {
		proto = "all"
	}
	if n, err := strconv.Atoi(proto); err == nil {
		switch n {
		case 1:
			proto = "icmp"
		case 6:
			proto = "tcp"
		case 17:
			proto = "udp"
		default:
			if n < 0 || n > 255 {
				return nil, invalidParam("Invalid protocol number %d", n)
			}
		}
	} else if proto != "tcp" && proto != "udp" && proto != "icmp" && proto != "all" {
		return nil, invalidParam("Invalid protocol %s", proto)
	}
	base := sgRule{Protocol: proto, Egress: egress}
	switch proto {
	case "tcp", "udp":
		sp, okS, err := c.integer("startport")
		if err != nil {
			return nil, err
		}
		ep, okE, err := c.integer("endport")
		if err != nil {
			return nil, err
		}
		if !okS || !okE {
			return nil, invalidParam("Invalid port range specified: start port and end port are required for protocol %s", proto)
		}
		if sp < 0 || sp > 65535 || ep < 0 || ep > 65535 || sp > ep {
			return nil, invalidParam("Invalid port range %d-%d", sp, ep)
		}
		base.StartPort, base.EndPort, base.HasPorts = int(sp), int(ep), true
	case "icmp":
		t, okT, err := c.integer("icmptype")
		if err != nil {
			return nil, err
		}
		cd, okC, err := c.integer("icmpcode")
		if err != nil {
			return nil, err
		}
		if !okT {
			t = -1
		}
		if !okC {
			cd = -1
		}
		if t < -1 || t > 255 || cd < -1 || cd > 255 {
			return nil, invalidParam("Invalid icmp type/code %d/%d", t, cd)
		}
		base.ICMPType, base.ICMPCode, base.HasICMP = int(t), int(cd), true
	}
	var rules []*sgRule
	for _, cidr := range c.list("cidrlist") {
		if _, _, err := net.ParseCIDR(cidr); err != nil {
			return nil, invalidParam("Invalid cidr %s", cidr)
		}
		r := base
		r.CIDR = cidr
		rules = append(rules, &r)
	}
	for _, m := range c.maps["usersecuritygrouplist"] {
		acct, grp := m["account"], m["group"]
		a := s.accountByName(acct)
		if a == nil || s.sgByName(a.ID, grp) == nil {
			return nil, invalidParam("Unable to find security group %s for account %s", grp, acct)
		}
		r := base
		r.UserAccount, r.UserSG = a.Name, grp
		rules = append(rules, &r)
	}
	if len(rules) == 0 {
		return nil, invalidParam("At least one cidrlist or securitygroup must be specified")
	}
	return rules, nil
}

func authorizeIngress(s *Server, c *call) (any, *apiError) { return s.authorize(c, false) }
func authorizeEgress(s *Server, c *call) (any, *apiError)  { return s.authorize(c, true) }

func (s *Server) authorize(c *call, egress bool) (any, *apiError) {
	g, err := s.sgParam(c, "securitygroupid", "securitygroupname")
	if err != nil {
		return nil, err
	}
	if _, err := s.parseRules(c, egress); err != nil {
		return nil, err
	}
	c.job.InstanceType, c.job.InstanceID = "SecurityGroup", g.ID
	return jobReply(c), nil
}

func sameRule(a, b *sgRule) bool {
	return a.Egress == b.Egress && a.Protocol == b.Protocol && a.CIDR == b.CIDR && a.StartPort == b.StartPort &&
		a.EndPort == b.EndPort && a.ICMPType == b.ICMPType && a.ICMPCode == b.ICMPCode && a.UserSG == b.UserSG && a.UserAccount == b.UserAccount
}

func authorizeDone(s *Server, c *call) (any, *apiError) {
	egress := c.cmd == "authorizeSecurityGroupEgress"
	dir := "ingress"
	if egress {
		dir = "egress"
	}
	if c.job.Fault != nil {
		return nil, c.job.Fault
	}
	g := s.sgByID(c.job.InstanceID)
	if g == nil {
		return nil, invalidParam("Unable to find security group by id %s", c.job.InstanceID)
	}
	rules, err := s.parseRules(c, egress)
	if err != nil {
		return nil, err
	}
	var added []*sgRule
	for _, r := range rules {
		dup := false
		for _, e := range g.Rules {
			dup = dup || sameRule(e, r)
		}
		if dup {
			continue
		}
		r.ID = s.st.uuid()
		g.Rules = append(g.Rules, r)
		added = append(added, r)
	}
	if len(added) == 0 {
		return nil, internalError("Failed to authorize security group %s rule(s)", dir)
	}
	s.event(c, "SG.AUTH."+strings.ToUpper(dir), "SecurityGroup", g.ID, g.Name, "Successfully authorized "+dir+" rule(s) in "+g.Name)
	o := s.sgObj(g)
	// Like CloudStack, the result lists only the rules just created.
	var list []obj
	for _, r := range added {
		list = append(list, s.ruleObj(g, r))
	}
	if egress {
		o["egressrule"], o["ingressrule"] = list, []obj{}
	} else {
		o["ingressrule"], o["egressrule"] = list, []obj{}
	}
	return objResult{"securitygroup", o}, nil
}

func revokeIngress(s *Server, c *call) (any, *apiError) { return s.revoke(c, false) }
func revokeEgress(s *Server, c *call) (any, *apiError)  { return s.revoke(c, true) }

func (s *Server) findRule(id string) (*securityGroup, *sgRule) {
	for _, g := range s.st.SecurityGroups {
		for _, r := range g.Rules {
			if r.ID == id {
				return g, r
			}
		}
	}
	return nil, nil
}

func (s *Server) revoke(c *call, egress bool) (any, *apiError) {
	id, err := c.need("id")
	if err != nil {
		return nil, err
	}
	g, r := s.findRule(id)
	if r == nil || r.Egress != egress {
		return nil, noEntity(c.cmd, "id", id)
	}
	if !s.canAccess(c, g.owned) {
		return nil, permissionDenied("Account %s does not have permission to operate with resource %s", c.acct.Name, id)
	}
	c.job.InstanceType, c.job.InstanceID = "SecurityGroup", g.ID
	return jobReply(c), nil
}

func revokeDone(s *Server, c *call) (any, *apiError) {
	if c.job.Fault != nil {
		return nil, c.job.Fault
	}
	g, r := s.findRule(c.str("id"))
	if r == nil {
		return nil, invalidParam("Unable to find security group rule with id %s", c.str("id"))
	}
	g.Rules = removeByID(g.Rules, r.ID, func(x *sgRule) string { return x.ID })
	s.forget(r.ID)
	s.dropTags("SecurityGroupRule", r.ID)
	s.event(c, "SG.REVOKE", "SecurityGroup", g.ID, g.Name, "Successfully revoked rule "+r.ID)
	return success(), nil
}
