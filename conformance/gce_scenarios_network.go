package conformance

import (
	"context"
	"net/http"
	"sort"
	"strings"

	compute "google.golang.org/api/compute/v1"
)

// insertFirewall creates an ingress rule allowing tcp:22 from a
// documentation range, waits for it and pushes its deletion.
func (t *scenarioT) insertFirewall(name string) *compute.Operation {
	svc, p := t.env.gce, t.env.cfg.GCEProject
	cat := t.catalogGCE()
	op, err := svc.Firewalls.Insert(p, &compute.Firewall{
		Name: name, Network: cat.network, Direction: "INGRESS",
		Allowed:      []*compute.FirewallAllowed{{IPProtocol: "tcp", Ports: []string{"22"}}},
		SourceRanges: []string{"192.0.2.0/24"},
	}).Context(t.ctx).Do()
	t.Must(err, "firewalls.insert "+name)
	t.Defer("delete firewall "+name, func(ctx context.Context) error {
		_, err := svc.Firewalls.Delete(p, name).Context(ctx).Do()
		return ignoreGCENotFound(err)
	})
	return t.waitOp(op, "compute.firewalls.insert")
}

func gceFirewalls() scenario {
	return scenario{
		name: "gce/firewalls", api: "gce",
		ops: []string{"compute.firewalls.insert", "compute.firewalls.get", "compute.firewalls.patch", "compute.firewalls.delete", "compute.globalOperations.wait"},
		run: func(t *scenarioT) {
			svc, p := t.env.gce, t.env.cfg.GCEProject
			name := t.env.name("fw")
			op := t.insertFirewall(name)
			Equal(t, "operation operationType", op.OperationType, "insert")
			t.Check(strings.HasSuffix(op.TargetLink, "/firewalls/"+name), "operation targetLink %q does not name the firewall", op.TargetLink)
			fw, err := svc.Firewalls.Get(p, name).Context(t.ctx).Do()
			t.Must(err, "firewalls.get")
			Equal(t, "name", fw.Name, name)
			Equal(t, "direction", fw.Direction, "INGRESS")
			t.Check(len(fw.Allowed) == 1 && fw.Allowed[0].IPProtocol == "tcp" && strings.Join(fw.Allowed[0].Ports, ",") == "22", "allowed %+v, want tcp:22", fw.Allowed)
			t.Check(strings.Join(fw.SourceRanges, ",") == "192.0.2.0/24", "sourceRanges %v", fw.SourceRanges)
			t.Check(fw.SelfLink != "", "firewall without selfLink")

			pop, err := svc.Firewalls.Patch(p, name, &compute.Firewall{SourceRanges: []string{"198.51.100.0/24"}}).Context(t.ctx).Do()
			t.Must(err, "firewalls.patch")
			t.waitOp(pop, "compute.firewalls.patch")
			fw, err = svc.Firewalls.Get(p, name).Context(t.ctx).Do()
			t.Must(err, "firewalls.get")
			t.Check(strings.Join(fw.SourceRanges, ",") == "198.51.100.0/24", "sourceRanges %v after patch", fw.SourceRanges)
			t.Check(len(fw.Allowed) == 1, "patch of sourceRanges changed allowed: %+v", fw.Allowed)

			cat := t.catalogGCE()
			_, err = svc.Firewalls.Insert(p, &compute.Firewall{Name: name, Network: cat.network,
				Allowed: []*compute.FirewallAllowed{{IPProtocol: "tcp", Ports: []string{"22"}}}}).Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusConflict, "alreadyExists", "firewalls.insert of a taken name")

			del, err := svc.Firewalls.Delete(p, name).Context(t.ctx).Do()
			t.Must(err, "firewalls.delete")
			t.waitOp(del, "compute.firewalls.delete")
			_, err = svc.Firewalls.Get(p, name).Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusNotFound, "notFound", "firewalls.get of a deleted firewall")
		},
	}
}

