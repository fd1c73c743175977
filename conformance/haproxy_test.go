package conformance

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	smithy "github.com/aws/smithy-go"
	"google.golang.org/api/googleapi"
)

// Three `cloudgate serve` replicas behind a real HAProxy (Debian's, HTTP
// mode, health-checked on /readyz), sharing one
// standalone simulator, one gateway key and one CA. A mixed load runs
// through the load balancer: aws-sdk-go-v2 and the Go compute client
// launching and deleting instances with idempotency keys, the aws CLI
// launching with --client-token, gcloud and the aws CLI listing. In the
// middle of it a replica is killed with SIGKILL and restarted on the same
// port, then another one.
//
// Every client call must succeed, or fail with an error its client treats
// as retryable (a dropped connection, 5xx, EC2 RequestLimitExceeded/
// Unavailable); the test then retries it with the same idempotency key.
// At the end every launch has exactly one VM and nothing else is left.
func TestLoadBalancerReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("load-balancer test skipped in -short mode")
	}
	haproxy := requireHAProxy(t)
	// Jobs take 400 ms, so launches (which wait for their deploy job) are
	// in flight when the replica dies.
	sim := startSimulator(t, "--expunge-delay", "100ms", "--job-latency", "400ms")
	lbAddr := freeAddr(t)
	lbURL := "https://" + lbAddr

	// One CA for every replica and for HAProxy's certificate: clients
	// trust one ca.pem.
	shared := t.TempDir()
	initCmd := exec.Command(cloudgateBinary(t), "certs", "init", "--data-dir", shared)
	initCmd.Env = hermeticEnv(nil)
	if out, err := initCmd.CombinedOutput(); err != nil {
		t.Fatalf("certs init: %v\n%s", err, out)
	}
	type replica struct {
		addr, dir string
		gw        *Gateway
	}
	// A replica prints (and the harness probes) its external URL, the
	// load balancer's; wait for the replica itself too.
	start := func(r *replica) {
		r.gw = startGateway(t, &GatewayOptions{DataDir: r.dir, Args: []string{"--listen", r.addr, "--external-url", lbURL,
			"--cloudstack-url", sim.URL, "--registry", sim.Registry, "--auth-key", testAuthKey}})
		hc := r.gw.HTTPClient(t)
		deadline := time.Now().Add(30 * time.Second)
		for {
			resp, err := hc.Get("https://" + r.addr + "/readyz")
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == 200 {
					return
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("replica %s not ready: %v", r.addr, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	var reps []*replica
	for range 3 {
		reps = append(reps, &replica{addr: freeAddr(t), dir: filepath.Join(t.TempDir(), "r")})
	}
	caFile := filepath.Join(shared, "ca.pem")

	// HAProxy in HTTP mode, so every request is balanced on its own: TLS
	// ends at HAProxy (a certificate from the same CA) and is
	// re-encrypted to the replicas; /readyz health checks every 500 ms;
	// connections that fail are redispatched to another replica; a
	// request cut off by a dying replica gets HAProxy's 502 (retryable).
	pem, err := os.ReadFile(filepath.Join(shared, "server.pem"))
	if err != nil {
		t.Fatal(err)
	}
	pemKey, err := os.ReadFile(filepath.Join(shared, "server-key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	crt := filepath.Join(t.TempDir(), "lb.pem")
	writeFileT(t, crt, string(pem)+string(pemKey))
	var servers strings.Builder
	for i, r := range reps {
		fmt.Fprintf(&servers, "  server r%d %s ssl verify none check inter 500ms fall 2 rise 2\n", i, r.addr)
	}
	cfg := filepath.Join(t.TempDir(), "haproxy.cfg")
	writeFileT(t, cfg, `global
  maxconn 512
defaults
  mode http
  timeout connect 2s
  timeout client 3m
  timeout server 3m
  timeout check 3s
  retries 3
  option redispatch
frontend cloudgate
  bind `+lbAddr+` ssl crt `+crt+`
  default_backend replicas
backend replicas
  balance roundrobin
  option httpchk GET /readyz
  http-check expect status 200
`+servers.String())
	lb := exec.Command(haproxy, "-f", cfg, "-db")
	lbOut := &syncBuffer{}
	lb.Stdout, lb.Stderr = lbOut, lbOut
	if err := lb.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		lb.Process.Signal(syscall.SIGTERM)
		lb.Wait()
		if t.Failed() {
			t.Logf("haproxy output:\n%s", lbOut.String())
		}
	})
	waitTCP(t, lbAddr)
	lbGW := &Gateway{URL: lbURL, CAFile: caFile}
	for _, r := range reps {
		for _, f := range []string{"ca.pem", "ca-key.pem"} {
			copyFile(t, filepath.Join(shared, f), filepath.Join(r.dir, f))
		}
		start(r)
	}

	// Clients, all through the load balancer.
	rt := newRR(t, lbGW)
	ecLB := ec2Client(sim, "demo", lbGW, rt, 5, time.Minute)
	keyDir := t.TempDir()
	kc := exec.Command(cloudgateBinary(t), "keys", "create", "--user", "demo", "--out", keyDir, "--cloudstack-url", sim.URL,
		"--registry", sim.Registry, "--auth-key", testAuthKey, "--data-dir", t.TempDir(), "--external-url", lbURL)
	kc.Env = hermeticEnv(nil)
	if out, err := kc.CombinedOutput(); err != nil {
		t.Fatalf("keys create: %v\n%s", err, out)
	}
	keyFile := filepath.Join(keyDir, "demo-gce-key.json")
	key, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{Transport: rt, Timeout: time.Minute}
	ts := gceTokenSource(t, key, lbGW, hc)
	gLB := gceService(t, lbGW, rt, ts, time.Minute)
	cat := discover(t, ecLB, gLB, "demo")
	awsEnv := lbAWSEnv(t, sim, caFile)
	gcloudEnv := lbGcloudEnv(t, lbURL, caFile, keyFile)

	st := &lbStats{byKind: map[string]int{}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	launched := &sync.Map{} // idempotency key → instance id / name
	worker := func(name string, fn func(i int)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				fn(i)
			}
		}()
	}
	// EC2 SDK: launch (ClientToken), describe, terminate.
	for w := range 2 {
		worker("ec2", func(i int) {
			tok := fmt.Sprintf("lb-sdk-%d-%d", w, i)
			var id string
			st.call("ec2 RunInstances", func() error {
				out, err := ecLB.RunInstances(context.Background(), &ec2.RunInstancesInput{ImageId: aws.String(cat.ami),
					InstanceType: ec2types.InstanceType(cat.instanceType), MinCount: aws.Int32(1), MaxCount: aws.Int32(1), ClientToken: aws.String(tok)})
				if err == nil {
					id = aws.ToString(out.Instances[0].InstanceId)
				}
				return err
			})
			if id == "" {
				return
			}
			launched.Store(tok, id)
			st.call("ec2 DescribeInstances", func() error {
				_, err := ecLB.DescribeInstances(context.Background(), &ec2.DescribeInstancesInput{InstanceIds: []string{id}})
				return err
			})
			waitEC2Running(ecLB, id)
			st.call("ec2 TerminateInstances", func() error {
				_, err := ecLB.TerminateInstances(context.Background(), &ec2.TerminateInstancesInput{InstanceIds: []string{id}})
				return err
			})
		})
	}
	// GCE Go client: insert (requestId), get, delete.
	worker("gce", func(i int) {
		name := fmt.Sprintf("lb-gce-%d", i)
		reqID := fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
		ok := st.call("gce instances.insert", func() error {
			op, err := gLB.Instances.Insert("demo", cat.zone, gceInstance(cat, name)).RequestId(reqID).Do()
			if err == nil {
				op, err = waitOp(context.Background(), gLB, "demo", cat.zone, op.Name)
			}
			if err == nil && op.Error != nil {
				err = fmt.Errorf("operation failed: %s", op.Error.Errors[0].Message)
			}
			return err
		})
		if !ok {
			return
		}
		launched.Store(reqID, name)
		st.call("gce instances.get", func() error {
			_, err := gLB.Instances.Get("demo", cat.zone, name).Do()
			return err
		})
		st.call("gce instances.delete", func() error {
			op, err := gLB.Instances.Delete("demo", cat.zone, name).Do()
			if isGCENotFound(err) { // a retry of a delete that went through
				return nil
			}
			if err == nil {
				_, err = waitOp(context.Background(), gLB, "demo", cat.zone, op.Name)
			}
			return err
		})
	})
	// The CLIs: aws run-instances with --client-token (and its own
	// retries), describe-instances, gcloud lists.
	worker("cli", func(i int) {
		tok := fmt.Sprintf("lb-cli-%d", i)
		var id string
		st.call("aws ec2 run-instances", func() error {
			out, errOut, err := run(t, awsEnv, 2*time.Minute, "aws", "--endpoint-url", lbURL, "--output", "text", "ec2", "run-instances",
				"--image-id", cat.ami, "--instance-type", cat.instanceType, "--client-token", tok, "--query", "Instances[0].InstanceId")
			if err != nil {
				return cliError{errOut}
			}
			id = strings.TrimSpace(out)
			return nil
		})
		if id != "" {
			launched.Store(tok, id)
		}
		st.call("gcloud compute instances list", func() error {
			if _, errOut, err := run(t, gcloudEnv, 2*time.Minute, "gcloud", "compute", "instances", "list", "--quiet", "--format=json"); err != nil {
				return cliError{errOut}
			}
			return nil
		})
		if id != "" {
			waitEC2Running(ecLB, id)
			st.call("aws ec2 terminate-instances", func() error {
				if _, errOut, err := run(t, awsEnv, 2*time.Minute, "aws", "--endpoint-url", lbURL, "ec2", "terminate-instances", "--instance-ids", id); err != nil {
					return cliError{errOut}
				}
				return nil
			})
		}
	})

	// Mid-load: kill replica 1 with SIGKILL, restart it on the same port;
	// then the same with replica 2.
	time.Sleep(8 * time.Second)
	for _, i := range []int{1, 2} {
		n := st.total()
		reps[i].gw.kill()
		t.Logf("killed replica %s after %d calls", reps[i].addr, n)
		time.Sleep(2 * time.Second)
		start(reps[i])
		t.Logf("restarted replica %s", reps[i].addr)
		time.Sleep(6 * time.Second)
	}
	cancel()
	wg.Wait()

	// Every launch has exactly one VM, and every VM a launch: nothing lost,
	// nothing duplicated. Everything was deleted, so nothing may be live.
	time.Sleep(time.Second)
	keys := 0
	launched.Range(func(_, _ any) bool { keys++; return true })
	live := sim.liveVMs(t)
	st.mu.Lock()
	defer st.mu.Unlock()
	var kinds []string
	for k, n := range st.byKind {
		kinds = append(kinds, fmt.Sprintf("%s=%d", k, n))
	}
	sort.Strings(kinds)
	// What the Go SDKs saw on the wire (they retry dropped connections
	// and 5xx themselves, with the same idempotency key).
	rt.mu.Lock()
	answered, fivexx := 0, 0
	for code, n := range rt.status {
		answered += n
		if code >= 500 {
			fivexx += n
		}
	}
	dropped := int(rt.n.Load()) - answered
	rt.mu.Unlock()
	// The restarted replica took traffic again.
	m := get(t, reps[1].gw.HTTPClient(t), "https://"+reps[1].addr+"/metrics")
	served := 0
	for _, line := range strings.Split(m, "\n") {
		if strings.HasPrefix(line, "cloudgate_requests_total{api=\"ec2\"") || strings.HasPrefix(line, "cloudgate_requests_total{api=\"gce\"") {
			var n float64
			fmt.Sscanf(line[strings.LastIndexByte(line, ' ')+1:], "%g", &n)
			served += int(n)
		}
	}
	t.Logf("load through HAProxy with two replicas killed (SIGKILL) and restarted one after the other: %d client calls (%s), %d attempts failed with retryable errors and were retried, %d non-retryable failures; SDK HTTP requests %d (%d dropped connections, %d 5xx, retried by the SDKs); the restarted replica served %d API requests; %d launches, %d VMs left live",
		st.calls, strings.Join(kinds, " "), st.retried, len(st.fatal), rt.n.Load(), dropped, fivexx, served, keys, len(live))
	if served == 0 {
		t.Errorf("the restarted replica took no traffic")
	}
	for _, f := range st.fatal {
		t.Errorf("non-retryable failure: %s", f)
	}
	if len(live) != 0 {
		t.Errorf("VMs left (lost or duplicated launches): %v", vmNames(live))
	}
	if keys == 0 {
		t.Errorf("no launch completed")
	}
}

type lbStats struct {
	mu      sync.Mutex
	calls   int
	retried int
	byKind  map[string]int
	fatal   []string
}

func (s *lbStats) total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// call runs one logical client call, retrying it (same inputs, so the same
// idempotency key) while it fails with a retryable error, for at most a
// minute. It reports whether it succeeded.
func (s *lbStats) call(kind string, fn func() error) bool {
	deadline := time.Now().Add(time.Minute)
	for {
		err := fn()
		s.mu.Lock()
		s.calls++
		s.byKind[kind]++
		switch {
		case err == nil:
			s.mu.Unlock()
			return true
		case !retryable(err):
			s.fatal = append(s.fatal, fmt.Sprintf("%s: %v", kind, err))
			s.mu.Unlock()
			return false
		case time.Now().After(deadline):
			s.fatal = append(s.fatal, fmt.Sprintf("%s: still failing after a minute: %v", kind, err))
			s.mu.Unlock()
			return false
		}
		s.retried++
		s.mu.Unlock()
		time.Sleep(300 * time.Millisecond)
	}
}

type cliError struct{ stderr string }

func (e cliError) Error() string { return "exit status non-zero: " + tail(e.stderr, 400) }

// retryable is what the clients themselves retry: dropped or refused
// connections, 5xx and throttling, in each API's native form.
func retryable(err error) bool {
	var ce cliError
	if errors.As(err, &ce) {
		s := ce.stderr
		for _, m := range []string{"Connection reset", "Connection aborted", "RemoteDisconnected", "EOF occurred", "Could not connect",
			"ConnectionClosedError", "EndpointConnectionError", "(RequestLimitExceeded)", "(Unavailable)", "(ServiceUnavailable)", "(InternalError)",
			"Max retries exceeded", "502", "503", "backendError", "SSLEOFError", "UNEXPECTED_EOF"} {
			if strings.Contains(s, m) {
				return true
			}
		}
		return false
	}
	var ge *googleapi.Error
	if errors.As(err, &ge) {
		return ge.Code >= 500 || ge.Code == 429
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "RequestLimitExceeded", "Unavailable", "ServiceUnavailable", "InternalError", "InsufficientInstanceCapacity":
			return true
		}
		_, status := ec2ErrCode(err)
		return status >= 500
	}
	// Transport: the connection to a killed replica dropped.
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		strings.Contains(err.Error(), "connection reset") || strings.Contains(err.Error(), "EOF") || strings.Contains(err.Error(), "connection refused")
}

// waitEC2Running waits (bounded) until an instance left pending.
func waitEC2Running(c *ec2.Client, id string) {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		out, err := c.DescribeInstances(context.Background(), &ec2.DescribeInstancesInput{InstanceIds: []string{id}})
		if err == nil && len(out.Reservations) == 1 && out.Reservations[0].Instances[0].State.Name != ec2types.InstanceStateNamePending {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func requireHAProxy(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"haproxy", "/usr/sbin/haproxy"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	return requireTool(t, "haproxy")
}

func waitTCP(t *testing.T, addr string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("nothing listens on %s", addr)
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o700); err != nil {
		t.Fatal(err)
	}
	writeFileT(t, to, string(b))
}

func writeFileT(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

// lbAWSEnv is a hermetic aws CLI environment for the demo user (keys from
// the simulator's registry), trusting the replicas' CA.
func lbAWSEnv(t *testing.T, sim *simProc, caFile string) []string {
	requireTool(t, "aws")
	dir := t.TempDir()
	u := sim.users["demo"]
	return hermeticEnv(map[string]string{
		"AWS_ACCESS_KEY_ID": u.APIKey, "AWS_SECRET_ACCESS_KEY": u.Secret, "AWS_DEFAULT_REGION": "cloudstack-1",
		"AWS_CONFIG_FILE": filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_PAGER": "", "AWS_CA_BUNDLE": caFile,
	})
}

// lbGcloudEnv configures a fresh gcloud for the load balancer with the
// service-account key that `cloudgate keys create` wrote.
func lbGcloudEnv(t *testing.T, base, caFile, keyFile string) []string {
	requireTool(t, "gcloud")
	env := hermeticEnv(map[string]string{"CLOUDSDK_CONFIG": t.TempDir()})
	for _, kv := range [][2]string{
		{"core/disable_usage_reporting", "true"}, {"component_manager/disable_update_check", "true"},
		{"core/check_gce_metadata", "false"}, {"core/should_prompt_to_enable_api", "false"},
		{"auth/service_account_disable_id_token_refresh", "true"},
		{"api_endpoint_overrides/compute", base + "/compute/v1/"}, {"core/project", "demo"},
		{"core/custom_ca_certs_file", caFile},
	} {
		if _, errOut, err := run(t, env, time.Minute, "gcloud", "config", "set", kv[0], kv[1], "--quiet"); err != nil {
			t.Fatalf("gcloud config set %s: %v\n%s", kv[0], err, errOut)
		}
	}
	if _, errOut, err := run(t, env, time.Minute, "gcloud", "auth", "activate-service-account", "--key-file", keyFile, "--quiet"); err != nil {
		t.Fatalf("gcloud auth activate-service-account: %v\n%s", err, errOut)
	}
	return env
}
