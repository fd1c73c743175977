package conformance

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// progress prints one line per scenario. On a terminal the current line
// is rewritten live with the running scenario's step; otherwise only the
// final line of each scenario is printed.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	tty   bool
	began time.Time
}

func newProgress(w io.Writer) *progress {
	p := &progress{w: w}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

func (p *progress) start(name string) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.began = time.Now()
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[K RUN  %s", name)
	}
}

func (p *progress) step(name, step string) {
	if p.w == nil || !p.tty {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	line := fmt.Sprintf(" RUN  %s: %s (%.0fs)", name, step, time.Since(p.began).Seconds())
	if len(line) > 120 {
		line = line[:117] + "..."
	}
	fmt.Fprintf(p.w, "\r\033[K%s", line)
}

func (p *progress) done(r Result) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty {
		fmt.Fprint(p.w, "\r\033[K")
	}
	label := map[Status]string{StatusPass: "PASS", StatusFail: "FAIL", StatusSkip: "SKIP"}[r.Status]
	fmt.Fprintf(p.w, "%s %s (%.1fs)", label, r.Scenario, r.Duration.Seconds())
	if r.Reason != "" {
		fmt.Fprintf(p.w, ": %s", r.Reason)
	}
	fmt.Fprintln(p.w)
}
