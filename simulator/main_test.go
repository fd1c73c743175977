package simulator_test

import (
	"strings"
	"testing"

	"github.com/apache/cloudstack-go/v2/cloudstack"

	"github.com/cloudgate/cloudgate/simulator"
)

// mustServer starts an in-memory simulator (no listener) and closes it with the test.
func mustServer(tb testing.TB, opts *simulator.Options) *simulator.Server {
	tb.Helper()
	if opts == nil {
		opts = &simulator.Options{}
	}
	if !opts.NoListener && opts.Listen == "" {
		opts.NoListener = true
	}
	srv, err := simulator.New(opts)
	if err != nil {
		tb.Fatalf("simulator.New: %v", err)
	}
	tb.Cleanup(func() { srv.Close() })
	return srv
}

// mustClient returns an async cloudstack-go client for user, talking to srv in memory.
func mustClient(tb testing.TB, srv *simulator.Server, user string) *cloudstack.CloudStackClient {
	tb.Helper()
	key, secret, ok := srv.UserKeys(user)
	if !ok {
		tb.Fatalf("no keys for user %s", user)
	}
	return cloudstack.NewAsyncClient(srv.URL(), key, secret, false, cloudstack.WithHTTPClient(srv.HTTPClient()), cloudstack.WithAsyncTimeout(30))
}

// catalog holds the ids of the default seed's zone1 items.
type catalog struct {
	zone, zone2, small, medium, large, custom, debian, centos, diskSmall, diskCustom string
}

func mustCatalog(tb testing.TB, cs *cloudstack.CloudStackClient) catalog {
	tb.Helper()
	var c catalog
	var err error
	must := func(id string, _ int, e error) string {
		tb.Helper()
		if e != nil {
			err = e
			tb.Fatalf("catalog lookup: %v", e)
		}
		return id
	}
	// zone1/zone2 of the demo datacenter, or the first zone of another profile.
	zl, e := cs.Zone.ListZones(cs.Zone.NewListZonesParams())
	if e != nil || zl.Count == 0 {
		tb.Fatalf("zones: %v", e)
	}
	c.zone = zl.Zones[0].Id
	for _, z := range zl.Zones {
		switch z.Name {
		case "zone1":
			c.zone = z.Id
		case "zone2":
			c.zone2 = z.Id
		}
	}
	c.small = must(cs.ServiceOffering.GetServiceOfferingID("Small Instance"))
	c.medium = must(cs.ServiceOffering.GetServiceOfferingID("Medium Instance"))
	c.large = must(cs.ServiceOffering.GetServiceOfferingID("Large Instance"))
	c.custom = must(cs.ServiceOffering.GetServiceOfferingID("Custom"))
	c.debian = must(cs.Template.GetTemplateID("Debian 12", "featured", c.zone))
	c.centos = must(cs.Template.GetTemplateID("CentOS 7", "featured", c.zone))
	c.diskSmall = must(cs.DiskOffering.GetDiskOfferingID("Small"))
	c.diskCustom = must(cs.DiskOffering.GetDiskOfferingID("Custom"))
	_ = err
	return c
}

func mustDeploy(tb testing.TB, cs *cloudstack.CloudStackClient, cat catalog, name string) *cloudstack.DeployVirtualMachineResponse {
	tb.Helper()
	p := cs.VirtualMachine.NewDeployVirtualMachineParams(cat.small, cat.debian, cat.zone)
	p.SetName(name)
	vm, err := cs.VirtualMachine.DeployVirtualMachine(p)
	if err != nil {
		tb.Fatalf("deploy %s: %v", name, err)
	}
	return vm
}

func wantErr(tb testing.TB, err error, substr ...string) {
	tb.Helper()
	if err == nil {
		tb.Fatalf("want error containing %q, got nil", substr)
	}
	for _, s := range substr {
		if !strings.Contains(err.Error(), s) {
			tb.Fatalf("error %q does not contain %q", err, s)
		}
	}
}

// custom returns cloudstack-go's generic request service (its interface is empty).
func custom(cs *cloudstack.CloudStackClient) *cloudstack.CustomService {
	return cs.Custom.(*cloudstack.CustomService)
}
