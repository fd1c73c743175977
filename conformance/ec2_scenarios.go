package conformance

import (
	"context"
	"errors"
	"net/http"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
)

// ec2Scenarios lists the EC2 scenarios in run order.
func ec2Scenarios() []scenario {
	return []scenario{
		ec2RegionsZones(),
		ec2AccountAttributes(),
		ec2InstanceTypes(),
		ec2Images(),
		ec2ErrorCodes(),
		ec2MalformedIDs(),
		ec2UnknownImage(),
		ec2IDFormat(),
		ec2ListValidation(),
		ec2KeyPairs(),
		ec2KeyPairTypes(),
		ec2SecurityGroups(),
		ec2SecurityGroupEgress(),
		ec2VolumesLifecycle(),
		ec2Tags(),
		ec2ModifyVolume(),
		ec2SnapshotsBlankVolume(),
		ec2AddressesAllocate(),
		ec2VPCs(),
		ec2RouteTables(),
		ec2InstancesLifecycle(),
		ec2InstancesIdempotency(),
		ec2InstancesLaunchOptions(),
		ec2TerminationProtection(),
		ec2LaunchNetworkInterface(),
		ec2RefusedLaunchSettings(),
		ec2SettingsReadBack(),
		ec2EverydayFixes(),
		ec2AccountLimits(),
		ec2InstanceSettingsExtras(),
		ec2InstancesFiltersPaging(),
		ec2InstancesIncorrectState(),
		ec2VolumesAttach(),
		ec2Snapshots(),
		ec2AddressesAssociate(),
		ec2InstanceActions(),
		ec2PasswordData(),
		ec2ModifyInstanceType(),
		ec2ModifyInstanceGroups(),
		ec2ModifyInstanceAttributes(),
		ec2CreateImage(),
		ec2RegisterShareImage(),
		ec2EverydayReadback(),
		ec2LaunchTemplates(),
		ec2LaunchTemplatesRefused(),
	}
}

// newEC2Client builds an aws-sdk-go-v2 EC2 client for cfg that records
// every operation on the calling scenario.
func newEC2Client(cfg Config, hc *http.Client) *ec2.Client {
	region := cfg.AWSRegion
	if region == "" {
		region = "us-east-1"
	}
	return ec2.New(ec2.Options{
		Region:           region,
		BaseEndpoint:     aws.String(cfg.EC2Endpoint),
		Credentials:      credentials.NewStaticCredentialsProvider(cfg.AWSAccessKey, cfg.AWSSecret, ""),
		HTTPClient:       hc,
		RetryMaxAttempts: 3,
		APIOptions:       []func(*middleware.Stack) error{recordEC2Calls},
	})
}

// recordEC2Calls is client middleware that logs each operation (once,
// not per retry attempt) and its error on the scenario's callLog.
func recordEC2Calls(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("ConformanceRecord",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			out, md, err := next.HandleInitialize(ctx, in)
			recordCall(ctx, awsmiddleware.GetOperationName(ctx), err)
			return out, md, err
		}), middleware.After)
}

// ec2Code returns the EC2 error code of err ("" if it is no API error).
func ec2Code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func ec2Message(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorMessage()
	}
	return err.Error()
}

// ec2Unsupported reports whether err says the action is not implemented.
func ec2Unsupported(err error) bool {
	switch ec2Code(err) {
	case "InvalidAction", "UnsupportedOperation", "NotImplemented", "UnknownOperation", "NotImplementedError":
		return true
	}
	var re interface{ HTTPStatusCode() int }
	return errors.As(err, &re) && re.HTTPStatusCode() == http.StatusNotImplemented
}

// ExpectEC2 fails the scenario unless err carries exactly code.
func (t *scenarioT) ExpectEC2(err error, code, what string) {
	if err == nil {
		t.Fatalf("%s: succeeded, want error %s", what, code)
	}
	if got := ec2Code(err); got != code {
		t.Fatalf("%s: got %s, want error code %s", what, describeErr(err), code)
	}
}

// ignoreEC2 returns nil when err carries one of codes (cleanup helpers).
func ignoreEC2(err error, codes ...string) error {
	c := ec2Code(err)
	for _, want := range codes {
		if c == want {
			return nil
		}
	}
	return err
}

