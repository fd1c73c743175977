package ec2compat

import (
	"strconv"
	"strings"

	"github.com/cloudgate/cloudgate/translate"
)

// Network ACL changes onto a VPC's own CloudStack ACL lists:
// CreateNetworkAcl/DeleteNetworkAcl are createNetworkACLList /
// deleteNetworkACLList, CreateNetworkAclEntry/DeleteNetworkAclEntry
// createNetworkACL / deleteNetworkACL (ingress = traffictype Ingress,
// egress = Egress). CloudStack numbers a list's rules across both
// directions, where EC2 numbers each direction apart: a number the other
// direction already uses is refused, naming it. A VPC's default network
// ACL (tiers without a list) and CloudStack's system lists
// (default_allow, default_deny) cannot be changed; the network ACLs
// cannot be tagged (CloudStack keeps no tags on ACL lists).

// networkACLByID finds a network ACL the caller sees.
func (s *server) networkACLByID(r *request, id string) (*networkACLItem, error) {
	if !strings.HasPrefix(id, pNetworkACL+"-") || len(id) <= len(pNetworkACL)+1 {
		return nil, apiErrf("InvalidNetworkAclID.Malformed", "Invalid id: \"%s\" (expecting \"acl-...\")", id)
	}
	all, err := s.networkACLs(r)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].NetworkACLID == id {
			return &all[i], nil
		}
	}
	return nil, apiErrf("InvalidNetworkAclID.NotFound", "The network ACL ID '%s' does not exist", id)
}

// changeableACL refuses network ACLs with no CloudStack list of the VPC's
// own behind them.
func changeableACL(a *networkACLItem) error {
	switch {
	case a.listID == "":
		return apiErrf("UnsupportedOperation", "The network ACL %s stands for the subnets CloudStack gives no ACL list; it has no rules to change. Create a network ACL (CreateNetworkAcl) and associate the subnets with it (ReplaceNetworkAclAssociation).", a.NetworkACLID)
	case a.system:
		return apiErrf("UnsupportedOperation", "The network ACL %s is one of CloudStack's system lists (default_allow, default_deny), which cannot be changed.", a.NetworkACLID)
	}
	return nil
}

type createNetworkAclResp struct {
	meta
	NetworkACL networkACLItem `xml:"networkAcl"`
}

func (s *server) createNetworkAcl(r *request) (response, error) {
	vpcID, err := r.q.required("VpcId")
	if err != nil {
		return nil, err
	}
	specs, err := r.q.tagSpecs()
	if err != nil {
		return nil, err
	}
	for _, tags := range specs {
		if len(tags) > 0 {
			return nil, apiErr("UnsupportedOperation", "The parameter TagSpecification is not supported for network ACLs by this cloud: CloudStack keeps no tags on network ACL lists.")
		}
	}
	cid, err := csID(pVPC, translate.ResVPC, vpcID)
	if err != nil {
		return nil, err
	}
	if isDefaultVPC(cid) {
		return nil, apiErr("UnsupportedOperation", "The default VPC stands for this cloud's guest networks outside VPCs, which have no network ACLs; create a VPC (CreateVpc).")
	}
	name := "acl-" + strings.ReplaceAll(cid, "-", "")
	if len(name) > 12 {
		name = name[:12]
	}
	l, err := s.svc.CreateNetworkACLList(r.ctx, cid, name, r.q.str("ClientToken"))
	if err != nil {
		return nil, err
	}
	return &createNetworkAclResp{NetworkACL: networkACLItem{NetworkACLID: ec2ID(pNetworkACL, l.ID), VpcID: vpcID,
		Entries: naclEntries(nil), Associations: []naclAssocItem{}, Tags: []tagItem{}, OwnerID: r.principal.AccountID}}, nil
}

func (s *server) deleteNetworkAcl(r *request) (response, error) {
	id, err := r.q.required("NetworkAclId")
	if err != nil {
		return nil, err
	}
	a, err := s.networkACLByID(r, id)
	if err != nil {
		return nil, err
	}
	if a.IsDefault {
		return nil, apiErrf("InvalidParameterValue", "cannot delete default network ACL %s", id)
	}
	if err := changeableACL(a); err != nil {
		return nil, err
	}
	if len(a.Associations) > 0 {
		return nil, apiErrf("DependencyViolation", "The networkAcl '%s' has dependencies and cannot be deleted.", id)
	}
	if err := s.svc.DeleteNetworkACLList(r.ctx, a.listID); err != nil {
		return nil, err
	}
	return ok()
}

