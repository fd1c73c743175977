package translate

import (
	"context"
	"strings"
	"time"
)

// Volume is a CloudStack volume (a GCE disk, an EBS volume).
type Volume struct {
	ID               string
	Name             string
	ZoneID           string
	ZoneName         string
	SizeGB           int64
	Type             string // "ROOT" or "DATADISK"
	State            string // CloudStack volume state: Allocated, Ready, ...
	InstanceID       string // attached VM, "" if detached
	InstanceName     string
	DeviceID         int64
	DiskOfferingID   string
	DiskOfferingName string
	SnapshotID       string // source snapshot, if any
	ImageID          string // template for ROOT volumes
	Created          time.Time
	Attached         time.Time
	Tags             Tags
	JobPending       bool
}

// VolumeSpec describes a volume to create.
type VolumeSpec struct {
	Name           string
	ZoneID         string // required unless SnapshotID
	DiskOfferingID string // default: the first custom disk offering
	SizeGB         int64  // required for custom offerings
	SnapshotID     string
	Tags           Tags
	// ClientToken makes CreateVolume idempotent (EC2 CreateVolume's
	// ClientToken): the volume's CloudStack name is a mark derived from it
	// (instead of Name), so a retry on any replica, after any crash, finds
	// the volume instead of creating another and finishes its tags. Unlike
	// a VM's hostname, CloudStack does not refuse a duplicate volume name:
	// two attempts racing on different replicas at the same moment can
	// still both create one.
	ClientToken string
}

// VolumeQuery selects volumes. Zero fields do not filter.
type VolumeQuery struct {
	IDs        []string
	Name       string
	ZoneID     string
	InstanceID string
	Type       string
	Tags       Tags
}

// CreateVolume creates a volume; the Job finishes when it is Ready.
// InvalidArgument if a custom disk offering gets no size; NotFound for an
// unknown zone, disk offering or snapshot. If tagging fails the volume is
// deleted again.
func (s *Service) CreateVolume(ctx context.Context, spec VolumeSpec) (*Volume, *Job, error) {
	const op = "CreateVolume"
	req := CreateVolumeRequest{Name: spec.Name, SnapshotID: spec.SnapshotID}
	out := &Volume{Name: spec.Name, Type: "DATADISK", State: "Allocated", Created: s.opts.Now(), SnapshotID: spec.SnapshotID, Tags: Tags{}}
	tags := spec.Tags
	if spec.ClientToken != "" {
		p, err := principal(ctx)
		if err != nil {
			return nil, nil, err
		}
		defer s.tokens.lock(p.AccountID + "\x00volume\x00" + spec.ClientToken)()
		mark := launchMark(p.AccountID, "volume\x00"+spec.ClientToken)
		prev, err := s.Volumes(ctx, VolumeQuery{Name: mark})
		if err != nil {
			return nil, nil, opErr(op, ResVolume, "", err)
		}
		for i := range prev {
			switch prev[i].State {
			case "Destroy", "Destroyed", "Expunging", "Expunged":
				continue
			}
			return s.completeVolume(ctx, &prev[i], spec)
		}
		req.Name, out.Name = mark, mark
		tags = Tags{ClientTokenTag: spec.ClientToken}
		for k, v := range spec.Tags {
			tags[k] = v
		}
	}
	if spec.SnapshotID != "" {
		sn, err := s.Snapshot(ctx, spec.SnapshotID)
		if err != nil {
			return nil, nil, err
		}
		out.SizeGB, out.ZoneID = sn.SizeGB, sn.ZoneID
	}
	if spec.ZoneID != "" {
		z, err := s.Zone(ctx, spec.ZoneID)
		if err != nil {
			return nil, nil, opErr(op, ResZone, spec.ZoneID, err)
		}
		req.ZoneID, out.ZoneID, out.ZoneName = z.ID, z.ID, z.Name
	} else if spec.SnapshotID == "" {
		return nil, nil, invalid(op, ResZone, "", "a zone is required")
	}
	if spec.SnapshotID == "" || spec.DiskOfferingID != "" {
		var d *DiskOffering
		if spec.DiskOfferingID != "" {
			var err error
			if d, err = s.DiskOffering(ctx, spec.DiskOfferingID); err != nil {
				return nil, nil, err
			}
		} else {
			ds, err := s.DiskOfferings(ctx)
			if err != nil {
				return nil, nil, err
			}
			for i := range ds {
				if ds[i].Custom {
					d = &ds[i]
					break
				}
			}
			if d == nil {
				return nil, nil, invalid(op, ResDiskOffering, "", "no custom disk offering exists; name one")
			}
		}
		req.DiskOfferingID, out.DiskOfferingID, out.DiskOfferingName = d.ID, d.ID, d.Name
		if d.Custom {
			if spec.SizeGB <= 0 {
				return nil, nil, invalid(op, ResVolume, "", "a size is required for disk offering %s", d.Name)
			}
			req.SizeGB, out.SizeGB = spec.SizeGB, spec.SizeGB
		} else {
			out.SizeGB = d.SizeGB
		}
	}
	r, err := s.cs.CreateVolume(ctx, req)
	if err != nil {
		return nil, nil, opErr(op, ResVolume, "", err)
	}
	out.ID = r.ID
	if len(tags) > 0 && r.ID != "" {
		if err := s.ensureTags(ctx, op, ResVolume, []string{r.ID}, tags); err != nil {
			_, _ = s.WaitJob(ctx, r.JobID, 0)
			_ = s.cs.DeleteVolume(ctx, r.ID)
			return nil, nil, err
		}
		for k, v := range tags {
			out.Tags[k] = v
		}
	}
	return out, s.pendingJob("createVolume", ResVolume, r.ID, r), nil
}

