package ec2compat_test

import (
	"encoding/json"
	"io"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/cloudgate/cloudgate/simulator"
)

// simAdminJSON calls a simulator command as the admin and decodes its
// answer.
func (e *testEnv) simAdminJSON(t testing.TB, params map[string]string) map[string]any {
	t.Helper()
	key, secret, _ := e.sim.UserKeys("admin")
	params["apiKey"] = key
	params["response"] = "json"
	q := url.Values{}
	for k, v := range params {
		q.Set(k, v)
	}
	q.Set("signature", simulator.Sign(params, secret))
	resp, err := e.sim.HTTPClient().Get(e.sim.URL() + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("simulator %s: %d %s", params["command"], resp.StatusCode, b)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	for _, v := range out {
		if m, ok := v.(map[string]any); ok {
			return m
		}
	}
	return out
}

// privateGateway makes the operator's private gateway of a VPC (an admin
// call, as in CloudStack) and waits until it is Ready; it returns its
// CloudStack id.
func (e *testEnv) privateGateway(t testing.TB, vpcEC2ID, ip string) string {
	t.Helper()
	h := strings.TrimPrefix(vpcEC2ID, "vpc-")
	vpcID := h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
	r := e.simAdminJSON(t, map[string]string{"command": "createPrivateGateway", "vpcid": vpcID, "gateway": "192.168.100.1",
		"netmask": "255.255.255.0", "ipaddress": ip, "vlan": "200"})
	id, _ := r["id"].(string)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		l := e.simAdminJSON(t, map[string]string{"command": "listPrivateGateways", "id": id, "listall": "true"})
		if gs, _ := l["privategateway"].([]any); len(gs) == 1 && gs[0].(map[string]any)["state"] == "Ready" {
			return id
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("private gateway %s not ready", id)
	return ""
}

func routeTargets(rt types.RouteTable) map[string]string {
	out := map[string]string{}
	for _, r := range rt.Routes {
		out[aws.ToString(r.DestinationCidrBlock)] = aws.ToString(r.GatewayId) + "/" + string(r.State)
	}
	return out
}

// TestRouteTablesTruth: DescribeRouteTables and DescribeInternetGateways
// answer what CloudStack routes (the default VPC's networks, a
// CloudStack VPC with a tier, its source NAT and its static routes), and
// CreateRoute/DeleteRoute change CloudStack's static routes.
func TestRouteTablesTruth(t *testing.T) {
	e := mustEnvWith(t, isolatedSeed(t))
	c, ctx := e.ec2, ctxT(t)

	// The default VPC alone: its main route table routes to its internet
	// gateway.
	main := must[*ec2.DescribeRouteTablesOutput](t)(c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: []types.Filter{
		{Name: aws.String("association.main"), Values: []string{"true"}}}}))
	if len(main.RouteTables) != 1 {
		t.Fatalf("main route tables without VPCs: %+v", main.RouteTables)
	}
	dvpc := aws.ToString(main.RouteTables[0].VpcId)
	dv := must[*ec2.DescribeVpcsOutput](t)(c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{dvpc}}))
	if !aws.ToBool(dv.Vpcs[0].IsDefault) {
		t.Fatalf("main route table of %s, not the default VPC", dvpc)
	}
	digw := must[*ec2.DescribeInternetGatewaysOutput](t)(c.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{Filters: []types.Filter{
		{Name: aws.String("attachment.vpc-id"), Values: []string{dvpc}}}}))
	if len(digw.InternetGateways) != 1 {
		t.Fatalf("default VPC internet gateways: %+v", digw.InternetGateways)
	}
	if got := routeTargets(main.RouteTables[0])["0.0.0.0/0"]; got != aws.ToString(digw.InternetGateways[0].InternetGatewayId)+"/active" {
		t.Fatalf("default route %q", got)
	}

	// A CloudStack VPC with one tier.
	vpc := must[*ec2.CreateVpcOutput](t)(c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.60.0.0/16")}))
	vid := aws.ToString(vpc.Vpc.VpcId)
	sub := must[*ec2.CreateSubnetOutput](t)(c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc.Vpc.VpcId, CidrBlock: aws.String("10.60.1.0/24")}))
	sid := aws.ToString(sub.Subnet.SubnetId)
	rts := must[*ec2.DescribeRouteTablesOutput](t)(c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: []types.Filter{
		{Name: aws.String("vpc-id"), Values: []string{vid}}, {Name: aws.String("association.main"), Values: []string{"true"}}}}))
	if len(rts.RouteTables) != 1 {
		t.Fatalf("main route table of %s: %+v", vid, rts.RouteTables)
	}
	rt := rts.RouteTables[0]
	rtID := aws.ToString(rt.RouteTableId)
	igws := must[*ec2.DescribeInternetGatewaysOutput](t)(c.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{Filters: []types.Filter{
		{Name: aws.String("attachment.vpc-id"), Values: []string{vid}}}}))
	if len(igws.InternetGateways) != 1 || len(igws.InternetGateways[0].Attachments) != 1 ||
		igws.InternetGateways[0].Attachments[0].State != types.AttachmentStatus("available") {
		t.Fatalf("internet gateway of %s: %+v", vid, igws.InternetGateways)
	}
	igw := aws.ToString(igws.InternetGateways[0].InternetGatewayId)
	if got := routeTargets(rt); len(got) != 2 || got["10.60.0.0/16"] != "local/active" || got["0.0.0.0/0"] != igw+"/active" {
		t.Fatalf("routes of %s: %v", rtID, got)
	}
	var subnets []string
	for _, a := range rt.Associations {
		if !aws.ToBool(a.Main) {
			subnets = append(subnets, aws.ToString(a.SubnetId))
		}
	}
	if len(subnets) != 1 || subnets[0] != sid {
		t.Fatalf("associations of %s: %+v", rtID, rt.Associations)
	}
	bySub := must[*ec2.DescribeRouteTablesOutput](t)(c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: []types.Filter{
		{Name: aws.String("association.subnet-id"), Values: []string{sid}}}}))
	if len(bySub.RouteTables) != 1 || aws.ToString(bySub.RouteTables[0].RouteTableId) != rtID {
		t.Fatalf("route table of subnet %s: %+v", sid, bySub.RouteTables)
	}
	byID := must[*ec2.DescribeRouteTablesOutput](t)(c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{RouteTableIds: []string{rtID}}))
	if len(byID.RouteTables) != 1 {
		t.Fatalf("by id: %+v", byID.RouteTables)
	}
	_, err := c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{RouteTableIds: []string{"rtb-0123456789abcdef0"}})
	wantCode(t, err, "InvalidRouteTableID.NotFound")
	_, err = c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{RouteTableIds: []string{"vpc-1"}})
	wantCode(t, err, "InvalidRouteTableId.Malformed")
	_, err = c.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{InternetGatewayIds: []string{"igw-0123456789abcdef0"}})
	wantCode(t, err, "InvalidInternetGatewayID.NotFound")
	_, err = c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: []types.Filter{{Name: aws.String("nope"), Values: []string{"x"}}}})
	wantCode(t, err, "InvalidParameterValue")
	_, err = c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{MaxResults: aws.Int32(4)})
	wantCode(t, err, "InvalidParameterValue")

	// Paging: every table once, in pages of at most 5.
	all := must[*ec2.DescribeRouteTablesOutput](t)(c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{}))
	seen := map[string]bool{}
	p := ec2.NewDescribeRouteTablesPaginator(c, &ec2.DescribeRouteTablesInput{MaxResults: aws.Int32(5)})
	for p.HasMorePages() {
		pg := must[*ec2.DescribeRouteTablesOutput](t)(p.NextPage(ctx))
		for _, x := range pg.RouteTables {
			seen[aws.ToString(x.RouteTableId)] = true
		}
	}
	if len(seen) != len(all.RouteTables) {
		t.Fatalf("paged %d route tables, listed %d", len(seen), len(all.RouteTables))
	}

	// Static routes: CreateRoute to a private gateway.
	gw := e.privateGateway(t, vid, "192.168.100.10")
	vgw := "vgw-" + strings.ReplaceAll(gw, "-", "")
	must[*ec2.CreateRouteOutput](t)(c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: aws.String(rtID),
		DestinationCidrBlock: aws.String("172.16.0.0/16"), GatewayId: aws.String(vgw)}))
	after := must[*ec2.DescribeRouteTablesOutput](t)(c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{RouteTableIds: []string{rtID}}))
	if got := routeTargets(after.RouteTables[0])["172.16.0.0/16"]; got != vgw+"/active" {
		t.Fatalf("static route: %q in %v", got, routeTargets(after.RouteTables[0]))
	}
	vgws := must[*ec2.DescribeVpnGatewaysOutput](t)(c.DescribeVpnGateways(ctx, &ec2.DescribeVpnGatewaysInput{Filters: []types.Filter{
		{Name: aws.String("attachment.vpc-id"), Values: []string{vid}}}}))
	if len(vgws.VpnGateways) != 1 || aws.ToString(vgws.VpnGateways[0].VpnGatewayId) != vgw || vgws.VpnGateways[0].State != types.VpnStateAvailable ||
		len(vgws.VpnGateways[0].VpcAttachments) != 1 || aws.ToString(vgws.VpnGateways[0].VpcAttachments[0].VpcId) != vid {
		t.Fatalf("private gateway as a virtual private gateway: %+v", vgws.VpnGateways)
	}
	_, err = c.DescribeVpnGateways(ctx, &ec2.DescribeVpnGatewaysInput{VpnGatewayIds: []string{"vgw-0123456789abcdef0"}})
	wantCode(t, err, "InvalidVpnGatewayID.NotFound")
	_, err = c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{rtID}, Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String("x")}}})
	wantCode(t, err, "UnsupportedOperation")
	byGW := must[*ec2.DescribeRouteTablesOutput](t)(c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: []types.Filter{
		{Name: aws.String("route.gateway-id"), Values: []string{vgw}}}}))
	if len(byGW.RouteTables) != 1 {
		t.Fatalf("route.gateway-id filter: %+v", byGW.RouteTables)
	}
	_, err = c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: aws.String(rtID), DestinationCidrBlock: aws.String("172.16.0.0/16"), GatewayId: aws.String(vgw)})
	wantCode(t, err, "RouteAlreadyExists")
	// ReplaceRoute: to the same target there is nothing to change; another
	// target CloudStack cannot set in place.
	must[*ec2.ReplaceRouteOutput](t)(c.ReplaceRoute(ctx, &ec2.ReplaceRouteInput{RouteTableId: aws.String(rtID), DestinationCidrBlock: aws.String("172.16.0.0/16"), GatewayId: aws.String(vgw)}))
	_, err = c.ReplaceRoute(ctx, &ec2.ReplaceRouteInput{RouteTableId: aws.String(rtID), DestinationCidrBlock: aws.String("172.16.0.0/16"), GatewayId: aws.String(igw)})
	wantCode(t, err, "UnsupportedOperation")
	_, err = c.ReplaceRoute(ctx, &ec2.ReplaceRouteInput{RouteTableId: aws.String(rtID), DestinationCidrBlock: aws.String("172.31.0.0/16"), GatewayId: aws.String(vgw)})
	wantCode(t, err, "InvalidParameterValue")
	var subAssoc string
	for _, a := range rt.Associations {
		if aws.ToString(a.SubnetId) == sid {
			subAssoc = aws.ToString(a.RouteTableAssociationId)
		}
	}
	ra := must[*ec2.ReplaceRouteTableAssociationOutput](t)(c.ReplaceRouteTableAssociation(ctx, &ec2.ReplaceRouteTableAssociationInput{
		AssociationId: aws.String(subAssoc), RouteTableId: aws.String(rtID)}))
	if aws.ToString(ra.NewAssociationId) != subAssoc {
		t.Fatalf("ReplaceRouteTableAssociation to the same table: %+v", ra)
	}
	_, err = c.ReplaceRouteTableAssociation(ctx, &ec2.ReplaceRouteTableAssociationInput{AssociationId: aws.String(subAssoc), RouteTableId: main.RouteTables[0].RouteTableId})
	wantCode(t, err, "UnsupportedOperation")
	_, err = c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: aws.String(rtID), DestinationCidrBlock: aws.String("172.16.5.0/24"), GatewayId: aws.String(vgw)})
	wantCode(t, err, "InvalidParameterValue") // overlaps the route: CloudStack refuses
	_, err = c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: aws.String(rtID), DestinationCidrBlock: aws.String("10.60.9.0/24"), GatewayId: aws.String(vgw)})
	wantCode(t, err, "InvalidParameterValue") // inside the VPC
	_, err = c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: aws.String(rtID), DestinationCidrBlock: aws.String("10.99.0.0/16"), GatewayId: aws.String(igw)})
	wantCode(t, err, "UnsupportedOperation")
	_, err = c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: aws.String(rtID), DestinationCidrBlock: aws.String("10.99.0.0/16"), InstanceId: aws.String("i-0123456789abcdef0")})
	wantCode(t, err, "UnsupportedOperation")
	_, err = c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: aws.String(rtID), DestinationCidrBlock: aws.String("10.99.0.0/16"), GatewayId: aws.String("vgw-0123456789abcdef0")})
	wantCode(t, err, "InvalidGatewayID.NotFound")
	_, err = c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: main.RouteTables[0].RouteTableId, DestinationCidrBlock: aws.String("10.99.0.0/16"), GatewayId: aws.String(vgw)})
	wantCode(t, err, "UnsupportedOperation") // the default VPC

	_, err = c.DeleteRoute(ctx, &ec2.DeleteRouteInput{RouteTableId: aws.String(rtID), DestinationCidrBlock: aws.String("10.60.0.0/16")})
	wantCode(t, err, "InvalidParameterValue")
	_, err = c.DeleteRoute(ctx, &ec2.DeleteRouteInput{RouteTableId: aws.String(rtID), DestinationCidrBlock: aws.String("0.0.0.0/0")})
	wantCode(t, err, "UnsupportedOperation")
	must[*ec2.DeleteRouteOutput](t)(c.DeleteRoute(ctx, &ec2.DeleteRouteInput{RouteTableId: aws.String(rtID), DestinationCidrBlock: aws.String("172.16.0.0/16")}))
	_, err = c.DeleteRoute(ctx, &ec2.DeleteRouteInput{RouteTableId: aws.String(rtID), DestinationCidrBlock: aws.String("172.16.0.0/16")})
	wantCode(t, err, "InvalidRoute.NotFound")
	gone := must[*ec2.DescribeRouteTablesOutput](t)(c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{RouteTableIds: []string{rtID}}))
	if got := routeTargets(gone.RouteTables[0]); len(got) != 2 {
		t.Fatalf("routes after DeleteRoute: %v", got)
	}

	// What CloudStack has no concept for answers EC2's own errors.
	_, err = c.CreateInternetGateway(ctx, &ec2.CreateInternetGatewayInput{})
	wantCode(t, err, "UnsupportedOperation")
	_, err = c.AttachInternetGateway(ctx, &ec2.AttachInternetGatewayInput{InternetGatewayId: aws.String(igw), VpcId: aws.String(vid)})
	wantCode(t, err, "Resource.AlreadyAssociated")
	_, err = c.DetachInternetGateway(ctx, &ec2.DetachInternetGatewayInput{InternetGatewayId: aws.String(igw), VpcId: aws.String(vid)})
	wantCode(t, err, "UnsupportedOperation")
	_, err = c.DetachInternetGateway(ctx, &ec2.DetachInternetGatewayInput{InternetGatewayId: aws.String(igw), VpcId: aws.String(dvpc)})
	wantCode(t, err, "Gateway.NotAttached")
	_, err = c.DeleteInternetGateway(ctx, &ec2.DeleteInternetGatewayInput{InternetGatewayId: aws.String(igw)})
	wantCode(t, err, "DependencyViolation")
	_, err = c.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: aws.String(vid)})
	wantCode(t, err, "UnsupportedOperation")
	_, err = c.DeleteRouteTable(ctx, &ec2.DeleteRouteTableInput{RouteTableId: aws.String(rtID)})
	wantCode(t, err, "DependencyViolation")
	_, err = c.AssociateRouteTable(ctx, &ec2.AssociateRouteTableInput{RouteTableId: aws.String(rtID), SubnetId: aws.String(sid)})
	wantCode(t, err, "Resource.AlreadyAssociated")
	_, err = c.DisassociateRouteTable(ctx, &ec2.DisassociateRouteTableInput{AssociationId: rt.Associations[0].RouteTableAssociationId})
	if err == nil {
		t.Fatal("DisassociateRouteTable succeeded")
	}

	// The VPC's attributes: CloudStack's VPC router serves DNS.
	for _, a := range []types.VpcAttributeName{types.VpcAttributeNameEnableDnsSupport, types.VpcAttributeNameEnableDnsHostnames} {
		va := must[*ec2.DescribeVpcAttributeOutput](t)(c.DescribeVpcAttribute(ctx, &ec2.DescribeVpcAttributeInput{VpcId: aws.String(vid), Attribute: a}))
		v := va.EnableDnsSupport
		if a == types.VpcAttributeNameEnableDnsHostnames {
			v = va.EnableDnsHostnames
		}
		if v == nil || !aws.ToBool(v.Value) || aws.ToString(va.VpcId) != vid {
			t.Fatalf("%s: %+v", a, va)
		}
	}
	must[*ec2.ModifyVpcAttributeOutput](t)(c.ModifyVpcAttribute(ctx, &ec2.ModifyVpcAttributeInput{VpcId: aws.String(vid),
		EnableDnsHostnames: &types.AttributeBooleanValue{Value: aws.Bool(true)}}))
	_, err = c.ModifyVpcAttribute(ctx, &ec2.ModifyVpcAttributeInput{VpcId: aws.String(vid), EnableDnsHostnames: &types.AttributeBooleanValue{Value: aws.Bool(false)}})
	wantCode(t, err, "UnsupportedOperation")

	// Deleting the VPC removes its route table and internet gateway.
	must[*ec2.DeleteSubnetOutput](t)(c.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: aws.String(sid)}))
	e.simAdmin(t, map[string]string{"command": "deletePrivateGateway", "id": gw})
	must[*ec2.DeleteVpcOutput](t)(c.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: aws.String(vid)}))
	_, err = c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{RouteTableIds: []string{rtID}})
	wantCode(t, err, "InvalidRouteTableID.NotFound")
	_, err = c.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{InternetGatewayIds: []string{igw}})
	wantCode(t, err, "InvalidInternetGatewayID.NotFound")
}

