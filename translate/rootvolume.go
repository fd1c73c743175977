package translate

import (
	"context"
	"sync"

	"golang.org/x/sync/errgroup"
)

// rootLookupParallel bounds the concurrent listVolumes calls of one
// per-instance ROOT volume lookup.
const rootLookupParallel = 8

// rootVolumes maps instance id -> ROOT volume id for insts. With scoped
// (the caller selected these instances) it asks CloudStack for each
// instance's ROOT volume (listVolumes virtualmachineid=…, concurrently),
// so the cost follows len(insts) and not the number of volumes in the
// cloud; otherwise it lists the ROOT volumes (of zoneID, when set) once.
// Lookup failures leave ids out: the ROOT volume is optional output.
func (s *Service) rootVolumes(ctx context.Context, insts []Instance, scoped bool, zoneID string) map[string]string {
	if scoped {
		ids := make([]string, 0, len(insts))
		for i := range insts {
			if insts[i].RootVolumeID == "" {
				ids = append(ids, insts[i].ID)
			}
		}
		byVM, _ := s.rootVolumesOf(ctx, ids)
		return byVM
	}
	byVM := map[string]string{}
	roots, err := s.cs.ListVolumes(ctx, ListVolumesRequest{Type: "ROOT", ZoneID: zoneID})
	if err != nil {
		return byVM
	}
	for _, v := range roots {
		if v.InstanceID != "" {
			byVM[v.InstanceID] = v.ID
		}
	}
	return byVM
}

// rootVolumesOf looks up the ROOT volume of each VM id with one
// listVolumes (type=ROOT, virtualmachineid) per VM, at most
// rootLookupParallel at a time. It returns what it found and the first
// error.
func (s *Service) rootVolumesOf(ctx context.Context, vmIDs []string) (map[string]string, error) {
	byVM := make(map[string]string, len(vmIDs))
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(rootLookupParallel)
	for _, id := range vmIDs {
		g.Go(func() error {
			vols, err := s.cs.ListVolumes(gctx, ListVolumesRequest{Type: "ROOT", VMID: id})
			if err != nil {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			for _, v := range vols {
				if v.InstanceID == id || v.InstanceID == "" {
					byVM[id] = v.ID
					break
				}
			}
			return nil
		})
	}
	err := g.Wait()
	return byVM, err
}
