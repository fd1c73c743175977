package csbackend_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/cloudgate/cloudgate/translate"
	"github.com/cloudgate/cloudgate/translate/csbackend"
)

// pagedVMs is a CloudStack answering listVirtualMachines over total VMs
// (ids vm-0, vm-1, ...) with page/pagesize as CloudStack does (1-based,
// pagesize at most maxSize), recording the pages asked.
type pagedVMs struct {
	total, maxSize int
	mu             sync.Mutex
	asked          []string // "page/size"
}

func (p *pagedVMs) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	page, _ := strconv.Atoi(r.Form.Get("page"))
	size, _ := strconv.Atoi(r.Form.Get("pagesize"))
	p.mu.Lock()
	p.asked = append(p.asked, fmt.Sprintf("%d/%d", page, size))
	p.mu.Unlock()
	if size < 1 || size > p.maxSize || page < 1 {
		w.WriteHeader(431)
		fmt.Fprintf(w, `{"listvirtualmachinesresponse":{"uuidList":[],"errorcode":431,"cserrorcode":9999,"errortext":"bad page %d/%d"}}`, page, size)
		return
	}
	var items []string
	for i := (page - 1) * size; i < min(page*size, p.total); i++ {
		items = append(items, fmt.Sprintf(`{"id":"vm-%d","name":"n%d","state":"Running"}`, i, i))
	}
	fmt.Fprintf(w, `{"listvirtualmachinesresponse":{"count":%d,"virtualmachine":[%s]}}`, p.total, strings.Join(items, ","))
}

// ListVirtualMachinesRange reads [offset, offset+limit) with as few
// CloudStack pages as page/pagesize allow: one aligned page, two when the
// range straddles a page boundary, limit/PageSize (+1) above the largest
// page size; never the whole list.
func TestListVirtualMachinesRange(t *testing.T) {
	ctx := translate.NewContext(context.Background(), &translate.Principal{APIKey: "k", SecretKey: "s"})
	for _, c := range []struct {
		offset, limit int
		wantIDs       [2]int // first and last index (-1: none)
		wantPages     string
	}{
		{0, 50, [2]int{0, 49}, "1/50"},
		{50, 50, [2]int{50, 99}, "2/50"},
		{1950, 50, [2]int{1950, 1999}, "40/50"},
		{1990, 50, [2]int{1990, 1999}, "40/50"},
		{2000, 50, [2]int{-1, -1}, "41/50"},
		{7, 5, [2]int{7, 11}, "2/5 3/5"},
		{0, 1000, [2]int{0, 999}, "1/500 2/500"},
		{1000, 1000, [2]int{1000, 1999}, "3/500 4/500"},
		{250, 1000, [2]int{250, 1249}, "1/500 2/500 3/500"},
		{1800, 0, [2]int{1800, 1999}, "4/500"},
	} {
		fake := &pagedVMs{total: 2000, maxSize: 500}
		srv := httptest.NewServer(fake)
		b := csbackend.New(srv.URL, &csbackend.Options{PageSize: 500})
		vms, total, err := b.ListVirtualMachinesRange(ctx, translate.ListVMsRequest{}, c.offset, c.limit)
		srv.Close()
		if err != nil {
			t.Fatalf("[%d,+%d): %v", c.offset, c.limit, err)
		}
		first, last := -1, -1
		if len(vms) > 0 {
			first, _ = strconv.Atoi(strings.TrimPrefix(vms[0].ID, "vm-"))
			last, _ = strconv.Atoi(strings.TrimPrefix(vms[len(vms)-1].ID, "vm-"))
		}
		if total != 2000 || first != c.wantIDs[0] || last != c.wantIDs[1] || (first >= 0 && len(vms) != last-first+1) {
			t.Errorf("[%d,+%d): %d VMs %d..%d of %d, want %d..%d of 2000", c.offset, c.limit, len(vms), first, last, total, c.wantIDs[0], c.wantIDs[1])
		}
		if got := strings.Join(fake.asked, " "); got != c.wantPages {
			t.Errorf("[%d,+%d): pages asked %q, want %q", c.offset, c.limit, got, c.wantPages)
		}
	}
}
