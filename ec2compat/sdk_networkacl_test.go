package ec2compat_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// TestNetworkACLEntries replays what Terraform's aws_network_acl,
// aws_network_acl_rule and aws_network_acl_association do, onto a VPC's
// own CloudStack ACL list: create the list (idempotent with its client
// token), add rules and read them back, move a tier onto it, refuse what
// CloudStack cannot do (a rule number the other direction uses, rules on
// the default network ACL or the system lists, deleting a list in use).
func TestNetworkACLEntries(t *testing.T) {
	e := mustEnvWith(t, isolatedSeed(t))
	c, ctx := e.ec2, ctxT(t)
	vpc := must[*ec2.CreateVpcOutput](t)(c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.85.0.0/16")}))
	vid := aws.ToString(vpc.Vpc.VpcId)
	sub := must[*ec2.CreateSubnetOutput](t)(c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String(vid), CidrBlock: aws.String("10.85.1.0/24")}))
	sid := aws.ToString(sub.Subnet.SubnetId)

	acl := must[*ec2.CreateNetworkAclOutput](t)(c.CreateNetworkAcl(ctx, &ec2.CreateNetworkAclInput{VpcId: aws.String(vid), ClientToken: aws.String("tok-1")}))
	id := aws.ToString(acl.NetworkAcl.NetworkAclId)
	again := must[*ec2.CreateNetworkAclOutput](t)(c.CreateNetworkAcl(ctx, &ec2.CreateNetworkAclInput{VpcId: aws.String(vid), ClientToken: aws.String("tok-1")}))
	if aws.ToString(again.NetworkAcl.NetworkAclId) != id {
		t.Fatalf("retry with the same client token made %s, first %s", aws.ToString(again.NetworkAcl.NetworkAclId), id)
	}
	_, err := c.CreateNetworkAcl(ctx, &ec2.CreateNetworkAclInput{VpcId: aws.String(vid), TagSpecifications: []types.TagSpecification{
		{ResourceType: types.ResourceTypeNetworkAcl, Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String("x")}}}}})
	wantCode(t, err, "UnsupportedOperation")

	must[*ec2.CreateNetworkAclEntryOutput](t)(c.CreateNetworkAclEntry(ctx, &ec2.CreateNetworkAclEntryInput{NetworkAclId: aws.String(id),
		RuleNumber: aws.Int32(100), Protocol: aws.String("6"), RuleAction: types.RuleActionAllow, Egress: aws.Bool(false),
		CidrBlock: aws.String("10.0.0.0/8"), PortRange: &types.PortRange{From: aws.Int32(22), To: aws.Int32(22)}}))
	_, err = c.CreateNetworkAclEntry(ctx, &ec2.CreateNetworkAclEntryInput{NetworkAclId: aws.String(id), RuleNumber: aws.Int32(100),
		Protocol: aws.String("-1"), RuleAction: types.RuleActionAllow, Egress: aws.Bool(false), CidrBlock: aws.String("0.0.0.0/0")})
	wantCode(t, err, "NetworkAclEntryAlreadyExists")
	_, err = c.CreateNetworkAclEntry(ctx, &ec2.CreateNetworkAclEntryInput{NetworkAclId: aws.String(id), RuleNumber: aws.Int32(100),
		Protocol: aws.String("-1"), RuleAction: types.RuleActionAllow, Egress: aws.Bool(true), CidrBlock: aws.String("0.0.0.0/0")})
	wantCode(t, err, "InvalidParameterValue") // CloudStack numbers rules per list
	must[*ec2.CreateNetworkAclEntryOutput](t)(c.CreateNetworkAclEntry(ctx, &ec2.CreateNetworkAclEntryInput{NetworkAclId: aws.String(id),
		RuleNumber: aws.Int32(110), Protocol: aws.String("-1"), RuleAction: types.RuleActionAllow, Egress: aws.Bool(true), CidrBlock: aws.String("0.0.0.0/0")}))

	read := must[*ec2.DescribeNetworkAclsOutput](t)(c.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{NetworkAclIds: []string{id}}))
	a := read.NetworkAcls[0]
	if aws.ToBool(a.IsDefault) || aws.ToString(a.VpcId) != vid {
		t.Fatalf("network ACL %+v", a)
	}
	var ssh, out bool
	for _, en := range a.Entries {
		switch aws.ToInt32(en.RuleNumber) {
		case 100:
			ssh = !aws.ToBool(en.Egress) && aws.ToString(en.Protocol) == "6" && en.RuleAction == types.RuleActionAllow &&
				aws.ToString(en.CidrBlock) == "10.0.0.0/8" && en.PortRange != nil && aws.ToInt32(en.PortRange.From) == 22 && aws.ToInt32(en.PortRange.To) == 22
		case 110:
			out = aws.ToBool(en.Egress) && aws.ToString(en.Protocol) == "-1" && en.RuleAction == types.RuleActionAllow
		}
	}
	if !ssh || !out {
		t.Fatalf("entries read back: %+v", a.Entries)
	}
	byPort := must[*ec2.DescribeNetworkAclsOutput](t)(c.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{Filters: []types.Filter{
		{Name: aws.String("entry.port-range.from"), Values: []string{"22"}}, {Name: aws.String("vpc-id"), Values: []string{vid}}}}))
	if len(byPort.NetworkAcls) != 1 || aws.ToString(byPort.NetworkAcls[0].NetworkAclId) != id {
		t.Fatalf("entry.port-range.from=22: %+v", byPort.NetworkAcls)
	}
	nat := must[*ec2.DescribeRouteTablesOutput](t)(c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: []types.Filter{
		{Name: aws.String("route.nat-gateway-id"), Values: []string{"*"}}}}))
	if len(nat.RouteTables) != 0 {
		t.Fatalf("route tables with NAT gateway routes: %+v", nat.RouteTables)
	}

	// aws_network_acl_association: the tier moves from the VPC's default
	// network ACL onto the list.
	def := must[*ec2.DescribeNetworkAclsOutput](t)(c.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{Filters: []types.Filter{
		{Name: aws.String("association.subnet-id"), Values: []string{sid}}}}))
	assoc := aws.ToString(def.NetworkAcls[0].Associations[0].NetworkAclAssociationId)
	defID := aws.ToString(def.NetworkAcls[0].NetworkAclId)
	must[*ec2.ReplaceNetworkAclAssociationOutput](t)(c.ReplaceNetworkAclAssociation(ctx, &ec2.ReplaceNetworkAclAssociationInput{
		AssociationId: aws.String(assoc), NetworkAclId: aws.String(id)}))
	on := must[*ec2.DescribeNetworkAclsOutput](t)(c.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{Filters: []types.Filter{
		{Name: aws.String("association.subnet-id"), Values: []string{sid}}}}))
	if aws.ToString(on.NetworkAcls[0].NetworkAclId) != id {
		t.Fatalf("tier on %s, want %s", aws.ToString(on.NetworkAcls[0].NetworkAclId), id)
	}
	_, err = c.DeleteNetworkAcl(ctx, &ec2.DeleteNetworkAclInput{NetworkAclId: aws.String(id)})
	wantCode(t, err, "DependencyViolation")

	// What has no list of the VPC's own behind it cannot change.
	_, err = c.CreateNetworkAclEntry(ctx, &ec2.CreateNetworkAclEntryInput{NetworkAclId: aws.String(defID), RuleNumber: aws.Int32(100),
		Protocol: aws.String("-1"), RuleAction: types.RuleActionAllow, Egress: aws.Bool(false), CidrBlock: aws.String("0.0.0.0/0")})
	wantCode(t, err, "UnsupportedOperation")
	_, err = c.DeleteNetworkAcl(ctx, &ec2.DeleteNetworkAclInput{NetworkAclId: aws.String(defID)})
	wantCode(t, err, "InvalidParameterValue")

	must[*ec2.DeleteNetworkAclEntryOutput](t)(c.DeleteNetworkAclEntry(ctx, &ec2.DeleteNetworkAclEntryInput{NetworkAclId: aws.String(id),
		RuleNumber: aws.Int32(100), Egress: aws.Bool(false)}))
	_, err = c.DeleteNetworkAclEntry(ctx, &ec2.DeleteNetworkAclEntryInput{NetworkAclId: aws.String(id), RuleNumber: aws.Int32(100), Egress: aws.Bool(false)})
	wantCode(t, err, "InvalidNetworkAclEntry.NotFound")

	// Destroy: the tier goes with its subnet, then the list.
	must[*ec2.DeleteSubnetOutput](t)(c.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: aws.String(sid)}))
	must[*ec2.DeleteNetworkAclOutput](t)(c.DeleteNetworkAcl(ctx, &ec2.DeleteNetworkAclInput{NetworkAclId: aws.String(id)}))
	_, err = c.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{NetworkAclIds: []string{id}})
	wantCode(t, err, "InvalidNetworkAclID.NotFound")
	must[*ec2.DeleteVpcOutput](t)(c.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: aws.String(vid)}))
}

// TestCreateNetworkAclBadVPC: a VPC id that decodes to no CloudStack VPC
// is InvalidVpcID.NotFound, whatever its shape.
func TestCreateNetworkAclBadVPC(t *testing.T) {
	e := mustEnvWith(t, isolatedSeed(t))
	c, ctx := e.ec2, ctxT(t)
	for _, id := range []string{"vpc-z616263", "vpc-0123456789abcdef0"} {
		_, err := c.CreateNetworkAcl(ctx, &ec2.CreateNetworkAclInput{VpcId: aws.String(id)})
		wantCode(t, err, "InvalidVpcID.NotFound")
	}
}
