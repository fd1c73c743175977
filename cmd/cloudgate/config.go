package main

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// Config is cloudgate's whole configuration. Only package main reads it;
// libraries get their own Options built from it.
type Config struct {
	Listen       string `mapstructure:"listen"`
	DataDir      string `mapstructure:"data_dir"`
	InsecureHTTP bool   `mapstructure:"insecure_http"`
	// ExternalURL is the URL clients use to reach the gateway (selfLinks,
	// token_uri, demo files). Default: derived from Listen.
	ExternalURL string   `mapstructure:"external_url"`
	TLSNames    []string `mapstructure:"tls_names"`
	Region      string   `mapstructure:"region"`
	// InstanceTypeAliases are "ec2type=offering name" pairs, e.g.
	// "t3.micro=Small Instance" (default: the demo datacenter's offerings).
	InstanceTypeAliases []string `mapstructure:"instance_type_aliases"`
	LogLevel            string   `mapstructure:"log_level"`

	CloudStack CloudStackConfig `mapstructure:"cloudstack"`
	Simulator  SimulatorConfig  `mapstructure:"simulator"`
	Auth       AuthConfig       `mapstructure:"auth"`
	Limits     LimitsConfig     `mapstructure:"limits"`
}

// CloudStackConfig points the gateway at a real CloudStack.
type CloudStackConfig struct {
	URL         string        `mapstructure:"url"`
	AdminAPIKey string        `mapstructure:"admin_api_key"`
	AdminSecret string        `mapstructure:"admin_secret"`
	VerifySSL   bool          `mapstructure:"verify_ssl"`
	Timeout     time.Duration `mapstructure:"timeout"`
}

// SimulatorConfig configures the simulator (embedded or standalone).
type SimulatorConfig struct {
	Listen       string        `mapstructure:"listen"`
	Seed         string        `mapstructure:"seed"`
	Profile      string        `mapstructure:"profile"`
	State        string        `mapstructure:"state"`
	JobLatency   time.Duration `mapstructure:"job_latency"`
	ExpungeDelay time.Duration `mapstructure:"expunge_delay"`
}

// AuthConfig configures identity.
type AuthConfig struct {
	// Registry is a users file used instead of resolving keys through
	// CloudStack with the admin key.
	Registry   string `mapstructure:"registry"`
	AllowSigV2 bool   `mapstructure:"allow_sigv2"`
	// Key is the gateway secret shared by all replicas (signs tokens,
	// endorses service-account keys). Empty: DATA_DIR/gateway.key, created
	// on first start.
	Key string `mapstructure:"key"`
	// PreviousKey is the secret Key replaces in a rotation: what it issued
	// (tokens, service-account keys) is still accepted until PreviousUntil
	// (RFC 3339; required with PreviousKey), so replicas can be moved to
	// the new key one at a time.
	PreviousKey   string `mapstructure:"previous_key"`
	PreviousUntil string `mapstructure:"previous_until"`
	// DemoUser is the simulator user the demo files are written for.
	DemoUser string `mapstructure:"demo_user"`
}

// defaults are the values used when neither file, env nor flag sets a key.
var defaults = map[string]any{
	"listen":                "127.0.0.1:8443",
	"data_dir":              ".cloudgate",
	"insecure_http":         false,
	"region":                "cloudstack-1",
	"log_level":             "info",
	"cloudstack.timeout":    "60s",
	"cloudstack.verify_ssl": true,
	"simulator.listen":      "127.0.0.1:0",
	"auth.demo_user":        "demo",
	"instance_type_aliases": []string{"t3.micro=Small Instance", "t3.small=Medium Instance", "m5.large=Large Instance",
		// The types getting-started guides and tools default to.
		"t2.micro=Small Instance", "t2.small=Medium Instance", "t2.medium=Large Instance", "t3.medium=Large Instance"},
	"limits.max_body_bytes":   int64(2 << 20),
	"limits.max_header_bytes": 64 << 10,
	"limits.rate":             0.0,
	"limits.burst":            0,
	"limits.max_in_flight":    0,
}

