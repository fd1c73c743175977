package mock

import (
	"context"
	"sync"

	"github.com/cloudgate/cloudgate/translate"
)

// CloudStack is a function-field mock of translate.CloudStack. A method
// whose XxxFn field is nil returns zero values and an Unimplemented error
// naming the method. Calls counts the calls per method.
type CloudStack struct {
	InstanceGroups
	ListCapabilitiesFn     func(ctx context.Context) (*translate.Capabilities, error)
	RenameVirtualMachineFn func(ctx context.Context, id, name string) error
	ListZonesFn            func(ctx context.Context) ([]translate.Zone, error)
	ListServiceOfferingsFn func(ctx context.Context) ([]translate.Offering, error)
	ListDiskOfferingsFn    func(ctx context.Context) ([]translate.DiskOffering, error)
	ListTemplatesFn        func(ctx context.Context, req translate.ListTemplatesRequest) ([]translate.Image, error)
	ListNetworkOfferingsFn func(ctx context.Context, req translate.ListNetworkOfferingsRequest) ([]translate.NetworkOffering, error)
	ListVPCOfferingsFn     func(ctx context.Context) ([]translate.VPCOffering, error)
	DeployVirtualMachineFn func(ctx context.Context, req translate.DeployRequest) (translate.AsyncResult, error)
	ListVirtualMachinesFn  func(ctx context.Context, req translate.ListVMsRequest) ([]translate.Instance, error)
	// ListVirtualMachinesRangeFn, when nil, slices ListVirtualMachinesFn's
	// answer (so fakes that list VMs page without more code).
	ListVirtualMachinesRangeFn       func(ctx context.Context, req translate.ListVMsRequest, offset, limit int) ([]translate.Instance, int, error)
	StartVirtualMachineFn            func(ctx context.Context, id string) (translate.AsyncResult, error)
	StopVirtualMachineFn             func(ctx context.Context, id string, forced bool) (translate.AsyncResult, error)
	RebootVirtualMachineFn           func(ctx context.Context, id string) (translate.AsyncResult, error)
	DestroyVirtualMachineFn          func(ctx context.Context, id string, expunge bool) (translate.AsyncResult, error)
	ExpungeVirtualMachineFn          func(ctx context.Context, id string) (translate.AsyncResult, error)
	ChangeServiceForVirtualMachineFn func(ctx context.Context, req translate.ChangeServiceRequest) error
	GetVirtualMachineUserDataFn      func(ctx context.Context, id string) (string, error)
	UpdateVirtualMachineUserDataFn   func(ctx context.Context, id, userDataBase64 string) error
	GetVMPasswordFn                  func(ctx context.Context, id string) (string, error)
	ListEventsFn                     func(ctx context.Context, req translate.ListEventsRequest) ([]translate.Event, error)
	AccountLimitsFn                  func(ctx context.Context) ([]translate.ResourceLimit, error)
	QueryAsyncJobResultFn            func(ctx context.Context, jobID string) (*translate.Job, error)
	ListAsyncJobsFn                  func(ctx context.Context) ([]translate.Job, error)
	CreateTagsFn                     func(ctx context.Context, res translate.Resource, ids []string, tags translate.Tags) (translate.AsyncResult, error)
	DeleteTagsFn                     func(ctx context.Context, res translate.Resource, ids []string, tags translate.Tags) (translate.AsyncResult, error)
	ListTagsFn                       func(ctx context.Context, req translate.ListTagsRequest) ([]translate.Tag, error)
	CreateSecurityGroupFn            func(ctx context.Context, name, description string) (*translate.SecurityGroup, error)
	ListSecurityGroupsFn             func(ctx context.Context, req translate.ListSecurityGroupsRequest) ([]translate.SecurityGroup, error)
	DeleteSecurityGroupFn            func(ctx context.Context, id string) error
	AuthorizeSecurityGroupRuleFn     func(ctx context.Context, groupID string, rule translate.Rule) (translate.AsyncResult, error)
	RevokeSecurityGroupRuleFn        func(ctx context.Context, ruleID string, egress bool) (translate.AsyncResult, error)
	CreateSSHKeyPairFn               func(ctx context.Context, name string) (*translate.KeyPair, error)
	RegisterSSHKeyPairFn             func(ctx context.Context, name, publicKey string) (*translate.KeyPair, error)
	ListSSHKeyPairsFn                func(ctx context.Context, name string) ([]translate.KeyPair, error)
	DeleteSSHKeyPairFn               func(ctx context.Context, name string) error
	CreateVolumeFn                   func(ctx context.Context, req translate.CreateVolumeRequest) (translate.AsyncResult, error)
	ListVolumesFn                    func(ctx context.Context, req translate.ListVolumesRequest) ([]translate.Volume, error)
	AttachVolumeFn                   func(ctx context.Context, volumeID, vmID string, deviceID int64) (translate.AsyncResult, error)
	DetachVolumeFn                   func(ctx context.Context, volumeID string) (translate.AsyncResult, error)
	ResizeVolumeFn                   func(ctx context.Context, volumeID string, sizeGB int64) (translate.AsyncResult, error)
	DeleteVolumeFn                   func(ctx context.Context, volumeID string) error
	CreateSnapshotFn                 func(ctx context.Context, volumeID, name string) (translate.AsyncResult, error)
	ListSnapshotsFn                  func(ctx context.Context, req translate.ListSnapshotsRequest) ([]translate.Snapshot, error)
	DeleteSnapshotFn                 func(ctx context.Context, id string) (translate.AsyncResult, error)
	CreateTemplateFn                 func(ctx context.Context, req translate.CreateTemplateRequest) (translate.AsyncResult, error)
	DeleteTemplateFn                 func(ctx context.Context, id string) (translate.AsyncResult, error)
	AssociateIPAddressFn             func(ctx context.Context, zoneID, networkID string) (translate.AsyncResult, error)
	ListPublicIPAddressesFn          func(ctx context.Context, req translate.ListAddressesRequest) ([]translate.Address, error)
	EnableStaticNatFn                func(ctx context.Context, addressID, vmID string) error
	AssociateVPCIPAddressFn          func(ctx context.Context, vpcID string) (translate.AsyncResult, error)
	EnableStaticNatOnNetworkFn       func(ctx context.Context, addressID, vmID, networkID string) error
	DisableStaticNatFn               func(ctx context.Context, addressID string) (translate.AsyncResult, error)
	DisassociateIPAddressFn          func(ctx context.Context, addressID string) (translate.AsyncResult, error)
	ListNetworksFn                   func(ctx context.Context, req translate.ListNetworksRequest) ([]translate.Network, error)
	CreateNetworkFn                  func(ctx context.Context, req translate.CreateNetworkRequest) (*translate.Network, error)
	DeleteNetworkFn                  func(ctx context.Context, id string) (translate.AsyncResult, error)
	ListVPCsFn                       func(ctx context.Context, id string) ([]translate.VPC, error)
	ListStaticRoutesFn               func(ctx context.Context, vpcID string) ([]translate.StaticRoute, error)
	CreateStaticRouteFn              func(ctx context.Context, req translate.CreateStaticRouteRequest) (translate.AsyncResult, error)
	DeleteStaticRouteFn              func(ctx context.Context, id string) (translate.AsyncResult, error)
	ListPrivateGatewaysFn            func(ctx context.Context, vpcID string) ([]translate.PrivateGateway, error)
	ListNetworkACLListsFn            func(ctx context.Context, vpcID string) ([]translate.NetworkACLList, error)
	ListNetworkACLsFn                func(ctx context.Context, aclID string) ([]translate.NetworkACLItem, error)
	ReplaceNetworkACLListFn          func(ctx context.Context, aclID, networkID string) (translate.AsyncResult, error)
	CreateNetworkACLListFn           func(ctx context.Context, name, description, vpcID string) (translate.AsyncResult, error)
	DeleteNetworkACLListFn           func(ctx context.Context, id string) (translate.AsyncResult, error)
	CreateNetworkACLFn               func(ctx context.Context, item translate.NetworkACLItem) (translate.AsyncResult, error)
	DeleteNetworkACLFn               func(ctx context.Context, id string) (translate.AsyncResult, error)
	CreateVPCFn                      func(ctx context.Context, req translate.CreateVPCRequest) (translate.AsyncResult, error)
	DeleteVPCFn                      func(ctx context.Context, id string) (translate.AsyncResult, error)
	RegisterUserDataFn               func(ctx context.Context, name, content string) (*translate.UserDataRecord, error)
	ListUserDataFn                   func(ctx context.Context, q translate.UserDataQuery) ([]translate.UserDataRecord, error)
	DeleteUserDataFn                 func(ctx context.Context, id string) error
	TemplateSharing                  // template.go

	// updateVirtualMachine securitygroupids= (kept apart: one line per
	// feature keeps merges of this struct simple).
	UpdateVirtualMachineSecurityGroupsFn func(ctx context.Context, id string, groupIDs []string) error

	mu    sync.Mutex
	calls map[string]int
}

