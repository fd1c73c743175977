package simulator

import (
	"strings"
	"time"
)

// Instance groups (createInstanceGroup, listInstanceGroups,
// deleteInstanceGroup; deployVirtualMachine/updateVirtualMachine group=;
// listVirtualMachines groupid=), modelled on CloudStack:
//
//   - api/src/main/java/org/apache/cloudstack/api/command/user/vmgroup/
//     {CreateVMGroupCmd,ListVMGroupsCmd,DeleteVMGroupCmd}.java: name is
//     required for create; list takes id, name, keyword (plus the usual
//     account/domain/listall/paging); delete takes the group's id and
//     answers a SuccessResponse; InstanceGroupResponse carries id, name,
//     created and the owner fields.
//   - server/src/main/java/com/cloud/vm/UserVmManagerImpl.java
//     createVmGroup: a name already used by the account is
//     InvalidParameterValueException ("Unable to create vm group, a group
//     with name … already exists for account …", 431); names are not
//     otherwise validated (instance_group.name is varchar(255)).
//     addInstanceToGroup (deploy and update with group=NAME): the group
//     of that name is created when the account has none, and a VM is in
//     at most one group (an existing membership is replaced).
//     deleteVmGroup: the group's VM mappings are removed with it; the VMs
//     stay. cleanupVmResources (at expunge) removes the VM from its group,
//     so a Destroyed VM is still a member until it is expunged.
//   - server/src/main/java/com/cloud/api/query/QueryManagerImpl.java
//     searchForVmGroupsInternal: name is an exact match (Op.EQ), keyword
//     a substring of the name (LIKE %kw%); searchForUserVMIdsAndCount
//     joins instance_group_vm_map for groupid.
type instanceGroup struct {
	owned
	ID, Name string
	Created  time.Time
}

func (s *Server) instanceGroupByID(id string) *instanceGroup {
	for _, g := range s.st.InstanceGroups {
		if g.ID == id {
			return g
		}
	}
	return nil
}

func (s *Server) instanceGroupByName(accountID, name string) *instanceGroup {
	for _, g := range s.st.InstanceGroups {
		if g.AccountID == accountID && g.Name == name {
			return g
		}
	}
	return nil
}

func (s *Server) instanceGroupObj(g *instanceGroup) obj {
	return s.ownerFields(obj{"id": g.ID, "name": g.Name, "created": fmtTime(g.Created), "hasannotations": false}, g.owned)
}

func (s *Server) newInstanceGroup(c *call, ow *account, name string) *instanceGroup {
	g := &instanceGroup{owned: owned{ow.ID, ow.DomainID}, ID: s.st.uuid(), Name: name, Created: c.now}
	s.st.InstanceGroups = append(s.st.InstanceGroups, g)
	return g
}

func createInstanceGroup(s *Server, c *call) (any, *apiError) {
	name, err := c.need("name")
	if err != nil {
		return nil, err
	}
	ow, err := s.owner(c)
	if err != nil {
		return nil, err
	}
	if s.instanceGroupByName(ow.ID, name) != nil {
		return nil, invalidParam("Unable to create vm group, a group with name %s already exists for account %s", name, ow.ID)
	}
	return objResult{"instancegroup", s.instanceGroupObj(s.newInstanceGroup(c, ow, name))}, nil
}

func listInstanceGroups(s *Server, c *call) (any, *apiError) {
	id, name := c.str("id"), c.str("name")
	var items []obj
	for _, g := range s.st.InstanceGroups {
		if !s.visible(c, g.owned) || (id != "" && id != g.ID) || (name != "" && name != g.Name) {
			continue
		}
		if kw := c.str("keyword"); kw != "" && !strings.Contains(strings.ToLower(g.Name), strings.ToLower(kw)) {
			continue
		}
		items = append(items, s.instanceGroupObj(g))
	}
	return c.pageOf("instancegroup", items), nil
}

func deleteInstanceGroup(s *Server, c *call) (any, *apiError) {
	id, err := c.need("id")
	if err != nil {
		return nil, err
	}
	g := s.instanceGroupByID(id)
	if g == nil {
		return nil, invalidParam("unable to find a vm group with id %s", id)
	}
	if !s.canAccess(c, g.owned) {
		return nil, permissionDenied("Account %s does not have permission to operate with resource %s", c.acct.Name, id)
	}
	for _, v := range s.st.VMs {
		if v.GroupID == g.ID {
			v.GroupID = ""
		}
	}
	s.st.InstanceGroups = removeByID(s.st.InstanceGroups, g.ID, func(x *instanceGroup) string { return x.ID })
	s.forget(g.ID)
	return success(), nil
}

// addToGroup is UserVmManagerImpl.addInstanceToGroup: the VM's account's
// group of that name (created if missing) replaces any membership.
func (s *Server) addToGroup(c *call, v *vm, name string) {
	g := s.instanceGroupByName(v.AccountID, name)
	if g == nil {
		ow := s.accountByID(v.AccountID)
		if ow == nil {
			return
		}
		g = s.newInstanceGroup(c, ow, name)
	}
	v.GroupID = g.ID
}

// groupFields adds a VM's group and groupid (UserVmResponse) when it has one.
func (s *Server) groupFields(o obj, v *vm) {
	if v.GroupID == "" {
		return
	}
	if g := s.instanceGroupByID(v.GroupID); g != nil {
		o["group"], o["groupid"] = g.Name, g.ID
	}
}
