package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"

	compute "google.golang.org/api/compute/v1"
)

// Instance settings a new user passes to instances create: each one is
// either read back as written or refused with a 400 naming the field
// (issue 16, "no silently wrong answers").

// gceInstancesSettings writes deletion protection, a service account with
// scopes, an external access config, a subnetwork and a private address,
// reads them back, and checks that a protected instance cannot be deleted.
func gceInstancesSettings() scenario {
	return scenario{
		name: "gce/instances/settings-readback", api: "gce",
		ops: []string{"compute.instances.insert", "compute.instances.get", "compute.instances.delete",
			"compute.instances.setDeletionProtection", "compute.subnetworks.get"},
		run: func(t *scenarioT) {
			svc, p := t.env.gce, t.env.cfg.GCEProject
			cat := t.catalogGCE()
			// A plain instance tells which subnetwork serves the zone.
			first := t.runInstance(t.env.name("vm-s0"))
			t.Check(len(first.NetworkInterfaces) == 1, "instance has %d network interfaces", len(first.NetworkInterfaces))
			t.Check(len(first.NetworkInterfaces[0].AccessConfigs) == 0,
				"an instance inserted without accessConfigs (gcloud --no-address) shows access configs %+v", first.NetworkInterfaces[0].AccessConfigs)
			subnet := first.NetworkInterfaces[0].Subnetwork
			t.Check(subnet != "", "instance without a subnetwork")
			// The subnetwork of that name whose range holds the instance's
			// address (CloudStack network names repeat across zones).
			subs, err := svc.Subnetworks.List(p, cat.region).Context(t.ctx).Do()
			t.Must(err, "subnetworks.list")
			guest := net.ParseIP(first.NetworkInterfaces[0].NetworkIP)
			var sn *compute.Subnetwork
			for _, s := range subs.Items {
				if _, n, err := net.ParseCIDR(s.IpCidrRange); err == nil && s.Name == lastSegment(subnet) && n.Contains(guest) {
					sn = s
				}
			}
			t.Check(sn != nil, "no subnetwork %s holds the instance's address %s", lastSegment(subnet), guest)
			ip := freeAddress(t, sn.IpCidrRange, sn.GatewayAddress, first.NetworkInterfaces[0].NetworkIP)

			name := t.env.name("vm-s1")
			body := t.gceInstance(name)
			body.DeletionProtection = true
			body.ServiceAccounts = []*compute.ServiceAccount{{Email: "default",
				Scopes: []string{"https://www.googleapis.com/auth/cloud-platform", "https://www.googleapis.com/auth/devstorage.read_only"}}}
			body.NetworkInterfaces = []*compute.NetworkInterface{{Subnetwork: subnet, NetworkIP: ip,
				AccessConfigs: []*compute.AccessConfig{{Name: "external-nat", Type: "ONE_TO_ONE_NAT"}}}}
			t.Step("instances.insert %s (protected, scopes, subnetwork, networkIP %s)", name, ip)
			op, err := svc.Instances.Insert(p, cat.zone, body).Context(t.ctx).Do()
			t.Must(err, "instances.insert with settings")
			t.Defer("delete instance "+name, func(ctx context.Context) error {
				return deleteInstanceAndWait(ctx, svc, p, cat.zone, name)
			})
			t.Defer("unprotect instance "+name, func(ctx context.Context) error {
				_, err := svc.Instances.SetDeletionProtection(p, cat.zone, name).DeletionProtection(false).Context(ctx).Do()
				return ignoreGCENotFound(err)
			})
			t.waitOp(op, "compute.instances.insert")
			inst := t.waitInstanceStatus(name, "RUNNING", "compute.instances.insert")
			t.Check(inst.DeletionProtection, "deletionProtection reads back false")
			t.Check(len(inst.ServiceAccounts) == 1 && inst.ServiceAccounts[0].Email == "default" &&
				strings.Join(inst.ServiceAccounts[0].Scopes, " ") == strings.Join(body.ServiceAccounts[0].Scopes, " "),
				"serviceAccounts read back %s", jsonOf(inst.ServiceAccounts))
			nic := inst.NetworkInterfaces[0]
			Equal(t, "networkIP", nic.NetworkIP, ip)
			Equal(t, "subnetwork", lastSegment(nic.Subnetwork), lastSegment(subnet))
			t.Check(len(nic.AccessConfigs) == 1 && nic.AccessConfigs[0].NatIP != "",
				"an instance with an access config has no reachable natIP: %s", jsonOf(nic.AccessConfigs))

			_, err = svc.Instances.Delete(p, cat.zone, name).Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusBadRequest, "", "instances.delete of a protected instance")
			_, err = svc.Instances.Get(p, cat.zone, name).Context(t.ctx).Do()
			t.Must(err, "instances.get after a refused delete")
			op, err = svc.Instances.SetDeletionProtection(p, cat.zone, name).DeletionProtection(false).Context(t.ctx).Do()
			t.Must(err, "instances.setDeletionProtection false")
			t.waitOp(op, "compute.instances.setDeletionProtection")
			inst, err = svc.Instances.Get(p, cat.zone, name).Context(t.ctx).Do()
			t.Must(err, "instances.get")
			t.Check(!inst.DeletionProtection, "deletionProtection still true after setDeletionProtection(false)")
			t.Must(deleteInstanceAndWait(t.ctx, svc, p, cat.zone, name), "instances.delete after unprotecting")
		},
	}
}

