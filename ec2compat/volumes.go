package ec2compat

import (
	"sort"
	"strconv"
	"strings"

	"github.com/cloudgate/cloudgate/translate"
)

type attachmentItem struct {
	VolumeID            string `xml:"volumeId"`
	InstanceID          string `xml:"instanceId"`
	Device              string `xml:"device"`
	Status              string `xml:"status"`
	AttachTime          string `xml:"attachTime,omitempty"`
	DeleteOnTermination bool   `xml:"deleteOnTermination"`
}

type volumeItem struct {
	VolumeID         string           `xml:"volumeId"`
	Size             int64            `xml:"size"`
	SnapshotID       string           `xml:"snapshotId"`
	AvailabilityZone string           `xml:"availabilityZone"`
	Status           string           `xml:"status"`
	CreateTime       string           `xml:"createTime,omitempty"`
	Attachments      []attachmentItem `xml:"attachmentSet>item"`
	VolumeType       string           `xml:"volumeType"`
	Encrypted        bool             `xml:"encrypted"`
	MultiAttach      bool             `xml:"multiAttachEnabled"`
	Tags             []tagItem        `xml:"tagSet>item"`
	tags             translate.Tags
}

// volumeStatus maps a CloudStack volume to an EC2 volume state.
func volumeStatus(v *translate.Volume) string {
	switch strings.ToLower(v.State) {
	case "creating", "allocating", "uploadop", "uploaded", "notuploaded", "uploadinprogress":
		return "creating"
	case "destroy", "expunging", "expunged":
		return "deleting"
	case "uploaderror", "uploadabandoned", "error":
		return "error"
	}
	if v.InstanceID != "" {
		return "in-use"
	}
	return "available"
}

// deviceName names CloudStack device ids EC2-style: 0 is the root
// (/dev/sda1), n is /dev/sd + the n-th letter.
func deviceName(id int64, root bool) string {
	if root || id == 0 {
		return rootDeviceName
	}
	if id < 26 {
		return "/dev/sd" + string(rune('a'+id))
	}
	return "/dev/sd" + strconv.FormatInt(id, 10)
}

// tagDevice keeps the Device an EC2 caller attached a data volume as; it
// belongs to that attachment and goes away on detach. Without it the
// device is named after CloudStack's device id.
const tagDevice = translate.ReservedTagPrefix + "ec2-device"

// volumeDevice is the device name every answer shows for an attached
// volume: the one AttachVolume was given, else deviceName.
func volumeDevice(v *translate.Volume) string {
	if d := v.Tags[tagDevice]; d != "" && v.Type != "ROOT" {
		return d
	}
	return deviceName(v.DeviceID, v.Type == "ROOT")
}

// validDevice accepts the Linux device names EC2 does (/dev/sdf,
// /dev/xvdh, /dev/sdh1, /dev/vdb, …).
func validDevice(d string) bool {
	rest, ok := strings.CutPrefix(d, "/dev/")
	if !ok {
		return false
	}
	for _, p := range []string{"xvd", "sd", "vd", "hd"} {
		if tail, ok := strings.CutPrefix(rest, p); ok {
			letters := 0
			for letters < len(tail) && tail[letters] >= 'a' && tail[letters] <= 'z' {
				letters++
			}
			if letters < 1 || letters > 2 {
				return false
			}
			for _, c := range tail[letters:] {
				if c < '0' || c > '9' {
					return false
				}
			}
			return true
		}
	}
	return false
}

func toVolumeItem(v *translate.Volume) volumeItem {
	it := volumeItem{VolumeID: ec2ID(pVolume, v.ID), Size: v.SizeGB, SnapshotID: ec2ID(pSnapshot, v.SnapshotID),
		AvailabilityZone: v.ZoneName, Status: volumeStatus(v), CreateTime: ts(v.Created),
		VolumeType: volumeType(v), Tags: tagSet(v.Tags), tags: v.Tags}
	if v.InstanceID != "" {
		at := v.Attached
		if at.IsZero() {
			at = v.Created
		}
		it.Attachments = []attachmentItem{{VolumeID: it.VolumeID, InstanceID: ec2ID(pInstance, v.InstanceID),
			Device: volumeDevice(v), Status: "attached", AttachTime: ts(at),
			DeleteOnTermination: v.Type == "ROOT"}}
	}
	return it
}

