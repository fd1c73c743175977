package gcecompat_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	compute "google.golang.org/api/compute/v1"
	"google.golang.org/api/googleapi"
)

// post sends a raw JSON body and parses the answer with the Go client's
// own error parser (googleapi.CheckResponse).
func (e *env) post(path, body string) (map[string]any, error) {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/compute/v1/projects/"+e.project+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.ts.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := googleapi.CheckResponse(resp); err != nil {
		return nil, err
	}
	var m map[string]any
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &m); err != nil {
		e.t.Fatalf("answer %s: %v", b, err)
	}
	return m, nil
}

// TestStrictBodies: unknown fields and trailing JSON are 400 invalid naming
// the problem, and nothing is created; echoed output-only fields pass.
func TestStrictBodies(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct{ path, body, want string }{
		{"/zones/zone1/disks", `{"name":"d1","sizeGb":"1","sourceDiskx":"zones/zone1/disks/x"}`, `Unknown name "sourceDiskx"`},
		{"/zones/zone1/disks", `{"name":"a"}{"name":"b"}`, "Unexpected token after the request body"},
		{"/zones/zone1/disks", `{"name":"a"} x`, "Unexpected token after the request body"},
		{"/zones/zone1/disks", `["a"]`, "must be a JSON object"},
		{"/zones/zone1/instances", `{"name":"vm9","machineType":"zones/zone1/machineTypes/small-instance","disks":[{"boot":true,"initializeParams":{"sourceImage":"projects/debian-cloud/global/images/family/debian-12","nosuch":1}}]}`, `Unknown name "disks[0].initializeParams.nosuch"`},
		{"/zones/zone1/instances", `{"name":"vm9","machineType":"zones/zone1/machineTypes/small-instance","canIpForward":true,"disks":[{"boot":true,"initializeParams":{"sourceImage":"projects/debian-cloud/global/images/family/debian-12"}}]}`, "'resource.canIpForward'"},
		{"/zones/zone1/instances", `{"name":"vm9","machineType":"zones/zone1/machineTypes/small-instance","scheduling":{"preemptible":true},"disks":[{"boot":true,"initializeParams":{"sourceImage":"projects/debian-cloud/global/images/family/debian-12"}}]}`, "'resource.scheduling.preemptible'"},
		{"/global/firewalls", `{"name":"fw9","allowed":[{"IPProtocol":"tcp","ports":["22"]}],"logConfig":{"enable":true}}`, "'resource.logConfig.enable'"},
		{"/zones/zone1/disks", `{"name":"d9","sizeGb":"1","resourceManagerTags":{"k":"v"}}`, `Unknown name "resourceManagerTags"`},
		// A real GCE field the gateway does not implement is named as such.
		{"/zones/zone1/disks", `{"name":"d9","sizeGb":"1","replicaZones":["zones/zone2"]}`, "'resource.replicaZones': this gateway does not implement"},
		{"/zones/zone1/instances", `{"name":"vm9","machineType":"zones/zone1/machineTypes/small-instance","disks":[{"boot":true,"initializeParams":{"sourceSnapshot":"global/snapshots/s"}}]}`, "'resource.disks[0].initializeParams.sourceSnapshot': this gateway does not implement"},
	} {
		_, err := e.post(tc.path, tc.body)
		var ge *googleapi.Error
		if !asGoogleErr(err, &ge) || ge.Code != 400 || len(ge.Errors) == 0 || ge.Errors[0].Reason != "invalid" || !strings.Contains(ge.Message, tc.want) {
			t.Errorf("POST %s %s = %v, want 400 invalid with %q", tc.path, tc.body, err, tc.want)
		}
	}
	if d, err := e.gce.Disks.List(e.project, "zone1").Do(); err != nil || len(d.Items) != 0 {
		t.Fatalf("disks after refused inserts = %+v, %v", d, err)
	}
	if l, err := e.gce.Instances.List(e.project, "zone1").Do(); err != nil || len(l.Items) != 0 {
		t.Fatalf("instances after refused inserts = %+v, %v", l, err)
	}
	if l, err := e.gce.Instances.List(e.project, "zone1").Do(); err != nil || len(l.Items) != 0 {
		t.Fatalf("instances after refused inserts = %+v, %v", l, err)
	}
	// Empty unknown maps (the Node client's defaults) ask for nothing.
	if _, err := e.post("/zones/zone1/disks", `{"name":"d8","sizeGb":"1","asyncSecondaryDisks":{},"resourceManagerTags":{},"licenses":[],"x":null}`); err != nil {
		t.Fatalf("empty unknown fields: %v", err)
	}
	// A GET echoed back (Libcloud's update helpers do this) is accepted.
	e.mustOK(e.gce.Firewalls.Insert(e.project, &compute.Firewall{Name: "fw1", Allowed: []*compute.FirewallAllowed{{IPProtocol: "tcp", Ports: []string{"22"}}}}).Do())
	fw, err := e.gce.Firewalls.Get(e.project, "fw1").Do()
	if err != nil {
		t.Fatal(err)
	}
	fw.Allowed[0].Ports = []string{"22", "80"}
	b, _ := fw.MarshalJSON()
	req, _ := http.NewRequest(http.MethodPut, e.ts.URL+"/compute/v1/projects/"+e.project+"/global/firewalls/fw1", strings.NewReader(string(b)))
	resp, err := e.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := googleapi.CheckResponse(resp); err != nil {
		t.Fatalf("PUT of an echoed firewall %s: %v", b, err)
	}
	if fw, err = e.gce.Firewalls.Get(e.project, "fw1").Do(); err != nil || len(fw.Allowed) != 1 || strings.Join(fw.Allowed[0].Ports, ",") != "22,80" {
		t.Fatalf("firewall after PUT = %+v, %v", fw, err)
	}
}

