package simulator_test

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/cloudgate/cloudgate/simulator"
)

func TestLoadSeedYAML(t *testing.T) {
	path := filepath.Join(t.TempDir(), "seed.yaml")
	os.WriteFile(path, []byte(`
name: tiny
randomSeed: 7
zones:
  - {name: z1, networkType: Advanced, securityGroups: true, hosts: 1, hostCpus: 2, hostCpuSpeed: 1000, hostMemoryMb: 1024}
serviceOfferings:
  - {name: tiny, cpus: 1, cpuSpeed: 500, memoryMb: 256}
templates:
  - {name: Alpine, osType: Other Linux (64-bit), sizeGb: 1}
accounts:
  - {name: root, admin: true, password: pw}
  - {name: alice, password: pw}
`), 0o600)
	seed, err := simulator.LoadSeed(path)
	if err != nil {
		t.Fatal(err)
	}
	srv := mustServer(t, &simulator.Options{Seed: seed})
	cs := mustClient(t, srv, "alice")
	z, err := cs.Zone.ListZones(cs.Zone.NewListZonesParams())
	if err != nil || z.Count != 1 || z.Zones[0].Name != "z1" {
		t.Fatalf("zones: %v %+v", err, z)
	}
	if _, _, ok := srv.UserKeys("demo"); ok {
		t.Fatal("default accounts present with a custom seed")
	}
	if _, err := simulator.LoadSeed(filepath.Join(t.TempDir(), "missing.yaml")); err == nil {
		t.Fatal("missing seed file accepted")
	}
}

func TestResetAndBasicZone(t *testing.T) {
	srv := mustServer(t, nil)
	cs := mustClient(t, srv, "demo")
	cat := mustCatalog(t, cs)
	p := cs.VirtualMachine.NewDeployVirtualMachineParams(cat.small, cat.debian, cat.zone2)
	vm, err := cs.VirtualMachine.DeployVirtualMachine(p)
	if err != nil || vm.Zonename != "zone2" || vm.Nic[0].Type != "Shared" || len(vm.Securitygroup) != 1 {
		t.Fatalf("basic zone deploy: %v %+v", err, vm)
	}
	ap := cs.Address.NewAssociateIpAddressParams()
	ap.SetZoneid(cat.zone2)
	_, err = cs.Address.AssociateIpAddress(ap)
	wantErr(t, err, "431", "Basic")

	req, _ := http.NewRequest(http.MethodPost, "http://simulator.invalid/_sim/reset", nil)
	if r, err := srv.HTTPClient().Do(req); err != nil || r.StatusCode != 200 {
		t.Fatalf("reset: %v", err)
	}
	l, err := cs.VirtualMachine.ListVirtualMachines(cs.VirtualMachine.NewListVirtualMachinesParams())
	if err != nil || l.Count != 0 {
		t.Fatalf("after reset: %v %+v", err, l)
	}
}
