package ec2compat

import (
	"crypto/sha256"
	"encoding/base64"
	"strings"

	"github.com/cloudgate/cloudgate/translate"
)

type keyPairItem struct {
	KeyPairID   string    `xml:"keyPairId"`
	KeyName     string    `xml:"keyName"`
	Fingerprint string    `xml:"keyFingerprint"`
	KeyType     string    `xml:"keyType"`
	PublicKey   string    `xml:"publicKey,omitempty"`
	Tags        []tagItem `xml:"tagSet>item"`
	tags        translate.Tags
}

func toKeyPairItem(k *translate.KeyPair, withPublic bool) keyPairItem {
	it := keyPairItem{KeyPairID: ec2ID(pKeyPair, k.ID), KeyName: k.Name, Fingerprint: keyFingerprint(k),
		KeyType: keyType(k.PublicKey), Tags: tagSet(k.Tags), tags: k.Tags}
	if withPublic {
		it.PublicKey = k.PublicKey
	}
	return it
}

// keyType is EC2's KeyType of a public key: ed25519 or rsa (the only
// types ImportKeyPair takes). A key pair whose public key the gateway does
// not know (see translate.KeyRecordPrefix) is reported rsa, the type
// CloudStack generates.
func keyType(pub string) string {
	if strings.HasPrefix(pub, "ssh-ed25519 ") {
		return "ed25519"
	}
	return "rsa"
}

// keyFingerprint is the fingerprint EC2 shows: for ed25519 keys the
// base64 SHA-256 digest of the key (OpenSSH's, with padding), for rsa keys
// the MD5 colon-hex fingerprint CloudStack computes, which is EC2's for
// imported rsa keys. (EC2 fingerprints the keys it generates by the SHA-1
// of the private key, which is not kept: those read back with MD5 too.)
func keyFingerprint(k *translate.KeyPair) string {
	if keyType(k.PublicKey) != "ed25519" {
		return k.Fingerprint
	}
	f := strings.Fields(k.PublicKey)
	blob, err := base64.StdEncoding.DecodeString(f[1])
	if err != nil {
		return k.Fingerprint
	}
	sum := sha256.Sum256(blob)
	return base64.StdEncoding.EncodeToString(sum[:])
}

type createKeyPairResp struct {
	meta
	KeyName     string    `xml:"keyName"`
	Fingerprint string    `xml:"keyFingerprint"`
	KeyMaterial string    `xml:"keyMaterial"`
	KeyPairID   string    `xml:"keyPairId"`
	Tags        []tagItem `xml:"tagSet>item"`
}

// createKeyPair has CloudStack generate an RSA key pair (KeyType ed25519
// is refused: CloudStack cannot generate one).
func (s *server) createKeyPair(r *request) (response, error) {
	name, err := r.q.required("KeyName")
	if err != nil {
		return nil, err
	}
	if t := r.q.str("KeyType"); t != "" && t != "rsa" {
		return nil, apiErrf("InvalidParameterValue", "Key type '%s' is not supported; this cloud generates rsa keys (import an ed25519 key with ImportKeyPair).", t)
	}
	specs, err := r.q.tagSpecs()
	if err != nil {
		return nil, err
	}
	if len(specs) > 0 {
		// CloudStack cannot tag SSH key pairs.
		return nil, apiErr("InvalidParameterValue", "Key pairs cannot be tagged in this cloud.")
	}
	k, err := s.svc.CreateKeyPair(r.ctx, name)
	if err != nil {
		return nil, err
	}
	return &createKeyPairResp{KeyName: k.Name, Fingerprint: k.Fingerprint, KeyMaterial: k.PrivateKey,
		KeyPairID: ec2ID(pKeyPair, k.ID), Tags: tagSet(k.Tags)}, nil
}

type importKeyPairResp struct {
	meta
	KeyName     string    `xml:"keyName"`
	Fingerprint string    `xml:"keyFingerprint"`
	KeyPairID   string    `xml:"keyPairId"`
	Tags        []tagItem `xml:"tagSet>item"`
}

