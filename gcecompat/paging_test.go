package gcecompat

import (
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/gin-gonic/gin"
)

type pItem struct {
	Name string `json:"name"`
	TS   string `json:"creationTimestamp"`
}

func (p pItem) sortName() string { return p.Name }
func (p pItem) sortTime() string { return p.TS }

func TestPageTokens(t *testing.T) {
	for _, off := range []int{0, 1, 499, 1 << 20} {
		got, ok := decodePageToken(encodePageToken(off, "q1"), "q1")
		if !ok || got != off {
			t.Errorf("round trip %d = %d, %v", off, got, ok)
		}
	}
	// Another listing's token is refused; a token without the hash (older
	// gateways) is read.
	if _, ok := decodePageToken(encodePageToken(5, "q1"), "q2"); ok {
		t.Error("a token of listing q1 was accepted for listing q2")
	}
	if off, ok := decodePageToken("bzo3", "q1"); !ok || off != 7 {
		t.Errorf("legacy token o:7 = %d, %v", off, ok)
	}
	for _, bad := range []string{"", "!!", "bzotMQ", encodePageToken(1, "q1") + "x", "LTE"} {
		if _, ok := decodePageToken(bad, "q1"); ok {
			t.Errorf("decodePageToken(%q) ok", bad)
		}
	}
}

func TestPage(t *testing.T) {
	var items []pItem
	for i := 9; i >= 0; i-- {
		items = append(items, pItem{Name: "vm" + strconv.Itoa(i), TS: "2026-01-0" + strconv.Itoa(9-i)})
	}
	lp := listParams{maxResults: 4}
	var names []string
	for {
		pg, next := page(append([]pItem(nil), items...), lp)
		for _, p := range pg {
			names = append(names, p.Name)
		}
		if next == "" {
			break
		}
		off, _ := decodePageToken(next, lp.query)
		lp.offset = off
	}
	if len(names) != 10 || names[0] != "vm0" || names[9] != "vm9" {
		t.Fatalf("paged names = %v", names)
	}
	pg, _ := page(append([]pItem(nil), items...), listParams{maxResults: 500, orderBy: "creationTimestamp", desc: true})
	if pg[0].Name != "vm0" {
		t.Fatalf("creationTimestamp desc first = %s", pg[0].Name)
	}
	pg, _ = page(append([]pItem(nil), items...), listParams{maxResults: 500, orderBy: "creationTimestamp"})
	if pg[0].Name != "vm9" {
		t.Fatalf("creationTimestamp asc first = %s", pg[0].Name)
	}
	pg, next := page(items, listParams{maxResults: 500, offset: 50})
	if len(pg) != 0 || next != "" {
		t.Fatalf("past the end = %v %q", pg, next)
	}
}

func TestParseListParams(t *testing.T) {
	gin.SetMode(gin.TestMode)
	mk := func(q string) (listParams, error) {
		c, _ := gin.CreateTestContext(httptest.NewRecorder())
		c.Request = httptest.NewRequest("GET", "/x?"+q, nil)
		return parseListParams(c)
	}
	lp, err := mk("maxResults=2&orderBy=creationTimestamp+desc&returnPartialSuccess=True&filter=name+eq+x")
	if err != nil || lp.maxResults != 2 || !lp.desc || lp.orderBy != "creationTimestamp" || !lp.partial || lp.filter == nil {
		t.Fatalf("parseListParams = %+v, %v", lp, err)
	}
	for _, bad := range []string{"maxResults=-1", "maxResults=x", "pageToken=%21", "orderBy=zone", "filter=name+eq"} {
		if _, err := mk(bad); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

func TestAggregate(t *testing.T) {
	items := []scoped[pItem]{{"zones/b", pItem{Name: "x"}}, {"zones/a", pItem{Name: "y"}}, {"zones/a", pItem{Name: "z"}}}
	x, _ := parseFilter("name ne x")
	agg := aggregate("k", "self", "instances", items, listParams{maxResults: 500, filter: x})
	if len(agg.Items) != 1 {
		t.Fatalf("aggregate items = %v", agg.Items)
	}
	got := agg.Items["zones/a"].(map[string]any)["instances"].([]pItem)
	if len(got) != 2 {
		t.Fatalf("zones/a = %v", got)
	}
}