var _ translate.CloudStack = (*CloudStack)(nil)

func (m *CloudStack) count(name string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.calls == nil {
		m.calls = map[string]int{}
	}
	m.calls[name]++
}

// Calls returns how often the named method was called.
func (m *CloudStack) Calls(name string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.calls[name]
}

func unimplemented(op string) error {
	return &translate.Error{Op: op, Kind: translate.Unimplemented, Message: "mock: " + op + " not set"}
}

// ListZones implements translate.CloudStack.
func (m *CloudStack) ListZones(ctx context.Context) ([]translate.Zone, error) {
	m.count("ListZones")
	if m.ListZonesFn == nil {
		return nil, unimplemented("ListZones")
	}
	return m.ListZonesFn(ctx)
}

// ListServiceOfferings implements translate.CloudStack.
func (m *CloudStack) ListServiceOfferings(ctx context.Context) ([]translate.Offering, error) {
	m.count("ListServiceOfferings")
	if m.ListServiceOfferingsFn == nil {
		return nil, unimplemented("ListServiceOfferings")
	}
	return m.ListServiceOfferingsFn(ctx)
}

// ListDiskOfferings implements translate.CloudStack.
func (m *CloudStack) ListDiskOfferings(ctx context.Context) ([]translate.DiskOffering, error) {
	m.count("ListDiskOfferings")
	if m.ListDiskOfferingsFn == nil {
		return nil, unimplemented("ListDiskOfferings")
	}
	return m.ListDiskOfferingsFn(ctx)
}

