package gcecompat

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// The GCE list filter language, as gcloud and the API clients send it:
//
//	name eq ".*\bfoo\b.*"            eq/ne: RE2, must match the whole value
//	(region eq ".*local1.*")(status eq UP)   adjacent terms are ANDed
//	name = "vm1"  status != RUNNING  labels.env = dev   literal comparison
//	name : vm*                       ':' has (substring, '*' wildcard)
//	cpus > 2                         <, <=, >, >= compare numbers (or strings)
//	a = 1 AND (b = 2 OR NOT c = 3)   AND, OR, NOT
//
// Fields are dotted paths into the JSON form of the item; a path through a
// list matches if any element matches.

// filterExpr is a parsed filter.
type filterExpr interface {
	match(item any) bool
}

type andExpr []filterExpr
type orExpr []filterExpr
type notExpr struct{ x filterExpr }

type cmpExpr struct {
	field []string
	op    string
	value string
	re    *regexp.Regexp // eq/ne
}

func (a andExpr) match(v any) bool {
	for _, x := range a {
		if !x.match(v) {
			return false
		}
	}
	return true
}

func (o orExpr) match(v any) bool {
	for _, x := range o {
		if x.match(v) {
			return true
		}
	}
	return false
}

func (n notExpr) match(v any) bool { return !n.x.match(v) }

func (c *cmpExpr) match(v any) bool {
	vals := lookupField(v, c.field)
	if c.op == "ne" || c.op == "!=" {
		// ne: true unless some value matches (a missing field is "not equal").
		for _, s := range vals {
			if c.matchOne(s, "eq") {
				return false
			}
		}
		return true
	}
	for _, s := range vals {
		if c.matchOne(s, c.op) {
			return true
		}
	}
	return false
}

func (c *cmpExpr) matchOne(s, op string) bool {
	switch op {
	case "eq":
		if c.re != nil {
			return c.re.MatchString(s)
		}
		return s == c.value
	case "=", "!=":
		if c.re != nil { // "=" with a wildcard-free literal
			return c.re.MatchString(s)
		}
		return s == c.value
	case ":":
		return hasMatch(s, c.value)
	case "<", "<=", ">", ">=":
		cmp := compareValues(s, c.value)
		switch op {
		case "<":
			return cmp < 0
		case "<=":
			return cmp <= 0
		case ">":
			return cmp > 0
		default:
			return cmp >= 0
		}
	}
	return false
}

func hasMatch(s, pattern string) bool {
	s, pattern = strings.ToLower(s), strings.ToLower(pattern)
	if pattern == "*" {
		return s != ""
	}
	if strings.Contains(pattern, "*") {
		q := regexp.QuoteMeta(pattern)
		q = strings.ReplaceAll(q, `\*`, ".*")
		re, err := regexp.Compile("^(?:" + q + ")$")
		return err == nil && re.MatchString(s)
	}
	return strings.Contains(s, pattern)
}

func compareValues(a, b string) int {
	fa, ea := strconv.ParseFloat(a, 64)
	fb, eb := strconv.ParseFloat(b, 64)
	if ea == nil && eb == nil {
		switch {
		case fa < fb:
			return -1
		case fa > fb:
			return 1
		}
		return 0
	}
	return strings.Compare(a, b)
}

// lookupField returns the string forms of every value at path in v.
func lookupField(v any, path []string) []string {
	if len(path) == 0 {
		switch x := v.(type) {
		case nil:
			return nil
		case string:
			return []string{x}
		case bool:
			return []string{strconv.FormatBool(x)}
		case float64:
			return []string{strconv.FormatFloat(x, 'f', -1, 64)}
		case json.Number:
			return []string{x.String()}
		case []any:
			var out []string
			for _, e := range x {
				out = append(out, lookupField(e, nil)...)
			}
			return out
		default:
			b, _ := json.Marshal(x)
			return []string{string(b)}
		}
	}
	switch x := v.(type) {
	case map[string]any:
		return lookupField(x[path[0]], path[1:])
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, lookupField(e, path)...)
		}
		return out
	}
	return nil
}

// parseFilter parses a filter expression; "" gives nil (match all).
func parseFilter(s string) (filterExpr, error) {
	p := &filterParser{toks: nil}
	toks, err := lexFilter(s)
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 {
		return nil, nil
	}
	p.toks = toks
	x, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.toks) {
		return nil, fmt.Errorf("unexpected %q at position %d", p.toks[p.pos].text, p.toks[p.pos].pos)
	}
	return x, nil
}

type filterToken struct {
	text   string
	quoted bool
	pos    int
}

