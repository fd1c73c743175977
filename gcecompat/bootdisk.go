package gcecompat

import (
	"context"

	"github.com/cloudgate/cloudgate/translate"
)

// Booting an instance from an existing disk (disks[0].source, Terraform's
// boot_disk.source, Libcloud's ex_boot_disk). CloudStack deploys only from
// a template, but lets a stopped VM swap its ROOT volume
// (VolumeApiServiceImpl: detach and attach at device 0 need a stopped VM,
// validateRootVolumeDetachAttach). So the instance is deployed stopped from
// the disk's own template, its new ROOT volume is detached and deleted, the
// disk is attached as device 0, and the instance is started. Only boot
// disks (CloudStack ROOT volumes, such as those kept with autoDelete false)
// can boot: a data disk holds no system CloudStack knows of.

// bootSource resolves disks[0].source to a detached boot disk.
func (s *server) bootSource(ctx context.Context, project, zoneName, src string) (*disk, error) {
	const field = "resource.disks[0].source"
	if p := segmentAfter(src, "projects"); p != "" && p != project || segmentAfter(src, "zones") != "" && segmentAfter(src, "zones") != zoneName {
		return nil, unsupportedValue(field, src, "The boot disk must be in the instance's project and zone.")
	}
	d, err := s.diskByName(ctx, project, zoneName, lastSegment(src))
	if isNotFound(err) {
		return nil, unsupportedValue(field, src, "The referenced disk was not found.")
	}
	if err != nil {
		return nil, err
	}
	if d.vol.InstanceID != "" {
		return nil, translate.Errorf(translate.InUse, translate.ResVolume, d.vol.ID,
			"The disk resource 'projects/%s/zones/%s/disks/%s' is already being used by 'projects/%s/zones/%s/instances/%s'",
			project, zoneName, diskName(d.vol), project, zoneName, d.vol.InstanceName)
	}
	if d.vol.Type == "ROOT" && d.vol.ImageID == "" && d.vol.Tags[tagSourceImage] != "" {
		// CloudStack may not report the template of a detached ROOT
		// volume; the gateway kept its image when it made the disk.
		img, err := s.resolveImage(ctx, s.base+"/"+d.vol.Tags[tagSourceImage])
		if err != nil {
			return nil, err
		}
		d.vol.ImageID = img.img.ID
	}
	if d.vol.Type != "ROOT" || d.vol.ImageID == "" {
		return nil, unsupportedValue(field, src, "Only a boot disk (one an instance was created with) can boot an instance on CloudStack.")
	}
	return d, nil
}

// swapBootDisk replaces the ROOT volume of a stopped, just deployed
// instance by the boot disk volumeID.
func (s *server) swapBootDisk(ctx context.Context, instanceID, volumeID string) error {
	vols, err := s.svc.Volumes(ctx, translate.VolumeQuery{InstanceID: instanceID, Type: "ROOT"})
	if err != nil {
		return err
	}
	for _, v := range vols {
		if v.ID == volumeID {
			continue
		}
		job, err := s.svc.DetachVolume(ctx, v.ID)
		if err != nil {
			return err
		}
		if err := s.waitJob(ctx, job); err != nil {
			return err
		}
		if err := s.svc.DeleteVolume(ctx, v.ID); err != nil {
			return err
		}
	}
	job, err := s.svc.AttachBootVolume(ctx, volumeID, instanceID)
	if err != nil {
		return err
	}
	return s.waitJob(ctx, job)
}
