package gcecompat

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// route is one GCE v1 method. Every route authenticates the caller; acc
// says which :project values the caller may use.
type route struct {
	method string
	path   string // below /compute/v1/projects/:project
	acc    access
	h      func(s *server) handlerFunc
}

// routeTable is the whole GCE surface of the gateway (plus POST
// /batch/compute/v1, registered in Register).
var routeTable = []route{
	// projects
	{http.MethodGet, "", ownProject, func(s *server) handlerFunc { return s.getProject }},
	{http.MethodPost, "/setCommonInstanceMetadata", ownProject, func(s *server) handlerFunc { return s.setCommonInstanceMetadata }},

	// regions and zones
	{http.MethodGet, "/regions", ownProject, func(s *server) handlerFunc { return s.listRegions }},
	{http.MethodGet, "/regions/:region", ownProject, func(s *server) handlerFunc { return s.getRegion }},
	{http.MethodGet, "/zones", ownProject, func(s *server) handlerFunc { return s.listZones }},
	{http.MethodGet, "/zones/:zone", ownProject, func(s *server) handlerFunc { return s.getZone }},

	// machine types and disk types
	{http.MethodGet, "/zones/:zone/machineTypes", ownProject, func(s *server) handlerFunc { return s.listMachineTypes }},
	{http.MethodGet, "/zones/:zone/machineTypes/:machineType", ownProject, func(s *server) handlerFunc { return s.getMachineType }},
	{http.MethodGet, "/aggregated/machineTypes", ownProject, func(s *server) handlerFunc { return s.aggregatedMachineTypes }},
	{http.MethodGet, "/zones/:zone/diskTypes", ownProject, func(s *server) handlerFunc { return s.listDiskTypes }},
	{http.MethodGet, "/zones/:zone/diskTypes/:diskType", ownProject, func(s *server) handlerFunc { return s.getDiskType }},
	{http.MethodGet, "/aggregated/diskTypes", ownProject, func(s *server) handlerFunc { return s.aggregatedDiskTypes }},

	// images (public image projects are readable by everyone)
	{http.MethodGet, "/global/images", anyProject, func(s *server) handlerFunc { return s.listImages }},
	{http.MethodGet, "/global/images/:image", publicImages, func(s *server) handlerFunc { return s.getImage }},
	{http.MethodGet, "/global/images/family/:family", publicImages, func(s *server) handlerFunc { return s.getImageFromFamily }},
	{http.MethodGet, "/zones/:zone/imageFamilyViews/:family", publicImages, func(s *server) handlerFunc { return s.getImageFamilyView }},
	{http.MethodPost, "/global/images", ownProject, func(s *server) handlerFunc { return s.insertImage }},
	{http.MethodPost, "/global/images/:image/setLabels", ownProject, func(s *server) handlerFunc { return s.setImageLabels }},
	{http.MethodPost, "/global/images/:image/deprecate", ownProject, func(s *server) handlerFunc { return s.deprecateImage }},
	{http.MethodDelete, "/global/images/:image", ownProject, func(s *server) handlerFunc { return s.deleteImage }},

	// instances
	{http.MethodGet, "/zones/:zone/instances", ownProject, func(s *server) handlerFunc { return s.listInstances }},
	{http.MethodGet, "/aggregated/instances", ownProject, func(s *server) handlerFunc { return s.aggregatedInstances }},
	{http.MethodPost, "/zones/:zone/instances", ownProject, func(s *server) handlerFunc { return s.insertInstance }},
	{http.MethodGet, "/zones/:zone/instances/:instance", ownProject, func(s *server) handlerFunc { return s.getInstance }},
	{http.MethodDelete, "/zones/:zone/instances/:instance", ownProject, func(s *server) handlerFunc { return s.deleteInstance }},
	{http.MethodPost, "/zones/:zone/instances/:instance/start", ownProject, func(s *server) handlerFunc { return s.startInstance }},
	{http.MethodPost, "/zones/:zone/instances/:instance/stop", ownProject, func(s *server) handlerFunc { return s.stopInstance }},
	{http.MethodPost, "/zones/:zone/instances/:instance/reset", ownProject, func(s *server) handlerFunc { return s.resetInstance }},
	{http.MethodPost, "/zones/:zone/instances/:instance/setMetadata", ownProject, func(s *server) handlerFunc { return s.setMetadata }},
	{http.MethodPost, "/zones/:zone/instances/:instance/setLabels", ownProject, func(s *server) handlerFunc { return s.setLabels }},
	{http.MethodPost, "/zones/:zone/instances/:instance/setTags", ownProject, func(s *server) handlerFunc { return s.setTags }},
	{http.MethodPost, "/zones/:zone/instances/:instance/setMachineType", ownProject, func(s *server) handlerFunc { return s.setMachineType }},
	{http.MethodPost, "/zones/:zone/instances/:instance/setDeletionProtection", ownProject, func(s *server) handlerFunc { return s.setDeletionProtection }},
	{http.MethodPost, "/zones/:zone/instances/:instance/setScheduling", ownProject, func(s *server) handlerFunc { return s.setScheduling }},
	{http.MethodPost, "/zones/:zone/instances/:instance/suspend", ownProject, func(s *server) handlerFunc { return s.suspendResume }},
	{http.MethodPost, "/zones/:zone/instances/:instance/resume", ownProject, func(s *server) handlerFunc { return s.suspendResume }},
	// instance templates (instancetemplates.go)
	{http.MethodGet, "/global/instanceTemplates", ownProject, func(s *server) handlerFunc { return s.listInstanceTemplates }},
	{http.MethodPost, "/global/instanceTemplates", ownProject, func(s *server) handlerFunc { return s.insertInstanceTemplate }},
	{http.MethodGet, "/global/instanceTemplates/:instanceTemplate", ownProject, func(s *server) handlerFunc { return s.getInstanceTemplate }},
	{http.MethodDelete, "/global/instanceTemplates/:instanceTemplate", ownProject, func(s *server) handlerFunc { return s.deleteInstanceTemplate }},
	{http.MethodGet, "/aggregated/instanceTemplates", ownProject, func(s *server) handlerFunc { return s.aggregatedInstanceTemplates }},
	// always-empty catalogs (emptycatalogs.go)
	{http.MethodGet, "/zones/:zone/acceleratorTypes", ownProject, func(s *server) handlerFunc { return s.listAcceleratorTypes }},
	{http.MethodGet, "/zones/:zone/acceleratorTypes/:acceleratorType", ownProject, func(s *server) handlerFunc { return s.getAcceleratorType }},
	{http.MethodGet, "/aggregated/acceleratorTypes", ownProject, func(s *server) handlerFunc { return s.aggregatedAcceleratorTypes }},
	{http.MethodGet, "/regions/:region/resourcePolicies", ownProject, func(s *server) handlerFunc { return s.listResourcePolicies }},
	{http.MethodPost, "/regions/:region/resourcePolicies", ownProject, func(s *server) handlerFunc { return s.insertResourcePolicy }},
	{http.MethodGet, "/regions/:region/resourcePolicies/:resourcePolicy", ownProject, func(s *server) handlerFunc { return s.getResourcePolicy }},
	{http.MethodGet, "/aggregated/resourcePolicies", ownProject, func(s *server) handlerFunc { return s.aggregatedResourcePolicies }},
	{http.MethodPost, "/zones/:zone/instances/:instance/addAccessConfig", ownProject, func(s *server) handlerFunc { return s.addAccessConfig }},
	{http.MethodPost, "/zones/:zone/instances/:instance/deleteAccessConfig", ownProject, func(s *server) handlerFunc { return s.deleteAccessConfig }},
	{http.MethodPost, "/zones/:zone/instances/:instance/setDiskAutoDelete", ownProject, func(s *server) handlerFunc { return s.setDiskAutoDelete }},
	{http.MethodPost, "/zones/:zone/instances/:instance/attachDisk", ownProject, func(s *server) handlerFunc { return s.attachDisk }},
	{http.MethodPost, "/zones/:zone/instances/:instance/detachDisk", ownProject, func(s *server) handlerFunc { return s.detachDisk }},
	{http.MethodGet, "/zones/:zone/instances/:instance/serialPort", ownProject, func(s *server) handlerFunc { return s.getSerialPortOutput }},

	// disks and snapshots
	{http.MethodGet, "/zones/:zone/disks", ownProject, func(s *server) handlerFunc { return s.listDisks }},
	{http.MethodGet, "/aggregated/disks", ownProject, func(s *server) handlerFunc { return s.aggregatedDisks }},
	{http.MethodPost, "/zones/:zone/disks", ownProject, func(s *server) handlerFunc { return s.insertDisk }},
	{http.MethodGet, "/zones/:zone/disks/:disk", ownProject, func(s *server) handlerFunc { return s.getDisk }},
	{http.MethodDelete, "/zones/:zone/disks/:disk", ownProject, func(s *server) handlerFunc { return s.deleteDisk }},
	{http.MethodPost, "/zones/:zone/disks/:disk/resize", ownProject, func(s *server) handlerFunc { return s.resizeDisk }},
	{http.MethodPost, "/zones/:zone/disks/:disk/createSnapshot", ownProject, func(s *server) handlerFunc { return s.createSnapshot }},
	{http.MethodPost, "/zones/:zone/disks/:disk/setLabels", ownProject, func(s *server) handlerFunc { return s.setDiskLabels }},
	{http.MethodGet, "/global/snapshots", ownProject, func(s *server) handlerFunc { return s.listSnapshots }},
	{http.MethodPost, "/global/snapshots", ownProject, func(s *server) handlerFunc { return s.insertSnapshot }},
	{http.MethodGet, "/global/snapshots/:snapshot", ownProject, func(s *server) handlerFunc { return s.getSnapshot }},
	{http.MethodDelete, "/global/snapshots/:snapshot", ownProject, func(s *server) handlerFunc { return s.deleteSnapshot }},
	{http.MethodPost, "/global/snapshots/:snapshot/setLabels", ownProject, func(s *server) handlerFunc { return s.setSnapshotLabels }},

	// firewalls
	{http.MethodGet, "/global/firewalls", ownProject, func(s *server) handlerFunc { return s.listFirewalls }},
	{http.MethodPost, "/global/firewalls", ownProject, func(s *server) handlerFunc { return s.insertFirewall }},
	{http.MethodGet, "/global/firewalls/:firewall", ownProject, func(s *server) handlerFunc { return s.getFirewall }},
	{http.MethodDelete, "/global/firewalls/:firewall", ownProject, func(s *server) handlerFunc { return s.deleteFirewall }},
	{http.MethodPatch, "/global/firewalls/:firewall", ownProject, func(s *server) handlerFunc { return s.changeFirewall(true) }},
	{http.MethodPut, "/global/firewalls/:firewall", ownProject, func(s *server) handlerFunc { return s.changeFirewall(false) }},

	// networks and subnetworks
	{http.MethodGet, "/global/networks", ownProject, func(s *server) handlerFunc { return s.listNetworks }},
	{http.MethodPost, "/global/networks", ownProject, func(s *server) handlerFunc { return s.insertNetwork }},
	{http.MethodGet, "/global/networks/:network", ownProject, func(s *server) handlerFunc { return s.getNetwork }},
	{http.MethodDelete, "/global/networks/:network", ownProject, func(s *server) handlerFunc { return s.deleteNetwork }},
	{http.MethodGet, "/regions/:region/subnetworks", ownProject, func(s *server) handlerFunc { return s.listSubnetworks }},
	{http.MethodGet, "/regions/:region/subnetworks/:subnetwork", ownProject, func(s *server) handlerFunc { return s.getSubnetwork }},
	{http.MethodPost, "/regions/:region/subnetworks", ownProject, func(s *server) handlerFunc { return s.insertSubnetwork }},
	{http.MethodDelete, "/regions/:region/subnetworks/:subnetwork", ownProject, func(s *server) handlerFunc { return s.deleteSubnetwork }},
	{http.MethodPost, "/regions/:region/subnetworks/:subnetwork/expandIpCidrRange", ownProject, func(s *server) handlerFunc { return s.expandSubnetwork }},
	{http.MethodGet, "/aggregated/subnetworks", ownProject, func(s *server) handlerFunc { return s.aggregatedSubnetworks }},

	// routes (gceroutes.go)
	{http.MethodGet, "/global/routes", ownProject, func(s *server) handlerFunc { return s.listRoutes }},
	{http.MethodGet, "/global/routes/:route", ownProject, func(s *server) handlerFunc { return s.getRoute }},

	// addresses
	{http.MethodGet, "/regions/:region/addresses", ownProject, func(s *server) handlerFunc { return s.listAddresses }},
	{http.MethodPost, "/regions/:region/addresses", ownProject, func(s *server) handlerFunc { return s.insertAddress }},
	{http.MethodGet, "/regions/:region/addresses/:address", ownProject, func(s *server) handlerFunc { return s.getAddress }},
	{http.MethodDelete, "/regions/:region/addresses/:address", ownProject, func(s *server) handlerFunc { return s.deleteAddress }},
	{http.MethodGet, "/aggregated/addresses", ownProject, func(s *server) handlerFunc { return s.aggregatedAddresses }},

	// managed instance groups and their instance groups (instancegroupmanagers.go, instancegroups.go)
	{http.MethodGet, "/zones/:zone/instanceGroupManagers", ownProject, func(s *server) handlerFunc { return s.listInstanceGroupManagers }},
	{http.MethodPost, "/zones/:zone/instanceGroupManagers", ownProject, func(s *server) handlerFunc { return s.insertInstanceGroupManager }},
	{http.MethodGet, "/zones/:zone/instanceGroupManagers/:instanceGroupManager", ownProject, func(s *server) handlerFunc { return s.getInstanceGroupManager }},
	{http.MethodDelete, "/zones/:zone/instanceGroupManagers/:instanceGroupManager", ownProject, func(s *server) handlerFunc { return s.deleteInstanceGroupManager }},
	{http.MethodPost, "/zones/:zone/instanceGroupManagers/:instanceGroupManager/resize", ownProject, func(s *server) handlerFunc { return s.resizeInstanceGroupManager }},
	{http.MethodPost, "/zones/:zone/instanceGroupManagers/:instanceGroupManager/recreateInstances", ownProject, func(s *server) handlerFunc { return s.recreateMIGInstances }},
	{http.MethodPost, "/zones/:zone/instanceGroupManagers/:instanceGroupManager/deleteInstances", ownProject, func(s *server) handlerFunc { return s.deleteMIGInstances }},
	{http.MethodPost, "/zones/:zone/instanceGroupManagers/:instanceGroupManager/listManagedInstances", ownProject, func(s *server) handlerFunc { return s.listManagedInstances }},
	{http.MethodGet, "/aggregated/instanceGroupManagers", ownProject, func(s *server) handlerFunc { return s.aggregatedInstanceGroupManagers }},
	{http.MethodGet, "/zones/:zone/instanceGroups", ownProject, func(s *server) handlerFunc { return s.listInstanceGroups }},
	{http.MethodGet, "/zones/:zone/instanceGroups/:instanceGroup", ownProject, func(s *server) handlerFunc { return s.getInstanceGroup }},
	{http.MethodPost, "/zones/:zone/instanceGroups/:instanceGroup/listInstances", ownProject, func(s *server) handlerFunc { return s.listInstanceGroupInstances }},
	{http.MethodGet, "/aggregated/instanceGroups", ownProject, func(s *server) handlerFunc { return s.aggregatedInstanceGroups }},
	{http.MethodGet, "/zones/:zone/autoscalers", ownProject, func(s *server) handlerFunc { return s.listAutoscalers }},
	{http.MethodPost, "/zones/:zone/autoscalers", ownProject, func(s *server) handlerFunc { return s.insertAutoscaler }},
	{http.MethodGet, "/aggregated/autoscalers", ownProject, func(s *server) handlerFunc { return s.aggregatedAutoscalers }},

	// operations
	{http.MethodGet, "/zones/:zone/operations", ownProject, func(s *server) handlerFunc { return s.listOperations }},
	{http.MethodGet, "/zones/:zone/operations/:operation", ownProject, func(s *server) handlerFunc { return s.getOperation }},
	{http.MethodPost, "/zones/:zone/operations/:operation/wait", ownProject, func(s *server) handlerFunc { return s.waitOperation }},
	{http.MethodDelete, "/zones/:zone/operations/:operation", ownProject, func(s *server) handlerFunc { return s.deleteOperation }},
	{http.MethodGet, "/regions/:region/operations", ownProject, func(s *server) handlerFunc { return s.listOperations }},
	{http.MethodGet, "/regions/:region/operations/:operation", ownProject, func(s *server) handlerFunc { return s.getOperation }},
	{http.MethodPost, "/regions/:region/operations/:operation/wait", ownProject, func(s *server) handlerFunc { return s.waitOperation }},
	{http.MethodDelete, "/regions/:region/operations/:operation", ownProject, func(s *server) handlerFunc { return s.deleteOperation }},
	{http.MethodGet, "/global/operations", ownProject, func(s *server) handlerFunc { return s.listOperations }},
	{http.MethodGet, "/global/operations/:operation", ownProject, func(s *server) handlerFunc { return s.getOperation }},
	{http.MethodPost, "/global/operations/:operation/wait", ownProject, func(s *server) handlerFunc { return s.waitOperation }},
	{http.MethodDelete, "/global/operations/:operation", ownProject, func(s *server) handlerFunc { return s.deleteOperation }},
	{http.MethodGet, "/aggregated/operations", ownProject, func(s *server) handlerFunc { return s.aggregatedOperations }},
}

