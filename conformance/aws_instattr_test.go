package conformance

import (
	"sort"
	"strings"
	"testing"
	"time"
)

// TestAWSCLIModifyInstanceAttribute drives `aws ec2 modify-instance-attribute`
// as a user types it: --groups on a running instance (refused: CloudStack
// changes groups only while stopped), then stopped (read back by
// describe-instance-attribute --attribute groupSet, once describe-instances),
// and the boolean/value flags, each read back or refused with EC2's error.
// It skips without the aws CLI, except with CI=true.
func TestAWSCLIModifyInstanceAttribute(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the gateway and runs the aws CLI")
	}
	requireTool(t, "aws")
	gw := startGateway(t, nil)
	aws := newAWSCLI(t, gw)
	zone := aws.strs("ec2", "describe-availability-zones", "--query", "AvailabilityZones[].ZoneName")[0]
	ami := aws.str("ec2", "describe-images", "--owners", "amazon", "--filters", "Name=name,Values=Debian*", "--query", "Images[0].ImageId")
	typ := aws.strs("ec2", "describe-instance-types", "--query", "sort_by(InstanceTypes, &MemoryInfo.SizeInMiB)[:1].InstanceType")[0]
	sg1 := aws.str("ec2", "create-security-group", "--group-name", "attr-web", "--description", "web", "--query", "GroupId")
	sg2 := aws.str("ec2", "create-security-group", "--group-name", "attr-db", "--description", "db", "--query", "GroupId")
	id := aws.str("ec2", "run-instances", "--image-id", ami, "--instance-type", typ, "--placement", "AvailabilityZone="+zone,
		"--security-group-ids", sg1, "--query", "Instances[0].InstanceId")
	state := func() string {
		return aws.str("ec2", "describe-instances", "--instance-ids", id, "--query", "Reservations[0].Instances[0].State.Name")
	}
	waitState := func(want string) {
		t.Helper()
		deadline := time.Now().Add(time.Minute)
		for s := state(); s != want; s = state() {
			if time.Now().After(deadline) {
				t.Fatalf("instance %s is %s, want %s", id, s, want)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	groups := func() []string {
		t.Helper()
		a := aws.strs("ec2", "describe-instance-attribute", "--instance-id", id, "--attribute", "groupSet", "--query", "Groups[].GroupId")
		sort.Strings(a)
		return a
	}
	waitState("running")
	if g := groups(); len(g) != 1 || g[0] != sg1 {
		t.Fatalf("groups at launch %v, want [%s]", g, sg1)
	}
	if out := aws.failsOut("IncorrectInstanceState", "ec2", "modify-instance-attribute", "--instance-id", id, "--groups", sg1, sg2); !strings.Contains(out, "stopped") {
		t.Fatalf("refusal for a running instance does not say why: %s", out)
	}
	aws.ok(nil, "ec2", "stop-instances", "--instance-ids", id)
	waitState("stopped")
	aws.fails("InvalidGroup.NotFound", "ec2", "modify-instance-attribute", "--instance-id", id, "--groups", sg2, "sg-0123456789abcdef0")
	if g := groups(); len(g) != 1 || g[0] != sg1 {
		t.Fatalf("groups after a refused change %v, want [%s]", g, sg1)
	}
	aws.ok(nil, "ec2", "modify-instance-attribute", "--instance-id", id, "--groups", sg2, sg1)
	want := []string{sg1, sg2}
	sort.Strings(want)
	if g := groups(); strings.Join(g, ",") != strings.Join(want, ",") {
		t.Fatalf("groups after --groups %s %s: %v", sg2, sg1, g)
	}
	d := aws.strs("ec2", "describe-instances", "--instance-ids", id, "--query", "Reservations[0].Instances[0].SecurityGroups[].GroupId")
	if sort.Strings(d); strings.Join(d, ",") != strings.Join(want, ",") {
		t.Fatalf("describe-instances groups after --groups: %v, want %v", d, want)
	}
	aws.ok(nil, "ec2", "modify-instance-attribute", "--instance-id", id, "--groups", sg2)
	if g := groups(); len(g) != 1 || g[0] != sg2 {
		t.Fatalf("groups after --groups %s: %v", sg2, g)
	}

	// The other attributes: the value this cloud has is accepted and read
	// back, any other refused naming the attribute.
	for _, c := range []struct {
		flags        []string
		attr, query  string
		want, refuse string
	}{
		{[]string{"--source-dest-check"}, "sourceDestCheck", "SourceDestCheck.Value", "true", ""},
		{[]string{"--no-source-dest-check"}, "sourceDestCheck", "SourceDestCheck.Value", "true", "UnsupportedOperation"},
		{[]string{"--no-disable-api-stop"}, "disableApiStop", "DisableApiStop.Value", "false", ""},
		{[]string{"--disable-api-stop"}, "disableApiStop", "DisableApiStop.Value", "false", "UnsupportedOperation"},
		{[]string{"--ebs-optimized"}, "ebsOptimized", "EbsOptimized.Value", "false", "UnsupportedOperation"},
		{[]string{"--attribute", "instanceInitiatedShutdownBehavior", "--value", "stop"}, "instanceInitiatedShutdownBehavior", "InstanceInitiatedShutdownBehavior.Value", "stop", ""},
		{[]string{"--instance-initiated-shutdown-behavior", "terminate"}, "instanceInitiatedShutdownBehavior", "InstanceInitiatedShutdownBehavior.Value", "stop", "UnsupportedOperation"},
	} {
		args := append([]string{"ec2", "modify-instance-attribute", "--instance-id", id}, c.flags...)
		if c.refuse != "" {
			if out := aws.failsOut(c.refuse, args...); !strings.Contains(out, c.attr) {
				t.Fatalf("%v: refusal does not name %s: %s", c.flags, c.attr, out)
			}
		} else {
			aws.ok(nil, args...)
		}
		var got any
		aws.ok(&got, "ec2", "describe-instance-attribute", "--instance-id", id, "--attribute", c.attr, "--query", c.query)
		if s := strings.ToLower(strings.TrimSpace(toString(got))); s != c.want {
			t.Fatalf("%v: %s reads back %q, want %q", c.flags, c.attr, s, c.want)
		}
	}
	for _, flags := range [][]string{
		{"--kernel", "aki-0123456789abcdef0"},
		{"--ena-support"},
		{"--block-device-mappings", "DeviceName=/dev/sda1,Ebs={DeleteOnTermination=false}"},
	} {
		aws.fails("UnsupportedOperation", append([]string{"ec2", "modify-instance-attribute", "--instance-id", id}, flags...)...)
	}
	aws.ok(nil, "ec2", "terminate-instances", "--instance-ids", id)
}

func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		if x {
			return "true"
		}
		return "false"
	}
	return ""
}
