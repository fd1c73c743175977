package gcecompat_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cloudgate/cloudgate/simulator"
	"github.com/cloudgate/cloudgate/translate"
	compute "google.golang.org/api/compute/v1"
)

// newSandboxEnv is a gateway over the sandbox profile (an Advanced zone
// without security groups: VPCs and isolated networks).
func newSandboxEnv(t *testing.T) *env {
	t.Helper()
	seed, err := simulator.ProfileSeed(simulator.ProfileSandbox)
	if err != nil {
		t.Fatal(err)
	}
	seed.Settings["expunge.delay"] = "0" // RunExpunger expunges every destroyed VM
	e := newEnvWith(t, seed)
	zs, err := e.gce.Zones.List(e.project).Do()
	if err != nil || len(zs.Items) != 1 {
		t.Fatalf("zones: %v %+v", err, zs)
	}
	e.zone = zs.Items[0].Name
	return e
}

// TestCustomNetworkLifecycle drives a custom-mode network (a CloudStack
// VPC) through subnetworks (tiers), an instance on a tier, routes,
// firewalls and the refusals.
func TestCustomNetworkLifecycle(t *testing.T) {
	e := newSandboxEnv(t)
	region := strings.TrimSuffix(e.zone, e.zone[strings.LastIndexByte(e.zone, '-'):])
	p := e.project

	// Refused bodies name the field and create nothing.
	for field, n := range map[string]*compute.Network{
		"mtu":         {Name: "mtu", Mtu: 1500, ForceSendFields: []string{"AutoCreateSubnetworks"}},
		"routingMode": {Name: "glob", RoutingConfig: &compute.NetworkRoutingConfig{RoutingMode: "GLOBAL"}, ForceSendFields: []string{"AutoCreateSubnetworks"}},
		"IPv4Range":   {Name: "legacy", IPv4Range: "10.9.0.0/16"},
	} {
		_, err := e.gce.Networks.Insert(p, n).Do()
		apiErr(t, err, 400, "invalid")
		if !strings.Contains(err.Error(), field) {
			t.Errorf("error for %s does not name it: %v", field, err)
		}
	}
	e.mustOK(e.gce.Networks.Insert(p, &compute.Network{Name: "net1", Description: "my net", ForceSendFields: []string{"AutoCreateSubnetworks"}}).Do())
	_, err := e.gce.Networks.Insert(p, &compute.Network{Name: "net1", ForceSendFields: []string{"AutoCreateSubnetworks"}}).Do()
	apiErr(t, err, 409, "alreadyExists")
	vpcs, err := e.svc.VPCs(e.ctx(), nil)
	if err != nil || len(vpcs) != 1 || vpcs[0].Name != "net1" || vpcs[0].CIDR != "10.0.0.0/8" {
		t.Fatalf("CloudStack VPCs = %+v, %v", vpcs, err)
	}
	n, err := e.gce.Networks.Get(p, "net1").Do()
	if err != nil || n.AutoCreateSubnetworks || n.Description != "my net" || n.RoutingConfig.RoutingMode != "REGIONAL" || len(n.Subnetworks) != 0 {
		t.Fatalf("get net1 = %+v, %v", n, err)
	}
	nl, err := e.gce.Networks.List(p).Do()
	if err != nil || len(nl.Items) != 2 || nl.Items[0].Name != "default" || nl.Items[1].Name != "net1" {
		t.Fatalf("networks = %+v, %v", nl, err)
	}

	// Subnetworks are VPC tiers.
	sub := func(name, cidr string) *compute.Subnetwork {
		return &compute.Subnetwork{Name: name, Network: "global/networks/net1", IpCidrRange: cidr, Description: "tier " + name}
	}
	e.mustOK(e.gce.Subnetworks.Insert(p, region, sub("sub1", "10.5.0.0/24")).Do())
	for _, bad := range []*compute.Subnetwork{sub("sub2", "10.5.0.0/16"), sub("sub2", "192.168.0.0/24"), sub("sub2", "10.6.0.1/24"), sub("sub1", "10.7.0.0/24")} {
		_, err := e.gce.Subnetworks.Insert(p, region, bad).Do()
		if bad.Name == "sub1" {
			apiErr(t, err, 409, "alreadyExists")
		} else {
			apiErr(t, err, 400, "invalid")
		}
	}
	_, err = e.gce.Subnetworks.Insert(p, region, &compute.Subnetwork{Name: "sub2", Network: "global/networks/nope", IpCidrRange: "10.8.0.0/24"}).Do()
	apiErr(t, err, 404, "notFound")
	_, err = e.gce.Subnetworks.Insert(p, region, &compute.Subnetwork{Name: "sub2", Network: "global/networks/net1", IpCidrRange: "10.8.0.0/24", PrivateIpGoogleAccess: true}).Do()
	apiErr(t, err, 400, "invalid")
	tiers, err := e.svc.Networks(e.ctx(), translateQueryVPC(vpcs[0].ID))
	if err != nil || len(tiers) != 1 || tiers[0].Name != "sub1" || tiers[0].CIDR != "10.5.0.0/24" || tiers[0].Gateway != "10.5.0.1" {
		t.Fatalf("CloudStack tiers = %+v, %v", tiers, err)
	}
	sn, err := e.gce.Subnetworks.Get(p, region, "sub1").Do()
	if err != nil || last(sn.Network) != "net1" || sn.IpCidrRange != "10.5.0.0/24" || sn.GatewayAddress != "10.5.0.1" || sn.Description != "tier sub1" {
		t.Fatalf("get sub1 = %+v, %v", sn, err)
	}
	if n, _ := e.gce.Networks.Get(p, "net1").Do(); n == nil || len(n.Subnetworks) != 1 || n.Subnetworks[0] != sn.SelfLink {
		t.Fatalf("net1 subnetworks = %+v", n)
	}
	agg, err := e.gce.Subnetworks.AggregatedList(p).Do()
	if err != nil || len(agg.Items["regions/"+region].Subnetworks) != 1 {
		t.Fatalf("aggregated = %+v, %v", agg, err)
	}
	_, err = e.gce.Subnetworks.ExpandIpCidrRange(p, region, "sub1", &compute.SubnetworksExpandIpCidrRangeRequest{IpCidrRange: "10.5.0.0/20"}).Do()
	apiErr(t, err, 501, "notImplemented")
	_, err = e.gce.Subnetworks.ExpandIpCidrRange(p, region, "sub1", &compute.SubnetworksExpandIpCidrRangeRequest{IpCidrRange: "10.6.0.0/20"}).Do()
	apiErr(t, err, 400, "invalid")

	// An instance on the tier shows links that resolve.
	img := e.ts.URL + "/compute/v1/projects/debian-cloud/global/images/family/debian-12"
	vm := func(name string, nic *compute.NetworkInterface) (*compute.Operation, error) {
		return e.gce.Instances.Insert(p, e.zone, &compute.Instance{Name: name, MachineType: "zones/" + e.zone + "/machineTypes/small-instance",
			Disks:             []*compute.AttachedDisk{{Boot: true, AutoDelete: true, InitializeParams: &compute.AttachedDiskInitializeParams{SourceImage: img}}},
			NetworkInterfaces: []*compute.NetworkInterface{nic}}).Do()
	}
	_, err = vm("vm0", &compute.NetworkInterface{Network: "global/networks/net1"})
	apiErr(t, err, 400, "invalid")
	_, err = vm("vm0", &compute.NetworkInterface{Network: "global/networks/default", Subnetwork: "regions/" + region + "/subnetworks/sub1"})
	apiErr(t, err, 400, "invalid")
	e.mustOK(vm("vm1", &compute.NetworkInterface{Network: "global/networks/net1", Subnetwork: "regions/" + region + "/subnetworks/sub1"}))
	in, err := e.gce.Instances.Get(p, e.zone, "vm1").Do()
	if err != nil {
		t.Fatal(err)
	}
	nic := in.NetworkInterfaces[0]
	if nic.Network != n.SelfLink || nic.Subnetwork != sn.SelfLink || !strings.HasPrefix(nic.NetworkIP, "10.5.0.") {
		t.Fatalf("nic = %+v, want network %s subnetwork %s", nic, n.SelfLink, sn.SelfLink)
	}
	if vmcs := findVM(t, e, "vm1"); vmcs.NetworkID != tiers[0].ID {
		t.Fatalf("VM on network %s, want tier %s", vmcs.NetworkID, tiers[0].ID)
	}
	// An external address on a tier is acquired for the VPC and NATed to
	// the VM on its tier (CloudStack acquires none for a tier itself).
	e.mustOK(vm("vm2", &compute.NetworkInterface{Subnetwork: "regions/" + region + "/subnetworks/sub1",
		AccessConfigs: []*compute.AccessConfig{{Name: "external-nat", Type: "ONE_TO_ONE_NAT"}}}))
	in2, err := e.gce.Instances.Get(p, e.zone, "vm2").Do()
	if err != nil || len(in2.NetworkInterfaces[0].AccessConfigs) != 1 || in2.NetworkInterfaces[0].AccessConfigs[0].NatIP == "" {
		t.Fatalf("vm2 = %+v, %v", in2, err)
	}
	addrs, err := e.svc.Addresses(e.ctx(), translate.AddressQuery{IPs: []string{in2.NetworkInterfaces[0].AccessConfigs[0].NatIP}})
	if err != nil || len(addrs) != 1 || addrs[0].VPCID != vpcs[0].ID || addrs[0].InstanceName != "vm2" {
		t.Fatalf("vm2's address = %+v, %v", addrs, err)
	}
	e.mustOK(e.gce.Instances.Delete(p, e.zone, "vm2").Do())

	// In use: neither the network nor the subnetwork can go.
	_, err = e.gce.Networks.Delete(p, "net1").Do()
	apiErr(t, err, 400, "resourceInUseByAnotherResource")
	_, err = e.gce.Subnetworks.Delete(p, region, "sub1").Do()
	apiErr(t, err, 400, "resourceInUseByAnotherResource")

	// Routes: the subnet route and the VPC's default route (source NAT).
	rl, err := e.gce.Routes.List(p).Do()
	if err != nil {
		t.Fatal(err)
	}
	var subnetRoute, defaultRoute *compute.Route
	for _, r := range rl.Items {
		switch {
		case last(r.Network) == "net1" && r.DestRange == "10.5.0.0/24":
			subnetRoute = r
		case last(r.Network) == "net1" && r.DestRange == "0.0.0.0/0":
			defaultRoute = r
		}
	}
	if subnetRoute == nil || subnetRoute.NextHopNetwork != n.SelfLink || subnetRoute.Priority != 0 ||
		defaultRoute == nil || last(defaultRoute.NextHopGateway) != "default-internet-gateway" || defaultRoute.Priority != 1000 {
		t.Fatalf("routes = %+v", rl.Items)
	}
	if r, err := e.gce.Routes.Get(p, subnetRoute.Name).Do(); err != nil || r.SelfLink != subnetRoute.SelfLink {
		t.Fatalf("route get = %+v, %v", r, err)
	}
	_, err = e.gce.Routes.Insert(p, &compute.Route{Name: "r1", Network: "global/networks/net1", DestRange: "1.0.0.0/8", NextHopIp: "10.5.0.9"}).Do()
	apiErr(t, err, 501, "notImplemented")

	// Firewalls cannot be put on a VPC network.
	_, err = e.gce.Firewalls.Insert(p, &compute.Firewall{Name: "fw1", Network: "global/networks/net1", Allowed: []*compute.FirewallAllowed{{IPProtocol: "tcp", Ports: []string{"22"}}}}).Do()
	apiErr(t, err, 400, "invalid")
	_, err = e.gce.Firewalls.Insert(p, &compute.Firewall{Name: "fw1", Network: "global/networks/nope", Allowed: []*compute.FirewallAllowed{{IPProtocol: "tcp"}}}).Do()
	apiErr(t, err, 404, "notFound")

	// Tear down in order.
	e.mustOK(e.gce.Instances.Delete(p, e.zone, "vm1").Do())
	// CloudStack deletes no network before its VMs are expunged.
	_, err = e.gce.Subnetworks.Delete(p, region, "sub1").Do()
	apiErr(t, err, 400, "resourceInUseByAnotherResource")
	if e.sim.RunExpunger() != 2 { // vm1 and vm2
		t.Fatal("vm1 and vm2 were not expunged")
	}
	e.mustOK(e.gce.Subnetworks.Delete(p, region, "sub1").Do())
	e.mustOK(e.gce.Networks.Delete(p, "net1").Do())
	_, err = e.gce.Networks.Get(p, "net1").Do()
	apiErr(t, err, 404, "notFound")
	if vpcs, _ := e.svc.VPCs(e.ctx(), nil); len(vpcs) != 0 {
		t.Fatalf("VPCs left: %+v", vpcs)
	}
	_, err = e.gce.Networks.Delete(p, "default").Do()
	apiErr(t, err, 400, "invalid")
}

