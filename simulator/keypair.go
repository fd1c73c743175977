package simulator

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/pem"
	"fmt"
	"math/big"
	"strings"
)

func (s *Server) keyPairByName(accountID, name string) *keyPair {
	for _, k := range s.st.KeyPairs {
		if k.AccountID == accountID && k.Name == name {
			return k
		}
	}
	return nil
}

func (s *Server) keyPairObj(k *keyPair) obj {
	return s.ownerFields(obj{"id": k.ID, "name": k.Name, "fingerprint": k.Fingerprint, "hasannotations": false}, k.owned)
}

func listSSHKeyPairs(s *Server, c *call) (any, *apiError) {
	var items []obj
	for _, k := range s.st.KeyPairs {
		if !s.visible(c, k.owned) {
			continue
		}
		if id := c.str("id"); id != "" && id != k.ID {
			continue
		}
		if n := c.str("name"); n != "" && n != k.Name {
			continue
		}
		if f := c.str("fingerprint"); f != "" && f != k.Fingerprint {
			continue
		}
		if !c.matchKeyword(k.Name) {
			continue
		}
		items = append(items, s.keyPairObj(k))
	}
	return c.pageOf("sshkeypair", items), nil
}

func sshString(b []byte) []byte {
	out := make([]byte, 4+len(b))
	binary.BigEndian.PutUint32(out, uint32(len(b)))
	copy(out[4:], b)
	return out
}

func sshMPInt(n *big.Int) []byte {
	b := n.Bytes()
	if len(b) > 0 && b[0]&0x80 != 0 {
		b = append([]byte{0}, b...)
	}
	return sshString(b)
}

// sshPublicKey encodes an RSA public key in OpenSSH authorized_keys form.
func sshPublicKey(pub *rsa.PublicKey) string {
	var blob []byte
	blob = append(blob, sshString([]byte("ssh-rsa"))...)
	blob = append(blob, sshMPInt(big.NewInt(int64(pub.E)))...)
	blob = append(blob, sshMPInt(pub.N)...)
	return "ssh-rsa " + base64.StdEncoding.EncodeToString(blob)
}

// fingerprint is CloudStack's MD5 colon-hex fingerprint of an OpenSSH public key.
func fingerprint(pub string) (string, bool) {
	f := strings.Fields(pub)
	if len(f) < 2 || !strings.HasPrefix(f[0], "ssh-") && !strings.HasPrefix(f[0], "ecdsa-") {
		return "", false
	}
	blob, err := base64.StdEncoding.DecodeString(f[1])
	if err != nil || len(blob) < 4 {
		return "", false
	}
	n := binary.BigEndian.Uint32(blob)
	if int(n)+4 > len(blob) || string(blob[4:4+n]) != f[0] {
		return "", false
	}
	sum := md5.Sum(blob)
	parts := make([]string, len(sum))
	for i, b := range sum {
		parts[i] = fmt.Sprintf("%02x", b)
	}
	return strings.Join(parts, ":"), true
}

// parseRSAPublic decodes an ssh-rsa public key (for getVMPassword encryption).
func parseRSAPublic(pub string) *rsa.PublicKey {
	f := strings.Fields(pub)
	if len(f) < 2 || f[0] != "ssh-rsa" {
		return nil
	}
	blob, err := base64.StdEncoding.DecodeString(f[1])
	if err != nil {
		return nil
	}
	var parts [][]byte
	for len(blob) >= 4 {
		n := int(binary.BigEndian.Uint32(blob))
		if 4+n > len(blob) {
			return nil
		}
		parts = append(parts, blob[4:4+n])
		blob = blob[4+n:]
	}
	if len(parts) != 3 {
		return nil
	}
	return &rsa.PublicKey{E: int(new(big.Int).SetBytes(parts[1]).Int64()), N: new(big.Int).SetBytes(parts[2])}
}

func (s *Server) addKeyPair(c *call, name, pub string) (*keyPair, *apiError) {
	ow, err := s.owner(c)
	if err != nil {
		return nil, err
	}
	if s.keyPairByName(ow.ID, name) != nil {
		return nil, invalidParam("A key pair with name '%s' already exists.", name)
	}
	fp, ok := fingerprint(pub)
	if !ok {
		return nil, invalidParam("Public key is invalid")
	}
	for _, k := range s.st.KeyPairs {
		if k.AccountID == ow.ID && k.Fingerprint == fp {
			return nil, invalidParam("A key pair with the same public key already exists: %s", k.Name)
		}
	}
	k := &keyPair{owned: owned{ow.ID, ow.DomainID}, ID: s.st.uuid(), Name: name, Fingerprint: fp, PublicKey: pub, Created: c.now}
	s.st.KeyPairs = append(s.st.KeyPairs, k)
	return k, nil
}

func createSSHKeyPair(s *Server, c *call) (any, *apiError) {
	name, err := c.need("name")
	if err != nil {
		return nil, err
	}
	key, e := rsa.GenerateKey(rand.Reader, 2048)
	if e != nil {
		return nil, internalError("Failed to generate key pair: %v", e)
	}
	k, err := s.addKeyPair(c, name, sshPublicKey(&key.PublicKey))
	if err != nil {
		return nil, err
	}
	priv := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	o := s.keyPairObj(k)
	o["privatekey"] = string(priv)
	return objResult{"keypair", o}, nil
}

func registerSSHKeyPair(s *Server, c *call) (any, *apiError) {
	name, err := c.need("name")
	if err != nil {
		return nil, err
	}
	pub, err := c.need("publickey")
	if err != nil {
		return nil, err
	}
	k, err := s.addKeyPair(c, name, strings.TrimSpace(pub))
	if err != nil {
		return nil, err
	}
	return objResult{"keypair", s.keyPairObj(k)}, nil
}

func deleteSSHKeyPair(s *Server, c *call) (any, *apiError) {
	name, err := c.need("name")
	if err != nil {
		return nil, err
	}
	ow, err := s.owner(c)
	if err != nil {
		return nil, err
	}
	k := s.keyPairByName(ow.ID, name)
	if k == nil {
		return nil, invalidParam("A key pair with name '%s' does not exist for account %s in specified domain id", name, ow.Name)
	}
	s.st.KeyPairs = removeByID(s.st.KeyPairs, k.ID, func(x *keyPair) string { return x.ID })
	s.forget(k.ID)
	s.dropTags("SSHKeyPair", k.ID)
	return success(), nil
}
