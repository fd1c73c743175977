package conformance

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func ec2RegionsZones() scenario {
	return scenario{
		name: "ec2/regions-zones", api: "ec2",
		ops: []string{"DescribeRegions", "DescribeAvailabilityZones"},
		run: func(t *scenarioT) {
			c := t.env.ec2
			region := c.Options().Region
			regs, err := c.DescribeRegions(t.ctx, &ec2.DescribeRegionsInput{})
			t.Must(err, "DescribeRegions")
			t.Check(len(regs.Regions) > 0, "DescribeRegions returned no region")
			found := false
			for _, r := range regs.Regions {
				t.Check(aws.ToString(r.RegionName) != "", "region without RegionName")
				t.Check(aws.ToString(r.Endpoint) != "", "region %s without Endpoint", aws.ToString(r.RegionName))
				found = found || aws.ToString(r.RegionName) == region
			}
			t.Check(found, "DescribeRegions does not list the client's region %q", region)
			one, err := c.DescribeRegions(t.ctx, &ec2.DescribeRegionsInput{RegionNames: []string{region}})
			t.Must(err, "DescribeRegions RegionName.1")
			Equal(t, "regions named "+region, len(one.Regions), 1)

			azs, err := c.DescribeAvailabilityZones(t.ctx, &ec2.DescribeAvailabilityZonesInput{})
			t.Must(err, "DescribeAvailabilityZones")
			t.Check(len(azs.AvailabilityZones) > 0, "DescribeAvailabilityZones returned no zone")
			for _, z := range azs.AvailabilityZones {
				name := aws.ToString(z.ZoneName)
				t.Check(name != "", "zone without ZoneName")
				Equal(t, "RegionName of zone "+name, aws.ToString(z.RegionName), region)
				t.Check(z.State != "", "zone %s without State", name)
			}
			first := aws.ToString(azs.AvailabilityZones[0].ZoneName)
			f, err := c.DescribeAvailabilityZones(t.ctx, &ec2.DescribeAvailabilityZonesInput{Filters: []types.Filter{ec2Filter("zone-name", first)}})
			t.Must(err, "DescribeAvailabilityZones filter zone-name")
			Equal(t, "zones matching zone-name="+first, len(f.AvailabilityZones), 1)
		},
	}
}

func ec2Images() scenario {
	return scenario{
		name: "ec2/images", api: "ec2",
		ops: []string{"DescribeImages"},
		run: func(t *scenarioT) {
			c := t.env.ec2
			all, err := c.DescribeImages(t.ctx, &ec2.DescribeImagesInput{})
			t.Must(err, "DescribeImages")
			t.Check(len(all.Images) > 0, "DescribeImages returned no image")
			im := all.Images[0]
			for _, x := range all.Images {
				if aws.ToString(x.ImageId) == t.catalogEC2().imageID {
					im = x
				}
			}
			id := aws.ToString(im.ImageId)
			t.Check(strings.HasPrefix(id, "ami-"), "ImageId %q lacks ami- prefix", id)
			t.Check(aws.ToString(im.Name) != "", "image %s has no Name", id)
			t.Check(aws.ToString(im.OwnerId) != "", "image %s has no OwnerId", id)
			t.Check(im.State != "", "image %s has no State", id)

			byID, err := c.DescribeImages(t.ctx, &ec2.DescribeImagesInput{ImageIds: []string{id}})
			t.Must(err, "DescribeImages ImageId.1")
			t.Check(len(byID.Images) == 1 && aws.ToString(byID.Images[0].ImageId) == id, "DescribeImages %s returned %d images", id, len(byID.Images))
			byName, err := c.DescribeImages(t.ctx, &ec2.DescribeImagesInput{Filters: []types.Filter{ec2Filter("name", aws.ToString(im.Name))}})
			t.Must(err, "DescribeImages filter name")
			t.Check(containsImage(byName.Images, id), "filter name=%q does not return %s", aws.ToString(im.Name), id)
			byOwner, err := c.DescribeImages(t.ctx, &ec2.DescribeImagesInput{Owners: []string{aws.ToString(im.OwnerId)}})
			t.Must(err, "DescribeImages Owner.1")
			t.Check(containsImage(byOwner.Images, id), "Owners=%s does not return %s", aws.ToString(im.OwnerId), id)
			for _, x := range byOwner.Images {
				Equal(t, "OwnerId of "+aws.ToString(x.ImageId), aws.ToString(x.OwnerId), aws.ToString(im.OwnerId))
			}
			none, err := c.DescribeImages(t.ctx, &ec2.DescribeImagesInput{Filters: []types.Filter{ec2Filter("name", t.env.name("no-such-image"))}})
			t.Must(err, "DescribeImages filter with no match")
			Equal(t, "images matching an unknown name", len(none.Images), 0)

			_, err = c.DescribeImages(t.ctx, &ec2.DescribeImagesInput{ImageIds: []string{t.unknownEC2ID("ami")}})
			t.ExpectEC2(err, "InvalidAMIID.NotFound", "DescribeImages of an unknown image")
			_, err = c.DescribeImages(t.ctx, &ec2.DescribeImagesInput{ImageIds: []string{"not-an-image"}})
			t.ExpectEC2(err, "InvalidAMIID.Malformed", "DescribeImages of a malformed ID")
		},
	}
}

func containsImage(ims []types.Image, id string) bool {
	for _, im := range ims {
		if aws.ToString(im.ImageId) == id {
			return true
		}
	}
	return false
}