func asGoogleErr(err error, ge **googleapi.Error) bool {
	g, ok := err.(*googleapi.Error)
	*ge = g
	return ok
}

// TestNoRouteAndUnauthenticatedShape: Google's JSON error bodies.
func TestErrorBodies(t *testing.T) {
	e := newEnv(t)
	req, _ := http.NewRequest("GET", e.ts.URL+"/compute/v1/projects/"+e.project+"/zones", nil)
	req.Header.Set("X-Test-Anonymous", "1")
	resp, err := e.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Error struct {
			Code   int    `json:"code"`
			Status string `json:"status"`
		} `json:"error"`
	}
	json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if resp.StatusCode != 401 || body.Error.Code != 401 || body.Error.Status != "UNAUTHENTICATED" {
		t.Fatalf("401 body = %d %+v", resp.StatusCode, body)
	}
}

// TestKeepBootDiskAndAttachAtInsert: boot autoDelete=false keeps the boot
// disk when the instance goes; a data disk given by source at insert is
// attached; hostname and access configs read back as sent.
func TestKeepBootDiskAndAttachAtInsert(t *testing.T) {
	e := newEnv(t)
	zl := e.ts.URL + "/compute/v1/projects/" + e.project + "/zones/" + e.zone
	e.mustOK(e.gce.Disks.Insert(e.project, e.zone, &compute.Disk{Name: "data1", SizeGb: 2}).Do())
	e.mustOK(e.gce.Instances.Insert(e.project, e.zone, &compute.Instance{
		Name: "keep1", MachineType: zl + "/machineTypes/small-instance", Hostname: "keep1.example.internal",
		Disks: []*compute.AttachedDisk{
			{Boot: true, AutoDelete: false, InitializeParams: &compute.AttachedDiskInitializeParams{SourceImage: "projects/debian-cloud/global/images/family/debian-12"}},
			{Source: zl + "/disks/data1", DeviceName: "data-dev", Mode: "READ_WRITE"},
		},
		NetworkInterfaces: []*compute.NetworkInterface{{Network: "global/networks/default"}},
	}).Do())
	in, err := e.gce.Instances.Get(e.project, e.zone, "keep1").Do()
	if err != nil {
		t.Fatal(err)
	}
	if in.Hostname != "keep1.example.internal" || len(in.NetworkInterfaces[0].AccessConfigs) != 0 {
		t.Errorf("hostname %q, access configs %+v", in.Hostname, in.NetworkInterfaces[0].AccessConfigs)
	}
	if len(in.Disks) != 2 || in.Disks[0].AutoDelete || !in.Disks[0].Boot || last(in.Disks[1].Source) != "data1" || in.Disks[1].DeviceName != "data-dev" || in.Disks[1].AutoDelete {
		t.Fatalf("disks = %+v %+v", in.Disks[0], in.Disks[len(in.Disks)-1])
	}
	e.mustOK(e.gce.Instances.Delete(e.project, e.zone, "keep1").Do())
	for _, name := range []string{"keep1", "data1"} {
		d, err := e.gce.Disks.Get(e.project, e.zone, name).Do()
		if err != nil || len(d.Users) != 0 {
			t.Fatalf("disk %s after the instance was deleted = %+v, %v", name, d, err)
		}
	}
	// A data disk that does not exist is refused before anything is created.
	_, err = e.gce.Instances.Insert(e.project, e.zone, &compute.Instance{
		Name: "keep2", MachineType: zl + "/machineTypes/small-instance",
		Disks: []*compute.AttachedDisk{
			{Boot: true, AutoDelete: true, InitializeParams: &compute.AttachedDiskInitializeParams{SourceImage: "projects/debian-cloud/global/images/family/debian-12"}},
			{Source: zl + "/disks/nosuch"},
		},
	}).Do()
	apiErr(t, err, 400, "invalid")
}

