package simulator

import (
	"encoding/xml"
	"fmt"
	"sort"
	"strings"
)

// renderXML serializes a response body the way CloudStack's XML serializer shapes it:
// the root element is the response name with a cloud-stack-version attribute, objects
// become child elements and arrays become repeated elements.
func renderXML(root string, body obj) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>`)
	fmt.Fprintf(&b, `<%s cloud-stack-version="%s">`, root, CloudStackVersion)
	writeXMLFields(&b, body)
	fmt.Fprintf(&b, "</%s>", root)
	return b.String()
}

func writeXMLFields(b *strings.Builder, o obj) {
	keys := make([]string, 0, len(o))
	for k := range o {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		// count first, like CloudStack
		if (keys[i] == "count") != (keys[j] == "count") {
			return keys[i] == "count"
		}
		return keys[i] < keys[j]
	})
	for _, k := range keys {
		writeXMLValue(b, k, o[k])
	}
}

func writeXMLValue(b *strings.Builder, name string, v any) {
	switch x := v.(type) {
	case nil:
		return
	case obj:
		fmt.Fprintf(b, "<%s>", name)
		writeXMLFields(b, x)
		fmt.Fprintf(b, "</%s>", name)
	case map[string]string:
		fmt.Fprintf(b, "<%s>", name)
		m := obj{}
		for k, s := range x {
			m[k] = s
		}
		writeXMLFields(b, m)
		fmt.Fprintf(b, "</%s>", name)
	case []obj:
		for _, e := range x {
			writeXMLValue(b, name, e)
		}
	case []any:
		for _, e := range x {
			writeXMLValue(b, name, e)
		}
	case []string:
		for _, e := range x {
			writeXMLValue(b, name, e)
		}
	default:
		fmt.Fprintf(b, "<%s>", name)
		xml.EscapeText(b, []byte(fmt.Sprint(x)))
		fmt.Fprintf(b, "</%s>", name)
	}
}
