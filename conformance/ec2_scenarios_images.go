package conformance

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// ec2RegisterShareImage registers an AMI from a snapshot of an instance's
// root volume, makes it public and private again, reads its launch
// permissions, checks that a snapshot's createVolumePermission answers the
// truth, and that CopyImage either makes a new image (EC2) or answers
// UnsupportedOperation (CloudStack copies a template between zones under
// the same id), never a success that did something else.
func ec2RegisterShareImage() scenario {
	return scenario{
		name: "ec2/image-register-share", api: "ec2",
		ops: []string{"RunInstances", "DescribeVolumes", "CreateSnapshot", "RegisterImage", "DescribeImages", "ModifyImageAttribute",
			"DescribeImageAttribute", "ResetImageAttribute", "DescribeSnapshotAttribute", "CopyImage", "DeregisterImage", "TerminateInstances"},
		run: func(t *scenarioT) {
			c := t.env.ec2
			id := aws.ToString(t.runEC2(1, nil)[0].InstanceId)
			in := t.waitInstance(id, types.InstanceStateNameRunning, "RunInstances")
			vs, err := c.DescribeVolumes(t.ctx, &ec2.DescribeVolumesInput{Filters: []types.Filter{ec2Filter("attachment.instance-id", id)}})
			t.Must(err, "DescribeVolumes attachment.instance-id")
			root := ""
			for _, v := range vs.Volumes {
				for _, a := range v.Attachments {
					if aws.ToString(a.Device) == aws.ToString(in.RootDeviceName) {
						root = aws.ToString(v.VolumeId)
					}
				}
			}
			t.Check(root != "", "no volume of %s attached at its root device %s", id, aws.ToString(in.RootDeviceName))
			if root == "" {
				return
			}
			snap, err := c.CreateSnapshot(t.ctx, &ec2.CreateSnapshotInput{VolumeId: aws.String(root), Description: aws.String("cloudgate conformance")})
			t.Must(err, "CreateSnapshot of the root volume")
			snapID := aws.ToString(snap.SnapshotId)
			t.Defer("delete snapshot "+snapID, func(ctx context.Context) error {
				_, err := c.DeleteSnapshot(ctx, &ec2.DeleteSnapshotInput{SnapshotId: aws.String(snapID)})
				return ignoreEC2(err, "InvalidSnapshot.NotFound")
			})
			t.WaitFor(snapID+" completed", "CreateSnapshot", func() (bool, string, error) {
				out, err := c.DescribeSnapshots(t.ctx, &ec2.DescribeSnapshotsInput{SnapshotIds: []string{snapID}})
				if err != nil || len(out.Snapshots) != 1 {
					return false, "missing", err
				}
				return out.Snapshots[0].State == types.SnapshotStateCompleted, string(out.Snapshots[0].State), nil
			})
			sa, err := c.DescribeSnapshotAttribute(t.ctx, &ec2.DescribeSnapshotAttributeInput{SnapshotId: aws.String(snapID), Attribute: types.SnapshotAttributeNameCreateVolumePermission})
			t.Must(err, "DescribeSnapshotAttribute createVolumePermission")
			Equal(t, "createVolumePermission of a new snapshot", len(sa.CreateVolumePermissions), 0)

			name := t.env.name("reg")
			reg, err := c.RegisterImage(t.ctx, &ec2.RegisterImageInput{Name: aws.String(name), Description: aws.String("cloudgate conformance"),
				Architecture: types.ArchitectureValuesX8664, VirtualizationType: aws.String("hvm"), RootDeviceName: in.RootDeviceName,
				BlockDeviceMappings: []types.BlockDeviceMapping{{DeviceName: in.RootDeviceName, Ebs: &types.EbsBlockDevice{SnapshotId: aws.String(snapID)}}}})
			t.Must(err, "RegisterImage from a snapshot")
			img := aws.ToString(reg.ImageId)
			t.Defer("deregister image "+img, func(ctx context.Context) error {
				_, err := c.DeregisterImage(ctx, &ec2.DeregisterImageInput{ImageId: aws.String(img)})
				return ignoreEC2(err, "InvalidAMIID.NotFound", "InvalidAMIID.Unavailable")
			})
			t.WaitFor(img+" available", "RegisterImage", func() (bool, string, error) {
				out, err := c.DescribeImages(t.ctx, &ec2.DescribeImagesInput{ImageIds: []string{img}})
				if err != nil || len(out.Images) != 1 {
					return false, "missing", err
				}
				if out.Images[0].State == types.ImageStateFailed {
					t.Fatalf("image %s failed", img)
				}
				Equal(t, "registered image Name", aws.ToString(out.Images[0].Name), name)
				return out.Images[0].State == types.ImageStateAvailable, string(out.Images[0].State), nil
			})
			perms := func(what string) []types.LaunchPermission {
				a, err := c.DescribeImageAttribute(t.ctx, &ec2.DescribeImageAttributeInput{ImageId: aws.String(img), Attribute: types.ImageAttributeNameLaunchPermission})
				t.Must(err, "DescribeImageAttribute launchPermission "+what)
				return a.LaunchPermissions
			}
			Equal(t, "launch permissions of a new image", len(perms("of a new image")), 0)
			_, err = c.ModifyImageAttribute(t.ctx, &ec2.ModifyImageAttributeInput{ImageId: aws.String(img),
				LaunchPermission: &types.LaunchPermissionModifications{Add: []types.LaunchPermission{{Group: types.PermissionGroupAll}}}})
			if ec2Code(err) == "InvalidParameterValue" {
				// The operator forbids users public images
				// (allow.public.user.templates=false): refused, nothing changed.
				Equal(t, "launch permissions after a refused Group=all", len(perms("after a refused add")), 0)
			} else {
				t.Must(err, "ModifyImageAttribute add Group=all")
				p := perms("after add")
				t.Check(len(p) == 1 && p[0].Group == types.PermissionGroupAll, "launch permissions after add Group=all: %+v", p)
				pub, err := c.DescribeImages(t.ctx, &ec2.DescribeImagesInput{ImageIds: []string{img}})
				t.Must(err, "DescribeImages of the public image")
				t.Check(len(pub.Images) == 1 && aws.ToBool(pub.Images[0].Public), "image not public after add Group=all")
				ex, err := c.DescribeImages(t.ctx, &ec2.DescribeImagesInput{Owners: []string{"self"}, ExecutableUsers: []string{"all"}})
				t.Must(err, "DescribeImages ExecutableUsers=all Owners=self")
				found := false
				for _, im := range ex.Images {
					found = found || aws.ToString(im.ImageId) == img
				}
				t.Check(found, "DescribeImages ExecutableUsers=all does not list the public image %s", img)
				_, err = c.ResetImageAttribute(t.ctx, &ec2.ResetImageAttributeInput{ImageId: aws.String(img), Attribute: types.ResetImageAttributeNameLaunchPermission})
				t.Must(err, "ResetImageAttribute launchPermission")
				Equal(t, "launch permissions after reset", len(perms("after reset")), 0)
			}

			cp, err := c.CopyImage(t.ctx, &ec2.CopyImageInput{SourceRegion: aws.String(c.Options().Region), SourceImageId: aws.String(img), Name: aws.String(name + "-copy")})
			if err == nil {
				cid := aws.ToString(cp.ImageId)
				t.Defer("deregister image "+cid, func(ctx context.Context) error {
					_, err := c.DeregisterImage(ctx, &ec2.DeregisterImageInput{ImageId: aws.String(cid)})
					return ignoreEC2(err, "InvalidAMIID.NotFound", "InvalidAMIID.Unavailable")
				})
				t.Check(cid != "" && cid != img, "CopyImage answered %q for %s: a copy must be a new image", cid, img)
			} else {
				t.ExpectEC2(err, "UnsupportedOperation", "CopyImage where images cannot be duplicated")
			}

			_, err = c.DeregisterImage(t.ctx, &ec2.DeregisterImageInput{ImageId: aws.String(img)})
			t.Must(err, "DeregisterImage")
			_, err = c.DescribeImageAttribute(t.ctx, &ec2.DescribeImageAttributeInput{ImageId: aws.String(img), Attribute: types.ImageAttributeNameLaunchPermission})
			t.Check(err != nil, "DescribeImageAttribute of a deregistered image succeeded")
		},
	}
}
