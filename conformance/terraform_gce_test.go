package conformance

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	compute "google.golang.org/api/compute/v1"
	"google.golang.org/api/googleapi"
)

// TestTerraformGoogleSequence replays the calls the Terraform Google
// provider makes for google_compute_firewall, google_compute_disk and a
// google_compute_instance with a boot disk, an attached disk, labels,
// metadata, network tags and an access config (apply, refresh, in-place
// updates, destroy), with google.golang.org/api/compute/v1 (the SDK the
// provider is built on) against the built gateway. Every field sent must
// read back the same: Terraform plans a replacement for any difference in a
// ForceNew field and an update for any other. (The provider itself cannot
// be built within CI's time.)
func TestTerraformGoogleSequence(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the gateway")
	}
	gw := startGateway(t, nil)
	key, err := os.ReadFile(filepath.Join(gw.DataDir, "demo", "gce-key.json"))
	if err != nil {
		t.Fatal(err)
	}
	hc := gw.HTTPClient(t)
	svc := gceService(t, gw, hc.Transport, gceTokenSource(t, key, gw, hc), 2*time.Minute)
	project := readProject(t, key)
	zl, err := svc.Zones.List(project).Do()
	if err != nil || len(zl.Items) == 0 {
		t.Fatalf("zones: %v", err)
	}
	zone := zl.Items[0].Name
	wait := func(op *compute.Operation, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		for op.Status != "DONE" {
			switch {
			case op.Zone != "":
				op, err = svc.ZoneOperations.Wait(project, zone, op.Name).Do()
			default:
				op, err = svc.GlobalOperations.Wait(project, op.Name).Do()
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		if op.Error != nil {
			t.Fatalf("operation %s %s failed: %+v", op.OperationType, op.TargetLink, op.Error.Errors[0])
		}
	}
	base := gw.URL + "/compute/v1/projects/" + project

	// google_compute_firewall: create, refresh, update ports in place.
	fw := &compute.Firewall{
		Name: "tf-fw", Description: "managed by terraform", Network: base + "/global/networks/default",
		Direction: "INGRESS", Priority: 1000,
		Allowed:      []*compute.FirewallAllowed{{IPProtocol: "tcp", Ports: []string{"22", "80"}}},
		SourceRanges: []string{"10.0.0.0/8"}, TargetTags: []string{"web"},
	}
	wait(svc.Firewalls.Insert(project, fw).Do())
	checkFirewall := func(want *compute.Firewall) {
		t.Helper()
		got, err := svc.Firewalls.Get(project, "tf-fw").Do()
		if err != nil {
			t.Fatal(err)
		}
		same(t, "firewall.description", got.Description, want.Description)
		same(t, "firewall.network", last(got.Network), "default")
		same(t, "firewall.direction", got.Direction, want.Direction)
		same(t, "firewall.priority", got.Priority, want.Priority)
		same(t, "firewall.allowed", got.Allowed, want.Allowed)
		same(t, "firewall.sourceRanges", got.SourceRanges, want.SourceRanges)
		same(t, "firewall.targetTags", got.TargetTags, want.TargetTags)
		same(t, "firewall.disabled", got.Disabled, false)
	}
	checkFirewall(fw)

	// google_compute_disk (pd-ssd, labels).
	disk := &compute.Disk{Name: "tf-data", SizeGb: 3, Type: base + "/zones/" + zone + "/diskTypes/pd-ssd",
		Labels: map[string]string{"tier": "data"}, Description: "data disk"}
	wait(svc.Disks.Insert(project, zone, disk).Do())
	gotDisk, err := svc.Disks.Get(project, zone, "tf-data").Do()
	if err != nil {
		t.Fatal(err)
	}
	same(t, "disk.sizeGb", gotDisk.SizeGb, disk.SizeGb)
	same(t, "disk.type", last(gotDisk.Type), "pd-ssd")
	same(t, "disk.labels", gotDisk.Labels, disk.Labels)
	same(t, "disk.description", gotDisk.Description, disk.Description)

	// google_compute_instance.
	auto := true
	role := "web"
	in := &compute.Instance{
		Name: "tf-vm", MachineType: base + "/zones/" + zone + "/machineTypes/e2-small",
		Description: "terraform vm", Labels: map[string]string{"env": "dev"},
		Metadata: &compute.Metadata{Items: []*compute.MetadataItems{{Key: "role", Value: &role}}},
		Tags:     &compute.Tags{Items: []string{"web"}},
		Disks: []*compute.AttachedDisk{
			{Boot: true, AutoDelete: true, Mode: "READ_WRITE", InitializeParams: &compute.AttachedDiskInitializeParams{
				SourceImage: "projects/debian-cloud/global/images/family/debian-12", DiskSizeGb: 12,
				DiskType: base + "/zones/" + zone + "/diskTypes/pd-balanced", Labels: map[string]string{"disk": "boot"}}},
			{Source: base + "/zones/" + zone + "/disks/tf-data", DeviceName: "data", Mode: "READ_WRITE"},
		},
		NetworkInterfaces: []*compute.NetworkInterface{{Network: base + "/global/networks/default",
			AccessConfigs: []*compute.AccessConfig{{Type: "ONE_TO_ONE_NAT", NetworkTier: "PREMIUM"}}}},
		Scheduling: &compute.Scheduling{AutomaticRestart: &auto, OnHostMaintenance: "MIGRATE", ProvisioningModel: "STANDARD"},
	}
	wait(svc.Instances.Insert(project, zone, in).Do())
	got, err := svc.Instances.Get(project, zone, "tf-vm").Do()
	if err != nil {
		t.Fatal(err)
	}
	// ForceNew fields and the rest, as the provider's read sets them.
	same(t, "instance.machineType", last(got.MachineType), "e2-small")
	same(t, "instance.zone", last(got.Zone), zone)
	same(t, "instance.description", got.Description, in.Description)
	same(t, "instance.hostname", got.Hostname, "")
	same(t, "instance.canIpForward", got.CanIpForward, false)
	same(t, "instance.deletionProtection", got.DeletionProtection, false)
	same(t, "instance.labels", got.Labels, in.Labels)
	same(t, "instance.metadata", metadataMap(got.Metadata), map[string]string{"role": "web"})
	same(t, "instance.tags", got.Tags.Items, in.Tags.Items)
	same(t, "instance.scheduling", []any{*got.Scheduling.AutomaticRestart, got.Scheduling.OnHostMaintenance, got.Scheduling.Preemptible, got.Scheduling.ProvisioningModel},
		[]any{true, "MIGRATE", false, "STANDARD"})
	if len(got.NetworkInterfaces) != 1 || last(got.NetworkInterfaces[0].Network) != "default" || len(got.NetworkInterfaces[0].AccessConfigs) != 1 {
		t.Fatalf("network interfaces = %+v", got.NetworkInterfaces)
	}
	same(t, "instance.accessConfigs[0].networkTier", got.NetworkInterfaces[0].AccessConfigs[0].NetworkTier, "PREMIUM")
	same(t, "instance.accessConfigs[0].type", got.NetworkInterfaces[0].AccessConfigs[0].Type, "ONE_TO_ONE_NAT")
	if len(got.Disks) != 2 {
		t.Fatalf("disks = %+v", got.Disks)
	}
	same(t, "boot_disk.auto_delete", got.Disks[0].AutoDelete, true)
	same(t, "boot_disk.boot", got.Disks[0].Boot, true)
	same(t, "attached_disk.source", last(got.Disks[1].Source), "tf-data")
	same(t, "attached_disk.device_name", got.Disks[1].DeviceName, "data")
	same(t, "attached_disk.mode", got.Disks[1].Mode, "READ_WRITE")
	boot, err := svc.Disks.Get(project, zone, last(got.Disks[0].Source)).Do()
	if err != nil {
		t.Fatal(err)
	}
	// boot_disk.initialize_params: image (by family), size, type.
	same(t, "boot_disk.initialize_params.size", boot.SizeGb, int64(12))
	same(t, "boot_disk.initialize_params.type", last(boot.Type), "pd-balanced")
	same(t, "boot_disk.initialize_params.labels", boot.Labels, map[string]string{"disk": "boot"})
	if !strings.Contains(boot.SourceImage, "/projects/debian-cloud/global/images/") {
		t.Errorf("boot_disk.initialize_params.image: sourceImage = %q", boot.SourceImage)
	}
	img, err := svc.Images.GetFromFamily("debian-cloud", "debian-12").Do()
	if err != nil {
		t.Fatal(err)
	}
	same(t, "boot disk image", last(boot.SourceImage), img.Name)

	// In-place updates: labels, metadata (with fingerprints), firewall ports.
	wait(svc.Instances.SetLabels(project, zone, "tf-vm", &compute.InstancesSetLabelsRequest{
		Labels: map[string]string{"env": "prod", "team": "a"}, LabelFingerprint: got.LabelFingerprint}).Do())
	role2 := "db"
	wait(svc.Instances.SetMetadata(project, zone, "tf-vm", &compute.Metadata{
		Fingerprint: got.Metadata.Fingerprint, Items: []*compute.MetadataItems{{Key: "role", Value: &role2}, {Key: "extra", Value: &role}}}).Do())
	fw.Allowed = []*compute.FirewallAllowed{{IPProtocol: "tcp", Ports: []string{"22", "443"}}}
	wait(svc.Firewalls.Patch(project, "tf-fw", &compute.Firewall{Allowed: fw.Allowed}).Do())
	checkFirewall(fw)
	got2, err := svc.Instances.Get(project, zone, "tf-vm").Do()
	if err != nil {
		t.Fatal(err)
	}
	same(t, "updated labels", got2.Labels, map[string]string{"env": "prod", "team": "a"})
	same(t, "updated metadata", metadataMap(got2.Metadata), map[string]string{"role": "db", "extra": "web"})
	same(t, "instance id kept", got2.Id, got.Id)
	// A stale fingerprint is refused (Terraform re-reads and retries).
	_, err = svc.Instances.SetLabels(project, zone, "tf-vm", &compute.InstancesSetLabelsRequest{
		Labels: map[string]string{"env": "x"}, LabelFingerprint: got.LabelFingerprint}).Do()
	if ge, ok := err.(*googleapi.Error); !ok || ge.Code != 412 {
		t.Errorf("stale label fingerprint = %v, want 412", err)
	}

	// Destroy in Terraform's order: instance, then disk and firewall.
	wait(svc.Instances.Delete(project, zone, "tf-vm").Do())
	if d, err := svc.Disks.Get(project, zone, "tf-data").Do(); err != nil || len(d.Users) != 0 {
		t.Fatalf("attached disk after the instance's delete = %+v, %v", d, err)
	}
	if _, err := svc.Disks.Get(project, zone, boot.Name).Do(); !isGoogle404(err) {
		t.Errorf("boot disk (auto_delete) after the instance's delete: %v", err)
	}
	wait(svc.Disks.Delete(project, zone, "tf-data").Do())
	wait(svc.Firewalls.Delete(project, "tf-fw").Do())
	for _, err := range []error{
		func() error { _, err := svc.Instances.Get(project, zone, "tf-vm").Do(); return err }(),
		func() error { _, err := svc.Disks.Get(project, zone, "tf-data").Do(); return err }(),
		func() error { _, err := svc.Firewalls.Get(project, "tf-fw").Do(); return err }(),
	} {
		if !isGoogle404(err) {
			t.Errorf("after destroy: %v, want 404", err)
		}
	}
}

func isGoogle404(err error) bool {
	ge, ok := err.(*googleapi.Error)
	return ok && ge.Code == 404
}

func metadataMap(m *compute.Metadata) map[string]string {
	out := map[string]string{}
	if m == nil {
		return out
	}
	for _, it := range m.Items {
		if it.Value != nil {
			out[it.Key] = *it.Value
		}
	}
	return out
}

func same(t *testing.T, field string, got, want any) {
	t.Helper()
	if s, ok := got.([]string); ok {
		s = append([]string(nil), s...)
		sort.Strings(s)
		got = s
	}
	if s, ok := want.([]string); ok {
		s = append([]string(nil), s...)
		sort.Strings(s)
		want = s
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s reads back %#v, was sent %#v (Terraform would plan a change)", field, got, want)
	}
}

func last(u string) string { return u[strings.LastIndex(u, "/")+1:] }

func readProject(t *testing.T, key []byte) string {
	t.Helper()
	var k struct {
		ProjectID string `json:"project_id"`
	}
	if err := json.Unmarshal(key, &k); err != nil || k.ProjectID == "" {
		t.Fatalf("key file: %v", err)
	}
	return k.ProjectID
}
