package csbackend

import (
	"context"

	"github.com/cloudgate/cloudgate/translate"
)

const gib = 1 << 30

type volumeJSON struct {
	ID               flexString `json:"id"`
	Name             string     `json:"name"`
	ZoneID           flexString `json:"zoneid"`
	ZoneName         string     `json:"zonename"`
	Size             flexInt    `json:"size"`
	Type             string     `json:"type"`
	State            string     `json:"state"`
	VMID             flexString `json:"virtualmachineid"`
	VMName           string     `json:"vmname"`
	DeviceID         flexInt    `json:"deviceid"`
	DiskOfferingID   flexString `json:"diskofferingid"`
	DiskOfferingName string     `json:"diskofferingname"`
	SnapshotID       flexString `json:"snapshotid"`
	TemplateID       flexString `json:"templateid"`
	Created          csTime     `json:"created"`
	Attached         csTime     `json:"attached"`
	Tags             []tagJSON  `json:"tags"`
	JobID            flexString `json:"jobid"`
	JobStatus        flexInt    `json:"jobstatus"`
}

// ListVolumes implements translate.CloudStack. Sizes are reported in GiB
// (CloudStack reports bytes).
func (b *Backend) ListVolumes(ctx context.Context, req translate.ListVolumesRequest) ([]translate.Volume, error) {
	p := params{}.set("id", req.ID).set("name", req.Name).set("zoneid", req.ZoneID).set("virtualmachineid", req.VMID).set("type", req.Type)
	items, err := listTyped[volumeJSON](ctx, b, "listVolumes", translate.ResVolume, p)
	if err != nil {
		return nil, err
	}
	out := make([]translate.Volume, 0, len(items))
	for _, v := range items {
		out = append(out, translate.Volume{
			ID: string(v.ID), Name: v.Name, ZoneID: string(v.ZoneID), ZoneName: v.ZoneName,
			SizeGB: (int64(v.Size) + gib - 1) / gib, Type: v.Type, State: v.State,
			InstanceID: string(v.VMID), InstanceName: v.VMName, DeviceID: int64(v.DeviceID),
			DiskOfferingID: string(v.DiskOfferingID), DiskOfferingName: v.DiskOfferingName,
			SnapshotID: string(v.SnapshotID), ImageID: string(v.TemplateID),
			Created: v.Created.Time(), Attached: v.Attached.Time(), Tags: tagsOf(v.Tags),
			JobPending: v.JobID != "" && v.JobStatus == 0,
		})
	}
	return out, nil
}

// CreateVolume implements translate.CloudStack.
func (b *Backend) CreateVolume(ctx context.Context, req translate.CreateVolumeRequest) (translate.AsyncResult, error) {
	p := params{}.set("name", req.Name).set("zoneid", req.ZoneID).set("diskofferingid", req.DiskOfferingID).
		setInt("size", req.SizeGB).set("snapshotid", req.SnapshotID)
	return b.asyncCall(ctx, "createVolume", translate.ResVolume, p)
}

// AttachVolume implements translate.CloudStack.
func (b *Backend) AttachVolume(ctx context.Context, volumeID, vmID string, deviceID int64) (translate.AsyncResult, error) {
	p := params{"id": volumeID, "virtualmachineid": vmID}.setInt("deviceid", deviceID)
	if deviceID == translate.RootDeviceID {
		p["deviceid"] = "0"
	}
	return b.asyncCall(ctx, "attachVolume", translate.ResVolume, p)
}

// DetachVolume implements translate.CloudStack.
func (b *Backend) DetachVolume(ctx context.Context, volumeID string) (translate.AsyncResult, error) {
	return b.asyncCall(ctx, "detachVolume", translate.ResVolume, params{"id": volumeID})
}

// ResizeVolume implements translate.CloudStack.
func (b *Backend) ResizeVolume(ctx context.Context, volumeID string, sizeGB int64) (translate.AsyncResult, error) {
	return b.asyncCall(ctx, "resizeVolume", translate.ResVolume, params{"id": volumeID}.setInt("size", sizeGB))
}

// DeleteVolume implements translate.CloudStack.
func (b *Backend) DeleteVolume(ctx context.Context, volumeID string) error {
	raw, err := b.call(ctx, "deleteVolume", translate.ResVolume, params{"id": volumeID})
	if err != nil {
		return err
	}
	return success("deleteVolume", raw)
}

type snapshotJSON struct {
	ID           flexString `json:"id"`
	Name         string     `json:"name"`
	VolumeID     flexString `json:"volumeid"`
	VolumeName   string     `json:"volumename"`
	ZoneID       flexString `json:"zoneid"`
	State        string     `json:"state"`
	VirtualSize  flexInt    `json:"virtualsize"`
	PhysicalSize flexInt    `json:"physicalsize"`
	Created      csTime     `json:"created"`
	Tags         []tagJSON  `json:"tags"`
}

// CreateSnapshot implements translate.CloudStack.
func (b *Backend) CreateSnapshot(ctx context.Context, volumeID, name string) (translate.AsyncResult, error) {
	return b.asyncCall(ctx, "createSnapshot", translate.ResSnapshot, params{"volumeid": volumeID}.set("name", name))
}

// ListSnapshots implements translate.CloudStack.
func (b *Backend) ListSnapshots(ctx context.Context, req translate.ListSnapshotsRequest) ([]translate.Snapshot, error) {
	p := params{}.set("id", req.ID).set("name", req.Name).set("volumeid", req.VolumeID)
	items, err := b.list(ctx, "listSnapshots", translate.ResSnapshot, p)
	if err != nil {
		return nil, err
	}
	out := make([]translate.Snapshot, 0, len(items))
	for _, it := range items {
		var s snapshotJSON
		if err := decode("listSnapshots", it, &s); err != nil {
			return nil, err
		}
		size := int64(s.VirtualSize)
		if size == 0 {
			size = int64(s.PhysicalSize)
		}
		out = append(out, translate.Snapshot{
			ID: string(s.ID), Name: s.Name, VolumeID: string(s.VolumeID), VolumeName: s.VolumeName,
			ZoneID: string(s.ZoneID), State: s.State, SizeGB: (size + gib - 1) / gib,
			Created: s.Created.Time(), Tags: tagsOf(s.Tags),
		})
	}
	return out, nil
}

// DeleteSnapshot implements translate.CloudStack.
func (b *Backend) DeleteSnapshot(ctx context.Context, id string) (translate.AsyncResult, error) {
	return b.asyncCall(ctx, "deleteSnapshot", translate.ResSnapshot, params{"id": id})
}

// CreateTemplate implements translate.CloudStack.
func (b *Backend) CreateTemplate(ctx context.Context, req translate.CreateTemplateRequest) (translate.AsyncResult, error) {
	p := params{"name": req.Name, "displaytext": req.DisplayText}.set("ostypeid", req.OSTypeID).
		set("volumeid", req.VolumeID).set("snapshotid", req.SnapshotID)
	if req.Public {
		p["ispublic"] = "true"
	}
	return b.asyncCall(ctx, "createTemplate", translate.ResImage, p)
}

// DeleteTemplate implements translate.CloudStack. forced=true: EC2 and
// GCE delete an image that instances still use (their disks are theirs),
// which CloudStack refuses without it (TemplateManagerImpl.deleteTemplate).
func (b *Backend) DeleteTemplate(ctx context.Context, id string) (translate.AsyncResult, error) {
	return b.asyncCall(ctx, "deleteTemplate", translate.ResImage, params{"id": id, "forced": "true"})
}
