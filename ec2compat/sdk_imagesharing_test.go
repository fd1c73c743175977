package ec2compat_test

import (
	"testing"
	"time"

	"github.com/apache/cloudstack-go/v2/cloudstack"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// rootSnapshot snapshots an instance's root volume and waits for it.
func rootSnapshot(t *testing.T, e *testEnv, inst string) (string, int32) {
	t.Helper()
	ctx, c := ctxT(t), e.ec2
	vs := must[*ec2.DescribeVolumesOutput](t)(c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{
		Filters: []types.Filter{{Name: aws.String("attachment.instance-id"), Values: []string{inst}}}}))
	if len(vs.Volumes) != 1 {
		t.Fatalf("root volume of %s: %+v", inst, vs.Volumes)
	}
	sn := must[*ec2.CreateSnapshotOutput](t)(c.CreateSnapshot(ctx, &ec2.CreateSnapshotInput{VolumeId: vs.Volumes[0].VolumeId}))
	sw := ec2.NewSnapshotCompletedWaiter(c, func(o *ec2.SnapshotCompletedWaiterOptions) {
		o.MinDelay, o.MaxDelay = 10*time.Millisecond, 50*time.Millisecond
	})
	if err := sw.Wait(ctx, &ec2.DescribeSnapshotsInput{SnapshotIds: []string{aws.ToString(sn.SnapshotId)}}, time.Minute); err != nil {
		t.Fatal(err)
	}
	return aws.ToString(sn.SnapshotId), aws.ToInt32(vs.Volumes[0].Size)
}

// simAs is a CloudStack client for a simulator user (to check what the
// gateway did from another account's side).
func (e *testEnv) simAs(t *testing.T, user string) *cloudstack.CloudStackClient {
	t.Helper()
	key, secret, ok := e.sim.UserKeys(user)
	if !ok {
		t.Fatalf("no user %s", user)
	}
	return cloudstack.NewAsyncClient(e.sim.URL(), key, secret, false, cloudstack.WithHTTPClient(e.sim.HTTPClient()), cloudstack.WithAsyncTimeout(30))
}

