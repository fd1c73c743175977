package auth

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Key is the gateway's master secret. Every replica configured with the same
// Key accepts the same access, refresh and authorization-code tokens and the
// same service-account keys. Sub-keys for each purpose are derived from it
// with HMAC-SHA256 over a purpose label, so one secret never serves two
// algorithms.
type Key struct {
	secret []byte
	aeadKey,
	saKey []byte
	idKey ed25519.PrivateKey
	idKID string
	// Rotation: what the previous keys issued is still accepted until
	// prevUntil (see WithPrevious).
	prev      []*Key
	prevUntil time.Time
	now       func() time.Time
}

// WithPrevious returns k with an overlap window for a key rotation: until
// `until`, tokens, service-account keys and ID tokens issued with any of
// prev are still accepted; k alone issues everything new. Every replica is
// given the same new key, previous keys and end of the window (an absolute
// time, so replicas restarted at different moments agree). After the
// window, access and refresh tokens and service-account keys of the
// previous keys are refused: create new service-account keys within it.
func (k *Key) WithPrevious(until time.Time, prev ...*Key) *Key {
	c := *k
	c.prev = append([]*Key(nil), prev...)
	c.prevUntil = until
	return &c
}

// accepted is k followed by the previous keys still inside the window.
func (k *Key) accepted() []*Key {
	if len(k.prev) == 0 {
		return []*Key{k}
	}
	now := time.Now
	if k.now != nil {
		now = k.now
	}
	if !now().Before(k.prevUntil) {
		return []*Key{k}
	}
	return append([]*Key{k}, k.prev...)
}

// MinKeyLen is the shortest accepted master secret, in bytes.
const MinKeyLen = 16

// NewKey returns a Key for a master secret of at least MinKeyLen bytes.
func NewKey(secret []byte) (*Key, error) {
	if len(secret) < MinKeyLen {
		return nil, fmt.Errorf("auth: gateway key must be at least %d bytes", MinKeyLen)
	}
	k := &Key{secret: append([]byte(nil), secret...)}
	k.aeadKey = k.derive("cloudgate token aes-256-gcm v1")
	k.saKey = k.derive("cloudgate service-account endorsement v1")
	k.idKey = ed25519.NewKeyFromSeed(k.derive("cloudgate id-token ed25519 v1"))
	sum := sha256.Sum256(k.idKey.Public().(ed25519.PublicKey))
	k.idKID = "cg-" + hex.EncodeToString(sum[:8])
	return k, nil
}

// KeyFromString derives a Key from a configured passphrase or secret (for
// example a flag or environment variable shared by all replicas). The
// string is hashed, so any length of at least MinKeyLen characters works.
func KeyFromString(s string) (*Key, error) {
	if len(s) < MinKeyLen {
		return nil, fmt.Errorf("auth: gateway secret must be at least %d characters", MinKeyLen)
	}
	sum := sha256.Sum256([]byte("cloudgate gateway secret\x00" + s))
	return NewKey(sum[:])
}

// LoadOrCreateKey reads the master secret from path (base64url text, as
// written by this function) or, if the file does not exist, creates it with
// 32 random bytes and mode 0600. Copy the file to every replica.
func LoadOrCreateKey(path string) (*Key, error) {
	data, err := os.ReadFile(path)
	if err == nil {
		raw, derr := base64.RawURLEncoding.DecodeString(strings.TrimSpace(string(data)))
		if derr != nil {
			return nil, fmt.Errorf("auth: %s: %w", path, derr)
		}
		return NewKey(raw)
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("auth: %w", err)
	}
	raw := make([]byte, 32)
	rand.Read(raw)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, os.ErrExist) { // another process won the race
			return LoadOrCreateKey(path)
		}
		return nil, fmt.Errorf("auth: %w", err)
	}
	_, err = f.WriteString(base64.RawURLEncoding.EncodeToString(raw) + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	return NewKey(raw)
}

func (k *Key) derive(label string) []byte {
	m := hmac.New(sha256.New, k.secret)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// IDTokenPublicKey returns the Ed25519 key that verifies ID tokens, and its
// key ID (the "kid" of ID tokens and of the JWKS entry).
func (k *Key) IDTokenPublicKey() (ed25519.PublicKey, string) {
	return k.idKey.Public().(ed25519.PublicKey), k.idKID
}

// IDTokenPublicKeys are the ID-token keys to publish: the current one
// first, then those of previous keys inside the overlap window.
func (k *Key) IDTokenPublicKeys() map[string]ed25519.PublicKey {
	out := map[string]ed25519.PublicKey{}
	for _, kk := range k.accepted() {
		pub, kid := kk.IDTokenPublicKey()
		out[kid] = pub
	}
	return out
}

// String never shows key material.
func (k *Key) String() string {
	if k == nil {
		return "<nil key>"
	}
	return "auth.Key{" + k.idKID + "}"
}

// GoString is the same as String.
func (k *Key) GoString() string { return k.String() }
