package auth

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cloudgate/cloudgate/translate"
)

// SigV4 authenticates EC2 Query API requests signed with AWS Signature
// Version 4 (and, if AllowSigV2, Version 2). The access key ID is the
// CloudStack API key of a user and the secret access key is that user's
// CloudStack secret key; Directory.ByAPIKey maps one to the other.
type SigV4 struct {
	Directory translate.Directory
	// Now returns the current time (default time.Now).
	Now func() time.Time
	// MaxSkew is the allowed difference between the request time and Now
	// (default 15 minutes, as AWS).
	MaxSkew time.Duration
	// AllowSigV2 accepts the legacy SignatureVersion=2 query signatures.
	AllowSigV2 bool
	// Service is the required service in the credential scope (default
	// "ec2"). Any region is accepted.
	Service string
	// Services are further services accepted in the credential scope.
	// Terraform and Ansible call STS GetCallerIdentity on the EC2
	// endpoint, signed for "sts"; the handler routes a request by the
	// scope it was signed for and lets each service do only its own
	// actions.
	Services []string
	// MaxBody caps the body read for hashing (default 32 MiB).
	MaxBody int64
}

const (
	sigV4Algorithm   = "AWS4-HMAC-SHA256"
	amzDateFormat    = "20060102T150405Z"
	unsignedPayload  = "UNSIGNED-PAYLOAD"
	maxPresignExpiry = 7 * 24 * 3600
	opSigV4          = "SigV4"
)

// String describes the verifier.
func (s *SigV4) String() string { return "auth.SigV4{service=" + s.service() + "}" }

// GoString is the same as String.
func (s *SigV4) GoString() string { return s.String() }

func (s *SigV4) service() string {
	if s.Service == "" {
		return "ec2"
	}
	return s.Service
}

func (s *SigV4) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *SigV4) skew() time.Duration {
	if s.MaxSkew > 0 {
		return s.MaxSkew
	}
	return 15 * time.Minute
}

// sigV4Request is what the Authorization header or the presigned query says.
type sigV4Request struct {
	accessKey     string
	date          string // yyyymmdd of the scope
	region        string
	service       string
	signedHeaders []string
	signature     string
	amzDate       time.Time
	presigned     bool
	expires       int64 // presigned only
}