// TestDefaultVPCNetworkRouteTables: each guest network outside VPCs has
// its own route table in the default VPC (CloudStack does not route
// between them): the local route for its CIDR and, with its virtual
// router's source NAT, 0.0.0.0/0 to the default VPC's internet gateway.
func TestDefaultVPCNetworkRouteTables(t *testing.T) {
	e := mustEnvWith(t, isolatedSeed(t))
	c, ctx := e.ec2, ctxT(t)
	offs := e.simAdminJSON(t, map[string]string{"command": "listNetworkOfferings", "forvpc": "false"})
	var off string
	for _, o := range offs["networkoffering"].([]any) {
		m := o.(map[string]any)
		if m["guestiptype"] == "Isolated" && m["forvpc"] == false {
			off = m["id"].(string)
		}
	}
	zone := e.simAdminJSON(t, map[string]string{"command": "listZones"})["zone"].([]any)[0].(map[string]any)["id"].(string)
	n := e.simAdminJSON(t, map[string]string{"command": "createNetwork", "account": "demo", "domainid": e.demo.DomainID, "name": "iso",
		"displaytext": "iso", "networkofferingid": off, "zoneid": zone, "gateway": "10.33.0.1", "netmask": "255.255.255.0"})
	sub := "subnet-" + strings.ReplaceAll(n["network"].(map[string]any)["id"].(string), "-", "")

	rts := must[*ec2.DescribeRouteTablesOutput](t)(c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: []types.Filter{
		{Name: aws.String("association.subnet-id"), Values: []string{sub}}}}))
	if len(rts.RouteTables) != 1 {
		t.Fatalf("route tables of %s: %+v", sub, rts.RouteTables)
	}
	rt := rts.RouteTables[0]
	igw := must[*ec2.DescribeInternetGatewaysOutput](t)(c.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{Filters: []types.Filter{
		{Name: aws.String("attachment.vpc-id"), Values: []string{aws.ToString(rt.VpcId)}}}}))
	if len(igw.InternetGateways) != 1 {
		t.Fatalf("internet gateways of %s: %+v", aws.ToString(rt.VpcId), igw.InternetGateways)
	}
	got := routeTargets(rt)
	if len(got) != 2 || got["10.33.0.0/24"] != "local/active" || got["0.0.0.0/0"] != aws.ToString(igw.InternetGateways[0].InternetGatewayId)+"/active" {
		t.Fatalf("routes of the isolated network: %v", got)
	}
	if len(rt.Associations) != 1 || aws.ToBool(rt.Associations[0].Main) {
		t.Fatalf("associations: %+v", rt.Associations)
	}
	dv := must[*ec2.DescribeVpcsOutput](t)(c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{aws.ToString(rt.VpcId)}}))
	if !aws.ToBool(dv.Vpcs[0].IsDefault) {
		t.Fatalf("route table in %s, not the default VPC", aws.ToString(rt.VpcId))
	}
}

