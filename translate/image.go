package translate

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"
)

// Image is a CloudStack template (a GCE image, an EC2 AMI).
type Image struct {
	ID          string
	Name        string
	DisplayText string
	OSType      string // CloudStack OS type description, e.g. "Debian GNU/Linux 12 (64-bit)"
	OSTypeID    string
	ZoneID      string // "" for cross-zone templates
	ZoneName    string
	// ZoneIDs are every zone the template is in (Images lists a template
	// once, with the first zone CloudStack reports); empty for cross-zone
	// templates.
	ZoneIDs         []string
	Public          bool
	Featured        bool
	Owner           string // owning CloudStack account name
	OwnerID         string // owning CloudStack account UUID
	Ready           bool
	Status          string // CloudStack status text
	SizeBytes       int64
	Format          string
	Hypervisor      string
	PasswordEnabled bool
	Created         time.Time
	Tags            Tags
	// SourceVolumeID/SourceSnapshotID are set for templates created from
	// a volume or snapshot.
	SourceVolumeID   string
	SourceSnapshotID string
}

// ImageQuery selects images. Zero fields do not filter.
type ImageQuery struct {
	IDs []string
	// Self includes the caller's own templates; Public includes public and
	// featured ones. Both false means both true.
	Self, Public bool
	Name         string
	ZoneID       string
}

// CreateImageSpec creates a template from an instance's root volume or
// from a snapshot.
type CreateImageSpec struct {
	Name        string
	Description string
	InstanceID  string // root volume of this instance (it should be stopped)
	VolumeID    string // or this volume
	SnapshotID  string // or this snapshot
	OSTypeID    string // default: the source's OS type
	Public      bool
	Tags        Tags
}

// Images lists the templates matching q, one entry per template (cross-zone
// and multi-zone templates are listed once, with the first zone CloudStack
// reports), sorted by creation time then id.
func (s *Service) Images(ctx context.Context, q ImageQuery) ([]Image, error) {
	const op = "Images"
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	self, public := q.Self, q.Public
	if !self && !public {
		self, public = true, true
	}
	filter := "executable"
	if self && !public {
		filter = "self"
	}
	ids := newIDFilter(q.IDs)
	req := ListTemplatesRequest{Filter: filter, ID: ids.single(), Name: q.Name}
	if q.ZoneID != "" {
		z, err := s.Zone(ctx, q.ZoneID)
		if err != nil {
			return nil, opErr(op, ResZone, q.ZoneID, err)
		}
		req.ZoneID = z.ID
	}
	// "executable" hides the caller's templates that are not ready yet
	// (being created from a volume or snapshot); "self" shows them. The
	// two lists are independent: asked at once (issue 15, item 3).
	var own []Image
	var ownErr error
	var wg sync.WaitGroup
	if filter == "executable" && self {
		sreq := req
		sreq.Filter = "self"
		wg.Add(1)
		go func() {
			defer wg.Done()
			own, ownErr = s.cs.ListTemplates(ctx, sreq)
		}()
	}
	ts, err := s.cs.ListTemplates(ctx, req)
	wg.Wait()
	if isNotFound(err) && req.ID != "" {
		ts, err = nil, nil
	}
	if err != nil {
		return nil, opErr(op, ResImage, req.ID, err)
	}
	if ownErr != nil && !isNotFound(ownErr) {
		return nil, opErr(op, ResImage, req.ID, ownErr)
	}
	ts = append(ts, own...)
	seen := map[string]int{} // id -> index in out
	out := []Image{}
	for _, t := range ts {
		if i, ok := seen[t.ID]; ok {
			if z := t.ZoneID; z != "" && !slices.Contains(out[i].ZoneIDs, z) {
				out[i].ZoneIDs = append(out[i].ZoneIDs, z)
			}
			continue
		}
		if !ids.match(t.ID) || (q.Name != "" && t.Name != q.Name) {
			continue
		}
		own := t.Owner != "" && strings.EqualFold(t.Owner, p.Account)
		if filter == "executable" && !self && own && !t.Public && !t.Featured {
			continue
		}
		if t.ZoneID != "" {
			t.ZoneIDs = []string{t.ZoneID}
		}
		seen[t.ID] = len(out)
		out = append(out, t)
	}
	sortByCreated(out, func(i *Image) time.Time { return i.Created }, func(i *Image) string { return i.ID })
	return out, nil
}

