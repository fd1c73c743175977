package simulator_test

import (
	"testing"

	"github.com/cloudgate/cloudgate/simulator"
)

func TestNetworksAndAddresses(t *testing.T) {
	srv := mustServer(t, &simulator.Options{Profile: simulator.ProfileSandbox})
	cs := mustClient(t, srv, "demo")
	cat := mustCatalog(t, cs)
	// Before any network, an IP for the zone has no network to go to.
	zp := cs.Address.NewAssociateIpAddressParams()
	zp.SetZoneid(cat.zone)
	_, err := cs.Address.AssociateIpAddress(zp)
	wantErr(t, err, "431", "Account name=demo domain=ROOT doesn't have virtual networks in zone=Sandbox-simulator")
	vm := mustDeploy(t, cs, cat, "pub")

	// The Required offering made CloudStack create "demo-network", implemented with a source NAT IP.
	nets, err := cs.Network.ListNetworks(cs.Network.NewListNetworksParams())
	if err != nil || nets.Count != 1 || nets.Networks[0].Name != "demo-network" || nets.Networks[0].State != "Implemented" || nets.Networks[0].Id != vm.Nic[0].Networkid {
		t.Fatalf("networks: %v %+v", err, nets)
	}
	ips, err := cs.Address.ListPublicIpAddresses(cs.Address.NewListPublicIpAddressesParams())
	if err != nil || ips.Count != 1 || !ips.PublicIpAddresses[0].Issourcenat {
		t.Fatalf("source nat: %v %+v", err, ips)
	}

	// With exactly one Isolated network, zoneid alone is enough.
	ip, err := cs.Address.AssociateIpAddress(zp)
	if err != nil || ip.Ipaddress == "" || ip.State != "Allocated" || ip.Issourcenat || ip.Associatednetworkid != vm.Nic[0].Networkid {
		t.Fatalf("associate: %v %+v", err, ip)
	}
	if _, err := cs.NAT.EnableStaticNat(cs.NAT.NewEnableStaticNatParams(ip.Id, vm.Id)); err != nil {
		t.Fatalf("enableStaticNat: %v", err)
	}
	got, _, _ := cs.VirtualMachine.GetVirtualMachineByID(vm.Id)
	if got.Publicip != ip.Ipaddress || got.Publicipid != ip.Id {
		t.Fatalf("vm public ip = %q/%q", got.Publicip, got.Publicipid)
	}
	_, err = cs.NAT.EnableStaticNat(cs.NAT.NewEnableStaticNatParams(ips.PublicIpAddresses[0].Id, vm.Id))
	wantErr(t, err, "537")
	if _, err := cs.NAT.DisableStaticNat(cs.NAT.NewDisableStaticNatParams(ip.Id)); err != nil {
		t.Fatalf("disableStaticNat: %v", err)
	}
	_, err = cs.Address.DisassociateIpAddress(cs.Address.NewDisassociateIpAddressParams(ips.PublicIpAddresses[0].Id))
	wantErr(t, err, "431", "source nat")
	if _, err := cs.Address.DisassociateIpAddress(cs.Address.NewDisassociateIpAddressParams(ip.Id)); err != nil {
		t.Fatalf("disassociate: %v", err)
	}
	_, err = cs.Network.DeleteNetwork(cs.Network.NewDeleteNetworkParams(vm.Nic[0].Networkid))
	wantErr(t, err, "active nics")

	// A second isolated network, used by a VM.
	off, _, err := cs.NetworkOffering.GetNetworkOfferingID("DefaultIsolatedNetworkOfferingWithSourceNatService")
	if err != nil {
		t.Fatal(err)
	}
	np := cs.Network.NewCreateNetworkParams("backend", off, cat.zone)
	np.SetGateway("10.1.77.1")
	np.SetNetmask("255.255.255.0")
	n, err := cs.Network.CreateNetwork(np)
	if err != nil || n.Cidr != "10.1.77.0/24" || n.State != "Allocated" {
		t.Fatalf("createNetwork: %v %+v", err, n)
	}
	// Two Isolated networks: zoneid alone is ambiguous, and so is a deploy without networkids.
	_, err = cs.Address.AssociateIpAddress(zp)
	wantErr(t, err, "431", "Account has more than one isolated network in the zone")
	_, err = cs.VirtualMachine.DeployVirtualMachine(cs.VirtualMachine.NewDeployVirtualMachineParams(cat.small, cat.debian, cat.zone))
	wantErr(t, err, "431", "More than 1 default Isolated networks are found for Account")
	dp := cs.VirtualMachine.NewDeployVirtualMachineParams(cat.small, cat.debian, cat.zone)
	dp.SetNetworkids([]string{n.Id})
	vm2, err := cs.VirtualMachine.DeployVirtualMachine(dp)
	if err != nil || vm2.Nic[0].Networkid != n.Id || vm2.Nic[0].Gateway != "10.1.77.1" {
		t.Fatalf("deploy in network: %v %+v", err, vm2)
	}
	// sandbox keeps CloudStack's default allow.user.expunge.recover.vm=false: the destroyed VM
	// keeps its NIC, so the network stays in use until the VM is expunged (here by the admin).
	if _, err := cs.VirtualMachine.DestroyVirtualMachine(cs.VirtualMachine.NewDestroyVirtualMachineParams(vm2.Id)); err != nil {
		t.Fatal(err)
	}
	_, err = cs.Network.DeleteNetwork(cs.Network.NewDeleteNetworkParams(n.Id))
	wantErr(t, err, "active nics")
	adm := mustClient(t, srv, "admin")
	if _, err := adm.VirtualMachine.ExpungeVirtualMachine(adm.VirtualMachine.NewExpungeVirtualMachineParams(vm2.Id)); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.Network.DeleteNetwork(cs.Network.NewDeleteNetworkParams(n.Id)); err != nil {
		t.Fatalf("deleteNetwork: %v", err)
	}

	// VPCs
	vo, _, err := cs.VPC.GetVPCOfferingID("Default VPC offering")
	if err != nil {
		t.Fatal(err)
	}
	v, err := cs.VPC.CreateVPC(cs.VPC.NewCreateVPCParams("10.10.0.0/16", "my vpc", "vpc1", vo, cat.zone))
	if err != nil || v.State != "Enabled" || v.Cidr != "10.10.0.0/16" {
		t.Fatalf("createVPC: %v %+v", err, v)
	}
	vl, err := cs.VPC.ListVPCs(cs.VPC.NewListVPCsParams())
	if err != nil || vl.Count != 1 {
		t.Fatalf("listVPCs: %v %+v", err, vl)
	}
	if _, err := cs.VPC.DeleteVPC(cs.VPC.NewDeleteVPCParams(v.Id)); err != nil {
		t.Fatalf("deleteVPC: %v", err)
	}
}

