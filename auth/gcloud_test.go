package auth

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestGcloud drives the real gcloud: activate a service-account key written
// by NewServiceAccountKey against the TokenServer, then check that the
// access token gcloud prints is accepted by AuthenticateBearer. Skipped when
// gcloud is not installed, unless CI=true.
func TestGcloud(t *testing.T) {
	gcloud, err := exec.LookPath("gcloud")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("gcloud not found and CI=true")
		}
		t.Skip("gcloud not installed")
	}
	if testing.Short() {
		t.Skip("short mode")
	}
	f := newFixture(t, true)
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "key.json")
	if err := os.WriteFile(keyFile, f.saKey(t, f.demo), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(t *testing.T, cfgDir string, args ...string) string {
		t.Helper()
		cmd := exec.Command(gcloud, args...)
		cmd.Env = append(os.Environ(), "CLOUDSDK_CONFIG="+cfgDir, "CLOUDSDK_CORE_DISABLE_PROMPTS=1", "HOME="+dir,
			"GCE_METADATA_ROOT=127.0.0.1:9", "GCE_METADATA_IP=127.0.0.1:9") // fail the metadata probe fast
		start := time.Now()
		out, err := cmd.Output()
		t.Logf("gcloud %s: %s", args[0]+" "+args[1], time.Since(start).Round(time.Millisecond))
		if err != nil {
			var stderr string
			if ee, ok := err.(*exec.ExitError); ok {
				stderr = string(ee.Stderr)
			}
			t.Fatalf("gcloud %s: %v\n%s%s", strings.Join(args, " "), err, out, stderr)
		}
		return strings.TrimSpace(string(out))
	}
	setupWith := func(t *testing.T, name string, activate []string, props ...string) string {
		// Write the properties directly (one gcloud start-up each is slow);
		// the project is set before activation, which avoids a
		// cloudresourcemanager lookup (client-wire-traces §2(d)).
		cfgDir := filepath.Join(dir, name)
		sections := map[string][]string{
			"core":              {"check_gce_metadata = false", "disable_usage_reporting = true", "project = demo"},
			"component_manager": {"disable_update_check = true"},
		}
		for i := 0; i < len(props); i += 2 {
			sec, key, _ := strings.Cut(props[i], "/")
			sections[sec] = append(sections[sec], key+" = "+props[i+1])
		}
		var ini strings.Builder
		for sec, lines := range sections {
			ini.WriteString("[" + sec + "]\n" + strings.Join(lines, "\n") + "\n")
		}
		os.MkdirAll(filepath.Join(cfgDir, "configurations"), 0o700)
		os.WriteFile(filepath.Join(cfgDir, "active_config"), []byte("default"), 0o600)
		os.WriteFile(filepath.Join(cfgDir, "configurations", "config_default"), []byte(ini.String()), 0o600)
		if len(activate) > 0 {
			run(t, cfgDir, activate...)
		}
		return cfgDir
	}
	setup := func(t *testing.T, name string, props ...string) string {
		return setupWith(t, name, []string{"auth", "activate-service-account", "--key-file", keyFile}, props...)
	}

	t.Run("token endpoint", func(t *testing.T) {
		cfgDir := setup(t, "cfg1")
		tok := run(t, cfgDir, "auth", "print-access-token")
		if !strings.HasPrefix(tok, tokenPrefix) {
			t.Fatalf("print-access-token: %q", tok)
		}
		p, err := f.bearer(t, tok)
		if err != nil || p.UserName != "demo" || p.Project != "demo" {
			t.Fatalf("bearer: %v %v", p, err)
		}
	})

	t.Run("self-signed JWT", func(t *testing.T) {
		cfgDir := setup(t, "cfg2", "auth/service_account_use_self_signed_jwt", "true", "auth/service_account_disable_id_token_refresh", "true")
		tok := run(t, cfgDir, "auth", "print-access-token")
		if !looksLikeJWT(tok) {
			t.Skipf("gcloud printed a non-JWT token in self-signed mode: %.20q", tok)
		}
		if p, err := f.bearer(t, tok); err != nil || p.UserName != "demo" {
			t.Fatalf("bearer: %v %v", p, err)
		}
	})

	t.Run("authorized user", func(t *testing.T) {
		js, err := f.ts.NewAuthorizedUser(f.demo, "", "")
		if err != nil {
			t.Fatal(err)
		}
		credFile := filepath.Join(dir, "user.json")
		os.WriteFile(credFile, js, 0o600)
		// gcloud refuses authorized_user files in `auth login --cred-file`;
		// auth/credential_file_override takes them, but gcloud ignores
		// their token_uri: auth/token_host must point at the gateway.
		cfgDir := setupWith(t, "cfg3", nil, "auth/credential_file_override", credFile,
			"auth/token_host", f.srv.URL+"/token")
		tok := run(t, cfgDir, "auth", "print-access-token")
		if p, err := f.bearer(t, tok); err != nil || p.UserName != "demo" {
			t.Fatalf("bearer %.12q: %v %v", tok, p, err)
		}
	})
}
