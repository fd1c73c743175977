package conformance

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	compute "google.golang.org/api/compute/v1"
)

// Bad input gets the client's native error before anything is created
// (issue 14): GCE's label rules, EC2's tag rules and EC2's answer to an
// oversize body, checked through the Go SDKs' parsers; and what the
// operational endpoints give away (/readyz, /metrics).
func TestStrictInput(t *testing.T) {
	e := newFaultEnv(t, []string{"--expunge-delay", "100ms"})
	ctx := ctxT(t, 3*time.Minute)

	t.Run("gce-labels", func(t *testing.T) {
		vols, vms := len(e.sim.liveVolumes(t)), len(e.sim.liveVMs(t))
		many := map[string]string{}
		for i := range 100000 {
			many[fmt.Sprintf("k%d", i)] = "v"
		}
		sixtyFive := map[string]string{}
		for i := range 65 {
			sixtyFive[fmt.Sprintf("k%d", i)] = "v"
		}
		bad := map[string]map[string]string{
			"100000 labels":      many,
			"65 labels":          sixtyFive,
			"upper-case key":     {"Env": "dev"},
			"key starting digit": {"1env": "dev"},
			"CR/LF in value":     {"env": "dev\r\ninjected"},
			"64-char key":        {strings.Repeat("k", 64): "v"},
			"64-char value":      {"k": strings.Repeat("v", 64)},
			"empty key":          {"": "v"},
		}
		for name, labels := range bad {
			_, err := e.gce.Disks.Insert(e.proj, e.cat.zone, &compute.Disk{Name: "labels-bad", SizeGb: 1, Labels: labels}).Context(ctx).Do()
			if reason, code := gceErrCode(err); code != 400 || reason != "invalid" {
				t.Errorf("disks.insert with %s: %d %q %v", name, code, reason, err)
			}
			inst := gceInstance(e.cat, "labels-bad")
			inst.Labels = labels
			_, err = e.gce.Instances.Insert(e.proj, e.cat.zone, inst).Context(ctx).Do()
			if reason, code := gceErrCode(err); code != 400 || reason != "invalid" {
				t.Errorf("instances.insert with %s: %d %q %v", name, code, reason, err)
			}
		}
		if v, m := len(e.sim.liveVolumes(t)), len(e.sim.liveVMs(t)); v != vols || m != vms {
			t.Errorf("bad labels created something: volumes %d → %d, VMs %d → %d", vols, v, vms, m)
		}
		// The limits themselves are fine: 64 labels, 63-character keys and
		// values, international lower-case letters.
		ok := map[string]string{strings.Repeat("k", 63): strings.Repeat("v", 63), "é_x-1": "ü"}
		for i := range 62 {
			ok[fmt.Sprintf("k%d", i)] = ""
		}
		op, err := e.gce.Disks.Insert(e.proj, e.cat.zone, &compute.Disk{Name: "labels-ok", SizeGb: 1, Labels: ok}).Context(ctx).Do()
		if err == nil {
			op, err = waitOp(ctx, e.gce, e.proj, e.cat.zone, op.Name)
		}
		if err != nil || op.Error != nil {
			t.Fatalf("disks.insert with 64 valid labels: %v %+v", err, op)
		}
		d, err := e.gce.Disks.Get(e.proj, e.cat.zone, "labels-ok").Context(ctx).Do()
		if err != nil || len(d.Labels) != 64 {
			t.Fatalf("disks.get: %v, %d labels", err, len(d.Labels))
		}
		_, err = e.gce.Disks.SetLabels(e.proj, e.cat.zone, "labels-ok", &compute.ZoneSetLabelsRequest{
			LabelFingerprint: d.LabelFingerprint, Labels: map[string]string{"Bad Key": "v"}}).Context(ctx).Do()
		if reason, code := gceErrCode(err); code != 400 || reason != "invalid" {
			t.Errorf("disks.setLabels with a bad key: %d %q %v", code, reason, err)
		}
		if op, err := e.gce.Disks.Delete(e.proj, e.cat.zone, "labels-ok").Context(ctx).Do(); err == nil {
			waitOp(ctx, e.gce, e.proj, e.cat.zone, op.Name)
		}
	})

	t.Run("gce-disk-requestid", func(t *testing.T) {
		// A retried disks.insert with the same requestId answers the
		// operation (GCE ignores the repeat); another requestId gets 409.
		d := &compute.Disk{Name: "reqid-disk", SizeGb: 1}
		rid := "00000000-0000-4000-8000-00000000d15c"
		for i := range 2 {
			op, err := e.gce.Disks.Insert(e.proj, e.cat.zone, d).RequestId(rid).Context(ctx).Do()
			if err == nil {
				op, err = waitOp(ctx, e.gce, e.proj, e.cat.zone, op.Name)
			}
			if err != nil || op.Error != nil {
				t.Fatalf("disks.insert #%d with requestId: %v %+v", i+1, err, op)
			}
		}
		_, err := e.gce.Disks.Insert(e.proj, e.cat.zone, d).RequestId("00000000-0000-4000-8000-00000000d15d").Context(ctx).Do()
		if reason, code := gceErrCode(err); code != 409 {
			t.Errorf("disks.insert of an existing name with another requestId: %d %q %v", code, reason, err)
		}
		if op, err := e.gce.Disks.Delete(e.proj, e.cat.zone, d.Name).Context(ctx).Do(); err == nil {
			waitOp(ctx, e.gce, e.proj, e.cat.zone, op.Name)
		}
	})

	t.Run("ec2-tags", func(t *testing.T) {
		sg, err := e.ec2.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("tag-rules"), Description: aws.String("tag rules")})
		if err != nil {
			t.Fatal(err)
		}
		id := aws.ToString(sg.GroupId)
		t.Cleanup(func() { e.ec2.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(id)}) })
		tags := func(n int, prefix string) []ec2types.Tag {
			var out []ec2types.Tag
			for i := range n {
				out = append(out, ec2types.Tag{Key: aws.String(fmt.Sprintf("%s%d", prefix, i)), Value: aws.String("v")})
			}
			return out
		}
		cases := []struct {
			name string
			tags []ec2types.Tag
			code string
		}{
			{"51 tags", tags(51, "k"), "TagLimitExceeded"},
			{"129-character key", []ec2types.Tag{{Key: aws.String(strings.Repeat("k", 129)), Value: aws.String("v")}}, "InvalidParameterValue"},
			{"257-character value", []ec2types.Tag{{Key: aws.String("k"), Value: aws.String(strings.Repeat("v", 257))}}, "InvalidParameterValue"},
			{"aws: prefix", []ec2types.Tag{{Key: aws.String("aws:cloudformation:stack"), Value: aws.String("v")}}, "InvalidParameterValue"},
		}
		for _, c := range cases {
			_, err := e.ec2.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{id}, Tags: c.tags})
			if code, status := ec2ErrCode(err); code != c.code || status != 400 {
				t.Errorf("CreateTags with %s: %q %d %v", c.name, code, status, err)
			}
		}
		// 49 tags, then 2 more: over the limit, nothing written; then 1: 50.
		if _, err := e.ec2.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{id}, Tags: tags(49, "a")}); err != nil {
			t.Fatalf("CreateTags 49: %v", err)
		}
		_, err = e.ec2.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{id}, Tags: tags(2, "b")})
		if code, _ := ec2ErrCode(err); code != "TagLimitExceeded" {
			t.Errorf("CreateTags past 50 on one resource: %v", err)
		}
		if _, err := e.ec2.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{id}, Tags: tags(1, "c")}); err != nil {
			t.Errorf("CreateTags to exactly 50: %v", err)
		}
		out, err := e.ec2.DescribeTags(ctx, &ec2.DescribeTagsInput{Filters: []ec2types.Filter{{Name: aws.String("resource-id"), Values: []string{id}}}})
		if err != nil || len(out.Tags) != 50 {
			t.Errorf("DescribeTags: %v, %d tags (want 50)", err, len(out.Tags))
		}
		// RunInstances with 51 instance tags: refused before any deploy.
		vms := len(e.sim.liveVMs(t))
		_, err = e.ec2.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(e.cat.ami), InstanceType: ec2types.InstanceType(e.cat.instanceType),
			MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
			TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeInstance, Tags: tags(51, "k")}}})
		if code, _ := ec2ErrCode(err); code != "TagLimitExceeded" {
			t.Errorf("RunInstances with 51 tags: %v", err)
		}
		if n := len(e.sim.liveVMs(t)); n != vms {
			t.Errorf("RunInstances with bad tags deployed: %d → %d VMs", vms, n)
		}
	})

	t.Run("ec2-oversize-body", func(t *testing.T) {
		// 3 MB of user data: over the gateway's 2 MB body limit. EC2
		// answers 400 InvalidInput (aws/karpenter-provider-aws#5776).
		_, err := e.ec2.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(e.cat.ami), InstanceType: ec2types.InstanceType(e.cat.instanceType),
			MinCount: aws.Int32(1), MaxCount: aws.Int32(1), UserData: aws.String(strings.Repeat("QUFB", 3<<18))})
		if code, status := ec2ErrCode(err); code != "InvalidInput" || status != 400 {
			t.Errorf("oversize RunInstances: %q %d %v", code, status, err)
		}
	})

	t.Run("metrics-labels", func(t *testing.T) {
		hc := e.gw.HTTPClient(t)
		for i := range 400 {
			resp, err := hc.PostForm(e.gw.URL+"/", url.Values{"Action": {fmt.Sprintf("Bogus%d", i)}, "Version": {"2016-11-15"}})
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		if _, err := e.ec2.DescribeAvailabilityZones(ctx, &ec2.DescribeAvailabilityZonesInput{}); err != nil {
			t.Fatal(err)
		}
		m := get(t, hc, e.gw.URL+"/metrics")
		if strings.Contains(m, "Bogus") {
			t.Errorf("unsigned actions got metric labels")
		}
		if !strings.Contains(m, `operation="DescribeAvailabilityZones"`) || !strings.Contains(m, `operation="unauthenticated"`) {
			t.Errorf("metrics lack the real operation or the unauthenticated bucket")
		}
	})

	t.Run("readyz", func(t *testing.T) {
		hc := e.gw.HTTPClient(t)
		e.sim.stop(9)
		resp, err := hc.Get(e.gw.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable || string(b) != "not ready\n" {
			t.Errorf("/readyz with CloudStack down: %d %q", resp.StatusCode, b)
		}
		if strings.Contains(string(b), e.sim.Addr) {
			t.Errorf("/readyz names CloudStack: %q", b)
		}
	})
}

func get(t *testing.T, hc *http.Client, u string) string {
	t.Helper()
	resp, err := hc.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
