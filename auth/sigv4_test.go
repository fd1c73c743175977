package auth

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/cloudgate/cloudgate/translate"
)

var fixedNow = time.Date(2026, 11, 23, 11, 43, 43, 0, time.UTC)

func hashHex(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

func signedPost(t testing.TB, key, secret, region, service, body string, at time.Time) *http.Request {
	t.Helper()
	r := httptest.NewRequest("POST", "http://127.0.0.1:8081/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: key, SecretAccessKey: secret},
		r, hashHex([]byte(body)), service, region, at)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func testVerifier(t testing.TB) *SigV4 {
	return &SigV4{Directory: testRegistry(t), Now: func() time.Time { return fixedNow }}
}

func TestSigV4HeaderSDK(t *testing.T) {
	v := testVerifier(t)
	body := "Action=DescribeRegions&Version=2016-11-15"
	for _, region := range []string{"zone1", "My-Region-9", "us-east-1"} {
		r := signedPost(t, demoKey, demoSecret, region, "ec2", body, fixedNow)
		p, err := v.Authenticate(r)
		if err != nil {
			t.Fatalf("%s: %v", region, err)
		}
		if p.UserName != "demo" || p.Project != "demo" || p.SecretKey != demoSecret {
			t.Fatalf("principal %+v", *p)
		}
		got, _ := io.ReadAll(r.Body)
		if string(got) != body {
			t.Fatalf("body not restored: %q", got)
		}
	}
}

func TestSigV4WireCapture(t *testing.T) {
	// The request recorded from aws-cli 1.45.11 in client-wire-traces §4.2
	// cannot be replayed (secret "secret" but body elided), so rebuild the
	// documented canonical request and check our canonicalizer agrees.
	r := httptest.NewRequest("POST", "http://127.0.0.1:8081/", strings.NewReader("x"))
	r.Host = "127.0.0.1:8081"
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	r.Header.Set("X-Amz-Date", "20261123T114343Z")
	got := canonicalRequests(r, []string{"content-type", "host", "x-amz-date"}, "4ebf6d8d0487007bf3ef20f5ee122763987ddd700198cb2a07d138ce030bc0a2", false)[0]
	want := "POST\n/\n\ncontent-type:application/x-www-form-urlencoded; charset=utf-8\nhost:127.0.0.1:8081\nx-amz-date:20261123T114343Z\n\ncontent-type;host;x-amz-date\n4ebf6d8d0487007bf3ef20f5ee122763987ddd700198cb2a07d138ce030bc0a2"
	if got != want {
		t.Fatalf("canonical request\n%s\nwant\n%s", got, want)
	}
}

func TestSigV4OverTheWire(t *testing.T) {
	v := &SigV4{Directory: testRegistry(t)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := v.Authenticate(r)
		if err != nil {
			http.Error(w, translate.KindOf(err).String()+": "+err.Error(), 403)
			return
		}
		b, _ := io.ReadAll(r.Body)
		io.WriteString(w, p.UserName+" "+string(b))
	}))
	defer srv.Close()
	body := "Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=tag%3AName&Filter.1.Value.1=a+b%2Fc"
	req, _ := http.NewRequest("POST", srv.URL+"/ec2/some%20path/x~y?Extra=1&a=%2F&a=+", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	req.Header.Set("X-Custom", "  a   b  ")
	req.Header.Add("X-Custom", "c")
	if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: demoKey, SecretAccessKey: demoSecret},
		req, hashHex([]byte(body)), "ec2", "zone1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(out) != "demo "+body {
		t.Fatalf("%d %s", resp.StatusCode, out)
	}
}

