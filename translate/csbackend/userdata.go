package csbackend

import (
	"context"
	"encoding/base64"

	"github.com/cloudgate/cloudgate/translate"
)

// userDataJSON is CloudStack's UserDataResponse
// (api/src/main/java/org/apache/cloudstack/api/response/UserDataResponse.java).
type userDataJSON struct {
	ID       flexString `json:"id"`
	Name     string     `json:"name"`
	UserData string     `json:"userdata"`
	Account  string     `json:"account"`
}

func (u *userDataJSON) record(cmd string) (translate.UserDataRecord, error) {
	b, err := base64.StdEncoding.DecodeString(u.UserData)
	if err != nil {
		return translate.UserDataRecord{}, &translate.Error{Op: cmd, Kind: translate.Internal,
			Message: "unexpected CloudStack response", Err: err}
	}
	return translate.UserDataRecord{ID: string(u.ID), Name: u.Name, Content: string(b), Account: u.Account}, nil
}

// RegisterUserData implements translate.CloudStack (registerUserData,
// sent by POST like every call here, so CloudStack's 1 MB POST limit and
// vm.userdata.max.length apply, not the 4 KB GET limit).
func (b *Backend) RegisterUserData(ctx context.Context, name, content string) (*translate.UserDataRecord, error) {
	const cmd = "registerUserData"
	raw, err := b.call(ctx, cmd, translate.ResUserData, params{"name": name,
		"userdata": base64.StdEncoding.EncodeToString([]byte(content))})
	if err != nil {
		return nil, err
	}
	var r struct {
		U userDataJSON `json:"userdata"`
	}
	if err := decode(cmd, raw, &r); err != nil {
		return nil, err
	}
	rec, err := r.U.record(cmd)
	if err != nil {
		return nil, err
	}
	return &rec, nil
}

// ListUserData implements translate.CloudStack (listUserData).
func (b *Backend) ListUserData(ctx context.Context, q translate.UserDataQuery) ([]translate.UserDataRecord, error) {
	const cmd = "listUserData"
	items, err := b.list(ctx, cmd, translate.ResUserData, params{}.set("id", q.ID).set("name", q.Name).set("keyword", q.Keyword))
	if err != nil {
		return nil, err
	}
	out := make([]translate.UserDataRecord, 0, len(items))
	for _, it := range items {
		var u userDataJSON
		if err := decode(cmd, it, &u); err != nil {
			return nil, err
		}
		rec, err := u.record(cmd)
		if err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
	return out, nil
}

// DeleteUserData implements translate.CloudStack (deleteUserData).
func (b *Backend) DeleteUserData(ctx context.Context, id string) error {
	const cmd = "deleteUserData"
	raw, err := b.call(ctx, cmd, translate.ResUserData, params{"id": id})
	if err != nil {
		return err
	}
	return success(cmd, raw)
}