type createVolumeResp struct {
	meta
	volumeItem
}

func (s *server) oneVolume(r *request) (*translate.Volume, error) {
	id, err := r.q.required("VolumeId")
	if err != nil {
		return nil, err
	}
	cid, err := csID(pVolume, translate.ResVolume, id)
	if err != nil {
		return nil, err
	}
	return s.svc.Volume(r.ctx, cid)
}

// createVolume creates a data volume of Size GiB (or from SnapshotId) in
// AvailabilityZone.
func (s *server) createVolume(r *request) (response, error) {
	spec := translate.VolumeSpec{}
	size, err := r.q.integer("Size", 0)
	if err != nil || size < 0 || size > 16384 {
		return nil, apiErrf("InvalidParameterValue", "Invalid value '%s' for Size", r.q.str("Size"))
	}
	spec.SizeGB = int64(size)
	if snap := r.q.str("SnapshotId"); snap != "" {
		if spec.SnapshotID, err = csID(pSnapshot, translate.ResSnapshot, snap); err != nil {
			return nil, err
		}
	} else if size == 0 {
		return nil, apiErr("MissingParameter", "The request must contain the parameter size or snapshotId")
	}
	if spec.DiskOfferingID, err = s.volumeTypeOffering(r, r.q.str("VolumeType")); err != nil {
		return nil, err
	}
	for _, k := range []string{"Iops", "Throughput"} {
		if v := r.q.str(k); v != "" {
			return nil, apiErrf("UnsupportedOperation", "The parameter %s=%s is not supported by this cloud: a volume's performance comes from its CloudStack disk offering (VolumeType).", k, v)
		}
	}
	if on, err := r.q.boolean("MultiAttachEnabled"); err != nil {
		return nil, err
	} else if on {
		return nil, apiErr("UnsupportedOperation", "The parameter MultiAttachEnabled=true is not supported by this cloud.")
	}
	az, err := r.q.required("AvailabilityZone")
	if err != nil {
		return nil, err
	}
	z, err := s.zoneByName(r, az)
	if err != nil {
		return nil, err
	}
	spec.ZoneID = z.ID
	specs, err := r.q.tagSpecs()
	if err != nil {
		return nil, err
	}
	if _, err := specTags(specs, "volume"); err != nil {
		return nil, err
	}
	spec.Tags = specs["volume"]
	if n := spec.Tags["Name"]; n != "" {
		spec.Name = n
	}
	// The SDKs and the CLI fill ClientToken in and resend it when they
	// retry; translate makes it reach CloudStack in the create call.
	if spec.ClientToken = r.q.str("ClientToken"); len(spec.ClientToken) > 64 {
		return nil, apiErr("InvalidParameterValue", "ClientToken must be at most 64 characters.")
	}
	v, job, err := s.svc.CreateVolume(r.ctx, spec)
	if err != nil {
		return nil, err
	}
	if err := s.wait(r.ctx, job); err != nil {
		return nil, err
	}
	if cur, err := s.svc.Volume(r.ctx, v.ID); err == nil {
		v = cur
	}
	return &createVolumeResp{volumeItem: toVolumeItem(v)}, nil
}

func (s *server) deleteVolume(r *request) (response, error) {
	v, err := s.oneVolume(r)
	if err != nil {
		return nil, err
	}
	if v.InstanceID != "" {
		return nil, &translate.Error{Kind: translate.InUse, Resource: translate.ResVolume,
			Message: "Volume " + ec2ID(pVolume, v.ID) + " is currently attached to " + ec2ID(pInstance, v.InstanceID)}
	}
	if err := s.svc.DeleteVolume(r.ctx, v.ID); err != nil {
		return nil, err
	}
	return ok()
}

