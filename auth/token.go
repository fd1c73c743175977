package auth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// Gateway tokens (access, refresh and authorization-code tokens) are
// self-contained: "cg1." followed by base64url(nonce || AES-256-GCM(claims)).
// The AES key is derived from the gateway Key, so any replica holding the
// same Key can open and check them; the authenticated encryption makes them
// tamper-proof and keeps the identity (user, domain, API key) unreadable to
// anyone holding only the token. The CloudStack secret key is never in a
// token: it is looked up through the Directory when the token is used.

const (
	tokenPrefix  = "cg1."
	tokenAAD     = "cloudgate token v1"
	maxTokenLen  = 8 << 10
	typAccess    = "at"
	typRefresh   = "rt"
	typCode      = "code"
	tokenIDBytes = 16
)

// tokenClaims is the sealed content of a gateway token.
type tokenClaims struct {
	Typ     string `json:"t"`
	ID      string `json:"j"`           // unique ID, the unit of revocation
	Parent  string `json:"p,omitempty"` // revoking this ID revokes the token too (refresh token ID, SA key ID)
	User    string `json:"u"`
	Domain  string `json:"d,omitempty"`
	Project string `json:"pr,omitempty"`
	APIKey  string `json:"k,omitempty"`
	Email   string `json:"e,omitempty"` // service-account email (for ID tokens)
	Scope   string `json:"s,omitempty"`
	Iat     int64  `json:"iat"`
	Exp     int64  `json:"exp"`
	// Authorization codes only.
	ClientID  string `json:"c,omitempty"`
	Redirect  string `json:"r,omitempty"`
	Challenge string `json:"x,omitempty"`
}

var errBadToken = errors.New("invalid token")

func newTokenID() string {
	b := make([]byte, tokenIDBytes)
	rand.Read(b)
	return b64(b)
}

func (k *Key) aead() cipher.AEAD {
	block, err := aes.NewCipher(k.aeadKey)
	if err != nil {
		panic(err) // the key is always 32 bytes
	}
	g, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return g
}

// sealToken encrypts and authenticates c.
func (k *Key) sealToken(c *tokenClaims) (string, error) {
	pt, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	g := k.aead()
	nonce := make([]byte, g.NonceSize())
	rand.Read(nonce)
	return tokenPrefix + b64(g.Seal(nonce, nonce, pt, []byte(tokenAAD))), nil
}

// openToken authenticates and decrypts a token sealed with k or, inside a
// rotation's overlap window, with a previous key. It checks integrity only;
// the caller checks type, expiry and revocation.
func (k *Key) openToken(tok string) (*tokenClaims, error) {
	var err error
	for _, kk := range k.accepted() {
		var c *tokenClaims
		if c, err = kk.openToken1(tok); err == nil {
			return c, nil
		}
	}
	return nil, err
}

func (k *Key) openToken1(tok string) (*tokenClaims, error) {
	if len(tok) > maxTokenLen || !strings.HasPrefix(tok, tokenPrefix) {
		return nil, errBadToken
	}
	raw, err := b64d(tok[len(tokenPrefix):])
	if err != nil {
		return nil, errBadToken
	}
	g := k.aead()
	if len(raw) < g.NonceSize()+g.Overhead() {
		return nil, errBadToken
	}
	pt, err := g.Open(nil, raw[:g.NonceSize()], raw[g.NonceSize():], []byte(tokenAAD))
	if err != nil {
		return nil, errBadToken
	}
	var c tokenClaims
	if err := json.Unmarshal(pt, &c); err != nil || c.Typ == "" || c.ID == "" {
		return nil, errBadToken
	}
	return &c, nil
}

func (c *tokenClaims) expired(now time.Time) bool { return now.Unix() >= c.Exp }
