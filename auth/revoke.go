package auth

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Revocations is a list of revoked token, code and service-account key IDs,
// each kept until the revoked item would have expired anyway (0: forever).
//
// With a path, the list is a JSON file that is re-read when it changes
// (checked at most once a second) and rewritten atomically on every
// revocation, merging what other processes wrote. Replicas sharing the file
// (a shared volume) therefore share revocations within about a second;
// replicas with separate files, or memory-only lists (empty path), do not,
// and a token revoked on one of them stays valid on the others until it
// expires: at most the access-token lifetime (1h) for access tokens.
type Revocations struct {
	path string
	now  func() time.Time
	mu   sync.Mutex
	m    map[string]int64
	mod  time.Time
	size int64
	seen time.Time
}

type revocationFile struct {
	Revoked map[string]int64 `json:"revoked"`
}

// NewRevocations opens (or, on first Revoke, creates) the list at path;
// path "" keeps it in memory.
func NewRevocations(path string) (*Revocations, error) {
	rv := &Revocations{path: path, now: time.Now, m: map[string]int64{}}
	if path != "" {
		rv.mu.Lock()
		err := rv.loadLocked(true)
		rv.mu.Unlock()
		if err != nil {
			return nil, err
		}
	}
	return rv, nil
}

// String describes the list.
func (rv *Revocations) String() string {
	rv.mu.Lock()
	defer rv.mu.Unlock()
	return fmt.Sprintf("auth.Revocations{%q, %d}", rv.path, len(rv.m))
}

// loadLocked merges the file into memory if it changed (or if force).
func (rv *Revocations) loadLocked(force bool) error {
	now := rv.now()
	if !force && now.Sub(rv.seen) < time.Second {
		return nil
	}
	rv.seen = now
	st, err := os.Stat(rv.path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("auth: revocations: %w", err)
	}
	if !force && st.ModTime().Equal(rv.mod) && st.Size() == rv.size {
		return nil
	}
	data, err := os.ReadFile(rv.path)
	if err != nil {
		return fmt.Errorf("auth: revocations: %w", err)
	}
	var f revocationFile
	if err := json.Unmarshal(data, &f); err != nil {
		return fmt.Errorf("auth: revocations %s: %w", rv.path, err)
	}
	for id, exp := range f.Revoked {
		if old, ok := rv.m[id]; !ok || (old != 0 && (exp == 0 || exp > old)) {
			rv.m[id] = exp
		}
	}
	rv.mod, rv.size = st.ModTime(), st.Size()
	return nil
}

// Revoke adds id, to be remembered until `until` (zero: forever).
func (rv *Revocations) Revoke(id string, until time.Time) error {
	var exp int64
	if !until.IsZero() {
		exp = until.Unix() + 1
	}
	rv.mu.Lock()
	defer rv.mu.Unlock()
	if old, ok := rv.m[id]; !ok || (old != 0 && (exp == 0 || exp > old)) {
		rv.m[id] = exp
	}
	if rv.path == "" {
		rv.pruneLocked()
		return nil
	}
	if err := rv.loadLocked(true); err != nil {
		return err
	}
	rv.pruneLocked()
	data, _ := json.MarshalIndent(revocationFile{Revoked: rv.m}, "", " ")
	if err := writeFileAtomic(rv.path, data, 0o600); err != nil {
		return fmt.Errorf("auth: revocations: %w", err)
	}
	if st, err := os.Stat(rv.path); err == nil {
		rv.mod, rv.size = st.ModTime(), st.Size()
	}
	return nil
}

// Revoked reports whether any of ids is revoked.
func (rv *Revocations) Revoked(ids ...string) bool {
	rv.mu.Lock()
	defer rv.mu.Unlock()
	if rv.path != "" {
		rv.loadLocked(false) // a transient read error keeps the last list
	}
	now := rv.now().Unix()
	for _, id := range ids {
		if id == "" {
			continue
		}
		if exp, ok := rv.m[id]; ok && (exp == 0 || exp > now) {
			return true
		}
	}
	return false
}

func (rv *Revocations) pruneLocked() {
	now := rv.now().Unix()
	for id, exp := range rv.m {
		if exp != 0 && exp <= now {
			delete(rv.m, id)
		}
	}
}

func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := f.Chmod(mode); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
