package ec2compat

import (
	"strings"

	"github.com/cloudgate/cloudgate/translate"
)

type imageItem struct {
	ImageID            string            `xml:"imageId"`
	ImageLocation      string            `xml:"imageLocation"`
	State              string            `xml:"imageState"`
	OwnerID            string            `xml:"imageOwnerId"`
	OwnerAlias         string            `xml:"imageOwnerAlias,omitempty"`
	CreationDate       string            `xml:"creationDate,omitempty"`
	Public             bool              `xml:"isPublic"`
	Architecture       string            `xml:"architecture"`
	ImageType          string            `xml:"imageType"`
	Name               string            `xml:"name"`
	Description        string            `xml:"description"`
	RootDeviceType     string            `xml:"rootDeviceType"`
	RootDeviceName     string            `xml:"rootDeviceName"`
	BlockDevices       []blockDeviceItem `xml:"blockDeviceMapping>item"`
	VirtualizationType string            `xml:"virtualizationType"`
	Hypervisor         string            `xml:"hypervisor"`
	PlatformDetails    string            `xml:"platformDetails"`
	Tags               []tagItem         `xml:"tagSet>item"`
	tags               translate.Tags
}

// imageState maps a CloudStack template to an EC2 image state.
func imageState(im *translate.Image) string {
	st := strings.ToLower(im.Status)
	switch {
	case im.Ready:
		return "available"
	case strings.Contains(st, "fail") || strings.Contains(st, "error"):
		return "failed"
	}
	return "pending"
}

func (s *server) toImageItem(im *translate.Image) imageItem {
	it := imageItem{
		ImageID: ec2ID(pImage, im.ID), ImageLocation: im.Owner + "/" + im.Name,
		State: imageState(im), OwnerID: im.OwnerID, CreationDate: ts(im.Created),
		Public: im.Public, Architecture: "x86_64", ImageType: "machine", Name: im.Name,
		Description: im.DisplayText, RootDeviceType: "ebs", RootDeviceName: rootDeviceName,
		VirtualizationType: "hvm", Hypervisor: "xen", PlatformDetails: "Linux/UNIX",
		Tags: tagSet(im.Tags), tags: im.Tags,
	}
	if im.Public && im.Featured {
		it.OwnerAlias = "amazon"
	}
	if strings.Contains(strings.ToLower(im.OSType), "windows") {
		it.PlatformDetails = "Windows"
	}
	bd := blockDeviceItem{DeviceName: rootDeviceName, Ebs: ebsItem{DeleteOnTermination: true}}
	if im.SourceSnapshotID != "" {
		bd.Ebs.VolumeID = ""
	}
	it.BlockDevices = []blockDeviceItem{bd}
	return it
}

var imageFields = fields[imageItem]{
	"image-id":            func(x imageItem) []string { return one(x.ImageID) },
	"name":                func(x imageItem) []string { return one(x.Name) },
	"description":         func(x imageItem) []string { return one(x.Description) },
	"state":               func(x imageItem) []string { return one(x.State) },
	"is-public":           func(x imageItem) []string { return one(boolStr(x.Public)) },
	"owner-id":            func(x imageItem) []string { return one(x.OwnerID) },
	"owner-alias":         func(x imageItem) []string { return one(x.OwnerAlias) },
	"architecture":        func(x imageItem) []string { return one(x.Architecture) },
	"image-type":          func(x imageItem) []string { return one(x.ImageType) },
	"root-device-type":    func(x imageItem) []string { return one(x.RootDeviceType) },
	"root-device-name":    func(x imageItem) []string { return one(x.RootDeviceName) },
	"virtualization-type": func(x imageItem) []string { return one(x.VirtualizationType) },
	"hypervisor":          func(x imageItem) []string { return one(x.Hypervisor) },
	"platform-details":    func(x imageItem) []string { return one(x.PlatformDetails) },
}

type describeImagesResp struct {
	meta
	Images    []imageItem `xml:"imagesSet>item"`
	NextToken string      `xml:"nextToken,omitempty"`
}

// describeImages lists templates. Owner.N: "self" = the caller's,
// "amazon"/"aws-marketplace"/"public" = public and featured ones, anything
// else an owner account id (or name).
func (s *server) describeImages(r *request) (response, error) {
	fs, pg, err := r.q.listArgs(5, 1000)
	if err != nil {
		return nil, err
	}
	ec2IDs := r.q.list("ImageId")
	ids, err := csIDs(pImage, translate.ResImage, ec2IDs)
	if err != nil {
		return nil, err
	}
	q := translate.ImageQuery{IDs: ids}
	var accounts []string
	for _, o := range r.q.list("Owner") {
		switch o {
		case "self":
			q.Self = true
		case "amazon", "aws-marketplace", "public", "system":
			q.Public = true
		default:
			accounts = append(accounts, o)
		}
	}
	if len(accounts) > 0 {
		q.Self, q.Public = true, true
	}
	imgs, err := s.svc.Images(r.ctx, q)
	if err != nil {
		return nil, err
	}
	owners := r.q.list("Owner")
	executable, err := s.executableBy(r, imgs)
	if err != nil {
		return nil, err
	}
	var items []imageItem
	seen := map[string]bool{}
	for i := range imgs {
		im := &imgs[i]
		if seen[im.ID] {
			continue // cross-zone templates are listed once per zone
		}
		if len(owners) > 0 && !ownerMatches(owners, im, r.principal) {
			continue
		}
		if executable != nil && !executable(im) {
			continue
		}
		seen[im.ID] = true
		items = append(items, s.toImageItem(im))
	}
	if len(ec2IDs) > 0 {
		for i, id := range ids {
			if !seen[id] && !seen[strings.ToLower(id)] {
				return nil, &translate.Error{Kind: translate.NotFound, Resource: translate.ResImage, ID: ec2IDs[i]}
			}
		}
	}
	items, err = applyFilters(items, fs, imageFields, func(x imageItem) translate.Tags { return x.tags })
	if err != nil {
		return nil, err
	}
	items, next := paginate(items, func(x imageItem) string { return x.ImageID }, pg)
	return &describeImagesResp{Images: items, NextToken: next}, nil
}

