package ec2compat

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/cloudgate/cloudgate/translate"
)

// Microbenchmarks of the DescribeInstances hot path without CloudStack:
// converting 1,000 translate.Instances to wire items, encoding them as the
// EC2 XML document (writeResponse), and evaluating filters.

func benchInstances(n int) []translate.Instance {
	created := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	out := make([]translate.Instance, n)
	for i := range out {
		out[i] = translate.Instance{
			ID: fmt.Sprintf("5b0a2d3e-1c2b-4f5e-8a9b-%012d", i), Name: fmt.Sprintf("VM-%d", i), DisplayName: fmt.Sprintf("web-%d", i),
			State: translate.StateRunning, ZoneID: "0c1e3f49-zone-1", ZoneName: "zone1",
			OfferingID: "off-small", OfferingName: "Small Instance", CPUs: 1, MemoryMB: 512,
			ImageID: "6f2d84c1-template-debian", ImageName: "Debian 12", KeyPair: "bench",
			Groups:    []translate.GroupRef{{ID: "9a7e0b9e-sg-default", Name: "default"}},
			PrivateIP: fmt.Sprintf("10.100.%d.%d", i/200+1, i%200+2), NetworkID: fmt.Sprintf("net-%d", i/200), NetworkName: "subnet",
			Hostname: fmt.Sprintf("VM-%d", i), Created: created.Add(time.Duration(i) * time.Second),
			Tags:         translate.Tags{"Name": fmt.Sprintf("web-%d", i), "env": []string{"prod", "dev"}[i%2]},
			RootVolumeID: fmt.Sprintf("vol-%012d", i),
		}
	}
	return out
}

// discard is a ResponseWriter that drops the body.
type discard struct {
	h http.Header
	n int
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { d.n += len(b); return len(b), nil }
func (d *discard) WriteHeader(int)             {}

func benchItems(s *server, insts []translate.Instance) []instanceItem {
	v := &instanceView{owner: "123456789012", groupIDs: map[string]string{}, vpcOf: map[string]string{}}
	items := make([]instanceItem, 0, len(insts))
	for i := range insts {
		items = append(items, s.toInstanceItem(v, &insts[i]))
	}
	return items
}

func BenchmarkEC2InstanceItems1000(b *testing.B) {
	s := newServer(nil, &Options{Region: "cloudstack-1"})
	insts := benchInstances(1000)
	b.ReportAllocs()
	for b.Loop() {
		items := benchItems(s, insts)
		_ = reservations("123456789012", items)
	}
}

func BenchmarkEC2XMLEncodeDescribeInstances1000(b *testing.B) {
	gin.SetMode(gin.ReleaseMode)
	s := newServer(nil, &Options{Region: "cloudstack-1"})
	items := benchItems(s, benchInstances(1000))
	resp := &describeInstancesResp{Reservations: reservations("123456789012", items)}
	req := &request{id: "bench-request-id", action: "DescribeInstances", version: DefaultVersion}
	w := &discard{h: http.Header{}}
	c, _ := gin.CreateTestContext(w)
	writeResponse(c, req, resp)
	b.SetBytes(int64(w.n))
	b.ReportAllocs()
	for b.Loop() {
		w := &discard{h: http.Header{}}
		c, _ := gin.CreateTestContext(w)
		writeResponse(c, req, resp)
	}
}

func BenchmarkEC2Filters1000(b *testing.B) {
	s := newServer(nil, &Options{Region: "cloudstack-1"})
	items := benchItems(s, benchInstances(1000))
	for _, bc := range []struct {
		name string
		fs   []filter
	}{
		{"state", []filter{{Name: "instance-state-name", Values: []string{"running"}}}},
		{"tag-wildcard", []filter{{Name: "tag:Name", Values: []string{"web-1*"}}}},
		{"ip-and-tag", []filter{{Name: "private-ip-address", Values: []string{"10.100.3.*"}}, {Name: "tag:env", Values: []string{"prod"}}}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := applyFilters(items, bc.fs, instanceFields, tagsOfItem); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
