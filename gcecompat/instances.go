package gcecompat

import (
	"context"
	"encoding/base64"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cloudgate/cloudgate/translate"
	"github.com/gin-gonic/gin"
)

// Instances are CloudStack VMs; the GCE name is the VM name. See
// metadata.go for how tags, metadata and the description are stored.

func (i *wireInstance) sortName() string { return i.Name }
func (i *wireInstance) sortTime() string { return i.CreationTimestamp }

var instanceStatus = map[string]string{
	translate.StateStarting:  "STAGING",
	translate.StateRunning:   "RUNNING",
	translate.StateStopping:  "STOPPING",
	translate.StateStopped:   "TERMINATED",
	translate.StateDestroyed: "TERMINATED",
	translate.StateExpunging: "STOPPING",
	translate.StateMigrating: "RUNNING",
	translate.StateError:     "TERMINATED",
}

// live reports whether GCE shows the instance: a deleted instance vanishes
// at once, whether CloudStack expunged it, still lists it as Destroyed, or
// it was renamed for deletion (translate.TerminateInstance).
func live(in *translate.Instance) bool {
	return in.State != translate.StateDestroyed && in.State != translate.StateExpunging && !translate.IsRetired(in)
}

// instanceView is what rendering an instance needs besides the VM.
type instanceView struct {
	zones   map[string]string
	sgZones map[string]bool // zone ids with security groups (shared guest networks)
	offs    []translate.Offering
	vols    map[string][]translate.Volume // by instance id
	nets    *netView                      // nil in clouds without VPC zones
	project string
}

func (s *server) loadView(ctx context.Context, project string, withVolumes bool) (*instanceView, error) {
	zones, zl, err := s.zoneNames(ctx)
	if err != nil {
		return nil, err
	}
	offs, err := s.svc.Offerings(ctx)
	if err != nil {
		return nil, err
	}
	v := &instanceView{zones: zones, sgZones: map[string]bool{}, offs: offs, vols: map[string][]translate.Volume{}, project: project}
	vpcZones := false
	for _, z := range zl {
		v.sgZones[z.ID] = z.SecurityGroups
		vpcZones = vpcZones || !z.SecurityGroups
	}
	if vpcZones {
		// Instances on VPC tiers show their custom network (networks.go).
		if v.nets, err = s.loadNetViewOf(ctx, true); err != nil {
			return nil, err
		}
	}
	if withVolumes {
		vols, err := s.svc.Volumes(ctx, translate.VolumeQuery{})
		if err != nil {
			return nil, err
		}
		for _, vol := range vols {
			if vol.InstanceID != "" {
				v.vols[vol.InstanceID] = append(v.vols[vol.InstanceID], vol)
			}
		}
	}
	return v, nil
}

func (s *server) wireInstance(v *instanceView, in *translate.Instance, script *string) *wireInstance {
	zone := v.zones[in.ZoneID]
	if zone == "" {
		zone = s.gceZone(in.ZoneName)
	}
	p := v.project
	status := instanceStatus[in.State]
	if status == "" {
		status = "PROVISIONING"
	}
	if in.JobPending && in.State == translate.StateStarting {
		status = "PROVISIONING"
	}
	ntags := networkTags(in.Tags)
	labels := in.Tags.User()
	nic := wireNetworkInterface{
		Kind: "compute#networkInterface", Name: "nic0", Network: s.global(p, "networks", "default"),
		NetworkIP: in.PrivateIP, Fingerprint: fingerprint("nic", in.NetworkID, in.PrivateIP), StackType: "IPV4_ONLY",
	}
	name := in.Tags[tagAccessCfg]
	if name == "" && in.PublicIP != "" {
		name = "External NAT" // static NAT set up outside instances.insert
	}
	if name != "" {
		// Shown only when the instance was created with one (or has a
		// static-NAT address); natIP is the reachable address.
		nic.AccessConfigs = []wireAccessConfig{{Kind: "compute#accessConfig", Type: "ONE_TO_ONE_NAT", Name: name,
			NatIP: natIP(in, v.sgZones[in.ZoneID]), NetworkTier: "PREMIUM"}}
	}
	if in.NetworkName != "" {
		nic.Subnetwork = s.regional(p, "subnetworks", gceName(in.NetworkName))
	}
	if v.nets != nil {
		for i := range v.nets.nets {
			if n := &v.nets.nets[i]; n.ID == in.NetworkID {
				nic.Network = s.global(p, "networks", v.nets.networkOf(n))
			}
		}
	}
	auto := true
	w := &wireInstance{
		Kind: "compute#instance", ID: numericID(in.ID), Name: in.Name, Description: in.Tags[tagDesc],
		CreationTimestamp: timestamp(in.Created),
		Tags:              wireTags{Items: ntags, Fingerprint: tagsFingerprint(ntags)},
		MachineType:       s.zonal(p, zone, "machineTypes", machineTypeName(in, v.offs)),
		Status:            status, Zone: s.zoneLink(p, zone),
		NetworkInterfaces: []wireNetworkInterface{nic},
		Disks:             []wireAttachedDisk{},
		Metadata:          wireMetadataOf(in.Tags, script),
		Scheduling:        wireScheduling{AutomaticRestart: &auto, OnHostMaintenance: "MIGRATE", ProvisioningModel: "STANDARD"},
		CPUPlatform:       "CloudStack",
		Labels:            labels, LabelFingerprint: mapFingerprint(labels),
		Hostname: in.Tags[tagHostname], SelfLink: s.zonal(p, zone, "instances", in.Name),
		DeletionProtection: protected(in), ServiceAccounts: wireServiceAccounts(in.Tags),
	}
	vols := v.vols[in.ID]
	sort.Slice(vols, func(i, j int) bool {
		if (vols[i].Type == "ROOT") != (vols[j].Type == "ROOT") {
			return vols[i].Type == "ROOT"
		}
		return vols[i].DeviceID < vols[j].DeviceID
	})
	for i, vol := range vols {
		name := diskName(vol)
		w.Disks = append(w.Disks, wireAttachedDisk{
			Kind: "compute#attachedDisk", Type: "PERSISTENT", Mode: "READ_WRITE",
			Source: s.zonal(p, zone, "disks", name), DeviceName: deviceName(vol), Index: i,
			Boot: vol.Type == "ROOT", AutoDelete: autoDeleteOf(in, vol), Interface: "SCSI",
			DiskSizeGb: strconv.FormatInt(vol.SizeGB, 10),
		})
	}
	w.Fingerprint = fingerprint("instance", in.ID, in.State, in.OfferingID, w.Metadata.Fingerprint, w.LabelFingerprint, w.Tags.Fingerprint)
	return w
}

