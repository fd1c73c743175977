package conformance

import (
	"testing"
	"time"

	"github.com/spf13/pflag"
)

func TestBindFlags(t *testing.T) {
	var c Config
	fs := pflag.NewFlagSet("conformance", pflag.ContinueOnError)
	c.BindFlags(fs)
	err := fs.Parse([]string{
		"--gce-endpoint", "https://h/compute/v1/", "--ec2-endpoint", "https://h/",
		"--gce-key-file", "k.json", "--aws-region", "zone1", "--only", "ec2,gce/instances",
		"--skip", "ec2/vpcs=no vpc", "--skip", "gce/*", "--timeout", "90s",
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.GCEEndpoint != "https://h/compute/v1/" || c.EC2Endpoint != "https://h/" || c.GCEKeyFile != "k.json" || c.AWSRegion != "zone1" {
		t.Errorf("config %+v", c)
	}
	if len(c.Only) != 2 || c.Skip["ec2/vpcs"] != "no vpc" || c.Skip["gce/*"] == "" || c.Timeout != 90*time.Second {
		t.Errorf("config %+v", c)
	}
}
