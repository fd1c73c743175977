package gcecompat

import (
	"context"

	"github.com/cloudgate/cloudgate/translate"
	"github.com/gin-gonic/gin"
)

// Access configs (an instance's external address).
//
// In zones with security groups the guest address is routable and is the
// natIP. Elsewhere an access config without natIP is an ephemeral address:
// a public IP is acquired (associateIpAddress on the instance's network)
// and static NAT to the instance is enabled; the IP carries the reserved
// tag tagEphemeralFor = the instance's UUID, is not listed as a reserved
// address, and is released when the instance is deleted or the access
// config is removed (deleteAccessConfig). An access config with natIP uses
// that reserved address (static NAT), which is kept when the instance goes.

const tagEphemeralFor = translate.ReservedTagPrefix + "gce-ephemeral-for"

// attachEphemeralAddress gives an instance an ephemeral external address.
func (s *server) attachEphemeralAddress(ctx context.Context, in *translate.Instance) error {
	a, err := s.svc.AllocateAddress(ctx, in.ZoneID, in.NetworkID, translate.Tags{tagEphemeralFor: in.ID})
	if err != nil {
		return err
	}
	if err := s.svc.AssociateAddress(ctx, a.ID, in.ID); err != nil {
		if rerr := s.svc.ReleaseAddress(ctx, a.ID); rerr != nil {
			s.log.Warn("cannot release an ephemeral address", "address", a.ID, "err", rerr)
		}
		return err
	}
	return nil
}

// releaseEphemeralAddresses releases the ephemeral addresses of an instance.
func (s *server) releaseEphemeralAddresses(ctx context.Context, instanceID string) error {
	addrs, err := s.ephemeralAddresses(ctx, instanceID)
	if err != nil {
		return err
	}
	return s.releaseAddresses(ctx, addrs)
}

// ephemeralAddresses lists an instance's ephemeral external addresses.
func (s *server) ephemeralAddresses(ctx context.Context, instanceID string) ([]translate.Address, error) {
	addrs, err := s.svc.Addresses(ctx, translate.AddressQuery{Tags: translate.Tags{tagEphemeralFor: instanceID}})
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

func (s *server) releaseAddresses(ctx context.Context, addrs []translate.Address) error {
	for _, a := range addrs {
		if err := s.svc.ReleaseAddress(ctx, a.ID); err != nil && !isNotFound(err) {
			return err
		}
	}
	return nil
}

// accessConfigName is the name of an instance's access config ("" if none).
func accessConfigName(in *translate.Instance) string {
	if n := in.Tags[tagAccessCfg]; n != "" {
		return n
	}
	if in.PublicIP != "" {
		return "External NAT"
	}
	return ""
}

func checkNIC(c *gin.Context) error {
	if nic := c.Query("networkInterface"); nic != "nic0" {
		return unsupportedValue("networkInterface", nic, "The instance has one network interface, nic0.")
	}
	return nil
}

// addAccessConfig is instances.addAccessConfig.
func (s *server) addAccessConfig(c *gin.Context) (any, error) {
	var req wireAccessConfig
	if err := bindJSON(c, &req); err != nil {
		return nil, err
	}
	if err := checkNIC(c); err != nil {
		return nil, err
	}
	if req.Type != "" && req.Type != "ONE_TO_ONE_NAT" {
		return nil, unsupportedValue("resource.type", req.Type, "Only ONE_TO_ONE_NAT access configs are supported.")
	}
	if req.NetworkTier != "" && req.NetworkTier != "PREMIUM" {
		return nil, unsupportedValue("resource.networkTier", req.NetworkTier, "Only the PREMIUM network tier is supported.")
	}
	ctx, project, zoneName := c.Request.Context(), c.Param("project"), c.Param("zone")
	in, zone, err := s.instanceByName(ctx, project, zoneName, c.Param("instance"))
	if err != nil {
		return nil, err
	}
	if accessConfigName(in) != "" {
		return nil, invalid("Invalid value for field 'resource': ''. The network interface nic0 already has an access config (%s).", accessConfigName(in))
	}
	name := req.Name
	if name == "" {
		name = "External NAT"
	}
	switch {
	case req.NatIP != "":
		addrs, _, err := s.addresses(ctx)
		if err != nil {
			return nil, err
		}
		var addr *translate.Address
		for i := range addrs {
			if addrs[i].IP == req.NatIP {
				addr = &addrs[i]
			}
		}
		if addr == nil {
			return nil, invalid("Invalid value for field 'resource.natIP': '%s'. The specified external IP address is not reserved in region '%s'.", req.NatIP, s.region)
		}
		if err := s.svc.AssociateAddress(ctx, addr.ID, in.ID); err != nil {
			return nil, err
		}
	case !zone.SecurityGroups:
		if err := s.attachEphemeralAddress(ctx, in); err != nil {
			return nil, err
		}
	}
	if err := s.svc.CreateTags(ctx, translate.ResInstance, []string{in.ID}, translate.Tags{tagAccessCfg: name}); err != nil {
		return nil, err
	}
	return s.syncInstanceOp(c, "addAccessConfig", in)
}

// deleteAccessConfig is instances.deleteAccessConfig.
func (s *server) deleteAccessConfig(c *gin.Context) (any, error) {
	if err := checkNIC(c); err != nil {
		return nil, err
	}
	ctx, project, zoneName := c.Request.Context(), c.Param("project"), c.Param("zone")
	in, zone, err := s.instanceByName(ctx, project, zoneName, c.Param("instance"))
	if err != nil {
		return nil, err
	}
	name := c.Query("accessConfig")
	if cur := accessConfigName(in); cur == "" || cur != name {
		return nil, invalid("Invalid value for field 'accessConfig': '%s'. The network interface nic0 has no access config with this name.", name)
	}
	if zone.SecurityGroups && in.PublicIP == "" {
		return nil, unsupportedValue("accessConfig", name, "In this zone the instance's external address is its guest address, which cannot be removed.")
	}
	if err := s.releaseEphemeralAddresses(ctx, in.ID); err != nil {
		return nil, err
	}
	if in.PublicIPID != "" {
		// A reserved address: static NAT off, the address stays reserved.
		if err := s.svc.DisassociateAddress(ctx, in.PublicIPID); err != nil && !isNotFound(err) {
			return nil, err
		}
	}
	if in.Tags[tagAccessCfg] != "" {
		if err := s.svc.DeleteTags(ctx, translate.ResInstance, []string{in.ID}, translate.Tags{tagAccessCfg: ""}); err != nil {
			return nil, err
		}
	}
	return s.syncInstanceOp(c, "deleteAccessConfig", in)
}
