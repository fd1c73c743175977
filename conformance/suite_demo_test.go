package conformance

import (
	"os"
	"path/filepath"
	"testing"
)

func TestDemoConfig(t *testing.T) {
	d := t.TempDir()
	os.MkdirAll(filepath.Join(d, "demo"), 0o755)
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(d, name), []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("demo/env.sh", "# x\nexport AWS_ACCESS_KEY_ID=AK\nexport AWS_SECRET_ACCESS_KEY='S'\nexport AWS_DEFAULT_REGION=cloudstack-1\nexport AWS_ENDPOINT_URL=https://127.0.0.1:8443\n")
	write("ca.pem", "pem")
	c, err := DemoConfig(d)
	if err != nil {
		t.Fatal(err)
	}
	if c.AWSAccessKey != "AK" || c.AWSSecret != "S" || c.AWSRegion != "cloudstack-1" || c.EC2Endpoint != "https://127.0.0.1:8443" || c.CAFile != filepath.Join(d, "ca.pem") {
		t.Fatalf("config %+v", c)
	}
	if c.GCEEndpoint != "" {
		t.Fatalf("GCE endpoint without a key: %q", c.GCEEndpoint)
	}
	write("demo/gce-key.json", "{}")
	if c, _ = DemoConfig(d); c.GCEEndpoint != "https://127.0.0.1:8443/compute/v1/" {
		t.Fatalf("derived GCE endpoint %q", c.GCEEndpoint)
	}
	write("demo/gcloud-setup.sh", "gcloud config set api_endpoint_overrides/compute 'https://h:1/gce/' --quiet\n")
	if c, _ = DemoConfig(d); c.GCEEndpoint != "https://h:1/gce/" || c.GCEKeyFile == "" {
		t.Fatalf("override GCE endpoint %q", c.GCEEndpoint)
	}
	if _, err := DemoConfig(t.TempDir()); err == nil {
		t.Fatal("DemoConfig without env.sh succeeded")
	}
}