type describeVolumesResp struct {
	meta
	Volumes   []volumeItem `xml:"volumeSet>item"`
	NextToken string       `xml:"nextToken,omitempty"`
}

func (s *server) describeVolumes(r *request) (response, error) {
	fs, err := r.q.filters()
	if err != nil {
		return nil, err
	}
	ids := r.q.list("VolumeId")
	if len(ids) > 0 && r.q.has("MaxResults") {
		return nil, apiErr("InvalidParameterCombination", "The parameter volumeSet cannot be used with the parameter maxResults")
	}
	pg, err := r.q.cappedPaging(5, 500)
	if err != nil {
		return nil, err
	}
	cids, err := csIDs(pVolume, translate.ResVolume, ids)
	if err != nil {
		return nil, err
	}
	vols, err := s.svc.Volumes(r.ctx, translate.VolumeQuery{IDs: cids})
	if err != nil {
		return nil, err
	}
	found := map[string]bool{}
	var items []volumeItem
	for i := range vols {
		found[strings.ToLower(vols[i].ID)] = true
		items = append(items, toVolumeItem(&vols[i]))
	}
	for i, c := range cids {
		if !found[c] {
			return nil, &translate.Error{Kind: translate.NotFound, Resource: translate.ResVolume, ID: ids[i]}
		}
	}
	items, err = applyFilters(items, fs, fields[volumeItem]{
		"volume-id":         func(x volumeItem) []string { return one(x.VolumeID) },
		"status":            func(x volumeItem) []string { return one(x.Status) },
		"size":              func(x volumeItem) []string { return one(strconv.FormatInt(x.Size, 10)) },
		"availability-zone": func(x volumeItem) []string { return one(x.AvailabilityZone) },
		"snapshot-id":       func(x volumeItem) []string { return one(x.SnapshotID) },
		"volume-type":       func(x volumeItem) []string { return one(x.VolumeType) },
		"create-time":       func(x volumeItem) []string { return one(x.CreateTime) },
		"encrypted":         func(x volumeItem) []string { return one(boolStr(x.Encrypted)) },
		"attachment.instance-id": func(x volumeItem) []string {
			var out []string
			for _, a := range x.Attachments {
				out = append(out, a.InstanceID)
			}
			return out
		},
		"attachment.device": func(x volumeItem) []string {
			var out []string
			for _, a := range x.Attachments {
				out = append(out, a.Device)
			}
			return out
		},
		"attachment.status": func(x volumeItem) []string {
			var out []string
			for _, a := range x.Attachments {
				out = append(out, a.Status)
			}
			return out
		},
		"attachment.delete-on-termination": func(x volumeItem) []string {
			var out []string
			for _, a := range x.Attachments {
				out = append(out, boolStr(a.DeleteOnTermination))
			}
			return out
		},
	}, func(x volumeItem) translate.Tags { return x.tags })
	if err != nil {
		return nil, err
	}
	items, next := paginate(items, func(x volumeItem) string { return x.VolumeID }, pg)
	return &describeVolumesResp{Volumes: items, NextToken: next}, nil
}

type attachResp struct {
	meta
	attachmentItem
}

