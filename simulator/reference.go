package simulator

// Like CloudStack's ParamProcessWorker, UUID-typed parameters are resolved before a
// command runs: an id that names no entity of the parameter's type (live or removed)
// fails every command, lists included, with 431 "… Invalid parameter <name>
// value=<id> due to incorrect long value format, or entity does not exist …".

// entity kinds a parameter can reference
const (
	kVM = iota + 1
	kVolume
	kSnapshot
	kTemplate
	kZone
	kPod
	kCluster
	kHost
	kServiceOffering
	kDiskOffering
	kNetworkOffering
	kVPCOffering
	kOSType
	kNetwork
	kVPC
	kIP
	kSG
	kRule
	kKeyPair
	kUser
	kAccount
	kDomain
	kEvent
	kJob
	kMock
	kInstanceGroup
)

// refParams maps parameter names to the entity they reference (for every command).
var refParams = map[string]int{
	"zoneid": kZone, "podid": kPod, "clusterid": kCluster, "hostid": kHost,
	"virtualmachineid": kVM, "volumeid": kVolume, "snapshotid": kSnapshot, "templateid": kTemplate,
	"serviceofferingid": kServiceOffering, "diskofferingid": kDiskOffering, "networkofferingid": kNetworkOffering,
	"vpcofferingid": kVPCOffering, "ostypeid": kOSType, "networkid": kNetwork, "associatednetworkid": kNetwork,
	"vpcid": kVPC, "ipaddressid": kIP, "securitygroupid": kSG, "jobid": kJob, "domainid": kDomain, "userid": kUser,
	"securitygroupids": kSG, "networkids": kNetwork, "accountid": kAccount,
	"groupid": kInstanceGroup,
}

// idKinds maps a command to the entity its id/ids parameters reference.
var idKinds = map[string]int{
	"listVirtualMachines": kVM, "startVirtualMachine": kVM, "stopVirtualMachine": kVM, "rebootVirtualMachine": kVM,
	"destroyVirtualMachine": kVM, "expungeVirtualMachine": kVM, "recoverVirtualMachine": kVM,
	"updateVirtualMachine": kVM, "changeServiceForVirtualMachine": kVM, "scaleVirtualMachine": kVM,
	"getVMPassword": kVM, "resetSSHKeyForVirtualMachine": kVM, "resetPasswordForVirtualMachine": kVM,
	"listVolumes": kVolume, "attachVolume": kVolume, "detachVolume": kVolume, "resizeVolume": kVolume, "deleteVolume": kVolume,
	"listSnapshots": kSnapshot, "deleteSnapshot": kSnapshot,
	"listTemplates": kTemplate, "deleteTemplate": kTemplate, "updateTemplate": kTemplate,
	"listZones": kZone, "listPods": kPod, "listClusters": kCluster, "listHosts": kHost,
	"listServiceOfferings": kServiceOffering, "listDiskOfferings": kDiskOffering, "listOsTypes": kOSType,
	"listNetworkOfferings": kNetworkOffering, "listVPCOfferings": kVPCOffering,
	"listSecurityGroups": kSG, "deleteSecurityGroup": kSG,
	"revokeSecurityGroupIngress": kRule, "revokeSecurityGroupEgress": kRule,
	"listSSHKeyPairs": kKeyPair,
	"listNetworks":    kNetwork, "deleteNetwork": kNetwork, "listVPCs": kVPC, "deleteVPC": kVPC,
	"listPublicIpAddresses": kIP, "disassociateIpAddress": kIP,
	"listUsers": kUser, "getUserKeys": kUser, "registerUserKeys": kUser, "listAccounts": kAccount,
	"listDomains": kDomain, "listEvents": kEvent,
	"querySimulatorMock": kMock, "cleanupSimulatorMock": kMock,
	"listInstanceGroups": kInstanceGroup, "deleteInstanceGroup": kInstanceGroup,
}

// forget records a deleted entity id.
func (s *Server) forget(id string) {
	if s.st.Removed == nil {
		s.st.Removed = map[string]bool{}
	}
	s.st.Removed[id] = true
}

// resolveRefs checks every UUID-typed parameter of c.
func (s *Server) resolveRefs(c *call) *apiError {
	check := func(param string, kind int, vals []string) *apiError {
		for _, v := range vals {
			if v == "" || v == "-1" || s.st.Removed[v] || s.exists(kind, v) {
				continue
			}
			return noEntity(c.cmd, param, v)
		}
		return nil
	}
	for param, kind := range refParams {
		if v, ok := c.p[param]; ok {
			if err := check(param, kind, splitList(v)); err != nil {
				return err
			}
		}
	}
	if kind, ok := idKinds[c.cmd]; ok {
		if err := check("id", kind, []string{c.p["id"]}); err != nil {
			return err
		}
		if err := check("ids", kind, splitList(c.p["ids"])); err != nil {
			return err
		}
	}
	return nil
}

func splitList(v string) []string { return (&call{p: map[string]string{"x": v}}).list("x") }

func (s *Server) exists(kind int, id string) bool {
	st := s.st
	switch kind {
	case kVM:
		return s.vmByID(id) != nil
	case kVolume:
		return s.volumeByID(id) != nil
	case kSnapshot:
		return s.snapshotByID(id) != nil
	case kTemplate:
		return s.templateByIDAny(id) != nil
	case kZone:
		return s.zoneByID(id) != nil
	case kPod:
		return anyID(st.Pods, id, func(x *pod) string { return x.ID })
	case kCluster:
		return anyID(st.Clusters, id, func(x *cluster) string { return x.ID })
	case kHost:
		return s.hostByID(id) != nil
	case kServiceOffering:
		return s.serviceOfferingByID(id) != nil
	case kDiskOffering:
		return s.diskOfferingByID(id) != nil
	case kNetworkOffering:
		return s.networkOfferingByID(id) != nil
	case kVPCOffering:
		return anyID(st.VPCOfferings, id, func(x *vpcOffering) string { return x.ID })
	case kOSType:
		return s.osTypeByID(id) != nil
	case kNetwork:
		return s.networkByID(id) != nil
	case kVPC:
		return s.vpcByID(id) != nil
	case kIP:
		return s.ipByID(id) != nil
	case kSG:
		return s.sgByID(id) != nil
	case kRule:
		_, r := s.findRule(id)
		return r != nil
	case kKeyPair:
		return anyID(st.KeyPairs, id, func(x *keyPair) string { return x.ID })
	case kUser:
		return s.userByID(id) != nil
	case kAccount:
		return s.accountByID(id) != nil
	case kDomain:
		return anyID(st.Domains, id, func(x *domain) string { return x.ID })
	case kEvent:
		return anyID(st.Events, id, func(x *event) string { return x.ID })
	case kJob:
		return s.jobByID(id) != nil
	case kMock:
		return anyID(st.Mocks, id, func(x *mock) string { return x.ID })
	case kInstanceGroup:
		return s.instanceGroupByID(id) != nil
	}
	return true
}

func anyID[T any](list []T, id string, idOf func(T) string) bool {
	for _, x := range list {
		if idOf(x) == id {
			return true
		}
	}
	return false
}
