package ec2compat_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func TestSDKCatalog(t *testing.T) {
	e := mustEnv(t)
	ctx := ctxT(t)
	c := e.ec2

	regs, err := c.DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(regs.Regions) != 1 || aws.ToString(regs.Regions[0].RegionName) != "local-1" {
		t.Fatalf("regions: %+v", regs.Regions)
	}

	azs, err := c.DescribeAvailabilityZones(ctx, &ec2.DescribeAvailabilityZonesInput{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, z := range azs.AvailabilityZones {
		names = append(names, aws.ToString(z.ZoneName))
		if aws.ToString(z.RegionName) != "local-1" || z.State != types.AvailabilityZoneStateAvailable {
			t.Errorf("zone %+v", z)
		}
	}
	if len(names) != 2 || names[0] != "zone1" || names[1] != "zone2" {
		t.Fatalf("zones %v", names)
	}
	one, err := c.DescribeAvailabilityZones(ctx, &ec2.DescribeAvailabilityZonesInput{
		Filters: []types.Filter{{Name: aws.String("zone-name"), Values: []string{"*2"}}}})
	if err != nil || len(one.AvailabilityZones) != 1 {
		t.Fatalf("zone filter: %v %v", one, err)
	}

	imgs, err := c.DescribeImages(ctx, &ec2.DescribeImagesInput{Owners: []string{"amazon"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(imgs.Images) < 3 {
		t.Fatalf("want the 3 seeded templates, got %d", len(imgs.Images))
	}
	for _, im := range imgs.Images {
		if len(aws.ToString(im.ImageId)) != len("ami-")+32 || im.State != types.ImageStateAvailable || !aws.ToBool(im.Public) {
			t.Errorf("image %+v", im)
		}
	}
	deb, err := c.DescribeImages(ctx, &ec2.DescribeImagesInput{Filters: []types.Filter{{Name: aws.String("name"), Values: []string{"Debian*"}}}})
	if err != nil || len(deb.Images) != 1 || aws.ToString(deb.Images[0].Name) != "Debian 12" {
		t.Fatalf("name filter: %+v %v", deb, err)
	}
	self, err := c.DescribeImages(ctx, &ec2.DescribeImagesInput{Owners: []string{"self"}})
	if err != nil || len(self.Images) != 0 {
		t.Fatalf("self images: %+v %v", self, err)
	}
	attr, err := c.DescribeImageAttribute(ctx, &ec2.DescribeImageAttributeInput{ImageId: deb.Images[0].ImageId, Attribute: types.ImageAttributeNameLaunchPermission})
	if err != nil || len(attr.LaunchPermissions) != 1 || attr.LaunchPermissions[0].Group != types.PermissionGroupAll {
		t.Fatalf("launch permission: %+v %v", attr, err)
	}

	its, err := c.DescribeInstanceTypes(ctx, &ec2.DescribeInstanceTypesInput{})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[types.InstanceType]types.InstanceTypeInfo{}
	for _, it := range its.InstanceTypes {
		byName[it.InstanceType] = it
	}
	micro, ok := byName["t3.micro"]
	if !ok || aws.ToInt32(micro.VCpuInfo.DefaultVCpus) != 1 || aws.ToInt64(micro.MemoryInfo.SizeInMiB) != 512 {
		t.Fatalf("t3.micro alias: %+v (all: %v)", micro, byName)
	}
	if _, ok := byName["Custom"]; ok {
		t.Error("custom offering listed")
	}
	sel, err := c.DescribeInstanceTypes(ctx, &ec2.DescribeInstanceTypesInput{InstanceTypes: []types.InstanceType{"m5.large"}})
	if err != nil || len(sel.InstanceTypes) != 1 || aws.ToInt64(sel.InstanceTypes[0].MemoryInfo.SizeInMiB) != 4096 {
		t.Fatalf("m5.large: %+v %v", sel, err)
	}

	acct, err := c.DescribeAccountAttributes(ctx, &ec2.DescribeAccountAttributesInput{})
	if err != nil || len(acct.AccountAttributes) == 0 {
		t.Fatalf("account attributes: %+v %v", acct, err)
	}
}