// attachVolume attaches at CloudStack's next free slot and keeps the
// Device the caller named (tagDevice), so DescribeVolumes, its
// attachment.device filter and the instance's block device mapping show
// that name. A device already used on the instance is refused.
func (s *server) attachVolume(r *request) (response, error) {
	dev, err := r.q.required("Device")
	if err != nil {
		return nil, err
	}
	if !validDevice(dev) {
		return nil, apiErrf("InvalidParameterValue", "Value (%s) for parameter device is invalid. %s is not a valid EBS device name.", dev, dev)
	}
	v, err := s.oneVolume(r)
	if err != nil {
		return nil, err
	}
	in, err := s.oneInstance(r)
	if err != nil {
		return nil, err
	}
	if v.InstanceID != "" {
		return nil, &translate.Error{Kind: translate.InUse, Resource: translate.ResVolume,
			Message: "vol '" + ec2ID(pVolume, v.ID) + "' is already attached to an instance"}
	}
	attached, err := s.svc.Volumes(r.ctx, translate.VolumeQuery{InstanceID: in.ID})
	if err != nil {
		return nil, err
	}
	for i := range attached {
		if d := volumeDevice(&attached[i]); d == dev || (attached[i].Type == "ROOT" && strings.TrimRight(d, "0123456789") == dev) {
			return nil, apiErrf("InvalidParameterValue", "Invalid value '%s' for unixDevice. Attachment point %s is already in use", dev, dev)
		}
	}
	if err := s.svc.CreateTags(r.ctx, translate.ResVolume, []string{v.ID}, translate.Tags{tagDevice: dev}); err != nil {
		return nil, err
	}
	job, err := s.svc.AttachVolume(r.ctx, v.ID, in.ID, 0)
	if err == nil {
		err = s.wait(r.ctx, job)
	}
	if err != nil {
		_ = s.svc.DeleteTags(r.ctx, translate.ResVolume, []string{v.ID}, translate.Tags{tagDevice: ""})
		return nil, err
	}
	resp := &attachResp{attachmentItem: attachmentItem{VolumeID: ec2ID(pVolume, v.ID), InstanceID: ec2ID(pInstance, in.ID),
		Device: dev, Status: "attaching", AttachTime: ts(s.opts.Now())}}
	if cur, err := s.svc.Volume(r.ctx, v.ID); err == nil && cur.InstanceID != "" {
		resp.Status = "attached"
	}
	return resp, nil
}

func (s *server) detachVolume(r *request) (response, error) {
	v, err := s.oneVolume(r)
	if err != nil {
		return nil, err
	}
	if v.InstanceID == "" {
		return nil, &translate.Error{Kind: translate.FailedPrecondition, Resource: translate.ResVolume,
			Message: "Volume '" + ec2ID(pVolume, v.ID) + "' is in the 'available' state."}
	}
	if v.Type == "ROOT" {
		return nil, apiErr("OperationNotPermitted", "The root volume of an instance cannot be detached.")
	}
	if inst := r.q.str("InstanceId"); inst != "" && inst != ec2ID(pInstance, v.InstanceID) {
		return nil, apiErrf("IncorrectState", "Volume '%s' is not attached to instance '%s'.", ec2ID(pVolume, v.ID), inst)
	}
	if dev := r.q.str("Device"); dev != "" && dev != volumeDevice(v) {
		return nil, apiErrf("InvalidAttachment.NotFound", "The volume '%s' is not attached as %s.", ec2ID(pVolume, v.ID), dev)
	}
	job, err := s.svc.DetachVolume(r.ctx, v.ID)
	if err != nil {
		return nil, err
	}
	if err := s.wait(r.ctx, job); err != nil {
		return nil, err
	}
	if v.Tags[tagDevice] != "" {
		// The device name belonged to this attachment only.
		if err := s.svc.DeleteTags(r.ctx, translate.ResVolume, []string{v.ID}, translate.Tags{tagDevice: ""}); err != nil {
			return nil, err
		}
	}
	resp := &attachResp{attachmentItem: attachmentItem{VolumeID: ec2ID(pVolume, v.ID), InstanceID: ec2ID(pInstance, v.InstanceID),
		Device: volumeDevice(v), Status: "detaching", AttachTime: ts(v.Attached)}}
	if cur, err := s.svc.Volume(r.ctx, v.ID); err == nil && cur.InstanceID == "" {
		resp.Status = "detached"
	}
	return resp, nil
}

type volumeModification struct {
	VolumeID          string `xml:"volumeId"`
	ModificationState string `xml:"modificationState"`
	TargetSize        int64  `xml:"targetSize"`
	TargetVolumeType  string `xml:"targetVolumeType"`
	OriginalSize      int64  `xml:"originalSize"`
	OriginalType      string `xml:"originalVolumeType"`
	Progress          int    `xml:"progress"`
	StartTime         string `xml:"startTime"`
	EndTime           string `xml:"endTime,omitempty"`
}

