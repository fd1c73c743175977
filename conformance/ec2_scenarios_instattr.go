package conformance

import (
	"context"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// ModifyInstanceAttribute, attribute by attribute (issue 16 §3.4): each
// either changes and reads back through DescribeInstanceAttribute, or is
// refused with EC2's error and nothing changes.

// instanceGroupIDs reads an instance's groups through both
// DescribeInstanceAttribute groupSet and DescribeInstances, checks they
// agree, and returns the sorted ids.
func (t *scenarioT) instanceGroupIDs(id string) []string {
	attr, err := t.env.ec2.DescribeInstanceAttribute(t.ctx, &ec2.DescribeInstanceAttributeInput{InstanceId: aws.String(id),
		Attribute: types.InstanceAttributeNameGroupSet})
	t.Must(err, "DescribeInstanceAttribute groupSet")
	var a []string
	for _, g := range attr.Groups {
		a = append(a, aws.ToString(g.GroupId))
	}
	sort.Strings(a)
	in, err := t.describeInstance(id)
	t.Must(err, "DescribeInstances")
	var b []string
	if in != nil {
		for _, g := range in.SecurityGroups {
			b = append(b, aws.ToString(g.GroupId))
		}
	}
	sort.Strings(b)
	Equal(t, "groupSet vs DescribeInstances groups", strings.Join(a, ","), strings.Join(b, ","))
	return a
}

// ec2ModifyInstanceGroups is `aws ec2 modify-instance-attribute --groups`:
// on an instance that has security groups, the new set reads back (or,
// where the cloud changes groups only on a stopped instance, a running
// one answers IncorrectInstanceState and keeps its groups); on one
// without (a zone without security groups) the change either reads back
// or is refused with UnsupportedOperation and nothing changes.
func ec2ModifyInstanceGroups() scenario {
	return scenario{
		name: "ec2/instances/modify-groups", api: "ec2",
		ops: []string{"CreateSecurityGroup", "RunInstances", "DescribeInstanceAttribute", "ModifyInstanceAttribute", "StopInstances",
			"DescribeInstances", "TerminateInstances", "DeleteSecurityGroup"},
		run: func(t *scenarioT) {
			c := t.env.ec2
			name := t.env.name("msg")
			sg, err := c.CreateSecurityGroup(t.ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String(name), Description: aws.String("cloudgate conformance")})
			t.Must(err, "CreateSecurityGroup")
			sgID := aws.ToString(sg.GroupId)
			t.Defer("delete security group "+sgID, func(ctx context.Context) error {
				return deleteGroupWhenFree(ctx, c, sgID)
			})
			id := aws.ToString(t.runEC2(1, nil)[0].InstanceId)
			t.waitInstance(id, types.InstanceStateNameRunning, "RunInstances")
			before := t.instanceGroupIDs(id)
			want := append([]string{sgID}, before...)
			sort.Strings(want)
			modify := func(groups []string) error {
				_, err := c.ModifyInstanceAttribute(t.ctx, &ec2.ModifyInstanceAttributeInput{InstanceId: aws.String(id), Groups: groups})
				return err
			}
			if len(before) == 0 {
				t.Step("instance has no security groups: the zone does not use them")
				_, err = c.StopInstances(t.ctx, &ec2.StopInstancesInput{InstanceIds: []string{id}})
				t.Must(err, "StopInstances")
				t.waitInstance(id, types.InstanceStateNameStopped, "StopInstances")
				if err := modify([]string{sgID}); err != nil {
					t.ExpectEC2(err, "UnsupportedOperation", "ModifyInstanceAttribute groupSet without security groups")
					Equal(t, "groups after a refused change", strings.Join(t.instanceGroupIDs(id), ","), "")
				} else {
					Equal(t, "groups after modify", strings.Join(t.instanceGroupIDs(id), ","), sgID)
				}
				return
			}
			switch err := modify(want); {
			case err == nil:
				Equal(t, "groups after modify (running)", strings.Join(t.instanceGroupIDs(id), ","), strings.Join(want, ","))
				t.Must(modify(before), "ModifyInstanceAttribute groupSet back")
			default:
				t.ExpectEC2(err, "IncorrectInstanceState", "ModifyInstanceAttribute groupSet of a running instance")
				Equal(t, "groups after a refused change", strings.Join(t.instanceGroupIDs(id), ","), strings.Join(before, ","))
			}
			_, err = c.StopInstances(t.ctx, &ec2.StopInstancesInput{InstanceIds: []string{id}})
			t.Must(err, "StopInstances")
			t.waitInstance(id, types.InstanceStateNameStopped, "StopInstances")
			t.ExpectEC2(modify([]string{sgID, t.unknownEC2ID("sg")}), "InvalidGroup.NotFound", "ModifyInstanceAttribute groupSet with an unknown group")
			Equal(t, "groups after a refused change", strings.Join(t.instanceGroupIDs(id), ","), strings.Join(before, ","))
			t.Must(modify(want), "ModifyInstanceAttribute groupSet (stopped)")
			Equal(t, "groups after modify", strings.Join(t.instanceGroupIDs(id), ","), strings.Join(want, ","))
			t.Must(modify([]string{sgID}), "ModifyInstanceAttribute groupSet to one group")
			Equal(t, "groups after modify", strings.Join(t.instanceGroupIDs(id), ","), sgID)
		},
	}
}