func TestCatalog(t *testing.T) {
	srv := mustServer(t, nil)
	cs := mustClient(t, srv, "demo")
	z, err := cs.Zone.ListZones(cs.Zone.NewListZonesParams())
	if err != nil || z.Count != 2 || z.Zones[0].Networktype != "Advanced" || z.Zones[1].Networktype != "Basic" || !z.Zones[1].Securitygroupsenabled {
		t.Fatalf("zones: %v %+v", err, z)
	}
	so, err := cs.ServiceOffering.ListServiceOfferings(cs.ServiceOffering.NewListServiceOfferingsParams())
	if err != nil || so.Count != 4 || so.ServiceOfferings[2].Memory != 4096 || !so.ServiceOfferings[3].Iscustomized {
		t.Fatalf("offerings: %v %+v", err, so)
	}
	tp := cs.Template.NewListTemplatesParams("executable")
	tp.SetZoneid(z.Zones[1].Id)
	tl, err := cs.Template.ListTemplates(tp)
	if err != nil || tl.Count != 3 || tl.Templates[0].Ostypename != "Debian GNU/Linux 12 (64-bit)" || !tl.Templates[0].Isready || tl.Templates[0].Zonename != "zone2" {
		t.Fatalf("templates: %v %+v", err, tl)
	}
	all, _ := cs.Template.ListTemplates(cs.Template.NewListTemplatesParams("featured"))
	if all.Count != 6 { // one entry per zone, as CloudStack
		t.Fatalf("featured templates = %d", all.Count)
	}
	_, err = cs.Template.ListTemplates(cs.Template.NewListTemplatesParams(""))
	wantErr(t, err, "431", "templatefilter")
	caps, err := cs.Configuration.ListCapabilities(cs.Configuration.NewListCapabilitiesParams())
	if err != nil || caps.Capabilities == nil || !caps.Capabilities.Securitygroupsenabled {
		t.Fatalf("capabilities: %v %+v", err, caps)
	}
	acc, err := cs.Account.ListAccounts(cs.Account.NewListAccountsParams())
	if err != nil || acc.Count != 1 || acc.Accounts[0].Name != "demo" || acc.Accounts[0].Accounttype != 0 {
		t.Fatalf("accounts: %v %+v", err, acc)
	}
	d, err := cs.Domain.ListDomains(cs.Domain.NewListDomainsParams())
	if err != nil || d.Count != 1 || d.Domains[0].Name != "ROOT" {
		t.Fatalf("domains: %v %+v", err, d)
	}
}
