package ec2compat_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// launchOne starts one small instance and returns its id.
func launchOne(t *testing.T, e *testEnv, token string) string {
	t.Helper()
	out, err := e.ec2.RunInstances(ctxT(t), &ec2.RunInstancesInput{ImageId: aws.String(debianImage(t, e)), InstanceType: "t3.micro",
		MinCount: aws.Int32(1), MaxCount: aws.Int32(1), ClientToken: aws.String(token)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.Instances[0].InstanceId)
}

func TestSDKVolumesAndSnapshots(t *testing.T) {
	e := mustEnv(t)
	ctx := ctxT(t)
	c := e.ec2
	inst := launchOne(t, e, "vol-test")

	vol, err := c.CreateVolume(ctx, &ec2.CreateVolumeInput{AvailabilityZone: aws.String("zone1"), Size: aws.Int32(10),
		TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeVolume, Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String("data")}}}}})
	if err != nil {
		t.Fatal(err)
	}
	vid := aws.ToString(vol.VolumeId)
	if aws.ToInt32(vol.Size) != 10 || vol.State != types.VolumeStateAvailable {
		t.Fatalf("create volume: %+v", vol)
	}
	vw := ec2.NewVolumeAvailableWaiter(c, func(o *ec2.VolumeAvailableWaiterOptions) {
		o.MinDelay, o.MaxDelay = 10*time.Millisecond, 50*time.Millisecond
	})
	if err := vw.Wait(ctx, &ec2.DescribeVolumesInput{VolumeIds: []string{vid}}, time.Minute); err != nil {
		t.Fatal(err)
	}
	att, err := c.AttachVolume(ctx, &ec2.AttachVolumeInput{VolumeId: aws.String(vid), InstanceId: aws.String(inst), Device: aws.String("/dev/sdf")})
	if err != nil {
		t.Fatal(err)
	}
	if att.State != types.VolumeAttachmentStateAttached {
		t.Fatalf("attach: %+v", att)
	}
	dv, err := c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{VolumeIds: []string{vid}})
	if err != nil || dv.Volumes[0].State != types.VolumeStateInUse || aws.ToString(dv.Volumes[0].Attachments[0].InstanceId) != inst {
		t.Fatalf("describe attached: %+v %v", dv, err)
	}
	_, err = c.DeleteVolume(ctx, &ec2.DeleteVolumeInput{VolumeId: aws.String(vid)})
	wantCode(t, err, "VolumeInUse")

	snap, err := c.CreateSnapshot(ctx, &ec2.CreateSnapshotInput{VolumeId: aws.String(vid), Description: aws.String("nightly")})
	if err != nil {
		t.Fatal(err)
	}
	sid := aws.ToString(snap.SnapshotId)
	sw := ec2.NewSnapshotCompletedWaiter(c, func(o *ec2.SnapshotCompletedWaiterOptions) {
		o.MinDelay, o.MaxDelay = 10*time.Millisecond, 50*time.Millisecond
	})
	if err := sw.Wait(ctx, &ec2.DescribeSnapshotsInput{SnapshotIds: []string{sid}}, time.Minute); err != nil {
		t.Fatal(err)
	}
	ds, err := c.DescribeSnapshots(ctx, &ec2.DescribeSnapshotsInput{OwnerIds: []string{"self"}, Filters: []types.Filter{{Name: aws.String("volume-id"), Values: []string{vid}}}})
	if err != nil || len(ds.Snapshots) != 1 || aws.ToString(ds.Snapshots[0].SnapshotId) != sid {
		t.Fatalf("describe snapshots: %+v %v", ds, err)
	}

	det, err := c.DetachVolume(ctx, &ec2.DetachVolumeInput{VolumeId: aws.String(vid)})
	if err != nil {
		t.Fatal(err)
	}
	if det.State != types.VolumeAttachmentStateDetached {
		t.Fatalf("detach: %+v", det)
	}
	_, err = c.DetachVolume(ctx, &ec2.DetachVolumeInput{VolumeId: aws.String(vid)})
	wantCode(t, err, "IncorrectState")

	mod, err := c.ModifyVolume(ctx, &ec2.ModifyVolumeInput{VolumeId: aws.String(vid), Size: aws.Int32(20)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(mod.VolumeModification.TargetSize) != 20 || aws.ToInt32(mod.VolumeModification.OriginalSize) != 10 {
		t.Fatalf("modify: %+v", mod.VolumeModification)
	}
	dv, err = c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{VolumeIds: []string{vid}})
	if err != nil || aws.ToInt32(dv.Volumes[0].Size) != 20 {
		t.Fatalf("size after modify: %+v %v", dv, err)
	}

	// A volume from the snapshot.
	fromSnap, err := c.CreateVolume(ctx, &ec2.CreateVolumeInput{AvailabilityZone: aws.String("zone1"), SnapshotId: aws.String(sid)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(fromSnap.SnapshotId) != sid {
		t.Errorf("volume from snapshot: %+v", fromSnap)
	}
	for _, v := range []string{vid, aws.ToString(fromSnap.VolumeId)} {
		if _, err := c.DeleteVolume(ctx, &ec2.DeleteVolumeInput{VolumeId: aws.String(v)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.DeleteSnapshot(ctx, &ec2.DeleteSnapshotInput{SnapshotId: aws.String(sid)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{VolumeIds: []string{vid}})
	wantCode(t, err, "InvalidVolume.NotFound")
}

func TestSDKAddresses(t *testing.T) {
	e := mustEnvWith(t, isolatedSeed(t))
	ctx := ctxT(t)
	c := e.ec2
	inst := launchOne(t, e, "eip-test")

	al, err := c.AllocateAddress(ctx, &ec2.AllocateAddressInput{Domain: types.DomainTypeVpc})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(al.PublicIp) == "" || len(aws.ToString(al.AllocationId)) != len("eipalloc-")+32 {
		t.Fatalf("allocate: %+v", al)
	}
	as, err := c.AssociateAddress(ctx, &ec2.AssociateAddressInput{AllocationId: al.AllocationId, InstanceId: aws.String(inst)})
	if err != nil {
		t.Fatal(err)
	}
	da, err := c.DescribeAddresses(ctx, &ec2.DescribeAddressesInput{AllocationIds: []string{aws.ToString(al.AllocationId)}})
	if err != nil || len(da.Addresses) != 1 || aws.ToString(da.Addresses[0].InstanceId) != inst ||
		aws.ToString(da.Addresses[0].AssociationId) != aws.ToString(as.AssociationId) {
		t.Fatalf("describe addresses: %+v %v", da, err)
	}
	di, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: []types.Filter{{Name: aws.String("ip-address"), Values: []string{aws.ToString(al.PublicIp)}}}})
	if err != nil || len(di.Reservations) != 1 || aws.ToString(di.Reservations[0].Instances[0].PublicIpAddress) != aws.ToString(al.PublicIp) {
		t.Fatalf("instance public ip: %+v %v", di, err)
	}
	_, err = c.ReleaseAddress(ctx, &ec2.ReleaseAddressInput{AllocationId: al.AllocationId})
	wantCode(t, err, "InvalidIPAddress.InUse")
	_, err = c.AssociateAddress(ctx, &ec2.AssociateAddressInput{AllocationId: al.AllocationId, InstanceId: aws.String(launchOne(t, e, "eip-test-2"))})
	wantCode(t, err, "Resource.AlreadyAssociated")
	if _, err := c.DisassociateAddress(ctx, &ec2.DisassociateAddressInput{AssociationId: as.AssociationId}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ReleaseAddress(ctx, &ec2.ReleaseAddressInput{AllocationId: al.AllocationId}); err != nil {
		t.Fatal(err)
	}
	_, err = c.ReleaseAddress(ctx, &ec2.ReleaseAddressInput{AllocationId: al.AllocationId})
	wantCode(t, err, "InvalidAllocationID.NotFound")
}

func TestSDKNetworks(t *testing.T) {
	e := mustEnvWith(t, isolatedSeed(t))
	ctx := ctxT(t)
	c := e.ec2
	if _, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{}); err != nil {
		t.Fatal(err)
	}
	launchOne(t, e, "net-test") // makes sure the account has a network
	sn, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(sn.Subnets) == 0 {
		t.Fatal("no subnets")
	}
	one, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{aws.ToString(sn.Subnets[0].SubnetId)}})
	if err != nil || len(one.Subnets) != 1 {
		t.Fatalf("subnet by id: %+v %v", one, err)
	}
	vpc, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.50.0.0/16")})
	if err != nil {
		t.Skipf("CreateVpc not available: %v", err)
	}
	sub, err := c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc.Vpc.VpcId, CidrBlock: aws.String("10.50.1.0/24")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(sub.Subnet.VpcId) != aws.ToString(vpc.Vpc.VpcId) {
		t.Fatalf("subnet vpc %+v", sub.Subnet)
	}
	_, err = c.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: vpc.Vpc.VpcId})
	wantCode(t, err, "DependencyViolation")
	if _, err := c.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: sub.Subnet.SubnetId}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: vpc.Vpc.VpcId}); err != nil {
		t.Fatal(err)
	}
}