// TestSDKRegisterShareImage: RegisterImage from a snapshot (createTemplate
// snapshotid=), launching it in another zone (copyTemplate), launch
// permissions (updateTemplatePermissions / listTemplatePermissions) and
// ExecutableBy, and the refusals of CopyImage.
func TestSDKRegisterShareImage(t *testing.T) {
	e := mustEnv(t)
	ctx, c := ctxT(t), e.ec2
	inst := launchOne(t, e, "reg-src")
	snap, size := rootSnapshot(t, e, inst)

	// RegisterImage refusals, then the image.
	bdm := func(dev string, size int32) []types.BlockDeviceMapping {
		m := types.BlockDeviceMapping{DeviceName: aws.String(dev), Ebs: &types.EbsBlockDevice{SnapshotId: aws.String(snap)}}
		if size > 0 {
			m.Ebs.VolumeSize = aws.Int32(size)
		}
		return []types.BlockDeviceMapping{m}
	}
	_, err := c.RegisterImage(ctx, &ec2.RegisterImageInput{Name: aws.String("reg"), RootDeviceName: aws.String("/dev/sda1"), BlockDeviceMappings: bdm("/dev/sda1", size+5)})
	wantCode(t, err, "InvalidBlockDeviceMapping")
	_, err = c.RegisterImage(ctx, &ec2.RegisterImageInput{Name: aws.String("reg"), ImageLocation: aws.String("bucket/image.manifest.xml")})
	wantCode(t, err, "UnknownParameter")
	_, err = c.RegisterImage(ctx, &ec2.RegisterImageInput{Name: aws.String("reg"), RootDeviceName: aws.String("/dev/sda1"),
		BlockDeviceMappings: append(bdm("/dev/sda1", 0), types.BlockDeviceMapping{DeviceName: aws.String("/dev/sdb"), Ebs: &types.EbsBlockDevice{VolumeSize: aws.Int32(5)}})})
	wantCode(t, err, "InvalidBlockDeviceMapping")
	reg, err := c.RegisterImage(ctx, &ec2.RegisterImageInput{Name: aws.String("reg"), Description: aws.String("from a snapshot"),
		Architecture: types.ArchitectureValuesX8664, VirtualizationType: aws.String("hvm"),
		RootDeviceName: aws.String("/dev/sda1"), BlockDeviceMappings: bdm("/dev/sda1", size)})
	if err != nil {
		t.Fatal(err)
	}
	img := aws.ToString(reg.ImageId)
	iw := ec2.NewImageAvailableWaiter(c, func(o *ec2.ImageAvailableWaiterOptions) {
		o.MinDelay, o.MaxDelay = 10*time.Millisecond, 50*time.Millisecond
	})
	if err := iw.Wait(ctx, &ec2.DescribeImagesInput{ImageIds: []string{img}}, time.Minute); err != nil {
		t.Fatal(err)
	}
	d := must[*ec2.DescribeImagesOutput](t)(c.DescribeImages(ctx, &ec2.DescribeImagesInput{ImageIds: []string{img}}))
	if im := d.Images[0]; aws.ToString(im.Name) != "reg" || aws.ToString(im.Description) != "from a snapshot" || aws.ToBool(im.Public) {
		t.Fatalf("registered image: %+v", im)
	}
	_, err = c.RegisterImage(ctx, &ec2.RegisterImageInput{Name: aws.String("reg"), BlockDeviceMappings: bdm("/dev/sda1", 0)})
	wantCode(t, err, "InvalidAMIName.Duplicate")

	// The template is in zone1 only; a launch in zone2 copies it there.
	run, err := c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(img), InstanceType: "t3.micro",
		MinCount: aws.Int32(1), MaxCount: aws.Int32(1), Placement: &types.Placement{AvailabilityZone: aws.String("zone2")}})
	if err != nil {
		t.Fatalf("launch in zone2: %v", err)
	}
	if z := aws.ToString(run.Instances[0].Placement.AvailabilityZone); z != "zone2" {
		t.Fatalf("placed in %s", z)
	}
	demo := e.simAs(t, "demo")
	lp := demo.Template.NewListTemplatesParams("self")
	lp.SetId(img[len("ami-"):])
	if l, err := demo.Template.ListTemplates(lp); err == nil && l.Count != 2 {
		t.Fatalf("template zones after the zone2 launch: %+v", l.Templates)
	}

	// Launch permissions.
	perms := func() []types.LaunchPermission {
		t.Helper()
		a := must[*ec2.DescribeImageAttributeOutput](t)(c.DescribeImageAttribute(ctx, &ec2.DescribeImageAttributeInput{ImageId: aws.String(img), Attribute: types.ImageAttributeNameLaunchPermission}))
		return a.LaunchPermissions
	}
	if p := perms(); len(p) != 0 {
		t.Fatalf("fresh image permissions: %+v", p)
	}
	otherID := e.accountID(t, "other")
	_, err = c.ModifyImageAttribute(ctx, &ec2.ModifyImageAttributeInput{ImageId: aws.String(img),
		LaunchPermission: &types.LaunchPermissionModifications{Add: []types.LaunchPermission{{UserId: aws.String("other")}}}})
	wantCode(t, err, "InvalidAMIAttributeItemValue") // an account id is required when the gateway can resolve ids
	must[*ec2.ModifyImageAttributeOutput](t)(c.ModifyImageAttribute(ctx, &ec2.ModifyImageAttributeInput{ImageId: aws.String(img),
		LaunchPermission: &types.LaunchPermissionModifications{Add: []types.LaunchPermission{{UserId: aws.String(otherID)}, {Group: types.PermissionGroupAll}}}}))
	if p := perms(); len(p) != 2 || p[0].Group != types.PermissionGroupAll || aws.ToString(p[1].UserId) != otherID {
		t.Fatalf("after add: %+v", p)
	}
	other := e.simAs(t, "other")
	if l, err := other.Template.ListTemplates(other.Template.NewListTemplatesParams("sharedexecutable")); err != nil || l.Count == 0 {
		t.Fatalf("other does not see the shared template: %v %+v", err, l)
	}
	all := must[*ec2.DescribeImagesOutput](t)(c.DescribeImages(ctx, &ec2.DescribeImagesInput{ExecutableUsers: []string{"all"}, Owners: []string{"self"}}))
	if len(all.Images) != 1 || aws.ToString(all.Images[0].ImageId) != img || !aws.ToBool(all.Images[0].Public) {
		t.Fatalf("ExecutableBy all, Owner self: %+v", all.Images)
	}
	byOther := must[*ec2.DescribeImagesOutput](t)(c.DescribeImages(ctx, &ec2.DescribeImagesInput{ExecutableUsers: []string{otherID}}))
	if len(byOther.Images) != 1 || aws.ToString(byOther.Images[0].ImageId) != img {
		t.Fatalf("ExecutableBy other: %+v", byOther.Images)
	}
	if self := must[*ec2.DescribeImagesOutput](t)(c.DescribeImages(ctx, &ec2.DescribeImagesInput{ExecutableUsers: []string{"self"}})); len(self.Images) != 0 {
		t.Fatalf("ExecutableBy self (shared with demo): %+v", self.Images)
	}
	must[*ec2.ModifyImageAttributeOutput](t)(c.ModifyImageAttribute(ctx, &ec2.ModifyImageAttributeInput{ImageId: aws.String(img),
		Attribute: aws.String("launchPermission"), OperationType: types.OperationTypeRemove, UserIds: []string{otherID}}))
	if p := perms(); len(p) != 1 || p[0].Group != types.PermissionGroupAll {
		t.Fatalf("after remove: %+v", p)
	}
	// An unknown account id is refused; one's own is a no-op.
	_, err = c.ModifyImageAttribute(ctx, &ec2.ModifyImageAttributeInput{ImageId: aws.String(img),
		LaunchPermission: &types.LaunchPermissionModifications{Add: []types.LaunchPermission{{UserId: aws.String("0b2c1f2e-1111-2222-3333-444455556666")}}}})
	wantCode(t, err, "InvalidAMIAttributeItemValue") // no such account
	must[*ec2.ModifyImageAttributeOutput](t)(c.ModifyImageAttribute(ctx, &ec2.ModifyImageAttributeInput{ImageId: aws.String(img),
		LaunchPermission: &types.LaunchPermissionModifications{Add: []types.LaunchPermission{{UserId: aws.String(e.demo.AccountID)}}}}))
	_, err = c.ModifyImageAttribute(ctx, &ec2.ModifyImageAttributeInput{ImageId: aws.String(img), Description: &types.AttributeValue{Value: aws.String("x")}})
	wantCode(t, err, "UnknownParameter")
	must[*ec2.ResetImageAttributeOutput](t)(c.ResetImageAttribute(ctx, &ec2.ResetImageAttributeInput{ImageId: aws.String(img), Attribute: types.ResetImageAttributeNameLaunchPermission}))
	if p := perms(); len(p) != 0 {
		t.Fatalf("after reset: %+v", p)
	}
	// A public image the caller does not own.
	_, err = c.ModifyImageAttribute(ctx, &ec2.ModifyImageAttributeInput{ImageId: aws.String(debianImage(t, e)),
		LaunchPermission: &types.LaunchPermissionModifications{Remove: []types.LaunchPermission{{Group: types.PermissionGroupAll}}}})
	wantCode(t, err, "AuthFailure")

	// CopyImage and CopySnapshot: CloudStack copies keep the id.
	_, err = c.CopyImage(ctx, &ec2.CopyImageInput{SourceRegion: aws.String("local-1"), SourceImageId: aws.String(img), Name: aws.String("copy")})
	wantCode(t, err, "UnsupportedOperation")
	_, err = c.CopyImage(ctx, &ec2.CopyImageInput{SourceRegion: aws.String("us-east-1"), SourceImageId: aws.String(img), Name: aws.String("copy")})
	wantCode(t, err, "InvalidParameterValue")
	_, err = c.CopySnapshot(ctx, &ec2.CopySnapshotInput{SourceRegion: aws.String("local-1"), SourceSnapshotId: aws.String(snap)})
	wantCode(t, err, "UnsupportedOperation")

	// Snapshot permissions: none, and none can be given.
	sa := must[*ec2.DescribeSnapshotAttributeOutput](t)(c.DescribeSnapshotAttribute(ctx, &ec2.DescribeSnapshotAttributeInput{SnapshotId: aws.String(snap), Attribute: types.SnapshotAttributeNameCreateVolumePermission}))
	if len(sa.CreateVolumePermissions) != 0 || aws.ToString(sa.SnapshotId) != snap {
		t.Fatalf("snapshot attribute: %+v", sa)
	}
	_, err = c.ModifySnapshotAttribute(ctx, &ec2.ModifySnapshotAttributeInput{SnapshotId: aws.String(snap), Attribute: types.SnapshotAttributeNameCreateVolumePermission,
		OperationType: types.OperationTypeAdd, GroupNames: []string{"all"}})
	wantCode(t, err, "UnsupportedOperation")
	must[*ec2.ResetSnapshotAttributeOutput](t)(c.ResetSnapshotAttribute(ctx, &ec2.ResetSnapshotAttributeInput{SnapshotId: aws.String(snap), Attribute: types.SnapshotAttributeNameCreateVolumePermission}))
	_, err = c.DescribeSnapshotAttribute(ctx, &ec2.DescribeSnapshotAttributeInput{SnapshotId: aws.String("snap-00000000000000000000000000000000"), Attribute: types.SnapshotAttributeNameCreateVolumePermission})
	wantCode(t, err, "InvalidSnapshot.NotFound")
}

