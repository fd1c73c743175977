package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path"
	"sort"
	"strings"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"
	compute "google.golang.org/api/compute/v1"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"
)

// gceScenarios lists the GCE scenarios in run order.
func gceScenarios() []scenario {
	return []scenario{
		gceZonesRegions(),
		gceMachineTypes(),
		gceImages(),
		gceNetworks(),
		gceProjectCatalog(),
		gceSubnetworks(),
		gceErrorCodes(),
		gceFirewalls(),
		gceListFiltersPaging(),
		gceOperations(),
		gceDisks(),
		gceDiskActions(),
		gceSnapshotsBlankDisk(),
		gceOperationsListGlobal(),
		gceOperationsListZonal(),
		gceAddresses(),
		gceInstancesLifecycle(),
		gceInstancesIdempotency(),
		gceInstancesLabels(),
		gceInstancesOptions(),
		gceInstancesSettings(),
		gceInstancesMachineTypeName(),
		gceInstancesRefusedSettings(),
		gceImageFamily(),
		gceImageLifecycleExtras(),
		gceImageFromSnapshot(),
		gceInstanceCreateDisk(),
		gceEverydayFixes(),
		gceQuotas(),
		gceInstanceActions(),
		gceMachineTypeAndDisks(),
		gceAddressesAssociate(),
		gceSnapshots(),
		gceEverydayReadback(),
		gceInstanceTemplates(),
		gceInstanceTemplatesRefused(),
		gceManagedInstanceGroups(),
		gceVPCNetworks(),
		gceVPCNetworksSG(),
	}
}

// newGCEService builds a compute v1 client for cfg. With GCEKeyFile it
// runs the service-account JWT-bearer flow against the key's token_uri
// (through hc, so the gateway's CA is trusted); with GCEToken it sends
// that bearer token; with neither it sends no credentials. It returns the
// project: cfg.GCEProject or the key's project_id.
func newGCEService(ctx context.Context, cfg Config, hc *http.Client) (*compute.Service, string, error) {
	project := cfg.GCEProject
	var ts oauth2.TokenSource
	switch {
	case cfg.GCEKeyFile != "":
		data, err := os.ReadFile(cfg.GCEKeyFile)
		if err != nil {
			return nil, "", fmt.Errorf("conformance: GCE key file: %w", err)
		}
		var key struct {
			ProjectID string `json:"project_id"`
		}
		if err := json.Unmarshal(data, &key); err != nil {
			return nil, "", fmt.Errorf("conformance: GCE key file: %w", err)
		}
		if project == "" {
			project = key.ProjectID
		}
		jc, err := google.JWTConfigFromJSON(data, compute.ComputeScope)
		if err != nil {
			return nil, "", fmt.Errorf("conformance: GCE key file: %w", err)
		}
		ts = jc.TokenSource(context.WithValue(context.WithoutCancel(ctx), oauth2.HTTPClient, hc))
	case cfg.GCEToken != "":
		ts = oauth2.StaticTokenSource(&oauth2.Token{AccessToken: cfg.GCEToken, TokenType: "Bearer"})
	}
	if project == "" {
		return nil, "", errors.New("conformance: no GCE project (set GCEProject or a key file with project_id)")
	}
	u, err := url.Parse(cfg.GCEEndpoint)
	if err != nil {
		return nil, "", fmt.Errorf("conformance: GCE endpoint: %w", err)
	}
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	var rt http.RoundTripper = &gceRecorder{base: base, prefix: u.Path}
	if ts != nil {
		rt = &oauth2.Transport{Source: oauth2.ReuseTokenSource(nil, ts), Base: rt}
	}
	client := &http.Client{Transport: rt, Timeout: hc.Timeout}
	endpoint := cfg.GCEEndpoint
	if !strings.HasSuffix(endpoint, "/") {
		endpoint += "/"
	}
	svc, err := compute.NewService(ctx, option.WithHTTPClient(client), option.WithEndpoint(endpoint))
	if err != nil {
		return nil, "", fmt.Errorf("conformance: compute client: %w", err)
	}
	return svc, project, nil
}

// gceRecorder logs each compute call, by discovery method ID, on the
// calling scenario's callLog.
type gceRecorder struct {
	base   http.RoundTripper
	prefix string
}

