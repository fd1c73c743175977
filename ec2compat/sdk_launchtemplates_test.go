package ec2compat_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/cloudgate/cloudgate/translate"
)

func TestSDKLaunchTemplates(t *testing.T) {
	e := mustEnv(t)
	ctx := ctxT(t)
	c := e.ec2
	ami := debianImage(t, e)
	sg, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("lt-web"), Description: aws.String("web")})
	if err != nil {
		t.Fatal(err)
	}
	ud := base64.StdEncoding.EncodeToString([]byte("#!/bin/sh\necho lt\n"))
	data := &types.RequestLaunchTemplateData{
		ImageId: aws.String(ami), InstanceType: "t3.micro", UserData: aws.String(ud),
		SecurityGroupIds: []string{aws.ToString(sg.GroupId)},
		TagSpecifications: []types.LaunchTemplateTagSpecificationRequest{{ResourceType: types.ResourceTypeInstance,
			Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String("from-lt")}, {Key: aws.String("env"), Value: aws.String("dev")}}}},
		BlockDeviceMappings: []types.LaunchTemplateBlockDeviceMappingRequest{{DeviceName: aws.String("/dev/sda1"),
			Ebs: &types.LaunchTemplateEbsBlockDeviceRequest{VolumeSize: aws.Int32(12)}}},
	}
	create := func(token string) *ec2.CreateLaunchTemplateOutput {
		t.Helper()
		out, err := c.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("web"),
			VersionDescription: aws.String("first"), LaunchTemplateData: data, ClientToken: aws.String(token),
			TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeLaunchTemplate,
				Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("a")}}}}})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	lt := create("tok-1").LaunchTemplate
	id := aws.ToString(lt.LaunchTemplateId)
	if !strings.HasPrefix(id, "lt-") || len(id) != 20 || aws.ToInt64(lt.DefaultVersionNumber) != 1 || aws.ToInt64(lt.LatestVersionNumber) != 1 ||
		len(lt.Tags) != 1 || lt.CreateTime == nil {
		t.Fatalf("created %+v", lt)
	}
	// Same ClientToken: the same template. Another create of the name: refused.
	if again := create("tok-1").LaunchTemplate; aws.ToString(again.LaunchTemplateId) != id {
		t.Fatalf("retry made %s, want %s", aws.ToString(again.LaunchTemplateId), id)
	}
	_, err = c.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("web"), LaunchTemplateData: data})
	wantCode(t, err, "InvalidLaunchTemplateName.AlreadyExistsException")

	// Version 2 from version 1 with another instance type.
	v2, err := c.CreateLaunchTemplateVersion(ctx, &ec2.CreateLaunchTemplateVersionInput{LaunchTemplateId: aws.String(id),
		SourceVersion: aws.String("1"), VersionDescription: aws.String("bigger"), ClientToken: aws.String("v2"),
		LaunchTemplateData: &types.RequestLaunchTemplateData{InstanceType: "t3.small"}})
	if err != nil || aws.ToInt64(v2.LaunchTemplateVersion.VersionNumber) != 2 {
		t.Fatalf("version 2: %+v %v", v2, err)
	}
	v2again, err := c.CreateLaunchTemplateVersion(ctx, &ec2.CreateLaunchTemplateVersionInput{LaunchTemplateId: aws.String(id),
		SourceVersion: aws.String("1"), ClientToken: aws.String("v2"),
		LaunchTemplateData: &types.RequestLaunchTemplateData{InstanceType: "t3.small"}})
	if err != nil || aws.ToInt64(v2again.LaunchTemplateVersion.VersionNumber) != 2 {
		t.Fatalf("retried version 2: %+v %v", v2again, err)
	}

	// What was written reads back.
	vs, err := c.DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateName: aws.String("web")})
	if err != nil || len(vs.LaunchTemplateVersions) != 2 {
		t.Fatalf("versions: %+v %v", vs, err)
	}
	var v1 *types.LaunchTemplateVersion
	for i := range vs.LaunchTemplateVersions {
		if aws.ToInt64(vs.LaunchTemplateVersions[i].VersionNumber) == 1 {
			v1 = &vs.LaunchTemplateVersions[i]
		}
	}
	d := v1.LaunchTemplateData
	if v1 == nil || !aws.ToBool(v1.DefaultVersion) || aws.ToString(v1.VersionDescription) != "first" || aws.ToString(d.ImageId) != ami ||
		d.InstanceType != "t3.micro" || aws.ToString(d.UserData) != ud || len(d.SecurityGroupIds) != 1 || d.SecurityGroupIds[0] != aws.ToString(sg.GroupId) ||
		len(d.TagSpecifications) != 1 || len(d.TagSpecifications[0].Tags) != 2 || d.TagSpecifications[0].ResourceType != types.ResourceTypeInstance ||
		len(d.BlockDeviceMappings) != 1 || aws.ToInt32(d.BlockDeviceMappings[0].Ebs.VolumeSize) != 12 {
		t.Fatalf("version 1 reads back %+v / %+v", v1, d)
	}
	latest, err := c.DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: aws.String(id), Versions: []string{"$Latest"}})
	if err != nil || len(latest.LaunchTemplateVersions) != 1 || latest.LaunchTemplateVersions[0].LaunchTemplateData.InstanceType != "t3.small" ||
		aws.ToString(latest.LaunchTemplateVersions[0].LaunchTemplateData.ImageId) != ami {
		t.Fatalf("$Latest: %+v %v", latest, err)
	}

	// RunInstances from $Default (version 1), the request's tags replacing the template's.
	run, err := c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
		LaunchTemplate: &types.LaunchTemplateSpecification{LaunchTemplateName: aws.String("web")}})
	if err != nil {
		t.Fatal(err)
	}
	in := run.Instances[0]
	if in.InstanceType != "t3.micro" || aws.ToString(in.ImageId) != ami || len(in.SecurityGroups) != 1 {
		t.Fatalf("instance from the template: %+v", in)
	}
	tags := map[string]string{}
	for _, tg := range in.Tags {
		tags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
	}
	if tags["Name"] != "from-lt" || tags["env"] != "dev" || tags["aws:ec2launchtemplate:id"] != id || tags["aws:ec2launchtemplate:version"] != "1" {
		t.Fatalf("tags from the template: %v", tags)
	}
	// DescribeInstances shows the template too (Terraform reads it there).
	desc, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{aws.ToString(in.InstanceId)}})
	if err != nil || len(desc.Reservations) != 1 {
		t.Fatal(err)
	}
	found := false
	for _, tg := range desc.Reservations[0].Instances[0].Tags {
		found = found || aws.ToString(tg.Key) == "aws:ec2launchtemplate:id" && aws.ToString(tg.Value) == id
	}
	if !found {
		t.Fatalf("DescribeInstances tags %+v lack aws:ec2launchtemplate:id", desc.Reservations[0].Instances[0].Tags)
	}
	// Default version 2, and a request parameter that wins.
	mod, err := c.ModifyLaunchTemplate(ctx, &ec2.ModifyLaunchTemplateInput{LaunchTemplateId: aws.String(id), DefaultVersion: aws.String("2")})
	if err != nil || aws.ToInt64(mod.LaunchTemplate.DefaultVersionNumber) != 2 {
		t.Fatalf("modify: %+v %v", mod, err)
	}
	run2, err := c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
		LaunchTemplate:    &types.LaunchTemplateSpecification{LaunchTemplateId: aws.String(id), Version: aws.String("$Default")},
		TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeInstance, Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String("mine")}}}}})
	if err != nil {
		t.Fatal(err)
	}
	in = run2.Instances[0]
	tags = map[string]string{}
	for _, tg := range in.Tags {
		tags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
	}
	if in.InstanceType != "t3.small" || tags["Name"] != "mine" || tags["env"] != "" || tags["aws:ec2launchtemplate:version"] != "2" {
		t.Fatalf("instance from version 2 with own tags: %s %v", in.InstanceType, tags)
	}
	lts, err := c.DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{LaunchTemplateIds: []string{id}})
	if err != nil || len(lts.LaunchTemplates) != 1 || aws.ToInt64(lts.LaunchTemplates[0].DefaultVersionNumber) != 2 ||
		aws.ToInt64(lts.LaunchTemplates[0].LatestVersionNumber) != 2 || aws.ToString(lts.LaunchTemplates[0].LaunchTemplateName) != "web" {
		t.Fatalf("describe: %+v %v", lts, err)
	}
	lts, err = c.DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{Filters: []types.Filter{{Name: aws.String("tag:team"), Values: []string{"a"}}}})
	if err != nil || len(lts.LaunchTemplates) != 1 {
		t.Fatalf("describe by tag: %+v %v", lts, err)
	}

	// CreateTags/DeleteTags on the template (Terraform's tag updates).
	ltTags := func() map[string]string {
		t.Helper()
		out, err := c.DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{LaunchTemplateIds: []string{id}})
		if err != nil || len(out.LaunchTemplates) != 1 {
			t.Fatalf("describe: %+v %v", out, err)
		}
		m := map[string]string{}
		for _, tg := range out.LaunchTemplates[0].Tags {
			m[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
		}
		return m
	}
	if _, err := c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{id}, Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}); err != nil {
		t.Fatal(err)
	}
	if m := ltTags(); m["k"] != "v" || m["team"] != "a" || len(m) != 2 {
		t.Fatalf("tags after CreateTags: %v", m)
	}
	if _, err := c.DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: []string{id}, Tags: []types.Tag{{Key: aws.String("team")}}}); err != nil {
		t.Fatal(err)
	}
	if m := ltTags(); m["k"] != "v" || len(m) != 1 {
		t.Fatalf("tags after DeleteTags: %v", m)
	}
	_, err = c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{"lt-0123456789abcdef0"}, Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	wantCode(t, err, "InvalidLaunchTemplateId.NotFound")
	if _, err := c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{id}, Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("a")}}}); err != nil {
		t.Fatal(err)
	}

	// Errors.
	_, err = c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
		LaunchTemplate: &types.LaunchTemplateSpecification{LaunchTemplateId: aws.String(id), Version: aws.String("9")}})
	wantCode(t, err, "InvalidLaunchTemplateId.VersionNotFound")
	_, err = c.DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{LaunchTemplateIds: []string{"lt-0123456789abcdef0"}})
	wantCode(t, err, "InvalidLaunchTemplateId.NotFound")
	_, err = c.DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{LaunchTemplateNames: []string{"nope"}})
	wantCode(t, err, "InvalidLaunchTemplateName.NotFoundException")
	_, err = c.DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{LaunchTemplateIds: []string{"nope"}})
	wantCode(t, err, "InvalidLaunchTemplateId.Malformed")

	// Delete versions: not the default; a deleted number is never reused.
	v3, err := c.CreateLaunchTemplateVersion(ctx, &ec2.CreateLaunchTemplateVersionInput{LaunchTemplateId: aws.String(id),
		LaunchTemplateData: &types.RequestLaunchTemplateData{ImageId: aws.String(ami)}})
	if err != nil || aws.ToInt64(v3.LaunchTemplateVersion.VersionNumber) != 3 {
		t.Fatalf("version 3: %+v %v", v3, err)
	}
	dv, err := c.DeleteLaunchTemplateVersions(ctx, &ec2.DeleteLaunchTemplateVersionsInput{LaunchTemplateId: aws.String(id), Versions: []string{"3", "2", "8"}})
	if err != nil || len(dv.SuccessfullyDeletedLaunchTemplateVersions) != 1 || aws.ToInt64(dv.SuccessfullyDeletedLaunchTemplateVersions[0].VersionNumber) != 3 ||
		len(dv.UnsuccessfullyDeletedLaunchTemplateVersions) != 2 ||
		dv.UnsuccessfullyDeletedLaunchTemplateVersions[1].ResponseError.Code != types.LaunchTemplateErrorCodeLaunchTemplateVersionDoesNotExist {
		t.Fatalf("delete versions: %+v %v", dv, err)
	}
	v4, err := c.CreateLaunchTemplateVersion(ctx, &ec2.CreateLaunchTemplateVersionInput{LaunchTemplateId: aws.String(id),
		LaunchTemplateData: &types.RequestLaunchTemplateData{ImageId: aws.String(ami)}})
	if err != nil || aws.ToInt64(v4.LaunchTemplateVersion.VersionNumber) != 4 {
		t.Fatalf("version after a deleted one: %+v %v", v4, err)
	}

	// Delete: every version goes; the name is free again.
	del, err := c.DeleteLaunchTemplate(ctx, &ec2.DeleteLaunchTemplateInput{LaunchTemplateName: aws.String("web")})
	if err != nil || aws.ToString(del.LaunchTemplate.LaunchTemplateId) != id {
		t.Fatalf("delete: %+v %v", del, err)
	}
	_, err = c.DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{LaunchTemplateIds: []string{id}})
	wantCode(t, err, "InvalidLaunchTemplateId.NotFound")
	if docs, err := e.svc.Docs(translate.NewContext(ctx, e.demo), "cg-lt"); err != nil || len(docs) != 0 {
		t.Fatalf("stored objects left after delete: %+v %v", docs, err)
	}
	create("tok-2")
}

