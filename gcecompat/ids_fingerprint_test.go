package gcecompat

import "testing"

func TestFingerprintMatchesDecodedBytes(t *testing.T) {
	// Find a fingerprint whose encoding differs between the two alphabets.
	var cur string
	for i := 0; i < 1000 && cur == ""; i++ {
		f := fingerprint("x", string(rune('a'+i%26)), string(rune(i)))
		for _, c := range f {
			if c == '-' || c == '_' {
				cur = f
			}
		}
	}
	if cur == "" {
		t.Fatal("no fingerprint with URL-safe characters found")
	}
	b, _ := decodeFingerprint(cur)
	std := []byte(cur)
	for i, c := range std {
		switch c {
		case '-':
			std[i] = '+'
		case '_':
			std[i] = '/'
		}
	}
	for _, got := range []string{cur, string(std), string(std[:len(std)-1]), ""} {
		if !fingerprintMatches(got, cur) {
			t.Errorf("fingerprintMatches(%q, %q) = false", got, cur)
		}
	}
	if len(b) != 8 {
		t.Fatalf("fingerprint %q decodes to %d bytes", cur, len(b))
	}
	for _, bad := range []string{"AAAAAAAAAAA=", "not base64!", fingerprint("other")} {
		if fingerprintMatches(bad, cur) {
			t.Errorf("fingerprintMatches(%q, %q) = true", bad, cur)
		}
	}
}
