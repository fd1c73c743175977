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
	gcs                            int
	dur                            time.Duration
	err                            error
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
	notes []string
}

func (r *report) header(c *config, gw *gateway) {
	r.head = append(r.head,
		"date: "+time.Now().UTC().Format(time.RFC3339),
		"machine: "+machineNote(),
		fmt.Sprintf("gateway: %s (cloudgate serve --insecure-http, embedded simulator, seed %s)", gw.url, c.seed),
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
		w("\n## Memory of a paged listing (gateway process: heap from gctrace, RSS from /proc)\n\n| listing | N | peak heap (MB) | GCs | RSS before (MB) | peak RSS (MB) | time (s) |\n|---|---:|---:|---:|---:|---:|---:|\n")
		for _, m := range r.mem {
			e := ""
			if m.err != nil {
				e = " error: " + m.err.Error()
			}
			w("| %s%s | %d | %.0f | %d | %.0f | %.0f | %.2f |\n", m.workload, e, m.n, m.peakHeapMB, m.gcs, m.rssBeforeMB, m.hwmMB, m.dur.Seconds())
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
			out = append(out, fmt.Sprintf("DescribeInstances(100) gateway ÷ floor = %.2f× (target ≤ 1.15×): %s", q, verdict(q <= 1.15)))
		}
		if g.n > 0 && m.n > 0 {
			q := float64(m.p50) / float64(g.p50)
			out = append(out, fmt.Sprintf("DescribeInstances(100) moto ÷ gateway = %.1f× (target ≥ 4×): %s", q, verdict(q >= 4)))
		}
		if d, ds := x.s["direct"], x.s["direct-same"]; g.n > 0 && d.n > 0 && ds.n > 0 {
			out = append(out, fmt.Sprintf("DescribeInstances(100): direct listVirtualMachines ÷ floor = %.2f× (what CloudStack alone costs); gateway − direct-same = %+.1f ms (the gateway's own work)",
				float64(d.p50)/float64(f.p50), float64(g.p50-ds.p50)/float64(time.Millisecond)))
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
	var m1, m2 *memRow
	for i := range r.mem {
		if strings.HasPrefix(r.mem[i].workload, "GCE") {
			if m1 == nil {
				m1 = &r.mem[i]
			} else {
				m2 = &r.mem[i]
			}
		}
	}
	if m1 != nil && m2 != nil && m1.peakHeapMB > 0 {
		q := m2.peakHeapMB / m1.peakHeapMB
		out = append(out, fmt.Sprintf("paged GCE listing peak heap N=%d → N=%d: %.0f → %.0f MB (%.1f× for %.0f× the items): %s",
			m1.n, m2.n, m1.peakHeapMB, m2.peakHeapMB, q, float64(m2.n)/float64(m1.n), map[bool]string{true: "flat", false: "NOT flat (grows with N)"}[q < 1.5]))
	}
	return out
}
