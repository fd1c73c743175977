package ec2compat_test

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"golang.org/x/crypto/ssh"

	"github.com/cloudgate/cloudgate/simulator"
)

// simDemo calls a simulator command as the demo user (what a tool other
// than the gateway does in the same account) and returns the JSON body.
func (e *testEnv) simDemo(t testing.TB, params map[string]string) map[string]json.RawMessage {
	t.Helper()
	key, secret, _ := e.sim.UserKeys("demo")
	params["apiKey"] = key
	params["response"] = "json"
	q := url.Values{}
	for k, v := range params {
		q.Set(k, v)
	}
	q.Set("signature", simulator.Sign(params, secret))
	resp, err := e.sim.HTTPClient().Get(e.sim.URL() + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("simulator %s: %d %s", params["command"], resp.StatusCode, b)
	}
	var env map[string]map[string]json.RawMessage
	if err := json.Unmarshal(b, &env); err != nil {
		t.Fatal(err)
	}
	for _, v := range env {
		return v
	}
	return nil
}

// keyRecordNames lists the demo account's registered user data names.
func (e *testEnv) keyRecordNames(t testing.TB) []string {
	t.Helper()
	var recs []struct{ Name string }
	_ = json.Unmarshal(e.simDemo(t, map[string]string{"command": "listUserData"})["userdata"], &recs)
	var out []string
	for _, r := range recs {
		out = append(out, r.Name)
	}
	return out
}

func authorizedKey(t testing.TB, pub any) string {
	t.Helper()
	pk, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pk)))
}

