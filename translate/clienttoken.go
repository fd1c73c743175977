package translate

import "sync"

// tokenLocks serializes Launch calls that carry the same client token for
// the same account within this process, so that concurrent retries of one
// RunInstances (or instances.insert with a requestId) see each other's VMs
// instead of all deploying. Across replicas the token tag written right
// after deployment is the only guard; see Launch.
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
