package translate

import "context"

// TemplateSharing is the part of the CloudStack port for template launch
// permissions and copies between zones (TemplateManagerImpl
// updateTemplateOrIsoPermissions / listTemplateOrIsoPermissions /
// copyTemplate). CloudStack embeds it.
type TemplateSharing interface {
	// UpdateTemplatePermissions is updateTemplatePermissions (sync).
	UpdateTemplatePermissions(ctx context.Context, req UpdateTemplatePermissionsRequest) error
	// ListTemplatePermissions is listTemplatePermissions: whether the
	// template is public and the names of the accounts it is shared with.
	ListTemplatePermissions(ctx context.Context, id string) (*TemplatePermissions, error)
	// CopyTemplate is copyTemplate: the same template (same id) made
	// available in destZoneIDs; zones that have it already are skipped.
	CopyTemplate(ctx context.Context, id, sourceZoneID string, destZoneIDs []string) (AsyncResult, error)
}

// UpdateTemplatePermissionsRequest is updateTemplatePermissions. Op is
// "add", "remove" or "reset" (with Accounts for add/remove); Public nil
// leaves ispublic alone.
type UpdateTemplatePermissionsRequest struct {
	ID       string
	Public   *bool
	Op       string
	Accounts []string // CloudStack account names in the owner's domain
}

// TemplatePermissions is listTemplatePermissions' answer.
type TemplatePermissions struct {
	ID       string
	Public   bool
	DomainID string
	Accounts []string // account names
}
