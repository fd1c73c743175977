package translate_test

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/cloudgate/cloudgate/translate"
	"github.com/cloudgate/cloudgate/translate/mock"
)

// userDataStore is the world's registered user data, with CloudStack's
// rules (simulator/userdata.go): names and contents unique per account,
// at most translate.MaxUserDataBytes of content, newest first in lists.
type userDataStore struct {
	mu   sync.Mutex
	n    int
	recs []translate.UserDataRecord
	// registerErr, when set, fails every RegisterUserData (fault injection).
	registerErr error
}

func (u *userDataStore) install(m *mock.CloudStack) {
	m.RegisterUserDataFn = u.register
	m.ListUserDataFn = u.list
	m.DeleteUserDataFn = u.delete
}

func (u *userDataStore) register(ctx context.Context, name, content string) (*translate.UserDataRecord, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.registerErr != nil {
		return nil, u.registerErr
	}
	for _, r := range u.recs {
		if r.Name == name {
			return nil, &translate.Error{Op: "registerUserData", Kind: translate.AlreadyExists,
				Message: fmt.Sprintf("A userdata with name %s already exists for this account.", name)}
		}
		if r.Content == content {
			return nil, &translate.Error{Op: "registerUserData", Kind: translate.AlreadyExists,
				Message: fmt.Sprintf("Userdata %s with same content already exists for this account.", r.Name)}
		}
	}
	if content == "" || len(content) > translate.MaxUserDataBytes {
		return nil, &translate.Error{Op: "registerUserData", Kind: translate.InvalidArgument,
			Message: "User data has exceeded configurable max length: 32768"}
	}
	u.n++
	r := translate.UserDataRecord{ID: fmt.Sprintf("ud-%d", u.n), Name: name, Content: content, Account: "demo"}
	u.recs = append(u.recs, r)
	return &r, nil
}

func (u *userDataStore) list(ctx context.Context, q translate.UserDataQuery) ([]translate.UserDataRecord, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	var out []translate.UserDataRecord
	for i := len(u.recs) - 1; i >= 0; i-- {
		r := u.recs[i]
		if q.ID != "" && r.ID != q.ID || q.Name != "" && r.Name != q.Name ||
			q.Keyword != "" && !strings.Contains(strings.ToLower(r.Name), strings.ToLower(q.Keyword)) {
			continue
		}
		out = append(out, r)
	}
	return out, nil
}

func (u *userDataStore) delete(ctx context.Context, id string) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	for i, r := range u.recs {
		if r.ID == id {
			u.recs = append(u.recs[:i], u.recs[i+1:]...)
			return nil
		}
	}
	return &translate.Error{Op: "deleteUserData", Kind: translate.NotFound, Resource: translate.ResUserData, ID: id,
		Message: "A UserData with id '" + id + "' does not exist"}
}
