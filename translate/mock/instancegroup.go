package mock

import (
	"context"

	"github.com/cloudgate/cloudgate/translate"
)

// InstanceGroups holds the mock's instance-group functions (embedded in
// CloudStack).
type InstanceGroups struct {
	CreateInstanceGroupFn func(ctx context.Context, name string) (*translate.InstanceGroup, error)
	ListInstanceGroupsFn  func(ctx context.Context, req translate.ListInstanceGroupsRequest) ([]translate.InstanceGroup, error)
	DeleteInstanceGroupFn func(ctx context.Context, id string) error
}

// CreateInstanceGroup implements translate.CloudStack.
func (m *CloudStack) CreateInstanceGroup(ctx context.Context, name string) (*translate.InstanceGroup, error) {
	m.count("CreateInstanceGroup")
	if m.CreateInstanceGroupFn == nil {
		return nil, unimplemented("CreateInstanceGroup")
	}
	return m.CreateInstanceGroupFn(ctx, name)
}

// ListInstanceGroups implements translate.CloudStack.
func (m *CloudStack) ListInstanceGroups(ctx context.Context, req translate.ListInstanceGroupsRequest) ([]translate.InstanceGroup, error) {
	m.count("ListInstanceGroups")
	if m.ListInstanceGroupsFn == nil {
		return nil, unimplemented("ListInstanceGroups")
	}
	return m.ListInstanceGroupsFn(ctx, req)
}

// DeleteInstanceGroup implements translate.CloudStack.
func (m *CloudStack) DeleteInstanceGroup(ctx context.Context, id string) error {
	m.count("DeleteInstanceGroup")
	if m.DeleteInstanceGroupFn == nil {
		return unimplemented("DeleteInstanceGroup")
	}
	return m.DeleteInstanceGroupFn(ctx, id)
}
