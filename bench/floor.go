package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// The floor is the physical lower bound of a workload: a minimal Go HTTP
// server (net/http, no router, no auth) that answers with the gateway's own
// recorded response bytes. It runs as a separate process (this program
// re-executed with -floor-serve) so it pays the same loopback and process
// costs as the gateway.
//
// Recordings are files DIR/<key>.body and DIR/<key>.type. The key of a
// request is its first path segment, plus "~"+pageToken for paged GCE
// lists, so a client pointed at FLOOR/<key> walks the recorded pages.

// floorKey is the recording key of a request.
func floorKey(r *http.Request) string {
	p := strings.TrimPrefix(r.URL.Path, "/")
	seg, _, _ := strings.Cut(p, "/")
	if t := r.URL.Query().Get("pageToken"); t != "" {
		seg += "~" + t
	}
	return seg
}

// saveRecording writes one recorded response for the floor.
func saveRecording(dir, key, contentType string, body []byte) error {
	if err := os.WriteFile(filepath.Join(dir, key+".body"), body, 0o600); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, key+".type"), []byte(contentType), 0o600)
}

type recording struct {
	body []byte
	typ  string
}

func serveFloor(dir, addr string) error {
	var mu sync.Mutex
	cache := map[string]*recording{}
	load := func(key string) *recording {
		mu.Lock()
		defer mu.Unlock()
		if r, ok := cache[key]; ok {
			return r
		}
		body, err := os.ReadFile(filepath.Join(dir, key+".body"))
		if err != nil {
			return nil
		}
		typ, _ := os.ReadFile(filepath.Join(dir, key+".type"))
		r := &recording{body: body, typ: string(typ)}
		cache[key] = r
		return r
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if r.URL.Path == "/healthz" {
			w.Write([]byte("ok\n"))
			return
		}
		rec := load(floorKey(r))
		if rec == nil {
			http.NotFound(w, r)
			return
		}
		// Same framing as the gateway (gin's c.Data): net/http picks
		// Content-Length or chunked.
		hd := w.Header()
		hd["Content-Type"] = []string{rec.typ}
		w.WriteHeader(http.StatusOK)
		w.Write(rec.body)
	})
	return http.ListenAndServe(addr, h)
}
