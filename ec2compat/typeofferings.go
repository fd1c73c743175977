package ec2compat

import "sort"

// DescribeInstanceTypeOfferings: every instance type (fixed service
// offerings under their display names, and every configured alias) is
// offered in every zone and in the region; CloudStack service offerings
// without a zone restriction are usable in all zones.

type instanceTypeOfferingItem struct {
	InstanceType string `xml:"instanceType"`
	LocationType string `xml:"locationType"`
	Location     string `xml:"location"`
}

type describeInstanceTypeOfferingsResp struct {
	meta
	Offerings []instanceTypeOfferingItem `xml:"instanceTypeOfferingSet>item"`
	NextToken string                     `xml:"nextToken,omitempty"`
}

func (s *server) describeInstanceTypeOfferings(r *request) (response, error) {
	fs, pg, err := r.q.listArgs(5, 1000)
	if err != nil {
		return nil, err
	}
	locType := r.q.str("LocationType")
	if locType == "" {
		locType = "region"
	}
	offs, err := s.svc.Offerings(r.ctx)
	if err != nil {
		return nil, err
	}
	names := map[string]bool{}
	for _, o := range offs {
		if !o.Custom {
			names[s.typeName(o)] = true
		}
		for alias, target := range s.opts.InstanceTypeAliases {
			if target == o.Name || target == o.ID {
				names[alias] = true
			}
		}
	}
	var locations []string
	switch locType {
	case "region":
		locations = []string{s.opts.Region}
	case "availability-zone", "availability-zone-id":
		zones, err := s.svc.Zones(r.ctx)
		if err != nil {
			return nil, err
		}
		for _, z := range zones {
			if locType == "availability-zone" {
				locations = append(locations, z.Name)
			} else {
				locations = append(locations, z.ID)
			}
		}
	default:
		return nil, apiErrf("InvalidParameterValue", "Value (%s) for parameter locationType is invalid. Valid values are region, availability-zone, availability-zone-id.", locType)
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	var items []instanceTypeOfferingItem
	for _, loc := range locations {
		for _, n := range sorted {
			items = append(items, instanceTypeOfferingItem{InstanceType: n, LocationType: locType, Location: loc})
		}
	}
	items, err = applyFilters(items, fs, fields[instanceTypeOfferingItem]{
		"instance-type": func(x instanceTypeOfferingItem) []string { return one(x.InstanceType) },
		"location":      func(x instanceTypeOfferingItem) []string { return one(x.Location) },
	}, nil)
	if err != nil {
		return nil, err
	}
	items, next := paginate(items, func(x instanceTypeOfferingItem) string { return x.Location + "\x00" + x.InstanceType }, pg)
	return &describeInstanceTypeOfferingsResp{Offerings: items, NextToken: next}, nil
}
