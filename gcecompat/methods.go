package gcecompat

import (
	"net/http"
	"sort"
	"strings"
)

// Methods returns the GCE v1 method IDs the gateway serves (for example
// "compute.instances.insert"), derived from the route table, sorted. The
// conformance matrix lists them.
func Methods() []string {
	seen := map[string]bool{}
	var out []string
	for _, rt := range routeTable {
		id := methodID(rt.method, rt.path)
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// methodID names a route as Google's discovery document does.
func methodID(method, path string) string {
	if path == "" {
		return "compute.projects.get"
	}
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	// The scope prefix: zones/:zone, regions/:region, global or aggregated.
	scope := ""
	switch {
	case segs[0] == "aggregated" && segs[1] == "operations":
		return "compute.globalOperations.aggregatedList"
	case segs[0] == "aggregated":
		return "compute." + segs[1] + ".aggregatedList"
	case segs[0] == "global":
		scope, segs = "global", segs[1:]
	case len(segs) >= 3 && (segs[0] == "zones" || segs[0] == "regions"):
		scope, segs = strings.TrimSuffix(segs[0], "s"), segs[2:]
	case len(segs) == 1 && segs[0] == "setCommonInstanceMetadata":
		return "compute.projects.setCommonInstanceMetadata"
	}
	resource := segs[0]
	if resource == "operations" {
		resource = scope + "Operations"
	}
	isItem := len(segs) >= 2 && strings.HasPrefix(segs[len(segs)-1], ":")
	switch {
	case len(segs) == 3 && segs[1] == "family":
		return "compute.images.getFromFamily"
	case len(segs) == 3 && segs[2] == "serialPort":
		return "compute." + resource + ".getSerialPortOutput"
	case len(segs) == 3:
		return "compute." + resource + "." + segs[2]
	case len(segs) == 1 && method == http.MethodGet:
		return "compute." + resource + ".list"
	case len(segs) == 1 && method == http.MethodPost:
		return "compute." + resource + ".insert"
	case isItem && method == http.MethodGet:
		return "compute." + resource + ".get"
	case isItem && method == http.MethodDelete:
		return "compute." + resource + ".delete"
	case isItem && method == http.MethodPatch:
		return "compute." + resource + ".patch"
	case isItem && method == http.MethodPut:
		return "compute." + resource + ".update"
	}
	return "compute." + resource + "." + strings.ToLower(method)
}
