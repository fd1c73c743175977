package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/spf13/pflag"
)

// Ensure precedence is file < env < flags, and defaults apply.
func TestLoadPrecedence(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "cloudgate.yaml")
	if err := os.WriteFile(file, []byte("listen: 127.0.0.1:9001\nregion: from-file\ndata_dir: /file\ncloudstack:\n  url: http://file/client/api\n  admin_api_key: k\n  admin_secret: s\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		env    map[string]string
		check  func(*Config) string
		errors bool
	}{
		{
			name: "defaults",
			check: func(c *Config) string {
				if c.Listen != "127.0.0.1:8443" || c.DataDir != ".cloudgate" || c.InsecureHTTP || c.CloudStack.URL != "" {
					return "unexpected defaults"
				}
				return ""
			},
		},
		{
			name: "file",
			args: []string{"--config", file},
			check: func(c *Config) string {
				if c.Listen != "127.0.0.1:9001" || c.Region != "from-file" || c.CloudStack.URL != "http://file/client/api" {
					return "file values not applied"
				}
				return ""
			},
		},
		{
			name: "env beats file",
			args: []string{"--config", file},
			env:  map[string]string{"CLOUDGATE_REGION": "from-env", "CLOUDGATE_CLOUDSTACK_URL": "http://env/client/api"},
			check: func(c *Config) string {
				if c.Region != "from-env" || c.CloudStack.URL != "http://env/client/api" || c.Listen != "127.0.0.1:9001" {
					return "env did not win over file"
				}
				return ""
			},
		},
		{
			name: "flags beat env",
			args: []string{"--config", file, "--region", "from-flag", "--insecure-http", "--tls-name", "a.example,b.example"},
			env:  map[string]string{"CLOUDGATE_REGION": "from-env", "CLOUDGATE_INSECURE_HTTP": "false"},
			check: func(c *Config) string {
				if c.Region != "from-flag" || !c.InsecureHTTP || len(c.TLSNames) != 2 {
					return "flags did not win"
				}
				return ""
			},
		},
		{
			name: "config file from env",
			env:  map[string]string{"CLOUDGATE_CONFIG": file},
			check: func(c *Config) string {
				if c.DataDir != "/file" {
					return "CLOUDGATE_CONFIG not read"
				}
				return ""
			},
		},
		{name: "bad listen", args: []string{"--listen", "nonsense"}, errors: true},
		{name: "half admin key", args: []string{"--cloudstack-url", "http://x", "--admin-api-key", "k"}, errors: true},
		{name: "unknown flag", args: []string{"--nope"}, errors: true},
		{name: "previous key without window", env: map[string]string{"CLOUDGATE_AUTH_PREVIOUS_KEY": "the old gateway secret"}, errors: true},
		{name: "bad window end", args: []string{"--auth-previous-key", "the old gateway secret", "--auth-previous-until", "tomorrow"}, errors: true},
		{
			name: "key rotation",
			args: []string{"--auth-previous-until", "2030-01-02T03:04:05Z"},
			env:  map[string]string{"CLOUDGATE_AUTH_PREVIOUS_KEY": "the old gateway secret"},
			check: func(c *Config) string {
				if c.Auth.PreviousKey != "the old gateway secret" || c.Auth.PreviousUntil != "2030-01-02T03:04:05Z" {
					return "rotation settings not read"
				}
				return ""
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
			serveFlags(fs)
			env := func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok }
			c, err := Load(fs, tt.args, env)
			if tt.errors {
				if err == nil {
					t.Fatal("expected an error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if msg := tt.check(c); msg != "" {
				t.Errorf("%s: %+v", msg, c)
			}
		})
	}
}
