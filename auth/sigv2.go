package auth

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"hash"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cloudgate/cloudgate/translate"
)

const opSigV2 = "SigV2"

// sigV2Params returns the request parameters if they carry a Version 2
// signature (query for GET, form body for POST), or nil.
func sigV2Params(r *http.Request, body []byte) url.Values {
	q := r.URL.Query()
	if q.Get("SignatureVersion") == "2" && q.Get("Signature") != "" {
		return q
	}
	if r.Method == http.MethodPost && len(body) > 0 {
		if f, err := url.ParseQuery(string(body)); err == nil && f.Get("SignatureVersion") == "2" && f.Get("Signature") != "" {
			return f
		}
	}
	return nil
}

// authenticateV2 verifies a SignatureVersion=2 request: the signature is
// base64(HMAC(secret, METHOD\nhost\npath\ncanonical-query)) with
// HmacSHA256 or HmacSHA1.
func (s *SigV4) authenticateV2(r *http.Request, params url.Values) (*translate.Principal, error) {
	var newHash func() hash.Hash
	switch params.Get("SignatureMethod") {
	case "HmacSHA256":
		newHash = sha256.New
	case "HmacSHA1":
		newHash = sha1.New
	default:
		return nil, unauthenticated(opSigV2, "SignatureMethod must be HmacSHA256 or HmacSHA1")
	}
	now := s.now()
	switch {
	case params.Get("Timestamp") != "":
		t, err := parseV2Time(params.Get("Timestamp"))
		if err != nil {
			return nil, unauthenticated(opSigV2, "Timestamp is malformed")
		}
		if d := now.Sub(t); d > s.skew() || d < -s.skew() {
			return nil, expired(opSigV2, "Request has expired")
		}
	case params.Get("Expires") != "":
		t, err := parseV2Time(params.Get("Expires"))
		if err != nil {
			return nil, unauthenticated(opSigV2, "Expires is malformed")
		}
		if now.After(t) {
			return nil, expired(opSigV2, "Request has expired")
		}
	default:
		return nil, unauthenticated(opSigV2, "Timestamp or Expires is required")
	}
	p, err := s.Directory.ByAPIKey(r.Context(), params.Get("AWSAccessKeyId"))
	if err != nil {
		return nil, lookupError(opSigV2, err, "AWS was not able to validate the provided access credentials")
	}
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	host := strings.ToLower(r.Host)
	sts := r.Method + "\n" + host + "\n" + path + "\n" + canonicalQueryV2(params)
	m := hmac.New(newHash, []byte(p.SecretKey))
	m.Write([]byte(sts))
	want := base64.StdEncoding.EncodeToString(m.Sum(nil))
	if subtle.ConstantTimeCompare([]byte(want), []byte(params.Get("Signature"))) != 1 {
		return nil, signatureMismatch(opSigV2, "The request signature we calculated does not match the signature you provided.")
	}
	return normalize(p), nil
}

func canonicalQueryV2(params url.Values) string {
	q := url.Values{}
	for k, v := range params {
		if k != "Signature" {
			q[k] = v
		}
	}
	return canonicalQuery(q, false)
}

func parseV2Time(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05Z", "2006-01-02T15:04:05.000Z"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Parse(time.RFC3339Nano, s)
}