// Authenticate verifies r and returns the principal of its access key. The
// body is read and replaced by an equivalent re-readable body. Errors are
// *translate.Error: Unauthenticated (missing or malformed credentials,
// unknown access key), SignatureMismatch, or Expired (request time outside
// MaxSkew, or an expired presigned URL). Directory failures other than
// NotFound keep their kind.
func (s *SigV4) Authenticate(r *http.Request) (*translate.Principal, error) {
	body, err := s.readBody(r)
	if err != nil {
		return nil, err
	}
	var sr *sigV4Request
	switch {
	case r.Header.Get("Authorization") != "":
		authz := r.Header.Get("Authorization")
		if !strings.HasPrefix(authz, sigV4Algorithm+" ") {
			return nil, unauthenticated(opSigV4, "Unsupported authorization type (only %s is accepted)", sigV4Algorithm)
		}
		sr, err = parseAuthorization(authz)
		if err != nil {
			return nil, err
		}
		d := r.Header.Get("X-Amz-Date")
		if d == "" {
			if hd := r.Header.Get("Date"); hd != "" {
				t, perr := http.ParseTime(hd)
				if perr != nil {
					return nil, unauthenticated(opSigV4, "Invalid Date header")
				}
				sr.amzDate = t.UTC()
				break
			}
			return nil, unauthenticated(opSigV4, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header")
		}
		sr.amzDate, err = time.Parse(amzDateFormat, d)
		if err != nil {
			return nil, unauthenticated(opSigV4, "Invalid X-Amz-Date %q", d)
		}
	case r.URL.Query().Get("X-Amz-Algorithm") != "":
		sr, err = parsePresigned(r.URL.Query())
		if err != nil {
			return nil, err
		}
	default:
		if s.AllowSigV2 {
			if params := sigV2Params(r, body); params != nil {
				return s.authenticateV2(r, params)
			}
		}
		return nil, unauthenticated(opSigV4, "Request is missing Authentication Token")
	}

	if sr.service != s.service() && !slices.Contains(s.Services, sr.service) {
		return nil, unauthenticated(opSigV4, "Credential should be scoped to correct service: '%s'", s.service())
	}
	if sr.date != sr.amzDate.Format("20060102") {
		return nil, signatureMismatch(opSigV4, "Credential should be scoped to a valid date: '%s'", sr.amzDate.Format("20060102"))
	}
	if !slices.Contains(sr.signedHeaders, "host") {
		return nil, unauthenticated(opSigV4, "Signed headers must include 'host'")
	}
	now := s.now()
	if sr.presigned {
		if now.Before(sr.amzDate.Add(-s.skew())) {
			return nil, expired(opSigV4, "Request is not yet valid")
		}
		if now.After(sr.amzDate.Add(time.Duration(sr.expires) * time.Second)) {
			return nil, expired(opSigV4, "Request has expired")
		}
	} else if d := now.Sub(sr.amzDate); d > s.skew() || d < -s.skew() {
		return nil, expired(opSigV4, "Request has expired (signature date %s, server time %s)",
			sr.amzDate.Format(amzDateFormat), now.UTC().Format(amzDateFormat))
	}

	p, err := s.Directory.ByAPIKey(r.Context(), sr.accessKey)
	if err != nil {
		return nil, lookupError(opSigV4, err, "AWS was not able to validate the provided access credentials")
	}

	key := signingKey(p.SecretKey, sr.date, sr.region, sr.service)
	for _, hash := range payloadHashes(r, body, sr.presigned) {
		for _, cr := range canonicalRequests(r, sr.signedHeaders, hash, sr.presigned) {
			sts := stringToSign(sr.amzDate, sr.date+"/"+sr.region+"/"+sr.service+"/aws4_request", cr)
			want := hex.EncodeToString(hmacSHA256(key, []byte(sts)))
			if subtle.ConstantTimeCompare([]byte(want), []byte(strings.ToLower(sr.signature))) == 1 {
				return normalize(p), nil
			}
		}
	}
	return nil, signatureMismatch(opSigV4, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.")
}

func (s *SigV4) readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	limit := s.MaxBody
	if limit <= 0 {
		limit = 32 << 20
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	r.Body.Close()
	if err != nil {
		return nil, &translate.Error{Op: opSigV4, Kind: translate.InvalidArgument, Message: "could not read request body", Err: err}
	}
	if int64(len(body)) > limit {
		return nil, &translate.Error{Op: opSigV4, Kind: translate.InvalidArgument, Message: "request body too large"}
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	return body, nil
}

// payloadHashes lists the payload hashes to try. An explicit
// X-Amz-Content-Sha256 is honoured but must match the body, except
// UNSIGNED-PAYLOAD, which is accepted only for an empty body (EC2
// parameters live in the body, so they must be covered by the signature).
func payloadHashes(r *http.Request, body []byte, presigned bool) []string {
	sum := sha256.Sum256(body)
	actual := hex.EncodeToString(sum[:])
	declared := r.Header.Get("X-Amz-Content-Sha256")
	if declared == "" && presigned {
		declared = r.URL.Query().Get("X-Amz-Content-Sha256")
	}
	switch {
	case declared == "":
		if presigned && len(body) == 0 {
			return []string{actual, unsignedPayload}
		}
		return []string{actual}
	case declared == unsignedPayload:
		if len(body) == 0 {
			return []string{unsignedPayload}
		}
		return nil
	case strings.EqualFold(declared, actual):
		return []string{declared}
	}
	return nil
}

func parseAuthorization(h string) (*sigV4Request, error) {
	rest := strings.TrimSpace(strings.TrimPrefix(h, sigV4Algorithm))
	fields := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return nil, unauthenticated(opSigV4, "Authorization header is malformed")
		}
		fields[k] = v
	}
	sr := &sigV4Request{}
	if err := sr.setCredential(fields["Credential"]); err != nil {
		return nil, err
	}
	if err := sr.setSignedHeaders(fields["SignedHeaders"]); err != nil {
		return nil, err
	}
	sr.signature = fields["Signature"]
	if !isHex64(sr.signature) {
		return nil, unauthenticated(opSigV4, "Authorization header requires a 'Signature' parameter")
	}
	return sr, nil
}

func parsePresigned(q url.Values) (*sigV4Request, error) {
	if q.Get("X-Amz-Algorithm") != sigV4Algorithm {
		return nil, unauthenticated(opSigV4, "X-Amz-Algorithm only supports %s", sigV4Algorithm)
	}
	sr := &sigV4Request{presigned: true}
	if err := sr.setCredential(q.Get("X-Amz-Credential")); err != nil {
		return nil, err
	}
	if err := sr.setSignedHeaders(q.Get("X-Amz-SignedHeaders")); err != nil {
		return nil, err
	}
	sr.signature = q.Get("X-Amz-Signature")
	if !isHex64(sr.signature) {
		return nil, unauthenticated(opSigV4, "X-Amz-Signature is missing or malformed")
	}
	var err error
	if sr.amzDate, err = time.Parse(amzDateFormat, q.Get("X-Amz-Date")); err != nil {
		return nil, unauthenticated(opSigV4, "X-Amz-Date is missing or malformed")
	}
	sr.expires, err = strconv.ParseInt(q.Get("X-Amz-Expires"), 10, 64)
	if err != nil || sr.expires < 0 || sr.expires > maxPresignExpiry {
		return nil, unauthenticated(opSigV4, "X-Amz-Expires must be an integer between 0 and %d", maxPresignExpiry)
	}
	return sr, nil
}

func (sr *sigV4Request) setCredential(c string) error {
	parts := strings.Split(c, "/")
	if len(parts) != 5 || parts[0] == "" || parts[4] != "aws4_request" || len(parts[1]) != 8 || parts[2] == "" {
		return unauthenticated(opSigV4, "Credential must have the form <access key>/<date>/<region>/<service>/aws4_request")
	}
	sr.accessKey, sr.date, sr.region, sr.service = parts[0], parts[1], parts[2], parts[3]
	return nil
}

func (sr *sigV4Request) setSignedHeaders(h string) error {
	if h == "" {
		return unauthenticated(opSigV4, "SignedHeaders is missing")
	}
	sr.signedHeaders = strings.Split(strings.ToLower(h), ";")
	return nil
}

func isHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

func hmacSHA256(key, data []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(data)
	return m.Sum(nil)
}

func signingKey(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), []byte(date))
	k = hmacSHA256(k, []byte(region))
	k = hmacSHA256(k, []byte(service))
	return hmacSHA256(k, []byte("aws4_request"))
}

