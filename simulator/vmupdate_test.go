package simulator_test

import (
	"testing"

	"github.com/cloudgate/cloudgate/simulator"
)

// updateVirtualMachine securitygroupids: a stopped VM only, ids and names
// mutually exclusive; skipped without an error where the zone has no
// security groups (UserVmManagerImpl.updateVirtualMachine).
func TestUpdateVMSecurityGroups(t *testing.T) {
	for _, tc := range []struct {
		profile string
		applies bool
	}{{simulator.ProfileDemoRecommended, true}, {simulator.ProfileSandbox, false}} {
		t.Run(tc.profile, func(t *testing.T) {
			srv := mustServer(t, &simulator.Options{Profile: tc.profile})
			cs := mustClient(t, srv, "demo")
			cat := mustCatalog(t, cs)
			g, err := cs.SecurityGroup.CreateSecurityGroup(cs.SecurityGroup.NewCreateSecurityGroupParams("web"))
			if err != nil {
				t.Fatal(err)
			}
			vm, err := cs.VirtualMachine.DeployVirtualMachine(cs.VirtualMachine.NewDeployVirtualMachineParams(cat.small, cat.debian, cat.zone))
			if err != nil {
				t.Fatal(err)
			}
			before := len(vm.Securitygroup)
			up := cs.VirtualMachine.NewUpdateVirtualMachineParams(vm.Id)
			up.SetSecuritygroupids([]string{g.Id})
			_, err = cs.VirtualMachine.UpdateVirtualMachine(up)
			if tc.applies {
				wantErr(t, err, "431", "must be stopped prior to update security groups")
			} else if err != nil {
				t.Fatalf("running VM outside security groups: %v", err)
			}
			if _, err := cs.VirtualMachine.StopVirtualMachine(cs.VirtualMachine.NewStopVirtualMachineParams(vm.Id)); err != nil {
				t.Fatal(err)
			}
			both := cs.VirtualMachine.NewUpdateVirtualMachineParams(vm.Id)
			both.SetSecuritygroupids([]string{g.Id})
			both.SetSecuritygroupnames([]string{"web"})
			_, err = cs.VirtualMachine.UpdateVirtualMachine(both)
			wantErr(t, err, "431", "mutually exclusive")
			if _, err := cs.VirtualMachine.UpdateVirtualMachine(up); err != nil {
				t.Fatal(err)
			}
			got, _, err := cs.VirtualMachine.GetVirtualMachineByID(vm.Id)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tc.applies && (len(got.Securitygroup) != 1 || got.Securitygroup[0].Id != g.Id):
				t.Fatalf("groups after update %+v, want [%s]", got.Securitygroup, g.Id)
			case !tc.applies && len(got.Securitygroup) != before:
				t.Fatalf("groups changed outside a security-group zone: %+v", got.Securitygroup)
			}
		})
	}
}
