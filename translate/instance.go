package translate

import (
	"context"
	"encoding/base64"
	"fmt"
	"net"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// CloudStack VM states, as CloudStack reports them.
const (
	StateStarting  = "Starting"
	StateRunning   = "Running"
	StateStopping  = "Stopping"
	StateStopped   = "Stopped"
	StateDestroyed = "Destroyed"
	StateExpunging = "Expunging"
	StateMigrating = "Migrating"
	StateError     = "Error"
)

// GroupRef names a security group.
type GroupRef struct {
	ID   string
	Name string
}

// Instance is a CloudStack virtual machine.
type Instance struct {
	ID           string
	Name         string // CloudStack VM name (GCE instance name)
	DisplayName  string
	State        string // one of the State* constants
	ZoneID       string
	ZoneName     string
	OfferingID   string
	OfferingName string
	CPUs         int
	MemoryMB     int
	ImageID      string
	ImageName    string
	KeyPair      string
	Groups       []GroupRef
	PrivateIP    string
	PublicIP     string // static-NAT / public address, "" if none
	PublicIPID   string
	MACAddress   string
	NetworkID    string
	NetworkName  string
	Hostname     string
	Created      time.Time
	Tags         Tags
	// RootVolumeID is the instance's ROOT volume, when known.
	RootVolumeID string
	// JobID/JobPending report a CloudStack async job still running on the
	// VM (CloudStack stamps jobid/jobstatus on list items).
	JobID      string
	JobPending bool
	// PasswordEnabled reports whether the template sets a password.
	PasswordEnabled bool
	// Destroyed is when CloudStack destroyed the VM, when known (set by
	// TerminatedInstances).
	Destroyed time.Time
	// NICs are the VM's network interfaces as listVirtualMachines nests
	// them (NicResponse; the same objects listNics returns one VM at a
	// time).
	NICs []NIC
	// GroupID/GroupName are the CloudStack instance group the VM is in
	// ("" if none; instancegroup.go).
	GroupID   string
	GroupName string
}

// NIC is one network interface of a VM.
type NIC struct {
	ID           string
	NetworkID    string
	IP           string
	MAC          string
	Default      bool
	DeviceID     int
	SecondaryIPs []string
}

// LaunchSpec describes instances to create (RunInstances,
// instances.insert).
type LaunchSpec struct {
	// Names of the VMs; when empty CloudStack picks names. With len(Names)
	// > 0, MaxCount is len(Names).
	Names      []string
	ZoneID     string // required
	OfferingID string // required
	// CPUs and MemoryMB are required for custom offerings and ignored
	// otherwise.
	CPUs     int
	MemoryMB int
	ImageID  string // required
	// RootDiskGB overrides the template's root disk size (0 = template size).
	RootDiskGB int64
	// RootDiskOfferingID picks the root disk's offering (GCE disk type).
	RootDiskOfferingID string
	KeyPair            string
	GroupIDs           []string
	GroupNames         []string
	NetworkIDs         []string
	// IPAddress is the guest address of the default NIC (CloudStack
	// deployVirtualMachine ipaddress=); "" lets CloudStack pick.
	IPAddress string
	UserData  []byte // raw; the Service base64-encodes it for CloudStack
	// Tags are written on every VM (reserved tags included). The client
	// token is stored as a reserved tag by Launch itself.
	Tags Tags
	// VolumeTags are written on every VM's root volume.
	VolumeTags Tags
	MinCount   int // default 1
	MaxCount   int // default MinCount
	// ClientToken makes Launch idempotent: if instances carrying this token
	// exist, Launch returns them instead of creating new ones.
	ClientToken string
	// NoStart creates the VMs stopped.
	NoStart bool
	// Group is the name of the instance group the VMs join (created by
	// CloudStack if missing; instancegroup.go).
	Group string
	// Wait makes Launch wait for the deploy jobs. With Wait, if fewer than
	// MinCount VMs deploy, Launch destroys and expunges every VM it created
	// and returns the deploy error (InsufficientCapacity, ...). Without
	// Wait, Launch returns as soon as CloudStack accepted the deploy calls
	// and each Instance carries its JobID.
	Wait bool
}

// InstanceQuery selects instances. Zero fields do not filter.
type InstanceQuery struct {
	IDs    []string
	Name   string
	ZoneID string
	States []string
	Tags   Tags
	// Keyword matches a substring of the name (hostname) or displayname,
	// as CloudStack's keyword does.
	Keyword string
	// GroupID selects the members of an instance group.
	GroupID string
	// NoRootVolumes leaves Instance.RootVolumeID empty: for callers that
	// list the volumes themselves (one CloudStack list less).
	NoRootVolumes bool
	// IncludeExpunged is not possible; Destroyed (not yet expunged) VMs are
	// always included, so callers can show them as terminated.
}

// Launch creates instances; see LaunchSpec for idempotency, MinCount and
// rollback. It returns InvalidArgument/NotFound for bad zones, offerings or
// images before creating anything.
//
// The client token is in every deploy call (see clienttoken.go). Tags are
// written with createTags once CloudStack accepted the deploy calls, the
// token tag (ClientTokenTag) last; if tagging fails every VM created is
// destroyed and expunged again.
func (s *Service) Launch(ctx context.Context, spec LaunchSpec) ([]Instance, error) {
	const op = "Launch"
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	minC, maxC := spec.MinCount, spec.MaxCount
	if minC <= 0 {
		minC = 1
	}
	if len(spec.Names) > 0 {
		maxC = len(spec.Names)
	}
	if maxC <= 0 {
		maxC = minC
	}
	if maxC < minC {
		return nil, invalid(op, ResInstance, "", "MinCount %d is larger than MaxCount %d", minC, maxC)
	}

	// The reads a launch is checked with (the token's earlier launch, the
	// zone and its default network, the offering, the image, the root
	// disk offering, the key pair) do not depend on each other: they are
	// issued at once and their answers checked in this order, so a launch
	// costs one CloudStack round trip before its deploy, not one per read
	// (issue 15, item 3). They are reads: nothing is created before every
	// check has passed.
	lk := s.launchLookups(ctx, op, spec)

	// Idempotency: a previous call with the same token wins, even one
	// made on another replica or by a gateway that died half-way (see
	// clienttoken.go). Concurrent calls with the token wait for each other
	// in this process; across processes CloudStack's hostname check does.
	mark, gen := "", 0
	if spec.ClientToken != "" {
		defer s.tokens.lock(p.AccountID + "\x00" + p.APIKey + "\x00" + spec.ClientToken)()
		mark = launchMark(p.AccountID, spec.ClientToken)
		prev, g, err := s.previousLaunch(ctx, mark, spec.ClientToken)
		if err != nil {
			lk.wait()
			return nil, opErr(op, ResInstance, "", err)
		}
		if len(prev) > 0 {
			lk.wait()
			return s.completeLaunch(ctx, prev, spec)
		}
		gen = g
	}
	lk.wait()

	// Validate everything before creating anything.
	if spec.ZoneID == "" {
		return nil, invalid(op, ResZone, "", "a zone is required")
	}
	if lk.zoneErr != nil {
		return nil, opErr(op, ResZone, spec.ZoneID, lk.zoneErr)
	}
	zone := lk.zone
	if spec.OfferingID == "" {
		return nil, invalid(op, ResOffering, "", "an offering (machine type) is required")
	}
	if lk.offErr != nil {
		return nil, opErr(op, ResOffering, spec.OfferingID, lk.offErr)
	}
	off := lk.off
	cpus, mem, err := customSize(op, off, spec.CPUs, spec.MemoryMB)
	if err != nil {
		return nil, err
	}
	networkIDs := spec.NetworkIDs
	if len(networkIDs) == 0 {
		if lk.netErr != nil {
			return nil, lk.netErr
		}
		networkIDs = lk.nets
	}
	if spec.ImageID == "" {
		return nil, invalid(op, ResImage, "", "an image is required")
	}
	if lk.imgErr != nil {
		return nil, opErr(op, ResImage, spec.ImageID, lk.imgErr)
	}
	img := lk.img
	if spec.RootDiskGB < 0 {
		return nil, invalid(op, ResVolume, "", "invalid root disk size %d", spec.RootDiskGB)
	}
	if spec.RootDiskGB > 0 && img.SizeBytes > 0 && spec.RootDiskGB<<30 < img.SizeBytes {
		return nil, invalid(op, ResVolume, "", "root disk size %d GB is smaller than the image (%d bytes)", spec.RootDiskGB, img.SizeBytes)
	}
	rootOffering := ""
	if spec.RootDiskOfferingID != "" {
		if lk.diskErr != nil {
			return nil, opErr(op, ResDiskOffering, spec.RootDiskOfferingID, lk.diskErr)
		}
		rootOffering = lk.disk.ID
	}
	if spec.IPAddress != "" {
		if maxC > 1 {
			return nil, invalid(op, ResInstance, "", "a private IP address can be given for one instance only, not %d", maxC)
		}
		if ip := net.ParseIP(spec.IPAddress); ip == nil || ip.To4() == nil {
			return nil, invalid(op, ResInstance, "", "invalid IPv4 address %q", spec.IPAddress)
		}
	}
	if spec.KeyPair != "" && lk.keyErr != nil {
		return nil, opErr(op, ResKeyPair, spec.KeyPair, lk.keyErr)
	}
	if err := s.imageInZone(ctx, op, img, zone); err != nil {
		return nil, err
	}
	tags := Tags{}
	for k, v := range spec.Tags {
		tags[k] = v
	}
	// What describing the instance needs once CloudStack hides it from
	// its owner (launchrecord.go), in the same createTags call.
	tags[LaunchRecordTag] = launchRecord(Instance{Created: s.opts.Now(), OfferingID: off.ID, OfferingName: off.Name,
		ImageID: img.ID, ZoneID: zone.ID, ZoneName: zone.Name, KeyPair: spec.KeyPair})
	// The token tag is written last: a VM without it belongs to a launch
	// that did not finish (completeLaunch finishes it).
	tokenTag := Tags{}
	if spec.ClientToken != "" {
		tokenTag[ClientTokenTag] = spec.ClientToken
		if len(spec.VolumeTags) == 0 {
			tags[ClientTokenTag], tokenTag = spec.ClientToken, nil
		}
	}

	// From here on the launch completes (or rolls back) even if the caller
	// goes away: a client that times out and retries with the same token
	// must find the VMs of its first attempt, not orphans.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*s.opts.JobTimeout)
	defer cancel()

	// Deploy MaxCount VMs; stop at the first refusal.
	type created struct{ id, job string }
	var vms []created
	var deployErr error
	regens := 0
	for i := 0; i < maxC; i++ {
		req := DeployRequest{
			ZoneID:             zone.ID,
			ServiceOfferingID:  off.ID,
			TemplateID:         img.ID,
			KeyPair:            spec.KeyPair,
			SecurityGroupIDs:   spec.GroupIDs,
			SecurityGroupNames: spec.GroupNames,
			NetworkIDs:         networkIDs,
			IPAddress:          spec.IPAddress,
			RootDiskGB:         spec.RootDiskGB,
			RootDiskOfferingID: rootOffering,
			CPUs:               cpus,
			MemoryMB:           mem,
			CPUSpeedMHz:        s.customSpeed(off, cpus),
			NoStart:            spec.NoStart,
			Group:              spec.Group,
		}
		if len(spec.Names) > 0 {
			req.Name, req.DisplayName = spec.Names[i], spec.Names[i]
		}
		if mark != "" {
			req.DisplayName = markedName(mark, i, gen)
			if len(spec.Names) == 0 {
				req.Name = req.DisplayName
			}
		}
		if len(spec.UserData) > 0 {
			req.UserDataBase64 = base64.StdEncoding.EncodeToString(spec.UserData)
		}
		r, err := s.cs.DeployVirtualMachine(ctx, req)
		if err != nil && mark != "" && len(vms) == 0 && KindOf(err) == AlreadyExists && regens < 3 {
			// The name is taken: by another attempt with this token that
			// got there first, or by a rolled-back attempt's VM that
			// CloudStack has not expunged yet.
			prev, g, lerr := s.previousLaunch(ctx, mark, spec.ClientToken)
			if lerr == nil && len(prev) > 0 {
				return s.completeLaunch(ctx, prev, spec)
			}
			if len(spec.Names) == 0 {
				regens++
				gen = max(g, gen+1)
				i--
				continue
			}
		}
		if err != nil {
			deployErr = opErr(op, ResInstance, req.Name, err)
			break
		}
		vms = append(vms, created{r.ID, r.JobID})
	}
	ids := func() []string {
		out := make([]string, len(vms))
		for i, v := range vms {
			out[i] = v.id
		}
		return out
	}
	if len(vms) < minC {
		s.rollback(ctx, ids(), spec.ClientToken != "")
		return nil, deployErr
	}
	// The tags are written while the deploy jobs run (CloudStack tags a VM
	// in any state): the tag job and the deploy jobs are awaited together.
	tagDone, tagIDs := make(chan error, 1), ids()
	go func() { tagDone <- s.ensureTags(ctx, op, ResInstance, tagIDs, tags) }()

	jobs := map[string]string{}
	if spec.Wait {
		var ok []created
		var failed []string
		var firstErr error
		// The deploy jobs run side by side in CloudStack: awaited together
		// (at most 8 polls at a time), their outcomes read in launch order.
		errs := make([]error, len(vms))
		var wg sync.WaitGroup
		slots := make(chan struct{}, 8)
		for i, v := range vms {
			wg.Add(1)
			slots <- struct{}{}
			go func() {
				defer func() { <-slots; wg.Done() }()
				_, errs[i] = s.await(ctx, op, ResInstance, v.id, v.job)
			}()
		}
		wg.Wait()
		for i, v := range vms {
			err := errs[i]
			if err != nil {
				failed = append(failed, v.id)
				if firstErr == nil {
					firstErr = err
				}
				continue
			}
			ok = append(ok, v)
		}
		tagErr := <-tagDone
		if len(ok) < minC {
			// The deploy's error, not the tags' (a failed VM may be gone
			// before its tags were written).
			s.rollback(ctx, ids(), spec.ClientToken != "")
			return nil, firstErr
		}
		if tagErr != nil && len(failed) > 0 {
			// Tagging may have failed on a VM whose deploy failed: tag the
			// ones that are up.
			okIDs := make([]string, len(ok))
			for i, v := range ok {
				okIDs[i] = v.id
			}
			tagErr = s.ensureTags(ctx, op, ResInstance, okIDs, tags)
		}
		if tagErr != nil {
			s.rollback(ctx, ids(), spec.ClientToken != "")
			return nil, tagErr
		}
		s.rollback(ctx, failed, spec.ClientToken != "")
		vms = ok
	} else {
		for _, v := range vms {
			jobs[v.id] = v.job
		}
		if err := <-tagDone; err != nil {
			s.rollback(ctx, ids(), spec.ClientToken != "")
			return nil, err
		}
	}

	if len(spec.VolumeTags) > 0 {
		byVM, err := s.rootVolumesOf(ctx, ids())
		if err == nil {
			var vids []string
			for _, id := range ids() {
				if v := byVM[id]; v != "" {
					vids = append(vids, v)
				}
			}
			if len(vids) > 0 {
				err = s.ensureTags(ctx, op, ResVolume, vids, spec.VolumeTags)
			}
		}
		if err != nil {
			s.rollback(ctx, ids(), spec.ClientToken != "")
			return nil, opErr(op, ResVolume, "", err)
		}
	}
	if len(tokenTag) > 0 {
		if err := s.ensureTags(ctx, op, ResInstance, ids(), tokenTag); err != nil {
			s.rollback(ctx, ids(), true)
			return nil, err
		}
	}

	out, err := s.Instances(ctx, InstanceQuery{IDs: ids()})
	if err != nil {
		return nil, err
	}
	for i := range out {
		if j := jobs[out[i].ID]; j != "" {
			out[i].JobID, out[i].JobPending = j, true
		}
	}
	return out, nil
}

// completeLaunch answers a retry with the VMs of the earlier launch with
// the same token, finishing what that launch did not (a gateway that died
// after the deploy never wrote the tags): the caller's tags, the root
// volumes' tags and, last, the token tag. Tags already there are kept, so
// an attempt still running concurrently and this one agree.
func (s *Service) completeLaunch(ctx context.Context, prev []Instance, spec LaunchSpec) ([]Instance, error) {
	const op = "Launch"
	var todo, all, vols []string
	for _, vm := range prev {
		all = append(all, vm.ID)
		if vm.Tags[ClientTokenTag] != spec.ClientToken {
			todo = append(todo, vm.ID)
			if vm.RootVolumeID != "" {
				vols = append(vols, vm.RootVolumeID)
			}
		}
	}
	if len(todo) == 0 {
		return prev, nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*s.opts.JobTimeout)
	defer cancel()
	if len(spec.Tags) > 0 {
		if err := s.replaceTags(ctx, op, ResInstance, todo, spec.Tags, false); err != nil {
			return nil, err
		}
	}
	// The launch record, from what CloudStack says of each VM (the
	// attempt that deployed them died before tagging): a recovery path,
	// one createTags call per VM. Best effort: an attempt still running
	// concurrently may write its own record first; a VM left without one
	// is described from its VM.CREATE event once terminated.
	for _, vm := range prev {
		if _, ok := vm.Tags[LaunchRecordTag]; ok || vm.Tags[ClientTokenTag] == spec.ClientToken {
			continue
		}
		_ = s.setTags(ctx, op, ResInstance, []string{vm.ID}, Tags{LaunchRecordTag: launchRecord(vm)})
	}
	if len(spec.VolumeTags) > 0 && len(vols) > 0 {
		if err := s.replaceTags(ctx, op, ResVolume, vols, spec.VolumeTags, false); err != nil {
			return nil, err
		}
	}
	if err := s.replaceTags(ctx, op, ResInstance, todo, Tags{ClientTokenTag: spec.ClientToken}, false); err != nil {
		return nil, err
	}
	return s.Instances(ctx, InstanceQuery{IDs: all})
}

// ensureTags is setTags that also succeeds when the tags are already
// there, written by a concurrent attempt with the same client token.
func (s *Service) ensureTags(ctx context.Context, op string, res Resource, ids []string, tags Tags) error {
	err := s.setTags(ctx, op, res, ids, tags)
	if err == nil || len(ids) == 0 || !s.tagsHold(ctx, res, ids, tags) {
		return err
	}
	return nil
}

// customSize checks cpus/memory against a custom offering's bounds and
// returns what to send (0, 0 for fixed offerings).
func customSize(op string, off *Offering, cpus, mem int) (int, int, error) {
	if !off.Custom {
		return 0, 0, nil
	}
	if cpus <= 0 || mem <= 0 {
		return 0, 0, invalid(op, ResOffering, off.ID, "offering %s is custom: CPUs and memory are required", off.Name)
	}
	if (off.MinCPUs > 0 && cpus < off.MinCPUs) || (off.MaxCPUs > 0 && cpus > off.MaxCPUs) {
		return 0, 0, invalid(op, ResOffering, off.ID, "%d CPUs is outside the offering's range %d-%d", cpus, off.MinCPUs, off.MaxCPUs)
	}
	if (off.MinMemoryMB > 0 && mem < off.MinMemoryMB) || (off.MaxMemoryMB > 0 && mem > off.MaxMemoryMB) {
		return 0, 0, invalid(op, ResOffering, off.ID, "%d MB memory is outside the offering's range %d-%d", mem, off.MinMemoryMB, off.MaxMemoryMB)
	}
	return cpus, mem, nil
}

// rollback removes VMs created by a failed Launch (dropping their client
// token first when dropToken) and waits for that, even if ctx has been
// cancelled: destroyed with expunge when the caller may expunge, otherwise
// renamed (so that the names can be used again at once) and destroyed, so
// that nothing keeps running (see removeVM). Errors are ignored: Job's
// cleanup of failed deploys is the safety net.
func (s *Service) rollback(ctx context.Context, ids []string, dropToken bool) {
	if len(ids) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.opts.JobTimeout)
	defer cancel()
	// A VM that cannot be expunged may stay visible as Destroyed: drop its
	// client token so that a retry with the same token launches again.
	if dropToken {
		if r, err := s.cs.DeleteTags(ctx, ResInstance, ids, Tags{ClientTokenTag: ""}); err == nil && r.JobID != "" {
			_, _ = s.WaitJob(ctx, r.JobID, 0)
		}
	}
	// Skip VMs already gone (Job removes failed deploys itself).
	byID := map[string]Instance{}
	if vms, err := s.cs.ListVirtualMachines(ctx, ListVMsRequest{IDs: ids}); err == nil {
		for _, vm := range vms {
			byID[vm.ID] = vm
		}
	} else {
		for _, id := range ids {
			byID[id] = Instance{ID: id, State: StateRunning}
		}
	}
	var jobs []string
	for _, id := range ids {
		vm, ok := byID[id]
		if !ok {
			continue
		}
		if j := s.removeVM(ctx, &vm, true); j != "" {
			jobs = append(jobs, j)
		}
	}
	for _, j := range jobs {
		_, _ = s.WaitJob(ctx, j, 0)
	}
}

