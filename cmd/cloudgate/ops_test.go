package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudgate/cloudgate/translate"
	"github.com/gin-gonic/gin"
	"github.com/spf13/pflag"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// testEngine is newEngine with stand-ins for the EC2 and GCE handlers.
func testEngine(t *testing.T, lim LimitsConfig, csURL string) (*gin.Engine, *ops, *lockedBuffer) {
	t.Helper()
	logs := &lockedBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	o := newOps(&Config{Limits: lim}, logger)
	r := newEngine(&backend{url: csURL}, logger, o)
	// The stand-ins identify every caller but those marked anonymous.
	authn := authenticated(func(r *http.Request) (*translate.Principal, error) {
		if r.Header.Get("X-Test-Anonymous") != "" {
			return nil, nil
		}
		return &translate.Principal{UserName: "u"}, nil
	})
	echo := func(c *gin.Context) {
		authn(c.Request)
		b, err := io.ReadAll(c.Request.Body)
		if err != nil {
			c.String(http.StatusBadRequest, "read error: %v", err)
			return
		}
		c.Header("X-Ctx-Request-Id", requestIDFrom(c.Request.Context()))
		c.Header("X-Seen-Request-Id", c.Writer.Header().Get(RequestIDHeader))
		c.Header("X-Req-Request-Id", c.Request.Header.Get(RequestIDHeader))
		c.String(http.StatusOK, "%d:%s", len(b), b)
	}
	r.POST("/", echo)
	r.GET("/", echo)
	r.POST("/token", echo)
	r.GET("/compute/v1/projects/:project/zones", echo)
	r.POST("/compute/v1/projects/:project/zones/:zone/instances", echo)
	block := make(chan struct{})
	t.Cleanup(func() { close(block) })
	r.GET("/compute/v1/projects/:project/block", func(c *gin.Context) { <-block })
	r.GET("/compute/v1/projects/:project/panic", func(c *gin.Context) { panic("boom") })
	r.POST("/panic-ec2", func(c *gin.Context) { panic("boom") })
	return r, o, logs
}

func do(r http.Handler, req *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	if req.RemoteAddr == "" {
		req.RemoteAddr = "192.0.2.1:1234"
	}
	r.ServeHTTP(w, req)
	return w
}