// Load builds a Config from a flag set (already defined by the command),
// the environment and an optional YAML file. It is pure apart from reading
// the config file: env is passed in so tests can table-drive it.
func Load(fs *pflag.FlagSet, args []string, env func(string) (string, bool)) (*Config, error) {
	return load(fs, args, env, flagKeys)
}

func load(fs *pflag.FlagSet, args []string, env func(string) (string, bool), flagKeys map[string]string) (*Config, error) {
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	v := viper.New()
	for k, d := range defaults {
		v.SetDefault(k, d)
	}
	// Environment: CLOUDGATE_<KEY with . → _>, read through env so tests
	// need not touch the process environment.
	for _, k := range allKeys() {
		name := "CLOUDGATE_" + strings.ToUpper(strings.ReplaceAll(k, ".", "_"))
		if val, ok := env(name); ok {
			v.Set(k, val) // overridden below by explicitly set flags
		}
	}
	file, _ := fs.GetString("config")
	if file == "" {
		if f, ok := env("CLOUDGATE_CONFIG"); ok {
			file = f
		}
	}
	if file != "" {
		fv := viper.New()
		fv.SetConfigFile(file)
		if err := fv.ReadInConfig(); err != nil {
			return nil, fmt.Errorf("config file %s: %w", file, err)
		}
		// The file is the lowest-precedence source: apply only keys that
		// the environment did not set.
		for _, k := range fv.AllKeys() {
			if !envSet(k, env) {
				v.Set(k, fv.Get(k))
			}
		}
	}
	fs.Visit(func(f *pflag.Flag) {
		key, ok := flagKeys[f.Name]
		if !ok {
			return
		}
		if sv, ok := f.Value.(pflag.SliceValue); ok {
			v.Set(key, sv.GetSlice())
			return
		}
		v.Set(key, f.Value.String())
	})
	var c Config
	if err := v.Unmarshal(&c); err != nil {
		return nil, err
	}
	return &c, c.validate()
}

func envSet(key string, env func(string) (string, bool)) bool {
	_, ok := env("CLOUDGATE_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_")))
	return ok
}

// flagKeys maps flag names to config keys.
var flagKeys = map[string]string{
	"listen":              "listen",
	"data-dir":            "data_dir",
	"insecure-http":       "insecure_http",
	"external-url":        "external_url",
	"tls-name":            "tls_names",
	"region":              "region",
	"log-level":           "log_level",
	"cloudstack-url":      "cloudstack.url",
	"admin-api-key":       "cloudstack.admin_api_key",
	"admin-secret":        "cloudstack.admin_secret",
	"verify-ssl":          "cloudstack.verify_ssl",
	"cloudstack-timeout":  "cloudstack.timeout",
	"seed":                "simulator.seed",
	"profile":             "simulator.profile",
	"state":               "simulator.state",
	"job-latency":         "simulator.job_latency",
	"expunge-delay":       "simulator.expunge_delay",
	"simulator-listen":    "simulator.listen",
	"registry":            "auth.registry",
	"allow-sigv2":         "auth.allow_sigv2",
	"demo-user":           "auth.demo_user",
	"instance-type-alias": "instance_type_aliases",
	"auth-key":            "auth.key",
	"auth-previous-key":   "auth.previous_key",
	"auth-previous-until": "auth.previous_until",
	"max-body-bytes":      "limits.max_body_bytes",
	"max-header-bytes":    "limits.max_header_bytes",
	"rate-limit":          "limits.rate",
	"rate-burst":          "limits.burst",
	"max-in-flight":       "limits.max_in_flight",
}

func allKeys() []string {
	keys := []string{}
	seen := map[string]bool{}
	for k := range defaults {
		keys, seen[k] = append(keys, k), true
	}
	for _, k := range flagKeys {
		if !seen[k] {
			keys, seen[k] = append(keys, k), true
		}
	}
	return keys
}

