package simulator_test

import (
	"encoding/base64"
	"testing"

	"github.com/cloudgate/cloudgate/simulator"
)

func TestVMLifecycle(t *testing.T) {
	srv := mustServer(t, &simulator.Options{Profile: simulator.ProfileDemoRecommended})
	cs := mustClient(t, srv, "demo")
	cat := mustCatalog(t, cs)

	p := cs.VirtualMachine.NewDeployVirtualMachineParams(cat.small, cat.debian, cat.zone)
	p.SetName("web1")
	p.SetDisplayname("Web One")
	userdata := base64.StdEncoding.EncodeToString([]byte("#cloud-config\n"))
	p.SetUserdata(userdata)
	vm, err := cs.VirtualMachine.DeployVirtualMachine(p)
	if err != nil {
		t.Fatalf("deploy: %v", err)
	}
	if vm.State != "Running" || vm.Name != "web1" || vm.Displayname != "Web One" || vm.Cpunumber != 1 || vm.Memory != 512 {
		t.Fatalf("deployed VM = %+v", vm)
	}
	if len(vm.Nic) != 1 || vm.Nic[0].Ipaddress == "" || vm.Nic[0].Macaddress == "" || vm.Nic[0].Networkid == "" {
		t.Fatalf("nic = %+v", vm.Nic)
	}
	if len(vm.Securitygroup) != 1 || vm.Securitygroup[0].Name != "default" {
		t.Fatalf("securitygroup = %+v", vm.Securitygroup)
	}
	if vm.Hostname != "" || vm.Instancename != "" {
		t.Fatalf("non-admin sees host %q / instance %q", vm.Hostname, vm.Instancename)
	}

	got, n, err := cs.VirtualMachine.GetVirtualMachineByID(vm.Id)
	if err != nil || n != 1 || got.State != "Running" || got.Templatename != "Debian 12" || got.Serviceofferingname != "Small Instance" || got.Zonename != "zone1" {
		t.Fatalf("get: %v %d %+v", err, n, got)
	}
	ud, err := cs.User.GetVirtualMachineUserData(cs.User.NewGetVirtualMachineUserDataParams(vm.Id))
	if err != nil || ud.Userdata != userdata {
		t.Fatalf("userdata: %v %+v", err, ud)
	}

	stop, err := cs.VirtualMachine.StopVirtualMachine(cs.VirtualMachine.NewStopVirtualMachineParams(vm.Id))
	if err != nil || stop.State != "Stopped" {
		t.Fatalf("stop: %v %+v", err, stop)
	}
	start, err := cs.VirtualMachine.StartVirtualMachine(cs.VirtualMachine.NewStartVirtualMachineParams(vm.Id))
	if err != nil || start.State != "Running" {
		t.Fatalf("start: %v %+v", err, start)
	}
	_, err = cs.VirtualMachine.StartVirtualMachine(cs.VirtualMachine.NewStartVirtualMachineParams(vm.Id))
	wantErr(t, err, "431", "already running")

	if _, err := cs.VirtualMachine.RebootVirtualMachine(cs.VirtualMachine.NewRebootVirtualMachineParams(vm.Id)); err != nil {
		t.Fatalf("reboot: %v", err)
	}
	d, err := cs.VirtualMachine.DestroyVirtualMachine(cs.VirtualMachine.NewDestroyVirtualMachineParams(vm.Id))
	if err != nil || d.State != "Destroyed" {
		t.Fatalf("destroy: %v %+v", err, d)
	}
	// With allow.user.view.destroyed.vm a Destroyed VM is listed like any other;
	// state=present leaves it out.
	l, err := cs.VirtualMachine.ListVirtualMachines(cs.VirtualMachine.NewListVirtualMachinesParams())
	if err != nil || l.Count != 1 || l.VirtualMachines[0].State != "Destroyed" {
		t.Fatalf("list after destroy: %v %+v", err, l)
	}
	lp := cs.VirtualMachine.NewListVirtualMachinesParams()
	lp.SetState("present")
	if l, err = cs.VirtualMachine.ListVirtualMachines(lp); err != nil || l.Count != 0 {
		t.Fatalf("list present: %v %+v", err, l)
	}
	lp.SetState("Destroyed")
	if l, err = cs.VirtualMachine.ListVirtualMachines(lp); err != nil || l.Count != 1 {
		t.Fatalf("list destroyed: %v %+v", err, l)
	}
	if _, err := cs.VirtualMachine.RecoverVirtualMachine(cs.VirtualMachine.NewRecoverVirtualMachineParams(vm.Id)); err != nil {
		t.Fatalf("recover: %v", err)
	}
	got, _, _ = cs.VirtualMachine.GetVirtualMachineByID(vm.Id)
	if got.State != "Stopped" {
		t.Fatalf("after recover state = %s", got.State)
	}
	_, err = cs.VirtualMachine.RecoverVirtualMachine(cs.VirtualMachine.NewRecoverVirtualMachineParams(vm.Id))
	wantErr(t, err, "431", "not in Destroyed state")

	if _, err := cs.VirtualMachine.DestroyVirtualMachine(cs.VirtualMachine.NewDestroyVirtualMachineParams(vm.Id)); err != nil {
		t.Fatalf("destroy 2: %v", err)
	}
	if _, err := cs.VirtualMachine.ExpungeVirtualMachine(cs.VirtualMachine.NewExpungeVirtualMachineParams(vm.Id)); err != nil {
		t.Fatalf("expunge: %v", err)
	}
	_, n, err = cs.VirtualMachine.GetVirtualMachineByID(vm.Id)
	wantErr(t, err, "No match found")
	vols, err := cs.Volume.ListVolumes(cs.Volume.NewListVolumesParams())
	if err != nil || vols.Count != 0 {
		t.Fatalf("root volume not removed: %v %+v", err, vols)
	}

	// Events drive the gateway's console output.
	ev, err := cs.Event.ListEvents(cs.Event.NewListEventsParams())
	if err != nil || ev.Count < 6 {
		t.Fatalf("events: %v %+v", err, ev)
	}
}

func TestDestroyWithExpunge(t *testing.T) {
	srv := mustServer(t, &simulator.Options{Profile: simulator.ProfileDemoRecommended})
	cs := mustClient(t, srv, "demo")
	cat := mustCatalog(t, cs)
	vm := mustDeploy(t, cs, cat, "gone")
	p := cs.VirtualMachine.NewDestroyVirtualMachineParams(vm.Id)
	p.SetExpunge(true)
	if _, err := cs.VirtualMachine.DestroyVirtualMachine(p); err != nil {
		t.Fatal(err)
	}
	_, _, err := cs.VirtualMachine.GetVirtualMachineByID(vm.Id)
	wantErr(t, err, "No match found")
}
