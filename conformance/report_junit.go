package conformance

import (
	"encoding/xml"
	"fmt"
	"io"
)

type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Body    string `xml:",chardata"`
}

// WriteJUnit writes the scenario results as JUnit XML, one testsuite per
// API (classname "conformance.<api>"), for CI dashboards.
func (r *Report) WriteJUnit(w io.Writer) error {
	r.fill()
	var out junitSuites
	for _, api := range r.apis() {
		s := junitSuite{Name: "conformance." + api}
		var total float64
		for _, res := range r.Results {
			if res.API != api {
				continue
			}
			c := junitCase{Name: res.Scenario, Classname: s.Name, Time: seconds(res.Duration.Seconds())}
			total += res.Duration.Seconds()
			switch res.Status {
			case StatusFail:
				s.Failures++
				c.Failure = &junitMessage{Message: res.Reason, Body: res.Reason}
			case StatusSkip:
				s.Skipped++
				c.Skipped = &junitMessage{Message: res.Reason}
			}
			s.Tests++
			s.Cases = append(s.Cases, c)
		}
		s.Time = seconds(total)
		out.Suites = append(out.Suites, s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func seconds(s float64) string { return fmt.Sprintf("%.3f", s) }
