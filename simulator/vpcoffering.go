package simulator

// defaultVPCServices are the services of CloudStack's "Default VPC
// offering" (VpcManagerImpl.configure creates it with the VpcVirtualRouter
// providing Dhcp, Dns, UserData, NetworkACL, Vpn, SourceNat, StaticNat,
// PortForwarding, Lb and Gateway).
var defaultVPCServices = []string{"Dhcp", "Dns", "UserData", "NetworkACL", "Vpn", "SourceNat", "StaticNat", "PortForwarding", "Lb", "Gateway"}

func vpcOfferingServices(o *vpcOffering) []obj {
	names := defaultVPCServices
	if len(o.Services) > 0 {
		names = o.Services
	}
	out := make([]obj, 0, len(names))
	for _, n := range names {
		out = append(out, obj{"name": n, "provider": []obj{{"name": "VpcVirtualRouter"}}})
	}
	return out
}

// vpcServices is a VPC's service list (VpcResponse.service: its offering's).
func (s *Server) vpcServices(v *vpc) []obj {
	for _, o := range s.st.VPCOfferings {
		if o.ID == v.OfferingID {
			return vpcOfferingServices(o)
		}
	}
	return vpcOfferingServices(&vpcOffering{})
}

// dropVPCRouting removes a deleted VPC's static routes, private
// gateways and network ACL lists (VpcManagerImpl.destroyVpc revokes the
// routes, deletes the gateways and the lists).
func (s *Server) dropVPCRouting(vpcID string) {
	var routes []*staticRoute
	for _, r := range s.st.StaticRoutes {
		if r.VPCID != vpcID {
			routes = append(routes, r)
		} else {
			s.forget(r.ID)
		}
	}
	s.st.StaticRoutes = routes
	var gws []*privateGateway
	for _, g := range s.st.PrivateGateways {
		if g.VPCID != vpcID {
			gws = append(gws, g)
		} else {
			s.forget(g.ID)
		}
	}
	s.st.PrivateGateways = gws
	// VpcManagerImpl.cleanupVpcResources also deletes the VPC's ACL lists.
	var lists []*aclList
	drop := map[string]bool{}
	for _, l := range s.st.ACLLists {
		if l.VPCID != vpcID {
			lists = append(lists, l)
		} else {
			drop[l.ID] = true
			s.forget(l.ID)
		}
	}
	s.st.ACLLists = lists
	var items []*aclItemState
	for _, it := range s.st.ACLItems {
		if !drop[it.ACLID] {
			items = append(items, it)
		}
	}
	s.st.ACLItems = items
}
