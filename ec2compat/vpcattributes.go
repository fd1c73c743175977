package ec2compat

import (
	"strings"

	"github.com/cloudgate/cloudgate/translate"
)

// VPC attributes. CloudStack's virtual router answers DNS for its guests
// (the Dns service of the VPC offering, or of the network offerings
// outside VPCs) and registers every instance's host name in the network
// domain, so enableDnsSupport and enableDnsHostnames are both what the
// offering's Dns service says; there are no network address usage
// metrics. CloudStack has no switch for them per VPC: ModifyVpcAttribute
// succeeds only when the value asked for is already the truth.

var vpcAttributes = []string{"enableDnsSupport", "enableDnsHostnames", "enableNetworkAddressUsageMetrics"}

// vpcAttributeValues returns the attributes of a VPC by its EC2 id.
func (s *server) vpcAttributeValues(r *request, vpcID string) (map[string]bool, error) {
	cid, err := csID(pVPC, translate.ResVPC, vpcID)
	if err != nil {
		return nil, err
	}
	dns := true // the default VPC: CloudStack's default guest network offerings all have Dns
	if !isDefaultVPC(cid) {
		vs, err := s.svc.VPCs(r.ctx, []string{cid})
		if err != nil {
			return nil, err
		}
		if len(vs) == 0 {
			return nil, &translate.Error{Kind: translate.NotFound, Resource: translate.ResVPC, ID: vpcID}
		}
		dns = translate.HasService(vs[0].Services, "Dns")
	}
	return map[string]bool{"enableDnsSupport": dns, "enableDnsHostnames": dns, "enableNetworkAddressUsageMetrics": false}, nil
}

type describeVpcAttributeResp struct {
	meta
	VpcID                            string     `xml:"vpcId"`
	EnableDNSSupport                 *valueItem `xml:"enableDnsSupport,omitempty"`
	EnableDNSHostnames               *valueItem `xml:"enableDnsHostnames,omitempty"`
	EnableNetworkAddressUsageMetrics *valueItem `xml:"enableNetworkAddressUsageMetrics,omitempty"`
}

func (s *server) describeVpcAttribute(r *request) (response, error) {
	vpcID, err := r.q.required("VpcId")
	if err != nil {
		return nil, err
	}
	attr, err := r.q.required("Attribute")
	if err != nil {
		return nil, err
	}
	if !contains(vpcAttributes, attr) {
		return nil, apiErrf("InvalidParameterValue", "Value (%s) for parameter attribute is invalid. Unknown attribute; expecting one of %s.", attr, strings.Join(vpcAttributes, ", "))
	}
	vals, err := s.vpcAttributeValues(r, vpcID)
	if err != nil {
		return nil, err
	}
	v := &valueItem{Value: boolStr(vals[attr])}
	resp := &describeVpcAttributeResp{VpcID: vpcID}
	switch attr {
	case "enableDnsSupport":
		resp.EnableDNSSupport = v
	case "enableDnsHostnames":
		resp.EnableDNSHostnames = v
	default:
		resp.EnableNetworkAddressUsageMetrics = v
	}
	return resp, nil
}

func (s *server) modifyVpcAttribute(r *request) (response, error) {
	vpcID, err := r.q.required("VpcId")
	if err != nil {
		return nil, err
	}
	var asked []string
	for _, a := range vpcAttributes {
		if r.q.has(strings.ToUpper(a[:1]) + a[1:] + ".Value") {
			asked = append(asked, a)
		}
	}
	if len(asked) != 1 {
		return nil, apiErr("InvalidParameterCombination", "Exactly one of EnableDnsSupport, EnableDnsHostnames or EnableNetworkAddressUsageMetrics must be given.")
	}
	a := asked[0]
	name := strings.ToUpper(a[:1]) + a[1:] + ".Value"
	want, err := r.q.boolean(name)
	if err != nil {
		return nil, err
	}
	vals, err := s.vpcAttributeValues(r, vpcID)
	if err != nil {
		return nil, err
	}
	if vals[a] != want {
		return nil, apiErrf("UnsupportedOperation", "%s of %s is %s in CloudStack (the VPC offering's Dns service) and cannot be changed per VPC.", a, vpcID, boolStr(vals[a]))
	}
	return ok()
}

// describeVpcClassicLink answers DescribeVpcClassicLink and
// DescribeVpcClassicLinkDnsSupport as EC2 does since EC2-Classic was
// retired: UnsupportedOperation (Ansible's ec2_vpc_net and
// ec2_vpc_net_info read both and take that answer as "not enabled").
// CloudStack has no EC2-Classic either.
func (s *server) describeVpcClassicLink(r *request) (response, error) {
	if _, err := r.q.filters(); err != nil {
		return nil, err
	}
	return nil, apiErr("UnsupportedOperation", "ClassicLink is not supported: this cloud has no EC2-Classic instances to link.")
}