// TestNetworksSecurityGroupZones: where every zone uses security groups
// CloudStack lets users create neither VPCs nor networks: 501, nothing
// made. The shared network's routes go through its gateway.
func TestNetworksSecurityGroupZones(t *testing.T) {
	e := newEnv(t)
	p, region := e.project, "local1"
	_, err := e.gce.Networks.Insert(p, &compute.Network{Name: "net1", ForceSendFields: []string{"AutoCreateSubnetworks"}}).Do()
	apiErr(t, err, 501, "notImplemented")
	_, err = e.gce.Subnetworks.Insert(p, region, &compute.Subnetwork{Name: "s1", Network: "global/networks/default", IpCidrRange: "10.50.0.0/24"}).Do()
	apiErr(t, err, 501, "notImplemented")
	if nl, err := e.gce.Networks.List(p).Do(); err != nil || len(nl.Items) != 1 || nl.Items[0].Name != "default" {
		t.Fatalf("networks = %+v, %v", nl, err)
	}
	subs, err := e.gce.Subnetworks.List(p, region).Do()
	if err != nil || len(subs.Items) == 0 {
		t.Fatalf("subnetworks = %+v, %v", subs, err)
	}
	rl, err := e.gce.Routes.List(p).Do()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range subs.Items {
		var local, out bool
		for _, r := range rl.Items {
			local = local || r.DestRange == s.IpCidrRange && r.RouteType == "SUBNET"
			out = out || r.DestRange == "0.0.0.0/0" && r.NextHopIp == s.GatewayAddress
		}
		if !local || !out {
			t.Errorf("subnetwork %s (%s via %s): routes %+v", s.Name, s.IpCidrRange, s.GatewayAddress, rl.Items)
		}
	}
}