// unsupported are GCE collections the gateway does not serve. Every
// method on them answers 501 notImplemented in Google error format, so
// clients print a clear message instead of a bare 404.
var unsupported = []string{
	"/global/backendServices", "/global/healthChecks",
	"/global/urlMaps", "/global/targetHttpProxies", "/global/targetHttpsProxies", "/global/sslCertificates",
	"/global/forwardingRules", "/global/addresses", "/global/networkEndpointGroups", "/global/securityPolicies",
	"/global/machineImages", "/global/interconnects", "/global/vpnGateways",
	"/regions/:region/routers", "/regions/:region/forwardingRules", "/regions/:region/targetPools",
	"/regions/:region/instanceGroupManagers", "/regions/:region/backendServices", "/regions/:region/healthChecks",
	"/regions/:region/instanceTemplates", "/regions/:region/disks", "/regions/:region/vpnGateways",
	"/regions/:region/autoscalers", "/regions/:region/instanceGroups", "/zones/:zone/reservations",
	"/zones/:zone/nodeGroups", "/zones/:zone/networkEndpointGroups", "/zones/:zone/targetInstances",
	"/aggregated/forwardingRules",
	"/aggregated/targetPools", "/aggregated/routers", "/aggregated/reservations",
	// managed instance group methods beyond instancegroupmanagers.go
	"/zones/:zone/instanceGroupManagers/:instanceGroupManager/abandonInstances",
	"/zones/:zone/instanceGroupManagers/:instanceGroupManager/applyUpdatesToInstances",
	"/zones/:zone/instanceGroupManagers/:instanceGroupManager/createInstances",
	"/zones/:zone/instanceGroupManagers/:instanceGroupManager/setInstanceTemplate",
	"/zones/:zone/instanceGroupManagers/:instanceGroupManager/setTargetPools",
	"/zones/:zone/instanceGroupManagers/:instanceGroupManager/setAutoHealingPolicies",
	"/zones/:zone/instanceGroupManagers/:instanceGroupManager/listErrors",
	"/zones/:zone/instanceGroupManagers/:instanceGroupManager/listPerInstanceConfigs",
	"/zones/:zone/instanceGroupManagers/:instanceGroupManager/updatePerInstanceConfigs",
	"/zones/:zone/instanceGroupManagers/:instanceGroupManager/patchPerInstanceConfigs",
	"/zones/:zone/instanceGroupManagers/:instanceGroupManager/deletePerInstanceConfigs",
	"/zones/:zone/instanceGroupManagers/:instanceGroupManager/startInstances",
	"/zones/:zone/instanceGroupManagers/:instanceGroupManager/stopInstances",
	"/zones/:zone/instanceGroupManagers/:instanceGroupManager/suspendInstances",
	"/zones/:zone/instanceGroupManagers/:instanceGroupManager/resumeInstances",
	"/zones/:zone/instanceGroups/:instanceGroup/addInstances",
	"/zones/:zone/instanceGroups/:instanceGroup/removeInstances",
	"/zones/:zone/instanceGroups/:instanceGroup/setNamedPorts",
}

