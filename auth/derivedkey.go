package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"math/big"
	"regexp"
	"strings"
	"sync"

	"github.com/cloudgate/cloudgate/translate"
)

// Service-account JWTs without "kid".
//
// google-auth copies the key file's private_key_id into the JWT header, and
// the gateway takes the public key out of it (serviceaccount.go). Libcloud,
// Salt Cloud and other hand-written signers send no kid, only the
// client_email as iss. So that any replica can still verify them without
// storing anything, a key's RSA key pair is derived from the gateway Key and
// its client_email, which carries a random serial:
//
//	client_email = USER@SERIAL.PROJECT.DOMAIN.cloudgate   (SERIAL = "k" + 10 base32 characters)
//	seed         = HMAC-SHA256(K_sa, "cgsa1-derive" 0 client_email)
//	p, q         = the first primes (1024 bits, top two bits set, p ≢ 1 mod 65537) at or after
//	               successive 128-byte blocks of HMAC-SHA256(seed, counter) output
//
// A replica recomputes the public key from the iss claim (about 0.1-0.5 s
// of CPU, then cached per replica) and checks the RS256 signature. Holding
// the gateway Key therefore means holding every service-account private
// key, which it already did in effect (it mints every token). A new key for
// the same user gets a new serial, and so a new key pair; revocation works
// as for keys with kid (by the kid the key would have).

// A serial is "k" and 10 random characters, or "b" (bound), 5 random
// characters and the fingerprint of the user's CloudStack API key when the
// key was made (apiKeyPrint): a bound key dies when the user's keys are
// regenerated in CloudStack, on every replica, with nothing shared between
// them (TokenServer.serviceAccountPrincipal checks it).
var keySerialRE = regexp.MustCompile(`^[kb][a-z2-7]{10}$`)

// keyEmail is ServiceAccountEmail with a fresh key serial, bound to the
// principal's API key when it has one.
func keyEmail(p *translate.Principal) (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	serial := "k" + b32.EncodeToString(b[:])[:10]
	if p.APIKey != "" {
		serial = "b" + b32.EncodeToString(b[:])[:5] + apiKeyPrint(p.APIKey)
	}
	local, host, _ := strings.Cut(ServiceAccountEmail(p), "@")
	return local + "@" + serial + "." + host, nil
}

// apiKeyPrint is a 25-bit fingerprint of a CloudStack API key (5 base32
// characters), independent of the gateway key so that it survives a
// gateway key rotation.
func apiKeyPrint(apiKey string) string {
	sum := sha256.Sum256([]byte("cloudgate api key print\x00" + apiKey))
	return b32.EncodeToString(sum[:])[:5]
}

// boundKeyPrint is the API key fingerprint a service-account email is
// bound to ("" for unbound keys).
func boundKeyPrint(email string) string {
	_, host, _ := strings.Cut(email, "@")
	serial, _, _ := strings.Cut(host, ".")
	if !keySerialRE.MatchString(serial) || serial[0] != 'b' {
		return ""
	}
	return serial[6:]
}

const derivedBits = 2048

// derivedKey is the RSA key of a service-account key's client_email.
func (k *Key) derivedKey(email string) (*rsa.PrivateKey, error) {
	seed := hmacSHA256(k.saKey, []byte("cgsa1-derive\x00"+email))
	r := &hmacStream{key: seed}
	e := big.NewInt(65537)
	one := big.NewInt(1)
	for {
		p := derivePrime(r, derivedBits/2, e)
		q := derivePrime(r, derivedBits/2, e)
		if p.Cmp(q) == 0 {
			continue
		}
		n := new(big.Int).Mul(p, q)
		if n.BitLen() != derivedBits {
			continue
		}
		phi := new(big.Int).Mul(new(big.Int).Sub(p, one), new(big.Int).Sub(q, one))
		d := new(big.Int).ModInverse(e, phi)
		if d == nil {
			continue
		}
		priv := &rsa.PrivateKey{PublicKey: rsa.PublicKey{N: n, E: 65537}, D: d, Primes: []*big.Int{p, q}}
		priv.Precompute()
		if err := priv.Validate(); err != nil {
			return nil, err
		}
		return priv, nil
	}
}

// derivePrime returns the first prime at or after a bits-long odd number
// read from r (top two bits set) with p-1 coprime to e.
func derivePrime(r *hmacStream, bits int, e *big.Int) *big.Int {
	buf := make([]byte, bits/8)
	two := big.NewInt(2)
	one := big.NewInt(1)
	for {
		r.read(buf)
		buf[0] |= 0xC0
		buf[len(buf)-1] |= 1
		c := new(big.Int).SetBytes(buf)
		for i := 0; i < 4096 && c.BitLen() == bits; i++ {
			if c.ProbablyPrime(20) && new(big.Int).GCD(nil, nil, new(big.Int).Sub(c, one), e).Cmp(one) == 0 {
				return c
			}
			c.Add(c, two)
		}
	}
}

// hmacStream is a deterministic byte stream: HMAC-SHA256(key, counter).
type hmacStream struct {
	key []byte
	ctr uint64
}

func (h *hmacStream) read(p []byte) {
	for len(p) > 0 {
		var c [8]byte
		binary.BigEndian.PutUint64(c[:], h.ctr)
		h.ctr++
		m := hmac.New(sha256.New, h.key)
		m.Write(c[:])
		n := copy(p, m.Sum(nil))
		p = p[n:]
	}
}

var deriveSlots = make(chan struct{}, 2)

var derivedCache sync.Map // email + Key fingerprint → *rsa.PublicKey (bounded below)

var derivedCacheSize struct {
	sync.Mutex
	n int
}

// derivedPublicKey is the public key of a client_email that has a serial.
func (k *Key) derivedPublicKey(email string) (*rsa.PublicKey, error) {
	local, host, ok := strings.Cut(email, "@")
	if !ok || local == "" || !keySerialRE.MatchString(strings.SplitN(host, ".", 2)[0]) {
		return nil, errors.New("no key serial")
	}
	if _, _, _, err := parseServiceAccountEmail(email); err != nil {
		return nil, err
	}
	ck := string(hmacSHA256(k.saKey, []byte("cache\x00"+email)))
	if v, ok := derivedCache.Load(ck); ok {
		return v.(*rsa.PublicKey), nil
	}
	// Derivations cost CPU: at most two at a time, so that a flood of
	// kid-less assertions with made-up serials (for a real user) slows
	// only kid-less logins.
	deriveSlots <- struct{}{}
	priv, err := k.derivedKey(email)
	<-deriveSlots
	if err != nil {
		return nil, err
	}
	derivedCacheSize.Lock()
	if derivedCacheSize.n >= 4096 {
		derivedCache.Clear()
		derivedCacheSize.n = 0
	}
	derivedCacheSize.n++
	derivedCacheSize.Unlock()
	derivedCache.Store(ck, &priv.PublicKey)
	return &priv.PublicKey, nil
}
