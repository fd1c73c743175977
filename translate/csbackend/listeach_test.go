package csbackend_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cloudgate/cloudgate/translate"
	"github.com/cloudgate/cloudgate/translate/csbackend"
)

// EachVirtualMachine hands over every VM once, in CloudStack's order, one
// page at a time (the pages asked are the listing's, no more), and gives
// what ListVirtualMachines gives.
func TestEachVirtualMachine(t *testing.T) {
	ctx := translate.NewContext(context.Background(), &translate.Principal{APIKey: "k", SecretKey: "s"})
	for _, total := range []int{0, 499, 500, 1234} {
		fake := &pagedVMs{total: total, maxSize: 500}
		srv := httptest.NewServer(fake)
		b := csbackend.New(srv.URL, &csbackend.Options{PageSize: 500})
		var got []string
		err := b.(translate.VMStreamer).EachVirtualMachine(ctx, translate.ListVMsRequest{}, func(in *translate.Instance) { got = append(got, in.ID+"/"+in.Name) })
		asked := strings.Join(fake.asked, " ")
		all, lerr := b.ListVirtualMachines(ctx, translate.ListVMsRequest{})
		srv.Close()
		if err != nil || lerr != nil {
			t.Fatalf("N=%d: %v, %v", total, err, lerr)
		}
		if len(got) != total || len(all) != total {
			t.Fatalf("N=%d: streamed %d, listed %d", total, len(got), len(all))
		}
		for i := range got {
			if want := fmt.Sprintf("vm-%d/n%d", i, i); got[i] != want || all[i].ID+"/"+all[i].Name != want {
				t.Fatalf("N=%d: item %d streamed %s, listed %s/%s, want %s", total, i, got[i], all[i].ID, all[i].Name, want)
			}
		}
		pages := (total + 499) / 500
		if total%500 == 0 {
			pages++ // a full last page asks for the next (empty) one, unless count says it is the end
		}
		if wantMax := max(1, pages); len(strings.Fields(asked)) > wantMax {
			t.Errorf("N=%d: pages asked %q, want at most %d", total, asked, wantMax)
		}
	}
}

// A server that ignores page (sends page 1 again) ends the listing instead
// of looping, as listTyped does.
func TestEachVirtualMachineServerIgnoresPage(t *testing.T) {
	ctx := translate.NewContext(context.Background(), &translate.Principal{APIKey: "k", SecretKey: "s"})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var items []string
		for i := range 3 {
			items = append(items, fmt.Sprintf(`{"id":"vm-%d","name":"n%d","state":"Running"}`, i, i))
		}
		fmt.Fprintf(w, `{"listvirtualmachinesresponse":{"virtualmachine":[%s]}}`, strings.Join(items, ","))
	}))
	defer srv.Close()
	b := csbackend.New(srv.URL, &csbackend.Options{PageSize: 3})
	n := 0
	if err := b.(translate.VMStreamer).EachVirtualMachine(ctx, translate.ListVMsRequest{}, func(*translate.Instance) { n++ }); err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Fatalf("got %d VMs, want the 3 of the one page", n)
	}
}
