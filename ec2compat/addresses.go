package ec2compat

import (
	"strings"

	"github.com/cloudgate/cloudgate/translate"
)

type addressItem struct {
	PublicIP           string    `xml:"publicIp"`
	AllocationID       string    `xml:"allocationId"`
	Domain             string    `xml:"domain"`
	InstanceID         string    `xml:"instanceId,omitempty"`
	AssociationID      string    `xml:"associationId,omitempty"`
	NetworkBorderGroup string    `xml:"networkBorderGroup"`
	PublicIPv4Pool     string    `xml:"publicIpv4Pool"`
	Tags               []tagItem `xml:"tagSet>item"`
	tags               translate.Tags
}

func (s *server) toAddressItem(a *translate.Address) addressItem {
	it := addressItem{PublicIP: a.IP, AllocationID: ec2ID(pAllocation, a.ID), Domain: "vpc",
		NetworkBorderGroup: s.opts.Region, PublicIPv4Pool: "cloudstack", Tags: tagSet(a.Tags), tags: a.Tags}
	if a.InstanceID != "" {
		it.InstanceID = ec2ID(pInstance, a.InstanceID)
		it.AssociationID = ec2ID(pAssociation, a.ID) // one association per address: reversible
	}
	return it
}

type allocateAddressResp struct {
	meta
	PublicIP           string `xml:"publicIp"`
	AllocationID       string `xml:"allocationId"`
	Domain             string `xml:"domain"`
	NetworkBorderGroup string `xml:"networkBorderGroup"`
	PublicIPv4Pool     string `xml:"publicIpv4Pool"`
}

// allocateAddress acquires a public IP in the first enabled zone, on the
// caller's default network there.
func (s *server) allocateAddress(r *request) (response, error) {
	if d := r.q.str("Domain"); d != "" && d != "vpc" && d != "standard" {
		return nil, apiErrf("InvalidParameterValue", "Invalid value '%s' for domain.", d)
	}
	specs, err := r.q.tagSpecs()
	if err != nil {
		return nil, err
	}
	if _, err := specTags(specs, "elastic-ip"); err != nil {
		return nil, err
	}
	z, err := s.zoneByName(r, "")
	if err != nil {
		return nil, err
	}
	a, err := s.svc.AllocateAddress(r.ctx, z.ID, "", specs["elastic-ip"])
	if err != nil {
		return nil, err
	}
	return &allocateAddressResp{PublicIP: a.IP, AllocationID: ec2ID(pAllocation, a.ID), Domain: "vpc",
		NetworkBorderGroup: s.opts.Region, PublicIPv4Pool: "cloudstack"}, nil
}

// addressRef resolves AllocationId (or AssociationId, or PublicIp).
func (s *server) addressRef(r *request, idParam string) (*translate.Address, error) {
	if id := r.q.str(idParam); id != "" {
		prefix := pAllocation
		if idParam == "AssociationId" {
			prefix = pAssociation
		}
		cid, err := csID(prefix, translate.ResAddress, id)
		if err != nil {
			return nil, err
		}
		a, err := s.svc.Address(r.ctx, cid)
		if err != nil {
			if translate.KindOf(err) == translate.NotFound {
				return nil, &translate.Error{Kind: translate.NotFound, Resource: translate.ResAddress, ID: id}
			}
			return nil, err
		}
		return a, nil
	}
	ip := r.q.str("PublicIp")
	if ip == "" {
		return nil, apiErrf("MissingParameter", "The request must contain the parameter %s or PublicIp", idParam)
	}
	as, err := s.svc.Addresses(r.ctx, translate.AddressQuery{IPs: []string{ip}})
	if err != nil {
		return nil, err
	}
	for i := range as {
		if as[i].IP == ip {
			return &as[i], nil
		}
	}
	return nil, apiErrf("InvalidAddress.NotFound", "Address '%s' not found.", ip)
}

type associateAddressResp struct {
	meta
	Return        bool   `xml:"return"`
	AssociationID string `xml:"associationId"`
}

