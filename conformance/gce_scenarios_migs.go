package conformance

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"google.golang.org/api/googleapi"

	compute "google.golang.org/api/compute/v1"
)

// Managed instance groups (issue 16 section 3 item 2): `gcloud compute
// instance-groups managed create/describe/list/resize/recreate-instances/
// list-instances/delete-instances/delete` on an instance template, and
// the refusals of what CloudStack cannot do (autoscalers, health-check
// autohealing).

// gceManagedInstanceGroups creates a MIG of 2 from an instance template,
// resizes it to 3 and to 1 (the target size reads back at once), recreates
// a member (same name, new instance), deletes one with deleteInstances
// (the target size drops), and deletes the MIG with its members.
func gceManagedInstanceGroups() scenario {
	return scenario{
		name: "gce/managed-instance-groups", api: "gce",
		ops: []string{"compute.instanceTemplates.insert", "compute.instanceGroupManagers.insert", "compute.instanceGroupManagers.get",
			"compute.instanceGroupManagers.list", "compute.instanceGroupManagers.aggregatedList", "compute.instanceGroupManagers.resize",
			"compute.instanceGroupManagers.recreateInstances", "compute.instanceGroupManagers.deleteInstances",
			"compute.instanceGroupManagers.listManagedInstances", "compute.instanceGroupManagers.delete",
			"compute.instanceGroups.get", "compute.instanceGroups.listInstances", "compute.autoscalers.list", "compute.autoscalers.insert",
			"compute.instanceTemplates.delete"},
		run: func(t *scenarioT) {
			svc, p := t.env.gce, t.env.cfg.GCEProject
			cat := t.catalogGCE()
			tmpl, mig, base := t.env.name("migt"), t.env.name("mig"), t.env.name("migm")

			t.Step("instanceTemplates.insert %s", tmpl)
			op, err := svc.InstanceTemplates.Insert(p, &compute.InstanceTemplate{Name: tmpl, Properties: &compute.InstanceProperties{
				MachineType:       cat.machineType,
				Disks:             []*compute.AttachedDisk{{Boot: true, AutoDelete: true, InitializeParams: &compute.AttachedDiskInitializeParams{SourceImage: cat.image}}},
				NetworkInterfaces: []*compute.NetworkInterface{{Network: cat.network}},
				Labels:            map[string]string{"tier": "mig"},
			}}).Context(t.ctx).Do()
			var ge *googleapi.Error
			if errors.As(err, &ge) && ge.Code == http.StatusNotImplemented {
				t.Skipf("instance templates are not available on this CloudStack: %s", ge.Message)
			}
			t.Must(err, "instanceTemplates.insert")
			t.Defer("delete instance template "+tmpl, func(ctx context.Context) error {
				_, err := svc.InstanceTemplates.Delete(p, tmpl).Context(ctx).Do()
				return ignoreGCENotFound(err)
			})
			t.waitOp(op, "compute.instanceTemplates.insert")

			t.Step("instanceGroupManagers.insert %s (2 members)", mig)
			op, err = svc.InstanceGroupManagers.Insert(p, cat.zone, &compute.InstanceGroupManager{
				Name: mig, BaseInstanceName: base, InstanceTemplate: "global/instanceTemplates/" + tmpl, TargetSize: 2,
			}).Context(t.ctx).Do()
			t.Must(err, "instanceGroupManagers.insert")
			t.Defer("delete managed instance group "+mig, func(ctx context.Context) error {
				op, err := svc.InstanceGroupManagers.Delete(p, cat.zone, mig).Context(ctx).Do()
				if err != nil {
					return ignoreGCENotFound(err)
				}
				return waitGCEZoneOp(ctx, svc, p, cat.zone, op)
			})
			t.waitOp(op, "compute.instanceGroupManagers.insert")
			members := t.waitMIGMembers(mig, 2, "compute.instanceGroupManagers.insert")
			for _, m := range members {
				t.Check(strings.HasPrefix(m.Name, base+"-") && len(m.Name) == len(base)+5,
					"member %s is not named <baseInstanceName>-<4 characters>", m.Name)
				vm, err := svc.Instances.Get(p, cat.zone, m.Name).Context(t.ctx).Do()
				t.Must(err, "instances.get of a member")
				Equal(t, "member label tier (from the template)", vm.Labels["tier"], "mig")
			}
			got, err := svc.InstanceGroupManagers.Get(p, cat.zone, mig).Context(t.ctx).Do()
			t.Must(err, "instanceGroupManagers.get")
			Equal(t, "targetSize", got.TargetSize, int64(2))
			Equal(t, "baseInstanceName", got.BaseInstanceName, base)
			Equal(t, "instanceTemplate", lastSegment(got.InstanceTemplate), tmpl)
			ig, err := svc.InstanceGroups.Get(p, cat.zone, mig).Context(t.ctx).Do()
			t.Must(err, "instanceGroups.get")
			Equal(t, "instance group size", ig.Size, int64(2))
			li, err := svc.InstanceGroups.ListInstances(p, cat.zone, mig, &compute.InstanceGroupsListInstancesRequest{InstanceState: "ALL"}).Context(t.ctx).Do()
			t.Must(err, "instanceGroups.listInstances")
			Equal(t, "instanceGroups.listInstances items", len(li.Items), 2)
			l, err := svc.InstanceGroupManagers.List(p, cat.zone).Filter("name = " + mig).Context(t.ctx).Do()
			t.Must(err, "instanceGroupManagers.list")
			Equal(t, "listed MIGs named "+mig, len(l.Items), 1)
			agg, err := svc.InstanceGroupManagers.AggregatedList(p).Filter("name = " + mig).Context(t.ctx).Do()
			t.Must(err, "instanceGroupManagers.aggregatedList")
			Equal(t, "aggregated MIGs named "+mig, len(agg.Items["zones/"+cat.zone].InstanceGroupManagers), 1)
			as, err := svc.Autoscalers.List(p, cat.zone).Context(t.ctx).Do()
			t.Must(err, "autoscalers.list (gcloud managed describe/list look for one)")
			Equal(t, "autoscalers", len(as.Items), 0)

			// resize up, then down: the target size reads back at once.
			t.Step("resize %s to 3, then 1", mig)
			op, err = svc.InstanceGroupManagers.Resize(p, cat.zone, mig, 3).Context(t.ctx).Do()
			t.Must(err, "instanceGroupManagers.resize 3")
			t.waitOp(op, "compute.instanceGroupManagers.resize")
			t.waitMIGMembers(mig, 3, "compute.instanceGroupManagers.resize")
			op, err = svc.InstanceGroupManagers.Resize(p, cat.zone, mig, 1).Context(t.ctx).Do()
			t.Must(err, "instanceGroupManagers.resize 1")
			got, err = svc.InstanceGroupManagers.Get(p, cat.zone, mig).Context(t.ctx).Do()
			t.Must(err, "instanceGroupManagers.get")
			Equal(t, "targetSize right after resize 1", got.TargetSize, int64(1))
			t.waitOp(op, "compute.instanceGroupManagers.resize")
			members = t.waitMIGMembers(mig, 1, "compute.instanceGroupManagers.resize")

			// recreate-instances: same name, another instance.
			name := members[0].Name
			before, err := svc.Instances.Get(p, cat.zone, name).Context(t.ctx).Do()
			t.Must(err, "instances.get")
			t.Step("recreateInstances %s", name)
			op, err = svc.InstanceGroupManagers.RecreateInstances(p, cat.zone, mig, &compute.InstanceGroupManagersRecreateInstancesRequest{
				Instances: []string{"zones/" + cat.zone + "/instances/" + name}}).Context(t.ctx).Do()
			t.Must(err, "instanceGroupManagers.recreateInstances")
			t.waitOp(op, "compute.instanceGroupManagers.recreateInstances")
			members = t.waitMIGMembers(mig, 1, "compute.instanceGroupManagers.recreateInstances")
			after, err := svc.Instances.Get(p, cat.zone, name).Context(t.ctx).Do()
			t.Must(err, "instances.get of the recreated member")
			t.Check(members[0].Name == name && after.Id != before.Id, "recreate-instances: %s has id %d, before %d", name, after.Id, before.Id)

			// delete-instances lowers the target size.
			t.Step("deleteInstances %s", name)
			op, err = svc.InstanceGroupManagers.DeleteInstances(p, cat.zone, mig, &compute.InstanceGroupManagersDeleteInstancesRequest{
				Instances: []string{members[0].Instance}}).Context(t.ctx).Do()
			t.Must(err, "instanceGroupManagers.deleteInstances")
			t.waitOp(op, "compute.instanceGroupManagers.deleteInstances")
			got, err = svc.InstanceGroupManagers.Get(p, cat.zone, mig).Context(t.ctx).Do()
			t.Must(err, "instanceGroupManagers.get")
			Equal(t, "targetSize after deleteInstances", got.TargetSize, int64(0))
			_, err = svc.Instances.Get(p, cat.zone, name).Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusNotFound, "notFound", "instances.get of a deleted member")

			// What CloudStack cannot do is refused, naming it.
			_, err = svc.Autoscalers.Insert(p, cat.zone, &compute.Autoscaler{Name: mig, Target: got.SelfLink}).Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusNotImplemented, "notImplemented", "autoscalers.insert (set-autoscaling)")
			_, err = svc.InstanceGroupManagers.Insert(p, cat.zone, &compute.InstanceGroupManager{
				Name: t.env.name("mig2"), InstanceTemplate: "global/instanceTemplates/" + tmpl, TargetSize: 1,
				AutoHealingPolicies: []*compute.InstanceGroupManagerAutoHealingPolicy{{HealthCheck: "global/healthChecks/hc", InitialDelaySec: 60}},
			}).Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusBadRequest, "invalid", "instanceGroupManagers.insert with autoHealingPolicies (--health-check)")
			t.Check(strings.Contains(err.Error(), "autoHealingPolicies"), "the refusal does not name autoHealingPolicies: %v", err)

			// The template cannot be deleted while the group uses it.
			_, err = svc.InstanceTemplates.Delete(p, tmpl).Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusBadRequest, "resourceInUseByAnotherResource", "instanceTemplates.delete of a template a MIG uses")

			// delete: the MIG and its members go.
			t.Step("instanceGroupManagers.delete %s", mig)
			op, err = svc.InstanceGroupManagers.Delete(p, cat.zone, mig).Context(t.ctx).Do()
			t.Must(err, "instanceGroupManagers.delete")
			t.waitOp(op, "compute.instanceGroupManagers.delete")
			_, err = svc.InstanceGroupManagers.Get(p, cat.zone, mig).Context(t.ctx).Do()
			t.ExpectGCE(err, http.StatusNotFound, "notFound", "instanceGroupManagers.get after delete")
		},
	}
}

