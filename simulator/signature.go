package simulator

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"
)

// javaURLEncode mimics java.net.URLEncoder.encode(v, "UTF-8") followed by
// replaceAll("\\+", "%20"): it leaves a-zA-Z0-9 . - * _ alone and escapes
// everything else (including ~) as %XX.
func javaURLEncode(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '-', c == '*', c == '_':
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// goURLEncode is what cloudstack-go signs: url.QueryEscape, + → %20, %2A → *.
// It differs from Java only in leaving ~ unescaped.
func goURLEncode(v string) string {
	e := strings.ReplaceAll(url.QueryEscape(v), "+", "%20")
	return strings.ReplaceAll(e, "%2A", "*")
}

// signingString builds the string CloudStack signs: parameter names sorted
// case-sensitively (signature excluded), name=encode(value) joined by &, lower-cased.
func signingString(params map[string]string, encode func(string) string) string {
	names := make([]string, 0, len(params))
	for k := range params {
		if k != "signature" {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, k := range names {
		parts[i] = k + "=" + encode(params[k])
	}
	return strings.ToLower(strings.Join(parts, "&"))
}

func sign(s, secret string) string {
	m := hmac.New(sha1.New, []byte(secret))
	m.Write([]byte(s))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// Sign returns the CloudStack signature (Java encoding rules) of params for secret;
// params must not contain "signature". It is exported for tests and tools that
// talk to the simulator without cloudstack-go.
func Sign(params map[string]string, secret string) string {
	return sign(signingString(params, javaURLEncode), secret)
}

// verifySignature checks params (original-case names, first values) against secret.
// It accepts the Java encoding (what real CloudStack verifies) and, leniently, the
// cloudstack-go encoding, which differs for values containing '~'. The second
// result reports a request that only the lenient form accepted (non-portable).
func verifySignature(params map[string]string, secret string) (ok, lenient bool) {
	got := []byte(params["signature"])
	if len(got) == 0 {
		return false, false
	}
	java := sign(signingString(params, javaURLEncode), secret)
	if subtle.ConstantTimeCompare(got, []byte(java)) == 1 {
		return true, false
	}
	goSig := sign(signingString(params, goURLEncode), secret)
	if goSig != java && subtle.ConstantTimeCompare(got, []byte(goSig)) == 1 {
		return true, true
	}
	return false, false
}

// expiresLayouts are the forms DateUtil.parseTZDateString accepts (plus RFC3339 with Z).
var expiresLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05-0700",
	"2006-01-02T15:04:05.000-0700",
	"2006-01-02T15:04:05Z-0700", // legacy yyyy-MM-dd'T'HH:mm:ss'Z'Z
}

func parseExpires(v string) (time.Time, bool) {
	for _, l := range expiresLayouts {
		if t, err := time.Parse(l, v); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
