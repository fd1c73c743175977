package conformance

import (
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestAWSCLI drives the built cloudgate binary with the real aws CLI
// (black box: no project imports) through a full EC2 session. It needs
// `aws` in PATH (a failure when CI=true, a skip otherwise).
func TestAWSCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the gateway and runs the aws CLI")
	}
	requireTool(t, "aws")
	gw := startGateway(t, nil)
	aws := newAWSCLI(t, gw)
	region := gw.Env["AWS_DEFAULT_REGION"]

	// Catalog.
	if got := aws.strs("ec2", "describe-regions", "--query", "Regions[].RegionName"); len(got) != 1 || got[0] != region {
		t.Fatalf("regions %v, want [%s]", got, region)
	}
	zones := aws.strs("ec2", "describe-availability-zones", "--query", "AvailabilityZones[].ZoneName")
	if len(zones) == 0 {
		t.Fatal("no availability zones")
	}
	zone := zones[0]
	ami := aws.str("ec2", "describe-images", "--owners", "amazon", "--filters", "Name=name,Values=Debian*", "--query", "Images[0].ImageId")
	if !strings.HasPrefix(ami, "ami-") {
		t.Fatalf("image id %q", ami)
	}
	typesBySize := aws.strs("ec2", "describe-instance-types", "--query", "sort_by(InstanceTypes, &MemoryInfo.SizeInMiB)[:2].InstanceType")
	if len(typesBySize) != 2 || typesBySize[0] == typesBySize[1] {
		t.Fatalf("instance types %q", typesBySize)
	}
	small, bigger := typesBySize[0], typesBySize[1]

	// Key pair and security group.
	var kp struct{ KeyName, KeyPairId, KeyMaterial, KeyFingerprint string }
	aws.ok(&kp, "ec2", "create-key-pair", "--key-name", "cli-key")
	if !strings.Contains(kp.KeyMaterial, "PRIVATE KEY") || !strings.HasPrefix(kp.KeyPairId, "key-") {
		t.Fatalf("create-key-pair: %+v", kp)
	}
	aws.fails("InvalidKeyPair.Duplicate", "ec2", "create-key-pair", "--key-name", "cli-key")
	sg := aws.str("ec2", "create-security-group", "--group-name", "cli-web", "--description", "web servers", "--query", "GroupId")
	aws.ok(nil, "ec2", "authorize-security-group-ingress", "--group-id", sg, "--protocol", "tcp", "--port", "22", "--cidr", "0.0.0.0/0")
	var perms []struct {
		IpProtocol       string
		FromPort, ToPort int
		IpRanges         []struct{ CidrIp string }
	}
	aws.ok(&perms, "ec2", "describe-security-groups", "--group-ids", sg, "--query", "SecurityGroups[0].IpPermissions")
	if len(perms) != 1 || perms[0].IpProtocol != "tcp" || perms[0].FromPort != 22 || perms[0].ToPort != 22 || perms[0].IpRanges[0].CidrIp != "0.0.0.0/0" {
		t.Fatalf("ingress rules %+v", perms)
	}

	// Two instances, idempotent on the client token.
	runArgs := []string{"ec2", "run-instances", "--image-id", ami, "--instance-type", small, "--key-name", "cli-key",
		"--security-group-ids", sg, "--user-data", "#!/bin/sh\necho hello\n", "--placement", "AvailabilityZone=" + zone,
		"--tag-specifications", "ResourceType=instance,Tags=[{Key=Name,Value=cli-web},{Key=env,Value=dev}]",
		"ResourceType=volume,Tags=[{Key=Name,Value=cli-vol}]",
		"--count", "2", "--client-token", "cli-token-1"}
	var r1, r2 struct {
		ReservationId string
		Instances     []struct {
			InstanceId string
			State      struct{ Name string }
		}
	}
	aws.ok(&r1, runArgs...)
	aws.ok(&r2, runArgs...)
	var ids, ids2 []string
	for _, in := range r1.Instances {
		ids = append(ids, in.InstanceId)
	}
	for _, in := range r2.Instances {
		ids2 = append(ids2, in.InstanceId)
	}
	if len(ids) != 2 || r1.ReservationId != r2.ReservationId || !sameSet(ids, ids2) {
		t.Fatalf("client token not idempotent: %s %v / %s %v", r1.ReservationId, ids, r2.ReservationId, ids2)
	}
	if n := aws.polls(append([]string{"ec2", "wait", "instance-running", "--instance-ids"}, ids...)...); n != 1 {
		t.Errorf("wait instance-running polled %d times, want 1 (ready at the first poll)", n)
	}
	filtered := aws.strs("ec2", "describe-instances", "--filters", "Name=tag:Name,Values=cli-*", "Name=instance-state-name,Values=running,pending",
		"Name=instance-type,Values="+small, "Name=availability-zone,Values="+zone, "Name=key-name,Values=cli-key",
		"--query", "Reservations[].Instances[].InstanceId")
	if !sameSet(filtered, ids) {
		t.Fatalf("filtered describe-instances %v, want %v (the second run-instances must not launch more)", filtered, ids)
	}
	var inst struct {
		InstanceId, ImageId, InstanceType, KeyName, PrivateIpAddress, LaunchTime string
		State                                                                    struct{ Name string }
		Placement                                                                struct{ AvailabilityZone string }
		SecurityGroups                                                           []struct{ GroupId, GroupName string }
		Tags                                                                     []struct{ Key, Value string }
	}
	aws.ok(&inst, "ec2", "describe-instances", "--instance-ids", ids[0], "--query", "Reservations[0].Instances[0]")
	if inst.State.Name != "running" || inst.ImageId != ami || inst.InstanceType != small || inst.KeyName != "cli-key" ||
		inst.PrivateIpAddress == "" || inst.Placement.AvailabilityZone != zone || len(inst.SecurityGroups) != 1 ||
		inst.SecurityGroups[0].GroupId != sg || len(inst.Tags) != 2 || !strings.HasSuffix(inst.LaunchTime, "Z") {
		t.Fatalf("instance %+v", inst)
	}
	aws.fails("InvalidInstanceID.NotFound", "ec2", "describe-instances", "--instance-ids", "i-0123456789abcdef0123456789abcdef")

	// Paging: four more instances, pages of 5.
	var r3 struct{ Instances []struct{ InstanceId string } }
	aws.ok(&r3, "ec2", "run-instances", "--image-id", ami, "--instance-type", small, "--count", "4",
		"--tag-specifications", "ResourceType=instance,Tags=[{Key=Name,Value=cli-page}]")
	// --max-items counts reservations; walk the CLI's tokens (which wrap
	// the gateway's NextToken) one reservation at a time.
	var paged []string
	calls := 0
	for token := ""; ; calls++ {
		if calls > 10 {
			t.Fatal("describe-instances paging does not end")
		}
		args := []string{"ec2", "describe-instances", "--page-size", "5", "--max-items", "1"}
		if token != "" {
			args = append(args, "--starting-token", token)
		}
		var page struct {
			Reservations []struct{ Instances []struct{ InstanceId string } }
			NextToken    string
		}
		aws.ok(&page, args...)
		for _, r := range page.Reservations {
			for _, in := range r.Instances {
				paged = append(paged, in.InstanceId)
			}
		}
		if token = page.NextToken; token == "" {
			break
		}
	}
	seenPaged := map[string]bool{}
	for _, id := range paged {
		if seenPaged[id] {
			t.Fatalf("instance %s returned twice while paging: %v", id, paged)
		}
		seenPaged[id] = true
	}
	if len(paged) != 6 || calls < 2 {
		t.Fatalf("paging returned %d instances in %d calls, want 6 in at least 2", len(paged), calls+1)
	}
	aws.fails("InvalidParameterValue", "ec2", "describe-instances", "--page-size", "2")
	var extra []string
	for _, in := range r3.Instances {
		extra = append(extra, in.InstanceId)
	}
	aws.ok(nil, append([]string{"ec2", "terminate-instances", "--instance-ids"}, extra...)...)

	// Stop, change the type, start.
	var stop struct {
		StoppingInstances []struct {
			InstanceId                  string
			CurrentState, PreviousState struct{ Name string }
		}
	}
	aws.ok(&stop, "ec2", "stop-instances", "--instance-ids", ids[0])
	if s := stop.StoppingInstances; len(s) != 1 || s[0].PreviousState.Name != "running" || (s[0].CurrentState.Name != "stopped" && s[0].CurrentState.Name != "stopping") {
		t.Fatalf("stop-instances %+v", s)
	}
	if n := aws.polls("ec2", "wait", "instance-stopped", "--instance-ids", ids[0]); n != 1 {
		t.Errorf("wait instance-stopped polled %d times, want 1 (ready at the first poll)", n)
	}
	aws.ok(nil, "ec2", "modify-instance-attribute", "--instance-id", ids[0], "--instance-type", "Value="+bigger)
	if got := aws.str("ec2", "describe-instance-attribute", "--instance-id", ids[0], "--attribute", "instanceType", "--query", "InstanceType.Value"); got != bigger {
		t.Fatalf("instance type after modify: %q, want %q", got, bigger)
	}
	aws.ok(nil, "ec2", "start-instances", "--instance-ids", ids[0])
	if n := aws.polls("ec2", "wait", "instance-running", "--instance-ids", ids[0]); n != 1 {
		t.Errorf("wait instance-running after start polled %d times, want 1 (ready at the first poll)", n)
	}
	aws.fails("IncorrectInstanceState", "ec2", "modify-instance-attribute", "--instance-id", ids[0], "--instance-type", "Value="+small)

	// Volume and snapshot.
	var newVol struct{ VolumeId, State string }
	aws.ok(&newVol, "ec2", "create-volume", "--availability-zone", zone, "--size", "5")
	vol := newVol.VolumeId
	if newVol.State != "available" {
		t.Fatalf("create-volume: %+v", newVol)
	}
	aws.ok(nil, "ec2", "attach-volume", "--volume-id", vol, "--instance-id", ids[0], "--device", "/dev/sdf")
	if got := aws.str("ec2", "describe-volumes", "--volume-ids", vol, "--query", "Volumes[0].State"); got != "in-use" {
		t.Fatalf("volume state after attach: %s", got)
	}
	aws.fails("VolumeInUse", "ec2", "delete-volume", "--volume-id", vol)
	snap := aws.str("ec2", "create-snapshot", "--volume-id", vol, "--description", "cli snapshot", "--query", "SnapshotId")
	if n := aws.polls("ec2", "wait", "snapshot-completed", "--snapshot-ids", snap); n != 1 {
		t.Errorf("wait snapshot-completed polled %d times, want 1 (ready at the first poll)", n)
	}
	aws.ok(nil, "ec2", "detach-volume", "--volume-id", vol)
	if n := aws.polls("ec2", "wait", "volume-available", "--volume-ids", vol); n != 1 {
		t.Errorf("wait volume-available polled %d times, want 1 (ready at the first poll)", n)
	}
	aws.ok(nil, "ec2", "delete-snapshot", "--snapshot-id", snap)
	aws.ok(nil, "ec2", "delete-volume", "--volume-id", vol)

	// Elastic IP: the demo zones have security groups, where CloudStack
	// gives users no public addresses; the aws CLI gets the native error.
	// (The Elastic IP lifecycle runs on a zone with isolated networks in
	// TestEC2Clients/JSSDK and the conformance scenarios.)
	aws.fails("UnsupportedOperation", "ec2", "allocate-address", "--domain", "vpc")

	// Tags.
	aws.ok(nil, "ec2", "create-tags", "--resources", ids[0], sg, "--tags", "Key=owner,Value=cli", "Key=empty,Value=")
	var tags []struct{ ResourceId, ResourceType, Key, Value string }
	aws.ok(&tags, "ec2", "describe-tags", "--filters", "Name=key,Values=owner", "--query", "Tags")
	if len(tags) != 2 {
		t.Fatalf("describe-tags %+v", tags)
	}
	aws.ok(nil, "ec2", "delete-tags", "--resources", ids[0], sg, "--tags", "Key=owner", "Key=empty")
	if got := aws.strs("ec2", "describe-tags", "--filters", "Name=key,Values=owner", "--query", "Tags[].ResourceId"); len(got) != 0 {
		t.Fatalf("tags left after delete-tags: %v", got)
	}

	// Terminate.
	var term struct {
		TerminatingInstances []struct {
			InstanceId   string
			CurrentState struct{ Name string }
		}
	}
	aws.ok(&term, append([]string{"ec2", "terminate-instances", "--instance-ids"}, ids...)...)
	if len(term.TerminatingInstances) != 2 {
		t.Fatalf("terminate-instances %+v", term)
	}
	if n := aws.polls(append([]string{"ec2", "wait", "instance-terminated", "--instance-ids"}, ids...)...); n != 1 {
		t.Errorf("wait instance-terminated polled %d times, want 1 (ready at the first poll)", n)
	}
	if got := aws.strs("ec2", "describe-instances", "--filters", "Name=instance-state-name,Values=pending,running,stopping,stopped", "--query", "Reservations[].Instances[].InstanceId"); len(got) != 0 {
		t.Fatalf("instances still alive: %v", got)
	}

	// Cleanup.
	aws.ok(nil, "ec2", "delete-key-pair", "--key-name", "cli-key")
	// CloudStack refuses to delete a group while destroyed-but-not-expunged
	// VMs still reference it; either answer is acceptable here.
	if _, se, err := run(t, aws.env, time.Minute, aws.bin, aws.args([]string{"ec2", "delete-security-group", "--group-id", sg})...); err != nil && !strings.Contains(se, "(DependencyViolation)") {
		t.Fatalf("delete-security-group: %s", se)
	}
}

