package conformance

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// Status is a scenario's or a route's outcome.
type Status string

// Outcomes. A route no scenario called is StatusUntested.
const (
	StatusPass     Status = "pass"
	StatusFail     Status = "fail"
	StatusSkip     Status = "skip"
	StatusUntested Status = "untested"
)

// Result is one scenario's outcome.
type Result struct {
	API        string   `json:"api"`                  // "ec2" or "gce"
	Scenario   string   `json:"scenario"`             // e.g. "ec2/instances/lifecycle"
	Operations []string `json:"operations,omitempty"` // the operations it covers
	Status     Status   `json:"status"`
	Reason     string   `json:"reason,omitempty"` // why it failed or was skipped
	// FailedOperation is the operation the failure is charged to in the
	// matrix (the call that failed or was being asserted on).
	FailedOperation string        `json:"failed_operation,omitempty"`
	Duration        time.Duration `json:"-"`
	DurationMS      int64         `json:"duration_ms"`
}

// Route is one row of the compatibility matrix: a GCE method ID
// ("compute.instances.insert") or an EC2 action ("RunInstances").
type Route struct {
	API       string   `json:"api"`
	Operation string   `json:"operation"`
	Status    Status   `json:"status"`
	Scenarios []string `json:"scenarios,omitempty"` // scenarios that called or cover it
	Reason    string   `json:"reason,omitempty"`
}

// Capability is one discovered feature of the target cloud.
type Capability struct {
	Supported bool   `json:"supported"`
	Detail    string `json:"detail,omitempty"`
}

// Summary counts outcomes.
type Summary struct {
	Pass     int `json:"pass"`
	Fail     int `json:"fail"`
	Skip     int `json:"skip"`
	Untested int `json:"untested,omitempty"`
}

// Report is the outcome of Run.
type Report struct {
	Target       string                `json:"target,omitempty"` // Config.Target
	Started      time.Time             `json:"started"`
	Duration     time.Duration         `json:"-"`
	DurationMS   int64                 `json:"duration_ms"`
	Capabilities map[string]Capability `json:"capabilities"`
	Results      []Result              `json:"results"`
	// RoutesSource says where the matrix rows came from: "gateway" (GET
	// /_cloudgate/routes) or "suite" (the operations this suite knows).
	RoutesSource string  `json:"routes_source"`
	Matrix       []Route `json:"matrix"`
}

// Scenarios counts scenario outcomes, for one API or all when api is "".
func (r *Report) Scenarios(api string) Summary {
	var s Summary
	for _, res := range r.Results {
		if api == "" || res.API == api {
			s.add(res.Status)
		}
	}
	return s
}

// Routes counts matrix rows, for one API or all when api is "".
func (r *Report) Routes(api string) Summary {
	var s Summary
	for _, rt := range r.Matrix {
		if api == "" || rt.API == api {
			s.add(rt.Status)
		}
	}
	return s
}

func (s *Summary) add(st Status) {
	switch st {
	case StatusPass:
		s.Pass++
	case StatusFail:
		s.Fail++
	case StatusSkip:
		s.Skip++
	default:
		s.Untested++
	}
}

// Failed reports whether any scenario failed.
func (r *Report) Failed() bool { return r.Scenarios("").Fail > 0 }

// WriteJSON writes the report as indented JSON (the format of
// docs/compatibility-PROFILE.json, read back by ReadReport).
func (r *Report) WriteJSON(w io.Writer) error {
	r.fill()
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// ReadReport parses what WriteJSON wrote.
func ReadReport(rd io.Reader) (*Report, error) {
	var r Report
	if err := json.NewDecoder(rd).Decode(&r); err != nil {
		return nil, err
	}
	r.Duration = time.Duration(r.DurationMS) * time.Millisecond
	for i := range r.Results {
		r.Results[i].Duration = time.Duration(r.Results[i].DurationMS) * time.Millisecond
	}
	return &r, nil
}

// fill derives the JSON-only fields and sorts for stable output.
func (r *Report) fill() {
	r.DurationMS = r.Duration.Milliseconds()
	for i := range r.Results {
		r.Results[i].DurationMS = r.Results[i].Duration.Milliseconds()
	}
	sort.SliceStable(r.Results, func(i, j int) bool { return r.Results[i].Scenario < r.Results[j].Scenario })
	sort.SliceStable(r.Matrix, func(i, j int) bool {
		if r.Matrix[i].API != r.Matrix[j].API {
			return r.Matrix[i].API < r.Matrix[j].API
		}
		return r.Matrix[i].Operation < r.Matrix[j].Operation
	})
}

// Regression is a scenario that passed in a baseline and fails now.
type Regression struct {
	Scenario string `json:"scenario"`
	Reason   string `json:"reason,omitempty"`
}

// Regressions compares r with a baseline report: every scenario that
// passed in baseline and fails in r. Scenarios that never passed, or are
// skipped or missing now, are not regressions. (Matrix routes are not
// compared: a route's status follows its scenarios, so a new failing
// scenario would otherwise flag routes that still work elsewhere.)
func (r *Report) Regressions(baseline *Report) []Regression {
	if baseline == nil {
		return nil
	}
	was := map[string]Status{}
	for _, b := range baseline.Results {
		was[b.Scenario] = b.Status
	}
	var out []Regression
	for _, res := range r.Results {
		if was[res.Scenario] == StatusPass && res.Status == StatusFail {
			out = append(out, Regression{Scenario: res.Scenario, Reason: res.Reason})
		}
	}
	return out
}

// Improvements lists scenarios that pass now but did not in baseline
// (time to regenerate the committed matrix).
func (r *Report) Improvements(baseline *Report) []string {
	if baseline == nil {
		return nil
	}
	was := map[string]Status{}
	for _, b := range baseline.Results {
		was[b.Scenario] = b.Status
	}
	var out []string
	for _, res := range r.Results {
		if res.Status == StatusPass && was[res.Scenario] != StatusPass {
			out = append(out, res.Scenario)
		}
	}
	return out
}

// WriteFiles writes dir/base.md, dir/base.json and dir/base.junit.xml
// (for a `--report-dir` option).
func (r *Report) WriteFiles(dir, base string) error {
	for _, f := range []struct {
		ext   string
		write func(io.Writer) error
	}{{".md", r.WriteMarkdown}, {".json", r.WriteJSON}, {".junit.xml", r.WriteJUnit}} {
		fh, err := os.Create(filepath.Join(dir, base+f.ext))
		if err != nil {
			return err
		}
		err = f.write(fh)
		if cerr := fh.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}