// gceInstancesMachineTypeName checks that a predefined machine type name
// reads back as written (not as the custom size that serves it).
func gceInstancesMachineTypeName() scenario {
	return scenario{
		name: "gce/instances/machine-type-name", api: "gce",
		ops: []string{"compute.instances.insert", "compute.instances.get", "compute.machineTypes.get"},
		run: func(t *scenarioT) {
			svc, p := t.env.gce, t.env.cfg.GCEProject
			cat := t.catalogGCE()
			if _, err := svc.MachineTypes.Get(p, cat.zone, "e2-medium").Context(t.ctx).Do(); isGCENotFound(err) {
				t.Skipf("the cloud serves no e2-medium")
			}
			name := t.env.name("vm-mt")
			body := t.gceInstance(name)
			body.MachineType = "zones/" + cat.zone + "/machineTypes/e2-medium"
			op, err := svc.Instances.Insert(p, cat.zone, body).Context(t.ctx).Do()
			t.Must(err, "instances.insert e2-medium")
			t.Defer("delete instance "+name, func(ctx context.Context) error {
				return deleteInstanceAndWait(ctx, svc, p, cat.zone, name)
			})
			t.waitOp(op, "compute.instances.insert")
			inst := t.waitInstanceStatus(name, "RUNNING", "compute.instances.insert")
			Equal(t, "machineType", lastSegment(inst.MachineType), "e2-medium")
		},
	}
}

// gceInstancesRefusedSettings checks that settings CloudStack cannot
// honour are refused, naming the field, and create nothing.
func gceInstancesRefusedSettings() scenario {
	return scenario{
		name: "gce/instances/refused-settings", api: "gce",
		ops: []string{"compute.instances.insert"},
		run: func(t *scenarioT) {
			svc, p := t.env.gce, t.env.cfg.GCEProject
			cat := t.catalogGCE()
			name := t.env.name("vm-refused")
			f := false
			for _, c := range []struct {
				what, field string
				code        int
				edit        func(*compute.Instance)
			}{
				{"preemptible", "scheduling.preemptible", 400, func(b *compute.Instance) { b.Scheduling = &compute.Scheduling{Preemptible: true} }},
				{"Spot", "scheduling.provisioningModel", 400, func(b *compute.Instance) { b.Scheduling = &compute.Scheduling{ProvisioningModel: "SPOT"} }},
				{"TERMINATE on maintenance", "scheduling.onHostMaintenance", 400, func(b *compute.Instance) {
					b.Scheduling = &compute.Scheduling{OnHostMaintenance: "TERMINATE"}
				}},
				{"no automatic restart", "scheduling.automaticRestart", 400, func(b *compute.Instance) {
					b.Scheduling = &compute.Scheduling{AutomaticRestart: &f, ForceSendFields: []string{"AutomaticRestart"}}
				}},
				{"two service accounts", "serviceAccounts", 400, func(b *compute.Instance) {
					b.ServiceAccounts = []*compute.ServiceAccount{{Email: "default"}, {Email: "other@example.com"}}
				}},
				{"an unknown network", "networks/no-such-net", 404, func(b *compute.Instance) {
					b.NetworkInterfaces = []*compute.NetworkInterface{{Network: "global/networks/no-such-net"}}
				}},
				{"an unknown subnetwork", "subnetworks/no-such-subnet", 404, func(b *compute.Instance) {
					b.NetworkInterfaces = []*compute.NetworkInterface{{Subnetwork: "regions/" + cat.region + "/subnetworks/no-such-subnet"}}
				}},
				{"two network interfaces", "networkInterfaces[1]", 400, func(b *compute.Instance) {
					b.NetworkInterfaces = []*compute.NetworkInterface{{Network: cat.network}, {Network: cat.network}}
				}},
				{"an unknown machine type", "machineType", 400, func(b *compute.Instance) {
					b.MachineType = "zones/" + cat.zone + "/machineTypes/e2-no-such-type"
				}},
			} {
				body := t.gceInstance(name)
				c.edit(body)
				_, err := svc.Instances.Insert(p, cat.zone, body).Context(t.ctx).Do()
				if err == nil {
					t.Defer("delete instance "+name, func(ctx context.Context) error {
						return deleteInstanceAndWait(ctx, svc, p, cat.zone, name)
					})
				}
				t.ExpectGCE(err, c.code, "", "instances.insert with "+c.what)
				_, _, msg := gceError(err)
				t.Check(strings.Contains(msg, c.field), "instances.insert with %s: the error %q does not name %s", c.what, msg, c.field)
				_, err = svc.Instances.Get(p, cat.zone, name).Context(t.ctx).Do()
				t.Check(isGCENotFound(err), "instances.insert with %s was refused but left an instance (get: %v)", c.what, err)
			}
		},
	}
}

