package ec2compat

import (
	"testing"
)

// TestParamTable: every action has a parameter list, so no parameter of
// a new action is dropped unchecked.
func TestParamTable(t *testing.T) {
	for a := range actions {
		if _, ok := actionParams[a]; !ok {
			t.Errorf("action %s has no entry in actionParams (params.go)", a)
		}
	}
	for a := range actionParams {
		if _, ok := actions[a]; !ok {
			t.Errorf("actionParams lists %s, which is not an action", a)
		}
	}
}

func TestCheckParams(t *testing.T) {
	for _, c := range []struct {
		action, form, code string
	}{
		{"DescribeInstances", "Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-1&Filter.1.Name=a&Filter.1.Value.1=b&MaxResults=5", ""},
		{"DescribeInstances", "Action=DescribeInstances&InstanceIds.1=i-1", "UnknownParameter"},
		{"CreateTags", "Action=CreateTags&ResourceId.0=i-1&Tag.0.Key=k&Tag.0.Value=v", ""},
		{"RunInstances", "Action=RunInstances&ImageId=ami-1&Monitoring.Enabled=false&DisableApiTermination=false&EbsOptimized=false", ""},
		{"RunInstances", "Action=RunInstances&ImageId=ami-1&EbsOptimized=true", "InvalidParameterValue"},
		{"RunInstances", "Action=RunInstances&ImageId=ami-1&KernelId=aki-1", "UnknownParameter"},
		{"RunInstances", "Action=RunInstances&NetworkInterface.1.Description=x", "UnknownParameter"},
		{"RunInstances", "Action=RunInstances&NetworkInterface.1.SubnetId=s&NetworkInterface.1.DeviceIndex=0", ""},
		{"RunInstances", "Action=RunInstances&BlockDeviceMapping.1.DeviceName=/dev/sda1&BlockDeviceMapping.1.Ebs.VolumeSize=9&BlockDeviceMapping.1.Ebs.DeleteOnTermination=true", ""},
		{"RunInstances", "Action=RunInstances&BlockDeviceMapping.1.Ebs.Iops=300", "UnknownParameter"},
		{"AuthorizeSecurityGroupIngress", "Action=AuthorizeSecurityGroupIngress&GroupId=sg-1&IpPermissions.1.PrefixListIds.1.PrefixListId=pl-1", "UnknownParameter"},
		{"GetConsoleOutput", "Action=GetConsoleOutput&InstanceId.1=i-1&AWSAccessKeyId=a&SignatureVersion=2&SignatureMethod=HmacSHA256&Timestamp=t&Signature=s", ""},
		{"DescribeRegions", "Action=DescribeRegions&X-Amz-Algorithm=a&X-Amz-Credential=c&X-Amz-Date=d&X-Amz-Expires=1&X-Amz-SignedHeaders=host&X-Amz-Signature=s", ""},
	} {
		err := checkParams(c.action, mustQuery(t, c.form))
		got := ""
		if err != nil {
			got = err.(*protoError).Code
		}
		if got != c.code {
			t.Errorf("%s: got %q (%v), want %q", c.form, got, err, c.code)
		}
	}
}

func TestMatchParam(t *testing.T) {
	for _, c := range []struct {
		p, n string
		want bool
	}{
		{"Filter.N.Value.N", "Filter.1.Value.2", true},
		{"Filter.N.Value.N", "Filter.1.Value", false},
		{"Filter.N.Name", "Filter.x.Name", false},
		{"NetworkInterface.N.*", "NetworkInterface.1.SecurityGroupId.1", true},
		{"NetworkInterface.N.*", "NetworkInterface.1", false},
		{"InstanceId", "InstanceId.1", false},
	} {
		if got := matchParam(c.p, c.n); got != c.want {
			t.Errorf("matchParam(%q, %q) = %v", c.p, c.n, got)
		}
	}
}
