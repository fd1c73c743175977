package translate

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"sort"
	"strings"
)

// KeyPair is a CloudStack SSH key pair.
type KeyPair struct {
	ID          string
	Name        string
	Fingerprint string
	PublicKey   string
	PrivateKey  string // only set by CreateKeyPair
	Tags        Tags
}

// CreateKeyPair has CloudStack generate a key pair. AlreadyExists if the
// name is taken.
func (s *Service) CreateKeyPair(ctx context.Context, name string) (*KeyPair, error) {
	const op = "CreateKeyPair"
	if err := s.keyPairFree(ctx, op, name); err != nil {
		return nil, err
	}
	kp, err := s.cs.CreateSSHKeyPair(ctx, name)
	if err != nil {
		return nil, opErr(op, ResKeyPair, name, err)
	}
	// The record follows the key CloudStack made (keyrecord.go); without
	// one the key pair only lacks its public key.
	if pub := publicKeyOfPrivate(kp.PrivateKey); pub != "" && strings.EqualFold(cloudStackFingerprint(pub), kp.Fingerprint) {
		kp.PublicKey = pub
		_, _ = s.storeKeyRecord(ctx, name, pub)
	}
	return kp, nil
}

func (s *Service) keyPairFree(ctx context.Context, op, name string) error {
	if name == "" {
		return invalid(op, ResKeyPair, "", "a key pair name is required")
	}
	kps, err := s.cs.ListSSHKeyPairs(ctx, name)
	if err != nil && !isNotFound(err) {
		return opErr(op, ResKeyPair, name, err)
	}
	for _, kp := range kps {
		if kp.Name == name {
			return &Error{Op: op, Kind: AlreadyExists, Resource: ResKeyPair, ID: name, Message: "the key pair '" + name + "' already exists"}
		}
	}
	return nil
}

// ImportKeyPair registers an OpenSSH public key. InvalidArgument if the
// key does not parse; AlreadyExists if the name is taken.
func (s *Service) ImportKeyPair(ctx context.Context, name, publicKey string) (*KeyPair, error) {
	const op = "ImportKeyPair"
	if err := checkPublicKey(publicKey); err != nil {
		return nil, invalid(op, ResKeyPair, name, "the public key is invalid: %v", err)
	}
	if err := s.keyPairFree(ctx, op, name); err != nil {
		return nil, err
	}
	pub := strings.TrimSpace(publicKey)
	// The record first (keyrecord.go): a crash before the key leaves an
	// orphan record that is never believed. Without a record (CloudStack
	// refused or lacks registered user data) the key pair is still
	// registered, only without its public key.
	rec, _ := s.storeKeyRecord(ctx, name, pub)
	kp, err := s.cs.RegisterSSHKeyPair(ctx, name, pub)
	if err != nil {
		if rec != "" {
			_ = s.DeleteDoc(ctx, rec)
		}
		return nil, opErr(op, ResKeyPair, name, err)
	}
	if rec != "" && kp.PublicKey == "" {
		kp.PublicKey = pub
	}
	return kp, nil
}

// checkPublicKey does a structural check of an OpenSSH authorized_keys
// line: "type base64-blob [comment]", where the blob starts with the type.
func checkPublicKey(k string) error {
	f := strings.Fields(k)
	if len(f) < 2 {
		return errors.New("expected \"<type> <base64> [comment]\"")
	}
	blob, err := base64.StdEncoding.DecodeString(f[1])
	if err != nil {
		return errors.New("the key data is not base64")
	}
	if len(blob) < 4 {
		return errors.New("the key data is too short")
	}
	n := binary.BigEndian.Uint32(blob)
	if uint64(n) > uint64(len(blob)-4) || string(blob[4:4+n]) != f[0] {
		return errors.New("the key data does not match the key type " + f[0])
	}
	switch {
	case f[0] == "ssh-rsa", f[0] == "ssh-dss", f[0] == "ssh-ed25519", strings.HasPrefix(f[0], "ecdsa-sha2-"),
		strings.HasPrefix(f[0], "sk-"):
		return nil
	}
	return errors.New("unsupported key type " + f[0])
}

// KeyPairs lists key pairs (all when names is empty), sorted by name.
// NotFound (ResKeyPair) if a named key pair does not exist.
func (s *Service) KeyPairs(ctx context.Context, names []string) ([]KeyPair, error) {
	const op = "KeyPairs"
	name := ""
	if len(names) == 1 {
		name = names[0]
	}
	kps, err := s.cs.ListSSHKeyPairs(ctx, name)
	if err != nil && !(isNotFound(err) && name != "") {
		return nil, opErr(op, ResKeyPair, name, err)
	}
	byName := map[string]KeyPair{}
	for _, kp := range kps {
		byName[kp.Name] = kp
	}
	out := []KeyPair{}
	if len(names) == 0 {
		for _, k := range sortedKeys(byName) {
			out = append(out, byName[k])
		}
		return out, nil
	}
	seen := map[string]bool{}
	for _, n := range names {
		kp, ok := byName[n]
		if !ok {
			return nil, notFound(op, ResKeyPair, n)
		}
		if !seen[n] {
			seen[n] = true
			out = append(out, kp)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// KeyPairsWithPublicKeys is KeyPairs with PublicKey filled where the
// gateway keeps the key pair's public key (keyrecord.go): one more
// listUserData call.
func (s *Service) KeyPairsWithPublicKeys(ctx context.Context, names []string) ([]KeyPair, error) {
	kps, err := s.KeyPairs(ctx, names)
	if err != nil {
		return nil, err
	}
	s.withPublicKeys(ctx, kps)
	return kps, nil
}

// DeleteKeyPair deletes a key pair by name. NotFound (ResKeyPair) if it
// does not exist.
func (s *Service) DeleteKeyPair(ctx context.Context, name string) error {
	if _, err := s.KeyPairs(ctx, []string{name}); err != nil {
		return err
	}
	if err := s.cs.DeleteSSHKeyPair(ctx, name); err != nil {
		return opErr("DeleteKeyPair", ResKeyPair, name, err)
	}
	s.deleteKeyRecord(ctx, name)
	return nil
}
