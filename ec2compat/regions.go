package ec2compat

import (
	"sort"
	"strconv"

	"github.com/cloudgate/cloudgate/translate"
)

type regionItem struct {
	RegionName  string `xml:"regionName"`
	Endpoint    string `xml:"regionEndpoint"`
	OptInStatus string `xml:"optInStatus"`
}

type describeRegionsResp struct {
	meta
	Regions []regionItem `xml:"regionInfo>item"`
}

// describeRegions reports the single configured region.
func (s *server) describeRegions(r *request) (response, error) {
	fs, err := r.q.filters()
	if err != nil {
		return nil, err
	}
	items := []regionItem{{RegionName: s.opts.Region, Endpoint: "ec2." + s.opts.Region + ".cloudgate", OptInStatus: "opt-in-not-required"}}
	if names := r.q.list("RegionName"); len(names) > 0 {
		if !contains(names, s.opts.Region) {
			return nil, apiErrf("InvalidParameterValue", "Invalid region name: %s", names[0])
		}
	}
	items, err = applyFilters(items, fs, fields[regionItem]{
		"region-name":   func(x regionItem) []string { return one(x.RegionName) },
		"endpoint":      func(x regionItem) []string { return one(x.Endpoint) },
		"opt-in-status": func(x regionItem) []string { return one(x.OptInStatus) },
	}, nil)
	if err != nil {
		return nil, err
	}
	return &describeRegionsResp{Regions: items}, nil
}

type zoneItem struct {
	ZoneName           string     `xml:"zoneName"`
	ZoneState          string     `xml:"zoneState"`
	RegionName         string     `xml:"regionName"`
	ZoneID             string     `xml:"zoneId"`
	ZoneType           string     `xml:"zoneType"`
	OptInStatus        string     `xml:"optInStatus"`
	GroupName          string     `xml:"groupName"`
	NetworkBorderGroup string     `xml:"networkBorderGroup"`
	Messages           []struct{} `xml:"messageSet>item"`
}

type describeZonesResp struct {
	meta
	Zones []zoneItem `xml:"availabilityZoneInfo>item"`
}

// describeAvailabilityZones lists CloudStack zones as availability zones.
func (s *server) describeAvailabilityZones(r *request) (response, error) {
	fs, err := r.q.filters()
	if err != nil {
		return nil, err
	}
	zones, err := s.svc.Zones(r.ctx)
	if err != nil {
		return nil, err
	}
	var items []zoneItem
	for _, z := range zones {
		state := "available"
		if !z.Enabled {
			state = "unavailable"
		}
		items = append(items, zoneItem{ZoneName: z.Name, ZoneState: state, RegionName: s.opts.Region,
			ZoneID: z.ID, ZoneType: "availability-zone", OptInStatus: "opt-in-not-required",
			GroupName: s.opts.Region, NetworkBorderGroup: s.opts.Region})
	}
	names := r.q.list("ZoneName")
	ids := r.q.list("ZoneId")
	if len(names) > 0 || len(ids) > 0 {
		var sel []zoneItem
		for _, z := range items {
			if contains(names, z.ZoneName) || contains(ids, z.ZoneID) {
				sel = append(sel, z)
			}
		}
		for _, n := range names {
			if !containsFunc(sel, func(z zoneItem) bool { return z.ZoneName == n }) {
				return nil, apiErrf("InvalidParameterValue", "The zone '%s' does not exist.", n)
			}
		}
		items = sel
	}
	items, err = applyFilters(items, fs, fields[zoneItem]{
		"zone-name":     func(x zoneItem) []string { return one(x.ZoneName) },
		"zone-id":       func(x zoneItem) []string { return one(x.ZoneID) },
		"state":         func(x zoneItem) []string { return one(x.ZoneState) },
		"region-name":   func(x zoneItem) []string { return one(x.RegionName) },
		"zone-type":     func(x zoneItem) []string { return one(x.ZoneType) },
		"group-name":    func(x zoneItem) []string { return one(x.GroupName) },
		"opt-in-status": func(x zoneItem) []string { return one(x.OptInStatus) },
	}, nil)
	if err != nil {
		return nil, err
	}
	sort.Slice(items, func(i, j int) bool { return items[i].ZoneName < items[j].ZoneName })
	return &describeZonesResp{Zones: items}, nil
}

type attrValue struct {
	Value string `xml:"attributeValue"`
}

type accountAttr struct {
	Name   string      `xml:"attributeName"`
	Values []attrValue `xml:"attributeValueSet>item"`
}

type describeAccountAttributesResp struct {
	meta
	Attributes []accountAttr `xml:"accountAttributeSet>item"`
}

// describeAccountAttributes answers the attributes clients probe for.
func (s *server) describeAccountAttributes(r *request) (response, error) {
	all := []accountAttr{
		{Name: "supported-platforms", Values: []attrValue{{"VPC"}}},
		{Name: "default-vpc", Values: []attrValue{{"none"}}},
	}
	// The account's CloudStack limits (listAccounts vmlimit, iplimit);
	// an unlimited one has no EC2 counterpart and is left out.
	ls, err := s.svc.Limits(r.ctx)
	if k := translate.KindOf(err); err != nil && k != translate.PermissionDenied && k != translate.Unimplemented {
		return nil, err
	}
	for _, a := range []struct{ name, limit string }{
		{"max-instances", translate.LimitVMs}, {"max-elastic-ips", translate.LimitPublicIPs}, {"vpc-max-elastic-ips", translate.LimitPublicIPs},
	} {
		if l, ok := ls[a.limit]; ok && l.Max >= 0 {
			all = append(all, accountAttr{Name: a.name, Values: []attrValue{{strconv.FormatInt(l.Max, 10)}}})
		}
	}
	// EC2's default; CloudStack sets no per-VM group limit.
	all = append(all, accountAttr{Name: "vpc-max-security-groups-per-interface", Values: []attrValue{{"5"}}})
	want := r.q.list("AttributeName")
	if len(want) == 0 {
		return &describeAccountAttributesResp{Attributes: all}, nil
	}
	var out []accountAttr
	for _, a := range all {
		if contains(want, a.Name) {
			out = append(out, a)
		}
	}
	return &describeAccountAttributesResp{Attributes: out}, nil
}

// defaultZone picks the zone for calls without a placement: the first
// enabled zone by name.
func (s *server) zoneByName(r *request, name string) (*translate.Zone, error) {
	zones, err := s.svc.Zones(r.ctx)
	if err != nil {
		return nil, err
	}
	sort.Slice(zones, func(i, j int) bool { return zones[i].Name < zones[j].Name })
	for i := range zones {
		z := &zones[i]
		if name == "" && z.Enabled || name != "" && (z.Name == name || z.ID == name) {
			return z, nil
		}
	}
	if name == "" {
		return nil, &translate.Error{Kind: translate.Unavailable, Resource: translate.ResZone, Message: "No availability zone is enabled."}
	}
	return nil, apiErrf("InvalidParameterValue", "Invalid availability zone: [%s]", name)
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func containsFunc[T any](list []T, f func(T) bool) bool {
	for _, x := range list {
		if f(x) {
			return true
		}
	}
	return false
}
