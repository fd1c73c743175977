package simulator

// command is one API command. Sync commands have only run; async commands also have
// complete, run at job completion (run then does validation and the "begin" effects).
type command struct {
	name     string
	run      func(*Server, *call) (any, *apiError)
	complete func(*Server, *call) (any, *apiError)
	admin    bool // root admin only (others get 401, as from CloudStack's API checker)
	mutates  bool // save the state file after success
}

// commands is the whole API surface of the simulator.
var commands = map[string]*command{}

func reg(name string, run func(*Server, *call) (any, *apiError), opts ...func(*command)) {
	c := &command{name: name, run: run}
	for _, o := range opts {
		o(c)
	}
	commands[name] = c
}

func async(done func(*Server, *call) (any, *apiError)) func(*command) {
	return func(c *command) { c.complete, c.mutates = done, true }
}

func admin(c *command)   { c.admin = true }
func mutates(c *command) { c.mutates = true }

func init() {
	// identity
	reg("login", nil)
	reg("logout", nil)
	reg("listAccounts", listAccounts)
	reg("listUsers", listUsers)
	reg("getUser", getUser, admin)
	reg("getUserKeys", getUserKeys)
	reg("registerUserKeys", registerUserKeys, mutates)
	reg("listDomains", listDomains)
	reg("listCapabilities", listCapabilities)
	reg("listConfigurations", listConfigurations, admin)
	reg("updateConfiguration", updateConfiguration, admin, mutates)
	reg("resetConfiguration", resetConfiguration, admin, mutates)
	reg("listProjects", listProjects)
	reg("listRegions", listRegions)
	reg("listApis", listApis)
	// infrastructure and catalog
	reg("listZones", listZones)
	reg("listPods", listPods, admin)
	reg("listClusters", listClusters, admin)
	reg("listHosts", listHosts, admin)
	reg("listServiceOfferings", listServiceOfferings)
	reg("listDiskOfferings", listDiskOfferings)
	reg("listOsTypes", listOsTypes)
	reg("listTemplates", listTemplates)
	reg("registerTemplate", registerTemplate, mutates)
	reg("createTemplate", createTemplate, async(createTemplateDone))
	reg("deleteTemplate", deleteTemplate, async(deleteTemplateDone))
	reg("updateTemplate", updateTemplate, mutates)
	reg("updateTemplatePermissions", updateTemplatePermissions, mutates)
	reg("listTemplatePermissions", listTemplatePermissions)
	reg("copyTemplate", copyTemplate, async(copyTemplateDone))
	// virtual machines
	reg("deployVirtualMachine", deployVirtualMachine, async(deployDone))
	reg("listVirtualMachines", listVirtualMachines)
	reg("startVirtualMachine", startVirtualMachine, async(startDone))
	reg("stopVirtualMachine", stopVirtualMachine, async(stopDone))
	reg("rebootVirtualMachine", rebootVirtualMachine, async(rebootDone))
	reg("destroyVirtualMachine", destroyVirtualMachine, async(destroyDone))
	reg("expungeVirtualMachine", expungeVirtualMachine, async(expungeDone))
	reg("recoverVirtualMachine", recoverVirtualMachine, mutates)
	reg("updateVirtualMachine", updateVirtualMachine, mutates)
	reg("changeServiceForVirtualMachine", changeServiceForVirtualMachine, mutates)
	reg("scaleVirtualMachine", scaleVirtualMachine, async(scaleDone))
	reg("getVirtualMachineUserData", getVirtualMachineUserData)
	reg("getVMPassword", getVMPassword)
	reg("resetSSHKeyForVirtualMachine", resetSSHKeyForVirtualMachine, async(resetSSHKeyDone))
	reg("resetPasswordForVirtualMachine", resetPasswordForVirtualMachine, async(resetPasswordDone))
	reg("listEvents", listEvents)
	reg("listNics", listNics)
	// instance groups (instancegroup.go)
	reg("createInstanceGroup", createInstanceGroup, mutates)
	reg("listInstanceGroups", listInstanceGroups)
	reg("deleteInstanceGroup", deleteInstanceGroup, mutates)
	// security groups
	reg("createSecurityGroup", createSecurityGroup, mutates)
	reg("deleteSecurityGroup", deleteSecurityGroup, mutates)
	reg("listSecurityGroups", listSecurityGroups)
	reg("authorizeSecurityGroupIngress", authorizeIngress, async(authorizeDone))
	reg("authorizeSecurityGroupEgress", authorizeEgress, async(authorizeDone))
	reg("revokeSecurityGroupIngress", revokeIngress, async(revokeDone))
	reg("revokeSecurityGroupEgress", revokeEgress, async(revokeDone))
	// ssh key pairs
	reg("createSSHKeyPair", createSSHKeyPair, mutates)
	reg("registerSSHKeyPair", registerSSHKeyPair, mutates)
	reg("deleteSSHKeyPair", deleteSSHKeyPair, mutates)
	reg("listSSHKeyPairs", listSSHKeyPairs)
	// networks, VPCs, addresses
	reg("listNetworks", listNetworks)
	reg("createNetwork", createNetwork, mutates)
	reg("deleteNetwork", deleteNetwork, async(deleteNetworkDone))
	reg("listNetworkOfferings", listNetworkOfferings)
	reg("listVPCs", listVPCs)
	reg("createVPC", createVPC, async(createVPCDone))
	reg("deleteVPC", deleteVPC, async(deleteVPCDone))
	reg("listVPCOfferings", listVPCOfferings)
	reg("listPrivateGateways", listPrivateGateways)
	reg("createPrivateGateway", createPrivateGateway, admin, async(createPrivateGatewayDone))
	reg("deletePrivateGateway", deletePrivateGateway, admin, async(deletePrivateGatewayDone))
	reg("listStaticRoutes", listStaticRoutes)
	reg("listNetworkACLLists", listNetworkACLLists)
	reg("listNetworkACLs", listNetworkACLs)
	reg("replaceNetworkACLList", replaceNetworkACLList, async(replaceNetworkACLListDone))
	reg("createNetworkACLList", createNetworkACLList, async(createNetworkACLListDone))
	reg("deleteNetworkACLList", deleteNetworkACLList, async(deleteNetworkACLListDone))
	reg("createNetworkACL", createNetworkACL, async(createNetworkACLDone))
	reg("deleteNetworkACL", deleteNetworkACL, async(deleteNetworkACLDone))
	reg("createStaticRoute", createStaticRoute, async(createStaticRouteDone))
	reg("deleteStaticRoute", deleteStaticRoute, async(deleteStaticRouteDone))
	reg("associateIpAddress", associateIpAddress, async(associateIpAddressDone))
	reg("disassociateIpAddress", disassociateIpAddress, async(disassociateIpAddressDone))
	reg("listPublicIpAddresses", listPublicIpAddresses)
	reg("enableStaticNat", enableStaticNat, mutates)
	reg("disableStaticNat", disableStaticNat, async(disableStaticNatDone))
	// volumes and snapshots
	reg("createVolume", createVolume, async(createVolumeDone))
	reg("listVolumes", listVolumes)
	reg("attachVolume", attachVolume, async(attachVolumeDone))
	reg("detachVolume", detachVolume, async(detachVolumeDone))
	reg("resizeVolume", resizeVolume, async(resizeVolumeDone))
	reg("deleteVolume", deleteVolume, mutates)
	reg("createSnapshot", createSnapshot, async(createSnapshotDone))
	reg("listSnapshots", listSnapshots)
	reg("deleteSnapshot", deleteSnapshot, async(deleteSnapshotDone))
	// tags
	reg("createTags", createTags, async(createTagsDone))
	reg("deleteTags", deleteTags, async(deleteTagsDone))
	reg("listTags", listTags)
	// jobs
	reg("queryAsyncJobResult", queryAsyncJobResult)
	reg("listAsyncJobs", listAsyncJobs)
	// simulator control (CloudStack simulator plugin)
	reg("configureSimulator", configureSimulator, admin, mutates)
	reg("querySimulatorMock", querySimulatorMock, admin)
	reg("cleanupSimulatorMock", cleanupSimulatorMock, admin, mutates)
}

func lookupCommand(name string) (*command, bool) {
	c, ok := commands[name]
	return c, ok
}

// listApis lists the implemented commands (name, isasync) visible to the caller.
func listApis(s *Server, c *call) (any, *apiError) {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sortStrings(names)
	var items []obj
	for _, n := range names {
		cmd := commands[n]
		if cmd.admin && !c.isAdmin() {
			continue
		}
		if x := c.str("name"); x != "" && x != n {
			continue
		}
		items = append(items, obj{"name": n, "isasync": cmd.complete != nil, "description": n, "since": "", "type": "",
			"related": "", "params": []obj{}, "response": []obj{}})
	}
	return c.pageOf("api", items), nil
}

// listProjects: the simulator has no projects.
func listProjects(s *Server, c *call) (any, *apiError) { return c.pageOf("project", nil), nil }

// listRegions: one region, this management server.
func listRegions(s *Server, c *call) (any, *apiError) {
	return c.pageOf("region", []obj{{"id": 1, "name": "Local", "endpoint": s.url, "gslbserviceenabled": true, "portableipserviceenabled": false}}), nil
}