// ec2Catalog is what the EC2 scenarios discover once: an image, the
// smallest instance type and an availability zone.
type ec2Catalog struct {
	imageID, instanceType, zone string
	err                         error
}

// catalogEC2 discovers (once per run) what instances need; a failure
// skips the calling scenario as a missing prerequisite.
func (t *scenarioT) catalogEC2() *ec2Catalog {
	e := t.env
	if e.ec2cat == nil {
		e.ec2cat = discoverEC2(t.ctx, e.ec2)
	}
	if e.ec2cat.err != nil {
		t.Skipf("prerequisite discovery failed: %s", describeErr(e.ec2cat.err))
	}
	return e.ec2cat
}

func discoverEC2(ctx context.Context, c *ec2.Client) *ec2Catalog {
	cat := &ec2Catalog{}
	azs, err := c.DescribeAvailabilityZones(ctx, &ec2.DescribeAvailabilityZonesInput{})
	if err != nil {
		cat.err = err
		return cat
	}
	var zones []string
	for _, z := range azs.AvailabilityZones {
		if z.State == types.AvailabilityZoneStateAvailable || z.State == "" {
			zones = append(zones, aws.ToString(z.ZoneName))
		}
	}
	if len(zones) == 0 {
		cat.err = errors.New("DescribeAvailabilityZones returned no available zone")
		return cat
	}
	sort.Strings(zones)
	cat.zone = zones[0]
	if cat.instanceType, err = smallestInstanceType(ctx, c); err != nil {
		cat.err = err
		return cat
	}
	if cat.imageID, err = pickImage(ctx, c); err != nil {
		cat.err = err
	}
	return cat
}

// smallestInstanceType pages DescribeInstanceTypes (bounded) and picks
// the type with the least memory, then the fewest vCPUs, then by name.
func smallestInstanceType(ctx context.Context, c *ec2.Client) (string, error) {
	var all []types.InstanceTypeInfo
	p := ec2.NewDescribeInstanceTypesPaginator(c, &ec2.DescribeInstanceTypesInput{})
	for i := 0; p.HasMorePages() && i < 20; i++ {
		out, err := p.NextPage(ctx)
		if err != nil {
			return "", err
		}
		all = append(all, out.InstanceTypes...)
	}
	if len(all) == 0 {
		return "", errors.New("DescribeInstanceTypes returned no instance type")
	}
	mem := func(it types.InstanceTypeInfo) int64 {
		if it.MemoryInfo == nil {
			return 1 << 62
		}
		return aws.ToInt64(it.MemoryInfo.SizeInMiB)
	}
	cpu := func(it types.InstanceTypeInfo) int32 {
		if it.VCpuInfo == nil {
			return 1 << 30
		}
		return aws.ToInt32(it.VCpuInfo.DefaultVCpus)
	}
	sort.Slice(all, func(i, j int) bool {
		a, b := all[i], all[j]
		if mem(a) != mem(b) {
			return mem(a) < mem(b)
		}
		if cpu(a) != cpu(b) {
			return cpu(a) < cpu(b)
		}
		return a.InstanceType < b.InstanceType
	})
	return string(all[0].InstanceType), nil
}

// pickImage prefers an available Debian image, then any available image
// (by ID, for a stable choice).
func pickImage(ctx context.Context, c *ec2.Client) (string, error) {
	out, err := c.DescribeImages(ctx, &ec2.DescribeImagesInput{})
	if err != nil {
		return "", err
	}
	var ids, debian []string
	for _, im := range out.Images {
		if im.State != "" && im.State != types.ImageStateAvailable {
			continue
		}
		ids = append(ids, aws.ToString(im.ImageId))
		if strings.Contains(strings.ToLower(aws.ToString(im.Name)), "debian") {
			debian = append(debian, aws.ToString(im.ImageId))
		}
	}
	if len(debian) > 0 {
		ids = debian
	}
	if len(ids) == 0 {
		return "", errors.New("DescribeImages returned no available image")
	}
	sort.Strings(ids)
	return ids[0], nil
}
