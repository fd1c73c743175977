package translate

import (
	"context"
	"sync"
)

// VolumesOfInstances lists the volumes attached to each of the given
// instances, one listVolumes virtualmachineid=… per instance (at most 8 at
// a time), by instance id: the cost of a page's block devices follows the
// page, not the number of volumes in the cloud (CloudStack's listVolumes
// takes one virtualmachineid, not a set). An instance CloudStack no longer
// knows has none; any other failure is returned.
func (s *Service) VolumesOfInstances(ctx context.Context, ids []string) (map[string][]Volume, error) {
	out := make(map[string][]Volume, len(ids))
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
			vols, err := s.Volumes(ctx, VolumeQuery{InstanceID: id})
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if !isNotFound(err) && firstErr == nil {
					firstErr = err
				}
				return
			}
			for _, vol := range vols {
				if vol.InstanceID != "" {
					out[vol.InstanceID] = append(out[vol.InstanceID], vol)
				}
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	return out, nil
}