// ListTemplates implements translate.CloudStack.
func (m *CloudStack) ListTemplates(ctx context.Context, req translate.ListTemplatesRequest) ([]translate.Image, error) {
	m.count("ListTemplates")
	if m.ListTemplatesFn == nil {
		return nil, unimplemented("ListTemplates")
	}
	return m.ListTemplatesFn(ctx, req)
}

// ListNetworkOfferings implements translate.CloudStack.
func (m *CloudStack) ListNetworkOfferings(ctx context.Context, req translate.ListNetworkOfferingsRequest) ([]translate.NetworkOffering, error) {
	m.count("ListNetworkOfferings")
	if m.ListNetworkOfferingsFn == nil {
		return nil, unimplemented("ListNetworkOfferings")
	}
	return m.ListNetworkOfferingsFn(ctx, req)
}

// ListVPCOfferings implements translate.CloudStack.
func (m *CloudStack) ListVPCOfferings(ctx context.Context) ([]translate.VPCOffering, error) {
	m.count("ListVPCOfferings")
	if m.ListVPCOfferingsFn == nil {
		return nil, unimplemented("ListVPCOfferings")
	}
	return m.ListVPCOfferingsFn(ctx)
}

// DeployVirtualMachine implements translate.CloudStack.
func (m *CloudStack) DeployVirtualMachine(ctx context.Context, req translate.DeployRequest) (translate.AsyncResult, error) {
	m.count("DeployVirtualMachine")
	if m.DeployVirtualMachineFn == nil {
		return translate.AsyncResult{}, unimplemented("DeployVirtualMachine")
	}
	return m.DeployVirtualMachineFn(ctx, req)
}

// ListVirtualMachines implements translate.CloudStack.
func (m *CloudStack) ListVirtualMachines(ctx context.Context, req translate.ListVMsRequest) ([]translate.Instance, error) {
	m.count("ListVirtualMachines")
	if m.ListVirtualMachinesFn == nil {
		return nil, unimplemented("ListVirtualMachines")
	}
	return m.ListVirtualMachinesFn(ctx, req)
}

// ListVirtualMachinesRange implements translate.CloudStack: with a nil
// ListVirtualMachinesRangeFn it slices ListVirtualMachines' answer.
func (m *CloudStack) ListVirtualMachinesRange(ctx context.Context, req translate.ListVMsRequest, offset, limit int) ([]translate.Instance, int, error) {
	m.count("ListVirtualMachinesRange")
	if m.ListVirtualMachinesRangeFn != nil {
		return m.ListVirtualMachinesRangeFn(ctx, req, offset, limit)
	}
	if m.ListVirtualMachinesFn == nil {
		return nil, 0, unimplemented("ListVirtualMachinesRange")
	}
	all, err := m.ListVirtualMachinesFn(ctx, req)
	if err != nil {
		return nil, 0, err
	}
	lo := min(max(offset, 0), len(all))
	hi := len(all)
	if limit > 0 {
		hi = min(lo+limit, len(all))
	}
	return all[lo:hi], len(all), nil
}

// StartVirtualMachine implements translate.CloudStack.
func (m *CloudStack) StartVirtualMachine(ctx context.Context, id string) (translate.AsyncResult, error) {
	m.count("StartVirtualMachine")
	if m.StartVirtualMachineFn == nil {
		return translate.AsyncResult{}, unimplemented("StartVirtualMachine")
	}
	return m.StartVirtualMachineFn(ctx, id)
}

// StopVirtualMachine implements translate.CloudStack.
func (m *CloudStack) StopVirtualMachine(ctx context.Context, id string, forced bool) (translate.AsyncResult, error) {
	m.count("StopVirtualMachine")
	if m.StopVirtualMachineFn == nil {
		return translate.AsyncResult{}, unimplemented("StopVirtualMachine")
	}
	return m.StopVirtualMachineFn(ctx, id, forced)
}

// RebootVirtualMachine implements translate.CloudStack.
func (m *CloudStack) RebootVirtualMachine(ctx context.Context, id string) (translate.AsyncResult, error) {
	m.count("RebootVirtualMachine")
	if m.RebootVirtualMachineFn == nil {
		return translate.AsyncResult{}, unimplemented("RebootVirtualMachine")
	}
	return m.RebootVirtualMachineFn(ctx, id)
}

