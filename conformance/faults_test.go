package conformance

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/apache/cloudstack-go/v2/cloudstack"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	smithy "github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"go.yaml.in/yaml/v3"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"
	compute "google.golang.org/api/compute/v1"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"
)

// Fault, replica and load tests run a standalone `cloudgate simulator`
// and one or more `cloudgate serve --cloudstack-url … --registry …`
// processes, drive them with aws-sdk-go-v2 and the Go compute client, and
// inject faults through the simulator's admin-only configureSimulator
// command (signed with the admin key from the registry file).

// simProc is a running `cloudgate simulator`.
type simProc struct {
	URL      string // http://127.0.0.1:PORT/client/api
	Addr     string
	Registry string // users registry written by --registry-out
	State    string
	args     []string
	cmd      *exec.Cmd
	out      *syncBuffer
	users    map[string]regUser
}

type regUser struct {
	Name    string `yaml:"name"`
	Account string `yaml:"account"`
	APIKey  string `yaml:"apikey"`
	Secret  string `yaml:"secret"`
	Admin   bool   `yaml:"admin"`
}

// freeAddr returns a loopback address with a port that was free a moment
// ago (`cloudgate simulator --listen 127.0.0.1:0` means its default 8096).
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

var simListenRE = regexp.MustCompile(`simulator listening on (https?://\S+)`)

// startSimulator runs `cloudgate simulator` with a state file (so a
// restart after a kill keeps the datacenter) and extra flags.
func startSimulator(t testing.TB, extra ...string) *simProc {
	t.Helper()
	dir := t.TempDir()
	s := &simProc{
		Addr:     freeAddr(t),
		Registry: filepath.Join(dir, "users.yaml"),
		State:    filepath.Join(dir, "state.json"),
	}
	s.args = append([]string{"simulator", "--profile", "demo-recommended", "--listen", s.Addr, "--registry-out", s.Registry, "--state", s.State, "--log-level", "warn"}, extra...)
	s.start(t)
	t.Cleanup(func() { s.stop(syscall.SIGTERM) })
	b, err := os.ReadFile(s.Registry)
	if err != nil {
		t.Fatal(err)
	}
	var reg struct {
		Users []regUser `yaml:"users"`
	}
	if err := yaml.Unmarshal(b, &reg); err != nil {
		t.Fatal(err)
	}
	s.users = map[string]regUser{}
	for _, u := range reg.Users {
		s.users[u.Name] = u
	}
	if s.users["admin"].APIKey == "" || s.users["demo"].APIKey == "" {
		t.Fatalf("registry %s lacks admin/demo: %s", s.Registry, b)
	}
	return s
}

func (s *simProc) start(t testing.TB) {
	t.Helper()
	s.out = &syncBuffer{}
	pr, pw := io.Pipe()
	s.cmd = exec.Command(cloudgateBinary(t), s.args...)
	s.cmd.Env = hermeticEnv(nil)
	s.cmd.Stdout = io.MultiWriter(s.out, pw)
	s.cmd.Stderr = s.out
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		var u string
		for sc.Scan() {
			if m := simListenRE.FindStringSubmatch(sc.Text()); m != nil {
				u = m[1]
			}
			if strings.Contains(sc.Text(), "registry") && u != "" {
				urlc <- u
				break
			}
		}
		io.Copy(io.Discard, pr)
	}()
	cmd := s.cmd
	go func() { cmd.Wait(); pw.Close() }()
	select {
	case s.URL = <-urlc:
	case <-time.After(30 * time.Second):
		t.Fatalf("simulator did not start:\n%s", s.out.String())
	}
}

// stop ends the simulator with sig (SIGKILL simulates a crash).
func (s *simProc) stop(sig syscall.Signal) {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	s.cmd.Process.Signal(sig)
	deadline := time.Now().Add(15 * time.Second)
	for s.cmd.ProcessState == nil && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if s.cmd.ProcessState == nil {
		s.cmd.Process.Kill()
	}
	s.cmd = nil
}

