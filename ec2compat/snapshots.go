package ec2compat

import (
	"strconv"
	"strings"

	"github.com/cloudgate/cloudgate/translate"
)

type snapshotItem struct {
	SnapshotID  string    `xml:"snapshotId"`
	VolumeID    string    `xml:"volumeId"`
	Status      string    `xml:"status"`
	StartTime   string    `xml:"startTime,omitempty"`
	Progress    string    `xml:"progress"`
	OwnerID     string    `xml:"ownerId"`
	VolumeSize  int64     `xml:"volumeSize"`
	Description string    `xml:"description"`
	Encrypted   bool      `xml:"encrypted"`
	StorageTier string    `xml:"storageTier"`
	Tags        []tagItem `xml:"tagSet>item"`
	tags        translate.Tags
}

func snapshotStatus(st string) string {
	switch strings.ToLower(st) {
	case "backedup":
		return "completed"
	case "error", "destroyed":
		return "error"
	}
	return "pending"
}

func toSnapshotItem(sn *translate.Snapshot, owner string) snapshotItem {
	it := snapshotItem{SnapshotID: ec2ID(pSnapshot, sn.ID), VolumeID: ec2ID(pVolume, sn.VolumeID),
		Status: snapshotStatus(sn.State), StartTime: ts(sn.Created), Progress: "0%", OwnerID: owner,
		VolumeSize: sn.SizeGB, Description: sn.Name, StorageTier: "standard", Tags: tagSet(sn.Tags), tags: sn.Tags}
	if it.Status == "completed" {
		it.Progress = "100%"
	}
	return it
}

type createSnapshotResp struct {
	meta
	snapshotItem
}

func (s *server) createSnapshot(r *request) (response, error) {
	v, err := s.oneVolume(r)
	if err != nil {
		return nil, err
	}
	specs, err := r.q.tagSpecs()
	if err != nil {
		return nil, err
	}
	if _, err := specTags(specs, "snapshot"); err != nil {
		return nil, err
	}
	if strings.EqualFold(v.State, "Allocated") {
		// CloudStack allocates storage only at the first attach.
		return nil, &translate.Error{Kind: translate.FailedPrecondition, Resource: translate.ResVolume,
			Message: "Volume " + ec2ID(pVolume, v.ID) + " has never been attached to an instance, so this cloud has no data to snapshot yet."}
	}
	name := r.q.str("Description")
	sn, job, err := s.svc.CreateSnapshot(r.ctx, v.ID, name, specs["snapshot"])
	if err != nil {
		return nil, err
	}
	if err := s.wait(r.ctx, job); err != nil {
		return nil, err
	}
	if cur, err := s.svc.Snapshot(r.ctx, sn.ID); err == nil {
		sn = cur
	}
	it := toSnapshotItem(sn, r.principal.AccountID)
	if it.VolumeSize == 0 {
		it.VolumeSize = v.SizeGB
	}
	it.Description = name
	return &createSnapshotResp{snapshotItem: it}, nil
}

func (s *server) deleteSnapshot(r *request) (response, error) {
	id, err := r.q.required("SnapshotId")
	if err != nil {
		return nil, err
	}
	cid, err := csID(pSnapshot, translate.ResSnapshot, id)
	if err != nil {
		return nil, err
	}
	job, err := s.svc.DeleteSnapshot(r.ctx, cid)
	if err != nil {
		return nil, err
	}
	if err := s.wait(r.ctx, job); err != nil {
		return nil, err
	}
	return ok()
}

type describeSnapshotsResp struct {
	meta
	Snapshots []snapshotItem `xml:"snapshotSet>item"`
	NextToken string         `xml:"nextToken,omitempty"`
}

// describeSnapshots lists the caller's snapshots (Owner.N / RestorableBy
// other than the caller match nothing else: CloudStack snapshots are
// private).
func (s *server) describeSnapshots(r *request) (response, error) {
	fs, pg, err := r.q.listArgs(5, 1000)
	if err != nil {
		return nil, err
	}
	ids := r.q.list("SnapshotId")
	cids, err := csIDs(pSnapshot, translate.ResSnapshot, ids)
	if err != nil {
		return nil, err
	}
	snaps, err := s.svc.Snapshots(r.ctx, translate.SnapshotQuery{IDs: cids})
	if err != nil {
		return nil, err
	}
	owner := r.principal.AccountID
	found := map[string]bool{}
	var items []snapshotItem
	for i := range snaps {
		found[strings.ToLower(snaps[i].ID)] = true
		items = append(items, toSnapshotItem(&snaps[i], owner))
	}
	for i, c := range cids {
		if !found[c] {
			return nil, &translate.Error{Kind: translate.NotFound, Resource: translate.ResSnapshot, ID: ids[i]}
		}
	}
	if owners := r.q.list("Owner"); len(owners) > 0 && !contains(owners, "self") && !contains(owners, owner) {
		items = nil
	}
	items, err = applyFilters(items, fs, fields[snapshotItem]{
		"snapshot-id": func(x snapshotItem) []string { return one(x.SnapshotID) },
		"volume-id":   func(x snapshotItem) []string { return one(x.VolumeID) },
		"status":      func(x snapshotItem) []string { return one(x.Status) },
		"owner-id":    func(x snapshotItem) []string { return one(x.OwnerID) },
		"description": func(x snapshotItem) []string { return one(x.Description) },
		"progress":    func(x snapshotItem) []string { return one(x.Progress) },
		"start-time":  func(x snapshotItem) []string { return one(x.StartTime) },
		"volume-size": func(x snapshotItem) []string { return one(strconv.FormatInt(x.VolumeSize, 10)) },
		"encrypted":   func(x snapshotItem) []string { return one(boolStr(x.Encrypted)) },
	}, func(x snapshotItem) translate.Tags { return x.tags })
	if err != nil {
		return nil, err
	}
	items, next := paginate(items, func(x snapshotItem) string { return x.SnapshotID }, pg)
	return &describeSnapshotsResp{Snapshots: items, NextToken: next}, nil
}