const projectPrefix = "/compute/v1/projects/:project"

// routes registers routeTable and the unsupported collections on r.
func (s *server) routes(r gin.IRoutes) {
	for _, rt := range routeTable {
		r.Handle(rt.method, projectPrefix+rt.path, s.adapt(rt.acc, rt.h(s)))
	}
	notImpl := s.adapt(ownProject, func(c *gin.Context) (any, error) {
		return nil, unimplementedf("%s %s is not supported by this gateway (CloudStack has no equivalent).", c.Request.Method, c.Request.URL.Path)
	})
	for _, p := range unsupported {
		r.Any(projectPrefix+p, notImpl)
		r.Any(projectPrefix+p+"/*rest", notImpl)
	}
	// instanceGroupManagers.patch/update (rolling-action, update): the
	// group's other methods are in routeTable.
	r.PATCH(projectPrefix+"/zones/:zone/instanceGroupManagers/:instanceGroupManager", notImpl)
	r.PUT(projectPrefix+"/zones/:zone/instanceGroupManagers/:instanceGroupManager", notImpl)
	// Unmanaged instance groups cannot be created or deleted (instancegroups.go).
	r.POST(projectPrefix+"/zones/:zone/instanceGroups", notImpl)
	r.DELETE(projectPrefix+"/zones/:zone/instanceGroups/:instanceGroup", notImpl)
	// routes.insert and routes.delete (routes are read-only, gceroutes.go).
	r.POST(projectPrefix+"/global/routes", s.adapt(ownProject, s.changeRoute))
	r.DELETE(projectPrefix+"/global/routes/:route", s.adapt(ownProject, s.changeRoute))
}
