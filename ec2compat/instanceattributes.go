package ec2compat

import (
	"strconv"
	"strings"

	"github.com/cloudgate/cloudgate/translate"
)

// ModifyInstanceAttribute changes one attribute per request, named by
// Attribute (with Value) or by its own parameter (X.Value, GroupId.N,
// BlockDeviceMapping.N). Each attribute DescribeInstanceAttribute reads
// either changes for real or is refused with EC2's error naming it:
//
//	instanceType                stopped instances (changeServiceForVirtualMachine)
//	userData                    updateVirtualMachine userdata=
//	disableApiTermination       translate.DeletionProtectionTag
//	groupSet (GroupId.N)        stopped instances in security-group zones
//	                            (translate.Service.SetSecurityGroups):
//	                            IncorrectInstanceState while running,
//	                            UnsupportedOperation in zones without
//	                            security groups (CloudStack would skip the
//	                            change without an error)
//	disableApiStop, instanceInitiatedShutdownBehavior, sourceDestCheck,
//	ebsOptimized                the value Describe reads (false, stop, true,
//	                            false) is accepted, any other refused
//	kernel, ramdisk, enaSupport, sriovNetSupport, blockDeviceMapping
//	                            refused (UnsupportedOperation)
//	rootDeviceName, productCodes, enclaveOptions
//	                            cannot be modified (InvalidParameterValue)

// attrParams maps each attribute's own parameter to the attribute.
var attrParams = []struct{ param, attr string }{
	{"InstanceType.Value", "instanceType"},
	{"UserData.Value", "userData"},
	{"DisableApiTermination.Value", "disableApiTermination"},
	{"DisableApiStop.Value", "disableApiStop"},
	{"InstanceInitiatedShutdownBehavior.Value", "instanceInitiatedShutdownBehavior"},
	{"SourceDestCheck.Value", "sourceDestCheck"},
	{"EbsOptimized.Value", "ebsOptimized"},
	{"EnaSupport.Value", "enaSupport"},
	{"SriovNetSupport.Value", "sriovNetSupport"},
	{"Kernel.Value", "kernel"},
	{"Ramdisk.Value", "ramdisk"},
}

// requestedAttribute returns the one attribute a ModifyInstanceAttribute
// request changes and its value (for groupSet the value is unused).
func requestedAttribute(q query) (attr, val string, err error) {
	var attrs []string
	vals := map[string]string{}
	add := func(a, v string) {
		for _, x := range attrs {
			if x == a {
				if vals[a] == "" {
					vals[a] = v // Attribute=a with a.Value instead of Value
				}
				return
			}
		}
		attrs = append(attrs, a)
		vals[a] = v
	}
	if a := q.str("Attribute"); a != "" {
		if a == "groupSet" && q.has("Value") {
			return "", "", apiErr("InvalidParameterCombination", "The groupSet attribute is changed with GroupId.N, not Value.")
		}
		add(a, q.str("Value"))
	} else if q.has("Value") {
		return "", "", apiErr("MissingParameter", "The request must contain the parameter attribute")
	}
	for _, p := range attrParams {
		if q.has(p.param) {
			add(p.attr, q.str(p.param))
		}
	}
	if len(q.sub("GroupId")) > 0 {
		add("groupSet", "")
	}
	if len(q.sub("BlockDeviceMapping")) > 0 {
		add("blockDeviceMapping", "")
	}
	switch len(attrs) {
	case 0:
		return "", "", apiErr("MissingParameter", "The request must contain an attribute to modify.")
	case 1:
		return attrs[0], vals[attrs[0]], nil
	}
	return "", "", apiErrf("InvalidParameterCombination", "Fields for multiple attribute types specified: %s", strings.Join(attrs, ", "))
}