// ec2ModifyInstanceAttributes tries each other attribute with a value
// that differs from the default and with the default: success must read
// back the value, refusal must be UnsupportedOperation (or, for a value
// EC2 itself rejects, InvalidParameterValue) and leave the value as it was.
func ec2ModifyInstanceAttributes() scenario {
	return scenario{
		name: "ec2/instances/modify-attributes", api: "ec2",
		ops: []string{"RunInstances", "StopInstances", "ModifyInstanceAttribute", "DescribeInstanceAttribute", "TerminateInstances"},
		run: func(t *scenarioT) {
			c := t.env.ec2
			id := aws.ToString(t.runEC2(1, nil)[0].InstanceId)
			t.waitInstance(id, types.InstanceStateNameRunning, "RunInstances")
			_, err := c.StopInstances(t.ctx, &ec2.StopInstancesInput{InstanceIds: []string{id}})
			t.Must(err, "StopInstances")
			t.waitInstance(id, types.InstanceStateNameStopped, "StopInstances")
			boolOf := func(v *types.AttributeBooleanValue) string {
				if v == nil || v.Value == nil {
					return ""
				}
				if *v.Value {
					return "true"
				}
				return "false"
			}
			strOf := func(v *types.AttributeValue) string {
				if v == nil {
					return ""
				}
				return aws.ToString(v.Value)
			}
			read := func(a types.InstanceAttributeName) *ec2.DescribeInstanceAttributeOutput {
				out, err := c.DescribeInstanceAttribute(t.ctx, &ec2.DescribeInstanceAttributeInput{InstanceId: aws.String(id), Attribute: a})
				t.Must(err, "DescribeInstanceAttribute "+string(a))
				return out
			}
			for _, tc := range []struct {
				attr  types.InstanceAttributeName
				input func(v string) *ec2.ModifyInstanceAttributeInput
				get   func(*ec2.DescribeInstanceAttributeOutput) string
				vals  []string
			}{
				{types.InstanceAttributeNameSourceDestCheck,
					func(v string) *ec2.ModifyInstanceAttributeInput {
						return &ec2.ModifyInstanceAttributeInput{SourceDestCheck: &types.AttributeBooleanValue{Value: aws.Bool(v == "true")}}
					},
					func(o *ec2.DescribeInstanceAttributeOutput) string { return boolOf(o.SourceDestCheck) }, []string{"false", "true"}},
				{types.InstanceAttributeNameDisableApiStop,
					func(v string) *ec2.ModifyInstanceAttributeInput {
						return &ec2.ModifyInstanceAttributeInput{DisableApiStop: &types.AttributeBooleanValue{Value: aws.Bool(v == "true")}}
					},
					func(o *ec2.DescribeInstanceAttributeOutput) string { return boolOf(o.DisableApiStop) }, []string{"true", "false"}},
				{types.InstanceAttributeNameEbsOptimized,
					func(v string) *ec2.ModifyInstanceAttributeInput {
						return &ec2.ModifyInstanceAttributeInput{EbsOptimized: &types.AttributeBooleanValue{Value: aws.Bool(v == "true")}}
					},
					func(o *ec2.DescribeInstanceAttributeOutput) string { return boolOf(o.EbsOptimized) }, []string{"true", "false"}},
				{types.InstanceAttributeNameInstanceInitiatedShutdownBehavior,
					func(v string) *ec2.ModifyInstanceAttributeInput {
						return &ec2.ModifyInstanceAttributeInput{InstanceInitiatedShutdownBehavior: &types.AttributeValue{Value: aws.String(v)}}
					},
					func(o *ec2.DescribeInstanceAttributeOutput) string { return strOf(o.InstanceInitiatedShutdownBehavior) }, []string{"terminate", "stop"}},
				{types.InstanceAttributeNameDisableApiTermination,
					func(v string) *ec2.ModifyInstanceAttributeInput {
						return &ec2.ModifyInstanceAttributeInput{DisableApiTermination: &types.AttributeBooleanValue{Value: aws.Bool(v == "true")}}
					},
					func(o *ec2.DescribeInstanceAttributeOutput) string { return boolOf(o.DisableApiTermination) }, []string{"true", "false"}},
				{types.InstanceAttributeNameKernel,
					func(v string) *ec2.ModifyInstanceAttributeInput {
						return &ec2.ModifyInstanceAttributeInput{Kernel: &types.AttributeValue{Value: aws.String(v)}}
					},
					func(o *ec2.DescribeInstanceAttributeOutput) string { return strOf(o.KernelId) }, []string{"aki-0123456789abcdef0"}},
			} {
				for _, v := range tc.vals {
					before := tc.get(read(tc.attr))
					_, err := c.ModifyInstanceAttribute(t.ctx, withInstance(tc.input(v), id))
					if err == nil {
						Equal(t, string(tc.attr)+" after ModifyInstanceAttribute "+v, tc.get(read(tc.attr)), v)
						continue
					}
					if code := ec2Code(err); code != "UnsupportedOperation" && code != "InvalidParameterValue" && code != "InvalidKernelId.Malformed" {
						t.Fatalf("ModifyInstanceAttribute %s=%s: %s, want success or UnsupportedOperation", tc.attr, v, describeErr(err))
					}
					t.Check(strings.Contains(describeErr(err), string(tc.attr)), "refusal of %s=%s does not name it: %s", tc.attr, v, describeErr(err))
					Equal(t, string(tc.attr)+" after a refused change", tc.get(read(tc.attr)), before)
				}
			}
		},
	}
}

func withInstance(in *ec2.ModifyInstanceAttributeInput, id string) *ec2.ModifyInstanceAttributeInput {
	in.InstanceId = aws.String(id)
	return in
}
