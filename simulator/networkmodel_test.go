package simulator_test

import (
	"testing"

	"github.com/cloudgate/cloudgate/simulator"
)

// Fact 3, Advanced zone with security groups: a deploy without networkids goes on the zone's
// Shared security-group network (for users and admins); Isolated networks cannot be created;
// associateIpAddress with only zoneid finds no Isolated network (fact 4).
func TestSecurityGroupZoneNetworkModel(t *testing.T) {
	srv := mustServer(t, nil)
	cs := mustClient(t, srv, "demo")
	adm := mustClient(t, srv, "admin")
	cat := mustCatalog(t, cs)

	nl, err := cs.Network.ListNetworks(cs.Network.NewListNetworksParams())
	if err != nil || nl.Count != 2 {
		t.Fatalf("shared networks visible to the user: %v %+v", err, nl)
	}
	var shared string
	for _, n := range nl.Networks {
		if n.Zoneid == cat.zone {
			shared = n.Id
			if n.Type != "Shared" || n.Acltype != "Domain" {
				t.Fatalf("zone1 network: %+v", n)
			}
		}
	}
	vm := mustDeploy(t, cs, cat, "sg1")
	avm := mustDeploy(t, adm, mustCatalog(t, adm), "sg2")
	if vm.Nic[0].Networkid != shared || avm.Nic[0].Networkid != shared || vm.Nic[0].Type != "Shared" {
		t.Fatalf("deploy network: user %s admin %s shared %s", vm.Nic[0].Networkid, avm.Nic[0].Networkid, shared)
	}
	if len(vm.Securitygroup) != 1 {
		t.Fatalf("security groups: %+v", vm.Securitygroup)
	}

	off, _, err := cs.NetworkOffering.GetNetworkOfferingID("DefaultIsolatedNetworkOfferingWithSourceNatService")
	if err != nil {
		t.Fatal(err)
	}
	_, err = cs.Network.CreateNetwork(cs.Network.NewCreateNetworkParams("iso", off, cat.zone))
	wantErr(t, err, "431", "Only shared guest network can be created in security group enabled zone")
	_, err = adm.Network.CreateNetwork(adm.Network.NewCreateNetworkParams("iso", off, cat.zone))
	wantErr(t, err, "431", "Only shared guest network can be created in security group enabled zone")

	for who, c := range map[string]string{"demo": "demo", "admin": "admin"} {
		cl := mustClient(t, srv, c)
		ap := cl.Address.NewAssociateIpAddressParams()
		ap.SetZoneid(cat.zone)
		_, err = cl.Address.AssociateIpAddress(ap)
		wantErr(t, err, "431", "Account name="+who+" domain=ROOT doesn't have virtual networks in zone=zone1")
	}

	// Without the shared network the zone cannot take a VM without networkids.
	sd := simulator.DefaultSeed()
	sd.Zones[0].NoSharedNetwork = true
	srv2 := mustServer(t, &simulator.Options{Seed: sd})
	cs2 := mustClient(t, srv2, "demo")
	cat2 := mustCatalog(t, cs2)
	_, err = cs2.VirtualMachine.DeployVirtualMachine(cs2.VirtualMachine.NewDeployVirtualMachineParams(cat2.small, cat2.debian, cat2.zone))
	wantErr(t, err, "431", "No network with security enabled is found in zone id="+cat2.zone)
}

// Fact 3, Advanced zone without security groups: without networkids a deploy needs a network
// offering with availability Required (431 otherwise); with one, CloudStack creates the
// account's network.
func TestIsolatedZoneNetworkModel(t *testing.T) {
	sd, err := simulator.ProfileSeed(simulator.ProfileSandbox)
	if err != nil {
		t.Fatal(err)
	}
	sd.NetworkOfferings = nil // every offering Optional, CloudStack's default
	srv := mustServer(t, &simulator.Options{Seed: sd})
	for _, who := range []string{"demo", "admin"} {
		cs := mustClient(t, srv, who)
		cat := mustCatalog(t, cs)
		_, err = cs.VirtualMachine.DeployVirtualMachine(cs.VirtualMachine.NewDeployVirtualMachineParams(cat.small, cat.debian, cat.zone))
		wantErr(t, err, "431", "Unable to find network offering with availability=Required to automatically create the network as a part of vm creation")
	}

	srv = mustServer(t, &simulator.Options{Profile: simulator.ProfileSandbox})
	for _, who := range []string{"demo", "admin"} {
		cs := mustClient(t, srv, who)
		cat := mustCatalog(t, cs)
		vm := mustDeploy(t, cs, cat, "web")
		n, _, err := cs.Network.GetNetworkByID(vm.Nic[0].Networkid)
		if err != nil || n.Name != who+"-network" || n.Type != "Isolated" || n.Networkofferingavailability != "Required" || n.Account != who {
			t.Fatalf("%s: created network %v %+v", who, err, n)
		}
		// Fact 7: each account's VM named "web" lives in its own network, so the name is free
		// in the other account's network.
		if len(vm.Securitygroup) != 0 {
			t.Fatalf("security groups in a zone without them: %+v", vm.Securitygroup)
		}
	}
	// Security groups are refused in a zone without them.
	cs := mustClient(t, srv, "demo")
	cat := mustCatalog(t, cs)
	p := cs.VirtualMachine.NewDeployVirtualMachineParams(cat.small, cat.debian, cat.zone)
	p.SetSecuritygroupnames([]string{"default"})
	_, err = cs.VirtualMachine.DeployVirtualMachine(p)
	wantErr(t, err, "431", "security group feature is not enabled")
}

// Fact 7: a Destroyed, not yet expunged VM keeps its name in its network; an admin expunge
// frees it.
func TestHostnameHeldUntilExpunged(t *testing.T) {
	srv := mustServer(t, &simulator.Options{Profile: simulator.ProfileSandbox})
	cs := mustClient(t, srv, "demo")
	adm := mustClient(t, srv, "admin")
	cat := mustCatalog(t, cs)
	vm := mustDeploy(t, cs, cat, "app")
	if _, err := cs.VirtualMachine.DestroyVirtualMachine(cs.VirtualMachine.NewDestroyVirtualMachineParams(vm.Id)); err != nil {
		t.Fatal(err)
	}
	p := cs.VirtualMachine.NewDeployVirtualMachineParams(cat.small, cat.debian, cat.zone)
	p.SetName("app")
	_, err := cs.VirtualMachine.DeployVirtualMachine(p)
	wantErr(t, err, "431", "The vm with hostName app already exists in the network domain")
	// Hostnames compare case-sensitively (Java List.contains).
	p.SetName("App")
	if _, err := cs.VirtualMachine.DeployVirtualMachine(p); err != nil {
		t.Fatalf("other case: %v", err)
	}
	if _, err := adm.VirtualMachine.ExpungeVirtualMachine(adm.VirtualMachine.NewExpungeVirtualMachineParams(vm.Id)); err != nil {
		t.Fatal(err)
	}
	p.SetName("app")
	if _, err := cs.VirtualMachine.DeployVirtualMachine(p); err != nil {
		t.Fatalf("after expunge: %v", err)
	}
}
