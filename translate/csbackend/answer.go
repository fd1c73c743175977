package csbackend

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/apache/cloudstack-go/v2/cloudstack"
)

// Decoding each CloudStack answer once (issue 15).
//
// cloudstack-go's CustomRequest parses a successful answer twice before
// handing it over: getRawValue unmarshals the whole body into a map to
// unwrap the {"<command>response": …} envelope, then CustomRequest
// unmarshals the unwrapped value again into the caller's json.RawMessage (a
// validation pass and a copy). csbackend then decodes it a third time into
// its own structs. For a page of 100 VMs (≈ 150 KB) those two library
// passes were ≈ 20 % of the in-process DescribeInstances(100) profile.
//
// cloudstack-go still builds, signs and sends every request and still reads
// and flattens every error answer (non-200); what changes is that a
// successful (200) body is kept by answerTransport, under the client, and
// cloudstack-go is handed a constant empty answer to parse instead. The
// adapter then unwraps the envelope itself (unwrapAnswer) and decodes the
// value once. A transport sees only its own client's calls, so each
// in-flight call has a client of its own (pooled per key pair, see
// Backend.acquire): the captured body is the answer to that call.

// emptyAnswer is what cloudstack-go parses in place of a captured 200
// answer: getRawValue unwraps it to {}, CustomRequest copies {}.
const emptyAnswer = `{"capturedresponse":{}}`

// answerTransport keeps the body of a 200 answer for the call in flight on
// its client (one at a time).
type answerTransport struct {
	base http.RoundTripper
	body []byte // the last 200 answer's body; nil before one arrived
	ok   bool   // body holds this call's answer
}

func (t *answerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		// Errors and error answers stay cloudstack-go's to read.
		return resp, err
	}
	buf := bytes.NewBuffer(t.body[:0])
	if resp.ContentLength > 0 && resp.ContentLength < 1<<30 {
		buf.Grow(int(resp.ContentLength))
	}
	_, err = buf.ReadFrom(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	t.body, t.ok = buf.Bytes(), true
	resp.Body = io.NopCloser(strings.NewReader(emptyAnswer))
	resp.ContentLength = int64(len(emptyAnswer))
	resp.Header.Del("Content-Length")
	return resp, nil
}

// pooledClient is a cloudstack-go client with its own answerTransport.
type pooledClient struct {
	cs *cloudstack.CloudStackClient
	tr *answerTransport
}

// take returns the captured answer of the call just made and forgets it.
// The bytes are the caller's (a fresh buffer is used for the next call).
func (c *pooledClient) take() ([]byte, bool) {
	b, ok := c.tr.body, c.tr.ok
	c.tr.body, c.tr.ok = nil, false
	return b, ok
}

// unwrapAnswer returns the value of a successful CloudStack answer,
// {"<command>response": VALUE}: CloudStack's JSON serializer writes exactly
// one member (server/src/main/java/com/cloud/api/response/
// ApiResponseSerializer.java, toJSONSerializedString). The value is sliced
// out without a parsing pass; whoever decodes it validates it (decode uses
// json.Unmarshal, decodePage checks the end of its input). Anything else
// gets cloudstack-go's reading (getRawValue): a list at the top level
// carrying "count" gives its first item, other objects their one member,
// and a body that is not JSON gives the same *json.SyntaxError as before.
func unwrapAnswer(body []byte) (json.RawMessage, error) {
	if v, ok := sliceEnvelope(body); ok {
		return v, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, err
	}
	if _, ok := m["count"]; ok {
		for k, v := range m {
			if k == "count" {
				continue
			}
			var items []json.RawMessage
			if err := json.Unmarshal(v, &items); err != nil {
				return nil, err
			}
			if len(items) == 0 {
				return nil, errors.New("Unable to extract the raw value: empty list")
			}
			return items[0], nil
		}
	}
	for _, v := range m {
		return v, nil
	}
	return nil, fmt.Errorf("Unable to extract the raw value from:\n\n%s\n\n", body)
}

// sliceEnvelope slices VALUE out of `{ "key" : VALUE }` when the body has
// that shape at its two ends and VALUE is an object; false otherwise.
func sliceEnvelope(b []byte) (json.RawMessage, bool) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return nil, false
	}
	i = skipSpace(b, i+1)
	if i >= len(b) || b[i] != '"' {
		return nil, false
	}
	j := i + 1
	for j < len(b) && b[j] != '"' {
		if b[j] == '\\' {
			return nil, false // not a command name
		}
		j++
	}
	if j >= len(b) || string(b[i+1:j]) == "count" {
		return nil, false
	}
	j = skipSpace(b, j+1)
	if j >= len(b) || b[j] != ':' {
		return nil, false
	}
	start := skipSpace(b, j+1)
	end := len(b)
	for end > start && isSpace(b[end-1]) {
		end--
	}
	if end <= start || b[end-1] != '}' {
		return nil, false
	}
	end--
	for end > start && isSpace(b[end-1]) {
		end--
	}
	if end <= start || b[start] != '{' || b[end-1] != '}' {
		return nil, false
	}
	return json.RawMessage(b[start:end]), true
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// errNoAnswer: cloudstack-go accepted an answer the transport did not
// capture (a 200 answer always is; kept as a guard).
var errNoAnswer = errors.New("Unable to extract the raw value: no answer captured")
