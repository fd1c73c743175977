package mock

import (
	"context"

	"github.com/cloudgate/cloudgate/translate"
)

// AssociateVPCIPAddress implements translate.CloudStack.
func (m *CloudStack) AssociateVPCIPAddress(ctx context.Context, vpcID string) (translate.AsyncResult, error) {
	m.count("AssociateVPCIPAddress")
	if m.AssociateVPCIPAddressFn == nil {
		return translate.AsyncResult{}, unimplemented("AssociateVPCIPAddress")
	}
	return m.AssociateVPCIPAddressFn(ctx, vpcID)
}

// EnableStaticNatOnNetwork implements translate.CloudStack.
func (m *CloudStack) EnableStaticNatOnNetwork(ctx context.Context, addressID, vmID, networkID string) error {
	m.count("EnableStaticNatOnNetwork")
	if m.EnableStaticNatOnNetworkFn == nil {
		return unimplemented("EnableStaticNatOnNetwork")
	}
	return m.EnableStaticNatOnNetworkFn(ctx, addressID, vmID, networkID)
}
