package translate

import (
	"context"
	"sort"
	"strings"
)

// InstancesByName returns the live instances of a zone (zoneID "" = every
// zone) at positions [offset, offset+limit) of the order of key (name when
// key is nil; descending with desc; ties by id), and how many there are in
// all. Live means neither Destroyed nor Expunging nor retired (IsRetired):
// what GCE lists. key sees the minimal VM (ID, Name, ZoneID, ZoneName,
// State, Tags, Created).
//
// GCE lists in name order by default, and CloudStack cannot page in name
// order (listVirtualMachines has no sort parameter; it pages by internal
// id). So the order comes from one listing of the zone's VMs in
// CloudStack's minimal form (details=min, ListVMsRequest.Min: no NICs,
// security groups, template or offering), and only the page's VMs are then
// read in full (listVirtualMachines ids=…): the full read, the conversion
// and the volumes follow the page, while the minimal listing still grows
// with the zone (its time; its memory is one CloudStack page plus each live
// VM's key and id when the port is a VMStreamer). RootVolumeID is left empty. A VM expunged between the two
// reads is left out of the page.
func (s *Service) InstancesByName(ctx context.Context, q ByNameQuery, offset, limit int) ([]Instance, int, error) {
	const op = "InstancesByName"
	zoneID, key, desc := q.ZoneID, q.Key, q.Desc
	if key == nil {
		key = func(in *Instance) string { return in.Name }
	}
	req := ListVMsRequest{State: "present", Min: true}
	if zoneID != "" {
		z, err := s.Zone(ctx, zoneID)
		if err != nil {
			return nil, 0, opErr(op, ResZone, zoneID, err)
		}
		req.ZoneID = z.ID
	}
	// Only each live VM's key and id are kept: the listing itself is read
	// one CloudStack page at a time (forEachVM), so what this holds per VM is
	// two strings, not a VM.
	type keyed struct {
		key, id string
	}
	var live []keyed
	err := s.forEachVM(ctx, req, func(in *Instance) {
		if in.State == StateDestroyed || in.State == StateExpunging || IsRetired(in) {
			return
		}
		live = append(live, keyed{key(in), in.ID})
	})
	if err != nil {
		return nil, 0, opErr(op, ResInstance, "", err)
	}
	sort.Slice(live, func(i, j int) bool {
		a, b := live[i], live[j]
		if desc {
			a, b = b, a
		}
		if a.key != b.key {
			return a.key < b.key
		}
		return a.id < b.id
	})
	total := len(live)
	if offset >= total || limit <= 0 {
		return []Instance{}, total, nil
	}
	sel := make([]Instance, 0, min(limit, total-offset))
	for _, k := range live[offset:min(offset+limit, total)] {
		sel = append(sel, Instance{ID: k.id})
	}
	// The page's other reads need only its ids: they run alongside the
	// full read (one round trip less on a remote CloudStack).
	aside := make(chan error, 1)
	if q.Alongside != nil {
		go func() { aside <- q.Alongside(sel, total) }()
	} else {
		aside <- nil
	}
	full, err := s.fullVMs(ctx, sel)
	if aerr := <-aside; err == nil && aerr != nil {
		return nil, 0, aerr
	}
	if err != nil {
		return nil, 0, opErr(op, ResInstance, "", err)
	}
	return full, total, nil
}

// ByNameQuery selects and orders the instances of InstancesByName.
type ByNameQuery struct {
	ZoneID string // "" = every zone
	// Key orders the instances (nil: by name); Desc reverses the order.
	Key  func(*Instance) string
	Desc bool
	// Alongside, when set, runs while the page's VMs are read in full, with
	// the page's VMs carrying their ID only, and the total: for reads that
	// need only their ids (their volumes). Its error fails the call.
	Alongside func(sel []Instance, total int) error
}

// fullVMs reads the VMs of sel in full, in sel's order, leaving out those
// CloudStack no longer has: one listVirtualMachines ids=… (several ids are
// refused whole when one is gone; then each is read alone, at most 8 at a
// time).
func (s *Service) fullVMs(ctx context.Context, sel []Instance) ([]Instance, error) {
	ids := make([]string, 0, len(sel))
	for _, in := range sel {
		ids = append(ids, in.ID)
	}
	req := ListVMsRequest{IDs: ids}
	if len(ids) == 1 {
		req = ListVMsRequest{ID: ids[0]}
	}
	vms, err := s.cs.ListVirtualMachines(ctx, req)
	switch {
	case err == nil:
	case isNotFound(err) && len(ids) == 1:
		vms = nil
	case isNotFound(err):
		if vms, err = s.eachVM(ctx, ids); err != nil {
			return nil, err
		}
	default:
		return nil, err
	}
	byID := make(map[string]*Instance, len(vms))
	for i := range vms {
		byID[strings.ToLower(vms[i].ID)] = &vms[i]
	}
	out := make([]Instance, 0, len(sel))
	for _, in := range sel {
		if vm := byID[strings.ToLower(in.ID)]; vm != nil {
			out = append(out, *vm)
		}
	}
	s.finishRetired(ctx, out)
	return out, nil
}

// eachVM reads VMs one id at a time (at most 8 at a time); ids CloudStack
// does not know are left out.
func (s *Service) eachVM(ctx context.Context, ids []string) ([]Instance, error) {
	res := make([][]Instance, len(ids))
	errs := make([]error, len(ids))
	sem := make(chan struct{}, 8)
	done := make(chan struct{})
	for i, id := range ids {
		go func() {
			sem <- struct{}{}
			defer func() { <-sem; done <- struct{}{} }()
			res[i], errs[i] = s.cs.ListVirtualMachines(ctx, ListVMsRequest{ID: id})
		}()
	}
	for range ids {
		<-done
	}
	var out []Instance
	for i := range ids {
		if errs[i] != nil && !isNotFound(errs[i]) {
			return nil, errs[i]
		}
		out = append(out, res[i]...)
	}
	return out, nil
}
