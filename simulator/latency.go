package simulator

import (
	"net/http"
	"sync"
	"time"
)

// Call latency (Options.CallLatency, Options.ItemLatency) models a real
// management server reached over a network: every /client/api answer is
// held back by a fixed time plus a time per item of a list answer, with
// the state lock released, so concurrent calls overlap as they do on a
// real CloudStack. It lets a benchmark compare an operation's latency with
// its longest chain of sequential CloudStack calls.

// recorder buffers an answer so that it is rendered under the state lock
// and written (after the latency) without it.
type recorder struct {
	header http.Header
	status int
	body   []byte // from bodies; returned by flush
	items  int    // items of a list answer
}

// bodies recycles answer buffers: a list answer is megabytes, and growing
// a fresh buffer for each one cost as much as rendering it.
var bodies = sync.Pool{New: func() any { return new([]byte) }}

func newRecorder() *recorder {
	return &recorder{header: http.Header{}, body: (*bodies.Get().(*[]byte))[:0]}
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	r.body = append(r.body, b...)
	return len(b), nil
}

// flush copies the buffered answer to w.
func (r *recorder) flush(w http.ResponseWriter) {
	for k, vs := range r.header {
		w.Header()[k] = vs
	}
	if r.status == 0 {
		r.status = http.StatusOK
	}
	w.WriteHeader(r.status)
	_, _ = w.Write(r.body)
	if cap(r.body) <= 64<<20 {
		b := r.body[:0]
		bodies.Put(&b)
	}
	r.body = nil
}

// callDelay is the latency of an answer with n list items.
func (s *Server) callDelay(n int) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.callLatency + time.Duration(n)*s.itemLatency
}

// serveAPI is the /client/api endpoint: the answer is computed and
// rendered under the state lock (serveAPILocked), then held back by the
// configured call latency and written without the lock.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	rec := newRecorder()
	s.serveAPILocked(rec, r)
	if d := s.callDelay(rec.items); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			rec.body = nil
			return
		}
	}
	rec.flush(w)
}
