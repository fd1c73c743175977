package main

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

type row struct {
	workload string
	n        int
	bytes    int
	s        map[string]sample
}

type concRow struct {
	n, workers int
	rps        map[string]float64
	errs       map[string]int
}

type memRow struct {
	workload                       string
	n                              int
	peakHeapMB, rssBeforeMB, hwmMB float64
	// liveBeforeMB is the live heap of the last GC before the listing (the
	// embedded simulator's state and the gateway's caches): peak − live
	// before is what the listing itself adds.
	liveBeforeMB float64
	gcs          int
	dur          time.Duration
	err          error
}

// latRow is an operation measured with simulated CloudStack latency, next
// to its minimum (chain: the longest chain of sequential calls it needs,
// calls long; 0 when not derived).
type latRow struct {
	op     string
	s      sample
	chain  time.Duration
	calls  int
	direct sample
}

type cacheRow struct {
	cold         time.Duration
	warm, direct sample
}

type report struct {
	head  []string
	rows  []row
	conc  []concRow
	mem   []memRow
	cache *cacheRow
	lat   []latRow
	notes []string
}

func (r *report) header(c *config, gw *gateway) {
	r.head = append(r.head,
		"date: "+time.Now().UTC().Format(time.RFC3339),
		"machine: "+machineNote(),
		fmt.Sprintf("gateway: %s (cloudgate serve --insecure-http, %s, seed %s)", gw.url, simNote(c.simulator, gw), c.seed),
		fmt.Sprintf("rounds ≤ %d per workload (interleaved, budget %s), sizes %v", c.rounds, c.budget, c.sizes))
}

func (r *report) add(x row) {
	r.rows = append(r.rows, x)
	logf("  %s", x.line())
}

func (r *report) note(s string) { r.notes = append(r.notes, s) }

func (x row) line() string {
	var parts []string
	for _, k := range []string{"gateway", "floor", "moto", "direct", "direct-same"} {
		if s, ok := x.s[k]; ok {
			parts = append(parts, fmt.Sprintf("%s p50 %sms (n=%d, err=%d)", k, ms(s.p50), s.n, s.errs))
			if s.lastEr != nil {
				parts = append(parts, fmt.Sprintf("%s last error: %v", k, s.lastEr))
			}
		}
	}
	return fmt.Sprintf("%s N=%d: %s", x.workload, x.n, strings.Join(parts, "; "))
}

func cell(s sample, ok bool) string {
	if !ok || s.n == 0 {
		return "–"
	}
	return fmt.Sprintf("%s / %s", ms(s.p50), ms(s.p90))
}

func (r *report) find(workload string, n int) (row, bool) {
	for _, x := range r.rows {
		if x.workload == workload && x.n == n {
			return x, true
		}
	}
	return row{}, false
}

