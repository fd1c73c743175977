package ec2compat_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func TestSDKCreateImage(t *testing.T) {
	e := mustEnv(t)
	ctx := ctxT(t)
	c := e.ec2
	inst := launchOne(t, e, "img-test")
	if _, err := c.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{inst}}); err != nil {
		t.Fatal(err)
	}
	sw := ec2.NewInstanceStoppedWaiter(c, func(o *ec2.InstanceStoppedWaiterOptions) {
		o.MinDelay, o.MaxDelay = 10*time.Millisecond, 50*time.Millisecond
	})
	if err := sw.Wait(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{inst}}, time.Minute); err != nil {
		t.Fatal(err)
	}
	img, err := c.CreateImage(ctx, &ec2.CreateImageInput{InstanceId: aws.String(inst), Name: aws.String("my-image"), Description: aws.String("mine")})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(img.ImageId)
	iw := ec2.NewImageAvailableWaiter(c, func(o *ec2.ImageAvailableWaiterOptions) {
		o.MinDelay, o.MaxDelay = 10*time.Millisecond, 50*time.Millisecond
	})
	if err := iw.Wait(ctx, &ec2.DescribeImagesInput{ImageIds: []string{id}}, time.Minute); err != nil {
		t.Fatal(err)
	}
	self, err := c.DescribeImages(ctx, &ec2.DescribeImagesInput{Owners: []string{"self"}, Filters: []types.Filter{{Name: aws.String("name"), Values: []string{"my-*"}}}})
	if err != nil || len(self.Images) != 1 || aws.ToString(self.Images[0].ImageId) != id || aws.ToBool(self.Images[0].Public) {
		t.Fatalf("self images: %+v %v", self, err)
	}
	desc, err := c.DescribeImageAttribute(ctx, &ec2.DescribeImageAttributeInput{ImageId: aws.String(id), Attribute: types.ImageAttributeNameDescription})
	if err != nil || aws.ToString(desc.Description.Value) != "mine" {
		t.Fatalf("description: %+v %v", desc, err)
	}
	if _, err := c.DeregisterImage(ctx, &ec2.DeregisterImageInput{ImageId: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeImages(ctx, &ec2.DescribeImagesInput{ImageIds: []string{id}})
	wantCode(t, err, "InvalidAMIID.NotFound")
}

// TestRawProtocol checks what the SDK cannot see: the envelope, the
// Version echo, GET requests and the element names of the wire format.
func TestRawProtocol(t *testing.T) {
	e := mustEnv(t)
	launchOne(t, e, "raw-test")
	status, body := e.rawCall(t, "Action=DescribeInstances&Version=2014-10-01")
	if status != 200 {
		t.Fatalf("%d %s", status, body)
	}
	for _, want := range []string{`<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2014-10-01/">`, "<requestId>",
		"<reservationSet><item><reservationId>r-", "<instancesSet><item><instanceId>i-", "<instanceState><code>16</code><name>running</name></instanceState>",
		"<placement><availabilityZone>zone1</availabilityZone>", "<launchTime>", "Z</launchTime>"} {
		if !strings.Contains(body, want) {
			t.Errorf("response lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "cloudgate:") {
		t.Errorf("reserved tags leak:\n%s", body)
	}
	resp, err := e.ts.Client().Get(e.ts.URL + "/?Action=DescribeRegions&Version=2016-11-15")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET: %d", resp.StatusCode)
	}
	status, body = e.rawCall(t, "Action=CreateTags&Version=2016-11-15&ResourceId.1=i-0123456789abcdef0123456789abcdef&Tag.1.Key=a&Tag.1.Value=b&DryRun=true")
	if status != 412 || !strings.Contains(body, "<Code>DryRunOperation</Code>") {
		t.Fatalf("dry run: %d %s", status, body)
	}
	status, body = e.rawCall(t, "Version=2016-11-15")
	if status != 400 || !strings.Contains(body, "<Code>MissingAction</Code>") {
		t.Fatalf("missing action: %d %s", status, body)
	}
	status, body = e.rawCall(t, "Action=DescribeRegions&Version=\"><x")
	if status != 200 || strings.Contains(body, "<x") {
		t.Fatalf("version injection: %d %s", status, body)
	}
}