// DestroyVirtualMachine implements translate.CloudStack.
func (m *CloudStack) DestroyVirtualMachine(ctx context.Context, id string, expunge bool) (translate.AsyncResult, error) {
	m.count("DestroyVirtualMachine")
	if m.DestroyVirtualMachineFn == nil {
		return translate.AsyncResult{}, unimplemented("DestroyVirtualMachine")
	}
	return m.DestroyVirtualMachineFn(ctx, id, expunge)
}

// ExpungeVirtualMachine implements translate.CloudStack.
func (m *CloudStack) ExpungeVirtualMachine(ctx context.Context, id string) (translate.AsyncResult, error) {
	m.count("ExpungeVirtualMachine")
	if m.ExpungeVirtualMachineFn == nil {
		return translate.AsyncResult{}, unimplemented("ExpungeVirtualMachine")
	}
	return m.ExpungeVirtualMachineFn(ctx, id)
}

// ChangeServiceForVirtualMachine implements translate.CloudStack.
func (m *CloudStack) ChangeServiceForVirtualMachine(ctx context.Context, req translate.ChangeServiceRequest) error {
	m.count("ChangeServiceForVirtualMachine")
	if m.ChangeServiceForVirtualMachineFn == nil {
		return unimplemented("ChangeServiceForVirtualMachine")
	}
	return m.ChangeServiceForVirtualMachineFn(ctx, req)
}

// GetVirtualMachineUserData implements translate.CloudStack.
func (m *CloudStack) GetVirtualMachineUserData(ctx context.Context, id string) (string, error) {
	m.count("GetVirtualMachineUserData")
	if m.GetVirtualMachineUserDataFn == nil {
		return "", unimplemented("GetVirtualMachineUserData")
	}
	return m.GetVirtualMachineUserDataFn(ctx, id)
}

// UpdateVirtualMachineUserData implements translate.CloudStack.
func (m *CloudStack) UpdateVirtualMachineUserData(ctx context.Context, id, userDataBase64 string) error {
	m.count("UpdateVirtualMachineUserData")
	if m.UpdateVirtualMachineUserDataFn == nil {
		return unimplemented("UpdateVirtualMachineUserData")
	}
	return m.UpdateVirtualMachineUserDataFn(ctx, id, userDataBase64)
}

// UpdateVirtualMachineSecurityGroups implements translate.CloudStack.
func (m *CloudStack) UpdateVirtualMachineSecurityGroups(ctx context.Context, id string, groupIDs []string) error {
	m.count("UpdateVirtualMachineSecurityGroups")
	if m.UpdateVirtualMachineSecurityGroupsFn == nil {
		return unimplemented("UpdateVirtualMachineSecurityGroups")
	}
	return m.UpdateVirtualMachineSecurityGroupsFn(ctx, id, groupIDs)
}

// GetVMPassword implements translate.CloudStack.
func (m *CloudStack) GetVMPassword(ctx context.Context, id string) (string, error) {
	m.count("GetVMPassword")
	if m.GetVMPasswordFn == nil {
		return "", unimplemented("GetVMPassword")
	}
	return m.GetVMPasswordFn(ctx, id)
}

// ListCapabilities implements translate.CloudStack.
func (m *CloudStack) ListCapabilities(ctx context.Context) (*translate.Capabilities, error) {
	m.count("ListCapabilities")
	if m.ListCapabilitiesFn == nil {
		return nil, unimplemented("ListCapabilities")
	}
	return m.ListCapabilitiesFn(ctx)
}

// RenameVirtualMachine implements translate.CloudStack.
func (m *CloudStack) RenameVirtualMachine(ctx context.Context, id, name string) error {
	m.count("RenameVirtualMachine")
	if m.RenameVirtualMachineFn == nil {
		return unimplemented("RenameVirtualMachine")
	}
	return m.RenameVirtualMachineFn(ctx, id, name)
}

// ListEvents implements translate.CloudStack.
func (m *CloudStack) ListEvents(ctx context.Context, req translate.ListEventsRequest) ([]translate.Event, error) {
	m.count("ListEvents")
	if m.ListEventsFn == nil {
		return nil, unimplemented("ListEvents")
	}
	return m.ListEventsFn(ctx, req)
}

// AccountLimits implements translate.CloudStack.
func (m *CloudStack) AccountLimits(ctx context.Context) ([]translate.ResourceLimit, error) {
	m.count("AccountLimits")
	if m.AccountLimitsFn == nil {
		return nil, unimplemented("AccountLimits")
	}
	return m.AccountLimitsFn(ctx)
}

// QueryAsyncJobResult implements translate.CloudStack.
func (m *CloudStack) QueryAsyncJobResult(ctx context.Context, jobID string) (*translate.Job, error) {
	m.count("QueryAsyncJobResult")
	if m.QueryAsyncJobResultFn == nil {
		return nil, unimplemented("QueryAsyncJobResult")
	}
	return m.QueryAsyncJobResultFn(ctx, jobID)
}

