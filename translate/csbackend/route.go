package csbackend

import (
	"context"
	"strconv"
	"strings"

	"github.com/cloudgate/cloudgate/translate"
)

// ListStaticRoutes implements translate.CloudStack (listStaticRoutes;
// fields: api/.../response/StaticRouteResponse.java).
func (b *Backend) ListStaticRoutes(ctx context.Context, vpcID string) ([]translate.StaticRoute, error) {
	type routeJSON struct {
		ID        flexString `json:"id"`
		VPCID     flexString `json:"vpcid"`
		GatewayID flexString `json:"gatewayid"`
		NextHop   string     `json:"nexthop"`
		CIDR      string     `json:"cidr"`
		State     string     `json:"state"`
	}
	items, err := listTyped[routeJSON](ctx, b, "listStaticRoutes", translate.ResVPC, params{}.set("vpcid", vpcID))
	if err != nil {
		return nil, err
	}
	out := make([]translate.StaticRoute, 0, len(items))
	for _, r := range items {
		out = append(out, translate.StaticRoute{ID: string(r.ID), VPCID: string(r.VPCID), GatewayID: string(r.GatewayID),
			NextHop: r.NextHop, CIDR: r.CIDR, State: r.State})
	}
	return out, nil
}

// CreateStaticRoute implements translate.CloudStack.
func (b *Backend) CreateStaticRoute(ctx context.Context, req translate.CreateStaticRouteRequest) (translate.AsyncResult, error) {
	p := params{"cidr": req.CIDR}.set("gatewayid", req.GatewayID).set("vpcid", req.VPCID).set("nexthop", req.NextHop)
	return b.asyncCall(ctx, "createStaticRoute", translate.ResRoute, p)
}

// DeleteStaticRoute implements translate.CloudStack.
func (b *Backend) DeleteStaticRoute(ctx context.Context, id string) (translate.AsyncResult, error) {
	return b.asyncCall(ctx, "deleteStaticRoute", translate.ResRoute, params{"id": id})
}

// ListPrivateGateways implements translate.CloudStack
// (listPrivateGateways; fields: PrivateGatewayResponse.java).
func (b *Backend) ListPrivateGateways(ctx context.Context, vpcID string) ([]translate.PrivateGateway, error) {
	type gatewayJSON struct {
		ID        flexString `json:"id"`
		VPCID     flexString `json:"vpcid"`
		IPAddress string     `json:"ipaddress"`
		Gateway   string     `json:"gateway"`
		Netmask   string     `json:"netmask"`
		VLAN      string     `json:"vlan"`
		State     string     `json:"state"`
	}
	items, err := listTyped[gatewayJSON](ctx, b, "listPrivateGateways", translate.ResVPC, params{}.set("vpcid", vpcID))
	if err != nil {
		return nil, err
	}
	out := make([]translate.PrivateGateway, 0, len(items))
	for _, g := range items {
		out = append(out, translate.PrivateGateway{ID: string(g.ID), VPCID: string(g.VPCID), IPAddress: g.IPAddress,
			Gateway: g.Gateway, Netmask: g.Netmask, VLAN: g.VLAN, State: g.State})
	}
	return out, nil
}

// ListNetworkACLLists implements translate.CloudStack
// (listNetworkACLLists; NetworkACLResponse.java).
func (b *Backend) ListNetworkACLLists(ctx context.Context, vpcID string) ([]translate.NetworkACLList, error) {
	type listJSON struct {
		ID          flexString `json:"id"`
		Name        string     `json:"name"`
		Description string     `json:"description"`
		VPCID       flexString `json:"vpcid"`
	}
	items, err := listTyped[listJSON](ctx, b, "listNetworkACLLists", translate.ResVPC, params{}.set("vpcid", vpcID))
	if err != nil {
		return nil, err
	}
	out := make([]translate.NetworkACLList, 0, len(items))
	for _, l := range items {
		out = append(out, translate.NetworkACLList{ID: string(l.ID), Name: l.Name, Description: l.Description, VPCID: string(l.VPCID)})
	}
	return out, nil
}

// ListNetworkACLs implements translate.CloudStack (listNetworkACLs;
// NetworkACLItemResponse.java).
func (b *Backend) ListNetworkACLs(ctx context.Context, aclID string) ([]translate.NetworkACLItem, error) {
	type itemJSON struct {
		ID          flexString `json:"id"`
		ACLID       flexString `json:"aclid"`
		Number      flexInt    `json:"number"`
		Protocol    string     `json:"protocol"`
		Action      string     `json:"action"`
		TrafficType string     `json:"traffictype"`
		CIDRList    string     `json:"cidrlist"`
		StartPort   flexString `json:"startport"`
		EndPort     flexString `json:"endport"`
		ICMPType    flexInt    `json:"icmptype"`
		ICMPCode    flexInt    `json:"icmpcode"`
	}
	items, err := listTyped[itemJSON](ctx, b, "listNetworkACLs", translate.ResVPC, params{"aclid": aclID})
	if err != nil {
		return nil, err
	}
	out := make([]translate.NetworkACLItem, 0, len(items))
	for _, i := range items {
		out = append(out, translate.NetworkACLItem{ID: string(i.ID), ACLID: string(i.ACLID), Number: int(i.Number), Protocol: i.Protocol,
			Action: i.Action, TrafficType: i.TrafficType, CIDRList: i.CIDRList, StartPort: string(i.StartPort), EndPort: string(i.EndPort),
			ICMPType: int(i.ICMPType), ICMPCode: int(i.ICMPCode)})
	}
	return out, nil
}

// ReplaceNetworkACLList implements translate.CloudStack.
func (b *Backend) ReplaceNetworkACLList(ctx context.Context, aclID, networkID string) (translate.AsyncResult, error) {
	return b.asyncCall(ctx, "replaceNetworkACLList", translate.ResNetwork, params{"aclid": aclID, "networkid": networkID})
}

// CreateNetworkACLList implements translate.CloudStack.
func (b *Backend) CreateNetworkACLList(ctx context.Context, name, description, vpcID string) (translate.AsyncResult, error) {
	return b.asyncCall(ctx, "createNetworkACLList", translate.ResVPC, params{"name": name, "vpcid": vpcID}.set("description", description))
}

// DeleteNetworkACLList implements translate.CloudStack.
func (b *Backend) DeleteNetworkACLList(ctx context.Context, id string) (translate.AsyncResult, error) {
	return b.asyncCall(ctx, "deleteNetworkACLList", translate.ResVPC, params{"id": id})
}

// CreateNetworkACL implements translate.CloudStack.
func (b *Backend) CreateNetworkACL(ctx context.Context, it translate.NetworkACLItem) (translate.AsyncResult, error) {
	p := params{"aclid": it.ACLID, "protocol": it.Protocol}.set("action", it.Action).set("traffictype", it.TrafficType).
		set("cidrlist", it.CIDRList).set("startport", it.StartPort).set("endport", it.EndPort)
	if it.Number > 0 {
		p["number"] = strconv.Itoa(it.Number)
	}
	if strings.EqualFold(it.Protocol, "icmp") {
		p["icmptype"], p["icmpcode"] = strconv.Itoa(it.ICMPType), strconv.Itoa(it.ICMPCode)
	}
	return b.asyncCall(ctx, "createNetworkACL", translate.ResVPC, p)
}

// DeleteNetworkACL implements translate.CloudStack.
func (b *Backend) DeleteNetworkACL(ctx context.Context, id string) (translate.AsyncResult, error) {
	return b.asyncCall(ctx, "deleteNetworkACL", translate.ResVPC, params{"id": id})
}