// Instances lists the caller's instances matching q, sorted by creation
// time then id.
func (s *Service) Instances(ctx context.Context, q InstanceQuery) ([]Instance, error) {
	const op = "Instances"
	ids := newIDFilter(q.IDs)
	req := ListVMsRequest{ID: ids.single(), Name: q.Name, ZoneID: q.ZoneID, Keyword: q.Keyword, GroupID: q.GroupID}
	for k, v := range q.Tags {
		if req.Tags == nil {
			req.Tags = Tags{}
		}
		req.Tags[k] = v
	}
	if q.ZoneID != "" {
		z, err := s.Zone(ctx, q.ZoneID)
		if err != nil {
			return nil, opErr(op, ResZone, q.ZoneID, err)
		}
		req.ZoneID = z.ID
	}
	if req.ID == "" && len(ids) > 1 {
		for id := range ids {
			req.IDs = append(req.IDs, id)
		}
		sort.Strings(req.IDs)
	}
	// The CloudStack lists below do not depend on each other: issue them
	// concurrently (a remote CloudStack's latency, not CPU, is what they
	// cost). ROOT volumes: see the comment at the end.
	wantDestroyed := req.ID == "" && (len(q.States) == 0 || stateIn(StateDestroyed, q.States))
	scoped := len(q.IDs) > 0 || q.Name != "" || q.Keyword != "" || len(q.Tags) > 0 || q.GroupID != ""
	var (
		vms, destroyed []Instance
		err, dErr      error
		roots          map[string]string
		wg             sync.WaitGroup
	)
	goRun := func(f func()) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f()
		}()
	}
	goRun(func() { vms, err = s.listVMsByIDs(ctx, &req) })
	if wantDestroyed {
		goRun(func() {
			dreq := req
			dreq.State = StateDestroyed
			destroyed, dErr = s.listVMsByIDs(ctx, &dreq)
		})
	}
	switch {
	case q.NoRootVolumes:
	case len(ids) > 0:
		idList := make([]string, 0, len(ids))
		for id := range ids {
			idList = append(idList, id)
		}
		goRun(func() { roots, _ = s.rootVolumesOf(ctx, idList) })
	case !scoped:
		goRun(func() { roots = s.rootVolumes(ctx, nil, false, req.ZoneID) })
	}
	wg.Wait()
	if isNotFound(err) && req.ID != "" {
		return []Instance{}, nil
	}
	if err != nil {
		return nil, opErr(op, ResInstance, req.ID, err)
	}
	// CloudStack lists Destroyed (not yet expunged) VMs only when asked by
	// id or state; the contract includes them, so ask for them too.
	if wantDestroyed {
		if dErr != nil {
			return nil, opErr(op, ResInstance, "", dErr)
		}
		seen := make(map[string]bool, len(vms))
		for _, vm := range vms {
			seen[vm.ID] = true
		}
		for _, vm := range destroyed {
			if !seen[vm.ID] {
				vms = append(vms, vm)
			}
		}
	}
	s.finishRetired(ctx, vms)
	out := make([]Instance, 0, len(vms))
	for _, vm := range vms {
		if !ids.match(vm.ID) || (q.Name != "" && vm.Name != q.Name) || !vm.Tags.Match(q.Tags) || !stateIn(vm.State, q.States) ||
			(q.GroupID != "" && vm.GroupID != q.GroupID) ||
			(q.Keyword != "" && !strings.Contains(vm.Name, q.Keyword) && !strings.Contains(vm.DisplayName, q.Keyword)) {
			continue
		}
		out = append(out, vm)
	}
	// listVirtualMachines does not name the ROOT volume. A query that
	// selects instances asks for each one's ROOT volume, so its cost
	// follows the answer, not the size of the cloud: by ids alongside the
	// VM lists above, by name, keyword or tags once the VMs are known. A
	// listing read the ROOT volumes of its zone once, alongside the VMs.
	if len(out) > 0 && !q.NoRootVolumes {
		if roots == nil {
			roots = s.rootVolumes(ctx, out, true, req.ZoneID)
		}
		byVM := roots
		for i := range out {
			if out[i].RootVolumeID == "" {
				out[i].RootVolumeID = byVM[out[i].ID]
			}
		}
	}
	sortByCreated(out, func(i *Instance) time.Time { return i.Created }, func(i *Instance) string { return i.ID })
	return out, nil
}

