package translate

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// Ensure no formatting of a Principal, value or pointer, shows its keys.
func TestPrincipalNeverPrintsKeys(t *testing.T) {
	p := &Principal{UserName: "demo", Account: "demo", APIKey: "AKEY-123", SecretKey: "SECRET-456"}
	var logs bytes.Buffer
	slog.New(slog.NewTextHandler(&logs, nil)).Info("x", "p", p, "v", *p)
	outs := []string{
		fmt.Sprintf("%v %+v %#v %s", p, p, p, p),
		fmt.Sprintf("%v %+v %#v %s", *p, *p, *p, *p),
		logs.String(),
	}
	for _, o := range outs {
		if strings.Contains(o, "SECRET-456") || strings.Contains(o, "AKEY-123") {
			t.Errorf("keys leaked: %s", o)
		}
	}
	var nilp *Principal
	_ = fmt.Sprint(nilp) // must not panic
}
