package main

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// call is one client operation against one target.
type call func(ctx context.Context) error

// target is a named way of running a workload.
type target struct {
	name string
	fn   call
	// every: call this target only on every Nth round (slow peers).
	every int
}

// sample is the latency distribution of one target in one workload.
type sample struct {
	n      int
	errs   int
	p50    time.Duration
	p90    time.Duration
	min    time.Duration
	mean   time.Duration
	lastEr error
}

func summarize(ds []time.Duration, errs int, lastErr error) sample {
	s := sample{n: len(ds), errs: errs, lastEr: lastErr}
	if len(ds) == 0 {
		return s
	}
	slices.Sort(ds)
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	s.p50 = ds[len(ds)/2]
	s.p90 = ds[len(ds)*9/10]
	s.min = ds[0]
	s.mean = sum / time.Duration(len(ds))
	return s
}

// interleave runs the targets round-robin (one call each per round) so that
// every target sees the same machine load; it stops after rounds rounds or
// when budget is spent (after at least minRounds). Warm-up calls are not
// counted.
func interleave(ctx context.Context, ts []target, warm, rounds, minRounds int, budget time.Duration) map[string]sample {
	for _, t := range ts {
		for i := 0; i < warm; i++ {
			_ = t.fn(ctx)
		}
	}
	ds := make([][]time.Duration, len(ts))
	errs := make([]int, len(ts))
	lastErr := make([]error, len(ts))
	start := time.Now()
	for r := 0; r < rounds; r++ {
		if r >= minRounds && time.Since(start) > budget {
			break
		}
		for i, t := range ts {
			if t.every > 1 && r%t.every != 0 {
				continue
			}
			t0 := time.Now()
			err := t.fn(ctx)
			d := time.Since(t0)
			if err != nil {
				errs[i]++
				lastErr[i] = err
				continue
			}
			ds[i] = append(ds[i], d)
		}
	}
	out := map[string]sample{}
	for i, t := range ts {
		out[t.name] = summarize(ds[i], errs[i], lastErr[i])
	}
	return out
}

// throughput runs fn from workers goroutines for d and returns completed
// calls per second and the error count.
func throughput(ctx context.Context, fn call, workers int, d time.Duration) (float64, int) {
	ctx, cancel := context.WithTimeout(ctx, d+30*time.Second)
	defer cancel()
	var okN, errN atomic.Int64
	stop := time.Now().Add(d)
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(stop) {
				if err := fn(ctx); err != nil {
					errN.Add(1)
					if ctx.Err() != nil {
						return
					}
					continue
				}
				okN.Add(1)
			}
		}()
	}
	wg.Wait()
	el := time.Since(start)
	return float64(okN.Load()) / el.Seconds(), int(errN.Load())
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d)/float64(time.Millisecond)) }

func ratio(a, b time.Duration) string {
	if a == 0 || b == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2f×", float64(a)/float64(b))
}