// freeAddress picks a host address of cidr that is neither the gateway
// nor taken by a listed instance.
func freeAddress(t *scenarioT, cidr, gateway string, taken ...string) string {
	list, err := t.env.gce.Instances.AggregatedList(t.env.cfg.GCEProject).Context(t.ctx).Do()
	t.Must(err, "instances.aggregatedList")
	for _, sc := range list.Items {
		for _, in := range sc.Instances {
			for _, nic := range in.NetworkInterfaces {
				taken = append(taken, nic.NetworkIP)
			}
		}
	}
	return pickFreeAddress(t, cidr, gateway, taken...)
}

// pickFreeAddress returns a random host address of cidr that is not the
// gateway and not taken by a listed instance (destroyed instances a user
// cannot list may still hold theirs, hence random rather than the first).
func pickFreeAddress(t *scenarioT, cidr, gateway string, taken ...string) string {
	_, n, err := net.ParseCIDR(cidr)
	if err != nil || n.IP.To4() == nil {
		t.Fatalf("range %q is not an IPv4 CIDR", cidr)
	}
	used := map[string]bool{gateway: true}
	for _, a := range taken {
		used[a] = true
	}
	ones, bits := n.Mask.Size()
	base := n.IP.To4()
	v0 := uint32(base[0])<<24 | uint32(base[1])<<16 | uint32(base[2])<<8 | uint32(base[3])
	size := 1 << (bits - ones)
	start := rand.IntN(size)
	for k := 0; k < size; k++ {
		i := (start + k) % size
		if i < 2 || i > size-10 {
			continue
		}
		v := v0 + uint32(i)
		ip := net.IPv4(byte(v>>24), byte(v>>16), byte(v>>8), byte(v)).String()
		if !used[ip] {
			return ip
		}
	}
	t.Fatalf("no free address in %s", cidr)
	return ""
}

func jsonOf(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%+v", v)
	}
	return string(b)
}

// gceImageFamily creates an image with a family from a stopped
// instance's boot disk and reads the family back, also through
// images.getFromFamily.
func gceImageFamily() scenario {
	return scenario{
		name: "gce/images/family", api: "gce",
		ops: []string{"compute.images.insert", "compute.images.get", "compute.images.getFromFamily", "compute.images.delete"},
		run: func(t *scenarioT) {
			svc, p := t.env.gce, t.env.cfg.GCEProject
			cat := t.catalogGCE()
			vm := t.runInstance(t.env.name("vm-img"))
			op, err := svc.Instances.Stop(p, cat.zone, vm.Name).Context(t.ctx).Do()
			t.Must(err, "instances.stop")
			t.waitOp(op, "compute.instances.stop")
			t.waitInstanceStatus(vm.Name, "TERMINATED", "compute.instances.stop")
			t.Check(len(vm.Disks) > 0 && vm.Disks[0].Source != "", "instance without a boot disk source")
			name, family := t.env.name("img"), t.env.name("fam")
			op, err = svc.Images.Insert(p, &compute.Image{Name: name, Family: family, SourceDisk: vm.Disks[0].Source}).Context(t.ctx).Do()
			t.Must(err, "images.insert with a family")
			t.Defer("delete image "+name, func(ctx context.Context) error {
				_, err := svc.Images.Delete(p, name).Context(ctx).Do()
				return ignoreGCENotFound(err)
			})
			t.waitOp(op, "compute.images.insert")
			img, err := svc.Images.Get(p, name).Context(t.ctx).Do()
			t.Must(err, "images.get")
			Equal(t, "family", img.Family, family)
			fam, err := svc.Images.GetFromFamily(p, family).Context(t.ctx).Do()
			t.Must(err, "images.getFromFamily of the user's family")
			Equal(t, "images.getFromFamily name", fam.Name, name)
			_, err = svc.Images.Insert(p, &compute.Image{Name: t.env.name("img-bad"), Family: "Bad_Family", SourceDisk: vm.Disks[0].Source}).Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusBadRequest, "", "images.insert with an invalid family")
		},
	}
}

