package conformance

import (
	"strings"
	"testing"
)

// TestAWSCLIRouteTables runs the real aws CLI's parsers over route
// tables, internet gateways, network ACLs and VPC attributes, on the
// sandbox profile (an Advanced zone with VPCs): create-vpc and
// create-subnet, then describe-route-tables (by vpc-id, by
// association.subnet-id), describe-internet-gateways, describe-network-acls
// and describe-vpc-attribute read back what CloudStack routes, and
// create-internet-gateway / create-route to a NAT gateway answer EC2's
// errors. It skips without the aws CLI, except with CI=true.
func TestAWSCLIRouteTables(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the gateway and runs the aws CLI")
	}
	requireTool(t, "aws")
	gw := startGateway(t, &GatewayOptions{Args: []string{"--profile", "sandbox"}})
	aws := newAWSCLI(t, gw)

	vpc := aws.str("ec2", "create-vpc", "--cidr-block", "10.91.0.0/16", "--query", "Vpc.VpcId")
	sub := aws.str("ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block", "10.91.1.0/24", "--query", "Subnet.SubnetId")

	rtb := aws.str("ec2", "describe-route-tables", "--filters", "Name=vpc-id,Values="+vpc, "Name=association.main,Values=true",
		"--query", "RouteTables[0].RouteTableId")
	if !strings.HasPrefix(rtb, "rtb-") {
		t.Fatalf("main route table %q", rtb)
	}
	if got := aws.str("ec2", "describe-route-tables", "--filters", "Name=association.subnet-id,Values="+sub,
		"--query", "RouteTables[0].RouteTableId"); got != rtb {
		t.Fatalf("route table of %s: %q, want %s", sub, got, rtb)
	}
	igw := aws.str("ec2", "describe-internet-gateways", "--filters", "Name=attachment.vpc-id,Values="+vpc,
		"--query", "InternetGateways[0].InternetGatewayId")
	if !strings.HasPrefix(igw, "igw-") {
		t.Fatalf("internet gateway %q", igw)
	}
	if got := aws.str("ec2", "describe-internet-gateways", "--internet-gateway-ids", igw, "--query", "InternetGateways[0].Attachments[0].State"); got != "available" {
		t.Fatalf("attachment state %q", got)
	}
	routes := aws.strs("ec2", "describe-route-tables", "--route-table-ids", rtb,
		"--query", "RouteTables[0].Routes[].[DestinationCidrBlock,GatewayId,State]|[]")
	if strings.Join(routes, " ") != "10.91.0.0/16 local active 0.0.0.0/0 "+igw+" active" {
		t.Fatalf("routes of %s: %v", rtb, routes)
	}
	if got := aws.strs("ec2", "describe-route-tables", "--route-table-ids", rtb, "--query", "RouteTables[0].Associations[?SubnetId].SubnetId"); len(got) != 1 || got[0] != sub {
		t.Fatalf("associations of %s: %v", rtb, got)
	}
	if got := aws.strs("ec2", "describe-network-acls", "--filters", "Name=vpc-id,Values="+vpc, "Name=default,Values=true",
		"--query", "NetworkAcls[0].Associations[].SubnetId"); len(got) != 1 || got[0] != sub {
		t.Fatalf("default network ACL associations: %v", got)
	}
	var dns bool
	aws.ok(&dns, "ec2", "describe-vpc-attribute", "--vpc-id", vpc, "--attribute", "enableDnsSupport", "--query", "EnableDnsSupport.Value")
	if !dns {
		t.Fatal("enableDnsSupport false on a VPC whose offering has Dns")
	}
	aws.fails("UnsupportedOperation", "ec2", "create-internet-gateway")
	aws.fails("UnsupportedOperation", "ec2", "create-route", "--route-table-id", rtb, "--destination-cidr-block", "203.0.113.0/24",
		"--nat-gateway-id", "nat-0123456789abcdef0")
	aws.fails("InvalidRoute.NotFound", "ec2", "delete-route", "--route-table-id", rtb, "--destination-cidr-block", "203.0.113.0/24")
	aws.ok(nil, "ec2", "delete-subnet", "--subnet-id", sub)
	aws.ok(nil, "ec2", "delete-vpc", "--vpc-id", vpc)
	aws.fails("InvalidRouteTableID.NotFound", "ec2", "describe-route-tables", "--route-table-ids", rtb)
}