// TestRoutingCallCounts: DescribeRouteTables, DescribeInternetGateways
// and DescribeNetworkAcls cost a fixed number of CloudStack calls however
// many VPCs and tiers the account has (listVPCs, listNetworks, then
// listStaticRoutes, or listNetworkACLLists and each list's items once),
// not one per VPC.
func TestRoutingCallCounts(t *testing.T) {
	e := mustEnvWith(t, isolatedSeed(t))
	c, ctx := e.ec2, ctxT(t)
	for i := 0; i < 3; i++ {
		cidr := "10.10" + string(rune('0'+i)) + ".0.0/16"
		v := must[*ec2.CreateVpcOutput](t)(c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String(cidr)}))
		must[*ec2.CreateSubnetOutput](t)(c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: v.Vpc.VpcId,
			CidrBlock: aws.String(strings.Replace(cidr, ".0.0/16", ".1.0/24", 1))}))
	}
	for _, tc := range []struct {
		name string
		call func() error
		want map[string]int
	}{
		{"DescribeRouteTables", func() error { _, err := c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{}); return err },
			map[string]int{"listVPCs": 1, "listNetworks": 1, "listStaticRoutes": 1}},
		{"DescribeInternetGateways", func() error {
			_, err := c.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{})
			return err
		}, map[string]int{"listVPCs": 1, "listNetworks": 1, "listStaticRoutes": 1}},
		{"DescribeNetworkAcls", func() error { _, err := c.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{}); return err },
			// and the items of CloudStack's two system lists, once each
			map[string]int{"listVPCs": 1, "listNetworks": 1, "listNetworkACLLists": 1, "listNetworkACLs": 2}},
	} {
		e.cs.take()
		if err := tc.call(); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		calls, _ := e.cs.take()
		for cmd, n := range tc.want {
			if calls[cmd] != n {
				t.Errorf("%s: %d %s calls, want %d (all: %v)", tc.name, calls[cmd], cmd, n, calls)
			}
		}
		total, want := 0, 0
		for _, n := range calls {
			total += n
		}
		for _, n := range tc.want {
			want += n
		}
		if total != want {
			t.Errorf("%s: %d CloudStack calls %v, want %v", tc.name, total, calls, tc.want)
		}
	}
}