// gceImageLifecycleExtras covers images.insert with forceCreate from a
// running instance's boot disk, images.setLabels and images.deprecate
// (OBSOLETE images cannot boot new instances).
func gceImageLifecycleExtras() scenario {
	return scenario{
		name: "gce/images/force-labels-deprecate", api: "gce",
		ops: []string{"compute.images.insert", "compute.images.setLabels", "compute.images.deprecate", "compute.images.get", "compute.instances.insert"},
		run: func(t *scenarioT) {
			svc, p := t.env.gce, t.env.cfg.GCEProject
			cat := t.catalogGCE()
			vm := t.runInstance(t.env.name("vm-force"))
			name := t.env.name("img-force")
			img := &compute.Image{Name: name, SourceDisk: vm.Disks[0].Source}
			_, err := svc.Images.Insert(p, img).Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusBadRequest, "resourceInUseByAnotherResource", "images.insert from a running instance's disk without forceCreate")
			op, err := svc.Images.Insert(p, img).ForceCreate(true).Context(t.ctx).Do()
			t.Must(err, "images.insert forceCreate from a running instance's disk")
			t.Defer("delete image "+name, func(ctx context.Context) error {
				_, err := svc.Images.Delete(p, name).Context(ctx).Do()
				return ignoreGCENotFound(err)
			})
			t.waitOp(op, "compute.images.insert")
			got, err := svc.Images.Get(p, name).Context(t.ctx).Do()
			t.Must(err, "images.get")
			op, err = svc.Images.SetLabels(p, name, &compute.GlobalSetLabelsRequest{Labels: map[string]string{"team": "blue"},
				LabelFingerprint: got.LabelFingerprint}).Context(t.ctx).Do()
			t.Must(err, "images.setLabels")
			t.waitOp(op, "compute.images.setLabels")
			op, err = svc.Images.Deprecate(p, name, &compute.DeprecationStatus{State: "OBSOLETE"}).Context(t.ctx).Do()
			t.Must(err, "images.deprecate OBSOLETE")
			t.waitOp(op, "compute.images.deprecate")
			got, err = svc.Images.Get(p, name).Context(t.ctx).Do()
			t.Must(err, "images.get")
			Equal(t, "labels.team", got.Labels["team"], "blue")
			t.Check(got.Deprecated != nil && got.Deprecated.State == "OBSOLETE", "deprecated reads back %s", jsonOf(got.Deprecated))
			body := t.gceInstance(t.env.name("vm-obsolete"))
			body.Disks[0].InitializeParams.SourceImage = got.SelfLink
			_, err = svc.Instances.Insert(p, cat.zone, body).Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusBadRequest, "", "instances.insert from an OBSOLETE image")
			op, err = svc.Images.Deprecate(p, name, &compute.DeprecationStatus{State: "ACTIVE"}).Context(t.ctx).Do()
			t.Must(err, "images.deprecate ACTIVE")
			t.waitOp(op, "compute.images.deprecate")
			got, err = svc.Images.Get(p, name).Context(t.ctx).Do()
			t.Must(err, "images.get")
			t.Check(got.Deprecated == nil, "deprecated after ACTIVE reads back %s", jsonOf(got.Deprecated))
		},
	}
}

