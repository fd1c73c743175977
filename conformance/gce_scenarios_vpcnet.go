package conformance

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	compute "google.golang.org/api/compute/v1"
)

// gceVPCNetworks drives custom-mode networks and their subnetworks (issue
// 16, section 3.1). Where CloudStack lets users create VPCs (Advanced zones
// without security groups) the network is created, read back, given a
// subnetwork with an instance on it, shown in routes, and refused what it
// cannot do; in security-group zones networks.insert must answer the
// honest 501, saying so, and leave nothing behind.
func gceVPCNetworks() scenario {
	return scenario{
		name: "gce/vpc-networks", api: "gce",
		ops: []string{"compute.networks.insert", "compute.networks.get", "compute.networks.list", "compute.networks.delete",
			"compute.subnetworks.insert", "compute.subnetworks.get", "compute.subnetworks.list", "compute.subnetworks.aggregatedList",
			"compute.subnetworks.delete", "compute.subnetworks.expandIpCidrRange", "compute.routes.list", "compute.routes.get",
			"compute.instances.insert", "compute.firewalls.insert"},
		run: func(t *scenarioT) {
			svc, p := t.env.gce, t.env.cfg.GCEProject
			cat := t.catalogGCE()
			name := t.env.name("vnet")
			custom := func(n string) *compute.Network {
				return &compute.Network{Name: n, Description: "conformance " + n, ForceSendFields: []string{"AutoCreateSubnetworks"}}
			}
			t.Step("networks.insert %s (custom mode)", name)
			op, err := svc.Networks.Insert(p, custom(name)).Context(t.ctx).Do()
			if err == nil {
				t.Defer("delete network "+name, func(ctx context.Context) error { return deleteNetworkWhenFree(ctx, t, name) })
			}
			if code, _, msg := gceError(err); err != nil && code == http.StatusNotImplemented && strings.Contains(msg, "security groups") {
				t.Skipf("CloudStack creates no VPC for users in security-group zones (the 501 is asserted by gce/vpc-networks/security-groups)")
			}
			t.Must(err, "networks.insert")
			t.waitOp(op, "compute.networks.insert")

			n, err := svc.Networks.Get(p, name).Context(t.ctx).Do()
			t.Must(err, "networks.get")
			t.Check(!n.AutoCreateSubnetworks, "custom network reads back autoCreateSubnetworks true")
			Equal(t, "network description", n.Description, "conformance "+name)
			t.Check(n.RoutingConfig != nil && n.RoutingConfig.RoutingMode == "REGIONAL", "routingConfig %+v", n.RoutingConfig)
			list, err := svc.Networks.List(p).Context(t.ctx).Do()
			t.Must(err, "networks.list")
			listed := false
			for _, it := range list.Items {
				listed = listed || it.Name == name
			}
			t.Check(listed, "networks.list does not list %s", name)
			_, err = svc.Networks.Insert(p, &compute.Network{Name: t.env.name("vmtu"), Mtu: 1500, ForceSendFields: []string{"AutoCreateSubnetworks"}}).Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusBadRequest, "invalid", "networks.insert with an mtu")

			// Auto mode: the region's subnetwork comes and goes with the
			// network.
			auto := t.env.name("vauto")
			t.Step("networks.insert %s (auto mode)", auto)
			op, err = svc.Networks.Insert(p, &compute.Network{Name: auto, AutoCreateSubnetworks: true}).Context(t.ctx).Do()
			t.Must(err, "networks.insert")
			t.Defer("delete network "+auto, func(ctx context.Context) error { return deleteNetworkWhenFree(ctx, t, auto) })
			t.waitOp(op, "compute.networks.insert")
			an, err := svc.Networks.Get(p, auto).Context(t.ctx).Do()
			t.Must(err, "networks.get")
			t.Check(an.AutoCreateSubnetworks && len(an.Subnetworks) == 1 && lastSegment(an.Subnetworks[0]) == auto,
				"auto network reads back autoCreateSubnetworks %v, subnetworks %v", an.AutoCreateSubnetworks, an.Subnetworks)
			as, err := svc.Subnetworks.Get(p, cat.region, auto).Context(t.ctx).Do()
			t.Must(err, "subnetworks.get")
			Equal(t, "auto subnetwork ipCidrRange", as.IpCidrRange, "10.128.0.0/20")
			_, err = svc.Subnetworks.Delete(p, cat.region, auto).Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusBadRequest, "invalid", "subnetworks.delete of an auto network's subnetwork")
			dop, err := svc.Networks.Delete(p, auto).Context(t.ctx).Do()
			t.Must(err, "networks.delete")
			t.waitOp(dop, "compute.networks.delete")
			_, err = svc.Subnetworks.Get(p, cat.region, auto).Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusNotFound, "notFound", "subnetworks.get of a deleted auto network's subnetwork")
			_, err = svc.Networks.Insert(p, custom(name)).Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusConflict, "alreadyExists", "networks.insert of a taken name")

			sub := name + "-a"
			t.Step("subnetworks.insert %s", sub)
			sop, err := svc.Subnetworks.Insert(p, cat.region, &compute.Subnetwork{Name: sub, Network: n.SelfLink, IpCidrRange: "10.77.0.0/24", Description: "tier a"}).Context(t.ctx).Do()
			t.Must(err, "subnetworks.insert")
			t.Defer("delete subnetwork "+sub, func(ctx context.Context) error { return deleteSubnetworkWhenFree(ctx, t, cat.region, sub) })
			t.waitOp(sop, "compute.subnetworks.insert")
			s, err := svc.Subnetworks.Get(p, cat.region, sub).Context(t.ctx).Do()
			t.Must(err, "subnetworks.get")
			Equal(t, "subnetwork network", s.Network, n.SelfLink)
			Equal(t, "subnetwork ipCidrRange", s.IpCidrRange, "10.77.0.0/24")
			Equal(t, "subnetwork gatewayAddress", s.GatewayAddress, "10.77.0.1")
			Equal(t, "subnetwork description", s.Description, "tier a")
			n, err = svc.Networks.Get(p, name).Context(t.ctx).Do()
			t.Must(err, "networks.get")
			t.Check(len(n.Subnetworks) == 1 && n.Subnetworks[0] == s.SelfLink, "network subnetworks %v, want [%s]", n.Subnetworks, s.SelfLink)
			sl, err := svc.Subnetworks.List(p, cat.region).Context(t.ctx).Do()
			t.Must(err, "subnetworks.list")
			found := false
			for _, it := range sl.Items {
				found = found || it.Name == sub
			}
			t.Check(found, "subnetworks.list does not list %s", sub)
			agg, err := svc.Subnetworks.AggregatedList(p).Context(t.ctx).Do()
			t.Must(err, "subnetworks.aggregatedList")
			found = false
			for _, it := range agg.Items["regions/"+cat.region].Subnetworks {
				found = found || it.Name == sub
			}
			t.Check(found, "subnetworks.aggregatedList does not list %s", sub)

			_, err = svc.Subnetworks.Insert(p, cat.region, &compute.Subnetwork{Name: name + "-x", Network: n.SelfLink, IpCidrRange: "10.77.0.0/16"}).Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusBadRequest, "invalid", "subnetworks.insert overlapping a subnetwork")
			_, err = svc.Subnetworks.ExpandIpCidrRange(p, cat.region, sub, &compute.SubnetworksExpandIpCidrRangeRequest{IpCidrRange: "10.77.0.0/20"}).Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusNotImplemented, "notImplemented", "subnetworks.expandIpCidrRange (CloudStack cannot widen a CIDR)")

			// An instance on the subnetwork (no external address: the
			// subnetwork is what is tested).
			vm := t.env.name("vnet-vm")
			body := t.gceInstance(vm)
			body.NetworkInterfaces = []*compute.NetworkInterface{{Network: n.SelfLink, Subnetwork: s.SelfLink}}
			t.Step("instances.insert %s on %s", vm, sub)
			iop, err := svc.Instances.Insert(p, cat.zone, body).Context(t.ctx).Do()
			t.Must(err, "instances.insert")
			t.Defer("delete instance "+vm, func(ctx context.Context) error { return deleteInstanceAndWait(ctx, svc, p, cat.zone, vm) })
			t.waitOp(iop, "compute.instances.insert")
			in, err := svc.Instances.Get(p, cat.zone, vm).Context(t.ctx).Do()
			t.Must(err, "instances.get")
			nic := in.NetworkInterfaces[0]
			Equal(t, "instance network", nic.Network, n.SelfLink)
			Equal(t, "instance subnetwork", nic.Subnetwork, s.SelfLink)
			t.Check(strings.HasPrefix(nic.NetworkIP, "10.77.0."), "instance networkIP %s is not in 10.77.0.0/24", nic.NetworkIP)

			_, err = svc.Networks.Delete(p, name).Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusBadRequest, "resourceInUseByAnotherResource", "networks.delete of a network with subnetworks")
			_, err = svc.Subnetworks.Delete(p, cat.region, sub).Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusBadRequest, "resourceInUseByAnotherResource", "subnetworks.delete of a subnetwork with an instance")
			// Delete the instance now: CloudStack frees the tier only once
			// the VM is expunged (expunge.delay), which the cleanup awaits.
			t.Step("delete instance %s", vm)
			t.Must(deleteInstanceAndWait(t.ctx, svc, p, cat.zone, vm), "instances.delete")
			_, err = svc.Firewalls.Insert(p, &compute.Firewall{Name: t.env.name("vnet-fw"), Network: n.SelfLink,
				Allowed: []*compute.FirewallAllowed{{IPProtocol: "tcp", Ports: []string{"22"}}}}).Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusBadRequest, "invalid", "firewalls.insert on a VPC network (network ACLs, not security groups)")

			// Routes: the subnet route, and a default route through the
			// VPC router's source NAT.
			rl, err := svc.Routes.List(p).Context(t.ctx).Do()
			t.Must(err, "routes.list")
			var local, internet *compute.Route
			for _, r := range rl.Items {
				if r.Network != n.SelfLink {
					continue
				}
				switch r.DestRange {
				case "10.77.0.0/24":
					local = r
				case "0.0.0.0/0":
					internet = r
				}
			}
			t.Check(local != nil && local.NextHopNetwork == n.SelfLink && local.Priority == 0, "no subnet route for %s: %+v", sub, rl.Items)
			t.Check(internet != nil && strings.HasSuffix(internet.NextHopGateway, "/default-internet-gateway"), "no default route for %s: %+v", name, rl.Items)
			if local != nil {
				r, err := svc.Routes.Get(p, local.Name).Context(t.ctx).Do()
				t.Must(err, "routes.get")
				Equal(t, "routes.get selfLink", r.SelfLink, local.SelfLink)
			}

			// A second subnetwork and a second network, deleted at once.
			sub2 := name + "-b"
			sop, err = svc.Subnetworks.Insert(p, cat.region, &compute.Subnetwork{Name: sub2, Network: n.SelfLink, IpCidrRange: "10.78.0.0/24"}).Context(t.ctx).Do()
			t.Must(err, "subnetworks.insert")
			t.waitOp(sop, "compute.subnetworks.insert")
			dop, err = svc.Subnetworks.Delete(p, cat.region, sub2).Context(t.ctx).Do()
			t.Must(err, "subnetworks.delete")
			t.waitOp(dop, "compute.subnetworks.delete")
			_, err = svc.Subnetworks.Get(p, cat.region, sub2).Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusNotFound, "notFound", "subnetworks.get of a deleted subnetwork")
			name2 := t.env.name("vnet2")
			op, err = svc.Networks.Insert(p, custom(name2)).Context(t.ctx).Do()
			t.Must(err, "networks.insert")
			t.waitOp(op, "compute.networks.insert")
			dop, err = svc.Networks.Delete(p, name2).Context(t.ctx).Do()
			t.Must(err, "networks.delete")
			t.waitOp(dop, "compute.networks.delete")
			_, err = svc.Networks.Get(p, name2).Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusNotFound, "notFound", "networks.get of a deleted network")
		},
	}
}

