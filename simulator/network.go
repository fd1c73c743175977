package simulator

import (
	"fmt"
	"net"
	"strings"
)

func (s *Server) networkByID(id string) *network {
	for _, n := range s.st.Networks {
		if n.ID == id {
			return n
		}
	}
	return nil
}

func (s *Server) vpcByID(id string) *vpc {
	for _, v := range s.st.VPCs {
		if v.ID == id {
			return v
		}
	}
	return nil
}

// nextGuestCIDR returns the next free /24 inside the zone's guest range.
func (s *Server) nextGuestCIDR(z *zone) (cidr, gateway string) {
	_, base, err := net.ParseCIDR(z.GuestCIDR)
	ip := net.IPv4(10, 1, 0, 0).To4()
	if err == nil {
		ip = base.IP.To4()
	}
	used := map[string]bool{}
	for _, n := range s.st.Networks {
		used[n.CIDR] = true
	}
	for i := 1; i < 255; i++ {
		c := fmt.Sprintf("%d.%d.%d.0/24", ip[0], ip[1], i)
		if !used[c] {
			return c, fmt.Sprintf("%d.%d.%d.1", ip[0], ip[1], i)
		}
	}
	return fmt.Sprintf("%d.%d.255.0/24", ip[0], ip[1]), fmt.Sprintf("%d.%d.255.1", ip[0], ip[1])
}

// newNetwork creates a guest network record (not yet implemented).
func (s *Server) newNetwork(ow *account, z *zone, off *networkOffering, name, text, cidr, gateway, vpcID string, c *call) *network {
	if cidr == "" {
		cidr, gateway = s.nextGuestCIDR(z)
	}
	_, ipn, _ := net.ParseCIDR(cidr)
	mask := "255.255.255.0"
	if ipn != nil {
		mask = net.IP(ipn.Mask).String()
	}
	n := &network{owned: owned{ow.ID, ow.DomainID}, ID: s.st.uuid(), Name: name, DisplayText: text, ZoneID: z.ID,
		OfferingID: off.ID, Type: off.GuestIPType, CIDR: cidr, Gateway: gateway, Netmask: mask, VPCID: vpcID,
		State: "Allocated", Created: c.now}
	if n.DisplayText == "" {
		n.DisplayText = name
	}
	s.st.Networks = append(s.st.Networks, n)
	s.event(c, "NETWORK.CREATE", "Network", n.ID, n.Name, "Successfully completed creating network "+n.Name)
	return n
}

// deployNetwork picks the network of a deploy without networkids, as
// server/src/main/java/com/cloud/vm/UserVmManagerImpl.java does:
//   - Basic zones and Advanced zones with security groups use the zone's Shared network with
//     the SecurityGroup service (createAdvancedSecurityGroupVirtualMachine: 431 "No network with
//     security enabled is found in zone id=…" when there is none);
//   - Advanced zones without security groups (createAdvancedVirtualMachine → getDefaultNetwork)
//     need a network offering with availability Required: 431 without one; with one, the
//     account's only Isolated network in the zone, or a new "<account>-network" on that
//     offering when it has none (431 when it has several).
func (s *Server) deployNetwork(c *call, ow *account, z *zone) (*network, *apiError) {
	if z.SecurityGroups || strings.EqualFold(z.NetworkType, "Basic") {
		for _, n := range s.st.Networks {
			if n.ZoneID == z.ID && n.Type == "Shared" && s.hasSGService(n) {
				return n, nil
			}
		}
		return nil, invalidParam("No network with security enabled is found in zone id=%s", z.ID)
	}
	var req *networkOffering
	for _, o := range s.st.NetworkOfferings {
		if o.Availability == "Required" {
			req = o
			break
		}
	}
	if req == nil {
		return nil, invalidParam("Unable to find network offering with availability=Required to automatically create the network as a part of vm creation")
	}
	var own []*network
	for _, n := range s.st.Networks {
		if n.AccountID == ow.ID && n.ZoneID == z.ID && n.Type == "Isolated" {
			own = append(own, n)
		}
	}
	switch {
	case len(own) > 1:
		return nil, invalidParam("More than 1 default Isolated networks are found for Account %s; please specify networkIds", accountString(ow))
	case len(own) == 1:
		return own[0], nil
	}
	// UserVmManagerImpl.createDefaultNetworkForAccount: name and display text "<account>-network".
	n := s.newNetwork(ow, z, req, ow.Name+"-network", ow.Name+"-network", "", "", "", c)
	n.IsDefault = true
	return n, nil
}

