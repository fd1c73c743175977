package conformance

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func ec2InstanceActions() scenario {
	return scenario{
		name: "ec2/instances/actions", api: "ec2",
		ops: []string{"RunInstances", "RebootInstances", "DescribeInstanceStatus", "GetConsoleOutput", "DescribeInstanceAttribute", "TerminateInstances"},
		run: func(t *scenarioT) {
			c := t.env.ec2
			cat := t.catalogEC2()
			id := aws.ToString(t.runEC2(1, nil)[0].InstanceId)
			t.waitInstance(id, types.InstanceStateNameRunning, "RunInstances")
			_, err := c.RebootInstances(t.ctx, &ec2.RebootInstancesInput{InstanceIds: []string{id}})
			t.Must(err, "RebootInstances")
			t.waitInstance(id, types.InstanceStateNameRunning, "RebootInstances")
			st, err := c.DescribeInstanceStatus(t.ctx, &ec2.DescribeInstanceStatusInput{InstanceIds: []string{id}})
			t.Must(err, "DescribeInstanceStatus")
			t.Check(len(st.InstanceStatuses) == 1 && st.InstanceStatuses[0].InstanceState != nil && st.InstanceStatuses[0].InstanceState.Name == types.InstanceStateNameRunning,
				"DescribeInstanceStatus %s: %+v", id, st.InstanceStatuses)
			Equal(t, "DescribeInstanceStatus AvailabilityZone", aws.ToString(st.InstanceStatuses[0].AvailabilityZone), cat.zone)
			out, err := c.GetConsoleOutput(t.ctx, &ec2.GetConsoleOutputInput{InstanceId: aws.String(id)})
			t.Must(err, "GetConsoleOutput")
			Equal(t, "GetConsoleOutput InstanceId", aws.ToString(out.InstanceId), id)
			attr, err := c.DescribeInstanceAttribute(t.ctx, &ec2.DescribeInstanceAttributeInput{InstanceId: aws.String(id), Attribute: types.InstanceAttributeNameInstanceType})
			t.Must(err, "DescribeInstanceAttribute instanceType")
			t.Check(attr.InstanceType != nil && aws.ToString(attr.InstanceType.Value) == cat.instanceType, "instanceType attribute %+v, want %s", attr.InstanceType, cat.instanceType)
		},
	}
}

func ec2PasswordData() scenario {
	return scenario{
		name: "ec2/instances/password-data", api: "ec2",
		ops: []string{"RunInstances", "GetPasswordData", "TerminateInstances"},
		run: func(t *scenarioT) {
			id := aws.ToString(t.runEC2(1, nil)[0].InstanceId)
			t.waitInstance(id, types.InstanceStateNameRunning, "RunInstances")
			out, err := t.env.ec2.GetPasswordData(t.ctx, &ec2.GetPasswordDataInput{InstanceId: aws.String(id)})
			t.Must(err, "GetPasswordData")
			Equal(t, "GetPasswordData InstanceId", aws.ToString(out.InstanceId), id)
		},
	}
}

func ec2ModifyInstanceType() scenario {
	return scenario{
		name: "ec2/instances/modify-type", api: "ec2",
		ops: []string{"RunInstances", "StopInstances", "ModifyInstanceAttribute", "DescribeInstanceAttribute", "StartInstances", "TerminateInstances"},
		run: func(t *scenarioT) {
			c := t.env.ec2
			cat := t.catalogEC2()
			types5, err := c.DescribeInstanceTypes(t.ctx, &ec2.DescribeInstanceTypesInput{})
			t.Must(err, "DescribeInstanceTypes")
			other := ""
			for _, it := range types5.InstanceTypes {
				if string(it.InstanceType) != cat.instanceType {
					other = string(it.InstanceType)
					break
				}
			}
			if other == "" {
				t.Skipf("only one instance type (%s): nothing to change to", cat.instanceType)
			}
			id := aws.ToString(t.runEC2(1, nil)[0].InstanceId)
			t.waitInstance(id, types.InstanceStateNameRunning, "RunInstances")
			_, err = c.ModifyInstanceAttribute(t.ctx, &ec2.ModifyInstanceAttributeInput{InstanceId: aws.String(id), InstanceType: &types.AttributeValue{Value: aws.String(other)}})
			t.ExpectEC2(err, "IncorrectInstanceState", "ModifyInstanceAttribute instanceType of a running instance")
			_, err = c.StopInstances(t.ctx, &ec2.StopInstancesInput{InstanceIds: []string{id}})
			t.Must(err, "StopInstances")
			t.waitInstance(id, types.InstanceStateNameStopped, "StopInstances")
			_, err = c.ModifyInstanceAttribute(t.ctx, &ec2.ModifyInstanceAttributeInput{InstanceId: aws.String(id), InstanceType: &types.AttributeValue{Value: aws.String(other)}})
			t.Must(err, "ModifyInstanceAttribute instanceType")
			attr, err := c.DescribeInstanceAttribute(t.ctx, &ec2.DescribeInstanceAttributeInput{InstanceId: aws.String(id), Attribute: types.InstanceAttributeNameInstanceType})
			t.Must(err, "DescribeInstanceAttribute instanceType")
			t.Check(attr.InstanceType != nil && aws.ToString(attr.InstanceType.Value) == other, "instanceType attribute %+v, want %s", attr.InstanceType, other)
			_, err = c.StartInstances(t.ctx, &ec2.StartInstancesInput{InstanceIds: []string{id}})
			t.Must(err, "StartInstances")
			got := t.waitInstance(id, types.InstanceStateNameRunning, "StartInstances")
			Equal(t, "InstanceType after the change", string(got.InstanceType), other)
		},
	}
}

