package csbackend

import (
	"testing"

	"github.com/cloudgate/cloudgate/translate"
)

func TestDecodePage(t *testing.T) {
	type item struct {
		ID   flexString `json:"id"`
		Size flexInt    `json:"size"`
	}
	items, count, err := decodePage[item]("listX", []byte(`{"count":"3","note":"x","x":[{"id":1,"size":"2"},{"id":"b"}],"y":{"a":1},"z":[{"id":"c"}]}`))
	if err != nil || count != 3 || len(items) != 3 || items[0].ID != "1" || items[0].Size != 2 || items[2].ID != "c" {
		t.Fatalf("items %+v count %d err %v", items, count, err)
	}
	if items, count, err := decodePage[item]("listX", []byte(`{}`)); err != nil || count != -1 || len(items) != 0 {
		t.Fatalf("empty answer: %+v %d %v", items, count, err)
	}
	for _, bad := range []string{`{"count":1,"x":[{"size":{"no":1}}]}`, `[1]`, `{"x":[{"id":"a"}`} {
		if _, _, err := decodePage[item]("listX", []byte(bad)); translate.KindOf(err) != translate.Internal {
			t.Errorf("%s: err %v, want Internal", bad, err)
		}
	}
}
