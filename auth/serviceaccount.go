package auth

import (
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base32"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"strings"

	"github.com/cloudgate/cloudgate/translate"
)

// Service-account keys are stateless: the gateway stores nothing when it
// issues one. The key JSON's private_key_id (which clients copy into the
// JWT "kid") carries the RSA public key and the gateway's endorsement:
//
//	kid = "cgsa1." + base64url(modulus) + "." + base64url(HMAC-SHA256(K_sa, "cgsa1" 0 client_email 0 base64url(modulus)))
//
// where K_sa is derived from the gateway Key and the exponent is 65537. A
// replica holding the Key checks the HMAC, which binds the public key to the
// client_email, and then verifies the JWT's RS256 signature with that public
// key. client_email encodes the CloudStack user, domain and project (see
// ServiceAccountEmail), so the principal is then resolved through the
// Directory like any other. Forging a key needs the gateway Key; stealing a
// key JSON is like stealing a password (revoke it with
// TokenServer.RevokeServiceAccountKey).

const (
	saKIDPrefix   = "cgsa1"
	saEmailSuffix = ".cloudgate"
	saMinBits     = 2048
	saMaxBits     = 4096
)

var plainLabel = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

var b32 = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// encodeLabel keeps simple lower-case names and encodes everything else as
// "x--" + base32, so that the result is a valid e-mail/DNS label that
// decodes back exactly.
func encodeLabel(s string) string {
	if plainLabel.MatchString(s) && !strings.HasPrefix(s, "x--") {
		return s
	}
	return "x--" + b32.EncodeToString([]byte(s))
}

func decodeLabel(l string) (string, error) {
	if rest, ok := strings.CutPrefix(l, "x--"); ok {
		b, err := b32.DecodeString(rest)
		return string(b), err
	}
	if !plainLabel.MatchString(l) {
		return "", errors.New("bad label")
	}
	return l, nil
}

// ServiceAccountEmail is the client_email of p's service-account keys:
// USER@PROJECT.DOMAIN.cloudgate, each part encoded by encodeLabel, with
// DOMAIN "root" for the ROOT domain. For example demo@demo.root.cloudgate.
func ServiceAccountEmail(p *translate.Principal) string {
	domain := "root"
	if !sameDomain(p.Domain, "ROOT") {
		domain = encodeLabel(p.Domain)
	}
	project := normalize(clonePrincipal(p)).Project
	return encodeLabel(p.UserName) + "@" + encodeLabel(project) + "." + domain + saEmailSuffix
}

// parseServiceAccountEmail reverses ServiceAccountEmail.
func parseServiceAccountEmail(email string) (user, project, domain string, err error) {
	local, host, ok := strings.Cut(email, "@")
	host, ok2 := strings.CutSuffix(host, saEmailSuffix)
	parts := strings.Split(host, ".")
	if len(parts) == 3 && keySerialRE.MatchString(parts[0]) {
		parts = parts[1:] // a key serial (derivedkey.go)
	}
	if !ok || !ok2 || len(parts) != 2 {
		return "", "", "", errors.New("not a cloudgate service account")
	}
	if user, err = decodeLabel(local); err != nil {
		return
	}
	if project, err = decodeLabel(parts[0]); err != nil {
		return
	}
	if parts[1] == "root" {
		return user, project, "ROOT", nil
	}
	domain, err = decodeLabel(parts[1])
	return
}

func (k *Key) saTag(email, modulus string) []byte {
	return hmacSHA256(k.saKey, []byte(saKIDPrefix+"\x00"+email+"\x00"+modulus))
}

// serviceAccountKID endorses pub for email.
func (k *Key) serviceAccountKID(email string, pub *rsa.PublicKey) string {
	mod := b64(pub.N.Bytes())
	return saKIDPrefix + "." + mod + "." + b64(k.saTag(email, mod))
}

// serviceAccountPublicKey checks kid's endorsement for email and returns the
// public key it carries.
func (k *Key) serviceAccountPublicKey(email, kid string) (*rsa.PublicKey, error) {
	parts := strings.Split(kid, ".")
	if len(parts) != 3 || parts[0] != saKIDPrefix {
		return nil, errors.New("unknown key id")
	}
	tag, err := b64d(parts[2])
	endorsed := false
	for _, kk := range k.accepted() {
		endorsed = endorsed || err == nil && hmac.Equal(tag, kk.saTag(email, parts[1]))
	}
	if !endorsed {
		return nil, errors.New("key id not issued by this gateway for this account")
	}
	mod, err := b64d(parts[1])
	if err != nil {
		return nil, errors.New("malformed key id")
	}
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(mod), E: 65537}
	if bits := pub.N.BitLen(); bits < saMinBits || bits > saMaxBits {
		return nil, errors.New("unsupported key size")
	}
	return pub, nil
}

// serviceAccountRevocationID is the revocation-list ID of an SA key.
func serviceAccountRevocationID(kid string) string {
	sum := sha256.Sum256([]byte(kid))
	return "sa:" + hex.EncodeToString(sum[:16])
}

// ServiceAccountKey is the Google service-account key file format (the
// fields gcloud and google-auth read).
type ServiceAccountKey struct {
	Type         string `json:"type"`
	ProjectID    string `json:"project_id"`
	PrivateKeyID string `json:"private_key_id"`
	PrivateKey   string `json:"private_key"`
	ClientEmail  string `json:"client_email"`
	ClientID     string `json:"client_id"`
	AuthURI      string `json:"auth_uri"`
	TokenURI     string `json:"token_uri"`
}

// String omits the private key.
func (s ServiceAccountKey) String() string { return "ServiceAccountKey{" + s.ClientEmail + "}" }

// GoString is the same as String.
func (s ServiceAccountKey) GoString() string { return s.String() }

// NewServiceAccountKey creates a fresh RSA-2048 key for p and returns a
// Google service-account key JSON (type, project_id, private_key_id,
// private_key as PKCS#8 PEM, client_email, client_id, auth_uri, token_uri)
// whose private_key_id is endorsed by k. tokenURI is the gateway's public
// token endpoint (for example https://gw:8443/token); auth_uri is derived
// from it (…/authorize). Nothing is stored: any replica with k accepts the
// key as long as p still resolves through the Directory.
func NewServiceAccountKey(p *translate.Principal, tokenURI string, k *Key) ([]byte, error) {
	if p == nil || p.UserName == "" || p.Account == "" {
		return nil, errors.New("auth: service account needs a user name and account")
	}
	if k == nil {
		return nil, errors.New("auth: no gateway key")
	}
	if tokenURI == "" {
		return nil, errors.New("auth: empty token URI (gcloud would go to oauth2.googleapis.com)")
	}
	email, err := keyEmail(p)
	if err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	priv, err := k.derivedKey(email)
	if err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	sum := sha256.Sum256([]byte(email))
	clientID := new(big.Int).SetBytes(sum[:9]).String() // numeric, like Google's
	authURI := strings.TrimSuffix(tokenURI, "/token") + "/authorize"
	return json.MarshalIndent(ServiceAccountKey{
		Type:         "service_account",
		ProjectID:    normalize(clonePrincipal(p)).Project,
		PrivateKeyID: k.serviceAccountKID(email, &priv.PublicKey),
		PrivateKey:   string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		ClientEmail:  email,
		ClientID:     clientID,
		AuthURI:      authURI,
		TokenURI:     tokenURI,
	}, "", "  ")
}
