package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/cloudgate/cloudgate/ec2compat"
	"github.com/cloudgate/cloudgate/translate"
	"github.com/gin-gonic/gin"

	"github.com/cloudgate/cloudgate/auth"
)

// ops is the gateway's operational layer, applied to every request before
// routing: request ids, one structured log line per request, Prometheus
// metrics, panic recovery, body-size limits, per-caller rate limiting and a
// gateway-wide in-flight bound. It renders its few errors in each API's
// native format (see nativeError).
type ops struct {
	log      *slog.Logger
	m        *metrics
	limits   LimitsConfig
	limiter  *callerLimiter // nil: no rate limit
	inFlight chan struct{}  // nil: unbounded
	draining atomic.Bool    // set when shutdown starts: /readyz answers 503
	csClient *http.Client   // metered client for CloudStack (csbackend)
	probe    *http.Client   // unmetered client for /readyz
}

func newOps(c *Config, logger *slog.Logger) *ops {
	o := &ops{log: logger.With("component", "http"), m: newMetrics(), limits: c.Limits.withDefaults()}
	if o.limits.Rate > 0 {
		o.limiter = newCallerLimiter(o.limits.Rate, o.limits.Burst)
	}
	if o.limits.MaxInFlight > 0 {
		o.inFlight = make(chan struct{}, o.limits.MaxInFlight)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	// One gateway multiplexes many callers onto one CloudStack: keep enough
	// idle connections (the default 2 per host churns sockets under load).
	tr.MaxIdleConns = 512
	tr.MaxIdleConnsPerHost = 256
	tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: !c.CloudStack.VerifySSL}
	tr.DialContext = dialCounted((&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext, o.m.csConns)
	o.csClient = &http.Client{Transport: &csTransport{base: tr, m: o.m}}
	o.probe = &http.Client{Transport: tr, Timeout: 3 * time.Second}
	return o
}

// requestIDKey is the context key of the request id.
type requestIDKey struct{}

// authMarkKey is the context key of the request's *atomic.Bool that
// authenticated sets once the caller is identified.
type authMarkKey struct{}

// authenticated wraps an API's authenticator so that the metrics know
// which requests came from an identified caller.
func authenticated(f func(*http.Request) (*translate.Principal, error)) func(*http.Request) (*translate.Principal, error) {
	return func(r *http.Request) (*translate.Principal, error) {
		p, err := f(r)
		if err == nil && p != nil {
			if m, ok := r.Context().Value(authMarkKey{}).(*atomic.Bool); ok {
				m.Store(true)
			}
		}
		return p, err
	}
}

// knownEC2Action is the set of EC2 actions the gateway serves (metric
// labels).
var knownEC2Action = func() map[string]bool {
	m := map[string]bool{}
	for _, a := range ec2compat.Actions() {
		m[a] = true
	}
	return m
}()

// RequestIDHeader carries the request id in and out, on both APIs.
const RequestIDHeader = "X-Request-Id"

// requestIDFrom returns the request id of a request context ("" if none).
func requestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// validRequestID accepts a caller's id only if it is short and made of
// characters safe in headers and logs.
func validRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-_.:/+=@", c)) {
			return false
		}
	}
	return true
}

// newRequestID is a random UUID (the shape EC2 request ids have).
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

const (
	apiEC2   = "ec2"
	apiGCE   = "gce"
	apiOAuth = "oauth"
	apiOps   = "ops"
)

// apiOf classifies a request by path: EC2 is served at /, GCE under
// /compute and /batch, the OAuth2 server at /token, /authorize, /revoke and
// /.well-known; the rest are operational endpoints.
func apiOf(path string) string {
	switch {
	case path == "/":
		return apiEC2
	case strings.HasPrefix(path, "/compute/") || strings.HasPrefix(path, "/batch"):
		return apiGCE
	case slices.Contains(auth.TokenPaths, path) || path == "/authorize" || path == "/revoke" || strings.HasPrefix(path, "/.well-known/"):
		return apiOAuth
	}
	return apiOps
}

