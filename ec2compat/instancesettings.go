package ec2compat

import (
	"strconv"
	"strings"

	"github.com/cloudgate/cloudgate/translate"
)

// RunInstances settings besides image, type, counts, key, groups, user
// data, tags and block devices. Each is honoured (kept in CloudStack and
// read back) or refused with EC2's error naming it; none is dropped:
//
//	DisableApiTermination       translate.DeletionProtectionTag (shared with
//	                            GCE deletionProtection): TerminateInstances
//	                            answers OperationNotPermitted; Describe/
//	                            ModifyInstanceAttribute read and change it
//	PrivateIpAddress            deployVirtualMachine ipaddress=
//	NetworkInterface.1          DeviceIndex 0 only: its SubnetId,
//	                            PrivateIpAddress, SecurityGroupId.N and
//	                            AssociatePublicIpAddress (false:
//	                            translate.NoPublicAddressTag)
//	InstanceInitiatedShutdownBehavior  "stop" only (CloudStack stops a VM
//	                            whose guest shuts down)
//	MetadataOptions             the defaults only (IMDSv1, enabled, hop
//	                            limit 1): CloudStack's metadata service has
//	                            no session tokens
//	Monitoring, IamInstanceProfile, InstanceMarketOptions, DisableApiStop,
//	CpuOptions, HibernationOptions, Placement groups/tenancy, Ipv6
//	                            refused unless they ask for the default

// launchNetwork is what RunInstances' networking parameters resolve to.
type launchNetwork struct {
	subnet       string // EC2 subnet id, "" for the zone's default
	privateIP    string
	groupIDs     []string // EC2 group ids from NetworkInterface.1.SecurityGroupId.N
	noPublicAddr bool
}

