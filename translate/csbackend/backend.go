package csbackend

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/apache/cloudstack-go/v2/cloudstack"

	"github.com/cloudgate/cloudgate/translate"
)

// Options configures the adapter. A nil *Options means defaults.
type Options struct {
	// HTTPClient is the transport to CloudStack (e.g. the simulator's
	// in-memory HTTPClient()). Each per-caller cloudstack-go client gets a
	// shallow copy with its own cookie jar. Default: cloudstack-go's own.
	HTTPClient *http.Client
	// VerifySSL verifies CloudStack's TLS certificate (only used when
	// HTTPClient is nil).
	VerifySSL bool
	// AdminAPIKey/AdminSecret are a root-admin key pair, used only by
	// Directory and Login (never for user resources).
	AdminAPIKey, AdminSecret string
	// Timeout bounds one CloudStack HTTP call (default 60s).
	Timeout time.Duration
	// MaxClients bounds the per-caller client cache (default 256).
	MaxClients int
	// PageSize is the page size used to read whole lists (default 500).
	PageSize int
}

// Backend implements translate.CloudStack over cloudstack-go.
type Backend struct {
	url  string
	opts Options
	http *http.Client // the base client each pooled cloudstack-go client copies

	mu      sync.Mutex
	clients map[string]*clientEntry
	tick    uint64
}

// clientEntry holds one key pair's idle cloudstack-go clients: a call takes
// one and gives it back, so each in-flight call has its own (see answer.go).
type clientEntry struct {
	secret string
	idle   []*pooledClient
	used   uint64
}

// maxIdleClients bounds the idle clients kept per key pair.
const maxIdleClients = 16

var _ translate.CloudStack = (*Backend)(nil)

// New returns the CloudStack port over the API at apiURL (…/client/api).
func New(apiURL string, opts *Options) translate.CloudStack { return NewBackend(apiURL, opts) }

// NewBackend is New returning the concrete type.
func NewBackend(apiURL string, opts *Options) *Backend {
	b := &Backend{url: apiURL, clients: map[string]*clientEntry{}}
	if opts != nil {
		b.opts = *opts
	}
	if b.opts.Timeout <= 0 {
		b.opts.Timeout = 60 * time.Second
	}
	if b.opts.MaxClients <= 0 {
		b.opts.MaxClients = 256
	}
	if b.opts.PageSize <= 0 {
		b.opts.PageSize = 500
	}
	if b.opts.HTTPClient != nil {
		hc := *b.opts.HTTPClient
		b.http = &hc
	} else {
		// cloudstack-go's own default client: proxy from the environment,
		// TLS verified only when asked. One transport for all callers.
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: !b.opts.VerifySSL}
		b.http = &http.Client{Transport: tr}
	}
	if b.http.Timeout == 0 {
		b.http.Timeout = b.opts.Timeout
	}
	if b.http.Transport == nil {
		b.http.Transport = http.DefaultTransport
	}
	return b
}

// acquire returns an idle cloudstack-go client for a key pair, or a new
// one; release gives it back.
func (b *Backend) acquire(apiKey, secret string) *pooledClient {
	b.mu.Lock()
	b.tick++
	e, ok := b.clients[apiKey]
	if ok && e.secret != secret {
		delete(b.clients, apiKey)
		ok = false
	}
	if !ok {
		if len(b.clients) >= b.opts.MaxClients {
			// Evict the least recently used key pair.
			var lk string
			var lu uint64
			for k, e := range b.clients {
				if lk == "" || e.used < lu {
					lk, lu = k, e.used
				}
			}
			delete(b.clients, lk)
		}
		e = &clientEntry{secret: secret}
		b.clients[apiKey] = e
	}
	e.used = b.tick
	if n := len(e.idle); n > 0 {
		c := e.idle[n-1]
		e.idle = e.idle[:n-1]
		b.mu.Unlock()
		return c
	}
	b.mu.Unlock()
	// cloudstack-go's WithHTTPClient writes a cookie jar into the client it
	// is given; each gets a copy so callers do not share sessions (nor the
	// caller's http.Client its jar).
	hc := *b.http
	hc.Jar = nil
	tr := &answerTransport{base: b.http.Transport}
	hc.Transport = tr
	cs := cloudstack.NewClient(b.url, apiKey, secret, b.opts.VerifySSL, cloudstack.WithHTTPClient(&hc))
	return &pooledClient{cs: cs, tr: tr}
}

