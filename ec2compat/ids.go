package ec2compat

import (
	"encoding/hex"
	"strings"

	"github.com/cloudgate/cloudgate/translate"
)

// EC2 id prefixes.
const (
	pInstance    = "i"
	pImage       = "ami"
	pVolume      = "vol"
	pSnapshot    = "snap"
	pGroup       = "sg"
	pRule        = "sgr"
	pKeyPair     = "key"
	pAllocation  = "eipalloc"
	pAssociation = "eipassoc"
	pVPC         = "vpc"
	pSubnet      = "subnet"
	pReservation = "r"
)

// prefixOf gives the id prefix of a translate resource ("" if none).
var prefixOf = map[translate.Resource]string{
	translate.ResInstance:      pInstance,
	translate.ResImage:         pImage,
	translate.ResVolume:        pVolume,
	translate.ResSnapshot:      pSnapshot,
	translate.ResSecurityGroup: pGroup,
	translate.ResRule:          pRule,
	translate.ResKeyPair:       pKeyPair,
	translate.ResAddress:       pAllocation,
	translate.ResNetwork:       pSubnet,
	translate.ResVPC:           pVPC,
	translate.ResGateway:       pVpnGateway,
}

// resourceOfPrefix is the inverse of prefixOf (plus eipassoc).
var resourceOfPrefix = map[string]translate.Resource{
	pInstance: translate.ResInstance, pImage: translate.ResImage,
	pVolume: translate.ResVolume, pSnapshot: translate.ResSnapshot,
	pGroup: translate.ResSecurityGroup, pRule: translate.ResRule,
	pKeyPair: translate.ResKeyPair, pAllocation: translate.ResAddress,
	pAssociation: translate.ResAddress, pSubnet: translate.ResNetwork,
	pVPC: translate.ResVPC,
}

// isUUID reports whether s is a canonical 8-4-4-4-12 hex UUID.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !isHex(c) {
				return false
			}
		}
	}
	return true
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// ec2ID turns a CloudStack id into an EC2 id with the given prefix.
func ec2ID(prefix, csID string) string {
	if csID == "" {
		return ""
	}
	if isUUID(csID) {
		return prefix + "-" + strings.ToLower(strings.ReplaceAll(csID, "-", ""))
	}
	return prefix + "-z" + hex.EncodeToString([]byte(csID))
}

// csID turns an EC2 id back into the CloudStack id, or returns the
// resource's Malformed error.
func csID(prefix string, res translate.Resource, id string) (string, error) {
	rest, ok := strings.CutPrefix(id, prefix+"-")
	if ok && len(rest) == 32 && allHex(rest) {
		r := strings.ToLower(rest)
		return r[0:8] + "-" + r[8:12] + "-" + r[12:16] + "-" + r[16:20] + "-" + r[20:32], nil
	}
	if ok && len(rest) > 1 && rest[0] == 'z' && len(rest)%2 == 1 {
		if b, err := hex.DecodeString(rest[1:]); err == nil && len(b) > 0 {
			return string(b), nil
		}
	}
	if ok && (len(rest) == 8 || len(rest) == 17) && allHex(rest) {
		// A well-formed AWS id (i-12345678, i-0123456789abcdef0) that this
		// gateway can never have issued: it does not exist.
		return "", &translate.Error{Kind: translate.NotFound, Resource: res, ID: id}
	}
	return "", &translate.Error{Kind: translate.Malformed, Resource: res, ID: id,
		Message: "Invalid id: \"" + id + "\" (expecting \"" + prefix + "-...\")"}
}

func allHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isHex(s[i]) {
			return false
		}
	}
	return true
}

// csIDs converts a list of EC2 ids.
func csIDs(prefix string, res translate.Resource, ids []string) ([]string, error) {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		c, err := csID(prefix, res, id)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// displayID renders an id from a translate error for a client message.
func displayID(res translate.Resource, id string) string {
	if p := prefixOf[res]; p != "" && isUUID(id) {
		return ec2ID(p, id)
	}
	return id
}

// splitPrefix returns the prefix of an EC2 id ("i" for "i-0abc").
func splitPrefix(id string) string {
	p, _, ok := strings.Cut(id, "-")
	if !ok {
		return ""
	}
	return p
}
