package ec2compat

import (
	"strconv"
	"strings"

	"github.com/cloudgate/cloudgate/translate"
)

// Network ACLs, derived from CloudStack's network ACL lists
// (translate/route.go). Ids are derived, nothing is stored.
//
//   - A CloudStack VPC's default network ACL (acl-<VPC uuid>) is what a
//     tier created without an ACL list gets: CloudStack's VPC router then
//     blocks all its ingress and allows all its egress.
//   - A tier with an ACL list is associated with that list: the VPC's own
//     lists are acl-<list uuid>; CloudStack's system lists (default_allow,
//     default_deny), which belong to no VPC and which every VPC's tiers may
//     use, appear once per VPC, with an id derived from both.
//     ReplaceNetworkAclAssociation moves a tier to another of them
//     (replaceNetworkACLList); CloudStack cannot take a tier's list away,
//     so moving back to the VPC's default network ACL is refused. Entries are the list's items,
//     one per CIDR, then the router's implicit end: ingress denied, egress
//     denied once the list has egress items (allowed otherwise).
//   - The default VPC's default network ACL allows everything: guest
//     networks outside VPCs have no ACL lists (security groups and
//     firewall rules filter there).

const (
	pNetworkACL      = "acl"
	pNetworkACLAssoc = "aclassoc"
)

type naclPortRange struct {
	From int `xml:"from"`
	To   int `xml:"to"`
}

type naclICMP struct {
	Code int `xml:"code"`
	Type int `xml:"type"`
}

type naclEntryItem struct {
	RuleNumber   int            `xml:"ruleNumber"`
	Protocol     string         `xml:"protocol"`
	RuleAction   string         `xml:"ruleAction"`
	Egress       bool           `xml:"egress"`
	CidrBlock    string         `xml:"cidrBlock"`
	IcmpTypeCode *naclICMP      `xml:"icmpTypeCode,omitempty"`
	PortRange    *naclPortRange `xml:"portRange,omitempty"`
}

type naclAssocItem struct {
	NetworkACLAssociationID string `xml:"networkAclAssociationId"`
	NetworkACLID            string `xml:"networkAclId"`
	SubnetID                string `xml:"subnetId"`
}

type networkACLItem struct {
	NetworkACLID string          `xml:"networkAclId"`
	VpcID        string          `xml:"vpcId"`
	IsDefault    bool            `xml:"default"`
	Entries      []naclEntryItem `xml:"entrySet>item"`
	Associations []naclAssocItem `xml:"associationSet>item"`
	Tags         []tagItem       `xml:"tagSet>item"`
	OwnerID      string          `xml:"ownerId"`
	tags         translate.Tags
	listID       string // the CloudStack ACL list ("" = a default network ACL)
	system       bool   // listID is one of CloudStack's system lists
	csVPC        string // the CloudStack VPC ("" = the default VPC)
}

func allTraffic(n int, action string, egress bool) naclEntryItem {
	return naclEntryItem{RuleNumber: n, Protocol: "-1", RuleAction: action, Egress: egress, CidrBlock: "0.0.0.0/0"}
}

// naclProtocol maps CloudStack's protocol names to EC2's numbers.
func naclProtocol(p string) string {
	switch strings.ToLower(p) {
	case "all", "":
		return "-1"
	case "tcp":
		return "6"
	case "udp":
		return "17"
	case "icmp":
		return "1"
	}
	return p
}

// naclEntries renders a CloudStack ACL list's items and the router's
// implicit end.
func naclEntries(items []translate.NetworkACLItem) []naclEntryItem {
	var out []naclEntryItem
	egressRules := false
	for _, it := range items {
		egress := strings.EqualFold(it.TrafficType, "Egress")
		egressRules = egressRules || egress
		for _, cidr := range strings.Split(it.CIDRList, ",") {
			cidr = strings.TrimSpace(cidr)
			if cidr == "" {
				cidr = "0.0.0.0/0"
			}
			e := naclEntryItem{RuleNumber: it.Number, Protocol: naclProtocol(it.Protocol), RuleAction: strings.ToLower(it.Action),
				Egress: egress, CidrBlock: cidr}
			switch e.Protocol {
			case "6", "17":
				from, ferr := strconv.Atoi(it.StartPort)
				to, terr := strconv.Atoi(it.EndPort)
				if ferr == nil && terr == nil {
					e.PortRange = &naclPortRange{From: from, To: to}
				}
			case "1":
				e.IcmpTypeCode = &naclICMP{Code: it.ICMPCode, Type: it.ICMPType}
			}
			out = append(out, e)
		}
	}
	out = append(out, allTraffic(32767, "deny", false))
	if egressRules {
		out = append(out, allTraffic(32767, "deny", true))
	} else {
		out = append(out, allTraffic(32767, "allow", true))
	}
	return out
}

