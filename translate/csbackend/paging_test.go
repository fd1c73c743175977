package csbackend_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
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

func TestTransportErrors(t *testing.T) {
	ctx := translate.NewContext(context.Background(), &translate.Principal{APIKey: "k", SecretKey: "s"})
	tests := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"html 502", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusBadGateway)
			io.WriteString(w, "<html>bad gateway</html>")
		}},
		{"empty 503", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) }},
		{"foreign JSON 500", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusInternalServerError)
			io.WriteString(w, `{"message":"oops"}`)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			_, err := csbackend.New(srv.URL+"/client/api", nil).ListZones(ctx)
			if k := translate.KindOf(err); k != translate.Unavailable {
				t.Fatalf("kind = %v (%v), want Unavailable", k, err)
			}
		})
	}
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	_, err := csbackend.New(url+"/client/api", &csbackend.Options{Timeout: time.Second}).ListZones(ctx)
	if k := translate.KindOf(err); k != translate.Unavailable {
		t.Fatalf("closed server: kind = %v (%v), want Unavailable", k, err)
	}
}