// launchSettings validates the RunInstances settings listed above, writes
// the tags that keep them into spec, and returns the networking choice.
func launchSettings(q query, spec *translate.LaunchSpec) (*launchNetwork, error) {
	unsupported := func(param, value, why string) error {
		return apiErrf("UnsupportedOperation", "The parameter %s=%s is not supported by this cloud: %s", param, value, why)
	}
	if on, err := q.boolean("DisableApiTermination"); err != nil {
		return nil, err
	} else if on {
		spec.Tags[translate.DeletionProtectionTag] = "true"
	}
	if on, err := q.boolean("DisableApiStop"); err != nil {
		return nil, err
	} else if on {
		return nil, unsupported("DisableApiStop", "true", "stop protection is not available.")
	}
	if b := q.str("InstanceInitiatedShutdownBehavior"); b != "" && b != "stop" {
		if b != "terminate" {
			return nil, apiErrf("InvalidParameterValue", "Value (%s) for parameter instanceInitiatedShutdownBehavior is invalid. Valid values are 'stop' and 'terminate'.", b)
		}
		return nil, unsupported("InstanceInitiatedShutdownBehavior", b, "CloudStack stops an instance whose guest shuts down; it cannot terminate it.")
	}
	md := q.sub("MetadataOptions")
	for _, c := range []struct{ key, ok string }{
		{"HttpTokens", "optional"}, {"HttpEndpoint", "enabled"}, {"HttpPutResponseHopLimit", "1"},
		{"HttpProtocolIpv6", "disabled"}, {"InstanceMetadataTags", "disabled"},
	} {
		if v := md.str(c.key); v != "" && v != c.ok {
			return nil, unsupported("MetadataOptions."+c.key, v, "CloudStack's metadata service (virtual router) offers only "+c.key+"="+c.ok+".")
		}
	}
	if on, err := q.boolean("Monitoring.Enabled"); err != nil {
		return nil, err
	} else if on {
		return nil, unsupported("Monitoring.Enabled", "true", "detailed monitoring is not available.")
	}
	if v := q.str("IamInstanceProfile.Name"); v != "" {
		return nil, apiErrf("InvalidParameterValue", "Value (%s) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name", v)
	}
	if v := q.str("IamInstanceProfile.Arn"); v != "" {
		return nil, apiErrf("InvalidParameterValue", "Value (%s) for parameter iamInstanceProfile.arn is invalid. Invalid IAM Instance Profile ARN", v)
	}
	if v := q.str("InstanceMarketOptions.MarketType"); v != "" {
		return nil, unsupported("InstanceMarketOptions.MarketType", v, "Spot capacity is not available.")
	}
	for _, k := range []string{"CpuOptions.CoreCount", "CpuOptions.ThreadsPerCore", "Placement.GroupName", "Placement.HostId",
		"Placement.PartitionNumber", "Ipv6AddressCount", "Ipv6Address.1.Ipv6Address", "ElasticGpuSpecification.1.Type",
		"ElasticInferenceAccelerator.1.Type", "LicenseSpecification.1.LicenseConfigurationArn", "CapacityReservationSpecification.CapacityReservationTarget.CapacityReservationId"} {
		if v := q.str(k); v != "" {
			return nil, unsupported(k, v, "CloudStack has no equivalent.")
		}
	}
	if v := q.str("Placement.Tenancy"); v != "" && v != "default" {
		return nil, unsupported("Placement.Tenancy", v, "only shared (default) tenancy is available.")
	}
	if on, err := q.boolean("HibernationOptions.Configured"); err != nil {
		return nil, err
	} else if on {
		return nil, unsupported("HibernationOptions.Configured", "true", "hibernation is not available.")
	}

	ln := &launchNetwork{subnet: q.str("SubnetId"), privateIP: q.str("PrivateIpAddress")}
	nis := q.structs("NetworkInterface")
	if len(nis) > 0 && (ln.subnet != "" || len(q.list("SecurityGroupId")) > 0 || len(q.list("SecurityGroup")) > 0 || ln.privateIP != "") {
		return nil, apiErr("InvalidParameterCombination", "Network interfaces and an instance-level subnet ID, security groups or private IP address may not be specified on the same request")
	}
	if len(nis) > 1 {
		return nil, unsupported("NetworkInterface.2", "…", "one network interface per instance is available.")
	}
	for _, ni := range nis {
		if idx := ni.str("DeviceIndex"); idx != "" && idx != "0" {
			return nil, unsupported("NetworkInterface.1.DeviceIndex", idx, "only the primary interface (0) is available.")
		}
		for _, k := range []string{"NetworkInterfaceId", "SecondaryPrivateIpAddressCount", "Ipv6AddressCount", "PrivateIpAddresses.2.PrivateIpAddress", "InterfaceType", "NetworkCardIndex"} {
			if v := ni.str(k); v != "" {
				return nil, unsupported("NetworkInterface.1."+k, v, "CloudStack has no equivalent.")
			}
		}
		if v := ni.str("DeleteOnTermination"); v != "" && !strings.EqualFold(v, "true") {
			return nil, unsupported("NetworkInterface.1.DeleteOnTermination", v, "an instance's interface ends with it.")
		}
		ln.subnet = ni.str("SubnetId")
		ln.privateIP = ni.str("PrivateIpAddress")
		if ln.privateIP == "" {
			ln.privateIP = ni.str("PrivateIpAddresses.1.PrivateIpAddress")
		}
		ln.groupIDs = ni.list("SecurityGroupId")
		if ni.has("AssociatePublicIpAddress") {
			on, err := strconv.ParseBool(ni.str("AssociatePublicIpAddress"))
			if err != nil {
				return nil, apiErrf("InvalidParameterValue", "Invalid value '%s' for NetworkInterface.1.AssociatePublicIpAddress", ni.str("AssociatePublicIpAddress"))
			}
			ln.noPublicAddr = !on
		}
	}
	if ln.noPublicAddr {
		spec.Tags[translate.NoPublicAddressTag] = "true"
	}
	spec.IPAddress = ln.privateIP
	return ln, nil
}

// protected reports whether an instance has termination protection.
func protected(in *translate.Instance) bool {
	return in.Tags[translate.DeletionProtectionTag] == "true"
}

// publicIP is the reachable address EC2 shows: the static-NAT address,
// else, in a security-group zone (shared guest networks, whose guest
// addresses are routable), the guest address, unless the launch asked for
// none (AssociatePublicIpAddress=false).
func publicIP(in *translate.Instance, sgZone bool) string {
	switch {
	case in.PublicIP != "":
		return in.PublicIP
	case sgZone && in.Tags[translate.NoPublicAddressTag] != "true":
		return in.PrivateIP
	}
	return ""
}