// accountString renders an account the way CloudStack's AccountVO.toString does.
func accountString(a *account) string {
	return fmt.Sprintf(`Account [{"accountName":"%s","uuid":"%s"}]`, a.Name, a.ID)
}

func (s *Server) hasSGService(n *network) bool {
	if off := s.networkOfferingByID(n.OfferingID); off != nil {
		return contains(off.Services, "SecurityGroup")
	}
	return false
}

// networkUsable reports whether the caller may deploy into n for ow: its own network, or a
// Domain (zone-wide shared) one; admins may use any.
func (s *Server) networkUsable(c *call, ow *account, n *network) bool {
	return c.isAdmin() || n.AccountID == ow.ID || n.ACLType == "Domain"
}

// implement moves a network to Implemented, allocating its source NAT IP.
func (s *Server) implement(c *call, n *network) {
	if n.State == "Implemented" || n.State == "Setup" { // Setup: a shared network set up by the admin
		return
	}
	n.State = "Implemented"
	off := s.networkOfferingByID(n.OfferingID)
	if off != nil && off.SourceNat && n.VPCID == "" {
		if z := s.zoneByID(n.ZoneID); z != nil {
			ip := s.newPublicIP(c, owned{n.AccountID, n.DomainID}, z)
			ip.NetworkID, ip.SourceNat, ip.State = n.ID, true, "Allocated"
		}
	}
}

// checkGuestIP checks a requested guest address for n: inside its CIDR,
// not its gateway, not used by another NIC.
func (s *Server) checkGuestIP(n *network, reqIP string) *apiError {
	ip := net.ParseIP(reqIP)
	_, ipn, err := net.ParseCIDR(n.CIDR)
	if ip == nil || ip.To4() == nil {
		return invalidParam("Invalid format for IPv4 address: %s", reqIP)
	}
	if err != nil || !ipn.Contains(ip) || reqIP == n.Gateway {
		return invalidParam("Invalid request ip address %s for the network %s, it is not in the network cidr %s", reqIP, n.Name, n.CIDR)
	}
	for _, v := range s.st.VMs {
		if v.State == "Expunging" {
			continue
		}
		for _, nc := range v.Nics {
			if nc.NetworkID == n.ID && nc.IP == reqIP {
				return insufficientCapacity("Unable to acquire guest IP address %s for network %s: it is already in use", reqIP, n.Name)
			}
		}
	}
	return nil
}

// allocIP picks a free guest address in n (any prefix length).
func (s *Server) allocIP(n *network) string {
	_, ipn, err := net.ParseCIDR(n.CIDR)
	if err != nil {
		return ""
	}
	b := ipn.IP.To4()
	if b == nil {
		return ""
	}
	base := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	ones, bits := ipn.Mask.Size()
	size := uint32(1) << uint(bits-ones)
	if size < 4 {
		return ""
	}
	used := map[string]bool{n.Gateway: true}
	for _, v := range s.st.VMs {
		for _, nc := range v.Nics {
			if nc.NetworkID == n.ID {
				used[nc.IP] = true
			}
		}
	}
	str := func(x uint32) string { return fmt.Sprintf("%d.%d.%d.%d", x>>24, x>>16&255, x>>8&255, x&255) }
	// hosts .2 … size-2 (the first /24-style range keeps .2-.251 as before)
	span := size - 3
	if span > 250 && size <= 256 {
		span = 250
	}
	r := s.st.r()
	for i := 0; i < 1000; i++ {
		ip := str(base + 2 + uint32(r.IntN(int(span))))
		if !used[ip] {
			return ip
		}
	}
	for x := base + 2; x < base+size-1; x++ {
		if ip := str(x); !used[ip] {
			return ip
		}
	}
	return ""
}