// completeVolume answers a retried CreateVolume with the volume of the
// earlier attempt, writing the tags that attempt did not get to.
func (s *Service) completeVolume(ctx context.Context, v *Volume, spec VolumeSpec) (*Volume, *Job, error) {
	const op = "CreateVolume"
	if v.Tags[ClientTokenTag] == spec.ClientToken {
		return v, nil, nil
	}
	tags := Tags{ClientTokenTag: spec.ClientToken}
	for k, val := range spec.Tags {
		tags[k] = val
	}
	if err := s.replaceTags(ctx, op, ResVolume, []string{v.ID}, tags, false); err != nil {
		return nil, nil, err
	}
	cur, err := s.Volume(ctx, v.ID)
	if err != nil {
		return nil, nil, err
	}
	return cur, nil, nil
}

// Volumes lists the caller's volumes matching q, sorted by creation time
// then id.
func (s *Service) Volumes(ctx context.Context, q VolumeQuery) ([]Volume, error) {
	const op = "Volumes"
	ids := newIDFilter(q.IDs)
	req := ListVolumesRequest{ID: ids.single(), Name: q.Name, VMID: q.InstanceID, Type: q.Type}
	if q.ZoneID != "" {
		z, err := s.Zone(ctx, q.ZoneID)
		if err != nil {
			return nil, opErr(op, ResZone, q.ZoneID, err)
		}
		req.ZoneID = z.ID
	}
	vs, err := s.cs.ListVolumes(ctx, req)
	if isNotFound(err) && (req.ID != "" || req.VMID != "") {
		return []Volume{}, nil
	}
	if err != nil {
		return nil, opErr(op, ResVolume, req.ID, err)
	}
	out := []Volume{}
	for _, v := range vs {
		if !ids.match(v.ID) || (q.Name != "" && v.Name != q.Name) || (q.InstanceID != "" && v.InstanceID != q.InstanceID) ||
			(q.Type != "" && !strings.EqualFold(v.Type, q.Type)) || !v.Tags.Match(q.Tags) {
			continue
		}
		out = append(out, v)
	}
	sortByCreated(out, func(v *Volume) time.Time { return v.Created }, func(v *Volume) string { return v.ID })
	return out, nil
}

// Volume returns one volume by UUID; NotFound (ResVolume) if none.
func (s *Service) Volume(ctx context.Context, id string) (*Volume, error) {
	if id == "" {
		return nil, notFound("Volume", ResVolume, id)
	}
	vs, err := s.Volumes(ctx, VolumeQuery{IDs: []string{id}})
	if err != nil {
		return nil, err
	}
	if len(vs) == 0 {
		return nil, notFound("Volume", ResVolume, id)
	}
	return &vs[0], nil
}