// instanceByName finds a live instance in a zone. NotFound if none.
func (s *server) instanceByName(ctx context.Context, project, zoneName, name string) (*translate.Instance, *translate.Zone, error) {
	zone, err := s.zoneByName(ctx, project, zoneName)
	if err != nil {
		return nil, nil, err
	}
	insts, err := s.svc.Instances(ctx, translate.InstanceQuery{Name: name, ZoneID: zone.ID, NoRootVolumes: true})
	if err != nil {
		return nil, nil, err
	}
	for i := range insts {
		if insts[i].Name == name && insts[i].ZoneID == zone.ID && live(&insts[i]) {
			return &insts[i], zone, nil
		}
	}
	return nil, nil, notFound(translate.ResInstance, "projects/"+project+"/zones/"+zoneName+"/instances/"+name)
}

func (s *server) listInstances(c *gin.Context) (any, error) {
	if resp, handled, err := s.listInstancesByName(c); handled {
		return resp, err
	}
	return zonalCollection(s, c, "compute#instanceList", "instances", unscoped(s.allInstances))
}

func (s *server) allInstances(ctx context.Context, project, zoneID string) ([]scoped[*wireInstance], error) {
	// The view (catalog, attached volumes) does not depend on the
	// instances: load it alongside them, so the sequential chain of
	// CloudStack calls is one call long.
	type loaded struct {
		v   *instanceView
		err error
	}
	views := make(chan loaded, 1)
	go func() {
		v, err := s.loadView(ctx, project, true)
		views <- loaded{v, err}
	}()
	// The view lists the volumes itself; Instances need not list the ROOT ones.
	insts, err := s.svc.Instances(ctx, translate.InstanceQuery{ZoneID: zoneID, NoRootVolumes: true})
	lv := <-views
	if err != nil {
		return nil, err
	}
	v, err := lv.v, lv.err
	if err != nil {
		return nil, err
	}
	var out []scoped[*wireInstance]
	for i := range insts {
		if !live(&insts[i]) {
			continue
		}
		w := s.wireInstance(v, &insts[i], nil)
		out = append(out, scoped[*wireInstance]{scope: "zones/" + lastSegment(w.Zone), item: w})
	}
	return out, nil
}

func (s *server) aggregatedInstances(c *gin.Context) (any, error) {
	if resp, handled, err := s.aggregatedInstancesByName(c); handled {
		return resp, err
	}
	lp, err := parseListParams(c)
	if err != nil {
		return nil, err
	}
	project := c.Param("project")
	all, err := s.allInstances(c.Request.Context(), project, "")
	if err != nil {
		return nil, err
	}
	lp.scopes = s.scopes(c.Request.Context())
	return aggregate("compute#instanceAggregatedList", s.projectLink(project)+"/aggregated/instances", "instances", all, lp), nil
}

func (s *server) getInstance(c *gin.Context) (any, error) {
	ctx, project := c.Request.Context(), c.Param("project")
	in, _, err := s.instanceByName(ctx, project, c.Param("zone"), c.Param("instance"))
	if err != nil {
		return nil, err
	}
	v, err := s.loadView(ctx, project, false)
	if err != nil {
		return nil, err
	}
	vols, err := s.svc.Volumes(ctx, translate.VolumeQuery{InstanceID: in.ID})
	if err != nil {
		return nil, err
	}
	v.vols[in.ID] = vols
	var script *string
	if in.Tags[tagUserData] != "" {
		if ud, err := s.svc.UserData(ctx, in.ID); err == nil {
			str := string(ud)
			script = &str
		}
	}
	return s.wireInstance(v, in, script), nil
}

func (s *server) insertInstance(c *gin.Context) (any, error) {
	var req instanceInsert
	if err := s.bindInstanceInsert(c, &req); err != nil {
		return nil, err
	}
	o, err := s.insertFrom(c.Request.Context(), c.Param("project"), c.Param("zone"), &req, c.Query("requestId"), "")
	if err != nil {
		return nil, err
	}
	return s.done(c, o)
}

