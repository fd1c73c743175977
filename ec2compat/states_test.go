package ec2compat

import (
	"testing"

	"github.com/cloudgate/cloudgate/translate"
)

func TestStateOf(t *testing.T) {
	for _, c := range []struct {
		cs      string
		pending bool
		want    instanceState
	}{
		{translate.StateStarting, false, statePending},
		{translate.StateRunning, false, stateRunning},
		{translate.StateRunning, true, stateRunning},
		{translate.StateMigrating, false, stateRunning},
		{translate.StateStopping, false, stateStopping},
		{translate.StateStopped, false, stateStopped},
		{translate.StateStopped, true, statePending},
		{translate.StateExpunging, false, stateShuttingDown},
		{translate.StateDestroyed, false, stateTerminated},
		{translate.StateError, false, stateTerminated},
	} {
		if got := stateOf(&translate.Instance{State: c.cs, JobPending: c.pending}); got != c.want {
			t.Errorf("%s (job pending %v) = %+v, want %+v", c.cs, c.pending, got, c.want)
		}
	}
}

func TestResourceStates(t *testing.T) {
	for _, c := range []struct {
		v    translate.Volume
		want string
	}{
		{translate.Volume{State: "Ready"}, "available"},
		{translate.Volume{State: "Ready", InstanceID: "x"}, "in-use"},
		{translate.Volume{State: "Allocated"}, "available"},
		{translate.Volume{State: "Creating"}, "creating"},
		{translate.Volume{State: "Destroy"}, "deleting"},
		{translate.Volume{State: "Expunging"}, "deleting"},
	} {
		if got := volumeStatus(&c.v); got != c.want {
			t.Errorf("volume %+v = %s, want %s", c.v, got, c.want)
		}
	}
	for cs, want := range map[string]string{"BackedUp": "completed", "Creating": "pending", "BackingUp": "pending", "Error": "error"} {
		if got := snapshotStatus(cs); got != want {
			t.Errorf("snapshot %s = %s, want %s", cs, got, want)
		}
	}
	for _, c := range []struct {
		im   translate.Image
		want string
	}{
		{translate.Image{Ready: true}, "available"},
		{translate.Image{Status: "Download in progress"}, "pending"},
		{translate.Image{Status: "Failed to download"}, "failed"},
	} {
		if got := imageState(&c.im); got != c.want {
			t.Errorf("image %+v = %s, want %s", c.im, got, c.want)
		}
	}
	if deviceName(0, true) != "/dev/sda1" || deviceName(5, false) != "/dev/sdf" {
		t.Error("device names")
	}
}