func (b *Backend) release(apiKey, secret string, c *pooledClient) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if e, ok := b.clients[apiKey]; ok && e.secret == secret && len(e.idle) < maxIdleClients {
		e.idle = append(e.idle, c)
	}
}

// params are CloudStack request parameters; empty values are dropped.
type params map[string]string

func (p params) set(k, v string) params {
	if v != "" {
		p[k] = v
	}
	return p
}

func (p params) setInt(k string, v int64) params {
	if v != 0 {
		p[k] = strconv.FormatInt(v, 10)
	}
	return p
}

func (p params) setList(k string, vs []string) params {
	if len(vs) > 0 {
		p[k] = strings.Join(vs, ",")
	}
	return p
}

// call runs one CloudStack command as the caller in ctx and returns the
// unwrapped response object. Errors are classified (see Classify).
func (b *Backend) call(ctx context.Context, cmd string, res translate.Resource, p params) (json.RawMessage, error) {
	pr, ok := translate.FromContext(ctx)
	if !ok {
		return nil, &translate.Error{Op: cmd, Kind: translate.Unauthenticated, Message: "no credentials"}
	}
	return b.callAs(ctx, pr.APIKey, pr.SecretKey, cmd, res, p)
}

func (b *Backend) callAs(ctx context.Context, apiKey, secret, cmd string, res translate.Resource, p params) (json.RawMessage, error) {
	if err := ctx.Err(); err != nil {
		return nil, Classify(cmd, res, err)
	}
	cp := &cloudstack.CustomServiceParams{}
	for k, v := range p {
		cp.SetParam(k, v)
	}
	type result struct {
		raw json.RawMessage
		err error
	}
	// cloudstack-go has no context support: run the call aside and stop
	// waiting when ctx ends (the HTTP client's Timeout ends the call).
	ch := make(chan result, 1)
	go func() {
		c := b.acquire(apiKey, secret)
		var empty json.RawMessage
		err := c.cs.Custom.(*cloudstack.CustomService).CustomRequest(cmd, cp, &empty)
		body, captured := c.take()
		b.release(apiKey, secret, c)
		var raw json.RawMessage
		switch {
		case err != nil:
		case !captured:
			err = errNoAnswer
		default:
			raw, err = unwrapAnswer(body)
		}
		ch <- result{raw, err}
	}()
	select {
	case <-ctx.Done():
		return nil, Classify(cmd, res, ctx.Err())
	case r := <-ch:
		if r.err != nil {
			return nil, Classify(cmd, res, r.err)
		}
		return r.raw, nil
	}
}

// decode unmarshals a response; a shape we do not understand is Internal.
func decode(cmd string, raw json.RawMessage, v any) error {
	if len(raw) == 0 {
		return nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return &translate.Error{Op: cmd, Kind: translate.Internal, Message: "unexpected CloudStack response", Err: err}
	}
	return nil
}

// list reads every page of a list command and returns the items.
func (b *Backend) list(ctx context.Context, cmd string, res translate.Resource, p params) ([]json.RawMessage, error) {
	if p == nil {
		p = params{}
	}
	var all []json.RawMessage
	for page := 1; ; page++ {
		p["page"] = strconv.Itoa(page)
		p["pagesize"] = strconv.Itoa(b.opts.PageSize)
		raw, err := b.call(ctx, cmd, res, p)
		if err != nil {
			return nil, err
		}
		var m map[string]json.RawMessage
		if err := decode(cmd, raw, &m); err != nil {
			return nil, err
		}
		count := -1
		var items []json.RawMessage
		for k, v := range m {
			if k == "count" {
				if err := json.Unmarshal(v, &count); err != nil {
					count = -1
				}
				continue
			}
			var arr []json.RawMessage
			if json.Unmarshal(v, &arr) == nil {
				items = append(items, arr...)
			}
		}
		if page > 1 && len(items) > 0 && len(all) >= b.opts.PageSize && string(items[0]) == string(all[len(all)-b.opts.PageSize]) {
			// The server ignores page: it sent the previous page again.
			return all, nil
		}
		all = append(all, items...)
		if len(items) == 0 || len(items) < b.opts.PageSize || (count >= 0 && len(all) >= count) {
			return all, nil
		}
	}
}

