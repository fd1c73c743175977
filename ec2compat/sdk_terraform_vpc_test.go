package ec2compat_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// TestTerraformVPCReplay replays the Terraform AWS provider's (5.x)
// calls for aws_vpc, aws_subnet and the data sources aws_route_table,
// aws_internet_gateway and aws_network_acls. resourceVPCRead reads
// DescribeVpcs, the three DescribeVpcAttribute calls, then
// findVPCMainRouteTable (DescribeRouteTables vpc-id +
// association.main=true), findVPCDefaultNetworkACL (DescribeNetworkAcls
// vpc-id + default=true) and findVPCDefaultSecurityGroup
// (DescribeSecurityGroups vpc-id + group-name=default).
func TestTerraformVPCReplay(t *testing.T) {
	e := mustEnvWith(t, isolatedSeed(t))
	c, ctx := e.ec2, ctxT(t)

	read := func(vpcID string) (rtb, acl string, sgs int) {
		t.Helper()
		v := must[*ec2.DescribeVpcsOutput](t)(c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{vpcID}}))
		if len(v.Vpcs) != 1 || v.Vpcs[0].State != types.VpcStateAvailable {
			t.Fatalf("DescribeVpcs %s: %+v", vpcID, v.Vpcs)
		}
		for _, a := range []types.VpcAttributeName{types.VpcAttributeNameEnableDnsSupport, types.VpcAttributeNameEnableDnsHostnames,
			types.VpcAttributeNameEnableNetworkAddressUsageMetrics} {
			out := must[*ec2.DescribeVpcAttributeOutput](t)(c.DescribeVpcAttribute(ctx, &ec2.DescribeVpcAttributeInput{VpcId: aws.String(vpcID), Attribute: a}))
			var got *types.AttributeBooleanValue
			switch a {
			case types.VpcAttributeNameEnableDnsSupport:
				got = out.EnableDnsSupport
			case types.VpcAttributeNameEnableDnsHostnames:
				got = out.EnableDnsHostnames
			default:
				got = out.EnableNetworkAddressUsageMetrics
			}
			if got == nil || got.Value == nil {
				t.Fatalf("DescribeVpcAttribute %s %s: no value", vpcID, a)
			}
		}
		rts := must[*ec2.DescribeRouteTablesOutput](t)(c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: []types.Filter{
			{Name: aws.String("association.main"), Values: []string{"true"}}, {Name: aws.String("vpc-id"), Values: []string{vpcID}}}}))
		if len(rts.RouteTables) != 1 {
			t.Fatalf("main route table of %s: %+v", vpcID, rts.RouteTables)
		}
		acls := must[*ec2.DescribeNetworkAclsOutput](t)(c.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{Filters: []types.Filter{
			{Name: aws.String("default"), Values: []string{"true"}}, {Name: aws.String("vpc-id"), Values: []string{vpcID}}}}))
		if len(acls.NetworkAcls) != 1 || !aws.ToBool(acls.NetworkAcls[0].IsDefault) {
			t.Fatalf("default network ACL of %s: %+v", vpcID, acls.NetworkAcls)
		}
		sg, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []types.Filter{
			{Name: aws.String("group-name"), Values: []string{"default"}}, {Name: aws.String("vpc-id"), Values: []string{vpcID}}}})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(rts.RouteTables[0].RouteTableId), aws.ToString(acls.NetworkAcls[0].NetworkAclId), len(sg.SecurityGroups)
	}

	// data "aws_vpc" { default = true } and its main route table.
	dv := must[*ec2.DescribeVpcsOutput](t)(c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []types.Filter{{Name: aws.String("isDefault"), Values: []string{"true"}}}}))
	read(aws.ToString(dv.Vpcs[0].VpcId))

	// resource "aws_vpc" { cidr_block = "10.70.0.0/16"; enable_dns_hostnames = true }
	vpc := must[*ec2.CreateVpcOutput](t)(c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.70.0.0/16"),
		TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeVpc, Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String("tf-vpc")}}}}}))
	vid := aws.ToString(vpc.Vpc.VpcId)
	must[*ec2.ModifyVpcAttributeOutput](t)(c.ModifyVpcAttribute(ctx, &ec2.ModifyVpcAttributeInput{VpcId: aws.String(vid),
		EnableDnsHostnames: &types.AttributeBooleanValue{Value: aws.Bool(true)}}))
	rtb, acl, sgs := read(vid)
	// A CloudStack VPC has no security groups (its tiers are filtered by
	// network ACLs): the provider's default security group lookup finds
	// none, and the gateway does not pretend otherwise.
	if sgs != 0 {
		t.Fatalf("default security groups of a CloudStack VPC: %d", sgs)
	}

	// resource "aws_subnet" { vpc_id = aws_vpc.x.id; cidr_block = "10.70.1.0/24" }
	sub := must[*ec2.CreateSubnetOutput](t)(c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String(vid), CidrBlock: aws.String("10.70.1.0/24")}))
	sid := aws.ToString(sub.Subnet.SubnetId)
	sn := must[*ec2.DescribeSubnetsOutput](t)(c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{sid}}))
	if len(sn.Subnets) != 1 || aws.ToString(sn.Subnets[0].CidrBlock) != "10.70.1.0/24" || aws.ToString(sn.Subnets[0].VpcId) != vid {
		t.Fatalf("subnet read back: %+v", sn.Subnets)
	}

	// data "aws_route_table" { subnet_id = aws_subnet.x.id } (filter
	// association.subnet-id), aws_default_route_table (by id), data
	// "aws_internet_gateway" (filter attachment.vpc-id), data
	// "aws_network_acls" (filter vpc-id).
	bySub := must[*ec2.DescribeRouteTablesOutput](t)(c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: []types.Filter{
		{Name: aws.String("association.subnet-id"), Values: []string{sid}}}}))
	if len(bySub.RouteTables) != 1 || aws.ToString(bySub.RouteTables[0].RouteTableId) != rtb {
		t.Fatalf("route table of %s: %+v", sid, bySub.RouteTables)
	}
	must[*ec2.DescribeRouteTablesOutput](t)(c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{RouteTableIds: []string{rtb}}))
	igw := must[*ec2.DescribeInternetGatewaysOutput](t)(c.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{Filters: []types.Filter{
		{Name: aws.String("attachment.vpc-id"), Values: []string{vid}}}}))
	if len(igw.InternetGateways) != 1 {
		t.Fatalf("internet gateway of %s: %+v", vid, igw.InternetGateways)
	}
	acls := must[*ec2.DescribeNetworkAclsOutput](t)(c.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{NetworkAclIds: []string{acl}}))
	a := acls.NetworkAcls[0]
	if len(a.Associations) != 1 || aws.ToString(a.Associations[0].SubnetId) != sid {
		t.Fatalf("default network ACL associations: %+v", a.Associations)
	}
	// CloudStack's VPC router, for a tier without an ACL list: ingress
	// denied, egress allowed.
	var in, out []string
	for _, en := range a.Entries {
		s := aws.ToString(en.Protocol) + " " + string(en.RuleAction)
		if aws.ToBool(en.Egress) {
			out = append(out, s)
		} else {
			in = append(in, s)
		}
	}
	if len(in) != 1 || in[0] != "-1 deny" || len(out) != 2 || out[0] != "-1 allow" {
		t.Fatalf("default network ACL entries: in %v out %v", in, out)
	}

	// terraform destroy.
	must[*ec2.DeleteSubnetOutput](t)(c.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: aws.String(sid)}))
	must[*ec2.DeleteVpcOutput](t)(c.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: aws.String(vid)}))
}

