package gcecompat

import (
	"context"
	"strconv"
	"strings"

	"github.com/cloudgate/cloudgate/translate"
	"github.com/gin-gonic/gin"
)

// Disks are CloudStack volumes. A data volume's disk name is its volume
// name; a ROOT volume is the instance's boot disk and is named after the
// instance, as GCE names boot disks.

func diskName(v translate.Volume) string {
	if n := v.Tags[tagName]; n != "" && v.Type == "ROOT" {
		return n // a kept boot disk (autoDelete=false) keeps its name, wherever it boots
	}
	if v.Type == "ROOT" && v.InstanceName != "" {
		return v.InstanceName
	}
	return v.Name
}

// retiredRoot reports whether v is the boot disk of an instance deleted
// without expunge (translate.TerminateInstance renamed it): GCE deletes
// boot disks with their instance, so the disk is gone too.
func retiredRoot(v translate.Volume) bool {
	return v.Type == "ROOT" && strings.HasPrefix(v.InstanceName, translate.RetiredNamePrefix)
}

// deviceNameTag keeps the deviceName a data disk was attached with.
const deviceNameTag = translate.ReservedTagPrefix + "gce-device-name"

// deviceName is the name an attached disk has inside its instance: the
// deviceName given to attachDisk, else the disk's name.
func deviceName(v translate.Volume) string {
	if d := v.Tags[deviceNameTag]; d != "" && v.Type != "ROOT" {
		return d
	}
	return diskName(v)
}

var diskStatus = map[string]string{
	"Allocated": "READY", "Ready": "READY", "Creating": "CREATING", "Uploaded": "READY",
	"Resizing": "RESTORING", "Migrating": "RESTORING", "Snapshotting": "READY",
	"Destroy": "DELETING", "Expunging": "DELETING", "Expunged": "DELETING",
}

func (d *wireDisk) sortName() string { return d.Name }
func (d *wireDisk) sortTime() string { return d.CreationTimestamp }

type disk struct {
	vol        translate.Volume
	zone       string
	device     string // the deviceName asked for at instances.insert
	autoDelete bool   // asked for at instances.insert
}

// diskByName finds a disk in a zone. NotFound if none.
func (s *server) diskByName(ctx context.Context, project, zoneName, name string) (*disk, error) {
	zone, err := s.zoneByName(ctx, project, zoneName)
	if err != nil {
		return nil, err
	}
	vols, err := s.svc.Volumes(ctx, translate.VolumeQuery{ZoneID: zone.ID})
	if err != nil {
		return nil, err
	}
	var root *translate.Volume
	for i := range vols {
		v := vols[i]
		if v.ZoneID != zone.ID || diskStatus[v.State] == "DELETING" || retiredRoot(v) {
			continue
		}
		if v.Type != "ROOT" && v.Name == name {
			return &disk{vol: v, zone: zoneName}, nil
		}
		if v.Type == "ROOT" && diskName(v) == name {
			root = &vols[i]
		}
	}
	if root != nil {
		return &disk{vol: *root, zone: zoneName}, nil
	}
	return nil, notFound(translate.ResVolume, "projects/"+project+"/zones/"+zoneName+"/disks/"+name)
}

func (s *server) wireDisk(project, zone string, v *translate.Volume, offs []translate.DiskOffering) *wireDisk {
	name := diskName(*v)
	status := diskStatus[v.State]
	if status == "" {
		status = "READY"
	}
	labels := v.Tags.User()
	d := &wireDisk{
		Kind: "compute#disk", ID: numericID(v.ID), Name: name, Description: v.Tags[tagDesc],
		CreationTimestamp: timestamp(v.Created), SizeGb: strconv.FormatInt(v.SizeGB, 10),
		Zone: s.zoneLink(project, zone), Status: status,
		Type:   s.zonal(project, zone, "diskTypes", diskTypeName(v, offs)),
		Labels: labels, LabelFingerprint: mapFingerprint(labels), PhysicalBlockSize: "4096",
		SelfLink: s.zonal(project, zone, "disks", name),
	}
	if img := v.Tags[tagSourceImage]; img != "" {
		d.SourceImage = s.base + "/" + img
	}
	if sn := v.Tags[tagSourceSnapshot]; sn != "" {
		d.SourceSnapshot = s.global(project, "snapshots", sn)
	}
	if sd := v.Tags[tagSourceDisk]; sd != "" {
		d.SourceDisk = s.zonal(project, zone, "disks", sd)
	}
	if v.InstanceID != "" && v.InstanceName != "" {
		d.Users = []string{s.zonal(project, zone, "instances", v.InstanceName)}
		d.LastAttachTimestamp = timestamp(v.Attached)
	}
	return d
}

