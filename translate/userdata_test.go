package translate_test

import (
	"context"
	"strings"
	"testing"

	"github.com/cloudgate/cloudgate/translate"
)

func TestRequireUserDataByVersion(t *testing.T) {
	for _, tc := range []struct {
		version string
		known   bool
		want    translate.Kind
	}{
		{"4.17.2.0", true, translate.Unimplemented},
		{"4.9.3.0", true, translate.Unimplemented},
		{"4.18.0.0", true, translate.Unknown},
		{"4.20.1.0", true, translate.Unknown},
		{"5.0", true, translate.Unknown},
		{"", false, translate.Unknown}, // not reported: try and let CloudStack answer
	} {
		w, m := newWorld()
		w.caps = translate.Capabilities{Version: tc.version}
		if !tc.known {
			m.ListCapabilitiesFn = func(ctx context.Context) (*translate.Capabilities, error) {
				return nil, &translate.Error{Kind: translate.PermissionDenied, Message: "no"}
			}
		}
		svc := newService(m)
		err := svc.RequireUserData(testCtx(), "instance templates")
		if got := translate.KindOf(err); got != tc.want {
			t.Errorf("%q: %v (kind %v), want %v", tc.version, err, got, tc.want)
		}
		if err != nil && !strings.Contains(err.Error(), "CloudStack 4.18 or later") {
			t.Errorf("%q: message %q does not say why", tc.version, err)
		}
	}
}

// TestStoredDocsOnOldCloudStack: before 4.18 nothing is sent to CloudStack
// (an unknown command answers 401 to API-key callers, which would read as
// bad credentials): storing is Unimplemented naming why, reading finds
// nothing.
func TestStoredDocsOnOldCloudStack(t *testing.T) {
	w, m := newWorld()
	w.caps = translate.Capabilities{Version: "4.17.2.0"}
	svc := newService(m)
	ctx := testCtx()
	_, err := svc.StoreDoc(ctx, "Instance templates", "cg-it-web", []byte(`{"v":1}`))
	mustKind(t, err, translate.Unimplemented, "")
	if !strings.Contains(err.Error(), "Instance templates") || !strings.Contains(err.Error(), "4.17.2.0") {
		t.Fatalf("message does not say why: %v", err)
	}
	if docs, err := svc.Docs(ctx, "cg-it-"); err != nil || len(docs) != 0 {
		t.Fatalf("Docs = %v, %v", docs, err)
	}
	_, err = svc.Doc(ctx, "cg-it-web")
	mustKind(t, err, translate.NotFound, translate.ResUserData)
	if n := m.Calls("RegisterUserData") + m.Calls("ListUserData"); n != 0 {
		t.Fatalf("%d user data calls reached CloudStack", n)
	}
}

// TestStoredDocs: names unique (AlreadyExists), exact-name and prefix
// reads, size limit, delete of a gone document is not an error.
func TestStoredDocs(t *testing.T) {
	_, m := newWorld()
	svc := newService(m)
	ctx := testCtx()
	if _, err := svc.StoreDoc(ctx, "x", "cg-it-web", []byte(`{"name":"web"}`)); err != nil {
		t.Fatal(err)
	}
	_, err := svc.StoreDoc(ctx, "x", "cg-it-web", []byte(`{"name":"web2"}`))
	mustKind(t, err, translate.AlreadyExists, "")
	if _, err := svc.StoreDoc(ctx, "x", "cg-it-api", []byte(`{"name":"api"}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.StoreDoc(ctx, "x", "other-cg-it-x", []byte(`{"name":"o"}`)); err != nil {
		t.Fatal(err)
	}
	docs, err := svc.Docs(ctx, "cg-it-")
	if err != nil || len(docs) != 2 || docs[0].Name != "cg-it-api" || docs[1].Name != "cg-it-web" {
		t.Fatalf("Docs = %+v, %v", docs, err)
	}
	d, err := svc.Doc(ctx, "cg-it-web")
	if err != nil || string(d.Body) != `{"name":"web"}` {
		t.Fatalf("Doc = %+v, %v", d, err)
	}
	_, err = svc.StoreDoc(ctx, "x", "cg-it-big", make([]byte, translate.MaxUserDataBytes+1))
	mustKind(t, err, translate.InvalidArgument, translate.ResUserData)
	if err := svc.DeleteDoc(ctx, d.ID); err != nil {
		t.Fatal(err)
	}
	if err := svc.DeleteDoc(ctx, d.ID); err != nil {
		t.Fatalf("second delete: %v", err)
	}
	_, err = svc.Doc(ctx, "cg-it-web")
	mustKind(t, err, translate.NotFound, translate.ResUserData)
}

// TestStoreDocRace: CloudStack's name check is not atomic with its insert
// (no unique key on user_data.name), so a racing registration can succeed
// beside an older one of the same name: the later removes itself and is
// AlreadyExists; readers see the older.
func TestStoreDocRace(t *testing.T) {
	w, m := newWorld()
	svc := newService(m)
	ctx := testCtx()
	register := m.RegisterUserDataFn
	m.RegisterUserDataFn = func(ctx context.Context, name, content string) (*translate.UserDataRecord, error) {
		// The racing twin slipped in between CloudStack's check and insert.
		w.userData.mu.Lock()
		w.userData.n++
		w.userData.recs = append(w.userData.recs, translate.UserDataRecord{ID: "twin", Name: name, Content: `{"twin":1}`})
		w.userData.mu.Unlock()
		m.RegisterUserDataFn = register
		w.userData.mu.Lock()
		defer w.userData.mu.Unlock()
		w.userData.n++
		r := translate.UserDataRecord{ID: "mine", Name: name, Content: content}
		w.userData.recs = append(w.userData.recs, r)
		return &r, nil
	}
	_, err := svc.StoreDoc(ctx, "x", "cg-it-web", []byte(`{"mine":1}`))
	mustKind(t, err, translate.AlreadyExists, translate.ResUserData)
	d, err := svc.Doc(ctx, "cg-it-web")
	if err != nil || d.ID != "twin" {
		t.Fatalf("Doc = %+v, %v (want the older twin)", d, err)
	}
	if docs, err := svc.Docs(ctx, "cg-it-"); err != nil || len(docs) != 1 || docs[0].ID != "twin" {
		t.Fatalf("Docs = %+v, %v", docs, err)
	}
	if len(w.userData.recs) != 1 {
		t.Fatalf("the later registration was not removed: %+v", w.userData.recs)
	}
}
