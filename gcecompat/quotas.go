package gcecompat

import (
	"context"

	"github.com/cloudgate/cloudgate/translate"
)

// Quotas are the caller's CloudStack account limits and usage
// (listAccounts <type>limit/<type>total). The regional metrics are the
// instance resources, the project metrics the global ones. A resource the
// account may use without limit has no GCE quota and is left out (GCE has
// no "unlimited").
var (
	regionQuotaMetrics = []struct{ metric, limit string }{
		{"INSTANCES", translate.LimitVMs},
		{"CPUS", translate.LimitCPUs},
		{"DISKS_TOTAL_GB", translate.LimitPrimaryStorage},
		{"IN_USE_ADDRESSES", translate.LimitPublicIPs},
		{"STATIC_ADDRESSES", translate.LimitPublicIPs},
	}
	projectQuotaMetrics = []struct{ metric, limit string }{
		{"SNAPSHOTS", translate.LimitSnapshots},
		{"IMAGES", translate.LimitTemplates},
		{"SUBNETWORKS", translate.LimitNetworks},
	}
)

func (s *server) quotas(ctx context.Context, metrics []struct{ metric, limit string }) ([]wireQuota, error) {
	ls, err := s.svc.Limits(ctx)
	if k := translate.KindOf(err); k == translate.PermissionDenied || k == translate.Unimplemented {
		return nil, nil // the caller may not read its limits: no quotas shown
	}
	if err != nil {
		return nil, err
	}
	var out []wireQuota
	for _, m := range metrics {
		l, ok := ls[m.limit]
		if !ok || l.Max < 0 {
			continue
		}
		out = append(out, wireQuota{Metric: m.metric, Limit: float64(l.Max), Usage: float64(l.Used)})
	}
	return out, nil
}
