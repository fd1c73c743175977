package csbackend

import (
	"context"
	"strconv"

	"github.com/cloudgate/cloudgate/translate"
)

// listRange reads the items at positions [offset, offset+limit) of a list
// command with CloudStack's page/pagesize (1-based pages of equal size),
// so the cost follows limit, not the size of the list: the page size is
// min(limit, Options.PageSize) (CloudStack refuses a pagesize above
// default.page.size), and a range that does not start on a page boundary
// reads one page more. It also returns CloudStack's count, the number of
// items the command selects in all (-1 when the answer has none). limit
// <= 0 reads to the end. Each page is decoded once (decodePage).
func listRange[T any](ctx context.Context, b *Backend, cmd string, res translate.Resource, p params, offset, limit int) ([]T, int, error) {
	if p == nil {
		p = params{}
	}
	offset = max(offset, 0)
	size := b.opts.PageSize
	if limit > 0 && limit < size {
		size = limit
	}
	var out []T
	total := -1
	skip := offset % size
	for page := offset/size + 1; ; page++ {
		p["page"] = strconv.Itoa(page)
		p["pagesize"] = strconv.Itoa(size)
		raw, err := b.call(ctx, cmd, res, p)
		if err != nil {
			return nil, -1, err
		}
		items, count, err := decodePage[T](cmd, raw)
		if err != nil {
			return nil, -1, err
		}
		if count >= 0 {
			total = count
		}
		full := len(items) >= size
		if skip > 0 {
			items = items[min(skip, len(items)):]
			skip = 0
		}
		if limit > 0 && len(out)+len(items) > limit {
			items = items[:limit-len(out)]
		}
		out = append(out, items...)
		if !full || (limit > 0 && len(out) >= limit) || (total >= 0 && (page)*size >= total) {
			return out, total, nil
		}
	}
}

// ListVirtualMachinesRange implements translate.CloudStack.
func (b *Backend) ListVirtualMachinesRange(ctx context.Context, req translate.ListVMsRequest, offset, limit int) ([]translate.Instance, int, error) {
	items, total, err := listRange[vmJSON](ctx, b, "listVirtualMachines", translate.ResInstance, vmParams(req), offset, limit)
	if err != nil {
		return nil, 0, err
	}
	out := make([]translate.Instance, 0, len(items))
	for i := range items {
		out = append(out, items[i].instance())
	}
	if total < 0 {
		// No count in the answer: all that is known is what was read.
		total = offset + len(out)
	}
	return out, total, nil
}