func ec2Req(form string, hdr ...string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return req
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestRequestID(t *testing.T) {
	r, _, _ := testEngine(t, LimitsConfig{}, "")
	tests := []struct {
		name, in string
		keep     bool
	}{
		{"generated", "", false},
		{"honoured", "abc-123_X.y:z", true},
		{"too long", strings.Repeat("a", 129), false},
		{"unsafe chars", "a b<script>", false},
	}
	for _, tc := range tests {
		for _, path := range []string{"/", "/compute/v1/projects/demo/zones"} {
			t.Run(tc.name+path, func(t *testing.T) {
				req := httptest.NewRequest(http.MethodGet, path+"?Action=DescribeRegions", nil)
				if tc.in != "" {
					req.Header.Set(RequestIDHeader, tc.in)
				}
				w := do(r, req)
				got := w.Header().Get(RequestIDHeader)
				if tc.keep && got != tc.in || !tc.keep && !uuidRE.MatchString(got) {
					t.Fatalf("X-Request-Id = %q (in %q)", got, tc.in)
				}
				// A present header is never rewritten (it may be signed).
				if tc.in != "" && w.Header().Get("X-Req-Request-Id") != tc.in || tc.in == "" && w.Header().Get("X-Req-Request-Id") != got {
					t.Fatalf("request header became %q (sent %q)", w.Header().Get("X-Req-Request-Id"), tc.in)
				}
				if w.Header().Get("X-Ctx-Request-Id") != got || w.Header().Get("X-Seen-Request-Id") != got {
					t.Fatalf("handler saw ctx=%q header=%q, response %q", w.Header().Get("X-Ctx-Request-Id"), w.Header().Get("X-Seen-Request-Id"), got)
				}
			})
		}
	}
}

// The EC2 handler still reads the whole body after the middleware peeked
// at the Action, and metrics are labelled by Action and GCE route.
func TestMetricsAndBodyIntact(t *testing.T) {
	r, _, _ := testEngine(t, LimitsConfig{}, "")
	form := "Action=RunInstances&Version=2016-11-15&UserData=" + strings.Repeat("QUFB", 10000)
	w := do(r, ec2Req(form))
	if w.Code != 200 || w.Body.String() != strconv.Itoa(len(form))+":"+form {
		t.Fatalf("body not intact: %d %.80q", w.Code, w.Body.String())
	}
	do(r, httptest.NewRequest(http.MethodGet, "/?Action=DescribeRegions", nil))
	do(r, httptest.NewRequest(http.MethodGet, "/compute/v1/projects/demo/zones", nil))
	do(r, httptest.NewRequest(http.MethodGet, "/nowhere", nil))
	do(r, ec2Req("Action=%3Cscript%3E"))
	m := do(r, httptest.NewRequest(http.MethodGet, "/metrics", nil)).Body.String()
	for _, want := range []string{
		`cloudgate_requests_total{api="ec2",code="200",operation="RunInstances"} 1`,
		`cloudgate_requests_total{api="ec2",code="200",operation="DescribeRegions"} 1`,
		`cloudgate_requests_total{api="gce",code="200",operation="GET /compute/v1/projects/:project/zones"} 1`,
		`cloudgate_requests_total{api="ops",code="404",operation="GET unmatched"} 1`,
		`cloudgate_requests_total{api="ec2",code="200",operation="unknown"} 1`,
		`cloudgate_request_duration_seconds_bucket{api="ec2",operation="RunInstances",le="+Inf"} 1`,
		`cloudgate_requests_in_flight 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestLogsCarryIDButNoSecrets(t *testing.T) {
	r, _, logs := testEngine(t, LimitsConfig{}, "")
	secrets := []string{"sigSECRET1", "sigSECRET2", "tokSECRET3", "pwSECRET4", "udSECRET5", "asSECRET6", "csSECRET7"}
	req := ec2Req("Action=RunInstances&UserData=udSECRET5&password=pwSECRET4",
		"Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/cloudstack-1/ec2/aws4_request, SignedHeaders=host, Signature=sigSECRET1",
		RequestIDHeader, "rid-1")
	do(r, req)
	req = httptest.NewRequest(http.MethodGet, "/?Action=DescribeRegions&X-Amz-Credential=AKIDQUERY%2F20260101&X-Amz-Signature=sigSECRET2", nil)
	do(r, req)
	req = httptest.NewRequest(http.MethodGet, "/compute/v1/projects/demo/zones", nil)
	req.Header.Set("Authorization", "Bearer tokSECRET3")
	do(r, req)
	req = httptest.NewRequest(http.MethodPost, "/token", strings.NewReader("grant_type=jwt&assertion=asSECRET6&client_secret=csSECRET7"))
	do(r, req)
	out := logs.String()
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("log leaks %s:\n%s", s, out)
		}
	}
	for _, want := range []string{"request_id=rid-1", "op=RunInstances", "access_key=AKIDEXAMPLE", "access_key=AKIDQUERY", "api=gce", "api=oauth", "status=200"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
}

func TestRateLimitNativeErrors(t *testing.T) {
	r, _, logs := testEngine(t, LimitsConfig{Rate: 0.001, Burst: 1}, "")
	sig := func(ak string) []string {
		return []string{"Authorization", "AWS4-HMAC-SHA256 Credential=" + ak + "/20260101/r/ec2/aws4_request, SignedHeaders=host, Signature=x"}
	}
	if w := do(r, ec2Req("Action=DescribeRegions", sig("AKIDA")...)); w.Code != 200 {
		t.Fatalf("first request: %d", w.Code)
	}
	w := do(r, ec2Req("Action=DescribeRegions", sig("AKIDA")...))
	if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "<Code>RequestLimitExceeded</Code>") ||
		!strings.Contains(w.Body.String(), "<RequestID>"+w.Header().Get(RequestIDHeader)+"</RequestID>") {
		t.Fatalf("throttled EC2: %d %s", w.Code, w.Body.String())
	}
	// another caller has its own bucket
	if w := do(r, ec2Req("Action=DescribeRegions", sig("AKIDB")...)); w.Code != 200 {
		t.Fatalf("other caller: %d", w.Code)
	}
	gce := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "/compute/v1/projects/demo/zones", nil)
		req.Header.Set("Authorization", "Bearer tok1")
		return do(r, req)
	}
	gce()
	w = gce()
	if w.Code != http.StatusTooManyRequests || !strings.Contains(w.Body.String(), `"reason":"rateLimitExceeded"`) || !strings.Contains(w.Body.String(), `"code":429`) {
		t.Fatalf("throttled GCE: %d %s", w.Code, w.Body.String())
	}
	// ops endpoints are never throttled
	for range 3 {
		if w := do(r, httptest.NewRequest(http.MethodGet, "/healthz", nil)); w.Code != 200 {
			t.Fatalf("healthz throttled: %d", w.Code)
		}
	}
	m := do(r, httptest.NewRequest(http.MethodGet, "/metrics", nil)).Body.String()
	if !strings.Contains(m, `cloudgate_throttled_total{api="ec2",reason="rate"} 1`) || !strings.Contains(m, `cloudgate_throttled_total{api="gce",reason="rate"} 1`) {
		t.Fatalf("throttle metrics:\n%s", m)
	}
	if !strings.Contains(logs.String(), "throttled=rate") {
		t.Fatalf("throttle not logged:\n%s", logs.String())
	}
}

func TestInFlightBound(t *testing.T) {
	r, _, _ := testEngine(t, LimitsConfig{MaxInFlight: 1}, "")
	started := make(chan struct{})
	go func() {
		close(started)
		do(r, httptest.NewRequest(http.MethodGet, "/compute/v1/projects/demo/block", nil))
	}()
	<-started
	deadline := time.Now().Add(5 * time.Second)
	for {
		w := do(r, httptest.NewRequest(http.MethodGet, "/compute/v1/projects/demo/zones", nil))
		if w.Code == http.StatusTooManyRequests {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("never shed: %d", w.Code)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestBodyLimit(t *testing.T) {
	r, _, _ := testEngine(t, LimitsConfig{MaxBodyBytes: 100}, "")
	big := strings.Repeat("x", 200)
	// GCE with a Content-Length: rejected before routing in Google's format.
	w := do(r, httptest.NewRequest(http.MethodPost, "/compute/v1/projects/demo/zones/z/instances", strings.NewReader(big)))
	if w.Code != http.StatusRequestEntityTooLarge || !strings.Contains(w.Body.String(), `"code":413`) {
		t.Fatalf("oversize GCE: %d %s", w.Code, w.Body.String())
	}
	// Chunked (no Content-Length): the handler's read fails at the limit.
	req := httptest.NewRequest(http.MethodPost, "/compute/v1/projects/demo/zones/z/instances", io.MultiReader(strings.NewReader(big)))
	req.ContentLength = -1
	if w := do(r, req); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "too large") {
		t.Fatalf("chunked oversize GCE: %d %s", w.Code, w.Body.String())
	}
	// EC2: passed through whole; ec2compat enforces Options.MaxBodyBytes natively.
	form := "Action=RunInstances&UserData=" + big
	if w := do(r, ec2Req(form)); w.Code != 200 || !strings.HasSuffix(w.Body.String(), ":"+form) {
		t.Fatalf("oversize EC2 not passed through intact: %d %.60s", w.Code, w.Body.String())
	}
	// Small bodies are untouched.
	if w := do(r, httptest.NewRequest(http.MethodPost, "/compute/v1/projects/demo/zones/z/instances", strings.NewReader("{}"))); w.Code != 200 || w.Body.String() != "2:{}" {
		t.Fatalf("small GCE: %d %s", w.Code, w.Body.String())
	}
}

func TestPanicRecovered(t *testing.T) {
	r, _, logs := testEngine(t, LimitsConfig{}, "")
	w := do(r, httptest.NewRequest(http.MethodGet, "/compute/v1/projects/demo/panic", nil))
	if w.Code != 500 || !strings.Contains(w.Body.String(), `"reason":"backendError"`) {
		t.Fatalf("panic: %d %s", w.Code, w.Body.String())
	}
	if !strings.Contains(logs.String(), "handler panic") || !strings.Contains(logs.String(), "status=500") {
		t.Fatalf("panic not logged:\n%s", logs.String())
	}
}

func TestCloudStackTransportMetrics(t *testing.T) {
	cs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		if r.Form.Get("command") == "deployVirtualMachine" {
			w.WriteHeader(533)
		}
		io.WriteString(w, "{}")
	}))
	defer cs.Close()
	r, o, _ := testEngine(t, LimitsConfig{}, cs.URL)
	o.csClient.Get(cs.URL + "?command=listZones&response=json")
	resp, err := o.csClient.PostForm(cs.URL, url.Values{"command": {"deployVirtualMachine"}, "userdata": {"abc"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	o.csClient.Get("http://127.0.0.1:1/?command=listVolumes")
	m := do(r, httptest.NewRequest(http.MethodGet, "/metrics", nil)).Body.String()
	for _, want := range []string{
		`cloudgate_cloudstack_requests_total{code="200",command="listZones"} 1`,
		`cloudgate_cloudstack_requests_total{code="533",command="deployVirtualMachine"} 1`,
		`cloudgate_cloudstack_requests_total{code="error",command="listVolumes"} 1`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestReadyz(t *testing.T) {
	cs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(401) }))
	r, o, logs := testEngine(t, LimitsConfig{}, cs.URL)
	if w := do(r, httptest.NewRequest(http.MethodGet, "/readyz", nil)); w.Code != 200 {
		t.Fatalf("readyz with CloudStack up: %d %s", w.Code, w.Body.String())
	}
	o.draining.Store(true)
	if w := do(r, httptest.NewRequest(http.MethodGet, "/readyz", nil)); w.Code != 503 {
		t.Fatalf("readyz while draining: %d", w.Code)
	}
	o.draining.Store(false)
	cs.Close()
	w := do(r, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	if w.Code != 503 {
		t.Fatalf("readyz with CloudStack down: %d", w.Code)
	}
	// Whoever reaches the probe learns nothing about CloudStack (issue 14:
	// the body named its URL); the detail goes to the log.
	if w.Body.String() != "not ready\n" {
		t.Errorf("readyz body %q, want only %q", w.Body.String(), "not ready\n")
	}
	if host := strings.TrimPrefix(cs.URL, "http://"); !strings.Contains(logs.String(), host) {
		t.Errorf("the log lacks the detail (%s):\n%s", host, logs.String())
	}
}

func TestLimitFlags(t *testing.T) {
	fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
	serveFlags(fs)
	env := map[string]string{"CLOUDGATE_AUTH_KEY": "k-from-env", "CLOUDGATE_LIMITS_MAX_IN_FLIGHT": "7"}
	c, err := Load(fs, []string{"--rate-limit", "2.5", "--rate-burst", "4", "--max-body-bytes", "1000", "--cloudstack-timeout", "7s"}, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	if c.Limits.Rate != 2.5 || c.Limits.Burst != 4 || c.Limits.MaxBodyBytes != 1000 || c.Limits.MaxInFlight != 7 || c.Limits.MaxHeaderBytes != 64<<10 {
		t.Fatalf("limits: %+v", c.Limits)
	}
	if c.CloudStack.Timeout != 7*time.Second {
		t.Fatalf("--cloudstack-timeout: %v", c.CloudStack.Timeout)
	}
	if c.Auth.Key != "k-from-env" {
		t.Fatalf("CLOUDGATE_AUTH_KEY not applied: %q", c.Auth.Key)
	}
	fs = pflag.NewFlagSet("serve", pflag.ContinueOnError)
	serveFlags(fs)
	if _, err := Load(fs, []string{"--rate-limit", "-1"}, func(string) (string, bool) { return "", false }); err == nil {
		t.Fatal("negative rate accepted")
	}
}

// runServe drains in-flight requests on shutdown: a request that is being
// served when the context ends completes, then the listener is gone.
func TestGracefulShutdownDrains(t *testing.T) {
	var slow sync.WaitGroup
	slow.Add(1)
	cs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("command") == "listCapabilities" {
			slow.Done()
			time.Sleep(1500 * time.Millisecond)
		}
		w.WriteHeader(401)
	}))
	defer cs.Close()
	c := &Config{
		Listen: "127.0.0.1:0", DataDir: t.TempDir(), InsecureHTTP: true, Region: "cloudstack-1",
		CloudStack: CloudStackConfig{URL: cs.URL, AdminAPIKey: "k", AdminSecret: "s", Timeout: 5 * time.Second},
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- runServe(ctx, c, pw, io.Discard); pw.Close() }()
	base := ""
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		if m := regexp.MustCompile(`listening on (\S+)`).FindStringSubmatch(sc.Text()); m != nil {
			base = m[1]
			break
		}
	}
	go io.Copy(io.Discard, pr)
	if base == "" {
		t.Fatalf("no listen line: %v", <-done)
	}
	type result struct {
		code int
		err  error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			got <- result{0, err}
			return
		}
		resp.Body.Close()
		got <- result{resp.StatusCode, nil}
	}()
	slow.Wait() // the request is in flight
	cancel()
	res := <-got
	if res.err != nil || res.code != 200 {
		t.Fatalf("in-flight request during shutdown: %+v", res)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("runServe: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("runServe did not return")
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Fatal("gateway still accepting connections after shutdown")
	}
}

// The middleware never alters what the handler reads, never panics, and
// always answers with a safe request id, whatever the client sends.
func FuzzMiddleware(f *testing.F) {
	f.Add("Action=DescribeInstances&Version=2016-11-15", "rid-1", "AWS4-HMAC-SHA256 Credential=AK/x, Signature=y", "/")
	f.Add("%zz&&==", "bad id\n", "Bearer \x00", "/compute/v1/projects/p/zones/z/instances")
	f.Add("", "", "AWS4-HMAC-SHA256 Credential=", "/token")
	f.Fuzz(func(t *testing.T, body, rid, authz, path string) {
		if path != "/" && path != "/token" && path != "/compute/v1/projects/p/zones/z/instances" {
			path = "/"
		}
		r, _, _ := testEngineQuiet(t)
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		req.URL.Path = path
		if validHeaderValue(rid) {
			req.Header.Set(RequestIDHeader, rid)
		}
		if validHeaderValue(authz) {
			req.Header.Set("Authorization", authz)
		}
		w := do(r, req)
		if got := w.Header().Get(RequestIDHeader); !validRequestID(got) {
			t.Fatalf("unsafe request id %q", got)
		}
		if w.Code == 200 && w.Body.String() != strconv.Itoa(len(body))+":"+body {
			t.Fatalf("handler read %q, sent %q", w.Body.String(), body)
		}
	})
}

func validHeaderValue(s string) bool {
	for _, c := range []byte(s) {
		if c < 0x20 || c == 0x7f {
			return false
		}
	}
	return true
}

var quietEngine struct {
	once sync.Once
	r    *gin.Engine
}

// testEngineQuiet is one shared engine with a discarded log (fuzzing).
func testEngineQuiet(t *testing.T) (*gin.Engine, *ops, *lockedBuffer) {
	quietEngine.once.Do(func() {
		o := newOps(&Config{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
		r := newEngine(&backend{}, slog.New(slog.NewTextHandler(io.Discard, nil)), o)
		echo := func(c *gin.Context) {
			b, err := io.ReadAll(c.Request.Body)
			if err != nil {
				c.String(http.StatusBadRequest, "read error: %v", err)
				return
			}
			c.String(http.StatusOK, "%d:%s", len(b), b)
		}
		r.POST("/", echo)
		r.POST("/token", echo)
		r.POST("/compute/v1/projects/:project/zones/:zone/instances", echo)
		quietEngine.r = r
	})
	return quietEngine.r, nil, nil
}

// Unsigned requests with made-up actions (issue 14: 400 Action=BogusN)
// share one label, so later real operations keep theirs.
func TestMetricsLabelOnlyAuthenticatedKnownOps(t *testing.T) {
	r, _, _ := testEngine(t, LimitsConfig{}, "")
	for i := range 400 {
		req := ec2Req("Action=Bogus" + strconv.Itoa(i))
		req.Header.Set("X-Test-Anonymous", "1")
		do(r, req)
		greq := httptest.NewRequest(http.MethodGet, "/compute/v1/projects/p"+strconv.Itoa(i)+"/zones", nil)
		greq.Header.Set("X-Test-Anonymous", "1")
		do(r, greq)
	}
	do(r, ec2Req("Action=BogusSigned"))
	do(r, ec2Req("Action=DescribeInstances"))
	m := do(r, httptest.NewRequest(http.MethodGet, "/metrics", nil)).Body.String()
	for _, want := range []string{
		`cloudgate_requests_total{api="ec2",code="200",operation="unauthenticated"} 400`,
		`cloudgate_requests_total{api="gce",code="200",operation="unauthenticated"} 400`,
		`cloudgate_requests_total{api="ec2",code="200",operation="unknown"} 1`,
		`cloudgate_requests_total{api="ec2",code="200",operation="DescribeInstances"} 1`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(m, "Bogus") {
		t.Errorf("metrics carry a client-chosen action name")
	}
}