func lexFilter(s string) ([]filterToken, error) {
	var toks []filterToken
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')':
			toks = append(toks, filterToken{text: string(c), pos: i})
			i++
		case c == '"' || c == '\'':
			start := i
			i++
			var b strings.Builder
			for {
				if i >= len(s) {
					return nil, fmt.Errorf("unterminated string at position %d", start)
				}
				if s[i] == '\\' && i+1 < len(s) {
					if s[i+1] == c {
						b.WriteByte(c)
					} else {
						b.WriteByte('\\')
						b.WriteByte(s[i+1])
					}
					i += 2
					continue
				}
				if s[i] == c {
					i++
					break
				}
				b.WriteByte(s[i])
				i++
			}
			toks = append(toks, filterToken{text: b.String(), quoted: true, pos: start})
		case c == '!' && i+1 < len(s) && s[i+1] == '=':
			toks = append(toks, filterToken{text: "!=", pos: i})
			i += 2
		case c == '<' || c == '>':
			op := string(c)
			if i+1 < len(s) && s[i+1] == '=' {
				op += "="
			}
			toks = append(toks, filterToken{text: op, pos: i})
			i += len(op)
		case c == '=' || c == ':' || c == '~':
			toks = append(toks, filterToken{text: string(c), pos: i})
			i++
		default:
			start := i
			for i < len(s) && !strings.ContainsRune(" \t\r\n()\"'=:!<>~", rune(s[i])) {
				i++
			}
			if i == start { // a lone '!'
				return nil, fmt.Errorf("unexpected %q at position %d", s[i], i)
			}
			toks = append(toks, filterToken{text: s[start:i], pos: start})
		}
	}
	return toks, nil
}

type filterParser struct {
	toks []filterToken
	pos  int
}

func (p *filterParser) peek() (filterToken, bool) {
	if p.pos < len(p.toks) {
		return p.toks[p.pos], true
	}
	return filterToken{}, false
}

func (p *filterParser) keyword(t filterToken, kw string) bool {
	return !t.quoted && strings.EqualFold(t.text, kw)
}

func (p *filterParser) parseOr() (filterExpr, error) {
	x, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	ors := orExpr{x}
	for {
		t, ok := p.peek()
		if !ok || !p.keyword(t, "OR") {
			break
		}
		p.pos++
		y, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		ors = append(ors, y)
	}
	if len(ors) == 1 {
		return ors[0], nil
	}
	return ors, nil
}

func (p *filterParser) parseAnd() (filterExpr, error) {
	x, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	ands := andExpr{x}
	for {
		t, ok := p.peek()
		if !ok || (!t.quoted && t.text == ")") || p.keyword(t, "OR") {
			break
		}
		if p.keyword(t, "AND") {
			p.pos++
		}
		y, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		ands = append(ands, y)
	}
	if len(ands) == 1 {
		return ands[0], nil
	}
	return ands, nil
}

func (p *filterParser) parseUnary() (filterExpr, error) {
	t, ok := p.peek()
	if !ok {
		return nil, fmt.Errorf("unexpected end of filter")
	}
	if p.keyword(t, "NOT") || (!t.quoted && t.text == "-") {
		p.pos++
		x, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		return notExpr{x}, nil
	}
	if !t.quoted && t.text == "(" {
		p.pos++
		x, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		t, ok := p.peek()
		if !ok || t.quoted || t.text != ")" {
			return nil, fmt.Errorf("missing ')'")
		}
		p.pos++
		return x, nil
	}
	return p.parseComparison()
}

var filterOps = map[string]bool{"eq": true, "ne": true, "=": true, "!=": true, ":": true, "~": true, "<": true, "<=": true, ">": true, ">=": true}

func (p *filterParser) parseComparison() (filterExpr, error) {
	field, _ := p.peek()
	if field.quoted || field.text == ")" || field.text == "(" || filterOps[field.text] {
		return nil, fmt.Errorf("expected a field name at position %d", field.pos)
	}
	p.pos++
	opTok, ok := p.peek()
	if !ok || opTok.quoted || !filterOps[strings.ToLower(opTok.text)] {
		return nil, fmt.Errorf("expected an operator after %q", field.text)
	}
	p.pos++
	val, ok := p.peek()
	if !ok || (!val.quoted && (val.text == "(" || val.text == ")")) {
		return nil, fmt.Errorf("expected a value after %q %s", field.text, opTok.text)
	}
	p.pos++
	c := &cmpExpr{field: strings.Split(field.text, "."), op: strings.ToLower(opTok.text), value: val.text}
	switch c.op {
	case "eq", "ne", "~":
		re, err := regexp.Compile("^(?:" + c.value + ")$")
		if err != nil {
			return nil, fmt.Errorf("invalid regular expression %q: %v", c.value, err)
		}
		c.re = re
		if c.op == "~" { // partial match
			if c.re, err = regexp.Compile(c.value); err != nil {
				return nil, fmt.Errorf("invalid regular expression %q: %v", c.value, err)
			}
			c.op = "eq"
		}
	case "=", "!=":
		if strings.Contains(c.value, "*") {
			q := strings.ReplaceAll(regexp.QuoteMeta(c.value), `\*`, ".*")
			re, err := regexp.Compile("^(?:" + q + ")$")
			if err != nil {
				return nil, fmt.Errorf("invalid value %q: %v", c.value, err)
			}
			c.re = re
		}
	}
	return c, nil
}

// filterItems keeps the items that match expr (nil keeps all). Items are
// compared in their JSON form.
func filterItems[T any](items []T, expr filterExpr) []T {
	if expr == nil {
		return items
	}
	out := items[:0:0]
	for _, it := range items {
		if expr.match(jsonValue(it)) {
			out = append(out, it)
		}
	}
	return out
}

func jsonValue(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}
