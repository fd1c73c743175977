package simulator

import (
	"fmt"
	"strings"
)

func (s *Server) ipByID(id string) *publicIP {
	for _, ip := range s.st.IPs {
		if ip.ID == id {
			return ip
		}
	}
	return nil
}

// newPublicIP allocates a free public address in z for ow (state Allocating).
func (s *Server) newPublicIP(c *call, ow owned, z *zone) *publicIP {
	used := map[string]bool{}
	for _, ip := range s.st.IPs {
		used[ip.Address] = true
	}
	r := s.st.r()
	addr := ""
	for i := 0; i < 1000 && addr == ""; i++ {
		a := fmt.Sprintf("%s%d", z.PublicPrefix, 2+r.IntN(249))
		if !used[a] {
			addr = a
		}
	}
	ip := &publicIP{owned: ow, ID: s.st.uuid(), Address: addr, ZoneID: z.ID, State: "Allocating", Allocated: c.now}
	s.st.IPs = append(s.st.IPs, ip)
	return ip
}

func (s *Server) ipObj(ip *publicIP) obj {
	o := obj{"id": ip.ID, "ipaddress": ip.Address, "allocated": fmtTime(ip.Allocated), "zoneid": ip.ZoneID,
		"zonename": s.zoneName(ip.ZoneID), "issourcenat": ip.SourceNat, "isstaticnat": ip.StaticNatVMID != "",
		"issystem": false, "forvirtualnetwork": true, "isportable": false, "fordisplay": true, "state": ip.State,
		"hasrules": false, "vlanname": "vlan://untagged", "tags": s.tagsOf("PublicIpAddress", ip.ID), "forsystemvms": false}
	if ip.NetworkID != "" {
		o["associatednetworkid"] = ip.NetworkID
		if n := s.networkByID(ip.NetworkID); n != nil {
			o["associatednetworkname"] = n.Name
		}
	}
	if ip.VPCID != "" {
		o["vpcid"] = ip.VPCID
		if v := s.vpcByID(ip.VPCID); v != nil {
			o["vpcname"] = v.Name
		}
	}
	if ip.SourceNat {
		o["purpose"] = "SourceNat"
	}
	if v := s.vmByID(ip.StaticNatVMID); v != nil {
		o["purpose"] = "StaticNat"
		o["virtualmachineid"], o["virtualmachinename"], o["virtualmachinedisplayname"] = v.ID, v.Name, v.DisplayName
		o["virtualmachinetype"] = "User"
		for _, nc := range v.Nics {
			if nc.NetworkID == ip.NetworkID {
				o["vmipaddress"] = nc.IP
			}
		}
	}
	if ip.JobID != "" {
		o["jobid"], o["jobstatus"] = ip.JobID, 0
	}
	return s.ownerFields(o, ip.owned)
}

func listPublicIpAddresses(s *Server, c *call) (any, *apiError) {
	var items []obj
	for _, ip := range s.st.IPs {
		if !s.visible(c, ip.owned) {
			continue
		}
		if id := c.str("id"); id != "" && id != ip.ID {
			continue
		}
		if a := c.str("ipaddress"); a != "" && a != ip.Address {
			continue
		}
		if z := c.str("zoneid"); z != "" && z != ip.ZoneID {
			continue
		}
		if n := c.str("associatednetworkid"); n != "" && n != ip.NetworkID {
			continue
		}
		if v := c.str("vpcid"); v != "" && v != ip.VPCID {
			continue
		}
		if c.has("issourcenat") && c.boolean("issourcenat", false) != ip.SourceNat {
			continue
		}
		if c.has("isstaticnat") && c.boolean("isstaticnat", false) != (ip.StaticNatVMID != "") {
			continue
		}
		if st := c.str("state"); st != "" && !strings.EqualFold(st, ip.State) {
			continue
		}
		if !c.matchKeyword(ip.Address) || !s.matchTags(c, "PublicIpAddress", ip.ID) {
			continue
		}
		items = append(items, s.ipObj(ip))
	}
	return c.pageOf("publicipaddress", items), nil
}

