package conformance

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// DemoConfig builds a Config from the files `cloudgate serve` writes in
// its data dir for the demo user: demo/env.sh (AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION, AWS_ENDPOINT_URL,
// AWS_CA_BUNDLE), demo/gcloud-setup.sh (api_endpoint_overrides/compute),
// demo/gce-key.json and ca.pem. Missing pieces are left empty (a missing
// key file leaves GCEEndpoint empty, which skips GCE). The
// `cloudgate-conformance --data-dir D` command can start from it and let
// flags override fields.
func DemoConfig(dataDir string) (Config, error) {
	var c Config
	env, err := readExports(filepath.Join(dataDir, "demo", "env.sh"))
	if err != nil {
		return c, fmt.Errorf("conformance: demo env: %w", err)
	}
	c.AWSAccessKey, c.AWSSecret = env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]
	c.AWSRegion, c.EC2Endpoint = env["AWS_DEFAULT_REGION"], env["AWS_ENDPOINT_URL"]
	c.CAFile = env["AWS_CA_BUNDLE"]
	if c.CAFile == "" {
		if ca := filepath.Join(dataDir, "ca.pem"); fileExists(ca) && strings.HasPrefix(c.EC2Endpoint, "https:") {
			c.CAFile = ca
		}
	}
	if key := filepath.Join(dataDir, "demo", "gce-key.json"); fileExists(key) {
		c.GCEKeyFile = key
		c.GCEEndpoint = computeOverride(filepath.Join(dataDir, "demo", "gcloud-setup.sh"))
		if u, err := url.Parse(c.EC2Endpoint); c.GCEEndpoint == "" && err == nil && u.Host != "" {
			c.GCEEndpoint = u.Scheme + "://" + u.Host + "/compute/v1/"
		}
	}
	return c, nil
}

var exportLine = regexp.MustCompile(`^export ([A-Za-z_][A-Za-z_0-9]*)=(.*)$`)

// readExports parses `export K=V` lines, V optionally quoted.
func readExports(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if sm := exportLine.FindStringSubmatch(strings.TrimSpace(line)); sm != nil {
			m[sm[1]] = strings.Trim(sm[2], `'"`)
		}
	}
	return m, nil
}

var computeOverrideLine = regexp.MustCompile(`api_endpoint_overrides/compute\s+'?([^'\s]+)'?`)

// computeOverride returns the compute endpoint a gcloud setup script
// configures ("" if none).
func computeOverride(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	if m := computeOverrideLine.FindSubmatch(b); m != nil {
		return string(m[1])
	}
	return ""
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
