package conformance

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"golang.org/x/crypto/ssh"
)

func ec2KeyPairs() scenario {
	return scenario{
		name: "ec2/key-pairs", api: "ec2",
		ops: []string{"CreateKeyPair", "ImportKeyPair", "DescribeKeyPairs", "DeleteKeyPair"},
		run: func(t *scenarioT) {
			c := t.env.ec2
			name := t.env.name("key")
			t.Defer("delete key pair "+name, func(ctx context.Context) error {
				_, err := c.DeleteKeyPair(ctx, &ec2.DeleteKeyPairInput{KeyName: aws.String(name)})
				return ignoreEC2(err, "InvalidKeyPair.NotFound")
			})
			kp, err := c.CreateKeyPair(t.ctx, &ec2.CreateKeyPairInput{KeyName: aws.String(name)})
			t.Must(err, "CreateKeyPair")
			Equal(t, "KeyName", aws.ToString(kp.KeyName), name)
			t.Check(strings.HasPrefix(aws.ToString(kp.KeyMaterial), "-----BEGIN"), "KeyMaterial is not a PEM private key")
			t.Check(aws.ToString(kp.KeyFingerprint) != "", "KeyFingerprint missing")
			_, err = c.CreateKeyPair(t.ctx, &ec2.CreateKeyPairInput{KeyName: aws.String(name)})
			t.ExpectEC2(err, "InvalidKeyPair.Duplicate", "CreateKeyPair with a taken name")

			imported := t.env.name("imported")
			t.Defer("delete key pair "+imported, func(ctx context.Context) error {
				_, err := c.DeleteKeyPair(ctx, &ec2.DeleteKeyPairInput{KeyName: aws.String(imported)})
				return ignoreEC2(err, "InvalidKeyPair.NotFound")
			})
			pub := t.sshPublicKey()
			ik, err := c.ImportKeyPair(t.ctx, &ec2.ImportKeyPairInput{KeyName: aws.String(imported), PublicKeyMaterial: pub})
			t.Must(err, "ImportKeyPair")
			Equal(t, "imported KeyName", aws.ToString(ik.KeyName), imported)
			t.Check(aws.ToString(ik.KeyFingerprint) != "", "imported KeyFingerprint missing")
			_, err = c.ImportKeyPair(t.ctx, &ec2.ImportKeyPairInput{KeyName: aws.String(imported), PublicKeyMaterial: pub})
			t.ExpectEC2(err, "InvalidKeyPair.Duplicate", "ImportKeyPair with a taken name")

			out, err := c.DescribeKeyPairs(t.ctx, &ec2.DescribeKeyPairsInput{KeyNames: []string{name, imported}})
			t.Must(err, "DescribeKeyPairs")
			Equal(t, "key pairs described", len(out.KeyPairs), 2)
			byFilter, err := c.DescribeKeyPairs(t.ctx, &ec2.DescribeKeyPairsInput{Filters: []types.Filter{ec2Filter("key-name", imported)}})
			t.Must(err, "DescribeKeyPairs filter key-name")
			t.Check(len(byFilter.KeyPairs) == 1 && aws.ToString(byFilter.KeyPairs[0].KeyName) == imported, "filter key-name=%s returned %d", imported, len(byFilter.KeyPairs))

			_, err = c.DeleteKeyPair(t.ctx, &ec2.DeleteKeyPairInput{KeyName: aws.String(name)})
			t.Must(err, "DeleteKeyPair")
			_, err = c.DescribeKeyPairs(t.ctx, &ec2.DescribeKeyPairsInput{KeyNames: []string{name}})
			t.ExpectEC2(err, "InvalidKeyPair.NotFound", "DescribeKeyPairs of a deleted key")
		},
	}
}

// sshPublicKey returns a fresh RSA public key in authorized_keys format.
func (t *scenarioT) sshPublicKey() []byte {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	t.Must(err, "generate RSA key")
	pk, err := ssh.NewPublicKey(&k.PublicKey)
	t.Must(err, "ssh public key")
	return ssh.MarshalAuthorizedKey(pk)
}

