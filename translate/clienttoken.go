package translate

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"strings"
	"sync"
)

// Idempotency keys reach CloudStack in the deploy call itself.
//
// A launch with a client token (EC2 ClientToken, GCE requestId) writes a
// mark derived from the caller's account and the token into every
// deployVirtualMachine call: the VM's displayname is "<mark>-<i>", and when
// the caller does not name the VMs (EC2) the name (hostname) is the same
// string. So a retry on any replica, after any crash (before the deploy,
// between the deploy and the tags, while the deploy job runs), finds the
// VMs of the first attempt with one listVirtualMachines keyword=<mark>
// (CloudStack matches keyword against displayname and hostname with LIKE:
// QueryManagerImpl.searchForUserVMsInternal), and two attempts racing on
// different replicas cannot both deploy: CloudStack refuses a second VM
// with the same hostname in a network (VmHostNameUniquenessServiceImpl.
// checkIfHostNameUniqueInNtwkDomain, over VMInstanceDaoImpl.
// listDistinctHostNames, which counts every VM not yet removed, Destroyed
// ones included), and the loser finds the winner's VMs by the mark. The
// hostname check is per network and shared networks span accounts, hence
// the account in the hash.
//
// A VM counts as a previous launch of the token when its displayname
// carries the mark and it is not in Error or Expunging; a Destroyed one
// counts only while it still carries the token tag (a user terminated it
// after a successful launch), because rollback drops the tag first: a
// rolled-back launch does not satisfy its retry. Its hostname stays taken
// until CloudStack expunges it (a day by default, and users may not
// expunge), so an unnamed relaunch moves to the next generation of names
// ("<mark>-<i>-g<n>").

// launchMark is the mark of a launch by accountID with token.
func launchMark(accountID, token string) string {
	h := sha256.Sum256([]byte(accountID + "\x00" + token))
	enc := base32.HexEncoding.WithPadding(base32.NoPadding).EncodeToString(h[:])
	return "cg-" + strings.ToLower(enc[:20])
}

// markedName is the displayname (and, for unnamed launches, the hostname)
// of the i-th VM of a launch, in generation gen.
func markedName(mark string, i, gen int) string {
	if gen == 0 {
		return fmt.Sprintf("%s-%d", mark, i)
	}
	return fmt.Sprintf("%s-%d-g%d", mark, i, gen)
}

// hasMark reports whether a displayname or hostname carries mark.
func hasMark(name, mark string) bool { return strings.HasPrefix(name, mark+"-") }

// markGeneration is the generation of a marked name (0 if unmarked).
func markGeneration(name, mark string) int {
	if !hasMark(name, mark) {
		return 0
	}
	_, g, ok := strings.Cut(name[len(mark)+1:], "-g")
	if !ok {
		return 0
	}
	var n int
	if _, err := fmt.Sscanf(g, "%d", &n); err != nil {
		return 0
	}
	return n
}

// previousLaunch returns the VMs of an earlier launch with the same token
// and the next free generation of names for a new one.
func (s *Service) previousLaunch(ctx context.Context, mark, token string) ([]Instance, int, error) {
	vms, err := s.Instances(ctx, InstanceQuery{Keyword: mark})
	if err != nil {
		return nil, 0, err
	}
	var prev []Instance
	gen := 0
	for _, vm := range vms {
		if hasMark(vm.Name, mark) {
			if g := markGeneration(vm.Name, mark) + 1; g > gen {
				gen = g
			}
		}
		if !hasMark(vm.DisplayName, mark) {
			continue
		}
		switch vm.State {
		case StateError, StateExpunging:
			continue
		case StateDestroyed:
			if vm.Tags[ClientTokenTag] != token {
				continue
			}
		}
		prev = append(prev, vm)
	}
	return prev, gen, nil
}

// LaunchedWith reports whether in was created by a Launch of the caller's
// account with this client token, even one that died before it could tag
// the VM (the mark is in the VM's displayname; see launchMark).
func (s *Service) LaunchedWith(ctx context.Context, in *Instance, token string) bool {
	if token == "" || in == nil {
		return false
	}
	if in.Tags[ClientTokenTag] == token {
		return true
	}
	p, err := principal(ctx)
	if err != nil {
		return false
	}
	return hasMark(in.DisplayName, launchMark(p.AccountID, token))
}

// tokenLocks serializes Launch calls that carry the same client token for
// the same account within this process, so that concurrent retries of one
// RunInstances (or instances.insert with a requestId) see each other's VMs
// instead of racing to CloudStack's hostname check. Across processes the
// mark in the deploy call is the guard (see above).
type tokenLocks struct {
	mu sync.Mutex
	m  map[string]*tokenLock
}

type tokenLock struct {
	sync.Mutex
	users int
}

// lock acquires the lock for key and returns its release function.
func (t *tokenLocks) lock(key string) (unlock func()) {
	t.mu.Lock()
	if t.m == nil {
		t.m = map[string]*tokenLock{}
	}
	l := t.m[key]
	if l == nil {
		l = &tokenLock{}
		t.m[key] = l
	}
	l.users++
	t.mu.Unlock()
	l.Lock()
	return func() {
		l.Unlock()
		t.mu.Lock()
		if l.users--; l.users == 0 {
			delete(t.m, key)
		}
		t.mu.Unlock()
	}
}