func (s *Server) networkObj(n *network) obj {
	off := s.networkOfferingByID(n.OfferingID)
	o := obj{"id": n.ID, "name": n.Name, "displaytext": n.DisplayText, "zoneid": n.ZoneID, "zonename": s.zoneName(n.ZoneID),
		"type": n.Type, "traffictype": "Guest", "state": n.State, "cidr": n.CIDR, "gateway": n.Gateway, "netmask": n.Netmask,
		"isdefault": n.IsDefault, "issystem": false, "acltype": "Account", "broadcastdomaintype": "Vlan", "canusefordeploy": true,
		"restartrequired": false, "specifyipranges": false, "ispersistent": false, "redundantrouter": false,
		"displaynetwork": true, "dns1": "8.8.8.8", "dns2": "8.8.4.4", "networkdomain": s.networkDomain(n),
		"created": fmtTime(n.Created), "tags": s.tagsOf("Network", n.ID), "strechedl2subnet": false, "supportsvmautoscaling": true,
		"egressdefaultpolicy": true, "hasannotations": false}
	if off != nil {
		o["networkofferingid"], o["networkofferingname"], o["networkofferingdisplaytext"] = off.ID, off.Name, off.DisplayText
		o["networkofferingconservemode"], o["networkofferingavailability"] = true, off.availability()
		o["service"] = networkOfferingServices(off)
	}
	if n.NetworkACLID != "" {
		o["aclid"], o["aclname"] = n.NetworkACLID, s.aclName(n.NetworkACLID)
	}
	if n.VPCID != "" {
		o["vpcid"] = n.VPCID
		if v := s.vpcByID(n.VPCID); v != nil {
			o["vpcname"] = v.Name
		}
	}
	if n.JobID != "" {
		o["jobid"], o["jobstatus"] = n.JobID, 0
	}
	o = s.ownerFields(o, n.owned)
	if n.ACLType == "Domain" {
		// A zone-wide shared network belongs to the domain, not to an account.
		o["acltype"], o["subdomainaccess"] = "Domain", true
		delete(o, "account")
	}
	return o
}

func listNetworks(s *Server, c *call) (any, *apiError) {
	var items []obj
	for _, n := range s.st.Networks {
		// Users see their own networks and the domain's shared ones (listall or not).
		if !s.visible(c, n.owned) && !(n.ACLType == "Domain" && c.str("account") == "") {
			continue
		}
		if id := c.str("id"); id != "" && id != n.ID {
			continue
		}
		if z := c.str("zoneid"); z != "" && z != n.ZoneID {
			continue
		}
		if v := c.str("vpcid"); v != "" && v != n.VPCID {
			continue
		}
		if t := c.str("type"); t != "" && !strings.EqualFold(t, n.Type) {
			continue
		}
		if nm := c.str("name"); nm != "" && nm != n.Name {
			continue
		}
		if c.has("isdefault") && c.boolean("isdefault", false) != n.IsDefault {
			continue
		}
		if !c.matchKeyword(n.Name, n.DisplayText) || !s.matchTags(c, "Network", n.ID) {
			continue
		}
		items = append(items, s.networkObj(n))
	}
	return c.pageOf("network", items), nil
}

// needNetwork resolves an accessible network parameter.
func (s *Server) needNetwork(c *call, param string) (*network, *apiError) {
	id, err := c.need(param)
	if err != nil {
		return nil, err
	}
	n := s.networkByID(id)
	if n == nil {
		return nil, noEntity(c.cmd, param, id)
	}
	if !s.canAccess(c, n.owned) {
		return nil, permissionDenied("Account %s does not have permission to operate with resource %s", c.acct.Name, id)
	}
	return n, nil
}

func createNetwork(s *Server, c *call) (any, *apiError) {
	name, err := c.need("name")
	if err != nil {
		return nil, err
	}
	offID, err := c.need("networkofferingid")
	if err != nil {
		return nil, err
	}
	off := s.networkOfferingByID(offID)
	if off == nil {
		return nil, noEntity(c.cmd, "networkofferingid", offID)
	}
	z, err := s.needZone(c)
	if err != nil {
		return nil, err
	}
	ow, err := s.owner(c)
	if err != nil {
		return nil, err
	}
	gw, mask := c.str("gateway"), c.str("netmask")
	if (gw == "") != (mask == "") {
		return nil, invalidParam("gateway/netmask should be passed in together")
	}
	cidr := ""
	if gw != "" {
		ip, m := net.ParseIP(gw).To4(), net.ParseIP(mask).To4()
		if ip == nil || m == nil {
			return nil, invalidParam("Invalid gateway or netmask")
		}
		ones, _ := net.IPMask(m).Size()
		cidr = fmt.Sprintf("%s/%d", ip.Mask(net.IPMask(m)), ones)
		for _, n := range s.st.Networks {
			if n.AccountID == ow.ID && n.ZoneID == z.ID && n.CIDR == cidr && n.VPCID == c.str("vpcid") {
				return nil, invalidParam("Network with cidr %s already exists", cidr)
			}
		}
	}
	vpcID := c.str("vpcid")
	if vpcID != "" {
		v := s.vpcByID(vpcID)
		if v == nil {
			return nil, noEntity(c.cmd, "vpcid", vpcID)
		}
		if !off.ForVPC {
			return nil, invalidParam("Network offering can't be used for VPC networks")
		}
		if gw == "" {
			return nil, invalidParam("Gateway/netmask are required when create network for VPC")
		}
		if err := s.checkVPCTier(v, cidr); err != nil { // vpctier.go
			return nil, err
		}
	} else if off.ForVPC {
		return nil, invalidParam("Network offering can be used for VPC networks only")
	}
	if strings.EqualFold(z.NetworkType, "Basic") && off.GuestIPType == "Isolated" {
		return nil, invalidParam("Can't create isolated network in a zone of type Basic")
	}
	// NetworkOrchestrator.createGuestNetwork (engine/orchestration/src/main/java/org/apache/
	// cloudstack/engine/orchestration/NetworkOrchestrator.java): in an Advanced zone with
	// security groups only Shared networks, without SourceNat, can be created.
	if z.SecurityGroups && strings.EqualFold(z.NetworkType, "Advanced") {
		if off.GuestIPType != "Shared" {
			return nil, invalidParam("Only shared guest network can be created in security group enabled zone")
		}
		if contains(off.Services, "SourceNat") {
			return nil, invalidParam("Service SourceNat is not allowed in security group enabled zone")
		}
	}
	aclID, aerr := s.tierACL(c, vpcID, off)
	if aerr != nil {
		return nil, aerr
	}
	n := s.newNetwork(ow, z, off, name, c.str("displaytext"), cidr, gw, vpcID, c)
	n.NetworkACLID = aclID
	return objResult{"network", s.networkObj(n)}, nil
}

