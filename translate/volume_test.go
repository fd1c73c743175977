package translate_test

import (
	"context"
	"testing"
	"time"

	"github.com/cloudgate/cloudgate/translate"
)

func volumeWorld(vols ...translate.Volume) *translate.Service {
	_, m := newWorld()
	m.ListVolumesFn = func(ctx context.Context, req translate.ListVolumesRequest) ([]translate.Volume, error) {
		var out []translate.Volume
		for _, v := range vols {
			if req.ID == "" || req.ID == v.ID {
				out = append(out, v)
			}
		}
		return out, nil
	}
	m.DeleteVolumeFn = func(ctx context.Context, id string) error { return nil }
	m.DetachVolumeFn = func(ctx context.Context, id string) (translate.AsyncResult, error) {
		return translate.AsyncResult{JobID: "j"}, nil
	}
	m.ResizeVolumeFn = func(ctx context.Context, id string, gb int64) (translate.AsyncResult, error) {
		return translate.AsyncResult{JobID: "j"}, nil
	}
	m.CreateVolumeFn = func(ctx context.Context, req translate.CreateVolumeRequest) (translate.AsyncResult, error) {
		return translate.AsyncResult{ID: "new", JobID: "j"}, nil
	}
	return newService(m)
}

func TestVolumeErrors(t *testing.T) {
	attached := translate.Volume{ID: "v1", SizeGB: 10, InstanceID: "vm-1", Type: "DATADISK"}
	free := translate.Volume{ID: "v2", SizeGB: 10, Type: "DATADISK"}
	svc := volumeWorld(attached, free)
	ctx := testCtx()
	tests := []struct {
		name string
		call func() error
		kind translate.Kind
		res  translate.Resource
	}{
		{"delete attached", func() error { return svc.DeleteVolume(ctx, "v1") }, translate.InUse, translate.ResVolume},
		{"delete unknown", func() error { return svc.DeleteVolume(ctx, "v9") }, translate.NotFound, translate.ResVolume},
		{"delete free", func() error { return svc.DeleteVolume(ctx, "v2") }, 0, ""},
		{"attach attached", func() error { _, err := svc.AttachVolume(ctx, "v1", "vm-2", 0); return err }, translate.InUse, translate.ResVolume},
		{"attach to unknown VM", func() error { _, err := svc.AttachVolume(ctx, "v2", "vm-9", 0); return err }, translate.NotFound, translate.ResInstance},
		{"detach free", func() error { _, err := svc.DetachVolume(ctx, "v2"); return err }, translate.FailedPrecondition, translate.ResVolume},
		{"detach attached", func() error { _, err := svc.DetachVolume(ctx, "v1"); return err }, 0, ""},
		{"shrink", func() error { _, err := svc.ResizeVolume(ctx, "v2", 5); return err }, translate.InvalidArgument, translate.ResVolume},
		{"grow", func() error { _, err := svc.ResizeVolume(ctx, "v2", 20); return err }, 0, ""},
		{"create without zone", func() error { _, _, err := svc.CreateVolume(ctx, translate.VolumeSpec{SizeGB: 1}); return err }, translate.InvalidArgument, translate.ResZone},
		{"create custom without size", func() error { _, _, err := svc.CreateVolume(ctx, translate.VolumeSpec{ZoneID: "zone1"}); return err }, translate.InvalidArgument, translate.ResVolume},
		{"create unknown offering", func() error {
			_, _, err := svc.CreateVolume(ctx, translate.VolumeSpec{ZoneID: "zone1", DiskOfferingID: "gold"})
			return err
		}, translate.NotFound, translate.ResDiskOffering},
		{"create", func() error {
			_, _, err := svc.CreateVolume(ctx, translate.VolumeSpec{ZoneID: "zone1", SizeGB: 3})
			return err
		}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if tt.kind == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			mustKind(t, err, tt.kind, tt.res)
		})
	}
}

func TestAwaitTimeout(t *testing.T) {
	w, m := newWorld()
	w.jobs["slow"] = &translate.Job{ID: "slow", Status: translate.JobPending}
	m.CreateTagsFn = func(ctx context.Context, res translate.Resource, ids []string, tags translate.Tags) (translate.AsyncResult, error) {
		return translate.AsyncResult{JobID: "slow"}, nil
	}
	svc := translate.New(m, &translate.Options{JobPollInterval: time.Millisecond, JobTimeout: 20 * time.Millisecond})
	err := svc.CreateTags(testCtx(), translate.ResVolume, []string{"v1"}, translate.Tags{"a": "b"})
	mustKind(t, err, translate.DeadlineExceeded, "")
	j, err := svc.WaitJob(testCtx(), "slow", 5*time.Millisecond)
	if err != nil || j.Done() {
		t.Fatalf("WaitJob = %+v, %v", j, err)
	}
	ctx, cancel := context.WithCancel(testCtx())
	cancel()
	if j, err := svc.WaitJob(ctx, "slow", time.Second); err != nil || j.Done() {
		t.Fatalf("WaitJob(cancelled) = %+v, %v", j, err)
	}
	_, err = svc.Job(testCtx(), "nope")
	mustKind(t, err, translate.NotFound, translate.ResJob)
}
