package auth

import (
	"bufio"
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// FuzzCanonicalRequest is a differential test of the SigV4 canonicalizer:
// whatever path, query, header value and body a client sends, a request
// signed by aws-sdk-go-v2 and parsed back by net/http's server-side reader
// must verify. Run: go test ./auth -run=^$ -fuzz=FuzzCanonicalRequest -fuzztime=10s
func FuzzCanonicalRequest(f *testing.F) {
	f.Add(uint8(1), "/", "", "application/x-www-form-urlencoded; charset=utf-8", "Action=DescribeRegions&Version=2016-11-15")
	f.Add(uint8(0), "/", "Action=DescribeRegions&Version=2016-11-15", "", "")
	f.Add(uint8(0), "/a%20b/%2F/%C3%BC/~x", "X=1&y=%20&y=+&z&%3D=%3D", "  a   b  ", "")
	f.Add(uint8(2), "/ec2-prefix/", "a=1;b=2&c=%zz", "\tv\t", "body")
	v := &SigV4{Directory: testRegistry(f), Now: func() time.Time { return fixedNow }}
	signer := v4.NewSigner()
	methods := []string{"GET", "POST", "PUT", "DELETE"}
	f.Fuzz(func(t *testing.T, m uint8, path, query, hval, body string) {
		if !strings.HasPrefix(path, "/") {
			return
		}
		for i := 0; i < len(hval); i++ {
			if c := hval[i]; (c < 0x20 && c != '\t') || c == 0x7f {
				return // net/http rewrites these on the wire
			}
		}
		u := "http://gw.test:8080" + path
		if query != "" {
			u += "?" + query
		}
		req, err := http.NewRequest(methods[int(m)%len(methods)], u, strings.NewReader(body))
		if err != nil || req.URL.Host != "gw.test:8080" {
			return
		}
		if hval != "" {
			req.Header.Set("X-Fuzz", hval)
		}
		if err := signer.SignHTTP(context.Background(), aws.Credentials{AccessKeyID: demoKey, SecretAccessKey: demoSecret},
			req, hashHex([]byte(body)), "ec2", "zone1", fixedNow); err != nil {
			return
		}
		var wire bytes.Buffer
		if err := req.Write(&wire); err != nil {
			return
		}
		sreq, err := http.ReadRequest(bufio.NewReader(&wire))
		if err != nil {
			return
		}
		// Canonicalization must not panic on anything the server parses.
		canonicalRequests(sreq, []string{"host", "x-fuzz", "content-length"}, "", true)
		if _, err := v.Authenticate(sreq); err != nil {
			t.Fatalf("SDK-signed request rejected: %v\nrequest URI %q header %q", err, sreq.RequestURI, hval)
		}
	})
}

// FuzzParseToken feeds arbitrary strings to the token and JWT parsers and to
// AuthenticateToken: nothing may panic, and only the genuine tokens (or
// encodings that decode to exactly the same bytes) may be accepted.
// Run: go test ./auth -run=^$ -fuzz=FuzzParseToken -fuzztime=10s
func FuzzParseToken(f *testing.F) {
	key, _ := KeyFromString("fuzzing gateway secret value")
	reg := testRegistry(f)
	ts := &TokenServer{Key: key, Directory: reg}
	demo, _ := reg.ByAPIKey(context.Background(), demoKey)
	resp, genuine, err := ts.issueAccess(demo, "", "", "scope")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(resp.AccessToken)
	f.Add("cg1.")
	f.Add("cg1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	f.Add("eyJhbGciOiJSUzI1NiIsImtpZCI6ImNnc2ExLmEuYiJ9.eyJpc3MiOiJkZW1vQGRlbW8ucm9vdC5jbG91ZGdhdGUifQ.c2ln")
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Add("a.b.c")
	f.Fuzz(func(t *testing.T, tok string) {
		parseJWT(tok)
		looksLikeJWT(tok)
		// Worker processes mint their own genuine token, so compare
		// content rather than the random ID.
		if c, err := key.openToken(tok); err == nil && (c.Typ != genuine.Typ || c.User != genuine.User || c.APIKey != genuine.APIKey || c.Scope != genuine.Scope) {
			t.Fatalf("forged token opened: %+v", c)
		}
		p, err := ts.AuthenticateToken(context.Background(), nil, tok)
		if err == nil && (p.UserName != "demo" || !strings.HasPrefix(tok, tokenPrefix)) {
			t.Fatalf("accepted %q as %v", tok, p)
		}
		if err != nil && len(tok) > 0 {
			_ = err.Error()
		}
	})
}