func (r *gceRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.base.RoundTrip(req)
	callErr := err
	if err == nil && resp.StatusCode >= 400 {
		callErr = fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	recordCall(req.Context(), gceMethodID(req.Method, r.prefix, req.URL.Path), callErr)
	return resp, err
}

// gceError returns the HTTP status, first reason and message of a
// googleapi error (code 0 when err is none).
func gceError(err error) (int, string, string) {
	var ge *googleapi.Error
	if !errors.As(err, &ge) {
		return 0, "", ""
	}
	reason := ""
	if len(ge.Errors) > 0 {
		reason = ge.Errors[0].Reason
	}
	msg := ge.Message
	if msg == "" {
		msg = strings.TrimSpace(ge.Body)
		if len(msg) > 200 {
			msg = msg[:200]
		}
	}
	return ge.Code, reason, msg
}

// gceUnsupported reports whether err says the method is not served:
// 501, or a 404/405 without the Google error envelope (an unknown route).
func gceUnsupported(err error) bool {
	var ge *googleapi.Error
	if !errors.As(err, &ge) {
		return false
	}
	return ge.Code == http.StatusNotImplemented ||
		((ge.Code == http.StatusNotFound || ge.Code == http.StatusMethodNotAllowed) && len(ge.Errors) == 0 && ge.Message == "")
}

// ExpectGCE fails the scenario unless err has HTTP status code and, when
// reason is not empty, errors[0].reason.
func (t *scenarioT) ExpectGCE(err error, code int, reason, what string) {
	if err == nil {
		t.Fatalf("%s: succeeded, want HTTP %d %s", what, code, reason)
	}
	got, gotReason, _ := gceError(err)
	if got != code || (reason != "" && gotReason != reason) {
		t.Fatalf("%s: got %s, want HTTP %d %s", what, describeErr(err), code, reason)
	}
}

// isGCENotFound reports a 404 (cleanup helpers treat it as done).
func isGCENotFound(err error) bool {
	c, _, _ := gceError(err)
	return c == http.StatusNotFound
}

func ignoreGCENotFound(err error) error {
	if isGCENotFound(err) {
		return nil
	}
	return err
}

// lastSegment returns the last path element of a URL or partial URL.
func lastSegment(s string) string { return path.Base(strings.TrimRight(s, "/")) }

// gceCatalog is what the GCE scenarios discover once.
type gceCatalog struct {
	zone, region   string
	machineType    string // name
	machineTypeURL string
	image          string // selfLink (or partial URL) of the boot image
	network        string // selfLink (or partial URL)
	err            error
}

// catalogGCE discovers (once per run) a zone, its region, the smallest
// machine type, a boot image and a network; a failure skips the calling
// scenario as a missing prerequisite.
func (t *scenarioT) catalogGCE() *gceCatalog {
	e := t.env
	if e.gcecat == nil {
		e.gcecat = discoverGCE(t.ctx, e.gce, e.cfg.GCEProject)
	}
	if e.gcecat.err != nil {
		t.Skipf("prerequisite discovery failed: %s", describeErr(e.gcecat.err))
	}
	return e.gcecat
}

func discoverGCE(ctx context.Context, svc *compute.Service, project string) *gceCatalog {
	cat := &gceCatalog{}
	zones, err := svc.Zones.List(project).Context(ctx).Do()
	if err != nil {
		cat.err = fmt.Errorf("zones.list: %w", err)
		return cat
	}
	var up []*compute.Zone
	for _, z := range zones.Items {
		if z.Status == "" || z.Status == "UP" {
			up = append(up, z)
		}
	}
	if len(up) == 0 {
		cat.err = errors.New("zones.list returned no UP zone")
		return cat
	}
	sort.Slice(up, func(i, j int) bool { return up[i].Name < up[j].Name })
	cat.zone, cat.region = up[0].Name, lastSegment(up[0].Region)

	mts, err := svc.MachineTypes.List(project, cat.zone).Context(ctx).Do()
	if err != nil {
		cat.err = fmt.Errorf("machineTypes.list %s: %w", cat.zone, err)
		return cat
	}
	if len(mts.Items) == 0 {
		cat.err = fmt.Errorf("machineTypes.list %s returned no machine type", cat.zone)
		return cat
	}
	mt := smallestMachineType(mts.Items)
	cat.machineType, cat.machineTypeURL = mt.Name, mt.SelfLink
	if cat.machineTypeURL == "" {
		cat.machineTypeURL = "zones/" + cat.zone + "/machineTypes/" + mt.Name
	}

	if im, err := svc.Images.GetFromFamily("debian-cloud", "debian-12").Context(ctx).Do(); err == nil {
		cat.image = imageRef(im, "debian-cloud")
	} else if ims, err2 := svc.Images.List("debian-cloud").Context(ctx).Do(); err2 == nil && len(ims.Items) > 0 {
		cat.image = imageRef(ims.Items[0], "debian-cloud")
	} else if own, err3 := svc.Images.List(project).Context(ctx).Do(); err3 == nil && len(own.Items) > 0 {
		cat.image = imageRef(own.Items[0], project)
	} else {
		cat.err = fmt.Errorf("no image: getFromFamily debian-cloud/debian-12: %v; images.list debian-cloud: %v", describeErr(err), describeErr(err2))
		return cat
	}

	nets, err := svc.Networks.List(project).Context(ctx).Do()
	if err != nil {
		cat.err = fmt.Errorf("networks.list: %w", err)
		return cat
	}
	if len(nets.Items) == 0 {
		cat.err = errors.New("networks.list returned no network")
		return cat
	}
	n := nets.Items[0]
	for _, x := range nets.Items {
		if x.Name == "default" {
			n = x
		}
	}
	cat.network = n.SelfLink
	if cat.network == "" {
		cat.network = "global/networks/" + n.Name
	}
	return cat
}

func imageRef(im *compute.Image, project string) string {
	if im.SelfLink != "" {
		return im.SelfLink
	}
	return "projects/" + project + "/global/images/" + im.Name
}

// smallestMachineType picks the least memory, then fewest CPUs, then name.
func smallestMachineType(items []*compute.MachineType) *compute.MachineType {
	sorted := append([]*compute.MachineType(nil), items...)
	sort.Slice(sorted, func(i, j int) bool {
		a, b := sorted[i], sorted[j]
		if a.MemoryMb != b.MemoryMb {
			return a.MemoryMb < b.MemoryMb
		}
		if a.GuestCpus != b.GuestCpus {
			return a.GuestCpus < b.GuestCpus
		}
		return a.Name < b.Name
	})
	return sorted[0]
}

// waitOp waits for an operation with the scope-matching operations.wait
// and fails the scenario if it ends with an error. blame is the method
// that started it.
func (t *scenarioT) waitOp(op *compute.Operation, blame string) *compute.Operation {
	t.Check(op != nil && op.Name != "", "%s returned no operation name", blame)
	t.Check(op.OperationType != "", "operation %s has no operationType", op.Name)
	p := t.env.cfg.GCEProject
	svc := t.env.gce
	cur := op
	t.Step("wait operation %s", op.Name)
	t.WaitFor("operation "+op.Name, blame, func() (bool, string, error) {
		if cur.Status == "DONE" {
			return true, cur.Status, nil
		}
		var err error
		switch {
		case cur.Zone != "":
			cur, err = svc.ZoneOperations.Wait(p, lastSegment(cur.Zone), op.Name).Context(t.ctx).Do()
		case cur.Region != "":
			cur, err = svc.RegionOperations.Wait(p, lastSegment(cur.Region), op.Name).Context(t.ctx).Do()
		default:
			cur, err = svc.GlobalOperations.Wait(p, op.Name).Context(t.ctx).Do()
		}
		if err != nil {
			return false, "", err
		}
		return cur.Status == "DONE", cur.Status, nil
	})
	if cur.Error != nil && len(cur.Error.Errors) > 0 {
		t.blame = blame
		e := cur.Error.Errors[0]
		t.Fatalf("operation %s (%s) failed: %s: %s", op.Name, blame, e.Code, e.Message)
	}
	return cur
}

// nameFilter is a GCE list filter matching names by regular expression.
func nameFilter(re string) string { return fmt.Sprintf("name eq \"%s\"", re) }
