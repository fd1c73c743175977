package ec2compat

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/cloudgate/cloudgate/translate"
)

// Paged DescribeInstances pushed down to CloudStack (issue 15, item 2).
//
// A DescribeInstances with MaxResults (and no InstanceId) whose filters
// CloudStack can apply while paging reads only its page from CloudStack
// (translate.Service.InstancesPage: listVirtualMachines page/pagesize),
// so a page of n instances costs O(n) CloudStack work and memory whatever
// the number of instances. Pushed down: tag:KEY with one value without
// wildcards (CloudStack's tags[]) and availability-zone with one zone name
// (zoneid). Every filter is still applied to the page's items, so a page
// can hold fewer than MaxResults instances with a NextToken (EC2 allows
// that: "the number of results returned may be fewer than MaxResults").
// Other filters (instance-state-name, ip-address, wildcards, ...) keep the
// full listing: CloudStack cannot select them, and pages mostly empty
// would cost clients many calls for nothing.
//
// Order: CloudStack's (creation order; EC2 promises none), then the
// instances Destroyed and those terminated within the hour (see
// translate.InstancesPage). NextToken = base64url("cg2:" segment "." offset
// "." query hash): stateless, so valid on any replica; a token presented
// with other filters (another hash) is InvalidParameterValue, as is a
// full-listing token (cg1) on this path and a cg2 token on that one.

const pushTokenPrefix = "cg2:"

