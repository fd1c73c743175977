package conformance

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// createLaunchTemplate creates a launch template from the discovered
// catalog and pushes its deletion; it returns the template id.
func (t *scenarioT) createLaunchTemplate(name string) string {
	cat := t.catalogEC2()
	t.Step("CreateLaunchTemplate %s", name)
	out, err := t.env.ec2.CreateLaunchTemplate(t.ctx, &ec2.CreateLaunchTemplateInput{
		LaunchTemplateName: aws.String(name), VersionDescription: aws.String("v1"),
		LaunchTemplateData: &types.RequestLaunchTemplateData{
			ImageId: aws.String(cat.imageID), InstanceType: types.InstanceType(cat.instanceType),
			Placement: &types.LaunchTemplatePlacementRequest{AvailabilityZone: aws.String(cat.zone)},
			TagSpecifications: []types.LaunchTemplateTagSpecificationRequest{{ResourceType: types.ResourceTypeInstance,
				Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String(name)}}}},
		},
	})
	t.Must(err, "CreateLaunchTemplate")
	id := aws.ToString(out.LaunchTemplate.LaunchTemplateId)
	t.Defer("delete launch template "+id, func(ctx context.Context) error {
		_, err := t.env.ec2.DeleteLaunchTemplate(ctx, &ec2.DeleteLaunchTemplateInput{LaunchTemplateId: aws.String(id)})
		return ignoreEC2(err, "InvalidLaunchTemplateId.NotFound")
	})
	return id
}

// ec2LaunchTemplates: a template and its versions read back as written,
// the default version moves, RunInstances launches from it (the request's
// parameters winning), delete removes it.
func ec2LaunchTemplates() scenario {
	return scenario{
		name: "ec2/launch-templates", api: "ec2",
		ops: []string{"CreateLaunchTemplate", "CreateLaunchTemplateVersion", "DescribeLaunchTemplates",
			"DescribeLaunchTemplateVersions", "ModifyLaunchTemplate", "DeleteLaunchTemplateVersions", "DeleteLaunchTemplate", "RunInstances"},
		run: func(t *scenarioT) {
			c := t.env.ec2
			cat := t.catalogEC2()
			name := t.env.name("lt")
			id := t.createLaunchTemplate(name)
			t.Check(strings.HasPrefix(id, "lt-"), "LaunchTemplateId %q lacks lt- prefix", id)

			_, err := c.CreateLaunchTemplate(t.ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String(name),
				LaunchTemplateData: &types.RequestLaunchTemplateData{ImageId: aws.String(cat.imageID)}})
			t.ExpectEC2(err, "InvalidLaunchTemplateName.AlreadyExistsException", "CreateLaunchTemplate of a name in use")

			t.Step("CreateLaunchTemplateVersion from 1")
			v2, err := c.CreateLaunchTemplateVersion(t.ctx, &ec2.CreateLaunchTemplateVersionInput{LaunchTemplateId: aws.String(id),
				SourceVersion: aws.String("1"), VersionDescription: aws.String("v2"),
				LaunchTemplateData: &types.RequestLaunchTemplateData{TagSpecifications: []types.LaunchTemplateTagSpecificationRequest{
					{ResourceType: types.ResourceTypeInstance, Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String(name + "-v2")}}}}}})
			t.Must(err, "CreateLaunchTemplateVersion")
			Equal(t, "version number", aws.ToInt64(v2.LaunchTemplateVersion.VersionNumber), int64(2))

			t.Step("DescribeLaunchTemplateVersions")
			vs, err := c.DescribeLaunchTemplateVersions(t.ctx, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: aws.String(id),
				Versions: []string{"2"}})
			t.Must(err, "DescribeLaunchTemplateVersions")
			Equal(t, "versions described", len(vs.LaunchTemplateVersions), 1)
			if len(vs.LaunchTemplateVersions) == 1 {
				d := vs.LaunchTemplateVersions[0].LaunchTemplateData
				Equal(t, "inherited ImageId", aws.ToString(d.ImageId), cat.imageID)
				Equal(t, "inherited InstanceType", string(d.InstanceType), cat.instanceType)
				t.Check(d.Placement != nil && aws.ToString(d.Placement.AvailabilityZone) == cat.zone, "inherited Placement %+v", d.Placement)
				t.Check(len(d.TagSpecifications) == 1 && len(d.TagSpecifications[0].Tags) == 1 &&
					aws.ToString(d.TagSpecifications[0].Tags[0].Value) == name+"-v2", "version 2 tag specifications %+v", d.TagSpecifications)
				Equal(t, "version 2 is not default", aws.ToBool(vs.LaunchTemplateVersions[0].DefaultVersion), false)
			}

			t.Step("ModifyLaunchTemplate default 2")
			_, err = c.ModifyLaunchTemplate(t.ctx, &ec2.ModifyLaunchTemplateInput{LaunchTemplateId: aws.String(id), DefaultVersion: aws.String("2")})
			t.Must(err, "ModifyLaunchTemplate")
			lts, err := c.DescribeLaunchTemplates(t.ctx, &ec2.DescribeLaunchTemplatesInput{LaunchTemplateNames: []string{name}})
			t.Must(err, "DescribeLaunchTemplates")
			Equal(t, "templates by name", len(lts.LaunchTemplates), 1)
			if len(lts.LaunchTemplates) == 1 {
				Equal(t, "DefaultVersionNumber", aws.ToInt64(lts.LaunchTemplates[0].DefaultVersionNumber), int64(2))
				Equal(t, "LatestVersionNumber", aws.ToInt64(lts.LaunchTemplates[0].LatestVersionNumber), int64(2))
			}

			t.Step("DeleteLaunchTemplateVersions 1 (no longer the default)")
			dv, err := c.DeleteLaunchTemplateVersions(t.ctx, &ec2.DeleteLaunchTemplateVersionsInput{LaunchTemplateId: aws.String(id), Versions: []string{"1"}})
			t.Must(err, "DeleteLaunchTemplateVersions")
			Equal(t, "versions deleted", len(dv.SuccessfullyDeletedLaunchTemplateVersions), 1)
			left, err := c.DescribeLaunchTemplateVersions(t.ctx, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: aws.String(id)})
			t.Must(err, "DescribeLaunchTemplateVersions")
			Equal(t, "versions left", len(left.LaunchTemplateVersions), 1)

			t.Step("RunInstances from the template ($Default)")
			out, err := c.RunInstances(t.ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
				LaunchTemplate: &types.LaunchTemplateSpecification{LaunchTemplateId: aws.String(id)}})
			t.Must(err, "RunInstances with LaunchTemplate")
			iid := aws.ToString(out.Instances[0].InstanceId)
			t.Defer("terminate "+iid, func(ctx context.Context) error {
				_, err := c.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{iid}})
				return ignoreEC2(err, "InvalidInstanceID.NotFound")
			})
			in := out.Instances[0]
			Equal(t, "instance image", aws.ToString(in.ImageId), cat.imageID)
			Equal(t, "instance type", string(in.InstanceType), cat.instanceType)
			name2 := ""
			for _, tg := range in.Tags {
				if aws.ToString(tg.Key) == "Name" {
					name2 = aws.ToString(tg.Value)
				}
			}
			Equal(t, "Name tag from version 2", name2, name+"-v2")

			_, err = c.RunInstances(t.ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
				LaunchTemplate: &types.LaunchTemplateSpecification{LaunchTemplateId: aws.String(id), Version: aws.String("9")}})
			t.ExpectEC2(err, "InvalidLaunchTemplateId.VersionNotFound", "RunInstances with a missing template version")

			t.Step("DeleteLaunchTemplate")
			_, err = c.DeleteLaunchTemplate(t.ctx, &ec2.DeleteLaunchTemplateInput{LaunchTemplateId: aws.String(id)})
			t.Must(err, "DeleteLaunchTemplate")
			_, err = c.DescribeLaunchTemplates(t.ctx, &ec2.DescribeLaunchTemplatesInput{LaunchTemplateIds: []string{id}})
			t.ExpectEC2(err, "InvalidLaunchTemplateId.NotFound", "DescribeLaunchTemplates after delete")
		},
	}
}

