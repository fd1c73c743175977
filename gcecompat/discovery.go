package gcecompat

import (
	_ "embed"
	"encoding/json"
	"net/http"
	"sync"

	"github.com/gin-gonic/gin"
)

//go:generate go run gen_discovery.go

// discoveryJSON is Google's compute v1 discovery document filtered to the
// methods of routeTable (gen_discovery.go writes it; a test checks that it
// still matches the routes).
//
//go:embed discovery.json
var discoveryJSON []byte

var (
	discoveryOnce sync.Once
	discoveryDoc  map[string]any
)

// discoveryDocument is the parsed embedded document (read-only).
func discoveryDocument() map[string]any {
	discoveryOnce.Do(func() {
		if err := json.Unmarshal(discoveryJSON, &discoveryDoc); err != nil {
			panic("gcecompat: embedded discovery.json: " + err.Error())
		}
	})
	return discoveryDoc
}

// discovery returns the document with this gateway as rootUrl, so that
// discovery-driven clients (googleapiclient, gapic generators, the APIs
// Explorer) call the gateway, never Google.
func (s *server) discovery() []byte {
	discoveryDoc := discoveryDocument()
	doc := make(map[string]any, len(discoveryDoc)+1)
	for k, v := range discoveryDoc {
		doc[k] = v
	}
	root := s.root + "/"
	doc["rootUrl"] = root
	doc["mtlsRootUrl"] = root
	doc["baseUrl"] = root + "compute/v1/"
	doc["servicePath"] = "compute/v1/"
	doc["basePath"] = "/compute/v1/"
	doc["batchPath"] = "batch/compute/v1"
	b, _ := json.Marshal(doc)
	return b
}

// registerDiscovery serves the document where clients look for it:
// googleapiclient's DISCOVERY_URI (/discovery/v1/apis/compute/v1/rest) and
// its V2_DISCOVERY_URI form (/$discovery/rest?version=v1, also under
// /compute/v1/). It needs no credentials, like Google's.
func (s *server) registerDiscovery(r gin.IRouter) {
	doc := s.discovery()
	serve := func(c *gin.Context) {
		if v := c.Query("version"); v != "" && v != "v1" {
			s.writeError(c, errNoRoute(c.Request))
			return
		}
		c.Data(http.StatusOK, "application/json; charset=UTF-8", doc)
	}
	r.GET("/discovery/v1/apis/compute/v1/rest", serve)
	r.GET("/$discovery/rest", serve)
	r.GET("/compute/v1/$discovery/rest", serve)
}
