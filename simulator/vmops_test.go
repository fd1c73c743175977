package simulator_test

import (
	"fmt"
	"sync"
	"testing"
)

func TestVMUpdates(t *testing.T) {
	srv := mustServer(t, nil)
	cs := mustClient(t, srv, "demo")
	cat := mustCatalog(t, cs)
	vm := mustDeploy(t, cs, cat, "upd")
	if _, err := cs.SSH.CreateSSHKeyPair(cs.SSH.NewCreateSSHKeyPairParams("k2")); err != nil {
		t.Fatal(err)
	}
	sg, _ := cs.SecurityGroup.CreateSecurityGroup(cs.SecurityGroup.NewCreateSecurityGroupParams("extra"))

	// Running: offering change and SG update need a stopped VM.
	cp := cs.VirtualMachine.NewChangeServiceForVirtualMachineParams(vm.Id, cat.medium)
	_, err := cs.VirtualMachine.ChangeServiceForVirtualMachine(cp)
	wantErr(t, err, "431", "stopped")
	up := cs.VirtualMachine.NewUpdateVirtualMachineParams(vm.Id)
	up.SetSecuritygroupids([]string{sg.Id})
	_, err = cs.VirtualMachine.UpdateVirtualMachine(up)
	wantErr(t, err, "431", "stopped")
	up = cs.VirtualMachine.NewUpdateVirtualMachineParams(vm.Id)
	up.SetDisplayname("Renamed")
	if _, err := cs.VirtualMachine.UpdateVirtualMachine(up); err != nil {
		t.Fatal(err)
	}
	// scale up a running VM
	if sc, err := cs.VirtualMachine.ScaleVirtualMachine(cs.VirtualMachine.NewScaleVirtualMachineParams(vm.Id, cat.medium)); err != nil {
		t.Fatalf("scale: %v %+v", err, sc)
	}
	got, _, _ := cs.VirtualMachine.GetVirtualMachineByID(vm.Id)
	if got.Displayname != "Renamed" || got.Memory != 1024 || got.Serviceofferingname != "Medium Instance" {
		t.Fatalf("after update/scale: %+v", got)
	}

	if _, err := cs.VirtualMachine.StopVirtualMachine(cs.VirtualMachine.NewStopVirtualMachineParams(vm.Id)); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.VirtualMachine.StopVirtualMachine(cs.VirtualMachine.NewStopVirtualMachineParams(vm.Id)); err != nil {
		t.Fatalf("stop of a stopped VM is a no-op: %v", err)
	}
	if _, err := cs.VirtualMachine.ChangeServiceForVirtualMachine(cs.VirtualMachine.NewChangeServiceForVirtualMachineParams(vm.Id, cat.large)); err != nil {
		t.Fatal(err)
	}
	up = cs.VirtualMachine.NewUpdateVirtualMachineParams(vm.Id)
	up.SetSecuritygroupids([]string{sg.Id})
	if _, err := cs.VirtualMachine.UpdateVirtualMachine(up); err != nil {
		t.Fatal(err)
	}
	rk := cs.SSH.NewResetSSHKeyForVirtualMachineParams(vm.Id)
	rk.SetKeypair("k2")
	if r, err := cs.SSH.ResetSSHKeyForVirtualMachine(rk); err != nil || r.Keypairs != "k2" {
		t.Fatalf("resetSSHKey: %v %+v", err, r)
	}
	got, _, _ = cs.VirtualMachine.GetVirtualMachineByID(vm.Id)
	if got.Cpunumber != 2 || got.Memory != 4096 || len(got.Securitygroup) != 1 || got.Securitygroup[0].Name != "extra" || got.Keypairs != "k2" {
		t.Fatalf("after changes: %+v", got)
	}
	_, err = cs.VirtualMachine.ResetPasswordForVirtualMachine(cs.VirtualMachine.NewResetPasswordForVirtualMachineParams(vm.Id))
	wantErr(t, err, "431", "not password enabled")
}

func TestConcurrentClients(t *testing.T) {
	srv := mustServer(t, nil)
	cat := mustCatalog(t, mustClient(t, srv, "demo"))
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			user := []string{"demo", "other"}[i%2]
			cs := mustClient(t, srv, user)
			p := cs.VirtualMachine.NewDeployVirtualMachineParams(cat.small, cat.debian, cat.zone)
			p.SetName(fmt.Sprintf("c%d", i))
			if _, err := cs.VirtualMachine.DeployVirtualMachine(p); err != nil {
				errs <- err
			}
			if _, err := cs.VirtualMachine.ListVirtualMachines(cs.VirtualMachine.NewListVirtualMachinesParams()); err != nil {
				errs <- err
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	adm := mustClient(t, srv, "admin")
	p := adm.VirtualMachine.NewListVirtualMachinesParams()
	p.SetListall(true)
	if l, err := adm.VirtualMachine.ListVirtualMachines(p); err != nil || l.Count != 8 {
		t.Fatalf("listall: %v %d", err, l.Count)
	}
}

func BenchmarkListVirtualMachines(b *testing.B) {
	srv := mustServer(b, nil)
	cs := mustClient(b, srv, "demo")
	cat := mustCatalog(b, cs)
	for i := 0; i < 10; i++ {
		mustDeploy(b, cs, cat, fmt.Sprintf("b%d", i))
	}
	p := cs.VirtualMachine.NewListVirtualMachinesParams()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if l, err := cs.VirtualMachine.ListVirtualMachines(p); err != nil || l.Count != 10 {
			b.Fatal(err)
		}
	}
}

func TestNicsAndRegions(t *testing.T) {
	srv := mustServer(t, nil)
	cs := mustClient(t, srv, "demo")
	cat := mustCatalog(t, cs)
	vm := mustDeploy(t, cs, cat, "nics")
	n, err := cs.Nic.ListNics(cs.Nic.NewListNicsParams(vm.Id))
	if err != nil || n.Count != 1 || n.Nics[0].Ipaddress != vm.Nic[0].Ipaddress || !n.Nics[0].Isdefault {
		t.Fatalf("listNics: %v %+v", err, n)
	}
	r, err := cs.Region.ListRegions(cs.Region.NewListRegionsParams())
	if err != nil || r.Count != 1 {
		t.Fatalf("listRegions: %v %+v", err, r)
	}
}
