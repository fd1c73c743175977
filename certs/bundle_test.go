package certs

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestInitCreatesVerifiableChain(t *testing.T) {
	dir := t.TempDir()
	b, err := Init(dir, []string{"gw.example.test", "10.1.2.3", "GW.example.test", ""})
	if err != nil {
		t.Fatal(err)
	}
	if !b.CreatedCA || !b.Reissued {
		t.Fatalf("fresh dir: CreatedCA=%v Reissued=%v", b.CreatedCA, b.Reissued)
	}
	for _, name := range []string{"localhost", "127.0.0.1", "::1", "gw.example.test", "10.1.2.3"} {
		if !slices.Contains(b.Names, name) {
			t.Errorf("SAN %q missing from %v", name, b.Names)
		}
		if _, err := b.Leaf.Verify(x509.VerifyOptions{DNSName: name, Roots: b.CAPool()}); err != nil {
			t.Errorf("verify for %q: %v", name, err)
		}
	}
	if _, err := b.Leaf.Verify(x509.VerifyOptions{DNSName: "other.example.test", Roots: b.CAPool()}); err == nil {
		t.Error("leaf verified for a name it does not carry")
	}
	if len(b.Leaf.DNSNames) != 2 { // localhost, gw.example.test (deduplicated, lower-cased)
		t.Errorf("DNSNames = %v", b.Leaf.DNSNames)
	}
	for _, f := range []string{CAKeyFile, ServerKeyFile} {
		st, err := os.Stat(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v, want 0600", f, st.Mode().Perm())
		}
	}
	if !strings.HasPrefix(string(b.CAPEM()), "-----BEGIN CERTIFICATE-----") {
		t.Error("CAPEM is not PEM")
	}
	if s := fmt.Sprintf("%v %+v %#v", b, b, b); strings.Contains(s, "PRIVATE") || strings.Contains(s, "D:") {
		t.Errorf("formatting leaks key material: %s", s)
	}
}

func TestTLSHandshake(t *testing.T) {
	b, err := Init(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello "+r.TLS.ServerName)
	}))
	srv.TLS = b.TLSConfig()
	srv.StartTLS()
	defer srv.Close()

	for _, host := range []string{"localhost", "127.0.0.1"} {
		cfg := b.ClientTLSConfig()
		cfg.ServerName = host
		client := &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}}
		resp, err := client.Get(srv.URL)
		if err != nil {
			t.Fatalf("%s: %v", host, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.HasPrefix(string(body), "hello") {
			t.Errorf("%s: body %q", host, body)
		}
		if resp.TLS == nil || len(resp.TLS.PeerCertificates) == 0 {
			t.Fatalf("%s: no peer certificates", host)
		}
	}

	// A client that does not trust the CA must fail.
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: x509.NewCertPool()}}}
	if resp, err := client.Get(srv.URL); err == nil {
		resp.Body.Close()
		t.Fatal("handshake succeeded without trusting the CA")
	}
}

func TestReloadIdempotent(t *testing.T) {
	dir := t.TempDir()
	b1, err := Init(dir, []string{"a.test"})
	if err != nil {
		t.Fatal(err)
	}
	b2, err := Init(dir, []string{"a.test"})
	if err != nil {
		t.Fatal(err)
	}
	if b2.CreatedCA || b2.Reissued {
		t.Fatalf("second Init rewrote files: CreatedCA=%v Reissued=%v", b2.CreatedCA, b2.Reissued)
	}
	if !b1.CA.Equal(b2.CA) || !b1.Leaf.Equal(b2.Leaf) {
		t.Fatal("second Init returned different certificates")
	}
	// Fewer names than the leaf carries: still kept.
	b3, err := Init(dir, nil)
	if err != nil || b3.Reissued {
		t.Fatalf("subset of names: err=%v reissued=%v", err, b3 != nil && b3.Reissued)
	}
	// A new name: the leaf is re-issued under the same CA.
	b4, err := Init(dir, []string{"a.test", "b.test"})
	if err != nil {
		t.Fatal(err)
	}
	if !b4.Reissued || b4.CreatedCA || !b4.CA.Equal(b1.CA) {
		t.Fatalf("new SAN: reissued=%v createdCA=%v sameCA=%v", b4.Reissued, b4.CreatedCA, b4.CA.Equal(b1.CA))
	}
	if _, err := b4.Leaf.Verify(x509.VerifyOptions{DNSName: "b.test", Roots: b1.CAPool()}); err != nil {
		t.Fatal(err)
	}
}

func TestRenewSoonExpiring(t *testing.T) {
	dir := t.TempDir()
	past := time.Now().Add(-ServerValidity + RenewBefore/2)
	b1, err := initAt(dir, nil, past)
	if err != nil {
		t.Fatal(err)
	}
	b2, err := Init(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !b2.Reissued || b2.Leaf.Equal(b1.Leaf) {
		t.Fatal("leaf expiring within RenewBefore was not re-issued")
	}
	if time.Until(b2.Leaf.NotAfter) < ServerValidity-2*time.Hour {
		t.Fatalf("new leaf NotAfter %v too early", b2.Leaf.NotAfter)
	}
}

func TestCorruptFiles(t *testing.T) {
	dir := t.TempDir()
	if _, err := Init(dir, nil); err != nil {
		t.Fatal(err)
	}
	// A corrupt leaf is replaced.
	os.WriteFile(filepath.Join(dir, ServerFile), []byte("garbage"), 0o644)
	b, err := Init(dir, nil)
	if err != nil || !b.Reissued {
		t.Fatalf("corrupt leaf: err=%v", err)
	}
	// A corrupt CA is an error (never silently replaced: clients trust it).
	os.WriteFile(filepath.Join(dir, CAFile), []byte("garbage"), 0o644)
	if _, err := Init(dir, nil); err == nil {
		t.Fatal("corrupt CA accepted")
	}
	// A leaf signed by another CA is re-issued.
	dir2 := t.TempDir()
	if _, err := Init(dir2, nil); err != nil {
		t.Fatal(err)
	}
	other := t.TempDir()
	if _, err := Init(other, nil); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{ServerFile, ServerKeyFile} {
		data, _ := os.ReadFile(filepath.Join(other, f))
		os.WriteFile(filepath.Join(dir2, f), data, 0o600)
	}
	b, err = Init(dir2, nil)
	if err != nil || !b.Reissued {
		t.Fatalf("foreign leaf: err=%v reissued=%v", err, b != nil && b.Reissued)
	}
}
