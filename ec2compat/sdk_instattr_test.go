package ec2compat_test

import (
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// launchStarted runs one t3.micro in zone1 (with groups, if any) and waits
// until it runs.
func launchStarted(t *testing.T, e *testEnv, groups ...string) string {
	t.Helper()
	ctx := ctxT(t)
	out, err := e.ec2.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(debianImage(t, e)), InstanceType: "t3.micro",
		MinCount: aws.Int32(1), MaxCount: aws.Int32(1), SecurityGroupIds: groups, Placement: &types.Placement{AvailabilityZone: aws.String("zone1")}})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(out.Instances[0].InstanceId)
	w := ec2.NewInstanceRunningWaiter(e.ec2, func(o *ec2.InstanceRunningWaiterOptions) {
		o.MinDelay, o.MaxDelay = 10*time.Millisecond, 50*time.Millisecond
	})
	if err := w.Wait(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}}, time.Minute); err != nil {
		t.Fatal(err)
	}
	return id
}

func stopAndWait(t *testing.T, e *testEnv, id string) {
	t.Helper()
	ctx := ctxT(t)
	if _, err := e.ec2.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{id}}); err != nil {
		t.Fatal(err)
	}
	w := ec2.NewInstanceStoppedWaiter(e.ec2, func(o *ec2.InstanceStoppedWaiterOptions) {
		o.MinDelay, o.MaxDelay = 10*time.Millisecond, 50*time.Millisecond
	})
	if err := w.Wait(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}}, time.Minute); err != nil {
		t.Fatal(err)
	}
}

// groupSet reads DescribeInstanceAttribute groupSet and DescribeInstances'
// groups, requires them to agree, and returns the sorted ids.
func groupSet(t *testing.T, c *ec2.Client, id string) []string {
	t.Helper()
	ctx := ctxT(t)
	attr, err := c.DescribeInstanceAttribute(ctx, &ec2.DescribeInstanceAttributeInput{InstanceId: aws.String(id), Attribute: types.InstanceAttributeNameGroupSet})
	if err != nil {
		t.Fatal(err)
	}
	var a []string
	for _, g := range attr.Groups {
		a = append(a, aws.ToString(g.GroupId))
	}
	sort.Strings(a)
	d, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}})
	if err != nil {
		t.Fatal(err)
	}
	var b []string
	for _, g := range d.Reservations[0].Instances[0].SecurityGroups {
		b = append(b, aws.ToString(g.GroupId))
	}
	sort.Strings(b)
	if strings.Join(a, ",") != strings.Join(b, ",") {
		t.Fatalf("groupSet %v, DescribeInstances groups %v", a, b)
	}
	return a
}

// TestSDKModifyInstanceGroups: modify-instance-attribute --groups in a
// security-group zone changes a stopped instance's groups (read back by
// DescribeInstanceAttribute groupSet and DescribeInstances), is refused
// with IncorrectInstanceState while it runs, and names unknown groups.
func TestSDKModifyInstanceGroups(t *testing.T) {
	e := mustEnv(t)
	ctx := ctxT(t)
	c := e.ec2
	var sgs []string
	for _, n := range []string{"web", "db"} {
		g, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String(n), Description: aws.String(n)})
		if err != nil {
			t.Fatal(err)
		}
		sgs = append(sgs, aws.ToString(g.GroupId))
	}
	id := launchStarted(t, e, sgs[0])
	before := groupSet(t, c, id)
	if len(before) != 1 || before[0] != sgs[0] {
		t.Fatalf("groups at launch %v, want [%s]", before, sgs[0])
	}
	modify := func(groups ...string) error {
		_, err := c.ModifyInstanceAttribute(ctx, &ec2.ModifyInstanceAttributeInput{InstanceId: aws.String(id), Groups: groups})
		return err
	}
	err := modify(sgs[1], sgs[0])
	wantCode(t, err, "IncorrectInstanceState")
	if !strings.Contains(err.Error(), "stopped") {
		t.Fatalf("running refusal does not say why: %v", err)
	}
	if got := groupSet(t, c, id); strings.Join(got, ",") != strings.Join(before, ",") {
		t.Fatalf("refused change altered groups: %v", got)
	}

	stopAndWait(t, e, id)
	wantCode(t, modify(sgs[0], "sg-00000000000000000"), "InvalidGroup.NotFound")
	wantCode(t, modify("sg-nothex"), "InvalidGroupId.Malformed")
	if got := groupSet(t, c, id); strings.Join(got, ",") != strings.Join(before, ",") {
		t.Fatalf("refused change altered groups: %v", got)
	}
	if err := modify(sgs[1], sgs[0]); err != nil {
		t.Fatal(err)
	}
	want := append([]string(nil), sgs...)
	sort.Strings(want)
	if got := groupSet(t, c, id); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("groups after modify %v, want %v", got, want)
	}
	if err := modify(sgs[1]); err != nil {
		t.Fatal(err)
	}
	if got := groupSet(t, c, id); len(got) != 1 || got[0] != sgs[1] {
		t.Fatalf("groups after second modify %v, want [%s]", got, sgs[1])
	}
	// One attribute per request, as in EC2.
	_, err = c.ModifyInstanceAttribute(ctx, &ec2.ModifyInstanceAttributeInput{InstanceId: aws.String(id), Groups: sgs[:1],
		InstanceType: &types.AttributeValue{Value: aws.String("t3.small")}})
	wantCode(t, err, "InvalidParameterCombination")
}