// admin is a cloudstack-go client signed with the simulator's admin key.
func (s *simProc) admin() *cloudstack.CloudStackClient {
	u := s.users["admin"]
	return cloudstack.NewAsyncClient(s.URL, u.APIKey, u.Secret, false)
}

// mock installs a configureSimulator rule and returns its id; count 0
// means until cleaned up.
func (s *simProc) mock(t testing.TB, name, value string, count int) string {
	t.Helper()
	id, err := s.tryMock(name, value, count)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// tryMock is mock for goroutines other than the test's.
func (s *simProc) tryMock(name, value string, count int) (string, error) {
	p := &cloudstack.CustomServiceParams{}
	p.SetParam("name", name)
	p.SetParam("value", value)
	if count > 0 {
		p.SetParam("count", count)
	}
	var res struct {
		M struct {
			ID string `json:"id"`
		} `json:"simulatormock"`
	}
	if err := s.admin().Custom.(*cloudstack.CustomService).CustomRequest("configureSimulator", p, &res); err != nil {
		return "", fmt.Errorf("configureSimulator %s %s: %w", name, value, err)
	}
	return res.M.ID, nil
}

func (s *simProc) unmock(t testing.TB, id string) {
	t.Helper()
	p := &cloudstack.CustomServiceParams{}
	p.SetParam("id", id)
	var ok struct{}
	if err := s.admin().Custom.(*cloudstack.CustomService).CustomRequest("cleanupSimulatorMock", p, &ok); err != nil {
		t.Fatalf("cleanupSimulatorMock: %v", err)
	}
}

// liveVMs lists, as admin across all accounts, the VMs that are not
// destroyed or being expunged.
func (s *simProc) liveVMs(t testing.TB) []*cloudstack.VirtualMachine {
	t.Helper()
	cs := s.admin()
	p := cs.VirtualMachine.NewListVirtualMachinesParams()
	p.SetListall(true)
	res, err := cs.VirtualMachine.ListVirtualMachines(p)
	if err != nil {
		t.Fatalf("admin listVirtualMachines: %v", err)
	}
	var live []*cloudstack.VirtualMachine
	for _, vm := range res.VirtualMachines {
		if vm.State != "Destroyed" && vm.State != "Expunging" {
			live = append(live, vm)
		}
	}
	return live
}

// liveVolumes lists, as admin, volumes not destroyed/expunged.
func (s *simProc) liveVolumes(t testing.TB) []*cloudstack.Volume {
	t.Helper()
	cs := s.admin()
	p := cs.Volume.NewListVolumesParams()
	p.SetListall(true)
	res, err := cs.Volume.ListVolumes(p)
	if err != nil {
		t.Fatalf("admin listVolumes: %v", err)
	}
	var live []*cloudstack.Volume
	for _, v := range res.Volumes {
		if v.State != "Destroy" && v.State != "Destroyed" && v.State != "Expunged" && v.State != "Expunging" {
			live = append(live, v)
		}
	}
	return live
}

func vmNames(vms []*cloudstack.VirtualMachine) []string {
	var n []string
	for _, vm := range vms {
		n = append(n, vm.Name+"/"+vm.State)
	}
	return n
}

// startReplica starts `cloudgate serve` against the standalone simulator.
func startReplica(t testing.TB, sim *simProc, authKey string, extra ...string) *Gateway {
	t.Helper()
	args := append([]string{"--cloudstack-url", sim.URL, "--registry", sim.Registry, "--auth-key", authKey}, extra...)
	return startGateway(t, &GatewayOptions{Args: args})
}

// caPool trusts the CAs of the given gateways.
func caPool(t testing.TB, gws ...*Gateway) *x509.CertPool {
	t.Helper()
	pool := x509.NewCertPool()
	for _, g := range gws {
		if g.CAFile == "" {
			continue
		}
		pem, err := os.ReadFile(g.CAFile)
		if err != nil {
			t.Fatal(err)
		}
		pool.AppendCertsFromPEM(pem)
	}
	return pool
}

// rrTransport sends each request to the next gateway in turn, keeping the
// Host header of the first (what a load balancer in front of replicas
// does), and counts requests and status codes.
type rrTransport struct {
	base    http.RoundTripper
	hosts   []string
	n       atomic.Uint64
	mu      sync.Mutex
	byHost  map[string]int
	status  map[int]int
	lastReq map[string]string // host → last request id
}

func newRR(t testing.TB, gws ...*Gateway) *rrTransport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: caPool(t, gws...)}
	tr.MaxIdleConnsPerHost = 64
	rr := &rrTransport{base: tr, byHost: map[string]int{}, status: map[int]int{}, lastReq: map[string]string{}}
	for _, g := range gws {
		rr.hosts = append(rr.hosts, hostPort(g.URL))
	}
	return rr
}

