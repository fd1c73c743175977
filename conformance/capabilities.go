package conformance

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// Capability names. CloudStack basic zones (security groups, no VPC, no
// elastic IP association) and advanced zones (VPC/networks, static NAT)
// support different subsets; scenarios that need one skip without it.
const (
	capEC2Platforms          = "ec2.supported-platforms"
	capEC2VPC                = "ec2.vpc"
	capEC2SecurityGroups     = "ec2.security-groups"
	capEC2AddressAssociation = "ec2.address-association"
	capGCESubnetworks        = "gce.subnetworks"
	capGCEAddressAssociation = "gce.address-association"
)

// discoverCapabilities probes the target with read-only calls (bounded
// by one scenario timeout) and fills e.caps.
func discoverCapabilities(ctx context.Context, e *env) {
	ctx, cancel := context.WithTimeout(ctx, min(e.timeout(), time.Minute))
	defer cancel()
	if e.ec2 != nil { // first: GCE reuses some of its answers
		discoverEC2Capabilities(ctx, e)
	}
	if e.gce != nil {
		discoverGCECapabilities(ctx, e)
	}
}

func discoverEC2Capabilities(ctx context.Context, e *env) {
	c := e.ec2
	platforms := ""
	if out, err := c.DescribeAccountAttributes(ctx, &ec2.DescribeAccountAttributesInput{AttributeNames: []types.AccountAttributeName{types.AccountAttributeNameSupportedPlatforms}}); err == nil {
		var vals []string
		for _, a := range out.AccountAttributes {
			for _, v := range a.AttributeValues {
				vals = append(vals, aws.ToString(v.AttributeValue))
			}
		}
		platforms = strings.Join(vals, ",")
		e.caps[capEC2Platforms] = Capability{Supported: true, Detail: "supported-platforms: " + platforms}
	} else {
		e.caps[capEC2Platforms] = Capability{Detail: "DescribeAccountAttributes: " + describeErr(err)}
	}

	vpcs, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
	switch {
	case err != nil:
		e.caps[capEC2VPC] = Capability{Detail: "DescribeVpcs: " + describeErr(err)}
	case platforms != "" && !strings.Contains(platforms, "VPC"):
		e.caps[capEC2VPC] = Capability{Detail: "supported-platforms lacks VPC (basic zone)"}
	default:
		e.caps[capEC2VPC] = Capability{Supported: true, Detail: fmt.Sprintf("DescribeVpcs lists %d VPCs", len(vpcs.Vpcs))}
	}

	if _, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{}); err != nil {
		e.caps[capEC2SecurityGroups] = Capability{Detail: "DescribeSecurityGroups: " + describeErr(err)}
	} else {
		e.caps[capEC2SecurityGroups] = Capability{Supported: true, Detail: "DescribeSecurityGroups works"}
	}

	_, err = c.DescribeAddresses(ctx, &ec2.DescribeAddressesInput{})
	switch {
	case err != nil:
		e.caps[capEC2AddressAssociation] = Capability{Detail: "DescribeAddresses: " + describeErr(err)}
	case !e.caps[capEC2VPC].Supported:
		e.caps[capEC2AddressAssociation] = Capability{Detail: "no VPC/advanced networking: addresses cannot be associated with instances"}
	default:
		e.caps[capEC2AddressAssociation] = Capability{Supported: true, Detail: "DescribeAddresses works and the cloud has VPC networking"}
	}
}

// discoverGCECapabilities probes subnetworks and regional addresses.
// Whether a reserved address can be bound to an instance (natIP) is not
// visible through GCE list calls; when EC2 is probed too (same cloud) its
// answer is reused, else it is assumed when addresses.list works.
func discoverGCECapabilities(ctx context.Context, e *env) {
	regions, err := e.gce.Regions.List(e.cfg.GCEProject).Context(ctx).Do()
	if err != nil || len(regions.Items) == 0 {
		e.caps[capGCESubnetworks] = Capability{Detail: "regions.list: " + describeErr(err)}
		e.caps[capGCEAddressAssociation] = Capability{Detail: "regions.list: " + describeErr(err)}
		return
	}
	region := regions.Items[0].Name
	_, err = e.gce.Addresses.List(e.cfg.GCEProject, region).Context(ctx).Do()
	ec2Assoc, probed := e.caps[capEC2AddressAssociation]
	switch {
	case err != nil:
		e.caps[capGCEAddressAssociation] = Capability{Detail: "addresses.list: " + describeErr(err)}
	case probed:
		e.caps[capGCEAddressAssociation] = Capability{Supported: ec2Assoc.Supported, Detail: "same cloud as EC2: " + ec2Assoc.Detail}
	default:
		e.caps[capGCEAddressAssociation] = Capability{Supported: true, Detail: "addresses.list works in " + region}
	}
	if _, err := e.gce.Subnetworks.List(e.cfg.GCEProject, region).Context(ctx).Do(); err != nil {
		e.caps[capGCESubnetworks] = Capability{Detail: "subnetworks.list: " + describeErr(err)}
	} else {
		e.caps[capGCESubnetworks] = Capability{Supported: true, Detail: "subnetworks.list works in " + region}
	}
}