func associateIpAddress(s *Server, c *call) (any, *apiError) {
	ow, err := s.owner(c)
	if err != nil {
		return nil, err
	}
	var z *zone
	var netID, vpcID, tierOf string
	switch {
	case c.str("networkid") != "":
		n, err := s.needNetwork(c, "networkid")
		if err != nil {
			return nil, err
		}
		if n.Type != "Isolated" {
			return nil, invalidParam("Can't associate ip to network %s of type %s", n.ID, n.Type)
		}
		z, netID = s.zoneByID(n.ZoneID), n.ID
		// NetworkServiceImpl.associateIPToNetwork (server/src/main/java/com/cloud/network/
		// NetworkServiceImpl.java), run by the async part: an address is never acquired for a
		// VPC tier, only for its VPC (vpcid=); the job fails and the address is released.
		tierOf = n.VPCID
	case c.str("vpcid") != "":
		v := s.vpcByID(c.str("vpcid"))
		if v == nil || !s.canAccess(c, v.owned) {
			return nil, noEntity(c.cmd, "vpcid", c.str("vpcid"))
		}
		z, vpcID = s.zoneByID(v.ZoneID), v.ID
	case c.str("zoneid") != "":
		zz, err := s.needZone(c)
		if err != nil {
			return nil, err
		}
		if strings.EqualFold(zz.NetworkType, "Basic") {
			return nil, invalidParam("Can't associate ip in zone %s of type Basic", zz.Name)
		}
		z = zz
		// AssociateIPAddrCmd.getNetworkId (api/src/main/java/org/apache/cloudstack/api/command/
		// user/address/AssociateIPAddrCmd.java): with only zoneid, an Advanced zone needs the
		// owner to have exactly one Isolated network there; checked in create(), so sync 431.
		var own []*network
		for _, n := range s.st.Networks {
			if n.AccountID == ow.ID && n.ZoneID == z.ID && n.Type == "Isolated" {
				own = append(own, n)
			}
		}
		switch {
		case len(own) == 0:
			return nil, invalidParam("Account name=%s domain=ROOT doesn't have virtual networks in zone=%s", ow.Name, z.Name)
		case len(own) > 1:
			return nil, invalidParam("Account has more than one isolated network in the zone")
		}
		netID, vpcID = own[0].ID, own[0].VPCID
	default:
		return nil, invalidParam("Either networkid, vpcid or zoneid has to be specified")
	}
	ip := s.newPublicIP(c, owned{ow.ID, ow.DomainID}, z)
	ip.NetworkID, ip.VPCID, ip.JobID = netID, vpcID, c.job.ID
	c.job.InstanceType, c.job.InstanceID = "IpAddress", ip.ID
	if tierOf != "" {
		c.job.Fault = invalidParam("Can't assign ip to the network directly when network belongs to VPC.Specify vpcId to associate ip address to VPC")
	}
	return createReply(c, ip.ID), nil
}

func associateIpAddressDone(s *Server, c *call) (any, *apiError) {
	ip := s.ipByID(c.job.InstanceID)
	if ip == nil {
		return nil, internalError("ip disappeared")
	}
	ip.JobID = ""
	if c.job.Fault != nil {
		s.st.IPs = removeByID(s.st.IPs, ip.ID, func(x *publicIP) string { return x.ID })
		s.forget(ip.ID)
		return nil, c.job.Fault
	}
	ip.State = "Allocated"
	s.event(c, "NET.IPASSIGN", "IpAddress", ip.ID, ip.Address, "Successfully completed associating IP address "+ip.Address)
	return objResult{"ipaddress", s.ipObj(ip)}, nil
}

func (s *Server) needIP(c *call, param string) (*publicIP, *apiError) {
	id, err := c.need(param)
	if err != nil {
		return nil, err
	}
	ip := s.ipByID(id)
	if ip == nil {
		return nil, noEntity(c.cmd, param, id)
	}
	if !s.canAccess(c, ip.owned) {
		return nil, permissionDenied("Account %s does not have permission to operate with resource %s", c.acct.Name, id)
	}
	return ip, nil
}

func disassociateIpAddress(s *Server, c *call) (any, *apiError) {
	ip, err := s.needIP(c, "id")
	if err != nil {
		return nil, err
	}
	if ip.SourceNat {
		return nil, invalidParam("IP address id=%s is a source nat ip address, it can be released only as a part of network/vpc cleanup", ip.ID)
	}
	ip.JobID, ip.State = c.job.ID, "Releasing"
	c.job.InstanceType, c.job.InstanceID = "IpAddress", ip.ID
	return jobReply(c), nil
}

