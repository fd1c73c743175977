package ec2compat

import (
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func mustQuery(t testing.TB, s string) query {
	t.Helper()
	v, err := url.ParseQuery(s)
	if err != nil {
		t.Fatal(err)
	}
	return query(v)
}

func TestFilters(t *testing.T) {
	// The exact body the aws CLI sends (client-wire-traces §4.3).
	q := mustQuery(t, "Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=instance-state-name&Filter.1.Value.1=running&Filter.1.Value.2=pending&Filter.2.Name=tag%3AName&Filter.2.Value.1=web")
	got, err := q.filters()
	if err != nil {
		t.Fatal(err)
	}
	want := []filter{{"instance-state-name", []string{"running", "pending"}}, {"tag:Name", []string{"web"}}}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("filters (-want +got):\n%s", d)
	}
}

func TestListOrderAndSparse(t *testing.T) {
	q := mustQuery(t, "InstanceId.10=c&InstanceId.2=b&InstanceId.1=a&InstanceId.x=bad&InstanceId.01=bad")
	if d := cmp.Diff([]string{"a", "b", "c"}, q.list("InstanceId")); d != "" {
		t.Fatal(d)
	}
	if q.list("Missing") != nil {
		t.Fatal("missing list not nil")
	}
	// Libcloud numbers lists from 0 (ResourceId.0, Tag.0.Key); EC2 accepts
	// that, in numeric order.
	q = mustQuery(t, "ResourceId.1=b&ResourceId.0=a&Tag.0.Key=k0&Tag.0.Value=v0&Tag.1.Key=k1")
	if d := cmp.Diff([]string{"a", "b"}, q.list("ResourceId")); d != "" {
		t.Fatal(d)
	}
	tags, err := tagList(q, "Tag")
	if err != nil || len(tags) != 2 || tags[0].Key != "k0" || tags[0].Value != "v0" || tags[1].Key != "k1" {
		t.Fatalf("Tag.0… decoded as %+v, %v", tags, err)
	}
}

func TestFilterWithoutName(t *testing.T) {
	if _, err := mustQuery(t, "Filter.1.Value.1=x").filters(); err == nil {
		t.Fatal("want error")
	}
}

