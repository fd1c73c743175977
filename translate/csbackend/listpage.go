package csbackend

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strconv"

	"github.com/cloudgate/cloudgate/translate"
)

// listTyped reads every page of a list command straight into []T: each
// page's answer is decoded once (a streaming pass over the envelope, the
// item array decoded in place), instead of into a map, then raw items,
// then each item (issue 15: csbackend decoded every page 3-4 times).
func listTyped[T any](ctx context.Context, b *Backend, cmd string, res translate.Resource, p params) ([]T, error) {
	if p == nil {
		p = params{}
	}
	var all []T
	size := b.opts.PageSize
	for page := 1; ; page++ {
		p["page"] = strconv.Itoa(page)
		p["pagesize"] = strconv.Itoa(size)
		raw, err := b.call(ctx, cmd, res, p)
		if err != nil {
			return nil, err
		}
		items, count, err := decodePage[T](cmd, raw)
		if err != nil {
			return nil, err
		}
		if page > 1 && len(items) > 0 && len(all) >= size && reflect.DeepEqual(items[0], all[len(all)-size]) {
			// The server ignores page: it sent the previous page again.
			return all, nil
		}
		if all == nil && count > 0 {
			all = make([]T, 0, count)
		}
		all = append(all, items...)
		if len(items) == 0 || len(items) < size || (count >= 0 && len(all) >= count) {
			return all, nil
		}
	}
}

// decodePage decodes one list answer, {"count":N,"<member>":[...]}, into
// its items and count (-1 when absent). Members that are not arrays are
// skipped, as before; an item that does not fit T is Internal.
func decodePage[T any](cmd string, raw json.RawMessage) ([]T, int, error) {
	count := -1
	if len(raw) == 0 {
		return nil, count, nil
	}
	bad := func(err error) ([]T, int, error) {
		return nil, -1, &translate.Error{Op: cmd, Kind: translate.Internal, Message: "unexpected CloudStack response", Err: err}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		return bad(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return bad(errors.New("list answer is not an object"))
	}
	var items []T
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return bad(err)
		}
		key, _ := tok.(string)
		if key == "count" {
			var n flexInt
			if err := dec.Decode(&n); err != nil {
				count = -1
			} else {
				count = int(n)
			}
			continue
		}
		var arr []T
		err = dec.Decode(&arr)
		var te *json.UnmarshalTypeError
		switch {
		case err == nil:
			items = append(items, arr...)
		case errors.As(err, &te) && te.Field == "" && te.Value != "array":
			// Not an item array (the whole member has another type): skip it.
		default:
			return bad(err)
		}
	}
	// The closing brace, then nothing: the answer is sliced out of its
	// envelope unparsed (unwrapAnswer), so this is where it is validated.
	if _, err := dec.Token(); err != nil {
		return bad(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return bad(errors.New("data after the list answer"))
	}
	return items, count, nil
}
