package gcecompat

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
)

// listParams are the common query parameters of list calls.
type listParams struct {
	filter     filterExpr
	maxResults int
	offset     int
	orderBy    string
	desc       bool
	partial    bool     // returnPartialSuccess
	scopes     []string // aggregated lists: every scope, for empty-scope warnings
	// query identifies the listing (collection, filter, order) in its page
	// tokens, so a token is refused for another listing.
	query string
}

const defaultMaxResults = 500

func parseListParams(c *gin.Context) (listParams, error) {
	lp := listParams{maxResults: defaultMaxResults}
	f, err := parseFilter(c.Query("filter"))
	if err != nil {
		return lp, invalid("Invalid value for field 'filter': '%s'. %v", c.Query("filter"), err)
	}
	lp.filter = f
	lp.query = listQueryHash(c.Request.URL.Path, c.Query("filter"), strings.TrimSpace(c.Query("orderBy")))
	if m := c.Query("maxResults"); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil || n < 0 {
			return lp, invalid("Invalid value for field 'maxResults': '%s'. Must be a non-negative integer.", m)
		}
		if n > 0 && n < defaultMaxResults {
			lp.maxResults = n
		}
	}
	if t := c.Query("pageToken"); t != "" {
		off, ok := decodePageToken(t, lp.query)
		if !ok {
			return lp, invalid("Invalid value for field 'pageToken': '%s'.", t)
		}
		lp.offset = off
	}
	if o := strings.TrimSpace(c.Query("orderBy")); o != "" {
		fields := strings.Fields(o)
		switch {
		case len(fields) == 1 && (fields[0] == "name" || fields[0] == "creationTimestamp"):
		case len(fields) == 2 && (fields[0] == "name" || fields[0] == "creationTimestamp") && (fields[1] == "desc" || fields[1] == "asc"):
			lp.desc = fields[1] == "desc"
		default:
			return lp, invalid("Invalid value for field 'orderBy': '%s'. Only 'name' and 'creationTimestamp' (optionally with 'desc') are supported.", o)
		}
		lp.orderBy = fields[0]
	}
	lp.partial = strings.EqualFold(c.Query("returnPartialSuccess"), "true")
	return lp, nil
}

// Page tokens are opaque and stateless: base64url("o:" + offset into the
// filtered, ordered result + ":" + the listing's query hash), so any
// replica continues a listing and a token presented for another listing
// (collection, filter or order) is refused. Tokens without the hash
// (gateways before it) are still read.
func encodePageToken(offset int, query string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(offset) + ":" + query))
}

func decodePageToken(t, query string) (int, bool) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(t, "="))
	if err != nil || !strings.HasPrefix(string(b), "o:") {
		return 0, false
	}
	num, hash, hashed := strings.Cut(string(b[2:]), ":")
	if hashed && hash != query {
		return 0, false
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// listQueryHash identifies a listing for its page tokens.
func listQueryHash(path, filter, orderBy string) string {
	h := sha256.Sum256([]byte(path + "\x00" + filter + "\x00" + orderBy))
	return hex.EncodeToString(h[:6])
}

// item accessors used for ordering.
type listItem interface {
	sortName() string
	sortTime() string
}

// page filters, orders and slices items; it returns the page and the next
// page token ("" on the last page).
func page[T listItem](items []T, lp listParams) ([]T, string) {
	items = filterItems(items, lp.filter)
	less := func(a, b T) bool {
		if lp.orderBy == "creationTimestamp" && a.sortTime() != b.sortTime() {
			return a.sortTime() < b.sortTime()
		}
		return a.sortName() < b.sortName()
	}
	sort.SliceStable(items, func(i, j int) bool {
		if lp.desc {
			return less(items[j], items[i])
		}
		return less(items[i], items[j])
	})
	if lp.offset >= len(items) {
		return []T{}, ""
	}
	end := lp.offset + lp.maxResults
	next := ""
	if end < len(items) {
		next = encodePageToken(end, lp.query)
	} else {
		end = len(items)
	}
	return items[lp.offset:end], next
}

func (s *server) list(kind, selfLink string, items any, next string) *wireList {
	return &wireList{Kind: kind, ID: selfLink, Items: items, NextPageToken: next, SelfLink: selfLink}
}

// scoped is one item of an aggregated list with its scope ("zones/z1").
type scoped[T listItem] struct {
	scope string
	item  T
}

func (s scoped[T]) sortName() string { return s.scope + "\x00" + s.item.sortName() }
func (s scoped[T]) sortTime() string { return s.item.sortTime() }

// aggregate pages scoped items and groups them under "items":
// {"zones/z": {field: [...]}}. Scopes listed in all with no items on the page
// are left out.
func aggregate[T listItem](kind, selfLink, field string, items []scoped[T], lp listParams) *wireAggregatedList {
	// Filter on the items themselves, not the wrapper.
	var kept []scoped[T]
	for _, it := range items {
		if lp.filter == nil || lp.filter.match(jsonValue(it.item)) {
			kept = append(kept, it)
		}
	}
	lp.filter = nil
	pg, next := page(kept, lp)
	return aggregatedPage(kind, selfLink, field, pg, next, lp.scopes)
}

// aggregatedPage groups one page of scoped items under "items" by scope;
// on the last page (next == "") every scope of scopes without items gets
// GCE's NO_RESULTS_ON_PAGE warning.
func aggregatedPage[T listItem](kind, selfLink, field string, pg []scoped[T], next string, scopes []string) *wireAggregatedList {
	out := map[string]any{}
	groups := map[string][]T{}
	var order []string
	for _, it := range pg {
		if _, ok := groups[it.scope]; !ok {
			order = append(order, it.scope)
		}
		groups[it.scope] = append(groups[it.scope], it.item)
	}
	for _, sc := range order {
		out[sc] = map[string]any{field: groups[sc]}
	}
	if next == "" {
		for _, sc := range scopes {
			if _, ok := out[sc]; !ok {
				out[sc] = map[string]any{"warning": wireWarning{
					Code: "NO_RESULTS_ON_PAGE", Message: "There are no results for scope '" + sc + "' on this page.",
					Data: []wireKeyValue{{Key: "scope", Value: sc}},
				}}
			}
		}
	}
	return &wireAggregatedList{Kind: kind, ID: selfLink, Items: out, NextPageToken: next, SelfLink: selfLink}
}
