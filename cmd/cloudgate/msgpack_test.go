package main

import (
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gin-gonic/gin/binding"
	"github.com/gin-gonic/gin/render"
)

// gin's MessagePack codec (github.com/ugorji/go/codec) is replaced by
// third_party/nomsgpack (go.mod): cloudgate never binds or renders
// MessagePack, and compiling the real codec was a fifth of the first
// build (issue 15, item 4). The serving binary must link the replacement,
// and the replacement must refuse, not pretend.
func TestServingBinaryLinksNoMsgpackCodec(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}} {{if .Module}}{{.Module.Dir}}{{end}}", "github.com/cloudgate/cloudgate/cmd/cloudgate").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	found := false
	for _, line := range strings.Split(string(out), "\n") {
		path, dir, _ := strings.Cut(line, " ")
		if path != "github.com/ugorji/go/codec" {
			continue
		}
		found = true
		if filepath.Base(dir) != "nomsgpack" || filepath.Base(filepath.Dir(dir)) != "third_party" {
			t.Errorf("cmd/cloudgate links github.com/ugorji/go/codec from %s, want third_party/nomsgpack", dir)
		}
	}
	if !found {
		t.Log("gin no longer imports github.com/ugorji/go/codec: the go.mod replace and third_party/nomsgpack can go")
	}
	var v map[string]any
	if err := binding.MsgPack.BindBody([]byte{0x80}, &v); err == nil || !strings.Contains(err.Error(), "not supported") {
		t.Errorf("MessagePack binding: %v, want a refusal", err)
	}
	if err := (render.MsgPack{Data: map[string]int{"a": 1}}).Render(httptest.NewRecorder()); err == nil {
		t.Error("MessagePack rendering succeeded; want a refusal")
	}
}
