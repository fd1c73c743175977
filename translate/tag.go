package translate

import "context"

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

// CreateTags sets tags on resources of one type, replacing existing values
// of the same keys (CloudStack refuses duplicate keys, so Service deletes
// the old tag first).
func (s *Service) CreateTags(ctx context.Context, res Resource, ids []string, tags Tags) error {
	return unimplemented("CreateTags")
}

// DeleteTags removes tags by key; when a value is non-empty only a tag
// with that value is removed.
func (s *Service) DeleteTags(ctx context.Context, res Resource, ids []string, tags Tags) error {
	return unimplemented("DeleteTags")
}

// ListTags lists the caller's tags (reserved ones excluded).
func (s *Service) ListTags(ctx context.Context, q TagQuery) ([]Tag, error) {
	return nil, unimplemented("ListTags")
}
