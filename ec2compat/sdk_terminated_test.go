package ec2compat_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/cloudgate/cloudgate/simulator"
)

// On CloudStack's default settings users neither expunge nor see destroyed
// VMs: a terminated instance is still described as terminated (from
// CloudStack's VM.DESTROY events), by id and in listings, with when it was
// terminated and, from the destroyed VM's tags (listed to its owner until
// expunge), its tags and the launch time, type, image and zone Launch
// recorded (translate.LaunchRecordTag).
func TestSDKTerminatedVisibleOnDefaults(t *testing.T) {
	seed, err := simulator.ProfileSeed(simulator.ProfileDemo)
	if err != nil {
		t.Fatal(err)
	}
	e := mustEnvWith(t, seed)
	ctx := ctxT(t)
	c := e.ec2
	image := debianImage(t, e)
	run, err := c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(image), InstanceType: "t3.micro",
		MinCount: aws.Int32(1), MaxCount: aws.Int32(1), ClientToken: aws.String("gone-test"),
		TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeInstance,
			Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String("gone")}}}}})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(run.Instances[0].InstanceId)
	running, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}})
	if err != nil {
		t.Fatal(err)
	}
	launched := aws.ToTime(running.Reservations[0].Instances[0].LaunchTime)
	if _, err := c.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{id}}); err != nil {
		t.Fatal(err)
	}
	for _, in := range []*ec2.DescribeInstancesInput{
		{InstanceIds: []string{id}},
		{Filters: []types.Filter{{Name: aws.String("instance-state-name"), Values: []string{"terminated"}}}},
	} {
		out, err := c.DescribeInstances(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Reservations) != 1 || len(out.Reservations[0].Instances) != 1 {
			t.Fatalf("describe %+v: %+v", in, out.Reservations)
		}
		got := out.Reservations[0].Instances[0]
		if aws.ToString(got.InstanceId) != id || got.State.Name != types.InstanceStateNameTerminated ||
			!strings.HasPrefix(aws.ToString(got.StateTransitionReason), "User initiated (") {
			t.Fatalf("terminated instance: id %s state %v reason %q", aws.ToString(got.InstanceId), got.State.Name,
				aws.ToString(got.StateTransitionReason))
		}
		// What AWS always returns for a terminated instance, read back from
		// Launch's record tag (CloudStack hides the Destroyed VM itself).
		// The record holds the gateway's clock when the deploy began: within
		// seconds of CloudStack's creation time the running view shows.
		lt := aws.ToTime(got.LaunchTime)
		if got.LaunchTime == nil || lt.After(launched.Add(5*time.Second)) || lt.Before(launched.Add(-5*time.Second)) ||
			got.InstanceType != "t3.micro" || aws.ToString(got.ImageId) != image {
			t.Fatalf("terminated instance: launch %v (running view %v) type %q image %q (want %q)", got.LaunchTime, launched,
				got.InstanceType, aws.ToString(got.ImageId), image)
		}
		if aws.ToString(got.Placement.AvailabilityZone) != aws.ToString(running.Reservations[0].Instances[0].Placement.AvailabilityZone) {
			t.Fatalf("terminated instance zone %q", aws.ToString(got.Placement.AvailabilityZone))
		}
		if len(got.Tags) != 1 || aws.ToString(got.Tags[0].Key) != "Name" || aws.ToString(got.Tags[0].Value) != "gone" {
			t.Fatalf("terminated instance tags %+v", got.Tags)
		}
	}
	_, err = c.StartInstances(ctx, &ec2.StartInstancesInput{InstanceIds: []string{id}})
	wantCode(t, err, "IncorrectInstanceState")
}
