package gcecompat

import (
	"strings"

	"github.com/cloudgate/cloudgate/translate"
	"github.com/gin-gonic/gin"
)

// images.insert sources. CloudStack's createTemplate takes a volume or a
// snapshot (TemplateManagerImpl.createPrivateTemplate): sourceDisk and
// sourceSnapshot map onto those. It has no way to make a second template
// from a template (copyTemplate adds zones to the same template, keeping
// its id), so sourceImage is refused naming it. The source is kept in a
// reserved tag on the template and read back as sourceDisk/sourceDiskId
// or sourceSnapshot/sourceSnapshotId, as GCE does.

// tagImageSource holds "<CloudStack uuid> <project-relative path>" of an
// image's source disk or snapshot.
const tagImageSource = translate.ReservedTagPrefix + "gce-image-source"

func sourceTag(id, path string) string { return id + " " + path }

// imageSource checks that exactly one supported source is given.
func imageSource(req imageInsert) error {
	if req.SourceImage != "" {
		return unsupportedValue("resource.sourceImage", req.SourceImage,
			"CloudStack cannot copy a template into a new image (copyTemplate only makes the same template available in more zones, and images here are global already). Create the image from a disk or a snapshot of one.")
	}
	switch {
	case req.SourceDisk != "" && req.SourceSnapshot != "":
		return invalid("Invalid value for field 'resource.sourceSnapshot': '%s'. Give only one of sourceDisk and sourceSnapshot.", req.SourceSnapshot)
	case req.SourceDisk == "" && req.SourceSnapshot == "":
		return invalid("Invalid value for field 'resource': ''. A source is required: sourceDisk or sourceSnapshot (rawDisk and sourceImage are not supported by this cloud).")
	}
	return nil
}

// imageSpec is the part of a CreateImageSpec every source shares.
func imageSpec(req imageInsert) (translate.CreateImageSpec, error) {
	spec := translate.CreateImageSpec{Name: req.Name, Description: req.Description, Tags: translate.Tags{}}
	for k, v := range req.Labels {
		spec.Tags[k] = v
	}
	if req.Family != "" {
		// images create --family: kept on the template, read back, and
		// served by images.getFromFamily / family/ URLs.
		if err := checkName("resource.family", req.Family); err != nil {
			return spec, err
		}
		spec.Tags[tagFamily] = req.Family
	}
	return spec, nil
}

// imageFromSnapshot is images.insert with sourceSnapshot: createTemplate
// snapshotid=, with the OS type of the snapshot's disk's image.
func (s *server) imageFromSnapshot(c *gin.Context, project string, req imageInsert) (any, error) {
	ctx := c.Request.Context()
	if p := segmentAfter(req.SourceSnapshot, "projects"); p != "" && p != project {
		return nil, unsupportedValue("resource.sourceSnapshot", req.SourceSnapshot, "The snapshot must be in the image's project.")
	}
	sn, err := s.snapshotByName(ctx, project, lastSegment(req.SourceSnapshot))
	if err != nil {
		return nil, err
	}
	if st := snapshotStatus[sn.State]; st != "" && st != "READY" {
		return nil, invalid("The resource '%s' is not ready", s.global(project, "snapshots", sn.Name))
	}
	if _, err := s.imageByName(ctx, project, req.Name); err == nil {
		return nil, translate.Errorf(translate.AlreadyExists, translate.ResImage, req.Name,
			"The resource 'projects/%s/global/images/%s' already exists", project, req.Name)
	}
	spec, err := imageSpec(req)
	if err != nil {
		return nil, err
	}
	spec.SnapshotID = sn.ID
	spec.Tags[tagImageSource] = sourceTag(sn.ID, "global/snapshots/"+sn.Name)
	img, job, err := s.svc.CreateImage(ctx, spec)
	if err != nil {
		return nil, err
	}
	return s.done(c, newOp("insert", "", "images", req.Name, img.ID, job))
}

// imageSourceOf fills the source fields of w from the template's tag.
func (s *server) imageSourceOf(project string, img *translate.Image, w *wireImage) {
	id, path, ok := strings.Cut(img.Tags[tagImageSource], " ")
	if !ok || id == "" || path == "" {
		return
	}
	url := s.base + "/projects/" + project + "/" + path
	if strings.HasPrefix(path, "global/snapshots/") {
		w.SourceSnapshot, w.SourceSnapshotID = url, numericID(id)
	} else {
		w.SourceDisk, w.SourceDiskID = url, numericID(id)
	}
}
