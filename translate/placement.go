package translate

import (
	"context"
	"sort"
	"strings"
)

// DefaultCustomCPUSpeedMHz is the CPU speed sent (details[0].cpuSpeed) for
// custom-size VMs whose offering has no cpuspeed of its own: CloudStack
// refuses such deploys without one (UserVmManagerImpl
// validateCustomParameters: "Invalid cpu speed value, specify a value
// between 1 and 2147483647").
const DefaultCustomCPUSpeedMHz = 1000

// customSpeed returns the details[0].cpuSpeed to send with a custom size.
func (s *Service) customSpeed(off *Offering, cpus int) int {
	if !off.Custom || cpus == 0 || off.CPUSpeedMHz > 0 {
		return 0
	}
	return s.opts.CustomCPUSpeedMHz
}

// launchNetworks returns the networkids a deploy in zone z must carry when
// the caller named no network, choosing like CloudStack does for a user
// (UserVmManagerImpl.createAdvancedSecurityGroupVirtualMachine /
// createAdvancedVirtualMachine, getDefaultNetwork) but always naming the
// network explicitly:
//
//   - Basic zone: none (CloudStack places the VM on the zone's network).
//   - Advanced zone with security groups: the zone's Shared network
//     (CloudStack: the SG network with free addresses; 431 if there is none,
//     so with none visible nothing is sent and CloudStack answers).
//   - Advanced zone without security groups: the account's only Isolated
//     network outside VPCs (or the one named "default" when there are
//     several; CloudStack itself refuses to choose: 431 "More than 1 default
//     Isolated networks are found"). With none, nothing is sent when an
//     Isolated offering is Required, because then CloudStack creates the
//     account's network itself; otherwise FailedPrecondition says what to do.
func (s *Service) launchNetworks(ctx context.Context, op string, z *Zone) ([]string, error) {
	if strings.EqualFold(z.NetworkType, "Basic") {
		return nil, nil
	}
	ns, err := s.cs.ListNetworks(ctx, ListNetworksRequest{ZoneID: z.ID})
	if err != nil {
		return nil, opErr(op, ResNetwork, "", err)
	}
	sort.Slice(ns, func(i, j int) bool {
		if ns[i].Name != ns[j].Name {
			return ns[i].Name < ns[j].Name
		}
		return ns[i].ID < ns[j].ID
	})
	if z.SecurityGroups {
		for _, n := range ns {
			if strings.EqualFold(n.Type, "Shared") && n.VPCID == "" && n.ZoneID == z.ID {
				return []string{n.ID}, nil
			}
		}
		// None visible: let CloudStack place the VM or refuse (431) itself.
		return nil, nil
	}
	var isolated []Network
	for _, n := range ns {
		if strings.EqualFold(n.Type, "Isolated") && n.VPCID == "" && (n.ZoneID == "" || n.ZoneID == z.ID) {
			isolated = append(isolated, n)
		}
	}
	switch len(isolated) {
	case 1:
		return []string{isolated[0].ID}, nil
	case 0:
		offs, err := s.cs.ListNetworkOfferings(ctx, ListNetworkOfferingsRequest{ZoneID: z.ID})
		if err != nil {
			return nil, opErr(op, ResNetwork, "", err)
		}
		for _, o := range offs {
			if strings.EqualFold(o.Availability, "Required") && strings.EqualFold(o.GuestIPType, "Isolated") && !o.ForVPC {
				return nil, nil // CloudStack creates the account's network
			}
		}
		return nil, &Error{Op: op, Kind: FailedPrecondition, Resource: ResNetwork,
			Message: "the account has no network in zone " + z.Name + " and no isolated network offering is Required there; create a network first (GCE networks.insert, EC2 CreateVpc/CreateSubnet), or have the operator make an isolated offering's availability Required"}
	}
	for _, n := range isolated {
		if strings.EqualFold(n.Name, "default") {
			return []string{n.ID}, nil
		}
	}
	return nil, &Error{Op: op, Kind: InvalidArgument, Resource: ResNetwork,
		Message: "the account has several networks in zone " + z.Name + "; name the one to use (GCE networkInterfaces[].network or subnetwork, EC2 SubnetId)"}
}

// requiredNetwork creates the account's network in zone z from an
// Isolated offering with availability Required, as CloudStack does on a
// first deploy there; FailedPrecondition when no offering is Required.
func (s *Service) requiredNetwork(ctx context.Context, op string, z *Zone) (string, error) {
	offs, err := s.cs.ListNetworkOfferings(ctx, ListNetworkOfferingsRequest{ZoneID: z.ID})
	if err != nil {
		return "", opErr(op, ResNetwork, "", err)
	}
	for _, o := range offs {
		if strings.EqualFold(o.Availability, "Required") && strings.EqualFold(o.GuestIPType, "Isolated") && !o.ForVPC {
			n, err := s.cs.CreateNetwork(ctx, CreateNetworkRequest{Name: "default", DisplayText: "default network (created like CloudStack does for a first deploy)",
				ZoneID: z.ID, NetworkOfferingID: o.ID})
			if err != nil {
				return "", opErr(op, ResNetwork, "", err)
			}
			return n.ID, nil
		}
	}
	return "", &Error{Op: op, Kind: FailedPrecondition, Resource: ResNetwork,
		Message: "the account has no network in zone " + z.Name + " and no isolated network offering is Required there; create a network first (GCE networks.insert, EC2 CreateVpc/CreateSubnet)"}
}