// listVMsByIDs lists the VMs req selects. When one of several ids does not
// exist CloudStack refuses the whole list: then it lists without the ids
// and the caller filters.
func (s *Service) listVMsByIDs(ctx context.Context, req *ListVMsRequest) ([]Instance, error) {
	vms, err := s.cs.ListVirtualMachines(ctx, *req)
	if isNotFound(err) && len(req.IDs) > 0 {
		r := *req
		r.IDs = nil
		vms, err = s.cs.ListVirtualMachines(ctx, r)
	}
	return vms, err
}

func stateIn(state string, states []string) bool {
	if len(states) == 0 {
		return true
	}
	for _, s := range states {
		if strings.EqualFold(s, state) {
			return true
		}
	}
	return false
}

// Instance returns one instance by UUID; NotFound (ResInstance) if none.
func (s *Service) Instance(ctx context.Context, id string) (*Instance, error) {
	if id == "" {
		return nil, notFound("Instance", ResInstance, id)
	}
	vms, err := s.Instances(ctx, InstanceQuery{IDs: []string{id}})
	if err != nil {
		return nil, opErr("Instance", ResInstance, id, err)
	}
	if len(vms) == 0 {
		return nil, notFound("Instance", ResInstance, id)
	}
	return &vms[0], nil
}