func gceListFiltersPaging() scenario {
	return scenario{
		name: "gce/list-filters-paging", api: "gce",
		ops: []string{"compute.firewalls.insert", "compute.firewalls.list", "compute.firewalls.delete"},
		run: func(t *scenarioT) {
			svc, p := t.env.gce, t.env.cfg.GCEProject
			prefix := t.env.name("page")
			var want []string
			for _, s := range []string{"a", "b", "c"} {
				t.insertFirewall(prefix + "-" + s)
				want = append(want, prefix+"-"+s)
			}
			one, err := svc.Firewalls.List(p).Filter(nameFilter(want[1])).Context(t.ctx).Do()
			t.Must(err, "firewalls.list filter name eq")
			t.Check(len(one.Items) == 1 && one.Items[0].Name == want[1], "filter %s returned %d items", nameFilter(want[1]), len(one.Items))
			none, err := svc.Firewalls.List(p).Filter(nameFilter(prefix + "-zzz")).Context(t.ctx).Do()
			t.Must(err, "firewalls.list filter without match")
			Equal(t, "items matching an unknown name", len(none.Items), 0)

			var got []string
			token, pages := "", 0
			for {
				call := svc.Firewalls.List(p).Filter(nameFilter(prefix + "-.*")).MaxResults(2).Context(t.ctx)
				if token != "" {
					call = call.PageToken(token)
				}
				page, err := call.Do()
				t.Must(err, "firewalls.list maxResults=2")
				pages++
				t.Check(len(page.Items) <= 2, "page %d holds %d items, maxResults was 2", pages, len(page.Items))
				for _, fw := range page.Items {
					got = append(got, fw.Name)
				}
				token = page.NextPageToken
				if token == "" || pages > 10 {
					break
				}
			}
			sort.Strings(got)
			Equal(t, "names over all pages", strings.Join(got, ","), strings.Join(want, ","))
			t.Check(pages >= 2, "3 items with maxResults=2 came in %d page(s)", pages)
			_, err = svc.Firewalls.List(p).PageToken("not-a-valid-token").Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusBadRequest, "", "firewalls.list with a bad pageToken")
		},
	}
}

func gceOperations() scenario {
	return scenario{
		name: "gce/operations", api: "gce",
		ops: []string{"compute.firewalls.insert", "compute.globalOperations.get", "compute.globalOperations.wait", "compute.firewalls.delete"},
		run: func(t *scenarioT) {
			svc, p := t.env.gce, t.env.cfg.GCEProject
			op := t.insertFirewall(t.env.name("ops"))
			Equal(t, "status", op.Status, "DONE")
			got, err := svc.GlobalOperations.Get(p, op.Name).Context(t.ctx).Do()
			t.Must(err, "globalOperations.get")
			Equal(t, "globalOperations.get name", got.Name, op.Name)
			Equal(t, "globalOperations.get status", got.Status, "DONE")
			Equal(t, "globalOperations.get operationType", got.OperationType, "insert")
			t.Check(got.TargetLink != "", "operation without targetLink")
			w, err := svc.GlobalOperations.Wait(p, op.Name).Context(t.ctx).Do()
			t.Must(err, "globalOperations.wait on a finished operation")
			Equal(t, "globalOperations.wait status", w.Status, "DONE")
			_, err = svc.GlobalOperations.Get(p, "operation-no-such-op").Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusNotFound, "notFound", "globalOperations.get of an unknown operation")
		},
	}
}

func gceOperationsListGlobal() scenario {
	return scenario{
		name: "gce/operations/list-global", api: "gce",
		ops: []string{"compute.firewalls.insert", "compute.globalOperations.list"},
		run: func(t *scenarioT) {
			svc, p := t.env.gce, t.env.cfg.GCEProject
			op := t.insertFirewall(t.env.name("opslist"))
			var all []*compute.Operation
			token := ""
			for pages := 0; pages < 20; pages++ {
				list, err := svc.GlobalOperations.List(p).PageToken(token).Context(t.ctx).Do()
				t.Must(err, "globalOperations.list")
				all = append(all, list.Items...)
				if token = list.NextPageToken; token == "" {
					break
				}
			}
			t.Check(hasOperation(all, op.Name), "globalOperations.list (%d items over all pages) lacks %s", len(all), op.Name)
		},
	}
}

func gceOperationsListZonal() scenario {
	return scenario{
		name: "gce/operations/list-zonal", api: "gce",
		ops: []string{"compute.disks.insert", "compute.zoneOperations.list"},
		run: func(t *scenarioT) {
			svc, p := t.env.gce, t.env.cfg.GCEProject
			cat := t.catalogGCE()
			disk := t.env.name("opsdisk")
			t.insertDisk(disk)
			zl, err := svc.ZoneOperations.List(p, cat.zone).Filter(`operationType eq "insert"`).Context(t.ctx).Do()
			t.Must(err, "zoneOperations.list")
			found := false
			for _, o := range zl.Items {
				found = found || strings.HasSuffix(o.TargetLink, "/disks/"+disk)
				Equal(t, "operationType of a filtered zonal operation", o.OperationType, "insert")
			}
			t.Check(found, "zoneOperations.list (%d items) lacks the insert of disk %s", len(zl.Items), disk)
		},
	}
}

func hasOperation(ops []*compute.Operation, name string) bool {
	for _, o := range ops {
		if o.Name == name {
			return true
		}
	}
	return false
}

