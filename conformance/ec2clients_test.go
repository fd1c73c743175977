package conformance

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestEC2Clients drives the hybrid-cloud tools people use with EC2 (issue
// 12) through full lifecycles against one gateway: Apache Libcloud's EC2
// driver, boto 2 (SigV2 and SigV4), Ansible's amazon.aws modules and the
// AWS SDK for JavaScript v3 (waiters, paginators). Each client runs a
// script from testdata that asserts on what it reads back and prints
// "STEP <name> ok" per passed step; a failed assertion ends it non-zero.
//
// The gateway presents the region us-east-1: Libcloud's EC2 driver only
// knows AWS's region names and filters zones by region. SigV2 is enabled
// (--allow-sigv2) for boto 2's default signer. Every client gets the
// gateway's ca.pem explicitly; the machine's CA variables are scrubbed by
// hermeticEnv. With CI=true a missing client fails the test.
func TestEC2Clients(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the gateway and runs Libcloud, boto 2, Ansible and the JS SDK")
	}
	gw := startGateway(t, &GatewayOptions{Args: []string{"--region", "us-east-1", "--allow-sigv2"}})
	base := map[string]string{
		"CG_URL":                    gw.URL,
		"CG_CA":                     gw.CAFile,
		"AWS_ACCESS_KEY_ID":         gw.Env["AWS_ACCESS_KEY_ID"],
		"AWS_SECRET_ACCESS_KEY":     gw.Env["AWS_SECRET_ACCESS_KEY"],
		"AWS_EC2_METADATA_DISABLED": "true",
		// The demo datacenter's zones have security groups, where
		// CloudStack gives users no public addresses: the clients check
		// AllocateAddress's native error there, and JSSDKAddresses runs the
		// Elastic IP lifecycle on a sandbox-profile gateway (isolated
		// networks).
		"CG_EIP": "0",
	}
	scripts, err := filepath.Abs(filepath.Join("testdata", "clients"))
	if err != nil {
		t.Fatal(err)
	}
	py := "/usr/bin/python3" // Debian's python3 carries python3-libcloud, python3-boto, Ansible's boto3
	t.Run("Libcloud", func(t *testing.T) {
		requirePythonModule(t, py, "libcloud")
		// The default profile lets users expunge: a terminated instance's
		// VM and tags are gone at once.
		runClientScript(t, clientEnv(t, base, map[string]string{"CG_TERMINATED": "expunged"}), 6*time.Minute, 18, py, filepath.Join(scripts, "libcloud_ec2.py"))
	})
	t.Run("LibcloudCloudStackDefaults", func(t *testing.T) {
		// CloudStack's default settings (the demo profile): users neither
		// expunge nor see destroyed VMs; the gateway describes a terminated
		// instance from its VM.DESTROY event and the VM's tags.
		requirePythonModule(t, py, "libcloud")
		d := startGateway(t, &GatewayOptions{Args: []string{"--region", "us-east-1", "--profile", "demo"}})
		env := map[string]string{}
		for k, v := range base {
			env[k] = v
		}
		env["CG_URL"], env["CG_CA"] = d.URL, d.CAFile
		env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"] = d.Env["AWS_ACCESS_KEY_ID"], d.Env["AWS_SECRET_ACCESS_KEY"]
		env["CG_TERMINATED"] = "record"
		runClientScript(t, clientEnv(t, env, nil), 6*time.Minute, 18, py, filepath.Join(scripts, "libcloud_ec2.py"))
	})
	t.Run("Boto2SigV4", func(t *testing.T) {
		requirePythonModule(t, py, "boto")
		runClientScript(t, clientEnv(t, base, map[string]string{"CG_SIGV": "4", "CG_PREFIX": "b4"}), 6*time.Minute, 11, py, filepath.Join(scripts, "boto2_ec2.py"))
	})
	t.Run("Boto2SigV2", func(t *testing.T) {
		requirePythonModule(t, py, "boto")
		runClientScript(t, clientEnv(t, base, map[string]string{"CG_SIGV": "2", "CG_PREFIX": "b2"}), 6*time.Minute, 11, py, filepath.Join(scripts, "boto2_ec2.py"))
	})
	t.Run("Ansible", func(t *testing.T) {
		bin := requireTool(t, "ansible-playbook")
		requirePythonModule(t, py, "boto3")
		home := t.TempDir()
		vars := filepath.Join(home, "vars.json")
		b, _ := json.Marshal(map[string]string{"cg_url": gw.URL, "cg_ca": gw.CAFile, "cg_key": base["AWS_ACCESS_KEY_ID"],
			"cg_secret": base["AWS_SECRET_ACCESS_KEY"], "ansible_python_interpreter": py, "cg_eip": "false"})
		if err := os.WriteFile(vars, b, 0o600); err != nil {
			t.Fatal(err)
		}
		env := clientEnv(t, nil, map[string]string{"HOME": home, "ANSIBLE_LOCAL_TEMP": filepath.Join(home, "tmp"),
			"ANSIBLE_REMOTE_TMP": filepath.Join(home, "rtmp"), "ANSIBLE_NOCOLOR": "1", "ANSIBLE_LOCALHOST_WARNING": "False",
			"ANSIBLE_INVENTORY_UNPARSED_WARNING": "False", "ANSIBLE_PYTHON_INTERPRETER": py})
		start := time.Now()
		so, se, err := run(t, env, 10*time.Minute, bin, "-i", "localhost,", "-e", "@"+vars, filepath.Join(scripts, "ansible", "ec2_lifecycle.yml"))
		m := recapRE.FindStringSubmatch(so)
		t.Logf("ansible-playbook: %v in %s", m, time.Since(start).Round(time.Second))
		if err != nil || m == nil || m[3] != "0" || m[4] != "0" {
			t.Fatalf("ansible-playbook: %v\nstdout:\n%s\nstderr:\n%s", err, so, se)
		}
		if ok, _ := strconv.Atoi(m[1]); ok < 50 {
			t.Fatalf("only %d tasks ran ok:\n%s", ok, so)
		}
	})
	t.Run("JSSDK", func(t *testing.T) {
		node := requireTool(t, "node")
		dir, err := filepath.Abs(filepath.Join("testdata", "node"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(dir, "node_modules", "@aws-sdk", "client-ec2")); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("@aws-sdk/client-ec2 is not installed (.ci/run runs npm ci in %s): %v", dir, err)
			}
			t.Skipf("run `npm ci --ignore-scripts` in %s", dir)
		}
		runClientScript(t, clientEnv(t, base, nil), 6*time.Minute, 9, node, filepath.Join(dir, "ec2_lifecycle.mjs"))

		// Elastic IPs where CloudStack has them: a zone with isolated
		// networks (the sandbox profile).
		sb := startGateway(t, &GatewayOptions{Args: []string{"--region", "us-east-1", "--profile", "sandbox"}})
		env := clientEnv(t, map[string]string{"CG_URL": sb.URL, "CG_CA": sb.CAFile,
			"AWS_ACCESS_KEY_ID": sb.Env["AWS_ACCESS_KEY_ID"], "AWS_SECRET_ACCESS_KEY": sb.Env["AWS_SECRET_ACCESS_KEY"]}, nil)
		runClientScript(t, env, 4*time.Minute, 4, node, filepath.Join(dir, "ec2_addresses.mjs"))
	})
}

