package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"golang.org/x/oauth2"
	compute "google.golang.org/api/compute/v1"
)

const (
	region      = "cloudstack-1"
	motoRegion  = "us-east-1"
	gceProject  = "demo"
	perSubnet   = 200 // the simulator allocates guest IPs from a /24
	motoMaxN    = 1000
	gcePageSize = 500
	ec2PageSize = 1000
	// gceMaxN bounds the full GCE listing workload: each of its pages
	// re-reads the whole list (RESULTS.md), so at 10,000 one call is
	// minutes; the first-page and memory workloads cover big N.
	gceMaxN = 2000
	// firstPageSize is the page of the first-page workload.
	firstPageSize = 500
	motoImage     = "ami-03cf127a"
	motoInstType  = "t2.micro"
)

type bench struct {
	c        *config
	gw       *gateway
	motoURL  string
	floorURL string
	recDir   string
	rep      *report

	rec     *recorder
	gwEC2   *ec2.Client
	motoEC2 *ec2.Client
	// motoRunEC2 is another moto region for RunInstances+TerminateInstances.
	motoRunEC2 *ec2.Client
	dir        *direct
	ts         oauth2.TokenSource
	gwGCE      *compute.Service
	gceRec     *recorder

	image    string
	vpc      string
	subnets  []string
	inSubnet int
	gwN      int
	motoN    int
	zone1ID  string
	gceZone  string
}

func (b *bench) setup(ctx context.Context) error {
	b.rec = &recorder{base: newTransport()}
	b.gwEC2 = newEC2(b.gw.url, region, b.gw.key, b.gw.secret, b.rec)
	b.motoEC2 = newEC2(b.motoURL, motoRegion, "testing", "testing", newTransport())
	b.motoRunEC2 = newEC2(b.motoURL, "us-west-2", "testing", "testing", newTransport())
	b.dir = newDirect(b.gw.simURL, b.gw.key, b.gw.secret)
	var err error
	if b.ts, err = gceTokenSource(ctx, b.gw.gceKey); err != nil {
		return err
	}
	b.gceRec = &recorder{base: newTransport()}
	if b.gwGCE, err = newCompute(ctx, b.gw.url+"/compute/v1/", b.ts, b.gceRec); err != nil {
		return err
	}
	imgs, err := b.gwEC2.DescribeImages(ctx, &ec2.DescribeImagesInput{})
	if err != nil {
		return fmt.Errorf("gateway DescribeImages: %w", err)
	}
	if len(imgs.Images) == 0 {
		return fmt.Errorf("gateway has no images")
	}
	b.image = aws.ToString(imgs.Images[0].ImageId)
	vpc, err := b.gwEC2.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.100.0.0/16")})
	if err != nil {
		return fmt.Errorf("gateway CreateVpc: %w", err)
	}
	b.vpc = aws.ToString(vpc.Vpc.VpcId)
	if b.zone1ID, err = b.dir.zoneID("zone1"); err != nil {
		return fmt.Errorf("direct zone id: %w", err)
	}
	zl, err := b.gwGCE.Zones.List(gceProject).Context(ctx).Do()
	if err != nil {
		return fmt.Errorf("gce zones.list: %w", err)
	}
	for _, z := range zl.Items {
		if strings.Contains(z.Name, "zone1") {
			b.gceZone = z.Name
		}
	}
	if b.gceZone == "" {
		return fmt.Errorf("gce: no zone1 in %d zones", len(zl.Items))
	}
	// moto: the first EC2 call initialises the region backend (~2 s).
	if _, err := b.motoEC2.DescribeInstances(ctx, &ec2.DescribeInstancesInput{}); err != nil {
		return fmt.Errorf("moto DescribeInstances: %w", err)
	}
	return nil
}