func (s *server) allDisks(ctx context.Context, project, zoneID string) ([]scoped[*wireDisk], error) {
	zones, _, err := s.zoneNames(ctx)
	if err != nil {
		return nil, err
	}
	offs, err := s.svc.DiskOfferings(ctx)
	if err != nil {
		return nil, err
	}
	vols, err := s.svc.Volumes(ctx, translate.VolumeQuery{ZoneID: zoneID})
	if err != nil {
		return nil, err
	}
	var out []scoped[*wireDisk]
	for i := range vols {
		v := &vols[i]
		if diskStatus[v.State] == "DELETING" || retiredRoot(*v) || (zoneID != "" && v.ZoneID != zoneID) {
			continue
		}
		zone := zones[v.ZoneID]
		out = append(out, scoped[*wireDisk]{scope: "zones/" + zone, item: s.wireDisk(project, zone, v, offs)})
	}
	return out, nil
}

func (s *server) listDisks(c *gin.Context) (any, error) {
	return zonalCollection(s, c, "compute#diskList", "disks", unscoped(s.allDisks))
}

func (s *server) aggregatedDisks(c *gin.Context) (any, error) {
	lp, err := parseListParams(c)
	if err != nil {
		return nil, err
	}
	project := c.Param("project")
	all, err := s.allDisks(c.Request.Context(), project, "")
	if err != nil {
		return nil, err
	}
	lp.scopes = s.scopes(c.Request.Context())
	return aggregate("compute#diskAggregatedList", s.projectLink(project)+"/aggregated/disks", "disks", all, lp), nil
}

func (s *server) getDisk(c *gin.Context) (any, error) {
	ctx, project, zone := c.Request.Context(), c.Param("project"), c.Param("zone")
	d, err := s.diskByName(ctx, project, zone, c.Param("disk"))
	if err != nil {
		return nil, err
	}
	offs, err := s.svc.DiskOfferings(ctx)
	if err != nil {
		return nil, err
	}
	return s.wireDisk(project, zone, &d.vol, offs), nil
}

type diskInsert struct {
	Name           string            `json:"name"`
	Description    string            `json:"description"`
	SizeGb         int64String       `json:"sizeGb"`
	Type           string            `json:"type"`
	SourceSnapshot string            `json:"sourceSnapshot"`
	SourceImage    string            `json:"sourceImage"`
	SourceDisk     string            `json:"sourceDisk"`
	Labels         map[string]string `json:"labels"`
	// Accepted with the values GCE gives them by default.
	PhysicalBlockSizeBytes int64String `json:"physicalBlockSizeBytes"`
}