// insertFrom is instances.insert of req in a zone: the handler's work,
// shared with managed instance groups (instancegroupmanagers.go), which
// create their members from an instance template into CloudStack
// instance group group ("" for none).
func (s *server) insertFrom(ctx context.Context, project, zoneName string, req *instanceInsert, requestID, group string) (opRef, error) {
	if err := checkName("resource.name", req.Name); err != nil {
		return opRef{}, err
	}
	if err := checkLabels("resource.labels", req.Labels); err != nil {
		return opRef{}, err
	}
	if err := req.validate(); err != nil {
		return opRef{}, err
	}
	zone, err := s.zoneByName(ctx, project, zoneName)
	if err != nil {
		return opRef{}, err
	}
	// The reads the checks below make (the name, the boot disk's name, the
	// image, the network tags' groups) are independent: started at once.
	byName := prefetchOf(func() (*translate.Instance, error) {
		in, _, err := s.instanceByName(ctx, project, zoneName, req.Name)
		return in, err
	})
	bootByImage := len(req.Disks) > 0 && req.Disks[0].Source == ""
	var diskTaken *prefetch[bool]
	if bootByImage {
		diskTaken = prefetchOf(func() (bool, error) { return s.diskNameTaken(ctx, zone.ID, req.Name) })
	}
	var image *prefetch[*projectImage]
	if bootByImage && req.Disks[0].InitializeParams != nil && req.Disks[0].InitializeParams.SourceImage != "" {
		ref := req.Disks[0].InitializeParams.SourceImage
		image = prefetchOf(func() (*projectImage, error) { return s.resolveImage(ctx, ref) })
	}
	var groups *prefetch[[]string]
	if zone.SecurityGroups {
		var ntags []string
		if req.Tags != nil {
			ntags = req.Tags.Items
		}
		groups = prefetchOf(func() ([]string, error) { return s.groupsForTags(ctx, ntags) })
	}
	in, err := byName.get()
	switch {
	case err == nil && requestID != "" && in.Tags[tagRequestID] == requestID:
		// A retry of an insert that was accepted: the same operation.
		return newOp("insert", zoneName, "instances", in.Name, in.ID, &translate.Job{ID: insertJob(in)}), nil
	case err == nil && requestID != "" && s.svc.LaunchedWith(ctx, in, requestID):
		// A retry of an insert whose replica died before tagging the VM
		// (the requestId reached CloudStack in the deploy call): Launch
		// finds that VM instead of deploying and finishes the launch.
	case err == nil:
		return opRef{}, translate.Errorf(translate.AlreadyExists, translate.ResInstance, req.Name,
			"The resource 'projects/%s/zones/%s/instances/%s' already exists", project, zoneName, req.Name)
	case !isNotFound(err):
		return opRef{}, err
	}
	// The boot disk is named after the instance: a disk of that name (a
	// kept boot disk, a data disk) makes the insert fail, as in GCE.
	if !bootByImage {
		// No boot disk is created: an existing one boots the instance
		// (or none is given: refused below).
	} else if taken, err := diskTaken.get(); err != nil {
		return opRef{}, err
	} else if taken {
		return opRef{}, translate.Errorf(translate.AlreadyExists, translate.ResVolume, req.Name,
			"The resource 'projects/%s/zones/%s/disks/%s' already exists", project, zoneName, req.Name)
	}
	if req.MachineType == "" {
		return opRef{}, invalid("Invalid value for field 'resource.machineType': ''. A machine type is required.")
	}
	mt, err := s.resolveMachineType(ctx, project, zoneName, req.MachineType)
	if isNotFound(err) {
		return opRef{}, invalid("Invalid value for field 'resource.machineType': '%s'. Machine type with name '%s' does not exist in zone '%s'.",
			req.MachineType, lastSegment(req.MachineType), zoneName)
	}
	if err != nil {
		return opRef{}, err
	}
	spec := translate.LaunchSpec{
		Names: []string{req.Name}, ZoneID: zone.ID, OfferingID: mt.offering.ID,
		CPUs: mt.cpus, MemoryMB: mt.memoryMB, Tags: translate.Tags{}, Group: group,
	}
	if mt.offering.Custom && !customType.MatchString(mt.name) {
		spec.Tags[tagMachineType] = mt.name // e2-medium reads back as e2-medium
	}
	saTags, err := serviceAccountTags(req.ServiceAccounts)
	if err != nil {
		return opRef{}, err
	}
	for k, v := range saTags {
		spec.Tags[k] = v
	}
	if req.DeletionProtection {
		spec.Tags[translate.DeletionProtectionTag] = "true"
	}
	if err := s.applyNetworkInterfaces(ctx, project, zone, req.NetworkInterfaces, &spec); err != nil {
		return opRef{}, err
	}
	// Boot disk.
	if len(req.Disks) == 0 {
		return opRef{}, invalid("Invalid value for field 'resource.disks': ''. Boot disk must be specified.")
	}
	boot := req.Disks[0]
	var bootSrc *disk
	var img *projectImage
	if boot.Source != "" {
		// An existing boot disk: deployed stopped from the disk's image,
		// then the disk replaces the new one (bootdisk.go).
		if bootSrc, err = s.bootSource(ctx, project, zoneName, boot.Source); err != nil {
			return opRef{}, err
		}
		spec.ImageID, spec.NoStart, spec.Wait = bootSrc.vol.ImageID, true, true
	} else {
		if boot.InitializeParams == nil || boot.InitializeParams.SourceImage == "" {
			return opRef{}, unimplementedf("The boot disk must be created from an image (initializeParams.sourceImage) or be an existing boot disk (source).")
		}
		if img, err = image.get(); err != nil {
			return opRef{}, err
		}
		spec.ImageID = img.img.ID
	}
	bootParams := boot.InitializeParams
	if bootParams == nil {
		bootParams = &initParams{}
	}
	if boot.AutoDelete == nil || !*boot.AutoDelete {
		// GCE's default is false: the disk is kept when the instance is
		// deleted (deleteInstance detaches it first).
		spec.Tags[tagKeepBoot] = "true"
	}
	// Data disks (by source) are attached once the VM exists; those with
	// initializeParams are created first (createdisk.go).
	var data []*disk
	var planned []*newDataDisk
	createdBy := requestID
	if createdBy == "" {
		createdBy = "instance/" + req.Name
	}
	for i, d := range req.Disks[1:] {
		f := fmt.Sprintf("resource.disks[%d]", i+1)
		if d.InitializeParams != nil {
			nd, err := s.planDataDisk(ctx, project, zoneName, zone, i+1, d, createdBy)
			if err != nil {
				return opRef{}, err
			}
			for _, o := range planned {
				if o.spec.Name == nd.spec.Name {
					return opRef{}, unsupportedValue(f+".initializeParams.diskName", nd.spec.Name, "Another disk of this request has this name.")
				}
			}
			if nd.spec.Name == req.Name {
				return opRef{}, unsupportedValue(f+".initializeParams.diskName", nd.spec.Name, "The boot disk has this name.")
			}
			planned = append(planned, nd)
			continue
		}
		if p := segmentAfter(d.Source, "projects"); p != "" && p != project || segmentAfter(d.Source, "zones") != "" && segmentAfter(d.Source, "zones") != zoneName {
			return opRef{}, unsupportedValue(f+".source", d.Source, "The disk must be in the instance's project and zone.")
		}
		dd, err := s.diskByName(ctx, project, zoneName, lastSegment(d.Source))
		if isNotFound(err) {
			return opRef{}, unsupportedValue(f+".source", d.Source, "The referenced disk was not found.")
		}
		if err != nil {
			return opRef{}, err
		}
		if dd.vol.InstanceID != "" {
			return opRef{}, translate.Errorf(translate.InUse, translate.ResVolume, dd.vol.ID,
				"The disk resource 'projects/%s/zones/%s/disks/%s' is already being used by 'projects/%s/zones/%s/instances/%s'",
				project, zoneName, diskName(dd.vol), project, zoneName, dd.vol.InstanceName)
		}
		if d.DeviceName != "" {
			if err := checkName(f+".deviceName", d.DeviceName); err != nil {
				return opRef{}, err
			}
			dd.device = d.DeviceName
		}
		dd.autoDelete = d.AutoDelete != nil && *d.AutoDelete
		data = append(data, dd)
	}
	spec.RootDiskGB = int64(bootParams.DiskSizeGb)
	bootType := ""
	if dt := bootParams.DiskType; dt != "" {
		off, name, err := s.resolveDiskType(ctx, project, zoneName, dt)
		if err != nil {
			return opRef{}, err
		}
		spec.RootDiskOfferingID, bootType = off.ID, name
	}
	// Metadata: startup-script is the user data, the rest reserved tags.
	md := req.Metadata.asMap()
	if script, ok := md[startupScript]; ok && script != "" {
		spec.UserData = []byte(script)
		spec.Tags[tagUserData] = fingerprint(script)
	}
	for k, v := range metadataTags(md) {
		spec.Tags[k] = v
	}
	if keys := md["ssh-keys"]; keys != "" {
		spec.KeyPair = s.importSSHKey(ctx, keys)
	}
	for k, v := range req.Labels {
		spec.Tags[k] = v
	}
	if req.Description != "" {
		spec.Tags[tagDesc] = req.Description
	}
	if req.Hostname != "" {
		spec.Tags[tagHostname] = req.Hostname
	}
	for _, nic := range req.NetworkInterfaces {
		for _, ac := range nic.AccessConfigs {
			name := ac.Name
			if name == "" {
				name = "External NAT" // GCE's default name
			}
			spec.Tags[tagAccessCfg] = name
		}
	}
	// Network tags select security groups (see firewalls.go).
	var ntags []string
	if req.Tags != nil {
		ntags = req.Tags.Items
	}
	if len(ntags) > 0 {
		spec.Tags[tagNetTags] = strings.Join(ntags, ",")
	}
	if zone.SecurityGroups {
		groups, err := groups.get()
		if err != nil {
			return opRef{}, err
		}
		spec.GroupIDs = groups
	}
	// A reserved external address (accessConfigs[].natIP) is associated
	// by static NAT once the VM exists, so the insert then waits for the
	// deployment.
	var natAddr *translate.Address
	for _, nic := range req.NetworkInterfaces {
		for _, ac := range nic.AccessConfigs {
			if ac.NatIP == "" {
				continue
			}
			addrs, _, err := s.addresses(ctx)
			if err != nil {
				return opRef{}, err
			}
			for i := range addrs {
				if addrs[i].IP == ac.NatIP {
					natAddr = &addrs[i]
				}
			}
			if natAddr == nil {
				return opRef{}, invalid("Invalid value for field 'resource.networkInterfaces[0].accessConfigs[0].natIP': '%s'. The specified external IP address is not reserved in region '%s'.", ac.NatIP, s.region)
			}
			if natAddr.InstanceID != "" {
				return opRef{}, translate.Errorf(translate.InUse, translate.ResAddress, natAddr.ID,
					"The address '%s' is already being used by another resource.", ac.NatIP)
			}
		}
	}
	// An access config without natIP outside security-group zones is an
	// ephemeral address (accessconfigs.go), set up once the VM exists.
	ephemeral := false
	for _, nic := range req.NetworkInterfaces {
		for _, ac := range nic.AccessConfigs {
			ephemeral = ephemeral || ac.NatIP == ""
		}
	}
	ephemeral = ephemeral && !zone.SecurityGroups
	spec.Wait = natAddr != nil || len(data) > 0 || len(planned) > 0 || ephemeral
	if requestID != "" {
		spec.ClientToken = requestID
		spec.Tags[tagRequestID] = requestID
	}
	insts, err := s.svc.Launch(ctx, spec)
	if err != nil {
		return opRef{}, err
	}
	// What follows the deploy either all happens or the instance goes
	// again: nothing is left half-done.
	var madeVols []string
	undo := func(err error) (opRef, error) {
		s.removeVolumes(ctx, madeVols)
		for _, in := range insts {
			if bootSrc != nil {
				// The user's boot disk must survive the removal.
				if v, verr := s.svc.Volume(ctx, bootSrc.vol.ID); verr == nil && v.InstanceID == in.ID {
					if job, derr := s.svc.DetachVolume(ctx, v.ID); derr != nil || s.waitJob(ctx, job) != nil {
						s.log.Error("cannot detach a boot disk from a failed insert; the instance is kept", "instance", in.ID, "disk", v.ID)
						continue
					}
				}
			}
			_ = s.releaseEphemeralAddresses(ctx, in.ID)
			if natAddr != nil {
				_ = s.svc.DisassociateAddress(ctx, natAddr.ID)
			}
			if _, derr := s.svc.TerminateInstance(ctx, in.ID, true); derr != nil {
				s.log.Warn("cannot remove an instance whose insert failed", "instance", in.ID, "err", derr)
			}
		}
		return opRef{}, err
	}
	if natAddr != nil {
		for _, in := range insts {
			if err := s.svc.AssociateAddress(ctx, natAddr.ID, in.ID); err != nil {
				return undo(err)
			}
		}
	}
	if ephemeral {
		for i := range insts {
			if err := s.attachEphemeralAddress(ctx, &insts[i]); err != nil {
				return undo(err)
			}
		}
	}
	// The boot disk reads back with the image it was made from and the
	// type asked for (several names can share an offering). CloudStack
	// allocates the ROOT volume in the deploy call itself, so it exists.
	bootTags := translate.Tags{}
	if img != nil {
		bootTags[tagSourceImage] = strings.TrimPrefix(img.wire.SelfLink, s.base+"/")
	}
	if bootType != "" {
		bootTags[tagDiskType] = bootType
	}
	for k, v := range bootParams.Labels {
		bootTags[k] = v // the boot disk's labels
	}
	var startJobs []string
	if bootSrc != nil {
		for _, in := range insts {
			if err := s.swapBootDisk(ctx, in.ID, bootSrc.vol.ID); err != nil {
				return undo(err)
			}
		}
		bootTags = nil // the disk keeps its own
	}
	for _, in := range insts {
		if len(bootTags) == 0 {
			break
		}
		// Launch read the instance with its ROOT volume: no second lookup.
		root, err := in.RootVolumeID, error(nil)
		if root == "" {
			var vols []translate.Volume
			vols, err = s.svc.Volumes(ctx, translate.VolumeQuery{InstanceID: in.ID, Type: "ROOT"})
			if err == nil && len(vols) == 0 {
				err = translate.Errorf(translate.Internal, translate.ResVolume, in.ID, "the instance has no ROOT volume")
			}
			if err == nil {
				root = vols[0].ID
			}
		}
		if err == nil {
			err = s.svc.CreateTags(ctx, translate.ResVolume, []string{root}, bootTags)
		}
		if err != nil {
			return undo(err)
		}
	}
	if len(planned) > 0 {
		made, vols, err := s.createDataDisks(ctx, zoneName, planned)
		madeVols = vols
		if err != nil {
			return undo(err)
		}
		data = append(data, made...)
	}
	for _, in := range insts {
		for _, dd := range data {
			if dd.vol.InstanceID == in.ID {
				continue // attached by an earlier attempt of this insert
			}
			if err := s.setAutoDelete(ctx, dd.vol, dd.autoDelete); err != nil {
				return undo(err)
			}
			if dd.device != "" && dd.device != diskName(dd.vol) {
				if err := s.svc.CreateTags(ctx, translate.ResVolume, []string{dd.vol.ID}, translate.Tags{deviceNameTag: dd.device}); err != nil {
					return undo(err)
				}
			}
			job, err := s.svc.AttachVolume(ctx, dd.vol.ID, in.ID, 0)
			if err == nil {
				// Waited for here, so that a failed attach undoes the
				// insert (the VM exists already: spec.Wait).
				err = s.waitJob(ctx, job)
			}
			if err != nil {
				return undo(err)
			}
		}
	}
	o := newOp("insert", zoneName, "instances", req.Name, "")
	for _, in := range insts {
		o.Key = in.ID
		if in.JobID != "" {
			o.Jobs = append(o.Jobs, in.JobID)
			if requestID != "" && in.Tags[tagOpJob] == "" {
				// Remember the job so that a retry answers the same operation.
				if err := s.svc.CreateTags(ctx, translate.ResInstance, []string{in.ID}, translate.Tags{tagOpJob: in.JobID}); err != nil {
					s.log.Warn("cannot tag instance with its insert job", "instance", in.ID, "err", err)
				}
			} else if v := in.Tags[tagOpJob]; v != "" {
				o.Jobs = []string{v}
			}
		}
	}
	if bootSrc != nil {
		// Deployed stopped for the disk swap: start now. A failed start is
		// the operation's error; the instance keeps the disk.
		for _, in := range insts {
			job, err := s.svc.StartInstance(ctx, in.ID)
			if err != nil {
				return opRef{}, err
			}
			if job != nil && job.ID != "" {
				startJobs = append(startJobs, job.ID)
			}
		}
		o.Jobs = append(o.Jobs, startJobs...)
	}
	return o, nil
}

