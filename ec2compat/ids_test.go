package ec2compat

import (
	"strings"
	"testing"

	"github.com/cloudgate/cloudgate/translate"
)

func TestIDRoundTrip(t *testing.T) {
	for _, cs := range []string{"1f0e4c5a-2b3c-4d5e-8f90-a1b2c3d4e5f6", "ABCDEF01-2345-6789-ABCD-EF0123456789", "not-a-uuid", "42"} {
		for p, res := range resourceOfPrefix {
			id := ec2ID(p, cs)
			back, err := csID(p, res, id)
			if err != nil {
				t.Fatalf("%s %s: %v", p, cs, err)
			}
			want := cs
			if isUUID(cs) {
				want = toLowerASCII(cs)
			}
			if back != want {
				t.Fatalf("%s: %q → %q → %q", p, cs, id, back)
			}
		}
	}
	if got := ec2ID(pInstance, "1f0e4c5a-2b3c-4d5e-8f90-a1b2c3d4e5f6"); got != "i-1f0e4c5a2b3c4d5e8f90a1b2c3d4e5f6" {
		t.Fatal(got)
	}
}

func toLowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

func TestMalformedIDs(t *testing.T) {
	for _, c := range []struct {
		prefix string
		res    translate.Resource
		id     string
		code   string
	}{
		{pInstance, translate.ResInstance, "i-123", "InvalidInstanceID.Malformed"},
		{pInstance, translate.ResInstance, "ami-1f0e4c5a2b3c4d5e8f90a1b2c3d4e5f6", "InvalidInstanceID.Malformed"},
		{pInstance, translate.ResInstance, "i-1f0e4c5a2b3c4d5e8f90a1b2c3d4e5fg", "InvalidInstanceID.Malformed"},
		{pImage, translate.ResImage, "ami-nope", "InvalidAMIID.Malformed"},
		{pVolume, translate.ResVolume, "vol-", "InvalidVolumeID.Malformed"},
		{pSnapshot, translate.ResSnapshot, "snap-zz", "InvalidSnapshotID.Malformed"},
		{pGroup, translate.ResSecurityGroup, "sg-1", "InvalidGroupId.Malformed"},
		{pAllocation, translate.ResAddress, "eipalloc-1", "InvalidAllocationID.Malformed"},
	} {
		_, err := csID(c.prefix, c.res, c.id)
		if err == nil {
			t.Errorf("%s: accepted", c.id)
			continue
		}
		if st, e := toEC2Error(err); e.Code != c.code || st != 400 {
			t.Errorf("%s: %d %s, want %s", c.id, st, e.Code, c.code)
		}
	}
}

func TestAWSFormatIDsAreNotFound(t *testing.T) {
	for _, c := range []struct{ prefix, id, code string }{
		{pInstance, "i-0123456789abcdef0", "InvalidInstanceID.NotFound"},
		{pInstance, "i-12345678", "InvalidInstanceID.NotFound"},
		{pImage, "ami-0123456789abcdef0", "InvalidAMIID.NotFound"},
		{pVolume, "vol-0123456789abcdef0", "InvalidVolume.NotFound"},
		{pGroup, "sg-12345678", "InvalidGroup.NotFound"},
	} {
		_, err := csID(c.prefix, resourceOfPrefix[c.prefix], c.id)
		if _, e := toEC2Error(err); e.Code != c.code || !strings.Contains(e.Message, c.id) {
			t.Errorf("%s: %s %q, want %s", c.id, e.Code, e.Message, c.code)
		}
	}
}

func TestReservationIDStable(t *testing.T) {
	a, b := reservationID("acct", "tok"), reservationID("acct", "tok")
	if a != b || a == reservationID("acct", "tok2") || a == reservationID("other", "tok") {
		t.Fatal("reservation ids not a stable function of account and token")
	}
	if len(a) != len("r-0123456789abcdef0") {
		t.Fatalf("odd length %q", a)
	}
}
