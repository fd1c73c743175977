package conformance

import (
	"context"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// RunInstances settings a new user passes: each is read back as written
// or refused with EC2's error, and a refused launch creates nothing
// (issue 16, "no silently wrong answers").

// ec2TerminationProtection launches with DisableApiTermination, checks
// the attribute, that TerminateInstances answers OperationNotPermitted,
// then lifts the protection and terminates. It also checks the instance's
// reachable address and the private address asked for.
func ec2TerminationProtection() scenario {
	return scenario{
		name: "ec2/instances/termination-protection", api: "ec2",
		ops: []string{"RunInstances", "DescribeInstanceAttribute", "ModifyInstanceAttribute", "TerminateInstances", "DescribeInstances"},
		run: func(t *scenarioT) {
			c := t.env.ec2
			inst := t.runEC2(1, func(in *ec2.RunInstancesInput) { in.DisableApiTermination = aws.Bool(true) })[0]
			id := aws.ToString(inst.InstanceId)
			t.Defer("unprotect "+id, func(ctx context.Context) error {
				_, err := c.ModifyInstanceAttribute(ctx, &ec2.ModifyInstanceAttributeInput{InstanceId: aws.String(id),
					DisableApiTermination: &types.AttributeBooleanValue{Value: aws.Bool(false)}})
				return ignoreEC2(err, "InvalidInstanceID.NotFound")
			})
			got := t.waitInstance(id, types.InstanceStateNameRunning, "RunInstances")
			t.Check(aws.ToString(got.PublicIpAddress) != "",
				"an instance launched with the defaults has no PublicIpAddress (ssh has nothing to reach)")
			attr, err := c.DescribeInstanceAttribute(t.ctx, &ec2.DescribeInstanceAttributeInput{InstanceId: aws.String(id),
				Attribute: types.InstanceAttributeNameDisableApiTermination})
			t.Must(err, "DescribeInstanceAttribute disableApiTermination")
			t.Check(attr.DisableApiTermination != nil && aws.ToBool(attr.DisableApiTermination.Value), "disableApiTermination reads back false")
			_, err = c.TerminateInstances(t.ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{id}})
			t.ExpectEC2(err, "OperationNotPermitted", "TerminateInstances of a protected instance")
			now := t.waitInstance(id, types.InstanceStateNameRunning, "TerminateInstances")
			Equal(t, "state after a refused TerminateInstances", instanceState(now), types.InstanceStateNameRunning)
			_, err = c.ModifyInstanceAttribute(t.ctx, &ec2.ModifyInstanceAttributeInput{InstanceId: aws.String(id),
				DisableApiTermination: &types.AttributeBooleanValue{Value: aws.Bool(false)}})
			t.Must(err, "ModifyInstanceAttribute disableApiTermination=false")
			attr, err = c.DescribeInstanceAttribute(t.ctx, &ec2.DescribeInstanceAttributeInput{InstanceId: aws.String(id),
				Attribute: types.InstanceAttributeNameDisableApiTermination})
			t.Must(err, "DescribeInstanceAttribute disableApiTermination")
			t.Check(attr.DisableApiTermination != nil && !aws.ToBool(attr.DisableApiTermination.Value), "disableApiTermination still true")
			_, err = c.TerminateInstances(t.ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{id}})
			t.Must(err, "TerminateInstances after lifting the protection")
			t.waitInstance(id, types.InstanceStateNameTerminated, "TerminateInstances")
		},
	}
}

