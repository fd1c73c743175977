package ec2compat

import (
	"strings"

	"github.com/cloudgate/cloudgate/translate"
)

// DescribeVolumeStatus and DescribeVolumeAttribute. CloudStack has no I/O
// health checks or scheduled volume events: a volume CloudStack reports
// in a usable state is "ok" (io-enabled passed), one in an error state
// "impaired", one being created or deleted "insufficient-data". I/O is
// never suspended (autoEnableIO false, no actions or events).

type volumeStatusDetail struct {
	Name   string `xml:"name"`
	Status string `xml:"status"`
}

type volumeStatusItem struct {
	VolumeID         string               `xml:"volumeId"`
	AvailabilityZone string               `xml:"availabilityZone"`
	Status           string               `xml:"volumeStatus>status"`
	Details          []volumeStatusDetail `xml:"volumeStatus>details>item"`
	tags             translate.Tags
}

type describeVolumeStatusResp struct {
	meta
	Statuses  []volumeStatusItem `xml:"volumeStatusSet>item"`
	NextToken string             `xml:"nextToken,omitempty"`
}

func volumeHealth(v *translate.Volume) (string, string) {
	switch volumeStatus(v) {
	case "error":
		return "impaired", "failed"
	case "creating", "deleting":
		return "insufficient-data", "insufficient-data"
	}
	return "ok", "passed"
}

func (s *server) describeVolumeStatus(r *request) (response, error) {
	fs, pg, err := r.q.listArgs(5, 1000)
	if err != nil {
		return nil, err
	}
	ids := r.q.list("VolumeId")
	cids, err := csIDs(pVolume, translate.ResVolume, ids)
	if err != nil {
		return nil, err
	}
	vols, err := s.svc.Volumes(r.ctx, translate.VolumeQuery{IDs: cids})
	if err != nil {
		return nil, err
	}
	found := map[string]bool{}
	var items []volumeStatusItem
	for i := range vols {
		v := &vols[i]
		found[strings.ToLower(v.ID)] = true
		st, io := volumeHealth(v)
		items = append(items, volumeStatusItem{VolumeID: ec2ID(pVolume, v.ID), AvailabilityZone: v.ZoneName, Status: st,
			Details: []volumeStatusDetail{{"io-enabled", io}, {"io-performance", "not-applicable"}}, tags: v.Tags})
	}
	for i, c := range cids {
		if !found[c] {
			return nil, &translate.Error{Kind: translate.NotFound, Resource: translate.ResVolume, ID: ids[i]}
		}
	}
	items, err = applyFilters(items, fs, fields[volumeStatusItem]{
		"availability-zone":            func(x volumeStatusItem) []string { return one(x.AvailabilityZone) },
		"volume-status.status":         func(x volumeStatusItem) []string { return one(x.Status) },
		"volume-status.details-name":   func(x volumeStatusItem) []string { return one("io-enabled") },
		"volume-status.details-status": func(x volumeStatusItem) []string { return one(x.Details[0].Status) },
		"event.event-type":             func(volumeStatusItem) []string { return nil },
		"action.code":                  func(volumeStatusItem) []string { return nil },
	}, func(x volumeStatusItem) translate.Tags { return x.tags })
	if err != nil {
		return nil, err
	}
	items, next := paginate(items, func(x volumeStatusItem) string { return x.VolumeID }, pg)
	return &describeVolumeStatusResp{Statuses: items, NextToken: next}, nil
}

type volumeAttributeResp struct {
	meta
	VolumeID     string     `xml:"volumeId"`
	AutoEnableIO *valueItem `xml:"autoEnableIO,omitempty"`
	ProductCodes *[]string  `xml:"productCodes>item,omitempty"`
}

func (s *server) describeVolumeAttribute(r *request) (response, error) {
	attr, err := r.q.required("Attribute")
	if err != nil {
		return nil, err
	}
	v, err := s.oneVolume(r)
	if err != nil {
		return nil, err
	}
	resp := &volumeAttributeResp{VolumeID: ec2ID(pVolume, v.ID)}
	switch attr {
	case "autoEnableIO":
		resp.AutoEnableIO = &valueItem{"false"}
	case "productCodes":
		resp.ProductCodes = &[]string{}
	default:
		return nil, apiErrf("InvalidParameterValue", "Value (%s) for parameter attribute is invalid. Valid values are autoEnableIO, productCodes.", attr)
	}
	return resp, nil
}
