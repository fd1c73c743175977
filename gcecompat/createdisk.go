package gcecompat

import (
	"context"
	"fmt"

	"github.com/cloudgate/cloudgate/translate"
)

// Data disks created at instances.insert (gcloud compute instances create
// --create-disk): a disks[i>0] with initializeParams and no source is a
// blank CloudStack data volume (createVolume) made once the VM exists and
// attached to it in the same operation. A retry of the insert (same
// requestId) finds the volume it created by its tags instead of making
// another; a failure removes what the insert made.
//
// autoDelete of a data disk is the reserved tag tagAutoDelete on its
// volume: instances.delete deletes those disks (detached first, before the
// VM is destroyed); attachDisk and setDiskAutoDelete set or clear it.

// tagAutoDelete marks a data volume deleted with its instance.
const tagAutoDelete = translate.ReservedTagPrefix + "gce-auto-delete"

// tagCreatedBy names the insert (requestId, else the instance name) that
// created a data disk at instances.insert.
const tagCreatedBy = translate.ReservedTagPrefix + "gce-created-by"

// newDataDisk is a data disk instances.insert will create.
type newDataDisk struct {
	field  string
	spec   translate.VolumeSpec
	device string
	prev   *translate.Volume // found on a retry
}

// planDataDisk validates disks[i].initializeParams of a data disk and
// returns what to create. CloudStack creates data volumes blank or from a
// snapshot, never from a template: sourceImage is refused naming it.
func (s *server) planDataDisk(ctx context.Context, project, zoneName string, zone *translate.Zone, i int, d insertDisk, createdBy string) (*newDataDisk, error) {
	f := fmt.Sprintf("resource.disks[%d]", i)
	ip := d.InitializeParams
	if ip.SourceImage != "" {
		return nil, unsupportedValue(f+".initializeParams.sourceImage", ip.SourceImage,
			"CloudStack cannot create a data disk from an image (template); only the boot disk comes from an image.")
	}
	if ip.DiskName == "" {
		return nil, unsupportedValue(f+".initializeParams.diskName", "", "Name the data disk to create (gcloud: --create-disk name=NAME).")
	}
	if err := checkName(f+".initializeParams.diskName", ip.DiskName); err != nil {
		return nil, err
	}
	if err := checkLabels(f+".initializeParams.labels", ip.Labels); err != nil {
		return nil, err
	}
	off, typeName, err := s.resolveDiskType(ctx, project, zoneName, ip.DiskType)
	if err != nil {
		return nil, err
	}
	spec := translate.VolumeSpec{Name: ip.DiskName, ZoneID: zone.ID, DiskOfferingID: off.ID, SizeGB: int64(ip.DiskSizeGb),
		Tags: translate.Tags{tagDiskType: typeName, tagCreatedBy: createdBy}}
	switch {
	case !off.Custom:
		spec.SizeGB = 0
	case spec.SizeGB == 0:
		spec.SizeGB = 10 // GCE's default size of a blank disk
	}
	for k, v := range ip.Labels {
		spec.Tags[k] = v
	}
	if d.AutoDelete != nil && *d.AutoDelete {
		spec.Tags[tagAutoDelete] = "true"
	}
	nd := &newDataDisk{field: f, spec: spec, device: d.DeviceName}
	if nd.device != "" {
		if err := checkName(f+".deviceName", nd.device); err != nil {
			return nil, err
		}
	}
	prev, err := s.diskByName(ctx, project, zoneName, ip.DiskName)
	switch {
	case err == nil && prev.vol.Tags[tagCreatedBy] == createdBy && prev.vol.Type != "ROOT":
		nd.prev = &prev.vol // made by an earlier attempt of this insert
	case err == nil:
		return nil, translate.Errorf(translate.AlreadyExists, translate.ResVolume, ip.DiskName,
			"The resource 'projects/%s/zones/%s/disks/%s' already exists", project, zoneName, ip.DiskName)
	case !isNotFound(err):
		return nil, err
	}
	return nd, nil
}

// createDataDisks creates (or, on a retry, finds) the planned disks and
// returns them ready to attach, and the ids of the volumes this attempt
// created (for the undo).
func (s *server) createDataDisks(ctx context.Context, zoneName string, planned []*newDataDisk) ([]*disk, []string, error) {
	var out []*disk
	var made []string
	for _, nd := range planned {
		auto := nd.spec.Tags[tagAutoDelete] != ""
		if nd.prev != nil {
			out = append(out, &disk{vol: *nd.prev, zone: zoneName, device: nd.device, autoDelete: auto})
			continue
		}
		vol, job, err := s.svc.CreateVolume(ctx, nd.spec)
		if err != nil {
			return nil, made, err
		}
		made = append(made, vol.ID)
		if err := s.waitJob(ctx, job); err != nil {
			return nil, made, err
		}
		out = append(out, &disk{vol: *vol, zone: zoneName, device: nd.device, autoDelete: auto})
	}
	return out, made, nil
}

// removeVolumes deletes volumes an insert created, detaching them first
// (best effort: the insert already failed).
func (s *server) removeVolumes(ctx context.Context, ids []string) {
	for _, id := range ids {
		if v, err := s.svc.Volume(ctx, id); err == nil && v.InstanceID != "" {
			if job, err := s.svc.DetachVolume(ctx, id); err == nil {
				_ = s.waitJob(ctx, job)
			}
		}
		if err := s.svc.DeleteVolume(ctx, id); err != nil && !isNotFound(err) {
			s.log.Warn("cannot delete a disk created by a failed insert", "volume", id, "err", err)
		}
	}
}

// setAutoDelete writes a data volume's autoDelete tag.
func (s *server) setAutoDelete(ctx context.Context, v translate.Volume, auto bool) error {
	switch {
	case auto && v.Tags[tagAutoDelete] == "":
		return s.svc.CreateTags(ctx, translate.ResVolume, []string{v.ID}, translate.Tags{tagAutoDelete: "true"})
	case !auto && v.Tags[tagAutoDelete] != "":
		return s.svc.DeleteTags(ctx, translate.ResVolume, []string{v.ID}, translate.Tags{tagAutoDelete: ""})
	}
	return nil
}

// deleteAutoDeleteDisks detaches and deletes an instance's data disks
// marked autoDelete, before the instance is destroyed (CloudStack keeps
// data volumes when it expunges a VM).
func (s *server) deleteAutoDeleteDisks(ctx context.Context, vols []translate.Volume) error {
	for _, v := range vols {
		if v.Type == "ROOT" || v.Tags[tagAutoDelete] == "" {
			continue
		}
		job, err := s.svc.DetachVolume(ctx, v.ID)
		if err != nil {
			return err
		}
		if err := s.waitJob(ctx, job); err != nil {
			return err
		}
		if err := s.svc.DeleteVolume(ctx, v.ID); err != nil && !isNotFound(err) {
			return err
		}
	}
	return nil
}

// autoDeleteOf is an attached disk's autoDelete: the boot disk's unless
// the instance keeps it (tagKeepBoot), a data disk's tag.
func autoDeleteOf(in *translate.Instance, v translate.Volume) bool {
	if v.Type == "ROOT" {
		return in.Tags[tagKeepBoot] == ""
	}
	return v.Tags[tagAutoDelete] != ""
}
