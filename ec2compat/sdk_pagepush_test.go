package ec2compat_test

import (
	"fmt"
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/cloudgate/cloudgate/simulator"
)

// growInstances launches n instances through the gateway, 100 per call,
// each batch tagged batch=<k>; above 200, in /24 subnets of one VPC of
// 200 each (the simulator allocates guest IPs from a /24).
func growInstances(t *testing.T, e *testEnv, n int) {
	t.Helper()
	ctx := ctxT(t)
	ami := debianImage(t, e)
	var vpc *ec2.CreateVpcOutput
	if n > 200 {
		var err error
		if vpc, err = e.ec2.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.100.0.0/16")}); err != nil {
			t.Fatal(err)
		}
	}
	var subnet *string
	for k := 0; k*100 < n; k++ {
		if vpc != nil && k%2 == 0 {
			s, err := e.ec2.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc.Vpc.VpcId, CidrBlock: aws.String(fmt.Sprintf("10.100.%d.0/24", k/2+1))})
			if err != nil {
				t.Fatal(err)
			}
			subnet = s.Subnet.SubnetId
		}
		batch := int32(min(100, n-k*100))
		if _, err := e.ec2.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(ami), InstanceType: "t3.micro",
			MinCount: aws.Int32(batch), MaxCount: aws.Int32(batch), SubnetId: subnet,
			TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeInstance,
				Tags: []types.Tag{{Key: aws.String("batch"), Value: aws.String(fmt.Sprint(k))}}}},
		}); err != nil {
			t.Fatalf("RunInstances batch %d: %v", k, err)
		}
	}
}

// benchSeed is bench/seed-large.yaml: hosts for thousands of instances,
// Destroyed VMs visible to users (allow.user.view.destroyed.vm).
func benchSeed(t *testing.T) *simulator.Seed {
	t.Helper()
	seed, err := simulator.LoadSeed("../bench/seed-large.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return seed
}

// A page of DescribeInstances is read alone from CloudStack (issue 15,
// item 2): with 2,000 instances, a page of 50 costs at most two
// listVirtualMachines pages carrying at most 100 VMs and one listVolumes
// per instance of the page, on the first page and on a page deep into the
// listing; no CloudStack list carries more than the page needs. Walking
// every page gives each instance once, the same set as the unpaged
// listing. A tag filter is pushed down (only the matching VMs travel), and
// a token presented with other filters is refused.
func TestDescribeInstancesPageIsReadAlone(t *testing.T) {
	n := 2000
	if testing.Short() {
		n = 400
	}
	e := mustEnvWith(t, benchSeed(t))
	ctx := ctxT(t)
	growInstances(t, e, n)

	pageCost := func(what string, in *ec2.DescribeInstancesInput) *ec2.DescribeInstancesOutput {
		t.Helper()
		e.cs.takeSent()
		out, err := e.ec2.DescribeInstances(ctx, in)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		calls, sent := e.cs.takeSent()
		t.Logf("%s: calls %s; items sent %s", what, summary(calls), summary(sent))
		if calls["listVirtualMachines"] > 2 || sent["listVirtualMachines"] > 100 {
			t.Errorf("%s: %d listVirtualMachines calls carrying %d VMs for a page of 50 (want <= 2 and <= 100)", what, calls["listVirtualMachines"], sent["listVirtualMachines"])
		}
		for cmd, k := range sent {
			if k > 200 {
				t.Errorf("%s: %s carried %d items for a page of 50 of %d instances", what, cmd, k, n)
			}
		}
		if got := len(ids(out)); got != 50 {
			t.Errorf("%s: %d instances, want 50", what, got)
		}
		if aws.ToString(out.NextToken) == "" {
			t.Errorf("%s: no NextToken with %d instances", what, n)
		}
		return out
	}
	first := pageCost("first page of 50", &ec2.DescribeInstancesInput{MaxResults: aws.Int32(50)})
	for _, r := range first.Reservations {
		for _, in := range r.Instances {
			if len(in.BlockDeviceMappings) == 0 || aws.ToString(in.RootDeviceName) == "" {
				t.Fatalf("instance %s on a page has no block device mappings", aws.ToString(in.InstanceId))
			}
		}
	}
	token := first.NextToken
	for i := 0; i < n/100; i++ { // halfway through
		out, err := e.ec2.DescribeInstances(ctx, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(50), NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		token = out.NextToken
	}
	pageCost("a page of 50 halfway", &ec2.DescribeInstancesInput{MaxResults: aws.Int32(50), NextToken: token})

	// Every page once, the same set as the unpaged listing.
	all, err := e.ec2.DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
	if err != nil {
		t.Fatal(err)
	}
	want := ids(all)
	seen := map[string]int{}
	pages := 0
	p := ec2.NewDescribeInstancesPaginator(e.ec2, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(1000)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, id := range ids(out) {
			seen[id]++
		}
	}
	if len(seen) != len(want) || len(want) < n {
		t.Fatalf("paged listing saw %d instances in %d pages, unpaged %d (launched %d)", len(seen), pages, len(want), n)
	}
	for _, id := range want {
		if seen[id] != 1 {
			t.Fatalf("instance %s on %d pages", id, seen[id])
		}
	}

	// A tag CloudStack selects: only the batch travels.
	tagged := &ec2.DescribeInstancesInput{MaxResults: aws.Int32(50), Filters: []types.Filter{{Name: aws.String("tag:batch"), Values: []string{"3"}}}}
	e.cs.takeSent()
	out, err := e.ec2.DescribeInstances(ctx, tagged)
	if err != nil {
		t.Fatal(err)
	}
	calls, sent := e.cs.takeSent()
	if len(ids(out)) != 50 || sent["listVirtualMachines"] > 50 || calls["listVirtualMachines"] > 2 {
		t.Errorf("tag:batch=3 page: %d instances; calls %s; items sent %s", len(ids(out)), summary(calls), summary(sent))
	}
	tagged.NextToken = out.NextToken
	out, err = e.ec2.DescribeInstances(ctx, tagged)
	if err != nil || len(ids(out)) != 50 {
		t.Fatalf("tag:batch=3 second page: %v %v", out, err)
	}
	// The token of one selection is refused for another.
	_, err = e.ec2.DescribeInstances(ctx, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(50), NextToken: first.NextToken,
		Filters: []types.Filter{{Name: aws.String("tag:batch"), Values: []string{"4"}}}})
	wantCode(t, err, "InvalidParameterValue")
	_, err = e.ec2.DescribeInstances(ctx, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(50), NextToken: first.NextToken,
		Filters: []types.Filter{{Name: aws.String("instance-state-name"), Values: []string{"running"}}}})
	wantCode(t, err, "InvalidParameterValue")
}

