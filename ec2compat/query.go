package ec2compat

import (
	"encoding/base64"
	"sort"
	"strconv"
	"strings"

	"github.com/cloudgate/cloudgate/translate"
)

// query is the decoded parameter set of one request (form body merged with
// the query string). EC2 lists are flattened as Name.1, Name.2, … and
// structures as Name.N.Member; sub and indexes walk them.
type query map[string][]string

// maxIndex bounds list indexes so a request cannot make us allocate or
// iterate absurdly.
const maxIndex = 10000

func (q query) str(name string) string {
	if v := q[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func (q query) has(name string) bool {
	_, ok := q[name]
	return ok
}

// required returns a parameter or MissingParameter.
func (q query) required(name string) (string, error) {
	v := q.str(name)
	if v == "" {
		return "", apiErrf("MissingParameter", "The request must contain the parameter %s", name)
	}
	return v, nil
}

// integer parses an optional integer parameter (def when absent).
func (q query) integer(name string, def int) (int, error) {
	v := q.str(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, apiErrf("InvalidParameterValue", "Invalid value '%s' for %s", v, name)
	}
	return n, nil
}

// boolean parses an optional boolean parameter.
func (q query) boolean(name string) (bool, error) {
	switch strings.ToLower(q.str(name)) {
	case "":
		return false, nil
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, apiErrf("InvalidParameterValue", "Invalid value '%s' for %s, expected true or false", q.str(name), name)
}

// sub returns the parameters below prefix ("Filter.1" → {"Name": …,
// "Value.1": …}).
func (q query) sub(prefix string) query {
	out := query{}
	p := prefix + "."
	for k, v := range q {
		if rest, ok := strings.CutPrefix(k, p); ok && rest != "" {
			out[rest] = v
		}
	}
	return out
}

// indexes returns the sorted distinct N of the keys "N" or "N.…". EC2
// accepts any non-negative numbering (Libcloud numbers from 0, the SDKs
// from 1, hand-written calls may skip numbers); members are taken in
// numeric order. Leading zeros ("01") and indexes above maxIndex are
// ignored.
func (q query) indexes() []int {
	seen := map[int]bool{}
	for k := range q {
		head, _, _ := strings.Cut(k, ".")
		if head == "" || len(head) > 5 || (head[0] == '0' && head != "0") {
			continue
		}
		n, err := strconv.Atoi(head)
		if err != nil || n < 0 || n > maxIndex {
			continue
		}
		seen[n] = true
	}
	out := make([]int, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Ints(out)
	return out
}

// list returns the values of Name.1, Name.2, … in index order. A bare
// Name (no index) counts as a one-member list, as in EC2: Libcloud sends
// DescribeKeyPairs KeyName=x.
func (q query) list(name string) []string {
	s := q.sub(name)
	if len(s) == 0 && q.has(name) {
		return []string{q.str(name)}
	}
	var out []string
	for _, n := range s.indexes() {
		if v := s.str(strconv.Itoa(n)); v != "" || s.has(strconv.Itoa(n)) {
			out = append(out, v)
		}
	}
	return out
}

// structs returns the members of Name.N.* in index order.
func (q query) structs(name string) []query {
	s := q.sub(name)
	var out []query
	for _, n := range s.indexes() {
		out = append(out, s.sub(strconv.Itoa(n)))
	}
	return out
}

// filter is one Filter.N (Name, Value.M).
type filter struct {
	Name   string
	Values []string
}

// filters decodes Filter.N.Name / Filter.N.Value.M.
func (q query) filters() ([]filter, error) {
	var out []filter
	for _, f := range q.structs("Filter") {
		name := f.str("Name")
		if name == "" {
			return nil, apiErr("InvalidParameterValue", "The filter name must not be empty.")
		}
		out = append(out, filter{Name: name, Values: f.list("Value")})
	}
	return out, nil
}

// tagList decodes Tag.N.Key / Tag.N.Value (prefix "Tag"). Keys are
// required; reserved keys are refused.
func tagList(q query, prefix string) ([]translate.Tag, error) {
	var out []translate.Tag
	for _, t := range q.structs(prefix) {
		k := t.str("Key")
		if k == "" {
			return nil, apiErr("InvalidParameterValue", "Tag keys must not be empty.")
		}
		if strings.HasPrefix(k, translate.ReservedTagPrefix) || strings.HasPrefix(strings.ToLower(k), "aws:") {
			return nil, apiErrf("InvalidParameterValue", "Tag keys starting with '%s' are reserved.", k[:strings.Index(k, ":")+1])
		}
		out = append(out, translate.Tag{Key: k, Value: t.str("Value")})
	}
	if err := checkTagSizes(out); err != nil {
		return nil, err
	}
	return out, nil
}

// tagSpecs decodes TagSpecification.N.ResourceType / .Tag.M.{Key,Value}
// into tags per EC2 resource type.
func (q query) tagSpecs() (map[string]translate.Tags, error) {
	out := map[string]translate.Tags{}
	for _, ts := range q.structs("TagSpecification") {
		rt := ts.str("ResourceType")
		if rt == "" {
			return nil, apiErr("InvalidParameterValue", "TagSpecification requires a ResourceType.")
		}
		tags, err := tagList(ts, "Tag")
		if err != nil {
			return nil, err
		}
		if out[rt] == nil {
			out[rt] = translate.Tags{}
		}
		for _, t := range tags {
			out[rt][t.Key] = t.Value
		}
		if err := checkTagCount(out[rt]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// specTags returns the tags for one resource type of a TagSpecification,
// refusing types the action cannot tag.
func specTags(specs map[string]translate.Tags, allowed ...string) (map[string]translate.Tags, error) {
	for rt := range specs {
		ok := false
		for _, a := range allowed {
			ok = ok || a == rt
		}
		if !ok {
			return nil, apiErrf("InvalidParameterValue", "'%s' is not a valid taggable resource type for this operation.", rt)
		}
	}
	return specs, nil
}

// ipPermission is one decoded IpPermissions.N.
type ipPermission struct {
	Protocol   string // as sent: tcp, udp, icmp, -1, or a number
	FromPort   *int
	ToPort     *int
	CIDRs      []string
	GroupIDs   []string
	GroupNames []string
	// Descs holds the Description of each source, keyed "cidr:C",
	// "id:G" or "name:N".
	Descs map[string]string
}

// ipPermissions decodes IpPermissions.N.{IpProtocol,FromPort,ToPort,
// IpRanges.M.CidrIp,Groups.M.GroupId,Groups.M.GroupName}, or the legacy
// flat form (IpProtocol, FromPort, ToPort, CidrIp,
// SourceSecurityGroupName) when no IpPermissions are given.
func (q query) ipPermissions() ([]ipPermission, error) {
	var out []ipPermission
	for _, p := range q.structs("IpPermissions") {
		perm, err := decodePermission(p, "IpProtocol", "FromPort", "ToPort")
		if err != nil {
			return nil, err
		}
		perm.Descs = map[string]string{}
		for _, r := range p.structs("IpRanges") {
			if c := r.str("CidrIp"); c != "" {
				perm.CIDRs = append(perm.CIDRs, c)
				if d := r.str("Description"); d != "" {
					perm.Descs["cidr:"+c] = d
				}
			}
		}
		if len(p.structs("Ipv6Ranges")) > 0 {
			return nil, apiErr("InvalidParameterValue", "IPv6 ranges are not supported by this cloud.")
		}
		for _, g := range p.structs("Groups") {
			switch {
			case g.str("GroupId") != "":
				perm.GroupIDs = append(perm.GroupIDs, g.str("GroupId"))
				if d := g.str("Description"); d != "" {
					perm.Descs["id:"+g.str("GroupId")] = d
				}
			case g.str("GroupName") != "":
				perm.GroupNames = append(perm.GroupNames, g.str("GroupName"))
				if d := g.str("Description"); d != "" {
					perm.Descs["name:"+g.str("GroupName")] = d
				}
			}
		}
		out = append(out, perm)
	}
	if len(out) == 0 && q.str("IpProtocol") != "" {
		perm, err := decodePermission(q, "IpProtocol", "FromPort", "ToPort")
		if err != nil {
			return nil, err
		}
		if c := q.str("CidrIp"); c != "" {
			perm.CIDRs = append(perm.CIDRs, c)
		}
		if g := q.str("SourceSecurityGroupName"); g != "" {
			perm.GroupNames = append(perm.GroupNames, g)
		}
		out = append(out, perm)
	}
	if len(out) == 0 && (q.str("CidrIp") != "" || q.str("SourceSecurityGroupName") != "") {
		// The legacy form without a protocol means every protocol.
		perm := ipPermission{Protocol: "-1"}
		if c := q.str("CidrIp"); c != "" {
			perm.CIDRs = append(perm.CIDRs, c)
		}
		if g := q.str("SourceSecurityGroupName"); g != "" {
			perm.GroupNames = append(perm.GroupNames, g)
		}
		out = append(out, perm)
	}
	return out, nil
}

func decodePermission(p query, protoKey, fromKey, toKey string) (ipPermission, error) {
	perm := ipPermission{Protocol: strings.ToLower(p.str(protoKey))}
	if perm.Protocol == "" {
		return perm, apiErr("MissingParameter", "The request must contain the parameter ipProtocol")
	}
	for _, x := range []struct {
		key string
		dst **int
	}{{fromKey, &perm.FromPort}, {toKey, &perm.ToPort}} {
		if v := p.str(x.key); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < -1 || n > 65535 {
				return perm, apiErrf("InvalidParameterValue", "Invalid value '%s' for %s", v, x.key)
			}
			*x.dst = &n
		}
	}
	return perm, nil
}

// decodeBase64 decodes base64 user data (standard or URL alphabet, padded
// or not).
func decodeBase64(name, v string) ([]byte, error) {
	v = strings.TrimSpace(v)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(v); err == nil {
			return b, nil
		}
	}
	return nil, apiErrf("InvalidParameterValue", "Invalid BASE64 encoding of %s", name)
}
