package conformance

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// createVolumeEC2 creates a 1 GiB volume in the discovered zone, pushes
// its deletion and waits until it is available.
func (t *scenarioT) createVolumeEC2() string {
	c := t.env.ec2
	cat := t.catalogEC2()
	v, err := c.CreateVolume(t.ctx, &ec2.CreateVolumeInput{AvailabilityZone: aws.String(cat.zone), Size: aws.Int32(1)})
	t.Must(err, "CreateVolume")
	id := aws.ToString(v.VolumeId)
	t.Defer("delete volume "+id, func(ctx context.Context) error {
		_, err := c.DeleteVolume(ctx, &ec2.DeleteVolumeInput{VolumeId: aws.String(id)})
		return ignoreEC2(err, "InvalidVolume.NotFound")
	})
	t.Check(strings.HasPrefix(id, "vol-"), "VolumeId %q lacks vol- prefix", id)
	Equal(t, "Size", aws.ToInt32(v.Size), int32(1))
	Equal(t, "AvailabilityZone", aws.ToString(v.AvailabilityZone), cat.zone)
	t.waitVolume(id, types.VolumeStateAvailable, "CreateVolume")
	return id
}

// waitVolume polls DescribeVolumes until the volume is in state want;
// "deleted" also accepts InvalidVolume.NotFound.
func (t *scenarioT) waitVolume(id string, want types.VolumeState, blame string) types.Volume {
	var last types.Volume
	t.Step("wait %s %s", id, want)
	t.WaitFor(id+" "+string(want), blame, func() (bool, string, error) {
		out, err := t.env.ec2.DescribeVolumes(t.ctx, &ec2.DescribeVolumesInput{VolumeIds: []string{id}})
		if ec2Code(err) == "InvalidVolume.NotFound" {
			return want == types.VolumeStateDeleted, "not found", nil
		}
		if err != nil {
			return false, "", err
		}
		if len(out.Volumes) != 1 {
			return false, "missing", nil
		}
		last = out.Volumes[0]
		return last.State == want, string(last.State), nil
	})
	return last
}

func ec2VolumesLifecycle() scenario {
	return scenario{
		name: "ec2/volumes/lifecycle", api: "ec2",
		ops: []string{"CreateVolume", "DescribeVolumes", "DeleteVolume"},
		run: func(t *scenarioT) {
			c := t.env.ec2
			id := t.createVolumeEC2()
			byFilter, err := c.DescribeVolumes(t.ctx, &ec2.DescribeVolumesInput{Filters: []types.Filter{ec2Filter("volume-id", id), ec2Filter("status", "available")}})
			t.Must(err, "DescribeVolumes filters volume-id + status")
			Equal(t, "volumes matching volume-id and status", len(byFilter.Volumes), 1)
			page, err := c.DescribeVolumes(t.ctx, &ec2.DescribeVolumesInput{MaxResults: aws.Int32(5)})
			t.Must(err, "DescribeVolumes MaxResults=5")
			t.Check(len(page.Volumes) <= 5, "DescribeVolumes MaxResults=5 returned %d", len(page.Volumes))
			_, err = c.DeleteVolume(t.ctx, &ec2.DeleteVolumeInput{VolumeId: aws.String(id)})
			t.Must(err, "DeleteVolume")
			t.waitVolume(id, types.VolumeStateDeleted, "DeleteVolume")
			_, err = c.DeleteVolume(t.ctx, &ec2.DeleteVolumeInput{VolumeId: aws.String(t.unknownEC2ID("vol"))})
			t.ExpectEC2(err, "InvalidVolume.NotFound", "DeleteVolume of an unknown volume")
		},
	}
}

func ec2VolumesAttach() scenario {
	return scenario{
		name: "ec2/volumes/attach", api: "ec2",
		ops: []string{"RunInstances", "CreateVolume", "AttachVolume", "DescribeVolumes", "DeleteVolume", "DetachVolume", "TerminateInstances"},
		run: func(t *scenarioT) {
			c := t.env.ec2
			inst := aws.ToString(t.runEC2(1, nil)[0].InstanceId)
			t.waitInstance(inst, types.InstanceStateNameRunning, "RunInstances")
			vol := t.createVolumeEC2()
			att, err := c.AttachVolume(t.ctx, &ec2.AttachVolumeInput{VolumeId: aws.String(vol), InstanceId: aws.String(inst), Device: aws.String("/dev/sdf")})
			t.Must(err, "AttachVolume")
			t.Defer("detach volume "+vol, func(ctx context.Context) error {
				_, err := c.DetachVolume(ctx, &ec2.DetachVolumeInput{VolumeId: aws.String(vol), InstanceId: aws.String(inst)})
				return ignoreEC2(err, "IncorrectState", "InvalidVolume.NotFound", "InvalidAttachment.NotFound")
			})
			Equal(t, "AttachVolume.InstanceId", aws.ToString(att.InstanceId), inst)
			v := t.waitVolume(vol, types.VolumeStateInUse, "AttachVolume")
			t.Check(len(v.Attachments) == 1 && aws.ToString(v.Attachments[0].InstanceId) == inst, "in-use volume attachments %+v, want instance %s", v.Attachments, inst)
			_, err = c.DeleteVolume(t.ctx, &ec2.DeleteVolumeInput{VolumeId: aws.String(vol)})
			t.ExpectEC2(err, "VolumeInUse", "DeleteVolume of an attached volume")
			_, err = c.DetachVolume(t.ctx, &ec2.DetachVolumeInput{VolumeId: aws.String(vol), InstanceId: aws.String(inst)})
			t.Must(err, "DetachVolume")
			t.waitVolume(vol, types.VolumeStateAvailable, "DetachVolume")
		},
	}
}