// botoScript exercises boto3: timestamps parsed as datetimes, the
// paginator, error codes in ClientError and the waiter.
const botoScript = `
import datetime, sys, boto3, botocore
ec2 = boto3.client("ec2", endpoint_url=sys.argv[1])
zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]]
ami = ec2.describe_images(Owners=["amazon"], Filters=[{"Name": "name", "Values": ["Debian*"]}])["Images"][0]["ImageId"]
types = sorted(ec2.describe_instance_types()["InstanceTypes"], key=lambda t: t["MemoryInfo"]["SizeInMiB"])
r = ec2.run_instances(ImageId=ami, InstanceType=types[0]["InstanceType"], MinCount=6, MaxCount=6,
                      Placement={"AvailabilityZone": zones[0]})
ids = [i["InstanceId"] for i in r["Instances"]]
assert all(isinstance(i["LaunchTime"], datetime.datetime) for i in r["Instances"]), r["Instances"]
ec2.get_waiter("instance_running").wait(InstanceIds=ids, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
seen, pages = [], 0
for page in ec2.get_paginator("describe_instances").paginate(PaginationConfig={"PageSize": 5}):
    pages += 1
    seen += [i["InstanceId"] for res in page["Reservations"] for i in res["Instances"]]
assert sorted(seen) == sorted(ids) and pages == 2, (pages, seen)
try:
    ec2.describe_instances(InstanceIds=["i-0123456789abcdef0123456789abcdef"])
    raise SystemExit("no error")
except botocore.exceptions.ClientError as e:
    assert e.response["Error"]["Code"] == "InvalidInstanceID.NotFound", e.response
    assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 400
ec2.terminate_instances(InstanceIds=ids)
ec2.get_waiter("instance_terminated").wait(InstanceIds=ids, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
print("boto3 ok")
`

// TestAWSBoto3 runs a small boto3 script against the gateway.
func TestAWSBoto3(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the gateway and runs python3")
	}
	py := requireTool(t, "python3")
	if err := exec.Command(py, "-c", "import boto3").Run(); err != nil {
		requireTool(t, "boto3-python-module") // fails in CI, skips elsewhere
	}
	gw := startGateway(t, nil)
	cli := newAWSCLI(t, gw)
	so, se, err := run(t, cli.env, 3*time.Minute, py, "-c", botoScript, gw.URL)
	if err != nil || !strings.Contains(so, "boto3 ok") {
		t.Fatalf("boto3 script: %v\nstdout: %s\nstderr: %s", err, so, se)
	}
}