func deleteNetwork(s *Server, c *call) (any, *apiError) {
	n, err := s.needNetwork(c, "id")
	if err != nil {
		return nil, err
	}
	n.JobID = c.job.ID
	c.job.InstanceType, c.job.InstanceID = "Network", n.ID
	return jobReply(c), nil
}

func deleteNetworkDone(s *Server, c *call) (any, *apiError) {
	n := s.networkByID(c.job.InstanceID)
	if n == nil {
		return nil, invalidParam("unable to find network %s", c.job.InstanceID)
	}
	n.JobID = ""
	if c.job.Fault != nil {
		return nil, c.job.Fault
	}
	for _, v := range s.st.VMs {
		for _, nc := range v.Nics {
			if nc.NetworkID == n.ID {
				return nil, internalError("Failed to delete network: network %s has active nics (vm %s)", n.ID, v.Name)
			}
		}
	}
	var keep []*publicIP
	for _, ip := range s.st.IPs {
		if ip.NetworkID == n.ID {
			s.dropTags("PublicIpAddress", ip.ID)
			continue
		}
		keep = append(keep, ip)
	}
	s.st.IPs = keep
	s.st.Networks = removeByID(s.st.Networks, n.ID, func(x *network) string { return x.ID })
	s.forget(n.ID)
	s.dropTags("Network", n.ID)
	s.event(c, "NETWORK.DELETE", "Network", n.ID, n.Name, "Successfully completed deleting network "+n.Name)
	return success(), nil
}

func removeByID[T any](list []T, id string, idOf func(T) string) []T {
	out := list[:0]
	for _, x := range list {
		if idOf(x) != id {
			out = append(out, x)
		}
	}
	return out
}

// --- VPCs ---

func (s *Server) vpcObj(v *vpc) obj {
	var nets []obj
	for _, n := range s.st.Networks {
		if n.VPCID == v.ID {
			nets = append(nets, s.networkObj(n))
		}
	}
	o := obj{"id": v.ID, "name": v.Name, "displaytext": v.DisplayText, "zoneid": v.ZoneID, "zonename": s.zoneName(v.ZoneID),
		"cidr": v.CIDR, "state": v.State, "vpcofferingid": v.OfferingID, "vpcofferingname": "Default VPC offering",
		"created": fmtTime(v.Created), "networkdomain": "cs" + v.AccountID[:4] + "cloud.internal", "restartrequired": false,
		"redundantvpcrouter": false, "distributedvpcrouter": false, "regionlevelvpc": false, "fordisplay": true,
		"tags": s.tagsOf("Vpc", v.ID), "network": nets,
		"service": s.vpcServices(v)}
	if v.JobID != "" {
		o["jobid"], o["jobstatus"] = v.JobID, 0
	}
	return s.ownerFields(o, v.owned)
}

