package csbackend_test

import (
	"context"
	"testing"
	"time"

	"github.com/cloudgate/cloudgate/translate"
	"github.com/cloudgate/cloudgate/translate/csbackend"
)

func TestPaging(t *testing.T) {
	srv, opts := newSim(t)
	defer srv.Close()
	opts.PageSize = 2
	b := csbackend.New(srv.URL(), opts)
	ctx := userCtx(t, srv, "demo")
	ts, err := b.ListTemplates(ctx, translate.ListTemplatesRequest{Filter: "featured"})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, tp := range ts {
		seen[tp.Name+"@"+tp.ZoneID] = true
	}
	all, err := csbackend.New(srv.URL(), &csbackend.Options{HTTPClient: srv.HTTPClient()}).ListTemplates(ctx, translate.ListTemplatesRequest{Filter: "featured"})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) <= 2 || len(ts) != len(all) || len(seen) != len(all) {
		t.Fatalf("paged %d (%d distinct), unpaged %d", len(ts), len(seen), len(all))
	}
}

func TestContextDeadline(t *testing.T) {
	srv, opts := newSim(t)
	defer srv.Close()
	b := csbackend.New(srv.URL(), opts)
	ctx, cancel := context.WithDeadline(userCtx(t, srv, "demo"), time.Now().Add(-time.Second))
	defer cancel()
	_, err := b.ListZones(ctx)
	if k := translate.KindOf(err); k != translate.DeadlineExceeded {
		t.Fatalf("kind = %v (%v), want DeadlineExceeded", k, err)
	}
	_, err = b.ListZones(context.Background())
	if k := translate.KindOf(err); k != translate.Unauthenticated {
		t.Fatalf("no principal: kind = %v (%v)", k, err)
	}
}