// TestSDKDeregisterImageStates: an image in use is deregistered (the
// instance keeps running), another account's image is AuthFailure, a
// deregistered one is gone.
func TestSDKDeregisterImageStates(t *testing.T) {
	e := mustEnv(t)
	ctx, c := ctxT(t), e.ec2
	inst := launchOne(t, e, "dereg-src")
	snap, _ := rootSnapshot(t, e, inst)
	reg := must[*ec2.RegisterImageOutput](t)(c.RegisterImage(ctx, &ec2.RegisterImageInput{Name: aws.String("in-use"),
		BlockDeviceMappings: []types.BlockDeviceMapping{{DeviceName: aws.String("/dev/sda1"), Ebs: &types.EbsBlockDevice{SnapshotId: aws.String(snap)}}}}))
	img := aws.ToString(reg.ImageId)
	iw := ec2.NewImageAvailableWaiter(c, func(o *ec2.ImageAvailableWaiterOptions) {
		o.MinDelay, o.MaxDelay = 10*time.Millisecond, 50*time.Millisecond
	})
	if err := iw.Wait(ctx, &ec2.DescribeImagesInput{ImageIds: []string{img}}, time.Minute); err != nil {
		t.Fatal(err)
	}
	run := must[*ec2.RunInstancesOutput](t)(c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(img), InstanceType: "t3.micro",
		MinCount: aws.Int32(1), MaxCount: aws.Int32(1)}))
	_, err := c.DeregisterImage(ctx, &ec2.DeregisterImageInput{ImageId: aws.String(debianImage(t, e))})
	wantCode(t, err, "AuthFailure")
	must[*ec2.DeregisterImageOutput](t)(c.DeregisterImage(ctx, &ec2.DeregisterImageInput{ImageId: aws.String(img)}))
	_, err = c.DescribeImages(ctx, &ec2.DescribeImagesInput{ImageIds: []string{img}})
	wantCode(t, err, "InvalidAMIID.NotFound")
	_, err = c.DeregisterImage(ctx, &ec2.DeregisterImageInput{ImageId: aws.String(img)})
	wantCode(t, err, "InvalidAMIID.NotFound")
	di := must[*ec2.DescribeInstancesOutput](t)(c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{aws.ToString(run.Instances[0].InstanceId)}}))
	if st := di.Reservations[0].Instances[0].State.Name; st != types.InstanceStateNameRunning && st != types.InstanceStateNamePending {
		t.Fatalf("instance of a deregistered image: %s", st)
	}
}

// accountID is a simulator account's id (as the admin sees it).
func (e *testEnv) accountID(t *testing.T, name string) string {
	t.Helper()
	adm := e.simAs(t, "admin")
	p := adm.Account.NewListAccountsParams()
	p.SetName(name)
	p.SetListall(true)
	l, err := adm.Account.ListAccounts(p)
	if err != nil || l.Count != 1 {
		t.Fatalf("account %s: %v", name, err)
	}
	return l.Accounts[0].Id
}