// insertJob is the deploy job of an instance's insert operation: the one
// recorded in its tag, or the job CloudStack still runs on it.
func insertJob(in *translate.Instance) string {
	if j := in.Tags[tagOpJob]; j != "" {
		return j
	}
	if in.JobPending {
		return in.JobID
	}
	return ""
}

// importSSHKey registers the first key of a GCE ssh-keys value
// ("user:ssh-rsa AAAA… comment" lines) as a CloudStack key pair named after
// its fingerprint and returns that name ("" if it cannot be used).
func (s *server) importSSHKey(ctx context.Context, keys string) string {
	for _, line := range strings.Split(keys, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if i := strings.IndexByte(line, ':'); i >= 0 && !strings.HasPrefix(line, "ssh-") {
			line = line[i+1:]
		}
		// The name keeps the standard alphabet with +/= dropped, as before
		// fingerprints became URL-safe, so existing key pairs are reused.
		fp, _ := decodeFingerprint(fingerprint(line))
		name := "gce-ssh-" + strings.ToLower(strings.NewReplacer("+", "", "/", "", "=", "").Replace(base64.StdEncoding.EncodeToString(fp)))
		_, err := s.svc.ImportKeyPair(ctx, name, line)
		if err == nil || translate.KindOf(err) == translate.AlreadyExists {
			return name
		}
		return ""
	}
	return ""
}

