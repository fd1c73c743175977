package main

import (
	"context"
	"crypto/tls"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"

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
		Authenticate: id.tokens.AuthenticateBearer,
		Logger:       logger.With("api", "gce"),
	})
	ec2compat.Register(r, svc, &ec2compat.Options{
		Region:       c.Region,
		Authenticate: id.sigv4.Authenticate,
		Logger:       logger.With("api", "ec2"),
		MaxBodyBytes: o.limits.MaxBodyBytes,
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
