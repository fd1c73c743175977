package csbackend

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cloudgate/cloudgate/translate"
)

func TestUnwrapAnswer(t *testing.T) {
	for _, c := range []struct{ body, want string }{
		{`{ "listzonesresponse" : { "count":1 ,"zone" : [ {"id":"z"} ] } }`, `{ "count":1 ,"zone" : [ {"id":"z"} ] }`},
		{"{\"deployvirtualmachineresponse\":{\"jobid\":\"j\"}}\n", `{"jobid":"j"}`},
		{`{"listvolumesresponse":{}}`, `{}`},
		// cloudstack-go's readings of other shapes (getRawValue).
		{`{"count":2,"zone":[{"id":"a"},{"id":"b"}]}`, `{"id":"a"}`},
		{`{"x":"text"}`, `"text"`},
	} {
		got, err := unwrapAnswer([]byte(c.body))
		if err != nil || string(got) != c.want {
			t.Errorf("%s: %s, %v; want %s", c.body, got, err, c.want)
		}
	}
	var serr *json.SyntaxError
	if _, err := unwrapAnswer([]byte("<html>proxy error</html>")); !errors.As(err, &serr) {
		t.Errorf("HTML answer: %v, want a *json.SyntaxError", err)
	}
	if _, err := unwrapAnswer([]byte(`{}`)); err == nil || Classify("listX", translate.ResInstance, err).Kind != translate.Unavailable {
		t.Errorf("empty object: %v, want Unavailable", err)
	}
	// An envelope with a second member is sliced, then refused by whoever
	// decodes it.
	raw, err := unwrapAnswer([]byte(`{"a":{"count":1,"x":[{"id":"1"}]}, "b":{}}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := decodePage[struct{}]("listX", raw); translate.KindOf(err) != translate.Internal {
		t.Errorf("decodePage of a two-member envelope: %v, want Internal", err)
	}
	var v map[string]any
	if err := decode("x", raw, &v); translate.KindOf(err) != translate.Internal {
		t.Errorf("decode of a two-member envelope: %v, want Internal", err)
	}
}

// TestAnswerTransport: a 200 answer is kept for the adapter and
// cloudstack-go gets the empty one; error answers reach cloudstack-go as
// they are, and the call's error is classified from them as before.
func TestAnswerTransport(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		switch r.Form.Get("command") {
		case "listZones":
			io.WriteString(w, `{ "listzonesresponse" : { "count":1, "zone":[{"id":"z1","name":"zone1"}] } }`)
		default:
			w.WriteHeader(431)
			io.WriteString(w, `{"errorresponse":{"uuidList":[],"errorcode":431,"cserrorcode":9999,"errortext":"Unable to find zone"}}`)
		}
	}))
	defer srv.Close()
	b := NewBackend(srv.URL, &Options{HTTPClient: srv.Client()})
	ctx := translate.NewContext(t.Context(), &translate.Principal{APIKey: "k", SecretKey: "s"})
	raw, err := b.call(ctx, "listZones", translate.ResZone, params{})
	if err != nil || !strings.Contains(string(raw), `"zone1"`) || !strings.HasPrefix(string(raw), "{ \"count\"") {
		t.Fatalf("listZones: %s, %v", raw, err)
	}
	_, err = b.call(ctx, "deleteZone", translate.ResZone, params{"id": "x"})
	if translate.KindOf(err) != translate.NotFound {
		t.Fatalf("error answer: %v, want NotFound", err)
	}
	// Both calls went through one pooled client, left idle with no answer.
	e := b.clients["k"]
	if e == nil || len(e.idle) != 1 || e.idle[0].tr.ok || e.idle[0].tr.body != nil {
		t.Fatalf("pool after two calls: %+v", e)
	}
}
