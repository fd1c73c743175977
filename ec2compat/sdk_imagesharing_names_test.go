package ec2compat_test

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/gin-gonic/gin"

	"github.com/cloudgate/cloudgate/ec2compat"
)

// TestSDKShareImageByName: without an account directory (no
// administrator key, no registry accountid), launch permissions name
// CloudStack accounts, read back as written, and account ids of other
// accounts are refused saying why.
func TestSDKShareImageByName(t *testing.T) {
	e := mustEnv(t)
	r := gin.New()
	ec2compat.Register(r, e.svc, &ec2compat.Options{Region: "local-1", Authenticate: e.authenticate,
		InstanceTypeAliases: map[string]string{"t3.micro": "Small Instance"}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ts := httptest.NewServer(r)
	t.Cleanup(ts.Close)
	c := ec2.New(ec2.Options{Region: "local-1", BaseEndpoint: aws.String(ts.URL), HTTPClient: ts.Client(),
		Credentials: e.ec2.Options().Credentials, RetryMaxAttempts: 1})
	ctx := ctxT(t)

	inst := launchOne(t, e, "byname-src")
	snap, _ := rootSnapshot(t, e, inst)
	reg := must[*ec2.RegisterImageOutput](t)(c.RegisterImage(ctx, &ec2.RegisterImageInput{Name: aws.String("byname"),
		BlockDeviceMappings: []types.BlockDeviceMapping{{DeviceName: aws.String("/dev/sda1"), Ebs: &types.EbsBlockDevice{SnapshotId: aws.String(snap)}}}}))
	img := aws.ToString(reg.ImageId)
	iw := ec2.NewImageAvailableWaiter(c, func(o *ec2.ImageAvailableWaiterOptions) {
		o.MinDelay, o.MaxDelay = 10*time.Millisecond, 50*time.Millisecond
	})
	if err := iw.Wait(ctx, &ec2.DescribeImagesInput{ImageIds: []string{img}}, time.Minute); err != nil {
		t.Fatal(err)
	}
	_, err := c.ModifyImageAttribute(ctx, &ec2.ModifyImageAttributeInput{ImageId: aws.String(img),
		LaunchPermission: &types.LaunchPermissionModifications{Add: []types.LaunchPermission{{UserId: aws.String(e.accountID(t, "other"))}}}})
	wantCode(t, err, "InvalidAMIAttributeItemValue")
	must[*ec2.ModifyImageAttributeOutput](t)(c.ModifyImageAttribute(ctx, &ec2.ModifyImageAttributeInput{ImageId: aws.String(img),
		LaunchPermission: &types.LaunchPermissionModifications{Add: []types.LaunchPermission{{UserId: aws.String("other")}, {UserId: aws.String(e.demo.AccountID)}}}}))
	a := must[*ec2.DescribeImageAttributeOutput](t)(c.DescribeImageAttribute(ctx, &ec2.DescribeImageAttributeInput{ImageId: aws.String(img), Attribute: types.ImageAttributeNameLaunchPermission}))
	if len(a.LaunchPermissions) != 1 || aws.ToString(a.LaunchPermissions[0].UserId) != "other" {
		t.Fatalf("launch permissions by name: %+v", a.LaunchPermissions)
	}
	if l, err := e.simAs(t, "other").Template.ListTemplates(e.simAs(t, "other").Template.NewListTemplatesParams("sharedexecutable")); err != nil || l.Count != 1 {
		t.Fatalf("other does not see the shared template: %v %+v", err, l)
	}
}