// TestDiskSources: sourceDisk copies through a snapshot, sourceSnapshot and
// sourceDisk of another project or unknown are errors, sourceImage is 400
// naming it; nothing is left behind by a refused insert.
func TestDiskSources(t *testing.T) {
	e := newEnv(t)
	e.insertVM("src1", "small-instance")
	e.mustOK(e.gce.Disks.Insert(e.project, e.zone, &compute.Disk{Name: "copy1", SourceDisk: "zones/" + e.zone + "/disks/src1"}).Do())
	cp, err := e.gce.Disks.Get(e.project, e.zone, "copy1").Do()
	if err != nil {
		t.Fatal(err)
	}
	src, _ := e.gce.Disks.Get(e.project, e.zone, "src1").Do()
	if cp.SizeGb != src.SizeGb || last(cp.SourceDisk) != "src1" || len(cp.Users) != 0 {
		t.Fatalf("copy = %+v (source %+v)", cp, src)
	}
	if sl, err := e.gce.Snapshots.List(e.project).Do(); err != nil || len(sl.Items) != 0 {
		t.Fatalf("snapshots after a copy = %+v, %v", sl, err)
	}
	_, err = e.gce.Disks.Insert(e.project, e.zone, &compute.Disk{Name: "copy2", SourceDisk: "projects/other/zones/" + e.zone + "/disks/src1"}).Do()
	apiErr(t, err, 404, "notFound")
	_, err = e.gce.Disks.Insert(e.project, e.zone, &compute.Disk{Name: "copy2", SourceDisk: "zones/" + e.zone + "/disks/nosuch"}).Do()
	apiErr(t, err, 404, "notFound")
	_, err = e.gce.Disks.Insert(e.project, e.zone, &compute.Disk{Name: "copy2", SourceSnapshot: "projects/other/global/snapshots/s1"}).Do()
	apiErr(t, err, 404, "notFound")
	_, err = e.gce.Disks.Insert(e.project, e.zone, &compute.Disk{Name: "copy2", SourceImage: "projects/debian-cloud/global/images/family/debian-12"}).Do()
	apiErr(t, err, 400, "invalid")
	if _, err := e.gce.Disks.Get(e.project, e.zone, "copy2").Do(); err == nil {
		t.Fatal("a refused disk exists")
	}
	// From a snapshot: reads back its source.
	e.mustOK(e.gce.Disks.CreateSnapshot(e.project, e.zone, "src1", &compute.Snapshot{Name: "snap1"}).Do())
	e.mustOK(e.gce.Disks.Insert(e.project, e.zone, &compute.Disk{Name: "fromsnap", SourceSnapshot: "global/snapshots/snap1"}).Do())
	fs, err := e.gce.Disks.Get(e.project, e.zone, "fromsnap").Do()
	if err != nil || last(fs.SourceSnapshot) != "snap1" {
		t.Fatalf("disk from snapshot = %+v, %v", fs, err)
	}
}

