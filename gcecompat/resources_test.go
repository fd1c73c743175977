package gcecompat_test

import (
	"bufio"
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/cloudgate/cloudgate/simulator"
	"github.com/cloudgate/cloudgate/translate"
	compute "google.golang.org/api/compute/v1"
)

// group returns the demo user's security group by name (nil if none).
func group(t *testing.T, e *env, name string) *translate.SecurityGroup {
	t.Helper()
	gs, err := e.svc.SecurityGroups(e.ctx(), translate.SecurityGroupQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range gs {
		if gs[i].Name == name {
			return &gs[i]
		}
	}
	return nil
}

func hasRule(g *translate.SecurityGroup, proto string, port int, cidr string) bool {
	if g == nil {
		return false
	}
	for _, r := range g.Ingress {
		if r.Protocol == proto && r.StartPort <= port && port <= r.EndPort && r.CIDR == cidr {
			return true
		}
	}
	return false
}

func TestFirewalls(t *testing.T) {
	e := newEnv(t)
	e.mustOK(e.gce.Firewalls.Insert(e.project, &compute.Firewall{
		Name: "allow-web", Network: "global/networks/default", Direction: "INGRESS", Priority: 900,
		Allowed:      []*compute.FirewallAllowed{{IPProtocol: "tcp", Ports: []string{"80", "443"}}, {IPProtocol: "icmp"}},
		SourceRanges: []string{"0.0.0.0/0"}, TargetTags: []string{"web"},
	}).Do())
	e.mustOK(e.gce.Firewalls.Insert(e.project, &compute.Firewall{
		Name: "allow-ssh", Allowed: []*compute.FirewallAllowed{{IPProtocol: "tcp", Ports: []string{"22"}}},
		SourceRanges: []string{"10.0.0.0/8"},
	}).Do())
	_, err := e.gce.Firewalls.Insert(e.project, &compute.Firewall{Name: "allow-ssh", Allowed: []*compute.FirewallAllowed{{IPProtocol: "tcp"}}}).Do()
	apiErr(t, err, 409, "alreadyExists")
	_, err = e.gce.Firewalls.Insert(e.project, &compute.Firewall{Name: "bad", Allowed: []*compute.FirewallAllowed{{IPProtocol: "tcp", Ports: []string{"99999"}}}}).Do()
	apiErr(t, err, 400, "invalid")

	web := group(t, e, "gce-tag-web")
	if !hasRule(web, "tcp", 80, "0.0.0.0/0") || !hasRule(web, "tcp", 443, "0.0.0.0/0") || !hasRule(web, "icmp", 0, "0.0.0.0/0") {
		t.Fatalf("gce-tag-web rules = %+v", web)
	}
	if !hasRule(group(t, e, "default"), "tcp", 22, "10.0.0.0/8") {
		t.Fatalf("default group rules = %+v", group(t, e, "default"))
	}

	l, err := e.gce.Firewalls.List(e.project).Do()
	if err != nil || len(l.Items) != 2 {
		t.Fatalf("firewalls = %+v, %v", l, err)
	}
	l, err = e.gce.Firewalls.List(e.project).Filter(`name eq ".*\bweb\b.*"`).Do()
	if err != nil || len(l.Items) != 1 || l.Items[0].Priority != 900 || l.Items[0].TargetTags[0] != "web" || l.Items[0].Id == 0 {
		t.Fatalf("filtered firewalls = %+v, %v", l, err)
	}

	// update replaces the rules: 8080 in, 80/443 out.
	fw, _ := e.gce.Firewalls.Get(e.project, "allow-web").Do()
	fw.Allowed = []*compute.FirewallAllowed{{IPProtocol: "tcp", Ports: []string{"8080"}}}
	e.mustOK(e.gce.Firewalls.Update(e.project, "allow-web", fw).Do())
	web = group(t, e, "gce-tag-web")
	if !hasRule(web, "tcp", 8080, "0.0.0.0/0") || hasRule(web, "tcp", 80, "0.0.0.0/0") {
		t.Fatalf("gce-tag-web after update = %+v", web.Ingress)
	}
	// patch changes only the given fields.
	e.mustOK(e.gce.Firewalls.Patch(e.project, "allow-web", &compute.Firewall{SourceRanges: []string{"192.168.0.0/16"}}).Do())
	fw, _ = e.gce.Firewalls.Get(e.project, "allow-web").Do()
	if fw.Allowed[0].Ports[0] != "8080" || fw.SourceRanges[0] != "192.168.0.0/16" {
		t.Fatalf("patched firewall = %+v", fw)
	}
	if web = group(t, e, "gce-tag-web"); !hasRule(web, "tcp", 8080, "192.168.0.0/16") || hasRule(web, "tcp", 8080, "0.0.0.0/0") {
		t.Fatalf("gce-tag-web after patch = %+v", web.Ingress)
	}

	e.mustOK(e.gce.Firewalls.Delete(e.project, "allow-web").Do())
	if web = group(t, e, "gce-tag-web"); web != nil && len(web.Ingress) != 0 {
		t.Fatalf("gce-tag-web after delete = %+v", web.Ingress)
	}
	_, err = e.gce.Firewalls.Get(e.project, "allow-web").Do()
	apiErr(t, err, 404, "notFound")
	e.mustOK(e.gce.Firewalls.Delete(e.project, "allow-ssh").Do())
	if hasRule(group(t, e, "default"), "tcp", 22, "10.0.0.0/8") {
		t.Fatal("default group still has the ssh rule")
	}
}

func TestDisksAndSnapshots(t *testing.T) {
	e := newEnv(t)
	e.insertVM("vm1", "small-instance")
	e.mustOK(e.gce.Disks.Insert(e.project, "local1-zone1", &compute.Disk{Name: "data1", SizeGb: 20, Type: "zones/local1-zone1/diskTypes/pd-ssd"}).Do())
	d, err := e.gce.Disks.Get(e.project, "local1-zone1", "data1").Do()
	if err != nil || d.SizeGb != 20 || d.Status != "READY" || d.Id == 0 {
		t.Fatalf("disk = %+v, %v", d, err)
	}
	_, err = e.gce.Disks.Insert(e.project, "local1-zone1", &compute.Disk{Name: "data1", SizeGb: 20}).Do()
	apiErr(t, err, 409, "alreadyExists")

	e.mustOK(e.gce.Instances.AttachDisk(e.project, "local1-zone1", "vm1", &compute.AttachedDisk{Source: d.SelfLink}).Do())
	vm, _ := e.gce.Instances.Get(e.project, "local1-zone1", "vm1").Do()
	if len(vm.Disks) != 2 || vm.Disks[1].DeviceName != "data1" || !vm.Disks[0].Boot {
		t.Fatalf("attached disks = %+v", vm.Disks)
	}
	d, _ = e.gce.Disks.Get(e.project, "local1-zone1", "data1").Do()
	if len(d.Users) != 1 || !strings.HasSuffix(d.Users[0], "/instances/vm1") {
		t.Fatalf("disk users = %v", d.Users)
	}
	_, err = e.gce.Disks.Delete(e.project, "local1-zone1", "data1").Do()
	apiErr(t, err, 400, "resourceInUseByAnotherResource")
	e.mustOK(e.gce.Instances.DetachDisk(e.project, "local1-zone1", "vm1", "data1").Do())

	// A deviceName given to attachDisk is what the instance shows and what
	// detachDisk takes; it goes away with the attachment.
	e.mustOK(e.gce.Instances.AttachDisk(e.project, "local1-zone1", "vm1", &compute.AttachedDisk{Source: d.SelfLink, DeviceName: "scratch"}).Do())
	if vm, _ = e.gce.Instances.Get(e.project, "local1-zone1", "vm1").Do(); len(vm.Disks) != 2 || vm.Disks[1].DeviceName != "scratch" {
		t.Fatalf("attached disks with deviceName = %+v", vm.Disks)
	}
	_, err = e.gce.Instances.DetachDisk(e.project, "local1-zone1", "vm1", "data1").Do()
	apiErr(t, err, 400, "invalid")
	e.mustOK(e.gce.Instances.DetachDisk(e.project, "local1-zone1", "vm1", "scratch").Do())
	_, err = e.gce.Instances.AttachDisk(e.project, "local1-zone1", "vm1", &compute.AttachedDisk{Source: d.SelfLink, DeviceName: "Bad_Name"}).Do()
	apiErr(t, err, 400, "invalid")

	e.mustOK(e.gce.Disks.CreateSnapshot(e.project, "local1-zone1", "data1", &compute.Snapshot{Name: "snap1"}).Do())
	snaps, err := e.gce.Snapshots.List(e.project).Do()
	if err != nil || len(snaps.Items) != 1 || snaps.Items[0].Name != "snap1" || !strings.HasSuffix(snaps.Items[0].SourceDisk, "/disks/data1") {
		t.Fatalf("snapshots = %+v, %v", snaps, err)
	}
	e.mustOK(e.gce.Disks.Resize(e.project, "local1-zone1", "data1", &compute.DisksResizeRequest{SizeGb: 30}).Do())
	if d, _ = e.gce.Disks.Get(e.project, "local1-zone1", "data1").Do(); d.SizeGb != 30 {
		t.Fatalf("resized disk = %d GB", d.SizeGb)
	}

	agg, err := e.gce.Disks.AggregatedList(e.project).Do()
	if err != nil || len(agg.Items["zones/local1-zone1"].Disks) != 2 { // boot disk + data1
		t.Fatalf("aggregated disks = %+v, %v", agg.Items, err)
	}

	d, _ = e.gce.Disks.Get(e.project, "local1-zone1", "data1").Do()
	e.mustOK(e.gce.Disks.SetLabels(e.project, "local1-zone1", "data1", &compute.ZoneSetLabelsRequest{
		Labels: map[string]string{"tier": "data"}, LabelFingerprint: d.LabelFingerprint}).Do())
	_, err = e.gce.Disks.SetLabels(e.project, "local1-zone1", "data1", &compute.ZoneSetLabelsRequest{
		Labels: map[string]string{"tier": "x"}, LabelFingerprint: d.LabelFingerprint}).Do()
	apiErr(t, err, 412, "conditionNotMet")
	if d, _ = e.gce.Disks.Get(e.project, "local1-zone1", "data1").Do(); d.Labels["tier"] != "data" {
		t.Fatalf("disk labels = %v", d.Labels)
	}
	sn, _ := e.gce.Snapshots.Get(e.project, "snap1").Do()
	e.mustOK(e.gce.Snapshots.SetLabels(e.project, "snap1", &compute.GlobalSetLabelsRequest{
		Labels: map[string]string{"k": "v"}, LabelFingerprint: sn.LabelFingerprint}).Do())
	if sn, _ = e.gce.Snapshots.Get(e.project, "snap1").Do(); sn.Labels["k"] != "v" {
		t.Fatalf("snapshot labels = %v", sn.Labels)
	}
	e.mustOK(e.gce.Snapshots.Delete(e.project, "snap1").Do())
	e.mustOK(e.gce.Disks.Delete(e.project, "local1-zone1", "data1").Do())
	_, err = e.gce.Disks.Get(e.project, "local1-zone1", "data1").Do()
	apiErr(t, err, 404, "notFound")
	e.mustOK(e.gce.Instances.Delete(e.project, "local1-zone1", "vm1").Do())
}

// isolatedSeed is the sandbox profile (an Advanced zone without security
// groups) with its zone named zone1: CloudStack has no public IPs in a zone
// with security groups.
func isolatedSeed(t *testing.T) *simulator.Seed {
	t.Helper()
	seed, err := simulator.ProfileSeed(simulator.ProfileSandbox)
	if err != nil {
		t.Fatal(err)
	}
	seed.Zones[0].Name = "zone1"
	return seed
}

// withAccountNetwork gives the demo account its Isolated network in zone1:
// CloudStack's associateIpAddress with only a zone needs exactly one.
func withAccountNetwork(e *env) *env {
	if _, err := e.svc.CreateNetwork(e.ctx(), translate.NetworkSpec{Name: "demo-network", ZoneID: "zone1"}); err != nil {
		e.t.Fatalf("account network: %v", err)
	}
	return e
}

func TestAddresses(t *testing.T) {
	e := withAccountNetwork(newEnvWith(t, isolatedSeed(t)))
	op := e.mustOK(e.gce.Addresses.Insert(e.project, "local1", &compute.Address{Name: "ip1"}).Do())
	if last(op.Region) != "local1" {
		t.Fatalf("address op = %+v", op)
	}
	a, err := e.gce.Addresses.Get(e.project, "local1", "ip1").Do()
	if err != nil || a.Address == "" || a.Status != "RESERVED" {
		t.Fatalf("address = %+v, %v", a, err)
	}
	l, err := e.gce.Addresses.List(e.project, "local1").Do()
	if err != nil || len(l.Items) != 1 {
		t.Fatalf("addresses = %+v, %v", l, err)
	}
	_, err = e.gce.Addresses.Insert(e.project, "local1", &compute.Address{Name: "ip1"}).Do()
	apiErr(t, err, 409, "alreadyExists")
	_, err = e.gce.Addresses.List(e.project, "elsewhere").Do()
	apiErr(t, err, 404, "notFound")
	e.mustOK(e.gce.Addresses.Delete(e.project, "local1", "ip1").Do())
	_, err = e.gce.Addresses.Get(e.project, "local1", "ip1").Do()
	apiErr(t, err, 404, "notFound")
}

func TestOperationsList(t *testing.T) {
	e := newEnv(t)
	ins := e.insertVM("vm1", "small-instance")
	e.mustOK(e.gce.Instances.Stop(e.project, "local1-zone1", "vm1").Do())
	agg, err := e.gce.ZoneOperations.List(e.project, "local1-zone1").Do()
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]bool{}
	for _, op := range agg.Items {
		types[op.OperationType] = true
		if op.Status != "DONE" || !strings.Contains(op.TargetLink, "/zones/local1-zone1/instances/vm1") {
			t.Errorf("listed op = %+v", op)
		}
		// every listed operation can be waited on
		if _, err := e.gce.ZoneOperations.Wait(e.project, "local1-zone1", op.Name).Do(); err != nil {
			t.Errorf("wait %s: %v", op.Name, err)
		}
	}
	if !types["insert"] || !types["stop"] {
		t.Fatalf("operation types = %v", types)
	}
	found := false
	for _, op := range agg.Items {
		found = found || op.Name == ins.Name
	}
	if !found {
		t.Fatalf("zoneOperations.list lacks the insert operation %s", ins.Name)
	}
	fwOp := e.mustOK(e.gce.Firewalls.Insert(e.project, &compute.Firewall{Name: "fw1", Allowed: []*compute.FirewallAllowed{{IPProtocol: "udp"}}}).Do())
	gl, err := e.gce.GlobalOperations.List(e.project).Do()
	if err != nil || len(gl.Items) != 1 || gl.Items[0].Name != fwOp.Name {
		t.Fatalf("globalOperations.list = %+v, %v (want %s)", gl, err, fwOp.Name)
	}
	all, err := e.gce.ZoneOperations.List(e.project, "local1-zone1").Filter(`operationType eq stop`).Do()
	if err != nil || len(all.Items) != 1 {
		t.Fatalf("filtered operations = %+v, %v", all, err)
	}
	aggr, err := e.gce.GlobalOperations.AggregatedList(e.project).Do()
	if err != nil || len(aggr.Items["zones/local1-zone1"].Operations) < 2 {
		t.Fatalf("aggregated operations = %+v, %v", aggr, err)
	}
	if err := e.gce.ZoneOperations.Delete(e.project, "local1-zone1", ins.Name).Do(); err != nil {
		t.Fatal(err)
	}
	_, err = e.gce.ZoneOperations.Get(e.project, "local1-zone2", ins.Name).Do()
	apiErr(t, err, 404, "notFound")
	_, err = e.gce.ZoneOperations.Wait(e.project, "local1-zone1", "operation-bogus").Do()
	apiErr(t, err, 404, "notFound")
}

