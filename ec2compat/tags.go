package ec2compat

import (
	"sort"

	"github.com/cloudgate/cloudgate/translate"
)

// taggable maps id prefixes to translate resources and EC2 resource types.
var taggable = map[string]struct {
	res     translate.Resource
	ec2Type string
}{
	pInstance:   {translate.ResInstance, "instance"},
	pImage:      {translate.ResImage, "image"},
	pVolume:     {translate.ResVolume, "volume"},
	pSnapshot:   {translate.ResSnapshot, "snapshot"},
	pGroup:      {translate.ResSecurityGroup, "security-group"},
	pAllocation: {translate.ResAddress, "elastic-ip"},
	pSubnet:     {translate.ResNetwork, "subnet"},
	pVPC:        {translate.ResVPC, "vpc"},
}

// ltTagTargets are the launch template ids among ResourceId.N (tagged by
// launchtemplates.go: they are no CloudStack resource).
func ltTagTargets(q query) []string {
	var out []string
	for _, id := range q.list("ResourceId") {
		if splitPrefix(id) == "lt" {
			out = append(out, id)
		}
	}
	return out
}

// tagTargets groups ResourceId.N by resource type, converting the ids
// (launch templates excepted).
func tagTargets(q query) (map[translate.Resource][]string, error) {
	ids := q.list("ResourceId")
	if len(ids) == 0 {
		return nil, apiErr("MissingParameter", "The request must contain the parameter resourceIdSet")
	}
	out := map[translate.Resource][]string{}
	for _, id := range ids {
		p := splitPrefix(id)
		if p == "lt" {
			continue // launch templates: ltTagTargets
		}
		t, ok := taggable[p]
		if !ok && derivedUntaggable[p] {
			return nil, apiErrf("UnsupportedOperation", "The resource '%s' cannot be tagged: it is derived from CloudStack's VPCs and networks (see DescribeRouteTables), which keep no tags for it.", id)
		}
		if !ok {
			return nil, apiErrf("InvalidID", "The ID '%s' is not valid", id)
		}
		cid, err := csID(p, t.res, id)
		if err != nil {
			return nil, err
		}
		out[t.res] = append(out[t.res], cid)
	}
	return out, nil
}

func (s *server) createTags(r *request) (response, error) {
	targets, err := tagTargets(r.q)
	if err != nil {
		return nil, err
	}
	list, err := tagList(r.q, "Tag")
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, apiErr("MissingParameter", "The request must contain the parameter tagSet")
	}
	tags := translate.Tags{}
	for _, t := range list {
		tags[t.Key] = t.Value
	}
	if err := checkTagCount(tags); err != nil {
		return nil, err
	}
	if lts := ltTagTargets(r.q); len(lts) > 0 {
		if err := s.retagLaunchTemplates(r, lts, tags, false); err != nil {
			return nil, err
		}
	}
	// Every resource must stay within 50 tags with the new keys; check all
	// before changing any.
	for _, res := range sortedResources(targets) {
		have, err := s.svc.ListTags(r.ctx, translate.TagQuery{Resource: res, ResourceIDs: targets[res]})
		if err != nil {
			return nil, err
		}
		keys := map[string]map[string]bool{}
		for _, t := range have {
			if keys[t.ResourceID] == nil {
				keys[t.ResourceID] = map[string]bool{}
			}
			keys[t.ResourceID][t.Key] = true
		}
		for _, id := range targets[res] {
			n := len(keys[id])
			for k := range tags {
				if !keys[id][k] {
					n++
				}
			}
			if n > maxTagsPerResource {
				return nil, tagLimit()
			}
		}
	}
	for _, res := range sortedResources(targets) {
		if err := s.svc.CreateTags(r.ctx, res, targets[res], tags); err != nil {
			return nil, err
		}
	}
	return ok()
}

// deleteTags removes Tag.N.Key (only with that value when Tag.N.Value is
// given); without Tag.N every user tag goes.
func (s *server) deleteTags(r *request) (response, error) {
	targets, err := tagTargets(r.q)
	if err != nil {
		return nil, err
	}
	list, err := tagList(r.q, "Tag")
	if err != nil {
		return nil, err
	}
	if lts := ltTagTargets(r.q); len(lts) > 0 {
		tags := translate.Tags{}
		for _, t := range list {
			tags[t.Key] = t.Value
		}
		if err := s.retagLaunchTemplates(r, lts, tags, true); err != nil {
			return nil, err
		}
	}
	for _, res := range sortedResources(targets) {
		tags := translate.Tags{}
		for _, t := range list {
			tags[t.Key] = t.Value
		}
		if len(list) == 0 {
			all, err := s.svc.ListTags(r.ctx, translate.TagQuery{Resource: res, ResourceIDs: targets[res]})
			if err != nil {
				return nil, err
			}
			for _, t := range all {
				tags[t.Key] = ""
			}
			if len(tags) == 0 {
				continue
			}
		}
		if err := s.svc.DeleteTags(r.ctx, res, targets[res], tags); err != nil {
			return nil, err
		}
	}
	return ok()
}

func sortedResources(m map[translate.Resource][]string) []translate.Resource {
	out := make([]translate.Resource, 0, len(m))
	for r := range m {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

type tagDescription struct {
	ResourceID   string `xml:"resourceId"`
	ResourceType string `xml:"resourceType"`
	Key          string `xml:"key"`
	Value        string `xml:"value"`
}

type describeTagsResp struct {
	meta
	Tags      []tagDescription `xml:"tagSet>item"`
	NextToken string           `xml:"nextToken,omitempty"`
}

func (s *server) describeTags(r *request) (response, error) {
	fs, pg, err := r.q.listArgs(5, 1000)
	if err != nil {
		return nil, err
	}
	all, err := s.svc.ListTags(r.ctx, translate.TagQuery{})
	if err != nil {
		return nil, err
	}
	var items []tagDescription
	for _, t := range all {
		for p, tt := range taggable {
			if tt.res == t.Resource {
				items = append(items, tagDescription{ResourceID: ec2ID(p, t.ResourceID), ResourceType: tt.ec2Type, Key: t.Key, Value: t.Value})
			}
		}
	}
	items, err = applyFilters(items, fs, fields[tagDescription]{
		"resource-id":   func(x tagDescription) []string { return one(x.ResourceID) },
		"resource-type": func(x tagDescription) []string { return one(x.ResourceType) },
		"key":           func(x tagDescription) []string { return one(x.Key) },
		"value":         func(x tagDescription) []string { return []string{x.Value} },
	}, nil)
	if err != nil {
		return nil, err
	}
	items, next := paginate(items, func(x tagDescription) string { return x.ResourceID + "\x00" + x.Key }, pg)
	return &describeTagsResp{Tags: items, NextToken: next}, nil
}
