package csbackend

import (
	"context"
	"reflect"
	"strconv"

	"github.com/cloudgate/cloudgate/translate"
)

// eachPage reads every page of a list command like listTyped, but hands
// each page's items to fn and keeps none of them: what a caller retains of
// a long listing is up to it (issue 15: a GCE page orders the whole zone by
// name, and only needs each VM's key and id). fn's error stops the listing.
func eachPage[T any](ctx context.Context, b *Backend, cmd string, res translate.Resource, p params, fn func([]T) error) error {
	if p == nil {
		p = params{}
	}
	size := b.opts.PageSize
	var first T // the previous full page's first item
	seen := 0
	for page := 1; ; page++ {
		p["page"] = strconv.Itoa(page)
		p["pagesize"] = strconv.Itoa(size)
		raw, err := b.call(ctx, cmd, res, p)
		if err != nil {
			return err
		}
		items, count, err := decodePage[T](cmd, raw)
		if err != nil {
			return err
		}
		if page > 1 && len(items) > 0 && reflect.DeepEqual(items[0], first) {
			// The server ignores page: it sent the previous page again.
			return nil
		}
		if len(items) > 0 {
			first = items[0]
		}
		if err := fn(items); err != nil {
			return err
		}
		seen += len(items)
		if len(items) == 0 || len(items) < size || (count >= 0 && seen >= count) {
			return nil
		}
	}
}

// EachVirtualMachine implements translate.VMStreamer: the VMs of req, one
// CloudStack page decoded at a time.
func (b *Backend) EachVirtualMachine(ctx context.Context, req translate.ListVMsRequest, fn func(*translate.Instance)) error {
	return eachPage(ctx, b, "listVirtualMachines", translate.ResInstance, vmParams(req), func(items []vmJSON) error {
		for i := range items {
			in := items[i].instance()
			fn(&in)
		}
		return nil
	})
}