func (s *server) modifyInstanceAttribute(r *request) (response, error) {
	attr, val, err := requestedAttribute(r.q)
	if err != nil {
		return nil, err
	}
	in, err := s.oneInstance(r)
	if err != nil {
		return nil, err
	}
	unsupported := func(why string) error {
		return apiErrf("UnsupportedOperation", "Modifying %s to %q is not supported by this cloud: %s", attr, val, why)
	}
	// onlyDefault accepts the one value this cloud has (what
	// DescribeInstanceAttribute reads), refuses the other.
	onlyDefault := func(def, why string) error {
		if attr == "instanceInitiatedShutdownBehavior" {
			if val != "stop" && val != "terminate" {
				return apiErrf("InvalidParameterValue", "Value (%s) for parameter instanceInitiatedShutdownBehavior is invalid. Valid values are 'stop' and 'terminate'.", val)
			}
		} else if _, err := strconv.ParseBool(val); err != nil {
			return apiErrf("InvalidParameterValue", "Value (%s) for parameter %s is invalid. Expected true or false.", val, attr)
		}
		if strings.EqualFold(val, def) {
			return nil
		}
		return unsupported(why)
	}
	switch attr {
	case "instanceType":
		if st := stateOf(in); st != stateStopped {
			return nil, &translate.Error{Kind: translate.FailedPrecondition, Resource: translate.ResInstance,
				Message: "The instance '" + ec2ID(pInstance, in.ID) + "' is not in the 'stopped' state."}
		}
		off, err := s.offering(r, val)
		if err != nil {
			return nil, err
		}
		if err := s.svc.ChangeOffering(r.ctx, in.ID, off.ID, 0, 0); err != nil {
			return nil, err
		}
		err = s.setTypeTag(r, in, val)
	case "disableApiTermination":
		err = s.setProtection(r, in, val)
	case "userData":
		var ud []byte
		if ud, err = decodeBase64("user data", val); err == nil {
			err = s.svc.SetUserData(r.ctx, in.ID, ud)
		}
	case "groupSet":
		err = s.setGroups(r, in)
	case "disableApiStop":
		err = onlyDefault("false", "stop protection is not available.")
	case "instanceInitiatedShutdownBehavior":
		err = onlyDefault("stop", "CloudStack stops an instance whose guest shuts down; it cannot terminate it.")
	case "sourceDestCheck":
		err = onlyDefault("true", "source/destination checking cannot be turned off.")
	case "ebsOptimized":
		err = onlyDefault("false", "CloudStack has no EBS-optimized instances.")
	case "kernel", "ramdisk":
		err = unsupported("CloudStack boots the template's own kernel and ramdisk.")
	case "enaSupport", "sriovNetSupport":
		err = unsupported("CloudStack chooses the virtual network adapter itself.")
	case "blockDeviceMapping":
		err = apiErr("UnsupportedOperation", "Modifying blockDeviceMapping is not supported by this cloud: a volume's deletion on termination is fixed (the root volume is deleted, data volumes are detached).")
	case "rootDeviceName", "productCodes", "enclaveOptions":
		err = apiErrf("InvalidParameterValue", "Value (%s) for parameter attribute is invalid. The attribute cannot be modified.", attr)
	default:
		err = apiErrf("InvalidParameterValue", "Value (%s) for parameter attribute is invalid. Unknown attribute.", attr)
	}
	if err != nil {
		return nil, err
	}
	return ok()
}

// setGroups replaces an instance's security groups with GroupId.N.
func (s *server) setGroups(r *request, in *translate.Instance) error {
	ids := r.q.list("GroupId")
	for _, id := range ids {
		if id == "" {
			return apiErr("InvalidParameterValue", "Value () for parameter groupId is invalid. The value cannot be empty")
		}
	}
	groups, err := csIDs(pGroup, translate.ResSecurityGroup, ids)
	if err != nil {
		return err
	}
	_, err = s.svc.SetSecurityGroups(r.ctx, in.ID, groups)
	if translate.KindOf(err) == translate.FailedPrecondition {
		return &translate.Error{Kind: translate.FailedPrecondition, Resource: translate.ResInstance,
			Message: "The instance '" + ec2ID(pInstance, in.ID) + "' is not in the 'stopped' state: this cloud changes an instance's security groups only while it is stopped."}
	}
	return err
}