func ec2CreateImage() scenario {
	return scenario{
		name: "ec2/images/create", api: "ec2",
		ops: []string{"RunInstances", "StopInstances", "CreateImage", "DescribeImages", "DescribeImageAttribute", "DeregisterImage", "TerminateInstances"},
		run: func(t *scenarioT) {
			c := t.env.ec2
			id := aws.ToString(t.runEC2(1, nil)[0].InstanceId)
			t.waitInstance(id, types.InstanceStateNameRunning, "RunInstances")
			_, err := c.StopInstances(t.ctx, &ec2.StopInstancesInput{InstanceIds: []string{id}})
			t.Must(err, "StopInstances")
			t.waitInstance(id, types.InstanceStateNameStopped, "StopInstances")
			name := t.env.name("image")
			img, err := c.CreateImage(t.ctx, &ec2.CreateImageInput{InstanceId: aws.String(id), Name: aws.String(name), Description: aws.String("cloudgate conformance")})
			t.Must(err, "CreateImage")
			imageID := aws.ToString(img.ImageId)
			t.Defer("deregister image "+imageID, func(ctx context.Context) error {
				_, err := c.DeregisterImage(ctx, &ec2.DeregisterImageInput{ImageId: aws.String(imageID)})
				return ignoreEC2(err, "InvalidAMIID.NotFound", "InvalidAMIID.Unavailable")
			})
			t.WaitFor(imageID+" available", "CreateImage", func() (bool, string, error) {
				out, err := c.DescribeImages(t.ctx, &ec2.DescribeImagesInput{ImageIds: []string{imageID}})
				if err != nil {
					return false, "", err
				}
				if len(out.Images) != 1 {
					return false, "missing", nil
				}
				if out.Images[0].State == types.ImageStateFailed {
					t.Fatalf("image %s failed", imageID)
				}
				Equal(t, "image Name", aws.ToString(out.Images[0].Name), name)
				return out.Images[0].State == types.ImageStateAvailable, string(out.Images[0].State), nil
			})
			attr, err := c.DescribeImageAttribute(t.ctx, &ec2.DescribeImageAttributeInput{ImageId: aws.String(imageID), Attribute: types.ImageAttributeNameDescription})
			t.Must(err, "DescribeImageAttribute description")
			Equal(t, "DescribeImageAttribute ImageId", aws.ToString(attr.ImageId), imageID)
			_, err = c.DeregisterImage(t.ctx, &ec2.DeregisterImageInput{ImageId: aws.String(imageID)})
			t.Must(err, "DeregisterImage")
			out, err := c.DescribeImages(t.ctx, &ec2.DescribeImagesInput{ImageIds: []string{imageID}})
			if err == nil {
				for _, im := range out.Images {
					t.Check(im.State == types.ImageStateDeregistered, "deregistered image %s still described in state %s", imageID, im.State)
				}
			} else {
				t.ExpectEC2(err, "InvalidAMIID.NotFound", "DescribeImages of a deregistered image")
			}
		},
	}
}

func ec2AccountAttributes() scenario {
	return scenario{
		name: "ec2/account-attributes", api: "ec2",
		ops: []string{"DescribeAccountAttributes"},
		run: func(t *scenarioT) {
			out, err := t.env.ec2.DescribeAccountAttributes(t.ctx, &ec2.DescribeAccountAttributesInput{})
			t.Must(err, "DescribeAccountAttributes")
			names := map[string]bool{}
			for _, a := range out.AccountAttributes {
				names[aws.ToString(a.AttributeName)] = true
			}
			t.Check(names["supported-platforms"], "DescribeAccountAttributes lacks supported-platforms: %v", names)
		},
	}
}
