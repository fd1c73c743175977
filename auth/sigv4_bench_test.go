package auth_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/cloudgate/cloudgate/auth"
)

// BenchmarkSigV4Verify measures verifying one SDK-signed EC2 POST (header
// signature) against a registry: parse, canonical request, HMAC chain.
func BenchmarkSigV4Verify(b *testing.B) {
	const key, secret = "AKIDBENCHKEY0000000000000000000000000000", "bench-secret-0000000000000000000000000000000"
	reg, err := auth.NewRegistry(auth.User{Name: "demo", Account: "demo", Domain: "ROOT", APIKey: key, Secret: secret})
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	v := &auth.SigV4{Directory: reg, Now: func() time.Time { return now }}
	body := []byte("Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=instance-state-name&Filter.1.Value.1=running&MaxResults=1000")
	sum := sha256.Sum256(body)
	r, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1:8443/", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	r.Header.Set("User-Agent", "aws-sdk-go-v2/1.0 os/linux lang/go#1.26 md/GOOS#linux api/ec2#1.0")
	if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: key, SecretAccessKey: secret},
		r, hex.EncodeToString(sum[:]), "ec2", "cloudstack-1", now); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		r.Body = io.NopCloser(bytes.NewReader(body))
		if _, err := v.Authenticate(r); err != nil {
			b.Fatal(err)
		}
	}
}