func translateQueryVPC(id string) translate.NetworkQuery { return translate.NetworkQuery{VPCID: id} }

// simAdmin calls the simulator as its admin (operator-only commands such as
// createPrivateGateway) and returns the response's object.
func (e *env) simAdmin(t *testing.T, params map[string]string) map[string]any {
	t.Helper()
	key, secret, _ := e.sim.UserKeys("admin")
	params["apiKey"], params["response"] = key, "json"
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
	var out map[string]map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 {
		t.Fatalf("simulator %s: %d %v %v", params["command"], resp.StatusCode, out, err)
	}
	for _, v := range out {
		return v
	}
	return nil
}

// TestRoutesVPCStaticRoute: a VPC static route through the operator's
// private gateway is a route of the custom network (nextHopIp the
// gateway's address).
func TestRoutesVPCStaticRoute(t *testing.T) {
	e := newSandboxEnv(t)
	e.mustOK(e.gce.Networks.Insert(e.project, &compute.Network{Name: "net1", ForceSendFields: []string{"AutoCreateSubnetworks"}}).Do())
	vpcs, err := e.svc.VPCs(e.ctx(), nil)
	if err != nil || len(vpcs) != 1 {
		t.Fatalf("VPCs = %+v, %v", vpcs, err)
	}
	gw := e.simAdmin(t, map[string]string{"command": "createPrivateGateway", "vpcid": vpcs[0].ID, "gateway": "192.168.100.1",
		"netmask": "255.255.255.0", "ipaddress": "192.168.100.10", "vlan": "200"})
	gwID, _ := gw["id"].(string)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if gs, err := e.svc.PrivateGateways(e.ctx(), vpcs[0].ID); err == nil && len(gs) == 1 && gs[0].State == "Ready" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("private gateway not ready")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := e.svc.CreateStaticRoute(e.ctx(), vpcs[0].ID, translate.RouteTarget{GatewayID: gwID}, "172.16.0.0/16"); err != nil {
		t.Fatal(err)
	}
	rl, err := e.gce.Routes.List(e.project).Do()
	if err != nil {
		t.Fatal(err)
	}
	var got *compute.Route
	for _, r := range rl.Items {
		if r.DestRange == "172.16.0.0/16" {
			got = r
		}
	}
	if got == nil || last(got.Network) != "net1" || got.NextHopIp != "192.168.100.1" || got.Priority != 1000 {
		t.Fatalf("static route = %+v in %+v", got, rl.Items)
	}
}

