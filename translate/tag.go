package translate

import (
	"context"
	"sort"
	"strings"
)

// Tag is one resource tag.
type Tag struct {
	Resource   Resource // ResInstance, ResVolume, ResSnapshot, ResSecurityGroup, ResImage, ResAddress, ResNetwork, ResVPC
	ResourceID string
	Key        string
	Value      string
}

// TagQuery selects tags. Zero fields do not filter.
type TagQuery struct {
	Resource    Resource
	ResourceIDs []string
	Key         string
	Value       string
}

var taggable = map[Resource]bool{
	ResInstance: true, ResVolume: true, ResSnapshot: true, ResSecurityGroup: true,
	ResImage: true, ResAddress: true, ResNetwork: true, ResVPC: true,
	ResRule: true, // CloudStack's SecurityGroupRule
}

// CreateTags sets tags on resources of one type, replacing existing values
// of the same keys (CloudStack refuses duplicate keys, so Service deletes
// the old tag first). It waits for CloudStack's jobs. InvalidArgument if
// the resource type cannot be tagged; NotFound if a resource does not
// exist.
func (s *Service) CreateTags(ctx context.Context, res Resource, ids []string, tags Tags) error {
	if !taggable[res] {
		return invalid("CreateTags", ResTag, string(res), "resources of type %q cannot be tagged", res)
	}
	if len(ids) == 0 || len(tags) == 0 {
		return nil
	}
	return s.replaceTags(ctx, "CreateTags", res, ids, tags, false)
}

// setTags writes tags on freshly created resources (no old values).
func (s *Service) setTags(ctx context.Context, op string, res Resource, ids []string, tags Tags) error {
	return s.replaceTags(ctx, op, res, ids, tags, true)
}

func (s *Service) replaceTags(ctx context.Context, op string, res Resource, ids []string, tags Tags, fresh bool) error {
	need := map[string]Tags{} // id → tags to create
	for _, id := range ids {
		need[id] = Tags{}
		for k, v := range tags {
			need[id][k] = v
		}
	}
	if !fresh {
		old, err := s.tagsOf(ctx, res, ids)
		if err != nil {
			return opErr(op, res, "", err)
		}
		del := map[string][]string{} // key → ids whose old value differs
		for _, id := range ids {
			for k, v := range tags {
				ov, ok := old[id][k]
				switch {
				case ok && ov == v:
					delete(need[id], k)
				case ok:
					del[k] = append(del[k], id)
				}
			}
		}
		for _, k := range sortedKeys(del) {
			r, err := s.cs.DeleteTags(ctx, res, del[k], Tags{k: ""})
			if err == nil {
				_, err = s.await(ctx, op, res, "", r.JobID)
			}
			if err != nil {
				return opErr(op, res, "", err)
			}
		}
	}
	// Group ids needing the same tags into one createTags call.
	groups := map[string][]string{}
	sets := map[string]Tags{}
	for _, id := range ids {
		t := need[id]
		if len(t) == 0 {
			continue
		}
		var sig strings.Builder
		for _, k := range sortedKeys(t) {
			sig.WriteString(k + "\x00" + t[k] + "\x00")
		}
		groups[sig.String()] = append(groups[sig.String()], id)
		sets[sig.String()] = t
	}
	for _, sig := range sortedKeys(groups) {
		r, err := s.cs.CreateTags(ctx, res, groups[sig], sets[sig])
		if err == nil {
			_, err = s.await(ctx, op, res, "", r.JobID)
		}
		if err != nil && !fresh && s.tagsHold(ctx, res, groups[sig], sets[sig]) {
			// A concurrent attempt (a retry with the same client token on
			// another replica) wrote the same tags first: CloudStack
			// refuses a second tag with the key, and the result is what
			// both wanted.
			err = nil
		}
		if err != nil {
			id := ""
			if len(groups[sig]) == 1 {
				id = groups[sig][0]
			}
			return opErr(op, res, id, err)
		}
	}
	return nil
}

// tagsHold reports whether every resource in ids now carries tags with
// exactly these values (re-read from CloudStack).
func (s *Service) tagsHold(ctx context.Context, res Resource, ids []string, tags Tags) bool {
	old, err := s.tagsOf(ctx, res, ids)
	if err != nil {
		return false
	}
	for _, id := range ids {
		for k, v := range tags {
			if ov, ok := old[id][k]; !ok || ov != v {
				return false
			}
		}
	}
	return true
}

// tagsOf returns the tags (reserved ones included) of the given resources.
func (s *Service) tagsOf(ctx context.Context, res Resource, ids []string) (map[string]Tags, error) {
	req := ListTagsRequest{Resource: res}
	if len(ids) == 1 {
		req.ResourceID = ids[0]
	}
	ts, err := s.cs.ListTags(ctx, req)
	if err != nil {
		return nil, err
	}
	want := newIDFilter(ids)
	out := map[string]Tags{}
	for _, t := range ts {
		if t.Resource != res || !want.match(t.ResourceID) {
			continue
		}
		if out[t.ResourceID] == nil {
			out[t.ResourceID] = Tags{}
		}
		out[t.ResourceID][t.Key] = t.Value
	}
	return out, nil
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// DeleteTags removes tags by key; when a value is non-empty only a tag
// with that value is removed. Tags that do not exist are ignored.
func (s *Service) DeleteTags(ctx context.Context, res Resource, ids []string, tags Tags) error {
	const op = "DeleteTags"
	if !taggable[res] {
		return invalid(op, ResTag, string(res), "resources of type %q cannot be tagged", res)
	}
	if len(ids) == 0 {
		return nil
	}
	old, err := s.tagsOf(ctx, res, ids)
	if err != nil {
		return opErr(op, res, "", err)
	}
	if len(tags) == 0 {
		// EC2: no tags means all user tags.
		tags = Tags{}
		for _, t := range old {
			for k := range t.User() {
				tags[k] = ""
			}
		}
	}
	for _, k := range sortedKeys(tags) {
		var hit []string
		for _, id := range ids {
			if ov, ok := old[id][k]; ok && (tags[k] == "" || tags[k] == ov) {
				hit = append(hit, id)
			}
		}
		if len(hit) == 0 {
			continue
		}
		r, err := s.cs.DeleteTags(ctx, res, hit, Tags{k: tags[k]})
		if err == nil {
			_, err = s.await(ctx, op, res, "", r.JobID)
		}
		if err != nil {
			return opErr(op, res, "", err)
		}
	}
	return nil
}

// ListTags lists the caller's tags (reserved ones excluded), sorted by
// resource type, resource id and key.
func (s *Service) ListTags(ctx context.Context, q TagQuery) ([]Tag, error) {
	req := ListTagsRequest{Resource: q.Resource, Key: q.Key, Value: q.Value}
	if len(q.ResourceIDs) == 1 {
		req.ResourceID = q.ResourceIDs[0]
	}
	ts, err := s.cs.ListTags(ctx, req)
	if err != nil {
		return nil, opErr("ListTags", ResTag, "", err)
	}
	ids := newIDFilter(q.ResourceIDs)
	out := []Tag{}
	for _, t := range ts {
		if IsReserved(t.Key) || !ids.match(t.ResourceID) ||
			(q.Resource != "" && t.Resource != q.Resource) ||
			(q.Key != "" && t.Key != q.Key) || (q.Value != "" && t.Value != q.Value) {
			continue
		}
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Resource != b.Resource {
			return a.Resource < b.Resource
		}
		if a.ResourceID != b.ResourceID {
			return a.ResourceID < b.ResourceID
		}
		return a.Key < b.Key
	})
	return out, nil
}