// TestBatch sends a gcloud-style batch (LF line endings, outer
// Authorization only) and checks the parts' Content-IDs and answers.
func TestBatch(t *testing.T) {
	e := newEnv(t)
	const diskJSON = `{"name": "bd1", "sizeGb": "5"}`
	body := "--BOUNDARY\n" +
		"Content-Type: application/http\nMIME-Version: 1.0\nContent-Transfer-Encoding: binary\nContent-ID: <abc+0>\n\n" +
		"GET /compute/v1/projects/debian-cloud/global/images?alt=json&maxResults=500 HTTP/1.1\nHost: x\n\n\n" +
		"--BOUNDARY\n" +
		"Content-Type: application/http\nContent-ID: <abc+1>\n\n" +
		"GET /compute/v1/projects/nosuch-cloud/global/images?alt=json HTTP/1.1\n\n\n" +
		"--BOUNDARY\n" +
		"Content-Type: application/http\nContent-ID: <abc+2>\n\n" +
		"POST /compute/v1/projects/" + e.project + "/zones/local1-zone1/disks?alt=json HTTP/1.1\nContent-Type: application/json\ncontent-length: " + strconv.Itoa(len(diskJSON)) + "\n\n" +
		diskJSON + "\n" +
		"--BOUNDARY\n" +
		"Content-Type: application/http\nContent-ID: <abc+3>\n\n" +
		"GET /compute/v1/projects/" + e.project + "/zones/local1-zone1/instances/nosuch?alt=json HTTP/1.1\n\n\n" +
		"--BOUNDARY--\n"
	req, _ := http.NewRequest("POST", e.ts.URL+"/batch/compute/v1", strings.NewReader(body))
	req.Header.Set("Content-Type", `multipart/mixed; boundary="BOUNDARY"`)
	req.Header.Set("Authorization", "Bearer x")
	resp, err := e.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_, params, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("batch answer %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	mr := multipart.NewReader(resp.Body, params["boundary"])
	got := map[string]*http.Response{}
	bodies := map[string]string{}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(p)
		r, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(raw)), nil)
		if err != nil {
			t.Fatalf("part %s: %v", p.Header.Get("Content-ID"), err)
		}
		b, _ := io.ReadAll(r.Body)
		got[p.Header.Get("Content-ID")] = r
		bodies[p.Header.Get("Content-ID")] = string(b)
	}
	check := func(id string, code int, contains string) {
		t.Helper()
		r := got["<response-abc+"+id+">"]
		if r == nil {
			t.Fatalf("no response part for +%s (have %v)", id, got)
		}
		if r.StatusCode != code || !strings.Contains(bodies["<response-abc+"+id+">"], contains) {
			t.Errorf("part +%s = %d %s", id, r.StatusCode, bodies["<response-abc+"+id+">"])
		}
	}
	check("0", 200, `"family":"debian-12"`)
	check("1", 200, `"items":[]`)
	check("2", 200, `"compute#operation"`)
	check("3", 404, `"reason":"notFound"`)
}