// aclProtocol maps EC2's protocol (a number or -1; names accepted) to
// CloudStack's.
func aclProtocol(p string) (string, error) {
	switch strings.ToLower(p) {
	case "-1", "all":
		return "all", nil
	case "6", "tcp":
		return "tcp", nil
	case "17", "udp":
		return "udp", nil
	case "1", "icmp":
		return "icmp", nil
	}
	if n, err := strconv.Atoi(p); err == nil && n >= 0 && n <= 255 {
		return p, nil
	}
	return "", apiErrf("InvalidParameterValue", "Invalid value '%s' for protocol. Expected a protocol number or -1.", p)
}

func (s *server) createNetworkAclEntry(r *request) (response, error) {
	id, err := r.q.required("NetworkAclId")
	if err != nil {
		return nil, err
	}
	if r.q.has("Ipv6CidrBlock") {
		return nil, apiErr("UnsupportedOperation", "The parameter Ipv6CidrBlock is not supported by this cloud: CloudStack ACL rules here are IPv4.")
	}
	num, err := r.q.integer("RuleNumber", 0)
	if err != nil || num < 1 || num > 32766 {
		return nil, apiErrf("InvalidParameterValue", "Value (%s) for parameter ruleNumber is invalid. Expecting a value between 1 and 32766.", r.q.str("RuleNumber"))
	}
	protoIn, err := r.q.required("Protocol")
	if err != nil {
		return nil, err
	}
	proto, err := aclProtocol(protoIn)
	if err != nil {
		return nil, err
	}
	actionIn, err := r.q.required("RuleAction")
	if err != nil {
		return nil, err
	}
	action := map[string]string{"allow": "Allow", "deny": "Deny"}[strings.ToLower(actionIn)]
	if action == "" {
		return nil, apiErrf("InvalidParameterValue", "Value (%s) for parameter ruleAction is invalid. Expecting allow or deny.", actionIn)
	}
	cidr, err := r.q.required("CidrBlock")
	if err != nil {
		return nil, err
	}
	egress, err := r.q.boolean("Egress")
	if err != nil {
		return nil, err
	}
	item := translate.NetworkACLItem{Number: num, Protocol: proto, Action: action, TrafficType: "Ingress", CIDRList: cidr}
	if egress {
		item.TrafficType = "Egress"
	}
	switch proto {
	case "tcp", "udp":
		from, to := r.q.str("PortRange.From"), r.q.str("PortRange.To")
		if from == "" || to == "" {
			return nil, apiErr("MissingParameter", "The request must contain the parameter portRange (From and To) for TCP and UDP.")
		}
		item.StartPort, item.EndPort = from, to
	case "icmp":
		if item.ICMPType, err = r.q.integer("Icmp.Type", -1); err != nil {
			return nil, err
		}
		if item.ICMPCode, err = r.q.integer("Icmp.Code", -1); err != nil {
			return nil, err
		}
	}
	a, err := s.networkACLByID(r, id)
	if err != nil {
		return nil, err
	}
	if err := changeableACL(a); err != nil {
		return nil, err
	}
	item.ACLID = a.listID
	for _, e := range a.Entries {
		if e.RuleNumber != num || e.RuleNumber == 32767 {
			continue
		}
		if e.Egress == egress {
			return nil, apiErrf("NetworkAclEntryAlreadyExists", "The network acl entry identified by %d already exists.", num)
		}
		return nil, apiErrf("InvalidParameterValue", "Rule number %d is taken by the %s rule: CloudStack numbers an ACL list's rules across both directions; choose another number.", num, map[bool]string{true: "egress", false: "ingress"}[e.Egress])
	}
	if err := s.svc.CreateNetworkACLItem(r.ctx, item); err != nil {
		return nil, err
	}
	return ok()
}

func (s *server) deleteNetworkAclEntry(r *request) (response, error) {
	id, err := r.q.required("NetworkAclId")
	if err != nil {
		return nil, err
	}
	num, err := r.q.integer("RuleNumber", 0)
	if err != nil || num < 1 {
		return nil, apiErrf("InvalidParameterValue", "Value (%s) for parameter ruleNumber is invalid.", r.q.str("RuleNumber"))
	}
	egress, err := r.q.boolean("Egress")
	if err != nil {
		return nil, err
	}
	a, err := s.networkACLByID(r, id)
	if err != nil {
		return nil, err
	}
	if err := changeableACL(a); err != nil {
		return nil, err
	}
	items, err := s.svc.NetworkACLItems(r.ctx, a.listID)
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		if it.Number == num && strings.EqualFold(it.TrafficType, "Egress") == egress {
			if err := s.svc.DeleteNetworkACLItem(r.ctx, it.ID); err != nil {
				return nil, err
			}
			return ok()
		}
	}
	return nil, apiErrf("InvalidNetworkAclEntry.NotFound", "The network acl entry identified by %d does not exist.", num)
}
