package csbackend

import (
	"context"

	"github.com/cloudgate/cloudgate/translate"
)

// AssociateVPCIPAddress implements translate.VPCAddressPort.
func (b *Backend) AssociateVPCIPAddress(ctx context.Context, vpcID string) (translate.AsyncResult, error) {
	return b.asyncCall(ctx, "associateIpAddress", translate.ResAddress, params{"vpcid": vpcID})
}

// EnableStaticNatOnNetwork implements translate.VPCAddressPort.
func (b *Backend) EnableStaticNatOnNetwork(ctx context.Context, addressID, vmID, networkID string) error {
	raw, err := b.call(ctx, "enableStaticNat", translate.ResAddress, params{"ipaddressid": addressID, "virtualmachineid": vmID, "networkid": networkID})
	if err != nil {
		return err
	}
	return success("enableStaticNat", raw)
}