// StartInstance starts a stopped instance. FailedPrecondition if it is not
// stopped.
func (s *Service) StartInstance(ctx context.Context, id string) (*Job, error) {
	vm, err := s.Instance(ctx, id)
	if err != nil {
		return nil, err
	}
	if j := s.pendingSame(ctx, vm, "startVirtualMachine"); j != nil {
		return j, nil
	}
	if vm.State != StateStopped {
		return nil, &Error{Op: "StartInstance", Kind: FailedPrecondition, Resource: ResInstance, ID: id,
			Message: "instance " + id + " is " + vm.State + ", not Stopped"}
	}
	r, err := s.cs.StartVirtualMachine(ctx, id)
	if err != nil {
		return nil, opErr("StartInstance", ResInstance, id, err)
	}
	return s.pendingJob("startVirtualMachine", ResInstance, id, r), nil
}

// StopInstance stops a running instance.
func (s *Service) StopInstance(ctx context.Context, id string, force bool) (*Job, error) {
	r, err := s.cs.StopVirtualMachine(ctx, id, force)
	if err != nil {
		return nil, opErr("StopInstance", ResInstance, id, err)
	}
	return s.pendingJob("stopVirtualMachine", ResInstance, id, r), nil
}

// RebootInstance reboots a running instance.
func (s *Service) RebootInstance(ctx context.Context, id string) (*Job, error) {
	r, err := s.cs.RebootVirtualMachine(ctx, id)
	if err != nil {
		return nil, opErr("RebootInstance", ResInstance, id, err)
	}
	return s.pendingJob("rebootVirtualMachine", ResInstance, id, r), nil
}

