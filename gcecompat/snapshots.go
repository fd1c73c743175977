package gcecompat

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/cloudgate/cloudgate/translate"
	"github.com/gin-gonic/gin"
)

// Snapshots are CloudStack volume snapshots (global, named by their
// CloudStack name).

func timeNowMillis() int64 { return time.Now().UnixMilli() }

var snapshotStatus = map[string]string{
	"BackedUp": "READY", "Creating": "CREATING", "CreatedOnPrimary": "CREATING",
	"BackingUp": "UPLOADING", "Allocated": "CREATING", "Error": "FAILED", "Destroying": "DELETING",
}

func (s *wireSnapshot) sortName() string { return s.Name }
func (s *wireSnapshot) sortTime() string { return s.CreationTimestamp }

func (s *server) snapshotByName(ctx context.Context, project, name string) (*translate.Snapshot, error) {
	snaps, err := s.svc.Snapshots(ctx, translate.SnapshotQuery{Name: name})
	if err != nil {
		return nil, err
	}
	for i := range snaps {
		if snaps[i].Name == name && snapshotStatus[snaps[i].State] != "DELETING" {
			return &snaps[i], nil
		}
	}
	return nil, notFound(translate.ResSnapshot, "projects/"+project+"/global/snapshots/"+name)
}

func (s *server) wireSnapshot(project string, sn *translate.Snapshot, zones map[string]string, vols map[string]translate.Volume) *wireSnapshot {
	status := snapshotStatus[sn.State]
	if status == "" {
		status = "READY"
	}
	labels := sn.Tags.User()
	w := &wireSnapshot{
		Kind: "compute#snapshot", ID: numericID(sn.ID), Name: sn.Name, Description: sn.Tags[tagDesc],
		CreationTimestamp: timestamp(sn.Created), Status: status,
		DiskSizeGb: strconv.FormatInt(sn.SizeGB, 10), StorageBytes: strconv.FormatInt(sn.SizeGB<<30, 10),
		Labels: labels, LabelFingerprint: mapFingerprint(labels),
		SelfLink: s.global(project, "snapshots", sn.Name),
	}
	if v, ok := vols[sn.VolumeID]; ok {
		w.SourceDisk = s.zonal(project, zones[v.ZoneID], "disks", diskName(v))
		w.SourceDiskID = numericID(v.ID)
	} else if sn.VolumeID != "" {
		w.SourceDiskID = numericID(sn.VolumeID)
	}
	return w
}

func (s *server) snapshotContext(ctx context.Context) (map[string]string, map[string]translate.Volume, error) {
	zones, _, err := s.zoneNames(ctx)
	if err != nil {
		return nil, nil, err
	}
	vs, err := s.svc.Volumes(ctx, translate.VolumeQuery{})
	if err != nil {
		return nil, nil, err
	}
	vols := map[string]translate.Volume{}
	for _, v := range vs {
		vols[v.ID] = v
	}
	return zones, vols, nil
}

func (s *server) listSnapshots(c *gin.Context) (any, error) {
	lp, err := parseListParams(c)
	if err != nil {
		return nil, err
	}
	ctx, project := c.Request.Context(), c.Param("project")
	snaps, err := s.svc.Snapshots(ctx, translate.SnapshotQuery{})
	if err != nil {
		return nil, err
	}
	zones, vols, err := s.snapshotContext(ctx)
	if err != nil {
		return nil, err
	}
	items := make([]*wireSnapshot, 0, len(snaps))
	for i := range snaps {
		if snapshotStatus[snaps[i].State] == "DELETING" || snaps[i].Tags[tagCopySource] != "" {
			continue
		}
		items = append(items, s.wireSnapshot(project, &snaps[i], zones, vols))
	}
	pg, next := page(items, lp)
	return s.list("compute#snapshotList", s.projectLink(project)+"/global/snapshots", pg, next), nil
}