// growGateway launches instances (MaxCount ≤ 100 per call) until n exist
// or the grow budget is spent; it returns how many exist.
func (b *bench) growGateway(ctx context.Context, n int) error {
	start := time.Now()
	for b.gwN < n {
		if b.c.growBudget > 0 && time.Since(start) > b.c.growBudget {
			b.rep.note(fmt.Sprintf("gateway: growing to %d instances stopped at %d after the -grow-budget %s", n, b.gwN, b.c.growBudget))
			return nil
		}
		if len(b.subnets) == 0 || b.inSubnet >= perSubnet {
			k := len(b.subnets) + 1
			s, err := b.gwEC2.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String(b.vpc), CidrBlock: aws.String(fmt.Sprintf("10.100.%d.0/24", k))})
			if err != nil {
				return fmt.Errorf("gateway CreateSubnet %d: %w", k, err)
			}
			b.subnets = append(b.subnets, aws.ToString(s.Subnet.SubnetId))
			b.inSubnet = 0
		}
		batch := min(100, n-b.gwN, perSubnet-b.inSubnet)
		_, err := b.gwEC2.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(b.image), MinCount: aws.Int32(int32(batch)),
			MaxCount: aws.Int32(int32(batch)), SubnetId: aws.String(b.subnets[len(b.subnets)-1])})
		if err != nil {
			return fmt.Errorf("gateway RunInstances (%d existing): %w", b.gwN, err)
		}
		b.gwN += batch
		b.inSubnet += batch
		if b.gwN%1000 == 0 {
			logf("  %d instances (%.0fs)", b.gwN, time.Since(start).Seconds())
		}
	}
	return nil
}

func (b *bench) growMoto(ctx context.Context, n int) error {
	for b.motoN < n {
		batch := min(100, n-b.motoN)
		_, err := b.motoEC2.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(motoImage), MinCount: aws.Int32(int32(batch)),
			MaxCount: aws.Int32(int32(batch)), InstanceType: ec2types.InstanceType(motoInstType)})
		if err != nil {
			return fmt.Errorf("moto RunInstances: %w", err)
		}
		b.motoN += batch
	}
	return nil
}

// floorEC2 records the gateway's answer to fn and returns an EC2 client
// pointed at the floor serving those bytes.
func (b *bench) floorEC2(key string, fn call) (*ec2.Client, int, error) {
	recs, err := b.rec.record(func() error { return fn(context.Background()) })
	if err != nil {
		return nil, 0, err
	}
	if len(recs) != 1 {
		return nil, 0, fmt.Errorf("recorded %d responses for %s", len(recs), key)
	}
	if err := saveRecording(b.recDir, key, recs[0].typ, recs[0].body); err != nil {
		return nil, 0, err
	}
	return newEC2(b.floorURL+"/"+key, region, b.gw.key, b.gw.secret, newTransport()), len(recs[0].body), nil
}

// floorGCE records every page of fn and returns a compute client on the floor.
func (b *bench) floorGCE(ctx context.Context, key string, fn call) (*compute.Service, int, error) {
	recs, err := b.gceRec.record(func() error { return fn(ctx) })
	if err != nil {
		return nil, 0, err
	}
	size := 0
	for _, r := range recs {
		k := key
		if r.pageToken != "" {
			k += "~" + r.pageToken
		}
		if err := saveRecording(b.recDir, k, r.typ, r.body); err != nil {
			return nil, 0, err
		}
		size += len(r.body)
	}
	svc, err := newCompute(ctx, b.floorURL+"/"+key+"/compute/v1/", b.ts, newTransport())
	return svc, size, err
}