// TestNetworkACLLists: a tier CloudStack gave an ACL list (here the
// operator made it with the system list default_allow) is associated
// with that list's network ACL, whose entries are the list's items.
func TestNetworkACLLists(t *testing.T) {
	e := mustEnvWith(t, isolatedSeed(t))
	c, ctx := e.ec2, ctxT(t)
	vpc := must[*ec2.CreateVpcOutput](t)(c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.80.0.0/16")}))
	vid := aws.ToString(vpc.Vpc.VpcId)
	h := vid[4:]
	csVPC := h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
	lists := e.simAdminJSON(t, map[string]string{"command": "listNetworkACLLists", "name": "default_allow"})
	allow := lists["networkacllist"].([]any)[0].(map[string]any)["id"].(string)
	offs := e.simAdminJSON(t, map[string]string{"command": "listNetworkOfferings", "forvpc": "true"})
	off := offs["networkoffering"].([]any)[0].(map[string]any)["id"].(string)
	zones := e.simAdminJSON(t, map[string]string{"command": "listZones"})
	zone := zones["zone"].([]any)[0].(map[string]any)["id"].(string)
	n := e.simAdminJSON(t, map[string]string{"command": "createNetwork", "account": "demo", "domainid": e.demo.DomainID, "name": "acl-tier",
		"displaytext": "acl-tier", "networkofferingid": off, "zoneid": zone, "vpcid": csVPC, "gateway": "10.80.2.1",
		"netmask": "255.255.255.0", "aclid": allow})
	tier := "subnet-" + strings.ReplaceAll(n["network"].(map[string]any)["id"].(string), "-", "")

	acls := must[*ec2.DescribeNetworkAclsOutput](t)(c.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{Filters: []types.Filter{
		{Name: aws.String("association.subnet-id"), Values: []string{tier}}}}))
	if len(acls.NetworkAcls) != 1 || aws.ToBool(acls.NetworkAcls[0].IsDefault) || aws.ToString(acls.NetworkAcls[0].VpcId) != vid {
		t.Fatalf("network ACL of %s: %+v", tier, acls.NetworkAcls)
	}
	var allowAll int
	for _, en := range acls.NetworkAcls[0].Entries {
		if en.RuleAction == types.RuleActionAllow && aws.ToString(en.Protocol) == "-1" && aws.ToString(en.CidrBlock) == "0.0.0.0/0" {
			allowAll++
		}
	}
	if allowAll != 2 {
		t.Fatalf("default_allow entries: %+v", acls.NetworkAcls[0].Entries)
	}
	_, err := c.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{NetworkAclIds: []string{"acl-0123456789abcdef0"}})
	wantCode(t, err, "InvalidNetworkAclID.NotFound")

	// A tier made through the gateway has no list (the VPC's default
	// network ACL); ReplaceNetworkAclAssociation moves it to default_deny
	// (replaceNetworkACLList) and back is refused: CloudStack cannot take
	// a tier's list away.
	sub := must[*ec2.CreateSubnetOutput](t)(c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String(vid), CidrBlock: aws.String("10.80.3.0/24")}))
	sid := aws.ToString(sub.Subnet.SubnetId)
	inVPC := must[*ec2.DescribeNetworkAclsOutput](t)(c.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{Filters: []types.Filter{
		{Name: aws.String("vpc-id"), Values: []string{vid}}}}))
	var def, deny types.NetworkAcl
	for _, a := range inVPC.NetworkAcls {
		denies := 0
		for _, en := range a.Entries {
			if en.RuleAction == types.RuleActionDeny && en.RuleNumber != nil && *en.RuleNumber < 32767 {
				denies++
			}
		}
		switch {
		case aws.ToBool(a.IsDefault):
			def = a
		case denies == 2:
			deny = a
		}
	}
	if len(inVPC.NetworkAcls) != 3 || def.NetworkAclId == nil || deny.NetworkAclId == nil {
		t.Fatalf("network ACLs of %s (default, default_allow, default_deny): %+v", vid, inVPC.NetworkAcls)
	}
	var assoc string
	for _, a := range def.Associations {
		if aws.ToString(a.SubnetId) == sid {
			assoc = aws.ToString(a.NetworkAclAssociationId)
		}
	}
	if assoc == "" {
		t.Fatalf("%s not on the default network ACL: %+v", sid, def.Associations)
	}
	ra := must[*ec2.ReplaceNetworkAclAssociationOutput](t)(c.ReplaceNetworkAclAssociation(ctx, &ec2.ReplaceNetworkAclAssociationInput{
		AssociationId: aws.String(assoc), NetworkAclId: deny.NetworkAclId}))
	moved := must[*ec2.DescribeNetworkAclsOutput](t)(c.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{Filters: []types.Filter{
		{Name: aws.String("association.subnet-id"), Values: []string{sid}}}}))
	if len(moved.NetworkAcls) != 1 || aws.ToString(moved.NetworkAcls[0].NetworkAclId) != aws.ToString(deny.NetworkAclId) {
		t.Fatalf("after ReplaceNetworkAclAssociation %s is on %+v", sid, moved.NetworkAcls)
	}
	_, err = c.ReplaceNetworkAclAssociation(ctx, &ec2.ReplaceNetworkAclAssociationInput{AssociationId: ra.NewAssociationId, NetworkAclId: def.NetworkAclId})
	wantCode(t, err, "UnsupportedOperation")
}
