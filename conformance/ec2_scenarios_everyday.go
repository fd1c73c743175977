package conformance

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// Everyday EC2 commands of issue 16 that no other scenario asserts: each
// one is read back as written or refused with EC2's error.

// ec2EverydayReadback covers `authorize-security-group-ingress` with a
// rule Description (read back) and `run-instances
// --block-device-mappings` with a data volume (refused, naming the
// device).
func ec2EverydayReadback() scenario {
	return scenario{
		name: "ec2/everyday-readback", api: "ec2", needs: []string{capEC2SecurityGroups},
		ops: []string{"CreateSecurityGroup", "AuthorizeSecurityGroupIngress", "DescribeSecurityGroups", "DeleteSecurityGroup",
			"RunInstances", "DescribeInstances"},
		run: func(t *scenarioT) {
			c := t.env.ec2
			sg, err := c.CreateSecurityGroup(t.ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String(t.env.name("evsg")), Description: aws.String("cloudgate conformance")})
			t.Must(err, "CreateSecurityGroup")
			id := aws.ToString(sg.GroupId)
			t.Defer("delete security group "+id, func(ctx context.Context) error {
				_, err := c.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(id)})
				return ignoreEC2(err, "InvalidGroup.NotFound")
			})
			perm := types.IpPermission{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22),
				IpRanges: []types.IpRange{{CidrIp: aws.String("203.0.113.0/24"), Description: aws.String("ssh from the office")}}}
			_, err = c.AuthorizeSecurityGroupIngress(t.ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(id), IpPermissions: []types.IpPermission{perm}})
			t.Must(err, "AuthorizeSecurityGroupIngress with a Description")
			desc := ""
			for _, p := range t.describeGroup(id).IpPermissions {
				for _, r := range p.IpRanges {
					if aws.ToString(r.CidrIp) == "203.0.113.0/24" {
						desc = aws.ToString(r.Description)
					}
				}
			}
			Equal(t, "rule Description", desc, "ssh from the office")

			// --block-device-mappings with a data volume: CloudStack deploys
			// at most one data disk, from a disk offering, with no device
			// name, so the gateway refuses a mapping other than the root
			// device, naming it, and launches nothing.
			before := t.instanceCount()
			_, err = t.runEC2E(1, func(in *ec2.RunInstancesInput) {
				in.BlockDeviceMappings = []types.BlockDeviceMapping{{DeviceName: aws.String("/dev/sdf"),
					Ebs: &types.EbsBlockDevice{VolumeSize: aws.Int32(2), DeleteOnTermination: aws.Bool(true)}}}
			})
			t.ExpectEC2(err, "InvalidParameterValue", "RunInstances --block-device-mappings /dev/sdf")
			t.Check(strings.Contains(ec2Message(err), "/dev/sdf"), "the refusal %q does not name /dev/sdf", ec2Message(err))
			Equal(t, "instances after a refused launch", t.instanceCount(), before)
		},
	}
}

// instanceCount is the number of instances DescribeInstances lists that
// are not terminated.
func (t *scenarioT) instanceCount() int {
	n := 0
	p := ec2.NewDescribeInstancesPaginator(t.env.ec2, &ec2.DescribeInstancesInput{})
	for p.HasMorePages() {
		out, err := p.NextPage(t.ctx)
		t.Must(err, "DescribeInstances")
		for _, r := range out.Reservations {
			for _, in := range r.Instances {
				if in.State == nil || in.State.Name != types.InstanceStateNameTerminated {
					n++
				}
			}
		}
	}
	return n
}