// ListAsyncJobs implements translate.CloudStack.
func (m *CloudStack) ListAsyncJobs(ctx context.Context) ([]translate.Job, error) {
	m.count("ListAsyncJobs")
	if m.ListAsyncJobsFn == nil {
		return nil, unimplemented("ListAsyncJobs")
	}
	return m.ListAsyncJobsFn(ctx)
}

// CreateTags implements translate.CloudStack.
func (m *CloudStack) CreateTags(ctx context.Context, res translate.Resource, ids []string, tags translate.Tags) (translate.AsyncResult, error) {
	m.count("CreateTags")
	if m.CreateTagsFn == nil {
		return translate.AsyncResult{}, unimplemented("CreateTags")
	}
	return m.CreateTagsFn(ctx, res, ids, tags)
}

// DeleteTags implements translate.CloudStack.
func (m *CloudStack) DeleteTags(ctx context.Context, res translate.Resource, ids []string, tags translate.Tags) (translate.AsyncResult, error) {
	m.count("DeleteTags")
	if m.DeleteTagsFn == nil {
		return translate.AsyncResult{}, unimplemented("DeleteTags")
	}
	return m.DeleteTagsFn(ctx, res, ids, tags)
}

// ListTags implements translate.CloudStack.
func (m *CloudStack) ListTags(ctx context.Context, req translate.ListTagsRequest) ([]translate.Tag, error) {
	m.count("ListTags")
	if m.ListTagsFn == nil {
		return nil, unimplemented("ListTags")
	}
	return m.ListTagsFn(ctx, req)
}

// CreateSecurityGroup implements translate.CloudStack.
func (m *CloudStack) CreateSecurityGroup(ctx context.Context, name, description string) (*translate.SecurityGroup, error) {
	m.count("CreateSecurityGroup")
	if m.CreateSecurityGroupFn == nil {
		return nil, unimplemented("CreateSecurityGroup")
	}
	return m.CreateSecurityGroupFn(ctx, name, description)
}

// ListSecurityGroups implements translate.CloudStack.
func (m *CloudStack) ListSecurityGroups(ctx context.Context, req translate.ListSecurityGroupsRequest) ([]translate.SecurityGroup, error) {
	m.count("ListSecurityGroups")
	if m.ListSecurityGroupsFn == nil {
		return nil, unimplemented("ListSecurityGroups")
	}
	return m.ListSecurityGroupsFn(ctx, req)
}

// DeleteSecurityGroup implements translate.CloudStack.
func (m *CloudStack) DeleteSecurityGroup(ctx context.Context, id string) error {
	m.count("DeleteSecurityGroup")
	if m.DeleteSecurityGroupFn == nil {
		return unimplemented("DeleteSecurityGroup")
	}
	return m.DeleteSecurityGroupFn(ctx, id)
}

// AuthorizeSecurityGroupRule implements translate.CloudStack.
func (m *CloudStack) AuthorizeSecurityGroupRule(ctx context.Context, groupID string, rule translate.Rule) (translate.AsyncResult, error) {
	m.count("AuthorizeSecurityGroupRule")
	if m.AuthorizeSecurityGroupRuleFn == nil {
		return translate.AsyncResult{}, unimplemented("AuthorizeSecurityGroupRule")
	}
	return m.AuthorizeSecurityGroupRuleFn(ctx, groupID, rule)
}

// RevokeSecurityGroupRule implements translate.CloudStack.
func (m *CloudStack) RevokeSecurityGroupRule(ctx context.Context, ruleID string, egress bool) (translate.AsyncResult, error) {
	m.count("RevokeSecurityGroupRule")
	if m.RevokeSecurityGroupRuleFn == nil {
		return translate.AsyncResult{}, unimplemented("RevokeSecurityGroupRule")
	}
	return m.RevokeSecurityGroupRuleFn(ctx, ruleID, egress)
}

// CreateSSHKeyPair implements translate.CloudStack.
func (m *CloudStack) CreateSSHKeyPair(ctx context.Context, name string) (*translate.KeyPair, error) {
	m.count("CreateSSHKeyPair")
	if m.CreateSSHKeyPairFn == nil {
		return nil, unimplemented("CreateSSHKeyPair")
	}
	return m.CreateSSHKeyPairFn(ctx, name)
}

// RegisterSSHKeyPair implements translate.CloudStack.
func (m *CloudStack) RegisterSSHKeyPair(ctx context.Context, name, publicKey string) (*translate.KeyPair, error) {
	m.count("RegisterSSHKeyPair")
	if m.RegisterSSHKeyPairFn == nil {
		return nil, unimplemented("RegisterSSHKeyPair")
	}
	return m.RegisterSSHKeyPairFn(ctx, name, publicKey)
}

// ListSSHKeyPairs implements translate.CloudStack.
func (m *CloudStack) ListSSHKeyPairs(ctx context.Context, name string) ([]translate.KeyPair, error) {
	m.count("ListSSHKeyPairs")
	if m.ListSSHKeyPairsFn == nil {
		return nil, unimplemented("ListSSHKeyPairs")
	}
	return m.ListSSHKeyPairsFn(ctx, name)
}