func TestSigV4Presigned(t *testing.T) {
	v := testVerifier(t)
	r, _ := http.NewRequest("GET", "http://gw.test:8443/?Action=DescribeRegions&Version=2016-11-15", nil)
	u, _, err := v4.NewSigner().PresignHTTP(context.Background(), aws.Credentials{AccessKeyID: demoKey, SecretAccessKey: demoSecret},
		r, hashHex(nil), "ec2", "zone1", fixedNow.Add(-5*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	// The SDK leaves X-Amz-Expires to the caller; add it by re-signing with it in the query.
	r2, _ := http.NewRequest("GET", "http://gw.test:8443/?Action=DescribeRegions&Version=2016-11-15&X-Amz-Expires=900", nil)
	u2, _, err := v4.NewSigner().PresignHTTP(context.Background(), aws.Credentials{AccessKeyID: demoKey, SecretAccessKey: demoSecret},
		r2, hashHex(nil), "ec2", "zone1", fixedNow.Add(-5*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Authenticate(httptest.NewRequest("GET", u, nil)); err == nil {
		t.Fatal("presigned URL without X-Amz-Expires accepted")
	}
	if p, err := v.Authenticate(httptest.NewRequest("GET", u2, nil)); err != nil || p.UserName != "demo" {
		t.Fatalf("presigned: %v", err)
	}
	// UNSIGNED-PAYLOAD presign.
	r3, _ := http.NewRequest("GET", "http://gw.test:8443/?Action=DescribeRegions&X-Amz-Expires=60", nil)
	u3, _, _ := v4.NewSigner().PresignHTTP(context.Background(), aws.Credentials{AccessKeyID: demoKey, SecretAccessKey: demoSecret},
		r3, "UNSIGNED-PAYLOAD", "ec2", "zone1", fixedNow)
	if _, err := v.Authenticate(httptest.NewRequest("GET", u3, nil)); err != nil {
		t.Fatalf("unsigned-payload presign: %v", err)
	}
	// Expired: 5 minutes old but valid only 60 s.
	r4, _ := http.NewRequest("GET", "http://gw.test:8443/?Action=DescribeRegions&X-Amz-Expires=60", nil)
	u4, _, _ := v4.NewSigner().PresignHTTP(context.Background(), aws.Credentials{AccessKeyID: demoKey, SecretAccessKey: demoSecret},
		r4, hashHex(nil), "ec2", "zone1", fixedNow.Add(-5*time.Minute))
	_, err = v.Authenticate(httptest.NewRequest("GET", u4, nil))
	wantKind(t, err, translate.Expired)
	// Tampered query.
	_, err = v.Authenticate(httptest.NewRequest("GET", strings.Replace(u2, "DescribeRegions", "DescribeImages", 1), nil))
	wantKind(t, err, translate.SignatureMismatch)
}

func TestSigV4Negative(t *testing.T) {
	v := testVerifier(t)
	body := "Action=DescribeRegions&Version=2016-11-15"
	cases := []struct {
		name string
		req  func() *http.Request
		kind translate.Kind
	}{
		{"unknown key", func() *http.Request { return signedPost(t, "NOSUCHKEY", demoSecret, "zone1", "ec2", body, fixedNow) }, translate.Unauthenticated},
		{"wrong secret", func() *http.Request { return signedPost(t, demoKey, "wrong", "zone1", "ec2", body, fixedNow) }, translate.SignatureMismatch},
		{"other user's secret", func() *http.Request { return signedPost(t, otherKey, demoSecret, "zone1", "ec2", body, fixedNow) }, translate.SignatureMismatch},
		{"stale", func() *http.Request {
			return signedPost(t, demoKey, demoSecret, "zone1", "ec2", body, fixedNow.Add(-16*time.Minute))
		}, translate.Expired},
		{"future", func() *http.Request {
			return signedPost(t, demoKey, demoSecret, "zone1", "ec2", body, fixedNow.Add(16*time.Minute))
		}, translate.Expired},
		{"wrong service", func() *http.Request { return signedPost(t, demoKey, demoSecret, "zone1", "s3", body, fixedNow) }, translate.Unauthenticated},
		{"missing", func() *http.Request { return httptest.NewRequest("POST", "/", strings.NewReader(body)) }, translate.Unauthenticated},
		{"basic auth", func() *http.Request {
			r := httptest.NewRequest("POST", "/", strings.NewReader(body))
			r.SetBasicAuth("a", "b")
			return r
		}, translate.Unauthenticated},
		{"tampered body", func() *http.Request {
			r := signedPost(t, demoKey, demoSecret, "zone1", "ec2", body, fixedNow)
			r.Body = io.NopCloser(strings.NewReader(body + "&DryRun=true"))
			return r
		}, translate.SignatureMismatch},
		{"tampered header", func() *http.Request {
			r := signedPost(t, demoKey, demoSecret, "zone1", "ec2", body, fixedNow)
			r.Header.Set("Content-Type", "text/plain")
			return r
		}, translate.SignatureMismatch},
		{"tampered host", func() *http.Request {
			r := signedPost(t, demoKey, demoSecret, "zone1", "ec2", body, fixedNow)
			r.Host = "evil.test"
			return r
		}, translate.SignatureMismatch},
		{"declared hash mismatch", func() *http.Request {
			r := signedPost(t, demoKey, demoSecret, "zone1", "ec2", body, fixedNow)
			r.Header.Set("X-Amz-Content-Sha256", hashHex([]byte("other")))
			return r
		}, translate.SignatureMismatch},
		{"unsigned payload with body", func() *http.Request {
			r := httptest.NewRequest("POST", "http://127.0.0.1:8081/", strings.NewReader(body))
			r.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
			v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: demoKey, SecretAccessKey: demoSecret}, r, "UNSIGNED-PAYLOAD", "ec2", "zone1", fixedNow)
			return r
		}, translate.SignatureMismatch},
		{"scope date mismatch", func() *http.Request {
			r := signedPost(t, demoKey, demoSecret, "zone1", "ec2", body, fixedNow)
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/20261123/", "/20261122/", 1))
			return r
		}, translate.SignatureMismatch},
		{"malformed credential", func() *http.Request {
			r := signedPost(t, demoKey, demoSecret, "zone1", "ec2", body, fixedNow)
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=x, SignedHeaders=host, Signature=00")
			return r
		}, translate.Unauthenticated},
		{"sigv2 disabled", func() *http.Request { return sigV2Request(t, demoKey, demoSecret, fixedNow) }, translate.Unauthenticated},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := v.Authenticate(c.req())
			wantKind(t, err, c.kind)
		})
	}
	// An explicit, correct X-Amz-Content-Sha256 is honoured.
	r := httptest.NewRequest("POST", "http://127.0.0.1:8081/", strings.NewReader(body))
	r.Header.Set("X-Amz-Content-Sha256", hashHex([]byte(body)))
	v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: demoKey, SecretAccessKey: demoSecret}, r, hashHex([]byte(body)), "ec2", "zone1", fixedNow)
	if _, err := v.Authenticate(r); err != nil {
		t.Fatal(err)
	}
	// Within the skew window.
	if _, err := v.Authenticate(signedPost(t, demoKey, demoSecret, "zone1", "ec2", body, fixedNow.Add(14*time.Minute))); err != nil {
		t.Fatal(err)
	}
}

