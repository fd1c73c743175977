package ec2compat

import (
	"sort"
	"strings"
)

// The parameter policy. A request parameter the gateway does not
// implement gets EC2's UnknownParameter naming it; it is never dropped
// silently. Every action lists the parameters its handler reads (patterns:
// a segment "N" stands for a list index, a trailing "*" for any rest),
// and defaults lists parameters that are accepted only with the value
// this cloud implements (what AWS does when they are absent): SDKs and
// tools send them always (Terraform sends Monitoring.Enabled=false,
// DisableApiTermination=false and EbsOptimized=false on every
// RunInstances). A handler that starts reading a parameter must add it
// here; TestParamTable checks every action has an entry.

// commonParams are accepted on every action: the protocol's own and the
// signature parameters (SigV2 query, SigV4 presigned query).
var commonParams = []string{
	"Action", "Version", "DryRun",
	"AWSAccessKeyId", "SignatureVersion", "SignatureMethod", "Signature", "Timestamp", "Expires", "SecurityToken",
	"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Security-Token",
}

var (
	pFilter  = []string{"Filter.N.Name", "Filter.N.Value.N"}
	pPaging  = []string{"MaxResults", "NextToken"}
	pTagSpec = []string{"TagSpecification.N.ResourceType", "TagSpecification.N.Tag.N.Key", "TagSpecification.N.Tag.N.Value"}
	pPerms   = []string{
		"GroupId", "GroupName",
		"IpPermissions.N.IpProtocol", "IpPermissions.N.FromPort", "IpPermissions.N.ToPort",
		"IpPermissions.N.IpRanges.N.CidrIp", "IpPermissions.N.IpRanges.N.Description",
		"IpPermissions.N.Groups.N.GroupId", "IpPermissions.N.Groups.N.GroupName", "IpPermissions.N.Groups.N.UserId",
		"IpPermissions.N.Groups.N.Description",
		"IpPermissions.N.Ipv6Ranges.N.CidrIpv6", "IpPermissions.N.Ipv6Ranges.N.Description", // refused by the decoder, naming IPv6
		"IpProtocol", "FromPort", "ToPort", "CidrIp", "SourceSecurityGroupName",
	}
)