// DeleteSSHKeyPair implements translate.CloudStack.
func (m *CloudStack) DeleteSSHKeyPair(ctx context.Context, name string) error {
	m.count("DeleteSSHKeyPair")
	if m.DeleteSSHKeyPairFn == nil {
		return unimplemented("DeleteSSHKeyPair")
	}
	return m.DeleteSSHKeyPairFn(ctx, name)
}

// CreateVolume implements translate.CloudStack.
func (m *CloudStack) CreateVolume(ctx context.Context, req translate.CreateVolumeRequest) (translate.AsyncResult, error) {
	m.count("CreateVolume")
	if m.CreateVolumeFn == nil {
		return translate.AsyncResult{}, unimplemented("CreateVolume")
	}
	return m.CreateVolumeFn(ctx, req)
}

// ListVolumes implements translate.CloudStack.
func (m *CloudStack) ListVolumes(ctx context.Context, req translate.ListVolumesRequest) ([]translate.Volume, error) {
	m.count("ListVolumes")
	if m.ListVolumesFn == nil {
		return nil, unimplemented("ListVolumes")
	}
	return m.ListVolumesFn(ctx, req)
}

// AttachVolume implements translate.CloudStack.
func (m *CloudStack) AttachVolume(ctx context.Context, volumeID, vmID string, deviceID int64) (translate.AsyncResult, error) {
	m.count("AttachVolume")
	if m.AttachVolumeFn == nil {
		return translate.AsyncResult{}, unimplemented("AttachVolume")
	}
	return m.AttachVolumeFn(ctx, volumeID, vmID, deviceID)
}

// DetachVolume implements translate.CloudStack.
func (m *CloudStack) DetachVolume(ctx context.Context, volumeID string) (translate.AsyncResult, error) {
	m.count("DetachVolume")
	if m.DetachVolumeFn == nil {
		return translate.AsyncResult{}, unimplemented("DetachVolume")
	}
	return m.DetachVolumeFn(ctx, volumeID)
}

// ResizeVolume implements translate.CloudStack.
func (m *CloudStack) ResizeVolume(ctx context.Context, volumeID string, sizeGB int64) (translate.AsyncResult, error) {
	m.count("ResizeVolume")
	if m.ResizeVolumeFn == nil {
		return translate.AsyncResult{}, unimplemented("ResizeVolume")
	}
	return m.ResizeVolumeFn(ctx, volumeID, sizeGB)
}

// DeleteVolume implements translate.CloudStack.
func (m *CloudStack) DeleteVolume(ctx context.Context, volumeID string) error {
	m.count("DeleteVolume")
	if m.DeleteVolumeFn == nil {
		return unimplemented("DeleteVolume")
	}
	return m.DeleteVolumeFn(ctx, volumeID)
}

// CreateSnapshot implements translate.CloudStack.
func (m *CloudStack) CreateSnapshot(ctx context.Context, volumeID, name string) (translate.AsyncResult, error) {
	m.count("CreateSnapshot")
	if m.CreateSnapshotFn == nil {
		return translate.AsyncResult{}, unimplemented("CreateSnapshot")
	}
	return m.CreateSnapshotFn(ctx, volumeID, name)
}

// ListSnapshots implements translate.CloudStack.
func (m *CloudStack) ListSnapshots(ctx context.Context, req translate.ListSnapshotsRequest) ([]translate.Snapshot, error) {
	m.count("ListSnapshots")
	if m.ListSnapshotsFn == nil {
		return nil, unimplemented("ListSnapshots")
	}
	return m.ListSnapshotsFn(ctx, req)
}

// DeleteSnapshot implements translate.CloudStack.
func (m *CloudStack) DeleteSnapshot(ctx context.Context, id string) (translate.AsyncResult, error) {
	m.count("DeleteSnapshot")
	if m.DeleteSnapshotFn == nil {
		return translate.AsyncResult{}, unimplemented("DeleteSnapshot")
	}
	return m.DeleteSnapshotFn(ctx, id)
}

// CreateTemplate implements translate.CloudStack.
func (m *CloudStack) CreateTemplate(ctx context.Context, req translate.CreateTemplateRequest) (translate.AsyncResult, error) {
	m.count("CreateTemplate")
	if m.CreateTemplateFn == nil {
		return translate.AsyncResult{}, unimplemented("CreateTemplate")
	}
	return m.CreateTemplateFn(ctx, req)
}

// DeleteTemplate implements translate.CloudStack.
func (m *CloudStack) DeleteTemplate(ctx context.Context, id string) (translate.AsyncResult, error) {
	m.count("DeleteTemplate")
	if m.DeleteTemplateFn == nil {
		return translate.AsyncResult{}, unimplemented("DeleteTemplate")
	}
	return m.DeleteTemplateFn(ctx, id)
}