func sigV2Request(t testing.TB, key, secret string, at time.Time) *http.Request {
	params := url.Values{
		"Action": {"DescribeRegions"}, "Version": {"2016-11-15"}, "AWSAccessKeyId": {key},
		"SignatureVersion": {"2"}, "SignatureMethod": {"HmacSHA256"}, "Timestamp": {at.UTC().Format(time.RFC3339)},
	}
	sts := "POST\ngw.test\n/\n" + canonicalQuery(params, false)
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(sts))
	params.Set("Signature", base64.StdEncoding.EncodeToString(m.Sum(nil)))
	r := httptest.NewRequest("POST", "http://gw.test/", strings.NewReader(params.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}

func TestSigV2(t *testing.T) {
	v := testVerifier(t)
	v.AllowSigV2 = true
	if p, err := v.Authenticate(sigV2Request(t, demoKey, demoSecret, fixedNow)); err != nil || p.UserName != "demo" {
		t.Fatalf("sigv2: %v", err)
	}
	_, err := v.Authenticate(sigV2Request(t, demoKey, "bad", fixedNow))
	wantKind(t, err, translate.SignatureMismatch)
	_, err = v.Authenticate(sigV2Request(t, demoKey, demoSecret, fixedNow.Add(-time.Hour)))
	wantKind(t, err, translate.Expired)
	_, err = v.Authenticate(sigV2Request(t, "nope", demoSecret, fixedNow))
	wantKind(t, err, translate.Unauthenticated)
}

// TestAWSCLI runs the real aws CLI against a verifying server. It is skipped
// when aws is not installed, unless CI=true.
func TestAWSCLI(t *testing.T) {
	awsBin, err := exec.LookPath("aws")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("aws CLI not found and CI=true")
		}
		t.Skip("aws CLI not installed")
	}
	if testing.Short() {
		t.Skip("short mode")
	}
	v := &SigV4{Directory: testRegistry(t)}
	var mu sync.Mutex
	var lastErr error
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := v.Authenticate(r)
		mu.Lock()
		lastErr = err
		mu.Unlock()
		if err != nil {
			w.WriteHeader(400)
			io.WriteString(w, `<Response><Errors><Error><Code>AuthFailure</Code><Message>`+err.Error()+`</Message></Error></Errors><RequestID>x</RequestID></Response>`)
			return
		}
		b, _ := io.ReadAll(r.Body)
		if !bytes.Contains(b, []byte("Action=DescribeRegions")) {
			w.WriteHeader(400)
			return
		}
		io.WriteString(w, `<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>1</requestId><regionInfo><item><regionName>`+p.Project+`</regionName><regionEndpoint>x</regionEndpoint></item></regionInfo></DescribeRegionsResponse>`)
	}))
	defer srv.Close()

	dir := t.TempDir()
	run := func(secret string) (string, error) {
		cmd := exec.Command(awsBin, "ec2", "describe-regions", "--endpoint-url", srv.URL, "--output", "text")
		cmd.Env = append(os.Environ(),
			"AWS_CONFIG_FILE="+filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "credentials"),
			"AWS_ACCESS_KEY_ID="+demoKey, "AWS_SECRET_ACCESS_KEY="+secret, "AWS_DEFAULT_REGION=zone1",
			"AWS_EC2_METADATA_DISABLED=true", "AWS_MAX_ATTEMPTS=1", "AWS_PAGER=")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := run(demoSecret)
	mu.Lock()
	defer mu.Unlock()
	if err != nil || !strings.Contains(out, "demo") {
		t.Fatalf("aws describe-regions: %v\n%s\nserver: %v", err, out, lastErr)
	}
	mu.Unlock()
	out, err = run("wrong-secret")
	mu.Lock()
	if err == nil || translate.KindOf(lastErr) != translate.SignatureMismatch {
		t.Fatalf("wrong secret accepted: %v %s (server %v)", err, out, lastErr)
	}
	mu.Unlock()

	// The files written by AWSProfile work on their own (endpoint_url in
	// the profile, no environment credentials, no --endpoint-url).
	demo, _ := testRegistry(t).ByAPIKey(context.Background(), demoKey)
	cred, cfg := AWSProfile(demo, "cg", "zone1", srv.URL)
	pdir := t.TempDir()
	os.WriteFile(filepath.Join(pdir, "credentials"), cred, 0o600)
	os.WriteFile(filepath.Join(pdir, "config"), cfg, 0o600)
	cmd := exec.Command(awsBin, "ec2", "describe-regions", "--profile", "cg", "--output", "text")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + pdir,
		"AWS_CONFIG_FILE=" + filepath.Join(pdir, "config"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(pdir, "credentials"),
		"AWS_EC2_METADATA_DISABLED=true", "AWS_MAX_ATTEMPTS=1", "AWS_PAGER="}
	if pe := os.Getenv("PYENV_ROOT"); pe != "" {
		cmd.Env = append(cmd.Env, "PYENV_ROOT="+pe)
	}
	outb, err := cmd.CombinedOutput()
	mu.Lock()
	if err != nil || !strings.Contains(string(outb), "demo") {
		t.Fatalf("aws with AWSProfile files: %v\n%s\nserver: %v", err, outb, lastErr)
	}
}