func (c *Config) validate() error {
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		return fmt.Errorf("listen %q: %w", c.Listen, err)
	}
	if c.DataDir == "" {
		return errors.New("data_dir must not be empty")
	}
	if err := c.Limits.validate(); err != nil {
		return err
	}
	if (c.Auth.PreviousKey == "") != (c.Auth.PreviousUntil == "") {
		return errors.New("auth.previous_key and auth.previous_until go together")
	}
	if c.Auth.PreviousUntil != "" {
		if _, err := time.Parse(time.RFC3339, c.Auth.PreviousUntil); err != nil {
			return fmt.Errorf("auth.previous_until: %w", err)
		}
	}
	if c.CloudStack.URL != "" && (c.CloudStack.AdminAPIKey == "") != (c.CloudStack.AdminSecret == "") {
		return errors.New("cloudstack.admin_api_key and cloudstack.admin_secret go together")
	}
	return nil
}

// externalURL is the base URL clients use.
func (c *Config) externalURL(listenAddr string) string {
	if c.ExternalURL != "" {
		return strings.TrimRight(c.ExternalURL, "/")
	}
	scheme := "https"
	if c.InsecureHTTP {
		scheme = "http"
	}
	host, port, _ := net.SplitHostPort(listenAddr)
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}

// serveFlags defines the flags shared by serve-like commands.
func serveFlags(fs *pflag.FlagSet) {
	fs.String("config", "", "YAML config file (also CLOUDGATE_CONFIG)")
	fs.String("listen", "", "address to listen on (default 127.0.0.1:8443)")
	fs.String("data-dir", "", "directory for certificates, keys and demo files (default .cloudgate)")
	fs.Bool("insecure-http", false, "serve plain HTTP instead of TLS")
	fs.String("external-url", "", "URL clients use to reach the gateway (default derived from --listen)")
	fs.StringSlice("tls-name", nil, "extra DNS name or IP for the server certificate")
	fs.String("region", "", "GCE/EC2 region name the gateway presents (default cloudstack-1)")
	fs.String("log-level", "", "debug, info, warn or error")
	fs.String("cloudstack-url", "", "CloudStack API URL (…/client/api); empty = embedded simulator")
	fs.String("admin-api-key", "", "CloudStack admin API key (used only to resolve callers' keys)")
	fs.String("admin-secret", "", "CloudStack admin secret key")
	fs.Bool("verify-ssl", true, "verify CloudStack's TLS certificate")
	fs.Duration("cloudstack-timeout", 0, "bound on one CloudStack API call (default 60s)")
	fs.String("seed", "", "simulator seed file (instead of serve --profile)")
	fs.String("state", "", "simulator state file (state survives restarts)")
	fs.Duration("job-latency", 0, "simulator async job latency")
	fs.Duration("expunge-delay", 0, "simulator: override expunge.delay and expunge.interval (default: the profile's settings)")
	fs.String("simulator-listen", "", "address of the embedded simulator (default 127.0.0.1:0)")
	fs.String("registry", "", "users registry file (instead of resolving keys through CloudStack)")
	fs.Bool("allow-sigv2", false, "accept EC2 Signature Version 2")
	fs.String("demo-user", "", "simulator user the demo credential files are written for")
	fs.StringSlice("instance-type-alias", nil, "EC2 instance type alias as TYPE=OFFERING (repeatable; default t2.micro, t3.micro, t2.small, t3.small, t2.medium, t3.medium, m5.large → the demo offerings)")
	fs.String("auth-key", "", "gateway secret shared by replicas (prefer CLOUDGATE_AUTH_KEY; default DATA_DIR/gateway.key)")
	fs.String("auth-previous-key", "", "the gateway secret being rotated out (prefer CLOUDGATE_AUTH_PREVIOUS_KEY); accepted until --auth-previous-until")
	fs.String("auth-previous-until", "", "end of the key rotation's overlap window (RFC 3339, the same on every replica)")
	limitFlags(fs)
}