// TestSubnetworkLimit: CloudStack's vpc.max.networks (3 by default) caps a
// custom network's subnetworks; the fourth is GCE's quotaExceeded.
func TestSubnetworkLimit(t *testing.T) {
	e := newSandboxEnv(t)
	region := strings.TrimSuffix(e.zone, e.zone[strings.LastIndexByte(e.zone, '-'):])
	e.mustOK(e.gce.Networks.Insert(e.project, &compute.Network{Name: "net1", ForceSendFields: []string{"AutoCreateSubnetworks"}}).Do())
	for i, cidr := range []string{"10.1.0.0/24", "10.2.0.0/24", "10.3.0.0/24"} {
		e.mustOK(e.gce.Subnetworks.Insert(e.project, region, &compute.Subnetwork{Name: "s" + string(rune('a'+i)), Network: "global/networks/net1", IpCidrRange: cidr}).Do())
	}
	_, err := e.gce.Subnetworks.Insert(e.project, region, &compute.Subnetwork{Name: "sd", Network: "global/networks/net1", IpCidrRange: "10.4.0.0/24"}).Do()
	apiErr(t, err, 403, "quotaExceeded")
	if !strings.Contains(err.Error(), "vpc.max.networks") {
		t.Fatalf("error does not name the setting: %v", err)
	}
}