// setProtection changes DisableApiTermination.
func (s *server) setProtection(r *request, in *translate.Instance, val string) error {
	on, err := strconv.ParseBool(val)
	if err != nil {
		return apiErrf("InvalidParameterValue", "Value (%s) for parameter disableApiTermination is invalid. Expected true or false.", val)
	}
	switch {
	case on && !protected(in):
		return s.svc.CreateTags(r.ctx, translate.ResInstance, []string{in.ID}, translate.Tags{translate.DeletionProtectionTag: "true"})
	case !on && protected(in):
		return s.svc.DeleteTags(r.ctx, translate.ResInstance, []string{in.ID}, translate.Tags{translate.DeletionProtectionTag: ""})
	}
	return nil
}

// tagEphemeralFor marks a public IP the gateway allocated for an instance
// (EC2's auto-assigned public IP; GCE's ephemeral external address): the
// value is the instance's UUID. The same tag as gcecompat's, so whichever
// front end deletes the instance releases it. Such addresses are not
// Elastic IPs and DescribeAddresses leaves them out.
const tagEphemeralFor = translate.ReservedTagPrefix + "gce-ephemeral-for"

// wantsPublicIP reports whether a launched instance gets an auto-assigned
// public IP by static NAT: only outside security-group zones (there the
// guest address is routable already), as in AWS for launches in a default
// subnet (no SubnetId) unless AssociatePublicIpAddress=false, and for any
// subnet with AssociatePublicIpAddress=true.
func wantsPublicIP(q query, ln *launchNetwork, sgZone bool) bool {
	if sgZone || ln.noPublicAddr {
		return false
	}
	for _, ni := range q.structs("NetworkInterface") {
		if on, _ := strconv.ParseBool(ni.str("AssociatePublicIpAddress")); on {
			return true
		}
	}
	return ln.subnet == ""
}

// assignPublicIPs gives each instance an auto-assigned public IP. If one
// fails, every address it allocated is released and every instance
// removed again: nothing half-done.
func (s *server) assignPublicIPs(r *request, insts []translate.Instance) error {
	for i := range insts {
		in := &insts[i]
		a, err := s.svc.AllocateAddress(r.ctx, in.ZoneID, in.NetworkID, translate.Tags{tagEphemeralFor: in.ID})
		if err == nil {
			if err = s.svc.AssociateAddress(r.ctx, a.ID, in.ID); err != nil {
				_ = s.svc.ReleaseAddress(r.ctx, a.ID)
			}
		}
		if err != nil {
			for _, o := range insts {
				_ = s.releasePublicIPs(r, o.ID)
				if _, terr := s.svc.TerminateInstance(r.ctx, o.ID, true); terr != nil {
					s.log.Warn("cannot remove an instance whose public IP failed", "instance", o.ID, "err", terr)
				}
			}
			return err
		}
	}
	return nil
}

// releasePublicIPs releases an instance's auto-assigned public IPs.
func (s *server) releasePublicIPs(r *request, instanceID string) error {
	addrs, err := s.ephemeralIPs(r, instanceID)
	if err != nil {
		return err
	}
	return s.releaseAddresses(r, addrs)
}

// ephemeralIPs lists an instance's auto-assigned public IPs.
func (s *server) ephemeralIPs(r *request, instanceID string) ([]translate.Address, error) {
	addrs, err := s.svc.Addresses(r.ctx, translate.AddressQuery{Tags: translate.Tags{tagEphemeralFor: instanceID}})
	if err != nil {
		return nil, err
	}
	out := addrs[:0]
	for _, a := range addrs {
		if a.Tags[tagEphemeralFor] == instanceID {
			out = append(out, a)
		}
	}
	return out, nil
}

func (s *server) releaseAddresses(r *request, addrs []translate.Address) error {
	for _, a := range addrs {
		if err := s.svc.ReleaseAddress(r.ctx, a.ID); err != nil && translate.KindOf(err) != translate.NotFound {
			return err
		}
	}
	return nil
}

func instanceUUIDs(insts []translate.Instance) []string {
	out := make([]string, len(insts))
	for i, in := range insts {
		out[i] = in.ID
	}
	return out
}
