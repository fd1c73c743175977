package gcecompat_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cloudgate/cloudgate/gcecompat"
	"github.com/cloudgate/cloudgate/simulator"
	"github.com/cloudgate/cloudgate/translate"
	"github.com/cloudgate/cloudgate/translate/csbackend"
	"github.com/gin-gonic/gin"
	compute "google.golang.org/api/compute/v1"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"
)

// env is a gateway (gin + gcecompat over a real translate.Service over
// csbackend over the in-process simulator) and a GCE Go client for the
// demo user.
type env struct {
	t       *testing.T
	sim     *simulator.Server
	svc     *translate.Service
	demo    *translate.Principal
	ts      *httptest.Server
	gce     *compute.Service
	project string
	zone    string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvWith(t, nil)
}

// newEnvWith is newEnv over a simulator seeded with seed (nil: the demo).
func newEnvWith(t *testing.T, seed *simulator.Seed) *env {
	t.Helper()
	gin.SetMode(gin.TestMode)
	// Profile applies when seed is nil.
	sim, err := simulator.New(&simulator.Options{NoListener: true, Seed: seed, Profile: simulator.ProfileDemoRecommended})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	adminKey, adminSecret, _ := sim.UserKeys("admin")
	opts := &csbackend.Options{HTTPClient: sim.HTTPClient(), AdminAPIKey: adminKey, AdminSecret: adminSecret}
	svc := translate.New(csbackend.New(sim.URL(), opts), &translate.Options{JobPollInterval: 5 * time.Millisecond, CatalogTTL: -1})
	demoKey, _, ok := sim.UserKeys("demo")
	if !ok {
		t.Fatal("no demo user in the simulator")
	}
	ctx := context.Background()
	demo, err := csbackend.NewDirectory(sim.URL(), opts).ByAPIKey(ctx, demoKey)
	if err != nil {
		t.Fatalf("demo principal: %v", err)
	}
	e := &env{t: t, sim: sim, svc: svc, demo: demo, project: demo.Project, zone: "local1-zone1"}

	e.ts, e.gce = e.gateway(svc)
	return e
}

// gateway starts one gateway replica (its own gin engine and
// gcecompat.Register) over svc and returns it with a GCE client.
func (e *env) gateway(svc *translate.Service) (*httptest.Server, *compute.Service) {
	t := e.t
	var h http.Handler
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(ts.Close)
	r := gin.New()
	gcecompat.Register(r, svc, &gcecompat.Options{
		BaseURL: ts.URL,
		Authenticate: func(r *http.Request) (*translate.Principal, error) {
			if r.Header.Get("X-Test-Anonymous") != "" {
				return nil, translate.Errorf(translate.Unauthenticated, "", "", "Request is missing required authentication credential.")
			}
			return e.demo, nil
		},
	})
	h = r
	gce, err := compute.NewService(context.Background(), option.WithEndpoint(ts.URL+"/compute/v1/"), option.WithHTTPClient(ts.Client()))
	if err != nil {
		t.Fatal(err)
	}
	return ts, gce
}

// ctx is the demo user's context for direct Service calls.
func (e *env) ctx() context.Context { return translate.NewContext(context.Background(), e.demo) }

// wait polls an operation with /wait until it is DONE and returns it.
func (e *env) wait(op *compute.Operation, err error) *compute.Operation {
	e.t.Helper()
	if err != nil {
		e.t.Fatalf("call failed: %v", err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for op.Status != "DONE" {
		if time.Now().After(deadline) {
			e.t.Fatalf("operation %s not done: %+v", op.Name, op)
		}
		switch {
		case op.Zone != "":
			op, err = e.gce.ZoneOperations.Wait(e.project, last(op.Zone), op.Name).Do()
		case op.Region != "":
			op, err = e.gce.RegionOperations.Wait(e.project, last(op.Region), op.Name).Do()
		default:
			op, err = e.gce.GlobalOperations.Wait(e.project, op.Name).Do()
		}
		if err != nil {
			e.t.Fatalf("wait: %v", err)
		}
	}
	return op
}

// mustOK waits and fails on an operation error.
func (e *env) mustOK(op *compute.Operation, err error) *compute.Operation {
	e.t.Helper()
	op = e.wait(op, err)
	if op.Error != nil {
		e.t.Fatalf("operation %s (%s %s) failed: %+v", op.Name, op.OperationType, op.TargetLink, op.Error.Errors[0])
	}
	checkOperation(e.t, op)
	return op
}

func checkOperation(t *testing.T, op *compute.Operation) {
	t.Helper()
	if op.Name == "" || op.Status == "" || op.OperationType == "" || op.TargetLink == "" || op.SelfLink == "" ||
		op.InsertTime == "" || op.Id == 0 || (op.Zone == "" && op.Region == "" && !strings.Contains(op.SelfLink, "/global/operations/")) {
		t.Errorf("incomplete operation %+v", op)
	}
}

func last(u string) string {
	for i := len(u) - 1; i >= 0; i-- {
		if u[i] == '/' {
			return u[i+1:]
		}
	}
	return u
}

// apiErr asserts err is a Google API error with the given code and reason.
func apiErr(t *testing.T, err error, code int, reason string) {
	t.Helper()
	var ge *googleapi.Error
	if !errors.As(err, &ge) {
		t.Fatalf("error %v is not a *googleapi.Error", err)
	}
	if ge.Code != code {
		t.Fatalf("code = %d, want %d (%v)", ge.Code, code, err)
	}
	if reason != "" && (len(ge.Errors) == 0 || ge.Errors[0].Reason != reason) {
		t.Fatalf("reason = %+v, want %s", ge.Errors, reason)
	}
}
