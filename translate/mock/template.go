package mock

import (
	"context"

	"github.com/cloudgate/cloudgate/translate"
)

// TemplateSharing holds the Fn fields of translate.TemplateSharing; it is
// embedded in CloudStack.
type TemplateSharing struct {
	UpdateTemplatePermissionsFn func(ctx context.Context, req translate.UpdateTemplatePermissionsRequest) error
	ListTemplatePermissionsFn   func(ctx context.Context, id string) (*translate.TemplatePermissions, error)
	CopyTemplateFn              func(ctx context.Context, id, sourceZoneID string, destZoneIDs []string) (translate.AsyncResult, error)
}

// UpdateTemplatePermissions implements translate.CloudStack.
func (m *CloudStack) UpdateTemplatePermissions(ctx context.Context, req translate.UpdateTemplatePermissionsRequest) error {
	m.count("UpdateTemplatePermissions")
	if m.UpdateTemplatePermissionsFn == nil {
		return unimplemented("UpdateTemplatePermissions")
	}
	return m.UpdateTemplatePermissionsFn(ctx, req)
}

// ListTemplatePermissions implements translate.CloudStack.
func (m *CloudStack) ListTemplatePermissions(ctx context.Context, id string) (*translate.TemplatePermissions, error) {
	m.count("ListTemplatePermissions")
	if m.ListTemplatePermissionsFn == nil {
		return nil, unimplemented("ListTemplatePermissions")
	}
	return m.ListTemplatePermissionsFn(ctx, id)
}

// CopyTemplate implements translate.CloudStack.
func (m *CloudStack) CopyTemplate(ctx context.Context, id, sourceZoneID string, destZoneIDs []string) (translate.AsyncResult, error) {
	m.count("CopyTemplate")
	if m.CopyTemplateFn == nil {
		return translate.AsyncResult{}, unimplemented("CopyTemplate")
	}
	return m.CopyTemplateFn(ctx, id, sourceZoneID, destZoneIDs)
}