// DestroyInstance destroys an instance; with expunge it is removed at once,
// otherwise it stays visible as Destroyed until CloudStack expunges it.
// Expunging needs CloudStack's allow.user.expunge.recover.vm for normal
// users (PermissionDenied otherwise).
func (s *Service) DestroyInstance(ctx context.Context, id string, expunge bool) (*Job, error) {
	r, err := s.cs.DestroyVirtualMachine(ctx, id, expunge)
	if err != nil {
		return nil, opErr("DestroyInstance", ResInstance, id, err)
	}
	return s.pendingJob("destroyVirtualMachine", ResInstance, id, r), nil
}

// ChangeOffering changes a stopped instance's service offering (cpus and
// memoryMB for custom offerings). FailedPrecondition if it is running.
func (s *Service) ChangeOffering(ctx context.Context, id, offeringID string, cpus, memoryMB int) error {
	const op = "ChangeOffering"
	vm, err := s.Instance(ctx, id)
	if err != nil {
		return err
	}
	if vm.State != StateStopped {
		return &Error{Op: op, Kind: FailedPrecondition, Resource: ResInstance, ID: id,
			Message: "instance " + id + " must be stopped to change its offering"}
	}
	off, err := s.Offering(ctx, offeringID)
	if err != nil {
		return opErr(op, ResOffering, offeringID, err)
	}
	cpus, memoryMB, err = customSize(op, off, cpus, memoryMB)
	if err != nil {
		return err
	}
	err = s.cs.ChangeServiceForVirtualMachine(ctx, ChangeServiceRequest{ID: id, ServiceOfferingID: off.ID, CPUs: cpus, MemoryMB: memoryMB, CPUSpeedMHz: s.customSpeed(off, cpus)})
	return opErr(op, ResInstance, id, err)
}