func (r *report) render() string {
	var b strings.Builder
	w := func(f string, a ...any) { fmt.Fprintf(&b, f, a...) }
	w("# cloudgate benchmark run\n\n")
	for _, h := range r.head {
		w("- %s\n", h)
	}
	w("\n## Ratios (p50, same run, interleaved)\n\n")
	w("| workload | N | response bytes | gateway ÷ floor | moto ÷ gateway | gateway − direct (ms) | gateway − direct-same (ms) |\n|---|---:|---:|---:|---:|---:|---:|\n")
	for _, x := range r.rows {
		g, f, m, d, ds := x.s["gateway"], x.s["floor"], x.s["moto"], x.s["direct"], x.s["direct-same"]
		over, overSame := "–", "–"
		if g.n > 0 && d.n > 0 {
			over = fmt.Sprintf("%+.2f", float64(g.p50-d.p50)/float64(time.Millisecond))
		}
		if g.n > 0 && ds.n > 0 {
			overSame = fmt.Sprintf("%+.2f", float64(g.p50-ds.p50)/float64(time.Millisecond))
		}
		nb := "–"
		if x.bytes > 0 {
			nb = fmt.Sprint(x.bytes)
		}
		w("| %s | %d | %s | %s | %s | %s | %s |\n", x.workload, x.n, nb, ratio(g.p50, f.p50), ratio(m.p50, g.p50), over, overSame)
	}
	w("\n## Latency (ms, p50 / p90; samples)\n\n| workload | N | gateway | floor | moto | direct (cloudstack-go) | direct-same (the gateway's CloudStack calls) |\n|---|---:|---|---|---|---|---|\n")
	for _, x := range r.rows {
		cols := []string{}
		for _, k := range []string{"gateway", "floor", "moto", "direct", "direct-same"} {
			s, ok := x.s[k]
			c := cell(s, ok)
			if ok && s.n > 0 {
				c += fmt.Sprintf(" (%d)", s.n)
			}
			if ok && s.errs > 0 {
				c += fmt.Sprintf(" **%d errors**", s.errs)
			}
			cols = append(cols, c)
		}
		w("| %s | %d | %s |\n", x.workload, x.n, strings.Join(cols, " | "))
	}
	if len(r.conc) > 0 {
		w("\n## Concurrent throughput (requests/s)\n\n| workload | workers | gateway | floor | moto | direct | gateway ÷ floor | gateway ÷ moto |\n|---|---:|---:|---:|---:|---:|---:|---:|\n")
		for _, c := range r.conc {
			g, f, m, d := c.rps["gateway"], c.rps["floor"], c.rps["moto"], c.rps["direct"]
			w("| DescribeInstances(%d) | %d | %.0f | %.0f | %.1f | %.0f | %.2f | %.1f× |\n", c.n, c.workers, g, f, m, d, g/f, g/m)
		}
	}
	if len(r.mem) > 0 {
		w("\n## Memory of a paged listing (gateway process: heap from gctrace, RSS from /proc)\n\n| listing | N | peak heap (MB) | live heap before (MB) | peak − live before (MB) | GCs | RSS before (MB) | peak RSS (MB) | time (s) |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
		for _, m := range r.mem {
			e := ""
			if m.err != nil {
				e = " error: " + m.err.Error()
			}
			w("| %s%s | %d | %.0f | %.0f | %.0f | %d | %.0f | %.0f | %.2f |\n", m.workload, e, m.n, m.peakHeapMB, m.liveBeforeMB, m.peakHeapMB-m.liveBeforeMB, m.gcs, m.rssBeforeMB, m.hwmMB, m.dur.Seconds())
		}
	}
	if len(r.lat) > 0 {
		w("\n## With simulated CloudStack latency (%s per call + %s per listed item)\n\n", simCallLatency, simItemLatency)
		w("| operation | gateway p50 / p90 (ms) | minimum chain | chain (ms) | direct, that one call (ms) | gateway ÷ chain | ≈ sequential calls |\n|---|---|---:|---:|---:|---:|---:|\n")
		for _, l := range r.lat {
			chain, ch, q, d := "–", "–", "–", "–"
			if l.chain > 0 {
				chain, ch = fmt.Sprintf("%d call", l.calls), ms(l.chain)
				if l.calls > 1 {
					chain += "s"
				}
				q = fmt.Sprintf("%.2f×", float64(l.s.p50)/float64(l.chain))
			}
			if l.direct.n > 0 && l.chain > 0 {
				d = ms(l.direct.p50)
			}
			w("| %s | %s | %s | %s | %s | %s | %.1f |\n", l.op, cell(l.s, l.s.n > 0), chain, ch, d, q, float64(l.s.p50)/float64(simCallLatency))
		}
	}
	if r.cache != nil {
		c := r.cache
		w("\n## Catalog cache (EC2 DescribeAvailabilityZones)\n\n")
		w("- cold call after the TTL expired: %s ms\n- warm p50: %s ms (n=%d); direct listZones p50: %s ms\n- cold ÷ warm: %s; warm − direct: %+.2f ms\n",
			ms(c.cold), ms(c.warm.p50), c.warm.n, ms(c.direct.p50), ratio(c.cold, c.warm.p50), float64(c.warm.p50-c.direct.p50)/float64(time.Millisecond))
	}
	w("\n## Targets\n\n")
	for _, t := range r.targets() {
		w("- %s\n", t)
	}
	if len(r.notes) > 0 {
		w("\n## Notes\n\n")
		sort.Strings(r.notes)
		for _, n := range r.notes {
			w("- %s\n", n)
		}
	}
	return b.String()
}

func verdict(ok bool) string {
	if ok {
		return "MET"
	}
	return "MISSED"
}

func (r *report) targets() []string {
	var out []string
	if x, ok := r.find("EC2 DescribeInstances", 100); ok {
		g, f, m := x.s["gateway"], x.s["floor"], x.s["moto"]
		if g.n > 0 && f.n > 0 {
			q := float64(g.p50) / float64(f.p50)
			out = append(out, fmt.Sprintf("DescribeInstances(100) gateway ÷ floor = %.2f× (target ≤ 2×): %s", q, verdict(q <= 2)))
		}
		if g.n > 0 && m.n > 0 {
			q := float64(m.p50) / float64(g.p50)
			out = append(out, fmt.Sprintf("DescribeInstances(100) moto ÷ gateway = %.1f× (target ≥ 10×): %s", q, verdict(q >= 10)))
		}
		if d, ds := x.s["direct"], x.s["direct-same"]; g.n > 0 && d.n > 0 && ds.n > 0 {
			own := float64(g.p50-ds.p50) / float64(time.Millisecond)
			out = append(out, fmt.Sprintf("DescribeInstances(100): direct listVirtualMachines ÷ floor = %.2f× (what CloudStack alone costs); gateway own work (gateway − direct-same) = %+.1f ms (target ≤ 2 ms): %s",
				float64(d.p50)/float64(f.p50), own, verdict(own <= 2)))
		}
	}
	if x, ok := r.find("EC2 DescribeAvailabilityZones", 0); ok {
		g, f, d := x.s["gateway"], x.s["floor"], x.s["direct"]
		if g.n > 0 && f.n > 0 {
			q := float64(g.p50) / float64(f.p50)
			out = append(out, fmt.Sprintf("DescribeAvailabilityZones gateway ÷ floor = %.2f× (target ≤ 1.3×): %s", q, verdict(q <= 1.3)))
		}
		if g.n > 0 && d.n > 0 {
			o := float64(g.p50-d.p50) / float64(time.Millisecond)
			out = append(out, fmt.Sprintf("cached catalog call overhead over direct CloudStack (AZ p50 − listZones p50) = %+.2f ms (target ≤ 1 ms): %s", o, verdict(o <= 1)))
		}
	}
	if a, ok := r.find("EC2 RunInstances(1)+TerminateInstances", 10); ok {
		if z, ok := r.find("EC2 RunInstances(1)+TerminateInstances", 1000); ok && a.s["gateway"].n > 0 && z.s["gateway"].n > 0 {
			q := float64(z.s["gateway"].p50) / float64(a.s["gateway"].p50)
			m := z.s["moto"]
			out = append(out, fmt.Sprintf("RunInstances(1)+TerminateInstances at N=1,000 ÷ N=10 = %s / %s ms = %.2f× (target ≤ 1.2×): %s; moto at N=1,000 %s ms (target gateway ≤ moto): %s",
				ms(z.s["gateway"].p50), ms(a.s["gateway"].p50), q, verdict(q <= 1.2), ms(m.p50), verdict(m.n > 0 && z.s["gateway"].p50 <= m.p50)))
		}
	}
	for _, w := range []string{"EC2 DescribeInstances first page (MaxResults 500)", "GCE instances.list first page (maxResults 500)"} {
		var lo, hi row
		found := 0
		for _, x := range r.rows {
			if x.workload == w && x.s["gateway"].n > 0 {
				if found == 0 {
					lo = x
				}
				hi = x
				found++
			}
		}
		if found >= 2 {
			q := float64(hi.s["gateway"].p50) / float64(lo.s["gateway"].p50)
			out = append(out, fmt.Sprintf("%s at N=%d ÷ N=%d = %s / %s ms = %.2f× (target ≤ 1.3× for 10,000 vs 1,000): %s",
				w, hi.n, lo.n, ms(hi.s["gateway"].p50), ms(lo.s["gateway"].p50), q, verdict(q <= 1.3)))
		}
	}
	for _, l := range r.lat {
		if l.chain > 0 && l.s.n > 0 {
			q := float64(l.s.p50) / float64(l.chain)
			out = append(out, fmt.Sprintf("%s with %s + %s/item CloudStack latency = %s ms, %.2f× its minimum chain (%s ms; target ≤ 1.2×): %s",
				l.op, simCallLatency, simItemLatency, ms(l.s.p50), q, ms(l.chain), verdict(q <= 1.2)))
		}
	}
	for _, api := range []string{"GCE", "EC2"} {
		var m1, m2 *memRow
		for i := range r.mem {
			if strings.HasPrefix(r.mem[i].workload, api) {
				if m1 == nil {
					m1 = &r.mem[i]
				} else {
					m2 = &r.mem[i]
				}
			}
		}
		if m1 != nil && m2 != nil && m1.peakHeapMB > 0 {
			q := m2.peakHeapMB / m1.peakHeapMB
			own := ""
			if o1, o2 := m1.peakHeapMB-m1.liveBeforeMB, m2.peakHeapMB-m2.liveBeforeMB; m1.liveBeforeMB > 0 && o1 > 0 {
				own = fmt.Sprintf("; what the listing adds over the live heap before it: %.0f → %.0f MB (%.1f×)", o1, o2, o2/o1)
			}
			out = append(out, fmt.Sprintf("paged %s listing peak heap N=%d → N=%d: %.0f → %.0f MB (%.1f× for %.0f× the items; target ≤ 1.2× for 10,000 vs 1,000): %s%s",
				api, m1.n, m2.n, m1.peakHeapMB, m2.peakHeapMB, q, float64(m2.n)/float64(m1.n), verdict(q <= 1.2), own))
		}
	}
	return out
}

func simNote(mode string, gw *gateway) string {
	if mode == simProcess {
		return "simulator in its own process at " + gw.simURL + " (`cloudgate simulator`; `serve --cloudstack-url --registry`): heap and RSS are the gateway's alone"
	}
	return "embedded simulator: heap and RSS include the simulator's state"
}