// gceVPCNetworksSG asserts the honest refusal where every zone uses
// security groups: networks.insert and subnetworks.insert answer 501
// saying why and leave nothing behind; routes still cover every
// subnetwork. Where the cloud creates VPCs it skips (gce/vpc-networks).
func gceVPCNetworksSG() scenario {
	return scenario{
		name: "gce/vpc-networks/security-groups", api: "gce",
		ops: []string{"compute.networks.insert", "compute.networks.list", "compute.subnetworks.insert", "compute.subnetworks.list", "compute.routes.list"},
		run: func(t *scenarioT) {
			svc, p := t.env.gce, t.env.cfg.GCEProject
			cat := t.catalogGCE()
			name := t.env.name("vnet-sg")
			op, err := svc.Networks.Insert(p, &compute.Network{Name: name, ForceSendFields: []string{"AutoCreateSubnetworks"}}).Context(t.ctx).Do()
			if err == nil {
				t.Defer("delete network "+name, func(ctx context.Context) error { return deleteNetworkWhenFree(ctx, t, name) })
				t.waitOp(op, "compute.networks.insert")
				t.Skipf("this cloud creates VPCs for users (gce/vpc-networks)")
			}
			t.ExpectGCE(err, http.StatusNotImplemented, "notImplemented", "networks.insert in a security-group zone")
			_, _, msg := gceError(err)
			t.Check(strings.Contains(msg, "security groups"), "networks.insert 501 does not say why: %q", msg)
			list, err := svc.Networks.List(p).Context(t.ctx).Do()
			t.Must(err, "networks.list")
			for _, n := range list.Items {
				t.Check(n.Name != name, "refused network %s is listed", name)
			}
			_, err = svc.Subnetworks.Insert(p, cat.region, &compute.Subnetwork{Name: name, Network: "global/networks/default", IpCidrRange: "10.77.0.0/24"}).Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusNotImplemented, "notImplemented", "subnetworks.insert in a security-group zone")
			t.gceRoutesCoverSubnetworks()
		},
	}
}