func ec2Snapshots() scenario {
	return scenario{
		name: "ec2/snapshots", api: "ec2",
		ops: []string{"RunInstances", "DescribeInstances", "CreateSnapshot", "DescribeSnapshots", "DeleteSnapshot", "TerminateInstances"},
		run: func(t *scenarioT) {
			id := aws.ToString(t.runEC2(1, nil)[0].InstanceId)
			inst := t.waitInstance(id, types.InstanceStateNameRunning, "RunInstances")
			root := ""
			for _, m := range inst.BlockDeviceMappings {
				if m.Ebs != nil && (root == "" || aws.ToString(m.DeviceName) == aws.ToString(inst.RootDeviceName)) {
					root = aws.ToString(m.Ebs.VolumeId)
				}
			}
			t.Check(root != "", "instance %s has no EBS block device mapping", id)
			t.snapshotVolume(root)
		},
	}
}

func ec2SnapshotsBlankVolume() scenario {
	return scenario{
		name: "ec2/snapshots/blank-volume", api: "ec2",
		ops: []string{"CreateVolume", "CreateSnapshot", "DescribeSnapshots", "DeleteSnapshot", "DeleteVolume"},
		run: func(t *scenarioT) {
			// CloudStack allocates a volume's storage at its first attach
			// (VolumeApiServiceImpl.takeSnapshot refuses a volume that is
			// not Ready): a cloud that cannot snapshot a never-attached
			// volume must say so with EC2's IncorrectState and create
			// nothing; one that can must snapshot it.
			c := t.env.ec2
			vol := t.createVolumeEC2()
			_, err := c.CreateSnapshot(t.ctx, &ec2.CreateSnapshotInput{VolumeId: aws.String(vol), Description: aws.String("cloudgate conformance")})
			if err == nil {
				// Snapshotted: undo it through the full check.
				out, derr := c.DescribeSnapshots(t.ctx, &ec2.DescribeSnapshotsInput{Filters: []types.Filter{ec2Filter("volume-id", vol)}})
				t.Must(derr, "DescribeSnapshots filter volume-id")
				for _, sn := range out.Snapshots {
					_, _ = c.DeleteSnapshot(t.ctx, &ec2.DeleteSnapshotInput{SnapshotId: sn.SnapshotId})
				}
				t.snapshotVolume(vol)
				return
			}
			t.ExpectEC2(err, "IncorrectState", "CreateSnapshot of a never-attached volume")
			t.Check(strings.Contains(ec2Message(err), "never been attached"), "CreateSnapshot error %q does not say why", ec2Message(err))
			out, err := c.DescribeSnapshots(t.ctx, &ec2.DescribeSnapshotsInput{Filters: []types.Filter{ec2Filter("volume-id", vol)}})
			t.Must(err, "DescribeSnapshots filter volume-id")
			Equal(t, "snapshots of the refused volume", len(out.Snapshots), 0)
		},
	}
}

