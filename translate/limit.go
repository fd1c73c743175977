package translate

import "context"

// CloudStack resource types of account limits (listAccounts reports
// <type>limit and <type>total for each).
const (
	LimitVMs            = "vm"
	LimitPublicIPs      = "ip"
	LimitVolumes        = "volume"
	LimitSnapshots      = "snapshot"
	LimitTemplates      = "template"
	LimitNetworks       = "network"
	LimitVPCs           = "vpc"
	LimitCPUs           = "cpu"
	LimitMemoryMB       = "memory"
	LimitPrimaryStorage = "primarystorage" // GiB
)

// ResourceLimit is one resource limit of the caller's account and its
// current usage. Max is -1 when the account is unlimited for it.
type ResourceLimit struct {
	Type string
	Max  int64
	Used int64
}

// Limits returns the caller's account limits and usage, keyed by type
// (quotas: GCE regions/projects quotas, EC2 account attributes).
func (s *Service) Limits(ctx context.Context) (map[string]ResourceLimit, error) {
	if _, err := principal(ctx); err != nil {
		return nil, err
	}
	ls, err := s.cs.AccountLimits(ctx)
	if err != nil {
		return nil, opErr("Limits", "", "", err)
	}
	out := make(map[string]ResourceLimit, len(ls))
	for _, l := range ls {
		out[l.Type] = l
	}
	return out, nil
}