func TestUnauthenticated(t *testing.T) {
	e := newEnv(t)
	req, _ := http.NewRequest("GET", e.ts.URL+"/compute/v1/projects/"+e.project+"/zones", nil)
	req.Header.Set("X-Test-Anonymous", "1")
	resp, err := e.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") == "" {
		t.Fatalf("anonymous = %d %v", resp.StatusCode, resp.Header)
	}
	resp, err = e.ts.Client().Get(e.ts.URL + "/compute/v1/projects/" + e.project + "/nosuch")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Fatalf("unknown route = %d", resp.StatusCode)
	}
	_, err = e.gce.RegionInstanceTemplates.List(e.project, "local1").Do()
	apiErr(t, err, 501, "notImplemented")
	_, err = e.gce.RegionInstanceGroupManagers.Get(e.project, "local1", "g1").Do()
	apiErr(t, err, 501, "notImplemented")
}

func TestInsertWithReservedAddress(t *testing.T) {
	e := withAccountNetwork(newEnvWith(t, isolatedSeed(t)))
	e.mustOK(e.gce.Addresses.Insert(e.project, "local1", &compute.Address{Name: "nat1"}).Do())
	a, err := e.gce.Addresses.Get(e.project, "local1", "nat1").Do()
	if err != nil {
		t.Fatal(err)
	}
	e.mustOK(e.gce.Instances.Insert(e.project, "local1-zone1", &compute.Instance{
		Name: "natvm", MachineType: "zones/local1-zone1/machineTypes/small-instance",
		Disks: []*compute.AttachedDisk{{Boot: true, InitializeParams: &compute.AttachedDiskInitializeParams{
			SourceImage: "projects/debian-cloud/global/images/family/debian-12"}}},
		NetworkInterfaces: []*compute.NetworkInterface{{AccessConfigs: []*compute.AccessConfig{{Type: "ONE_TO_ONE_NAT", NatIP: a.Address}}}},
	}).Do())
	vm, err := e.gce.Instances.Get(e.project, "local1-zone1", "natvm").Do()
	if err != nil || vm.NetworkInterfaces[0].AccessConfigs[0].NatIP != a.Address {
		t.Fatalf("natIP = %+v, %v", vm.NetworkInterfaces[0].AccessConfigs[0], err)
	}
	a, _ = e.gce.Addresses.Get(e.project, "local1", "nat1").Do()
	if a.Status != "IN_USE" || len(a.Users) != 1 || last(a.Users[0]) != "natvm" {
		t.Fatalf("address = %+v", a)
	}
	_, err = e.gce.Instances.Insert(e.project, "local1-zone1", &compute.Instance{
		Name: "natvm2", MachineType: "zones/local1-zone1/machineTypes/small-instance",
		Disks: []*compute.AttachedDisk{{Boot: true, InitializeParams: &compute.AttachedDiskInitializeParams{
			SourceImage: "projects/debian-cloud/global/images/family/debian-12"}}},
		NetworkInterfaces: []*compute.NetworkInterface{{AccessConfigs: []*compute.AccessConfig{{NatIP: "203.0.113.9"}}}},
	}).Do()
	apiErr(t, err, 400, "invalid")
	e.mustOK(e.gce.Instances.Delete(e.project, "local1-zone1", "natvm").Do())
	e.mustOK(e.gce.Addresses.Delete(e.project, "local1", "nat1").Do())
}

