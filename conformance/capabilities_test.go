package conformance

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// fakeEC2 answers EC2 Query actions from a table of XML bodies; missing
// actions get InvalidAction.
func fakeEC2(t *testing.T, answers map[string]string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		action := form.Get("Action")
		w.Header().Set("Content-Type", "text/xml")
		if x, ok := answers[action]; ok {
			io.WriteString(w, x)
			return
		}
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `<Response><Errors><Error><Code>InvalidAction</Code><Message>not implemented</Message></Error></Errors><RequestID>1</RequestID></Response>`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

var basicZoneEC2 = map[string]string{
	"DescribeAccountAttributes": `<DescribeAccountAttributesResponse><accountAttributeSet><item><attributeName>supported-platforms</attributeName><attributeValueSet><item><attributeValue>EC2</attributeValue></item></attributeValueSet></item></accountAttributeSet></DescribeAccountAttributesResponse>`,
	"DescribeSecurityGroups":    `<DescribeSecurityGroupsResponse><securityGroupInfo/></DescribeSecurityGroupsResponse>`,
	"DescribeAddresses":         `<DescribeAddressesResponse><addressesSet/></DescribeAddressesResponse>`,
	"DescribeRegions":           `<DescribeRegionsResponse><regionInfo><item><regionName>zone1</regionName><regionEndpoint>ec2.zone1</regionEndpoint></item></regionInfo></DescribeRegionsResponse>`,
	"DescribeAvailabilityZones": `<DescribeAvailabilityZonesResponse><availabilityZoneInfo><item><zoneName>zone1a</zoneName><zoneState>available</zoneState><regionName>zone1</regionName></item></availabilityZoneInfo></DescribeAvailabilityZonesResponse>`,
}

func TestCapabilitiesBasicZone(t *testing.T) {
	srv := fakeEC2(t, basicZoneEC2)
	e := testEnv(10 * time.Second)
	e.ec2 = newEC2Client(Config{EC2Endpoint: srv.URL, AWSAccessKey: "a", AWSSecret: "s", AWSRegion: "zone1"}, srv.Client())
	discoverCapabilities(context.Background(), e)
	if !e.caps[capEC2SecurityGroups].Supported || e.caps[capEC2VPC].Supported || e.caps[capEC2AddressAssociation].Supported {
		t.Fatalf("caps %+v", e.caps)
	}
	if !strings.Contains(e.caps[capEC2VPC].Detail, "InvalidAction") {
		t.Errorf("vpc detail %q", e.caps[capEC2VPC].Detail)
	}
}

// TestRunAgainstFake drives Run end to end against the fake: selection,
// capability skips, Config.Skip, progress lines and the matrix fallback.
func TestRunAgainstFake(t *testing.T) {
	srv := fakeEC2(t, basicZoneEC2)
	var progress bytes.Buffer
	rep, err := Run(context.Background(), Config{
		EC2Endpoint: srv.URL, AWSAccessKey: "a", AWSSecret: "s", AWSRegion: "zone1",
		Only:       []string{"ec2/regions-zones", "ec2/vpcs", "ec2/images"},
		Skip:       map[string]string{"ec2/images": "fake has no images"},
		Timeout:    10 * time.Second,
		Progress:   &progress,
		HTTPClient: srv.Client(),
	})
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]Status{}
	for _, r := range rep.Results {
		status[r.Scenario] = r.Status
	}
	if status["ec2/regions-zones"] != StatusPass || status["ec2/vpcs"] != StatusSkip || status["ec2/images"] != StatusSkip || status["ec2/images/create"] != StatusSkip || len(status) != 4 {
		t.Fatalf("results %+v", rep.Results)
	}
	if rep.RoutesSource != "suite" {
		t.Errorf("routes source %q", rep.RoutesSource)
	}
	routes := map[string]Status{}
	for _, r := range rep.Matrix {
		routes[r.Operation] = r.Status
	}
	if routes["DescribeRegions"] != StatusPass || routes["CreateVpc"] != StatusSkip || routes["ModifyVolume"] != StatusUntested || routes["RunInstances"] != StatusSkip {
		t.Errorf("matrix %+v", rep.Matrix)
	}
	if !strings.Contains(progress.String(), "PASS ec2/regions-zones") || strings.Contains(progress.String(), "\r") {
		t.Errorf("progress %q", progress.String())
	}
	if _, err := Run(context.Background(), Config{}); err == nil {
		t.Error("Run without endpoints succeeded")
	}
}
