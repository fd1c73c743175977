package translate

import (
	"context"
	"crypto/ed25519"
	"crypto/md5"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"strings"

	"golang.org/x/crypto/ssh"
)

// Key records. CloudStack's listSSHKeyPairs returns a key pair's name and
// fingerprint only (SSHKeyPairResponse), never its public key, and key
// pairs cannot be tagged; so the gateway keeps each key pair's OpenSSH
// public key in a registered user data object of its own (userdata.go,
// storeddoc.go) named KeyRecordPrefix+name. KeyPairsWithPublicKeys reads
// them all with one listUserData call and fills KeyPair.PublicKey, from which the wire
// layers tell the key type (rsa, ed25519) and answer "include the public
// key".
//
// Crash safety and trust:
//   - ImportKeyPair writes the record before it registers the key, and
//     removes it if the registration fails; CreateKeyPair (CloudStack makes
//     the key) writes it after, from the public half of the private key
//     CloudStack returned; DeleteKeyPair deletes the key, then the record.
//   - A record is used only when the MD5 fingerprint of its key equals the
//     fingerprint CloudStack lists for the key pair of that name, so an
//     orphan record (a crash between the two calls, a key pair of the same
//     name registered outside the gateway later) is never believed; an
//     orphan found under the name being imported is replaced.
//   - Key pairs without a record (created outside the gateway, before
//     this, or on CloudStack < 4.18 without registered user data) keep
//     PublicKey "".
//
// CloudStack refuses two user data objects with the same content in an
// account, so the record is the public key line followed by a line naming
// the key pair.

// KeyRecordPrefix starts the name of a key pair's record.
const KeyRecordPrefix = "cg-key-"

// maxUserDataName is the longest registered user data name CloudStack takes
// (RegisterUserDataCmd name: the default parameter length, 255).
const maxUserDataName = 255

const keyRecordFeature = "key pair public keys"

func keyRecordBody(name, pub string) []byte {
	return []byte(pub + "\n# cloudgate key pair " + name + "\n")
}

// keyRecordKey returns the public key line of a record, "" if malformed.
func keyRecordKey(body []byte) string {
	line, _, _ := strings.Cut(string(body), "\n")
	if checkPublicKey(line) != nil {
		return ""
	}
	return line
}

// cloudStackFingerprint is CloudStack's fingerprint of an OpenSSH public
// key: MD5 of the key blob, colon-separated hex
// (utils/src/main/java/com/cloud/utils/ssh/SSHKeysHelper.java getPublicKeyFingerprint).
func cloudStackFingerprint(pub string) string {
	f := strings.Fields(pub)
	if len(f) < 2 {
		return ""
	}
	blob, err := base64.StdEncoding.DecodeString(f[1])
	if err != nil {
		return ""
	}
	sum := md5.Sum(blob)
	parts := make([]string, len(sum))
	for i, b := range sum {
		parts[i] = fmt.Sprintf("%02x", b)
	}
	return strings.Join(parts, ":")
}

// storeKeyRecord writes the record of key pair name. It returns the
// record's id, "" when none is kept (no registered user data on this
// CloudStack, a name too long for a record). Callers go on without a
// record when it fails (the key pair then only lacks its public key).
func (s *Service) storeKeyRecord(ctx context.Context, name, pub string) (string, error) {
	rname := KeyRecordPrefix + name
	if len(rname) > maxUserDataName {
		return "", nil
	}
	if err := s.RequireUserData(ctx, keyRecordFeature); err != nil {
		if KindOf(err) == Unimplemented {
			return "", nil
		}
		return "", err
	}
	d, err := s.StoreDoc(ctx, keyRecordFeature, rname, keyRecordBody(name, pub))
	if KindOf(err) == AlreadyExists {
		// An orphan: the caller checked that no key pair has this name.
		old, derr := s.Doc(ctx, rname)
		if derr != nil {
			return "", derr
		}
		if err := s.DeleteDoc(ctx, old.ID); err != nil {
			return "", err
		}
		d, err = s.StoreDoc(ctx, keyRecordFeature, rname, keyRecordBody(name, pub))
	}
	if err != nil {
		return "", err
	}
	return d.ID, nil
}

// withPublicKeys fills PublicKey of key pairs that have a trustworthy
// record, with one listUserData call. A failure to read the records only
// loses the public keys.
func (s *Service) withPublicKeys(ctx context.Context, kps []KeyPair) {
	if len(kps) == 0 {
		return
	}
	docs, err := s.Docs(ctx, KeyRecordPrefix)
	if err != nil {
		return
	}
	byName := make(map[string]string, len(docs))
	for _, d := range docs {
		byName[strings.TrimPrefix(d.Name, KeyRecordPrefix)] = keyRecordKey(d.Body)
	}
	for i := range kps {
		k := &kps[i]
		if k.PublicKey != "" {
			continue
		}
		if pub := byName[k.Name]; pub != "" && strings.EqualFold(cloudStackFingerprint(pub), k.Fingerprint) {
			k.PublicKey = pub
		}
	}
}

// deleteKeyRecord removes key pair name's record, if any (best effort: an
// orphan record is never believed).
func (s *Service) deleteKeyRecord(ctx context.Context, name string) {
	d, err := s.Doc(ctx, KeyRecordPrefix+name)
	if err != nil {
		return
	}
	_ = s.DeleteDoc(ctx, d.ID)
}

// publicKeyOfPrivate derives the OpenSSH public key line of a PEM private
// key (what CloudStack's createSSHKeyPair returns), "" if it cannot.
func publicKeyOfPrivate(priv string) string {
	blk, _ := pem.Decode([]byte(priv))
	if blk == nil {
		return ""
	}
	var key any
	var err error
	switch blk.Type {
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(blk.Bytes)
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(blk.Bytes)
	default:
		key, err = ssh.ParseRawPrivateKey([]byte(priv))
	}
	if err != nil {
		return ""
	}
	signer, err := ssh.NewSignerFromKey(key)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(signer.PublicKey())))
}

// CreateEd25519KeyPair makes an ed25519 key pair, which CloudStack cannot
// generate (createSSHKeyPair makes RSA keys): the gateway generates it,
// registers the public half as ImportKeyPair does (record first), and
// returns the private key once, in OpenSSH format, keeping nothing of it.
func (s *Service) CreateEd25519KeyPair(ctx context.Context, name string) (*KeyPair, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, &Error{Op: "CreateKeyPair", Kind: Internal, Resource: ResKeyPair, ID: name, Message: "cannot generate a key", Err: err}
	}
	spk, err := ssh.NewPublicKey(pub)
	if err != nil {
		return nil, &Error{Op: "CreateKeyPair", Kind: Internal, Resource: ResKeyPair, ID: name, Message: "cannot encode the key", Err: err}
	}
	blk, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		return nil, &Error{Op: "CreateKeyPair", Kind: Internal, Resource: ResKeyPair, ID: name, Message: "cannot encode the key", Err: err}
	}
	line := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(spk)))
	kp, err := s.ImportKeyPair(ctx, name, line)
	if err != nil {
		return nil, err
	}
	kp.PublicKey = line
	kp.PrivateKey = string(pem.EncodeToMemory(blk))
	return kp, nil
}
