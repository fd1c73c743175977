package certs

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"
)

// TestExternalVerifiers checks the chain with the TLS stacks the real
// clients use: Python's ssl (gcloud, aws CLI) with VERIFY_X509_STRICT, and
// openssl verify -x509_strict. Each is skipped when not installed.
func TestExternalVerifiers(t *testing.T) {
	b, err := Init(t.TempDir(), []string{"gw.example.test"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") }))
	srv.TLS = b.TLSConfig()
	srv.StartTLS()
	defer srv.Close()

	t.Run("python ssl strict", func(t *testing.T) {
		py, err := exec.LookPath("python3")
		if err != nil {
			t.Skip("python3 not installed")
		}
		script := `import ssl,sys,urllib.request
ctx=ssl.create_default_context(cafile=sys.argv[2])
ctx.verify_flags |= getattr(ssl,"VERIFY_X509_STRICT",0)
for host in ("localhost","127.0.0.1"):
    print(urllib.request.urlopen(sys.argv[1].replace("127.0.0.1",host),context=ctx).read().decode())`
		out, err := exec.Command(py, "-c", script, srv.URL, b.CAPath).CombinedOutput()
		if err != nil || strings.Count(string(out), "ok") != 2 {
			t.Fatalf("%v\n%s", err, out)
		}
	})
	t.Run("openssl verify strict", func(t *testing.T) {
		ossl, err := exec.LookPath("openssl")
		if err != nil {
			t.Skip("openssl not installed")
		}
		out, err := exec.Command(ossl, "verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", b.CAPath, b.CertPath).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "OK") {
			t.Fatalf("%v\n%s", err, out)
		}
	})
}
