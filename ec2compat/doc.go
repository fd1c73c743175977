// Package ec2compat serves the Amazon EC2 Query API (the protocol of the aws
// CLI, boto3 and aws-sdk-go-v2's service/ec2) over a *translate.Service.
//
// Register mounts POST / and GET / on a gin router. Every request carries
// Action=… and Version=… (form body or query string); the action table in
// actions.go lists the whole surface. A handler decodes its parameters
// (query.go), calls translate and returns a response struct whose XML
// element names are EC2's wire names; xml.go wraps it in
// <ActionResponse xmlns="http://ec2.amazonaws.com/doc/VERSION/"> with a
// <requestId>. Errors go through the one table in errors.go, which maps a
// translate Kind (and Resource) to an EC2 error code and HTTP status.
//
// # Identifiers
//
// EC2 identifiers are derived from CloudStack UUIDs and reversible without
// gateway state: the prefix (i-, ami-, vol-, snap-, sg-, eipalloc-, …)
// followed by the UUID's 32 lower-case hex digits. A non-UUID CloudStack id
// is encoded as prefix + "z" + hex(bytes). Identifiers with a wrong prefix
// or shape are rejected with the resource's Malformed error. Reservation ids
// (r-…) are a hash of the launch's client token and are stored on the
// instances as a reserved tag, so every replica groups them the same way.
//
// # Paging
//
// The paged Describe calls sort by id and hand out opaque NextTokens that
// encode the last id returned; no server state is kept between pages.
// DescribeInstances with MaxResults and only filters CloudStack can select
// while paging (none, tag:KEY=value, availability-zone) reads just its page
// from CloudStack instead (instancepages.go): CloudStack's order (creation),
// then the terminated instances, with a NextToken that encodes the
// CloudStack position and a hash of the filters. Its other filters keep the
// sorted full listing.
//
// # Waiting
//
// RunInstances launches with translate's Wait (all or nothing for
// MinCount), and most state-changing actions (Reboot/Terminate,
// Attach/Detach, CreateVolume, CreateSnapshot, …) wait up to
// Options.SyncWait for their CloudStack job, so the CLI's 15-second
// waiters see the final state at their first poll. StopInstances and
// StartInstances answer at once with "stopping"/"pending", as EC2 does
// (Libcloud checks for exactly that), and the clients' waiters wait.
//
// # Parameters
//
// Lists (Name.N, Name.N.Member) accept any numbering EC2 accepts (from 0,
// sparse) in numeric order, and a bare Name is a one-member list. Every
// action lists the parameters it implements (params.go); any other one
// is refused with UnknownParameter naming it, and parameters SDKs always
// send (Monitoring.Enabled, DisableApiTermination, EbsOptimized, …) are
// accepted only with the value this cloud implements.
//
// # The default VPC, network interfaces, egress
//
// CloudStack's guest networks outside VPCs and its security groups form
// one default VPC (defaultvpc.go; isDefault=true), with a zone default
// subnet until the account has a network in the zone. Network interfaces
// are the VMs' NICs (read-only). Security groups carry EC2's default
// allow-all egress rule, modelled on CloudStack's "no egress rule = allow
// all" (sgegress.go); rule descriptions live in SecurityGroupRule tags.
// Requests signed for the service "sts" reach sts:GetCallerIdentity only
// (sts.go).
//
// # Route tables, internet gateways, network ACLs
//
// They are derived from what CloudStack routes, with ids derived from
// CloudStack's (routetables.go, networkacls.go): a CloudStack VPC has one
// route table (local, 0.0.0.0/0 to its internet gateway = the VPC
// router's source NAT when the offering has SourceNat, and one route per
// static route to a private gateway, shown as vgw-...), associated with
// every tier; each guest network outside VPCs has its own (CloudStack
// does not route between them). CreateRoute/DeleteRoute add and remove
// static routes (GatewayId vgw-: a private gateway, listed by
// DescribeVpnGateways; InstanceId/NetworkInterfaceId: the instance's
// address as the next hop, CloudStack 4.21+, refused naming the version
// before); new route tables and internet gateways, moving them, and other
// route targets answer EC2's native errors (routes.go). A VPC's default
// network ACL is what a tier without an ACL list gets (ingress denied,
// egress allowed); tiers with a list show it, and CloudStack's system
// lists appear in every VPC. CreateNetworkAcl/DeleteNetworkAcl,
// CreateNetworkAclEntry/DeleteNetworkAclEntry and
// ReplaceNetworkAclAssociation change the VPC's own CloudStack ACL lists
// (networkaclentries.go); CloudStack numbers a list's rules across both
// directions, so a number the other direction uses is refused, naming it.
// DescribeVpcAttribute's DNS attributes are the offering's Dns service;
// ModifyVpcAttribute accepts only the value that already holds.
//
// # Launch settings
//
// RunInstances honours DisableApiTermination (the reserved tag shared with
// GCE deletionProtection; TerminateInstances answers OperationNotPermitted),
// PrivateIpAddress and NetworkInterface.1 (SubnetId, PrivateIpAddress,
// SecurityGroupId.N, AssociatePublicIpAddress) and refuses, with EC2's
// error naming the parameter, what CloudStack cannot do: a terminate
// shutdown behaviour, IMDSv2-only metadata options, detailed monitoring,
// instance profiles, Spot market options (instancesettings.go). An
// instance's PublicIpAddress is its static-NAT address or, in
// security-group zones (shared guest networks, routable guest addresses),
// its guest address unless launched with AssociatePublicIpAddress=false.
// DescribeInstanceTypeOfferings offers every type (offerings and aliases)
// in every zone; DescribeVolumeStatus reports CloudStack's volume state as
// I/O health (no events or actions exist); DescribeAccountAttributes
// max-instances/max-elastic-ips are the account's CloudStack limits.
// CreateVolume VolumeType is served by a disk offering of that name
// (gp3 → offering "gp3") and read back; without one it is refused.
//
// # Launch templates
//
// Launch templates (launchtemplates.go) are CloudStack registered user
// data (4.18+): a record per template ("cg-ltn-<name>": id, creation,
// ClientToken, launch-template tags), one per version ("cg-lt-<id>-<N>":
// the LaunchTemplateData parameters exactly as sent) and one naming the
// default version ("cg-ltd-<id>-<N>"), all read with one listUserData.
// LaunchTemplateData is checked at creation by RunInstances' own code
// (launchSpec), so what a launch cannot honour is refused then, naming
// it; RunInstances with LaunchTemplate merges the version's parameters
// under the request's, parameter group by group (TagSpecification,
// SecurityGroupId, BlockDeviceMapping, …). CreateLaunchTemplate and
// CreateLaunchTemplateVersion are idempotent on ClientToken (CloudStack's
// unique names and contents). Instances launched from a template show
// EC2's aws:ec2launchtemplate:id/version tags (kept as reserved tags).
// DeleteLaunchTemplateVersions leaves a tombstone so that a version
// number is never reused. CreateTags/DeleteTags on a launch template
// store a new tags record ("cg-ltt-<id>-<stamp>", the newest wins);
// DescribeTags does not list launch templates.
//
// # Images and snapshots
//
// RegisterImage takes one (root) block device mapping with an EBS
// snapshot and templates the snapshot (imageregister.go). Launch
// permissions are the template's (imagesharing.go): Group=all is
// ispublic; UserId is the account id GetCallerIdentity answers, resolved
// to the CloudStack account name through the gateway's directory
// (Options.Accounts; without one, UserId is the account name), within the
// owner's domain; the caller's own id is a no-op. ExecutableBy.N selects
// public, shared-with-me or shared-with images. An AMI is regional: RunInstances copies a template the caller
// owns to the launch zone (copyTemplate keeps its id), which is also why
// CopyImage and CopySnapshot, which must answer new ids, are
// UnsupportedOperation. Snapshots cannot be shared on CloudStack:
// createVolumePermission is always empty (snapshotattributes.go).
// DeregisterImage deletes the caller's image also while instances use it
// (deleteTemplate forced), not while it is pending.
//
// # Not supported
//
// IPv6 rules, volume types/IOPS, tagging key pairs, ModifyInstanceAttribute
// other than instanceType, userData, disableApiTermination, groupSet
// (GroupId.N: stopped instances in security-group zones) and the default
// value of the rest (see instanceattributes.go), launch block device mappings other
// than the root size, more than one network interface at launch,
// DescribeVolumesModifications, and EC2 features with no CloudStack
// counterpart (spot, placement groups, creating or attaching network
// interfaces) answer UnknownParameter, InvalidParameterValue,
// UnsupportedOperation or InvalidAction. CloudStack's listSSHKeyPairs returns
// no public key and key pairs cannot be tagged: DescribeKeyPairs tells the
// key type, EC2's ed25519 fingerprint and the public key from the record
// the gateway keeps per key pair (translate.KeyRecordPrefix); a key pair
// without one reports rsa and refuses IncludePublicKey. CreateKeyPair
// KeyType=ed25519 is generated by the gateway (CloudStack makes rsa keys).
package ec2compat
