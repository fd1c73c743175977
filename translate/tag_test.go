package translate_test

import (
	"context"
	"testing"
	"time"

	"github.com/cloudgate/cloudgate/translate"
)

func TestCreateTagsReplaces(t *testing.T) {
	w, m := newWorld()
	w.tags = []translate.Tag{
		{Resource: translate.ResInstance, ResourceID: "vm-1", Key: "env", Value: "dev"},
		{Resource: translate.ResInstance, ResourceID: "vm-1", Key: "keep", Value: "x"},
		{Resource: translate.ResInstance, ResourceID: "vm-2", Key: "env", Value: "prod"},
	}
	svc := newService(m)
	err := svc.CreateTags(testCtx(), translate.ResInstance, []string{"vm-1", "vm-2"}, translate.Tags{"env": "prod", "new": "1"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, tg := range w.tags {
		got[tg.ResourceID+"/"+tg.Key] = tg.Value
	}
	want := map[string]string{"vm-1/env": "prod", "vm-1/keep": "x", "vm-1/new": "1", "vm-2/env": "prod", "vm-2/new": "1"}
	if len(got) != len(want) {
		t.Fatalf("tags = %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Fatalf("tags = %v, want %v", got, want)
		}
	}
}

func TestDeleteTags(t *testing.T) {
	w, m := newWorld()
	w.tags = []translate.Tag{
		{Resource: translate.ResVolume, ResourceID: "v1", Key: "a", Value: "1"},
		{Resource: translate.ResVolume, ResourceID: "v1", Key: "b", Value: "2"},
		{Resource: translate.ResVolume, ResourceID: "v1", Key: "cloudgate:x", Value: "3"},
	}
	svc := newService(m)
	// A value that does not match keeps the tag; a missing key is ignored.
	if err := svc.DeleteTags(testCtx(), translate.ResVolume, []string{"v1"}, translate.Tags{"a": "other", "zzz": ""}); err != nil {
		t.Fatal(err)
	}
	if len(w.tags) != 3 {
		t.Fatalf("tags = %+v", w.tags)
	}
	if err := svc.DeleteTags(testCtx(), translate.ResVolume, []string{"v1"}, nil); err != nil {
		t.Fatal(err)
	}
	if len(w.tags) != 1 || w.tags[0].Key != "cloudgate:x" {
		t.Fatalf("deleting all user tags left %+v", w.tags)
	}
	mustKind(t, svc.DeleteTags(testCtx(), translate.ResKeyPair, []string{"k"}, nil), translate.InvalidArgument, "")
}

func TestCatalogCache(t *testing.T) {
	_, m := newWorld()
	now := time.Unix(0, 0)
	svc := translate.New(m, &translate.Options{CatalogTTL: time.Minute, Now: func() time.Time { return now }})
	ctx := testCtx()
	for _, q := range []string{"zone1", zoneID, "ZONE1"} {
		z, err := svc.Zone(ctx, q)
		if err != nil || z.ID != zoneID {
			t.Fatalf("Zone(%q) = %v, %v", q, z, err)
		}
	}
	if n := m.Calls("ListZones"); n != 1 {
		t.Fatalf("ListZones called %d times, want 1", n)
	}
	other := translate.NewContext(context.Background(), &translate.Principal{APIKey: "k2"})
	if _, err := svc.Zones(other); err != nil {
		t.Fatal(err)
	}
	if n := m.Calls("ListZones"); n != 2 {
		t.Fatalf("cache shared between callers: %d calls", n)
	}
	now = now.Add(2 * time.Minute)
	if _, err := svc.Zones(ctx); err != nil {
		t.Fatal(err)
	}
	if n := m.Calls("ListZones"); n != 3 {
		t.Fatalf("expired entry not reloaded: %d calls", n)
	}
	_, err := svc.Offering(ctx, "nope")
	mustKind(t, err, translate.NotFound, translate.ResOffering)
}