// Image returns one template by UUID; NotFound (ResImage) if none.
func (s *Service) Image(ctx context.Context, id string) (*Image, error) {
	if id == "" {
		return nil, notFound("Image", ResImage, id)
	}
	is, err := s.Images(ctx, ImageQuery{IDs: []string{id}})
	if err != nil {
		return nil, opErr("Image", ResImage, id, err)
	}
	if len(is) == 0 {
		return nil, notFound("Image", ResImage, id)
	}
	return &is[0], nil
}

// CreateImage starts creating a template. The returned Job finishes when the
// template exists; Image is filled as far as known. The source is the ROOT
// volume of InstanceID, or VolumeID, or SnapshotID; NotFound if it does
// not exist, InvalidArgument if none is given or the OS type cannot be
// derived.
func (s *Service) CreateImage(ctx context.Context, spec CreateImageSpec) (*Image, *Job, error) {
	const op = "CreateImage"
	if spec.Name == "" {
		return nil, nil, invalid(op, ResImage, "", "an image name is required")
	}
	var vol *Volume
	var snap *Snapshot
	switch {
	case spec.InstanceID != "":
		if _, err := s.Instance(ctx, spec.InstanceID); err != nil {
			return nil, nil, err
		}
		vs, err := s.Volumes(ctx, VolumeQuery{InstanceID: spec.InstanceID, Type: "ROOT"})
		if err != nil {
			return nil, nil, opErr(op, ResVolume, "", err)
		}
		if len(vs) == 0 {
			return nil, nil, &Error{Op: op, Kind: FailedPrecondition, Resource: ResInstance, ID: spec.InstanceID, Message: "the instance has no root volume"}
		}
		vol = &vs[0]
	case spec.VolumeID != "":
		v, err := s.Volume(ctx, spec.VolumeID)
		if err != nil {
			return nil, nil, err
		}
		vol = v
	case spec.SnapshotID != "":
		sn, err := s.Snapshot(ctx, spec.SnapshotID)
		if err != nil {
			return nil, nil, err
		}
		snap = sn
	default:
		return nil, nil, invalid(op, ResImage, "", "an instance, volume or snapshot is required")
	}
	ostype := spec.OSTypeID
	if ostype == "" {
		srcVol := vol
		if snap != nil {
			if v, err := s.Volume(ctx, snap.VolumeID); err == nil {
				srcVol = v
			}
		}
		if srcVol != nil && srcVol.ImageID != "" {
			if img, err := s.Image(ctx, srcVol.ImageID); err == nil {
				ostype = img.OSTypeID
			}
		}
	}
	if ostype == "" {
		return nil, nil, invalid(op, ResImage, "", "cannot derive the OS type of the source; give one")
	}
	desc := spec.Description
	if desc == "" {
		desc = spec.Name
	}
	req := CreateTemplateRequest{Name: spec.Name, DisplayText: desc, OSTypeID: ostype, Public: spec.Public}
	img := &Image{Name: spec.Name, DisplayText: desc, OSTypeID: ostype, Public: spec.Public, Status: "Creating", Created: s.opts.Now(), Tags: Tags{}}
	if vol != nil {
		req.VolumeID, img.SourceVolumeID, img.ZoneID, img.ZoneName = vol.ID, vol.ID, vol.ZoneID, vol.ZoneName
	} else {
		req.SnapshotID, img.SourceSnapshotID, img.ZoneID = snap.ID, snap.ID, snap.ZoneID
	}
	r, err := s.cs.CreateTemplate(ctx, req)
	if err != nil {
		return nil, nil, opErr(op, ResImage, "", err)
	}
	img.ID = r.ID
	if len(spec.Tags) > 0 && r.ID != "" {
		if err := s.setTags(ctx, op, ResImage, []string{r.ID}, spec.Tags); err != nil {
			if j, werr := s.WaitJob(ctx, r.JobID, 0); werr == nil && j.Status == JobSucceeded {
				_, _ = s.cs.DeleteTemplate(ctx, r.ID)
			}
			return nil, nil, err
		}
		for k, v := range spec.Tags {
			img.Tags[k] = v
		}
	}
	return img, s.pendingJob("createTemplate", ResImage, r.ID, r), nil
}

// DeleteImage deletes a template the caller owns.
func (s *Service) DeleteImage(ctx context.Context, id string) (*Job, error) {
	r, err := s.cs.DeleteTemplate(ctx, id)
	if err != nil {
		return nil, opErr("DeleteImage", ResImage, id, err)
	}
	return s.pendingJob("deleteTemplate", ResImage, id, r), nil
}