// ec2LaunchNetworkInterface launches with the CLI's shape for
// --associate-public-ip-address: SubnetId, a private address and
// AssociatePublicIpAddress=false inside NetworkInterface.1.
func ec2LaunchNetworkInterface() scenario {
	return scenario{
		name: "ec2/instances/network-interface", api: "ec2",
		ops: []string{"DescribeSubnets", "RunInstances", "DescribeInstances"},
		run: func(t *scenarioT) {
			c := t.env.ec2
			cat := t.catalogEC2()
			subs, err := c.DescribeSubnets(t.ctx, &ec2.DescribeSubnetsInput{Filters: []types.Filter{ec2Filter("availability-zone", cat.zone)}})
			t.Must(err, "DescribeSubnets")
			if len(subs.Subnets) == 0 {
				t.Skipf("no subnet in %s", cat.zone)
			}
			sub := subs.Subnets[0]
			probe := t.runEC2(1, func(in *ec2.RunInstancesInput) { in.SubnetId = sub.SubnetId })[0]
			ip := freeEC2Address(t, aws.ToString(sub.CidrBlock), aws.ToString(probe.PrivateIpAddress))
			inst := t.runEC2(1, func(in *ec2.RunInstancesInput) {
				in.Placement = nil
				in.NetworkInterfaces = []types.InstanceNetworkInterfaceSpecification{{DeviceIndex: aws.Int32(0),
					SubnetId: sub.SubnetId, PrivateIpAddress: aws.String(ip), AssociatePublicIpAddress: aws.Bool(false)}}
			})[0]
			got := t.waitInstance(aws.ToString(inst.InstanceId), types.InstanceStateNameRunning, "RunInstances")
			Equal(t, "SubnetId", aws.ToString(got.SubnetId), aws.ToString(sub.SubnetId))
			Equal(t, "PrivateIpAddress", aws.ToString(got.PrivateIpAddress), ip)
			Equal(t, "PublicIpAddress with AssociatePublicIpAddress=false", aws.ToString(got.PublicIpAddress), "")

			_, err = c.RunInstances(t.ctx, &ec2.RunInstancesInput{ImageId: aws.String(cat.imageID), InstanceType: types.InstanceType(cat.instanceType),
				MinCount: aws.Int32(1), MaxCount: aws.Int32(1), SubnetId: sub.SubnetId,
				NetworkInterfaces: []types.InstanceNetworkInterfaceSpecification{{DeviceIndex: aws.Int32(0), SubnetId: sub.SubnetId}}})
			t.ExpectEC2(err, "InvalidParameterCombination", "RunInstances with SubnetId and NetworkInterface.1")
		},
	}
}

// ec2RefusedLaunchSettings checks that launch settings CloudStack cannot
// honour are refused with EC2's error naming them and create nothing.
func ec2RefusedLaunchSettings() scenario {
	return scenario{
		name: "ec2/instances/refused-settings", api: "ec2",
		ops: []string{"RunInstances", "DescribeInstances"},
		run: func(t *scenarioT) {
			c := t.env.ec2
			cat := t.catalogEC2()
			for _, tc := range []struct {
				what, code, names string
				edit              func(*ec2.RunInstancesInput)
			}{
				{"--instance-initiated-shutdown-behavior terminate", "UnsupportedOperation", "InstanceInitiatedShutdownBehavior",
					func(in *ec2.RunInstancesInput) {
						in.InstanceInitiatedShutdownBehavior = types.ShutdownBehaviorTerminate
					}},
				{"--metadata-options HttpTokens=required", "UnsupportedOperation", "HttpTokens", func(in *ec2.RunInstancesInput) {
					in.MetadataOptions = &types.InstanceMetadataOptionsRequest{HttpTokens: types.HttpTokensStateRequired}
				}},
				{"--monitoring Enabled=true", "UnsupportedOperation", "Monitoring", func(in *ec2.RunInstancesInput) {
					in.Monitoring = &types.RunInstancesMonitoringEnabled{Enabled: aws.Bool(true)}
				}},
				{"--iam-instance-profile", "InvalidParameterValue", "iamInstanceProfile", func(in *ec2.RunInstancesInput) {
					in.IamInstanceProfile = &types.IamInstanceProfileSpecification{Name: aws.String("no-such-profile")}
				}},
				{"--instance-market-options spot", "UnsupportedOperation", "MarketType", func(in *ec2.RunInstancesInput) {
					in.InstanceMarketOptions = &types.InstanceMarketOptionsRequest{MarketType: types.MarketTypeSpot}
				}},
				{"--private-ip-address outside the subnet", "InvalidParameterValue", "", func(in *ec2.RunInstancesInput) {
					in.PrivateIpAddress = aws.String("203.0.113.250")
				}},
			} {
				in := &ec2.RunInstancesInput{ImageId: aws.String(cat.imageID), InstanceType: types.InstanceType(cat.instanceType),
					MinCount: aws.Int32(1), MaxCount: aws.Int32(1), Placement: &types.Placement{AvailabilityZone: aws.String(cat.zone)},
					TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeInstance,
						Tags: []types.Tag{{Key: aws.String("cgc-refused"), Value: aws.String(t.env.runID)}}}}}
				tc.edit(in)
				out, err := c.RunInstances(t.ctx, in)
				if err == nil {
					for _, i := range out.Instances {
						id := aws.ToString(i.InstanceId)
						t.Defer("terminate "+id, func(ctx context.Context) error {
							_, err := c.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{id}})
							return err
						})
					}
				}
				t.ExpectEC2(err, tc.code, "RunInstances with "+tc.what)
				t.Check(strings.Contains(ec2Message(err), tc.names), "RunInstances with %s: the error %q does not name %s", tc.what, ec2Message(err), tc.names)
			}
			left, err := c.DescribeInstances(t.ctx, &ec2.DescribeInstancesInput{Filters: []types.Filter{ec2Filter("tag:cgc-refused", t.env.runID)}})
			t.Must(err, "DescribeInstances")
			for _, id := range instanceIDs(left) {
				inst, _ := t.describeInstance(id)
				t.Check(instanceState(inst) == types.InstanceStateNameTerminated, "a refused RunInstances left instance %s", id)
			}
		},
	}
}