// TestReplicas shows that gcecompat keeps no state: a second, independent
// gateway (as after a restart, or another replica) answers for operations,
// firewalls and fingerprints created through the first.
func TestReplicas(t *testing.T) {
	e := newEnv(t)
	_, other := e.gateway(e.svc)
	op, err := e.gce.Instances.Insert(e.project, "local1-zone1", &compute.Instance{
		Name: "vm1", MachineType: "zones/local1-zone1/machineTypes/small-instance",
		Disks: []*compute.AttachedDisk{{Boot: true, InitializeParams: &compute.AttachedDiskInitializeParams{
			SourceImage: "projects/debian-cloud/global/images/family/debian-12"}}},
	}).Do()
	if err != nil {
		t.Fatal(err)
	}
	w, err := other.ZoneOperations.Wait(e.project, "local1-zone1", op.Name).Do()
	if err != nil || w.Status != "DONE" || w.Name != op.Name || w.TargetLink == "" {
		t.Fatalf("wait on the other replica = %+v, %v", w, err)
	}
	fwOp := e.mustOK(e.gce.Firewalls.Insert(e.project, &compute.Firewall{Name: "fw1", Allowed: []*compute.FirewallAllowed{{IPProtocol: "tcp", Ports: []string{"22"}}}}).Do())
	fw, err := other.Firewalls.Get(e.project, "fw1").Do()
	if err != nil || fw.Allowed[0].Ports[0] != "22" {
		t.Fatalf("firewall on the other replica = %+v, %v", fw, err)
	}
	if g, err := other.GlobalOperations.Get(e.project, fwOp.Name).Do(); err != nil || g.Status != "DONE" {
		t.Fatalf("firewall operation on the other replica = %+v, %v", g, err)
	}
	vm, _ := e.gce.Instances.Get(e.project, "local1-zone1", "vm1").Do()
	vm2, err := other.Instances.Get(e.project, "local1-zone1", "vm1").Do()
	if err != nil || vm2.Id != vm.Id || vm2.LabelFingerprint != vm.LabelFingerprint || vm2.Metadata.Fingerprint != vm.Metadata.Fingerprint {
		t.Fatalf("instance differs between replicas: %+v vs %+v (%v)", vm, vm2, err)
	}
	e.mustOK(other.Instances.SetLabels(e.project, "local1-zone1", "vm1", &compute.InstancesSetLabelsRequest{
		Labels: map[string]string{"a": "b"}, LabelFingerprint: vm.LabelFingerprint}).Do())
	e.mustOK(e.gce.Instances.Delete(e.project, "local1-zone1", "vm1").Do())
}
