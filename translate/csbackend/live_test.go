package csbackend_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/cloudgate/cloudgate/translate"
	"github.com/cloudgate/cloudgate/translate/csbackend"
	"github.com/cloudgate/cloudgate/translate/cstest"
)

// liveHarness runs the conformance suite against a real CloudStack when
// CLOUDSTACK_URL, CLOUDSTACK_API_KEY, CLOUDSTACK_SECRET_KEY,
// CLOUDSTACK_ZONE, CLOUDSTACK_OFFERING and CLOUDSTACK_TEMPLATE are set
// (CLOUDSTACK_SECURITY_GROUPS=1 for zones with security groups).
type liveHarness struct {
	b  translate.CloudStack
	p  *translate.Principal
	fx cstest.Fixtures
}

func (h *liveHarness) Backend() translate.CloudStack { return h.b }
func (h *liveHarness) Context() context.Context {
	return translate.NewContext(context.Background(), h.p)
}
func (h *liveHarness) BadContext() context.Context {
	return translate.NewContext(context.Background(), &translate.Principal{APIKey: h.p.APIKey, SecretKey: "wrong"})
}
func (h *liveHarness) Fixtures() cstest.Fixtures { return h.fx }
func (h *liveHarness) Close()                    {}

func TestConformanceLive(t *testing.T) {
	url := os.Getenv("CLOUDSTACK_URL")
	if url == "" {
		t.Skip("CLOUDSTACK_URL not set; skipping the live CloudStack conformance run")
	}
	b := csbackend.New(url, &csbackend.Options{VerifySSL: os.Getenv("CLOUDSTACK_INSECURE") == "", Timeout: time.Minute})
	p := &translate.Principal{APIKey: os.Getenv("CLOUDSTACK_API_KEY"), SecretKey: os.Getenv("CLOUDSTACK_SECRET_KEY")}
	fx := cstest.Fixtures{Zone: os.Getenv("CLOUDSTACK_ZONE"), Offering: os.Getenv("CLOUDSTACK_OFFERING"),
		Template: os.Getenv("CLOUDSTACK_TEMPLATE"), SecurityGroups: os.Getenv("CLOUDSTACK_SECURITY_GROUPS") == "1", Addresses: os.Getenv("CLOUDSTACK_ADDRESSES") == "1", Networks: os.Getenv("CLOUDSTACK_NETWORKS") == "1",
		Timeout: 10 * time.Minute}
	cstest.RunConformanceTests(t, func() cstest.Harness { return &liveHarness{b: b, p: p, fx: fx} })
}
