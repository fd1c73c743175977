package simulator

import "net"

// SettingVPCMaxNetworks is vpc.max.networks: how many tiers a VPC may have
// (server/src/main/java/com/cloud/configuration/Config.java VpcMaxNetworks:
// "3", "Maximum number of networks per vpc").
const SettingVPCMaxNetworks = "vpc.max.networks"

func init() {
	settingDefs = append(settingDefs, settingDef{Name: SettingVPCMaxNetworks, Category: "Advanced", Component: "management-server",
		Type: "Number", Scope: "Global", Default: "3", Description: "Maximum number of networks per vpc",
		Group: "Network", Subgroup: "VPC", DisplayText: "VPC max networks"})
}

// checkVPCTier is VpcManagerImpl.validateNewVpcGuestNetwork
// (server/src/main/java/com/cloud/network/vpc/VpcManagerImpl.java) for a
// new tier of v with cidr: at most vpc.max.networks tiers, the CIDR within
// the VPC's and crossing no other tier's.
func (s *Server) checkVPCTier(v *vpc, cidr string) *apiError {
	var tiers []*network
	for _, n := range s.st.Networks {
		if n.VPCID == v.ID {
			tiers = append(tiers, n)
		}
	}
	if max := s.settingInt(SettingVPCMaxNetworks); max > 0 && int64(len(tiers)) >= max {
		return internalError("Number of networks per VPC can't extend %d; increase it using global config %s", max, SettingVPCMaxNetworks)
	}
	if !cidrWithin(cidr, v.CIDR) {
		return invalidParam("Network cidr %s is not within vpc %s cidr", cidr, v.Name)
	}
	for _, n := range tiers {
		if cidrWithin(n.CIDR, cidr) || cidrWithin(cidr, n.CIDR) {
			return invalidParam("Network cidr %s crosses other network cidr %s belonging to the same vpc %s", cidr, n.Name, v.Name)
		}
	}
	return nil
}

// cidrWithin is NetUtils.isNetworkAWithinNetworkB.
func cidrWithin(a, b string) bool {
	_, na, errA := net.ParseCIDR(a)
	_, nb, errB := net.ParseCIDR(b)
	if errA != nil || errB != nil {
		return false
	}
	oa, _ := na.Mask.Size()
	ob, _ := nb.Mask.Size()
	return oa >= ob && nb.Contains(na.IP)
}