func ec2SecurityGroups() scenario {
	return scenario{
		name: "ec2/security-groups", api: "ec2", needs: []string{capEC2SecurityGroups},
		ops: []string{"CreateSecurityGroup", "DescribeSecurityGroups", "AuthorizeSecurityGroupIngress", "RevokeSecurityGroupIngress", "DeleteSecurityGroup"},
		run: func(t *scenarioT) {
			c := t.env.ec2
			name := t.env.name("sg")
			sg, err := c.CreateSecurityGroup(t.ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String(name), Description: aws.String("cloudgate conformance")})
			t.Must(err, "CreateSecurityGroup")
			id := aws.ToString(sg.GroupId)
			t.Defer("delete security group "+id, func(ctx context.Context) error {
				_, err := c.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(id)})
				return ignoreEC2(err, "InvalidGroup.NotFound")
			})
			t.Check(strings.HasPrefix(id, "sg-"), "GroupId %q lacks sg- prefix", id)
			_, err = c.CreateSecurityGroup(t.ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String(name), Description: aws.String("dup")})
			t.ExpectEC2(err, "InvalidGroup.Duplicate", "CreateSecurityGroup with a taken name")

			perm := types.IpPermission{
				IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22),
				IpRanges: []types.IpRange{{CidrIp: aws.String("192.0.2.0/24")}},
			}
			_, err = c.AuthorizeSecurityGroupIngress(t.ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(id), IpPermissions: []types.IpPermission{perm}})
			t.Must(err, "AuthorizeSecurityGroupIngress")
			got := t.describeGroup(id)
			Equal(t, "GroupName", aws.ToString(got.GroupName), name)
			t.Check(hasIngress(got, "192.0.2.0/24", 22), "authorized rule tcp/22 from 192.0.2.0/24 not described: %+v", got.IpPermissions)
			_, err = c.AuthorizeSecurityGroupIngress(t.ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(id), IpPermissions: []types.IpPermission{perm}})
			t.ExpectEC2(err, "InvalidPermission.Duplicate", "AuthorizeSecurityGroupIngress of an existing rule")

			byName, err := c.DescribeSecurityGroups(t.ctx, &ec2.DescribeSecurityGroupsInput{Filters: []types.Filter{ec2Filter("group-name", name)}})
			t.Must(err, "DescribeSecurityGroups filter group-name")
			t.Check(len(byName.SecurityGroups) == 1 && aws.ToString(byName.SecurityGroups[0].GroupId) == id, "filter group-name=%s returned %d groups", name, len(byName.SecurityGroups))

			_, err = c.RevokeSecurityGroupIngress(t.ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: aws.String(id), IpPermissions: []types.IpPermission{perm}})
			t.Must(err, "RevokeSecurityGroupIngress")
			t.Check(!hasIngress(t.describeGroup(id), "192.0.2.0/24", 22), "revoked rule still described")

			_, err = c.DeleteSecurityGroup(t.ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(id)})
			t.Must(err, "DeleteSecurityGroup")
			_, err = c.DescribeSecurityGroups(t.ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{id}})
			t.ExpectEC2(err, "InvalidGroup.NotFound", "DescribeSecurityGroups of a deleted group")
		},
	}
}

func (t *scenarioT) describeGroup(id string) types.SecurityGroup {
	out, err := t.env.ec2.DescribeSecurityGroups(t.ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{id}})
	t.Must(err, "DescribeSecurityGroups GroupId.1")
	t.Check(len(out.SecurityGroups) == 1, "DescribeSecurityGroups %s returned %d groups", id, len(out.SecurityGroups))
	return out.SecurityGroups[0]
}

func hasIngress(g types.SecurityGroup, cidr string, port int32) bool {
	for _, p := range g.IpPermissions {
		if aws.ToString(p.IpProtocol) != "tcp" || aws.ToInt32(p.FromPort) != port || aws.ToInt32(p.ToPort) != port {
			continue
		}
		for _, r := range p.IpRanges {
			if aws.ToString(r.CidrIp) == cidr {
				return true
			}
		}
	}
	return false
}

