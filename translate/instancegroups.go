package translate

import (
	"context"
	"slices"
	"sort"
)

// SetSecurityGroups replaces an instance's security groups with groupIDs
// (CloudStack UUIDs, in any order, duplicates ignored) by
// updateVirtualMachine securitygroupids=, and returns the instance as
// CloudStack then lists it.
//
// CloudStack (server/src/main/java/com/cloud/vm/UserVmManagerImpl.java,
// updateVirtualMachine → checkAndUpdateSecurityGroupForVM /
// updateSecurityGroup; NetworkModelImpl.checkSecurityGroupSupportForNetwork):
//   - changes the groups only of a Stopped VM ("must be stopped prior to
//     update security groups"): FailedPrecondition here;
//   - ignores securitygroupids without an error where the VM's zone and
//     networks have no security groups: refused here first
//     (Unimplemented), and the groups are read back afterwards so that an
//     update CloudStack skipped is never reported as done (Unimplemented);
//   - refuses security groups on VMware VMs (InvalidParameterValue, passed
//     through);
//   - 4.20.0 fails with a 530 NullPointerException in advanced zones with
//     security groups when the shared network is not shared with the
//     account explicitly (apache/cloudstack issue 10348, fixed by pull
//     10493): that surfaces as an internal error, nothing changed.
//
// Unknown groups are NotFound (ResSecurityGroup) before anything changes.
func (s *Service) SetSecurityGroups(ctx context.Context, id string, groupIDs []string) (*Instance, error) {
	const op = "SetSecurityGroups"
	want := slices.Clone(groupIDs)
	sort.Strings(want)
	want = slices.Compact(want)
	if len(want) == 0 {
		return nil, &Error{Op: op, Kind: InvalidArgument, Resource: ResSecurityGroup, Message: "at least one security group is required"}
	}
	vm, err := s.Instance(ctx, id)
	if err != nil {
		return nil, err
	}
	z, err := s.Zone(ctx, vm.ZoneID)
	if err != nil {
		return nil, opErr(op, ResInstance, id, err)
	}
	if !z.SecurityGroups {
		return nil, &Error{Op: op, Kind: Unimplemented, Resource: ResInstance, ID: id,
			Message: "zone " + z.Name + " does not use security groups: CloudStack applies security groups only in security-group zones, so instance " + id + "'s groups cannot be changed"}
	}
	gs, err := s.SecurityGroups(ctx, SecurityGroupQuery{IDs: want})
	if err != nil {
		return nil, opErr(op, ResSecurityGroup, "", err)
	}
	found := map[string]bool{}
	for _, g := range gs {
		found[g.ID] = true
	}
	for _, g := range want {
		if !found[g] {
			return nil, notFound(op, ResSecurityGroup, g)
		}
	}
	if vm.State != StateStopped {
		return nil, &Error{Op: op, Kind: FailedPrecondition, Resource: ResInstance, ID: id,
			Message: "instance " + id + " must be stopped to change its security groups (CloudStack changes them only on a stopped VM)"}
	}
	if err := s.cs.UpdateVirtualMachineSecurityGroups(ctx, id, want); err != nil {
		return nil, opErr(op, ResInstance, id, err)
	}
	after, err := s.Instance(ctx, id)
	if err != nil {
		return nil, err
	}
	var got []string
	for _, g := range after.Groups {
		got = append(got, g.ID)
	}
	sort.Strings(got)
	if !slices.Equal(got, want) {
		// A CloudStack whose updateVirtualMachine predates
		// securitygroupids ignores the parameter and answers success.
		return nil, &Error{Op: op, Kind: Unimplemented, Resource: ResInstance, ID: id,
			Message: "CloudStack answered success but did not change the security groups of instance " + id + " (its updateVirtualMachine may not take securitygroupids)"}
	}
	return after, nil
}
