package certs

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// File names inside the directory given to Init.
const (
	CAFile        = "ca.pem"
	CAKeyFile     = "ca-key.pem"
	ServerFile    = "server.pem"
	ServerKeyFile = "server-key.pem"
)

// Validity periods.
const (
	CAValidity     = 10 * 365 * 24 * time.Hour
	ServerValidity = 397 * 24 * time.Hour // the CA/Browser Forum maximum
	// RenewBefore is how close to expiry a server certificate is re-issued.
	RenewBefore = 30 * 24 * time.Hour
)

// DefaultNames are always in the server certificate.
var DefaultNames = []string{"localhost", "127.0.0.1", "::1"}

// Bundle is a loaded CA and server certificate.
type Bundle struct {
	Dir           string
	CAPath        string
	CAKeyPath     string
	CertPath      string
	KeyPath       string
	CA            *x509.Certificate
	Leaf          *x509.Certificate
	Names         []string // SANs of the server certificate (DNS names and IPs)
	Reissued      bool     // Init wrote a new server certificate
	CreatedCA     bool     // Init created the CA
	serverKeyPair tls.Certificate
	caPool        *x509.CertPool
}

// String describes the bundle without key material.
func (b *Bundle) String() string {
	if b == nil {
		return "<nil bundle>"
	}
	return fmt.Sprintf("certs.Bundle{dir=%s names=%v notAfter=%s}", b.Dir, b.Names, b.Leaf.NotAfter.Format(time.RFC3339))
}

// GoString is the same as String, so %#v does not print keys.
func (b *Bundle) GoString() string { return b.String() }

// Certificate returns the server key pair (leaf and CA in the chain).
func (b *Bundle) Certificate() tls.Certificate { return b.serverKeyPair }

// CAPool returns a pool containing only the gateway CA.
func (b *Bundle) CAPool() *x509.CertPool { return b.caPool }

// CAPEM returns the CA certificate in PEM form.
func (b *Bundle) CAPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: b.CA.Raw})
}

// TLSConfig returns a server configuration that presents the server
// certificate (TLS 1.2 or later). Each call returns a fresh copy.
func (b *Bundle) TLSConfig() *tls.Config {
	return &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{b.serverKeyPair},
		NextProtos:   []string{"h2", "http/1.1"},
	}
}

// ClientTLSConfig returns a client configuration that trusts the gateway CA.
func (b *Bundle) ClientTLSConfig() *tls.Config {
	return &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: b.caPool}
}

// Init creates dir if needed, loads or creates the CA, and loads or
// (re-)issues the server certificate for DefaultNames plus names. Names
// that parse as IP addresses become IP SANs; others DNS SANs. Empty names
// and duplicates are ignored.
func Init(dir string, names []string) (*Bundle, error) {
	return initAt(dir, names, time.Now())
}

func initAt(dir string, names []string, now time.Time) (*Bundle, error) {
	if dir == "" {
		return nil, errors.New("certs: empty directory")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("certs: %w", err)
	}
	b := &Bundle{
		Dir:       dir,
		CAPath:    filepath.Join(dir, CAFile),
		CAKeyPath: filepath.Join(dir, CAKeyFile),
		CertPath:  filepath.Join(dir, ServerFile),
		KeyPath:   filepath.Join(dir, ServerKeyFile),
		Names:     normalizeNames(names),
	}
	caCert, caKey, err := loadPair(b.CAPath, b.CAKeyPath)
	switch {
	case errors.Is(err, os.ErrNotExist):
		caCert, caKey, err = newCA(now)
		if err != nil {
			return nil, err
		}
		if err := writePair(b.CAPath, b.CAKeyPath, caCert, caKey); err != nil {
			return nil, err
		}
		b.CreatedCA = true
	case err != nil:
		return nil, fmt.Errorf("certs: loading CA: %w", err)
	}
	if !caCert.IsCA {
		return nil, fmt.Errorf("certs: %s is not a CA certificate", b.CAPath)
	}
	b.CA = caCert
	b.caPool = x509.NewCertPool()
	b.caPool.AddCert(caCert)

	leaf, leafKey, err := loadPair(b.CertPath, b.KeyPath)
	if err != nil || !b.leafOK(leaf, now) {
		leaf, leafKey, err = newLeaf(caCert, caKey, b.Names, now)
		if err != nil {
			return nil, err
		}
		if err := writePair(b.CertPath, b.KeyPath, leaf, leafKey); err != nil {
			return nil, err
		}
		b.Reissued = true
	}
	b.Leaf = leaf
	b.Names = leafNames(leaf)
	b.serverKeyPair = tls.Certificate{
		Certificate: [][]byte{leaf.Raw, caCert.Raw},
		PrivateKey:  leafKey,
		Leaf:        leaf,
	}
	return b, nil
}