// TestSDKKeyPairTypes: an imported ed25519 key reads back KeyType ed25519
// with EC2's SHA-256 fingerprint, rsa keys rsa with the MD5 one, and
// IncludePublicKey returns what was imported (or created), all from one
// listUserData call per DescribeKeyPairs. Key pairs created outside the
// gateway keep the old answers: rsa, and IncludePublicKey refused naming
// why.
func TestSDKKeyPairTypes(t *testing.T) {
	e := mustEnv(t)
	ctx := ctxT(t)
	c := e.ec2

	edPub, _, _ := ed25519.GenerateKey(rand.Reader)
	ed := authorizedKey(t, edPub) + " me@laptop"
	rk, _ := rsa.GenerateKey(rand.Reader, 2048)
	rs := authorizedKey(t, &rk.PublicKey)

	imp, err := c.ImportKeyPair(ctx, &ec2.ImportKeyPairInput{KeyName: aws.String("ed"), PublicKeyMaterial: []byte(ed)})
	if err != nil {
		t.Fatal(err)
	}
	blob, _ := base64.StdEncoding.DecodeString(strings.Fields(ed)[1])
	s := sha256.Sum256(blob)
	wantEdFP := base64.StdEncoding.EncodeToString(s[:])
	if got := aws.ToString(imp.KeyFingerprint); got != wantEdFP {
		t.Fatalf("ImportKeyPair ed25519 fingerprint %q, want %q (base64 SHA-256)", got, wantEdFP)
	}
	if _, err := c.ImportKeyPair(ctx, &ec2.ImportKeyPairInput{KeyName: aws.String("rs"), PublicKeyMaterial: []byte(rs)}); err != nil {
		t.Fatal(err)
	}
	cr, err := c.CreateKeyPair(ctx, &ec2.CreateKeyPairInput{KeyName: aws.String("made")})
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.ParsePrivateKey([]byte(aws.ToString(cr.KeyMaterial)))
	if err != nil {
		t.Fatal(err)
	}
	made := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(signer.PublicKey())))
	// A key pair registered in CloudStack by another tool.
	ok, _ := rsa.GenerateKey(rand.Reader, 2048)
	e.simDemo(t, map[string]string{"command": "registerSSHKeyPair", "name": "outside", "publickey": authorizedKey(t, &ok.PublicKey)})

	e.cs.take()
	out, err := c.DescribeKeyPairs(ctx, &ec2.DescribeKeyPairsInput{KeyNames: []string{"ed", "rs", "made"}, IncludePublicKey: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if calls, _ := e.cs.take(); calls["listUserData"] != 1 {
		t.Fatalf("DescribeKeyPairs of 3 keys made %d listUserData calls, want 1 (%v)", calls["listUserData"], calls)
	}
	rb, _ := base64.StdEncoding.DecodeString(strings.Fields(rs)[1])
	m := md5.Sum(rb)
	var hexes []string
	for _, b := range m {
		hexes = append(hexes, fmt.Sprintf("%02x", b))
	}
	want := map[string][3]string{
		"ed":   {"ed25519", wantEdFP, ed},
		"rs":   {"rsa", strings.Join(hexes, ":"), rs},
		"made": {"rsa", aws.ToString(cr.KeyFingerprint), made},
	}
	if len(out.KeyPairs) != 3 {
		t.Fatalf("key pairs %+v", out.KeyPairs)
	}
	for _, k := range out.KeyPairs {
		w := want[aws.ToString(k.KeyName)]
		if string(k.KeyType) != w[0] || aws.ToString(k.KeyFingerprint) != w[1] || aws.ToString(k.PublicKey) != w[2] {
			t.Errorf("%s: type %s fingerprint %s public key %q, want %v", aws.ToString(k.KeyName), k.KeyType, aws.ToString(k.KeyFingerprint), aws.ToString(k.PublicKey), w)
		}
	}
	f, err := c.DescribeKeyPairs(ctx, &ec2.DescribeKeyPairsInput{Filters: []types.Filter{{Name: aws.String("key-type"), Values: []string{"ed25519"}}}})
	if err != nil || len(f.KeyPairs) != 1 || aws.ToString(f.KeyPairs[0].KeyName) != "ed" {
		t.Fatalf("key-type=ed25519 filter: %+v %v", f, err)
	}
	f, err = c.DescribeKeyPairs(ctx, &ec2.DescribeKeyPairsInput{Filters: []types.Filter{{Name: aws.String("fingerprint"), Values: []string{wantEdFP}}}})
	if err != nil || len(f.KeyPairs) != 1 || aws.ToString(f.KeyPairs[0].KeyName) != "ed" {
		t.Fatalf("fingerprint filter: %+v %v", f, err)
	}

	// Outside the gateway: rsa, no public key, and the refusal says why.
	o, err := c.DescribeKeyPairs(ctx, &ec2.DescribeKeyPairsInput{KeyNames: []string{"outside"}})
	if err != nil || len(o.KeyPairs) != 1 || o.KeyPairs[0].KeyType != types.KeyTypeRsa || o.KeyPairs[0].PublicKey != nil {
		t.Fatalf("outside key: %+v %v", o, err)
	}
	_, err = c.DescribeKeyPairs(ctx, &ec2.DescribeKeyPairsInput{KeyNames: []string{"outside"}, IncludePublicKey: aws.Bool(true)})
	wantCode(t, err, "UnsupportedOperation")
	if !strings.Contains(err.Error(), "outside") {
		t.Fatalf("refusal does not name the key pair: %v", err)
	}

	// EC2 imports rsa and ed25519 only.
	ek, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	_, err = c.ImportKeyPair(ctx, &ec2.ImportKeyPairInput{KeyName: aws.String("ec"), PublicKeyMaterial: []byte(authorizedKey(t, &ek.PublicKey))})
	wantCode(t, err, "InvalidKeyPair.Format")

	// DeleteKeyPair removes the record too.
	for _, n := range []string{"ed", "rs", "made"} {
		if _, err := c.DeleteKeyPair(ctx, &ec2.DeleteKeyPairInput{KeyName: aws.String(n)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range e.keyRecordNames(t) {
		if strings.HasPrefix(n, "cg-key-") {
			t.Fatalf("record %s left after DeleteKeyPair", n)
		}
	}
}

// TestSDKKeyPairOrphanRecords: a record without its key pair (a crash
// between the two calls), or whose key differs from the key pair of that
// name, is never believed; importing the name replaces it.
func TestSDKKeyPairOrphanRecords(t *testing.T) {
	e := mustEnv(t)
	ctx := ctxT(t)
	c := e.ec2
	edPub, _, _ := ed25519.GenerateKey(rand.Reader)
	stale := authorizedKey(t, edPub)
	for _, n := range []string{"ghost", "later"} {
		e.simDemo(t, map[string]string{"command": "registerUserData", "name": "cg-key-" + n,
			"userdata": base64.StdEncoding.EncodeToString([]byte(stale + "\n# cloudgate key pair " + n + "\n"))})
	}
	// "later" is then registered by another tool with another key.
	rk, _ := rsa.GenerateKey(rand.Reader, 2048)
	e.simDemo(t, map[string]string{"command": "registerSSHKeyPair", "name": "later", "publickey": authorizedKey(t, &rk.PublicKey)})
	out, err := c.DescribeKeyPairs(ctx, &ec2.DescribeKeyPairsInput{})
	if err != nil || len(out.KeyPairs) != 1 || aws.ToString(out.KeyPairs[0].KeyName) != "later" || out.KeyPairs[0].KeyType != types.KeyTypeRsa {
		t.Fatalf("describe with orphan records: %+v %v", out, err)
	}
	_, err = c.DescribeKeyPairs(ctx, &ec2.DescribeKeyPairsInput{KeyNames: []string{"later"}, IncludePublicKey: aws.Bool(true)})
	wantCode(t, err, "UnsupportedOperation")

	// Importing "ghost" (the same key as the orphan's) replaces the record.
	if _, err := c.ImportKeyPair(ctx, &ec2.ImportKeyPairInput{KeyName: aws.String("ghost"), PublicKeyMaterial: []byte(stale)}); err != nil {
		t.Fatal(err)
	}
	g, err := c.DescribeKeyPairs(ctx, &ec2.DescribeKeyPairsInput{KeyNames: []string{"ghost"}, IncludePublicKey: aws.Bool(true)})
	if err != nil || g.KeyPairs[0].KeyType != types.KeyTypeEd25519 || aws.ToString(g.KeyPairs[0].PublicKey) != stale {
		t.Fatalf("ghost after import: %+v %v", g, err)
	}
}

// TestSDKCreateKeyPairEd25519: CreateKeyPair KeyType=ed25519 returns an
// OpenSSH private key whose public half DescribeKeyPairs reads back with
// KeyType ed25519 and the same fingerprint; ppk and unknown types are
// refused.
func TestSDKCreateKeyPairEd25519(t *testing.T) {
	e := mustEnv(t)
	ctx := ctxT(t)
	c := e.ec2
	cr, err := c.CreateKeyPair(ctx, &ec2.CreateKeyPairInput{KeyName: aws.String("made-ed"), KeyType: types.KeyTypeEd25519})
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.ParsePrivateKey([]byte(aws.ToString(cr.KeyMaterial)))
	if err != nil || signer.PublicKey().Type() != ssh.KeyAlgoED25519 {
		t.Fatalf("private key: %v %v", signer, err)
	}
	sum := sha256.Sum256(signer.PublicKey().Marshal())
	fp := base64.StdEncoding.EncodeToString(sum[:])
	if aws.ToString(cr.KeyFingerprint) != fp {
		t.Fatalf("CreateKeyPair fingerprint %q, want %q", aws.ToString(cr.KeyFingerprint), fp)
	}
	out, err := c.DescribeKeyPairs(ctx, &ec2.DescribeKeyPairsInput{KeyNames: []string{"made-ed"}, IncludePublicKey: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	k := out.KeyPairs[0]
	if k.KeyType != types.KeyTypeEd25519 || aws.ToString(k.KeyFingerprint) != fp ||
		aws.ToString(k.PublicKey) != strings.TrimSpace(string(ssh.MarshalAuthorizedKey(signer.PublicKey()))) {
		t.Fatalf("described %+v", k)
	}
	_, err = c.CreateKeyPair(ctx, &ec2.CreateKeyPairInput{KeyName: aws.String("made-ed"), KeyType: types.KeyTypeEd25519})
	wantCode(t, err, "InvalidKeyPair.Duplicate")
	_, err = c.CreateKeyPair(ctx, &ec2.CreateKeyPairInput{KeyName: aws.String("ppk"), KeyFormat: types.KeyFormatPpk})
	wantCode(t, err, "UnsupportedOperation")
	_, err = c.CreateKeyPair(ctx, &ec2.CreateKeyPairInput{KeyName: aws.String("dsa"), KeyType: "dsa"})
	wantCode(t, err, "InvalidParameterValue")
	if all, err := c.DescribeKeyPairs(ctx, &ec2.DescribeKeyPairsInput{}); err != nil || len(all.KeyPairs) != 1 {
		t.Fatalf("refused creates left key pairs: %+v %v", all, err)
	}
}