// AttachVolume attaches a volume to an instance (deviceID 0 = next free).
// InUse if it is attached already; NotFound (ResVolume or ResInstance).
func (s *Service) AttachVolume(ctx context.Context, volumeID, instanceID string, deviceID int64) (*Job, error) {
	const op = "AttachVolume"
	v, err := s.Volume(ctx, volumeID)
	if err != nil {
		return nil, err
	}
	if v.InstanceID != "" {
		return nil, &Error{Op: op, Kind: InUse, Resource: ResVolume, ID: volumeID, Message: "the volume is attached to " + v.InstanceID}
	}
	if _, err := s.Instance(ctx, instanceID); err != nil {
		return nil, err
	}
	r, err := s.cs.AttachVolume(ctx, volumeID, instanceID, deviceID)
	if err != nil {
		return nil, opErr(op, ResVolume, volumeID, err)
	}
	return s.pendingJob("attachVolume", ResVolume, volumeID, r), nil
}

// RootDeviceID is the deviceID that makes AttachVolume attach at device 0,
// as the boot disk (CloudStack's attachVolume deviceid=0).
const RootDeviceID int64 = -1

// AttachBootVolume attaches a detached boot (ROOT) volume to a stopped
// instance that has none, as its boot disk (VolumeApiServiceImpl:
// deviceid 0, validateRootVolumeDetachAttach).
func (s *Service) AttachBootVolume(ctx context.Context, volumeID, instanceID string) (*Job, error) {
	const op = "AttachBootVolume"
	v, err := s.Volume(ctx, volumeID)
	if err != nil {
		return nil, err
	}
	if v.InstanceID != "" {
		return nil, &Error{Op: op, Kind: InUse, Resource: ResVolume, ID: volumeID, Message: "the volume is attached to " + v.InstanceID}
	}
	r, err := s.cs.AttachVolume(ctx, volumeID, instanceID, RootDeviceID)
	if err != nil {
		return nil, opErr(op, ResVolume, volumeID, err)
	}
	return s.pendingJob("attachVolume", ResVolume, volumeID, r), nil
}

// DetachVolume detaches a data volume. FailedPrecondition if not attached.
func (s *Service) DetachVolume(ctx context.Context, volumeID string) (*Job, error) {
	const op = "DetachVolume"
	v, err := s.Volume(ctx, volumeID)
	if err != nil {
		return nil, err
	}
	if v.InstanceID == "" {
		return nil, &Error{Op: op, Kind: FailedPrecondition, Resource: ResVolume, ID: volumeID, Message: "the volume is not attached"}
	}
	r, err := s.cs.DetachVolume(ctx, volumeID)
	if err != nil {
		return nil, opErr(op, ResVolume, volumeID, err)
	}
	return s.pendingJob("detachVolume", ResVolume, volumeID, r), nil
}

// ResizeVolume grows a volume. InvalidArgument when shrinking; a resize to
// the current size is a finished no-op job.
func (s *Service) ResizeVolume(ctx context.Context, volumeID string, sizeGB int64) (*Job, error) {
	const op = "ResizeVolume"
	v, err := s.Volume(ctx, volumeID)
	if err != nil {
		return nil, err
	}
	if sizeGB < v.SizeGB {
		return nil, invalid(op, ResVolume, volumeID, "cannot shrink the volume from %d GB to %d GB", v.SizeGB, sizeGB)
	}
	if sizeGB == v.SizeGB {
		return s.pendingJob("resizeVolume", ResVolume, volumeID, AsyncResult{}), nil
	}
	r, err := s.cs.ResizeVolume(ctx, volumeID, sizeGB)
	if err != nil {
		return nil, opErr(op, ResVolume, volumeID, err)
	}
	return s.pendingJob("resizeVolume", ResVolume, volumeID, r), nil
}

// DeleteVolume deletes a detached volume. InUse if attached.
func (s *Service) DeleteVolume(ctx context.Context, volumeID string) error {
	const op = "DeleteVolume"
	v, err := s.Volume(ctx, volumeID)
	if err != nil {
		return err
	}
	if v.InstanceID != "" {
		return &Error{Op: op, Kind: InUse, Resource: ResVolume, ID: volumeID, Message: "the volume is attached to " + v.InstanceID}
	}
	return opErr(op, ResVolume, volumeID, s.cs.DeleteVolume(ctx, volumeID))
}

