package gcecompat

import (
	"context"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/cloudgate/cloudgate/translate"
	"github.com/gin-gonic/gin"
)

// Images are CloudStack templates. A template appears in exactly one
// project: the caller's own templates in the caller's project; public and
// featured templates of other accounts in the first public image project
// (sorted by name) whose expression matches "<OS type> <name>", or in the
// caller's project when none matches. Families derive from the OS type
// ("Debian GNU/Linux 12" → debian-12, "Ubuntu 22.04 LTS" →
// ubuntu-2204-lts, "CentOS 7" → centos-7).

type imageProject struct {
	name string
	re   *regexp.Regexp
}

func compileImageProjects(m map[string]string) []imageProject {
	var out []imageProject
	for name, expr := range m {
		re, err := regexp.Compile("(?i)" + expr)
		if err != nil {
			continue
		}
		out = append(out, imageProject{name, re})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

func (s *server) imageProject(name string) (imageProject, bool) {
	for _, p := range s.images {
		if p.name == name {
			return p, true
		}
	}
	return imageProject{}, false
}

// projectOfImage decides which project shows a template.
func (s *server) projectOfImage(img *translate.Image, p *translate.Principal) string {
	if strings.EqualFold(img.Owner, p.Account) || (img.OwnerID != "" && img.OwnerID == p.AccountID) {
		return p.Project
	}
	if !img.Public && !img.Featured {
		return p.Project
	}
	key := img.OSType + " " + img.Name
	for _, ip := range s.images {
		if ip.re.MatchString(key) {
			return ip.name
		}
	}
	return p.Project
}

var (
	reUbuntu = regexp.MustCompile(`(?i)ubuntu\D*?(\d{2})\.(\d{2})`)
	reCentOS = regexp.MustCompile(`(?i)centos(\s*stream)?\D*?(\d+)`)
	reWord   = regexp.MustCompile(`(?i)^\W*([a-z]+)`)
	reMajor  = regexp.MustCompile(`(\d+)`)
)

// imageFamily derives an image family from an OS type description.
// tagFamily keeps the family an image was created with.
const tagFamily = translate.ReservedTagPrefix + "gce-family"

// familyOf is an image's family: the one it was created with, else one
// derived from its OS type or name.
func familyOf(img *translate.Image) string {
	if f := img.Tags[tagFamily]; f != "" {
		return f
	}
	return imageFamily(img.OSType, img.Name)
}

func imageFamily(osType, name string) string {
	src := osType
	if src == "" {
		src = name
	}
	low := strings.ToLower(src)
	if m := reUbuntu.FindStringSubmatch(src); m != nil {
		f := "ubuntu-" + m[1] + m[2]
		if strings.Contains(low, "lts") || (m[2] == "04" && m[1] >= "10" && atoiOr(m[1])%2 == 0) {
			f += "-lts"
		}
		return f
	}
	if m := reCentOS.FindStringSubmatch(src); m != nil {
		if m[1] != "" {
			return "centos-stream-" + m[2]
		}
		return "centos-" + m[2]
	}
	w := reWord.FindStringSubmatch(src)
	if w == nil {
		return ""
	}
	word := strings.ToLower(w[1])
	switch word {
	case "rocky":
		word = "rocky-linux"
	case "red":
		word = "rhel"
	case "other", "unknown":
		return ""
	}
	if m := reMajor.FindStringSubmatch(src); m != nil {
		return word + "-" + m[1]
	}
	return word
}

func atoiOr(s string) int { n, _ := strconv.Atoi(s); return n }

func (i *wireImage) sortName() string { return i.Name }
func (i *wireImage) sortTime() string { return i.CreationTimestamp }

// projectImage is a template as seen in one project.
type projectImage struct {
	img  translate.Image
	wire *wireImage
}

// imagesIn lists the images of a project (deduplicated across zones).
func (s *server) imagesIn(ctx context.Context, project string) ([]projectImage, error) {
	p := principal(ctx)
	_, public := s.imageProject(project)
	if project != p.Project && !public {
		return nil, nil
	}
	q := translate.ImageQuery{}
	if public && project != p.Project {
		q.Public = true
	}
	imgs, err := s.svc.Images(ctx, q)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []projectImage
	for i := range imgs {
		img := imgs[i]
		if seen[img.ID] || s.projectOfImage(&img, p) != project {
			continue
		}
		seen[img.ID] = true
		out = append(out, projectImage{img, s.wireImage(project, &img)})
	}
	return out, nil
}

func (s *server) wireImage(project string, img *translate.Image) *wireImage {
	name := gceName(img.Name)
	status := "READY"
	if !img.Ready {
		status = "PENDING"
	}
	gb := (img.SizeBytes + (1<<30 - 1)) >> 30
	if gb <= 0 {
		gb = 10
	}
	desc := img.DisplayText
	if desc == "" {
		desc = img.OSType
	}
	labels := img.Tags.User()
	w := &wireImage{
		Kind: "compute#image", ID: numericID(img.ID), Name: name, Description: desc,
		CreationTimestamp: timestamp(img.Created), Family: familyOf(img),
		SourceType: "RAW", Status: status, ArchiveSizeBytes: strconv.FormatInt(img.SizeBytes, 10),
		DiskSizeGb: strconv.FormatInt(gb, 10), Architecture: "X86_64",
		Labels: labels, LabelFingerprint: mapFingerprint(labels),
		SelfLink: s.global(project, "images", name), Deprecated: wireDeprecationOf(img.Tags),
	}
	s.imageSourceOf(project, img, w)
	return w
}

// imageByName finds an image of a project by name.
func (s *server) imageByName(ctx context.Context, project, name string) (*projectImage, error) {
	imgs, err := s.imagesIn(ctx, project)
	if err != nil {
		return nil, err
	}
	for i := range imgs {
		if imgs[i].wire.Name == name {
			return &imgs[i], nil
		}
	}
	return nil, notFound(translate.ResImage, "projects/"+project+"/global/images/"+name)
}

// imageFromFamily returns the newest ready image of a family.
func (s *server) imageFromFamily(ctx context.Context, project, family string) (*projectImage, error) {
	imgs, err := s.imagesIn(ctx, project)
	if err != nil {
		return nil, err
	}
	var best *projectImage
	for i := range imgs {
		im := &imgs[i]
		if im.wire.Family != family {
			continue
		}
		// Ready before not ready, active before deprecated, then newest.
		imDep, bestDep := im.wire.Deprecated != nil, best != nil && best.wire.Deprecated != nil
		if best == nil || (im.img.Ready && !best.img.Ready) ||
			(im.img.Ready == best.img.Ready && !imDep && bestDep) ||
			(im.img.Ready == best.img.Ready && imDep == bestDep && im.img.Created.After(best.img.Created)) {
			best = im
		}
	}
	if best == nil {
		return nil, notFound(translate.ResImage, "projects/"+project+"/global/images/family/"+family)
	}
	return best, nil
}

// resolveImage resolves a sourceImage reference: a full or partial URL of
// an image, an image family or a zonal image family view, or a bare name
// in the caller's project.
func (s *server) resolveImage(ctx context.Context, ref string) (*projectImage, error) {
	if ref == "" {
		return nil, invalid("Invalid value for field 'resource.disks[0].initializeParams.sourceImage': ''. A source image is required.")
	}
	project := segmentAfter(ref, "projects")
	if project == "" {
		project = principal(ctx).Project
	}
	var im *projectImage
	var err error
	switch {
	case segmentAfter(ref, "family") != "":
		im, err = s.imageFromFamily(ctx, project, segmentAfter(ref, "family"))
	case segmentAfter(ref, "imageFamilyViews") != "":
		im, err = s.imageFromFamily(ctx, project, segmentAfter(ref, "imageFamilyViews"))
	default:
		im, err = s.imageByName(ctx, project, lastSegment(ref))
	}
	if err == nil && unusable(&im.img) {
		return nil, invalid("Invalid value for field 'sourceImage': '%s'. The image is %s and cannot be used for new disks.", ref, im.img.Tags[tagDeprecState])
	}
	return im, err
}

func (s *server) listImages(c *gin.Context) (any, error) {
	lp, err := parseListParams(c)
	if err != nil {
		return nil, err
	}
	project := c.Param("project")
	imgs, err := s.imagesIn(c.Request.Context(), project)
	if err != nil {
		return nil, err
	}
	items := make([]*wireImage, 0, len(imgs))
	for _, im := range imgs {
		items = append(items, im.wire)
	}
	pg, next := page(items, lp)
	return s.list("compute#imageList", s.projectLink(project)+"/global/images", pg, next), nil
}

func (s *server) getImage(c *gin.Context) (any, error) {
	im, err := s.imageByName(c.Request.Context(), c.Param("project"), c.Param("image"))
	if err != nil {
		return nil, err
	}
	return im.wire, nil
}

func (s *server) getImageFromFamily(c *gin.Context) (any, error) {
	im, err := s.imageFromFamily(c.Request.Context(), c.Param("project"), c.Param("family"))
	if err != nil {
		return nil, err
	}
	return im.wire, nil
}

func (s *server) getImageFamilyView(c *gin.Context) (any, error) {
	im, err := s.imageFromFamily(c.Request.Context(), c.Param("project"), c.Param("family"))
	if err != nil {
		return nil, err
	}
	return &wireImageFamilyView{Image: im.wire}, nil
}

type imageInsert struct {
	Name           string            `json:"name"`
	Description    string            `json:"description"`
	Family         string            `json:"family"`
	SourceDisk     string            `json:"sourceDisk"`
	SourceSnapshot string            `json:"sourceSnapshot"`
	SourceImage    string            `json:"sourceImage"`
	SourceType     string            `json:"sourceType"` // gcloud always sends RAW
	Labels         map[string]string `json:"labels"`
}

func (s *server) insertImage(c *gin.Context) (any, error) {
	var req imageInsert
	if err := bindJSON(c, &req); err != nil {
		return nil, err
	}
	if err := checkLabels("resource.labels", req.Labels); err != nil {
		return nil, err
	}
	if err := checkName("resource.name", req.Name); err != nil {
		return nil, err
	}
	if req.SourceType != "" && req.SourceType != "RAW" {
		return nil, invalid("Invalid value for field 'resource.sourceType': '%s'. Only RAW is supported.", req.SourceType)
	}
	ctx, project := c.Request.Context(), c.Param("project")
	if err := imageSource(req); err != nil {
		return nil, err
	}
	if req.SourceSnapshot != "" {
		return s.imageFromSnapshot(c, project, req)
	}
	zone := segmentAfter(req.SourceDisk, "zones")
	d, err := s.diskByName(ctx, project, zone, lastSegment(req.SourceDisk))
	if err != nil {
		return nil, err
	}
	if _, err := s.imageByName(ctx, project, req.Name); err == nil {
		return nil, translate.Errorf(translate.AlreadyExists, translate.ResImage, req.Name,
			"The resource 'projects/%s/global/images/%s' already exists", project, req.Name)
	}
	spec, err := imageSpec(req)
	if err != nil {
		return nil, err
	}
	spec.Tags[tagImageSource] = sourceTag(d.vol.ID, "zones/"+zone+"/disks/"+diskName(d.vol))
	if d.vol.Type == "ROOT" && d.vol.InstanceID != "" {
		spec.InstanceID = d.vol.InstanceID
		in, err := s.svc.Instance(ctx, d.vol.InstanceID)
		if err != nil {
			return nil, err
		}
		if in.State != translate.StateStopped {
			if force, _ := strconv.ParseBool(c.Query("forceCreate")); !force { // gcloud sends "True"
				return nil, translate.Errorf(translate.InUse, translate.ResVolume, d.vol.ID,
					"The disk resource '%s' is already being used by '%s'", req.SourceDisk, s.zonal(project, zone, "instances", in.Name))
			}
			return s.imageFromRunningDisk(c, d.vol, spec)
		}
	} else {
		spec.VolumeID = d.vol.ID
	}
	img, job, err := s.svc.CreateImage(ctx, spec)
	if err != nil {
		return nil, err
	}
	key := ""
	if img != nil {
		key = img.ID
	}
	return s.done(c, newOp("insert", "", "images", req.Name, key, job))
}

func (s *server) deleteImage(c *gin.Context) (any, error) {
	ctx, project := c.Request.Context(), c.Param("project")
	im, err := s.imageByName(ctx, project, c.Param("image"))
	if err != nil {
		return nil, err
	}
	job, err := s.svc.DeleteImage(ctx, im.img.ID)
	if err != nil {
		return nil, err
	}
	return s.done(c, newOp("delete", "", "images", im.wire.Name, im.img.ID, job))
}

// imageFromRunningDisk is images.insert with forceCreate from the boot disk
// of a running instance: CloudStack templates only a stopped VM's volume,
// but it snapshots a running VM's root volume and templates the snapshot.
// The snapshot is temporary (hidden like a disk copy's) and is deleted
// once the template exists; the operation is DONE when it does.
func (s *server) imageFromRunningDisk(c *gin.Context, vol translate.Volume, spec translate.CreateImageSpec) (any, error) {
	ctx := c.Request.Context()
	snap, job, err := s.svc.CreateSnapshot(ctx, vol.ID, spec.Name+"-image-source", translate.Tags{tagCopySource: "true"})
	if err != nil {
		return nil, err
	}
	cleanup := func() {
		if _, err := s.svc.DeleteSnapshot(ctx, snap.ID); err != nil && !isNotFound(err) {
			s.log.Warn("cannot delete the snapshot of a forced image", "snapshot", snap.ID, "err", err)
		}
	}
	if err := s.waitJob(ctx, job); err != nil {
		cleanup()
		return nil, err
	}
	spec.InstanceID, spec.SnapshotID = "", snap.ID
	img, ijob, err := s.svc.CreateImage(ctx, spec)
	if err == nil {
		err = s.waitJob(ctx, ijob)
	}
	cleanup()
	if err != nil {
		return nil, err
	}
	return s.done(c, newOp("insert", "", "images", spec.Name, img.ID))
}
