package translate

import (
	"context"
	"sort"
	"time"
)

// InstanceGroup is a CloudStack instance group (createInstanceGroup): a
// name owned by an account, unique in it, holding VMs (a VM is in at most
// one group; deployVirtualMachine group=NAME puts it there). CloudStack
// keeps nothing else about a group, and groups cannot be tagged: front
// ends that need more (GCE managed instance groups) keep it in the name.
type InstanceGroup struct {
	ID      string
	Name    string
	Created time.Time
}

// ListInstanceGroupsRequest selects instance groups. Name is an exact
// match, Keyword a substring of the name (CloudStack's LIKE %keyword%).
type ListInstanceGroupsRequest struct {
	ID      string
	Name    string
	Keyword string
}

// InstanceGroupPort is the part of the CloudStack port for instance
// groups (CloudStack's VMGroup API; cloudstack-go's VMGroupService).
type InstanceGroupPort interface {
	// CreateInstanceGroup creates a group; a name the account already
	// uses is AlreadyExists.
	CreateInstanceGroup(ctx context.Context, name string) (*InstanceGroup, error)
	ListInstanceGroups(ctx context.Context, req ListInstanceGroupsRequest) ([]InstanceGroup, error)
	// DeleteInstanceGroup removes a group; its VMs stay, outside any group.
	DeleteInstanceGroup(ctx context.Context, id string) error
}

// CreateInstanceGroup creates an instance group named name in the
// caller's account. AlreadyExists (ResInstanceGroup) if the account has
// one of that name.
func (s *Service) CreateInstanceGroup(ctx context.Context, name string) (*InstanceGroup, error) {
	const op = "CreateInstanceGroup"
	if name == "" {
		return nil, invalid(op, ResInstanceGroup, "", "a group name is required")
	}
	g, err := s.cs.CreateInstanceGroup(ctx, name)
	if err != nil {
		return nil, opErr(op, ResInstanceGroup, name, err)
	}
	return g, nil
}

// InstanceGroups lists the caller's instance groups matching req, oldest
// first (then by id).
func (s *Service) InstanceGroups(ctx context.Context, req ListInstanceGroupsRequest) ([]InstanceGroup, error) {
	gs, err := s.cs.ListInstanceGroups(ctx, req)
	if isNotFound(err) && req.ID != "" {
		return []InstanceGroup{}, nil
	}
	if err != nil {
		return nil, opErr("InstanceGroups", ResInstanceGroup, req.ID, err)
	}
	out := gs[:0:0]
	for _, g := range gs {
		if (req.ID == "" || g.ID == req.ID) && (req.Name == "" || g.Name == req.Name) {
			out = append(out, g)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Created.Equal(out[j].Created) {
			return out[i].Created.Before(out[j].Created)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// DeleteInstanceGroup deletes an instance group; its VMs are not touched.
func (s *Service) DeleteInstanceGroup(ctx context.Context, id string) error {
	return opErr("DeleteInstanceGroup", ResInstanceGroup, id, s.cs.DeleteInstanceGroup(ctx, id))
}