// ec2SettingsReadBack covers CreateSecurityGroup --vpc-id, CreateVolume
// --volume-type and DescribeKeyPairs --include-public-key.
func ec2SettingsReadBack() scenario {
	return scenario{
		name: "ec2/settings-readback", api: "ec2",
		ops: []string{"DescribeVpcs", "CreateSecurityGroup", "DescribeSecurityGroups", "CreateVolume", "DescribeKeyPairs", "CreateKeyPair"},
		run: func(t *scenarioT) {
			c := t.env.ec2
			cat := t.catalogEC2()
			// A group created in the default VPC reads the VPC back.
			vpcs, err := c.DescribeVpcs(t.ctx, &ec2.DescribeVpcsInput{Filters: []types.Filter{ec2Filter("is-default", "true")}})
			t.Must(err, "DescribeVpcs is-default")
			if len(vpcs.Vpcs) > 0 {
				vpc := aws.ToString(vpcs.Vpcs[0].VpcId)
				name := t.env.name("vpcsg")
				sg, err := c.CreateSecurityGroup(t.ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String(name),
					Description: aws.String("cloudgate conformance"), VpcId: aws.String(vpc)})
				t.Must(err, "CreateSecurityGroup --vpc-id")
				id := aws.ToString(sg.GroupId)
				t.Defer("delete security group "+id, func(ctx context.Context) error { return deleteGroupWhenFree(ctx, c, id) })
				got, err := c.DescribeSecurityGroups(t.ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{id}})
				t.Must(err, "DescribeSecurityGroups")
				t.Check(len(got.SecurityGroups) == 1, "DescribeSecurityGroups returned %d groups", len(got.SecurityGroups))
				Equal(t, "VpcId of a group created with --vpc-id", aws.ToString(got.SecurityGroups[0].VpcId), vpc)
			}

			// gp3 is served only by a disk offering named gp3; either it
			// reads back gp3 or it is refused, never "standard".
			vol, err := c.CreateVolume(t.ctx, &ec2.CreateVolumeInput{AvailabilityZone: aws.String(cat.zone), Size: aws.Int32(1), VolumeType: types.VolumeTypeGp3})
			if err == nil {
				vid := aws.ToString(vol.VolumeId)
				t.Defer("delete volume "+vid, func(ctx context.Context) error {
					_, err := c.DeleteVolume(ctx, &ec2.DeleteVolumeInput{VolumeId: aws.String(vid)})
					return err
				})
				Equal(t, "VolumeType of a gp3 volume", string(vol.VolumeType), "gp3")
			} else {
				t.ExpectEC2(err, "InvalidParameterValue", "CreateVolume --volume-type gp3")
				t.Check(strings.Contains(ec2Message(err), "gp3"), "the error %q does not name gp3", ec2Message(err))
			}

			key := t.env.name("pubkey")
			_, err = c.CreateKeyPair(t.ctx, &ec2.CreateKeyPairInput{KeyName: aws.String(key)})
			t.Must(err, "CreateKeyPair")
			t.Defer("delete key pair "+key, func(ctx context.Context) error {
				_, err := c.DeleteKeyPair(ctx, &ec2.DeleteKeyPairInput{KeyName: aws.String(key)})
				return err
			})
			kp, err := c.DescribeKeyPairs(t.ctx, &ec2.DescribeKeyPairsInput{KeyNames: []string{key}, IncludePublicKey: aws.Bool(true)})
			if err == nil {
				t.Check(len(kp.KeyPairs) == 1 && strings.HasPrefix(aws.ToString(kp.KeyPairs[0].PublicKey), "ssh-"),
					"DescribeKeyPairs --include-public-key answered without the key: %+v", kp.KeyPairs)
			} else {
				t.ExpectEC2(err, "UnsupportedOperation", "DescribeKeyPairs --include-public-key")
			}
		},
	}
}