// TestSDKModifyInstanceGroupsNoSecurityGroups: where the zone has no
// security groups CloudStack would skip the change silently; the gateway
// refuses it and nothing changes.
func TestSDKModifyInstanceGroupsNoSecurityGroups(t *testing.T) {
	e := mustEnvWith(t, isolatedSeed(t))
	ctx := ctxT(t)
	c := e.ec2
	g, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("web"), Description: aws.String("web")})
	if err != nil {
		t.Fatal(err)
	}
	id := launchStarted(t, e)
	before := groupSet(t, c, id)
	stopAndWait(t, e, id)
	_, err = c.ModifyInstanceAttribute(ctx, &ec2.ModifyInstanceAttributeInput{InstanceId: aws.String(id), Groups: []string{aws.ToString(g.GroupId)}})
	wantCode(t, err, "UnsupportedOperation")
	if !strings.Contains(err.Error(), "security groups") {
		t.Fatalf("refusal does not say why: %v", err)
	}
	if got := groupSet(t, c, id); strings.Join(got, ",") != strings.Join(before, ",") {
		t.Fatalf("refused change altered groups: %v -> %v", before, got)
	}
}

// TestSDKModifyInstanceAttributeEach: every attribute ModifyInstanceAttribute
// accepts reads back what was written; the others are refused naming them.
func TestSDKModifyInstanceAttributeEach(t *testing.T) {
	e := mustEnv(t)
	ctx := ctxT(t)
	c := e.ec2
	id := launchStarted(t, e)
	stopAndWait(t, e, id)
	modify := func(in ec2.ModifyInstanceAttributeInput) error {
		in.InstanceId = aws.String(id)
		_, err := c.ModifyInstanceAttribute(ctx, &in)
		return err
	}
	read := func(a types.InstanceAttributeName) *ec2.DescribeInstanceAttributeOutput {
		out, err := c.DescribeInstanceAttribute(ctx, &ec2.DescribeInstanceAttributeInput{InstanceId: aws.String(id), Attribute: a})
		if err != nil {
			t.Fatalf("describe %s: %v", a, err)
		}
		return out
	}
	// Accepted with the value this cloud has, and read back.
	for _, tc := range []struct {
		in   ec2.ModifyInstanceAttributeInput
		attr types.InstanceAttributeName
		get  func(*ec2.DescribeInstanceAttributeOutput) string
		want string
	}{
		{ec2.ModifyInstanceAttributeInput{SourceDestCheck: &types.AttributeBooleanValue{Value: aws.Bool(true)}}, types.InstanceAttributeNameSourceDestCheck,
			func(o *ec2.DescribeInstanceAttributeOutput) string {
				return strings.ToLower(aws.ToString(boolStr(o.SourceDestCheck)))
			}, "true"},
		{ec2.ModifyInstanceAttributeInput{DisableApiStop: &types.AttributeBooleanValue{Value: aws.Bool(false)}}, types.InstanceAttributeNameDisableApiStop,
			func(o *ec2.DescribeInstanceAttributeOutput) string { return aws.ToString(boolStr(o.DisableApiStop)) }, "false"},
		{ec2.ModifyInstanceAttributeInput{EbsOptimized: &types.AttributeBooleanValue{Value: aws.Bool(false)}}, types.InstanceAttributeNameEbsOptimized,
			func(o *ec2.DescribeInstanceAttributeOutput) string { return aws.ToString(boolStr(o.EbsOptimized)) }, "false"},
		{ec2.ModifyInstanceAttributeInput{InstanceInitiatedShutdownBehavior: &types.AttributeValue{Value: aws.String("stop")}}, types.InstanceAttributeNameInstanceInitiatedShutdownBehavior,
			func(o *ec2.DescribeInstanceAttributeOutput) string {
				return aws.ToString(o.InstanceInitiatedShutdownBehavior.Value)
			}, "stop"},
		// Attribute with the attribute's own X.Value (no Value).
		{ec2.ModifyInstanceAttributeInput{Attribute: types.InstanceAttributeNameInstanceInitiatedShutdownBehavior,
			InstanceInitiatedShutdownBehavior: &types.AttributeValue{Value: aws.String("stop")}}, types.InstanceAttributeNameInstanceInitiatedShutdownBehavior,
			func(o *ec2.DescribeInstanceAttributeOutput) string {
				return aws.ToString(o.InstanceInitiatedShutdownBehavior.Value)
			}, "stop"},
		{ec2.ModifyInstanceAttributeInput{DisableApiTermination: &types.AttributeBooleanValue{Value: aws.Bool(true)}}, types.InstanceAttributeNameDisableApiTermination,
			func(o *ec2.DescribeInstanceAttributeOutput) string {
				return aws.ToString(boolStr(o.DisableApiTermination))
			}, "true"},
		{ec2.ModifyInstanceAttributeInput{DisableApiTermination: &types.AttributeBooleanValue{Value: aws.Bool(false)}}, types.InstanceAttributeNameDisableApiTermination,
			func(o *ec2.DescribeInstanceAttributeOutput) string {
				return aws.ToString(boolStr(o.DisableApiTermination))
			}, "false"},
		{ec2.ModifyInstanceAttributeInput{InstanceType: &types.AttributeValue{Value: aws.String("t3.small")}}, types.InstanceAttributeNameInstanceType,
			func(o *ec2.DescribeInstanceAttributeOutput) string { return aws.ToString(o.InstanceType.Value) }, "t3.small"},
		{ec2.ModifyInstanceAttributeInput{UserData: &types.SecureBlobAttributeValue{Value: []byte("hello")}}, types.InstanceAttributeNameUserData,
			func(o *ec2.DescribeInstanceAttributeOutput) string { return aws.ToString(o.UserData.Value) }, "aGVsbG8="},
	} {
		if err := modify(tc.in); err != nil {
			t.Fatalf("modify %s: %v", tc.attr, err)
		}
		if got := tc.get(read(tc.attr)); got != tc.want {
			t.Fatalf("%s reads back %q, want %q", tc.attr, got, tc.want)
		}
	}
	// Refused, naming the attribute, and nothing changes.
	for _, tc := range []struct {
		in   ec2.ModifyInstanceAttributeInput
		code string
		name string
	}{
		{ec2.ModifyInstanceAttributeInput{SourceDestCheck: &types.AttributeBooleanValue{Value: aws.Bool(false)}}, "UnsupportedOperation", "sourceDestCheck"},
		{ec2.ModifyInstanceAttributeInput{DisableApiStop: &types.AttributeBooleanValue{Value: aws.Bool(true)}}, "UnsupportedOperation", "disableApiStop"},
		{ec2.ModifyInstanceAttributeInput{EbsOptimized: &types.AttributeBooleanValue{Value: aws.Bool(true)}}, "UnsupportedOperation", "ebsOptimized"},
		{ec2.ModifyInstanceAttributeInput{InstanceInitiatedShutdownBehavior: &types.AttributeValue{Value: aws.String("terminate")}}, "UnsupportedOperation", "instanceInitiatedShutdownBehavior"},
		{ec2.ModifyInstanceAttributeInput{InstanceInitiatedShutdownBehavior: &types.AttributeValue{Value: aws.String("halt")}}, "InvalidParameterValue", "instanceInitiatedShutdownBehavior"},
		{ec2.ModifyInstanceAttributeInput{Kernel: &types.AttributeValue{Value: aws.String("aki-1")}}, "UnsupportedOperation", "kernel"},
		{ec2.ModifyInstanceAttributeInput{Ramdisk: &types.AttributeValue{Value: aws.String("ari-1")}}, "UnsupportedOperation", "ramdisk"},
		{ec2.ModifyInstanceAttributeInput{EnaSupport: &types.AttributeBooleanValue{Value: aws.Bool(true)}}, "UnsupportedOperation", "enaSupport"},
		{ec2.ModifyInstanceAttributeInput{SriovNetSupport: &types.AttributeValue{Value: aws.String("simple")}}, "UnsupportedOperation", "sriovNetSupport"},
		{ec2.ModifyInstanceAttributeInput{BlockDeviceMappings: []types.InstanceBlockDeviceMappingSpecification{{DeviceName: aws.String("/dev/sda1"),
			Ebs: &types.EbsInstanceBlockDeviceSpecification{DeleteOnTermination: aws.Bool(false)}}}}, "UnsupportedOperation", "blockDeviceMapping"},
		{ec2.ModifyInstanceAttributeInput{Attribute: types.InstanceAttributeNameRootDeviceName, Value: aws.String("/dev/xvda")}, "InvalidParameterValue", "rootDeviceName"},
		{ec2.ModifyInstanceAttributeInput{}, "MissingParameter", ""},
	} {
		err := modify(tc.in)
		wantCode(t, err, tc.code)
		if !strings.Contains(err.Error(), tc.name) {
			t.Fatalf("%s: error does not name it: %v", tc.name, err)
		}
	}
	if got := aws.ToString(read(types.InstanceAttributeNameInstanceInitiatedShutdownBehavior).InstanceInitiatedShutdownBehavior.Value); got != "stop" {
		t.Fatalf("shutdown behaviour %q after refusals", got)
	}
}

func boolStr(v *types.AttributeBooleanValue) *string {
	if v == nil || v.Value == nil {
		return nil
	}
	if *v.Value {
		return aws.String("true")
	}
	return aws.String("false")
}