// async decodes an async command's {"jobid":…, "id":…}.
func async(cmd string, raw json.RawMessage) (translate.AsyncResult, error) {
	var r struct {
		ID    flexString `json:"id"`
		JobID flexString `json:"jobid"`
	}
	if err := decode(cmd, raw, &r); err != nil {
		return translate.AsyncResult{}, err
	}
	return translate.AsyncResult{ID: string(r.ID), JobID: string(r.JobID)}, nil
}

// flexString accepts a JSON string or number.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	if n := len(b); n >= 2 && b[0] == '"' && bytes.IndexByte(b, '\\') < 0 {
		*f = flexString(b[1 : n-1]) // no escapes: the text is the string
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	}
	if string(b) == "null" {
		return nil
	}
	*f = flexString(strings.TrimSpace(string(b)))
	return nil
}

// flexInt accepts a JSON number or a numeric string.
type flexInt int64

func (f *flexInt) UnmarshalJSON(b []byte) error {
	if n, ok := plainInt(b); ok {
		*f = flexInt(n)
		return nil
	}
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" {
		return nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		*f = flexInt(n)
		return nil
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return err
	}
	*f = flexInt(x)
	return nil
}

// plainInt reads a JSON integer of at most 18 digits, quoted or not,
// without allocating.
func plainInt(b []byte) (int64, bool) {
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
		b = b[1 : len(b)-1]
	}
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// flexBool accepts a JSON bool or "true"/"false".
type flexBool bool

func (f *flexBool) UnmarshalJSON(b []byte) error {
	*f = flexBool(bytes.EqualFold(bytes.Trim(b, `"`), []byte("true")))
	return nil
}

// csTime parses CloudStack dates (yyyy-MM-dd'T'HH:mm:ssZ) and RFC 3339.
type csTime time.Time

func (t *csTime) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" {
		return nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05-0700", time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02 15:04:05"} {
		if v, err := time.Parse(layout, s); err == nil {
			*t = csTime(v.UTC())
			return nil
		}
	}
	return nil // an unparsable date is not worth failing a listing for
}

func (t csTime) Time() time.Time { return time.Time(t) }

// tagJSON is a CloudStack resource tag.
type tagJSON struct {
	Key          string     `json:"key"`
	Value        string     `json:"value"`
	ResourceType string     `json:"resourcetype"`
	ResourceID   flexString `json:"resourceid"`
}

func tagsOf(ts []tagJSON) translate.Tags {
	out := translate.Tags{}
	for _, t := range ts {
		out[t.Key] = t.Value
	}
	return out
}

// setTagFilter adds tags[i].key/value list filters.
func (p params) setTags(ts translate.Tags) params {
	i := 0
	for _, k := range sortedKeys(ts) {
		p["tags["+strconv.Itoa(i)+"].key"] = k
		p["tags["+strconv.Itoa(i)+"].value"] = ts[k]
		i++
	}
	return p
}

func sortedKeys(m translate.Tags) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// success decodes {"success":true} answers.
func success(cmd string, raw json.RawMessage) error {
	var r struct {
		Success     flexBool `json:"success"`
		DisplayText string   `json:"displaytext"`
	}
	if err := decode(cmd, raw, &r); err != nil {
		return err
	}
	if !bool(r.Success) && len(raw) > 2 && strings.Contains(string(raw), "success") {
		return &translate.Error{Op: cmd, Kind: translate.Internal, Message: "CloudStack reported failure: " + r.DisplayText}
	}
	return nil
}

func itoa(i int) string { return strconv.Itoa(i) }
