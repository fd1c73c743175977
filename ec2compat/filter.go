package ec2compat

import (
	"strings"

	"github.com/cloudgate/cloudgate/translate"
)

// fields maps an EC2 filter name to the values of one item it matches
// against. Tag filters (tag:K, tag-key, tag-value) are handled by
// applyFilters through the tags function.
type fields[T any] map[string]func(T) []string

// applyFilters keeps the items matching every filter (values of one filter
// are ORed). Values may use the * and ? wildcards (\ escapes them).
// Unknown filter names are InvalidParameterValue.
func applyFilters[T any](items []T, fs []filter, f fields[T], tags func(T) translate.Tags) ([]T, error) {
	for _, flt := range fs {
		if _, ok := f[flt.Name]; ok {
			continue
		}
		if tags != nil && (strings.HasPrefix(flt.Name, "tag:") || flt.Name == "tag-key" || flt.Name == "tag-value") {
			continue
		}
		return nil, apiErrf("InvalidParameterValue", "The filter '%s' is invalid", flt.Name)
	}
	var out []T
	for _, it := range items {
		if matchAll(it, fs, f, tags) {
			out = append(out, it)
		}
	}
	return out, nil
}

func matchAll[T any](it T, fs []filter, f fields[T], tags func(T) translate.Tags) bool {
	for _, flt := range fs {
		var vals []string
		switch {
		case f[flt.Name] != nil:
			vals = f[flt.Name](it)
		case strings.HasPrefix(flt.Name, "tag:"):
			if v, ok := tags(it).User()[strings.TrimPrefix(flt.Name, "tag:")]; ok {
				vals = []string{v}
			}
		case flt.Name == "tag-key":
			for k := range tags(it).User() {
				vals = append(vals, k)
			}
		case flt.Name == "tag-value":
			for _, v := range tags(it).User() {
				vals = append(vals, v)
			}
		}
		if !matchAny(flt.Values, vals) {
			return false
		}
	}
	return true
}

func matchAny(patterns, vals []string) bool {
	for _, p := range patterns {
		for _, v := range vals {
			if wildcardMatch(p, v) {
				return true
			}
		}
	}
	return false
}

// wildcardMatch matches s against an EC2 filter pattern: * is any run of
// characters, ? any one character, \ escapes the next character.
func wildcardMatch(pattern, s string) bool {
	p := []rune(pattern)
	r := []rune(s)
	// Iterative matcher with backtracking to the last star.
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(r) {
		if pi < len(p) {
			switch {
			case p[pi] == '*':
				star, mark = pi, si
				pi++
				continue
			case p[pi] == '?':
				pi++
				si++
				continue
			case p[pi] == '\\' && pi+1 < len(p):
				if p[pi+1] == r[si] {
					pi += 2
					si++
					continue
				}
			case p[pi] == r[si]:
				pi++
				si++
				continue
			}
		}
		if star < 0 {
			return false
		}
		pi = star + 1
		mark++
		si = mark
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// one returns a single-value field.
func one(v string) []string {
	if v == "" {
		return nil
	}
	return []string{v}
}

func boolStr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