// networkACLs derives every network ACL the caller sees.
func (s *server) networkACLs(r *request) ([]networkACLItem, error) {
	vpcs, err := s.svc.VPCs(r.ctx, nil)
	if err != nil {
		return nil, err
	}
	nets, err := s.svc.Networks(r.ctx, translate.NetworkQuery{})
	if err != nil {
		return nil, err
	}
	owner := r.principal.AccountID
	assoc := func(aclID string, n *translate.Network) naclAssocItem {
		sub := ec2ID(pSubnet, n.ID)
		return naclAssocItem{NetworkACLAssociationID: pNetworkACLAssoc + "-" + suffix(sub), NetworkACLID: aclID, SubnetID: sub}
	}
	def := networkACLItem{NetworkACLID: pNetworkACL + "-" + suffix(defaultVPCID), VpcID: defaultVPCID, IsDefault: true, OwnerID: owner,
		Entries: []naclEntryItem{allTraffic(100, "allow", false), allTraffic(32767, "deny", false), allTraffic(100, "allow", true), allTraffic(32767, "deny", true)},
		Tags:    []tagItem{}, tags: translate.Tags{}}
	for i := range nets {
		if nets[i].VPCID == "" {
			def.Associations = append(def.Associations, assoc(def.NetworkACLID, &nets[i]))
		}
	}
	out := []networkACLItem{def}
	if len(vpcs) == 0 {
		return out, nil
	}
	lists, err := s.svc.NetworkACLLists(r.ctx)
	if err != nil {
		return nil, err
	}
	items := map[string][]translate.NetworkACLItem{}
	itemsOf := func(id string) ([]translate.NetworkACLItem, error) {
		if it, ok := items[id]; ok {
			return it, nil
		}
		it, err := s.svc.NetworkACLItems(r.ctx, id)
		items[id] = it
		return it, err
	}
	for i := range vpcs {
		v := &vpcs[i]
		vid := ec2ID(pVPC, v.ID)
		vdef := networkACLItem{NetworkACLID: pNetworkACL + "-" + suffix(vid), VpcID: vid, IsDefault: true, OwnerID: owner, csVPC: v.ID,
			Entries: []naclEntryItem{allTraffic(32767, "deny", false), allTraffic(100, "allow", true), allTraffic(32767, "deny", true)},
			Tags:    []tagItem{}, tags: translate.Tags{}}
		byList := map[string][]naclAssocItem{}
		for j := range nets {
			n := &nets[j]
			if n.VPCID != v.ID {
				continue
			}
			if n.ACLID == "" {
				vdef.Associations = append(vdef.Associations, assoc(vdef.NetworkACLID, n))
			} else {
				byList[n.ACLID] = append(byList[n.ACLID], assoc("", n))
			}
		}
		out = append(out, vdef)
		for _, l := range lists {
			if l.VPCID != v.ID && l.VPCID != "" {
				continue
			}
			id := ec2ID(pNetworkACL, l.ID)
			if l.VPCID == "" {
				id = ec2ID(pNetworkACL, v.ID+"/"+l.ID)
			}
			system := l.VPCID == ""
			its, err := itemsOf(l.ID)
			if err != nil {
				return nil, err
			}
			a := networkACLItem{NetworkACLID: id, VpcID: vid, OwnerID: owner, Entries: naclEntries(its), listID: l.ID, csVPC: v.ID, system: system,
				Tags: []tagItem{}, tags: translate.Tags{}}
			for _, as := range byList[l.ID] {
				as.NetworkACLID = id
				a.Associations = append(a.Associations, as)
			}
			out = append(out, a)
		}
	}
	return out, nil
}

type describeNetworkAclsResp struct {
	meta
	NetworkAcls []networkACLItem `xml:"networkAclSet>item"`
	NextToken   string           `xml:"nextToken,omitempty"`
}

