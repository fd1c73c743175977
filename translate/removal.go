package translate

import (
	"context"
	"strings"
	"time"
)

// How instances go away on a CloudStack that may not let its users expunge.
//
// CloudStack's allow.user.expunge.recover.vm is false by default
// (UserVmManager.AllowUserExpungeRecoverVm): a user's destroyVirtualMachine
// expunge=true is accepted and its job then fails with 530, and
// expungeVirtualMachine is refused. A Destroyed VM stays until
// expunge.delay passes (86400 s by default), keeping its host name taken
// in its networks (VMInstanceDaoImpl.listDistinctHostNames joins NICs of
// every VM whose removed date is null), its security groups and its data
// disks; with allow.user.view.destroyed.vm false (the default,
// QueryService.AllowUserViewDestroyedVM) the user no longer sees it.
//
// So the gateway reads the caller's capabilities and, when it may not
// expunge, detaches the data disks, renames the VM to RetiredName (freeing
// the GCE name at once; updateVirtualMachine name= is allowed in every
// state but Error and Expunging) and destroys it without expunge.

// RetiredNamePrefix starts the host name of a VM the gateway destroyed
// without expunging it; such VMs are deleted for every front end.
const RetiredNamePrefix = "cg-deleted-"

// RetiredName is the host name a VM is given before it is destroyed
// without expunge: unique (its UUID), RFC 1123, at most 43 characters.
func RetiredName(id string) string {
	return RetiredNamePrefix + strings.ToLower(strings.ReplaceAll(id, "-", ""))
}

// IsRetired reports whether a VM was renamed for deletion (RetiredName).
func IsRetired(in *Instance) bool { return strings.HasPrefix(in.Name, RetiredNamePrefix) }