// Snapshot is a CloudStack volume snapshot.
type Snapshot struct {
	ID         string
	Name       string
	VolumeID   string
	VolumeName string
	ZoneID     string
	State      string // CloudStack: Creating, BackedUp, ...
	SizeGB     int64
	Created    time.Time
	Tags       Tags
}

// SnapshotQuery selects snapshots. Zero fields do not filter.
type SnapshotQuery struct {
	IDs      []string
	Name     string
	VolumeID string
	Tags     Tags
}

// CreateSnapshot snapshots a volume; the Job finishes when it is BackedUp.
// NotFound (ResVolume) if the volume does not exist.
func (s *Service) CreateSnapshot(ctx context.Context, volumeID, name string, tags Tags) (*Snapshot, *Job, error) {
	const op = "CreateSnapshot"
	v, err := s.Volume(ctx, volumeID)
	if err != nil {
		return nil, nil, err
	}
	r, err := s.cs.CreateSnapshot(ctx, volumeID, name)
	if err != nil {
		return nil, nil, opErr(op, ResSnapshot, "", err)
	}
	out := &Snapshot{ID: r.ID, Name: name, VolumeID: v.ID, VolumeName: v.Name, ZoneID: v.ZoneID, State: "Creating",
		SizeGB: v.SizeGB, Created: s.opts.Now(), Tags: Tags{}}
	if len(tags) > 0 && r.ID != "" {
		if err := s.setTags(ctx, op, ResSnapshot, []string{r.ID}, tags); err != nil {
			if j, werr := s.WaitJob(ctx, r.JobID, 0); werr == nil && j.Status == JobSucceeded {
				_, _ = s.cs.DeleteSnapshot(ctx, r.ID)
			}
			return nil, nil, err
		}
		for k, val := range tags {
			out.Tags[k] = val
		}
	}
	return out, s.pendingJob("createSnapshot", ResSnapshot, r.ID, r), nil
}

// Snapshots lists the caller's snapshots matching q, sorted by creation
// time then id.
func (s *Service) Snapshots(ctx context.Context, q SnapshotQuery) ([]Snapshot, error) {
	ids := newIDFilter(q.IDs)
	req := ListSnapshotsRequest{ID: ids.single(), Name: q.Name, VolumeID: q.VolumeID}
	ss, err := s.cs.ListSnapshots(ctx, req)
	if isNotFound(err) && (req.ID != "" || req.VolumeID != "") {
		return []Snapshot{}, nil
	}
	if err != nil {
		return nil, opErr("Snapshots", ResSnapshot, req.ID, err)
	}
	out := []Snapshot{}
	for _, sn := range ss {
		if !ids.match(sn.ID) || (q.Name != "" && sn.Name != q.Name) || (q.VolumeID != "" && sn.VolumeID != q.VolumeID) || !sn.Tags.Match(q.Tags) {
			continue
		}
		out = append(out, sn)
	}
	sortByCreated(out, func(x *Snapshot) time.Time { return x.Created }, func(x *Snapshot) string { return x.ID })
	return out, nil
}

// Snapshot returns one snapshot by UUID; NotFound (ResSnapshot) if none.
func (s *Service) Snapshot(ctx context.Context, id string) (*Snapshot, error) {
	if id == "" {
		return nil, notFound("Snapshot", ResSnapshot, id)
	}
	ss, err := s.Snapshots(ctx, SnapshotQuery{IDs: []string{id}})
	if err != nil {
		return nil, err
	}
	if len(ss) == 0 {
		return nil, notFound("Snapshot", ResSnapshot, id)
	}
	return &ss[0], nil
}

// DeleteSnapshot deletes a snapshot.
func (s *Service) DeleteSnapshot(ctx context.Context, id string) (*Job, error) {
	r, err := s.cs.DeleteSnapshot(ctx, id)
	if err != nil {
		return nil, opErr("DeleteSnapshot", ResSnapshot, id, err)
	}
	return s.pendingJob("deleteSnapshot", ResSnapshot, id, r), nil
}