// instanceAction runs a job-producing action on a named instance.
func (s *server) instanceAction(typ string, do func(ctx context.Context, id string) (*translate.Job, error)) handlerFunc {
	return func(c *gin.Context) (any, error) {
		ctx, project, zone := c.Request.Context(), c.Param("project"), c.Param("zone")
		in, _, err := s.instanceByName(ctx, project, zone, c.Param("instance"))
		if err != nil {
			return nil, err
		}
		job, err := do(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		return s.done(c, newOp(typ, zone, "instances", in.Name, in.ID, job))
	}
}

func (s *server) deleteInstance(c *gin.Context) (any, error) {
	return s.instanceAction("delete", func(ctx context.Context, id string) (*translate.Job, error) {
		// The instance is read once, its ephemeral addresses alongside
		// (issue 15: it was read three times, one after the other).
		addrs := prefetchOf(func() ([]translate.Address, error) { return s.ephemeralAddresses(ctx, id) })
		vols := prefetchOf(func() ([]translate.Volume, error) {
			return s.svc.Volumes(ctx, translate.VolumeQuery{InstanceID: id, Type: "DATADISK"})
		})
		in, err := s.svc.Instance(ctx, id)
		if err != nil {
			return nil, err
		} else if protected(in) {
			return nil, errProtected()
		}
		// Data disks with autoDelete go with the instance (createdisk.go).
		if vs, err := vols.get(); err != nil {
			return nil, err
		} else if err := s.deleteAutoDeleteDisks(ctx, vs); err != nil {
			return nil, err
		}
		kept, err := s.keepBootDiskOf(ctx, in)
		if err != nil {
			return nil, err
		}
		as, err := addrs.get()
		if err == nil {
			err = s.releaseAddresses(ctx, as)
		}
		if err != nil {
			return nil, err
		}
		if kept {
			// Stopped and its disk detached since it was read.
			return s.svc.TerminateInstance(ctx, id, true)
		}
		return s.svc.TerminateListed(ctx, in, true)
	})(c)
}

// keepBootDisk detaches the boot disk of an instance created with boot
// autoDelete=false, so that destroying the VM leaves it. CloudStack
// detaches a ROOT volume only from a stopped VM (VolumeApiServiceImpl
// validateRootVolumeDetachAttach), so the VM is stopped first. The disk
// is then a detached disk named after the instance.
func (s *server) keepBootDisk(ctx context.Context, id string) error {
	in, err := s.svc.Instance(ctx, id)
	if err != nil {
		return err
	}
	_, err = s.keepBootDiskOf(ctx, in)
	return err
}

// keepBootDiskOf is keepBootDisk of an instance just read; kept reports
// whether it had a boot disk to keep (and so was changed).
func (s *server) keepBootDiskOf(ctx context.Context, in *translate.Instance) (kept bool, err error) {
	if in.Tags[tagKeepBoot] == "" {
		return false, nil
	}
	return true, s.detachKeptBootDisk(ctx, in)
}

func (s *server) detachKeptBootDisk(ctx context.Context, in *translate.Instance) error {
	id := in.ID
	vols, err := s.svc.Volumes(ctx, translate.VolumeQuery{InstanceID: id, Type: "ROOT"})
	if err != nil || len(vols) == 0 {
		return err
	}
	root := vols[0]
	if in.State != translate.StateStopped {
		job, err := s.svc.StopInstance(ctx, id, true)
		if err != nil {
			return err
		}
		if err := s.waitJob(ctx, job); err != nil {
			return err
		}
	}
	// The disk keeps the instance's name once detached.
	if root.Tags[tagName] == "" {
		if err := s.svc.CreateTags(ctx, translate.ResVolume, []string{root.ID}, translate.Tags{tagName: diskName(root)}); err != nil {
			return err
		}
	}
	job, err := s.svc.DetachVolume(ctx, root.ID)
	if err != nil {
		return err
	}
	return s.waitJob(ctx, job)
}

// waitJob waits for a job to finish and returns its error.
func (s *server) waitJob(ctx context.Context, job *translate.Job) error {
	if job == nil || job.ID == "" || job.Done() {
		if job != nil && job.Err != nil {
			return job.Err
		}
		return nil
	}
	j, err := s.svc.WaitJob(ctx, job.ID, 5*time.Minute)
	if err != nil {
		return err
	}
	if j.Err != nil {
		return j.Err
	}
	return nil
}

func (s *server) startInstance(c *gin.Context) (any, error) {
	return s.instanceAction("start", s.svc.StartInstance)(c)
}

func (s *server) stopInstance(c *gin.Context) (any, error) {
	return s.instanceAction("stop", func(ctx context.Context, id string) (*translate.Job, error) {
		return s.svc.StopInstance(ctx, id, false)
	})(c)
}

func (s *server) resetInstance(c *gin.Context) (any, error) {
	return s.instanceAction("reset", s.svc.RebootInstance)(c)
}

// syncInstanceOp answers a synchronous instance change with a DONE operation.
func (s *server) syncInstanceOp(c *gin.Context, typ string, in *translate.Instance) (any, error) {
	return s.done(c, newOp(typ, c.Param("zone"), "instances", in.Name, in.ID))
}

func (s *server) setMachineType(c *gin.Context) (any, error) {
	var req struct {
		MachineType string `json:"machineType"`
	}
	if err := bindJSON(c, &req); err != nil {
		return nil, err
	}
	ctx, project, zone := c.Request.Context(), c.Param("project"), c.Param("zone")
	in, _, err := s.instanceByName(ctx, project, zone, c.Param("instance"))
	if err != nil {
		return nil, err
	}
	mt, err := s.resolveMachineType(ctx, project, zone, req.MachineType)
	if isNotFound(err) {
		return nil, invalid("Invalid value for field 'resource.machineType': '%s'. Machine type with name '%s' does not exist in zone '%s'.",
			req.MachineType, lastSegment(req.MachineType), zone)
	}
	if err != nil {
		return nil, err
	}
	if in.State != translate.StateStopped {
		return nil, translate.Errorf(translate.FailedPrecondition, translate.ResInstance, in.Name,
			"The resource 'projects/%s/zones/%s/instances/%s' is not ready: the instance must be stopped to change its machine type", project, zone, in.Name)
	}
	if err := s.svc.ChangeOffering(ctx, in.ID, mt.offering.ID, mt.cpus, mt.memoryMB); err != nil {
		return nil, err
	}
	if err := s.setMachineTypeTag(ctx, in, mt); err != nil {
		return nil, err
	}
	return s.syncInstanceOp(c, "setMachineType", in)
}

func (s *server) setLabels(c *gin.Context) (any, error) {
	req, err := readLabels(c)
	if err != nil {
		return nil, err
	}
	ctx, project, zone := c.Request.Context(), c.Param("project"), c.Param("zone")
	in, _, err := s.instanceByName(ctx, project, zone, c.Param("instance"))
	if err != nil {
		return nil, err
	}
	if err := s.applyLabels(ctx, req, translate.ResInstance, in.ID, in.Tags.User()); err != nil {
		return nil, err
	}
	return s.syncInstanceOp(c, "setLabels", in)
}

// replaceTags changes a resource's tags from cur to want.
func (s *server) replaceTags(ctx context.Context, res translate.Resource, id string, cur, want translate.Tags) error {
	del := translate.Tags{}
	for k, v := range cur {
		if _, keep := want[k]; !keep {
			del[k] = v
		}
	}
	if len(del) > 0 {
		if err := s.svc.DeleteTags(ctx, res, []string{id}, del); err != nil {
			return err
		}
	}
	set := translate.Tags{}
	for k, v := range want {
		if cur[k] != v {
			set[k] = v
		}
	}
	if len(set) > 0 {
		return s.svc.CreateTags(ctx, res, []string{id}, set)
	}
	return nil
}

func (s *server) setMetadata(c *gin.Context) (any, error) {
	var req reqMetadata
	if err := bindJSON(c, &req); err != nil {
		return nil, err
	}
	ctx, project, zone := c.Request.Context(), c.Param("project"), c.Param("zone")
	in, _, err := s.instanceByName(ctx, project, zone, c.Param("instance"))
	if err != nil {
		return nil, err
	}
	if !fingerprintMatches(req.Fingerprint, metadataFingerprint(in.Tags)) {
		return nil, fingerprintMismatch("metadata")
	}
	md := req.asMap()
	want := metadataTags(md)
	script := md[startupScript]
	if script != "" {
		want[tagUserData] = fingerprint(script)
	}
	if want[tagUserData] != in.Tags[tagUserData] {
		if err := s.svc.SetUserData(ctx, in.ID, []byte(script)); err != nil {
			return nil, err
		}
	}
	if err := s.replaceTags(ctx, translate.ResInstance, in.ID, metadataKeys(in.Tags), want); err != nil {
		return nil, err
	}
	return s.syncInstanceOp(c, "setMetadata", in)
}

func (s *server) setTags(c *gin.Context) (any, error) {
	var req wireTags
	if err := bindJSON(c, &req); err != nil {
		return nil, err
	}
	ctx, project, zone := c.Request.Context(), c.Param("project"), c.Param("zone")
	in, _, err := s.instanceByName(ctx, project, zone, c.Param("instance"))
	if err != nil {
		return nil, err
	}
	if !fingerprintMatches(req.Fingerprint, tagsFingerprint(networkTags(in.Tags))) {
		return nil, fingerprintMismatch("tags")
	}
	cur, want := translate.Tags{}, translate.Tags{}
	if v, ok := in.Tags[tagNetTags]; ok {
		cur[tagNetTags] = v
	}
	if len(req.Items) > 0 {
		want[tagNetTags] = strings.Join(req.Items, ",")
	}
	if err := s.replaceTags(ctx, translate.ResInstance, in.ID, cur, want); err != nil {
		return nil, err
	}
	return s.syncInstanceOp(c, "setTags", in)
}

func (s *server) attachDisk(c *gin.Context) (any, error) {
	var req insertDisk
	if err := bindJSON(c, &req); err != nil {
		return nil, err
	}
	switch {
	case req.Mode != "" && req.Mode != "READ_WRITE":
		return nil, unsupportedValue("resource.mode", req.Mode, "Only READ_WRITE disks are supported by this gateway.")
	case req.Boot:
		return nil, unsupportedValue("resource.boot", true, "Boot disks cannot be attached.")
	case req.Type != "" && req.Type != "PERSISTENT":
		return nil, unsupportedValue("resource.type", req.Type, "Only PERSISTENT disks are supported by this gateway.")
	case req.InitializeParams != nil:
		return nil, unsupportedValue("resource.initializeParams", "{…}", "Create the disk with disks.insert, then attach it.")
	case req.Interface != "" && req.Interface != "SCSI":
		return nil, unsupportedValue("resource.interface", req.Interface, "The disk interface cannot be chosen on CloudStack.")
	}
	ctx, project, zone := c.Request.Context(), c.Param("project"), c.Param("zone")
	in, _, err := s.instanceByName(ctx, project, zone, c.Param("instance"))
	if err != nil {
		return nil, err
	}
	d, err := s.diskByName(ctx, project, zone, lastSegment(req.Source))
	if err != nil {
		return nil, err
	}
	if req.DeviceName != "" && req.DeviceName != diskName(d.vol) {
		if err := checkName("resource.deviceName", req.DeviceName); err != nil {
			return nil, err
		}
		if err := s.svc.CreateTags(ctx, translate.ResVolume, []string{d.vol.ID}, translate.Tags{deviceNameTag: req.DeviceName}); err != nil {
			return nil, err
		}
	}
	if err := s.setAutoDelete(ctx, d.vol, req.AutoDelete != nil && *req.AutoDelete); err != nil {
		return nil, err
	}
	job, err := s.svc.AttachVolume(ctx, d.vol.ID, in.ID, 0)
	if err != nil {
		return nil, err
	}
	return s.done(c, newOp("attachDisk", zone, "instances", in.Name, in.ID, job))
}

func (s *server) detachDisk(c *gin.Context) (any, error) {
	ctx, project, zone := c.Request.Context(), c.Param("project"), c.Param("zone")
	in, _, err := s.instanceByName(ctx, project, zone, c.Param("instance"))
	if err != nil {
		return nil, err
	}
	dev := c.Query("deviceName")
	vols, err := s.svc.Volumes(ctx, translate.VolumeQuery{InstanceID: in.ID})
	if err != nil {
		return nil, err
	}
	for _, v := range vols {
		if deviceName(v) == dev && v.Type != "ROOT" {
			job, err := s.svc.DetachVolume(ctx, v.ID)
			if err != nil {
				return nil, err
			}
			if v.Tags[deviceNameTag] != "" {
				// The device name belongs to this attachment only.
				if err := s.svc.DeleteTags(ctx, translate.ResVolume, []string{v.ID}, translate.Tags{deviceNameTag: ""}); err != nil {
					return nil, err
				}
			}
			return s.done(c, newOp("detachDisk", zone, "instances", in.Name, in.ID, job))
		}
	}
	return nil, invalid("Invalid value for field 'deviceName': '%s'. No attached disk with this device name.", dev)
}

func (s *server) getSerialPortOutput(c *gin.Context) (any, error) {
	ctx, project, zone := c.Request.Context(), c.Param("project"), c.Param("zone")
	in, _, err := s.instanceByName(ctx, project, zone, c.Param("instance"))
	if err != nil {
		return nil, err
	}
	if p := c.Query("port"); p != "" && p != "1" {
		return nil, invalid("Invalid value for field 'port': '%s'. Only port 1 is available.", p)
	}
	out, err := s.svc.ConsoleOutput(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	start, _ := strconv.ParseInt(c.Query("start"), 10, 64)
	if start < 0 {
		start = max(0, int64(len(out))+start)
	}
	if start > int64(len(out)) {
		start = int64(len(out))
	}
	return &wireSerialPortOutput{
		Kind: "compute#serialPortOutput", Contents: out[start:],
		Start: strconv.FormatInt(start, 10), Next: strconv.Itoa(len(out)),
		SelfLink: s.zonal(project, zone, "instances", in.Name) + "/serialPort",
	}, nil
}

// setDiskAutoDelete is instances.setDiskAutoDelete: the boot disk's
// autoDelete is the reserved tag tagKeepBoot; data disks are always kept
// (autoDelete=true for them is refused, as at insert).
func (s *server) setDiskAutoDelete(c *gin.Context) (any, error) {
	ctx, project, zone := c.Request.Context(), c.Param("project"), c.Param("zone")
	in, _, err := s.instanceByName(ctx, project, zone, c.Param("instance"))
	if err != nil {
		return nil, err
	}
	auto, err := strconv.ParseBool(c.Query("autoDelete"))
	if err != nil {
		return nil, unsupportedValue("autoDelete", c.Query("autoDelete"), "A boolean is required.")
	}
	dev := c.Query("deviceName")
	vols, err := s.svc.Volumes(ctx, translate.VolumeQuery{InstanceID: in.ID})
	if err != nil {
		return nil, err
	}
	for _, v := range vols {
		if deviceName(v) != dev {
			continue
		}
		if v.Type != "ROOT" {
			if err := s.setAutoDelete(ctx, v, auto); err != nil {
				return nil, err
			}
			return s.syncInstanceOp(c, "setDiskAutoDelete", in)
		}
		switch {
		case auto && in.Tags[tagKeepBoot] != "":
			err = s.svc.DeleteTags(ctx, translate.ResInstance, []string{in.ID}, translate.Tags{tagKeepBoot: ""})
		case !auto && in.Tags[tagKeepBoot] == "":
			err = s.svc.CreateTags(ctx, translate.ResInstance, []string{in.ID}, translate.Tags{tagKeepBoot: "true"})
		}
		if err != nil {
			return nil, err
		}
		return s.syncInstanceOp(c, "setDiskAutoDelete", in)
	}
	return nil, invalid("Invalid value for field 'deviceName': '%s'. No attached disk with this device name.", dev)
}

// diskNameTaken reports whether a disk of the zone is named name: a data
// volume of that name, or a kept boot disk (tagName).
func (s *server) diskNameTaken(ctx context.Context, zoneID, name string) (bool, error) {
	// The two lists are independent: asked at once.
	kept := prefetchOf(func() ([]translate.Volume, error) {
		return s.svc.Volumes(ctx, translate.VolumeQuery{ZoneID: zoneID, Type: "ROOT", Tags: translate.Tags{tagName: name}})
	})
	named, err := s.svc.Volumes(ctx, translate.VolumeQuery{ZoneID: zoneID, Name: name})
	for _, lookup := range []func() ([]translate.Volume, error){
		func() ([]translate.Volume, error) { return named, err },
		kept.get,
	} {
		vols, err := lookup()
		if err != nil {
			return false, err
		}
		for _, v := range vols {
			if v.ZoneID == zoneID && diskName(v) == name && diskStatus[v.State] != "DELETING" {
				return true, nil
			}
		}
	}
	return false, nil
}
