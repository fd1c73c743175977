package simulator

import (
	"fmt"
	"strings"
	"time"
)

func (s *Server) volumeByID(id string) *volume {
	for _, v := range s.st.Volumes {
		if v.ID == id {
			return v
		}
	}
	return nil
}

func (s *Server) needVolume(c *call, param string) (*volume, *apiError) {
	id, err := c.need(param)
	if err != nil {
		return nil, err
	}
	v := s.volumeByID(id)
	if v == nil {
		return nil, noEntity(c.cmd, param, id)
	}
	if !s.canAccess(c, v.owned) {
		return nil, permissionDenied("Account %s does not have permission to operate with resource %s", c.acct.Name, id)
	}
	return v, nil
}

func (s *Server) volumeObj(v *volume) obj {
	o := obj{"id": v.ID, "name": v.Name, "zoneid": v.ZoneID, "zonename": s.zoneName(v.ZoneID), "type": v.Type,
		"size": v.Size, "virtualsize": v.Size, "physicalsize": v.Size, "state": v.State, "created": fmtTime(v.Created),
		"storagetype": "shared", "storage": "PS0", "hypervisor": "Simulator", "provisioningtype": "thin",
		"destroyed": v.State == "Destroy", "isextractable": true, "displayvolume": true, "quiescevm": false,
		"supportsstoragesnapshot": false, "path": v.ID, "tags": s.tagsOf("Volume", v.ID), "deleteprotection": false,
		"hasannotations": false}
	if v.DiskOfferingID != "" {
		if d := s.diskOfferingByID(v.DiskOfferingID); d != nil {
			o["diskofferingid"], o["diskofferingname"], o["diskofferingdisplaytext"] = d.ID, d.Name, d.DisplayText
		}
	}
	if v.SnapshotID != "" {
		o["snapshotid"] = v.SnapshotID
	}
	if vmv := s.vmByID(v.VMID); vmv != nil {
		o["virtualmachineid"], o["vmname"], o["vmdisplayname"], o["vmstate"] = vmv.ID, vmv.Name, vmv.DisplayName, vmv.State
		o["deviceid"] = v.DeviceID
		o["attached"] = fmtTime(v.Attached)
		o["vmtype"] = "User"
		if v.Type == "ROOT" {
			o["templateid"] = v.TemplateID
			if t := s.templateByIDAny(v.TemplateID); t != nil {
				o["templatename"], o["templatedisplaytext"] = t.Name, t.DisplayText
			}
			if so := s.serviceOfferingByID(vmv.ServiceOfferingID); so != nil {
				o["serviceofferingid"], o["serviceofferingname"], o["serviceofferingdisplaytext"] = so.ID, so.Name, so.DisplayText
			}
		}
	}
	if v.JobID != "" {
		o["jobid"], o["jobstatus"] = v.JobID, 0
	}
	return s.ownerFields(o, v.owned)
}

func listVolumes(s *Server, c *call) (any, *apiError) {
	ids := c.list("ids")
	// The filters, read once (the loop runs over every volume of the cloud).
	var (
		id, name, typ = c.str("id"), c.str("name"), c.str("type")
		vmID, zone    = c.str("virtualmachineid"), c.str("zoneid")
		state, kw     = c.str("state"), c.str("keyword")
		tags          = c.kv("tags")
	)
	// By VM the candidates come from the index (CloudStack's volumes table
	// is indexed by instance_id): a page's per-instance lookups cost what
	// the instance's volumes cost, not the cloud's.
	cands := s.st.Volumes
	if vmID != "" {
		cands = s.volumesOfVM(vmID)
	}
	var match []*volume
	for _, v := range cands {
		if (id != "" && id != v.ID) || (vmID != "" && vmID != v.VMID) || (name != "" && name != v.Name) || (zone != "" && zone != v.ZoneID) {
			continue
		}
		if !s.visible(c, v.owned) {
			continue
		}
		if len(ids) > 0 && !contains(ids, v.ID) {
			continue
		}
		if (typ != "" && !strings.EqualFold(typ, v.Type)) || (state != "" && !strings.EqualFold(state, v.State)) {
			continue
		}
		if (kw != "" && !containsFold(v.Name, kw)) || !s.hasTags(tags, "Volume", v.ID) {
			continue
		}
		match = append(match, v)
	}
	// Render only the requested page.
	lo, hi := c.pageBounds(len(match))
	items := make([]obj, 0, hi-lo)
	for _, v := range match[lo:hi] {
		items = append(items, s.volumeObj(v))
	}
	return listResult{Key: "volume", Items: items, Total: len(match)}, nil
}

