package ec2compat

import (
	"strconv"
	"strings"

	"github.com/cloudgate/cloudgate/translate"
)

// executableBy returns the DescribeImages ExecutableBy.N predicate (nil
// without the parameter): "all" selects public images; "self" (or the
// caller's account id) the images other accounts shared with the caller;
// another account (its id, or its name without an account directory; see
// imagesharing.go) the caller's images shared with that account.
func (s *server) executableBy(r *request, imgs []translate.Image) (func(*translate.Image) bool, error) {
	users := r.q.list("ExecutableBy")
	if len(users) == 0 {
		return nil, nil
	}
	p := r.principal
	own := func(im *translate.Image) bool {
		return im.OwnerID == p.AccountID || strings.EqualFold(im.Owner, p.Account)
	}
	var all, self bool
	var names []string
	for _, u := range users {
		switch {
		case u == "all":
			all = true
		case u == "self" || strings.EqualFold(u, p.AccountID) || strings.EqualFold(u, p.Account):
			self = true
		case s.opts.Accounts != nil && isUUID(u):
			// An account id (imagesharing.go): shared with its name.
			a, err := s.opts.Accounts.AccountByID(r.ctx, u)
			if err != nil && translate.KindOf(err) != translate.NotFound {
				return nil, err
			}
			if a != nil {
				names = append(names, a.Name)
			}
		default:
			names = append(names, u)
		}
	}
	sharedWith := map[string]bool{}
	if len(names) > 0 {
		for i := range imgs {
			im := &imgs[i]
			if !own(im) || sharedWith[im.ID] {
				continue
			}
			sh, err := s.svc.ImagePermissions(r.ctx, im.ID)
			if err != nil {
				return nil, err
			}
			for _, a := range sh.Accounts {
				for _, n := range names {
					if strings.EqualFold(a, n) {
						sharedWith[im.ID] = true
					}
				}
			}
		}
	}
	return func(im *translate.Image) bool {
		switch {
		case all && (im.Public || im.Featured):
			return true
		case self && !own(im) && !im.Public && !im.Featured:
			return true // visible, not ours, not public: shared with us
		}
		return sharedWith[im.ID]
	}, nil
}

type registerImageResp struct {
	meta
	ImageID string `xml:"imageId"`
}

// registerImage registers an AMI from an EBS snapshot: CloudStack's
// createTemplate snapshotid=. The root device must be the only mapping
// and carry the snapshot; an S3 manifest (ImageLocation) or instance-store
// mappings are refused by the parameter table, naming them.
func (s *server) registerImage(r *request) (response, error) {
	name, err := r.q.required("Name")
	if err != nil {
		return nil, err
	}
	if rd := r.q.str("RootDeviceName"); rd != "" && rd != rootDeviceName {
		return nil, apiErrf("InvalidParameterValue", "Value (%s) for parameter rootDeviceName is invalid: this cloud's images boot from %s.", rd, rootDeviceName)
	}
	bdms := r.q.structs("BlockDeviceMapping")
	if len(bdms) == 0 {
		return nil, apiErr("MissingParameter", "The request must contain the parameter BlockDeviceMapping with the root device's Ebs.SnapshotId (this cloud registers images from snapshots only).")
	}
	if len(bdms) > 1 {
		return nil, apiErrf("InvalidBlockDeviceMapping", "BlockDeviceMapping.2: this cloud's images have one (root) device; attach data volumes to instances instead.")
	}
	bd := bdms[0]
	if dn := bd.str("DeviceName"); dn != "" && dn != rootDeviceName {
		return nil, apiErrf("InvalidBlockDeviceMapping", "BlockDeviceMapping.1.DeviceName %s is not the root device %s.", dn, rootDeviceName)
	}
	snapID := bd.str("Ebs.SnapshotId")
	if snapID == "" {
		return nil, apiErr("MissingParameter", "The request must contain the parameter BlockDeviceMapping.1.Ebs.SnapshotId.")
	}
	cid, err := csID(pSnapshot, translate.ResSnapshot, snapID)
	if err != nil {
		return nil, err
	}
	sn, err := s.svc.Snapshot(r.ctx, cid)
	if err != nil {
		return nil, err
	}
	if v := bd.str("Ebs.VolumeSize"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n != sn.SizeGB {
			return nil, apiErrf("InvalidBlockDeviceMapping", "BlockDeviceMapping.1.Ebs.VolumeSize %s: an image's root size here is its snapshot's (%d GiB); give a larger root volume at launch.", v, sn.SizeGB)
		}
	}
	if snapshotStatus(sn.State) != "completed" {
		return nil, apiErrf("IncorrectState", "Snapshot %s is not completed (%s).", snapID, snapshotStatus(sn.State))
	}
	specs, err := r.q.tagSpecs()
	if err != nil {
		return nil, err
	}
	if _, err := specTags(specs, "image"); err != nil {
		return nil, err
	}
	own, err := s.svc.Images(r.ctx, translate.ImageQuery{Self: true, Name: name})
	if err != nil {
		return nil, err
	}
	if len(own) > 0 {
		return nil, apiErrf("InvalidAMIName.Duplicate", "AMI name %s is already in use by AMI %s", name, ec2ID(pImage, own[0].ID))
	}
	im, _, err := s.svc.CreateImage(r.ctx, translate.CreateImageSpec{Name: name, Description: r.q.str("Description"),
		SnapshotID: sn.ID, Tags: specs["image"]})
	if err != nil {
		return nil, err
	}
	return &registerImageResp{ImageID: ec2ID(pImage, im.ID)}, nil
}

// copyImage: CloudStack's copyTemplate makes the same template (same id)
// available in more zones, and a zone that has it already is skipped
// (TemplateManagerImpl.copyTemplate); it never makes a second image. An
// AMI here is regional already (a template you own is copied to a zone
// when you launch there), and there is one region, so CopyImage, which
// must answer a new image id, is refused after its input is checked.
func (s *server) copyImage(r *request) (response, error) {
	region, err := r.q.required("SourceRegion")
	if err != nil {
		return nil, err
	}
	id, err := r.q.required("SourceImageId")
	if err != nil {
		return nil, err
	}
	if _, err := r.q.required("Name"); err != nil {
		return nil, err
	}
	if region != s.opts.Region {
		return nil, apiErrf("InvalidParameterValue", "Invalid value '%s' for SourceRegion: this cloud has one region, %s.", region, s.opts.Region)
	}
	cid, err := csID(pImage, translate.ResImage, id)
	if err != nil {
		return nil, err
	}
	if _, err := s.svc.Image(r.ctx, cid); err != nil {
		return nil, err
	}
	return nil, apiErrf("UnsupportedOperation",
		"CopyImage is not supported by this cloud: CloudStack copies a template between zones under the same id and cannot make a second image from %s. %s is usable in every availability zone of %s already (your images are copied to a zone when you launch there); to get a separate image, launch an instance from it and use CreateImage.",
		id, id, s.opts.Region)
}