// gceRoutesCoverSubnetworks checks that every subnetwork has its subnet
// route.
func (t *scenarioT) gceRoutesCoverSubnetworks() {
	svc, p := t.env.gce, t.env.cfg.GCEProject
	cat := t.catalogGCE()
	subs, err := svc.Subnetworks.List(p, cat.region).Context(t.ctx).Do()
	t.Must(err, "subnetworks.list")
	rl, err := svc.Routes.List(p).Context(t.ctx).Do()
	t.Must(err, "routes.list")
	for _, s := range subs.Items {
		ok := false
		for _, r := range rl.Items {
			ok = ok || r.DestRange == s.IpCidrRange && r.Network == s.Network && r.NextHopNetwork == s.Network
		}
		t.Check(ok, "subnetwork %s (%s) has no subnet route: %+v", s.Name, s.IpCidrRange, rl.Items)
	}
}

// deleteSubnetworkWhenFree deletes a subnetwork, retrying while CloudStack
// still counts a deleted (not yet expunged) instance on it: up to
// expunge.delay plus expunge.interval, which can exceed one cleanup's
// bound, hence its own.
func deleteSubnetworkWhenFree(ctx context.Context, t *scenarioT, region, name string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), max(t.env.timeout(), 4*time.Minute))
	defer cancel()
	svc, p := t.env.gce, t.env.cfg.GCEProject
	return retryInUse(ctx, func() error {
		_, err := svc.Subnetworks.Delete(p, region, name).Context(ctx).Do()
		return ignoreGCENotFound(err)
	})
}

// deleteNetworkWhenFree deletes a network, retrying while it has
// subnetworks (their cleanup runs first but may still be retrying).
func deleteNetworkWhenFree(ctx context.Context, t *scenarioT, name string) error {
	svc, p := t.env.gce, t.env.cfg.GCEProject
	return retryInUse(ctx, func() error {
		_, err := svc.Networks.Delete(p, name).Context(ctx).Do()
		return ignoreGCENotFound(err)
	})
}

func retryInUse(ctx context.Context, fn func() error) error {
	for {
		err := fn()
		if _, reason, _ := gceError(err); err == nil || reason != "resourceInUseByAnotherResource" {
			return err
		}
		select {
		case <-ctx.Done():
			return errors.Join(ctx.Err(), err)
		case <-time.After(3 * time.Second):
		}
	}
}