// freeEC2Address picks a host address of cidr not used by any instance.
func freeEC2Address(t *scenarioT, cidr string, taken ...string) string {
	out, err := t.env.ec2.DescribeInstances(t.ctx, &ec2.DescribeInstancesInput{})
	t.Must(err, "DescribeInstances")
	for _, r := range out.Reservations {
		for _, i := range r.Instances {
			taken = append(taken, aws.ToString(i.PrivateIpAddress))
		}
	}
	return pickFreeAddress(t, cidr, "", taken...)
}

// ec2EverydayFixes covers common calls that failed wrongly (issue 16 §2):
// the t2.micro type of getting-started guides, DescribeVolumes with
// MaxResults 1000 (AWS caps it at 500) and the ip-permission.* filters.
func ec2EverydayFixes() scenario {
	return scenario{
		name: "ec2/everyday-fixes", api: "ec2", needs: []string{capEC2SecurityGroups},
		ops: []string{"DescribeInstanceTypes", "RunInstances", "DescribeVolumes", "CreateSecurityGroup", "AuthorizeSecurityGroupIngress", "DescribeSecurityGroups"},
		run: func(t *scenarioT) {
			c := t.env.ec2
			if _, err := c.DescribeInstanceTypes(t.ctx, &ec2.DescribeInstanceTypesInput{InstanceTypes: []types.InstanceType{types.InstanceTypeT2Micro}}); err == nil {
				inst := t.runEC2(1, func(in *ec2.RunInstancesInput) { in.InstanceType = types.InstanceTypeT2Micro })[0]
				got := t.waitInstance(aws.ToString(inst.InstanceId), types.InstanceStateNameRunning, "RunInstances")
				Equal(t, "InstanceType of a t2.micro launch", got.InstanceType, types.InstanceTypeT2Micro)
			}
			_, err := c.DescribeVolumes(t.ctx, &ec2.DescribeVolumesInput{MaxResults: aws.Int32(1000)})
			t.Must(err, "DescribeVolumes MaxResults=1000 (AWS caps it at 500)")

			name := t.env.name("permsg")
			sg, err := c.CreateSecurityGroup(t.ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String(name), Description: aws.String("filters")})
			t.Must(err, "CreateSecurityGroup")
			id := aws.ToString(sg.GroupId)
			t.Defer("delete security group "+id, func(ctx context.Context) error { return deleteGroupWhenFree(ctx, c, id) })
			_, err = c.AuthorizeSecurityGroupIngress(t.ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(id),
				IpPermissions: []types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(8443), ToPort: aws.Int32(8444),
					IpRanges: []types.IpRange{{CidrIp: aws.String("198.51.100.0/24")}}}}})
			t.Must(err, "AuthorizeSecurityGroupIngress")
			for _, f := range []types.Filter{ec2Filter("ip-permission.from-port", "8443"), ec2Filter("ip-permission.to-port", "8444"),
				ec2Filter("ip-permission.cidr", "198.51.100.0/24"), ec2Filter("ip-permission.protocol", "tcp")} {
				out, err := c.DescribeSecurityGroups(t.ctx, &ec2.DescribeSecurityGroupsInput{Filters: []types.Filter{f, ec2Filter("group-name", name)}})
				t.Must(err, "DescribeSecurityGroups filter "+aws.ToString(f.Name))
				t.Check(len(out.SecurityGroups) == 1, "filter %s=%s found %d groups", aws.ToString(f.Name), f.Values[0], len(out.SecurityGroups))
			}
			out, err := c.DescribeSecurityGroups(t.ctx, &ec2.DescribeSecurityGroupsInput{Filters: []types.Filter{
				ec2Filter("ip-permission.from-port", "9999"), ec2Filter("group-name", name)}})
			t.Must(err, "DescribeSecurityGroups filter ip-permission.from-port=9999")
			t.Check(len(out.SecurityGroups) == 0, "filter ip-permission.from-port=9999 found %d groups", len(out.SecurityGroups))
		},
	}
}

