package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/spf13/cobra"

	"github.com/cloudgate/cloudgate/simulator"
	"github.com/cloudgate/cloudgate/translate"
	"github.com/cloudgate/cloudgate/translate/csbackend"
)

func newServeCommand(stdout, stderr io.Writer, env func(string) (string, bool)) *cobra.Command {
	cmd := &cobra.Command{
		Use:                "serve",
		Short:              "Run the gateway (embedded simulator when no CloudStack URL is configured)",
		DisableFlagParsing: true,
	}
	fs := cmd.Flags()
	serveFlags(fs)
	fs.String("profile", "", "embedded simulator's datacenter profile: "+strings.Join(simulator.Profiles(), ", ")+" (default "+simulator.ProfileDemoRecommended+")")
	fs.BoolP("help", "h", false, "help for serve")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		c, err := Load(fs, args, env)
		if err != nil {
			return err
		}
		if help, _ := fs.GetBool("help"); help {
			return cmd.Usage()
		}
		return runServe(cmd.Context(), c, stdout, stderr)
	}
	return cmd
}

// backend is the CloudStack the gateway talks to: an external one, or the
// embedded simulator.
type backend struct {
	url         string
	adminKey    string
	adminSecret string
	sim         *simulator.Server // nil for an external CloudStack
}

func (b *backend) Close() {
	if b.sim != nil {
		b.sim.Close()
	}
}

func startBackend(c *Config, logger *slog.Logger) (*backend, error) {
	if c.CloudStack.URL != "" {
		return &backend{url: c.CloudStack.URL, adminKey: c.CloudStack.AdminAPIKey, adminSecret: c.CloudStack.AdminSecret}, nil
	}
	seed, err := loadSeed(c.Simulator.Seed, c.Simulator.Profile, simulator.ProfileDemoRecommended)
	if err != nil {
		return nil, err
	}
	sim, err := simulator.New(&simulator.Options{
		Seed:         seed,
		Listen:       c.Simulator.Listen,
		StateFile:    c.Simulator.State,
		JobLatency:   c.Simulator.JobLatency,
		ExpungeDelay: c.Simulator.ExpungeDelay,
		Logger:       logger.With("component", "simulator"),
	})
	if err != nil {
		return nil, fmt.Errorf("embedded simulator: %w", err)
	}
	key, secret, _ := sim.UserKeys("admin")
	return &backend{url: sim.URL(), adminKey: key, adminSecret: secret, sim: sim}, nil
}

// runServe starts the gateway and blocks until ctx ends, then drains
// in-flight requests.
func runServe(ctx context.Context, c *Config, stdout, stderr io.Writer) error {
	logger := newLogger(stderr, c.LogLevel)
	be, err := startBackend(c, logger)
	if err != nil {
		return err
	}
	defer be.Close()

	ln, err := net.Listen("tcp", c.Listen)
	if err != nil {
		return err
	}
	base := c.externalURL(ln.Addr().String())

	o := newOps(c, logger)
	csOpts := be.csOptions(c)
	csOpts.HTTPClient = o.csClient // metered, pooled; honours verify_ssl
	cs := csbackend.New(be.url, csOpts)
	var svcOpts *translate.Options
	if be.sim != nil {
		// The embedded simulator finishes jobs at once: poll it briskly.
		svcOpts = &translate.Options{JobPollInterval: 20 * time.Millisecond}
	}
	svc := translate.New(cs, svcOpts)

	gw, err := newGateway(ctx, c, be, svc, base, logger, o)
	if err != nil {
		ln.Close()
		return err
	}
	srv := &http.Server{
		Handler:           gw.handler,
		ReadHeaderTimeout: 10 * time.Second,
		MaxHeaderBytes:    o.limits.MaxHeaderBytes,
		IdleTimeout:       2 * time.Minute,
		ConnState:         o.m.connState,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	if gw.tls != nil {
		srv.TLSConfig = gw.tls
	}
	fmt.Fprintf(stdout, "cloudgate %s listening on %s\n", version, base)
	if be.sim != nil {
		fmt.Fprintf(stdout, "embedded CloudStack simulator at %s\n", be.url)
	}
	gw.printDemo(stdout)

	errc := make(chan error, 1)
	go func() {
		if gw.tls != nil {
			errc <- srv.ServeTLS(ln, "", "")
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Drain: /readyz fails from now on, new connections are refused, and
	// in-flight requests finish (bounded).
	o.draining.Store(true)
	logger.Info("shutting down: draining in-flight requests")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// newEngine returns the gin engine with the operational layer (request ids,
// logs, metrics, limits; see ops.go) and endpoints.
func newEngine(be *backend, logger *slog.Logger, o *ops) *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(o.middleware()) // recovers panics too
	o.register(r)
	r.GET("/healthz", func(c *gin.Context) { c.String(http.StatusOK, "ok\n") })
	r.GET("/readyz", func(c *gin.Context) {
		if err := o.ready(c.Request.Context(), be.url); err != nil {
			// The detail (CloudStack's URL, the network error) is for the
			// operator's log, not for whoever can reach the probe.
			logger.Warn("readyz: not ready", "err", err)
			c.String(http.StatusServiceUnavailable, "not ready\n")
			return
		}
		c.String(http.StatusOK, "ok\n")
	})
	return r
}
