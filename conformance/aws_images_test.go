package conformance

import (
	"strings"
	"testing"
	"time"
)

// TestAWSCLIImages drives the image and snapshot commands of issue 16
// §3.3 through the real aws CLI: register-image from a snapshot of a root
// volume, modify/describe/reset-image-attribute launch permissions (Group
// all, account ids), describe-images --executable-users,
// describe/modify-snapshot-attribute, copy-image and copy-snapshot (EC2's
// errors: CloudStack's copies keep the id) and deregister-image of an
// image in use. It skips without the aws CLI, except with CI=true.
func TestAWSCLIImages(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the gateway and runs the aws CLI")
	}
	requireTool(t, "aws")
	gw := startGateway(t, nil)
	aws := newAWSCLI(t, gw)
	until := func(what string, args ...string) {
		t.Helper()
		for i := 0; i < 100; i++ {
			if aws.str(args...) == what {
				return
			}
			time.Sleep(200 * time.Millisecond)
		}
		t.Fatalf("aws %s never answered %q", strings.Join(args, " "), what)
	}
	ami := aws.str("ec2", "describe-images", "--owners", "amazon", "--filters", "Name=name,Values=Debian*", "--query", "Images[0].ImageId")
	typ := aws.strs("ec2", "describe-instance-types", "--query", "sort_by(InstanceTypes, &MemoryInfo.SizeInMiB)[:1].InstanceType")[0]
	id := aws.str("ec2", "run-instances", "--image-id", ami, "--instance-type", typ, "--query", "Instances[0].InstanceId")
	until("running", "ec2", "describe-instances", "--instance-ids", id, "--query", "Reservations[0].Instances[0].State.Name")
	root := aws.str("ec2", "describe-volumes", "--filters", "Name=attachment.instance-id,Values="+id, "--query", "Volumes[0].VolumeId")
	snap := aws.str("ec2", "create-snapshot", "--volume-id", root, "--description", "root of "+id, "--query", "SnapshotId")
	until("completed", "ec2", "describe-snapshots", "--snapshot-ids", snap, "--query", "Snapshots[0].State")

	// register-image from the snapshot.
	img := aws.str("ec2", "register-image", "--name", "cli-registered", "--description", "from "+snap,
		"--architecture", "x86_64", "--virtualization-type", "hvm", "--root-device-name", "/dev/sda1",
		"--block-device-mappings", "DeviceName=/dev/sda1,Ebs={SnapshotId="+snap+"}", "--query", "ImageId")
	until("available", "ec2", "describe-images", "--image-ids", img, "--query", "Images[0].State")
	if d := aws.str("ec2", "describe-images", "--image-ids", img, "--query", "Images[0].Description"); d != "from "+snap {
		t.Fatalf("registered image description %q", d)
	}
	aws.fails("InvalidAMIName.Duplicate", "ec2", "register-image", "--name", "cli-registered",
		"--block-device-mappings", "DeviceName=/dev/sda1,Ebs={SnapshotId="+snap+"}")
	aws.fails("UnknownParameter", "ec2", "register-image", "--name", "cli-s3", "--image-location", "bucket/x.manifest.xml")

	// Launch permissions. UserId is an account id, as sts
	// get-caller-identity answers (the caller's own is a no-op; sharing
	// with another account is covered by ec2compat's TestSDKRegisterShareImage).
	self := aws.str("sts", "get-caller-identity", "--query", "Account")
	aws.ok(nil, "ec2", "modify-image-attribute", "--image-id", img, "--launch-permission", "Add=[{Group=all},{UserId="+self+"}]")
	var perms []struct{ Group, UserId string }
	aws.ok(&perms, "ec2", "describe-image-attribute", "--image-id", img, "--attribute", "launchPermission", "--query", "LaunchPermissions")
	if len(perms) != 1 || perms[0].Group != "all" {
		t.Fatalf("launch permissions after add: %+v", perms)
	}
	if got := aws.strs("ec2", "describe-images", "--owners", "self", "--executable-users", "all", "--query", "Images[].ImageId"); len(got) != 1 || got[0] != img {
		t.Fatalf("--owners self --executable-users all: %v", got)
	}
	if se := aws.failsOut("InvalidAMIAttributeItemValue", "ec2", "modify-image-attribute", "--image-id", img, "--attribute", "launchPermission",
		"--operation-type", "add", "--user-ids", "other"); !strings.Contains(se, "account id") {
		t.Fatalf("a UserId that is no account id: %s", se)
	}
	aws.fails("InvalidAMIAttributeItemValue", "ec2", "modify-image-attribute", "--image-id", img, "--launch-permission", "Add=[{UserId=11111111-2222-3333-4444-555555555555}]")
	aws.fails("AuthFailure", "ec2", "modify-image-attribute", "--image-id", ami, "--launch-permission", "Remove=[{Group=all}]")
	aws.ok(nil, "ec2", "reset-image-attribute", "--image-id", img, "--attribute", "launchPermission")
	aws.ok(&perms, "ec2", "describe-image-attribute", "--image-id", img, "--attribute", "launchPermission", "--query", "LaunchPermissions")
	if len(perms) != 0 {
		t.Fatalf("launch permissions after reset: %+v", perms)
	}

	// Snapshots cannot be shared; copies keep CloudStack's ids.
	var cvp []any
	aws.ok(&cvp, "ec2", "describe-snapshot-attribute", "--snapshot-id", snap, "--attribute", "createVolumePermission", "--query", "CreateVolumePermissions")
	if len(cvp) != 0 {
		t.Fatalf("createVolumePermission: %v", cvp)
	}
	aws.fails("UnsupportedOperation", "ec2", "modify-snapshot-attribute", "--snapshot-id", snap, "--attribute", "createVolumePermission", "--operation-type", "add", "--group-names", "all")
	region := gw.Env["AWS_DEFAULT_REGION"]
	aws.fails("UnsupportedOperation", "ec2", "copy-image", "--source-region", region, "--source-image-id", img, "--name", "cli-copy")
	aws.fails("UnsupportedOperation", "ec2", "copy-snapshot", "--source-region", region, "--source-snapshot-id", snap)

	// An image in use by an instance is deregistered; the instance runs on.
	used := aws.str("ec2", "run-instances", "--image-id", img, "--instance-type", typ, "--query", "Instances[0].InstanceId")
	aws.ok(nil, "ec2", "deregister-image", "--image-id", img)
	aws.fails("InvalidAMIID.NotFound", "ec2", "describe-images", "--image-ids", img)
	if st := aws.str("ec2", "describe-instances", "--instance-ids", used, "--query", "Reservations[0].Instances[0].State.Name"); st != "running" && st != "pending" {
		t.Fatalf("instance of a deregistered image is %s", st)
	}
	aws.ok(nil, "ec2", "terminate-instances", "--instance-ids", id, used)
}
