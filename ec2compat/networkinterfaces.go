package ec2compat

import (
	"strconv"
	"strings"

	"github.com/cloudgate/cloudgate/translate"
)

// Network interfaces are CloudStack NICs (NicResponse, nested in every
// listVirtualMachines item, so one call lists them all; listNics would
// need one call per VM). Every NIC is attached to its VM; ids are the NIC
// UUID (eni-…) and, for the attachment, the same UUID (eni-attach-…).
// The VM's security groups, public address (on the default NIC) and the
// NIC's secondary IPs are shown. Creating, attaching or modifying
// interfaces is not supported.

const (
	pENI       = "eni"
	pENIAttach = "eni-attach"
)

type eniAttachment struct {
	AttachmentID        string `xml:"attachmentId"`
	InstanceID          string `xml:"instanceId"`
	InstanceOwnerID     string `xml:"instanceOwnerId"`
	DeviceIndex         int    `xml:"deviceIndex"`
	Status              string `xml:"status"`
	AttachTime          string `xml:"attachTime,omitempty"`
	DeleteOnTermination bool   `xml:"deleteOnTermination"`
}

type eniAssociation struct {
	PublicIP      string `xml:"publicIp"`
	PublicDNSName string `xml:"publicDnsName,omitempty"`
	IPOwnerID     string `xml:"ipOwnerId"`
	AllocationID  string `xml:"allocationId,omitempty"`
}

type eniPrivateIP struct {
	PrivateIPAddress string          `xml:"privateIpAddress"`
	PrivateDNSName   string          `xml:"privateDnsName,omitempty"`
	Primary          bool            `xml:"primary"`
	Association      *eniAssociation `xml:"association,omitempty"`
}

type eniItem struct {
	NetworkInterfaceID string          `xml:"networkInterfaceId"`
	SubnetID           string          `xml:"subnetId"`
	VpcID              string          `xml:"vpcId"`
	AvailabilityZone   string          `xml:"availabilityZone"`
	Description        string          `xml:"description"`
	OwnerID            string          `xml:"ownerId"`
	RequesterManaged   bool            `xml:"requesterManaged"`
	Status             string          `xml:"status"`
	MacAddress         string          `xml:"macAddress"`
	PrivateIPAddress   string          `xml:"privateIpAddress"`
	PrivateDNSName     string          `xml:"privateDnsName,omitempty"`
	SourceDestCheck    bool            `xml:"sourceDestCheck"`
	Groups             []groupItem     `xml:"groupSet>item"`
	Attachment         eniAttachment   `xml:"attachment"`
	Association        *eniAssociation `xml:"association,omitempty"`
	Tags               []tagItem       `xml:"tagSet>item"`
	PrivateIPs         []eniPrivateIP  `xml:"privateIpAddressesSet>item"`
	InterfaceType      string          `xml:"interfaceType"`
}

type describeENIsResp struct {
	meta
	Interfaces []eniItem `xml:"networkInterfaceSet>item"`
	NextToken  string    `xml:"nextToken,omitempty"`
}

func (s *server) toENIs(v *instanceView, in *translate.Instance) []eniItem {
	it := s.toInstanceItem(v, in)
	var out []eniItem
	for _, n := range in.NICs {
		e := eniItem{NetworkInterfaceID: ec2ID(pENI, n.ID), SubnetID: ec2ID(pSubnet, n.NetworkID),
			AvailabilityZone: in.ZoneName, Description: "", OwnerID: v.owner, Status: "in-use",
			MacAddress: n.MAC, PrivateIPAddress: n.IP, SourceDestCheck: true, Groups: it.Groups,
			Attachment: eniAttachment{AttachmentID: ec2ID(pENIAttach, n.ID), InstanceID: it.InstanceID,
				InstanceOwnerID: v.owner, DeviceIndex: n.DeviceID, Status: "attached", AttachTime: it.LaunchTime,
				DeleteOnTermination: true},
			Tags: []tagItem{}, InterfaceType: "interface"}
		if vpc, ok := v.vpcOf[n.NetworkID]; ok {
			e.VpcID = vpcOfNetwork(vpc)
		}
		if n.Default || len(in.NICs) == 1 {
			e.PrivateDNSName = it.PrivateDNSName
			if in.PublicIP != "" {
				e.Association = &eniAssociation{PublicIP: in.PublicIP, PublicDNSName: it.DNSName, IPOwnerID: v.owner,
					AllocationID: ec2ID(pAllocation, in.PublicIPID)}
			}
		}
		e.PrivateIPs = append(e.PrivateIPs, eniPrivateIP{PrivateIPAddress: n.IP, PrivateDNSName: e.PrivateDNSName, Primary: true, Association: e.Association})
		for _, ip := range n.SecondaryIPs {
			e.PrivateIPs = append(e.PrivateIPs, eniPrivateIP{PrivateIPAddress: ip})
		}
		out = append(out, e)
	}
	return out
}

