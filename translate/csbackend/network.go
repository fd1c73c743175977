package csbackend

import (
	"context"

	"github.com/cloudgate/cloudgate/translate"
)

type networkJSON struct {
	ID          flexString    `json:"id"`
	Name        string        `json:"name"`
	DisplayText string        `json:"displaytext"`
	ZoneID      flexString    `json:"zoneid"`
	ZoneName    string        `json:"zonename"`
	CIDR        string        `json:"cidr"`
	Gateway     string        `json:"gateway"`
	VPCID       flexString    `json:"vpcid"`
	State       string        `json:"state"`
	Type        string        `json:"type"`
	IsDefault   flexBool      `json:"isdefault"`
	Tags        []tagJSON     `json:"tags"`
	Service     []serviceJSON `json:"service"`
	ACLID       flexString    `json:"aclid"`
}

// serviceJSON is one entry of a network's or VPC's service list.
type serviceJSON struct {
	Name string `json:"name"`
}

func serviceNames(ss []serviceJSON) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		out = append(out, s.Name)
	}
	return out
}

func (n *networkJSON) network() translate.Network {
	return translate.Network{ID: string(n.ID), Name: n.Name, DisplayText: n.DisplayText, ZoneID: string(n.ZoneID),
		ZoneName: n.ZoneName, CIDR: n.CIDR, Gateway: n.Gateway, VPCID: string(n.VPCID), State: n.State,
		Type: n.Type, Default: bool(n.IsDefault), Tags: tagsOf(n.Tags), Services: serviceNames(n.Service), ACLID: string(n.ACLID)}
}

// ListNetworks implements translate.CloudStack.
func (b *Backend) ListNetworks(ctx context.Context, req translate.ListNetworksRequest) ([]translate.Network, error) {
	items, err := b.list(ctx, "listNetworks", translate.ResNetwork, params{}.set("id", req.ID).set("zoneid", req.ZoneID).set("vpcid", req.VPCID))
	if err != nil {
		return nil, err
	}
	out := make([]translate.Network, 0, len(items))
	for _, it := range items {
		var n networkJSON
		if err := decode("listNetworks", it, &n); err != nil {
			return nil, err
		}
		out = append(out, n.network())
	}
	return out, nil
}

// CreateNetwork implements translate.CloudStack.
func (b *Backend) CreateNetwork(ctx context.Context, req translate.CreateNetworkRequest) (*translate.Network, error) {
	p := params{"name": req.Name, "displaytext": req.DisplayText, "zoneid": req.ZoneID, "networkofferingid": req.NetworkOfferingID}.
		set("gateway", req.Gateway).set("netmask", req.Netmask).set("vpcid", req.VPCID)
	raw, err := b.call(ctx, "createNetwork", translate.ResNetwork, p)
	if err != nil {
		return nil, err
	}
	var r struct {
		N networkJSON `json:"network"`
	}
	if err := decode("createNetwork", raw, &r); err != nil {
		return nil, err
	}
	n := r.N.network()
	return &n, nil
}

// DeleteNetwork implements translate.CloudStack.
func (b *Backend) DeleteNetwork(ctx context.Context, id string) (translate.AsyncResult, error) {
	return b.asyncCall(ctx, "deleteNetwork", translate.ResNetwork, params{"id": id})
}

// ListVPCs implements translate.CloudStack.
func (b *Backend) ListVPCs(ctx context.Context, id string) ([]translate.VPC, error) {
	items, err := b.list(ctx, "listVPCs", translate.ResVPC, params{}.set("id", id))
	if err != nil {
		return nil, err
	}
	out := make([]translate.VPC, 0, len(items))
	for _, it := range items {
		var v struct {
			ID          flexString    `json:"id"`
			Name        string        `json:"name"`
			DisplayText string        `json:"displaytext"`
			ZoneID      flexString    `json:"zoneid"`
			ZoneName    string        `json:"zonename"`
			CIDR        string        `json:"cidr"`
			State       string        `json:"state"`
			Tags        []tagJSON     `json:"tags"`
			Service     []serviceJSON `json:"service"`
		}
		if err := decode("listVPCs", it, &v); err != nil {
			return nil, err
		}
		out = append(out, translate.VPC{ID: string(v.ID), Name: v.Name, DisplayText: v.DisplayText, ZoneID: string(v.ZoneID),
			ZoneName: v.ZoneName, CIDR: v.CIDR, State: v.State, Tags: tagsOf(v.Tags), Services: serviceNames(v.Service)})
	}
	return out, nil
}

// CreateVPC implements translate.CloudStack.
func (b *Backend) CreateVPC(ctx context.Context, req translate.CreateVPCRequest) (translate.AsyncResult, error) {
	p := params{"name": req.Name, "displaytext": req.DisplayText, "zoneid": req.ZoneID, "cidr": req.CIDR, "vpcofferingid": req.VPCOfferingID}
	return b.asyncCall(ctx, "createVPC", translate.ResVPC, p)
}

// DeleteVPC implements translate.CloudStack.
func (b *Backend) DeleteVPC(ctx context.Context, id string) (translate.AsyncResult, error) {
	return b.asyncCall(ctx, "deleteVPC", translate.ResVPC, params{"id": id})
}
