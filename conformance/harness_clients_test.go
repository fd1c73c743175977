package conformance

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// GcloudEnv returns a hermetic environment for the gcloud CLI, configured
// for the gateway exactly as a newcomer does it: a fresh CLOUDSDK_CONFIG
// and `sh DATA_DIR/demo/gcloud-setup.sh`, which activates the demo
// service-account key through the gateway's OAuth2 token endpoint (TLS with
// the gateway's CA).
func (g *Gateway) GcloudEnv(t testing.TB) []string {
	t.Helper()
	requireTool(t, "gcloud")
	env := hermeticEnv(map[string]string{"CLOUDSDK_CONFIG": t.TempDir()})
	script := filepath.Join(g.DataDir, "demo", "gcloud-setup.sh")
	if _, err := os.Stat(script); err != nil {
		t.Fatalf("demo gcloud setup script missing: %v", err)
	}
	out, errOut, err := run(t, env, 3*time.Minute, "sh", script)
	if err != nil {
		t.Fatalf("gcloud-setup.sh: %v\n%s\n%s", err, out, errOut)
	}
	return env
}

// AWSEnv returns a hermetic environment for the aws CLI and boto3: the
// exports of DATA_DIR/demo/env.sh plus config and credentials files that
// point nowhere, so nothing from the developer's ~/.aws leaks in.
func (g *Gateway) AWSEnv(t testing.TB) []string {
	t.Helper()
	dir := t.TempDir()
	extra := map[string]string{
		"AWS_CONFIG_FILE":             filepath.Join(dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
		"AWS_EC2_METADATA_DISABLED":   "true",
		"AWS_PAGER":                   "",
	}
	for k, v := range g.Env {
		extra[k] = v
	}
	if extra["AWS_ACCESS_KEY_ID"] == "" {
		t.Fatalf("demo env.sh has no AWS credentials:\n%s", g.Output())
	}
	return hermeticEnv(extra)
}