// AssociateIPAddress implements translate.CloudStack.
func (m *CloudStack) AssociateIPAddress(ctx context.Context, zoneID, networkID string) (translate.AsyncResult, error) {
	m.count("AssociateIPAddress")
	if m.AssociateIPAddressFn == nil {
		return translate.AsyncResult{}, unimplemented("AssociateIPAddress")
	}
	return m.AssociateIPAddressFn(ctx, zoneID, networkID)
}

// ListPublicIPAddresses implements translate.CloudStack.
func (m *CloudStack) ListPublicIPAddresses(ctx context.Context, req translate.ListAddressesRequest) ([]translate.Address, error) {
	m.count("ListPublicIPAddresses")
	if m.ListPublicIPAddressesFn == nil {
		return nil, unimplemented("ListPublicIPAddresses")
	}
	return m.ListPublicIPAddressesFn(ctx, req)
}

// EnableStaticNat implements translate.CloudStack.
func (m *CloudStack) EnableStaticNat(ctx context.Context, addressID, vmID string) error {
	m.count("EnableStaticNat")
	if m.EnableStaticNatFn == nil {
		return unimplemented("EnableStaticNat")
	}
	return m.EnableStaticNatFn(ctx, addressID, vmID)
}

// DisableStaticNat implements translate.CloudStack.
func (m *CloudStack) DisableStaticNat(ctx context.Context, addressID string) (translate.AsyncResult, error) {
	m.count("DisableStaticNat")
	if m.DisableStaticNatFn == nil {
		return translate.AsyncResult{}, unimplemented("DisableStaticNat")
	}
	return m.DisableStaticNatFn(ctx, addressID)
}

// DisassociateIPAddress implements translate.CloudStack.
func (m *CloudStack) DisassociateIPAddress(ctx context.Context, addressID string) (translate.AsyncResult, error) {
	m.count("DisassociateIPAddress")
	if m.DisassociateIPAddressFn == nil {
		return translate.AsyncResult{}, unimplemented("DisassociateIPAddress")
	}
	return m.DisassociateIPAddressFn(ctx, addressID)
}

// ListNetworks implements translate.CloudStack.
func (m *CloudStack) ListNetworks(ctx context.Context, req translate.ListNetworksRequest) ([]translate.Network, error) {
	m.count("ListNetworks")
	if m.ListNetworksFn == nil {
		return nil, unimplemented("ListNetworks")
	}
	return m.ListNetworksFn(ctx, req)
}

// CreateNetwork implements translate.CloudStack.
func (m *CloudStack) CreateNetwork(ctx context.Context, req translate.CreateNetworkRequest) (*translate.Network, error) {
	m.count("CreateNetwork")
	if m.CreateNetworkFn == nil {
		return nil, unimplemented("CreateNetwork")
	}
	return m.CreateNetworkFn(ctx, req)
}

// DeleteNetwork implements translate.CloudStack.
func (m *CloudStack) DeleteNetwork(ctx context.Context, id string) (translate.AsyncResult, error) {
	m.count("DeleteNetwork")
	if m.DeleteNetworkFn == nil {
		return translate.AsyncResult{}, unimplemented("DeleteNetwork")
	}
	return m.DeleteNetworkFn(ctx, id)
}

// ListVPCs implements translate.CloudStack.
func (m *CloudStack) ListVPCs(ctx context.Context, id string) ([]translate.VPC, error) {
	m.count("ListVPCs")
	if m.ListVPCsFn == nil {
		return nil, unimplemented("ListVPCs")
	}
	return m.ListVPCsFn(ctx, id)
}

// CreateVPC implements translate.CloudStack.
func (m *CloudStack) CreateVPC(ctx context.Context, req translate.CreateVPCRequest) (translate.AsyncResult, error) {
	m.count("CreateVPC")
	if m.CreateVPCFn == nil {
		return translate.AsyncResult{}, unimplemented("CreateVPC")
	}
	return m.CreateVPCFn(ctx, req)
}

// DeleteVPC implements translate.CloudStack.
func (m *CloudStack) DeleteVPC(ctx context.Context, id string) (translate.AsyncResult, error) {
	m.count("DeleteVPC")
	if m.DeleteVPCFn == nil {
		return translate.AsyncResult{}, unimplemented("DeleteVPC")
	}
	return m.DeleteVPCFn(ctx, id)
}

// RegisterUserData implements translate.CloudStack.
func (m *CloudStack) RegisterUserData(ctx context.Context, name, content string) (*translate.UserDataRecord, error) {
	m.count("RegisterUserData")
	if m.RegisterUserDataFn == nil {
		return nil, unimplemented("RegisterUserData")
	}
	return m.RegisterUserDataFn(ctx, name, content)
}

// ListUserData implements translate.CloudStack.
func (m *CloudStack) ListUserData(ctx context.Context, q translate.UserDataQuery) ([]translate.UserDataRecord, error) {
	m.count("ListUserData")
	if m.ListUserDataFn == nil {
		return nil, unimplemented("ListUserData")
	}
	return m.ListUserDataFn(ctx, q)
}