func hostPort(u string) string {
	u = strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
	h, _, _ := strings.Cut(u, "/")
	return h
}

func (rr *rrTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	host := rr.hosts[int(rr.n.Add(1)-1)%len(rr.hosts)]
	req = req.Clone(req.Context())
	if req.Host == "" {
		req.Host = req.URL.Host
	}
	req.URL.Host = host
	resp, err := rr.base.RoundTrip(req)
	rr.mu.Lock()
	rr.byHost[host]++
	if err == nil {
		rr.status[resp.StatusCode]++
		rr.lastReq[host] = resp.Header.Get("X-Request-Id")
	}
	rr.mu.Unlock()
	return resp, err
}

func (rr *rrTransport) statusCount(code int) int {
	rr.mu.Lock()
	defer rr.mu.Unlock()
	return rr.status[code]
}

// ec2Client is an aws-sdk-go-v2 EC2 client for a user of the simulator,
// sending through rt to the first gateway's endpoint.
func ec2Client(sim *simProc, user string, gw *Gateway, rt http.RoundTripper, attempts int, timeout time.Duration) *ec2.Client {
	u := sim.users[user]
	return ec2.New(ec2.Options{
		Region:       "cloudstack-1",
		BaseEndpoint: aws.String(gw.URL + "/"),
		HTTPClient:   &http.Client{Transport: rt, Timeout: timeout},
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: u.APIKey, SecretAccessKey: u.Secret, Source: "registry"}, nil
		}),
		Retryer: retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = attempts
			o.MaxBackoff = 200 * time.Millisecond
		}),
	})
}

