package conformance

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// allocateEC2 allocates an address (VPC domain when the cloud has VPCs)
// and pushes its release.
func (t *scenarioT) allocateEC2() *ec2.AllocateAddressOutput {
	c := t.env.ec2
	in := &ec2.AllocateAddressInput{}
	if t.env.caps[capEC2VPC].Supported {
		in.Domain = types.DomainTypeVpc
	}
	out, err := c.AllocateAddress(t.ctx, in)
	if ec2Unsupported(err) {
		t.Skipf("AllocateAddress not supported here: %s", describeErr(err))
	}
	t.Must(err, "AllocateAddress")
	ip, alloc := aws.ToString(out.PublicIp), aws.ToString(out.AllocationId)
	t.Defer("release address "+ip, func(ctx context.Context) error {
		rel := &ec2.ReleaseAddressInput{}
		if alloc != "" {
			rel.AllocationId = aws.String(alloc)
		} else {
			rel.PublicIp = aws.String(ip)
		}
		_, err := c.ReleaseAddress(ctx, rel)
		return ignoreEC2(err, "InvalidAllocationID.NotFound", "InvalidAddress.NotFound")
	})
	t.Check(ip != "", "AllocateAddress returned no PublicIp")
	return out
}

// describeAddress returns the address allocated as out.
func (t *scenarioT) describeAddress(out *ec2.AllocateAddressOutput) types.Address {
	in := &ec2.DescribeAddressesInput{PublicIps: []string{aws.ToString(out.PublicIp)}}
	if out.AllocationId != nil {
		in = &ec2.DescribeAddressesInput{AllocationIds: []string{aws.ToString(out.AllocationId)}}
	}
	got, err := t.env.ec2.DescribeAddresses(t.ctx, in)
	t.Must(err, "DescribeAddresses")
	t.Check(len(got.Addresses) == 1, "DescribeAddresses returned %d addresses, want 1", len(got.Addresses))
	return got.Addresses[0]
}

func ec2AddressesAllocate() scenario {
	return scenario{
		name: "ec2/addresses/allocate", api: "ec2",
		ops: []string{"AllocateAddress", "DescribeAddresses", "ReleaseAddress"},
		run: func(t *scenarioT) {
			c := t.env.ec2
			out := t.allocateEC2()
			a := t.describeAddress(out)
			Equal(t, "PublicIp", aws.ToString(a.PublicIp), aws.ToString(out.PublicIp))
			Equal(t, "AllocationId", aws.ToString(a.AllocationId), aws.ToString(out.AllocationId))
			t.Check(aws.ToString(a.InstanceId) == "", "fresh address is associated with %s", aws.ToString(a.InstanceId))
			byFilter, err := c.DescribeAddresses(t.ctx, &ec2.DescribeAddressesInput{Filters: []types.Filter{ec2Filter("public-ip", aws.ToString(out.PublicIp))}})
			t.Must(err, "DescribeAddresses filter public-ip")
			Equal(t, "addresses matching public-ip", len(byFilter.Addresses), 1)

			rel := &ec2.ReleaseAddressInput{PublicIp: out.PublicIp}
			desc := &ec2.DescribeAddressesInput{PublicIps: []string{aws.ToString(out.PublicIp)}}
			code := "InvalidAddress.NotFound"
			if out.AllocationId != nil {
				rel = &ec2.ReleaseAddressInput{AllocationId: out.AllocationId}
				desc = &ec2.DescribeAddressesInput{AllocationIds: []string{aws.ToString(out.AllocationId)}}
				code = "InvalidAllocationID.NotFound"
			}
			_, err = c.ReleaseAddress(t.ctx, rel)
			t.Must(err, "ReleaseAddress")
			_, err = c.DescribeAddresses(t.ctx, desc)
			t.ExpectEC2(err, code, "DescribeAddresses of a released address")
		},
	}
}

func ec2AddressesAssociate() scenario {
	return scenario{
		name: "ec2/addresses/associate", api: "ec2", needs: []string{capEC2AddressAssociation},
		ops: []string{"RunInstances", "AllocateAddress", "AssociateAddress", "DescribeAddresses", "DisassociateAddress", "ReleaseAddress", "TerminateInstances"},
		run: func(t *scenarioT) {
			c := t.env.ec2
			id := aws.ToString(t.runEC2(1, nil)[0].InstanceId)
			t.waitInstance(id, types.InstanceStateNameRunning, "RunInstances")
			out := t.allocateEC2()
			in := &ec2.AssociateAddressInput{InstanceId: aws.String(id)}
			if out.AllocationId != nil {
				in.AllocationId = out.AllocationId
			} else {
				in.PublicIp = out.PublicIp
			}
			as, err := c.AssociateAddress(t.ctx, in)
			t.Must(err, "AssociateAddress")
			a := t.describeAddress(out)
			Equal(t, "InstanceId of the associated address", aws.ToString(a.InstanceId), id)
			inst, err := t.describeInstance(id)
			t.Must(err, "DescribeInstances")
			t.Check(inst != nil && aws.ToString(inst.PublicIpAddress) == aws.ToString(out.PublicIp),
				"instance PublicIpAddress is not the associated %s", aws.ToString(out.PublicIp))

			dis := &ec2.DisassociateAddressInput{PublicIp: out.PublicIp}
			if as.AssociationId != nil {
				dis = &ec2.DisassociateAddressInput{AssociationId: as.AssociationId}
			}
			_, err = c.DisassociateAddress(t.ctx, dis)
			t.Must(err, "DisassociateAddress")
			a = t.describeAddress(out)
			t.Check(aws.ToString(a.InstanceId) == "", "address still associated with %s", aws.ToString(a.InstanceId))
		},
	}
}
