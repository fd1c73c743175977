package conformance

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// ec2RouteTables checks that route tables, internet gateways and network
// ACLs answer the truth on every profile: the default VPC has a main
// route table routing 0.0.0.0/0 to its attached internet gateway and a
// default network ACL; where CloudStack has VPCs, a new VPC has its main
// route table (local route, 0.0.0.0/0 to the VPC router's internet
// gateway), associated with its tier, a default network ACL and DNS
// attributes; everything CloudStack cannot do (new internet gateways or
// route tables, routes to targets other than a private gateway) answers
// EC2's own error rather than a success that did nothing.
func ec2RouteTables() scenario {
	return scenario{
		name: "ec2/route-tables", api: "ec2",
		ops: []string{"DescribeRouteTables", "DescribeInternetGateways", "DescribeNetworkAcls", "DescribeVpcAttribute",
			"CreateRoute", "DeleteRoute", "CreateRouteTable", "CreateInternetGateway", "AttachInternetGateway", "DeleteInternetGateway",
			"CreateNetworkAcl", "CreateNetworkAclEntry", "ReplaceNetworkAclAssociation", "DeleteNetworkAcl"},
		run: func(t *scenarioT) {
			c := t.env.ec2
			dv, err := c.DescribeVpcs(t.ctx, &ec2.DescribeVpcsInput{Filters: []types.Filter{ec2Filter("isDefault", "true")}})
			t.Must(err, "DescribeVpcs isDefault=true")
			Equal(t, "default VPCs", len(dv.Vpcs), 1)
			dvpc := aws.ToString(dv.Vpcs[0].VpcId)

			mainOf := func(vpc string) types.RouteTable {
				out, err := c.DescribeRouteTables(t.ctx, &ec2.DescribeRouteTablesInput{Filters: []types.Filter{
					ec2Filter("vpc-id", vpc), ec2Filter("association.main", "true")}})
				t.Must(err, "DescribeRouteTables vpc-id + association.main")
				Equal(t, "main route tables of "+vpc, len(out.RouteTables), 1)
				return out.RouteTables[0]
			}
			// igwOf returns the VPC's internet gateway ("" when it has none:
			// a VPC offering without SourceNat gives no egress).
			igwOf := func(vpc string) string {
				out, err := c.DescribeInternetGateways(t.ctx, &ec2.DescribeInternetGatewaysInput{Filters: []types.Filter{ec2Filter("attachment.vpc-id", vpc)}})
				t.Must(err, "DescribeInternetGateways attachment.vpc-id")
				if len(out.InternetGateways) == 0 {
					return ""
				}
				Equal(t, "internet gateways of "+vpc, len(out.InternetGateways), 1)
				g := out.InternetGateways[0]
				t.Check(strings.HasPrefix(aws.ToString(g.InternetGatewayId), "igw-"), "InternetGatewayId %q lacks igw-", aws.ToString(g.InternetGatewayId))
				t.Check(len(g.Attachments) == 1 && string(g.Attachments[0].State) == "available", "attachments %+v", g.Attachments)
				return aws.ToString(g.InternetGatewayId)
			}
			route := func(rt types.RouteTable, cidr string) string {
				for _, r := range rt.Routes {
					if aws.ToString(r.DestinationCidrBlock) == cidr {
						return aws.ToString(r.GatewayId)
					}
				}
				return ""
			}
			defaultACL := func(vpc string) types.NetworkAcl {
				out, err := c.DescribeNetworkAcls(t.ctx, &ec2.DescribeNetworkAclsInput{Filters: []types.Filter{ec2Filter("vpc-id", vpc), ec2Filter("default", "true")}})
				t.Must(err, "DescribeNetworkAcls vpc-id + default")
				Equal(t, "default network ACLs of "+vpc, len(out.NetworkAcls), 1)
				return out.NetworkAcls[0]
			}

			// The default VPC.
			dmain := mainOf(dvpc)
			digw := igwOf(dvpc)
			t.Check(digw != "", "the default VPC has no internet gateway")
			Equal(t, "default VPC route 0.0.0.0/0", route(dmain, "0.0.0.0/0"), digw)
			Equal(t, "default VPC local route", route(dmain, aws.ToString(dv.Vpcs[0].CidrBlock)), "local")
			defaultACL(dvpc)
			_, err = c.CreateRoute(t.ctx, &ec2.CreateRouteInput{RouteTableId: dmain.RouteTableId, DestinationCidrBlock: aws.String("203.0.113.0/24"), GatewayId: aws.String(digw)})
			t.ExpectEC2(err, "UnsupportedOperation", "CreateRoute in the default VPC")
			_, err = c.DeleteInternetGateway(t.ctx, &ec2.DeleteInternetGatewayInput{InternetGatewayId: aws.String(digw)})
			t.ExpectEC2(err, "DependencyViolation", "DeleteInternetGateway of the default VPC's")
			_, err = c.CreateInternetGateway(t.ctx, &ec2.CreateInternetGatewayInput{})
			t.ExpectEC2(err, "UnsupportedOperation", "CreateInternetGateway")
			_, err = c.DescribeRouteTables(t.ctx, &ec2.DescribeRouteTablesInput{RouteTableIds: []string{t.unknownEC2ID("rtb")}})
			t.ExpectEC2(err, "InvalidRouteTableID.NotFound", "DescribeRouteTables of an unknown id")
			dattr, err := c.DescribeVpcAttribute(t.ctx, &ec2.DescribeVpcAttributeInput{VpcId: aws.String(dvpc), Attribute: types.VpcAttributeNameEnableDnsSupport})
			t.Must(err, "DescribeVpcAttribute enableDnsSupport of the default VPC")
			t.Check(dattr.EnableDnsSupport != nil && aws.ToBool(dattr.EnableDnsSupport.Value), "default VPC enableDnsSupport %+v", dattr.EnableDnsSupport)

			// A CloudStack VPC, where the zone has them.
			vpc, err := c.CreateVpc(t.ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.78.0.0/16")})
			if ec2Unsupported(err) {
				t.Step("CreateVpc: %s (no VPCs in this zone); the default VPC answered the truth", describeErr(err))
				return
			}
			t.Must(err, "CreateVpc")
			vid := aws.ToString(vpc.Vpc.VpcId)
			t.Defer("delete vpc "+vid, func(ctx context.Context) error {
				_, err := c.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: aws.String(vid)})
				return ignoreEC2(err, "InvalidVpcID.NotFound")
			})
			sub, err := c.CreateSubnet(t.ctx, &ec2.CreateSubnetInput{VpcId: aws.String(vid), CidrBlock: aws.String("10.78.1.0/24")})
			t.Must(err, "CreateSubnet")
			sid := aws.ToString(sub.Subnet.SubnetId)
			t.Defer("delete subnet "+sid, func(ctx context.Context) error {
				_, err := c.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: aws.String(sid)})
				return ignoreEC2(err, "InvalidSubnetID.NotFound")
			})
			rt := mainOf(vid)
			rtb := aws.ToString(rt.RouteTableId)
			igw := igwOf(vid)
			Equal(t, "VPC local route", route(rt, "10.78.0.0/16"), "local")
			Equal(t, "VPC route 0.0.0.0/0", route(rt, "0.0.0.0/0"), igw)
			bySub, err := c.DescribeRouteTables(t.ctx, &ec2.DescribeRouteTablesInput{Filters: []types.Filter{ec2Filter("association.subnet-id", sid)}})
			t.Must(err, "DescribeRouteTables association.subnet-id")
			t.Check(len(bySub.RouteTables) == 1 && aws.ToString(bySub.RouteTables[0].RouteTableId) == rtb, "route table of the tier: %d tables", len(bySub.RouteTables))
			acl := defaultACL(vid)
			t.Check(len(acl.Associations) == 1 && aws.ToString(acl.Associations[0].SubnetId) == sid, "default network ACL associations %+v", acl.Associations)
			for _, a := range []types.VpcAttributeName{types.VpcAttributeNameEnableDnsSupport, types.VpcAttributeNameEnableDnsHostnames} {
				_, err := c.DescribeVpcAttribute(t.ctx, &ec2.DescribeVpcAttributeInput{VpcId: aws.String(vid), Attribute: a})
				t.Must(err, "DescribeVpcAttribute "+string(a))
			}

			if igw != "" {
				_, err = c.CreateRoute(t.ctx, &ec2.CreateRouteInput{RouteTableId: aws.String(rtb), DestinationCidrBlock: aws.String("203.0.113.0/24"), GatewayId: aws.String(igw)})
				t.ExpectEC2(err, "UnsupportedOperation", "CreateRoute of another CIDR to the internet gateway")
			}
			_, err = c.CreateRoute(t.ctx, &ec2.CreateRouteInput{RouteTableId: aws.String(rtb), DestinationCidrBlock: aws.String("203.0.113.0/24"), NatGatewayId: aws.String("nat-0123456789abcdef0")})
			t.ExpectEC2(err, "UnsupportedOperation", "CreateRoute to a NAT gateway")
			_, err = c.CreateRoute(t.ctx, &ec2.CreateRouteInput{RouteTableId: aws.String(rtb), DestinationCidrBlock: aws.String("203.0.113.0/24"), GatewayId: aws.String(t.unknownEC2ID("vgw"))})
			t.ExpectEC2(err, "InvalidGatewayID.NotFound", "CreateRoute to an unknown private gateway")
			_, err = c.DeleteRoute(t.ctx, &ec2.DeleteRouteInput{RouteTableId: aws.String(rtb), DestinationCidrBlock: aws.String("203.0.113.0/24")})
			t.ExpectEC2(err, "InvalidRoute.NotFound", "DeleteRoute of a route that does not exist")
			_, err = c.CreateRouteTable(t.ctx, &ec2.CreateRouteTableInput{VpcId: aws.String(vid)})
			t.ExpectEC2(err, "UnsupportedOperation", "CreateRouteTable")
			_, err = c.AttachInternetGateway(t.ctx, &ec2.AttachInternetGatewayInput{InternetGatewayId: aws.String(digw), VpcId: aws.String(vid)})
			t.ExpectEC2(err, "Resource.AlreadyAssociated", "AttachInternetGateway of the default VPC's to a VPC")

			// A network ACL of the VPC's own (a CloudStack ACL list), a rule
			// read back, the tier moved onto it and back off is refused.
			nacl, err := c.CreateNetworkAcl(t.ctx, &ec2.CreateNetworkAclInput{VpcId: aws.String(vid)})
			t.Must(err, "CreateNetworkAcl")
			naclID := aws.ToString(nacl.NetworkAcl.NetworkAclId)
			t.Defer("delete network acl "+naclID, func(ctx context.Context) error {
				_, err := c.DeleteNetworkAcl(ctx, &ec2.DeleteNetworkAclInput{NetworkAclId: aws.String(naclID)})
				return ignoreEC2(err, "InvalidNetworkAclID.NotFound")
			})
			_, err = c.CreateNetworkAclEntry(t.ctx, &ec2.CreateNetworkAclEntryInput{NetworkAclId: aws.String(naclID), RuleNumber: aws.Int32(100),
				Protocol: aws.String("6"), RuleAction: types.RuleActionAllow, Egress: aws.Bool(false), CidrBlock: aws.String("0.0.0.0/0"),
				PortRange: &types.PortRange{From: aws.Int32(443), To: aws.Int32(443)}})
			t.Must(err, "CreateNetworkAclEntry")
			_, err = c.CreateNetworkAclEntry(t.ctx, &ec2.CreateNetworkAclEntryInput{NetworkAclId: aws.String(naclID), RuleNumber: aws.Int32(100),
				Protocol: aws.String("-1"), RuleAction: types.RuleActionAllow, Egress: aws.Bool(true), CidrBlock: aws.String("0.0.0.0/0")})
			t.ExpectEC2(err, "InvalidParameterValue", "CreateNetworkAclEntry with the number of the other direction's rule")
			got, err := c.DescribeNetworkAcls(t.ctx, &ec2.DescribeNetworkAclsInput{NetworkAclIds: []string{naclID}})
			t.Must(err, "DescribeNetworkAcls by id")
			found := false
			for _, en := range got.NetworkAcls[0].Entries {
				found = found || aws.ToInt32(en.RuleNumber) == 100 && en.PortRange != nil && aws.ToInt32(en.PortRange.From) == 443
			}
			t.Check(found, "rule 100 (tcp 443) not read back: %+v", got.NetworkAcls[0].Entries)
			_, err = c.ReplaceNetworkAclAssociation(t.ctx, &ec2.ReplaceNetworkAclAssociationInput{AssociationId: acl.Associations[0].NetworkAclAssociationId,
				NetworkAclId: aws.String(naclID)})
			t.Must(err, "ReplaceNetworkAclAssociation")
			_, err = c.DeleteNetworkAcl(t.ctx, &ec2.DeleteNetworkAclInput{NetworkAclId: aws.String(naclID)})
			t.ExpectEC2(err, "DependencyViolation", "DeleteNetworkAcl of a list a subnet uses")

			_, err = c.DeleteSubnet(t.ctx, &ec2.DeleteSubnetInput{SubnetId: aws.String(sid)})
			t.Must(err, "DeleteSubnet")
			_, err = c.DeleteNetworkAcl(t.ctx, &ec2.DeleteNetworkAclInput{NetworkAclId: aws.String(naclID)})
			t.Must(err, "DeleteNetworkAcl")
			_, err = c.DeleteVpc(t.ctx, &ec2.DeleteVpcInput{VpcId: aws.String(vid)})
			t.Must(err, "DeleteVpc")
			_, err = c.DescribeRouteTables(t.ctx, &ec2.DescribeRouteTablesInput{RouteTableIds: []string{rtb}})
			t.ExpectEC2(err, "InvalidRouteTableID.NotFound", "DescribeRouteTables of a deleted VPC's")
		},
	}
}