// middleware is installed first on the engine.
func (o *ops) middleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		r := c.Request
		id := r.Header.Get(RequestIDHeader)
		if !validRequestID(id) {
			if id == "" {
				// Set only when absent: a present header may be signed
				// (SigV4 SignedHeaders) and must reach auth unchanged.
				id = newRequestID()
				r.Header.Set(RequestIDHeader, id)
			} else {
				id = newRequestID()
			}
		}
		// Handlers find the (validated) id in the response header, which is
		// set before routing, and in the request context.
		c.Header(RequestIDHeader, id)
		authed := new(atomic.Bool) // set by authenticated (a caller was identified)
		r = r.WithContext(context.WithValue(context.WithValue(r.Context(), requestIDKey{}, id), authMarkKey{}, authed))
		c.Request = r
		c.Set("requestId", id)

		api := apiOf(r.URL.Path)
		var form url.Values
		op := ""
		reject := func(status int, code, reason, msg string) {
			o.nativeError(c, api, status, code, reason, msg, id)
		}
		if api == apiEC2 {
			var tooBig bool
			form, tooBig = o.peekForm(r)
			op = first(form["Action"])
			if op == "" {
				op = r.URL.Query().Get("Action")
			}
			_ = tooBig // ec2compat rejects oversize bodies natively (Options.MaxBodyBytes)
		} else if api != apiOps && r.Body != nil && r.Body != http.NoBody {
			if r.ContentLength > o.limits.MaxBodyBytes {
				reject(http.StatusRequestEntityTooLarge, "InvalidParameterValue", "badRequest",
					fmt.Sprintf("Request payload size exceeds the limit: %d bytes.", o.limits.MaxBodyBytes))
			} else {
				r.Body = http.MaxBytesReader(c.Writer, r.Body, o.limits.MaxBodyBytes)
			}
		}
		throttled := ""
		if !c.IsAborted() && api != apiOps {
			if o.limiter != nil && !o.limiter.allow(callerKey(r, form)) {
				throttled = "rate"
			} else if o.inFlight != nil {
				select {
				case o.inFlight <- struct{}{}:
					defer func() { <-o.inFlight }()
				default:
					throttled = "inflight"
				}
			}
			if throttled != "" {
				o.m.throttled.WithLabelValues(api, throttled).Inc()
				o.throttle(c, api, id)
			}
		}
		if !c.IsAborted() {
			o.m.inFlight.Inc()
			func() {
				defer o.m.inFlight.Dec()
				defer o.recover(c, api, id)
				c.Next()
			}()
		}
		if api != apiEC2 {
			op = r.Method + " " + c.FullPath()
			if c.FullPath() == "" {
				op = r.Method + " unmatched"
			}
		}
		// Only known operations of identified callers get their own
		// label: unsigned junk must not use up the label budget.
		metricOp := op
		switch {
		case (api == apiEC2 || api == apiGCE) && !authed.Load():
			metricOp = "unauthenticated"
		case api == apiEC2 && !knownEC2Action[op]:
			metricOp = "unknown"
		}
		status := c.Writer.Status()
		d := time.Since(start)
		o.m.observe(api, metricOp, status, d)
		if api == apiOps && status < 400 {
			return // probes and scrapes are metered, not logged
		}
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelWarn
		}
		attrs := []slog.Attr{
			slog.String("request_id", id),
			slog.String("api", api),
			slog.String("op", op),
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path), // never the query: presigned EC2 requests carry signatures there
			slog.Int("status", status),
			slog.Duration("duration", d),
			slog.Int("bytes", c.Writer.Size()),
			slog.String("remote", r.RemoteAddr),
		}
		if k := callerKey(r, form); strings.HasPrefix(k, "ak:") {
			// An access key id is an identifier, not a secret (AWS logs it too).
			attrs = append(attrs, slog.String("access_key", k[3:]))
		}
		if throttled != "" {
			attrs = append(attrs, slog.String("throttled", throttled))
		}
		o.log.LogAttrs(r.Context(), level, "request", attrs...)
	}
}

// peekForm reads the EC2 form body (at most MaxBodyBytes) and puts it back,
// so ec2compat still reads the whole body itself. The Action of an
// oversize body is not decoded; ec2compat rejects that body.
func (o *ops) peekForm(r *http.Request) (url.Values, bool) {
	if r.Method != http.MethodPost || r.Body == nil || r.Body == http.NoBody {
		return nil, false
	}
	buf, err := io.ReadAll(io.LimitReader(r.Body, o.limits.MaxBodyBytes+1))
	r.Body = readCloser{io.MultiReader(bytes.NewReader(buf), errReader{err}, r.Body), r.Body}
	if err != nil || int64(len(buf)) > o.limits.MaxBodyBytes {
		return nil, true
	}
	form, _ := url.ParseQuery(string(buf))
	return form, false
}