// TestSDKLaunchTemplateRefusals: data a launch could not honour is refused
// at CreateLaunchTemplate, naming the parameter, and nothing is stored.
func TestSDKLaunchTemplateRefusals(t *testing.T) {
	e := mustEnv(t)
	ctx := ctxT(t)
	c := e.ec2
	ami := debianImage(t, e)
	for _, tc := range []struct {
		data *types.RequestLaunchTemplateData
		code string
		name string
	}{
		{&types.RequestLaunchTemplateData{ImageId: aws.String(ami), InstanceInitiatedShutdownBehavior: types.ShutdownBehaviorTerminate}, "UnsupportedOperation", "InstanceInitiatedShutdownBehavior"},
		{&types.RequestLaunchTemplateData{ImageId: aws.String(ami), DisableApiStop: aws.Bool(true)}, "UnsupportedOperation", "DisableApiStop"},
		{&types.RequestLaunchTemplateData{ImageId: aws.String(ami), InstanceType: "x9.nosuch"}, "InvalidParameterValue", ""},
		{&types.RequestLaunchTemplateData{ImageId: aws.String(ami), EbsOptimized: aws.Bool(true)}, "InvalidParameterValue", "EbsOptimized"},
		{&types.RequestLaunchTemplateData{ImageId: aws.String(ami), KernelId: aws.String("aki-1")}, "UnknownParameter", "KernelId"},
		{&types.RequestLaunchTemplateData{ImageId: aws.String("ami-nothex")}, "InvalidAMIID.Malformed", ""},
		{&types.RequestLaunchTemplateData{ImageId: aws.String(ami), UserData: aws.String("%%%")}, "InvalidParameterValue", ""},
	} {
		_, err := c.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("bad"), LaunchTemplateData: tc.data})
		wantCode(t, err, tc.code)
		if tc.name != "" && !strings.Contains(err.Error(), tc.name) {
			t.Errorf("error %v does not name %s", err, tc.name)
		}
	}
	_, err := c.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("bad"), LaunchTemplateData: &types.RequestLaunchTemplateData{}})
	wantCode(t, err, "MissingParameter")
	if docs, err := e.svc.Docs(translate.NewContext(ctx, e.demo), "cg-lt"); err != nil || len(docs) != 0 {
		t.Fatalf("refused templates were stored: %+v %v", docs, err)
	}
}

