package conformance

import (
	"strings"

	"github.com/spf13/pflag"
)

// BindFlags registers the `cloudgate-conformance` flags on fs, writing
// into c. Mapping:
//
//	--gce-endpoint URL     GCEEndpoint (compute v1 base, ending in "/")
//	--ec2-endpoint URL     EC2Endpoint
//	--gce-project NAME     GCEProject (default: the key file's project_id)
//	--gce-key-file PATH    GCEKeyFile (service-account JSON key)
//	--gce-token TOKEN      GCEToken (static bearer token)
//	--aws-access-key ID    AWSAccessKey
//	--aws-secret-key KEY   AWSSecret
//	--aws-region NAME      AWSRegion
//	--ca-file PATH         CAFile
//	--only NAME,...        Only (prefixes or globs, repeatable)
//	--skip NAME=REASON     Skip (repeatable)
//	--timeout DURATION     Timeout (per scenario)
//	--target TEXT          Target
//
// Progress is not a flag: the command sets it (os.Stderr unless quiet).
// Credentials left empty can be filled from AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY and AWS_DEFAULT_REGION by the command before Run.
func (c *Config) BindFlags(fs *pflag.FlagSet) {
	fs.StringVar(&c.GCEEndpoint, "gce-endpoint", c.GCEEndpoint, "GCE compute v1 base URL, e.g. https://127.0.0.1:8443/compute/v1/ (empty: skip GCE)")
	fs.StringVar(&c.EC2Endpoint, "ec2-endpoint", c.EC2Endpoint, "EC2 Query endpoint URL, e.g. https://127.0.0.1:8443/ (empty: skip EC2)")
	fs.StringVar(&c.GCEProject, "gce-project", c.GCEProject, "GCE project (default: project_id of --gce-key-file)")
	fs.StringVar(&c.GCEKeyFile, "gce-key-file", c.GCEKeyFile, "service-account JSON key whose token_uri points at the gateway")
	fs.StringVar(&c.GCEToken, "gce-token", c.GCEToken, "static OAuth2 bearer token for GCE (when no key file)")
	fs.StringVar(&c.AWSAccessKey, "aws-access-key", c.AWSAccessKey, "AWS access key ID for EC2")
	fs.StringVar(&c.AWSSecret, "aws-secret-key", c.AWSSecret, "AWS secret access key for EC2")
	fs.StringVar(&c.AWSRegion, "aws-region", c.AWSRegion, "AWS region for EC2 signing")
	fs.StringVar(&c.CAFile, "ca-file", c.CAFile, "PEM CA bundle to trust (e.g. <data-dir>/ca.pem)")
	fs.StringSliceVar(&c.Only, "only", c.Only, "run only scenarios with these name prefixes or globs (e.g. ec2, gce/instances, */errors)")
	fs.Var(&skipFlag{m: &c.Skip}, "skip", "NAME=REASON: report scenario NAME (or glob) as a known divergence (repeatable)")
	fs.DurationVar(&c.Timeout, "timeout", c.Timeout, "bound per scenario, waits included (0: 3m)")
	fs.StringVar(&c.Target, "target", c.Target, "free text naming the system under test, copied into the report")
}

// skipFlag is a repeatable NAME=REASON flag filling Config.Skip.
type skipFlag struct{ m *map[string]string }

func (f *skipFlag) String() string {
	if f.m == nil || *f.m == nil {
		return ""
	}
	var parts []string
	for k, v := range *f.m {
		parts = append(parts, k+"="+v)
	}
	return strings.Join(parts, ",")
}

func (f *skipFlag) Set(v string) error {
	name, reason, _ := strings.Cut(v, "=")
	if *f.m == nil {
		*f.m = map[string]string{}
	}
	if reason == "" {
		reason = "skipped by --skip"
	}
	(*f.m)[name] = reason
	return nil
}

func (f *skipFlag) Type() string { return "name=reason" }
