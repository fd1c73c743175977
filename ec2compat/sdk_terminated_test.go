package ec2compat_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/cloudgate/cloudgate/simulator"
)

// On CloudStack's default settings users neither expunge nor see destroyed
// VMs: a terminated instance is still described as terminated (from
// CloudStack's VM.DESTROY events), by id and in listings, with when it was
// terminated and nothing the gateway no longer knows.
func TestSDKTerminatedVisibleOnDefaults(t *testing.T) {
	seed, err := simulator.ProfileSeed(simulator.ProfileDemo)
	if err != nil {
		t.Fatal(err)
	}
	e := mustEnvWith(t, seed)
	ctx := ctxT(t)
	c := e.ec2
	id := launchOne(t, e, "gone-test")
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
			!strings.HasPrefix(aws.ToString(got.StateTransitionReason), "User initiated (") || got.LaunchTime != nil {
			t.Fatalf("terminated instance: id %s state %v reason %q launch %v", aws.ToString(got.InstanceId), got.State.Name,
				aws.ToString(got.StateTransitionReason), got.LaunchTime)
		}
	}
	_, err = c.StartInstances(ctx, &ec2.StartInstancesInput{InstanceIds: []string{id}})
	wantCode(t, err, "IncorrectInstanceState")
}
