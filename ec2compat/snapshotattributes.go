package ec2compat

import (
	"github.com/cloudgate/cloudgate/translate"
)

// Snapshot sharing and copies. CloudStack snapshots belong to their
// account and cannot be shared (there is no snapshot permission API), so
// createVolumePermission is always empty and cannot be changed;
// copySnapshot (CloudStack 4.19+) makes the same snapshot (same id)
// available in another zone, never a second snapshot, and EC2 snapshots
// are regional already, so CopySnapshot is refused after its input is
// checked.

func (s *server) snapshotFor(r *request, param string) (*translate.Snapshot, string, error) {
	id, err := r.q.required(param)
	if err != nil {
		return nil, "", err
	}
	cid, err := csID(pSnapshot, translate.ResSnapshot, id)
	if err != nil {
		return nil, "", err
	}
	sn, err := s.svc.Snapshot(r.ctx, cid)
	if err != nil {
		return nil, "", err
	}
	return sn, id, nil
}

type createVolumePermission struct {
	Group  string `xml:"group,omitempty"`
	UserID string `xml:"userId,omitempty"`
}

type snapshotAttributeResp struct {
	meta
	SnapshotID              string                    `xml:"snapshotId"`
	CreateVolumePermissions *[]createVolumePermission `xml:"createVolumePermission>item,omitempty"`
	ProductCodes            *[]struct{}               `xml:"productCodes>item,omitempty"`
}

func (s *server) describeSnapshotAttribute(r *request) (response, error) {
	attr, err := r.q.required("Attribute")
	if err != nil {
		return nil, err
	}
	_, id, err := s.snapshotFor(r, "SnapshotId")
	if err != nil {
		return nil, err
	}
	resp := &snapshotAttributeResp{SnapshotID: id}
	switch attr {
	case "createVolumePermission":
		resp.CreateVolumePermissions = &[]createVolumePermission{}
	case "productCodes":
		resp.ProductCodes = &[]struct{}{}
	default:
		return nil, apiErrf("InvalidParameterValue", "Value (%s) for parameter attribute is invalid. Unknown attribute.", attr)
	}
	return resp, nil
}

func (s *server) modifySnapshotAttribute(r *request) (response, error) {
	if _, _, err := s.snapshotFor(r, "SnapshotId"); err != nil {
		return nil, err
	}
	if a := r.q.str("Attribute"); a != "" && a != "createVolumePermission" {
		return nil, apiErrf("InvalidParameterValue", "Value (%s) for parameter attribute is invalid: only createVolumePermission exists.", a)
	}
	return nil, apiErr("UnsupportedOperation",
		"ModifySnapshotAttribute is not supported by this cloud: CloudStack snapshots cannot be shared with other accounts or made public. Share an image instead (RegisterImage from the snapshot, then ModifyImageAttribute launchPermission).")
}

// resetSnapshotAttribute: createVolumePermission is always empty here, so
// there is nothing to reset; the snapshot must exist.
func (s *server) resetSnapshotAttribute(r *request) (response, error) {
	attr, err := r.q.required("Attribute")
	if err != nil {
		return nil, err
	}
	if _, _, err := s.snapshotFor(r, "SnapshotId"); err != nil {
		return nil, err
	}
	if attr != "createVolumePermission" {
		return nil, apiErrf("InvalidParameterValue", "Value (%s) for parameter attribute is invalid: only createVolumePermission can be reset.", attr)
	}
	return ok()
}

func (s *server) copySnapshot(r *request) (response, error) {
	region, err := r.q.required("SourceRegion")
	if err != nil {
		return nil, err
	}
	if region != s.opts.Region {
		return nil, apiErrf("InvalidParameterValue", "Invalid value '%s' for SourceRegion: this cloud has one region, %s.", region, s.opts.Region)
	}
	if d := r.q.str("DestinationRegion"); d != "" && d != s.opts.Region {
		return nil, apiErrf("InvalidParameterValue", "Invalid value '%s' for DestinationRegion: this cloud has one region, %s.", d, s.opts.Region)
	}
	_, id, err := s.snapshotFor(r, "SourceSnapshotId")
	if err != nil {
		return nil, err
	}
	return nil, apiErrf("UnsupportedOperation",
		"CopySnapshot is not supported by this cloud: CloudStack copies a snapshot between zones under the same id and cannot make a second snapshot from %s; create a volume from it and snapshot that volume instead.", id)
}
