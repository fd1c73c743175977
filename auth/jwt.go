package auth

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
)

// A minimal JWT (JWS compact serialization) reader and writer: RS256
// verification for service-account assertions and EdDSA signing for ID
// tokens. Nothing else is accepted (no "none", no HS*, no algorithm
// confusion: the algorithm is fixed by the caller, not by the header).

type jwtHeader struct {
	Alg string `json:"alg"`
	Typ string `json:"typ,omitempty"`
	Kid string `json:"kid,omitempty"`
}

// audience is a JWT "aud": a string or a list of strings.
type audience []string

func (a *audience) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*a = nil
		if s != "" { // "aud":"" (x/oauth2 self-signed JWTs) means none
			*a = audience{s}
		}
		return nil
	}
	var l []string
	if err := json.Unmarshal(b, &l); err != nil {
		return err
	}
	*a = l
	return nil
}

// numericDate is a JWT time: seconds since the epoch, integer or fraction,
// or (leniently) a decimal string.
type numericDate int64

func (n *numericDate) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 1e12 {
		return errors.New("bad numeric date")
	}
	*n = numericDate(f)
	return nil
}

// jwtClaims are the claims the gateway reads from assertions.
type jwtClaims struct {
	Iss            string      `json:"iss"`
	Sub            string      `json:"sub,omitempty"`
	Aud            audience    `json:"aud,omitempty"`
	Iat            numericDate `json:"iat"`
	Exp            numericDate `json:"exp"`
	Scope          string      `json:"scope,omitempty"`
	TargetAudience string      `json:"target_audience,omitempty"`
}

type parsedJWT struct {
	header       jwtHeader
	claims       jwtClaims
	signingInput string
	signature    []byte
}

const maxJWTLen = 16 << 10

var errMalformedJWT = errors.New("malformed JWT")

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// b64d decodes base64url with or without padding.
func b64d(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

// looksLikeJWT reports whether tok has the shape of a JWS with a JSON header.
func looksLikeJWT(tok string) bool {
	h, _, ok := strings.Cut(tok, ".")
	if !ok || strings.Count(tok, ".") != 2 {
		return false
	}
	raw, err := b64d(h)
	return err == nil && bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{"))
}

func parseJWT(tok string) (*parsedJWT, error) {
	if len(tok) > maxJWTLen {
		return nil, errMalformedJWT
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, errMalformedJWT
	}
	hb, err1 := b64d(parts[0])
	cb, err2 := b64d(parts[1])
	sig, err3 := b64d(parts[2])
	if err1 != nil || err2 != nil || err3 != nil {
		return nil, errMalformedJWT
	}
	p := &parsedJWT{signingInput: parts[0] + "." + parts[1], signature: sig}
	if json.Unmarshal(hb, &p.header) != nil || json.Unmarshal(cb, &p.claims) != nil {
		return nil, errMalformedJWT
	}
	return p, nil
}

func (p *parsedJWT) verifyRS256(pub *rsa.PublicKey) error {
	if p.header.Alg != "RS256" {
		return errors.New("JWT algorithm must be RS256")
	}
	sum := sha256.Sum256([]byte(p.signingInput))
	return rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], p.signature)
}

// signJWT makes a compact JWS; alg is "EdDSA" (Ed25519 key) or "RS256" (RSA key).
func signJWT(key crypto.Signer, kid string, claims any) (string, error) {
	alg := "EdDSA"
	if _, ok := key.(*rsa.PrivateKey); ok {
		alg = "RS256"
	}
	hb, _ := json.Marshal(jwtHeader{Alg: alg, Typ: "JWT", Kid: kid})
	cb, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	input := b64(hb) + "." + b64(cb)
	var sig []byte
	switch k := key.(type) {
	case ed25519.PrivateKey:
		sig = ed25519.Sign(k, []byte(input))
	case *rsa.PrivateKey:
		sum := sha256.Sum256([]byte(input))
		sig, err = rsa.SignPKCS1v15(nil, k, crypto.SHA256, sum[:])
	default:
		err = errors.New("unsupported key")
	}
	if err != nil {
		return "", err
	}
	return input + "." + b64(sig), nil
}