// waitMIGMembers waits until the MIG has n members, all RUNNING with no
// current action, and returns them sorted by name.
func (t *scenarioT) waitMIGMembers(mig string, n int, blame string) []*compute.ManagedInstance {
	svc, p := t.env.gce, t.env.cfg.GCEProject
	zone := t.catalogGCE().zone
	var members []*compute.ManagedInstance
	t.WaitFor(fmt.Sprintf("managed instance group %s stable with %d members", mig, n), blame, func() (bool, string, error) {
		r, err := svc.InstanceGroupManagers.ListManagedInstances(p, zone, mig).Context(t.ctx).Do()
		if err != nil {
			return false, "", err
		}
		members = r.ManagedInstances
		var states []string
		ready := len(members) == n
		for _, m := range members {
			states = append(states, m.Name+":"+m.InstanceStatus+"/"+m.CurrentAction)
			ready = ready && m.InstanceStatus == "RUNNING" && m.CurrentAction == "NONE"
		}
		return ready, strings.Join(states, ","), nil
	})
	sort.Slice(members, func(i, j int) bool { return members[i].Name < members[j].Name })
	return members
}

// waitGCEZoneOp waits for a zonal operation (cleanup helper).
func waitGCEZoneOp(ctx context.Context, svc *compute.Service, project, zone string, op *compute.Operation) error {
	for op.Status != "DONE" {
		var err error
		if op, err = svc.ZoneOperations.Wait(project, zone, op.Name).Context(ctx).Do(); err != nil {
			return err
		}
	}
	return nil
}