func (s *server) associateAddress(r *request) (response, error) {
	a, err := s.addressRef(r, "AllocationId")
	if err != nil {
		return nil, err
	}
	in, err := s.oneInstance(r)
	if err != nil {
		return nil, err
	}
	re, err := r.q.boolean("AllowReassociation")
	if err != nil {
		return nil, err
	}
	if a.InstanceID != "" && !strings.EqualFold(a.InstanceID, in.ID) {
		if !re {
			return nil, &translate.Error{Kind: translate.InUse, Resource: translate.ResAddress,
				Message: "The address with allocation id [" + ec2ID(pAllocation, a.ID) + "] is already associated"}
		}
		if err := s.svc.DisassociateAddress(r.ctx, a.ID); err != nil {
			return nil, err
		}
	}
	if !strings.EqualFold(a.InstanceID, in.ID) {
		// An Elastic IP replaces the instance's auto-assigned public IP.
		if err := s.releasePublicIPs(r, in.ID); err != nil {
			return nil, err
		}
		if err := s.svc.AssociateAddress(r.ctx, a.ID, in.ID); err != nil {
			return nil, err
		}
	}
	return &associateAddressResp{Return: true, AssociationID: ec2ID(pAssociation, a.ID)}, nil
}

func (s *server) disassociateAddress(r *request) (response, error) {
	a, err := s.addressRef(r, "AssociationId")
	if err != nil {
		return nil, err
	}
	if a.InstanceID == "" {
		return nil, apiErrf("InvalidAssociationID.NotFound", "The association ID '%s' does not exist", ec2ID(pAssociation, a.ID))
	}
	if err := s.svc.DisassociateAddress(r.ctx, a.ID); err != nil {
		return nil, err
	}
	return ok()
}

func (s *server) releaseAddress(r *request) (response, error) {
	a, err := s.addressRef(r, "AllocationId")
	if err != nil {
		return nil, err
	}
	if a.SourceNAT {
		return nil, apiErr("OperationNotPermitted", "The source NAT address of a network cannot be released.")
	}
	if a.InstanceID != "" {
		return nil, apiErrf("InvalidIPAddress.InUse", "The address with allocation id [%s] is in use.", ec2ID(pAllocation, a.ID))
	}
	if err := s.svc.ReleaseAddress(r.ctx, a.ID); err != nil {
		return nil, err
	}
	return ok()
}

type describeAddressesResp struct {
	meta
	Addresses []addressItem `xml:"addressesSet>item"`
}

// describeAddresses lists the caller's Elastic IPs (source-NAT addresses
// belong to networks and are not shown).
func (s *server) describeAddresses(r *request) (response, error) {
	fs, err := r.q.filters()
	if err != nil {
		return nil, err
	}
	ids := r.q.list("AllocationId")
	cids, err := csIDs(pAllocation, translate.ResAddress, ids)
	if err != nil {
		return nil, err
	}
	ips := r.q.list("PublicIp")
	as, err := s.svc.Addresses(r.ctx, translate.AddressQuery{IDs: cids, IPs: ips})
	if err != nil {
		return nil, err
	}
	found := map[string]bool{}
	var items []addressItem
	for i := range as {
		if as[i].SourceNAT || as[i].Tags[tagEphemeralFor] != "" {
			continue // auto-assigned public IPs are not Elastic IPs
		}
		found[strings.ToLower(as[i].ID)], found["ip:"+as[i].IP] = true, true
		items = append(items, s.toAddressItem(&as[i]))
	}
	for i, c := range cids {
		if !found[c] {
			return nil, &translate.Error{Kind: translate.NotFound, Resource: translate.ResAddress, ID: ids[i]}
		}
	}
	for _, ip := range ips {
		if !found["ip:"+ip] {
			return nil, apiErrf("InvalidAddress.NotFound", "Address '%s' not found.", ip)
		}
	}
	items, err = applyFilters(items, fs, fields[addressItem]{
		"allocation-id":        func(x addressItem) []string { return one(x.AllocationID) },
		"association-id":       func(x addressItem) []string { return one(x.AssociationID) },
		"instance-id":          func(x addressItem) []string { return one(x.InstanceID) },
		"public-ip":            func(x addressItem) []string { return one(x.PublicIP) },
		"domain":               func(x addressItem) []string { return one(x.Domain) },
		"network-border-group": func(x addressItem) []string { return one(x.NetworkBorderGroup) },
	}, func(x addressItem) translate.Tags { return x.tags })
	if err != nil {
		return nil, err
	}
	return &describeAddressesResp{Addresses: items}, nil
}
