package translate

import (
	"context"
	"strings"
	"sync"
)

// A paged instance listing is pushed down to CloudStack: a page of n
// instances costs O(n) CloudStack work and memory, whatever the number of
// instances (issue 15, item 2). The listing is the concatenation of up to
// three disjoint segments, each read by position:
//
//	SegmentLive        listVirtualMachines state=present (everything but
//	                   Destroyed and Expunging), page/pagesize;
//	SegmentDestroyed   listVirtualMachines state=Destroyed, page/pagesize
//	                   (CloudStack shows them to users only with
//	                   allow.user.view.destroyed.vm);
//	SegmentTerminated  the instances destroyed within
//	                   Options.TerminatedVisibility that neither list shows
//	                   (TerminatedInstances; bounded by the churn of the
//	                   window, not by the size of the cloud), in order of
//	                   destruction.
//
// Within a CloudStack segment the order is CloudStack's: ascending internal
// id, which is creation order (QueryManagerImpl.searchForUserVMsInternal
// pages with Filter(UserVmJoinVO.class, "id", true, ...)). A position is
// an offset into a segment, so a cursor holds no server state and any
// replica continues a listing. Like CloudStack's own page/pagesize, an
// instance that leaves a segment while a client pages (terminated,
// expunged) shifts the later ones by one place; one created meanwhile is
// appended to the live segment's end.
const (
	SegmentLive = iota
	SegmentDestroyed
	SegmentTerminated
	segmentEnd
)

// InstanceCursor is a position in a paged instance listing.
type InstanceCursor struct {
	Segment int
	Offset  int
}

// InstancePageQuery selects the instances of a paged listing. Only what
// CloudStack can select while paging is here: ZoneID and Tags (exact
// key/value, as CloudStack's tags[] compares them) are pushed down. The
// caller applies any finer filter to the page it gets (a page may then
// hold fewer than its limit, as EC2 and GCE pages may).
type InstancePageQuery struct {
	ZoneID string
	Tags   Tags
	// Terminated adds the destroyed segments (SegmentDestroyed and
	// SegmentTerminated): EC2 lists terminated instances for about an hour.
	Terminated bool
}

// InstancesPage returns up to limit instances of the listing q selects,
// starting at cursor at, the cursor of the next page (nil after the last)
// and the number of instances in the live segment (CloudStack's count; -1
// when the page did not read that segment). RootVolumeID is left empty
// (the caller reads the page's volumes).
// The CloudStack calls it makes are: one or two listVirtualMachines pages
// per segment the page touches, plus, for a page reaching
// SegmentTerminated, TerminatedInstances' calls and one lookup of its
// candidates.
func (s *Service) InstancesPage(ctx context.Context, q InstancePageQuery, at InstanceCursor, limit int) ([]Instance, *InstanceCursor, int, error) {
	const op = "InstancesPage"
	if limit <= 0 {
		return nil, nil, -1, invalid(op, ResInstance, "", "a page needs a positive size")
	}
	if at.Segment < SegmentLive || at.Segment >= segmentEnd || at.Offset < 0 || (!q.Terminated && at.Segment != SegmentLive) {
		return nil, nil, -1, invalid(op, ResInstance, "", "invalid page position")
	}
	liveTotal := -1
	req := ListVMsRequest{ZoneID: q.ZoneID}
	if len(q.Tags) > 0 {
		req.Tags = Tags{}
		for k, v := range q.Tags {
			req.Tags[k] = v
		}
	}
	if q.ZoneID != "" {
		z, err := s.Zone(ctx, q.ZoneID)
		if err != nil {
			return nil, nil, -1, opErr(op, ResZone, q.ZoneID, err)
		}
		req.ZoneID = z.ID
	}
	var out []Instance
	cur := at
	for len(out) < limit && cur.Segment < segmentEnd {
		if cur.Segment > SegmentLive && !q.Terminated {
			return out, nil, liveTotal, nil
		}
		want := limit - len(out)
		var (
			got   []Instance
			total int
			err   error
		)
		switch cur.Segment {
		case SegmentLive, SegmentDestroyed:
			r := req
			r.State = "present"
			if cur.Segment == SegmentDestroyed {
				r.State = StateDestroyed
			}
			got, total, err = s.cs.ListVirtualMachinesRange(ctx, r, cur.Offset, want)
			if isNotFound(err) {
				got, total, err = nil, 0, nil
			}
			if cur.Segment == SegmentLive && err == nil {
				liveTotal = total
			}
		case SegmentTerminated:
			got, total, err = s.terminatedRange(ctx, req, cur.Offset, want)
		}
		if err != nil {
			return nil, nil, -1, opErr(op, ResInstance, "", err)
		}
		// CloudStack's own state filter decides the segment; a VM whose
		// state changed between two calls stays where CloudStack put it.
		out = append(out, got...)
		cur.Offset += len(got)
		if cur.Offset >= total || len(got) < want {
			cur = InstanceCursor{Segment: cur.Segment + 1}
		}
	}
	s.finishRetired(ctx, out)
	if cur.Segment >= segmentEnd || (!q.Terminated && cur.Segment > SegmentLive) {
		return out, nil, liveTotal, nil
	}
	return out, &cur, liveTotal, nil
}

