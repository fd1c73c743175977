package simulator

import (
	"fmt"
	"strings"
)

func (s *Server) snapshotByID(id string) *snapshot {
	for _, sn := range s.st.Snapshots {
		if sn.ID == id {
			return sn
		}
	}
	return nil
}

func (s *Server) snapshotObj(sn *snapshot) obj {
	o := obj{"id": sn.ID, "name": sn.Name, "volumeid": sn.VolumeID, "zoneid": sn.ZoneID, "zonename": s.zoneName(sn.ZoneID),
		"state": sn.State, "created": fmtTime(sn.Created), "snapshottype": "MANUAL", "intervaltype": "MANUAL",
		"physicalsize": sn.Size, "virtualsize": sn.Size, "revertable": false, "locationtype": "PRIMARY",
		"tags": s.tagsOf("Snapshot", sn.ID), "hasannotations": false}
	if v := s.volumeByID(sn.VolumeID); v != nil {
		o["volumename"], o["volumetype"], o["volumestate"] = v.Name, v.Type, v.State
	}
	if sn.JobID != "" {
		o["jobid"], o["jobstatus"] = sn.JobID, 0
	}
	return s.ownerFields(o, sn.owned)
}

func listSnapshots(s *Server, c *call) (any, *apiError) {
	ids := c.list("ids")
	var items []obj
	for _, sn := range s.st.Snapshots {
		if !s.visible(c, sn.owned) {
			continue
		}
		if id := c.str("id"); id != "" && id != sn.ID {
			continue
		}
		if len(ids) > 0 && !contains(ids, sn.ID) {
			continue
		}
		if n := c.str("name"); n != "" && n != sn.Name {
			continue
		}
		if v := c.str("volumeid"); v != "" && v != sn.VolumeID {
			continue
		}
		if z := c.str("zoneid"); z != "" && z != sn.ZoneID {
			continue
		}
		if t := c.str("snapshottype"); t != "" && !strings.EqualFold(t, "MANUAL") {
			continue
		}
		if !c.matchKeyword(sn.Name) || !s.matchTags(c, "Snapshot", sn.ID) {
			continue
		}
		items = append(items, s.snapshotObj(sn))
	}
	return c.pageOf("snapshot", items), nil
}

func createSnapshot(s *Server, c *call) (any, *apiError) {
	v, err := s.needVolume(c, "volumeid")
	if err != nil {
		return nil, err
	}
	if v.State != "Ready" {
		return nil, invalidParam("VolumeId: %s is not in Ready state but %s. Cannot take snapshot.", v.ID, v.State)
	}
	name := c.str("name")
	if name == "" {
		prefix := "detached"
		if vmv := s.vmByID(v.VMID); vmv != nil {
			prefix = vmv.Name
		}
		name = fmt.Sprintf("%s_%s_%s", prefix, v.Name, c.now.UTC().Format("20060102150405"))
	}
	sn := &snapshot{owned: v.owned, ID: s.st.uuid(), Name: name, VolumeID: v.ID, ZoneID: v.ZoneID, State: "BackingUp",
		Size: v.Size, JobID: c.job.ID, Created: c.now}
	s.st.Snapshots = append(s.st.Snapshots, sn)
	c.job.InstanceType, c.job.InstanceID = "Snapshot", sn.ID
	return createReply(c, sn.ID), nil
}

func createSnapshotDone(s *Server, c *call) (any, *apiError) {
	sn := s.snapshotByID(c.job.InstanceID)
	if sn == nil {
		return nil, internalError("snapshot disappeared")
	}
	sn.JobID = ""
	if c.job.Fault != nil {
		sn.State = "Error"
		return nil, c.job.Fault
	}
	sn.State = "BackedUp"
	s.event(c, "SNAPSHOT.CREATE", "Snapshot", sn.ID, sn.Name, "Successfully completed creating snapshot "+sn.Name)
	return objResult{"snapshot", s.snapshotObj(sn)}, nil
}

func deleteSnapshot(s *Server, c *call) (any, *apiError) {
	id, err := c.need("id")
	if err != nil {
		return nil, err
	}
	sn := s.snapshotByID(id)
	if sn == nil {
		return nil, noEntity(c.cmd, "id", id)
	}
	if !s.canAccess(c, sn.owned) {
		return nil, permissionDenied("Account %s does not have permission to operate with resource %s", c.acct.Name, id)
	}
	if sn.JobID != "" {
		return nil, invalidParam("Snapshot %s has a pending operation", sn.ID)
	}
	sn.JobID = c.job.ID
	c.job.InstanceType, c.job.InstanceID = "Snapshot", sn.ID
	return jobReply(c), nil
}

func deleteSnapshotDone(s *Server, c *call) (any, *apiError) {
	sn := s.snapshotByID(c.job.InstanceID)
	if sn == nil {
		return nil, invalidParam("unable to find a snapshot with id %s", c.job.InstanceID)
	}
	sn.JobID = ""
	if c.job.Fault != nil {
		return nil, c.job.Fault
	}
	s.st.Snapshots = removeByID(s.st.Snapshots, sn.ID, func(x *snapshot) string { return x.ID })
	s.forget(sn.ID)
	s.dropTags("Snapshot", sn.ID)
	s.event(c, "SNAPSHOT.DELETE", "Snapshot", sn.ID, sn.Name, "Successfully completed deleting snapshot "+sn.Name)
	return success(), nil
}