func (b *bench) all(ctx context.Context) error {
	c := b.c
	if c.on("az") {
		if err := b.azWorkloads(ctx); err != nil {
			return err
		}
	}
	for _, n := range c.sizes {
		logf("growing to %d instances", n)
		t0, from := time.Now(), b.gwN
		if err := b.growGateway(ctx, n); err != nil {
			return err
		}
		b.rep.note(fmt.Sprintf("gateway: instances %d → %d launched via RunInstances (≤100 per call) in %.1fs", from, b.gwN, time.Since(t0).Seconds()))
		if b.gwN != n {
			n = b.gwN
			if n <= from {
				break
			}
		}
		if n <= motoMaxN && (c.on("describe") || c.on("conc") || c.on("boto3")) {
			if err := b.growMoto(ctx, n); err != nil {
				return err
			}
		}
		if c.on("describe") {
			if err := b.describeWorkload(ctx, n); err != nil {
				return err
			}
		}
		if n == 100 && c.on("conc") {
			if err := b.concurrency(ctx, n); err != nil {
				return err
			}
		}
		if n == 100 && c.on("boto3") {
			b.boto3(n)
		}
		if n >= 100 && n <= gceMaxN && c.on("gce") {
			if err := b.gceWorkload(ctx, n); err != nil {
				return err
			}
		}
		if n >= 1000 && c.on("page") {
			b.firstPage(ctx, n)
		}
		if n >= 1000 && c.on("mem") {
			b.memory(ctx, n)
		}
		if n == 100 && c.on("latency") {
			b.latency(ctx, n)
		}
		if (n == 10 || n == 1000 || n == c.sizes[len(c.sizes)-1]) && c.on("run") {
			b.runTerminate(ctx, n)
		}
	}
	if c.on("cache") {
		b.cache(ctx)
	}
	return nil
}

func (b *bench) azWorkloads(ctx context.Context) error {
	logf("workload: DescribeAvailabilityZones / zones.list")
	fc, size, err := b.floorEC2("az", describeAZs(b.gwEC2))
	if err != nil {
		return err
	}
	ts := []target{
		{name: "gateway", fn: describeAZs(b.gwEC2)},
		{name: "floor", fn: describeAZs(fc)},
		{name: "moto", fn: describeAZs(b.motoEC2)},
		{name: "direct", fn: b.dir.listZones()},
	}
	r := interleave(ctx, ts, 3, b.c.rounds*2, 5, b.c.budget)
	b.rep.add(row{workload: "EC2 DescribeAvailabilityZones", n: 0, bytes: size, s: r})
	fg, gsize, err := b.floorGCE(ctx, "zones", gceListZones(b.gwGCE, gceProject))
	if err != nil {
		return err
	}
	ts = []target{
		{name: "gateway", fn: gceListZones(b.gwGCE, gceProject)},
		{name: "floor", fn: gceListZones(fg, gceProject)},
		{name: "direct", fn: b.dir.listZones()},
	}
	r = interleave(ctx, ts, 3, b.c.rounds*2, 5, b.c.budget)
	b.rep.add(row{workload: "GCE zones.list", n: 0, bytes: gsize, s: r})
	return nil
}

func (b *bench) describeWorkload(ctx context.Context, n int) error {
	logf("workload: DescribeInstances(%d)", n)
	fc, size, err := b.floorEC2(fmt.Sprintf("di%d", n), describeInstances(b.gwEC2, n))
	if err != nil {
		return err
	}
	ts := []target{
		{name: "gateway", fn: describeInstances(b.gwEC2, n)},
		{name: "floor", fn: describeInstances(fc, n)},
		{name: "direct", fn: b.dir.listVMs("", n)},
		{name: "direct-same", fn: b.dir.sameCalls(false, "", n, 1)},
	}
	if n <= motoMaxN {
		t := target{name: "moto", fn: describeInstances(b.motoEC2, n)}
		if n >= 1000 {
			t.every = 4 // ~1.7 s per call
		}
		ts = append(ts, t)
	}
	rounds, minRounds := sizeRounds(b.c.rounds, n)
	r := interleave(ctx, ts, 1, rounds, minRounds, b.c.budget)
	b.rep.add(row{workload: "EC2 DescribeInstances", n: n, bytes: size, s: r})
	return nil
}