// TestSDKLaunchTemplateDataShapes: nested data (a network interface with
// groups, metadata options, monitoring, placement) reads back through the
// SDK's parser as written.
func TestSDKLaunchTemplateDataShapes(t *testing.T) {
	e := mustEnv(t)
	ctx := ctxT(t)
	c := e.ec2
	ami := debianImage(t, e)
	sg, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("lt-ni"), Description: aws.String("ni")})
	if err != nil {
		t.Fatal(err)
	}
	data := &types.RequestLaunchTemplateData{
		ImageId: aws.String(ami), KeyName: aws.String("nokey-needed-at-creation"),
		NetworkInterfaces: []types.LaunchTemplateInstanceNetworkInterfaceSpecificationRequest{{DeviceIndex: aws.Int32(0),
			AssociatePublicIpAddress: aws.Bool(false), DeleteOnTermination: aws.Bool(true), Groups: []string{aws.ToString(sg.GroupId)}}},
		MetadataOptions:       &types.LaunchTemplateInstanceMetadataOptionsRequest{HttpTokens: types.LaunchTemplateHttpTokensStateOptional},
		Monitoring:            &types.LaunchTemplatesMonitoringRequest{Enabled: aws.Bool(false)},
		Placement:             &types.LaunchTemplatePlacementRequest{Tenancy: types.TenancyDefault},
		DisableApiTermination: aws.Bool(true),
	}
	out, err := c.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("shapes"), LaunchTemplateData: data})
	if err != nil {
		t.Fatal(err)
	}
	vs, err := c.DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: out.LaunchTemplate.LaunchTemplateId})
	if err != nil || len(vs.LaunchTemplateVersions) != 1 {
		t.Fatalf("%+v %v", vs, err)
	}
	d := vs.LaunchTemplateVersions[0].LaunchTemplateData
	if len(d.NetworkInterfaces) != 1 {
		t.Fatalf("network interfaces %+v", d.NetworkInterfaces)
	}
	ni := d.NetworkInterfaces[0]
	if aws.ToInt32(ni.DeviceIndex) != 0 || aws.ToBool(ni.AssociatePublicIpAddress) || !aws.ToBool(ni.DeleteOnTermination) ||
		len(ni.Groups) != 1 || ni.Groups[0] != aws.ToString(sg.GroupId) {
		t.Fatalf("network interface reads back %+v", ni)
	}
	if d.MetadataOptions == nil || d.MetadataOptions.HttpTokens != types.LaunchTemplateHttpTokensStateOptional ||
		d.Monitoring == nil || aws.ToBool(d.Monitoring.Enabled) || d.Placement == nil || d.Placement.Tenancy != types.TenancyDefault ||
		!aws.ToBool(d.DisableApiTermination) || aws.ToString(d.KeyName) != "nokey-needed-at-creation" {
		t.Fatalf("data reads back %+v", d)
	}
}

