// Command bench measures cloudgate side by side with a peer emulator (moto)
// and the physical floor, in one run on loopback:
//
//	(a) gateway: the built `cloudgate serve --insecure-http` binary with the
//	    embedded simulator, called with aws-sdk-go-v2 / the Go compute client
//	    (plus boto3 for the Python-client comparison); with -simulator process
//	    (the default when only the mem and page workloads run) the simulator
//	    is its own `cloudgate simulator` process and the gateway runs
//	    `cloudgate serve --cloudstack-url SIM --registry FILE`, so the
//	    gateway's gctrace heap and RSS are the gateway's alone;
//	(b) moto: `moto_server`, the same EC2 workload and client;
//	(c) floor: a minimal Go HTTP server (separate process) answering with the
//	    gateway's recorded response bytes, same client;
//	(d) direct: the embedded simulator called with cloudstack-go, so gateway
//	    overhead = (a) − (d).
//
// Targets are called round-robin (interleaved), so every ratio is measured
// under the same machine load. Run it from the repository root:
//
//	go run ./bench -workloads all
//
// or `bash bench/run.sh`. See bench/RESULTS.md for a recorded run.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

type config struct {
	workloads  map[string]bool
	sizes      []int
	rounds     int
	budget     time.Duration
	workers    int
	concDur    time.Duration
	bin        string
	seed       string
	py         string
	out        string
	ttlWait    time.Duration
	growBudget time.Duration
	simulator  string
}

func main() {
	var (
		floorDir    = flag.String("floor-serve", "", "internal: serve recordings from DIR (the floor process)")
		floorListen = flag.String("floor-listen", "127.0.0.1:0", "internal: floor address")
		workloads   = flag.String("workloads", "all", "comma list of: az, describe, gce, conc, boto3, mem, page, latency, run, cache (all = every one)")
		sizes       = flag.String("sizes", "10,100,1000,2000", "instance counts for the listing workloads (ascending; e.g. 10,100,1000,10000)")
		rounds      = flag.Int("rounds", 40, "max measured rounds per workload (each round calls every target once)")
		budget      = flag.Duration("budget", 20*time.Second, "time budget per workload (after 5 rounds)")
		workers     = flag.Int("workers", 8, "concurrent clients for the throughput workload")
		concDur     = flag.Duration("conc-duration", 3*time.Second, "duration of each throughput measurement")
		bin         = flag.String("bin", "", "cloudgate binary (default: go build ./cmd/cloudgate into a temp dir)")
		seed        = flag.String("seed", "bench/seed-large.yaml", "simulator seed for the gateway")
		py          = flag.String("boto3", "bench/boto3_bench.py", "boto3 comparison script")
		out         = flag.String("out", "bench/results", "directory for the results (gitignored)")
		ttlWait     = flag.Duration("ttl-wait", 31*time.Second, "idle time before the catalog-cache cold call (> CatalogTTL, 30s)")
		growBudget  = flag.Duration("grow-budget", 6*time.Minute, "max time spent launching instances for one size (0 = no limit)")
		simulator   = flag.String("simulator", simAuto, "where the CloudStack simulator runs: embedded (in `cloudgate serve`), process (`cloudgate simulator` beside `cloudgate serve --cloudstack-url`: the gateway's heap and RSS are its own), auto (process when the workloads are only mem and/or page)")
	)
	flag.Parse()
	if *floorDir != "" {
		log.Fatal(serveFloor(*floorDir, *floorListen))
	}
	c := &config{workloads: map[string]bool{}, rounds: *rounds, budget: *budget, workers: *workers, concDur: *concDur,
		bin: *bin, seed: *seed, py: *py, out: *out, ttlWait: *ttlWait, growBudget: *growBudget, simulator: *simulator}
	for _, w := range strings.Split(*workloads, ",") {
		c.workloads[strings.TrimSpace(w)] = true
	}
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			log.Fatalf("bad -sizes %q", *sizes)
		}
		c.sizes = append(c.sizes, n)
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sig
		logf("interrupted: stopping the servers")
		stopAll()
		if r := partial.Load(); r != nil {
			fmt.Print(r.render())
		}
		os.Exit(1)
	}()
	err := run(c)
	stopAll()
	if err != nil {
		log.Fatal(err)
	}
}

// partial is the report so far, printed when the run is interrupted.
var partial atomic.Pointer[report]

func (c *config) on(w string) bool { return c.workloads["all"] || c.workloads[w] }

func run(c *config) error {
	tmp, err := os.MkdirTemp("", "cloudgate-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if c.bin == "" {
		c.bin = filepath.Join(tmp, "cloudgate")
		logf("building cloudgate")
		b := exec.Command("go", "build", "-o", c.bin, "./cmd/cloudgate")
		b.Stdout, b.Stderr = os.Stderr, os.Stderr
		if err := b.Run(); err != nil {
			return fmt.Errorf("go build ./cmd/cloudgate (run from the repository root): %w", err)
		}
	}
	seed, err := filepath.Abs(c.seed)
	if err != nil {
		return err
	}
	recDir := filepath.Join(tmp, "recordings")
	if err := os.MkdirAll(recDir, 0o700); err != nil {
		return err
	}

	mode, err := c.simMode()
	if err != nil {
		return err
	}
	c.simulator = mode
	logf("starting cloudgate (simulator %s), moto_server and the floor", mode)
	var gw *gateway
	if mode == simProcess {
		gw, err = startSplitGateway(c.bin, seed, tmp)
	} else {
		gw, err = startGateway(c.bin, seed, tmp)
	}
	if err != nil {
		return err
	}
	defer gw.stop()
	defer gw.sim.stop()
	moto, motoURL, err := startMoto()
	if err != nil {
		return err
	}
	defer moto.stop()
	floor, floorURL, err := startFloor(recDir)
	if err != nil {
		return err
	}
	defer floor.stop()

	b := &bench{c: c, gw: gw, motoURL: motoURL, floorURL: floorURL, recDir: recDir, rep: &report{}}
	partial.Store(b.rep)
	b.rep.header(c, gw)
	if err := b.setup(context.Background()); err != nil {
		return err
	}
	if err := b.all(context.Background()); err != nil {
		b.rep.note("ERROR: " + err.Error())
		logf("error: %v", err)
	}
	text := b.rep.render()
	fmt.Print(text)
	if c.out != "" {
		if err := os.MkdirAll(c.out, 0o755); err == nil {
			f := filepath.Join(c.out, "bench-"+time.Now().UTC().Format("20060102-150405")+".md")
			if err := os.WriteFile(f, []byte(text), 0o644); err == nil {
				logf("results written to %s", f)
			}
		}
	}
	return nil
}

func logf(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "[%s] %s\n", time.Now().UTC().Format("15:04:05"), fmt.Sprintf(format, a...))
}

func machineNote() string {
	cpu := "?"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "model name") {
				_, cpu, _ = strings.Cut(l, ":")
				cpu = strings.TrimSpace(cpu)
				break
			}
		}
	}
	load := ""
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		load = strings.Join(strings.Fields(string(b))[:3], " ")
	}
	return fmt.Sprintf("%s/%s, %d CPUs (%s), load average %s, %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), cpu, load, runtime.Version())
}
