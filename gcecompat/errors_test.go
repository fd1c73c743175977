package gcecompat

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/cloudgate/cloudgate/translate"
)

func TestErrorTable(t *testing.T) {
	cases := []struct {
		err    error
		status int
		reason string
	}{
		{translate.Errorf(translate.NotFound, translate.ResInstance, "x", "gone"), 404, "notFound"},
		{translate.Errorf(translate.AlreadyExists, "", "", "dup"), 409, "alreadyExists"},
		{translate.Errorf(translate.InvalidArgument, "", "", "bad"), 400, "invalid"},
		{translate.Errorf(translate.Malformed, "", "", "bad"), 400, "invalid"},
		{translate.Errorf(translate.InUse, "", "", "busy"), 400, "resourceInUseByAnotherResource"},
		{translate.Errorf(translate.PermissionDenied, "", "", "no"), 403, "forbidden"},
		{translate.Errorf(translate.Unauthenticated, "", "", "who"), 401, "required"},
		{translate.Errorf(translate.Expired, "", "", "old"), 401, "authError"},
		{translate.Errorf(translate.InsufficientCapacity, "", "", "full"), 503, "resourcePoolExhausted"},
		{translate.Errorf(translate.Unavailable, "", "", "down"), 503, "backendError"},
		{translate.Errorf(translate.Unimplemented, "", "", "no"), 501, "notImplemented"},
		{fingerprintMismatch("label"), 412, "conditionNotMet"},
		{errors.New("secret backend detail"), 500, "backendError"},
		{&translate.Error{Kind: translate.Internal, Message: "secret", Err: errors.New("x")}, 500, "backendError"},
	}
	for _, c := range cases {
		info, msg := describeError(c.err)
		if info.status != c.status || info.reason != c.reason {
			t.Errorf("%v → %d %s, want %d %s", c.err, info.status, info.reason, c.status, c.reason)
		}
		if c.status == 500 && strings.Contains(msg, "secret") {
			t.Errorf("internal detail leaked: %q", msg)
		}
		if info.opCode == "" {
			t.Errorf("%v has no operation error code", c.err)
		}
	}
	for k := translate.Unknown; k <= translate.DryRun; k++ {
		if _, ok := errorTable[k]; !ok {
			t.Errorf("kind %v missing from errorTable", k)
		}
	}
	if op, code, _ := operationError(translate.Errorf(translate.InsufficientCapacity, "", "", "full")); code != http.StatusServiceUnavailable || op.Errors[0].Code != "ZONE_RESOURCE_POOL_EXHAUSTED" {
		t.Errorf("capacity operation error = %+v %d", op, code)
	}
}
