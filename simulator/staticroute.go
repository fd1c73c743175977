package simulator

import (
	"net"
	"net/netip"
)

// VPC private gateways and static routes, as far as the gateway uses them.
//
// A private gateway connects a VPC to a VLAN of the operator's
// (api/.../command/admin/vpc/CreatePrivateGatewayByAdminCmd.java; since
// 4.17 users may create some through command/user/vpc/
// CreatePrivateGatewayCmd.java, which this simulator does not model:
// here only the root admin creates them). A static route sends a CIDR
// of the VPC to one of its private gateways
// (command/user/vpc/CreateStaticRouteCmd.java, created by
// VpcManagerImpl.createStaticRoute: the gateway must be Ready, the CIDR a
// valid IPv4 CIDR outside the VPC's CIDR, and no other route of the VPC
// may overlap it: NetworkRuleConflictException, 537). Routes go
// Add -> Active when the job applies them; deleteStaticRoute marks them
// Revoke and removes them when applied (VpcManagerImpl.revokeStaticRoute).
// The next-hop routes of 4.21 (nexthop=, vpcid=) are not modelled: the
// call names gatewayid as CloudStack before 4.21 does.

type privateGateway struct {
	owned
	ID, VPCID, IPAddress, Gateway, Netmask, VLAN, State string
	JobID                                               string
}

type staticRoute struct {
	owned
	ID, VPCID, GatewayID, CIDR, State string
	JobID                             string
}

func (s *Server) privateGatewayByID(id string) *privateGateway {
	for _, g := range s.st.PrivateGateways {
		if g.ID == id {
			return g
		}
	}
	return nil
}