// leafOK reports whether an existing server certificate can be kept.
func (b *Bundle) leafOK(leaf *x509.Certificate, now time.Time) bool {
	if leaf == nil || now.Add(RenewBefore).After(leaf.NotAfter) || now.Before(leaf.NotBefore) {
		return false
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: b.caPool, CurrentTime: now, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err != nil {
		return false
	}
	have := leafNames(leaf)
	for _, n := range b.Names {
		if !slices.Contains(have, n) {
			return false
		}
	}
	return true
}

func normalizeNames(names []string) []string {
	var out []string
	for _, n := range append(slices.Clone(DefaultNames), names...) {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		if ip := net.ParseIP(n); ip != nil {
			n = ip.String()
		} else {
			n = strings.ToLower(n)
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

func leafNames(c *x509.Certificate) []string {
	out := slices.Clone(c.DNSNames)
	for _, ip := range c.IPAddresses {
		out = append(out, ip.String())
	}
	return out
}

func serial() (*big.Int, error) {
	return rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
}

func newCA(now time.Time) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	sn, err := serial()
	if err != nil {
		return nil, nil, err
	}
	host, _ := os.Hostname()
	tmpl := &x509.Certificate{
		SerialNumber:          sn,
		Subject:               pkix.Name{CommonName: "cloudgate local CA " + host, Organization: []string{"cloudgate"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(CAValidity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("certs: creating CA: %w", err)
	}
	c, err := x509.ParseCertificate(der)
	return c, key, err
}

func newLeaf(ca *x509.Certificate, caKey *ecdsa.PrivateKey, names []string, now time.Time) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	sn, err := serial()
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: sn,
		Subject:      pkix.Name{CommonName: names[0], Organization: []string{"cloudgate"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(ServerValidity),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if tmpl.NotAfter.After(ca.NotAfter) {
		tmpl.NotAfter = ca.NotAfter
	}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return nil, nil, fmt.Errorf("certs: creating server certificate: %w", err)
	}
	c, err := x509.ParseCertificate(der)
	return c, key, err
}

// loadPair reads a certificate and its ECDSA key. It returns an error
// wrapping os.ErrNotExist when either file is missing.
func loadPair(certPath, keyPath string) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	cpem, err := os.ReadFile(certPath)
	if err != nil {
		return nil, nil, err
	}
	kpem, err := os.ReadFile(keyPath)
	if err != nil {
		return nil, nil, err
	}
	cb, _ := pem.Decode(cpem)
	if cb == nil || cb.Type != "CERTIFICATE" {
		return nil, nil, fmt.Errorf("%s: no CERTIFICATE block", certPath)
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", certPath, err)
	}
	kb, _ := pem.Decode(kpem)
	if kb == nil {
		return nil, nil, fmt.Errorf("%s: no PEM block", keyPath)
	}
	var key *ecdsa.PrivateKey
	switch kb.Type {
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(kb.Bytes)
	case "PRIVATE KEY":
		var k any
		k, err = x509.ParsePKCS8PrivateKey(kb.Bytes)
		if err == nil {
			var ok bool
			if key, ok = k.(*ecdsa.PrivateKey); !ok {
				err = errors.New("not an ECDSA key")
			}
		}
	default:
		err = fmt.Errorf("unexpected PEM block %q", kb.Type)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", keyPath, err)
	}
	pub, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok || !pub.Equal(&key.PublicKey) {
		return nil, nil, fmt.Errorf("%s does not match %s", keyPath, certPath)
	}
	return cert, key, nil
}

func writePair(certPath, keyPath string, cert *x509.Certificate, key *ecdsa.PrivateKey) error {
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	if err := writeAtomic(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		return err
	}
	return writeAtomic(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o644)
}

// writeAtomic writes data to a temporary file in the same directory and
// renames it over path, so concurrent readers never see a partial file.
func writeAtomic(path string, data []byte, mode os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("certs: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := f.Chmod(mode); err != nil {
		f.Close()
		return fmt.Errorf("certs: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("certs: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("certs: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("certs: %w", err)
	}
	return nil
}
