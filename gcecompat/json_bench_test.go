package gcecompat

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/cloudgate/cloudgate/translate"
)

// Microbenchmarks of instances.list without CloudStack: rendering 1,000
// translate.Instances as wireInstances, encoding the list JSON (writeJSON),
// and evaluating filter expressions (parse + filterItems).

func benchInstances(n int) ([]translate.Instance, *instanceView) {
	created := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	out := make([]translate.Instance, n)
	v := &instanceView{zones: map[string]string{"zone-1-id": "local1-zone1"}, project: "demo", vols: map[string][]translate.Volume{},
		offs: []translate.Offering{{ID: "off-small", Name: "Small Instance", CPUs: 1, MemoryMB: 512}}}
	for i := range out {
		id := fmt.Sprintf("5b0a2d3e-1c2b-4f5e-8a9b-%012d", i)
		out[i] = translate.Instance{
			ID: id, Name: fmt.Sprintf("web-%d", i), State: translate.StateRunning, ZoneID: "zone-1-id", ZoneName: "local1-zone1",
			OfferingID: "off-small", OfferingName: "Small Instance", CPUs: 1, MemoryMB: 512,
			ImageID: "tmpl-debian", ImageName: "Debian 12",
			PrivateIP: fmt.Sprintf("10.100.%d.%d", i/200+1, i%200+2), NetworkID: fmt.Sprintf("net-%d", i/200), NetworkName: "subnet",
			Hostname: fmt.Sprintf("web-%d", i), Created: created.Add(time.Duration(i) * time.Second),
			Tags: translate.Tags{"env": []string{"prod", "dev"}[i%2]},
		}
		v.vols[id] = []translate.Volume{{ID: fmt.Sprintf("vol-%d", i), Name: fmt.Sprintf("ROOT-%d", i), Type: "ROOT", SizeGB: 2, InstanceID: id}}
	}
	return out, v
}

func benchWire(s *server, insts []translate.Instance, v *instanceView) []*wireInstance {
	items := make([]*wireInstance, 0, len(insts))
	for i := range insts {
		items = append(items, s.wireInstance(v, &insts[i], nil))
	}
	return items
}

type discard struct {
	h http.Header
	n int
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { d.n += len(b); return len(b), nil }
func (d *discard) WriteHeader(int)             {}

func BenchmarkGCEWireInstances1000(b *testing.B) {
	s := newServer(nil, &Options{BaseURL: "https://127.0.0.1:8443"})
	insts, v := benchInstances(1000)
	b.ReportAllocs()
	for b.Loop() {
		_ = benchWire(s, insts, v)
	}
}

func BenchmarkGCEJSONEncodeInstanceList1000(b *testing.B) {
	gin.SetMode(gin.ReleaseMode)
	s := newServer(nil, &Options{BaseURL: "https://127.0.0.1:8443"})
	insts, v := benchInstances(1000)
	list := s.list("compute#instanceList", s.zoneLink("demo", "local1-zone1")+"/instances", benchWire(s, insts, v), "")
	w := &discard{h: http.Header{}}
	c, _ := gin.CreateTestContext(w)
	writeJSON(c, http.StatusOK, list)
	b.SetBytes(int64(w.n))
	b.ReportAllocs()
	for b.Loop() {
		w := &discard{h: http.Header{}}
		c, _ := gin.CreateTestContext(w)
		writeJSON(c, http.StatusOK, list)
	}
}

func BenchmarkGCEFilter1000(b *testing.B) {
	s := newServer(nil, &Options{BaseURL: "https://127.0.0.1:8443"})
	insts, v := benchInstances(1000)
	items := benchWire(s, insts, v)
	for _, f := range []string{
		`name eq web-1.*`,
		`(status eq RUNNING)(labels.env eq prod)`,
		`zone eq ".*\bzone1\b.*" AND NOT name = web-7`,
	} {
		b.Run(f, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				x, err := parseFilter(f)
				if err != nil {
					b.Fatal(err)
				}
				_ = filterItems(items, x)
			}
		})
	}
}
