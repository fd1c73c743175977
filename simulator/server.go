package simulator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// CloudStackVersion is reported in listCapabilities and on XML root elements.
const CloudStackVersion = "4.20.1.0"

// Options configures a Server. The zero value is usable.
type Options struct {
	Seed       *Seed         // nil = DefaultSeed()
	Listen     string        // "" = "127.0.0.1:0"; a real loopback listener is started by New
	NoListener bool          // no socket; use HTTPClient()
	JobLatency time.Duration // how long async jobs stay pending (0: done at first poll, but still async)
	StateFile  string        // if set, state is loaded from / saved to this JSON file
	Now        func() time.Time
	// ExpungeDelay, if set, overrides both expunge.delay and expunge.interval (which
	// otherwise come from the seed's settings, default 86400 s each).
	ExpungeDelay time.Duration
	// Profile names a shipped datacenter (see Profiles) used when Seed is nil.
	Profile string
	// CallLatency and ItemLatency hold back every API answer by
	// CallLatency + ItemLatency × (items of a list answer), without holding
	// the state lock: a management server across a network (0 = none).
	CallLatency, ItemLatency time.Duration
	Logger                   *slog.Logger
}

// Server is a fake CloudStack management server.
type Server struct {
	seed *Seed
	log  *slog.Logger
	now  func() time.Time
	file string

	// settings read at start-up (non-dynamic in CloudStack); see bootSettings
	expDelOverride, expDel, expInt time.Duration
	pageSize                       int64

	mu      sync.Mutex
	st      *state
	latency time.Duration
	// callLatency and itemLatency: see Options.CallLatency.
	callLatency, itemLatency time.Duration
	sessions                 map[string]*session

	handler http.Handler
	hs      *http.Server
	ln      net.Listener
	url     string
}

type session struct {
	ID, Key, UserID string
}

// New builds a Server from opts (nil means defaults) and, unless NoListener is set,
// starts serving on a loopback listener.
func New(opts *Options) (*Server, error) {
	if opts == nil {
		opts = &Options{}
	}
	s := &Server{seed: opts.Seed, log: opts.Logger, now: opts.Now, expDelOverride: opts.ExpungeDelay,
		file: opts.StateFile, latency: opts.JobLatency, sessions: map[string]*session{},
		callLatency: opts.CallLatency, itemLatency: opts.ItemLatency}
	if s.seed == nil && opts.Profile != "" {
		sd, err := ProfileSeed(opts.Profile)
		if err != nil {
			return nil, err
		}
		s.seed = sd
	}
	if s.seed == nil {
		s.seed = DefaultSeed()
	} else if err := s.seed.validate(); err != nil {
		return nil, err
	}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.file != "" {
		st, err := loadState(s.file)
		if err != nil {
			return nil, err
		}
		s.st = st
	}
	if s.st == nil {
		s.st = buildState(s.seed, s.now().UTC())
	}
	s.bootSettings()
	mux := http.NewServeMux()
	mux.HandleFunc("/client/api", s.serveAPI)
	mux.HandleFunc("/client/api/", s.serveAPI)
	mux.HandleFunc("/_sim/healthcheck", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("/_sim/reset", s.serveReset)
	mux.HandleFunc("/_sim/config", s.serveConfig)
	s.handler = mux

	s.url = "http://simulator.invalid/client/api"
	if !opts.NoListener {
		addr := opts.Listen
		if addr == "" {
			addr = "127.0.0.1:0"
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return nil, fmt.Errorf("simulator: listen %s: %w", addr, err)
		}
		s.ln = ln
		s.url = "http://" + ln.Addr().String() + "/client/api"
		s.hs = &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second}
		go func() {
			if err := s.hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				s.log.Error("simulator: serve", "err", err)
			}
		}()
	}
	return s, nil
}

// Handler returns the HTTP handler serving /client/api and /_sim/*.
func (s *Server) Handler() http.Handler { return s.handler }

// URL returns the API endpoint, e.g. http://127.0.0.1:PORT/client/api.
func (s *Server) URL() string { return s.url }

// HTTPClient returns a client whose transport calls Handler in memory
// (no sockets), whatever host the request URL names.
func (s *Server) HTTPClient() *http.Client {
	return &http.Client{Transport: roundTripper{s.handler}, Timeout: 60 * time.Second}
}

type roundTripper struct{ h http.Handler }

func (rt roundTripper) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		defer r.Body.Close()
	}
	w := httptest.NewRecorder()
	rt.h.ServeHTTP(w, r)
	resp := w.Result()
	resp.Request = r
	return resp, nil
}

// Close stops the listener and saves the state file (if configured).
func (s *Server) Close() error {
	var err error
	if s.hs != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = s.hs.Shutdown(ctx)
		cancel()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.file != "" {
		if e := s.st.save(s.file); e != nil && err == nil {
			err = e
		}
	}
	return err
}

// UserKeys returns the API key pair of the user with the given username.
func (s *Server) UserKeys(username string) (apiKey, secret string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range s.st.Users {
		if u.Username == username {
			return u.APIKey, u.SecretKey, true
		}
	}
	return "", "", false
}

// SetJobLatency changes how long new async jobs stay pending.
func (s *Server) SetJobLatency(d time.Duration) {
	s.mu.Lock()
	s.latency = d
	s.mu.Unlock()
}

// Reset restores the seeded datacenter (dropping all created resources and sessions).
func (s *Server) Reset() {
	s.mu.Lock()
	s.st = buildState(s.seed, s.now().UTC())
	s.bootSettings()
	s.sessions = map[string]*session{}
	s.persist()
	s.mu.Unlock()
}

func (s *Server) serveReset(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST required", http.StatusMethodNotAllowed)
		return
	}
	s.Reset()
	io.WriteString(w, "ok\n")
}

// SetCallLatency changes the latency of every API answer: call plus item
// per item of a list answer (see Options.CallLatency).
func (s *Server) SetCallLatency(call, item time.Duration) {
	s.mu.Lock()
	s.callLatency, s.itemLatency = call, item
	s.mu.Unlock()
}

// serveConfig handles POST /_sim/config?jobLatency=<duration>&callLatency=<duration>&itemLatency=<duration>.
func (s *Server) serveConfig(w http.ResponseWriter, r *http.Request) {
	durations := map[string]*time.Duration{}
	s.mu.Lock()
	job, call, item := s.latency, s.callLatency, s.itemLatency
	s.mu.Unlock()
	durations["jobLatency"], durations["callLatency"], durations["itemLatency"] = &job, &call, &item
	for name, d := range durations {
		if v := r.FormValue(name); v != "" {
			x, err := time.ParseDuration(v)
			if err != nil || x < 0 {
				http.Error(w, fmt.Sprintf("%s: invalid duration %q", name, v), http.StatusBadRequest)
				return
			}
			*d = x
		}
	}
	s.SetJobLatency(job)
	s.SetCallLatency(call, item)
	fmt.Fprintf(w, "jobLatency=%s\ncallLatency=%s\nitemLatency=%s\n", job, call, item)
}

// persist saves the state file after a mutating request; callers hold mu.
func (s *Server) persist() {
	if s.file == "" {
		return
	}
	if err := s.st.save(s.file); err != nil {
		s.log.Error("simulator: save state", "file", s.file, "err", err)
	}
}

func lower(s string) string { return strings.ToLower(s) }