// TestSetDiskAutoDelete: the boot disk's autoDelete changes in place (as
// Terraform does for boot_disk.auto_delete) and decides whether it is kept.
func TestSetDiskAutoDelete(t *testing.T) {
	e := newEnv(t)
	e.insertVM("ad1", "small-instance")
	e.mustOK(e.gce.Instances.SetDiskAutoDelete(e.project, e.zone, "ad1", false, "ad1").Do())
	in, err := e.gce.Instances.Get(e.project, e.zone, "ad1").Do()
	if err != nil || in.Disks[0].AutoDelete {
		t.Fatalf("boot autoDelete after setDiskAutoDelete(false) = %+v, %v", in.Disks[0], err)
	}
	_, err = e.gce.Instances.SetDiskAutoDelete(e.project, e.zone, "ad1", true, "nosuch").Do()
	apiErr(t, err, 400, "invalid")
	e.mustOK(e.gce.Instances.Delete(e.project, e.zone, "ad1").Do())
	if _, err := e.gce.Disks.Get(e.project, e.zone, "ad1").Do(); err != nil {
		t.Fatalf("boot disk not kept: %v", err)
	}
	// Its name is taken: a new instance of that name is refused, as in GCE.
	_, err = e.gce.Instances.Insert(e.project, e.zone, &compute.Instance{Name: "ad1",
		MachineType: "zones/" + e.zone + "/machineTypes/small-instance",
		Disks: []*compute.AttachedDisk{{Boot: true, AutoDelete: true, InitializeParams: &compute.AttachedDiskInitializeParams{
			SourceImage: "projects/debian-cloud/global/images/family/debian-12"}}}}).Do()
	apiErr(t, err, 409, "alreadyExists")
}

// TestBootFromExistingDisk: a kept boot disk boots a new instance
// (disks[0].source) and keeps its name; with autoDelete false it is kept
// again when that instance goes. A data disk cannot boot.
func TestBootFromExistingDisk(t *testing.T) {
	e := newEnv(t)
	zl := "zones/" + e.zone
	e.mustOK(e.gce.Instances.Insert(e.project, e.zone, &compute.Instance{
		Name: "first", MachineType: zl + "/machineTypes/small-instance",
		Disks: []*compute.AttachedDisk{{Boot: true, AutoDelete: false, InitializeParams: &compute.AttachedDiskInitializeParams{
			SourceImage: "projects/debian-cloud/global/images/family/debian-12"}}},
	}).Do())
	e.mustOK(e.gce.Instances.Delete(e.project, e.zone, "first").Do())
	e.mustOK(e.gce.Instances.Insert(e.project, e.zone, &compute.Instance{
		Name: "second", MachineType: zl + "/machineTypes/small-instance",
		Disks: []*compute.AttachedDisk{{Boot: true, AutoDelete: false, Source: zl + "/disks/first"}},
	}).Do())
	in, err := e.gce.Instances.Get(e.project, e.zone, "second").Do()
	if err != nil {
		t.Fatal(err)
	}
	if in.Status != "RUNNING" || len(in.Disks) != 1 || last(in.Disks[0].Source) != "first" || !in.Disks[0].Boot {
		t.Fatalf("instance booted from a disk = %s %+v", in.Status, in.Disks)
	}
	d, err := e.gce.Disks.Get(e.project, e.zone, "first").Do()
	if err != nil || len(d.Users) != 1 || last(d.Users[0]) != "second" {
		t.Fatalf("boot disk = %+v, %v", d, err)
	}
	if dl, _ := e.gce.Disks.List(e.project, e.zone).Do(); dl == nil || len(dl.Items) != 1 {
		t.Fatalf("disks = %+v (the deploy's own ROOT volume must be gone)", dl)
	}
	e.mustOK(e.gce.Instances.Delete(e.project, e.zone, "second").Do())
	if d, err := e.gce.Disks.Get(e.project, e.zone, "first").Do(); err != nil || len(d.Users) != 0 {
		t.Fatalf("boot disk after the second delete = %+v, %v", d, err)
	}
	e.mustOK(e.gce.Disks.Insert(e.project, e.zone, &compute.Disk{Name: "data1", SizeGb: 1}).Do())
	_, err = e.gce.Instances.Insert(e.project, e.zone, &compute.Instance{
		Name: "third", MachineType: zl + "/machineTypes/small-instance",
		Disks: []*compute.AttachedDisk{{Boot: true, Source: zl + "/disks/data1"}},
	}).Do()
	apiErr(t, err, 400, "invalid")
}