// importKeyPair registers a public key; PublicKeyMaterial is base64 (the
// CLI and SDKs encode the blob).
func (s *server) importKeyPair(r *request) (response, error) {
	name, err := r.q.required("KeyName")
	if err != nil {
		return nil, err
	}
	mat, err := r.q.required("PublicKeyMaterial")
	if err != nil {
		return nil, err
	}
	pub := mat
	if !strings.HasPrefix(mat, "ssh-") && !strings.HasPrefix(mat, "ecdsa-") {
		b, err := decodeBase64("PublicKeyMaterial", mat)
		if err != nil {
			return nil, err
		}
		pub = strings.TrimSpace(string(b))
	}
	if t, _, _ := strings.Cut(pub, " "); t != "ssh-rsa" && t != "ssh-ed25519" {
		// EC2 imports rsa and ed25519 keys only (KeyType has no other
		// value to read back).
		return nil, apiErrf("InvalidKeyPair.Format", "The format of the public key you are attempting to import is not valid: %q keys cannot be imported (rsa and ed25519 can).", t)
	}
	k, err := s.svc.ImportKeyPair(r.ctx, name, pub)
	if err != nil {
		return nil, err
	}
	k.PublicKey = pub
	return &importKeyPairResp{KeyName: k.Name, Fingerprint: keyFingerprint(k), KeyPairID: ec2ID(pKeyPair, k.ID), Tags: tagSet(k.Tags)}, nil
}

// deleteKeyPair deletes by KeyName or KeyPairId; deleting a missing key
// pair succeeds, as in EC2.
func (s *server) deleteKeyPair(r *request) (response, error) {
	name := r.q.str("KeyName")
	if id := r.q.str("KeyPairId"); id != "" {
		cid, err := csID(pKeyPair, translate.ResKeyPair, id)
		if err != nil {
			return nil, err
		}
		keys, err := s.svc.KeyPairs(r.ctx, nil)
		if err != nil {
			return nil, err
		}
		name = ""
		for _, k := range keys {
			if strings.EqualFold(k.ID, cid) {
				name = k.Name
			}
		}
		if name == "" {
			return ok()
		}
	}
	if name == "" {
		return nil, apiErr("MissingParameter", "The request must contain the parameter KeyName or KeyPairId")
	}
	if err := s.svc.DeleteKeyPair(r.ctx, name); err != nil && translate.KindOf(err) != translate.NotFound {
		return nil, err
	}
	return ok()
}

type describeKeyPairsResp struct {
	meta
	KeyPairs []keyPairItem `xml:"keySet>item"`
}

func (s *server) describeKeyPairs(r *request) (response, error) {
	fs, err := r.q.filters()
	if err != nil {
		return nil, err
	}
	withPub, err := r.q.boolean("IncludePublicKey")
	if err != nil {
		return nil, err
	}
	names := r.q.list("KeyName")
	ids := r.q.list("KeyPairId")
	cids, err := csIDs(pKeyPair, translate.ResKeyPair, ids)
	if err != nil {
		return nil, err
	}
	keys, err := s.svc.KeyPairsWithPublicKeys(r.ctx, names)
	if err != nil {
		return nil, err
	}
	var items []keyPairItem
	found := map[string]bool{}
	for i := range keys {
		k := &keys[i]
		if len(cids) > 0 && !contains(cids, strings.ToLower(k.ID)) {
			continue
		}
		found[strings.ToLower(k.ID)] = true
		found["name:"+k.Name] = true
		if withPub && k.PublicKey == "" {
			// CloudStack's listSSHKeyPairs returns no public key, and the
			// gateway keeps one only for key pairs created or imported
			// through it on CloudStack 4.18+; saying nothing would look
			// like a key without one.
			return nil, apiErrf("UnsupportedOperation", "The parameter IncludePublicKey is not supported for key pair '%s': CloudStack does not return public keys, and this gateway keeps one only for key pairs it created or imported (with CloudStack 4.18 or later).", k.Name)
		}
		items = append(items, toKeyPairItem(k, withPub))
	}
	for _, n := range names {
		if !found["name:"+n] {
			return nil, &translate.Error{Kind: translate.NotFound, Resource: translate.ResKeyPair, ID: n}
		}
	}
	for i, c := range cids {
		if !found[c] {
			return nil, &translate.Error{Kind: translate.NotFound, Resource: translate.ResKeyPair, ID: ids[i]}
		}
	}
	items, err = applyFilters(items, fs, fields[keyPairItem]{
		"key-name":    func(x keyPairItem) []string { return one(x.KeyName) },
		"key-pair-id": func(x keyPairItem) []string { return one(x.KeyPairID) },
		"fingerprint": func(x keyPairItem) []string { return one(x.Fingerprint) },
		"key-type":    func(x keyPairItem) []string { return one(x.KeyType) },
	}, func(x keyPairItem) translate.Tags { return x.tags })
	if err != nil {
		return nil, err
	}
	return &describeKeyPairsResp{KeyPairs: items}, nil
}
