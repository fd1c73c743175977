package conformance

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	compute "google.golang.org/api/compute/v1"
)

// Config says which endpoints Run drives and how. Each field lists the
// `cloudgate-conformance` flag that sets it (see BindFlags).
type Config struct {
	// GCEEndpoint is the compute v1 base URL, ending in "/", e.g.
	// "https://127.0.0.1:8443/compute/v1/" (--gce-endpoint). Empty skips
	// every GCE scenario.
	GCEEndpoint string
	// EC2Endpoint is the EC2 Query endpoint, e.g. "https://127.0.0.1:8443/"
	// (--ec2-endpoint). Empty skips every EC2 scenario.
	EC2Endpoint string
	// GCEProject is the project (--gce-project); defaults to the key
	// file's project_id.
	GCEProject string
	// GCEKeyFile is a service-account JSON key whose token_uri points at
	// the gateway's token server (--gce-key-file).
	GCEKeyFile string
	// GCEToken is a static OAuth2 bearer token, used when GCEKeyFile is
	// empty (--gce-token).
	GCEToken string
	// AWSAccessKey, AWSSecret and AWSRegion sign EC2 requests
	// (--aws-access-key, --aws-secret-key, --aws-region).
	AWSAccessKey, AWSSecret, AWSRegion string
	// CAFile is a PEM bundle trusted for TLS besides the system roots
	// (--ca-file).
	CAFile string
	// Only restricts the run to scenarios whose name has one of these
	// prefixes or matches one of these path.Match globs, e.g. "ec2",
	// "gce/instances", "*/errors" (--only, repeatable or comma-separated).
	Only []string
	// Skip marks scenarios (exact names or globs) as known divergences:
	// they are reported as skipped with the given reason (--skip
	// NAME=REASON, repeatable).
	Skip map[string]string
	// Timeout bounds each scenario, its waits included (--timeout;
	// default 3m). Cleanups get a fresh budget of the same length.
	Timeout time.Duration
	// Progress receives one line per scenario; when it is a terminal the
	// line is updated live with the current step (--progress/--quiet in
	// the command decide whether it is os.Stderr or nil).
	Progress io.Writer
	// Target is free text naming the system under test, copied into the
	// report (--target).
	Target string
	// HTTPClient, when set, is the base client for both APIs (tests); by
	// default a client trusting CAFile is built.
	HTTPClient *http.Client
}

// DefaultTimeout bounds a scenario when Config.Timeout is zero.
const DefaultTimeout = 3 * time.Minute

// env is what scenarios share during one Run.
type env struct {
	cfg    Config
	ec2    *ec2.Client
	gce    *compute.Service
	caps   map[string]Capability
	runID  string // lower-case random tag embedded in resource names
	ec2cat *ec2Catalog
	gcecat *gceCatalog
}

func (e *env) timeout() time.Duration {
	if e.cfg.Timeout > 0 {
		return e.cfg.Timeout
	}
	return DefaultTimeout
}

// waitTimeout bounds one WaitFor: most of the scenario budget.
func (e *env) waitTimeout() time.Duration { return e.timeout() * 3 / 4 }

// name returns a unique GCE/EC2-safe resource name: "cgc-<run>-<suffix>".
func (e *env) name(suffix string) string { return "cgc-" + e.runID + "-" + suffix }

// Run executes the selected scenarios against the configured endpoints
// and returns the report, the compatibility matrix included. Failed
// scenarios are not an error: check Report.Failed or Report.Regressions.
// The error is for an unusable Config (nothing to test, unreadable key or
// CA file) or a cancelled ctx.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.GCEEndpoint == "" && cfg.EC2Endpoint == "" {
		return nil, errors.New("conformance: no endpoint configured (set GCEEndpoint and/or EC2Endpoint)")
	}
	hc, err := cfg.httpClient()
	if err != nil {
		return nil, err
	}
	e := &env{cfg: cfg, caps: map[string]Capability{}, runID: randomID(6)}
	if cfg.EC2Endpoint != "" {
		e.ec2 = newEC2Client(cfg, hc)
	}
	if cfg.GCEEndpoint != "" {
		if e.gce, e.cfg.GCEProject, err = newGCEService(ctx, cfg, hc); err != nil {
			return nil, err
		}
	}
	rep := &Report{Target: cfg.Target, Started: time.Now().UTC().Truncate(time.Second)}
	discoverCapabilities(ctx, e)
	rep.Capabilities = e.caps
	pr := newProgress(cfg.Progress)
	usage := newUsage()
	for _, sc := range allScenarios() {
		if !selected(cfg.Only, sc.name) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var res Result
		var calls []call
		if reason, skip := e.skipReason(sc); skip {
			res = Result{API: sc.api, Scenario: sc.name, Operations: sc.ops, Status: StatusSkip, Reason: reason}
		} else {
			pr.start(sc.name)
			res, calls = execute(ctx, e, sc, func(step string) { pr.step(sc.name, step) })
		}
		pr.done(res)
		rep.Results = append(rep.Results, res)
		usage.add(res, calls)
	}
	rep.RoutesSource, rep.Matrix = buildMatrix(ctx, e, hc, usage)
	rep.Duration = time.Since(rep.Started)
	rep.fill()
	return rep, nil
}

// skipReason decides, before running, whether a scenario is skipped.
func (e *env) skipReason(sc scenario) (string, bool) {
	for pat, reason := range e.cfg.Skip {
		if pat == sc.name || globMatch(pat, sc.name) {
			return "known divergence: " + reason, true
		}
	}
	switch {
	case sc.api == "ec2" && e.ec2 == nil:
		return "no EC2 endpoint configured", true
	case sc.api == "gce" && e.gce == nil:
		return "no GCE endpoint configured", true
	}
	for _, n := range sc.needs {
		if c := e.caps[n]; !c.Supported {
			return fmt.Sprintf("capability %s not available: %s", n, c.Detail), true
		}
	}
	return "", false
}

// selected applies Config.Only.
func selected(only []string, name string) bool {
	if len(only) == 0 {
		return true
	}
	for _, o := range only {
		if o == name || strings.HasPrefix(name, strings.TrimSuffix(o, "/")+"/") || globMatch(o, name) {
			return true
		}
	}
	return false
}

func globMatch(pat, name string) bool {
	ok, err := path.Match(pat, name)
	return err == nil && ok
}

// httpClient builds the base client: TLS trusting CAFile plus the system
// roots.
func (c Config) httpClient() (*http.Client, error) {
	if c.HTTPClient != nil {
		return c.HTTPClient, nil
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if c.CAFile != "" {
		pem, err := os.ReadFile(c.CAFile)
		if err != nil {
			return nil, fmt.Errorf("conformance: CA file: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("conformance: no certificates in %s", c.CAFile)
		}
		tr.TLSClientConfig = &tls.Config{RootCAs: pool}
	}
	return &http.Client{Transport: tr, Timeout: 2 * time.Minute}, nil
}

// randomID returns n random characters from [a-z0-9].
func randomID(n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// randomUUID returns a random RFC 4122 version 4 UUID.
func randomUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// allScenarios is the full scenario list, GCE first, in run order.
func allScenarios() []scenario {
	return append(gceScenarios(), ec2Scenarios()...)
}