func (s *server) describeNetworkAcls(r *request) (response, error) {
	fs, pg, err := r.q.listArgs(5, 1000)
	if err != nil {
		return nil, err
	}
	ids := r.q.list("NetworkAclId")
	all, err := s.networkACLs(r)
	if err != nil {
		return nil, err
	}
	items, err := byIDs(all, func(a networkACLItem) string { return a.NetworkACLID }, ids,
		pNetworkACL, "InvalidNetworkAclID.Malformed", "InvalidNetworkAclID.NotFound", "network ACL")
	if err != nil {
		return nil, err
	}
	assoc := func(get func(a naclAssocItem) string) func(x networkACLItem) []string {
		return func(x networkACLItem) []string {
			var out []string
			for _, a := range x.Associations {
				out = append(out, get(a))
			}
			return out
		}
	}
	entry := func(get func(e naclEntryItem) string) func(x networkACLItem) []string {
		return func(x networkACLItem) []string {
			var out []string
			for _, e := range x.Entries {
				out = append(out, get(e))
			}
			return out
		}
	}
	items, err = applyFilters(items, fs, fields[networkACLItem]{
		"network-acl-id":             func(x networkACLItem) []string { return one(x.NetworkACLID) },
		"vpc-id":                     func(x networkACLItem) []string { return one(x.VpcID) },
		"default":                    func(x networkACLItem) []string { return one(boolStr(x.IsDefault)) },
		"owner-id":                   func(x networkACLItem) []string { return one(x.OwnerID) },
		"association.association-id": assoc(func(a naclAssocItem) string { return a.NetworkACLAssociationID }),
		"association.network-acl-id": assoc(func(a naclAssocItem) string { return a.NetworkACLID }),
		"association.subnet-id":      assoc(func(a naclAssocItem) string { return a.SubnetID }),
		"entry.cidr":                 entry(func(e naclEntryItem) string { return e.CidrBlock }),
		"entry.egress":               entry(func(e naclEntryItem) string { return boolStr(e.Egress) }),
		"entry.protocol":             entry(func(e naclEntryItem) string { return e.Protocol }),
		"entry.rule-action":          entry(func(e naclEntryItem) string { return e.RuleAction }),
		"entry.rule-number":          entry(func(e naclEntryItem) string { return strconv.Itoa(e.RuleNumber) }),
		"entry.port-range.from": entry(func(e naclEntryItem) string {
			if e.PortRange == nil {
				return ""
			}
			return strconv.Itoa(e.PortRange.From)
		}),
		"entry.port-range.to": entry(func(e naclEntryItem) string {
			if e.PortRange == nil {
				return ""
			}
			return strconv.Itoa(e.PortRange.To)
		}),
		"entry.icmp.type": entry(func(e naclEntryItem) string {
			if e.IcmpTypeCode == nil {
				return ""
			}
			return strconv.Itoa(e.IcmpTypeCode.Type)
		}),
		"entry.icmp.code": entry(func(e naclEntryItem) string {
			if e.IcmpTypeCode == nil {
				return ""
			}
			return strconv.Itoa(e.IcmpTypeCode.Code)
		}),
		"entry.ipv6-cidr": none[networkACLItem],
	}, func(x networkACLItem) translate.Tags { return x.tags })
	if err != nil {
		return nil, err
	}
	page, next := paginate(items, func(x networkACLItem) string { return x.NetworkACLID }, pg)
	return &describeNetworkAclsResp{NetworkAcls: page, NextToken: next}, nil
}

type replaceNetworkAclAssociationResp struct {
	meta
	NewAssociationID string `xml:"newAssociationId"`
}

func (s *server) replaceNetworkAclAssociation(r *request) (response, error) {
	assoc, err := r.q.required("AssociationId")
	if err != nil {
		return nil, err
	}
	aclID, err := r.q.required("NetworkAclId")
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(assoc, pNetworkACLAssoc+"-") {
		return nil, apiErrf("InvalidAssociationID.Malformed", "Invalid id: \"%s\" (expecting \"aclassoc-...\")", assoc)
	}
	if !strings.HasPrefix(aclID, pNetworkACL+"-") {
		return nil, apiErrf("InvalidNetworkAclID.Malformed", "Invalid id: \"%s\" (expecting \"acl-...\")", aclID)
	}
	all, err := s.networkACLs(r)
	if err != nil {
		return nil, err
	}
	var from, to *networkACLItem
	var subnet string
	for i := range all {
		if all[i].NetworkACLID == aclID {
			to = &all[i]
		}
		for _, a := range all[i].Associations {
			if a.NetworkACLAssociationID == assoc {
				from, subnet = &all[i], a.SubnetID
			}
		}
	}
	switch {
	case from == nil:
		return nil, apiErrf("InvalidAssociationID.NotFound", "The association ID '%s' does not exist", assoc)
	case to == nil:
		return nil, apiErrf("InvalidNetworkAclID.NotFound", "The network ACL ID '%s' does not exist", aclID)
	case to.VpcID != from.VpcID:
		return nil, apiErrf("InvalidParameterValue", "Network ACL %s and subnet %s belong to different networks", aclID, subnet)
	case to.NetworkACLID == from.NetworkACLID:
		return &replaceNetworkAclAssociationResp{NewAssociationID: assoc}, nil
	case to.listID == "" || from.csVPC == "":
		return nil, apiErrf("UnsupportedOperation", "CloudStack cannot take a tier's ACL list away (or give networks outside VPCs one): %s can move only to one of its VPC's ACL lists.", subnet)
	}
	netID, err := csID(pSubnet, translate.ResNetwork, subnet)
	if err != nil {
		return nil, err
	}
	if err := s.svc.ReplaceNetworkACL(r.ctx, netID, to.listID); err != nil {
		return nil, err
	}
	return &replaceNetworkAclAssociationResp{NewAssociationID: assoc}, nil
}