func (b *bench) gceWorkload(ctx context.Context, n int) error {
	logf("workload: GCE instances.list(%d)", n)
	key := fmt.Sprintf("gl%d", n)
	fg, size, err := b.floorGCE(ctx, key, gceListInstances(b.gwGCE, gceProject, b.gceZone, gcePageSize, n))
	if err != nil {
		return err
	}
	ts := []target{
		{name: "gateway", fn: gceListInstances(b.gwGCE, gceProject, b.gceZone, gcePageSize, n)},
		{name: "floor", fn: gceListInstances(fg, gceProject, b.gceZone, gcePageSize, n)},
		{name: "direct", fn: b.dir.listVMs(b.zone1ID, n)},
		{name: "direct-same", fn: b.dir.sameCalls(true, b.zone1ID, n, (n+gcePageSize-1)/gcePageSize)},
	}
	rounds, minRounds := sizeRounds(b.c.rounds, n)
	r := interleave(ctx, ts, 1, rounds, minRounds, b.c.budget)
	b.rep.add(row{workload: fmt.Sprintf("GCE instances.list (pages of %d)", gcePageSize), n: n, bytes: size, s: r})
	return nil
}

func (b *bench) concurrency(ctx context.Context, n int) error {
	logf("workload: concurrent DescribeInstances(%d), %d workers", n, b.c.workers)
	fc := newEC2(b.floorURL+fmt.Sprintf("/di%d", n), region, b.gw.key, b.gw.secret, newTransport())
	fns := []struct {
		name string
		fn   call
	}{
		{"gateway", describeInstances(b.gwEC2, n)},
		{"floor", describeInstances(fc, n)},
		{"moto", describeInstances(b.motoEC2, n)},
		{"direct", b.dir.listVMs("", n)},
	}
	res := map[string]float64{}
	errs := map[string]int{}
	const reps = 2
	for i := 0; i < reps; i++ {
		for _, f := range fns {
			rps, e := throughput(ctx, f.fn, b.c.workers, b.c.concDur)
			res[f.name] += rps / reps
			errs[f.name] += e
		}
	}
	b.rep.conc = append(b.rep.conc, concRow{n: n, workers: b.c.workers, rps: res, errs: errs})
	return nil
}

func (b *bench) boto3(n int) {
	logf("workload: boto3 DescribeInstances(%d)", n)
	cmd := exec.Command("python3", b.c.py, "--gateway", b.gw.url, "--moto", b.motoURL, "--expect", fmt.Sprint(n), "--rounds", fmt.Sprint(min(b.c.rounds, 30)))
	cmd.Env = append(os.Environ(), "GW_KEY="+b.gw.key, "GW_SECRET="+b.gw.secret)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		b.rep.note(fmt.Sprintf("boto3 comparison failed: %v", err))
		return
	}
	var res map[string]map[string]float64
	if err := json.Unmarshal(out, &res); err != nil {
		b.rep.note(fmt.Sprintf("boto3 output: %v: %s", err, out))
		return
	}
	r := map[string]sample{}
	for k, v := range res {
		r[k] = sample{n: int(v["n"]), p50: time.Duration(v["p50_ms"] * float64(time.Millisecond)), p90: time.Duration(v["p90_ms"] * float64(time.Millisecond)),
			min: time.Duration(v["min_ms"] * float64(time.Millisecond)), mean: time.Duration(v["mean_ms"] * float64(time.Millisecond))}
	}
	b.rep.add(row{workload: "boto3 DescribeInstances", n: n, s: r})
}

// memory lists n instances page by page (GCE maxResults 500, EC2 MaxResults
// 1000) and reads the gateway's peak heap (gctrace) and peak RSS.
func (b *bench) memory(ctx context.Context, n int) {
	for _, w := range []struct {
		name string
		fn   call
	}{
		{fmt.Sprintf("GCE instances.list, pages of %d", gcePageSize), gceListInstances(b.gwGCE, gceProject, b.gceZone, gcePageSize, n)},
		{fmt.Sprintf("EC2 DescribeInstances, MaxResults %d", ec2PageSize), describeInstancesPaged(b.gwEC2, ec2PageSize, n)},
	} {
		logf("workload: memory %s (%d)", w.name, n)
		rss0, _ := procMem(b.gw.pid())
		resetHWM(b.gw.pid())
		mark := b.gw.gc.mark()
		live := b.gw.gc.liveAt(mark)
		t0 := time.Now()
		err := w.fn(ctx)
		el := time.Since(t0)
		time.Sleep(200 * time.Millisecond) // let the gctrace lines arrive
		peak, gcs := b.gw.gc.peakSince(mark)
		_, hwm := procMem(b.gw.pid())
		b.rep.mem = append(b.rep.mem, memRow{workload: w.name, n: n, peakHeapMB: peak, liveBeforeMB: live, gcs: gcs, rssBeforeMB: float64(rss0) / 1024,
			hwmMB: float64(hwm) / 1024, dur: el, err: err})
	}
}