// clientEnv is a hermetic environment for one client: base plus extra and
// a private HOME (Ansible, boto and npm write there).
func clientEnv(t *testing.T, base, extra map[string]string) []string {
	t.Helper()
	m := map[string]string{"HOME": t.TempDir(), "BOTO_CONFIG": "/dev/null", "PYTHONDONTWRITEBYTECODE": "1"}
	for k, v := range base {
		m[k] = v
	}
	for k, v := range extra {
		m[k] = v
	}
	env := hermeticEnv(m)
	// hermeticEnv copies HOME first; ours must win.
	out := env[:0]
	for _, kv := range env {
		if strings.HasPrefix(kv, "HOME=") && kv != "HOME="+m["HOME"] {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// requirePythonModule fails (CI=true) or skips when python cannot import
// the module.
func requirePythonModule(t *testing.T, py, module string) {
	t.Helper()
	if _, err := os.Stat(py); err == nil {
		if exec.Command(py, "-c", "import "+module).Run() == nil {
			return
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s with the Python module %s is required in CI (.ci/run installs it from Debian)", py, module)
	}
	t.Skipf("%s cannot import %s", py, module)
}

// runClientScript runs one client script, logs its steps and fails the
// test on a non-zero exit or when fewer than minSteps steps passed.
func runClientScript(t *testing.T, env []string, timeout time.Duration, minSteps int, name string, args ...string) {
	t.Helper()
	start := time.Now()
	so, se, err := run(t, env, timeout, name, args...)
	steps := strings.Count(so, "STEP ")
	t.Logf("%s: %d steps passed in %s", filepath.Base(args[len(args)-1]), steps, time.Since(start).Round(time.Second))
	if err != nil || !strings.Contains(so, "DONE") || steps < minSteps {
		t.Fatalf("%s %s: %v (%d steps passed)\nstdout:\n%s\nstderr:\n%s", name, strings.Join(args, " "), err, steps, so, se)
	}
}

// recapRE reads ansible-playbook's PLAY RECAP line: ok, changed, unreachable, failed.
var recapRE = regexp.MustCompile(`localhost\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)`)