// ec2LaunchTemplatesRefused: data a launch could not honour is refused at
// CreateLaunchTemplate, naming the parameter, and nothing is created.
func ec2LaunchTemplatesRefused() scenario {
	return scenario{
		name: "ec2/launch-templates/refused", api: "ec2",
		ops: []string{"CreateLaunchTemplate", "DescribeLaunchTemplates"},
		run: func(t *scenarioT) {
			c := t.env.ec2
			cat := t.catalogEC2()
			name := t.env.name("lt-bad")
			_, err := c.CreateLaunchTemplate(t.ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String(name),
				LaunchTemplateData: &types.RequestLaunchTemplateData{ImageId: aws.String(cat.imageID),
					InstanceInitiatedShutdownBehavior: types.ShutdownBehaviorTerminate}})
			if err == nil {
				t.Defer("delete launch template "+name, func(ctx context.Context) error {
					_, err := c.DeleteLaunchTemplate(ctx, &ec2.DeleteLaunchTemplateInput{LaunchTemplateName: aws.String(name)})
					return err
				})
			}
			t.ExpectEC2(err, "UnsupportedOperation", "CreateLaunchTemplate with InstanceInitiatedShutdownBehavior=terminate")
			t.Check(err == nil || strings.Contains(err.Error(), "InstanceInitiatedShutdownBehavior"), "the error %v does not name the parameter", err)
			_, err = c.DescribeLaunchTemplates(t.ctx, &ec2.DescribeLaunchTemplatesInput{LaunchTemplateNames: []string{name}})
			t.ExpectEC2(err, "InvalidLaunchTemplateName.NotFoundException", "DescribeLaunchTemplates of a refused template")
		},
	}
}
