package ec2compat_test

import (
	"encoding/base64"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/cloudgate/cloudgate/translate"
)

// debianImage returns the id of the seeded Debian template.
func debianImage(t *testing.T, e *testEnv) string {
	t.Helper()
	out, err := e.ec2.DescribeImages(ctxT(t), &ec2.DescribeImagesInput{Filters: []types.Filter{{Name: aws.String("name"), Values: []string{"Debian 12"}}}})
	if err != nil || len(out.Images) != 1 {
		t.Fatalf("debian image: %v %v", out, err)
	}
	return aws.ToString(out.Images[0].ImageId)
}

func instanceIDs(insts []types.Instance) []string {
	var ids []string
	for _, in := range insts {
		ids = append(ids, aws.ToString(in.InstanceId))
	}
	sort.Strings(ids)
	return ids
}

func TestSDKInstanceLifecycle(t *testing.T) {
	e := mustEnv(t)
	ctx := ctxT(t)
	c := e.ec2
	ami := debianImage(t, e)

	kp, err := c.CreateKeyPair(ctx, &ec2.CreateKeyPairInput{KeyName: aws.String("mykey")})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(aws.ToString(kp.KeyMaterial), "PRIVATE KEY") || !strings.HasPrefix(aws.ToString(kp.KeyPairId), "key-") {
		t.Fatalf("key pair: %+v", kp)
	}
	kps, err := c.DescribeKeyPairs(ctx, &ec2.DescribeKeyPairsInput{KeyNames: []string{"mykey"}})
	if err != nil || len(kps.KeyPairs) != 1 || aws.ToString(kps.KeyPairs[0].KeyFingerprint) != aws.ToString(kp.KeyFingerprint) {
		t.Fatalf("describe key pairs: %+v %v", kps, err)
	}

	sg, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("web"), Description: aws.String("web servers")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{
		GroupId: sg.GroupId,
		IpPermissions: []types.IpPermission{
			{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22), IpRanges: []types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}},
			{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(80), ToPort: aws.Int32(81), UserIdGroupPairs: []types.UserIdGroupPair{{GroupId: sg.GroupId}}},
		},
	}); err != nil {
		t.Fatal(err)
	}
	sgs, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{aws.ToString(sg.GroupId)}})
	if err != nil || len(sgs.SecurityGroups) != 1 || len(sgs.SecurityGroups[0].IpPermissions) != 2 {
		t.Fatalf("describe groups: %+v %v", sgs, err)
	}
	rules, err := c.DescribeSecurityGroupRules(ctx, &ec2.DescribeSecurityGroupRulesInput{Filters: []types.Filter{{Name: aws.String("group-id"), Values: []string{aws.ToString(sg.GroupId)}}}})
	if err != nil || len(rules.SecurityGroupRules) < 2 {
		t.Fatalf("describe rules: %+v %v", rules, err)
	}

	userData := "#!/bin/bash\necho hello\n"
	run := func() *ec2.RunInstancesOutput {
		out, err := c.RunInstances(ctx, &ec2.RunInstancesInput{
			ImageId: aws.String(ami), InstanceType: "t3.micro", MinCount: aws.Int32(2), MaxCount: aws.Int32(2),
			KeyName: aws.String("mykey"), SecurityGroupIds: []string{aws.ToString(sg.GroupId)},
			UserData:    aws.String(base64.StdEncoding.EncodeToString([]byte(userData))),
			ClientToken: aws.String("tok-123"),
			Placement:   &types.Placement{AvailabilityZone: aws.String("zone1")},
			TagSpecifications: []types.TagSpecification{
				{ResourceType: types.ResourceTypeInstance, Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String("web")}, {Key: aws.String("env"), Value: aws.String("dev")}}},
				{ResourceType: types.ResourceTypeVolume, Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String("webvol")}}},
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	r1 := run()
	r2 := run()
	if len(r1.Instances) != 2 || aws.ToString(r1.ReservationId) != aws.ToString(r2.ReservationId) ||
		strings.Join(instanceIDs(r1.Instances), ",") != strings.Join(instanceIDs(r2.Instances), ",") {
		t.Fatalf("client token not idempotent: %v %v / %v %v", aws.ToString(r1.ReservationId), instanceIDs(r1.Instances), aws.ToString(r2.ReservationId), instanceIDs(r2.Instances))
	}
	ids := instanceIDs(r1.Instances)
	all, err := e.svc.Instances(translate.NewContext(ctx, e.demo), translate.InstanceQuery{})
	if err != nil || len(all) != 2 {
		t.Fatalf("simulator has %d instances (%v), want 2", len(all), err)
	}

	w := ec2.NewInstanceRunningWaiter(c, func(o *ec2.InstanceRunningWaiterOptions) {
		o.MinDelay, o.MaxDelay = 10*time.Millisecond, 50*time.Millisecond
	})
	if err := w.Wait(ctx, &ec2.DescribeInstancesInput{InstanceIds: ids}, time.Minute); err != nil {
		t.Fatal(err)
	}

	desc, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: []types.Filter{
		{Name: aws.String("instance-state-name"), Values: []string{"running", "pending"}},
		{Name: aws.String("tag:Name"), Values: []string{"w?b"}},
		{Name: aws.String("instance-type"), Values: []string{"t3.micro"}},
		{Name: aws.String("availability-zone"), Values: []string{"zone1"}},
		{Name: aws.String("key-name"), Values: []string{"mykey"}},
		{Name: aws.String("image-id"), Values: []string{ami}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(desc.Reservations) != 1 || len(desc.Reservations[0].Instances) != 2 || aws.ToString(desc.Reservations[0].ReservationId) != aws.ToString(r1.ReservationId) {
		t.Fatalf("describe: %+v", desc.Reservations)
	}
	in := desc.Reservations[0].Instances[0]
	if in.State.Name != types.InstanceStateNameRunning || aws.ToInt32(in.State.Code) != 16 || aws.ToString(in.PrivateIpAddress) == "" ||
		aws.ToString(in.Placement.AvailabilityZone) != "zone1" || len(in.SecurityGroups) != 1 || aws.ToString(in.SecurityGroups[0].GroupId) != aws.ToString(sg.GroupId) ||
		in.LaunchTime == nil || aws.ToString(in.ClientToken) != "tok-123" {
		t.Fatalf("instance: %+v", in)
	}
	tags := map[string]string{}
	for _, tg := range in.Tags {
		tags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
	}
	if len(tags) != 2 || tags["Name"] != "web" || tags["env"] != "dev" {
		t.Fatalf("tags %v (reserved tags must not show)", tags)
	}
	none, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: []types.Filter{{Name: aws.String("tag-key"), Values: []string{"nope"}}}})
	if err != nil || len(none.Reservations) != 0 {
		t.Fatalf("tag-key filter: %+v %v", none, err)
	}

	// Volume tags from the TagSpecification.
	vols, err := c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{Filters: []types.Filter{{Name: aws.String("attachment.instance-id"), Values: []string{ids[0]}}}})
	if err != nil || len(vols.Volumes) != 1 {
		t.Fatalf("root volume: %+v %v", vols, err)
	}
	if len(vols.Volumes[0].Tags) != 1 || aws.ToString(vols.Volumes[0].Tags[0].Value) != "webvol" {
		t.Errorf("root volume tags %+v", vols.Volumes[0].Tags)
	}

	ud, err := c.DescribeInstanceAttribute(ctx, &ec2.DescribeInstanceAttributeInput{InstanceId: aws.String(ids[0]), Attribute: types.InstanceAttributeNameUserData})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := base64.StdEncoding.DecodeString(aws.ToString(ud.UserData.Value)); string(b) != userData {
		t.Fatalf("user data %q", b)
	}
	st, err := c.DescribeInstanceStatus(ctx, &ec2.DescribeInstanceStatusInput{InstanceIds: ids})
	if err != nil || len(st.InstanceStatuses) != 2 {
		t.Fatalf("status: %+v %v", st, err)
	}
	if out, err := c.GetConsoleOutput(ctx, &ec2.GetConsoleOutputInput{InstanceId: aws.String(ids[0])}); err != nil {
		t.Fatal(err)
	} else if _, err := base64.StdEncoding.DecodeString(aws.ToString(out.Output)); err != nil {
		t.Fatalf("console output not base64: %v", err)
	}
	if _, err := c.GetPasswordData(ctx, &ec2.GetPasswordDataInput{InstanceId: aws.String(ids[0])}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RebootInstances(ctx, &ec2.RebootInstancesInput{InstanceIds: ids[:1]}); err != nil {
		t.Fatal(err)
	}

	// Stop, change type, start.
	stop, err := c.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: ids[:1]})
	if err != nil {
		t.Fatal(err)
	}
	if sc := stop.StoppingInstances[0]; sc.PreviousState.Name != types.InstanceStateNameRunning ||
		(sc.CurrentState.Name != types.InstanceStateNameStopped && sc.CurrentState.Name != types.InstanceStateNameStopping) {
		t.Fatalf("stop: %+v %+v", sc.PreviousState, sc.CurrentState)
	}
	sw := ec2.NewInstanceStoppedWaiter(c, func(o *ec2.InstanceStoppedWaiterOptions) {
		o.MinDelay, o.MaxDelay = 10*time.Millisecond, 50*time.Millisecond
	})
	if err := sw.Wait(ctx, &ec2.DescribeInstancesInput{InstanceIds: ids[:1]}, time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ModifyInstanceAttribute(ctx, &ec2.ModifyInstanceAttributeInput{InstanceId: aws.String(ids[0]),
		InstanceType: &types.AttributeValue{Value: aws.String("t3.small")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ModifyInstanceAttribute(ctx, &ec2.ModifyInstanceAttributeInput{InstanceId: aws.String(ids[0]),
		UserData: &types.SecureBlobAttributeValue{Value: []byte("new data")}}); err != nil {
		t.Fatal(err)
	}
	typ, err := c.DescribeInstanceAttribute(ctx, &ec2.DescribeInstanceAttributeInput{InstanceId: aws.String(ids[0]), Attribute: types.InstanceAttributeNameInstanceType})
	if err != nil || aws.ToString(typ.InstanceType.Value) != "t3.small" {
		t.Fatalf("instance type after modify: %+v %v", typ, err)
	}
	start, err := c.StartInstances(ctx, &ec2.StartInstancesInput{InstanceIds: ids[:1]})
	if err != nil {
		t.Fatal(err)
	}
	if sc := start.StartingInstances[0]; sc.PreviousState.Name != types.InstanceStateNameStopped {
		t.Fatalf("start: %+v", sc.PreviousState)
	}
	if err := w.Wait(ctx, &ec2.DescribeInstancesInput{InstanceIds: ids[:1]}, time.Minute); err != nil {
		t.Fatal(err)
	}

	// Tags.
	if _, err := c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{ids[0], aws.ToString(sg.GroupId)},
		Tags: []types.Tag{{Key: aws.String("owner"), Value: aws.String("me")}, {Key: aws.String("empty"), Value: aws.String("")}}}); err != nil {
		t.Fatal(err)
	}
	dt, err := c.DescribeTags(ctx, &ec2.DescribeTagsInput{Filters: []types.Filter{{Name: aws.String("key"), Values: []string{"owner"}}}})
	if err != nil || len(dt.Tags) != 2 {
		t.Fatalf("describe tags: %+v %v", dt, err)
	}
	types2 := map[types.ResourceType]bool{}
	for _, tg := range dt.Tags {
		types2[tg.ResourceType] = true
	}
	if !types2[types.ResourceTypeInstance] || !types2[types.ResourceTypeSecurityGroup] {
		t.Fatalf("tag resource types %v", types2)
	}
	if _, err := c.DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: []string{ids[0]}, Tags: []types.Tag{{Key: aws.String("owner")}}}); err != nil {
		t.Fatal(err)
	}
	dt, err = c.DescribeTags(ctx, &ec2.DescribeTagsInput{Filters: []types.Filter{{Name: aws.String("key"), Values: []string{"owner"}}}})
	if err != nil || len(dt.Tags) != 1 {
		t.Fatalf("describe tags after delete: %+v %v", dt, err)
	}

	// Terminate and wait.
	term, err := c.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: ids})
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range term.TerminatingInstances {
		if sc.PreviousState.Name != types.InstanceStateNameRunning {
			t.Errorf("terminate previous state %+v", sc.PreviousState)
		}
	}
	tw := ec2.NewInstanceTerminatedWaiter(c, func(o *ec2.InstanceTerminatedWaiterOptions) {
		o.MinDelay, o.MaxDelay = 10*time.Millisecond, 50*time.Millisecond
	})
	if err := tw.Wait(ctx, &ec2.DescribeInstancesInput{InstanceIds: ids}, time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteKeyPair(ctx, &ec2.DeleteKeyPairInput{KeyName: aws.String("mykey")}); err != nil {
		t.Fatal(err)
	}
}

