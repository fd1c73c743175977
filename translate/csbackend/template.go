package csbackend

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/cloudgate/cloudgate/translate"
)

// UpdateTemplatePermissions implements translate.CloudStack.
func (b *Backend) UpdateTemplatePermissions(ctx context.Context, req translate.UpdateTemplatePermissionsRequest) error {
	p := params{"id": req.ID}.set("op", req.Op).set("accounts", strings.Join(req.Accounts, ","))
	if req.Public != nil {
		p["ispublic"] = "false"
		if *req.Public {
			p["ispublic"] = "true"
		}
	}
	_, err := b.call(ctx, "updateTemplatePermissions", translate.ResImage, p)
	return err
}

type templatePermissionJSON struct {
	ID       flexString `json:"id"`
	IsPublic flexBool   `json:"ispublic"`
	DomainID flexString `json:"domainid"`
	Account  []string   `json:"account"`
}

// ListTemplatePermissions implements translate.CloudStack. CloudStack
// answers one templatepermission object (TemplatePermissionsResponse);
// a one-element list is accepted too.
func (b *Backend) ListTemplatePermissions(ctx context.Context, id string) (*translate.TemplatePermissions, error) {
	const cmd = "listTemplatePermissions"
	raw, err := b.call(ctx, cmd, translate.ResImage, params{"id": id})
	if err != nil {
		return nil, err
	}
	var r struct {
		P json.RawMessage `json:"templatepermission"`
	}
	if err := decode(cmd, raw, &r); err != nil {
		return nil, err
	}
	var tp templatePermissionJSON
	if len(r.P) > 0 && r.P[0] == '[' {
		var arr []templatePermissionJSON
		if err := decode(cmd, r.P, &arr); err != nil {
			return nil, err
		}
		if len(arr) > 0 {
			tp = arr[0]
		}
	} else if err := decode(cmd, r.P, &tp); err != nil {
		return nil, err
	}
	if tp.ID == "" {
		tp.ID = flexString(id)
	}
	return &translate.TemplatePermissions{ID: string(tp.ID), Public: bool(tp.IsPublic), DomainID: string(tp.DomainID),
		Accounts: append([]string{}, tp.Account...)}, nil
}

// CopyTemplate implements translate.CloudStack.
func (b *Backend) CopyTemplate(ctx context.Context, id, sourceZoneID string, destZoneIDs []string) (translate.AsyncResult, error) {
	p := params{"id": id}.set("sourcezoneid", sourceZoneID)
	if len(destZoneIDs) == 1 {
		p["destzoneid"] = destZoneIDs[0]
	} else {
		p["destzoneids"] = strings.Join(destZoneIDs, ",")
	}
	r, err := b.asyncCall(ctx, "copyTemplate", translate.ResImage, p)
	if r.ID == "" {
		r.ID = id
	}
	return r, err
}
