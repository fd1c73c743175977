package gcecompat

import "testing"

// Ensure route method IDs match Google's discovery names.
func TestMethodIDs(t *testing.T) {
	want := []string{
		"compute.projects.get", "compute.projects.setCommonInstanceMetadata",
		"compute.zones.list", "compute.zones.get", "compute.instances.insert",
		"compute.instances.aggregatedList", "compute.instances.getSerialPortOutput",
		"compute.instances.setMachineType", "compute.images.getFromFamily",
		"compute.imageFamilyViews.get", "compute.firewalls.patch", "compute.firewalls.update",
		"compute.zoneOperations.wait", "compute.regionOperations.delete",
		"compute.globalOperations.list", "compute.globalOperations.aggregatedList",
		"compute.disks.createSnapshot", "compute.addresses.insert", "compute.subnetworks.list",
	}
	got := map[string]bool{}
	for _, m := range Methods() {
		got[m] = true
	}
	for _, w := range want {
		if !got[w] {
			t.Errorf("missing %s in %v", w, Methods())
		}
	}
	if len(got) != len(routeTable) {
		t.Errorf("%d method IDs for %d routes: two routes share an ID", len(got), len(routeTable))
	}
}