type modifyVolumeResp struct {
	meta
	Modification volumeModification `xml:"volumeModification"`
}

// modifyVolume grows a volume (Size only; types and IOPS do not exist in
// CloudStack).
func (s *server) modifyVolume(r *request) (response, error) {
	v, err := s.oneVolume(r)
	if err != nil {
		return nil, err
	}
	for _, k := range []string{"VolumeType", "Iops", "Throughput", "MultiAttachEnabled"} {
		if r.q.has(k) {
			return nil, apiErrf("UnsupportedOperation", "Modifying %s is not supported by this cloud.", k)
		}
	}
	size, err := r.q.integer("Size", 0)
	if err != nil || size <= 0 {
		return nil, apiErr("InvalidParameterValue", "ModifyVolume needs a positive Size.")
	}
	if int64(size) < v.SizeGB {
		return nil, apiErrf("InvalidParameterValue", "New size (%d) cannot be smaller than the current size (%d).", size, v.SizeGB)
	}
	start := s.opts.Now()
	mod := volumeModification{VolumeID: ec2ID(pVolume, v.ID), TargetSize: int64(size), TargetVolumeType: "standard",
		OriginalSize: v.SizeGB, OriginalType: "standard", StartTime: ts(start), ModificationState: "modifying"}
	if int64(size) != v.SizeGB {
		job, err := s.svc.ResizeVolume(r.ctx, v.ID, int64(size))
		if err != nil {
			return nil, err
		}
		if err := s.wait(r.ctx, job); err != nil {
			return nil, err
		}
	}
	if cur, err := s.svc.Volume(r.ctx, v.ID); err == nil && cur.SizeGB == int64(size) {
		mod.ModificationState, mod.Progress, mod.EndTime = "completed", 100, ts(s.opts.Now())
	}
	return &modifyVolumeResp{Modification: mod}, nil
}

// ebsVolumeTypes are EC2's volume types. A CloudStack disk offering named
// like one of them (case-insensitively) serves it: CreateVolume
// VolumeType=gp3 uses the offering "gp3" and the volume reads back gp3.
// Without such an offering only "standard" (the default, served by the
// custom-size offering) is available and other types are refused.
var ebsVolumeTypes = map[string]bool{"standard": true, "gp2": true, "gp3": true, "io1": true, "io2": true, "st1": true, "sc1": true}

// volumeType is the EC2 type of a volume: its disk offering's name when
// that is an EBS type, else "standard".
func volumeType(v *translate.Volume) string {
	if t := strings.ToLower(v.DiskOfferingName); ebsVolumeTypes[t] {
		return t
	}
	return "standard"
}

// volumeTypeOffering resolves VolumeType to a disk offering id ("" for
// the default offering).
func (s *server) volumeTypeOffering(r *request, typ string) (string, error) {
	if typ == "" {
		return "", nil
	}
	if !ebsVolumeTypes[typ] {
		return "", apiErrf("InvalidParameterValue", "Value (%s) for parameter volumeType is invalid. Valid values are standard, gp2, gp3, io1, io2, st1, sc1.", typ)
	}
	offs, err := s.svc.DiskOfferings(r.ctx)
	if err != nil {
		return "", err
	}
	var avail []string
	for _, o := range offs {
		if t := strings.ToLower(o.Name); ebsVolumeTypes[t] {
			if t == typ {
				return o.ID, nil
			}
			avail = append(avail, t)
		}
	}
	if typ == "standard" {
		return "", nil
	}
	sort.Strings(avail)
	return "", apiErrf("InvalidParameterValue", "Value (%s) for parameter volumeType is invalid. This cloud has no CloudStack disk offering named '%s'; available volume types: %s.",
		typ, typ, strings.Join(append([]string{"standard"}, avail...), ", "))
}
