package ec2compat

// handler decodes one action's parameters, calls translate and returns the
// response struct. Handlers never write to the gin context and never pick
// HTTP statuses.
type handler func(s *server, r *request) (response, error)

// actions is the whole EC2 surface, keyed by Action=. Every action is
// authenticated (Options.Authenticate runs before dispatch); DryRun=true
// is answered with DryRunOperation after authentication. Unknown actions
// are InvalidAction.
var actions = map[string]handler{
	// regions.go
	"DescribeRegions":           (*server).describeRegions,
	"DescribeAvailabilityZones": (*server).describeAvailabilityZones,
	"DescribeAccountAttributes": (*server).describeAccountAttributes,

	// images.go
	"DescribeImages":         (*server).describeImages,
	"CreateImage":            (*server).createImage,
	"DeregisterImage":        (*server).deregisterImage,
	"DescribeImageAttribute": (*server).describeImageAttribute,
	"ModifyImageAttribute":   (*server).modifyImageAttribute,
	"ResetImageAttribute":    (*server).resetImageAttribute,
	"RegisterImage":          (*server).registerImage,
	"CopyImage":              (*server).copyImage,

	// instancetypes.go
	"DescribeInstanceTypes": (*server).describeInstanceTypes,
	// typeofferings.go
	"DescribeInstanceTypeOfferings": (*server).describeInstanceTypeOfferings,
	// volumestatus.go
	"DescribeVolumeStatus":    (*server).describeVolumeStatus,
	"DescribeVolumeAttribute": (*server).describeVolumeAttribute,

	// instances.go, instanceactions.go
	"RunInstances":              (*server).runInstances,
	"DescribeInstances":         (*server).describeInstances,
	"DescribeInstanceStatus":    (*server).describeInstanceStatus,
	"StartInstances":            (*server).startInstances,
	"StopInstances":             (*server).stopInstances,
	"RebootInstances":           (*server).rebootInstances,
	"TerminateInstances":        (*server).terminateInstances,
	"DescribeInstanceAttribute": (*server).describeInstanceAttribute,
	"ModifyInstanceAttribute":   (*server).modifyInstanceAttribute,
	"GetConsoleOutput":          (*server).getConsoleOutput,
	"GetPasswordData":           (*server).getPasswordData,

	// keypairs.go
	"CreateKeyPair":    (*server).createKeyPair,
	"ImportKeyPair":    (*server).importKeyPair,
	"DeleteKeyPair":    (*server).deleteKeyPair,
	"DescribeKeyPairs": (*server).describeKeyPairs,

	// securitygroups.go
	"CreateSecurityGroup":           (*server).createSecurityGroup,
	"DeleteSecurityGroup":           (*server).deleteSecurityGroup,
	"DescribeSecurityGroups":        (*server).describeSecurityGroups,
	"AuthorizeSecurityGroupIngress": (*server).authorizeIngress,
	"AuthorizeSecurityGroupEgress":  (*server).authorizeEgress,
	"RevokeSecurityGroupIngress":    (*server).revokeIngress,
	"RevokeSecurityGroupEgress":     (*server).revokeEgress,
	"DescribeSecurityGroupRules":    (*server).describeSecurityGroupRules,

	// volumes.go
	"CreateVolume":    (*server).createVolume,
	"DeleteVolume":    (*server).deleteVolume,
	"DescribeVolumes": (*server).describeVolumes,
	"AttachVolume":    (*server).attachVolume,
	"DetachVolume":    (*server).detachVolume,
	"ModifyVolume":    (*server).modifyVolume,

	// snapshots.go
	"CreateSnapshot":            (*server).createSnapshot,
	"DeleteSnapshot":            (*server).deleteSnapshot,
	"DescribeSnapshots":         (*server).describeSnapshots,
	"DescribeSnapshotAttribute": (*server).describeSnapshotAttribute,
	"ModifySnapshotAttribute":   (*server).modifySnapshotAttribute,
	"ResetSnapshotAttribute":    (*server).resetSnapshotAttribute,
	"CopySnapshot":              (*server).copySnapshot,

	// addresses.go
	"AllocateAddress":     (*server).allocateAddress,
	"AssociateAddress":    (*server).associateAddress,
	"DisassociateAddress": (*server).disassociateAddress,
	"ReleaseAddress":      (*server).releaseAddress,
	"DescribeAddresses":   (*server).describeAddresses,

	// networkinterfaces.go
	"DescribeNetworkInterfaces": (*server).describeNetworkInterfaces,

	// tags.go
	"CreateTags":   (*server).createTags,
	"DeleteTags":   (*server).deleteTags,
	"DescribeTags": (*server).describeTags,

	// vpcs.go
	"DescribeVpcs":    (*server).describeVpcs,
	"CreateVpc":       (*server).createVpc,
	"DeleteVpc":       (*server).deleteVpc,
	"DescribeSubnets": (*server).describeSubnets,
	"CreateSubnet":    (*server).createSubnet,
	"DeleteSubnet":    (*server).deleteSubnet,

	// vpcattributes.go
	"DescribeVpcAttribute": (*server).describeVpcAttribute,
	"ModifyVpcAttribute":   (*server).modifyVpcAttribute,
	// ClassicLink: EC2's own UnsupportedOperation (vpcattributes.go).
	"DescribeVpcClassicLink":           (*server).describeVpcClassicLink,
	"DescribeVpcClassicLinkDnsSupport": (*server).describeVpcClassicLink,

	// routetables.go, routes.go
	"DescribeRouteTables":          (*server).describeRouteTables,
	"DescribeInternetGateways":     (*server).describeInternetGateways,
	"CreateRoute":                  (*server).createRoute,
	"DeleteRoute":                  (*server).deleteRoute,
	"ReplaceRoute":                 (*server).replaceRoute,
	"ReplaceRouteTableAssociation": (*server).replaceRouteTableAssociation,
	"CreateRouteTable":             (*server).createRouteTable,
	"DeleteRouteTable":             (*server).deleteRouteTable,
	"AssociateRouteTable":          (*server).associateRouteTable,
	"DisassociateRouteTable":       (*server).disassociateRouteTable,
	"CreateInternetGateway":        (*server).createInternetGateway,
	"AttachInternetGateway":        (*server).attachInternetGateway,
	"DetachInternetGateway":        (*server).detachInternetGateway,
	"DeleteInternetGateway":        (*server).deleteInternetGateway,

	// vpngateways.go
	"DescribeVpnGateways": (*server).describeVpnGateways,

	// networkacls.go
	"DescribeNetworkAcls":          (*server).describeNetworkAcls,
	"ReplaceNetworkAclAssociation": (*server).replaceNetworkAclAssociation,
	// networkaclentries.go
	"CreateNetworkAcl":      (*server).createNetworkAcl,
	"DeleteNetworkAcl":      (*server).deleteNetworkAcl,
	"CreateNetworkAclEntry": (*server).createNetworkAclEntry,
	"DeleteNetworkAclEntry": (*server).deleteNetworkAclEntry,
}
