package simulator

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"
)

func stdJSON(t *testing.T, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	cases := []any{
		nil, "", "plain", "quote\" back\\slash <html> & tags", "ctl \x00\x01\b\f\n\r\t\x1f end", "bad utf8 \xff\xfe ok",
		"line\u2028para\u2029 ünïcödé 日本 🙂", true, false, 0, -42, int64(1) << 60, int32(-7), 3.25, 1e21, float32(0.5),
		obj{}, obj(nil), []obj{}, []obj(nil), []any{1, "a", nil, obj{"z": 1, "a": []string{"x"}}}, []string(nil), []string{"a", "b\"c"},
		map[string]string{"b": "2", "a": "1"}, map[string]string(nil), time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		obj{"count": 2, "virtualmachine": []obj{{"id": "x", "tags": []obj{}, "details": map[string]string{"k": "v"}, "n": int64(5), "f": 1.5}}},
		map[string]int{"x": 1}, []int{1, 2},
	}
	for _, c := range cases {
		want := stdJSON(t, c)
		if got := appendJSON(nil, c); !bytes.Equal(got, want) {
			t.Errorf("%#v:\n got %s\nwant %s", c, got, want)
		}
	}
}

// Whole answers of a populated simulator render to the same bytes.
func TestAppendJSONMatchesOnSimulatorAnswers(t *testing.T) {
	srv, err := New(&Options{NoListener: true})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	srv.mu.Lock()
	defer srv.mu.Unlock()
	acct := srv.st.Accounts[0]
	for i := 0; i < 3; i++ {
		v := &vm{owned: owned{AccountID: acct.ID, DomainID: acct.DomainID}, ID: srv.st.uuid(), Name: "vm\"<" + strconv.Itoa(i), DisplayName: "dn ü\n",
			ZoneID: srv.st.Zones[0].ID, ServiceOfferingID: srv.st.ServiceOfferings[0].ID, TemplateID: srv.st.Templates[0].ID, UserID: srv.st.Users[0].ID,
			CPUs: 1, CPUSpeed: 500, Memory: 512, State: []string{"Running", "Stopped", "Destroyed"}[i], KeyPairs: []string{"k1", "k2"},
			Details: map[string]string{"rootdisksize": "10"}, Nics: []nic{{ID: srv.st.uuid(), IP: "10.0.0.5", MAC: "02:00:00:00:00:01", Default: true}},
			Created: time.Now(), JobID: []string{"", "job-1", ""}[i]}
		srv.st.VMs = append(srv.st.VMs, v)
	}
	var bodies []obj
	for _, name := range []string{"listZones", "listServiceOfferings", "listTemplates", "listNetworks", "listAccounts", "listUsers", "listCapabilities", "listVirtualMachines", "listVolumes"} {
		cmd, ok := lookupCommand(name)
		if !ok {
			continue
		}
		c := newCall(cmd.name, map[string]string{"listall": "true", "templatefilter": "all", "state": ""})
		c.acct, c.user, c.now = srv.st.Accounts[0], srv.st.Users[0], time.Now()
		res, aerr := cmd.run(srv, c)
		if aerr != nil {
			continue
		}
		bodies = append(bodies, obj{name + "response": renderResult(res)})
	}
	if len(bodies) < 3 {
		t.Fatalf("rendered only %d answers", len(bodies))
	}
	if all := string(appendJSON(nil, bodies)); !strings.Contains(all, `"virtualmachine":[{`) || !strings.Contains(all, `"nic":[{`) {
		t.Fatalf("no VM rendered: %.300s", all)
	}
	for _, b := range bodies {
		if got, want := appendJSON(nil, b), stdJSON(t, b); !bytes.Equal(got, want) {
			t.Errorf("differs:\n got %s\nwant %s", got, want)
		}
	}
}
