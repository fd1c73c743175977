package ec2compat

import (
	"errors"
	"fmt"
	"testing"

	"github.com/cloudgate/cloudgate/translate"
)

func TestErrorTable(t *testing.T) {
	uuid := "1f0e4c5a-2b3c-4d5e-8f90-a1b2c3d4e5f6"
	E := func(k translate.Kind, res translate.Resource) error {
		return &translate.Error{Kind: k, Resource: res, ID: uuid, Message: "m"}
	}
	for _, c := range []struct {
		err    error
		code   string
		status int
	}{
		{E(translate.NotFound, translate.ResInstance), "InvalidInstanceID.NotFound", 400},
		{E(translate.NotFound, translate.ResImage), "InvalidAMIID.NotFound", 400},
		{E(translate.NotFound, translate.ResVolume), "InvalidVolume.NotFound", 400},
		{E(translate.NotFound, translate.ResSnapshot), "InvalidSnapshot.NotFound", 400},
		{E(translate.NotFound, translate.ResSecurityGroup), "InvalidGroup.NotFound", 400},
		{E(translate.NotFound, translate.ResKeyPair), "InvalidKeyPair.NotFound", 400},
		{E(translate.NotFound, translate.ResAddress), "InvalidAllocationID.NotFound", 400},
		{E(translate.NotFound, translate.ResRule), "InvalidPermission.NotFound", 400},
		{E(translate.NotFound, translate.ResOffering), "InvalidParameterValue", 400},
		{E(translate.AlreadyExists, translate.ResSecurityGroup), "InvalidGroup.Duplicate", 400},
		{E(translate.AlreadyExists, translate.ResKeyPair), "InvalidKeyPair.Duplicate", 400},
		{E(translate.AlreadyExists, translate.ResRule), "InvalidPermission.Duplicate", 400},
		{E(translate.Malformed, translate.ResInstance), "InvalidInstanceID.Malformed", 400},
		{E(translate.Malformed, translate.ResImage), "InvalidAMIID.Malformed", 400},
		{E(translate.InvalidArgument, ""), "InvalidParameterValue", 400},
		{E(translate.FailedPrecondition, translate.ResInstance), "IncorrectInstanceState", 400},
		{E(translate.FailedPrecondition, translate.ResVolume), "IncorrectState", 400},
		{E(translate.InUse, translate.ResVolume), "VolumeInUse", 400},
		{E(translate.InUse, translate.ResSecurityGroup), "DependencyViolation", 400},
		{E(translate.InsufficientCapacity, translate.ResInstance), "InsufficientInstanceCapacity", 500},
		{E(translate.LimitExceeded, translate.ResInstance), "InstanceLimitExceeded", 400},
		{E(translate.PermissionDenied, ""), "UnauthorizedOperation", 403},
		{E(translate.Unauthenticated, ""), "AuthFailure", 401},
		{E(translate.SignatureMismatch, ""), "SignatureDoesNotMatch", 403},
		{E(translate.Expired, ""), "RequestExpired", 400},
		{E(translate.Throttled, ""), "RequestLimitExceeded", 503},
		{E(translate.Unavailable, ""), "Unavailable", 503},
		{E(translate.DeadlineExceeded, ""), "Unavailable", 503},
		{E(translate.DryRun, ""), "DryRunOperation", 412},
		{E(translate.Unimplemented, ""), "UnsupportedOperation", 400},
		{E(translate.Internal, ""), "InternalError", 500},
		{errors.New("boom"), "InternalError", 500},
		{fmt.Errorf("wrapped: %w", E(translate.NotFound, translate.ResVolume)), "InvalidVolume.NotFound", 400},
		{apiErr("InvalidAction", "x"), "InvalidAction", 400},
		{apiErr("MissingParameter", "x"), "MissingParameter", 400},
	} {
		st, e := toEC2Error(c.err)
		if e.Code != c.code || st != c.status {
			t.Errorf("%v: got %d %s, want %d %s", c.err, st, e.Code, c.status, c.code)
		}
	}
}

func TestErrorMessages(t *testing.T) {
	_, e := toEC2Error(&translate.Error{Kind: translate.NotFound, Resource: translate.ResInstance, ID: "1f0e4c5a-2b3c-4d5e-8f90-a1b2c3d4e5f6"})
	if e.Message != "The instance ID 'i-1f0e4c5a2b3c4d5e8f90a1b2c3d4e5f6' does not exist" {
		t.Fatal(e.Message)
	}
	_, e = toEC2Error(&translate.Error{Kind: translate.Internal, Message: "secret detail", Err: errors.New("db password")})
	if e.Message != "An internal error has occurred" {
		t.Fatal(e.Message)
	}
	// Every Kind has an entry.
	for k := translate.Unknown; k <= translate.DryRun; k++ {
		if _, ok := kindCode[k]; !ok {
			t.Errorf("kind %v has no EC2 code", k)
		}
	}
}
