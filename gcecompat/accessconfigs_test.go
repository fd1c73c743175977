package gcecompat_test

import (
	"testing"

	"github.com/cloudgate/cloudgate/simulator"
	"github.com/cloudgate/cloudgate/translate"
	compute "google.golang.org/api/compute/v1"
)

// TestEphemeralAccessConfig: in a zone without security groups an
// ONE_TO_ONE_NAT access config without natIP gets a public IP by static
// NAT, shown as natIP, not listed as a reserved address, and released with
// deleteAccessConfig or the instance; addAccessConfig gives a new one.
func TestEphemeralAccessConfig(t *testing.T) {
	seed := simulator.DefaultSeed()
	seed.Zones = append(seed.Zones, simulator.SeedZone{Name: "zone3", NetworkType: "Advanced", GuestCIDR: "10.3.0.0/16",
		PublicPrefix: "192.168.4.", Hosts: 1, HostCPUs: 8, HostCPUSpeed: 2000, HostMemoryMB: 8192})
	e := newEnvWith(t, seed)
	zones, err := e.gce.Zones.List(e.project).Do()
	if err != nil {
		t.Fatal(err)
	}
	zone := ""
	for _, z := range zones.Items {
		if last(z.Name) != "" && len(z.Name) >= 5 && z.Name[len(z.Name)-5:] == "zone3" {
			zone = z.Name
		}
	}
	if zone == "" {
		t.Fatalf("no zone3 in %+v", zones.Items)
	}
	// Isolated zones need the account's network (EC2 CreateVpc/CreateSubnet
	// makes it; GCE cannot create networks).
	zs, err := e.svc.Zones(e.ctx())
	if err != nil {
		t.Fatal(err)
	}
	for _, z := range zs {
		if z.Name == "zone3" {
			if _, err := e.svc.CreateNetwork(e.ctx(), translate.NetworkSpec{Name: "net3", ZoneID: z.ID}); err != nil {
				t.Fatal(err)
			}
		}
	}
	ips := func() []string {
		t.Helper()
		vm, err := e.gce.Instances.Get(e.project, zone, "eph1").Do()
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, ac := range vm.NetworkInterfaces[0].AccessConfigs {
			out = append(out, ac.NatIP)
		}
		return out
	}
	e.mustOK(e.gce.Instances.Insert(e.project, zone, &compute.Instance{
		Name: "eph1", MachineType: "zones/" + zone + "/machineTypes/small-instance",
		Disks: []*compute.AttachedDisk{{Boot: true, AutoDelete: true, InitializeParams: &compute.AttachedDiskInitializeParams{
			SourceImage: "projects/debian-cloud/global/images/family/debian-12"}}},
		NetworkInterfaces: []*compute.NetworkInterface{{AccessConfigs: []*compute.AccessConfig{{Name: "external-nat", Type: "ONE_TO_ONE_NAT"}}}},
	}).Do())
	got := ips()
	if len(got) != 1 || got[0] == "" {
		t.Fatalf("natIP after insert = %v", got)
	}
	if l, err := e.gce.Addresses.List(e.project, e.region()).Do(); err != nil || len(l.Items) != 0 {
		t.Fatalf("ephemeral address listed as reserved: %+v %v", l, err)
	}
	e.mustOK(e.gce.Instances.DeleteAccessConfig(e.project, zone, "eph1", "external-nat", "nic0").Do())
	if got := ips(); len(got) != 0 {
		t.Fatalf("access configs after deleteAccessConfig = %v", got)
	}
	if n := e.publicIPs(t); n != 0 {
		t.Fatalf("%d non-source-NAT public IPs after deleteAccessConfig", n)
	}
	e.mustOK(e.gce.Instances.AddAccessConfig(e.project, zone, "eph1", "nic0", &compute.AccessConfig{Name: "nat2", Type: "ONE_TO_ONE_NAT"}).Do())
	if got := ips(); len(got) != 1 || got[0] == "" {
		t.Fatalf("natIP after addAccessConfig = %v", got)
	}
	e.mustOK(e.gce.Instances.Delete(e.project, zone, "eph1").Do())
	if n := e.publicIPs(t); n != 0 {
		t.Fatalf("%d non-source-NAT public IPs after the instance's delete", n)
	}
}

func (e *env) region() string {
	e.t.Helper()
	r, err := e.gce.Regions.List(e.project).Do()
	if err != nil || len(r.Items) == 0 {
		e.t.Fatalf("regions: %v", err)
	}
	return r.Items[0].Name
}

// publicIPs counts the demo user's public IPs other than source NAT ones.
func (e *env) publicIPs(t *testing.T) int {
	t.Helper()
	all, err := e.svc.Addresses(e.ctx(), translateAddressQuery())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, a := range all {
		if !a.SourceNAT {
			n++
		}
	}
	return n
}

func translateAddressQuery() translate.AddressQuery { return translate.AddressQuery{} }
