package ec2compat

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/cloudgate/cloudgate/translate"
)

// DefaultVersion is the API version assumed when a request has none.
const DefaultVersion = "2016-11-15"

// Options configures the EC2 wire layer. A nil *Options means defaults.
type Options struct {
	// Region is the single region served (default "local-1"). Its
	// availability zones are the CloudStack zones.
	Region string
	// Authenticate identifies the caller. It is called after the body has
	// been read into memory and r.Body replaced by a re-readable copy. It
	// returns a *translate.Error (Unauthenticated, SignatureMismatch,
	// Expired, PermissionDenied) on failure. When nil every request fails
	// with AuthFailure.
	Authenticate func(*http.Request) (*translate.Principal, error)
	// InstanceTypeAliases maps EC2 instance type names to CloudStack
	// service offering names or ids (for example "t3.micro" →
	// "Small Instance"). Instances show the (alphabetically first) alias
	// of their offering.
	InstanceTypeAliases map[string]string
	// SyncWait bounds how long mutating actions (start, stop, attach,
	// snapshot, …) wait for their CloudStack job before answering with
	// the in-progress state (default 2m; negative = do not wait).
	SyncWait time.Duration
	// Logger receives one line per request (default slog.Default()).
	Logger *slog.Logger
	// MaxBodyBytes bounds the request body (default 2 MiB).
	MaxBodyBytes int64
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Accounts resolves CloudStack accounts for image launch permissions
	// (imagesharing.go): with it UserId is an account id, as
	// GetCallerIdentity answers; without it, an account name.
	Accounts translate.AccountDirectory
}

// server holds the dependencies of the handlers.
type server struct {
	svc     *translate.Service
	opts    Options
	log     *slog.Logger
	aliases map[string]string // offering name/id → display alias
}

// Register serves the EC2 Query API at POST / and GET / on r.
func Register(r gin.IRouter, svc *translate.Service, opts *Options) {
	s := newServer(svc, opts)
	r.POST("/", s.serve)
	r.GET("/", s.serve)
}

func newServer(svc *translate.Service, opts *Options) *server {
	s := &server{svc: svc}
	if opts != nil {
		s.opts = *opts
	}
	if s.opts.Region == "" {
		s.opts.Region = "local-1"
	}
	if s.opts.SyncWait == 0 {
		s.opts.SyncWait = 2 * time.Minute
	}
	if s.opts.MaxBodyBytes <= 0 {
		s.opts.MaxBodyBytes = 2 << 20
	}
	if s.opts.Now == nil {
		s.opts.Now = time.Now
	}
	s.log = s.opts.Logger
	if s.log == nil {
		s.log = slog.Default()
	}
	s.aliases = map[string]string{}
	for alias, target := range s.opts.InstanceTypeAliases {
		if cur, ok := s.aliases[target]; !ok || alias < cur {
			s.aliases[target] = alias
		}
	}
	return s
}

// request is one decoded EC2 call.
type request struct {
	ctx       context.Context
	q         query
	action    string
	version   string
	id        string
	principal *translate.Principal
	service   string // the SigV4 scope's service when not ec2 (sts.go)
}

// serve is the single entry point: decode, authenticate, dispatch, encode.
func (s *server) serve(c *gin.Context) {
	start := s.opts.Now()
	req := &request{id: newRequestID(), version: DefaultVersion}
	resp, err := s.handle(c, req)
	status := http.StatusOK
	if err != nil {
		var e ec2Error
		status, e = toEC2Error(err)
		if status >= 500 {
			s.log.Error("ec2 request failed", "action", req.action, "requestId", req.id, "code", e.Code, "err", err)
		}
		writeError(c, status, req, e)
	} else if sr, ok := resp.(*stsIdentityResp); ok {
		writeSTS(c, req, sr)
	} else {
		writeResponse(c, req, resp)
	}
	who := "-"
	if req.principal != nil {
		who = req.principal.UserName + "@" + req.principal.Account
	}
	s.log.Info("ec2", "action", req.action, "requestId", req.id, "status", status,
		"principal", who, "duration", s.opts.Now().Sub(start))
}

func (s *server) handle(c *gin.Context, req *request) (response, error) {
	r := c.Request
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, r.Body, s.opts.MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			// What EC2 answers (HTTP 400) when a request body is over its
			// limit, as seen by Karpenter's CreateFleet calls
			// (aws/karpenter-provider-aws#5776).
			return nil, apiErr("InvalidInput", "The request failed because the payload for the body of the request is too large.")
		}
		return nil, apiErr("InvalidParameterValue", "The request body could not be read.")
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	vals, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, apiErr("InvalidParameterValue", "The query string is not well formed.")
	}
	if r.Method == http.MethodPost && len(body) > 0 {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, apiErr("InvalidParameterValue", "The request body is not a well-formed form.")
		}
		for k, v := range form {
			vals[k] = append(vals[k], v...)
		}
	}
	req.q = query(vals)
	req.action = req.q.str("Action")
	if v := req.q.str("Version"); v != "" && validVersion(v) {
		req.version = v
	}
	if svc := scopeService(r); svc != "" && svc != "ec2" {
		req.service = svc // errors, even authentication's, in that service's shape
	}
	if s.opts.Authenticate == nil {
		return nil, &translate.Error{Kind: translate.Unauthenticated, Message: "No authenticator is configured."}
	}
	p, err := s.opts.Authenticate(r)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, &translate.Error{Kind: translate.Unauthenticated, Message: "AWS was not able to validate the provided access credentials"}
	}
	req.principal = p
	req.ctx = translate.NewContext(r.Context(), p)
	if req.action == "" {
		return nil, apiErr("MissingAction", "The request must contain the parameter Action.")
	}
	if req.service != "" {
		return s.otherService(req, req.service)
	}
	h, ok := actions[req.action]
	if !ok {
		return nil, apiErr("InvalidAction", "The action "+req.action+" is not valid for this web service.")
	}
	if err := checkParams(req.action, req.q); err != nil {
		return nil, err
	}
	dry, err := req.q.boolean("DryRun")
	if err != nil {
		return nil, err
	}
	if dry {
		return nil, &translate.Error{Kind: translate.DryRun, Message: "Request would have succeeded, but DryRun flag is set."}
	}
	return h(s, req)
}

// validVersion accepts YYYY-MM-DD so the echoed xmlns cannot carry markup.
func validVersion(v string) bool {
	if len(v) != 10 {
		return false
	}
	for i, c := range v {
		if i == 4 || i == 7 {
			if c != '-' {
				return false
			}
		} else if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// wait waits (bounded by SyncWait) for a job and returns the job's error
// when it failed. A job still running after SyncWait is not an error.
func (s *server) wait(ctx context.Context, job *translate.Job) error {
	if job == nil || job.Done() || s.opts.SyncWait < 0 {
		if job != nil && job.Status == translate.JobFailed && job.Err != nil {
			return job.Err
		}
		return nil
	}
	j, err := s.svc.WaitJob(ctx, job.ID, s.opts.SyncWait)
	if err != nil {
		return err
	}
	if j.Status == translate.JobFailed {
		if j.Err != nil {
			return j.Err
		}
		return &translate.Error{Kind: translate.Internal, Message: "the CloudStack job failed"}
	}
	return nil
}