// TestSDKLaunchTemplateConcurrentVersions: versions created at once get
// distinct numbers (CloudStack's unique names serialise them) and none is
// lost; concurrent creates of one name make one template.
func TestSDKLaunchTemplateConcurrentVersions(t *testing.T) {
	e := mustEnv(t)
	ctx := ctxT(t)
	c := e.ec2
	ami := debianImage(t, e)
	const n = 6
	errs := make(chan error, n)
	ids := make(chan string, n)
	for i := 0; i < n; i++ {
		go func() {
			out, err := c.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("race"),
				LaunchTemplateData: &types.RequestLaunchTemplateData{ImageId: aws.String(ami)}})
			if err == nil {
				ids <- aws.ToString(out.LaunchTemplate.LaunchTemplateId)
			}
			errs <- err
		}()
	}
	ok := 0
	for i := 0; i < n; i++ {
		if err := <-errs; err == nil {
			ok++
		} else if !strings.Contains(err.Error(), "InvalidLaunchTemplateName.AlreadyExistsException") {
			t.Fatalf("concurrent create: %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d concurrent creates of one name succeeded", ok)
	}
	id := <-ids
	for i := 0; i < n; i++ {
		go func() {
			_, err := c.CreateLaunchTemplateVersion(ctx, &ec2.CreateLaunchTemplateVersionInput{LaunchTemplateId: aws.String(id),
				LaunchTemplateData: &types.RequestLaunchTemplateData{ImageId: aws.String(ami)}})
			errs <- err
		}()
	}
	for i := 0; i < n; i++ {
		if err := <-errs; err != nil {
			t.Fatalf("concurrent version: %v", err)
		}
	}
	vs, err := c.DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: aws.String(id)})
	if err != nil || len(vs.LaunchTemplateVersions) != n+1 {
		t.Fatalf("versions after %d concurrent creates: %d, %v", n, len(vs.LaunchTemplateVersions), err)
	}
	seen := map[int64]bool{}
	for _, v := range vs.LaunchTemplateVersions {
		seen[aws.ToInt64(v.VersionNumber)] = true
	}
	for i := int64(1); i <= n+1; i++ {
		if !seen[i] {
			t.Fatalf("version %d missing: %v", i, seen)
		}
	}
}
