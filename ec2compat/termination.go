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
