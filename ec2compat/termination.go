package ec2compat

import (
	"strings"
	"sync"

	"github.com/cloudgate/cloudgate/translate"
)

// ephemeralLookup is one instance's auto-assigned public IPs, or why they
// could not be listed.
type ephemeralLookup struct {
	addrs []translate.Address
	err   error
}

// instancesWithEphemeralIPs reads the instances of a TerminateInstances
// (instancesByID) and, at the same time, each one's auto-assigned public
// IPs (at most 8 lookups at a time); ephemeral returns an instance's
// addresses, or the lookup's error for the caller to fail with when it
// releases them (as releasePublicIPs would have).
func (s *server) instancesWithEphemeralIPs(r *request, ec2IDs []string) ([]translate.Instance, func(id string) ([]translate.Address, error), error) {
	ids, err := csIDs(pInstance, translate.ResInstance, ec2IDs)
	if err != nil {
		return nil, nil, err
	}
	var (
		mu    sync.Mutex
		wg    sync.WaitGroup
		found = map[string]ephemeralLookup{}
		slots = make(chan struct{}, 8)
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for _, id := range ids {
			slots <- struct{}{}
			wg.Add(1)
			go func() {
				defer func() { <-slots; wg.Done() }()
				as, err := s.ephemeralIPs(r, id)
				mu.Lock()
				defer mu.Unlock()
				found[strings.ToLower(id)] = ephemeralLookup{as, err}
			}()
		}
	}()
	insts, err := s.instancesByID(r, ec2IDs)
	wg.Wait()
	if err != nil {
		return nil, nil, err
	}
	return insts, func(id string) ([]translate.Address, error) {
		l, ok := found[strings.ToLower(id)]
		if !ok {
			return s.ephemeralIPs(r, id)
		}
		return l.addrs, l.err
	}, nil
}

// settled waits for the jobs of a state change (jobs[i] is insts[i]'s, nil
// when none was started) and reads the instances' states after them. The
// jobs run side by side in CloudStack, so they are awaited together (at
// most 8 polls at a time) and the instances read in one call, instead of
// a wait and a read per instance one after the other (issue 15). The
// first failed job, in the request's order, is the error. An instance
// missing from the answer has been expunged.
func (s *server) settled(r *request, insts []translate.Instance, jobs []*translate.Job) (map[string]*translate.Instance, error) {
	errs := make([]error, len(insts))
	var wg sync.WaitGroup
	slots := make(chan struct{}, 8)
	for i := range insts {
		if jobs[i] == nil {
			continue
		}
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer func() { <-slots; wg.Done() }()
			errs[i] = s.wait(r.ctx, jobs[i])
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	cur, err := s.svc.Instances(r.ctx, translate.InstanceQuery{IDs: instanceUUIDs(insts)})
	if err != nil {
		return nil, err
	}
	now := make(map[string]*translate.Instance, len(cur))
	for i := range cur {
		now[strings.ToLower(cur[i].ID)] = &cur[i]
	}
	return now, nil
}