func join(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// actionParams lists what each action reads besides commonParams.
var actionParams = map[string][]string{
	"DescribeRegions":           join(pFilter, []string{"RegionName.N", "AllRegions"}),
	"DescribeAvailabilityZones": join(pFilter, []string{"ZoneName.N", "ZoneId.N", "AllAvailabilityZones"}),
	"DescribeAccountAttributes": {"AttributeName.N"},

	"DescribeImages":         join(pFilter, pPaging, []string{"ImageId.N", "Owner.N", "IncludeDeprecated", "ExecutableBy.N"}),
	"CreateImage":            join(pTagSpec, []string{"Name", "Description", "InstanceId"}),
	"DeregisterImage":        {"ImageId"},
	"DescribeImageAttribute": {"Attribute", "ImageId"},
	"ModifyImageAttribute": {"ImageId", "Attribute", "OperationType", "UserId.N", "UserGroup.N",
		"LaunchPermission.Add.N.UserId", "LaunchPermission.Add.N.Group",
		"LaunchPermission.Remove.N.UserId", "LaunchPermission.Remove.N.Group"},
	"ResetImageAttribute": {"Attribute", "ImageId"},
	"RegisterImage": join(pTagSpec, []string{"Name", "Description", "RootDeviceName",
		"BlockDeviceMapping.N.DeviceName", "BlockDeviceMapping.N.Ebs.SnapshotId", "BlockDeviceMapping.N.Ebs.VolumeSize"}),
	"CopyImage": join(pTagSpec, []string{"SourceRegion", "SourceImageId", "Name", "Description", "ClientToken",
		"Encrypted", "KmsKeyId", "CopyImageTags", "DestinationOutpostArn"}),

	"DescribeInstanceTypes":         join(pFilter, pPaging, []string{"InstanceType.N"}),
	"DescribeInstanceTypeOfferings": join(pFilter, pPaging, []string{"LocationType"}),
	"DescribeVolumeStatus":          join(pFilter, pPaging, []string{"VolumeId.N"}),
	"DescribeVolumeAttribute":       {"Attribute", "VolumeId"},

	"RunInstances": join(pTagSpec, []string{"ImageId", "MinCount", "MaxCount", "InstanceType", "KeyName",
		"SecurityGroupId.N", "SecurityGroup.N", "UserData", "Placement.AvailabilityZone", "SubnetId", "ClientToken",
		"BlockDeviceMapping.N.DeviceName", "BlockDeviceMapping.N.Ebs.VolumeSize",
		// launchSettings (instancesettings.go) honours or refuses these,
		// naming them:
		"PrivateIpAddress", "DisableApiTermination", "DisableApiStop", "InstanceInitiatedShutdownBehavior",
		"MetadataOptions.HttpTokens", "MetadataOptions.HttpEndpoint", "MetadataOptions.HttpPutResponseHopLimit",
		"MetadataOptions.HttpProtocolIpv6", "MetadataOptions.InstanceMetadataTags", "Monitoring.Enabled",
		"IamInstanceProfile.Name", "IamInstanceProfile.Arn", "InstanceMarketOptions.MarketType",
		"CpuOptions.CoreCount", "CpuOptions.ThreadsPerCore", "Placement.GroupName", "Placement.HostId",
		"Placement.PartitionNumber", "Placement.Tenancy", "Ipv6AddressCount", "Ipv6Address.1.Ipv6Address",
		"ElasticGpuSpecification.1.Type", "ElasticInferenceAccelerator.1.Type",
		"LicenseSpecification.1.LicenseConfigurationArn",
		"CapacityReservationSpecification.CapacityReservationTarget.CapacityReservationId",
		"HibernationOptions.Configured",
		"NetworkInterface.N.DeviceIndex", "NetworkInterface.N.SubnetId", "NetworkInterface.N.PrivateIpAddress",
		"NetworkInterface.N.PrivateIpAddresses.1.PrivateIpAddress", "NetworkInterface.N.PrivateIpAddresses.1.Primary",
		"NetworkInterface.N.PrivateIpAddresses.2.PrivateIpAddress", "NetworkInterface.N.SecurityGroupId.N",
		"NetworkInterface.N.AssociatePublicIpAddress", "NetworkInterface.N.DeleteOnTermination",
		"NetworkInterface.N.NetworkInterfaceId", "NetworkInterface.N.SecondaryPrivateIpAddressCount",
		"NetworkInterface.N.Ipv6AddressCount", "NetworkInterface.N.InterfaceType", "NetworkInterface.N.NetworkCardIndex"}),
	"DescribeInstances":         join(pFilter, pPaging, []string{"InstanceId.N"}),
	"DescribeInstanceStatus":    join(pFilter, pPaging, []string{"InstanceId.N", "IncludeAllInstances"}),
	"StartInstances":            {"InstanceId.N"},
	"StopInstances":             {"InstanceId.N", "Force"},
	"RebootInstances":           {"InstanceId.N"},
	"TerminateInstances":        {"InstanceId.N"},
	"DescribeInstanceAttribute": {"Attribute", "InstanceId"},
	"ModifyInstanceAttribute": {"InstanceId", "Attribute", "Value", "InstanceType.Value", "UserData.Value",
		"DisableApiTermination.Value", "GroupId.N",
		// accepted with the value DescribeInstanceAttribute reads, else
		// refused by the handler with UnsupportedOperation, naming them:
		"DisableApiStop.Value", "InstanceInitiatedShutdownBehavior.Value", "SourceDestCheck.Value", "EbsOptimized.Value",
		// refused by the handler with UnsupportedOperation, naming them:
		"EnaSupport.Value", "SriovNetSupport.Value", "Kernel.Value", "Ramdisk.Value",
		"BlockDeviceMapping.N.DeviceName", "BlockDeviceMapping.N.Ebs.DeleteOnTermination", "BlockDeviceMapping.N.Ebs.VolumeId",
		"BlockDeviceMapping.N.NoDevice", "BlockDeviceMapping.N.VirtualName"},
	"GetConsoleOutput": {"InstanceId", "InstanceId.N"},
	"GetPasswordData":  {"InstanceId"},

	"CreateKeyPair":    join(pTagSpec, []string{"KeyName", "KeyType", "KeyFormat"}),
	"ImportKeyPair":    {"KeyName", "PublicKeyMaterial"},
	"DeleteKeyPair":    {"KeyName", "KeyPairId"},
	"DescribeKeyPairs": join(pFilter, []string{"IncludePublicKey", "KeyName.N", "KeyPairId.N"}),

	"CreateSecurityGroup":           join(pTagSpec, []string{"GroupName", "GroupDescription", "VpcId"}),
	"DeleteSecurityGroup":           {"GroupId", "GroupName"},
	"DescribeSecurityGroups":        join(pFilter, pPaging, []string{"GroupId.N", "GroupName.N"}),
	"AuthorizeSecurityGroupIngress": pPerms,
	"AuthorizeSecurityGroupEgress":  pPerms,
	"RevokeSecurityGroupIngress":    join(pPerms, []string{"SecurityGroupRuleId.N"}),
	"RevokeSecurityGroupEgress":     join(pPerms, []string{"SecurityGroupRuleId.N"}),
	"DescribeSecurityGroupRules":    join(pFilter, pPaging, []string{"SecurityGroupRuleId.N"}),

	"CreateVolume": join(pTagSpec, []string{"Size", "SnapshotId", "AvailabilityZone", "ClientToken",
		"VolumeType", "Iops", "Throughput", "MultiAttachEnabled"}), // the handler maps VolumeType to a disk offering and refuses the others
	"DeleteVolume":    {"VolumeId"},
	"DescribeVolumes": join(pFilter, pPaging, []string{"VolumeId.N"}),
	"AttachVolume":    {"Device", "VolumeId", "InstanceId"},
	"DetachVolume":    {"VolumeId", "InstanceId", "Device"},
	"ModifyVolume":    {"VolumeId", "Size", "VolumeType", "Iops", "Throughput", "MultiAttachEnabled"}, // the last four refused by the handler

	"CreateSnapshot":            join(pTagSpec, []string{"VolumeId", "Description"}),
	"DeleteSnapshot":            {"SnapshotId"},
	"DescribeSnapshots":         join(pFilter, pPaging, []string{"SnapshotId.N", "Owner.N"}),
	"DescribeSnapshotAttribute": {"Attribute", "SnapshotId"},
	"ModifySnapshotAttribute": {"SnapshotId", "Attribute", "OperationType", "UserId.N", "UserGroup.N",
		"CreateVolumePermission.Add.N.UserId", "CreateVolumePermission.Add.N.Group",
		"CreateVolumePermission.Remove.N.UserId", "CreateVolumePermission.Remove.N.Group"},
	"ResetSnapshotAttribute": {"Attribute", "SnapshotId"},
	"CopySnapshot": join(pTagSpec, []string{"SourceRegion", "SourceSnapshotId", "Description", "DestinationRegion",
		"Encrypted", "KmsKeyId", "PresignedUrl", "CompletionDurationMinutes", "DestinationOutpostArn"}),

	"AllocateAddress":     join(pTagSpec, []string{"Domain"}),
	"AssociateAddress":    {"AllocationId", "PublicIp", "InstanceId", "AllowReassociation"},
	"DisassociateAddress": {"AssociationId", "PublicIp"},
	"ReleaseAddress":      {"AllocationId", "PublicIp"},
	"DescribeAddresses":   join(pFilter, []string{"AllocationId.N", "PublicIp.N"}),

	"CreateTags":   {"ResourceId.N", "Tag.N.Key", "Tag.N.Value"},
	"DeleteTags":   {"ResourceId.N", "Tag.N.Key", "Tag.N.Value"},
	"DescribeTags": join(pFilter, pPaging),

	"DescribeVpcs":    join(pFilter, []string{"VpcId.N"}),
	"CreateVpc":       join(pTagSpec, []string{"CidrBlock"}),
	"DeleteVpc":       {"VpcId"},
	"DescribeSubnets": join(pFilter, []string{"SubnetId.N"}),
	"CreateSubnet":    join(pTagSpec, []string{"VpcId", "CidrBlock", "AvailabilityZone"}),
	"DeleteSubnet":    {"SubnetId"},

	"DescribeVpcAttribute":             {"VpcId", "Attribute"},
	"ModifyVpcAttribute":               {"VpcId", "EnableDnsSupport.Value", "EnableDnsHostnames.Value", "EnableNetworkAddressUsageMetrics.Value"},
	"DescribeVpcClassicLink":           join(pFilter, []string{"VpcId.N"}),
	"DescribeVpcClassicLinkDnsSupport": join(pPaging, []string{"VpcIds.N"}),

	"DescribeRouteTables":          join(pFilter, pPaging, []string{"RouteTableId.N"}),
	"DescribeInternetGateways":     join(pFilter, pPaging, []string{"InternetGatewayId.N"}),
	"CreateRoute":                  join(routeTargets, []string{"RouteTableId", "DestinationCidrBlock", "GatewayId", "InstanceId", "NetworkInterfaceId"}),
	"DeleteRoute":                  {"RouteTableId", "DestinationCidrBlock", "DestinationIpv6CidrBlock", "DestinationPrefixListId"},
	"ReplaceRoute":                 join(routeTargets, []string{"RouteTableId", "DestinationCidrBlock", "GatewayId", "InstanceId", "NetworkInterfaceId"}),
	"ReplaceRouteTableAssociation": {"AssociationId", "RouteTableId"},
	"CreateRouteTable":             join(pTagSpec, []string{"VpcId", "ClientToken"}),
	"DeleteRouteTable":             {"RouteTableId"},
	"AssociateRouteTable":          {"RouteTableId", "SubnetId", "GatewayId"},
	"DisassociateRouteTable":       {"AssociationId"},
	"CreateInternetGateway":        pTagSpec,
	"AttachInternetGateway":        {"InternetGatewayId", "VpcId"},
	"DetachInternetGateway":        {"InternetGatewayId", "VpcId"},
	"DeleteInternetGateway":        {"InternetGatewayId"},
	"DescribeNetworkAcls":          join(pFilter, pPaging, []string{"NetworkAclId.N"}),
	"ReplaceNetworkAclAssociation": {"AssociationId", "NetworkAclId"},
	"CreateNetworkAcl":             join(pTagSpec, []string{"VpcId", "ClientToken"}),
	"DeleteNetworkAcl":             {"NetworkAclId"},
	"CreateNetworkAclEntry": {"NetworkAclId", "RuleNumber", "Protocol", "RuleAction", "Egress", "CidrBlock", "Ipv6CidrBlock",
		"PortRange.From", "PortRange.To", "Icmp.Code", "Icmp.Type"},
	"DeleteNetworkAclEntry": {"NetworkAclId", "RuleNumber", "Egress"},
	"DescribeVpnGateways":   join(pFilter, []string{"VpnGatewayId.N"}),

	"DescribeNetworkInterfaces": join(pFilter, pPaging, []string{"NetworkInterfaceId.N"}),
}

// defaultOnly are parameters accepted only with the value this cloud
// implements (compared case-insensitively; "" = any true/false spelling
// of false is not enough, the value must be listed).
var defaultOnly = map[string]map[string][]string{
	"RunInstances": {
		"EbsOptimized": {"false"},
		"BlockDeviceMapping.N.Ebs.DeleteOnTermination": {"true"},
		"BlockDeviceMapping.N.Ebs.VolumeType":          {"standard"},
		"BlockDeviceMapping.N.Ebs.Encrypted":           {"false"},
	},
	"CreateVolume": {
		"Encrypted": {"false"},
	},
	"StopInstances": {"Hibernate": {"false"}},
	"RegisterImage": {
		"BlockDeviceMapping.N.Ebs.DeleteOnTermination": {"true"},
		"BlockDeviceMapping.N.Ebs.VolumeType":          {"standard"},
		"BlockDeviceMapping.N.Ebs.Encrypted":           {"false"},
		"EnaSupport":                                   {"false"},
		"BootMode":                                     {"legacy-bios"},
		"Architecture":                                 {"x86_64"},
		"VirtualizationType":                           {"hvm"},
	},
	"DetachVolume":     {"Force": {"false"}},
	"GetConsoleOutput": {"Latest": {"false"}},
	"CreateKeyPair":    {"KeyFormat": {"pem"}},
	"CreateVpc":        {"InstanceTenancy": {"default"}, "AmazonProvidedIpv6CidrBlock": {"false"}},
}

// matchParam matches a parameter name against a pattern.
func matchParam(pattern, name string) bool {
	if base, ok := strings.CutSuffix(pattern, ".N"); ok && name == base {
		return true // a bare list name is a one-member list (query.list)
	}
	ps, ns := strings.Split(pattern, "."), strings.Split(name, ".")
	for i, p := range ps {
		if p == "*" {
			return i < len(ns)
		}
		if i >= len(ns) {
			return false
		}
		switch {
		case p == "N":
			if ns[i] == "" || len(ns[i]) > 5 || strings.Trim(ns[i], "0123456789") != "" {
				return false
			}
		case p != ns[i]:
			return false
		}
	}
	return len(ps) == len(ns)
}

// checkParams refuses a parameter the action does not implement, naming
// it. Actions without a table entry are not checked (TestParamTable keeps
// the table complete).
func checkParams(action string, q query) error {
	allowed, ok := actionParams[action]
	if !ok {
		return nil
	}
	names := make([]string, 0, len(q))
	for k := range q {
		names = append(names, k)
	}
	sort.Strings(names)
next:
	for _, k := range names {
		for _, p := range commonParams {
			if p == k {
				continue next
			}
		}
		for _, p := range allowed {
			if matchParam(p, k) {
				continue next
			}
		}
		for p, vals := range defaultOnly[action] {
			if matchParam(p, k) {
				v := q.str(k)
				for _, ok := range vals {
					if strings.EqualFold(v, ok) {
						continue next
					}
				}
				return apiErrf("InvalidParameterValue", "Value (%s) for parameter %s is not supported by this cloud; only %s is.", v, k, strings.Join(vals, " or "))
			}
		}
		return apiErrf("UnknownParameter", "The parameter %s is not recognized or not supported by this cloud.", k)
	}
	return nil
}