func TestIpPermissions(t *testing.T) {
	q := mustQuery(t, "IpPermissions.1.IpProtocol=tcp&IpPermissions.1.FromPort=80&IpPermissions.1.ToPort=80&IpPermissions.1.IpRanges.1.CidrIp=0.0.0.0%2F0&IpPermissions.1.IpRanges.1.Description=http&IpPermissions.2.IpProtocol=tcp&IpPermissions.2.FromPort=8000&IpPermissions.2.ToPort=8100&IpPermissions.2.Groups.1.GroupId=sg-9999&IpPermissions.3.IpProtocol=-1&IpPermissions.3.IpRanges.1.CidrIp=10.0.0.0%2F8&IpPermissions.4.IpProtocol=icmp&IpPermissions.4.FromPort=-1&IpPermissions.4.ToPort=-1&IpPermissions.4.Groups.1.GroupName=web")
	got, err := q.ipPermissions()
	if err != nil {
		t.Fatal(err)
	}
	i := func(n int) *int { return &n }
	want := []ipPermission{
		{Protocol: "tcp", FromPort: i(80), ToPort: i(80), CIDRs: []string{"0.0.0.0/0"}, Descs: map[string]string{"cidr:0.0.0.0/0": "http"}},
		{Protocol: "tcp", FromPort: i(8000), ToPort: i(8100), GroupIDs: []string{"sg-9999"}, Descs: map[string]string{}},
		{Protocol: "-1", CIDRs: []string{"10.0.0.0/8"}, Descs: map[string]string{}},
		{Protocol: "icmp", FromPort: i(-1), ToPort: i(-1), GroupNames: []string{"web"}, Descs: map[string]string{}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("(-want +got):\n%s", d)
	}
}

func TestIpPermissionsLegacy(t *testing.T) {
	q := mustQuery(t, "GroupName=web&IpProtocol=tcp&FromPort=22&ToPort=22&CidrIp=1.2.3.0%2F24")
	got, err := q.ipPermissions()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Protocol != "tcp" || *got[0].FromPort != 22 || got[0].CIDRs[0] != "1.2.3.0/24" {
		t.Fatalf("got %+v", got)
	}
	got, err = mustQuery(t, "GroupName=web&SourceSecurityGroupName=other").ipPermissions()
	if err != nil || len(got) != 1 || got[0].Protocol != "-1" || got[0].GroupNames[0] != "other" {
		t.Fatalf("got %+v, %v", got, err)
	}
	if _, err := mustQuery(t, "IpPermissions.1.IpProtocol=tcp&IpPermissions.1.FromPort=99999").ipPermissions(); err == nil {
		t.Fatal("want port error")
	}
	if _, err := mustQuery(t, "IpPermissions.1.IpProtocol=tcp&IpPermissions.1.Ipv6Ranges.1.CidrIpv6=%3A%3A%2F0").ipPermissions(); err == nil {
		t.Fatal("want IPv6 error")
	}
}

func TestTagSpecs(t *testing.T) {
	q := mustQuery(t, "TagSpecification.1.ResourceType=instance&TagSpecification.1.Tag.1.Key=Name&TagSpecification.1.Tag.1.Value=web&TagSpecification.1.Tag.2.Key=env&TagSpecification.1.Tag.2.Value=dev&TagSpecification.2.ResourceType=volume&TagSpecification.2.Tag.1.Key=Name&TagSpecification.2.Tag.1.Value=webvol")
	got, err := q.tagSpecs()
	if err != nil {
		t.Fatal(err)
	}
	if got["instance"]["Name"] != "web" || got["instance"]["env"] != "dev" || got["volume"]["Name"] != "webvol" {
		t.Fatalf("got %v", got)
	}
	if _, err := specTags(got, "instance"); err == nil {
		t.Fatal("volume should not be allowed")
	}
	for _, bad := range []string{"TagSpecification.1.Tag.1.Key=x", "TagSpecification.1.ResourceType=instance&TagSpecification.1.Tag.1.Key=aws%3Ax", "TagSpecification.1.ResourceType=instance&TagSpecification.1.Tag.1.Key=cloudgate%3Ax"} {
		if _, err := mustQuery(t, bad).tagSpecs(); err == nil {
			t.Errorf("%s: want error", bad)
		}
	}
}

func TestBoolIntRequired(t *testing.T) {
	q := mustQuery(t, "DryRun=true&N=5&Bad=x&B2=maybe")
	if b, err := q.boolean("DryRun"); !b || err != nil {
		t.Fatal(b, err)
	}
	if _, err := q.boolean("B2"); err == nil {
		t.Fatal("want bool error")
	}
	if n, err := q.integer("N", 0); n != 5 || err != nil {
		t.Fatal(n, err)
	}
	if _, err := q.integer("Bad", 0); err == nil {
		t.Fatal("want int error")
	}
	if _, err := q.required("Nope"); err == nil {
		t.Fatal("want MissingParameter")
	} else if _, e := toEC2Error(err); e.Code != "MissingParameter" {
		t.Fatal(e)
	}
}

func TestPaging(t *testing.T) {
	items := []string{"e", "a", "d", "b", "c", "f", "g"}
	var got []string
	tok := ""
	for i := 0; i < 10; i++ {
		q := query{"MaxResults": {"5"}}
		if tok != "" {
			q["NextToken"] = []string{tok}
		}
		p, err := q.paging(5, 1000)
		if err != nil {
			t.Fatal(err)
		}
		var pg []string
		pg, tok = paginate(append([]string{}, items...), func(s string) string { return s }, p)
		got = append(got, pg...)
		if tok == "" {
			break
		}
	}
	if d := cmp.Diff([]string{"a", "b", "c", "d", "e", "f", "g"}, got); d != "" {
		t.Fatal(d)
	}
	for _, bad := range []string{"MaxResults=4", "MaxResults=1001", "MaxResults=x", "NextToken=%21%21", "NextToken=YWJj"} {
		if _, err := mustQuery(t, bad).paging(5, 1000); err == nil {
			t.Errorf("%s: want error", bad)
		} else if _, e := toEC2Error(err); e.Code != "InvalidParameterValue" {
			t.Errorf("%s: code %s", bad, e.Code)
		}
	}
}

func TestDecodeBase64(t *testing.T) {
	for _, in := range []string{"IyEvYmluL2Jhc2gKZWNobyBoZWxsbw==", "IyEvYmluL2Jhc2gKZWNobyBoZWxsbw"} {
		b, err := decodeBase64("user data", in)
		if err != nil || string(b) != "#!/bin/bash\necho hello" {
			t.Fatalf("%q: %q %v", in, b, err)
		}
	}
	if _, err := decodeBase64("user data", "not base64!"); err == nil {
		t.Fatal("want error")
	}
}

// FuzzQuery checks that decoding arbitrary parameter sets never panics and
// that decoded lists keep their invariants.
func FuzzQuery(f *testing.F) {
	f.Add("Filter.1.Name=tag%3AName&Filter.1.Value.1=web&Filter.1.Value.2=*")
	f.Add("IpPermissions.1.IpProtocol=tcp&IpPermissions.1.FromPort=22&IpPermissions.1.ToPort=22&IpPermissions.1.IpRanges.1.CidrIp=0.0.0.0%2F0&IpPermissions.1.Groups.1.GroupId=sg-1")
	f.Add("TagSpecification.1.ResourceType=instance&TagSpecification.1.Tag.1.Key=a&TagSpecification.1.Tag.1.Value=b")
	f.Add("IpProtocol=udp&FromPort=1&ToPort=2&CidrIp=10.0.0.0%2F8")
	f.Add("Filter.99999.Name=x&Filter.0.Name=y&Filter..Name=z&Filter.1.Value.1.2=w")
	f.Fuzz(func(t *testing.T, s string) {
		v, err := url.ParseQuery(s)
		if err != nil {
			return
		}
		q := query(v)
		fs, err := q.filters()
		if err == nil {
			for _, f := range fs {
				if f.Name == "" {
					t.Fatal("empty filter name accepted")
				}
			}
		}
		perms, err := q.ipPermissions()
		if err == nil {
			for _, p := range perms {
				if p.Protocol == "" {
					t.Fatal("empty protocol accepted")
				}
				for _, port := range []*int{p.FromPort, p.ToPort} {
					if port != nil && (*port < -1 || *port > 65535) {
						t.Fatalf("port %d accepted", *port)
					}
				}
			}
		}
		if specs, err := q.tagSpecs(); err == nil {
			for rt, tags := range specs {
				if rt == "" {
					t.Fatal("empty resource type")
				}
				for k := range tags {
					if k == "" || strings.HasPrefix(k, "cloudgate:") {
						t.Fatalf("bad key %q accepted", k)
					}
				}
			}
		}
		_, _ = q.paging(5, 1000)
		_ = q.list("InstanceId")
		_ = q.structs("BlockDeviceMapping")
	})
}

func TestListBare(t *testing.T) {
	q := mustQuery(t, "KeyName=k1")
	if d := cmp.Diff([]string{"k1"}, q.list("KeyName")); d != "" {
		t.Fatal(d)
	}
	if !matchParam("KeyName.N", "KeyName") || matchParam("Filter.N.Name", "Filter") {
		t.Fatal("bare list names")
	}
}
