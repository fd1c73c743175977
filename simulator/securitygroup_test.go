package simulator_test

import (
	"testing"

	"github.com/cloudgate/cloudgate/simulator"
)

func TestSecurityGroups(t *testing.T) {
	srv := mustServer(t, &simulator.Options{Profile: simulator.ProfileDemoRecommended})
	cs := mustClient(t, srv, "demo")
	cat := mustCatalog(t, cs)

	sg, err := cs.SecurityGroup.CreateSecurityGroup(cs.SecurityGroup.NewCreateSecurityGroupParams("web"))
	if err != nil || sg.Name != "web" || sg.Id == "" {
		t.Fatalf("create: %v %+v", err, sg)
	}
	_, err = cs.SecurityGroup.CreateSecurityGroup(cs.SecurityGroup.NewCreateSecurityGroupParams("web"))
	wantErr(t, err, "431", "already exists")

	ap := cs.SecurityGroup.NewAuthorizeSecurityGroupIngressParams()
	ap.SetSecuritygroupid(sg.Id)
	ap.SetProtocol("tcp")
	ap.SetStartport(22)
	ap.SetEndport(22)
	ap.SetCidrlist([]string{"0.0.0.0/0"})
	if _, err := cs.SecurityGroup.AuthorizeSecurityGroupIngress(ap); err != nil {
		t.Fatalf("authorize: %v", err)
	}
	_, err = cs.SecurityGroup.AuthorizeSecurityGroupIngress(ap)
	wantErr(t, err, "Failed to authorize security group ingress rule")

	icmp := cs.SecurityGroup.NewAuthorizeSecurityGroupIngressParams()
	icmp.SetSecuritygroupname("web")
	icmp.SetProtocol("icmp")
	icmp.SetIcmptype(-1)
	icmp.SetIcmpcode(-1)
	icmp.SetUsersecuritygrouplist(map[string]string{"demo": "default"})
	if _, err := cs.SecurityGroup.AuthorizeSecurityGroupIngress(icmp); err != nil {
		t.Fatalf("authorize icmp: %v", err)
	}
	eg := cs.SecurityGroup.NewAuthorizeSecurityGroupEgressParams()
	eg.SetSecuritygroupid(sg.Id)
	eg.SetProtocol("udp")
	eg.SetStartport(53)
	eg.SetEndport(53)
	eg.SetCidrlist([]string{"10.0.0.0/8"})
	if _, err := cs.SecurityGroup.AuthorizeSecurityGroupEgress(eg); err != nil {
		t.Fatalf("authorize egress: %v", err)
	}

	got, n, err := cs.SecurityGroup.GetSecurityGroupByID(sg.Id)
	if err != nil || n != 1 || len(got.Ingressrule) != 2 || len(got.Egressrule) != 1 {
		t.Fatalf("get: %v %+v", err, got)
	}
	var ssh string
	for _, r := range got.Ingressrule {
		if r.Protocol == "tcp" {
			if r.Startport != 22 || r.Endport != 22 || r.Cidr != "0.0.0.0/0" || r.Ruleid == "" {
				t.Fatalf("rule = %+v", r)
			}
			ssh = r.Ruleid
		} else if r.Protocol != "icmp" || r.Icmptype != -1 || r.Securitygroupname != "default" || r.Account != "demo" {
			t.Fatalf("icmp rule = %+v", r)
		}
	}
	if _, err := cs.SecurityGroup.RevokeSecurityGroupIngress(cs.SecurityGroup.NewRevokeSecurityGroupIngressParams(ssh)); err != nil {
		t.Fatalf("revoke: %v", err)
	}
	got, _, _ = cs.SecurityGroup.GetSecurityGroupByID(sg.Id)
	if len(got.Ingressrule) != 1 {
		t.Fatalf("after revoke: %+v", got.Ingressrule)
	}

	p := cs.VirtualMachine.NewDeployVirtualMachineParams(cat.small, cat.debian, cat.zone)
	p.SetSecuritygroupids([]string{sg.Id})
	vm, err := cs.VirtualMachine.DeployVirtualMachine(p)
	if err != nil || len(vm.Securitygroup) != 1 || vm.Securitygroup[0].Id != sg.Id {
		t.Fatalf("deploy with sg: %v %+v", err, vm)
	}
	dp := cs.SecurityGroup.NewDeleteSecurityGroupParams()
	dp.SetId(sg.Id)
	_, err = cs.SecurityGroup.DeleteSecurityGroup(dp)
	wantErr(t, err, "536", "4375", "in use")

	// a group other groups' rules refer to cannot be deleted either
	ref, _ := cs.SecurityGroup.CreateSecurityGroup(cs.SecurityGroup.NewCreateSecurityGroupParams("referenced"))
	rp := cs.SecurityGroup.NewAuthorizeSecurityGroupIngressParams()
	rp.SetSecuritygroupid(sg.Id)
	rp.SetProtocol("tcp")
	rp.SetStartport(80)
	rp.SetEndport(80)
	rp.SetUsersecuritygrouplist(map[string]string{"demo": "referenced"})
	if _, err := cs.SecurityGroup.AuthorizeSecurityGroupIngress(rp); err != nil {
		t.Fatal(err)
	}
	rd := cs.SecurityGroup.NewDeleteSecurityGroupParams()
	rd.SetId(ref.Id)
	_, err = cs.SecurityGroup.DeleteSecurityGroup(rd)
	wantErr(t, err, "536", "security rules that allow this group")

	dd := cs.SecurityGroup.NewDeleteSecurityGroupParams()
	dd.SetName("default")
	_, err = cs.SecurityGroup.DeleteSecurityGroup(dd)
	wantErr(t, err, "431", "default")

	ex := cs.VirtualMachine.NewDestroyVirtualMachineParams(vm.Id)
	ex.SetExpunge(true)
	if _, err := cs.VirtualMachine.DestroyVirtualMachine(ex); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.SecurityGroup.DeleteSecurityGroup(dp); err != nil {
		t.Fatalf("delete after expunge: %v", err)
	}
	l, err := cs.SecurityGroup.ListSecurityGroups(cs.SecurityGroup.NewListSecurityGroupsParams())
	if err != nil || l.Count != 2 || l.SecurityGroups[0].Name != "default" {
		t.Fatalf("list: %v %+v", err, l)
	}
}
