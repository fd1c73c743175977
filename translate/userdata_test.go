package translate_test

import (
	"context"
	"strings"
	"testing"

	"github.com/cloudgate/cloudgate/translate"
)

func TestRequireUserDataByVersion(t *testing.T) {
	for _, tc := range []struct {
		version string
		known   bool
		want    translate.Kind
	}{
		{"4.17.2.0", true, translate.Unimplemented},
		{"4.9.3.0", true, translate.Unimplemented},
		{"4.18.0.0", true, translate.Unknown},
		{"4.20.1.0", true, translate.Unknown},
		{"5.0", true, translate.Unknown},
		{"", false, translate.Unknown}, // not reported: try and let CloudStack answer
	} {
		w, m := newWorld()
		w.caps = translate.Capabilities{Version: tc.version}
		if !tc.known {
			m.ListCapabilitiesFn = func(ctx context.Context) (*translate.Capabilities, error) {
				return nil, &translate.Error{Kind: translate.PermissionDenied, Message: "no"}
			}
		}
		svc := newService(m)
		err := svc.RequireUserData(testCtx(), "instance templates")
		if got := translate.KindOf(err); got != tc.want {
			t.Errorf("%q: %v (kind %v), want %v", tc.version, err, got, tc.want)
		}
		if err != nil && !strings.Contains(err.Error(), "CloudStack 4.18 or later") {
			t.Errorf("%q: message %q does not say why", tc.version, err)
		}
	}
}
