package conformance

import (
	"strings"
	"testing"
	"time"
)

// TestGcloudNetworks drives `gcloud compute networks` and `networks
// subnets` as a new user does (issue 16, section 3.1): on the sandbox
// profile (an Advanced zone without security groups) a custom-mode network
// is a CloudStack VPC and its subnets are VPC tiers (an auto-mode one has
// its region's subnetwork), an instance created
// with --network --subnet lands on the tier with gcloud's default
// external address (acquired for the VPC), routes tell the truth and what
// CloudStack cannot do (expand-ip-range, --mtu, firewall rules on a
// VPC network, deleting what is in use) fails with a message saying so.
// On the default profile (security-group zones) creating a network is 501.
// It skips without gcloud, except with CI=true.
func TestGcloudNetworks(t *testing.T) {
	if testing.Short() {
		t.Skip("gcloud end-to-end test skipped in -short mode")
	}
	requireTool(t, "gcloud")

	t.Run("sandbox", func(t *testing.T) {
		gw := startGateway(t, &GatewayOptions{Args: []string{"--profile", "sandbox", "--expunge-delay", "1s"}})
		g := &gcloudCLI{t: t, env: gw.GcloudEnv(t)}
		const region, zone = "cloudstack-1", "cloudstack-1-sandboxsimulator"

		g.ok("compute", "networks", "create", "vnet", "--subnet-mode=custom", "--description", "app network")
		n := g.describe("compute", "networks", "describe", "vnet")
		if n["autoCreateSubnetworks"] != false || n["description"] != "app network" || n["x_gcloud_subnet_mode"] != "CUSTOM" {
			t.Fatalf("networks describe vnet = %v", n)
		}
		if names := g.names("compute", "networks", "list"); !names["vnet"] || !names["default"] {
			t.Fatalf("networks list = %v", names)
		}
		// gcloud's default mode: auto, one subnetwork in the region.
		g.ok("compute", "networks", "create", "vauto")
		if a := g.describe("compute", "networks", "describe", "vauto"); a["x_gcloud_subnet_mode"] != "AUTO" {
			t.Fatalf("networks describe vauto = %v", a)
		}
		if a := g.describe("compute", "networks", "subnets", "describe", "vauto", "--region", region); a["ipCidrRange"] != "10.128.0.0/20" {
			t.Fatalf("subnets describe vauto = %v", a)
		}
		g.ok("compute", "networks", "delete", "vauto")
		if _, errOut := g.fail("compute", "networks", "create", "vmtu", "--subnet-mode=custom", "--mtu", "1500"); !strings.Contains(errOut, "mtu") {
			t.Fatalf("--mtu: %s", errOut)
		}

		g.ok("compute", "networks", "subnets", "create", "vsub", "--network", "vnet", "--range", "10.20.0.0/24", "--region", region)
		s := g.describe("compute", "networks", "subnets", "describe", "vsub", "--region", region)
		if s["ipCidrRange"] != "10.20.0.0/24" || s["gatewayAddress"] != "10.20.0.1" || !strings.HasSuffix(s["network"].(string), "/networks/vnet") {
			t.Fatalf("subnets describe vsub = %v", s)
		}
		if names := g.names("compute", "networks", "subnets", "list", "--network", "vnet"); len(names) != 1 || !names["vsub"] {
			t.Fatalf("subnets list --network vnet = %v", names)
		}
		if _, errOut := g.fail("compute", "networks", "subnets", "create", "vsub2", "--network", "vnet", "--range", "10.20.0.0/16", "--region", region); !strings.Contains(errOut, "conflicts with existing subnetwork 'vsub'") {
			t.Fatalf("overlapping subnet: %s", errOut)
		}
		if _, errOut := g.fail("compute", "networks", "subnets", "expand-ip-range", "vsub", "--region", region, "--prefix-length", "20", "--quiet"); !strings.Contains(errOut, "cannot be widened") {
			t.Fatalf("expand-ip-range: %s", errOut)
		}

		g.ok("compute", "instances", "create", "vnet-vm", "--zone", zone, "--network", "vnet", "--subnet", "vsub",
			"--machine-type", "small-instance", "--image-family", "debian-12", "--image-project", "debian-cloud")
		vm := g.describe("compute", "instances", "describe", "vnet-vm", "--zone", zone)
		nic := vm["networkInterfaces"].([]any)[0].(map[string]any)
		if !strings.HasSuffix(nic["network"].(string), "/global/networks/vnet") || !strings.HasSuffix(nic["subnetwork"].(string), "/subnetworks/vsub") ||
			!strings.HasPrefix(nic["networkIP"].(string), "10.20.0.") {
			t.Fatalf("instance on vsub: nic %v", nic)
		}
		// gcloud's default external address: acquired for the VPC, NATed to
		// the VM on its tier.
		if acs, _ := nic["accessConfigs"].([]any); len(acs) != 1 || acs[0].(map[string]any)["natIP"] == nil || acs[0].(map[string]any)["natIP"] == "" {
			t.Fatalf("instance on vsub has no external address: %v", nic)
		}
		// The links resolve.
		g.ok("compute", "networks", "describe", nic["network"].(string))
		g.ok("compute", "networks", "subnets", "describe", nic["subnetwork"].(string))

		var routes []map[string]any
		g.json(&routes, "compute", "routes", "list")
		var local, internet bool
		for _, r := range routes {
			if !strings.HasSuffix(r["network"].(string), "/networks/vnet") {
				continue
			}
			local = local || r["destRange"] == "10.20.0.0/24" && strings.HasSuffix(r["nextHopNetwork"].(string), "/networks/vnet")
			internet = internet || r["destRange"] == "0.0.0.0/0" && strings.HasSuffix(gcloudJSONString(r["nextHopGateway"]), "default-internet-gateway\"")
		}
		if !local || !internet {
			t.Fatalf("routes of vnet = %v", routes)
		}

		if _, errOut := g.fail("compute", "firewall-rules", "create", "vnet-ssh", "--network", "vnet", "--allow", "tcp:22"); !strings.Contains(errOut, "network ACLs") {
			t.Fatalf("firewall on a VPC network: %s", errOut)
		}
		if _, errOut := g.fail("compute", "networks", "delete", "vnet", "--quiet"); !strings.Contains(errOut, "already being used") {
			t.Fatalf("delete of a network with subnets: %s", errOut)
		}
		if _, errOut := g.fail("compute", "networks", "subnets", "delete", "vsub", "--region", region, "--quiet"); !strings.Contains(errOut, "already being used") {
			t.Fatalf("delete of a subnet with an instance: %s", errOut)
		}

		g.ok("compute", "instances", "delete", "vnet-vm", "--zone", zone, "--quiet")
		// CloudStack deletes a network only once its VMs are expunged
		// (expunge.delay 1 s here): retry until then.
		waitGcloud(t, g, "compute", "networks", "subnets", "delete", "vsub", "--region", region, "--quiet")
		g.ok("compute", "networks", "delete", "vnet", "--quiet")
		if names := g.names("compute", "networks", "list"); names["vnet"] {
			t.Fatalf("deleted network still listed: %v", names)
		}
	})

	t.Run("security-groups", func(t *testing.T) {
		gw := startGateway(t, nil)
		g := &gcloudCLI{t: t, env: gw.GcloudEnv(t)}
		if _, errOut := g.fail("compute", "networks", "create", "vnet", "--subnet-mode=custom"); !strings.Contains(errOut, "security groups") {
			t.Fatalf("networks create in a security-group zone: %s", errOut)
		}
		if names := g.names("compute", "networks", "list"); len(names) != 1 || !names["default"] {
			t.Fatalf("networks list = %v", names)
		}
	})
}

// waitGcloud runs a gcloud command until it succeeds (bounded).
func waitGcloud(t *testing.T, g *gcloudCLI, args ...string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		_, errOut, err := g.run(args...)
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("gcloud %s still fails: %s", strings.Join(args, " "), errOut)
		}
		time.Sleep(2 * time.Second)
	}
}
