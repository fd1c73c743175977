package gcecompat

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
)

// Request bodies are decoded strictly, as Google's front end does: a field
// the gateway does not know is "400 Invalid JSON payload received. Unknown
// name …" naming it, and anything after the JSON value is refused, so that a
// request is never half understood. Output-only fields that clients echo
// back from a GET (kind anywhere; id, creationTimestamp, selfLink,
// selfLinkWithId at the top level, as Libcloud's update helpers and PUT
// flows do) are accepted and ignored: they change nothing. So are unknown
// fields whose value is null, {} or [] (the Node client sends
// "asyncSecondaryDisks": {} and "resourceManagerTags": {} on every insert).

// echoedTopLevel are output-only fields accepted (and ignored) at the top
// level of any body.
var echoedTopLevel = map[string]bool{
	"kind": true, "id": true, "creationTimestamp": true, "selfLink": true, "selfLinkWithId": true,
}

var unmarshalerType = reflect.TypeOf((*json.Unmarshaler)(nil)).Elem()

// bindJSON decodes a request body into v; unknown fields, trailing data and
// malformed JSON are InvalidArgument. An empty body leaves v unchanged.
func bindJSON(c *gin.Context, v any) error {
	if c.Request.Body == nil || c.Request.ContentLength == 0 {
		return nil
	}
	raw, err := io.ReadAll(c.Request.Body)
	if err != nil {
		return invalid("Invalid JSON payload received. %v", err)
	}
	err = decodeStrict(raw, v)
	var uf *unknownFieldError
	if errors.As(err, &uf) {
		if schema := requestSchema(c); schema != "" && schemaHasPath(schema, uf.path) {
			// A GCE field this gateway does not implement (not a typo).
			return invalid("Invalid value for field 'resource.%s': this gateway does not implement this field, so it cannot honour it.", uf.path)
		}
		return invalid("Invalid JSON payload received. Unknown name %q: Cannot find field.", uf.path)
	}
	return err
}

// unknownFieldError is a body field the request type does not have.
type unknownFieldError struct{ path string }

func (e *unknownFieldError) Error() string {
	return fmt.Sprintf("Invalid JSON payload received. Unknown name %q: Cannot find field.", e.path)
}

// requestSchema is the discovery schema name of the request body of the
// method c was routed to ("" if none).
func requestSchema(c *gin.Context) string {
	path, ok := strings.CutPrefix(c.FullPath(), projectPrefix)
	if !ok {
		return ""
	}
	id := methodID(c.Request.Method, path)
	doc := discoveryDocument()
	res, _ := doc["resources"].(map[string]any)
	for _, r := range res {
		methods, _ := r.(map[string]any)["methods"].(map[string]any)
		for _, m := range methods {
			mm, _ := m.(map[string]any)
			if mm["id"] == id {
				req, _ := mm["request"].(map[string]any)
				ref, _ := req["$ref"].(string)
				return ref
			}
		}
	}
	return ""
}

// schemaHasPath reports whether Google's schema has the dotted field path
// (list indexes ignored).
func schemaHasPath(schema, path string) bool {
	schemas, _ := discoveryDocument()["schemas"].(map[string]any)
	cur, _ := schemas[schema].(map[string]any)
	for _, part := range strings.Split(path, ".") {
		if i := strings.IndexByte(part, '['); i >= 0 {
			part = part[:i]
		}
		props, _ := cur["properties"].(map[string]any)
		p, ok := props[part].(map[string]any)
		if !ok {
			return false
		}
		for {
			if items, ok := p["items"].(map[string]any); ok {
				p = items
				continue
			}
			if ap, ok := p["additionalProperties"].(map[string]any); ok && p["type"] == "object" && p["properties"] == nil {
				p = ap
				continue
			}
			break
		}
		if ref, ok := p["$ref"].(string); ok {
			p, _ = schemas[ref].(map[string]any)
		}
		cur = p
	}
	return true
}

// decodeStrict is bindJSON on bytes.
func decodeStrict(raw []byte, v any) error {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	dec := jsonDecoder(bytes.NewReader(raw))
	var generic any
	if err := dec.Decode(&generic); err != nil {
		return invalid("Invalid JSON payload received. %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	if tok, err := dec.Token(); err != io.EOF {
		return invalid("Invalid JSON payload received. Unexpected token after the request body: %v.", tokenText(tok, err))
	}
	obj, ok := generic.(map[string]any)
	if !ok {
		return invalid("Invalid JSON payload received. The request body must be a JSON object.")
	}
	for k := range echoedTopLevel {
		delete(obj, k)
	}
	if name := unknownField(obj, reflect.TypeOf(v), ""); name != "" {
		return &unknownFieldError{path: name}
	}
	clean, err := json.Marshal(obj)
	if err != nil {
		return invalid("Invalid JSON payload received. %v", err)
	}
	if err := jsonDecoder(bytes.NewReader(clean)).Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return invalid("Invalid value at '%s' (%s): %s", te.Field, te.Type, te.Value)
		}
		return invalid("Invalid JSON payload received. %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	return nil
}

func tokenText(tok json.Token, err error) string {
	if err != nil {
		return "invalid JSON"
	}
	return fmt.Sprint(tok)
}

// unknownField walks a decoded JSON value against the Go type it will be
// decoded into and returns the dotted path of the first field the type does
// not have ("" if none). Objects inside the value may carry "kind".
func unknownField(val any, t reflect.Type, path string) string {
	for t.Kind() == reflect.Pointer {
		if t.Implements(unmarshalerType) {
			return ""
		}
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) || t.Implements(unmarshalerType) {
		return ""
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := val.(map[string]any)
		if !ok {
			return "" // a type error, reported by the decoder
		}
		fields := jsonFields(t)
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			f, ok := fields[k]
			if !ok {
				if k == "kind" || isEmptyJSON(obj[k]) {
					delete(obj, k)
					continue
				}
				return joinPath(path, k)
			}
			if bad := unknownField(obj[k], f.Type, joinPath(path, k)); bad != "" {
				return bad
			}
		}
	case reflect.Slice, reflect.Array:
		list, ok := val.([]any)
		if !ok {
			return ""
		}
		for i, item := range list {
			if bad := unknownField(item, t.Elem(), path+"["+strconv.Itoa(i)+"]"); bad != "" {
				return bad
			}
		}
	case reflect.Map:
		obj, ok := val.(map[string]any)
		if !ok {
			return ""
		}
		for k, item := range obj {
			if bad := unknownField(item, t.Elem(), joinPath(path, k)); bad != "" {
				return bad
			}
		}
	}
	return ""
}

// isEmptyJSON reports whether v is null, {} or []: what proto-JSON
// serializers (the Node and other GAPIC REST clients) send for every unset
// map or repeated field, asking for nothing.
func isEmptyJSON(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case map[string]any:
		return len(t) == 0
	case []any:
		return len(t) == 0
	}
	return false
}

func joinPath(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

// jsonFields maps a struct's JSON names to its fields (embedded structs
// flattened, "-" skipped).
func jsonFields(t reflect.Type) map[string]reflect.StructField {
	m := map[string]reflect.StructField{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			for k, v := range jsonFields(ft) {
				m[k] = v
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		m[name] = f
	}
	return m
}
