package gcecompat

import (
	"context"
	"strconv"
	"strings"

	"github.com/cloudgate/cloudgate/translate"
	"github.com/gin-gonic/gin"
)

// Instance settings of instances.insert kept in CloudStack and read back
// (instancespec.go validate refuses what cannot be honoured, naming the
// field):
//
//	deletionProtection          translate.DeletionProtectionTag; delete
//	                            refuses, setDeletionProtection changes it
//	serviceAccounts             one account: its email and scopes are kept
//	                            (tagServiceAccount, tagScopes) and read
//	                            back. CloudStack guests have no metadata
//	                            server, so no token is ever served to them
//	networkInterfaces           network "default", a subnetwork (a
//	                            CloudStack guest network of the zone),
//	                            networkIP (deploy ipaddress=); the access
//	                            config (tagAccessCfg) shows natIP, the
//	                            reachable address (natIP below)
//	machineType                 a predefined GCE name served by a custom
//	                            offering is kept in tagMachineType, so it
//	                            reads back as asked (e2-medium, not
//	                            custom-2-4096)
const (
	tagMachineType    = translate.ReservedTagPrefix + "gce-machine-type"
	tagServiceAccount = translate.ReservedTagPrefix + "gce-sa"
	tagScopes         = translate.ReservedTagPrefix + "gce-sa-scopes"
)

// resourceProtected is a gcecompat-private Kind: deleting a resource with
// deletion protection (GCE: 400 invalidResourceUsage).
const resourceProtected translate.Kind = 1<<12 + 1

// maxTagValue is CloudStack's resource_tags.value column size.
const maxTagValue = 255

const scopePrefix = "https://www.googleapis.com/auth/"

type insertServiceAccount struct {
	Email  string   `json:"email"`
	Scopes []string `json:"scopes"`
}

// serviceAccountTags validates serviceAccounts and returns the tags that
// keep them.
func serviceAccountTags(sas []insertServiceAccount) (translate.Tags, error) {
	if len(sas) == 0 {
		return nil, nil
	}
	if len(sas) > 1 {
		return nil, invalid("Invalid value for field 'resource.serviceAccounts': ''. At most one service account can be attached to an instance.")
	}
	sa := sas[0]
	if sa.Email == "" {
		return nil, invalid("Invalid value for field 'resource.serviceAccounts[0].email': ''. A service account email is required.")
	}
	short := make([]string, 0, len(sa.Scopes))
	for _, sc := range sa.Scopes {
		if strings.Contains(sc, ",") || sc == "" {
			return nil, invalid("Invalid value for field 'resource.serviceAccounts[0].scopes': '%s'. Invalid scope.", sc)
		}
		short = append(short, strings.TrimPrefix(sc, scopePrefix))
	}
	t := translate.Tags{tagServiceAccount: sa.Email, tagScopes: strings.Join(short, ",")}
	if len(sa.Email) > maxTagValue || len(t[tagScopes]) > maxTagValue {
		return nil, invalid("Invalid value for field 'resource.serviceAccounts[0].scopes': '%s'. This cloud keeps at most %d characters of scopes (without %s).",
			strings.Join(sa.Scopes, ","), maxTagValue, scopePrefix)
	}
	return t, nil
}

// wireServiceAccounts reads serviceAccounts back from the VM's tags.
func wireServiceAccounts(tags translate.Tags) []wireServiceAccount {
	email, ok := tags[tagServiceAccount]
	if !ok {
		return nil
	}
	sa := wireServiceAccount{Email: email, Scopes: []string{}}
	for _, sc := range strings.Split(tags[tagScopes], ",") {
		if sc == "" {
			continue
		}
		if !strings.Contains(sc, "://") {
			sc = scopePrefix + sc
		}
		sa.Scopes = append(sa.Scopes, sc)
	}
	return []wireServiceAccount{sa}
}

