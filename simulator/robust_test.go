package simulator_test

import (
	"strings"
	"testing"

	"github.com/apache/cloudstack-go/v2/cloudstack"
)

// Every command answers with a result or a CloudStack error, whatever the (missing or bogus) parameters.
func TestEveryCommandAnswers(t *testing.T) {
	srv := mustServer(t, nil)
	adm := mustClient(t, srv, "admin")
	demo := mustClient(t, srv, "demo")
	cat := mustCatalog(t, demo)
	mustDeploy(t, demo, cat, "victim")
	apis, err := adm.APIDiscovery.ListApis(adm.APIDiscovery.NewListApisParams())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d commands", len(apis.Apis))
	bogus := map[string]string{"id": "11111111-2222-4333-8444-555555555555", "name": "x", "zoneid": cat.zone,
		"virtualmachineid": "nope", "size": "-5", "page": "1", "pagesize": "abc"}
	for _, api := range apis.Apis {
		if api.Name == "login" || api.Name == "logout" {
			continue
		}
		for _, cs := range []*cloudstack.CloudStackClient{adm, demo} {
			for _, params := range []map[string]string{{}, bogus} {
				p := &cloudstack.CustomServiceParams{}
				for k, v := range params {
					p.SetParam(k, v)
				}
				var out map[string]any
				err := custom(cs).CustomRequest(api.Name, p, &out)
				if err != nil && !strings.Contains(err.Error(), "CloudStack API error") {
					t.Errorf("%s %v: %v", api.Name, params, err)
				}
				if err != nil && strings.Contains(err.Error(), "Internal error executing command") {
					t.Errorf("%s %v panicked: %v", api.Name, params, err)
				}
			}
		}
	}
}