// TestAutoModeNetwork: an auto-mode network (gcloud's default) is a VPC
// with one tier named after it in the region's 10.128.0.0/20; the tier
// cannot be deleted alone and goes with the network.
func TestAutoModeNetwork(t *testing.T) {
	e := newSandboxEnv(t)
	region := strings.TrimSuffix(e.zone, e.zone[strings.LastIndexByte(e.zone, '-'):])
	e.mustOK(e.gce.Networks.Insert(e.project, &compute.Network{Name: "auto1", AutoCreateSubnetworks: true}).Do())
	n, err := e.gce.Networks.Get(e.project, "auto1").Do()
	if err != nil || !n.AutoCreateSubnetworks || len(n.Subnetworks) != 1 || last(n.Subnetworks[0]) != "auto1" {
		t.Fatalf("auto1 = %+v, %v", n, err)
	}
	sn, err := e.gce.Subnetworks.Get(e.project, region, "auto1").Do()
	if err != nil || sn.IpCidrRange != "10.128.0.0/20" || sn.Network != n.SelfLink {
		t.Fatalf("auto1 subnetwork = %+v, %v", sn, err)
	}
	vpcs, err := e.svc.VPCs(e.ctx(), nil)
	if err != nil || len(vpcs) != 1 || vpcs[0].CIDR != "10.128.0.0/9" {
		t.Fatalf("VPCs = %+v, %v", vpcs, err)
	}
	_, err = e.gce.Subnetworks.Delete(e.project, region, "auto1").Do()
	apiErr(t, err, 400, "invalid")
	// A custom subnetwork in it holds the network.
	e.mustOK(e.gce.Subnetworks.Insert(e.project, region, &compute.Subnetwork{Name: "extra", Network: n.SelfLink, IpCidrRange: "10.129.0.0/24"}).Do())
	_, err = e.gce.Networks.Delete(e.project, "auto1").Do()
	apiErr(t, err, 400, "resourceInUseByAnotherResource")
	e.mustOK(e.gce.Subnetworks.Delete(e.project, region, "extra").Do())
	e.mustOK(e.gce.Networks.Delete(e.project, "auto1").Do())
	if vpcs, _ := e.svc.VPCs(e.ctx(), nil); len(vpcs) != 0 {
		t.Fatalf("VPCs left: %+v", vpcs)
	}
	if nets, _ := e.svc.Networks(e.ctx(), translate.NetworkQuery{}); len(nets) != 0 {
		t.Fatalf("networks left: %+v", nets)
	}
}

// TestDefaultSubnetwork: a subnetwork of "default" is an isolated
// CloudStack network with that CIDR.
func TestDefaultSubnetwork(t *testing.T) {
	e := newSandboxEnv(t)
	region := strings.TrimSuffix(e.zone, e.zone[strings.LastIndexByte(e.zone, '-'):])
	e.mustOK(e.gce.Subnetworks.Insert(e.project, region, &compute.Subnetwork{Name: "iso1", Network: "global/networks/default", IpCidrRange: "10.50.0.0/24"}).Do())
	nets, err := e.svc.Networks(e.ctx(), translate.NetworkQuery{Name: "iso1"})
	if err != nil || len(nets) != 1 || nets[0].VPCID != "" || nets[0].Type != "Isolated" || nets[0].CIDR != "10.50.0.0/24" {
		t.Fatalf("CloudStack network = %+v, %v", nets, err)
	}
	sn, err := e.gce.Subnetworks.Get(e.project, region, "iso1").Do()
	if err != nil || last(sn.Network) != "default" {
		t.Fatalf("iso1 = %+v, %v", sn, err)
	}
	_, err = e.gce.Subnetworks.Insert(e.project, region, &compute.Subnetwork{Name: "iso2", Network: "global/networks/default", IpCidrRange: "10.50.0.0/16"}).Do()
	apiErr(t, err, 400, "invalid")
	e.mustOK(e.gce.Subnetworks.Delete(e.project, region, "iso1").Do())
	if nets, _ := e.svc.Networks(e.ctx(), translate.NetworkQuery{Name: "iso1"}); len(nets) != 0 {
		t.Fatalf("iso1 left: %+v", nets)
	}
}
