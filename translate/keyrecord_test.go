package translate_test

import (
	"context"
	"crypto/ed25519"
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/cloudgate/cloudgate/translate"
	"github.com/cloudgate/cloudgate/translate/mock"
)

// keyWorld adds CloudStack key pairs (name → public key) to a world.
func keyWorld(m *mock.CloudStack) map[string]string {
	keys := map[string]string{}
	fp := func(pub string) string {
		b, _ := base64.StdEncoding.DecodeString(strings.Fields(pub)[1])
		s := md5.Sum(b)
		var h []string
		for _, x := range s {
			h = append(h, fmt.Sprintf("%02x", x))
		}
		return strings.Join(h, ":")
	}
	m.RegisterSSHKeyPairFn = func(ctx context.Context, name, pub string) (*translate.KeyPair, error) {
		keys[name] = pub
		return &translate.KeyPair{ID: "k-" + name, Name: name, Fingerprint: fp(pub)}, nil
	}
	m.ListSSHKeyPairsFn = func(ctx context.Context, name string) ([]translate.KeyPair, error) {
		var out []translate.KeyPair
		for n, pub := range keys {
			if name == "" || name == n {
				out = append(out, translate.KeyPair{ID: "k-" + n, Name: n, Fingerprint: fp(pub)})
			}
		}
		return out, nil
	}
	return keys
}

// TestKeyRecordsDegrade: without registered user data (CloudStack < 4.18)
// or when CloudStack refuses the record, ImportKeyPair still registers the
// key, which then has no public key (today's answers); with it, KeyPairs
// returns the imported public key.
func TestKeyRecordsDegrade(t *testing.T) {
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	pk, _ := ssh.NewPublicKey(pub)
	line := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pk)))
	for _, tc := range []struct {
		name, version string
		refuse        bool
		want          string
	}{
		{"4.20", "4.20.1.0", false, line},
		{"4.17", "4.17.2.0", false, ""},
		{"refused", "4.20.1.0", true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, m := newWorld()
			w.caps.Version = tc.version
			u := &userDataStore{}
			if tc.refuse {
				u.registerErr = &translate.Error{Kind: translate.PermissionDenied, Message: "not allowed"}
			}
			u.install(m)
			keys := keyWorld(m)
			svc := newService(m)
			if _, err := svc.ImportKeyPair(testCtx(), "ed", line); err != nil {
				t.Fatal(err)
			}
			if keys["ed"] != line {
				t.Fatalf("key not registered: %v", keys)
			}
			kps, err := svc.KeyPairsWithPublicKeys(testCtx(), []string{"ed"})
			if err != nil {
				t.Fatal(err)
			}
			if kps[0].PublicKey != tc.want {
				t.Fatalf("public key %q, want %q", kps[0].PublicKey, tc.want)
			}
			if tc.version < "4.18" && m.Calls("RegisterUserData")+m.Calls("ListUserData") != 0 {
				t.Fatalf("registered user data used on CloudStack %s", tc.version)
			}
		})
	}
}