func stringToSign(t time.Time, scope, canonical string) string {
	sum := sha256.Sum256([]byte(canonical))
	return sigV4Algorithm + "\n" + t.UTC().Format(amzDateFormat) + "\n" + scope + "\n" + hex.EncodeToString(sum[:])
}

// canonicalRequests returns the canonical request of r, with the URI
// escaped twice (what the AWS SDKs do for every service but S3) and, if that
// differs, escaped once (the spec's S3 rule, which some clients apply
// everywhere).
func canonicalRequests(r *http.Request, signedHeaders []string, payloadHash string, presigned bool) []string {
	rawPath := r.URL.EscapedPath()
	if r.URL.Opaque != "" {
		rawPath = opaquePath(r.URL.Opaque)
	}
	if rawPath == "" {
		rawPath = "/"
	}
	query := canonicalQuery(r.URL.Query(), presigned)
	headers := canonicalHeaders(r, signedHeaders)
	tail := "\n" + query + "\n" + headers + "\n" + strings.Join(signedHeaders, ";") + "\n" + payloadHash
	double := r.Method + "\n" + escapePath(rawPath) + tail
	if single := r.Method + "\n" + rawPath + tail; single != double {
		return []string{double, single}
	}
	return []string{double}
}

func opaquePath(opaque string) string {
	if i := strings.Index(opaque, "?"); i >= 0 {
		opaque = opaque[:i]
	}
	opaque = strings.TrimPrefix(opaque, "//")
	if i := strings.Index(opaque, "/"); i >= 0 {
		return opaque[i:]
	}
	return ""
}

// escapePath percent-encodes every byte outside the RFC 3986 unreserved set
// except '/'.
func escapePath(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if unreserved(c) || c == '/' {
			b.WriteByte(c)
		} else {
			b.WriteByte('%')
			b.WriteByte("0123456789ABCDEF"[c>>4])
			b.WriteByte("0123456789ABCDEF"[c&15])
		}
	}
	return b.String()
}

func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

func escapeQueryComponent(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }

// canonicalQuery encodes each name and value (unreserved characters kept,
// everything else %XX, space as %20) and sorts by encoded name, then value.
// For presigned requests X-Amz-Signature is left out.
func canonicalQuery(q url.Values, presigned bool) string {
	type kv struct{ k, v string }
	var params []kv
	for k, vs := range q {
		if presigned && k == "X-Amz-Signature" {
			continue
		}
		ek := escapeQueryComponent(k)
		for _, v := range vs {
			params = append(params, kv{ek, escapeQueryComponent(v)})
		}
	}
	slices.SortFunc(params, func(a, b kv) int {
		if c := strings.Compare(a.k, b.k); c != 0 {
			return c
		}
		return strings.Compare(a.v, b.v)
	})
	var b strings.Builder
	for i, p := range params {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.k)
		b.WriteByte('=')
		b.WriteString(p.v)
	}
	return b.String()
}

// canonicalHeaders renders the signed headers: lower-case name, ':', the
// values trimmed with runs of spaces collapsed, joined by ','. host comes
// from r.Host and content-length from r.ContentLength when Go has moved
// them out of r.Header.
func canonicalHeaders(r *http.Request, signed []string) string {
	var b strings.Builder
	for _, name := range signed {
		var values []string
		switch name {
		case "host":
			h := r.Host
			if h == "" {
				h = r.URL.Host
			}
			values = []string{h}
		case "content-length":
			values = r.Header.Values("Content-Length")
			if len(values) == 0 && r.ContentLength >= 0 {
				values = []string{strconv.FormatInt(r.ContentLength, 10)}
			}
		default:
			values = r.Header.Values(name)
		}
		b.WriteString(name)
		b.WriteByte(':')
		for i, v := range values {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strings.TrimSpace(collapseSpaces(v)))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func collapseSpaces(s string) string {
	if !strings.Contains(s, "  ") {
		return s
	}
	var b strings.Builder
	prev := false
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			if prev {
				continue
			}
			prev = true
		} else {
			prev = false
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
