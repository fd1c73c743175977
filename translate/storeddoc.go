package translate

import (
	"context"
	"sort"
	"strings"
)

// Stored documents are what the gateway must keep and CloudStack has no
// entity for (GCE instance templates, EC2 launch templates): each is one
// registered user data object (userdata.go) under a reserved name, its
// content a document the wire layer owns. Service adds the capability
// check, the name rules and the error mapping; it never caches, so every
// replica answers from CloudStack alone.

// StoredDoc is one stored document.
type StoredDoc struct {
	ID   string // CloudStack's user data UUID
	Name string // the reserved name
	Body []byte
}

// StoreDoc registers a document under name. feature names what is stored
// ("instance templates") for the error on a CloudStack without registered
// user data (Unimplemented). A name already used is AlreadyExists (also
// when a concurrent caller won the race: CloudStack's uniqueness check is
// the lock); a document CloudStack finds too large is InvalidArgument with
// CloudStack's reason.
func (s *Service) StoreDoc(ctx context.Context, feature, name string, body []byte) (*StoredDoc, error) {
	const op = "StoreDoc"
	if err := s.RequireUserData(ctx, feature); err != nil {
		return nil, err
	}
	if len(body) > MaxUserDataBytes {
		// Checked here too so the message names the limit in bytes of
		// document, not CloudStack's base64 characters.
		return nil, &Error{Op: op, Kind: InvalidArgument, Resource: ResUserData, ID: name,
			Message: "the document is too large to store in CloudStack (at most 24576 bytes with vm.userdata.max.length at its default)"}
	}
	rec, err := s.cs.RegisterUserData(ctx, name, string(body))
	if err != nil {
		return nil, opErr(op, ResUserData, name, err)
	}
	// CloudStack checks the name, then inserts: the user_data table has no
	// unique key on it (only on uuid), so two registrations racing through
	// the check both succeed. The oldest of the same name wins (listUserData
	// is newest first); a later one removes itself and reports the name as
	// taken, as the check would have.
	same, err := s.cs.ListUserData(ctx, UserDataQuery{Name: name})
	if err == nil {
		oldest := ""
		for _, r := range same {
			if r.Name == name {
				oldest = r.ID
			}
		}
		if oldest != "" && oldest != rec.ID {
			if derr := s.cs.DeleteUserData(ctx, rec.ID); derr != nil && !isNotFound(derr) {
				return nil, opErr(op, ResUserData, name, derr)
			}
			return nil, &Error{Op: op, Kind: AlreadyExists, Resource: ResUserData, ID: name,
				Message: "A userdata with name " + name + " already exists for this account."}
		}
	}
	return &StoredDoc{ID: rec.ID, Name: rec.Name, Body: []byte(rec.Content)}, nil
}

// Doc returns the document stored under name exactly (the oldest, should
// a race have stored two; see StoreDoc), or NotFound (also on a CloudStack
// without registered user data: nothing can be stored there).
func (s *Service) Doc(ctx context.Context, name string) (*StoredDoc, error) {
	const op = "Doc"
	docs, err := s.docs(ctx, op, UserDataQuery{Name: name})
	if err != nil {
		return nil, err
	}
	var found *StoredDoc
	for i := range docs {
		if docs[i].Name == name {
			found = &docs[i] // CloudStack lists newest first: keep the last
		}
	}
	if found == nil {
		return nil, notFound(op, ResUserData, name)
	}
	return found, nil
}

// Docs returns every document whose name starts with prefix, ordered by
// name, one per name (the oldest; see StoreDoc), and empty on a
// CloudStack without registered user data.
func (s *Service) Docs(ctx context.Context, prefix string) ([]StoredDoc, error) {
	docs, err := s.docs(ctx, "Docs", UserDataQuery{Keyword: prefix})
	if err != nil {
		return nil, err
	}
	byName := map[string]int{}
	var out []StoredDoc
	for _, d := range docs {
		if !strings.HasPrefix(d.Name, prefix) {
			continue
		}
		if i, ok := byName[d.Name]; ok {
			out[i] = d // CloudStack lists newest first: the later is older
			continue
		}
		byName[d.Name] = len(out)
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func (s *Service) docs(ctx context.Context, op string, q UserDataQuery) ([]StoredDoc, error) {
	if err := s.RequireUserData(ctx, "stored documents"); err != nil {
		if KindOf(err) == Unimplemented {
			return nil, nil
		}
		return nil, err
	}
	recs, err := s.cs.ListUserData(ctx, q)
	if err != nil {
		return nil, opErr(op, ResUserData, q.Name, err)
	}
	out := make([]StoredDoc, 0, len(recs))
	for _, r := range recs {
		out = append(out, StoredDoc{ID: r.ID, Name: r.Name, Body: []byte(r.Content)})
	}
	return out, nil
}

// DeleteDoc removes a stored document by its id; one already gone is not an
// error (a concurrent delete won).
func (s *Service) DeleteDoc(ctx context.Context, id string) error {
	if err := s.cs.DeleteUserData(ctx, id); err != nil && !isNotFound(err) {
		return opErr("DeleteDoc", ResUserData, id, err)
	}
	return nil
}
