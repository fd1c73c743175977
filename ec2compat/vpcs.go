package ec2compat

import (
	"strings"

	"github.com/cloudgate/cloudgate/translate"
)

type vpcItem struct {
	VpcID           string    `xml:"vpcId"`
	State           string    `xml:"state"`
	CidrBlock       string    `xml:"cidrBlock"`
	DhcpOptionsID   string    `xml:"dhcpOptionsId"`
	InstanceTenancy string    `xml:"instanceTenancy"`
	IsDefault       bool      `xml:"isDefault"`
	OwnerID         string    `xml:"ownerId"`
	Tags            []tagItem `xml:"tagSet>item"`
	tags            translate.Tags
}

func networkState(st string) string {
	switch strings.ToLower(st) {
	case "allocating", "creating":
		return "pending"
	}
	return "available"
}

func toVpcItem(v *translate.VPC, owner string) vpcItem {
	return vpcItem{VpcID: ec2ID(pVPC, v.ID), State: networkState(v.State), CidrBlock: v.CIDR,
		DhcpOptionsID: "default", InstanceTenancy: "default", OwnerID: owner, Tags: tagSet(v.Tags), tags: v.Tags}
}

type describeVpcsResp struct {
	meta
	Vpcs []vpcItem `xml:"vpcSet>item"`
}

func (s *server) describeVpcs(r *request) (response, error) {
	fs, err := r.q.filters()
	if err != nil {
		return nil, err
	}
	ids := r.q.list("VpcId")
	cids, err := csIDs(pVPC, translate.ResVPC, ids)
	if err != nil {
		return nil, err
	}
	var real []string
	wantDefault := len(cids) == 0
	for _, c := range cids {
		if isDefaultVPC(c) {
			wantDefault = true
		} else {
			real = append(real, c)
		}
	}
	var vpcs []translate.VPC
	if len(cids) == 0 || len(real) > 0 {
		if vpcs, err = s.svc.VPCs(r.ctx, real); err != nil {
			return nil, err
		}
	}
	found := map[string]bool{}
	var items []vpcItem
	if wantDefault {
		nets, err := s.svc.Networks(r.ctx, translate.NetworkQuery{})
		if err != nil {
			return nil, err
		}
		items = append(items, defaultVPCItem(nets, r.principal.AccountID))
		found[defaultVPCName] = true
	}
	for i := range vpcs {
		found[strings.ToLower(vpcs[i].ID)] = true
		items = append(items, toVpcItem(&vpcs[i], r.principal.AccountID))
	}
	for i, c := range cids {
		if !found[c] {
			return nil, &translate.Error{Kind: translate.NotFound, Resource: translate.ResVPC, ID: ids[i]}
		}
	}
	items, err = applyFilters(items, fs, fields[vpcItem]{
		"vpc-id":     func(x vpcItem) []string { return one(x.VpcID) },
		"state":      func(x vpcItem) []string { return one(x.State) },
		"cidr":       func(x vpcItem) []string { return one(x.CidrBlock) },
		"cidr-block": func(x vpcItem) []string { return one(x.CidrBlock) },
		"is-default": func(x vpcItem) []string { return one(boolStr(x.IsDefault)) },
		// EC2 also accepts the attribute's own name (Ansible sends it).
		"isDefault": func(x vpcItem) []string { return one(boolStr(x.IsDefault)) },
		"owner-id":  func(x vpcItem) []string { return one(x.OwnerID) },
	}, func(x vpcItem) translate.Tags { return x.tags })
	if err != nil {
		return nil, err
	}
	return &describeVpcsResp{Vpcs: items}, nil
}

type createVpcResp struct {
	meta
	Vpc vpcItem `xml:"vpc"`
}

// createVpc creates a CloudStack VPC in the first enabled zone.
func (s *server) createVpc(r *request) (response, error) {
	cidr, err := r.q.required("CidrBlock")
	if err != nil {
		return nil, err
	}
	specs, err := r.q.tagSpecs()
	if err != nil {
		return nil, err
	}
	if _, err := specTags(specs, "vpc"); err != nil {
		return nil, err
	}
	z, err := s.zoneByName(r, "")
	if err != nil {
		return nil, err
	}
	name := specs["vpc"]["Name"]
	if name == "" {
		name = "vpc-" + strings.NewReplacer("/", "-", ".", "-").Replace(cidr)
	}
	v, err := s.svc.CreateVPC(r.ctx, translate.VPCSpec{Name: name, DisplayText: name, ZoneID: z.ID, CIDR: cidr, Tags: specs["vpc"]})
	if err != nil {
		return nil, err
	}
	return &createVpcResp{Vpc: toVpcItem(v, r.principal.AccountID)}, nil
}