// TestSigV4ExtraServices: a verifier told to also accept "sts" (the EC2
// endpoint serves sts:GetCallerIdentity) accepts that scope and still
// refuses others.
func TestSigV4ExtraServices(t *testing.T) {
	v := testVerifier(t)
	v.Services = []string{"sts"}
	body := "Action=GetCallerIdentity&Version=2011-06-15"
	if _, err := v.Authenticate(signedPost(t, demoKey, demoSecret, "us-east-1", "sts", body, fixedNow)); err != nil {
		t.Fatalf("sts scope: %v", err)
	}
	if _, err := v.Authenticate(signedPost(t, demoKey, demoSecret, "us-east-1", "ec2", body, fixedNow)); err != nil {
		t.Fatalf("ec2 scope: %v", err)
	}
	if _, err := v.Authenticate(signedPost(t, demoKey, demoSecret, "us-east-1", "iam", body, fixedNow)); translate.KindOf(err) != translate.Unauthenticated {
		t.Fatalf("iam scope: %v, want Unauthenticated", err)
	}
	if _, err := testVerifier(t).Authenticate(signedPost(t, demoKey, demoSecret, "us-east-1", "sts", body, fixedNow)); translate.KindOf(err) != translate.Unauthenticated {
		t.Fatalf("sts scope without Services: %v, want Unauthenticated", err)
	}
}