func createVolume(s *Server, c *call) (any, *apiError) {
	ow, err := s.owner(c)
	if err != nil {
		return nil, err
	}
	var off *diskOffering
	var size int64
	var zoneID, snapID string
	switch {
	case c.str("snapshotid") != "":
		sn := s.snapshotByID(c.str("snapshotid"))
		if sn == nil {
			return nil, noEntity(c.cmd, "snapshotid", c.str("snapshotid"))
		}
		if !s.canAccess(c, sn.owned) {
			return nil, permissionDenied("Account %s does not have permission to operate with resource %s", c.acct.Name, sn.ID)
		}
		if sn.State != "BackedUp" {
			return nil, invalidParam("Snapshot id=%s is not in BackedUp state yet and can't be used for volume creation", sn.ID)
		}
		size, zoneID, snapID = sn.Size, sn.ZoneID, sn.ID
		if z := c.str("zoneid"); z != "" {
			if s.zoneByID(z) == nil {
				return nil, noEntity(c.cmd, "zoneid", z)
			}
			zoneID = z
		}
	case c.str("diskofferingid") != "":
		off = s.diskOfferingByID(c.str("diskofferingid"))
		if off == nil {
			return nil, noEntity(c.cmd, "diskofferingid", c.str("diskofferingid"))
		}
		z, err := s.needZone(c)
		if err != nil {
			return nil, err
		}
		zoneID = z.ID
		size = off.DiskSize << 30
		sz, ok, err := c.integer("size")
		if err != nil {
			return nil, err
		}
		if off.Customized {
			if !ok || sz <= 0 {
				return nil, invalidParam("This disk offering requires a custom size specified")
			}
			if sz > 1024 {
				return nil, invalidParam("Volume size should be in the range of %d GB and %d GB", 1, 1024)
			}
			size = sz << 30
		} else if ok {
			return nil, invalidParam("This disk offering does not allow custom size")
		}
	default:
		return nil, invalidParam("At least one of disk Offering ID or snapshot ID must be passed whilst creating volume")
	}
	name := c.str("name")
	if name == "" {
		name = fmt.Sprintf("DATA-%d", s.st.nextSeq())
	}
	v := &volume{owned: owned{ow.ID, ow.DomainID}, ID: s.st.uuid(), Name: name, Type: "DATADISK", ZoneID: zoneID, SnapshotID: snapID,
		Size: size, State: "Allocated", JobID: c.job.ID, Created: c.now}
	if off != nil {
		v.DiskOfferingID = off.ID
	}
	if vmID := c.str("virtualmachineid"); vmID != "" {
		vmv, err := s.needVM(c, "virtualmachineid")
		if err != nil {
			return nil, err
		}
		if vmv.ZoneID != zoneID {
			return nil, invalidParam("The VM %s and the volume must be in the same zone", vmv.ID)
		}
	}
	s.st.Volumes = append(s.st.Volumes, v)
	s.st.volIdx = nil
	c.job.InstanceType, c.job.InstanceID = "Volume", v.ID
	return createReply(c, v.ID), nil
}

func createVolumeDone(s *Server, c *call) (any, *apiError) {
	v := s.volumeByID(c.job.InstanceID)
	if v == nil {
		return nil, internalError("volume disappeared")
	}
	v.JobID = ""
	if c.job.Fault != nil {
		s.st.Volumes = removeByID(s.st.Volumes, v.ID, func(x *volume) string { return x.ID })
		s.st.volIdx = nil
		s.forget(v.ID)
		return nil, c.job.Fault
	}
	if v.SnapshotID != "" {
		v.State = "Ready"
	}
	s.event(c, "VOLUME.CREATE", "Volume", v.ID, v.Name, "Successfully completed creating volume "+v.Name)
	if vmv := s.vmByID(c.str("virtualmachineid")); vmv != nil {
		if err := s.attach(c, v, vmv); err != nil {
			return nil, err
		}
	}
	return objResult{"volume", s.volumeObj(v)}, nil
}

