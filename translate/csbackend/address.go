package csbackend

import (
	"context"

	"github.com/cloudgate/cloudgate/translate"
)

type addressJSON struct {
	ID                  flexString `json:"id"`
	IPAddress           string     `json:"ipaddress"`
	ZoneID              flexString `json:"zoneid"`
	ZoneName            string     `json:"zonename"`
	State               string     `json:"state"`
	VMID                flexString `json:"virtualmachineid"`
	VMName              string     `json:"virtualmachinename"`
	AssociatedNetworkID flexString `json:"associatednetworkid"`
	NetworkID           flexString `json:"networkid"`
	VPCID               flexString `json:"vpcid"`
	IsSourceNat         flexBool   `json:"issourcenat"`
	IsStaticNat         flexBool   `json:"isstaticnat"`
	Allocated           csTime     `json:"allocated"`
	Tags                []tagJSON  `json:"tags"`
}

// AssociateIPAddress implements translate.CloudStack.
func (b *Backend) AssociateIPAddress(ctx context.Context, zoneID, networkID string) (translate.AsyncResult, error) {
	return b.asyncCall(ctx, "associateIpAddress", translate.ResAddress, params{}.set("zoneid", zoneID).set("networkid", networkID))
}

// ListPublicIPAddresses implements translate.CloudStack.
func (b *Backend) ListPublicIPAddresses(ctx context.Context, req translate.ListAddressesRequest) ([]translate.Address, error) {
	p := params{"allocatedonly": "true"}.set("id", req.ID).set("ipaddress", req.IP).set("zoneid", req.ZoneID)
	items, err := b.list(ctx, "listPublicIpAddresses", translate.ResAddress, p)
	if err != nil {
		return nil, err
	}
	out := make([]translate.Address, 0, len(items))
	for _, it := range items {
		var a addressJSON
		if err := decode("listPublicIpAddresses", it, &a); err != nil {
			return nil, err
		}
		net := string(a.AssociatedNetworkID)
		if net == "" {
			net = string(a.NetworkID)
		}
		ad := translate.Address{
			ID: string(a.ID), IP: a.IPAddress, ZoneID: string(a.ZoneID), ZoneName: a.ZoneName, State: a.State,
			NetworkID: net, VPCID: string(a.VPCID), SourceNAT: bool(a.IsSourceNat),
			Allocated: a.Allocated.Time(), Tags: tagsOf(a.Tags),
		}
		if a.IsStaticNat || !a.IsSourceNat {
			ad.InstanceID, ad.InstanceName = string(a.VMID), a.VMName
		}
		out = append(out, ad)
	}
	return out, nil
}

// EnableStaticNat implements translate.CloudStack.
func (b *Backend) EnableStaticNat(ctx context.Context, addressID, vmID string) error {
	raw, err := b.call(ctx, "enableStaticNat", translate.ResAddress, params{"ipaddressid": addressID, "virtualmachineid": vmID})
	if err != nil {
		return err
	}
	return success("enableStaticNat", raw)
}

// DisableStaticNat implements translate.CloudStack.
func (b *Backend) DisableStaticNat(ctx context.Context, addressID string) (translate.AsyncResult, error) {
	return b.asyncCall(ctx, "disableStaticNat", translate.ResAddress, params{"ipaddressid": addressID})
}

// DisassociateIPAddress implements translate.CloudStack.
func (b *Backend) DisassociateIPAddress(ctx context.Context, addressID string) (translate.AsyncResult, error) {
	return b.asyncCall(ctx, "disassociateIpAddress", translate.ResAddress, params{"id": addressID})
}
