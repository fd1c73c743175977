package conformance

import (
	"context"
	"net/http"
	"strings"

	compute "google.golang.org/api/compute/v1"
)

func gceZonesRegions() scenario {
	return scenario{
		name: "gce/zones-regions", api: "gce",
		ops: []string{"compute.zones.list", "compute.zones.get", "compute.regions.list", "compute.regions.get"},
		run: func(t *scenarioT) {
			svc, p := t.env.gce, t.env.cfg.GCEProject
			zones, err := svc.Zones.List(p).Context(t.ctx).Do()
			t.Must(err, "zones.list")
			t.Check(len(zones.Items) > 0, "zones.list returned no zone")
			for _, z := range zones.Items {
				t.Check(z.Name != "" && z.SelfLink != "", "zone without name or selfLink: %+v", z)
				t.Check(z.Region != "", "zone %s without region", z.Name)
				t.Check(z.Status == "UP" || z.Status == "DOWN", "zone %s status %q", z.Name, z.Status)
				// gcloud derives a zone's region by cutting its name at the
				// last '-' (instances create --address, region prompts).
				i := strings.LastIndexByte(z.Name, '-')
				t.Check(i > 0, "zone %s has no '-': gcloud cannot derive its region", z.Name)
				Equal(t, "region gcloud derives from zone "+z.Name, z.Name[:i], lastSegment(z.Region))
			}
			z := zones.Items[0]
			got, err := svc.Zones.Get(p, z.Name).Context(t.ctx).Do()
			t.Must(err, "zones.get")
			Equal(t, "zones.get name", got.Name, z.Name)
			Equal(t, "zones.get selfLink", got.SelfLink, z.SelfLink)
			f, err := svc.Zones.List(p).Filter(nameFilter(z.Name)).Context(t.ctx).Do()
			t.Must(err, "zones.list filter")
			Equal(t, "zones matching "+nameFilter(z.Name), len(f.Items), 1)

			regions, err := svc.Regions.List(p).Context(t.ctx).Do()
			t.Must(err, "regions.list")
			t.Check(len(regions.Items) > 0, "regions.list returned no region")
			region := lastSegment(z.Region)
			r, err := svc.Regions.Get(p, region).Context(t.ctx).Do()
			t.Must(err, "regions.get")
			Equal(t, "regions.get name", r.Name, region)
			found := false
			for _, rz := range r.Zones {
				found = found || lastSegment(rz) == z.Name
			}
			t.Check(found, "region %s does not list zone %s in zones %v", region, z.Name, r.Zones)
			_, err = svc.Zones.Get(p, "no-such-zone-9").Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusNotFound, "notFound", "zones.get of an unknown zone")
		},
	}
}

func gceMachineTypes() scenario {
	return scenario{
		name: "gce/machine-types", api: "gce",
		ops: []string{"compute.machineTypes.list", "compute.machineTypes.get", "compute.machineTypes.aggregatedList"},
		run: func(t *scenarioT) {
			svc, p := t.env.gce, t.env.cfg.GCEProject
			cat := t.catalogGCE()
			list, err := svc.MachineTypes.List(p, cat.zone).Context(t.ctx).Do()
			t.Must(err, "machineTypes.list")
			for _, mt := range list.Items {
				t.Check(mt.Name != "" && mt.GuestCpus > 0 && mt.MemoryMb > 0, "machine type %q lacks guestCpus/memoryMb", mt.Name)
				Equal(t, "zone of machine type "+mt.Name, lastSegment(mt.Zone), cat.zone)
			}
			mt, err := svc.MachineTypes.Get(p, cat.zone, cat.machineType).Context(t.ctx).Do()
			t.Must(err, "machineTypes.get")
			Equal(t, "machineTypes.get name", mt.Name, cat.machineType)
			agg, err := svc.MachineTypes.AggregatedList(p).Context(t.ctx).Do()
			t.Must(err, "machineTypes.aggregatedList")
			scoped, ok := agg.Items["zones/"+cat.zone]
			t.Check(ok && len(scoped.MachineTypes) > 0, "aggregatedList lacks zones/%s", cat.zone)
			_, err = svc.MachineTypes.Get(p, cat.zone, "no-such-type").Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusNotFound, "notFound", "machineTypes.get of an unknown type")
		},
	}
}