// attach plugs v into vmv at the next free device id (CloudStack skips 3, the CD-ROM).
func (s *Server) attach(c *call, v *volume, vmv *vm) *apiError {
	used := map[int64]bool{3: true} // 3 is the CD-ROM
	n := 0
	for _, o := range s.st.Volumes {
		if o.VMID == vmv.ID {
			used[o.DeviceID] = true
			if o.Type == "DATADISK" {
				n++
			}
		}
	}
	if n >= 6 {
		return invalidParam("The specified VM already has the maximum number of data disks (6) attached. Please specify another VM.")
	}
	dev := int64(1)
	if d, ok, _ := c.integer("deviceid"); ok && c.cmd == "attachVolume" {
		if used[d] {
			return invalidParam("deviceId %d is used by VM %s", d, vmv.Name)
		}
		dev = d
	} else {
		for used[dev] {
			dev++
		}
	}
	v.VMID, v.DeviceID, v.Attached = vmv.ID, dev, c.now
	s.st.volIdx = nil
	if v.State == "Allocated" || vmv.State == "Running" {
		v.State = "Ready"
	}
	return nil
}

func attachVolume(s *Server, c *call) (any, *apiError) {
	v, err := s.needVolume(c, "id")
	if err != nil {
		return nil, err
	}
	vmv, err := s.needVM(c, "virtualmachineid")
	if err != nil {
		return nil, err
	}
	// VolumeApiServiceImpl.attachVolumeToVM: ROOT or DATADISK volumes;
	// device 0 (a boot disk) only on a stopped VM that has none.
	if v.Type != "DATADISK" && v.Type != "ROOT" {
		return nil, invalidParam("Please specify a volume with the valid type: ROOT or DATADISK")
	}
	if d, ok, _ := c.integer("deviceid"); ok && d == 0 {
		if vmv.State != "Stopped" {
			return nil, invalidParam("Root volume detach can happen only when vm is in states: Stopped or Destroyed")
		}
		for _, o := range s.st.Volumes {
			if o.VMID == vmv.ID && o.DeviceID == 0 {
				return nil, invalidParam("Vm already has root volume attached to it")
			}
		}
	}
	if v.VMID != "" {
		return nil, invalidParam("Please specify a volume that is not attached to any VM.")
	}
	if vmv.State != "Running" && vmv.State != "Stopped" {
		return nil, invalidParam("Please specify a VM that is either running or stopped.")
	}
	if vmv.ZoneID != v.ZoneID {
		return nil, invalidParam("Please specify a VM that is in the same zone as the volume.")
	}
	if v.AccountID != vmv.AccountID {
		return nil, permissionDenied("Volume %s and VM %s belong to different accounts", v.ID, vmv.ID)
	}
	v.JobID = c.job.ID
	c.job.InstanceType, c.job.InstanceID = "Volume", v.ID
	return jobReply(c), nil
}

func attachVolumeDone(s *Server, c *call) (any, *apiError) {
	v := s.volumeByID(c.job.InstanceID)
	if v == nil {
		return nil, internalError("volume disappeared")
	}
	v.JobID = ""
	if c.job.Fault != nil {
		return nil, c.job.Fault
	}
	vmv := s.vmByID(c.str("virtualmachineid"))
	if vmv == nil {
		return nil, invalidParam("Unable to find VM %s", c.str("virtualmachineid"))
	}
	if err := s.attach(c, v, vmv); err != nil {
		return nil, err
	}
	s.event(c, "VOLUME.ATTACH", "Volume", v.ID, v.Name, "Successfully completed attaching volume "+v.Name+" to VM "+vmv.Name)
	return objResult{"volume", s.volumeObj(v)}, nil
}

func detachVolume(s *Server, c *call) (any, *apiError) {
	var v *volume
	if c.str("id") != "" {
		var err *apiError
		if v, err = s.needVolume(c, "id"); err != nil {
			return nil, err
		}
	} else if c.str("virtualmachineid") != "" && c.str("deviceid") != "" {
		d, _, err := c.integer("deviceid")
		if err != nil {
			return nil, err
		}
		for _, o := range s.st.Volumes {
			if o.VMID == c.str("virtualmachineid") && o.DeviceID == d && s.canAccess(c, o.owned) {
				v = o
			}
		}
		if v == nil {
			return nil, invalidParam("Unable to find volume with ID: deviceid=%d on VM %s", d, c.str("virtualmachineid"))
		}
	} else {
		return nil, invalidParam("Please provide either a volume id, or a tuple(device id, instance id)")
	}
	if v.VMID == "" {
		return nil, invalidParam("Please specify a volume that is attached to a VM.")
	}
	if v.Type == "ROOT" {
		// VolumeApiServiceImpl.validateRootVolumeDetachAttach: a ROOT volume
		// may be detached (XenServer, VMware, KVM, Simulator) only from a
		// Stopped VM.
		if vmv := s.vmByID(v.VMID); vmv == nil || vmv.State != "Stopped" {
			return nil, invalidParam("Root volume detach can happen only when vm is in states: Stopped or Destroyed")
		}
	}
	if vmv := s.vmByID(v.VMID); vmv != nil && vmv.State != "Running" && vmv.State != "Stopped" && vmv.State != "Destroyed" {
		return nil, invalidParam("Please specify a VM that is either running or stopped.")
	}
	v.JobID = c.job.ID
	c.job.InstanceType, c.job.InstanceID = "Volume", v.ID
	return jobReply(c), nil
}