// runTerminate launches and terminates one instance while n exist. moto
// runs it in another region, so its DescribeInstances counts stay exact
// (moto keeps terminated instances listed).
func (b *bench) runTerminate(ctx context.Context, n int) {
	logf("workload: RunInstances+TerminateInstances with %d instances", n)
	sub := ""
	if len(b.subnets) > 0 {
		sub = b.subnets[0]
	}
	ts := []target{
		{name: "gateway", fn: runTerminate(b.gwEC2, b.image, "", sub)},
		{name: "moto", fn: runTerminate(b.motoRunEC2, motoImage, motoInstType, "")},
	}
	r := interleave(ctx, ts, 1, min(b.c.rounds, 10), 3, b.c.budget)
	b.rep.add(row{workload: "EC2 RunInstances(1)+TerminateInstances", n: n, s: r})
	time.Sleep(3 * time.Second) // terminated VMs are expunged after 1s
}

// cache checks the catalog cache: a cold DescribeAvailabilityZones after the
// TTL has passed, then warm calls; direct listZones for reference.
func (b *bench) cache(ctx context.Context) {
	logf("workload: catalog cache (idle %s, then cold + warm calls)", b.c.ttlWait)
	time.Sleep(b.c.ttlWait)
	var cold time.Duration
	for i := 0; i < 3; i++ {
		// Three cold samples: each one waits out the TTL again only the
		// first time, so use the first as cold and the rest as warm checks.
		t0 := time.Now()
		if err := describeAZs(b.gwEC2)(ctx); err != nil {
			b.rep.note("cache: " + err.Error())
			return
		}
		if i == 0 {
			cold = time.Since(t0)
		}
	}
	r := interleave(ctx, []target{{name: "gateway", fn: describeAZs(b.gwEC2)}, {name: "direct", fn: b.dir.listZones()}}, 0, 30, 5, 10*time.Second)
	b.rep.cache = &cacheRow{cold: cold, warm: r["gateway"], direct: r["direct"]}
}

// sizeRounds bounds the rounds of the listing workloads: big listings take
// seconds per call.
func sizeRounds(rounds, n int) (maxRounds, minRounds int) {
	switch {
	case n >= 2000:
		return min(rounds, 6), 3
	case n >= 1000:
		return min(rounds, 12), 5
	}
	return rounds, 5
}

// firstPage reads the first page of 500 instances (EC2 MaxResults, GCE
// maxResults) with n instances present: a page should cost what its items
// cost, whatever n.
func (b *bench) firstPage(ctx context.Context, n int) {
	logf("workload: first page of %d with %d instances", firstPageSize, n)
	ts := []target{
		{name: "gateway", fn: describeFirstPage(b.gwEC2, firstPageSize)},
		{name: "gce", fn: gceFirstPage(b.gwGCE, gceProject, b.gceZone, firstPageSize)},
		{name: "direct", fn: b.dir.firstVMPage(firstPageSize)},
	}
	rounds, minRounds := sizeRounds(b.c.rounds, n)
	r := interleave(ctx, ts, 1, rounds, minRounds, b.c.budget)
	b.rep.add(row{workload: fmt.Sprintf("EC2 DescribeInstances first page (MaxResults %d)", firstPageSize), n: n, s: map[string]sample{"gateway": r["gateway"], "direct": r["direct"]}})
	b.rep.add(row{workload: fmt.Sprintf("GCE instances.list first page (maxResults %d)", firstPageSize), n: n, s: map[string]sample{"gateway": r["gce"]}})
}