// gceKey runs `cloudgate keys create --user USER` and returns the
// service-account key JSON (endorsed by authKey, so every replica sharing
// it accepts the key).
func gceKey(t testing.TB, sim *simProc, authKey, user string) []byte {
	t.Helper()
	out := t.TempDir()
	cmd := exec.Command(cloudgateBinary(t), "keys", "create", "--user", user, "--out", out,
		"--cloudstack-url", sim.URL, "--registry", sim.Registry, "--auth-key", authKey, "--data-dir", t.TempDir())
	cmd.Env = hermeticEnv(nil)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("keys create: %v\n%s", err, b)
	}
	b, err := os.ReadFile(filepath.Join(out, user+"-gce-key.json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// gceTokenSource exchanges the key at tokenGW's /token.
func gceTokenSource(t testing.TB, key []byte, tokenGW *Gateway, hc *http.Client) oauth2.TokenSource {
	t.Helper()
	jc, err := google.JWTConfigFromJSON(key, compute.ComputeScope)
	if err != nil {
		t.Fatal(err)
	}
	jc.TokenURL = tokenGW.URL + "/token"
	return oauth2.ReuseTokenSource(nil, jc.TokenSource(context.WithValue(context.Background(), oauth2.HTTPClient, hc)))
}

// gceService is a compute client whose requests go through rt with
// tokens from ts.
func gceService(t testing.TB, gw *Gateway, rt http.RoundTripper, ts oauth2.TokenSource, timeout time.Duration) *compute.Service {
	t.Helper()
	hc := &http.Client{Transport: &oauth2.Transport{Source: ts, Base: rt}, Timeout: timeout}
	svc, err := compute.NewService(context.Background(), option.WithHTTPClient(hc), option.WithEndpoint(gw.URL+"/compute/v1/"))
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// catalog is what launches need, discovered through the APIs.
type catalog struct {
	ami, instanceType string
	zone, machineType string
	image             string // GCE image URL
}

func discover(t testing.TB, ec ec2Client_, gce *compute.Service, project string) catalog {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var cat catalog
	if ec != nil {
		imgs, err := ec.DescribeImages(ctx, &ec2.DescribeImagesInput{Filters: []ec2types.Filter{{Name: aws.String("name"), Values: []string{"Debian*"}}}})
		if err != nil || len(imgs.Images) == 0 {
			t.Fatalf("DescribeImages: %v", err)
		}
		cat.ami = aws.ToString(imgs.Images[0].ImageId)
		its, err := ec.DescribeInstanceTypes(ctx, &ec2.DescribeInstanceTypesInput{})
		if err != nil || len(its.InstanceTypes) == 0 {
			t.Fatalf("DescribeInstanceTypes: %v", err)
		}
		best := its.InstanceTypes[0]
		for _, it := range its.InstanceTypes {
			if aws.ToInt64(it.MemoryInfo.SizeInMiB) < aws.ToInt64(best.MemoryInfo.SizeInMiB) {
				best = it
			}
		}
		cat.instanceType = string(best.InstanceType)
	}
	if gce != nil {
		zones, err := gce.Zones.List(project).Context(ctx).Do()
		if err != nil || len(zones.Items) == 0 {
			t.Fatalf("zones.list: %v", err)
		}
		cat.zone = zones.Items[0].Name
		mts, err := gce.MachineTypes.List(project, cat.zone).Context(ctx).Do()
		if err != nil || len(mts.Items) == 0 {
			t.Fatalf("machineTypes.list: %v", err)
		}
		best := mts.Items[0]
		for _, mt := range mts.Items {
			if mt.MemoryMb < best.MemoryMb {
				best = mt
			}
		}
		cat.machineType = "zones/" + cat.zone + "/machineTypes/" + best.Name
		im, err := gce.Images.GetFromFamily("debian-cloud", "debian-12").Context(ctx).Do()
		if err != nil {
			t.Fatalf("images.getFromFamily: %v", err)
		}
		cat.image = im.SelfLink
	}
	return cat
}

// ec2Client_ is the part of *ec2.Client discover needs (nil-able).
type ec2Client_ interface {
	DescribeImages(context.Context, *ec2.DescribeImagesInput, ...func(*ec2.Options)) (*ec2.DescribeImagesOutput, error)
	DescribeInstanceTypes(context.Context, *ec2.DescribeInstanceTypesInput, ...func(*ec2.Options)) (*ec2.DescribeInstanceTypesOutput, error)
}

func gceInstance(cat catalog, name string) *compute.Instance {
	return &compute.Instance{
		Name:        name,
		MachineType: cat.machineType,
		Disks: []*compute.AttachedDisk{{Boot: true, AutoDelete: true,
			InitializeParams: &compute.AttachedDiskInitializeParams{SourceImage: cat.image}}},
		NetworkInterfaces: []*compute.NetworkInterface{{Network: "global/networks/default"}},
	}
}

// waitOp polls a zone operation until DONE (bounded).
func waitOp(ctx context.Context, svc *compute.Service, project, zone, name string) (*compute.Operation, error) {
	deadline := time.Now().Add(2 * time.Minute)
	for {
		op, err := svc.ZoneOperations.Wait(project, zone, name).Context(ctx).Do()
		if err != nil {
			return nil, err
		}
		if op.Status == "DONE" {
			return op, nil
		}
		if time.Now().After(deadline) {
			return op, fmt.Errorf("operation %s still %s", name, op.Status)
		}
	}
}

func ec2ErrCode(err error) (string, int) {
	var ae smithy.APIError
	code := ""
	if errors.As(err, &ae) {
		code = ae.ErrorCode()
	}
	var re *smithyhttp.ResponseError
	status := 0
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	return code, status
}

func gceErrCode(err error) (string, int) {
	var ge *googleapi.Error
	if errors.As(err, &ge) {
		reason := ""
		if len(ge.Errors) > 0 {
			reason = ge.Errors[0].Reason
		}
		return reason, ge.Code
	}
	return "", 0
}

const testAuthKey = "conformance-shared-gateway-secret-0123456789"

// faultEnv is one simulator, one gateway and demo clients.
type faultEnv struct {
	sim  *simProc
	gw   *Gateway
	rr   *rrTransport
	ec2  *ec2.Client
	gce  *compute.Service
	cat  catalog
	proj string
}

func newFaultEnv(t *testing.T, simArgs []string, gwArgs ...string) *faultEnv {
	t.Helper()
	sim := startSimulator(t, simArgs...)
	gw := startReplica(t, sim, testAuthKey, gwArgs...)
	e := &faultEnv{sim: sim, gw: gw, rr: newRR(t, gw), proj: "demo"}
	e.ec2 = ec2Client(sim, "demo", gw, e.rr, 1, 30*time.Second)
	hc := &http.Client{Transport: e.rr, Timeout: 30 * time.Second}
	e.gce = gceService(t, gw, e.rr, gceTokenSource(t, gceKey(t, sim, testAuthKey, "demo"), gw, hc), 30*time.Second)
	e.cat = discover(t, e.ec2, e.gce, e.proj)
	return e
}

func ctxT(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// A deploy the cloud cannot place fails natively on both APIs and leaves
// no VM behind.
func TestFaultDeployFailureLeavesNoVM(t *testing.T) {
	e := newFaultEnv(t, []string{"--expunge-delay", "100ms"})
	ctx := ctxT(t, 3*time.Minute)
	id := e.sim.mock(t, "deployVirtualMachine", "result:fail|errorcode:533|errortext:Unable to create a deployment for VM", 0)

	_, err := e.ec2.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(e.cat.ami), InstanceType: ec2types.InstanceType(e.cat.instanceType),
		MinCount: aws.Int32(1), MaxCount: aws.Int32(1)})
	if code, status := ec2ErrCode(err); code != "InsufficientInstanceCapacity" {
		t.Errorf("EC2 RunInstances with failing deploy: code %q status %d err %v", code, status, err)
	}
	op, err := e.gce.Instances.Insert(e.proj, e.cat.zone, gceInstance(e.cat, "fault-deploy")).Context(ctx).Do()
	if err == nil {
		op, err = waitOp(ctx, e.gce, e.proj, e.cat.zone, op.Name)
	}
	switch {
	case err != nil:
		t.Logf("GCE instances.insert failed synchronously: %v", err)
	case op.Error == nil || len(op.Error.Errors) == 0:
		t.Errorf("GCE insert operation has no error: %+v", op)
	default:
		t.Logf("GCE operation error: %s %s (http %d)", op.Error.Errors[0].Code, op.Error.Errors[0].Message, op.HttpErrorStatusCode)
	}
	e.sim.unmock(t, id)
	if live := e.sim.liveVMs(t); len(live) != 0 {
		t.Errorf("VMs left after failed deploys: %v", vmNames(live))
	}
	// The cloud recovers: the same launch succeeds now.
	out, err := e.ec2.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(e.cat.ami), InstanceType: ec2types.InstanceType(e.cat.instanceType),
		MinCount: aws.Int32(1), MaxCount: aws.Int32(1)})
	if err != nil {
		t.Fatalf("RunInstances after the fault cleared: %v", err)
	}
	if _, err := e.ec2.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{aws.ToString(out.Instances[0].InstanceId)}}); err != nil {
		t.Fatal(err)
	}
}

