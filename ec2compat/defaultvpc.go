package ec2compat

import (
	"net/netip"
	"strings"

	"github.com/cloudgate/cloudgate/translate"
)

// The default VPC. Every EC2 account has one, and tools depend on it:
// Ansible's ec2_instance looks it up with the filter isDefault=true when
// no subnet is given, Terraform revokes the default egress rule of every
// security group that has a vpcId. CloudStack's guest networks outside any
// VPC (shared networks, isolated networks, security groups) play that role
// here: DescribeVpcs lists one default VPC whose subnets are exactly those
// networks, and security groups and instances outside a CloudStack VPC
// report it. Its id is derived from a constant, so every replica agrees
// without state; it cannot be deleted and subnets are not created in it.
const defaultVPCName = "default"

var defaultVPCID = ec2ID(pVPC, defaultVPCName)

// vpcOfNetwork is the EC2 VPC id of a CloudStack network.
func vpcOfNetwork(vpcID string) string {
	if vpcID == "" {
		return defaultVPCID
	}
	return ec2ID(pVPC, vpcID)
}

// isDefaultVPC reports whether a decoded VPC id is the default VPC.
func isDefaultVPC(csVPCID string) bool { return csVPCID == defaultVPCName }

// defaultVPCItem describes the default VPC. Its CIDR is the smallest block
// covering the networks outside VPCs (172.31.0.0/16, EC2's default, when
// there are none).
func defaultVPCItem(nets []translate.Network, owner string) vpcItem {
	var cidrs []string
	for _, n := range nets {
		if n.VPCID == "" && n.CIDR != "" {
			cidrs = append(cidrs, n.CIDR)
		}
	}
	cidr := coveringPrefix(cidrs)
	if cidr == "" {
		cidr = "172.31.0.0/16"
	}
	return vpcItem{VpcID: defaultVPCID, State: "available", CidrBlock: cidr, DhcpOptionsID: "default",
		InstanceTenancy: "default", IsDefault: true, OwnerID: owner, tags: translate.Tags{}}
}

// coveringPrefix returns the smallest IPv4 prefix containing every CIDR
// ("" if none parses).
func coveringPrefix(cidrs []string) string {
	var first netip.Addr
	bits := -1
	for _, c := range cidrs {
		p, err := netip.ParsePrefix(strings.TrimSpace(c))
		if err != nil || !p.Addr().Is4() {
			continue
		}
		p = p.Masked()
		if bits < 0 {
			first, bits = p.Addr(), p.Bits()
			continue
		}
		if p.Bits() < bits {
			bits = p.Bits()
		}
		a, b := first.As4(), p.Addr().As4()
		for i := 0; i < bits; i++ {
			if a[i/8]>>(7-i%8)&1 != b[i/8]>>(7-i%8)&1 {
				bits = i
				break
			}
		}
	}
	if bits < 0 {
		return ""
	}
	return netip.PrefixFrom(first, bits).Masked().String()
}

// Default subnets. CloudStack gives an account its guest network in a
// zone at its first launch there (or the zone's shared network serves
// it). Until then the default VPC shows, for that zone, a default subnet
// that stands for "the network CloudStack picks at launch": its id is
// derived from the zone's, RunInstances with it launches into the zone
// without naming a network, and once the account has a network in the
// zone that network is the zone's default subnet instead. Ansible's
// ec2_instance needs a default subnet to launch without vpc_subnet_id.
const zoneSubnetPrefix = "default-subnet:"

func zoneSubnetID(zoneID string) string { return ec2ID(pSubnet, zoneSubnetPrefix+zoneID) }

// zoneOfSubnet returns the zone id of a zone default subnet ("" if the
// decoded subnet id is a CloudStack network).
func zoneOfSubnet(csSubnetID string) string {
	z, _ := strings.CutPrefix(csSubnetID, zoneSubnetPrefix)
	if z == csSubnetID {
		return ""
	}
	return z
}

// zoneSubnets returns the zone default subnets of zones where the caller
// has no guest network outside VPCs.
func zoneSubnets(zones []translate.Zone, nets []translate.Network, owner string) []subnetItem {
	has := map[string]bool{}
	for _, n := range nets {
		if n.VPCID == "" {
			has[n.ZoneID] = true
		}
	}
	var out []subnetItem
	for _, z := range zones {
		if has[z.ID] || !z.Enabled {
			continue
		}
		out = append(out, subnetItem{SubnetID: zoneSubnetID(z.ID), State: "available", VpcID: defaultVPCID,
			AvailabilityZone: z.Name, AvailabilityZoneID: z.ID, DefaultForAz: true, OwnerID: owner,
			Tags: []tagItem{}, tags: translate.Tags{}})
	}
	return out
}
