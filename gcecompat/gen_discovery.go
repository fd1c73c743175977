//go:build ignore

// gen_discovery writes discovery.json: Google's compute v1 discovery
// document (shipped by the google.golang.org/api module in the module
// cache as compute/v1/compute-api.json) filtered to the methods of the
// gateway's route table and the schemas they reach, without descriptions.
// Run it with `go generate ./gcecompat` after changing routes.go;
// TestDiscoveryMatchesRoutes fails until then.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/cloudgate/cloudgate/gcecompat"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gen_discovery:", err)
		os.Exit(1)
	}
}

func run() error {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "google.golang.org/api").Output()
	if err != nil {
		return fmt.Errorf("locating google.golang.org/api: %w", err)
	}
	raw, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "compute", "v1", "compute-api.json"))
	if err != nil {
		return err
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return err
	}
	want := map[string]bool{}
	for _, id := range gcecompat.Methods() {
		want[id] = true
	}
	resources := map[string]any{}
	for rn, r := range doc["resources"].(map[string]any) {
		methods, _ := r.(map[string]any)["methods"].(map[string]any)
		keep := map[string]any{}
		for mn, m := range methods {
			if id, _ := m.(map[string]any)["id"].(string); want[id] {
				keep[mn] = m
				delete(want, id)
			}
		}
		if len(keep) > 0 {
			resources[rn] = map[string]any{"methods": keep}
		}
	}
	if len(want) > 0 {
		return fmt.Errorf("methods not in Google's document: %v", want)
	}
	all := doc["schemas"].(map[string]any)
	schemas := map[string]any{}
	todo := refs(resources, nil)
	for len(todo) > 0 {
		s := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if _, done := schemas[s]; done {
			continue
		}
		schemas[s] = all[s]
		todo = refs(all[s], todo)
	}
	doc["resources"], doc["schemas"] = resources, schemas
	for _, k := range []string{"mtlsRootUrl", "endpoints", "icons", "documentationLink"} {
		delete(doc, k)
	}
	b, err := json.MarshalIndent(strip(doc, true), "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile("discovery.json", append(b, '\n'), 0o644)
}

func refs(v any, acc []string) []string {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			if s, ok := x.(string); ok && k == "$ref" {
				acc = append(acc, s)
			} else {
				acc = refs(x, acc)
			}
		}
	case []any:
		for _, x := range t {
			acc = refs(x, acc)
		}
	}
	return acc
}

// strip drops descriptions below the top level.
func strip(v any, top bool) any {
	switch t := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, x := range t {
			if !top && (k == "description" || k == "enumDescriptions") {
				continue
			}
			out[k] = strip(x, false)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = strip(x, false)
		}
		return out
	}
	return v
}
