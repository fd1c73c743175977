package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// proc is a child process the benchmark started; stop kills it (and only it)
// by its process group id.
type proc struct {
	name string
	cmd  *exec.Cmd
	done chan struct{}
}

func startProc(name string, cmd *exec.Cmd) (*proc, error) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &proc{name: name, cmd: cmd, done: make(chan struct{})}
	go func() { cmd.Wait(); close(p.done) }()
	procsMu.Lock()
	procs = append(procs, p)
	procsMu.Unlock()
	return p, nil
}

var (
	procsMu sync.Mutex
	procs   []*proc
)

// stopAll stops every process this run started (each by its own id).
func stopAll() {
	procsMu.Lock()
	ps := procs
	procs = nil
	procsMu.Unlock()
	for _, p := range ps {
		p.stop()
	}
}

func (p *proc) pid() int { return p.cmd.Process.Pid }

func (p *proc) stop() {
	if p == nil {
		return
	}
	select {
	case <-p.done:
		return
	default:
	}
	pgid := p.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-p.done
	}
}

// freePort returns a free TCP port on 127.0.0.1.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// gateway is a running `cloudgate serve`, with the embedded simulator or in
// front of a `cloudgate simulator` process (sim; see startSplitGateway).
type gateway struct {
	*proc
	url    string // http://127.0.0.1:PORT
	simURL string // http://127.0.0.1:PORT/client/api
	key    string // demo user's CloudStack API key (= AWS access key id)
	secret string
	gceKey []byte // DATA_DIR/demo/gce-key.json
	gc     *gcTrace
	sim    *proc // the simulator process; nil when embedded
}

var (
	reListen = regexp.MustCompile(`listening on (http\S+)`)
	reSim    = regexp.MustCompile(`embedded CloudStack simulator at (http\S+)`)
)

// startGateway builds nothing: bin is the built cloudgate binary.
func startGateway(bin, seed, dir string) (*gateway, error) {
	data := filepath.Join(dir, "data")
	g, err := startServe(bin, []string{"serve", "--insecure-http", "--listen", "127.0.0.1:0", "--data-dir", data,
		"--seed", seed, "--expunge-delay", "1s", "--log-level", "warn"}, true)
	if err != nil {
		return nil, err
	}
	p := g.proc
	env, err := os.ReadFile(filepath.Join(data, "demo", "env.sh"))
	if err != nil {
		p.stop()
		return nil, err
	}
	for _, l := range strings.Split(string(env), "\n") {
		if v, ok := strings.CutPrefix(l, "export AWS_ACCESS_KEY_ID="); ok {
			g.key = strings.Trim(v, "'")
		}
		if v, ok := strings.CutPrefix(l, "export AWS_SECRET_ACCESS_KEY="); ok {
			g.secret = strings.Trim(v, "'")
		}
	}
	if g.gceKey, err = os.ReadFile(filepath.Join(data, "demo", "gce-key.json")); err != nil {
		p.stop()
		return nil, err
	}
	return g, waitHTTP(g.url + "/healthz")
}

// startServe runs bin with args (a `cloudgate serve` command line) under
// gctrace and waits for its listening line (and, when embedded, the embedded
// simulator's URL).
func startServe(bin string, args []string, embedded bool) (*gateway, error) {
	cmd := exec.Command(bin, args...)
	// gctrace lets the benchmark read the gateway's heap sizes (memory of
	// paged listings) without any debug endpoint in the gateway.
	cmd.Env = append(os.Environ(), "GODEBUG=gctrace=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	p, err := startProc("cloudgate", cmd)
	if err != nil {
		return nil, err
	}
	g := &gateway{proc: p, gc: &gcTrace{}}
	go g.gc.consume(stderr)
	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	deadline := time.After(90 * time.Second)
	for g.url == "" || (embedded && g.simURL == "") {
		select {
		case l, ok := <-lines:
			if !ok {
				p.stop()
				return nil, fmt.Errorf("cloudgate exited before listening; stderr tail: %s", g.gc.tail())
			}
			if m := reListen.FindStringSubmatch(l); m != nil {
				g.url = m[1]
			}
			if m := reSim.FindStringSubmatch(l); m != nil {
				g.simURL = m[1]
			}
		case <-deadline:
			p.stop()
			return nil, fmt.Errorf("cloudgate did not start in 90s")
		}
	}
	go func() {
		for range lines {
		}
	}()
	return g, nil
}

// startMoto starts moto_server on a free port.
func startMoto() (*proc, string, error) {
	port, err := freePort()
	if err != nil {
		return nil, "", err
	}
	cmd := exec.Command("moto_server", "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	p, err := startProc("moto_server", cmd)
	if err != nil {
		return nil, "", err
	}
	u := fmt.Sprintf("http://127.0.0.1:%d", port)
	if err := waitHTTP(u + "/moto-api/"); err != nil {
		p.stop()
		return nil, "", err
	}
	return p, u, nil
}

// startFloor re-executes this program as the floor server over dir.
func startFloor(dir string) (*proc, string, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, "", err
	}
	port, err := freePort()
	if err != nil {
		return nil, "", err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	cmd := exec.Command(self, "-floor-serve", dir, "-floor-listen", addr)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	p, err := startProc("floor", cmd)
	if err != nil {
		return nil, "", err
	}
	u := "http://" + addr
	if err := waitHTTP(u + "/healthz"); err != nil {
		p.stop()
		return nil, "", err
	}
	return p, u, nil
}

func waitHTTP(u string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s not answering: %w", u, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// gcTrace collects the gateway's GODEBUG=gctrace=1 lines.
type gcTrace struct {
	mu    sync.Mutex
	heaps []float64 // heap size (MB) at the start of each GC
	lives []float64 // live heap (MB) each GC marked
	other []string
}

var reGC = regexp.MustCompile(`^gc \d+ @.*?: .*? (\d+)->(\d+)->(\d+) MB`)

func (g *gcTrace) consume(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		l := sc.Text()
		g.mu.Lock()
		if m := reGC.FindStringSubmatch(l); m != nil {
			a, _ := strconv.ParseFloat(m[1], 64)
			b, _ := strconv.ParseFloat(m[2], 64)
			c, _ := strconv.ParseFloat(m[3], 64)
			g.heaps = append(g.heaps, max(a, b))
			g.lives = append(g.lives, c)
		} else {
			g.other = append(g.other, l)
			if len(g.other) > 50 {
				g.other = g.other[1:]
			}
		}
		g.mu.Unlock()
	}
}

func (g *gcTrace) mark() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.heaps)
}

// peakSince returns the largest heap seen by a GC since mark and the number of GCs.
func (g *gcTrace) peakSince(mark int) (float64, int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	peak := 0.0
	for _, h := range g.heaps[mark:] {
		peak = max(peak, h)
	}
	return peak, len(g.heaps) - mark
}

// liveAt returns the live heap the last GC before mark found (what the
// process holds anyway: with the embedded simulator, its state), 0 if none.
func (g *gcTrace) liveAt(mark int) float64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	if mark == 0 || mark > len(g.lives) {
		return 0
	}
	return g.lives[mark-1]
}

func (g *gcTrace) tail() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return strings.Join(g.other, "\n")
}

// procMem reads VmRSS and VmHWM (kB) of pid.
func procMem(pid int) (rss, hwm int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) < 2 {
			continue
		}
		n, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			rss = n
		case "VmHWM:":
			hwm = n
		}
	}
	return rss, hwm
}

// resetHWM resets the peak RSS of pid (Linux ≥ 4.0; ignored elsewhere).
func resetHWM(pid int) {
	_ = os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0)
}
