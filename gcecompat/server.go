package gcecompat

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/cloudgate/cloudgate/translate"
	"github.com/gin-gonic/gin"
)

// Options configures the GCE wire layer. A nil *Options means defaults.
type Options struct {
	// BaseURL is scheme://host:port of the gateway as clients see it. Every
	// selfLink is BaseURL + "/compute/v1/projects/…". Default
	// "https://compute.googleapis.com" style links are never produced; the
	// default is "http://localhost".
	BaseURL string
	// Authenticate identifies the caller. It returns a *translate.Error
	// (Unauthenticated, Expired, SignatureMismatch, PermissionDenied) on
	// failure. Nil rejects every request as unauthenticated.
	Authenticate func(*http.Request) (*translate.Principal, error)
	// ImageProjects maps public image projects to a regular expression
	// matched (case-insensitively) against a public template's OS type and
	// name. Nil means DefaultImageProjects.
	ImageProjects map[string]string
	// Region is the one GCE region every CloudStack zone belongs to
	// (default "local1").
	Region string
	// Logger receives internal errors (default slog.Default()).
	Logger *slog.Logger
}

// DefaultImageProjects is the default public-image-project table.
var DefaultImageProjects = map[string]string{
	"debian-cloud":       `debian`,
	"ubuntu-os-cloud":    `ubuntu`,
	"centos-cloud":       `centos`,
	"rocky-linux-cloud":  `rocky`,
	"rhel-cloud":         `red ?hat|rhel`,
	"fedora-cloud":       `fedora`,
	"opensuse-cloud":     `opensuse`,
	"suse-cloud":         `suse linux enterprise|sles`,
	"oracle-linux-cloud": `oracle`,
	"windows-cloud":      `windows`,
	"cos-cloud":          `container-optimized|cos`,
}

// server holds the dependencies shared by every handler.
type server struct {
	svc     *translate.Service
	base    string // BaseURL + "/compute/v1"
	root    string // BaseURL
	region  string
	log     *slog.Logger
	authn   func(*http.Request) (*translate.Principal, error)
	images  []imageProject
	batchTo http.Handler // engine that serves batch sub-requests
}

// Register adds the GCE v1 routes under /compute/v1/projects/… and the
// batch endpoint POST /batch/compute/v1 to r.
func Register(r gin.IRouter, svc *translate.Service, opts *Options) {
	s := newServer(svc, opts)
	inner := gin.New()
	inner.HandleMethodNotAllowed = false
	s.routes(inner)
	inner.NoRoute(func(c *gin.Context) { s.writeError(c, errNoRoute(c.Request)) })
	s.batchTo = inner
	s.routes(r)
	s.registerDiscovery(r)
	r.POST("/batch/compute/v1", s.batch)
	r.POST("/batch", s.batch)
}

func newServer(svc *translate.Service, opts *Options) *server {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.BaseURL == "" {
		o.BaseURL = "http://localhost"
	}
	if o.Region == "" {
		o.Region = "local1"
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.ImageProjects == nil {
		o.ImageProjects = DefaultImageProjects
	}
	root := strings.TrimRight(o.BaseURL, "/")
	return &server{
		svc:    svc,
		base:   root + "/compute/v1",
		root:   root,
		region: o.Region,
		log:    o.Logger,
		authn:  o.Authenticate,
		images: compileImageProjects(o.ImageProjects),
	}
}

// handlerFunc is the shape of every GCE handler: decode, call translate,
// convert. The adapter in adapt encodes the value or the error.
type handlerFunc func(c *gin.Context) (any, error)

// access says who may call a route for a given :project.
type access int

const (
	ownProject   access = iota // the principal's project only
	publicImages               // also public image projects (reads)
	anyProject                 // handler decides (images list: unknown → empty)
)

type principalCtxKey struct{}

// adapt turns a handlerFunc into a gin handler: it authenticates the
// caller, checks the project and encodes the result.
func (s *server) adapt(acc access, h handlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if r := recover(); r != nil {
				s.log.Error("gce handler panicked", "path", c.Request.URL.Path, "panic", r, "stack", string(debug.Stack()))
				s.writeError(c, translate.Errorf(translate.Internal, "", "", "internal error"))
			}
		}()
		if s.authn == nil {
			s.writeError(c, translate.Errorf(translate.Unauthenticated, "", "", "Request is missing required authentication credential."))
			return
		}
		p, err := s.authn(c.Request)
		if err != nil {
			s.writeError(c, err)
			return
		}
		if p == nil {
			s.writeError(c, translate.Errorf(translate.Unauthenticated, "", "", "Request is missing required authentication credential."))
			return
		}
		project := c.Param("project")
		if project != "" && project != p.Project {
			_, public := s.imageProject(project)
			switch {
			case acc == anyProject:
			case acc == publicImages && public:
			default:
				s.writeError(c, translate.Errorf(translate.PermissionDenied, translate.ResAccount, project,
					"Required permission for 'projects/%s' is missing (the caller's project is '%s')", project, p.Project))
				return
			}
		}
		c.Request = c.Request.WithContext(translate.NewContext(c.Request.Context(), p))
		v, err := h(c)
		if err != nil {
			s.writeError(c, err)
			return
		}
		writeJSON(c, http.StatusOK, v)
	}
}

func principal(ctx context.Context) *translate.Principal {
	p, _ := translate.FromContext(ctx)
	if p == nil {
		return &translate.Principal{}
	}
	return p
}

func jsonDecoder(r io.Reader) *json.Decoder {
	d := json.NewDecoder(r)
	d.UseNumber()
	return d
}

// int64String accepts an int64 sent as a JSON string (the GCE form) or number.
type int64String int64

func (n *int64String) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" {
		*n = 0
		return nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("invalid int64 value %s", b)
	}
	*n = int64String(v)
	return nil
}
