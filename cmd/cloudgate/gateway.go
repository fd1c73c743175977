package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/cloudgate/cloudgate/certs"
	"github.com/cloudgate/cloudgate/ec2compat"
	"github.com/cloudgate/cloudgate/gcecompat"
	"github.com/cloudgate/cloudgate/translate"
)

// gateway is the assembled HTTP surface: operational endpoints, the OAuth2
// token server, the GCE and EC2 APIs.
type gateway struct {
	handler http.Handler
	tls     *tls.Config
	demo    *demoFiles
}

func newGateway(ctx context.Context, c *Config, be *backend, svc *translate.Service, base string, logger *slog.Logger, o *ops) (*gateway, error) {
	gw := &gateway{}
	caFile := ""
	if !c.InsecureHTTP {
		b, err := certs.Init(c.DataDir, append(tlsNames(c), hostOf(base)))
		if err != nil {
			return nil, err
		}
		gw.tls = b.TLSConfig()
		caFile = filepath.Join(c.DataDir, "ca.pem")
	}
	id, err := newIdentity(c, be, base+"/token", logger)
	if err != nil {
		return nil, err
	}
	r := newEngine(be, logger, o)
	id.tokens.Register(r)
	gcecompat.Register(r, svc, &gcecompat.Options{
		BaseURL:      base,
		Region:       c.Region,
		Authenticate: authenticated(id.tokens.AuthenticateBearer),
		Logger:       logger.With("api", "gce"),
	})
	aliases, err := c.instanceTypeAliases()
	if err != nil {
		return nil, err
	}
	ec2compat.Register(r, svc, &ec2compat.Options{
		Region:              c.Region,
		InstanceTypeAliases: aliases,
		Authenticate:        authenticated(id.sigv4.Authenticate),
		Accounts:            id.accounts,
		Logger:              logger.With("api", "ec2"),
		MaxBodyBytes:        o.limits.MaxBodyBytes,
	})
	// Unmatched GCE paths answer Google's JSON 404, not gin's plain text.
	r.NoRoute(func(c *gin.Context) {
		if p := c.Request.URL.Path; strings.HasPrefix(p, "/compute/") || strings.HasPrefix(p, "/batch/") || strings.HasPrefix(p, "/discovery/") {
			gcecompat.NotFound(c)
			return
		}
		c.String(http.StatusNotFound, "404 page not found")
	})
	// The route tables, for the conformance matrix.
	r.GET("/_cloudgate/routes", func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"gce": gcecompat.Methods(), "ec2": ec2compat.Actions()})
	})
	gw.handler = r
	if be.sim != nil {
		// The demo credentials exist only for the embedded simulator.
		d, err := writeDemoFiles(ctx, c, id, base, caFile)
		if err != nil {
			return nil, err
		}
		gw.demo = d
	}
	return gw, nil
}

func hostOf(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

// instanceTypeAliases parses the TYPE=OFFERING pairs.
func (c *Config) instanceTypeAliases() (map[string]string, error) {
	m := map[string]string{}
	for _, pair := range c.InstanceTypeAliases {
		typ, off, ok := strings.Cut(pair, "=")
		if !ok || strings.TrimSpace(typ) == "" || strings.TrimSpace(off) == "" {
			return nil, fmt.Errorf("instance type alias %q: want TYPE=OFFERING", pair)
		}
		m[strings.TrimSpace(typ)] = strings.TrimSpace(off)
	}
	return m, nil
}
