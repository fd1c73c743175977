package gcecompat

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// numericID derives GCE's numeric id from a CloudStack UUID (or any stable
// string): the first 63 bits of its SHA-256, as a decimal string. It is
// stable across replicas and restarts.
func numericID(key string) string {
	sum := sha256.Sum256([]byte(key))
	v := binary.BigEndian.Uint64(sum[:8]) &^ (1 << 63)
	if v < 1_000_000_000_000_000 {
		v += 1_000_000_000_000_000
	}
	return strconv.FormatUint(v, 10)
}

// fingerprint hashes its parts into 8 bytes, encoded as Google encodes
// its "byte" fields: URL-safe base64 with padding (e.g. "8ogqE5_I87w=").
func fingerprint(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return base64.URLEncoding.EncodeToString(h.Sum(nil)[:8])
}

// fingerprintMatches reports whether a fingerprint sent by a client is the
// current one. Clients decode and re-encode fingerprints (gcloud's apitools
// treats them as bytes and sends them back URL-safe; other clients echo
// the standard alphabet), so the decoded bytes are compared, accepting
// either alphabet with or without padding. An empty fingerprint means the
// client did not send one and always matches.
func fingerprintMatches(got, current string) bool {
	if got == "" {
		return true
	}
	a, errA := decodeFingerprint(got)
	b, errB := decodeFingerprint(current)
	if errA != nil || errB != nil {
		return got == current
	}
	return bytes.Equal(a, b)
}

func decodeFingerprint(s string) ([]byte, error) {
	s = strings.NewReplacer("+", "-", "/", "_").Replace(strings.TrimRight(s, "="))
	return base64.RawURLEncoding.DecodeString(s)
}

// mapFingerprint fingerprints a string map independently of order.
func mapFingerprint(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, 2*len(keys))
	for _, k := range keys {
		parts = append(parts, k, m[k])
	}
	return fingerprint(parts...)
}

var nonName = regexp.MustCompile(`[^a-z0-9-]+`)

// gceName turns a CloudStack name into a GCE resource name: lower case,
// runs of other characters replaced by '-', trimmed, starting with a letter.
func gceName(s string) string {
	n := nonName.ReplaceAllString(strings.ToLower(strings.TrimSpace(s)), "-")
	n = strings.Trim(n, "-")
	for strings.Contains(n, "--") {
		n = strings.ReplaceAll(n, "--", "-")
	}
	if n == "" {
		return "x"
	}
	if n[0] < 'a' || n[0] > 'z' {
		n = "x-" + n
	}
	if len(n) > 63 {
		n = strings.TrimRight(n[:63], "-")
	}
	return n
}

var validName = regexp.MustCompile(`^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$`)

// checkName validates a GCE resource name in a request.
func checkName(field, name string) error {
	if !validName.MatchString(name) {
		return invalid("Invalid value for field '%s': '%s'. Must be a match of regex '(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)'", field, name)
	}
	return nil
}

// timestamp formats a time the way GCE does (RFC 3339 with millis and offset).
func timestamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02T15:04:05.000-07:00")
}

// lastSegment returns the last path segment of a URL or partial path.
func lastSegment(u string) string {
	u = strings.TrimRight(u, "/")
	if i := strings.LastIndexByte(u, '/'); i >= 0 {
		return u[i+1:]
	}
	return u
}

// segmentAfter returns the path segment following key in a resource URL
// ("zones" in ".../zones/z1/instances/vm" gives "z1"), "" if absent.
func segmentAfter(u, key string) string {
	parts := strings.Split(strings.TrimRight(u, "/"), "/")
	for i := 0; i < len(parts)-1; i++ {
		if parts[i] == key {
			return parts[i+1]
		}
	}
	return ""
}

// Links.

func (s *server) projectLink(project string) string { return s.base + "/projects/" + project }

func (s *server) zoneLink(project, zone string) string {
	return s.projectLink(project) + "/zones/" + zone
}

func (s *server) regionLink(project string) string {
	return s.projectLink(project) + "/regions/" + s.region
}

func (s *server) zonal(project, zone, collection, name string) string {
	return s.zoneLink(project, zone) + "/" + collection + "/" + name
}

func (s *server) regional(project, collection, name string) string {
	return s.regionLink(project) + "/" + collection + "/" + name
}

func (s *server) global(project, collection, name string) string {
	return s.projectLink(project) + "/global/" + collection + "/" + name
}