// snapshotVolume snapshots vol, waits until completed, checks
// DescribeSnapshots, deletes it and checks InvalidSnapshot.NotFound.
func (t *scenarioT) snapshotVolume(vol string) {
	c := t.env.ec2
	snap, err := c.CreateSnapshot(t.ctx, &ec2.CreateSnapshotInput{VolumeId: aws.String(vol), Description: aws.String("cloudgate conformance")})
	t.Must(err, "CreateSnapshot")
	id := aws.ToString(snap.SnapshotId)
	t.Defer("delete snapshot "+id, func(ctx context.Context) error {
		_, err := c.DeleteSnapshot(ctx, &ec2.DeleteSnapshotInput{SnapshotId: aws.String(id)})
		return ignoreEC2(err, "InvalidSnapshot.NotFound")
	})
	t.Check(strings.HasPrefix(id, "snap-"), "SnapshotId %q lacks snap- prefix", id)
	Equal(t, "VolumeId", aws.ToString(snap.VolumeId), vol)
	t.Step("wait %s completed", id)
	t.WaitFor(id+" completed", "CreateSnapshot", func() (bool, string, error) {
		out, err := c.DescribeSnapshots(t.ctx, &ec2.DescribeSnapshotsInput{SnapshotIds: []string{id}})
		if err != nil {
			return false, "", err
		}
		if len(out.Snapshots) != 1 {
			return false, "missing", nil
		}
		st := out.Snapshots[0].State
		if st == types.SnapshotStateError {
			t.Fatalf("snapshot %s went to state error", id)
		}
		return st == types.SnapshotStateCompleted, string(st), nil
	})
	byVol, err := c.DescribeSnapshots(t.ctx, &ec2.DescribeSnapshotsInput{Filters: []types.Filter{ec2Filter("volume-id", vol)}})
	t.Must(err, "DescribeSnapshots filter volume-id")
	t.Check(len(byVol.Snapshots) == 1 && aws.ToString(byVol.Snapshots[0].SnapshotId) == id, "filter volume-id=%s returned %d snapshots", vol, len(byVol.Snapshots))
	_, err = c.DeleteSnapshot(t.ctx, &ec2.DeleteSnapshotInput{SnapshotId: aws.String(id)})
	t.Must(err, "DeleteSnapshot")
	_, err = c.DescribeSnapshots(t.ctx, &ec2.DescribeSnapshotsInput{SnapshotIds: []string{id}})
	t.ExpectEC2(err, "InvalidSnapshot.NotFound", "DescribeSnapshots of a deleted snapshot")
}

func ec2Tags() scenario {
	return scenario{
		name: "ec2/tags", api: "ec2",
		ops: []string{"CreateVolume", "CreateTags", "DescribeTags", "DescribeVolumes", "DeleteTags", "DeleteVolume"},
		run: func(t *scenarioT) {
			c := t.env.ec2
			vol := t.createVolumeEC2()
			_, err := c.CreateTags(t.ctx, &ec2.CreateTagsInput{Resources: []string{vol}, Tags: []types.Tag{
				{Key: aws.String("cgc-role"), Value: aws.String("conformance")},
				{Key: aws.String("cgc-run"), Value: aws.String(t.env.runID)},
			}})
			t.Must(err, "CreateTags")
			tags := t.volumeTags(vol)
			t.Check(tags["cgc-role"] == "conformance" && tags["cgc-run"] == t.env.runID, "DescribeTags resource-id=%s: %v", vol, tags)
			out, err := c.DescribeVolumes(t.ctx, &ec2.DescribeVolumesInput{Filters: []types.Filter{ec2Filter("tag:cgc-run", t.env.runID)}})
			t.Must(err, "DescribeVolumes filter tag:cgc-run")
			t.Check(len(out.Volumes) == 1 && aws.ToString(out.Volumes[0].VolumeId) == vol, "filter tag:cgc-run returned %d volumes", len(out.Volumes))
			_, err = c.DeleteTags(t.ctx, &ec2.DeleteTagsInput{Resources: []string{vol}, Tags: []types.Tag{{Key: aws.String("cgc-role")}}})
			t.Must(err, "DeleteTags")
			tags = t.volumeTags(vol)
			t.Check(len(tags) == 1 && tags["cgc-run"] == t.env.runID, "after DeleteTags cgc-role: %v", tags)
		},
	}
}

func (t *scenarioT) volumeTags(vol string) map[string]string {
	out, err := t.env.ec2.DescribeTags(t.ctx, &ec2.DescribeTagsInput{Filters: []types.Filter{ec2Filter("resource-id", vol)}})
	t.Must(err, "DescribeTags filter resource-id")
	m := map[string]string{}
	for _, tg := range out.Tags {
		Equal(t, "ResourceId", aws.ToString(tg.ResourceId), vol)
		m[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
	}
	return m
}

func ec2ModifyVolume() scenario {
	return scenario{
		name: "ec2/volumes/modify", api: "ec2",
		ops: []string{"CreateVolume", "ModifyVolume", "DescribeVolumes", "DeleteVolume"},
		run: func(t *scenarioT) {
			c := t.env.ec2
			id := t.createVolumeEC2()
			out, err := c.ModifyVolume(t.ctx, &ec2.ModifyVolumeInput{VolumeId: aws.String(id), Size: aws.Int32(2)})
			t.Must(err, "ModifyVolume Size=2")
			t.Check(out.VolumeModification != nil && aws.ToInt32(out.VolumeModification.TargetSize) == 2, "VolumeModification %+v, want TargetSize 2", out.VolumeModification)
			t.WaitFor(id+" size 2", "ModifyVolume", func() (bool, string, error) {
				v, err := c.DescribeVolumes(t.ctx, &ec2.DescribeVolumesInput{VolumeIds: []string{id}})
				if err != nil || len(v.Volumes) != 1 {
					return false, "", err
				}
				return aws.ToInt32(v.Volumes[0].Size) == 2, fmt.Sprintf("size %d", aws.ToInt32(v.Volumes[0].Size)), nil
			})
		},
	}
}