func (s *server) deleteVpc(r *request) (response, error) {
	id, err := r.q.required("VpcId")
	if err != nil {
		return nil, err
	}
	cid, err := csID(pVPC, translate.ResVPC, id)
	if err != nil {
		return nil, err
	}
	if isDefaultVPC(cid) {
		return nil, apiErr("OperationNotPermitted", "The default VPC is this cloud's guest networks outside VPCs; it cannot be deleted.")
	}
	if err := s.svc.DeleteVPC(r.ctx, cid); err != nil {
		return nil, err
	}
	return ok()
}

type subnetItem struct {
	SubnetID            string    `xml:"subnetId"`
	State               string    `xml:"state"`
	VpcID               string    `xml:"vpcId"`
	CidrBlock           string    `xml:"cidrBlock"`
	AvailableIPCount    int       `xml:"availableIpAddressCount"`
	AvailabilityZone    string    `xml:"availabilityZone"`
	AvailabilityZoneID  string    `xml:"availabilityZoneId"`
	DefaultForAz        bool      `xml:"defaultForAz"`
	MapPublicIPOnLaunch bool      `xml:"mapPublicIpOnLaunch"`
	OwnerID             string    `xml:"ownerId"`
	Tags                []tagItem `xml:"tagSet>item"`
	tags                translate.Tags
}

func toSubnetItem(n *translate.Network, owner string) subnetItem {
	return subnetItem{SubnetID: ec2ID(pSubnet, n.ID), State: networkState(n.State), VpcID: vpcOfNetwork(n.VPCID),
		CidrBlock: n.CIDR, AvailableIPCount: availableIPs(n.CIDR), AvailabilityZone: n.ZoneName,
		AvailabilityZoneID: n.ZoneID, DefaultForAz: n.Default, OwnerID: owner, Tags: tagSet(n.Tags), tags: n.Tags}
}

// availableIPs estimates the usable addresses of an IPv4 CIDR.
func availableIPs(cidr string) int {
	_, bits, ok := strings.Cut(cidr, "/")
	if !ok {
		return 0
	}
	n := 0
	for _, c := range bits {
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int(c-'0')
	}
	if n < 16 || n > 30 {
		return 0
	}
	return 1<<(32-n) - 5
}

type describeSubnetsResp struct {
	meta
	Subnets []subnetItem `xml:"subnetSet>item"`
}

func (s *server) describeSubnets(r *request) (response, error) {
	fs, err := r.q.filters()
	if err != nil {
		return nil, err
	}
	ids := r.q.list("SubnetId")
	cids, err := csIDs(pSubnet, translate.ResNetwork, ids)
	if err != nil {
		return nil, err
	}
	var netIDs []string
	for _, c := range cids {
		if zoneOfSubnet(c) == "" {
			netIDs = append(netIDs, c)
		}
	}
	var nets []translate.Network
	if len(cids) == 0 || len(netIDs) > 0 {
		if nets, err = s.svc.Networks(r.ctx, translate.NetworkQuery{IDs: netIDs}); err != nil {
			return nil, err
		}
	}
	found := map[string]bool{}
	var items []subnetItem
	for i := range nets {
		found[strings.ToLower(nets[i].ID)] = true
		items = append(items, toSubnetItem(&nets[i], r.principal.AccountID))
	}
	markDefaultForAz(items)
	if len(netIDs) < len(cids) || len(cids) == 0 {
		zones, err := s.svc.Zones(r.ctx)
		if err != nil {
			return nil, err
		}
		all := nets
		if len(cids) > 0 {
			if all, err = s.svc.Networks(r.ctx, translate.NetworkQuery{}); err != nil {
				return nil, err
			}
		}
		for _, it := range zoneSubnets(zones, all, r.principal.AccountID) {
			c, _ := csID(pSubnet, translate.ResNetwork, it.SubnetID)
			if len(cids) == 0 || contains(cids, c) {
				found[c] = true
				items = append(items, it)
			}
		}
	}
	for i, c := range cids {
		if !found[c] {
			return nil, &translate.Error{Kind: translate.NotFound, Resource: translate.ResNetwork, ID: ids[i]}
		}
	}
	items, err = applyFilters(items, fs, fields[subnetItem]{
		"subnet-id":            func(x subnetItem) []string { return one(x.SubnetID) },
		"vpc-id":               func(x subnetItem) []string { return one(x.VpcID) },
		"state":                func(x subnetItem) []string { return one(x.State) },
		"cidr":                 func(x subnetItem) []string { return one(x.CidrBlock) },
		"cidr-block":           func(x subnetItem) []string { return one(x.CidrBlock) },
		"cidrBlock":            func(x subnetItem) []string { return one(x.CidrBlock) },
		"availability-zone":    func(x subnetItem) []string { return one(x.AvailabilityZone) },
		"availability-zone-id": func(x subnetItem) []string { return one(x.AvailabilityZoneID) },
		"default-for-az":       func(x subnetItem) []string { return one(boolStr(x.DefaultForAz)) },
		"owner-id":             func(x subnetItem) []string { return one(x.OwnerID) },
	}, func(x subnetItem) translate.Tags { return x.tags })
	if err != nil {
		return nil, err
	}
	return &describeSubnetsResp{Subnets: items}, nil
}

