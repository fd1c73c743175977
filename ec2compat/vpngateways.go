package ec2compat

import (
	"strings"

	"github.com/cloudgate/cloudgate/translate"
)

// Virtual private gateways are CloudStack's VPC private gateways (a VLAN
// the operator connects to a VPC; static routes send CIDRs to them), so
// that the route targets DescribeRouteTables shows (vgw-<gateway uuid>)
// can be looked up. Their type is left out: they are not IPsec VPNs.
// CloudStack needs the VLAN, addresses and netmask to create one, which
// CreateVpnGateway does not carry, so only DescribeVpnGateways is served.

type vgwAttachmentItem struct {
	VpcID string `xml:"vpcId"`
	State string `xml:"state"`
}

type vpnGatewayItem struct {
	VpnGatewayID string              `xml:"vpnGatewayId"`
	State        string              `xml:"state"`
	Attachments  []vgwAttachmentItem `xml:"attachments>item"`
	Tags         []tagItem           `xml:"tagSet>item"`
	tags         translate.Tags
}

// vpnGatewayState maps a private gateway's state (VpcGateway.State).
func vpnGatewayState(st string) string {
	switch strings.ToLower(st) {
	case "creating":
		return "pending"
	case "deleting":
		return "deleting"
	}
	return "available"
}

type describeVpnGatewaysResp struct {
	meta
	VpnGateways []vpnGatewayItem `xml:"vpnGatewaySet>item"`
}

func (s *server) describeVpnGateways(r *request) (response, error) {
	fs, err := r.q.filters()
	if err != nil {
		return nil, err
	}
	ids := r.q.list("VpnGatewayId")
	gws, err := s.svc.PrivateGateways(r.ctx, "")
	if err != nil {
		return nil, err
	}
	all := make([]vpnGatewayItem, 0, len(gws))
	for _, g := range gws {
		it := vpnGatewayItem{VpnGatewayID: ec2ID(pVpnGateway, g.ID), State: vpnGatewayState(g.State),
			Attachments: []vgwAttachmentItem{{VpcID: ec2ID(pVPC, g.VPCID), State: "attached"}}, Tags: []tagItem{}, tags: translate.Tags{}}
		all = append(all, it)
	}
	items, err := byIDs(all, func(g vpnGatewayItem) string { return g.VpnGatewayID }, ids,
		pVpnGateway, "InvalidVpnGatewayID.Malformed", "InvalidVpnGatewayID.NotFound", "vpn gateway")
	if err != nil {
		return nil, err
	}
	att := func(get func(a vgwAttachmentItem) string) func(x vpnGatewayItem) []string {
		return func(x vpnGatewayItem) []string {
			var out []string
			for _, a := range x.Attachments {
				out = append(out, get(a))
			}
			return out
		}
	}
	items, err = applyFilters(items, fs, fields[vpnGatewayItem]{
		"vpn-gateway-id":    func(x vpnGatewayItem) []string { return one(x.VpnGatewayID) },
		"state":             func(x vpnGatewayItem) []string { return one(x.State) },
		"attachment.vpc-id": att(func(a vgwAttachmentItem) string { return a.VpcID }),
		"attachment.state":  att(func(a vgwAttachmentItem) string { return a.State }),
	}, func(x vpnGatewayItem) translate.Tags { return x.tags })
	if err != nil {
		return nil, err
	}
	if items == nil {
		items = []vpnGatewayItem{}
	}
	return &describeVpnGatewaysResp{VpnGateways: items}, nil
}