func ec2VPCs() scenario {
	return scenario{
		name: "ec2/vpcs", api: "ec2", needs: []string{capEC2VPC},
		ops: []string{"DescribeVpcs", "CreateVpc", "CreateSubnet", "DescribeSubnets", "DeleteSubnet", "DeleteVpc"},
		run: func(t *scenarioT) {
			c := t.env.ec2
			cat := t.catalogEC2()
			vpcs, err := c.DescribeVpcs(t.ctx, &ec2.DescribeVpcsInput{})
			t.Must(err, "DescribeVpcs")
			for _, v := range vpcs.Vpcs {
				t.Check(strings.HasPrefix(aws.ToString(v.VpcId), "vpc-"), "VpcId %q lacks vpc- prefix", aws.ToString(v.VpcId))
				t.Check(aws.ToString(v.CidrBlock) != "", "vpc %s without CidrBlock", aws.ToString(v.VpcId))
			}
			vpc, err := c.CreateVpc(t.ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.77.0.0/16")})
			if ec2Unsupported(err) {
				t.Skipf("CreateVpc not supported: %s", describeErr(err))
			}
			t.Must(err, "CreateVpc")
			vpcID := aws.ToString(vpc.Vpc.VpcId)
			t.Defer("delete vpc "+vpcID, func(ctx context.Context) error {
				_, err := c.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: aws.String(vpcID)})
				return ignoreEC2(err, "InvalidVpcID.NotFound")
			})
			Equal(t, "CidrBlock", aws.ToString(vpc.Vpc.CidrBlock), "10.77.0.0/16")
			sub, err := c.CreateSubnet(t.ctx, &ec2.CreateSubnetInput{VpcId: aws.String(vpcID), CidrBlock: aws.String("10.77.1.0/24"), AvailabilityZone: aws.String(cat.zone)})
			t.Must(err, "CreateSubnet")
			subID := aws.ToString(sub.Subnet.SubnetId)
			t.Defer("delete subnet "+subID, func(ctx context.Context) error {
				_, err := c.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: aws.String(subID)})
				return ignoreEC2(err, "InvalidSubnetID.NotFound")
			})
			t.Check(strings.HasPrefix(subID, "subnet-"), "SubnetId %q lacks subnet- prefix", subID)
			subs, err := c.DescribeSubnets(t.ctx, &ec2.DescribeSubnetsInput{Filters: []types.Filter{ec2Filter("vpc-id", vpcID)}})
			t.Must(err, "DescribeSubnets filter vpc-id")
			t.Check(len(subs.Subnets) == 1 && aws.ToString(subs.Subnets[0].SubnetId) == subID, "filter vpc-id=%s returned %d subnets", vpcID, len(subs.Subnets))
			_, err = c.DeleteSubnet(t.ctx, &ec2.DeleteSubnetInput{SubnetId: aws.String(subID)})
			t.Must(err, "DeleteSubnet")
			_, err = c.DeleteVpc(t.ctx, &ec2.DeleteVpcInput{VpcId: aws.String(vpcID)})
			t.Must(err, "DeleteVpc")
			_, err = c.DescribeVpcs(t.ctx, &ec2.DescribeVpcsInput{VpcIds: []string{vpcID}})
			t.ExpectEC2(err, "InvalidVpcID.NotFound", "DescribeVpcs of a deleted VPC")
		},
	}
}

func ec2SecurityGroupEgress() scenario {
	return scenario{
		name: "ec2/security-groups/egress", api: "ec2", needs: []string{capEC2SecurityGroups},
		ops: []string{"CreateSecurityGroup", "AuthorizeSecurityGroupEgress", "DescribeSecurityGroupRules", "RevokeSecurityGroupEgress", "DeleteSecurityGroup"},
		run: func(t *scenarioT) {
			c := t.env.ec2
			sg, err := c.CreateSecurityGroup(t.ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String(t.env.name("egress")), Description: aws.String("cloudgate conformance")})
			t.Must(err, "CreateSecurityGroup")
			id := aws.ToString(sg.GroupId)
			t.Defer("delete security group "+id, func(ctx context.Context) error {
				_, err := c.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(id)})
				return ignoreEC2(err, "InvalidGroup.NotFound")
			})
			perm := types.IpPermission{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(443), ToPort: aws.Int32(443),
				IpRanges: []types.IpRange{{CidrIp: aws.String("198.51.100.0/24")}}}
			_, err = c.AuthorizeSecurityGroupEgress(t.ctx, &ec2.AuthorizeSecurityGroupEgressInput{GroupId: aws.String(id), IpPermissions: []types.IpPermission{perm}})
			t.Must(err, "AuthorizeSecurityGroupEgress")
			g := t.describeGroup(id)
			found := false
			for _, p := range g.IpPermissionsEgress {
				for _, r := range p.IpRanges {
					found = found || (aws.ToInt32(p.FromPort) == 443 && aws.ToString(r.CidrIp) == "198.51.100.0/24")
				}
			}
			t.Check(found, "egress rule tcp/443 to 198.51.100.0/24 not described: %+v", g.IpPermissionsEgress)
			rules, err := c.DescribeSecurityGroupRules(t.ctx, &ec2.DescribeSecurityGroupRulesInput{Filters: []types.Filter{ec2Filter("group-id", id)}})
			t.Must(err, "DescribeSecurityGroupRules filter group-id")
			found = false
			for _, r := range rules.SecurityGroupRules {
				Equal(t, "GroupId of a listed rule", aws.ToString(r.GroupId), id)
				found = found || (aws.ToBool(r.IsEgress) && aws.ToInt32(r.FromPort) == 443 && aws.ToString(r.CidrIpv4) == "198.51.100.0/24")
			}
			t.Check(found, "DescribeSecurityGroupRules lacks the egress rule: %d rules", len(rules.SecurityGroupRules))
			_, err = c.RevokeSecurityGroupEgress(t.ctx, &ec2.RevokeSecurityGroupEgressInput{GroupId: aws.String(id), IpPermissions: []types.IpPermission{perm}})
			t.Must(err, "RevokeSecurityGroupEgress")
			for _, p := range t.describeGroup(id).IpPermissionsEgress {
				for _, r := range p.IpRanges {
					t.Check(!(aws.ToInt32(p.FromPort) == 443 && aws.ToString(r.CidrIp) == "198.51.100.0/24"), "revoked egress rule still described")
				}
			}
		},
	}
}