func (s *Server) staticRouteByID(id string) *staticRoute {
	for _, r := range s.st.StaticRoutes {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// privateGatewayObj renders PrivateGatewayResponse.
func (s *Server) privateGatewayObj(g *privateGateway) obj {
	o := obj{"id": g.ID, "vpcid": g.VPCID, "ipaddress": g.IPAddress, "gateway": g.Gateway, "netmask": g.Netmask,
		"vlan": g.VLAN, "state": g.State, "sourcenatsupported": false, "hasannotations": false}
	if v := s.vpcByID(g.VPCID); v != nil {
		o["vpcname"], o["zoneid"], o["zonename"] = v.Name, v.ZoneID, s.zoneName(v.ZoneID)
	}
	return s.ownerFields(o, g.owned)
}

// staticRouteObj renders StaticRouteResponse.
func (s *Server) staticRouteObj(r *staticRoute) obj {
	o := obj{"id": r.ID, "vpcid": r.VPCID, "gatewayid": r.GatewayID, "cidr": r.CIDR, "state": r.State,
		"tags": s.tagsOf("StaticRoute", r.ID)}
	return s.ownerFields(o, r.owned)
}

func listPrivateGateways(s *Server, c *call) (any, *apiError) {
	var items []obj
	for _, g := range s.st.PrivateGateways {
		if !s.visible(c, g.owned) {
			continue
		}
		if id := c.str("id"); id != "" && id != g.ID {
			continue
		}
		if v := c.str("vpcid"); v != "" && v != g.VPCID {
			continue
		}
		items = append(items, s.privateGatewayObj(g))
	}
	return c.pageOf("privategateway", items), nil
}

func createPrivateGateway(s *Server, c *call) (any, *apiError) {
	vpcID, err := c.need("vpcid")
	if err != nil {
		return nil, err
	}
	var vals [3]string
	for i, name := range []string{"gateway", "netmask", "ipaddress"} {
		if vals[i], err = c.need(name); err != nil {
			return nil, err
		}
		if net.ParseIP(vals[i]).To4() == nil {
			return nil, invalidParam("Invalid %s %s", name, vals[i])
		}
	}
	v := s.vpcByID(vpcID)
	if v == nil {
		return nil, noEntity(c.cmd, "vpcid", vpcID)
	}
	g := &privateGateway{owned: v.owned, ID: s.st.uuid(), VPCID: v.ID, Gateway: vals[0], Netmask: vals[1], IPAddress: vals[2],
		VLAN: c.str("vlan"), State: "Creating", JobID: c.job.ID}
	s.st.PrivateGateways = append(s.st.PrivateGateways, g)
	c.job.InstanceType, c.job.InstanceID = "PrivateGateway", g.ID
	return createReply(c, g.ID), nil
}

func createPrivateGatewayDone(s *Server, c *call) (any, *apiError) {
	g := s.privateGatewayByID(c.job.InstanceID)
	if g == nil {
		return nil, internalError("private gateway disappeared")
	}
	g.JobID = ""
	if c.job.Fault != nil {
		s.st.PrivateGateways = removeByID(s.st.PrivateGateways, g.ID, func(x *privateGateway) string { return x.ID })
		s.forget(g.ID)
		return nil, c.job.Fault
	}
	g.State = "Ready"
	s.event(c, "PRIVATE.GATEWAY.CREATE", "PrivateGateway", g.ID, g.IPAddress, "Successfully completed creating private gateway")
	return objResult{"privategateway", s.privateGatewayObj(g)}, nil
}

func deletePrivateGateway(s *Server, c *call) (any, *apiError) {
	id, err := c.need("id")
	if err != nil {
		return nil, err
	}
	g := s.privateGatewayByID(id)
	if g == nil {
		return nil, noEntity(c.cmd, "id", id)
	}
	g.JobID = c.job.ID
	c.job.InstanceType, c.job.InstanceID = "PrivateGateway", g.ID
	return jobReply(c), nil
}

// deletePrivateGatewayDone: VpcManagerImpl.deleteVpcPrivateGateway
// refuses a gateway that still has static routes.
func deletePrivateGatewayDone(s *Server, c *call) (any, *apiError) {
	g := s.privateGatewayByID(c.job.InstanceID)
	if g == nil {
		return nil, invalidParam("Can't find private gateway by id specified")
	}
	g.JobID = ""
	if c.job.Fault != nil {
		return nil, c.job.Fault
	}
	n := 0
	for _, r := range s.st.StaticRoutes {
		if r.GatewayID == g.ID {
			n++
		}
	}
	if n > 0 {
		return nil, invalidParam("Can't delete private gateway %s as it has %d static routes applied. Remove the routes first", g.ID, n)
	}
	s.st.PrivateGateways = removeByID(s.st.PrivateGateways, g.ID, func(x *privateGateway) string { return x.ID })
	s.forget(g.ID)
	return success(), nil
}

func listStaticRoutes(s *Server, c *call) (any, *apiError) {
	var items []obj
	for _, r := range s.st.StaticRoutes {
		if !s.visible(c, r.owned) {
			continue
		}
		if id := c.str("id"); id != "" && id != r.ID {
			continue
		}
		if v := c.str("vpcid"); v != "" && v != r.VPCID {
			continue
		}
		if g := c.str("gatewayid"); g != "" && g != r.GatewayID {
			continue
		}
		if !s.matchTags(c, "StaticRoute", r.ID) {
			continue
		}
		items = append(items, s.staticRouteObj(r))
	}
	return c.pageOf("staticroute", items), nil
}

func createStaticRoute(s *Server, c *call) (any, *apiError) {
	cidr, err := c.need("cidr")
	if err != nil {
		return nil, err
	}
	gwID := c.str("gatewayid")
	if gwID == "" {
		// CreateStaticRouteCmd.getSyncObjId without gatewayid (and
		// without the 4.21 vpcid/nexthop pair, not modelled here).
		return nil, invalidParam("One of vpcId or gatewayId must be specified")
	}
	g := s.privateGatewayByID(gwID)
	if g == nil {
		return nil, invalidParam("Invalid id is specified for the gateway")
	}
	if g.State != "Ready" {
		return nil, invalidParam("Gateway is not in the Ready state: %s", g.State)
	}
	v := s.vpcByID(g.VPCID)
	if v == nil || v.State != "Enabled" {
		return nil, invalidParam("Can't add static route to VPC that is being deleted")
	}
	if !s.canAccess(c, v.owned) {
		return nil, permissionDenied("Account %s does not have permission to operate with resource %s", c.acct.Name, v.ID)
	}
	p, perr := netip.ParsePrefix(cidr)
	if perr != nil || !p.Addr().Is4() {
		return nil, invalidParam("Invalid format for cidr %s", cidr)
	}
	if vp, err := netip.ParsePrefix(v.CIDR); err == nil && vp.Overlaps(p) {
		return nil, invalidParam("CIDR should be outside of VPC cidr %s", v.CIDR)
	}
	for _, r := range s.st.StaticRoutes {
		if r.VPCID != v.ID || r.State == "Revoke" {
			continue
		}
		if rp, err := netip.ParsePrefix(r.CIDR); err == nil && rp.Overlaps(p) {
			return nil, &apiError{codeNetworkRuleConflict, csServerAPI, "New static route cidr conflicts with existing route " + r.ID}
		}
	}
	r := &staticRoute{owned: v.owned, ID: s.st.uuid(), VPCID: v.ID, GatewayID: g.ID, CIDR: cidr, State: "Add", JobID: c.job.ID}
	s.st.StaticRoutes = append(s.st.StaticRoutes, r)
	c.job.InstanceType, c.job.InstanceID = "StaticRoute", r.ID
	return createReply(c, r.ID), nil
}

func createStaticRouteDone(s *Server, c *call) (any, *apiError) {
	r := s.staticRouteByID(c.job.InstanceID)
	if r == nil {
		return nil, internalError("Failed to create static route")
	}
	r.JobID = ""
	if c.job.Fault != nil {
		// CreateStaticRouteCmd.execute removes the route when applying fails.
		s.st.StaticRoutes = removeByID(s.st.StaticRoutes, r.ID, func(x *staticRoute) string { return x.ID })
		s.forget(r.ID)
		return nil, c.job.Fault
	}
	r.State = "Active"
	s.event(c, "STATIC.ROUTE.CREATE", "StaticRoute", r.ID, r.CIDR, "Successfully completed applying static route. Static route Id: "+r.ID)
	return objResult{"staticroute", s.staticRouteObj(r)}, nil
}

func deleteStaticRoute(s *Server, c *call) (any, *apiError) {
	id, err := c.need("id")
	if err != nil {
		return nil, err
	}
	r := s.staticRouteByID(id)
	if r == nil {
		return nil, noEntity(c.cmd, "id", id)
	}
	if !s.canAccess(c, r.owned) {
		return nil, permissionDenied("Account %s does not have permission to operate with resource %s", c.acct.Name, id)
	}
	r.State, r.JobID = "Revoke", c.job.ID
	c.job.InstanceType, c.job.InstanceID = "StaticRoute", r.ID
	return jobReply(c), nil
}

func deleteStaticRouteDone(s *Server, c *call) (any, *apiError) {
	r := s.staticRouteByID(c.job.InstanceID)
	if r == nil {
		return nil, invalidParam("Unable to find static route by id")
	}
	r.JobID = ""
	if c.job.Fault != nil {
		r.State = "Active"
		return nil, c.job.Fault
	}
	s.st.StaticRoutes = removeByID(s.st.StaticRoutes, r.ID, func(x *staticRoute) string { return x.ID })
	s.forget(r.ID)
	s.dropTags("StaticRoute", r.ID)
	s.event(c, "STATIC.ROUTE.DELETE", "StaticRoute", r.ID, r.CIDR, "Successfully completed deleting static route")
	return success(), nil
}