// DeleteUserData implements translate.CloudStack.
func (m *CloudStack) DeleteUserData(ctx context.Context, id string) error {
	m.count("DeleteUserData")
	if m.DeleteUserDataFn == nil {
		return unimplemented("DeleteUserData")
	}
	return m.DeleteUserDataFn(ctx, id)
}

// ListStaticRoutes implements translate.CloudStack.
func (m *CloudStack) ListStaticRoutes(ctx context.Context, vpcID string) ([]translate.StaticRoute, error) {
	m.count("ListStaticRoutes")
	if m.ListStaticRoutesFn == nil {
		return nil, unimplemented("ListStaticRoutes")
	}
	return m.ListStaticRoutesFn(ctx, vpcID)
}

// CreateStaticRoute implements translate.CloudStack.
func (m *CloudStack) CreateStaticRoute(ctx context.Context, req translate.CreateStaticRouteRequest) (translate.AsyncResult, error) {
	m.count("CreateStaticRoute")
	if m.CreateStaticRouteFn == nil {
		return translate.AsyncResult{}, unimplemented("CreateStaticRoute")
	}
	return m.CreateStaticRouteFn(ctx, req)
}

// DeleteStaticRoute implements translate.CloudStack.
func (m *CloudStack) DeleteStaticRoute(ctx context.Context, id string) (translate.AsyncResult, error) {
	m.count("DeleteStaticRoute")
	if m.DeleteStaticRouteFn == nil {
		return translate.AsyncResult{}, unimplemented("DeleteStaticRoute")
	}
	return m.DeleteStaticRouteFn(ctx, id)
}

// ListPrivateGateways implements translate.CloudStack.
func (m *CloudStack) ListPrivateGateways(ctx context.Context, vpcID string) ([]translate.PrivateGateway, error) {
	m.count("ListPrivateGateways")
	if m.ListPrivateGatewaysFn == nil {
		return nil, unimplemented("ListPrivateGateways")
	}
	return m.ListPrivateGatewaysFn(ctx, vpcID)
}

// ListNetworkACLLists implements translate.CloudStack.
func (m *CloudStack) ListNetworkACLLists(ctx context.Context, vpcID string) ([]translate.NetworkACLList, error) {
	m.count("ListNetworkACLLists")
	if m.ListNetworkACLListsFn == nil {
		return nil, unimplemented("ListNetworkACLLists")
	}
	return m.ListNetworkACLListsFn(ctx, vpcID)
}

// ListNetworkACLs implements translate.CloudStack.
func (m *CloudStack) ListNetworkACLs(ctx context.Context, aclID string) ([]translate.NetworkACLItem, error) {
	m.count("ListNetworkACLs")
	if m.ListNetworkACLsFn == nil {
		return nil, unimplemented("ListNetworkACLs")
	}
	return m.ListNetworkACLsFn(ctx, aclID)
}

// ReplaceNetworkACLList implements translate.CloudStack.
func (m *CloudStack) ReplaceNetworkACLList(ctx context.Context, aclID, networkID string) (translate.AsyncResult, error) {
	m.count("ReplaceNetworkACLList")
	if m.ReplaceNetworkACLListFn == nil {
		return translate.AsyncResult{}, unimplemented("ReplaceNetworkACLList")
	}
	return m.ReplaceNetworkACLListFn(ctx, aclID, networkID)
}

// CreateNetworkACLList implements translate.CloudStack.
func (m *CloudStack) CreateNetworkACLList(ctx context.Context, name, description, vpcID string) (translate.AsyncResult, error) {
	m.count("CreateNetworkACLList")
	if m.CreateNetworkACLListFn == nil {
		return translate.AsyncResult{}, unimplemented("CreateNetworkACLList")
	}
	return m.CreateNetworkACLListFn(ctx, name, description, vpcID)
}

// DeleteNetworkACLList implements translate.CloudStack.
func (m *CloudStack) DeleteNetworkACLList(ctx context.Context, id string) (translate.AsyncResult, error) {
	m.count("DeleteNetworkACLList")
	if m.DeleteNetworkACLListFn == nil {
		return translate.AsyncResult{}, unimplemented("DeleteNetworkACLList")
	}
	return m.DeleteNetworkACLListFn(ctx, id)
}

// CreateNetworkACL implements translate.CloudStack.
func (m *CloudStack) CreateNetworkACL(ctx context.Context, item translate.NetworkACLItem) (translate.AsyncResult, error) {
	m.count("CreateNetworkACL")
	if m.CreateNetworkACLFn == nil {
		return translate.AsyncResult{}, unimplemented("CreateNetworkACL")
	}
	return m.CreateNetworkACLFn(ctx, item)
}

// DeleteNetworkACL implements translate.CloudStack.
func (m *CloudStack) DeleteNetworkACL(ctx context.Context, id string) (translate.AsyncResult, error) {
	m.count("DeleteNetworkACL")
	if m.DeleteNetworkACLFn == nil {
		return translate.AsyncResult{}, unimplemented("DeleteNetworkACL")
	}
	return m.DeleteNetworkACLFn(ctx, id)
}