func TestSDKPaging(t *testing.T) {
	e := mustEnv(t)
	ctx := ctxT(t)
	c := e.ec2
	ami := debianImage(t, e)
	for _, tok := range []string{"a", "b"} {
		if _, err := c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(ami), InstanceType: "t3.micro",
			MinCount: aws.Int32(3), MaxCount: aws.Int32(3), ClientToken: aws.String(tok)}); err != nil {
			t.Fatal(err)
		}
	}
	p := ec2.NewDescribeInstancesPaginator(c, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(5)})
	var pages int
	seen := map[string]bool{}
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, r := range out.Reservations {
			for _, in := range r.Instances {
				if seen[aws.ToString(in.InstanceId)] {
					t.Fatalf("instance %s on two pages", aws.ToString(in.InstanceId))
				}
				seen[aws.ToString(in.InstanceId)] = true
			}
		}
	}
	if pages != 2 || len(seen) != 6 {
		t.Fatalf("pages=%d instances=%d, want 2 and 6", pages, len(seen))
	}
	_, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(3)})
	wantCode(t, err, "InvalidParameterValue")
	_, err = c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{NextToken: aws.String("garbage")})
	wantCode(t, err, "InvalidParameterValue")

	// Launch indexes number the instances of one reservation.
	out, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
	if err != nil || len(out.Reservations) != 2 {
		t.Fatalf("reservations: %v %v", out, err)
	}
	for _, r := range out.Reservations {
		var idx []int
		for _, in := range r.Instances {
			idx = append(idx, int(aws.ToInt32(in.AmiLaunchIndex)))
		}
		sort.Ints(idx)
		if len(idx) != 3 || idx[0] != 0 || idx[2] != 2 {
			t.Fatalf("launch indexes %v", idx)
		}
	}
}
