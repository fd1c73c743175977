package csbackend

import (
	"context"

	"github.com/cloudgate/cloudgate/translate"
)

// instanceGroupJSON is CloudStack's InstanceGroupResponse (object name
// "instancegroup", in create answers too: cloudstack-go's
// CreateInstanceGroup does not unwrap it, hence the raw calls here).
type instanceGroupJSON struct {
	ID      flexString `json:"id"`
	Name    string     `json:"name"`
	Created csTime     `json:"created"`
}

func (g *instanceGroupJSON) group() translate.InstanceGroup {
	return translate.InstanceGroup{ID: string(g.ID), Name: g.Name, Created: g.Created.Time()}
}

// CreateInstanceGroup implements translate.CloudStack.
func (b *Backend) CreateInstanceGroup(ctx context.Context, name string) (*translate.InstanceGroup, error) {
	raw, err := b.call(ctx, "createInstanceGroup", translate.ResInstanceGroup, params{"name": name})
	if err != nil {
		return nil, err
	}
	var r struct {
		G instanceGroupJSON `json:"instancegroup"`
	}
	if err := decode("createInstanceGroup", raw, &r); err != nil {
		return nil, err
	}
	g := r.G.group()
	return &g, nil
}

// ListInstanceGroups implements translate.CloudStack.
func (b *Backend) ListInstanceGroups(ctx context.Context, req translate.ListInstanceGroupsRequest) ([]translate.InstanceGroup, error) {
	p := params{}.set("id", req.ID).set("name", req.Name).set("keyword", req.Keyword)
	items, err := listTyped[instanceGroupJSON](ctx, b, "listInstanceGroups", translate.ResInstanceGroup, p)
	if err != nil {
		return nil, err
	}
	out := make([]translate.InstanceGroup, 0, len(items))
	for i := range items {
		out = append(out, items[i].group())
	}
	return out, nil
}

// DeleteInstanceGroup implements translate.CloudStack.
func (b *Backend) DeleteInstanceGroup(ctx context.Context, id string) error {
	raw, err := b.call(ctx, "deleteInstanceGroup", translate.ResInstanceGroup, params{"id": id})
	if err != nil {
		return err
	}
	return success("deleteInstanceGroup", raw)
}