type readCloser struct {
	io.Reader
	io.Closer
}

// errReader replays a read error after the buffered bytes (nil: EOF, so
// MultiReader moves on to the rest of the body).
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	return 0, io.EOF
}

// recover turns a handler panic into a logged 500 in the API's format.
func (o *ops) recover(c *gin.Context, api, id string) {
	v := recover()
	if v == nil {
		return
	}
	if v == http.ErrAbortHandler {
		panic(v)
	}
	o.log.Error("handler panic", "request_id", id, "api", api, "path", c.Request.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
	if !c.Writer.Written() {
		o.nativeError(c, api, http.StatusInternalServerError, "InternalError", "backendError",
			"An internal error has occurred", id)
	}
	c.Abort()
}

// throttle answers a rate-limited or shed request as the API's own
// throttling error, which the clients retry with backoff.
func (o *ops) throttle(c *gin.Context, api, id string) {
	c.Header("Retry-After", "1")
	switch api {
	case apiEC2:
		o.nativeError(c, api, http.StatusServiceUnavailable, "RequestLimitExceeded", "", "Request limit exceeded.", id)
	case apiOAuth:
		o.nativeError(c, api, http.StatusTooManyRequests, "", "rate_limit_exceeded", "Rate Limit Exceeded", id)
	default:
		o.nativeError(c, api, http.StatusTooManyRequests, "", "rateLimitExceeded", "Rate Limit Exceeded", id)
	}
}

// nativeError writes an error body the API's clients parse. The two
// shapes mirror the compat layers' single error tables (ec2compat/xml.go
// writeError: <Response><Errors><Error><Code/><Message/></Error></Errors>
// <RequestID/></Response>; gcecompat/errors.go writeError:
// {"error":{"code","message","errors":[{"domain","reason","message"}]}}), and
// the OAuth2 server's RFC 6749 {"error","error_description"}. ec2Code is
// the EC2 error code, reason the Google reason / OAuth2 error.
func (o *ops) nativeError(c *gin.Context, api string, status int, ec2Code, reason, msg, id string) {
	switch api {
	case apiEC2:
		type item struct {
			Code    string `xml:"Code"`
			Message string `xml:"Message"`
		}
		doc := struct {
			XMLName   xml.Name `xml:"Response"`
			Errors    []item   `xml:"Errors>Error"`
			RequestID string   `xml:"RequestID"`
		}{Errors: []item{{ec2Code, msg}}, RequestID: id}
		b, _ := xml.Marshal(doc)
		c.Data(status, "text/xml;charset=UTF-8", append([]byte(xml.Header), b...))
	case apiOAuth:
		c.JSON(status, gin.H{"error": reason, "error_description": msg})
	default:
		domain := "global"
		if reason == "rateLimitExceeded" {
			domain = "usageLimits"
		}
		b, _ := json.Marshal(map[string]any{"error": map[string]any{
			"code": status, "message": msg,
			"errors": []map[string]string{{"domain": domain, "reason": reason, "message": msg}},
		}})
		c.Data(status, "application/json; charset=UTF-8", append(b, '\n'))
	}
	c.Abort()
}

// register adds /metrics.
func (o *ops) register(r gin.IRouter) {
	r.GET("/metrics", gin.WrapH(o.m.handler()))
}

// ready reports whether the gateway should receive traffic: not draining,
// and CloudStack answers HTTP (any status: an unsigned probe gets an
// error document, which proves the API is up).
func (o *ops) ready(ctx context.Context, csURL string) error {
	if o.draining.Load() {
		return fmt.Errorf("shutting down")
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, csURL+"?command=listCapabilities&response=json", nil)
	if err != nil {
		return err
	}
	resp, err := o.probe.Do(req)
	if err != nil {
		return fmt.Errorf("cloudstack unreachable: %w", err)
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode >= 500 && resp.StatusCode != 530 {
		return fmt.Errorf("cloudstack answered %s", resp.Status)
	}
	return nil
}
