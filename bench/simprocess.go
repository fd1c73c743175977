package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// Simulator placement (-simulator): where the CloudStack simulator runs
// relative to the gateway process the benchmark measures.
const (
	// simEmbedded: `cloudgate serve` with the embedded simulator, one process.
	simEmbedded = "embedded"
	// simProcess: `cloudgate simulator` as its own process and `cloudgate
	// serve --cloudstack-url` in front of it, so the gateway's gctrace and
	// RSS hold the gateway alone (not the simulator's state, which grows
	// with N).
	simProcess = "process"
	// simAuto: simProcess when every selected workload is a memory or
	// paging one (mem, page), simEmbedded otherwise.
	simAuto = "auto"
)

// simMode resolves -simulator for the selected workloads.
func (c *config) simMode() (string, error) {
	switch c.simulator {
	case simEmbedded, simProcess:
		return c.simulator, nil
	case simAuto, "":
		if c.workloads["all"] {
			return simEmbedded, nil
		}
		for w := range c.workloads {
			if w != "mem" && w != "page" {
				return simEmbedded, nil
			}
		}
		return simProcess, nil
	}
	return "", fmt.Errorf("bad -simulator %q (auto, embedded or process)", c.simulator)
}

var (
	reSimListen = regexp.MustCompile(`CloudStack simulator listening on (http\S+)`)
	reRegistry  = regexp.MustCompile(`users registry \(with secrets\) written to `)
)

// startSplitGateway starts `cloudgate simulator` and, in front of it,
// `cloudgate serve --cloudstack-url SIM --registry FILE` (the users registry
// the simulator wrote), each its own process; the demo user's credentials
// come from `cloudgate keys create` with the gateway's data directory (so
// the GCE key is endorsed by the gateway's key, and its token_uri is the
// gateway's). The returned gateway's pid and gctrace are the gateway's alone;
// sim is the simulator process.
func startSplitGateway(bin, seed, dir string) (*gateway, error) {
	data := filepath.Join(dir, "data")
	reg := filepath.Join(dir, "registry.yaml")
	cmd := exec.Command(bin, "simulator", "--listen", "127.0.0.1:0", "--seed", seed, "--expunge-delay", "1s",
		"--log-level", "warn", "--registry-out", reg)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	sim, err := startProc("cloudgate simulator", cmd)
	if err != nil {
		return nil, err
	}
	simURL, err := waitLines(stdout, 90*time.Second, reSimListen, reRegistry)
	if err != nil {
		sim.stop()
		return nil, fmt.Errorf("cloudgate simulator: %w", err)
	}

	port, err := freePort()
	if err != nil {
		sim.stop()
		return nil, err
	}
	listen := fmt.Sprintf("127.0.0.1:%d", port)
	common := []string{"--insecure-http", "--listen", listen, "--data-dir", data, "--cloudstack-url", simURL, "--registry", reg}
	keys := filepath.Join(dir, "keys")
	kc := exec.Command(bin, append([]string{"keys", "create", "--user", "demo", "--out", keys}, common...)...)
	if out, err := kc.CombinedOutput(); err != nil {
		sim.stop()
		return nil, fmt.Errorf("cloudgate keys create: %w: %s", err, out)
	}

	g, err := startServe(bin, append([]string{"serve", "--log-level", "warn"}, common...), false)
	if err != nil {
		sim.stop()
		return nil, err
	}
	g.simURL, g.sim = simURL, sim
	creds, err := os.ReadFile(filepath.Join(keys, "demo-aws-credentials"))
	if err == nil {
		g.gceKey, err = os.ReadFile(filepath.Join(keys, "demo-gce-key.json"))
	}
	if err != nil {
		g.stop()
		sim.stop()
		return nil, err
	}
	for _, l := range strings.Split(string(creds), "\n") {
		k, v, ok := strings.Cut(l, "=")
		switch k, v = strings.TrimSpace(k), strings.TrimSpace(v); {
		case !ok:
		case k == "aws_access_key_id":
			g.key = v
		case k == "aws_secret_access_key":
			g.secret = v
		}
	}
	if g.key == "" || g.secret == "" {
		g.stop()
		sim.stop()
		return nil, fmt.Errorf("no AWS key pair in %s", filepath.Join(keys, "demo-aws-credentials"))
	}
	return g, waitHTTP(g.url + "/healthz")
}

// waitLines reads r until a line matched first (its first submatch is
// returned) and then a line matched then have been seen; the rest of r is
// drained in the background.
func waitLines(r interface{ Read([]byte) (int, error) }, timeout time.Duration, first, then *regexp.Regexp) (string, error) {
	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	deadline := time.After(timeout)
	got, done := "", false
	for got == "" || !done {
		select {
		case l, ok := <-lines:
			if !ok {
				return "", fmt.Errorf("exited before it was ready")
			}
			if m := first.FindStringSubmatch(l); m != nil {
				got = m[1]
			}
			if then.MatchString(l) {
				done = true
			}
		case <-deadline:
			return "", fmt.Errorf("not ready in %s", timeout)
		}
	}
	go func() {
		for range lines {
		}
	}()
	return got, nil
}
