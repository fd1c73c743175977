package conformance

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

// What replicas must agree on lives in CloudStack or in the sealed tokens,
// not in a shared file:
//
//   - Gateway key rotation with an overlap window: replicas moved to the
//     new key (--auth-key NEW --auth-previous-key OLD --auth-previous-until
//     T) accept the tokens and service-account keys issued under OLD until
//     T; a replica with NEW alone (after T) refuses them.
//   - Revoking a user everywhere: regenerating the user's keys in
//     CloudStack (registerUserKeys) kills the user's access tokens and
//     service-account keys (both are bound to the API key they were issued
//     for) and EC2 signatures on every replica, within the directory
//     cache's 30 s, with nothing shared between the replicas.
func TestRevocationWithoutSharedFile(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the directory cache")
	}
	sim := startSimulator(t)
	admin := sim.users["admin"]
	const oldKey, newKey = "the gateway secret before the rotation", "the gateway secret after the rotation!"
	replica := func(args ...string) *Gateway {
		return startGateway(t, &GatewayOptions{Args: append([]string{"--cloudstack-url", sim.URL,
			"--admin-api-key", admin.APIKey, "--admin-secret", admin.Secret}, args...)})
	}
	a := replica("--auth-key", oldKey)
	b := replica("--auth-key", newKey, "--auth-previous-key", oldKey, "--auth-previous-until", time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
	c := replica("--auth-key", newKey)
	ctx := ctxT(t, 3*time.Minute)

	key := gceKey(t, sim, oldKey, "demo") // endorsed by the old key
	hcA := &http.Client{Transport: newRR(t, a), Timeout: time.Minute}
	tsA := gceTokenSource(t, key, a, hcA)
	tokA, err := tsA.Token()
	if err != nil {
		t.Fatalf("token from A: %v", err)
	}
	use := func(g *Gateway, access string) (int, error) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, g.URL+"/compute/v1/projects/demo/zones", nil)
		req.Header.Set("Authorization", "Bearer "+access)
		resp, err := g.HTTPClient(t).Do(req)
		if err != nil {
			return 0, err
		}
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	if code, err := use(b, tokA.AccessToken); err != nil || code != 200 {
		t.Errorf("A's token on B (new key, old one in its window): %d %v", code, err)
	}
	if code, err := use(c, tokA.AccessToken); err != nil || code != 401 {
		t.Errorf("A's token on C (new key only): %d %v, want 401", code, err)
	}
	exchange := func(g *Gateway) error {
		_, err := gceTokenSource(t, key, g, &http.Client{Transport: newRR(t, g), Timeout: time.Minute}).Token()
		return err
	}
	if err := exchange(b); err != nil {
		t.Errorf("old service-account key at B's /token: %v", err)
	}
	if err := exchange(c); err == nil {
		t.Errorf("old service-account key accepted at C's /token")
	}
	// A service-account key made under the new key works everywhere the
	// new key is.
	newSA := gceKey(t, sim, newKey, "demo")
	tokC, err := gceTokenSource(t, newSA, c, &http.Client{Transport: newRR(t, c), Timeout: time.Minute}).Token()
	if err != nil {
		t.Fatalf("new service-account key at C: %v", err)
	}
	if code, err := use(b, tokC.AccessToken); err != nil || code != 200 {
		t.Errorf("C's token on B: %d %v", code, err)
	}

	// Revoke the demo user everywhere by regenerating its keys in CloudStack.
	ecA := ec2Client(sim, "demo", a, newRR(t, a), 1, time.Minute)
	if _, err := ecA.DescribeAvailabilityZones(ctx, &ec2.DescribeAvailabilityZonesInput{}); err != nil {
		t.Fatalf("EC2 before the rotation: %v", err)
	}
	cs := sim.admin()
	lp := cs.User.NewListUsersParams()
	lp.SetUsername("demo")
	users, err := cs.User.ListUsers(lp)
	if err != nil || len(users.Users) != 1 {
		t.Fatalf("listUsers: %v", err)
	}
	if _, err := cs.User.RegisterUserKeys(cs.User.NewRegisterUserKeysParams(users.Users[0].Id)); err != nil {
		t.Fatalf("registerUserKeys: %v", err)
	}
	start := time.Now()
	deadline := start.Add(45 * time.Second)
	dead := map[string]bool{}
	for time.Now().Before(deadline) && len(dead) < 4 {
		for name, g := range map[string]*Gateway{"A": a, "B": b} {
			if code, err := use(g, tokA.AccessToken); err == nil && code == 401 {
				dead["gce "+name] = true
			}
		}
		if _, err := ecA.DescribeAvailabilityZones(ctx, &ec2.DescribeAvailabilityZonesInput{}); err != nil {
			if code, _ := ec2ErrCode(err); code == "AuthFailure" {
				dead["ec2 A"] = true
			}
		}
		if code, err := use(c, tokC.AccessToken); err == nil && code == 401 {
			dead["gce C"] = true
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Logf("after registerUserKeys, refused within %v: %v", time.Since(start).Round(time.Second), dead)
	if len(dead) < 4 {
		t.Errorf("regenerated CloudStack keys did not revoke everywhere within 45 s: %v", dead)
	}
	// Service-account keys are bound to the API key they were made for:
	// the old one is refused everywhere now, a key made after the
	// regeneration (the user resolved through CloudStack) works.
	if _, err := gceTokenSource(t, newSA, c, &http.Client{Transport: newRR(t, c), Timeout: time.Minute}).Token(); err == nil {
		t.Errorf("a service-account key made for the old CloudStack keys still mints tokens")
	}
	out := t.TempDir()
	kc := exec.Command(cloudgateBinary(t), "keys", "create", "--user", "demo", "--out", out, "--cloudstack-url", sim.URL,
		"--admin-api-key", admin.APIKey, "--admin-secret", admin.Secret, "--auth-key", newKey, "--data-dir", t.TempDir())
	kc.Env = hermeticEnv(nil)
	if b, err := kc.CombinedOutput(); err != nil {
		t.Fatalf("keys create: %v\n%s", err, b)
	}
	fresh, err := os.ReadFile(filepath.Join(out, "demo-gce-key.json"))
	if err != nil {
		t.Fatal(err)
	}
	if tok, err := gceTokenSource(t, fresh, c, &http.Client{Transport: newRR(t, c), Timeout: time.Minute}).Token(); err != nil {
		t.Errorf("a key made after the regeneration: %v", err)
	} else if code, err := use(b, tok.AccessToken); err != nil || code != 200 {
		t.Errorf("its token on B: %d %v", code, err)
	}
}
