package ec2compat_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/smithy-go"
	"github.com/gin-gonic/gin"

	"github.com/cloudgate/cloudgate/ec2compat"
	"github.com/cloudgate/cloudgate/simulator"
	"github.com/cloudgate/cloudgate/translate"
	"github.com/cloudgate/cloudgate/translate/csbackend"
)

// testEnv is a gateway (gin + ec2compat) over a real translate.Service
// over csbackend over an in-memory simulator.
type testEnv struct {
	sim      *simulator.Server
	svc      *translate.Service
	ts       *httptest.Server
	demo     *translate.Principal
	ec2      *ec2.Client
	requests atomic.Int64
	cs       *csCounter // CloudStack calls and listed items
}

// Access keys the test authenticator maps to errors.
var authErrors = map[string]translate.Kind{
	"AKIDUNKNOWN":   translate.Unauthenticated,
	"AKIDBADSIG":    translate.SignatureMismatch,
	"AKIDEXPIRED":   translate.Expired,
	"AKIDDENIED":    translate.PermissionDenied,
	"AKIDTHROTTLED": translate.Throttled,
	"AKIDDOWN":      translate.Unavailable,
}

func mustEnv(t testing.TB) *testEnv {
	t.Helper()
	return mustEnvWith(t, nil)
}

// isolatedSeed is the sandbox profile (an Advanced zone without security
// groups: Isolated networks, public IPs) with its zone named zone1: CloudStack
// has no public IPs or Isolated networks in a zone with security groups.
func isolatedSeed(t testing.TB) *simulator.Seed {
	t.Helper()
	seed, err := simulator.ProfileSeed(simulator.ProfileSandbox)
	if err != nil {
		t.Fatal(err)
	}
	seed.Zones[0].Name = "zone1"
	return seed
}

// mustEnvWith is mustEnv over seed (nil: the demo-recommended profile).
func mustEnvWith(t testing.TB, seed *simulator.Seed) *testEnv {
	t.Helper()
	sim, err := simulator.New(&simulator.Options{NoListener: true, Seed: seed, Profile: simulator.ProfileDemoRecommended})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	adminKey, adminSecret, _ := sim.UserKeys("admin")
	hc := *sim.HTTPClient()
	counter := newCSCounter(hc.Transport)
	hc.Transport = counter
	opts := &csbackend.Options{HTTPClient: &hc, AdminAPIKey: adminKey, AdminSecret: adminSecret}
	svc := translate.New(csbackend.New(sim.URL(), opts), &translate.Options{JobPollInterval: 5 * time.Millisecond})
	demoKey, _, ok := sim.UserKeys("demo")
	if !ok {
		t.Fatal("no demo user in the simulator seed")
	}
	demo, err := csbackend.NewDirectory(sim.URL(), opts).ByAPIKey(context.Background(), demoKey)
	if err != nil {
		t.Fatalf("resolve demo principal: %v", err)
	}
	e := &testEnv{sim: sim, svc: svc, demo: demo, cs: counter}
	gin.SetMode(gin.TestMode)
	r := gin.New()
	ec2compat.Register(r, svc, &ec2compat.Options{
		Region:              "local-1",
		InstanceTypeAliases: map[string]string{"t3.micro": "Small Instance", "t3.small": "Medium Instance", "m5.large": "Large Instance"},
		Logger:              slog.New(slog.NewTextHandler(io.Discard, nil)),
		Authenticate:        e.authenticate,
		Accounts:            csbackend.NewDirectory(sim.URL(), opts),
	})
	e.ts = httptest.NewServer(r)
	t.Cleanup(e.ts.Close)
	e.ec2 = e.client("AKIDDEMO", 1)
	return e
}

// authenticate is the test Authenticate: it checks the body is
// re-readable, then maps special access keys to errors and everything
// else to the demo principal.
func (e *testEnv) authenticate(r *http.Request) (*translate.Principal, error) {
	e.requests.Add(1)
	if r.GetBody == nil {
		return nil, errors.New("body not re-readable")
	}
	b, _ := io.ReadAll(r.Body)
	if r.Method == http.MethodPost && len(b) == 0 && r.ContentLength > 0 {
		return nil, errors.New("body consumed")
	}
	auth := r.Header.Get("Authorization")
	for key, kind := range authErrors {
		if strings.Contains(auth, "Credential="+key+"/") {
			return nil, &translate.Error{Kind: kind, Message: "test authenticator: " + kind.String()}
		}
	}
	if strings.Contains(auth, "Credential=AKIDINTERNAL/") {
		return nil, errors.New("unexpected failure")
	}
	return e.demo, nil
}

// client returns an SDK client with the given access key and attempts.
func (e *testEnv) client(accessKey string, attempts int) *ec2.Client {
	return ec2.New(ec2.Options{
		Region:       "local-1",
		BaseEndpoint: aws.String(e.ts.URL),
		HTTPClient:   e.ts.Client(),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: accessKey, SecretAccessKey: "secret", Source: "test"}, nil
		}),
		Retryer: connectionRetryer(attempts),
	})
}

// connectionRetryer is the SDK's standard retryer with attempts tries,
// except that a single-attempt client still retries connection errors,
// as every default SDK client does: on loopback, aws-sdk-go-v2 now and
// then reads a 200 answer on a connection the transport closed ("use of
// closed network connection", aws/aws-sdk-go-v2#1825 and #2737), which
// its default retryer treats as a connection error. Answers are never
// retried, so tests of error codes and request counts keep one attempt.
func connectionRetryer(attempts int) aws.Retryer {
	if attempts > 1 {
		return retry.NewStandard(func(o *retry.StandardOptions) { o.MaxAttempts = attempts })
	}
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = 3
		o.Retryables = []retry.IsErrorRetryable{retry.RetryableConnectionError{}}
	})
}

// wantCode asserts err is an API error with the code.
func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want %s, got %v", code, err)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("want %s, got %s: %s", code, ae.ErrorCode(), ae.ErrorMessage())
	}
}

func must[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// simAdmin calls a simulator API command as the admin (for fault
// injection).
func (e *testEnv) simAdmin(t testing.TB, params map[string]string) {
	t.Helper()
	key, secret, _ := e.sim.UserKeys("admin")
	params["apiKey"] = key
	params["response"] = "json"
	q := url.Values{}
	for k, v := range params {
		q.Set(k, v)
	}
	q.Set("signature", simulator.Sign(params, secret))
	resp, err := e.sim.HTTPClient().Get(e.sim.URL() + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("simulator %s: %d %s", params["command"], resp.StatusCode, b)
	}
}

// rawCall posts a form to the gateway and returns status and body.
func (e *testEnv) rawCall(t testing.TB, form string) (int, string) {
	t.Helper()
	resp, err := e.ts.Client().Post(e.ts.URL+"/", "application/x-www-form-urlencoded; charset=utf-8", strings.NewReader(form))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}
