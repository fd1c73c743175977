package simulator_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cloudgate/cloudgate/simulator"
)

// The latency option delays each answer by at least call + item × items
// (only a lower bound is checked: the machine may add more).
func TestCallLatency(t *testing.T) {
	srv := mustServer(t, &simulator.Options{CallLatency: 40 * time.Millisecond, ItemLatency: 10 * time.Millisecond})
	cs := mustClient(t, srv, "demo")
	start := time.Now()
	zones, err := cs.Zone.ListZones(cs.Zone.NewListZonesParams())
	if err != nil {
		t.Fatal(err)
	}
	want := 40*time.Millisecond + time.Duration(zones.Count)*10*time.Millisecond
	if took := time.Since(start); took < want {
		t.Fatalf("listZones (%d zones) answered in %s, want at least %s", zones.Count, took, want)
	}
	srv.SetCallLatency(0, 0)
	if _, err := cs.Zone.ListZones(cs.Zone.NewListZonesParams()); err != nil {
		t.Fatal(err)
	}
}

func TestConfigEndpointSetsCallLatency(t *testing.T) {
	srv := mustServer(t, &simulator.Options{})
	post := func(q string) (int, string) {
		t.Helper()
		resp, err := srv.HTTPClient().Post(strings.TrimSuffix(srv.URL(), "/client/api")+"/_sim/config?"+q, "text/plain", nil)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := post(url.Values{"callLatency": {"25ms"}, "itemLatency": {"1ms"}}.Encode()); code != http.StatusOK ||
		!strings.Contains(body, "callLatency=25ms") || !strings.Contains(body, "itemLatency=1ms") || !strings.Contains(body, "jobLatency=0s") {
		t.Fatalf("config: %d %q", code, body)
	}
	if code, _ := post("callLatency=-1s"); code != http.StatusBadRequest {
		t.Fatalf("negative latency accepted: %d", code)
	}
	cs := mustClient(t, srv, "demo")
	start := time.Now()
	if _, err := cs.Zone.ListZones(cs.Zone.NewListZonesParams()); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took < 25*time.Millisecond {
		t.Fatalf("listZones answered in %s after callLatency=25ms", took)
	}
}