// gceEverydayFixes covers calls that failed wrongly (issue 16 §2):
// setScheduling, suspend (refused in Google's format), and the catalogs
// with nothing in them on CloudStack.
func gceEverydayFixes() scenario {
	return scenario{
		name: "gce/everyday-fixes", api: "gce",
		ops: []string{"compute.instances.setScheduling", "compute.instances.suspend", "compute.instances.attachDisk", "compute.acceleratorTypes.list",
			"compute.acceleratorTypes.aggregatedList", "compute.resourcePolicies.list", "compute.resourcePolicies.aggregatedList",
			"compute.instanceTemplates.aggregatedList"},
		run: func(t *scenarioT) {
			svc, p := t.env.gce, t.env.cfg.GCEProject
			cat := t.catalogGCE()
			vm := t.runInstance(t.env.name("vm-sched"))
			auto := true
			op, err := svc.Instances.SetScheduling(p, cat.zone, vm.Name, &compute.Scheduling{AutomaticRestart: &auto, OnHostMaintenance: "MIGRATE"}).Context(t.ctx).Do()
			t.Must(err, "instances.setScheduling MIGRATE")
			t.waitOp(op, "compute.instances.setScheduling")
			_, err = svc.Instances.SetScheduling(p, cat.zone, vm.Name, &compute.Scheduling{OnHostMaintenance: "TERMINATE"}).Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusBadRequest, "", "instances.setScheduling TERMINATE")
			// attach-disk --mode ro: CloudStack attaches read-write only.
			_, err = svc.Instances.AttachDisk(p, cat.zone, vm.Name, &compute.AttachedDisk{Mode: "READ_ONLY",
				Source: "zones/" + cat.zone + "/disks/" + t.env.name("any-disk")}).Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusBadRequest, "", "instances.attachDisk with mode READ_ONLY")
			_, _, msg := gceError(err)
			t.Check(strings.Contains(msg, "mode"), "attachDisk READ_ONLY: the error %q does not name mode", msg)
			_, err = svc.Instances.Suspend(p, cat.zone, vm.Name).Context(t.ctx).Do()
			t.Check(err != nil && gceUnsupported(err), "instances.suspend: want 501 in Google's format, got %v", err)
			at, err := svc.AcceleratorTypes.List(p, cat.zone).Context(t.ctx).Do()
			t.Must(err, "acceleratorTypes.list")
			Equal(t, "accelerator types", len(at.Items), 0)
			_, err = svc.AcceleratorTypes.AggregatedList(p).Context(t.ctx).Do()
			t.Must(err, "acceleratorTypes.aggregatedList")
			rp, err := svc.ResourcePolicies.List(p, cat.region).Context(t.ctx).Do()
			t.Must(err, "resourcePolicies.list")
			Equal(t, "resource policies", len(rp.Items), 0)
			_, err = svc.ResourcePolicies.AggregatedList(p).Context(t.ctx).Do()
			t.Must(err, "resourcePolicies.aggregatedList")
			_, err = svc.InstanceTemplates.AggregatedList(p).Context(t.ctx).Do()
			t.Must(err, "instanceTemplates.aggregatedList (gcloud instance-templates list)")
		},
	}
}

// gceQuotas checks that region and project quotas carry the account's
// CloudStack limits and usage: INSTANCES usage grows with an instance.
func gceQuotas() scenario {
	return scenario{
		name: "gce/quotas", api: "gce",
		ops: []string{"compute.regions.get", "compute.projects.get"},
		run: func(t *scenarioT) {
			svc, p := t.env.gce, t.env.cfg.GCEProject
			cat := t.catalogGCE()
			usage := func() (map[string]*compute.Quota, []*compute.Quota) {
				r, err := svc.Regions.Get(p, cat.region).Context(t.ctx).Do()
				t.Must(err, "regions.get")
				m := map[string]*compute.Quota{}
				for _, q := range r.Quotas {
					t.Check(q.Limit >= 0 && q.Usage >= 0, "quota %s has limit %v usage %v", q.Metric, q.Limit, q.Usage)
					m[q.Metric] = q
				}
				pr, err := svc.Projects.Get(p).Context(t.ctx).Do()
				t.Must(err, "projects.get")
				return m, pr.Quotas
			}
			before, projectQuotas := usage()
			if len(before) == 0 && len(projectQuotas) == 0 {
				t.Skipf("the account has no limits (unlimited accounts have no GCE quotas)")
			}
			inst, ok := before["INSTANCES"]
			t.Check(ok, "regions.get quotas lack INSTANCES: %s", jsonOf(before))
			t.runInstance(t.env.name("vm-quota"))
			after, _ := usage()
			Equal(t, "INSTANCES usage after one more instance", after["INSTANCES"].Usage, inst.Usage+1)
		},
	}
}