// terminatedRange is SegmentTerminated: the instances TerminatedInstances
// reports that CloudStack's lists no longer show (an instance CloudStack
// still lists, live or Destroyed, is in an earlier segment), filtered by
// req's zone and tags where known, from offset.
func (s *Service) terminatedRange(ctx context.Context, req ListVMsRequest, offset, limit int) ([]Instance, int, error) {
	gone, err := s.TerminatedInstances(ctx, nil)
	switch KindOf(err) {
	case PermissionDenied, Unimplemented:
		return nil, 0, nil // a role without listEvents sees CloudStack's view only
	}
	if err != nil {
		return nil, 0, err
	}
	var cands []Instance
	for _, in := range gone {
		if req.ZoneID != "" && in.ZoneID != "" && !strings.EqualFold(in.ZoneID, req.ZoneID) {
			continue
		}
		if !in.Tags.Match(req.Tags) {
			continue
		}
		cands = append(cands, in)
	}
	if len(cands) == 0 {
		return nil, 0, nil
	}
	listed, err := s.stillListed(ctx, cands)
	if err != nil {
		return nil, 0, err
	}
	var seg []Instance
	for _, in := range cands {
		if !listed[strings.ToLower(in.ID)] {
			seg = append(seg, in)
		}
	}
	if offset >= len(seg) {
		return nil, len(seg), nil
	}
	end := min(offset+limit, len(seg))
	return seg[offset:end], len(seg), nil
}

// stillListed reports which of ins CloudStack still lists to the caller
// (in state present or Destroyed: the earlier segments). One
// listVirtualMachines ids=… for all; CloudStack refuses the whole call
// when one id is gone (expunged), and then each is asked alone (at most 8
// at a time; their number is bounded by the window's churn).
func (s *Service) stillListed(ctx context.Context, ins []Instance) (map[string]bool, error) {
	out := map[string]bool{}
	keep := func(vms []Instance) {
		for _, vm := range vms {
			if !strings.EqualFold(vm.State, StateExpunging) {
				out[strings.ToLower(vm.ID)] = true
			}
		}
	}
	ids := make([]string, 0, len(ins))
	for _, in := range ins {
		ids = append(ids, in.ID)
	}
	req := ListVMsRequest{IDs: ids}
	if len(ids) == 1 {
		req = ListVMsRequest{ID: ids[0]}
	}
	vms, err := s.cs.ListVirtualMachines(ctx, req)
	if err == nil {
		keep(vms)
		return out, nil
	}
	if !isNotFound(err) || len(ids) == 1 {
		if isNotFound(err) {
			return out, nil
		}
		return nil, err
	}
	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		firstErr error
		sem      = make(chan struct{}, 8)
	)
	for _, id := range ids {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			vms, err := s.cs.ListVirtualMachines(ctx, ListVMsRequest{ID: id})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				keep(vms)
			case !isNotFound(err) && firstErr == nil:
				firstErr = err
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	return out, nil
}