func disassociateIpAddressDone(s *Server, c *call) (any, *apiError) {
	ip := s.ipByID(c.job.InstanceID)
	if ip == nil {
		return nil, invalidParam("Unable to find ip address by id %s", c.job.InstanceID)
	}
	ip.JobID = ""
	if c.job.Fault != nil {
		ip.State = "Allocated"
		return nil, c.job.Fault
	}
	s.st.IPs = removeByID(s.st.IPs, ip.ID, func(x *publicIP) string { return x.ID })
	s.forget(ip.ID)
	s.dropTags("PublicIpAddress", ip.ID)
	s.event(c, "NET.IPRELEASE", "IpAddress", ip.ID, ip.Address, "Successfully completed disassociating IP address "+ip.Address)
	return success(), nil
}

func enableStaticNat(s *Server, c *call) (any, *apiError) {
	ip, err := s.needIP(c, "ipaddressid")
	if err != nil {
		return nil, err
	}
	v, err := s.needVM(c, "virtualmachineid")
	if err != nil {
		return nil, err
	}
	if ip.SourceNat {
		return nil, &apiError{codeNetworkRuleConflict, csInvalidParam, "Can't enable static nat for the ip address id=" + ip.ID + " as it's used as a source nat ip"}
	}
	if ip.StaticNatVMID != "" && ip.StaticNatVMID != v.ID {
		return nil, &apiError{codeNetworkRuleConflict, csInvalidParam, "Failed to enable static nat for the ip address id=" + ip.ID + " as it's already assigned to a vm"}
	}
	for _, o := range s.st.IPs {
		if o.StaticNatVMID == v.ID && o.ID != ip.ID {
			return nil, &apiError{codeNetworkRuleConflict, csInvalidParam, "Failed to enable static nat for the ip address id=" + ip.ID + " as vm id=" + v.ID + " is already associated with ip id=" + o.ID}
		}
	}
	if v.State == "Destroyed" || v.State == "Expunging" || v.State == "Error" {
		return nil, invalidParam("Can't enable static nat for vm %s in state %s", v.ID, v.State)
	}
	netID := c.str("networkid")
	if netID == "" {
		netID = ip.NetworkID
	}
	if netID == "" {
		// EnableStaticNatCmd.getNetworkId (api/src/main/java/org/apache/cloudstack/api/command/
		// user/nat/EnableStaticNatCmd.java): a VPC address not yet on a tier needs networkid.
		return nil, invalidParam("Unable to enable static NAT for the ipAddress id=%s as ip is not associated with any network and no networkId is passed in", ip.ID)
	}
	hasNic := false
	for _, nc := range v.Nics {
		if nc.NetworkID == netID || (ip.VPCID != "" && s.networkByID(nc.NetworkID) != nil && s.networkByID(nc.NetworkID).VPCID == ip.VPCID) {
			hasNic = true
			netID = nc.NetworkID
		}
	}
	if !hasNic {
		return nil, invalidParam("Unable to enable static nat for the ipAddress id=%s: vm %s doesn't have a nic in network %s", ip.ID, v.ID, netID)
	}
	ip.StaticNatVMID, ip.NetworkID = v.ID, netID
	s.event(c, "STATICNAT.ENABLE", "IpAddress", ip.ID, ip.Address, "Successfully enabled static nat for "+ip.Address)
	return success(), nil
}

func disableStaticNat(s *Server, c *call) (any, *apiError) {
	ip, err := s.needIP(c, "ipaddressid")
	if err != nil {
		return nil, err
	}
	if ip.StaticNatVMID == "" {
		return nil, invalidParam("Specified IP address id is not associated with any vm Id")
	}
	ip.JobID = c.job.ID
	c.job.InstanceType, c.job.InstanceID = "IpAddress", ip.ID
	return jobReply(c), nil
}

func disableStaticNatDone(s *Server, c *call) (any, *apiError) {
	ip := s.ipByID(c.job.InstanceID)
	if ip == nil {
		return nil, invalidParam("Unable to find ip address by id %s", c.job.InstanceID)
	}
	ip.JobID = ""
	if c.job.Fault != nil {
		return nil, c.job.Fault
	}
	ip.StaticNatVMID = ""
	s.event(c, "STATICNAT.DISABLE", "IpAddress", ip.ID, ip.Address, "Successfully disabled static nat for "+ip.Address)
	return success(), nil
}

// staticNatOf returns the public IP statically NATed to VM id, if any.
func (s *Server) staticNatOf(id string) *publicIP {
	for _, ip := range s.st.IPs {
		if ip.StaticNatVMID == id {
			return ip
		}
	}
	return nil
}