func listVPCs(s *Server, c *call) (any, *apiError) {
	var items []obj
	for _, v := range s.st.VPCs {
		if !s.visible(c, v.owned) {
			continue
		}
		if id := c.str("id"); id != "" && id != v.ID {
			continue
		}
		if z := c.str("zoneid"); z != "" && z != v.ZoneID {
			continue
		}
		if n := c.str("name"); n != "" && n != v.Name {
			continue
		}
		if !c.matchKeyword(v.Name, v.DisplayText) || !s.matchTags(c, "Vpc", v.ID) {
			continue
		}
		items = append(items, s.vpcObj(v))
	}
	return c.pageOf("vpc", items), nil
}

func createVPC(s *Server, c *call) (any, *apiError) {
	name, err := c.need("name")
	if err != nil {
		return nil, err
	}
	cidr, err := c.need("cidr")
	if err != nil {
		return nil, err
	}
	offID, err := c.need("vpcofferingid")
	if err != nil {
		return nil, err
	}
	found := false
	for _, o := range s.st.VPCOfferings {
		found = found || o.ID == offID
	}
	if !found {
		return nil, noEntity(c.cmd, "vpcofferingid", offID)
	}
	z, err := s.needZone(c)
	if err != nil {
		return nil, err
	}
	if _, _, e := net.ParseCIDR(cidr); e != nil {
		return nil, invalidParam("Invalid CIDR specified %s", cidr)
	}
	ow, err := s.owner(c)
	if err != nil {
		return nil, err
	}
	v := &vpc{owned: owned{ow.ID, ow.DomainID}, ID: s.st.uuid(), Name: name, DisplayText: c.str("displaytext"), ZoneID: z.ID,
		OfferingID: offID, CIDR: cidr, State: "Inactive", JobID: c.job.ID, Created: c.now}
	if v.DisplayText == "" {
		v.DisplayText = name
	}
	s.st.VPCs = append(s.st.VPCs, v)
	c.job.InstanceType, c.job.InstanceID = "Vpc", v.ID
	return createReply(c, v.ID), nil
}

func createVPCDone(s *Server, c *call) (any, *apiError) {
	v := s.vpcByID(c.job.InstanceID)
	if v == nil {
		return nil, internalError("vpc disappeared")
	}
	v.JobID = ""
	if c.job.Fault != nil {
		s.st.VPCs = removeByID(s.st.VPCs, v.ID, func(x *vpc) string { return x.ID })
		s.forget(v.ID)
		return nil, c.job.Fault
	}
	v.State = "Enabled"
	if z := s.zoneByID(v.ZoneID); z != nil {
		ip := s.newPublicIP(c, v.owned, z)
		ip.VPCID, ip.SourceNat, ip.State = v.ID, true, "Allocated"
	}
	s.event(c, "VPC.CREATE", "Vpc", v.ID, v.Name, "Successfully completed creating VPC "+v.Name)
	return objResult{"vpc", s.vpcObj(v)}, nil
}

func deleteVPC(s *Server, c *call) (any, *apiError) {
	id, err := c.need("id")
	if err != nil {
		return nil, err
	}
	v := s.vpcByID(id)
	if v == nil {
		return nil, noEntity(c.cmd, "id", id)
	}
	if !s.canAccess(c, v.owned) {
		return nil, permissionDenied("Account %s does not have permission to operate with resource %s", c.acct.Name, id)
	}
	v.JobID = c.job.ID
	c.job.InstanceType, c.job.InstanceID = "Vpc", v.ID
	return jobReply(c), nil
}

func deleteVPCDone(s *Server, c *call) (any, *apiError) {
	v := s.vpcByID(c.job.InstanceID)
	if v == nil {
		return nil, invalidParam("unable to find vpc %s", c.job.InstanceID)
	}
	v.JobID = ""
	if c.job.Fault != nil {
		return nil, c.job.Fault
	}
	for _, n := range s.st.Networks {
		if n.VPCID == v.ID {
			return nil, invalidParam("Can't delete VPC %s as it has network tiers (%s)", v.Name, n.Name)
		}
	}
	var keep []*publicIP
	for _, ip := range s.st.IPs {
		if ip.VPCID != v.ID {
			keep = append(keep, ip)
		}
	}
	s.st.IPs = keep
	s.dropVPCRouting(v.ID)
	s.st.VPCs = removeByID(s.st.VPCs, v.ID, func(x *vpc) string { return x.ID })
	s.forget(v.ID)
	s.dropTags("Vpc", v.ID)
	s.event(c, "VPC.DELETE", "Vpc", v.ID, v.Name, "Successfully completed deleting VPC "+v.Name)
	return success(), nil
}