func ownerMatches(owners []string, im *translate.Image, p *translate.Principal) bool {
	for _, o := range owners {
		switch o {
		case "self":
			if im.OwnerID == p.AccountID || im.Owner == p.Account {
				return true
			}
		case "amazon", "aws-marketplace", "public", "system":
			if im.Public || im.Featured {
				return true
			}
		default:
			if im.OwnerID == o || strings.EqualFold(im.Owner, o) {
				return true
			}
		}
	}
	return false
}

type createImageResp struct {
	meta
	ImageID string `xml:"imageId"`
}

// createImage makes a template from a stopped instance's root volume.
func (s *server) createImage(r *request) (response, error) {
	name, err := r.q.required("Name")
	if err != nil {
		return nil, err
	}
	in, err := s.oneInstance(r)
	if err != nil {
		return nil, err
	}
	if st := stateOf(in); st != stateStopped {
		return nil, &translate.Error{Kind: translate.FailedPrecondition, Resource: translate.ResInstance,
			Message: "The instance '" + ec2ID(pInstance, in.ID) + "' must be stopped to create an image (this cloud cannot reboot it for you)."}
	}
	specs, err := r.q.tagSpecs()
	if err != nil {
		return nil, err
	}
	if _, err := specTags(specs, "image", "snapshot"); err != nil {
		return nil, err
	}
	im, _, err := s.svc.CreateImage(r.ctx, translate.CreateImageSpec{
		Name: name, Description: r.q.str("Description"), InstanceID: in.ID, Tags: specs["image"]})
	if err != nil {
		return nil, err
	}
	return &createImageResp{ImageID: ec2ID(pImage, im.ID)}, nil
}

func (s *server) deregisterImage(r *request) (response, error) {
	id, err := r.q.required("ImageId")
	if err != nil {
		return nil, err
	}
	cid, err := csID(pImage, translate.ResImage, id)
	if err != nil {
		return nil, err
	}
	// EC2 deregisters the caller's images, also while instances use them
	// (CloudStack: deleteTemplate forced=true), but not one still being
	// created (CloudStack would delete it under its createTemplate job).
	im, err := s.ownImage(r, cid, id)
	if err != nil {
		return nil, err
	}
	if st := imageState(im); st == "pending" {
		return nil, apiErrf("IncorrectState", "The image %s is pending; deregister it once it is available or failed.", id)
	}
	job, err := s.svc.DeleteImage(r.ctx, cid)
	if err != nil {
		return nil, err
	}
	if err := s.wait(r.ctx, job); err != nil {
		return nil, err
	}
	return ok()
}

type imageAttributeResp struct {
	meta
	ImageID           string              `xml:"imageId"`
	Description       *valueItem          `xml:"description,omitempty"`
	LaunchPermissions *[]launchPermission `xml:"launchPermission>item,omitempty"`
	Kernel            *valueItem          `xml:"kernel,omitempty"`
	Ramdisk           *valueItem          `xml:"ramdisk,omitempty"`
	BootMode          *valueItem          `xml:"bootMode,omitempty"`
	BlockDevices      *[]blockDeviceItem  `xml:"blockDeviceMapping>item,omitempty"`
	ProductCodes      *[]struct{}         `xml:"productCodes>item,omitempty"`
}

func (s *server) describeImageAttribute(r *request) (response, error) {
	attr, err := r.q.required("Attribute")
	if err != nil {
		return nil, err
	}
	id, err := r.q.required("ImageId")
	if err != nil {
		return nil, err
	}
	cid, err := csID(pImage, translate.ResImage, id)
	if err != nil {
		return nil, err
	}
	im, err := s.svc.Image(r.ctx, cid)
	if err != nil {
		return nil, err
	}
	it := s.toImageItem(im)
	resp := &imageAttributeResp{ImageID: it.ImageID}
	switch attr {
	case "description":
		resp.Description = &valueItem{it.Description}
	case "launchPermission":
		perms, err := s.launchPermissions(r, im.ID)
		if err != nil {
			return nil, err
		}
		resp.LaunchPermissions = &perms
	case "kernel":
		resp.Kernel = &valueItem{}
	case "ramdisk":
		resp.Ramdisk = &valueItem{}
	case "bootMode":
		resp.BootMode = &valueItem{"legacy-bios"}
	case "blockDeviceMapping":
		resp.BlockDevices = &it.BlockDevices
	case "productCodes":
		resp.ProductCodes = &[]struct{}{}
	default:
		return nil, apiErrf("InvalidParameterValue", "Value (%s) for parameter attribute is invalid. Unknown attribute.", attr)
	}
	return resp, nil
}
