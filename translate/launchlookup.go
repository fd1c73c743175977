package translate

import (
	"context"
	"sync"
)

// launchLookups are the reads Launch checks a spec with, issued
// concurrently (see Launch). Each field pair is one read's answer; a read
// the spec does not call for is not made.
type launchLookups struct {
	wg sync.WaitGroup

	zone    *Zone
	zoneErr error
	nets    []string // the zone's default network(s), when spec has none
	netErr  error    // already an opErr (launchNetworks)
	off     *Offering
	offErr  error
	img     *Image
	imgErr  error
	disk    *DiskOffering
	diskErr error
	keyErr  error
}

// launchLookups starts the reads; wait returns when all have answered.
func (s *Service) launchLookups(ctx context.Context, op string, spec LaunchSpec) *launchLookups {
	lk := &launchLookups{}
	run := func(f func()) {
		lk.wg.Add(1)
		go func() {
			defer lk.wg.Done()
			f()
		}()
	}
	if spec.ZoneID != "" {
		run(func() {
			if lk.zone, lk.zoneErr = s.Zone(ctx, spec.ZoneID); lk.zoneErr == nil && len(spec.NetworkIDs) == 0 {
				lk.nets, lk.netErr = s.launchNetworks(ctx, op, lk.zone)
			}
		})
	}
	if spec.OfferingID != "" {
		run(func() { lk.off, lk.offErr = s.Offering(ctx, spec.OfferingID) })
	}
	if spec.ImageID != "" {
		run(func() { lk.img, lk.imgErr = s.Image(ctx, spec.ImageID) })
	}
	if spec.RootDiskOfferingID != "" {
		run(func() { lk.disk, lk.diskErr = s.DiskOffering(ctx, spec.RootDiskOfferingID) })
	}
	if spec.KeyPair != "" {
		run(func() { _, lk.keyErr = s.KeyPairs(ctx, []string{spec.KeyPair}) })
	}
	return lk
}

func (lk *launchLookups) wait() { lk.wg.Wait() }
