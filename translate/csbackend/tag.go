package csbackend

import (
	"context"
	"strings"

	"github.com/cloudgate/cloudgate/translate"
)

// resourceTypes maps translate resources to CloudStack's taggable
// resource types.
var resourceTypes = map[translate.Resource]string{
	translate.ResInstance: "UserVm", translate.ResVolume: "Volume", translate.ResSnapshot: "Snapshot",
	translate.ResSecurityGroup: "SecurityGroup", translate.ResImage: "Template",
	translate.ResAddress: "PublicIpAddress", translate.ResNetwork: "Network", translate.ResVPC: "Vpc",
	translate.ResRule: "SecurityGroupRule",
}

func resourceType(res translate.Resource) (string, error) {
	t, ok := resourceTypes[res]
	if !ok {
		return "", translate.Errorf(translate.InvalidArgument, translate.ResTag, string(res), "resources of type %q cannot be tagged", res)
	}
	return t, nil
}

func resourceOfType(t string) translate.Resource {
	for r, ct := range resourceTypes {
		if strings.EqualFold(ct, t) {
			return r
		}
	}
	return translate.Resource(strings.ToLower(t))
}

func (b *Backend) tagCmd(ctx context.Context, cmd string, res translate.Resource, ids []string, tags translate.Tags) (translate.AsyncResult, error) {
	rt, err := resourceType(res)
	if err != nil {
		return translate.AsyncResult{}, err
	}
	p := params{"resourcetype": rt}.setList("resourceids", ids)
	i := 0
	for _, k := range sortedKeys(tags) {
		n := "tags[" + itoa(i) + "]"
		p[n+".key"] = k
		if tags[k] != "" || cmd == "createTags" {
			p[n+".value"] = tags[k]
		}
		i++
	}
	return b.asyncCall(ctx, cmd, res, p)
}

// CreateTags implements translate.CloudStack.
func (b *Backend) CreateTags(ctx context.Context, res translate.Resource, ids []string, tags translate.Tags) (translate.AsyncResult, error) {
	return b.tagCmd(ctx, "createTags", res, ids, tags)
}

// DeleteTags implements translate.CloudStack. A tag with an empty value
// deletes the key whatever its value.
func (b *Backend) DeleteTags(ctx context.Context, res translate.Resource, ids []string, tags translate.Tags) (translate.AsyncResult, error) {
	return b.tagCmd(ctx, "deleteTags", res, ids, tags)
}

// ListTags implements translate.CloudStack.
func (b *Backend) ListTags(ctx context.Context, req translate.ListTagsRequest) ([]translate.Tag, error) {
	p := params{}.set("resourceid", req.ResourceID).set("key", req.Key).set("value", req.Value)
	if req.Resource != "" {
		rt, err := resourceType(req.Resource)
		if err != nil {
			return nil, err
		}
		p["resourcetype"] = rt
	}
	items, err := b.list(ctx, "listTags", translate.ResTag, p)
	if err != nil {
		return nil, err
	}
	out := make([]translate.Tag, 0, len(items))
	for _, it := range items {
		var t tagJSON
		if err := decode("listTags", it, &t); err != nil {
			return nil, err
		}
		out = append(out, translate.Tag{Resource: resourceOfType(t.ResourceType), ResourceID: string(t.ResourceID), Key: t.Key, Value: t.Value})
	}
	return out, nil
}