func gceAddresses() scenario {
	return scenario{
		name: "gce/addresses", api: "gce",
		ops: []string{"compute.addresses.insert", "compute.addresses.get", "compute.addresses.list", "compute.addresses.delete", "compute.regionOperations.wait"},
		run: func(t *scenarioT) {
			svc, p := t.env.gce, t.env.cfg.GCEProject
			cat := t.catalogGCE()
			name := t.env.name("addr")
			op, err := svc.Addresses.Insert(p, cat.region, &compute.Address{Name: name}).Context(t.ctx).Do()
			if gceUnsupported(err) {
				t.Skipf("addresses.insert not supported here: %s", describeErr(err))
			}
			t.Must(err, "addresses.insert")
			t.Defer("delete address "+name, func(ctx context.Context) error {
				_, err := svc.Addresses.Delete(p, cat.region, name).Context(ctx).Do()
				return ignoreGCENotFound(err)
			})
			t.Check(op.Region != "", "regional operation %s without region", op.Name)
			t.waitOp(op, "compute.addresses.insert")
			w, err := svc.RegionOperations.Wait(p, cat.region, op.Name).Context(t.ctx).Do()
			t.Must(err, "regionOperations.wait")
			Equal(t, "regionOperations.wait status", w.Status, "DONE")
			a, err := svc.Addresses.Get(p, cat.region, name).Context(t.ctx).Do()
			t.Must(err, "addresses.get")
			Equal(t, "status", a.Status, "RESERVED")
			t.Check(a.Address != "", "address %s has no IP", name)
			Equal(t, "region", lastSegment(a.Region), cat.region)
			list, err := svc.Addresses.List(p, cat.region).Filter(nameFilter(name)).Context(t.ctx).Do()
			t.Must(err, "addresses.list filter")
			t.Check(len(list.Items) == 1 && list.Items[0].Address == a.Address, "filter %s returned %d items", nameFilter(name), len(list.Items))
			_, err = svc.Addresses.Insert(p, cat.region, &compute.Address{Name: name}).Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusConflict, "alreadyExists", "addresses.insert of a taken name")
			del, err := svc.Addresses.Delete(p, cat.region, name).Context(t.ctx).Do()
			t.Must(err, "addresses.delete")
			t.waitOp(del, "compute.addresses.delete")
			_, err = svc.Addresses.Get(p, cat.region, name).Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusNotFound, "notFound", "addresses.get of a released address")
		},
	}
}

func gceAddressesAssociate() scenario {
	return scenario{
		name: "gce/addresses/associate", api: "gce", needs: []string{capGCEAddressAssociation},
		ops: []string{"compute.addresses.insert", "compute.instances.insert", "compute.instances.get", "compute.addresses.get", "compute.instances.delete", "compute.addresses.delete"},
		run: func(t *scenarioT) {
			svc, p := t.env.gce, t.env.cfg.GCEProject
			cat := t.catalogGCE()
			addrName := t.env.name("natip")
			op, err := svc.Addresses.Insert(p, cat.region, &compute.Address{Name: addrName}).Context(t.ctx).Do()
			if gceUnsupported(err) {
				t.Skipf("addresses.insert not supported here: %s", describeErr(err))
			}
			t.Must(err, "addresses.insert")
			t.Defer("delete address "+addrName, func(ctx context.Context) error {
				_, err := svc.Addresses.Delete(p, cat.region, addrName).Context(ctx).Do()
				return ignoreGCENotFound(err)
			})
			t.waitOp(op, "compute.addresses.insert")
			a, err := svc.Addresses.Get(p, cat.region, addrName).Context(t.ctx).Do()
			t.Must(err, "addresses.get")
			name := t.env.name("natvm")
			body := t.gceInstance(name)
			body.NetworkInterfaces[0].AccessConfigs = []*compute.AccessConfig{{Name: "External NAT", Type: "ONE_TO_ONE_NAT", NatIP: a.Address}}
			iop, err := svc.Instances.Insert(p, cat.zone, body).Context(t.ctx).Do()
			t.Must(err, "instances.insert with a reserved natIP")
			t.Defer("delete instance "+name, func(ctx context.Context) error {
				return deleteInstanceAndWait(ctx, svc, p, cat.zone, name)
			})
			t.waitOp(iop, "compute.instances.insert")
			inst := t.waitInstanceStatus(name, "RUNNING", "compute.instances.insert")
			nic := inst.NetworkInterfaces[0]
			var natIPs []string
			for _, ac := range nic.AccessConfigs {
				natIPs = append(natIPs, ac.NatIP)
			}
			t.Check(len(natIPs) == 1 && natIPs[0] == a.Address, "accessConfigs natIP %v, want [%s]", natIPs, a.Address)
			a, err = svc.Addresses.Get(p, cat.region, addrName).Context(t.ctx).Do()
			t.Must(err, "addresses.get")
			Equal(t, "status of the associated address", a.Status, "IN_USE")
			t.Check(len(a.Users) == 1 && lastSegment(a.Users[0]) == name, "address users %v, want instance %s", a.Users, name)
			del, err := svc.Instances.Delete(p, cat.zone, name).Context(t.ctx).Do()
			t.Must(err, "instances.delete")
			t.waitOp(del, "compute.instances.delete")
		},
	}
}
