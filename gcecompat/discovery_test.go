package gcecompat

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

// TestDiscoveryMatchesRoutes: the served discovery document describes
// exactly the routes of routeTable (method, path), with the gateway as
// rootUrl. Regenerate discovery.json (go generate ./gcecompat) when it
// fails after a route change.
func TestDiscoveryMatchesRoutes(t *testing.T) {
	gin.SetMode(gin.TestMode)
	r := gin.New()
	Register(r, nil, &Options{BaseURL: "https://gw.example:8443"})
	var doc struct {
		RootURL     string `json:"rootUrl"`
		ServicePath string `json:"servicePath"`
		BatchPath   string `json:"batchPath"`
		Resources   map[string]struct {
			Methods map[string]struct {
				ID         string `json:"id"`
				HTTPMethod string `json:"httpMethod"`
				Path       string `json:"path"`
				FlatPath   string `json:"flatPath"`
			} `json:"methods"`
		} `json:"resources"`
	}
	for _, path := range []string{"/discovery/v1/apis/compute/v1/rest", "/$discovery/rest?version=v1", "/compute/v1/$discovery/rest?version=v1"} {
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		if w.Code != 200 {
			t.Fatalf("GET %s = %d %s", path, w.Code, w.Body)
		}
		if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
	}
	if doc.RootURL != "https://gw.example:8443/" || doc.ServicePath != "compute/v1/" || doc.BatchPath != "batch/compute/v1" {
		t.Fatalf("root %q service %q batch %q", doc.RootURL, doc.ServicePath, doc.BatchPath)
	}
	param := regexp.MustCompile(`\{[^}]+\}|:[A-Za-z]+`)
	norm := func(method, path string) string { return method + " " + param.ReplaceAllString(path, "{}") }
	routes := map[string]bool{}
	for _, rt := range routeTable {
		routes[norm(rt.method, "projects/:project"+rt.path)] = true
	}
	described := map[string]bool{}
	for _, res := range doc.Resources {
		for _, m := range res.Methods {
			p := m.FlatPath
			if p == "" {
				p = m.Path
			}
			described[norm(m.HTTPMethod, p)] = true
		}
	}
	var extra, missing []string
	for k := range described {
		if !routes[k] {
			extra = append(extra, k)
		}
	}
	for k := range routes {
		if !described[k] {
			missing = append(missing, k)
		}
	}
	sort.Strings(extra)
	sort.Strings(missing)
	if len(extra)+len(missing) > 0 {
		t.Fatalf("discovery.json is out of date (go generate ./gcecompat):\n described, not served: %s\n served, not described: %s",
			strings.Join(extra, ", "), strings.Join(missing, ", "))
	}
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/$discovery/rest?version=v2", nil))
	if w.Code != 404 {
		t.Fatalf("version=v2 = %d", w.Code)
	}
}
