package translate

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// Registered user data (CloudStack 4.18+: registerUserData, listUserData,
// deleteUserData, all allowed to the User role by default) is where the
// gateway keeps what CloudStack has no entity for (instance templates,
// launch-template versions): a named, account-scoped blob that any replica
// reads back. CloudStack's rules, which the callers rely on
// (server/.../UserDataRegistryServiceImpl.java, UserDataManagerImpl.java):
//
//   - names are unique per account ("A userdata with name X already exists
//     for this account.", 431 → AlreadyExists), so a reserved name is both
//     the lookup key and the idempotency guard of the creating call;
//   - contents are unique per account too ("Userdata X with same content
//     already exists", also AlreadyExists): documents must embed their own
//     name so that two never coincide;
//   - the content travels base64-encoded and may be at most
//     vm.userdata.max.length base64 characters (default 32768, so 24576
//     bytes of document; MaxUserDataBytes).

// ResUserData is a registered user data object.
const ResUserData Resource = "userdata"

// MaxUserDataBytes is the largest document RegisterUserData stores on a
// CloudStack with default settings: vm.userdata.max.length (32768 base64
// characters) decoded.
const MaxUserDataBytes = 32768 / 4 * 3

// UserDataRecord is one registered user data object. Content is the
// decoded document (the adapter handles base64).
type UserDataRecord struct {
	ID      string
	Name    string
	Content string
	Account string
}

// UserDataQuery selects registered user data (listUserData); zero fields
// do not filter. Keyword is a case-insensitive substring of the name.
type UserDataQuery struct {
	ID      string
	Name    string
	Keyword string
}

// userDataSince is the first CloudStack release with registered user data.
var userDataSince = [2]int{4, 18}

// RequireUserData answers Unimplemented, naming why, when the caller's
// CloudStack is older than 4.18 and so cannot store what feature needs (a
// CloudStack that does not report its version is tried as it is).
func (s *Service) RequireUserData(ctx context.Context, feature string) error {
	c, err := s.Capabilities(ctx)
	if err != nil {
		return err
	}
	if !c.Known || c.Version == "" || versionAtLeast(c.Version, userDataSince) {
		return nil
	}
	return &Error{Op: "RequireUserData", Kind: Unimplemented, Resource: ResUserData,
		Message: fmt.Sprintf("%s are stored as CloudStack registered user data, which needs CloudStack %d.%d or later; this cloud runs CloudStack %s",
			feature, userDataSince[0], userDataSince[1], c.Version)}
}

// versionAtLeast compares a dotted CloudStack version ("4.20.1.0") with
// major.minor.
func versionAtLeast(v string, want [2]int) bool {
	parts := strings.SplitN(v, ".", 3)
	var got [2]int
	for i := 0; i < 2 && i < len(parts); i++ {
		n, err := strconv.Atoi(strings.TrimFunc(parts[i], func(r rune) bool { return r < '0' || r > '9' }))
		if err != nil {
			return true // unparseable: let CloudStack answer
		}
		got[i] = n
	}
	return got[0] > want[0] || got[0] == want[0] && got[1] >= want[1]
}
