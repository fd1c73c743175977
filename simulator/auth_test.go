package simulator_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/apache/cloudstack-go/v2/cloudstack"

	"github.com/cloudgate/cloudgate/simulator"
)

// signedGet sends a GET signed with Java encoding rules (as real CloudStack verifies).
func signedGet(t *testing.T, srv *simulator.Server, user string, params map[string]string) (*http.Response, string) {
	t.Helper()
	key, secret, _ := srv.UserKeys(user)
	params["apiKey"] = key
	sig := simulator.Sign(params, secret)
	q := url.Values{}
	for k, v := range params {
		q.Set(k, v)
	}
	q.Set("signature", sig)
	resp, err := srv.HTTPClient().Get(srv.URL() + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestWrongSignature(t *testing.T) {
	srv := mustServer(t, nil)
	key, _, _ := srv.UserKeys("demo")
	cs := cloudstack.NewAsyncClient(srv.URL(), key, "wrong-secret", false, cloudstack.WithHTTPClient(srv.HTTPClient()))
	_, err := cs.Zone.ListZones(cs.Zone.NewListZonesParams())
	wantErr(t, err, "CloudStack API error 401 (CSExceptionErrorCode: 0): unable to verify user credentials and/or request signature")

	cs = cloudstack.NewAsyncClient(srv.URL(), "no-such-key", "x", false, cloudstack.WithHTTPClient(srv.HTTPClient()))
	_, err = cs.Zone.ListZones(cs.Zone.NewListZonesParams())
	wantErr(t, err, "401")
}

func TestRawProtocol(t *testing.T) {
	srv := mustServer(t, nil)
	exp := time.Now().UTC().Add(10 * time.Minute).Format("2006-01-02T15:04:05-0700")

	// Default format is XML, with cloud-stack-version on the root element.
	resp, body := signedGet(t, srv, "demo", map[string]string{"command": "listZones", "signatureversion": "3", "expires": exp})
	if resp.StatusCode != 200 || !strings.HasPrefix(body, `<?xml`) || !strings.Contains(body, `<listzonesresponse cloud-stack-version="`) ||
		!strings.Contains(body, "<count>2</count>") || !strings.Contains(body, "<name>zone1</name>") {
		t.Fatalf("xml: %d %s", resp.StatusCode, body)
	}
	// JSON envelope, empty list omits count.
	_, body = signedGet(t, srv, "demo", map[string]string{"command": "listVirtualMachines", "response": "json"})
	if strings.TrimSpace(body) != `{"listvirtualmachinesresponse":{}}` {
		t.Fatalf("empty list: %s", body)
	}
	// Unknown command on the signed path: 401.
	resp, body = signedGet(t, srv, "demo", map[string]string{"command": "noSuchCommand", "response": "json"})
	if resp.StatusCode != 401 || !strings.Contains(body, `"errorresponse"`) {
		t.Fatalf("unknown: %d %s", resp.StatusCode, body)
	}
	// Expired signatures: 401.
	old := time.Now().UTC().Add(-time.Minute).Format(time.RFC3339)
	resp, _ = signedGet(t, srv, "demo", map[string]string{"command": "listZones", "response": "json", "signatureversion": "3", "expires": old})
	if resp.StatusCode != 401 {
		t.Fatalf("expired: %d", resp.StatusCode)
	}
	resp, _ = signedGet(t, srv, "demo", map[string]string{"command": "listZones", "response": "json", "signatureversion": "3"})
	if resp.StatusCode != 401 {
		t.Fatalf("v3 without expires: %d", resp.StatusCode)
	}
	// Param errors: HTTP status = errorcode, with cserrorcode and the exact text.
	resp, body = signedGet(t, srv, "demo", map[string]string{"command": "deployVirtualMachine", "response": "json"})
	var e map[string]map[string]any
	json.Unmarshal([]byte(body), &e)
	r := e["deployvirtualmachineresponse"]
	if resp.StatusCode != 431 || r["errorcode"] != 431.0 || r["cserrorcode"] != 9999.0 ||
		r["errortext"] != "Unable to execute API command deployvirtualmachine due to missing parameter serviceofferingid" {
		t.Fatalf("missing param: %d %s", resp.StatusCode, body)
	}
	if _, ok := r["uuidList"]; !ok {
		t.Fatalf("no uuidList: %s", body)
	}
	// Unknown ids fail even in lists (cloudstack-go's Get*ByID maps this to "No match found").
	resp, body = signedGet(t, srv, "demo", map[string]string{"command": "listVolumes", "response": "json", "id": "nope"})
	if resp.StatusCode != 431 || !strings.Contains(body, "Unable to execute API command listvolumes due to invalid value. Invalid parameter id value=nope") {
		t.Fatalf("list unknown id: %d %s", resp.StatusCode, body)
	}
	resp, body = signedGet(t, srv, "demo", map[string]string{"command": "listTemplates"})
	if resp.StatusCode != 431 || !strings.Contains(body, "<listtemplatesresponse cloud-stack-version=") || !strings.Contains(body, "<errorcode>431</errorcode>") {
		t.Fatalf("xml error: %d %s", resp.StatusCode, body)
	}
	resp, body = signedGet(t, srv, "demo", map[string]string{"command": "stopVirtualMachine", "response": "json", "id": "nope"})
	if resp.StatusCode != 431 || !strings.Contains(body, "Invalid parameter id value=nope due to incorrect long value format, or entity does not exist") {
		t.Fatalf("unknown id: %d %s", resp.StatusCode, body)
	}
}

// cloudstack-go encodes '~' differently from Java; the simulator accepts both.
func TestTildeSignatureLenient(t *testing.T) {
	srv := mustServer(t, nil)
	cs := mustClient(t, srv, "demo")
	p := cs.SecurityGroup.NewCreateSecurityGroupParams("tilde")
	p.SetDescription("a~b *c")
	if _, err := cs.SecurityGroup.CreateSecurityGroup(p); err != nil {
		t.Fatalf("create with ~: %v", err)
	}
}

func TestLoginSession(t *testing.T) {
	srv := mustServer(t, nil)
	jar, _ := cookiejar.New(nil)
	hc := srv.HTTPClient()
	hc.Jar = jar
	resp, err := hc.PostForm(srv.URL(), url.Values{"command": {"login"}, "username": {"demo"}, "password": {"password"}, "domain": {"/"}, "response": {"json"}})
	if err != nil {
		t.Fatal(err)
	}
	var lr struct {
		Login struct {
			SessionKey string `json:"sessionkey"`
			Account    string `json:"account"`
		} `json:"loginresponse"`
	}
	json.NewDecoder(resp.Body).Decode(&lr)
	resp.Body.Close()
	if resp.StatusCode != 200 || lr.Login.SessionKey == "" || lr.Login.Account != "demo" {
		t.Fatalf("login: %d %+v", resp.StatusCode, lr)
	}
	get := func(q url.Values) (int, string) {
		r, err := hc.Get(srv.URL() + "?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return r.StatusCode, string(b)
	}
	code, body := get(url.Values{"command": {"listUsers"}, "sessionkey": {lr.Login.SessionKey}, "response": {"json"}})
	if code != 200 || !strings.Contains(body, `"username":"demo"`) {
		t.Fatalf("session call: %d %s", code, body)
	}
	code, _ = get(url.Values{"command": {"listUsers"}, "sessionkey": {"forged"}, "response": {"json"}})
	if code != 401 {
		t.Fatalf("forged session: %d", code)
	}
	resp, _ = hc.PostForm(srv.URL(), url.Values{"command": {"login"}, "username": {"demo"}, "password": {"bad"}, "response": {"json"}})
	if resp.StatusCode != 531 {
		t.Fatalf("bad password: %d", resp.StatusCode)
	}
}

func TestListener(t *testing.T) {
	srv, err := simulator.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if !strings.HasPrefix(srv.URL(), "http://127.0.0.1:") {
		t.Fatalf("url = %s", srv.URL())
	}
	key, secret, _ := srv.UserKeys("admin")
	cs := cloudstack.NewAsyncClient(srv.URL(), key, secret, false)
	z, err := cs.Zone.ListZones(cs.Zone.NewListZonesParams())
	if err != nil || z.Count != 2 {
		t.Fatalf("over TCP: %v %+v", err, z)
	}
	r, err := http.Get(strings.TrimSuffix(srv.URL(), "/client/api") + "/_sim/healthcheck")
	if err != nil || r.StatusCode != 200 {
		t.Fatalf("healthcheck: %v", err)
	}
	// getUserKeys for the admin, the bootstrap the cloudstack-go CI uses
	u, err := cs.User.ListUsers(cs.User.NewListUsersParams())
	if err != nil || u.Count != 3 {
		t.Fatalf("users: %v %+v", err, u)
	}
	k, err := cs.User.GetUserKeys(cs.User.NewGetUserKeysParams(u.Users[1].Id))
	wk, ws, _ := srv.UserKeys(u.Users[1].Username)
	if err != nil || k.Apikey != wk || k.Secretkey != ws {
		t.Fatalf("getUserKeys: %v %+v", err, k)
	}
}
