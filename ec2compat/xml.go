package ec2compat

import (
	"bytes"
	"encoding/xml"
	"sort"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/cloudgate/cloudgate/translate"
)

// response is what handlers return: a struct with EC2 wire element names
// that embeds meta (which receives the request id).
type response interface{ setRequestID(string) }

// meta is embedded first in every response struct.
type meta struct {
	RequestID string `xml:"requestId"`
}

func (m *meta) setRequestID(id string) { m.RequestID = id }

// returnResp is the answer of actions whose output is just <return>.
type returnResp struct {
	meta
	Return bool `xml:"return"`
}

func ok() (response, error) { return &returnResp{Return: true}, nil }

func xmlns(version string) string { return "http://ec2.amazonaws.com/doc/" + version + "/" }

// writeResponse encodes resp as <ActionResponse xmlns=…>.
func writeResponse(c *gin.Context, req *request, resp response) {
	resp.setRequestID(req.id)
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	start := xml.StartElement{
		Name: xml.Name{Local: req.action + "Response"},
		Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: xmlns(req.version)}},
	}
	if err := xml.NewEncoder(&buf).EncodeElement(resp, start); err != nil {
		writeError(c, 500, req, ec2Error{Code: "InternalError", Message: "An internal error has occurred"})
		return
	}
	c.Data(200, "text/xml;charset=UTF-8", buf.Bytes())
}

type errorDoc struct {
	XMLName   xml.Name    `xml:"Response"`
	Errors    []errorItem `xml:"Errors>Error"`
	RequestID string      `xml:"RequestID"`
}

type errorItem struct {
	Code    string `xml:"Code"`
	Message string `xml:"Message"`
}

// stsErrorDoc is the error document of the awsquery services (STS).
type stsErrorDoc struct {
	XMLName   xml.Name `xml:"ErrorResponse"`
	Type      string   `xml:"Error>Type"`
	Code      string   `xml:"Error>Code"`
	Message   string   `xml:"Error>Message"`
	RequestID string   `xml:"RequestId"`
}

// writeError is the only writer of error documents (EC2's, or STS's for
// requests signed for sts).
func writeError(c *gin.Context, status int, req *request, e ec2Error) {
	var doc any = errorDoc{Errors: []errorItem{{Code: e.Code, Message: e.Message}}, RequestID: req.id}
	if req.service == "sts" {
		typ := "Sender"
		if status >= 500 {
			typ = "Receiver"
		}
		doc = stsErrorDoc{Type: typ, Code: e.Code, Message: e.Message, RequestID: req.id}
	}
	b, _ := xml.Marshal(doc)
	c.Data(status, "text/xml;charset=UTF-8", append([]byte(xml.Header), b...))
}

// ts formats a time the way EC2 does ("" for the zero time).
func ts(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// tagItem is one tagSet item.
type tagItem struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

// tagSet renders user tags sorted by key (reserved tags dropped).
func tagSet(t translate.Tags) []tagItem {
	u := t.User()
	out := make([]tagItem, 0, len(u))
	for k, v := range u {
		out = append(out, tagItem{Key: k, Value: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// groupItem is a groupSet item.
type groupItem struct {
	GroupID   string `xml:"groupId"`
	GroupName string `xml:"groupName"`
}

// valueItem wraps <value> (attribute values).
type valueItem struct {
	Value string `xml:"value"`
}

// optValueItem is a <value> that may be absent.
type optValueItem struct {
	Value *string `xml:"value,omitempty"`
}