func (s *server) insertDisk(c *gin.Context) (any, error) {
	var req diskInsert
	if err := bindJSON(c, &req); err != nil {
		return nil, err
	}
	if err := checkName("resource.name", req.Name); err != nil {
		return nil, err
	}
	if err := checkLabels("resource.labels", req.Labels); err != nil {
		return nil, err
	}
	ctx, project, zoneName := c.Request.Context(), c.Param("project"), c.Param("zone")
	zone, err := s.zoneByName(ctx, project, zoneName)
	if err != nil {
		return nil, err
	}
	if d, err := s.diskByName(ctx, project, zoneName, req.Name); err == nil {
		if rid := c.Query("requestId"); rid != "" && d.vol.Tags[tagRequestID] == rid {
			// A retry of an insert that was accepted: its operation, not
			// 409. (A retry after a replica died between createVolume and
			// its tags still gets 409: createVolume has no field that could
			// carry the requestId.)
			return s.done(c, newOp("insert", zoneName, "disks", req.Name, d.vol.ID))
		}
		return nil, translate.Errorf(translate.AlreadyExists, translate.ResVolume, req.Name,
			"The resource 'projects/%s/zones/%s/disks/%s' already exists", project, zoneName, req.Name)
	} else if !isNotFound(err) {
		return nil, err
	}
	if req.SourceImage != "" {
		return nil, unsupportedValue("resource.sourceImage", req.SourceImage, "CloudStack cannot create a data disk from an image (template); create an instance from the image, or a disk from a snapshot.")
	}
	if b := int64(req.PhysicalBlockSizeBytes); b != 0 && b != 4096 {
		return nil, unsupportedValue("resource.physicalBlockSizeBytes", b, "Disks have 4096-byte physical blocks.")
	}
	sources := 0
	for _, src := range []string{req.SourceSnapshot, req.SourceDisk} {
		if src != "" {
			sources++
		}
	}
	if sources > 1 {
		return nil, unsupportedValue("resource.sourceDisk", req.SourceDisk, "Give one of sourceSnapshot and sourceDisk.")
	}
	if req.SourceDisk != "" {
		return s.insertDiskFromDisk(c, zone, &req)
	}
	off, typeName, err := s.resolveDiskType(ctx, project, zoneName, req.Type)
	if err != nil {
		return nil, err
	}
	spec := translate.VolumeSpec{Name: req.Name, ZoneID: zone.ID, DiskOfferingID: off.ID, SizeGB: int64(req.SizeGb), Tags: translate.Tags{tagDiskType: typeName}}
	if spec.SizeGB == 0 && off.Custom && req.SourceSnapshot == "" {
		spec.SizeGB = 10
	}
	if !off.Custom {
		spec.SizeGB = 0
	}
	if req.SourceSnapshot != "" {
		if p := segmentAfter(req.SourceSnapshot, "projects"); p != "" && p != project {
			return nil, notFound(translate.ResSnapshot, "projects/"+p+"/global/snapshots/"+lastSegment(req.SourceSnapshot))
		}
		snap, err := s.snapshotByName(ctx, project, lastSegment(req.SourceSnapshot))
		if err != nil {
			return nil, err
		}
		spec.SnapshotID = snap.ID
		spec.Tags[tagSourceSnapshot] = snap.Name
		if req.Type == "" && spec.SizeGB == 0 {
			// The snapshot's size and offering.
			spec.DiskOfferingID = ""
			delete(spec.Tags, tagDiskType)
		}
	}
	for k, v := range req.Labels {
		spec.Tags[k] = v
	}
	if req.Description != "" {
		spec.Tags[tagDesc] = req.Description
	}
	if rid := c.Query("requestId"); rid != "" {
		spec.Tags[tagRequestID] = rid
	}
	vol, job, err := s.svc.CreateVolume(ctx, spec)
	if err != nil {
		return nil, err
	}
	key := ""
	if vol != nil {
		key = vol.ID
	}
	return s.done(c, newOp("insert", zoneName, "disks", req.Name, key, job))
}

func (s *server) deleteDisk(c *gin.Context) (any, error) {
	ctx, project, zone := c.Request.Context(), c.Param("project"), c.Param("zone")
	d, err := s.diskByName(ctx, project, zone, c.Param("disk"))
	if err != nil {
		return nil, err
	}
	if d.vol.InstanceID != "" {
		return nil, translate.Errorf(translate.InUse, translate.ResVolume, d.vol.ID,
			"The disk resource 'projects/%s/zones/%s/disks/%s' is already being used by 'projects/%s/zones/%s/instances/%s'",
			project, zone, diskName(d.vol), project, zone, d.vol.InstanceName)
	}
	if err := s.svc.DeleteVolume(ctx, d.vol.ID); err != nil {
		return nil, err
	}
	return s.done(c, newOp("delete", zone, "disks", diskName(d.vol), d.vol.ID))
}

func (s *server) resizeDisk(c *gin.Context) (any, error) {
	var req struct {
		SizeGb int64String `json:"sizeGb"`
	}
	if err := bindJSON(c, &req); err != nil {
		return nil, err
	}
	ctx, project, zone := c.Request.Context(), c.Param("project"), c.Param("zone")
	d, err := s.diskByName(ctx, project, zone, c.Param("disk"))
	if err != nil {
		return nil, err
	}
	if int64(req.SizeGb) <= d.vol.SizeGB {
		return nil, invalid("Invalid value for field 'sizeGb': '%d'. New disk size must be larger than the current size (%d GB).", req.SizeGb, d.vol.SizeGB)
	}
	job, err := s.svc.ResizeVolume(ctx, d.vol.ID, int64(req.SizeGb))
	if err != nil {
		return nil, err
	}
	return s.done(c, newOp("resize", zone, "disks", diskName(d.vol), d.vol.ID, job))
}

func (s *server) createSnapshot(c *gin.Context) (any, error) {
	var req struct {
		Name        string            `json:"name"`
		Description string            `json:"description"`
		Labels      map[string]string `json:"labels"`
	}
	if err := bindJSON(c, &req); err != nil {
		return nil, err
	}
	if err := checkLabels("resource.labels", req.Labels); err != nil {
		return nil, err
	}
	ctx, project, zone := c.Request.Context(), c.Param("project"), c.Param("zone")
	d, err := s.diskByName(ctx, project, zone, c.Param("disk"))
	if err != nil {
		return nil, err
	}
	if req.Name == "" {
		req.Name = gceName(diskName(d.vol) + "-" + strconv.FormatInt(timeNowMillis(), 36))
	}
	job, err := s.startSnapshot(ctx, project, d, req.Name, req.Description, req.Labels)
	if err != nil {
		return nil, err
	}
	return s.done(c, newOp("createSnapshot", zone, "disks", diskName(d.vol), d.vol.ID, job))
}