// applyNetworkInterfaces honours networkInterfaces on insert: the
// subnetwork (a CloudStack network of the instance's zone: a VPC tier of a
// custom network, or a network outside VPCs for "default") is the network
// the VM is deployed on.
func (s *server) applyNetworkInterfaces(ctx context.Context, project string, zone *translate.Zone, nics []insertNIC, spec *translate.LaunchSpec) error {
	if len(nics) == 0 {
		return nil // GCE's default: nic0 on "default", with an external address
	}
	nic := nics[0]
	const f = "Invalid value for field 'resource.networkInterfaces[0].%s': '%s'. %s"
	network := lastSegment(nic.Network)
	if nic.Network == "" && nic.Subnetwork == "" {
		network = "default"
	}
	var v *netView
	if network != "default" || nic.Subnetwork != "" {
		var err error
		if v, err = s.loadNetView(ctx); err != nil {
			return err
		}
	}
	if network != "" && network != "default" {
		if v.vpcByName(network) == nil {
			return notFound(translate.ResNetwork, networkPath(project, network))
		}
		if nic.Subnetwork == "" {
			// GCE: a custom-mode network needs the subnetwork named.
			return invalid(f, "network", nic.Network, "Subnetwork should be specified for custom subnetmode network.")
		}
	}
	if nic.Subnetwork != "" {
		name := lastSegment(nic.Subnetwork)
		var found *translate.Network
		for _, n := range v.subnetworks("") {
			if gceName(n.Name) == name && (found == nil || n.ZoneID == zone.ID) {
				found = n // one in the instance's zone wins
			}
		}
		if found == nil {
			return notFound(translate.ResNetwork, subnetworkPath(project, s.region, name))
		}
		if network != "" && v.networkOf(found) != network {
			return invalid(f, "subnetwork", nic.Subnetwork, "The subnetwork belongs to network '"+v.networkOf(found)+"', not to '"+network+"'.")
		}
		if found.ZoneID != zone.ID {
			return invalid(f, "subnetwork", nic.Subnetwork, "The subnetwork is a CloudStack network of zone '"+s.gceZone(found.ZoneName)+"', not of this instance's zone.")
		}
		spec.NetworkIDs = []string{found.ID}
	}
	if nic.NetworkIP != "" {
		spec.IPAddress = nic.NetworkIP
	}
	return nil
}

// natIP is the reachable address of an instance: its static-NAT public
// address, else, in a security-group zone (shared guest networks, whose
// guest addresses are routable), its guest address.
func natIP(in *translate.Instance, sgZone bool) string {
	if in.PublicIP != "" {
		return in.PublicIP
	}
	if sgZone {
		return in.PrivateIP
	}
	return ""
}

// protected reports whether an instance has deletion protection.
func protected(in *translate.Instance) bool {
	return in.Tags[translate.DeletionProtectionTag] == "true"
}

func errProtected() error {
	return &translate.Error{Kind: resourceProtected, Resource: translate.ResInstance,
		Message: "Invalid resource usage: 'Resource cannot be deleted if it's protected against deletion.'."}
}

// setDeletionProtection is instances.setDeletionProtection
// (gcloud compute instances update --[no-]deletion-protection).
func (s *server) setDeletionProtection(c *gin.Context) (any, error) {
	ctx, project, zone := c.Request.Context(), c.Param("project"), c.Param("zone")
	in, _, err := s.instanceByName(ctx, project, zone, c.Param("instance"))
	if err != nil {
		return nil, err
	}
	on := true
	if v := c.Query("deletionProtection"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, invalid("Invalid value for field 'deletionProtection': '%s'. Expected a boolean.", v)
		}
		on = b
	}
	cur := translate.Tags{}
	if protected(in) {
		cur[translate.DeletionProtectionTag] = "true"
	}
	want := translate.Tags{}
	if on {
		want[translate.DeletionProtectionTag] = "true"
	}
	if err := s.replaceTags(ctx, translate.ResInstance, in.ID, cur, want); err != nil {
		return nil, err
	}
	return s.syncInstanceOp(c, "setDeletionProtection", in)
}

// setMachineTypeTag keeps (or drops) the predefined name of a machine type
// served by a custom offering.
func (s *server) setMachineTypeTag(ctx context.Context, in *translate.Instance, mt *machineType) error {
	want := ""
	if mt.offering.Custom && !customType.MatchString(mt.name) {
		want = mt.name
	}
	cur := in.Tags[tagMachineType]
	if cur == want {
		return nil
	}
	if cur != "" {
		if err := s.svc.DeleteTags(ctx, translate.ResInstance, []string{in.ID}, translate.Tags{tagMachineType: cur}); err != nil {
			return err
		}
	}
	if want == "" {
		return nil
	}
	return s.svc.CreateTags(ctx, translate.ResInstance, []string{in.ID}, translate.Tags{tagMachineType: want})
}