// pushdownQuery returns the CloudStack selection for filters fs, or ok
// false when some filter cannot be pushed down.
func (s *server) pushdownQuery(r *request, fs []filter) (q translate.InstancePageQuery, ok bool, err error) {
	q.Terminated = true
	for _, f := range fs {
		if len(f.Values) != 1 || strings.ContainsAny(f.Values[0], `*?\`) {
			return q, false, nil
		}
		v := f.Values[0]
		switch {
		case strings.HasPrefix(f.Name, "tag:"):
			k := strings.TrimPrefix(f.Name, "tag:")
			if k == "" || v == "" || translate.IsReserved(k) {
				return q, false, nil
			}
			if q.Tags == nil {
				q.Tags = translate.Tags{}
			}
			q.Tags[k] = v
		case f.Name == "availability-zone":
			if q.ZoneID != "" {
				return q, false, nil
			}
			zones, err := s.svc.Zones(r.ctx)
			if err != nil {
				return q, false, err
			}
			for _, z := range zones {
				if z.Name == v {
					q.ZoneID = z.ID
				}
			}
			if q.ZoneID == "" {
				return q, false, nil // unknown zone: the full path answers (nothing)
			}
		default:
			return q, false, nil
		}
	}
	return q, true, nil
}

// queryHash identifies a listing's selection in its page tokens.
func queryHash(account string, fs []filter) string {
	parts := make([]string, 0, len(fs))
	for _, f := range fs {
		vs := append([]string(nil), f.Values...)
		sort.Strings(vs)
		parts = append(parts, f.Name+"\x00"+strings.Join(vs, "\x00"))
	}
	sort.Strings(parts)
	h := sha256.Sum256([]byte(account + "\x01" + strings.Join(parts, "\x01")))
	return hex.EncodeToString(h[:6])
}

func encodePushToken(c translate.InstanceCursor, hash string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("%s%d.%d.%s", pushTokenPrefix, c.Segment, c.Offset, hash)))
}

// pushToken reports whether t is a pushed-down listing's token.
func pushToken(t string) bool {
	b, err := base64.RawURLEncoding.DecodeString(t)
	return err == nil && strings.HasPrefix(string(b), pushTokenPrefix)
}

func decodePushToken(t, hash string) (translate.InstanceCursor, error) {
	bad := apiErr("InvalidParameterValue", "The NextToken value is invalid.")
	b, err := base64.RawURLEncoding.DecodeString(t)
	if err != nil || !strings.HasPrefix(string(b), pushTokenPrefix) {
		return translate.InstanceCursor{}, bad
	}
	parts := strings.Split(strings.TrimPrefix(string(b), pushTokenPrefix), ".")
	if len(parts) != 3 || parts[2] != hash {
		return translate.InstanceCursor{}, bad
	}
	seg, err1 := strconv.Atoi(parts[0])
	off, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil || seg < translate.SegmentLive || seg > translate.SegmentTerminated || off < 0 {
		return translate.InstanceCursor{}, bad
	}
	return translate.InstanceCursor{Segment: seg, Offset: off}, nil
}

// describeInstancesPushdown answers DescribeInstances without InstanceId
// when paging can be pushed down; handled false leaves the request to the
// full listing.
func (s *server) describeInstancesPushdown(r *request, fs []filter) (resp response, handled bool, err error) {
	token := r.q.str("NextToken")
	if !r.q.has("MaxResults") && !pushToken(token) {
		return nil, false, nil
	}
	limit, err := r.q.maxResults(5, 1000)
	if err != nil {
		return nil, true, err
	}
	if limit == 0 {
		limit = 1000 // a token without MaxResults: EC2's largest page
	}
	q, ok, err := s.pushdownQuery(r, fs)
	if err != nil {
		return nil, true, err
	}
	if !ok {
		if pushToken(token) {
			return nil, true, apiErr("InvalidParameterValue", "The NextToken value is invalid.")
		}
		return nil, false, nil
	}
	// Unknown filter names are refused as on the full path.
	if _, err := applyFilters([]instanceItem(nil), fs, instanceFields, tagsOfItem); err != nil {
		return nil, true, err
	}
	hash := queryHash(r.principal.AccountID, fs)
	var at translate.InstanceCursor
	if token != "" {
		if at, err = decodePushToken(token, hash); err != nil {
			return nil, true, err
		}
	}
	// The network -> VPC map does not depend on the page: load it
	// alongside.
	vpcs := make(chan map[string]string, 1)
	go func() { vpcs <- s.networkVPCs(r) }()
	insts, next, live, err := s.svc.InstancesPage(r.ctx, q, at, limit)
	if err != nil {
		<-vpcs
		return nil, true, err
	}
	var vols map[string][]translate.Volume
	if live >= 0 && live <= 2*limit && q.ZoneID == "" && len(q.Tags) == 0 {
		// A cloud hardly bigger than the page: one listing of its volumes
		// (O(page) all the same) costs fewer round trips than one
		// listVolumes per instance.
		vols = s.volumesByInstance(r, "")
	}
	if vols == nil {
		vols = s.pageVolumes(r, insts)
	}
	for i := range insts {
		for _, vol := range vols[insts[i].ID] {
			if vol.Type == "ROOT" && insts[i].RootVolumeID == "" {
				insts[i].RootVolumeID = vol.ID
			}
		}
	}
	v := s.viewWith(r, insts, <-vpcs, vols)
	items := make([]instanceItem, 0, len(insts))
	for i := range insts {
		items = append(items, s.toInstanceItem(v, &insts[i]))
	}
	if items, err = applyFilters(items, fs, instanceFields, tagsOfItem); err != nil {
		return nil, true, err
	}
	out := &describeInstancesResp{Reservations: reservations(v.owner, items)}
	if next != nil {
		out.NextToken = encodePushToken(*next, hash)
	}
	return out, true, nil
}

// pageVolumes lists the volumes of a page's instances
// (translate.VolumesOfInstances: one listVolumes per instance), by instance
// id; a failure loses the block device mappings of the page (optional
// output), as on the full path. Instances terminated and gone from
// CloudStack are not asked for.
func (s *server) pageVolumes(r *request, insts []translate.Instance) map[string][]translate.Volume {
	ids := make([]string, 0, len(insts))
	for i := range insts {
		if insts[i].State != translate.StateExpunging && insts[i].Destroyed.IsZero() {
			ids = append(ids, insts[i].ID)
		}
	}
	vols, err := s.svc.VolumesOfInstances(r.ctx, ids)
	if err != nil {
		return map[string][]translate.Volume{}
	}
	return vols
}
