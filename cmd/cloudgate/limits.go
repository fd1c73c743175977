package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/spf13/pflag"
	"golang.org/x/time/rate"
)

// LimitsConfig bounds what one request and one caller may cost the
// gateway. Zero rate / max_in_flight disable the limiter / the bound.
type LimitsConfig struct {
	// MaxBodyBytes bounds a request body (EC2 forms, GCE JSON, token
	// requests). Default 2 MiB.
	MaxBodyBytes int64 `mapstructure:"max_body_bytes"`
	// MaxHeaderBytes is http.Server.MaxHeaderBytes. Default 64 KiB.
	MaxHeaderBytes int `mapstructure:"max_header_bytes"`
	// Rate is the sustained requests per second allowed per caller (an
	// EC2 access key, a bearer token, or the client IP when neither is
	// present). 0 = unlimited.
	Rate float64 `mapstructure:"rate"`
	// Burst is the bucket size of the per-caller limiter (default: 2×Rate,
	// at least 1).
	Burst int `mapstructure:"burst"`
	// MaxInFlight bounds concurrent API requests gateway-wide; excess
	// requests get the same throttling error. 0 = unbounded.
	MaxInFlight int `mapstructure:"max_in_flight"`
}

func limitFlags(fs *pflag.FlagSet) {
	fs.Int64("max-body-bytes", 0, "maximum request body size in bytes (default 2 MiB)")
	fs.Int("max-header-bytes", 0, "maximum size of request headers in bytes (default 64 KiB)")
	fs.Float64("rate-limit", 0, "requests per second allowed per caller (access key, bearer token or IP); 0 = unlimited")
	fs.Int("rate-burst", 0, "burst size of the per-caller rate limiter (default 2× --rate-limit)")
	fs.Int("max-in-flight", 0, "maximum concurrent API requests; excess requests are throttled (0 = unbounded)")
}

func (l *LimitsConfig) validate() error {
	switch {
	case l.MaxBodyBytes < 0:
		return errors.New("limits.max_body_bytes must not be negative")
	case l.MaxHeaderBytes < 0:
		return errors.New("limits.max_header_bytes must not be negative")
	case l.Rate < 0 || l.Burst < 0 || l.MaxInFlight < 0:
		return errors.New("limits.rate, limits.burst and limits.max_in_flight must not be negative")
	}
	return nil
}

// withDefaults fills unset values.
func (l LimitsConfig) withDefaults() LimitsConfig {
	if l.MaxBodyBytes <= 0 {
		l.MaxBodyBytes = 2 << 20
	}
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = 64 << 10
	}
	if l.Rate > 0 && l.Burst <= 0 {
		l.Burst = max(1, int(2*l.Rate))
	}
	return l
}

// callerLimiter is a token bucket per caller key. Idle buckets are swept so
// the map stays bounded by the callers seen in the last few minutes.
type callerLimiter struct {
	limit rate.Limit
	burst int
	now   func() time.Time

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

const (
	limiterIdle     = 3 * time.Minute
	limiterMaxKeys  = 100_000
	limiterSweepGap = time.Minute
)

func newCallerLimiter(perSecond float64, burst int) *callerLimiter {
	return &callerLimiter{limit: rate.Limit(perSecond), burst: burst, now: time.Now, buckets: map[string]*bucket{}}
}

// allow reports whether key may make one more request now.
func (l *callerLimiter) allow(key string) bool {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastSweep) > limiterSweepGap || len(l.buckets) >= limiterMaxKeys {
		l.sweep(now)
	}
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{lim: rate.NewLimiter(l.limit, l.burst)}
		l.buckets[key] = b
	}
	b.seen = now
	return b.lim.AllowN(now, 1)
}

func (l *callerLimiter) sweep(now time.Time) {
	l.lastSweep = now
	idle := limiterIdle
	if len(l.buckets) >= limiterMaxKeys {
		idle = 0 // under a key flood forget everyone not seen this instant
	}
	for k, b := range l.buckets {
		if now.Sub(b.seen) >= idle {
			delete(l.buckets, k)
		}
	}
}

// callerKey identifies the caller for rate limiting without verifying
// anything: the EC2 access key id (SigV4 header, presigned query or SigV2
// form field), a hash of the bearer token, else the client IP (the TCP
// peer; X-Forwarded-For is not trusted). Never a secret in clear.
func callerKey(r *http.Request, form map[string][]string) string {
	authz := r.Header.Get("Authorization")
	if rest, ok := strings.CutPrefix(authz, "AWS4-HMAC-SHA256 "); ok {
		if _, cred, ok := strings.Cut(rest, "Credential="); ok {
			if ak, _, ok := strings.Cut(cred, "/"); ok && ak != "" {
				return "ak:" + clip(ak, 128)
			}
		}
	}
	if scheme, tok, ok := strings.Cut(authz, " "); ok && strings.EqualFold(scheme, "Bearer") && tok != "" {
		h := sha256.Sum256([]byte(strings.TrimSpace(tok)))
		return "bt:" + hex.EncodeToString(h[:8])
	}
	if cred := r.URL.Query().Get("X-Amz-Credential"); cred != "" {
		ak, _, _ := strings.Cut(cred, "/")
		return "ak:" + clip(ak, 128)
	}
	if ak := first(form["AWSAccessKeyId"]); ak != "" {
		return "ak:" + clip(ak, 128)
	}
	if ak := r.URL.Query().Get("AWSAccessKeyId"); ak != "" {
		return "ak:" + clip(ak, 128)
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return "ip:" + host
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}
