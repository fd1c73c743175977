package conformance

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"golang.org/x/crypto/ssh"
)

// ec2KeyPairTypes imports an ed25519 and an rsa key and reads each back:
// KeyType, the fingerprint EC2 gives an imported ed25519 key (base64
// SHA-256 of the key, the same from ImportKeyPair and DescribeKeyPairs),
// the key-type filter, and IncludePublicKey returning the key (issue 12
// defect 12: CloudStack lists no public keys); then CreateKeyPair
// KeyType=ed25519, which CloudStack cannot generate.
func ec2KeyPairTypes() scenario {
	return scenario{
		name: "ec2/key-pairs/types", api: "ec2",
		ops: []string{"ImportKeyPair", "CreateKeyPair", "DescribeKeyPairs", "DeleteKeyPair"},
		run: func(t *scenarioT) {
			c := t.env.ec2
			edPub, _, err := ed25519.GenerateKey(rand.Reader)
			t.Must(err, "generate ed25519 key")
			pk, err := ssh.NewPublicKey(edPub)
			t.Must(err, "ssh public key")
			ed := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pk)))
			sum := sha256.Sum256(pk.Marshal())
			edFP := base64.StdEncoding.EncodeToString(sum[:])
			rs := strings.TrimSpace(string(t.sshPublicKey()))
			names := map[string]string{t.env.name("ed"): ed, t.env.name("rs"): rs}
			var edName, rsName string
			for n, k := range names {
				n := n
				t.Defer("delete key pair "+n, func(ctx context.Context) error {
					_, err := c.DeleteKeyPair(ctx, &ec2.DeleteKeyPairInput{KeyName: aws.String(n)})
					return ignoreEC2(err, "InvalidKeyPair.NotFound")
				})
				out, err := c.ImportKeyPair(t.ctx, &ec2.ImportKeyPairInput{KeyName: aws.String(n), PublicKeyMaterial: []byte(k)})
				t.Must(err, "ImportKeyPair")
				if k == ed {
					edName = n
					Equal(t, "ImportKeyPair fingerprint of an ed25519 key", aws.ToString(out.KeyFingerprint), edFP)
				} else {
					rsName = n
				}
			}
			out, err := c.DescribeKeyPairs(t.ctx, &ec2.DescribeKeyPairsInput{KeyNames: []string{edName, rsName}, IncludePublicKey: aws.Bool(true)})
			t.Must(err, "DescribeKeyPairs --include-public-key")
			Equal(t, "key pairs described", len(out.KeyPairs), 2)
			for _, k := range out.KeyPairs {
				n := aws.ToString(k.KeyName)
				want := types.KeyTypeRsa
				if n == edName {
					want = types.KeyTypeEd25519
					Equal(t, "DescribeKeyPairs fingerprint of an ed25519 key", aws.ToString(k.KeyFingerprint), edFP)
				}
				Equal(t, n+" KeyType", k.KeyType, want)
				// EC2 may rewrite the comment; type and key must be as imported.
				got := strings.Fields(aws.ToString(k.PublicKey))
				wantF := strings.Fields(names[n])
				t.Check(len(got) >= 2 && got[0] == wantF[0] && got[1] == wantF[1], "%s PublicKey %q, want %q", n, aws.ToString(k.PublicKey), names[n])
			}
			f, err := c.DescribeKeyPairs(t.ctx, &ec2.DescribeKeyPairsInput{Filters: []types.Filter{ec2Filter("key-type", "ed25519"), ec2Filter("key-name", edName, rsName)}})
			t.Must(err, "DescribeKeyPairs filter key-type")
			t.Check(len(f.KeyPairs) == 1 && aws.ToString(f.KeyPairs[0].KeyName) == edName, "filter key-type=ed25519 returned %d key pairs", len(f.KeyPairs))

			// CreateKeyPair KeyType=ed25519: an OpenSSH private key whose
			// public half reads back as ed25519 with the same fingerprint.
			made := t.env.name("ed-made")
			t.Defer("delete key pair "+made, func(ctx context.Context) error {
				_, err := c.DeleteKeyPair(ctx, &ec2.DeleteKeyPairInput{KeyName: aws.String(made)})
				return ignoreEC2(err, "InvalidKeyPair.NotFound")
			})
			cr, err := c.CreateKeyPair(t.ctx, &ec2.CreateKeyPairInput{KeyName: aws.String(made), KeyType: types.KeyTypeEd25519})
			t.Must(err, "CreateKeyPair KeyType=ed25519")
			signer, err := ssh.ParsePrivateKey([]byte(aws.ToString(cr.KeyMaterial)))
			t.Must(err, "parse the ed25519 private key")
			Equal(t, "private key type", signer.PublicKey().Type(), ssh.KeyAlgoED25519)
			ms := sha256.Sum256(signer.PublicKey().Marshal())
			Equal(t, "CreateKeyPair fingerprint of an ed25519 key", aws.ToString(cr.KeyFingerprint), base64.StdEncoding.EncodeToString(ms[:]))
			d, err := c.DescribeKeyPairs(t.ctx, &ec2.DescribeKeyPairsInput{KeyNames: []string{made}})
			t.Must(err, "DescribeKeyPairs")
			Equal(t, "KeyType of a created ed25519 key", d.KeyPairs[0].KeyType, types.KeyTypeEd25519)
			Equal(t, "DescribeKeyPairs fingerprint of a created ed25519 key", aws.ToString(d.KeyPairs[0].KeyFingerprint), aws.ToString(cr.KeyFingerprint))
		},
	}
}