// CloudStack down: both APIs answer 503 (retryable for their clients), the
// clients retry, /readyz fails; after CloudStack comes back everything works
// again without restarting the gateway.
func TestFaultBackendDown(t *testing.T) {
	e := newFaultEnv(t, nil, "--config", writeConfig(t, "cloudstack:\n  timeout: 5s\n"))
	hc := e.gw.HTTPClient(t)
	e.sim.stop(syscall.SIGKILL)

	before := e.rr.statusCount(503)
	ec := ec2Client(e.sim, "demo", e.gw, e.rr, 3, 30*time.Second)
	start := time.Now()
	_, err := ec.DescribeInstances(ctxT(t, time.Minute), &ec2.DescribeInstancesInput{})
	code, status := ec2ErrCode(err)
	t.Logf("EC2 with CloudStack down: %s http %d after %v", code, status, time.Since(start).Round(time.Millisecond))
	if status != http.StatusServiceUnavailable {
		t.Errorf("EC2 DescribeInstances with CloudStack down: status %d code %q (%v), want 503", status, code, err)
	}
	if got := e.rr.statusCount(503) - before; got != 3 {
		t.Errorf("EC2 client sent %d attempts answered 503, want 3 (retryable)", got)
	}
	_, err = e.gce.Instances.List(e.proj, e.cat.zone).Context(ctxT(t, time.Minute)).Do()
	reason, gstatus := gceErrCode(err)
	t.Logf("GCE with CloudStack down: %s http %d", reason, gstatus)
	if gstatus != http.StatusServiceUnavailable {
		t.Errorf("GCE instances.list with CloudStack down: %d %q (%v), want 503", gstatus, reason, err)
	}
	if resp, err := hc.Get(e.gw.URL + "/readyz"); err != nil || resp.StatusCode != 503 {
		t.Errorf("readyz with CloudStack down: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}

	e.sim.start(t) // same port, same state file
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := e.ec2.DescribeInstances(ctxT(t, time.Minute), &ec2.DescribeInstancesInput{})
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("EC2 did not recover: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if _, err := e.gce.Instances.List(e.proj, e.cat.zone).Context(ctxT(t, time.Minute)).Do(); err != nil {
		t.Errorf("GCE did not recover: %v", err)
	}
	if resp, err := hc.Get(e.gw.URL + "/readyz"); err != nil || resp.StatusCode != 200 {
		t.Errorf("readyz after recovery: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
}

// A CloudStack that hangs does not hang the gateway: calls end after the
// configured CloudStack timeout with a retryable 5xx.
func TestFaultSlowBackendBounded(t *testing.T) {
	e := newFaultEnv(t, nil, "--config", writeConfig(t, "cloudstack:\n  timeout: 2s\n"))
	for _, api := range []string{"ec2", "gce"} {
		e.sim.mock(t, "listVirtualMachines", "wait:8000", 1)
		start := time.Now()
		var code string
		var status int
		if api == "ec2" {
			_, err := e.ec2.DescribeInstances(ctxT(t, time.Minute), &ec2.DescribeInstancesInput{})
			code, status = ec2ErrCode(err)
		} else {
			_, err := e.gce.Instances.List(e.proj, e.cat.zone).Context(ctxT(t, time.Minute)).Do()
			code, status = gceErrCode(err)
		}
		took := time.Since(start)
		t.Logf("%s with a hanging listVirtualMachines: %q http %d after %v", api, code, status, took.Round(time.Millisecond))
		if took > 6*time.Second {
			t.Errorf("%s: request took %v with a 2s CloudStack timeout", api, took)
		}
		if status < 500 {
			t.Errorf("%s: status %d, want a retryable 5xx", api, status)
		}
		time.Sleep(7 * time.Second) // let the hung simulator call finish
	}
}

// Retrying RunInstances with the same ClientToken (after a failed attempt,
// after a client-side timeout, and concurrently) never creates a second VM.
// Concurrent retries are serialized per token inside one gateway; across
// replicas the token reaches CloudStack in the deploy call (see
// translate/clienttoken.go and crash_test.go).
func TestFaultRetriedRunInstancesNoDuplicates(t *testing.T) {
	e := newFaultEnv(t, []string{"--expunge-delay", "100ms"})
	in := func(tok string) *ec2.RunInstancesInput {
		return &ec2.RunInstancesInput{ImageId: aws.String(e.cat.ami), InstanceType: ec2types.InstanceType(e.cat.instanceType),
			MinCount: aws.Int32(1), MaxCount: aws.Int32(1), ClientToken: aws.String(tok)}
	}
	t.Cleanup(func() { e.terminateAll(t) })
	// launched checks that the case left exactly one live VM more.
	launched := func(t *testing.T, before int, ids map[string]bool) (string, bool) {
		time.Sleep(time.Second)
		live := e.sim.liveVMs(t)
		if len(ids) != 1 || len(live) != before+1 {
			return fmt.Sprintf("instances returned %v; CloudStack live VMs %d → %d %v", ids, before, len(live), vmNames(live)), false
		}
		return "", true
	}

	t.Run("fail-then-retry", func(t *testing.T) {
		ctx := ctxT(t, 2*time.Minute)
		before := len(e.sim.liveVMs(t))
		e.sim.mock(t, "deployVirtualMachine", "result:fail|errorcode:533", 1)
		if _, err := e.ec2.RunInstances(ctx, in("tok-fail-then-ok")); err == nil {
			t.Fatal("first attempt should fail")
		}
		ids := map[string]bool{}
		for range 2 {
			out, err := e.ec2.RunInstances(ctx, in("tok-fail-then-ok"))
			if err != nil {
				t.Fatalf("retry: %v", err)
			}
			ids[aws.ToString(out.Instances[0].InstanceId)] = true
		}
		if msg, ok := launched(t, before, ids); !ok {
			t.Error(msg)
		}
	})

	t.Run("client-timeout-then-retry", func(t *testing.T) {
		ctx := ctxT(t, 2*time.Minute)
		before := len(e.sim.liveVMs(t))
		e.sim.mock(t, "deployVirtualMachine", "wait:3000", 1)
		slow := ec2Client(e.sim, "demo", e.gw, e.rr, 1, time.Second)
		_, err := slow.RunInstances(ctx, in("tok-timeout"))
		t.Logf("attempt abandoned by the client: %v", err)
		ids := map[string]bool{}
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			out, err := e.ec2.RunInstances(ctx, in("tok-timeout"))
			if err != nil {
				t.Logf("retry: %v", err)
				time.Sleep(500 * time.Millisecond)
				continue
			}
			ids[aws.ToString(out.Instances[0].InstanceId)] = true
			if st := out.Instances[0].State; st != nil && st.Name != ec2types.InstanceStateNamePending {
				break
			}
			time.Sleep(500 * time.Millisecond)
		}
		if msg, ok := launched(t, before, ids); !ok {
			t.Error("a RunInstances abandoned by the client must still complete, so its retry with the same ClientToken returns the same VM: " + msg)
		}
	})

	t.Run("concurrent-retries", func(t *testing.T) {
		ctx := ctxT(t, 2*time.Minute)
		before := len(e.sim.liveVMs(t))
		var wg sync.WaitGroup
		var mu sync.Mutex
		ids := map[string]bool{}
		for range 6 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				out, err := e.ec2.RunInstances(ctx, in("tok-concurrent"))
				if err != nil {
					t.Errorf("concurrent: %v", err)
					return
				}
				mu.Lock()
				ids[aws.ToString(out.Instances[0].InstanceId)] = true
				mu.Unlock()
			}()
		}
		wg.Wait()
		if msg, ok := launched(t, before, ids); !ok {
			t.Error("concurrent RunInstances with one ClientToken must launch once: " + msg)
		}
	})
}

// terminateAll terminates every instance of the demo user (cleanup).
func (e *faultEnv) terminateAll(t testing.TB) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := e.ec2.DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
	if err != nil {
		t.Logf("cleanup: DescribeInstances: %v", err)
		return
	}
	var ids []string
	for _, r := range out.Reservations {
		for _, in := range r.Instances {
			if in.State != nil && in.State.Name != ec2types.InstanceStateNameTerminated {
				ids = append(ids, aws.ToString(in.InstanceId))
			}
		}
	}
	if len(ids) > 0 {
		if _, err := e.ec2.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: ids}); err != nil {
			t.Logf("cleanup: TerminateInstances: %v", err)
		}
	}
}

func writeConfig(t testing.TB, yamlText string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "cloudgate.yaml")
	if err := os.WriteFile(p, []byte(yamlText), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