// Paged listings show terminated instances (Destroyed, then gone from
// CloudStack's lists but destroyed within the hour) after the live ones,
// once each, as the unpaged listing does.
func TestDescribeInstancesPagesIncludeTerminated(t *testing.T) {
	for _, c := range []struct {
		name string
		seed func(*testing.T) *simulator.Seed
	}{
		{"destroyed-visible", benchSeed},                                      // terminated VMs stay listed as Destroyed
		{"demo-recommended", func(*testing.T) *simulator.Seed { return nil }}, // the gateway's defaults
	} {
		t.Run(c.name, func(t *testing.T) { pagesIncludeTerminated(t, c.seed(t)) })
	}
}

func pagesIncludeTerminated(t *testing.T, seed *simulator.Seed) {
	e := mustEnvWith(t, seed)
	ctx := ctxT(t)
	growInstances(t, e, 12)
	all, err := e.ec2.DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
	if err != nil {
		t.Fatal(err)
	}
	live := ids(all)
	if _, err := e.ec2.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: live[:4]}); err != nil {
		t.Fatal(err)
	}
	all, err = e.ec2.DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
	if err != nil {
		t.Fatal(err)
	}
	want := ids(all)
	var got []string
	state := map[string]string{}
	p := ec2.NewDescribeInstancesPaginator(e.ec2, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(5)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ids(out)...)
		for _, r := range out.Reservations {
			for _, in := range r.Instances {
				state[aws.ToString(in.InstanceId)] = string(in.State.Name)
			}
		}
	}
	for _, id := range live[:4] {
		if state[id] != "terminated" && state[id] != "shutting-down" {
			t.Errorf("terminated instance %s listed as %q", id, state[id])
		}
	}
	sort.Strings(want)
	sort.Strings(got)
	if fmt.Sprint(got) != fmt.Sprint(want) || len(want) != 12 {
		t.Fatalf("paged %v\nunpaged %v", got, want)
	}
}

func ids(out *ec2.DescribeInstancesOutput) []string {
	var s []string
	for _, r := range out.Reservations {
		for _, in := range r.Instances {
			s = append(s, aws.ToString(in.InstanceId))
		}
	}
	return s
}
