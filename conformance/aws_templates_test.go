package conformance

import (
	"encoding/base64"
	"strings"
	"testing"
)

// TestAWSCLILaunchTemplates drives launch templates through the real aws
// CLI: create-launch-template (JSON --launch-template-data, tags on the
// template), create-launch-template-version --source-version,
// describe-launch-templates / describe-launch-template-versions reading
// back what was written, modify-launch-template --default-version,
// run-instances --launch-template (the request's flags win), and
// delete-launch-template; data a launch could not honour is refused at
// creation naming the parameter. It skips without the aws CLI, except
// with CI=true.
func TestAWSCLILaunchTemplates(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the gateway and runs the aws CLI")
	}
	requireTool(t, "aws")
	gw := startGateway(t, nil)
	aws := newAWSCLI(t, gw)
	ami := aws.str("ec2", "describe-images", "--owners", "amazon", "--filters", "Name=name,Values=Debian*", "--query", "Images[0].ImageId")
	types := aws.strs("ec2", "describe-instance-types", "--query", "sort_by(InstanceTypes, &MemoryInfo.SizeInMiB)[:2].InstanceType")
	small, bigger := types[0], types[1]
	ud := base64.StdEncoding.EncodeToString([]byte("#!/bin/sh\necho launch-template\n"))
	data := `{"ImageId":"` + ami + `","InstanceType":"` + small + `","UserData":"` + ud + `",` +
		`"TagSpecifications":[{"ResourceType":"instance","Tags":[{"Key":"Name","Value":"from-lt"}]}],` +
		`"BlockDeviceMappings":[{"DeviceName":"/dev/sda1","Ebs":{"VolumeSize":12}}]}`

	var lt struct {
		LaunchTemplateId, LaunchTemplateName      string
		DefaultVersionNumber, LatestVersionNumber int
	}
	aws.ok(&lt, "ec2", "create-launch-template", "--launch-template-name", "web-lt", "--version-description", "first",
		"--launch-template-data", data, "--tag-specifications", "ResourceType=launch-template,Tags=[{Key=team,Value=a}]",
		"--query", "LaunchTemplate")
	if !strings.HasPrefix(lt.LaunchTemplateId, "lt-") || lt.LaunchTemplateName != "web-lt" || lt.DefaultVersionNumber != 1 || lt.LatestVersionNumber != 1 {
		t.Fatalf("create-launch-template = %+v", lt)
	}
	aws.fails("InvalidLaunchTemplateName.AlreadyExistsException", "ec2", "create-launch-template", "--launch-template-name", "web-lt",
		"--launch-template-data", data)

	// What was written reads back.
	var got struct {
		ImageId, InstanceType, UserData string
		TagSpecifications               []struct {
			ResourceType string
			Tags         []struct{ Key, Value string }
		}
		BlockDeviceMappings []struct {
			DeviceName string
			Ebs        struct{ VolumeSize int }
		}
	}
	aws.ok(&got, "ec2", "describe-launch-template-versions", "--launch-template-id", lt.LaunchTemplateId, "--versions", "1",
		"--query", "LaunchTemplateVersions[0].LaunchTemplateData")
	if got.ImageId != ami || got.InstanceType != small || got.UserData != ud || len(got.TagSpecifications) != 1 ||
		got.TagSpecifications[0].ResourceType != "instance" || len(got.TagSpecifications[0].Tags) != 1 ||
		len(got.BlockDeviceMappings) != 1 || got.BlockDeviceMappings[0].Ebs.VolumeSize != 12 {
		t.Fatalf("version 1 reads back %+v", got)
	}

	// Version 2 from version 1, default 2.
	var v2 int
	aws.ok(&v2, "ec2", "create-launch-template-version", "--launch-template-name", "web-lt", "--source-version", "1",
		"--launch-template-data", `{"InstanceType":"`+bigger+`"}`, "--query", "LaunchTemplateVersion.VersionNumber")
	if v2 != 2 {
		t.Fatalf("create-launch-template-version = %d", v2)
	}
	if typ := aws.str("ec2", "describe-launch-template-versions", "--launch-template-name", "web-lt", "--versions", "$Latest",
		"--query", "LaunchTemplateVersions[0].LaunchTemplateData.InstanceType"); typ != bigger {
		t.Fatalf("$Latest instance type %s, want %s", typ, bigger)
	}
	aws.ok(nil, "ec2", "modify-launch-template", "--launch-template-id", lt.LaunchTemplateId, "--default-version", "2")
	aws.ok(&lt, "ec2", "describe-launch-templates", "--launch-template-names", "web-lt", "--query", "LaunchTemplates[0]")
	if lt.DefaultVersionNumber != 2 || lt.LatestVersionNumber != 2 {
		t.Fatalf("after modify-launch-template: %+v", lt)
	}
	if n := aws.strs("ec2", "describe-launch-templates", "--filters", "Name=tag:team,Values=a", "--query", "LaunchTemplates[].LaunchTemplateName"); len(n) != 1 {
		t.Fatalf("describe-launch-templates by tag = %v", n)
	}
	aws.ok(nil, "ec2", "create-tags", "--resources", lt.LaunchTemplateId, "--tags", "Key=team,Value=b", "Key=cost,Value=1")
	aws.ok(nil, "ec2", "delete-tags", "--resources", lt.LaunchTemplateId, "--tags", "Key=cost")
	if v := aws.strs("ec2", "describe-launch-templates", "--launch-template-ids", lt.LaunchTemplateId, "--query", "LaunchTemplates[0].Tags[].Value"); len(v) != 1 || v[0] != "b" {
		t.Fatalf("tags after create-tags/delete-tags = %v", v)
	}

	// run-instances --launch-template: $Default (2), the CLI's flag wins.
	var inst struct {
		InstanceId, InstanceType, ImageId string
		Tags                              []struct{ Key, Value string }
	}
	aws.ok(&inst, "ec2", "run-instances", "--launch-template", "LaunchTemplateName=web-lt", "--instance-type", small,
		"--query", "Instances[0]")
	tags := map[string]string{}
	for _, tg := range inst.Tags {
		tags[tg.Key] = tg.Value
	}
	if inst.InstanceType != small || inst.ImageId != ami || tags["Name"] != "from-lt" ||
		tags["aws:ec2launchtemplate:id"] != lt.LaunchTemplateId || tags["aws:ec2launchtemplate:version"] != "2" {
		t.Fatalf("run-instances --launch-template = %+v", inst)
	}
	aws.ok(&inst, "ec2", "run-instances", "--launch-template", "LaunchTemplateId="+lt.LaunchTemplateId+",Version=$Latest", "--query", "Instances[0]")
	if inst.InstanceType != bigger {
		t.Fatalf("run-instances --launch-template Version=$Latest: type %s, want %s", inst.InstanceType, bigger)
	}
	aws.fails("InvalidLaunchTemplateId.VersionNotFound", "ec2", "run-instances", "--launch-template", "LaunchTemplateName=web-lt,Version=7")

	// Refused at creation, naming the parameter; nothing stored.
	out := aws.failsOut("UnsupportedOperation", "ec2", "create-launch-template", "--launch-template-name", "bad-lt",
		"--launch-template-data", `{"ImageId":"`+ami+`","InstanceInitiatedShutdownBehavior":"terminate"}`)
	if !strings.Contains(out, "InstanceInitiatedShutdownBehavior") {
		t.Fatalf("refusal does not name the parameter: %s", out)
	}
	aws.fails("UnknownParameter", "ec2", "create-launch-template", "--launch-template-name", "bad-lt",
		"--launch-template-data", `{"ImageId":"`+ami+`","KernelId":"aki-12345678"}`)
	aws.fails("InvalidLaunchTemplateName.NotFoundException", "ec2", "describe-launch-templates", "--launch-template-names", "bad-lt")

	var dv struct {
		SuccessfullyDeletedLaunchTemplateVersions   []struct{ VersionNumber int }
		UnsuccessfullyDeletedLaunchTemplateVersions []struct{ VersionNumber int }
	}
	aws.ok(&dv, "ec2", "delete-launch-template-versions", "--launch-template-name", "web-lt", "--versions", "1", "2")
	if len(dv.SuccessfullyDeletedLaunchTemplateVersions) != 1 || dv.SuccessfullyDeletedLaunchTemplateVersions[0].VersionNumber != 1 ||
		len(dv.UnsuccessfullyDeletedLaunchTemplateVersions) != 1 {
		t.Fatalf("delete-launch-template-versions 1 2 (2 is the default) = %+v", dv)
	}
	aws.ok(nil, "ec2", "delete-launch-template", "--launch-template-name", "web-lt")
	aws.fails("InvalidLaunchTemplateId.NotFound", "ec2", "describe-launch-templates", "--launch-template-ids", lt.LaunchTemplateId)
}
