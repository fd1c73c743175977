package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the gateway's Prometheus series, on a registry of their own
// (served at /metrics) so tests and embedded uses never share globals.
type metrics struct {
	reg        *prometheus.Registry
	requests   *prometheus.CounterVec
	duration   *prometheus.HistogramVec
	inFlight   prometheus.Gauge
	throttled  *prometheus.CounterVec
	csConns    prometheus.Gauge
	inConns    prometheus.Gauge
	csRequests *prometheus.CounterVec
	csDuration *prometheus.HistogramVec

	ops labelSet // bounded set of operation label values
	cmd labelSet // bounded set of CloudStack command label values
}

func newMetrics() *metrics {
	m := &metrics{reg: prometheus.NewRegistry(), ops: labelSet{max: 300}, cmd: labelSet{max: 300}}
	buckets := []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "cloudgate_requests_total",
		Help: "API requests by API (ec2, gce, oauth, ops), operation (EC2 Action; GCE method and route) and HTTP status code.",
	}, []string{"api", "operation", "code"})
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "cloudgate_request_duration_seconds",
		Help:    "API request latency by API and operation.",
		Buckets: buckets,
	}, []string{"api", "operation"})
	m.inFlight = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "cloudgate_requests_in_flight",
		Help: "API requests being served.",
	})
	m.throttled = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "cloudgate_throttled_total",
		Help: "Requests rejected by the per-caller rate limiter or the in-flight bound, by API and reason (rate, inflight).",
	}, []string{"api", "reason"})
	m.csConns = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "cloudgate_cloudstack_connections_open",
		Help: "Open TCP connections from the gateway to CloudStack (idle ones included).",
	})
	m.inConns = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "cloudgate_http_connections_open",
		Help: "Open client connections to the gateway (idle keep-alive ones included).",
	})
	m.csRequests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "cloudgate_cloudstack_requests_total",
		Help: "CloudStack API calls by command and HTTP status code (\"error\" when no response arrived).",
	}, []string{"command", "code"})
	m.csDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "cloudgate_cloudstack_request_duration_seconds",
		Help:    "CloudStack API call latency (until response headers) by command.",
		Buckets: buckets,
	}, []string{"command"})
	m.reg.MustRegister(m.requests, m.duration, m.inFlight, m.throttled, m.csConns, m.inConns, m.csRequests, m.csDuration,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

func (m *metrics) observe(api, op string, status int, d time.Duration) {
	op = m.ops.get(op)
	m.requests.WithLabelValues(api, op, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(api, op).Observe(d.Seconds())
}

// labelSet keeps label cardinality bounded: values are the client's
// (EC2 Action, CloudStack command), so only well-formed ones are kept and
// at most max distinct; the rest become "other".
type labelSet struct {
	max  int
	mu   sync.Mutex
	seen map[string]bool
}

func (s *labelSet) get(v string) string {
	if v == "" {
		return "none"
	}
	if len(v) > 96 {
		return "other"
	}
	for _, c := range v {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '/' || c == ':' || c == '_' || c == '-' || c == '.' || c == ' ') {
			return "other"
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	if s.seen[v] {
		return v
	}
	if len(s.seen) >= s.max {
		return "other"
	}
	s.seen[v] = true
	return v
}

// csTransport meters the gateway's calls to CloudStack. It sits under
// csbackend's cloudstack-go clients (csbackend.Options.HTTPClient), so the
// command is read from the query (GET) or a copy of the form (POST).
type csTransport struct {
	base http.RoundTripper
	m    *metrics
}

func (t *csTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	cmd := t.m.cmd.get(csCommand(req))
	start := time.Now()
	resp, err := t.base.RoundTrip(req)
	code := "error"
	if err == nil {
		code = strconv.Itoa(resp.StatusCode)
	}
	t.m.csRequests.WithLabelValues(cmd, code).Inc()
	t.m.csDuration.WithLabelValues(cmd).Observe(time.Since(start).Seconds())
	return resp, err
}

// csCommand is the CloudStack command of a request, read without
// consuming its body.
func csCommand(req *http.Request) string {
	if c := req.URL.Query().Get("command"); c != "" {
		return c
	}
	if req.Method != http.MethodPost || req.GetBody == nil {
		return ""
	}
	body, err := req.GetBody()
	if err != nil {
		return ""
	}
	defer body.Close()
	b, _ := io.ReadAll(io.LimitReader(body, 1<<20))
	// Find command= without decoding the (possibly large) userdata.
	for _, part := range bytes.Split(b, []byte("&")) {
		if v, ok := bytes.CutPrefix(part, []byte("command=")); ok {
			s, _ := url.QueryUnescape(string(v))
			return s
		}
	}
	return ""
}

// countedConn decrements a gauge once when closed.
type countedConn struct {
	net.Conn
	once sync.Once
	g    prometheus.Gauge
}

func (c *countedConn) Close() error {
	c.once.Do(c.g.Dec)
	return c.Conn.Close()
}

// dialCounted wraps a dialer so open connections are counted in g.
func dialCounted(dial func(ctx context.Context, network, addr string) (net.Conn, error), g prometheus.Gauge) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		g.Inc()
		return &countedConn{Conn: c, g: g}, nil
	}
}

// connState counts the server's client connections (http.Server.ConnState).
func (m *metrics) connState(_ net.Conn, st http.ConnState) {
	switch st {
	case http.StateNew:
		m.inConns.Inc()
	case http.StateClosed, http.StateHijacked:
		m.inConns.Dec()
	}
}
