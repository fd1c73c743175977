package ec2compat_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/cloudgate/cloudgate/translate"
)

const (
	noInstance = "i-0123456789abcdef0123456789abcdef"
	noImage    = "ami-0123456789abcdef0123456789abcdef"
	noVolume   = "vol-0123456789abcdef0123456789abcdef"
	noSnapshot = "snap-0123456789abcdef0123456789abcdef"
	noGroup    = "sg-0123456789abcdef0123456789abcdef"
	noAlloc    = "eipalloc-0123456789abcdef0123456789abcdef"
)

// TestSDKErrorCodes produces every EC2 error code of the gateway's table
// and checks the SDK parses it.
func TestSDKErrorCodes(t *testing.T) {
	e := mustEnv(t)
	ctx := ctxT(t)
	c := e.ec2
	ami := debianImage(t, e)

	check := func(code string, err error) {
		t.Helper()
		wantCode(t, err, code)
	}
	var err error
	_, err = c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{noInstance}})
	check("InvalidInstanceID.NotFound", err)
	_, err = c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{"i-123"}})
	check("InvalidInstanceID.Malformed", err)
	_, err = c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(noImage), MinCount: aws.Int32(1), MaxCount: aws.Int32(1)})
	check("InvalidAMIID.NotFound", err)
	_, err = c.DescribeImages(ctx, &ec2.DescribeImagesInput{ImageIds: []string{noImage}})
	check("InvalidAMIID.NotFound", err)
	_, err = c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String("ami-x"), MinCount: aws.Int32(1), MaxCount: aws.Int32(1)})
	check("InvalidAMIID.Malformed", err)
	_, err = c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{VolumeIds: []string{noVolume}})
	check("InvalidVolume.NotFound", err)
	_, err = c.DescribeSnapshots(ctx, &ec2.DescribeSnapshotsInput{SnapshotIds: []string{noSnapshot}})
	check("InvalidSnapshot.NotFound", err)
	_, err = c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{noGroup}})
	check("InvalidGroup.NotFound", err)
	_, err = c.DescribeKeyPairs(ctx, &ec2.DescribeKeyPairsInput{KeyNames: []string{"nope"}})
	check("InvalidKeyPair.NotFound", err)
	_, err = c.ReleaseAddress(ctx, &ec2.ReleaseAddressInput{AllocationId: aws.String(noAlloc)})
	check("InvalidAllocationID.NotFound", err)
	_, err = c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(1001)})
	check("InvalidParameterValue", err)
	_, err = c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: []types.Filter{{Name: aws.String("bogus"), Values: []string{"x"}}}})
	check("InvalidParameterValue", err)
	_, err = c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1)})
	check("MissingParameter", err)
	_, err = c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(ami), InstanceType: "no.such.type", MinCount: aws.Int32(1), MaxCount: aws.Int32(1)})
	check("InvalidParameterValue", err)
	_, err = c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{DryRun: aws.Bool(true)})
	check("DryRunOperation", err)

	// Duplicates.
	if _, err := c.CreateKeyPair(ctx, &ec2.CreateKeyPairInput{KeyName: aws.String("k")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateKeyPair(ctx, &ec2.CreateKeyPairInput{KeyName: aws.String("k")})
	check("InvalidKeyPair.Duplicate", err)
	sg, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("g"), Description: aws.String("g")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("g"), Description: aws.String("g")})
	check("InvalidGroup.Duplicate", err)
	perm := []types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(443), ToPort: aws.Int32(443), IpRanges: []types.IpRange{{CidrIp: aws.String("10.0.0.0/8")}}}}
	if _, err := c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: sg.GroupId, IpPermissions: perm}); err != nil {
		t.Fatal(err)
	}
	_, err = c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: sg.GroupId, IpPermissions: perm})
	check("InvalidPermission.Duplicate", err)
	if _, err := c.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: sg.GroupId, IpPermissions: perm}); err != nil {
		t.Fatal(err)
	}
	_, err = c.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: sg.GroupId, IpPermissions: perm})
	check("InvalidPermission.NotFound", err)

	// States.
	run, err := c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(ami), InstanceType: "t3.micro", MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
		SecurityGroupIds: []string{aws.ToString(sg.GroupId)}})
	if err != nil {
		t.Fatal(err)
	}
	inst := run.Instances[0].InstanceId
	_, err = c.ModifyInstanceAttribute(ctx, &ec2.ModifyInstanceAttributeInput{InstanceId: inst, InstanceType: &types.AttributeValue{Value: aws.String("t3.small")}})
	check("IncorrectInstanceState", err)
	_, err = c.CreateImage(ctx, &ec2.CreateImageInput{InstanceId: inst, Name: aws.String("img")})
	check("IncorrectInstanceState", err)
	_, err = c.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: sg.GroupId})
	check("DependencyViolation", err)
	vol, err := c.CreateVolume(ctx, &ec2.CreateVolumeInput{AvailabilityZone: aws.String("zone1"), Size: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.DetachVolume(ctx, &ec2.DetachVolumeInput{VolumeId: vol.VolumeId})
	check("IncorrectState", err)
	if _, err := c.AttachVolume(ctx, &ec2.AttachVolumeInput{VolumeId: vol.VolumeId, InstanceId: inst, Device: aws.String("/dev/sdf")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteVolume(ctx, &ec2.DeleteVolumeInput{VolumeId: vol.VolumeId})
	check("VolumeInUse", err)

	// Account limit (CloudStack 532) injected in the simulator.
	e.simAdmin(t, map[string]string{"command": "configureSimulator", "name": "deployVirtualMachine", "value": "errorcode:532|errortext:Maximum number of resources of type 'user_vm' for account name=demo has been exceeded.", "count": "1"})
	_, err = c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(ami), InstanceType: "t3.micro", MinCount: aws.Int32(1), MaxCount: aws.Int32(1)})
	check("InstanceLimitExceeded", err)

	// Unknown action, through the raw protocol.
	status, body := e.rawCall(t, "Action=FlyToTheMoon&Version=2016-11-15")
	if status != 400 || !strings.Contains(body, "<Code>InvalidAction</Code>") || !strings.Contains(body, "<RequestID>") {
		t.Fatalf("unknown action: %d %s", status, body)
	}
}

// TestSDKAuthErrors maps authenticator failures to their codes and
// statuses (5xx and 503 RequestLimitExceeded are retried by the SDK).
func TestSDKAuthErrors(t *testing.T) {
	e := mustEnv(t)
	ctx := ctxT(t)
	for key, code := range map[string]string{
		"AKIDUNKNOWN":   "AuthFailure",
		"AKIDBADSIG":    "SignatureDoesNotMatch",
		"AKIDEXPIRED":   "RequestExpired",
		"AKIDDENIED":    "UnauthorizedOperation",
		"AKIDTHROTTLED": "RequestLimitExceeded",
		"AKIDDOWN":      "Unavailable",
		"AKIDINTERNAL":  "InternalError",
	} {
		_, err := e.client(key, 1).DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
		wantCode(t, err, code)
	}
	// Unavailable (503) is retried.
	before := e.requests.Load()
	_, err := e.client("AKIDDOWN", 2).DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
	wantCode(t, err, "Unavailable")
	if n := e.requests.Load() - before; n != 2 {
		t.Fatalf("Unavailable tried %d times, want 2", n)
	}
	// AuthFailure (401) is not.
	before = e.requests.Load()
	_, err = e.client("AKIDUNKNOWN", 3).DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
	wantCode(t, err, "AuthFailure")
	if n := e.requests.Load() - before; n != 1 {
		t.Fatalf("AuthFailure tried %d times, want 1", n)
	}
}

// TestSDKFailedLaunchLeavesNothing asks for more large instances than the
// zone can hold with MinCount = MaxCount: the launch fails with
// InsufficientInstanceCapacity and no VM stays behind.
func TestSDKFailedLaunchLeavesNothing(t *testing.T) {
	e := mustEnv(t)
	ctx := ctxT(t)
	_, err := e.ec2.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(debianImage(t, e)), InstanceType: "m5.large",
		MinCount: aws.Int32(5), MaxCount: aws.Int32(5), Placement: &types.Placement{AvailabilityZone: aws.String("zone1")}})
	wantCode(t, err, "InsufficientInstanceCapacity")
	left, err := e.svc.Instances(translate.NewContext(ctx, e.demo), translate.InstanceQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range left {
		if in.State != translate.StateDestroyed && in.State != translate.StateExpunging {
			t.Errorf("instance %s left behind in state %s", in.ID, in.State)
		}
	}
	out, err := e.ec2.DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: []types.Filter{{Name: aws.String("instance-state-name"), Values: []string{"pending", "running", "stopped"}}}})
	if err != nil || len(out.Reservations) != 0 {
		t.Fatalf("instances visible after failed launch: %+v %v", out, err)
	}
}