// UserData returns an instance's user data (raw bytes).
func (s *Service) UserData(ctx context.Context, id string) ([]byte, error) {
	b64, err := s.cs.GetVirtualMachineUserData(ctx, id)
	if err != nil {
		return nil, opErr("UserData", ResInstance, id, err)
	}
	if b64 == "" {
		return nil, nil
	}
	b, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		// Not base64 (set outside CloudStack's rules): hand it back as is.
		return []byte(b64), nil
	}
	return b, nil
}

// SetUserData replaces an instance's user data.
func (s *Service) SetUserData(ctx context.Context, id string, data []byte) error {
	err := s.cs.UpdateVirtualMachineUserData(ctx, id, base64.StdEncoding.EncodeToString(data))
	return opErr("SetUserData", ResInstance, id, err)
}

// ConsoleOutput returns the instance's console (serial port) output.
// CloudStack has no such API; the text is derived from the VM's CloudStack
// events (listEvents) and its current state, and is deterministic for the
// same history.
func (s *Service) ConsoleOutput(ctx context.Context, id string) (string, error) {
	vm, err := s.Instance(ctx, id)
	if err != nil {
		return "", err
	}
	evs, err := s.cs.ListEvents(ctx, ListEventsRequest{ResourceID: id, ResourceType: "VirtualMachine"})
	if err != nil {
		return "", opErr("ConsoleOutput", ResInstance, id, err)
	}
	// CloudStack lists events newest first; several share a second, so keep
	// its order (reversed) for ties rather than ordering by random ids.
	slices.Reverse(evs)
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].Created.Before(evs[j].Created) })
	var b strings.Builder
	fmt.Fprintf(&b, "[cloudgate] CloudStack has no console API; this output is derived from CloudStack events.\n")
	fmt.Fprintf(&b, "[cloudgate] instance %s (%s) zone=%s offering=%s image=%s\n", vm.Name, vm.ID, vm.ZoneName, vm.OfferingName, vm.ImageName)
	for _, e := range evs {
		fmt.Fprintf(&b, "%s %s %s: %s\n", e.Created.UTC().Format(time.RFC3339), e.Type, e.State, e.Description)
	}
	fmt.Fprintf(&b, "[cloudgate] state=%s ip=%s hostname=%s\n", vm.State, vm.PrivateIP, vm.Hostname)
	return b.String(), nil
}

// Password returns the instance's password as CloudStack's getVMPassword
// gives it (encrypted with the key pair's public key, base64), "" if none.
func (s *Service) Password(ctx context.Context, id string) (string, error) {
	if _, err := s.Instance(ctx, id); err != nil {
		return "", err
	}
	pw, err := s.cs.GetVMPassword(ctx, id)
	if err != nil {
		switch KindOf(err) {
		case NotFound, InvalidArgument:
			return "", nil // CloudStack: "No password for VM with specified id found."
		}
		return "", opErr("Password", ResInstance, id, err)
	}
	return pw, nil
}