// ec2AccountLimits checks that DescribeAccountAttributes max-instances is
// the account's CloudStack VM limit (a number at least the instances in
// use), not a constant.
func ec2AccountLimits() scenario {
	return scenario{
		name: "ec2/account-limits", api: "ec2",
		ops: []string{"DescribeAccountAttributes"},
		run: func(t *scenarioT) {
			out, err := t.env.ec2.DescribeAccountAttributes(t.ctx, &ec2.DescribeAccountAttributesInput{
				AttributeNames: []types.AccountAttributeName{"max-instances"}})
			t.Must(err, "DescribeAccountAttributes max-instances")
			if len(out.AccountAttributes) == 0 {
				t.Skipf("the account has no VM limit")
			}
			vals := out.AccountAttributes[0].AttributeValues
			t.Check(len(vals) == 1, "max-instances has %d values", len(vals))
			n, err := strconv.Atoi(aws.ToString(vals[0].AttributeValue))
			t.Check(err == nil && n > 0, "max-instances = %q", aws.ToString(vals[0].AttributeValue))
		},
	}
}

// ec2InstanceSettingsExtras covers DescribeInstanceTypeOfferings (the
// discovered type is offered in the discovered zone), DescribeVolumeStatus
// and DescribeVolumeAttribute.
func ec2InstanceSettingsExtras() scenario {
	return scenario{
		name: "ec2/type-offerings-volume-status", api: "ec2",
		ops: []string{"DescribeInstanceTypeOfferings", "CreateVolume", "DescribeVolumeStatus", "DescribeVolumeAttribute", "DeleteVolume"},
		run: func(t *scenarioT) {
			c := t.env.ec2
			cat := t.catalogEC2()
			offs, err := c.DescribeInstanceTypeOfferings(t.ctx, &ec2.DescribeInstanceTypeOfferingsInput{
				LocationType: types.LocationTypeAvailabilityZone,
				Filters:      []types.Filter{ec2Filter("instance-type", cat.instanceType), ec2Filter("location", cat.zone)}})
			t.Must(err, "DescribeInstanceTypeOfferings")
			t.Check(len(offs.InstanceTypeOfferings) == 1, "%s is offered %d times in %s", cat.instanceType, len(offs.InstanceTypeOfferings), cat.zone)
			_, err = c.DescribeInstanceTypeOfferings(t.ctx, &ec2.DescribeInstanceTypeOfferingsInput{LocationType: "planet"})
			t.ExpectEC2(err, "InvalidParameterValue", "DescribeInstanceTypeOfferings LocationType=planet")

			vol, err := c.CreateVolume(t.ctx, &ec2.CreateVolumeInput{AvailabilityZone: aws.String(cat.zone), Size: aws.Int32(1)})
			t.Must(err, "CreateVolume")
			id := aws.ToString(vol.VolumeId)
			t.Defer("delete volume "+id, func(ctx context.Context) error {
				_, err := c.DeleteVolume(ctx, &ec2.DeleteVolumeInput{VolumeId: aws.String(id)})
				return ignoreEC2(err, "InvalidVolume.NotFound")
			})
			st, err := c.DescribeVolumeStatus(t.ctx, &ec2.DescribeVolumeStatusInput{VolumeIds: []string{id}})
			t.Must(err, "DescribeVolumeStatus")
			t.Check(len(st.VolumeStatuses) == 1 && st.VolumeStatuses[0].VolumeStatus != nil &&
				st.VolumeStatuses[0].VolumeStatus.Status == types.VolumeStatusInfoStatusOk, "volume status %s", jsonOf(st.VolumeStatuses))
			attr, err := c.DescribeVolumeAttribute(t.ctx, &ec2.DescribeVolumeAttributeInput{VolumeId: aws.String(id), Attribute: types.VolumeAttributeNameAutoEnableIO})
			t.Must(err, "DescribeVolumeAttribute autoEnableIO")
			t.Check(attr.AutoEnableIO != nil && !aws.ToBool(attr.AutoEnableIO.Value), "autoEnableIO %s", jsonOf(attr.AutoEnableIO))
			_, err = c.DescribeVolumeStatus(t.ctx, &ec2.DescribeVolumeStatusInput{VolumeIds: []string{t.unknownEC2ID("vol")}})
			t.ExpectEC2(err, "InvalidVolume.NotFound", "DescribeVolumeStatus of an unknown volume")
		},
	}
}