func gceImages() scenario {
	return scenario{
		name: "gce/images", api: "gce",
		ops: []string{"compute.images.list", "compute.images.get", "compute.images.getFromFamily"},
		run: func(t *scenarioT) {
			svc := t.env.gce
			list, err := svc.Images.List("debian-cloud").Context(t.ctx).Do()
			t.Must(err, "images.list debian-cloud")
			t.Check(len(list.Items) > 0, "images.list debian-cloud returned no image")
			for _, im := range list.Items {
				t.Check(im.Name != "" && im.SelfLink != "", "image without name or selfLink: %+v", im)
				t.Check(im.Status != "", "image %s without status", im.Name)
			}
			im := list.Items[0]
			got, err := svc.Images.Get("debian-cloud", im.Name).Context(t.ctx).Do()
			t.Must(err, "images.get")
			Equal(t, "images.get name", got.Name, im.Name)
			fam, err := svc.Images.GetFromFamily("debian-cloud", "debian-12").Context(t.ctx).Do()
			t.Must(err, "images.getFromFamily debian-cloud/debian-12")
			Equal(t, "family of images.getFromFamily", fam.Family, "debian-12")
			t.Check(fam.Deprecated == nil || fam.Deprecated.State == "" || fam.Deprecated.State == "ACTIVE", "getFromFamily returned a deprecated image %s", fam.Name)
			f, err := svc.Images.List("debian-cloud").Filter(nameFilter(fam.Name)).Context(t.ctx).Do()
			t.Must(err, "images.list filter")
			Equal(t, "images matching "+nameFilter(fam.Name), len(f.Items), 1)
			_, err = svc.Images.Get("debian-cloud", "no-such-image").Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusNotFound, "notFound", "images.get of an unknown image")
			_, err = svc.Images.GetFromFamily("debian-cloud", "no-such-family").Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusNotFound, "notFound", "images.getFromFamily of an unknown family")
		},
	}
}

func gceNetworks() scenario {
	return scenario{
		name: "gce/networks", api: "gce",
		ops: []string{"compute.networks.list", "compute.networks.get"},
		run: func(t *scenarioT) {
			svc, p := t.env.gce, t.env.cfg.GCEProject
			list, err := svc.Networks.List(p).Context(t.ctx).Do()
			t.Must(err, "networks.list")
			t.Check(len(list.Items) > 0, "networks.list returned no network")
			n := list.Items[0]
			got, err := svc.Networks.Get(p, n.Name).Context(t.ctx).Do()
			t.Must(err, "networks.get")
			Equal(t, "networks.get name", got.Name, n.Name)
			t.Check(got.SelfLink != "", "network %s without selfLink", n.Name)
		},
	}
}

func gceErrorCodes() scenario {
	return scenario{
		name: "gce/errors", api: "gce",
		ops: []string{"compute.instances.get", "compute.disks.get", "compute.firewalls.insert", "compute.instances.list"},
		run: func(t *scenarioT) {
			svc, p := t.env.gce, t.env.cfg.GCEProject
			cat := t.catalogGCE()
			_, err := svc.Instances.Get(p, cat.zone, t.env.name("missing")).Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusNotFound, "notFound", "instances.get of an unknown instance")
			_, err = svc.Disks.Get(p, cat.zone, t.env.name("missing")).Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusNotFound, "notFound", "disks.get of an unknown disk")
			op, err := svc.Firewalls.Insert(p, &compute.Firewall{
				Name: "Invalid_Name!", Network: cat.network,
				Allowed: []*compute.FirewallAllowed{{IPProtocol: "tcp", Ports: []string{"22"}}},
			}).Context(t.ctx).Do()
			if err == nil && op != nil {
				t.waitOp(op, "compute.firewalls.insert")
				t.Defer("delete firewall Invalid_Name!", func(ctx context.Context) error {
					_, err := svc.Firewalls.Delete(p, "Invalid_Name!").Context(ctx).Do()
					return ignoreGCENotFound(err)
				})
			}
			t.ExpectGCE(err, http.StatusBadRequest, "invalid", "firewalls.insert with an invalid name")
			_, err = svc.Instances.List(p, cat.zone).Filter("name eq (").Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusBadRequest, "", "instances.list with a malformed filter")
			t.Check(!strings.Contains(describeErr(err), "500"), "malformed filter answered with a server error")
		},
	}
}