func detachVolumeDone(s *Server, c *call) (any, *apiError) {
	v := s.volumeByID(c.job.InstanceID)
	if v == nil {
		return nil, internalError("volume disappeared")
	}
	v.JobID = ""
	if c.job.Fault != nil {
		return nil, c.job.Fault
	}
	vmName := ""
	if vmv := s.vmByID(v.VMID); vmv != nil {
		vmName = vmv.Name
	}
	v.VMID, v.DeviceID, v.Attached = "", 0, time.Time{}
	s.st.volIdx = nil
	s.event(c, "VOLUME.DETACH", "Volume", v.ID, v.Name, "Successfully completed detaching volume "+v.Name+" from VM "+vmName)
	return objResult{"volume", s.volumeObj(v)}, nil
}

func resizeVolume(s *Server, c *call) (any, *apiError) {
	v, err := s.needVolume(c, "id")
	if err != nil {
		return nil, err
	}
	newSize := v.Size
	if id := c.str("diskofferingid"); id != "" {
		off := s.diskOfferingByID(id)
		if off == nil {
			return nil, noEntity(c.cmd, "diskofferingid", id)
		}
		if !off.Customized {
			newSize = off.DiskSize << 30
		}
	}
	sz, ok, err := c.integer("size")
	if err != nil {
		return nil, err
	}
	if ok {
		newSize = sz << 30
	}
	if !ok && c.str("diskofferingid") == "" {
		return nil, invalidParam("Size or disk offering must be specified to resize volume %s", v.ID)
	}
	if newSize < v.Size && !c.boolean("shrinkok", false) {
		return nil, invalidParam("Going from existing size of %d to size of %d would shrink the volume. Need to sign off by supplying the shrinkok parameter with value of true.", v.Size, newSize)
	}
	if v.State != "Ready" && v.State != "Allocated" {
		return nil, invalidParam("Volume %s should be in ready or allocated state before attempting a resize. Volume state: %s", v.ID, v.State)
	}
	v.JobID = c.job.ID
	c.job.Params["_newsize"] = fmt.Sprint(newSize)
	c.job.InstanceType, c.job.InstanceID = "Volume", v.ID
	return jobReply(c), nil
}

func resizeVolumeDone(s *Server, c *call) (any, *apiError) {
	v := s.volumeByID(c.job.InstanceID)
	if v == nil {
		return nil, internalError("volume disappeared")
	}
	v.JobID = ""
	if c.job.Fault != nil {
		return nil, c.job.Fault
	}
	var n int64
	fmt.Sscan(c.str("_newsize"), &n)
	v.Size = n
	if id := c.str("diskofferingid"); id != "" {
		v.DiskOfferingID = id
	}
	s.event(c, "VOLUME.RESIZE", "Volume", v.ID, v.Name, "Successfully completed resizing volume "+v.Name)
	return objResult{"volume", s.volumeObj(v)}, nil
}

func deleteVolume(s *Server, c *call) (any, *apiError) {
	v, err := s.needVolume(c, "id")
	if err != nil {
		return nil, err
	}
	// VolumeApiServiceImpl.retrieveAndValidateVolume refuses attached
	// volumes only: a detached ROOT volume can be deleted.
	if v.VMID != "" {
		return nil, invalidParam("Please specify a volume that is not attached to any VM.")
	}
	if v.JobID != "" {
		return nil, invalidParam("Volume %s has a pending operation (job %s)", v.ID, v.JobID)
	}
	s.st.Volumes = removeByID(s.st.Volumes, v.ID, func(x *volume) string { return x.ID })
	s.st.volIdx = nil
	s.forget(v.ID)
	s.dropTags("Volume", v.ID)
	s.event(c, "VOLUME.DELETE", "Volume", v.ID, v.Name, "Successfully completed deleting volume "+v.Name)
	return success(), nil
}