func (s *server) setDiskLabels(c *gin.Context) (any, error) {
	req, err := readLabels(c)
	if err != nil {
		return nil, err
	}
	ctx, project, zone := c.Request.Context(), c.Param("project"), c.Param("zone")
	d, err := s.diskByName(ctx, project, zone, c.Param("disk"))
	if err != nil {
		return nil, err
	}
	if err := s.applyLabels(ctx, req, translate.ResVolume, d.vol.ID, d.vol.Tags.User()); err != nil {
		return nil, err
	}
	return s.done(c, newOp("setLabels", zone, "disks", diskName(d.vol), d.vol.ID))
}

// tagSourceSnapshot keeps the snapshot a disk was created from.
const tagSourceSnapshot = translate.ReservedTagPrefix + "gce-source-snapshot"

// insertDiskFromDisk creates a disk as a copy of another. CloudStack copies
// volumes only through snapshots: the source is snapshotted, the disk is
// created from the snapshot, and the snapshot is deleted again. The call
// waits for the copy (the snapshot is needed until the volume exists).
func (s *server) insertDiskFromDisk(c *gin.Context, zone *translate.Zone, req *diskInsert) (any, error) {
	ctx, project, zoneName := c.Request.Context(), c.Param("project"), c.Param("zone")
	if p := segmentAfter(req.SourceDisk, "projects"); p != "" && p != project {
		return nil, notFound(translate.ResVolume, "projects/"+p+"/zones/"+segmentAfter(req.SourceDisk, "zones")+"/disks/"+lastSegment(req.SourceDisk))
	}
	if z := segmentAfter(req.SourceDisk, "zones"); z != "" && z != zoneName {
		return nil, unsupportedValue("resource.sourceDisk", req.SourceDisk, "The source disk must be in the new disk's zone.")
	}
	src, err := s.diskByName(ctx, project, zoneName, lastSegment(req.SourceDisk))
	if err != nil {
		return nil, err
	}
	if req.Type != "" {
		return nil, unsupportedValue("resource.type", req.Type, "A copy of a disk has the source disk's type.")
	}
	if n := int64(req.SizeGb); n != 0 && n != src.vol.SizeGB {
		return nil, unsupportedValue("resource.sizeGb", n, "A copy of a disk has the source disk's size; resize it afterwards.")
	}
	tags := translate.Tags{tagSourceDisk: diskName(src.vol)}
	snap, job, err := s.svc.CreateSnapshot(ctx, src.vol.ID, req.Name+"-copy-source", translate.Tags{tagCopySource: "true"})
	if err != nil {
		return nil, err
	}
	cleanup := func() {
		if _, err := s.svc.DeleteSnapshot(ctx, snap.ID); err != nil && !isNotFound(err) {
			s.log.Warn("cannot delete the snapshot of a disk copy", "snapshot", snap.ID, "err", err)
		}
	}
	if err := s.waitJob(ctx, job); err != nil {
		cleanup()
		return nil, err
	}
	for k, v := range req.Labels {
		tags[k] = v
	}
	if req.Description != "" {
		tags[tagDesc] = req.Description
	}
	if t := src.vol.Tags[tagDiskType]; t != "" {
		tags[tagDiskType] = t
	}
	if rid := c.Query("requestId"); rid != "" {
		tags[tagRequestID] = rid
	}
	vol, vjob, err := s.svc.CreateVolume(ctx, translate.VolumeSpec{Name: req.Name, ZoneID: zone.ID, SnapshotID: snap.ID, Tags: tags})
	if err == nil {
		err = s.waitJob(ctx, vjob)
	}
	cleanup()
	if err != nil {
		return nil, err
	}
	return s.done(c, newOp("insert", zoneName, "disks", req.Name, vol.ID))
}

// tagSourceDisk keeps the disk a disk was copied from; tagCopySource marks
// the snapshot made for the copy (not listed).
const (
	tagSourceDisk = translate.ReservedTagPrefix + "gce-source-disk"
	tagCopySource = translate.ReservedTagPrefix + "gce-copy-source"
)
