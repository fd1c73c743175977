package ec2compat

import (
	"encoding/base64"
	"sort"
	"strconv"
	"strings"
)

// page is the decoded MaxResults/NextToken of a paged Describe call.
type page struct {
	max   int    // 0 = everything
	after string // the last key of the previous page
}

const tokenPrefix = "cg1:"

// paging decodes MaxResults and NextToken. MaxResults must lie in
// [min, max]; a NextToken must be one the gateway issued.
func (q query) paging(minResults, maxResults int) (page, error) {
	var p page
	n, err := q.maxResults(minResults, maxResults)
	if err != nil {
		return p, err
	}
	p.max = n
	if t := q.str("NextToken"); t != "" {
		b, err := base64.RawURLEncoding.DecodeString(t)
		if err != nil || !strings.HasPrefix(string(b), tokenPrefix) {
			return p, apiErr("InvalidParameterValue", "The NextToken value is invalid.")
		}
		p.after = strings.TrimPrefix(string(b), tokenPrefix)
	}
	return p, nil
}

// maxResults decodes MaxResults (0 when absent), which must lie in [min,
// max].
func (q query) maxResults(minResults, maxResults int) (int, error) {
	if q.str("MaxResults") == "" {
		return 0, nil
	}
	n, err := q.integer("MaxResults", 0)
	if err != nil || n < minResults || n > maxResults {
		return 0, apiErrf("InvalidParameterValue",
			"Value ( %s ) for parameter maxResults is invalid. Expecting a value between %d and %d.",
			q.str("MaxResults"), minResults, maxResults)
	}
	return n, nil
}

// paginate sorts items by key and returns one page plus the token for the
// next one ("" at the end). Tokens carry the last key, so pages stay
// consistent without server state even when items come and go.
func paginate[T any](items []T, key func(T) string, p page) ([]T, string) {
	sort.SliceStable(items, func(i, j int) bool { return key(items[i]) < key(items[j]) })
	start := 0
	if p.after != "" {
		start = sort.Search(len(items), func(i int) bool { return key(items[i]) > p.after })
	}
	items = items[start:]
	if p.max == 0 || len(items) <= p.max {
		return items, ""
	}
	items = items[:p.max]
	return items, base64.RawURLEncoding.EncodeToString([]byte(tokenPrefix + key(items[len(items)-1])))
}

// cappedPaging is paging for actions where AWS caps MaxResults instead
// of refusing it (DescribeVolumes: "if MaxResults is given a value larger
// than 500, only 500 items are returned").
func (q query) cappedPaging(minResults, maxResults int) (page, error) {
	if n, err := q.integer("MaxResults", 0); err == nil && n > maxResults {
		c := query{}
		for k, v := range q {
			c[k] = v
		}
		c["MaxResults"] = []string{strconv.Itoa(maxResults)}
		q = c
	}
	return q.paging(minResults, maxResults)
}

// listArgs decodes what every Describe* action takes: Filter.N and
// MaxResults/NextToken (bounded by minResults..maxResults).
func (q query) listArgs(minResults, maxResults int) ([]filter, page, error) {
	fs, err := q.filters()
	if err != nil {
		return nil, page{}, err
	}
	pg, err := q.paging(minResults, maxResults)
	if err != nil {
		return nil, page{}, err
	}
	return fs, pg, nil
}
