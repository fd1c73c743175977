package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/cloudgate/cloudgate/auth"
)

// demoFiles are the credential files serve writes for the demo user.
type demoFiles struct {
	caFile      string
	gceKey      string
	gcloudSetup string
	envFile     string
}

// writeDemoFiles writes DATA_DIR/demo/{gce-key.json,gcloud-setup.sh,env.sh}
// for the demo user, pointing at base. They are rewritten on every start so
// a new --listen port is reflected everywhere.
func writeDemoFiles(ctx context.Context, c *Config, id *identity, base, caFile string) (*demoFiles, error) {
	p, err := id.dir.ByUserName(ctx, "", c.Auth.DemoUser)
	if err != nil {
		return nil, fmt.Errorf("demo user %q: %w", c.Auth.DemoUser, err)
	}
	dir := filepath.Join(c.DataDir, "demo")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	d := &demoFiles{
		caFile:      caFile,
		gceKey:      filepath.Join(dir, "gce-key.json"),
		gcloudSetup: filepath.Join(dir, "gcloud-setup.sh"),
		envFile:     filepath.Join(dir, "env.sh"),
	}
	if abs, err := filepath.Abs(d.gceKey); err == nil {
		d.gceKey = abs
	}
	if caFile != "" {
		if abs, err := filepath.Abs(caFile); err == nil {
			d.caFile = abs
		}
	}
	key, err := auth.NewServiceAccountKey(p, base+"/token", id.key)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(d.gceKey, key, 0o600); err != nil {
		return nil, err
	}
	project := p.Project
	if project == "" {
		project = strings.ToLower(p.Account)
	}
	if err := os.WriteFile(d.gcloudSetup, []byte(gcloudSetup(base, project, d.gceKey, d.caFile)), 0o700); err != nil {
		return nil, err
	}
	env := fmt.Sprintf("# aws CLI / boto3 settings for the cloudgate demo user %s\n"+
		"export AWS_ACCESS_KEY_ID=%s\nexport AWS_SECRET_ACCESS_KEY=%s\nexport AWS_DEFAULT_REGION=%s\nexport AWS_ENDPOINT_URL=%s\n",
		p.UserName, shellQuote(p.APIKey), shellQuote(p.SecretKey), shellQuote(c.Region), shellQuote(base))
	if d.caFile != "" {
		env += "export AWS_CA_BUNDLE=" + shellQuote(d.caFile) + "\n"
	}
	if err := os.WriteFile(d.envFile, []byte(env), 0o600); err != nil {
		return nil, err
	}
	return d, nil
}

// gcloudSetup returns the script that configures gcloud (in whatever
// CLOUDSDK_CONFIG points at) for the gateway. The project is set before the
// account is activated, so gcloud never asks cloudresourcemanager.
func gcloudSetup(base, project, keyFile, caFile string) string {
	var b strings.Builder
	b.WriteString("#!/bin/sh\n# Configure gcloud for cloudgate. Use a fresh config dir:\n#   export CLOUDSDK_CONFIG=$(mktemp -d); sh gcloud-setup.sh\nset -e\n")
	if caFile != "" {
		// requests (inside gcloud) lets these variables override the CA
		// that gcloud configures for token requests.
		b.WriteString("for v in REQUESTS_CA_BUNDLE CURL_CA_BUNDLE CLOUDSDK_CORE_CUSTOM_CA_CERTS_FILE; do\n" +
			"  eval \"x=\\${$v:-}\"\n  if [ -n \"$x\" ]; then echo \"warning: $v is set; unset it, or gcloud will not trust the cloudgate CA\" >&2; fi\ndone\n")
	}
	lines := [][]string{
		{"core/disable_usage_reporting", "true"},
		{"component_manager/disable_update_check", "true"},
		{"core/check_gce_metadata", "false"},
		{"core/should_prompt_to_enable_api", "false"},
		{"auth/service_account_disable_id_token_refresh", "true"},
		{"api_endpoint_overrides/compute", base + "/compute/v1/"},
		{"core/project", project},
	}
	if caFile != "" {
		lines = append(lines, []string{"core/custom_ca_certs_file", caFile})
	}
	for _, l := range lines {
		fmt.Fprintf(&b, "gcloud config set %s %s --quiet >/dev/null\n", l[0], shellQuote(l[1]))
	}
	fmt.Fprintf(&b, "gcloud auth activate-service-account --key-file %s --quiet\n", shellQuote(keyFile))
	return b.String()
}

func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func (gw *gateway) printDemo(w io.Writer) {
	d := gw.demo
	if d == nil {
		return
	}
	if d.caFile != "" {
		fmt.Fprintf(w, "CA certificate:          %s\n", d.caFile)
	}
	fmt.Fprintf(w, "GCE service-account key: %s\n", d.gceKey)
	fmt.Fprintf(w, "gcloud setup:            export CLOUDSDK_CONFIG=$(mktemp -d); sh %s\n", d.gcloudSetup)
	fmt.Fprintf(w, "aws CLI / boto3:         source %s\n", d.envFile)
}