// TerminateInstance removes an instance for good, on any CloudStack
// setting: destroy with expunge when the caller may expunge; otherwise its
// data disks are detached (they stay, as on GCE and EC2), and with
// freeName it is renamed to RetiredName so that its name can be reused at
// once (GCE), then it is destroyed without expunge. The returned job is
// the destroy job.
func (s *Service) TerminateInstance(ctx context.Context, id string, freeName bool) (*Job, error) {
	vm, err := s.Instance(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.TerminateListed(ctx, vm, freeName)
}

// TerminateListed is TerminateInstance of an instance the caller has just
// read (Instance, Instances) in the same request, without reading it
// again (a CloudStack round trip, issue 15).
func (s *Service) TerminateListed(ctx context.Context, vm *Instance, freeName bool) (*Job, error) {
	const op = "TerminateInstance"
	id := vm.ID
	if j := s.pendingSame(ctx, vm, "destroyVirtualMachine"); j != nil {
		return j, nil
	}
	if s.canExpunge(ctx) {
		r, err := s.cs.DestroyVirtualMachine(ctx, id, true)
		if err != nil {
			return nil, opErr(op, ResInstance, id, err)
		}
		return s.pendingJob("destroyVirtualMachine", ResInstance, id, r), nil
	}
	if err := s.detachDataDisks(ctx, op, id); err != nil {
		return nil, err
	}
	if freeName {
		if err := s.retireName(ctx, op, vm); err != nil {
			return nil, err
		}
	}
	r, err := s.cs.DestroyVirtualMachine(ctx, id, false)
	if err != nil {
		return nil, opErr(op, ResInstance, id, err)
	}
	return s.pendingJob("destroyVirtualMachine", ResInstance, id, r), nil
}

// detachDataDisks detaches a VM's DATADISK volumes and waits for that.
func (s *Service) detachDataDisks(ctx context.Context, op, vmID string) error {
	vols, err := s.cs.ListVolumes(ctx, ListVolumesRequest{VMID: vmID})
	if err != nil {
		return opErr(op, ResVolume, "", err)
	}
	for _, v := range vols {
		if v.Type == "ROOT" || v.InstanceID != vmID {
			continue
		}
		r, err := s.cs.DetachVolume(ctx, v.ID)
		if err != nil {
			return opErr(op, ResVolume, v.ID, err)
		}
		if _, err := s.await(ctx, op, ResVolume, v.ID, r.JobID); err != nil {
			return err
		}
	}
	return nil
}

// retireName renames vm to RetiredName. Some CloudStack versions only
// rename stopped VMs, so a refused rename is retried after a forced stop.
func (s *Service) retireName(ctx context.Context, op string, vm *Instance) error {
	if IsRetired(vm) || vm.State == StateError || vm.State == StateExpunging || vm.State == StateDestroyed {
		return nil
	}
	name := RetiredName(vm.ID)
	err := s.cs.RenameVirtualMachine(ctx, vm.ID, name)
	if KindOf(err) == InvalidArgument && vm.State != StateStopped {
		r, serr := s.cs.StopVirtualMachine(ctx, vm.ID, true)
		if serr != nil {
			return opErr(op, ResInstance, vm.ID, serr)
		}
		if _, serr := s.await(ctx, op, ResInstance, vm.ID, r.JobID); serr != nil {
			return serr
		}
		err = s.cs.RenameVirtualMachine(ctx, vm.ID, name)
	}
	return opErr(op, ResInstance, vm.ID, err)
}

// finishRetired destroys VMs that were renamed for deletion but not
// destroyed (a gateway that crashed between the two calls), so that any
// replica completes the deletion. Best effort, not awaited.
func (s *Service) finishRetired(ctx context.Context, vms []Instance) {
	for i := range vms {
		vm := &vms[i]
		if IsRetired(vm) && !vm.JobPending && vm.State != StateDestroyed && vm.State != StateExpunging {
			_, _ = s.cs.DestroyVirtualMachine(ctx, vm.ID, false)
		}
	}
}

// removeVM destroys a VM the gateway created and must not leave behind
// (launch rollback, failed deploys): with expunge when the caller may,
// otherwise renamed (when freeName) and destroyed; a VM already Destroyed
// is expunged when allowed and left to CloudStack's expunge otherwise. It
// returns the job to wait for ("" if none).
func (s *Service) removeVM(ctx context.Context, vm *Instance, freeName bool) string {
	expunge := s.canExpunge(ctx)
	var r AsyncResult
	var err error
	switch vm.State {
	case "", StateExpunging:
		return ""
	case StateDestroyed:
		if !expunge {
			return ""
		}
		r, err = s.cs.ExpungeVirtualMachine(ctx, vm.ID)
	default:
		if !expunge && freeName {
			_ = s.retireName(ctx, "Launch", vm)
		}
		r, err = s.cs.DestroyVirtualMachine(ctx, vm.ID, expunge)
	}
	if err != nil {
		return ""
	}
	return r.JobID
}

// TerminatedInstances returns the instances of the caller destroyed within
// Options.TerminatedVisibility (ids limits them), from CloudStack's
// VM.DESTROY events, for front ends that must keep showing terminated
// instances (EC2 shows them for about an hour) where CloudStack no longer
// lists them (allow.user.view.destroyed.vm false, or expunged). ID, Name
// (the VM's host name when CloudStack reports it), State (Destroyed) and
// Destroyed come from the event. Tags, and from Launch's record
// (LaunchRecordTag) Created, OfferingID, OfferingName, ImageID, ZoneID,
// ZoneName and KeyPair, come
// from one listTags call, which reads a destroyed VM's tags until it is
// expunged. A VM without the record (launched before it existed, or not
// by Launch) gets Created from its VM.CREATE event, in one listEvents call
// for all of them, when CloudStack still keeps that event; its offering
// and image stay empty. An expunged VM has lost its tags: only the event's
// fields are set. A role without listTags or listEvents gets the fields
// those calls would have given left empty, never guessed.
func (s *Service) TerminatedInstances(ctx context.Context, ids []string) ([]Instance, error) {
	const op = "TerminatedInstances"
	since := s.opts.Now().Add(-s.opts.TerminatedVisibility)
	want := newIDFilter(ids)
	req := ListEventsRequest{Type: "VM.DESTROY", Since: since}
	if len(want) == 1 {
		req.ResourceID = want.single()
	}
	evs, err := s.cs.ListEvents(ctx, req)
	if isNotFound(err) {
		return []Instance{}, nil
	}
	if err != nil {
		return nil, opErr(op, ResInstance, "", err)
	}
	seen := map[string]bool{}
	out := []Instance{}
	for _, e := range evs {
		id := e.ResourceID
		if id == "" {
			id = uuidIn(e.Description)
		}
		if id == "" || seen[id] || !want.match(id) || !strings.EqualFold(e.Type, "VM.DESTROY") || strings.EqualFold(e.Level, "ERROR") ||
			e.Created.Before(since) || (e.ResourceType != "" && !strings.EqualFold(e.ResourceType, "VirtualMachine")) {
			continue
		}
		if st := strings.ToLower(e.State); st != "" && st != "completed" {
			continue
		}
		seen[id] = true
		out = append(out, Instance{ID: id, Name: e.ResourceName, Hostname: e.ResourceName, State: StateDestroyed,
			Destroyed: e.Created, Tags: Tags{}})
	}
	sortByCreated(out, func(i *Instance) time.Time { return i.Destroyed }, func(i *Instance) string { return i.ID })
	if len(out) == 0 {
		return out, nil
	}
	if err := s.terminatedDetails(ctx, out); err != nil {
		return nil, opErr(op, ResInstance, "", err)
	}
	return out, nil
}

// terminatedDetails fills the tags and the launch record of the
// terminated instances out (see TerminatedInstances): one listTags call,
// and one listEvents call for VM.CREATE when some have no record.
func (s *Service) terminatedDetails(ctx context.Context, out []Instance) error {
	req := ListTagsRequest{Resource: ResInstance}
	if len(out) == 1 {
		req.ResourceID = out[0].ID
	}
	tags, err := s.cs.ListTags(ctx, req)
	if err != nil && !degradable(err) {
		return err
	}
	byID := make(map[string]*Instance, len(out))
	for i := range out {
		byID[strings.ToLower(out[i].ID)] = &out[i]
	}
	for _, t := range tags {
		if in := byID[strings.ToLower(t.ResourceID)]; in != nil && (t.Resource == "" || t.Resource == ResInstance) {
			in.Tags[t.Key] = t.Value
		}
	}
	var missing []*Instance
	for i := range out {
		rec, ok := out[i].Tags[LaunchRecordTag]
		if !ok || !applyLaunchRecord(&out[i], rec) {
			missing = append(missing, &out[i])
		}
	}
	if len(missing) == 0 {
		return nil
	}
	// Launched before the record existed: the launch time is the
	// VM.CREATE event's, while CloudStack keeps it (event.purge.delay).
	ereq := ListEventsRequest{Type: "VM.CREATE"}
	if len(missing) == 1 {
		ereq.ResourceID = missing[0].ID
	}
	evs, err := s.cs.ListEvents(ctx, ereq)
	if err != nil {
		if degradable(err) || isNotFound(err) {
			return nil
		}
		return err
	}
	want := make(map[string]*Instance, len(missing))
	for _, in := range missing {
		want[strings.ToLower(in.ID)] = in
	}
	for _, e := range evs {
		id := e.ResourceID
		if id == "" {
			id = uuidIn(e.Description)
		}
		in := want[strings.ToLower(id)]
		if in == nil || !strings.EqualFold(e.Type, "VM.CREATE") || strings.EqualFold(e.Level, "ERROR") {
			continue
		}
		if st := strings.ToLower(e.State); st != "" && st != "completed" {
			continue
		}
		if in.Created.IsZero() || e.Created.Before(in.Created) {
			in.Created = e.Created
		}
	}
	return nil
}

// degradable reports an error that only says the caller's role may not
// make the call (or the backend lacks it): the fields it would give stay
// empty.
func degradable(err error) bool {
	switch KindOf(err) {
	case PermissionDenied, Unimplemented:
		return true
	}
	return false
}

// uuidIn returns the first UUID in s ("" if none): CloudStack before 4.17
// names the VM only in the event description ("Vm Id: <uuid>").
func uuidIn(s string) string {
	for i := 0; i+36 <= len(s); i++ {
		c := s[i : i+36]
		if c[8] == '-' && c[13] == '-' && c[18] == '-' && c[23] == '-' && isHexUUID(c) {
			return c
		}
	}
	return ""
}

func isHexUUID(c string) bool {
	for i, r := range c {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			continue
		}
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F') {
			return false
		}
	}
	return true
}