// Simulated CloudStack latency for the latency workload.
const (
	simCallLatency = 50 * time.Millisecond
	simItemLatency = 100 * time.Microsecond
)

// latency measures operations with simCallLatency + simItemLatency per
// listed item on every CloudStack call, next to their minimum: the longest
// chain of sequential CloudStack calls they need. DescribeInstances and a
// one-page GCE instances.list need one call of n items (every other list
// they make is independent of it); direct is that one call, made with
// cloudstack-go.
func (b *bench) latency(ctx context.Context, n int) {
	logf("workload: %d instances with %s + %s/item CloudStack latency", n, simCallLatency, simItemLatency)
	if err := setSimLatency(b.gw.simURL, simCallLatency, simItemLatency); err != nil {
		b.rep.note("latency workload: " + err.Error())
		return
	}
	defer func() {
		if err := setSimLatency(b.gw.simURL, 0, 0); err != nil {
			b.rep.note("latency workload reset: " + err.Error())
		}
	}()
	sub := ""
	if len(b.subnets) > 0 {
		sub = b.subnets[0]
	}
	terminatedBefore := false
	if out, err := b.gwEC2.DescribeInstances(ctx, &ec2.DescribeInstancesInput{}); err == nil {
		terminatedBefore = live(out.Reservations) < len(flatten(out.Reservations))
	}
	// The listings first, while no instance has been terminated within
	// the hour: then DescribeInstances needs one call of n items.
	// RunInstances+TerminateInstances after them, then DescribeInstances
	// again: with instances terminated within the hour it also reads
	// their VM.DESTROY events, then their tags, then (when expunged, so
	// without their launch record) their VM.CREATE events, a chain of 3.
	r := interleave(ctx, []target{
		{name: "describe", fn: describeInstances(b.gwEC2, n)},
		{name: "gce", fn: gceListInstances(b.gwGCE, gceProject, b.gceZone, gcePageSize, n)},
		{name: "direct", fn: b.dir.listVMs("", n)},
	}, 1, min(b.c.rounds, 10), 3, b.c.budget)
	rr := interleave(ctx, []target{{name: "run", fn: runTerminate(b.gwEC2, b.image, "", sub)}}, 1, min(b.c.rounds, 10), 3, b.c.budget)
	rd := interleave(ctx, []target{{name: "describe", fn: describeInstances(b.gwEC2, n)}}, 1, min(b.c.rounds, 10), 3, b.c.budget)
	chain := simCallLatency + time.Duration(n)*simItemLatency
	// An earlier workload (run) may have terminated instances within the
	// hour: then the first DescribeInstances already has the longer chain.
	first := latRow{op: fmt.Sprintf("EC2 DescribeInstances(%d)", n), s: r["describe"], chain: chain, calls: 1, direct: r["direct"]}
	if terminatedBefore {
		first.op += ", instances terminated within the hour (by an earlier workload)"
		first.chain, first.calls = chain+2*simCallLatency, 3
	}
	b.rep.lat = append(b.rep.lat,
		first,
		latRow{op: fmt.Sprintf("GCE instances.list(%d), one page", n), s: r["gce"], chain: chain, calls: 1, direct: r["direct"]},
		// 6 + 4 sequential rounds (ec2compat TestRunAndTerminateCloudStackRounds);
		// their lists hold one or two items.
		latRow{op: "EC2 RunInstances(1)+TerminateInstances", s: rr["run"], chain: 10 * simCallLatency, calls: 10},
		// The chain's two later lists (all instance tags, VM.CREATE
		// events) are counted without their items: a lower bound.
		latRow{op: fmt.Sprintf("EC2 DescribeInstances(%d), instances terminated within the hour", n), s: rd["describe"], chain: chain + 2*simCallLatency, calls: 3})
	time.Sleep(3 * time.Second) // the terminated VMs are expunged after 1s
}
