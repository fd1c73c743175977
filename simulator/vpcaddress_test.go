package simulator_test

import (
	"testing"

	"github.com/apache/cloudstack-go/v2/cloudstack"

	"github.com/cloudgate/cloudgate/simulator"
)

// TestVPCAddresses: an address is acquired for a VPC, never for one of
// its tiers, and static NAT from it names the VM's tier
// (NetworkServiceImpl.associateIPToNetwork, EnableStaticNatCmd).
func TestVPCAddresses(t *testing.T) {
	srv := mustServer(t, &simulator.Options{Profile: simulator.ProfileSandbox})
	cs := mustClient(t, srv, "demo")
	cat := mustCatalog(t, cs)
	offs, err := cs.VPC.ListVPCOfferings(cs.VPC.NewListVPCOfferingsParams())
	if err != nil || offs.Count == 0 {
		t.Fatalf("VPC offerings: %v %+v", err, offs)
	}
	vpc, err := cs.VPC.CreateVPC(cs.VPC.NewCreateVPCParams("10.0.0.0/8", "v1", "v1", offs.VPCOfferings[0].Id, cat.zone))
	if err != nil {
		t.Fatal(err)
	}
	noffs := cs.NetworkOffering.NewListNetworkOfferingsParams()
	noffs.SetForvpc(true)
	no, err := cs.NetworkOffering.ListNetworkOfferings(noffs)
	if err != nil || no.Count == 0 {
		t.Fatalf("VPC network offerings: %v %+v", err, no)
	}
	np := cs.Network.NewCreateNetworkParams("tier1", no.NetworkOfferings[0].Id, cat.zone)
	np.SetVpcid(vpc.Id)
	np.SetGateway("10.5.0.1")
	np.SetNetmask("255.255.255.0")
	tier, err := cs.Network.CreateNetwork(np)
	if err != nil {
		t.Fatal(err)
	}
	// VpcManagerImpl.validateNewVpcGuestNetwork: within the VPC CIDR, no
	// crossing, at most vpc.max.networks (3) tiers.
	tierParams := func(name, gw string) *cloudstack.CreateNetworkParams {
		p := cs.Network.NewCreateNetworkParams(name, no.NetworkOfferings[0].Id, cat.zone)
		p.SetVpcid(vpc.Id)
		p.SetGateway(gw)
		p.SetNetmask("255.255.255.0")
		return p
	}
	_, err = cs.Network.CreateNetwork(tierParams("out", "192.168.7.1"))
	wantErr(t, err, "431", "is not within vpc")
	cross := tierParams("cross", "10.5.0.1")
	cross.SetNetmask("255.255.0.0")
	_, err = cs.Network.CreateNetwork(cross)
	wantErr(t, err, "431", "crosses other network cidr")
	for _, gw := range []string{"10.6.0.1", "10.7.0.1"} {
		if _, err := cs.Network.CreateNetwork(tierParams("t-"+gw, gw)); err != nil {
			t.Fatal(err)
		}
	}
	_, err = cs.Network.CreateNetwork(tierParams("fourth", "10.8.0.1"))
	wantErr(t, err, "530", "vpc.max.networks")

	dp := cs.VirtualMachine.NewDeployVirtualMachineParams(cat.small, cat.debian, cat.zone)
	dp.SetName("tiervm")
	dp.SetNetworkids([]string{tier.Id})
	vm, err := cs.VirtualMachine.DeployVirtualMachine(dp)
	if err != nil {
		t.Fatal(err)
	}

	onTier := cs.Address.NewAssociateIpAddressParams()
	onTier.SetNetworkid(tier.Id)
	_, err = cs.Address.AssociateIpAddress(onTier)
	wantErr(t, err, "431", "Specify vpcId to associate ip address to VPC")

	onVPC := cs.Address.NewAssociateIpAddressParams()
	onVPC.SetVpcid(vpc.Id)
	ip, err := cs.Address.AssociateIpAddress(onVPC)
	if err != nil || ip.Vpcid != vpc.Id || ip.Associatednetworkid != "" {
		t.Fatalf("associate for the VPC: %v %+v", err, ip)
	}
	_, err = cs.NAT.EnableStaticNat(cs.NAT.NewEnableStaticNatParams(ip.Id, vm.Id))
	wantErr(t, err, "431", "no networkId is passed in")
	sp := cs.NAT.NewEnableStaticNatParams(ip.Id, vm.Id)
	sp.SetNetworkid(tier.Id)
	if _, err := cs.NAT.EnableStaticNat(sp); err != nil {
		t.Fatalf("enableStaticNat networkid=tier: %v", err)
	}
	if got, _, _ := cs.VirtualMachine.GetVirtualMachineByID(vm.Id); got.Publicip != ip.Ipaddress {
		t.Fatalf("vm public ip = %q, want %q", got.Publicip, ip.Ipaddress)
	}
}
