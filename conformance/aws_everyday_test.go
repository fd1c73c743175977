package conformance

import (
	"crypto/sha256"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAWSCLIEveryday drives the run-instances flags a new user passes
// (issue 16) through the real aws CLI: termination protection, a private
// address, --associate-public-ip-address (which the CLI moves, with
// --subnet-id, into NetworkInterface.1), the reachable address, and the
// flags CloudStack cannot honour, which must fail with EC2's error. It
// also covers create-security-group --vpc-id, create-volume --volume-type
// and describe-key-pairs --include-public-key. It skips without the aws
// CLI, except with CI=true.
func TestAWSCLIEveryday(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the gateway and runs the aws CLI")
	}
	requireTool(t, "aws")
	gw := startGateway(t, nil)
	aws := newAWSCLI(t, gw)
	zone := aws.strs("ec2", "describe-availability-zones", "--query", "AvailabilityZones[].ZoneName")[0]
	ami := aws.str("ec2", "describe-images", "--owners", "amazon", "--filters", "Name=name,Values=Debian*", "--query", "Images[0].ImageId")
	typ := aws.strs("ec2", "describe-instance-types", "--query", "sort_by(InstanceTypes, &MemoryInfo.SizeInMiB)[:1].InstanceType")[0]
	run := func(extra ...string) []string {
		return append([]string{"ec2", "run-instances", "--image-id", ami, "--instance-type", typ}, extra...)
	}

	// Termination protection.
	id := aws.str(run("--placement", "AvailabilityZone="+zone, "--disable-api-termination", "--query", "Instances[0].InstanceId")...)
	var protected bool
	aws.ok(&protected, "ec2", "describe-instance-attribute", "--instance-id", id, "--attribute", "disableApiTermination", "--query", "DisableApiTermination.Value")
	if !protected {
		t.Fatal("--disable-api-termination reads back false")
	}
	aws.fails("OperationNotPermitted", "ec2", "terminate-instances", "--instance-ids", id)
	if ip := aws.str("ec2", "describe-instances", "--instance-ids", id, "--query", "Reservations[0].Instances[0].PublicIpAddress"); ip == "" {
		t.Fatal("an instance launched with the defaults has no PublicIpAddress")
	}
	aws.ok(nil, "ec2", "modify-instance-attribute", "--instance-id", id, "--no-disable-api-termination")
	aws.ok(nil, "ec2", "terminate-instances", "--instance-ids", id)

	// --subnet-id with --associate-public-ip-address (NetworkInterface.1)
	// and --private-ip-address.
	var subs []struct{ SubnetId, CidrBlock string }
	aws.ok(&subs, "ec2", "describe-subnets", "--filters", "Name=availability-zone,Values="+zone, "--query", "Subnets[]")
	if len(subs) == 0 {
		t.Fatalf("no subnet in %s", zone)
	}
	sub := subs[0]
	var inst struct{ InstanceId, SubnetId, PrivateIpAddress string }
	aws.ok(&inst, run("--subnet-id", sub.SubnetId, "--associate-public-ip-address", "--query", "Instances[0]")...)
	if inst.SubnetId != sub.SubnetId {
		t.Fatalf("--subnet-id %s with --associate-public-ip-address launched in %q", sub.SubnetId, inst.SubnetId)
	}
	prefix := sub.CidrBlock[:strings.LastIndexByte(sub.CidrBlock[:strings.IndexByte(sub.CidrBlock, '/')], '.')+1]
	want := prefix + "250"
	if want == inst.PrivateIpAddress {
		want = prefix + "249"
	}
	var inst2 struct{ InstanceId, SubnetId, PrivateIpAddress string }
	aws.ok(&inst2, run("--subnet-id", sub.SubnetId, "--private-ip-address", want, "--query", "Instances[0]")...)
	if inst2.PrivateIpAddress != want {
		t.Fatalf("--private-ip-address %s launched with %q", want, inst2.PrivateIpAddress)
	}
	aws.ok(nil, "ec2", "terminate-instances", "--instance-ids", inst.InstanceId, inst2.InstanceId)

	// Refused with EC2's error; nothing launched.
	for _, c := range []struct {
		code  string
		flags []string
	}{
		{"UnsupportedOperation", []string{"--instance-initiated-shutdown-behavior", "terminate"}},
		{"UnsupportedOperation", []string{"--metadata-options", "HttpTokens=required"}},
		{"UnsupportedOperation", []string{"--monitoring", "Enabled=true"}},
		{"InvalidParameterValue", []string{"--iam-instance-profile", "Name=web"}},
		{"UnsupportedOperation", []string{"--instance-market-options", "MarketType=spot"}},
	} {
		aws.fails(c.code, run(append([]string{"--placement", "AvailabilityZone=" + zone, "--tag-specifications",
			"ResourceType=instance,Tags=[{Key=refused,Value=yes}]"}, c.flags...)...)...)
	}
	if ids := aws.strs("ec2", "describe-instances", "--filters", "Name=tag:refused,Values=yes", "Name=instance-state-name,Values=pending,running",
		"--query", "Reservations[].Instances[].InstanceId"); len(ids) != 0 {
		t.Fatalf("refused run-instances left %v", ids)
	}

	// Security group in a VPC, volume types, public keys.
	if vpcs := aws.strs("ec2", "describe-vpcs", "--filters", "Name=is-default,Values=true", "--query", "Vpcs[].VpcId"); len(vpcs) > 0 {
		sg := aws.str("ec2", "create-security-group", "--group-name", "in-vpc", "--description", "d", "--vpc-id", vpcs[0], "--query", "GroupId")
		if got := aws.str("ec2", "describe-security-groups", "--group-ids", sg, "--query", "SecurityGroups[0].VpcId"); got != vpcs[0] {
			t.Fatalf("create-security-group --vpc-id %s reads back %q", vpcs[0], got)
		}
	}
	if n := aws.str("ec2", "describe-account-attributes", "--attribute-names", "max-instances", "--query", "AccountAttributes[0].AttributeValues[0].AttributeValue"); n != "20" {
		t.Fatalf("max-instances = %q, want the demo account's CloudStack VM limit 20", n)
	}
	aws.fails("InvalidParameterValue", "ec2", "create-volume", "--availability-zone", zone, "--size", "1", "--volume-type", "gp3")
	aws.ok(nil, "ec2", "create-key-pair", "--key-name", "pub-key")
	if pub := aws.str("ec2", "describe-key-pairs", "--key-names", "pub-key", "--include-public-key", "--query", "KeyPairs[0].PublicKey"); !strings.HasPrefix(pub, "ssh-rsa ") {
		t.Fatalf("describe-key-pairs --include-public-key of a created key: %q", pub)
	}
	// An imported ed25519 key reads back its type, EC2's SHA-256
	// fingerprint and the key itself (issue 12 defect 12).
	ed := "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOnZ+WE0Jr86BbmB2sW434v8oANQiJ9bo1mctYk6nQUi cli"
	edFile := filepath.Join(t.TempDir(), "ed.pub")
	if err := os.WriteFile(edFile, []byte(ed+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	blob, _ := base64.StdEncoding.DecodeString(strings.Fields(ed)[1])
	sum := sha256.Sum256(blob)
	fp := base64.StdEncoding.EncodeToString(sum[:])
	if got := aws.str("ec2", "import-key-pair", "--key-name", "ed-key", "--public-key-material", "fileb://"+edFile, "--query", "KeyFingerprint"); got != fp {
		t.Fatalf("import-key-pair ed25519 fingerprint %q, want %q", got, fp)
	}
	var kp struct{ KeyType, KeyFingerprint, PublicKey string }
	aws.ok(&kp, "ec2", "describe-key-pairs", "--key-names", "ed-key", "--include-public-key", "--query", "KeyPairs[0]")
	if kp.KeyType != "ed25519" || kp.KeyFingerprint != fp || kp.PublicKey != ed {
		t.Fatalf("describe-key-pairs of an imported ed25519 key: %+v", kp)
	}
	if mat := aws.str("ec2", "create-key-pair", "--key-name", "ed-made", "--key-type", "ed25519", "--query", "KeyMaterial"); !strings.HasPrefix(mat, "-----BEGIN OPENSSH PRIVATE KEY-----") {
		t.Fatalf("create-key-pair --key-type ed25519 key material %.40q", mat)
	}
	if n := aws.strs("ec2", "describe-key-pairs", "--filters", "Name=key-type,Values=ed25519", "--query", "KeyPairs[].KeyName"); !sameSet(n, []string{"ed-key", "ed-made"}) {
		t.Fatalf("key-type=ed25519 lists %v", n)
	}
}
