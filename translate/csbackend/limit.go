package csbackend

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/cloudgate/cloudgate/translate"
)

var limitTypes = []string{translate.LimitVMs, translate.LimitPublicIPs, translate.LimitVolumes, translate.LimitSnapshots,
	translate.LimitTemplates, translate.LimitNetworks, translate.LimitVPCs, translate.LimitCPUs, translate.LimitMemoryMB,
	translate.LimitPrimaryStorage}

// AccountLimits implements translate.CloudStack with listAccounts, which
// for a normal user lists only the caller's account. CloudStack's
// AccountResponse carries <type>limit ("Unlimited" or a number, as a
// string) and <type>total (the usage) for every resource type.
func (b *Backend) AccountLimits(ctx context.Context) ([]translate.ResourceLimit, error) {
	items, err := b.list(ctx, "listAccounts", "", params{})
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, nil
	}
	var acct map[string]json.RawMessage
	if err := decode("listAccounts", items[0], &acct); err != nil {
		return nil, err
	}
	var out []translate.ResourceLimit
	for _, t := range limitTypes {
		raw, ok := acct[t+"limit"]
		if !ok {
			continue // not reported by this CloudStack version
		}
		l := translate.ResourceLimit{Type: t, Max: limitNumber(raw), Used: limitNumber(acct[t+"total"])}
		if l.Used < 0 {
			l.Used = 0
		}
		out = append(out, l)
	}
	return out, nil
}

// limitNumber reads a limit or total: a JSON number, a numeric string, or
// "Unlimited" (-1).
func limitNumber(raw json.RawMessage) int64 {
	s := strings.Trim(strings.TrimSpace(string(raw)), `"`)
	if s == "" || strings.EqualFold(s, "Unlimited") {
		return -1
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return -1
	}
	return int64(f)
}