type createSubnetResp struct {
	meta
	Subnet subnetItem `xml:"subnet"`
}

// createSubnet creates a VPC tier in the VPC's zone.
func (s *server) createSubnet(r *request) (response, error) {
	vpcID, err := r.q.required("VpcId")
	if err != nil {
		return nil, err
	}
	cidr, err := r.q.required("CidrBlock")
	if err != nil {
		return nil, err
	}
	cid, err := csID(pVPC, translate.ResVPC, vpcID)
	if err != nil {
		return nil, err
	}
	if isDefaultVPC(cid) {
		return nil, apiErr("UnsupportedOperation", "Subnets cannot be created in the default VPC of this cloud; create a VPC (CreateVpc) and its subnets.")
	}
	vpcs, err := s.svc.VPCs(r.ctx, []string{cid})
	if err != nil {
		return nil, err
	}
	if len(vpcs) == 0 {
		return nil, &translate.Error{Kind: translate.NotFound, Resource: translate.ResVPC, ID: vpcID}
	}
	if az := r.q.str("AvailabilityZone"); az != "" && az != vpcs[0].ZoneName {
		return nil, apiErrf("InvalidParameterValue", "The VPC %s lives in availability zone %s.", vpcID, vpcs[0].ZoneName)
	}
	specs, err := r.q.tagSpecs()
	if err != nil {
		return nil, err
	}
	if _, err := specTags(specs, "subnet"); err != nil {
		return nil, err
	}
	name := specs["subnet"]["Name"]
	if name == "" {
		name = "subnet-" + strings.NewReplacer("/", "-", ".", "-").Replace(cidr)
	}
	n, err := s.svc.CreateNetwork(r.ctx, translate.NetworkSpec{Name: name, DisplayText: name,
		ZoneID: vpcs[0].ZoneID, CIDR: cidr, VPCID: cid, Tags: specs["subnet"]})
	if err != nil {
		return nil, err
	}
	return &createSubnetResp{Subnet: toSubnetItem(n, r.principal.AccountID)}, nil
}

func (s *server) deleteSubnet(r *request) (response, error) {
	id, err := r.q.required("SubnetId")
	if err != nil {
		return nil, err
	}
	cid, err := csID(pSubnet, translate.ResNetwork, id)
	if err != nil {
		return nil, err
	}
	if err := s.svc.DeleteNetwork(r.ctx, cid); err != nil {
		return nil, err
	}
	return ok()
}

// markDefaultForAz makes one subnet of the default VPC per zone its
// default subnet: the account's default network there or, when CloudStack
// marks none (a zone's shared network, which users see but do not own),
// the first by id, so clients that launch into "the default subnet of the
// zone" (Ansible's ec2_instance) find one.
func markDefaultForAz(items []subnetItem) {
	has := map[string]bool{}
	for _, it := range items {
		if it.VpcID == defaultVPCID && it.DefaultForAz {
			has[it.AvailabilityZone] = true
		}
	}
	first := map[string]int{}
	for i, it := range items {
		if it.VpcID != defaultVPCID || has[it.AvailabilityZone] {
			continue
		}
		if j, ok := first[it.AvailabilityZone]; !ok || it.SubnetID < items[j].SubnetID {
			first[it.AvailabilityZone] = i
		}
	}
	for _, i := range first {
		items[i].DefaultForAz = true
	}
}