func (s *server) getSnapshot(c *gin.Context) (any, error) {
	ctx, project := c.Request.Context(), c.Param("project")
	sn, err := s.snapshotByName(ctx, project, c.Param("snapshot"))
	if err != nil {
		return nil, err
	}
	zones, vols, err := s.snapshotContext(ctx)
	if err != nil {
		return nil, err
	}
	return s.wireSnapshot(project, sn, zones, vols), nil
}

// startSnapshot starts a snapshot of a disk.
func (s *server) startSnapshot(ctx context.Context, project string, d *disk, name, description string, labels map[string]string) (*translate.Job, error) {
	if err := checkName("resource.name", name); err != nil {
		return nil, err
	}
	if _, err := s.snapshotByName(ctx, project, name); err == nil {
		return nil, translate.Errorf(translate.AlreadyExists, translate.ResSnapshot, name,
			"The resource 'projects/%s/global/snapshots/%s' already exists", project, name)
	} else if !isNotFound(err) {
		return nil, err
	}
	if strings.EqualFold(d.vol.State, "Allocated") {
		// CloudStack allocates a volume's storage only at its first attach
		// (VolumeApiServiceImpl.takeSnapshot refuses volumes not Ready).
		return nil, translate.Errorf(translate.FailedPrecondition, translate.ResVolume, diskName(d.vol),
			"The disk '%s' has never been attached to an instance, so this cloud has no data to snapshot yet.", diskName(d.vol))
	}
	tags := translate.Tags{}
	for k, v := range labels {
		tags[k] = v
	}
	if description != "" {
		tags[tagDesc] = description
	}
	_, job, err := s.svc.CreateSnapshot(ctx, d.vol.ID, name, tags)
	return job, err
}

func (s *server) insertSnapshot(c *gin.Context) (any, error) {
	var req struct {
		Name        string            `json:"name"`
		Description string            `json:"description"`
		SourceDisk  string            `json:"sourceDisk"`
		Labels      map[string]string `json:"labels"`
	}
	if err := bindJSON(c, &req); err != nil {
		return nil, err
	}
	if err := checkLabels("resource.labels", req.Labels); err != nil {
		return nil, err
	}
	ctx, project := c.Request.Context(), c.Param("project")
	zone := segmentAfter(req.SourceDisk, "zones")
	if zone == "" {
		return nil, invalid("Invalid value for field 'resource.sourceDisk': '%s'. A zonal disk URL is required.", req.SourceDisk)
	}
	d, err := s.diskByName(ctx, project, zone, lastSegment(req.SourceDisk))
	if err != nil {
		return nil, err
	}
	job, err := s.startSnapshot(ctx, project, d, req.Name, req.Description, req.Labels)
	if err != nil {
		return nil, err
	}
	return s.done(c, newOp("insert", "", "snapshots", req.Name, "", job))
}

func (s *server) deleteSnapshot(c *gin.Context) (any, error) {
	ctx, project := c.Request.Context(), c.Param("project")
	sn, err := s.snapshotByName(ctx, project, c.Param("snapshot"))
	if err != nil {
		return nil, err
	}
	job, err := s.svc.DeleteSnapshot(ctx, sn.ID)
	if err != nil {
		return nil, err
	}
	return s.done(c, newOp("delete", "", "snapshots", sn.Name, sn.ID, job))
}

func (s *server) setSnapshotLabels(c *gin.Context) (any, error) {
	req, err := readLabels(c)
	if err != nil {
		return nil, err
	}
	ctx, project := c.Request.Context(), c.Param("project")
	sn, err := s.snapshotByName(ctx, project, c.Param("snapshot"))
	if err != nil {
		return nil, err
	}
	if err := s.applyLabels(ctx, req, translate.ResSnapshot, sn.ID, sn.Tags.User()); err != nil {
		return nil, err
	}
	return s.done(c, newOp("setLabels", "", "snapshots", sn.Name, sn.ID))
}
