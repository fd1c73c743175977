package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/gin-gonic/gin"
	compute "google.golang.org/api/compute/v1"
	"google.golang.org/api/option"

	"github.com/cloudgate/cloudgate/auth"
	"github.com/cloudgate/cloudgate/ec2compat"
	"github.com/cloudgate/cloudgate/gcecompat"
	"github.com/cloudgate/cloudgate/simulator"
	"github.com/cloudgate/cloudgate/translate"
	"github.com/cloudgate/cloudgate/translate/csbackend"
)

// In-process copies of the gateway stack (simulator on a loopback socket,
// csbackend, translate, SigV4, ec2compat/gcecompat on an httptest server),
// wired like cmd/cloudgate. They are NOT the side-by-side measurement (that
// drives the built binary, see main.go); they exist to profile the hot path:
//
//	go test ./bench -run '^$' -bench Stack -cpuprofile /tmp/cpu.out
//	go tool pprof -top -cum bench.test /tmp/cpu.out

type stack struct {
	sim    *simulator.Server
	srv    *httptest.Server
	ec2    *ec2.Client
	gce    *compute.Service
	direct *direct
}

func newStack(b *testing.B, instances int) *stack {
	b.Helper()
	seed, err := simulator.LoadSeed("seed-large.yaml")
	if err != nil {
		b.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	sim, err := simulator.New(&simulator.Options{Seed: seed, Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { sim.Close() })
	adminKey, adminSecret, _ := sim.UserKeys("admin")
	key, secret, _ := sim.UserKeys("demo")
	opts := &csbackend.Options{AdminAPIKey: adminKey, AdminSecret: adminSecret}
	svc := translate.New(csbackend.New(sim.URL(), opts), nil)
	dir := auth.CachedDirectory(csbackend.NewDirectory(sim.URL(), opts), 30*time.Second)
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	srv := httptest.NewServer(r)
	b.Cleanup(srv.Close)
	ec2compat.Register(r, svc, &ec2compat.Options{Region: region, Authenticate: (&auth.SigV4{Directory: dir}).Authenticate, Logger: quiet})
	gcecompat.Register(r, svc, &gcecompat.Options{BaseURL: srv.URL, Region: region, Logger: quiet,
		Authenticate: func(*http.Request) (*translate.Principal, error) { return dir.ByAPIKey(context.Background(), key) }})
	st := &stack{sim: sim, srv: srv, ec2: newEC2(srv.URL, region, key, secret, newTransport()), direct: newDirect(sim.URL(), key, secret)}
	if st.gce, err = compute.NewService(context.Background(), option.WithEndpoint(srv.URL+"/compute/v1/"), option.WithoutAuthentication(),
		option.WithHTTPClient(&http.Client{Transport: newTransport()})); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	imgs, err := st.ec2.DescribeImages(ctx, &ec2.DescribeImagesInput{})
	if err != nil || len(imgs.Images) == 0 {
		b.Fatalf("DescribeImages: %v", err)
	}
	for n := 0; n < instances; n += 100 {
		c := int32(min(100, instances-n))
		if _, err := st.ec2.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: imgs.Images[0].ImageId, MinCount: aws.Int32(c), MaxCount: aws.Int32(c),
			Placement: nil}); err != nil {
			b.Fatal(err)
		}
	}
	return st
}

func runCall(b *testing.B, fn call) {
	b.Helper()
	ctx := context.Background()
	if err := fn(ctx); err != nil { // warm caches and connections
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := fn(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStackDescribeInstances(b *testing.B) {
	for _, n := range []int{10, 100} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			st := newStack(b, n)
			b.Run("gateway", func(b *testing.B) { runCall(b, describeInstances(st.ec2, n)) })
			b.Run("direct", func(b *testing.B) { runCall(b, st.direct.listVMs("", n)) })
		})
	}
}

func BenchmarkStackDescribeAvailabilityZones(b *testing.B) {
	st := newStack(b, 0)
	b.Run("gateway", func(b *testing.B) { runCall(b, describeAZs(st.ec2)) })
	b.Run("direct", func(b *testing.B) { runCall(b, st.direct.listZones()) })
}

func BenchmarkStackGCEInstancesList(b *testing.B) {
	st := newStack(b, 100)
	zl, err := st.gce.Zones.List(gceProject).Do()
	if err != nil || len(zl.Items) == 0 {
		b.Fatalf("zones.list: %v", err)
	}
	z := zl.Items[0].Name
	b.Run("gateway", func(b *testing.B) { runCall(b, gceListInstances(st.gce, gceProject, z, gcePageSize, -1)) })
}

// growStack launches instances until n exist, in /24 subnets of one VPC
// (the simulator allocates guest IPs from a /24), 100 per call.
func growStack(b *testing.B, st *stack, have, n, vpcNet int) {
	b.Helper()
	ctx := context.Background()
	imgs, err := st.ec2.DescribeImages(ctx, &ec2.DescribeImagesInput{})
	if err != nil || len(imgs.Images) == 0 {
		b.Fatalf("DescribeImages: %v", err)
	}
	vpc, err := st.ec2.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String(fmt.Sprintf("10.%d.0.0/16", vpcNet))})
	if err != nil {
		b.Fatal(err)
	}
	var subnet *string
	for k := 0; have < n; k++ {
		if k%2 == 0 {
			s, err := st.ec2.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc.Vpc.VpcId, CidrBlock: aws.String(fmt.Sprintf("10.%d.%d.0/24", vpcNet, k/2+1))})
			if err != nil {
				b.Fatal(err)
			}
			subnet = s.Subnet.SubnetId
		}
		c := int32(min(100, n-have))
		if _, err := st.ec2.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: imgs.Images[0].ImageId, MinCount: aws.Int32(c), MaxCount: aws.Int32(c), SubnetId: subnet}); err != nil {
			b.Fatal(err)
		}
		have += int(c)
	}
}

// BenchmarkStackFirstPage reads the first page of 500 instances (EC2
// MaxResults, GCE maxResults) with 1,000 and 5,000 instances present: B/op
// is what one page allocates (gateway and simulator together, in process),
// free of the GC pacing that makes the built binary's peak heap follow the
// embedded simulator's state.
//
//	go test ./bench -run '^$' -bench StackFirstPage -benchtime 5x
func BenchmarkStackFirstPage(b *testing.B) {
	st := newStack(b, 0)
	have := 0
	for i, n := range []int{1000, 5000} {
		growStack(b, st, have, n, 100+i)
		have = n
		zl, err := st.gce.Zones.List(gceProject).Do()
		if err != nil {
			b.Fatal(err)
		}
		z := ""
		for _, it := range zl.Items {
			if strings.Contains(it.Name, "zone1") {
				z = it.Name
			}
		}
		b.Run(fmt.Sprintf("%d/ec2", n), func(b *testing.B) { runCall(b, describeFirstPage(st.ec2, firstPageSize)) })
		b.Run(fmt.Sprintf("%d/gce", n), func(b *testing.B) { runCall(b, gceFirstPage(st.gce, gceProject, z, firstPageSize)) })
		b.Run(fmt.Sprintf("%d/direct", n), func(b *testing.B) { runCall(b, st.direct.firstVMPage(firstPageSize)) })
	}
}
