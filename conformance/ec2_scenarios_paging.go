package conformance

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func ec2Filter(name string, values ...string) types.Filter {
	return types.Filter{Name: aws.String(name), Values: values}
}

// instanceIDs flattens DescribeInstances reservations to IDs.
func instanceIDs(out *ec2.DescribeInstancesOutput) []string {
	var ids []string
	for _, r := range out.Reservations {
		for _, inst := range r.Instances {
			ids = append(ids, aws.ToString(inst.InstanceId))
		}
	}
	return ids
}

func ec2InstancesFiltersPaging() scenario {
	return scenario{
		name: "ec2/instances/filters-paging", api: "ec2",
		ops: []string{"RunInstances", "DescribeInstances", "TerminateInstances"},
		run: func(t *scenarioT) {
			c := t.env.ec2
			insts := t.runEC2(2, nil)
			mine := map[string]bool{}
			for _, inst := range insts {
				mine[aws.ToString(inst.InstanceId)] = true
			}
			a, b := aws.ToString(insts[0].InstanceId), aws.ToString(insts[1].InstanceId)
			t.waitInstance(a, types.InstanceStateNameRunning, "RunInstances")
			t.waitInstance(b, types.InstanceStateNameRunning, "RunInstances")

			t.Step("filters")
			out, err := c.DescribeInstances(t.ctx, &ec2.DescribeInstancesInput{Filters: []types.Filter{ec2Filter("instance-id", a)}})
			t.Must(err, "DescribeInstances filter instance-id")
			ids := instanceIDs(out)
			t.Check(len(ids) == 1 && ids[0] == a, "filter instance-id=%s returned %v", a, ids)
			out, err = c.DescribeInstances(t.ctx, &ec2.DescribeInstancesInput{Filters: []types.Filter{
				ec2Filter("instance-id", a, b), ec2Filter("instance-state-name", "running"),
			}})
			t.Must(err, "DescribeInstances filters instance-id + instance-state-name")
			Equal(t, "instances matching instance-id (2 values) and state running", len(instanceIDs(out)), 2)
			out, err = c.DescribeInstances(t.ctx, &ec2.DescribeInstancesInput{Filters: []types.Filter{
				ec2Filter("instance-id", a), ec2Filter("instance-state-name", "stopped"),
			}})
			t.Must(err, "DescribeInstances filters with no match")
			Equal(t, "instances matching a contradictory filter", len(instanceIDs(out)), 0)

			t.Step("paging")
			all, err := c.DescribeInstances(t.ctx, &ec2.DescribeInstancesInput{})
			t.Must(err, "DescribeInstances (unpaged)")
			total := len(instanceIDs(all))
			seen := map[string]int{}
			var token *string
			pages := 0
			for {
				page, err := c.DescribeInstances(t.ctx, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(5), NextToken: token})
				t.Must(err, "DescribeInstances MaxResults=5")
				pages++
				n := len(instanceIDs(page))
				t.Check(n <= 5, "page %d holds %d instances, MaxResults was 5", pages, n)
				for _, id := range instanceIDs(page) {
					seen[id]++
				}
				token = page.NextToken
				if aws.ToString(token) == "" || pages > 200 {
					break
				}
			}
			for id, n := range seen {
				t.Check(n == 1, "instance %s appeared on %d pages", id, n)
			}
			t.Check(seen[a] == 1 && seen[b] == 1, "paging lost our instances (%s, %s)", a, b)
			Equal(t, "instances over all pages", len(seen), total)
		},
	}
}

func ec2ListValidation() scenario {
	return scenario{
		name: "ec2/instances/list-validation", api: "ec2",
		ops: []string{"DescribeInstances"},
		run: func(t *scenarioT) {
			c := t.env.ec2
			_, err := c.DescribeInstances(t.ctx, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(3)})
			t.ExpectEC2(err, "InvalidParameterValue", "DescribeInstances MaxResults=3")
			_, err = c.DescribeInstances(t.ctx, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(5), NextToken: aws.String("not-a-valid-token")})
			t.ExpectEC2(err, "InvalidParameterValue", "DescribeInstances with a bad NextToken")
			_, err = c.DescribeInstances(t.ctx, &ec2.DescribeInstancesInput{Filters: []types.Filter{ec2Filter("no-such-filter", "x")}})
			t.ExpectEC2(err, "InvalidParameterValue", "DescribeInstances with an unknown filter name")
		},
	}
}

func ec2InstanceTypes() scenario {
	return scenario{
		name: "ec2/instance-types", api: "ec2",
		ops: []string{"DescribeInstanceTypes"},
		run: func(t *scenarioT) {
			c := t.env.ec2
			cat := t.catalogEC2()
			out, err := c.DescribeInstanceTypes(t.ctx, &ec2.DescribeInstanceTypesInput{
				InstanceTypes: []types.InstanceType{types.InstanceType(cat.instanceType)},
			})
			t.Must(err, "DescribeInstanceTypes by name")
			t.Check(len(out.InstanceTypes) == 1, "DescribeInstanceTypes %s returned %d types", cat.instanceType, len(out.InstanceTypes))
			it := out.InstanceTypes[0]
			Equal(t, "InstanceType", string(it.InstanceType), cat.instanceType)
			t.Check(it.VCpuInfo != nil && aws.ToInt32(it.VCpuInfo.DefaultVCpus) > 0, "VCpuInfo.DefaultVCpus missing")
			t.Check(it.MemoryInfo != nil && aws.ToInt64(it.MemoryInfo.SizeInMiB) > 0, "MemoryInfo.SizeInMiB missing")

			page, err := c.DescribeInstanceTypes(t.ctx, &ec2.DescribeInstanceTypesInput{MaxResults: aws.Int32(5)})
			t.Must(err, "DescribeInstanceTypes MaxResults=5")
			t.Check(len(page.InstanceTypes) <= 5, "DescribeInstanceTypes MaxResults=5 returned %d", len(page.InstanceTypes))
			_, err = c.DescribeInstanceTypes(t.ctx, &ec2.DescribeInstanceTypesInput{MaxResults: aws.Int32(1000)})
			t.ExpectEC2(err, "InvalidParameterValue", "DescribeInstanceTypes MaxResults=1000")
		},
	}
}