func (s *server) describeNetworkInterfaces(r *request) (response, error) {
	fs, pg, err := r.q.listArgs(5, 1000)
	if err != nil {
		return nil, err
	}
	ids := r.q.list("NetworkInterfaceId")
	for _, id := range ids {
		if _, err := csID(pENI, translate.ResNetwork, id); err != nil || !strings.HasPrefix(id, pENI+"-") {
			return nil, apiErrf("InvalidNetworkInterfaceID.Malformed", "Invalid id: \"%s\" (expecting \"eni-...\")", id)
		}
	}
	insts, err := s.svc.Instances(r.ctx, translate.InstanceQuery{})
	if err != nil {
		return nil, err
	}
	live := insts[:0]
	for _, in := range insts {
		if st := stateOf(&in); st != stateTerminated {
			live = append(live, in)
		}
	}
	v := s.view(r, live)
	if len(v.vpcOf) == 0 {
		if ns, err := s.svc.Networks(r.ctx, translate.NetworkQuery{}); err == nil {
			for _, n := range ns {
				v.vpcOf[n.ID] = n.VPCID
			}
		}
	}
	var items []eniItem
	for i := range live {
		items = append(items, s.toENIs(v, &live[i])...)
	}
	if len(ids) > 0 {
		byID := map[string]bool{}
		for _, it := range items {
			byID[it.NetworkInterfaceID] = true
		}
		for _, id := range ids {
			if !byID[strings.ToLower(id)] {
				return nil, apiErrf("InvalidNetworkInterfaceID.NotFound", "The networkInterface ID '%s' does not exist", id)
			}
		}
		var sel []eniItem
		for _, it := range items {
			if contains(ids, it.NetworkInterfaceID) {
				sel = append(sel, it)
			}
		}
		items = sel
	}
	items, err = applyFilters(items, fs, fields[eniItem]{
		"network-interface-id":     func(x eniItem) []string { return one(x.NetworkInterfaceID) },
		"subnet-id":                func(x eniItem) []string { return one(x.SubnetID) },
		"vpc-id":                   func(x eniItem) []string { return one(x.VpcID) },
		"availability-zone":        func(x eniItem) []string { return one(x.AvailabilityZone) },
		"status":                   func(x eniItem) []string { return one(x.Status) },
		"mac-address":              func(x eniItem) []string { return one(x.MacAddress) },
		"owner-id":                 func(x eniItem) []string { return one(x.OwnerID) },
		"interface-type":           func(x eniItem) []string { return one(x.InterfaceType) },
		"description":              func(x eniItem) []string { return []string{x.Description} },
		"attachment.instance-id":   func(x eniItem) []string { return one(x.Attachment.InstanceID) },
		"attachment.attachment-id": func(x eniItem) []string { return one(x.Attachment.AttachmentID) },
		"attachment.status":        func(x eniItem) []string { return one(x.Attachment.Status) },
		"attachment.device-index":  func(x eniItem) []string { return one(strconv.Itoa(x.Attachment.DeviceIndex)) },
		"group-id": func(x eniItem) []string {
			var out []string
			for _, g := range x.Groups {
				out = append(out, g.GroupID)
			}
			return out
		},
		"group-name": func(x eniItem) []string {
			var out []string
			for _, g := range x.Groups {
				out = append(out, g.GroupName)
			}
			return out
		},
		"private-ip-address": func(x eniItem) []string {
			var out []string
			for _, p := range x.PrivateIPs {
				out = append(out, p.PrivateIPAddress)
			}
			return out
		},
		"addresses.private-ip-address": func(x eniItem) []string {
			var out []string
			for _, p := range x.PrivateIPs {
				out = append(out, p.PrivateIPAddress)
			}
			return out
		},
		"association.public-ip": func(x eniItem) []string {
			if x.Association == nil {
				return nil
			}
			return one(x.Association.PublicIP)
		},
	}, func(eniItem) translate.Tags { return translate.Tags{} })
	if err != nil {
		return nil, err
	}
	items, next := paginate(items, func(x eniItem) string { return x.NetworkInterfaceID }, pg)
	return &describeENIsResp{Interfaces: items, NextToken: next}, nil
}
