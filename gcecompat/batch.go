package gcecompat

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"sync"

	"github.com/cloudgate/cloudgate/translate"
	"github.com/gin-gonic/gin"
)

// The batch endpoint (POST /batch/compute/v1) takes a multipart/mixed body
// whose parts are application/http requests (LF or CRLF line endings). Each
// part is served in-process by the same routes, with the outer request's
// Authorization, and answered in a part whose Content-ID is
// "<response-" + the request part's Content-ID + ">".

const (
	maxBatchParts = 1000
	maxBatchBytes = 32 << 20
	batchWorkers  = 8
)

// batchPart is one decoded sub-request.
type batchPart struct {
	contentID string
	req       *http.Request
	err       error // the part could not be parsed
}

// parseBatch decodes a multipart/mixed batch body.
func parseBatch(contentType string, body io.Reader) ([]batchPart, error) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || !strings.HasPrefix(mt, "multipart/") || params["boundary"] == "" {
		return nil, invalid("Invalid batch request: Content-Type must be multipart/mixed with a boundary.")
	}
	mr := multipart.NewReader(body, params["boundary"])
	var parts []batchPart
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, invalid("Invalid batch request: %v", err)
		}
		if len(parts) >= maxBatchParts {
			return nil, invalid("Invalid batch request: more than %d parts.", maxBatchParts)
		}
		raw, err := io.ReadAll(p)
		if err != nil {
			return nil, invalid("Invalid batch request: %v", err)
		}
		id := strings.TrimSpace(p.Header.Get("Content-ID"))
		id = strings.TrimSuffix(strings.TrimPrefix(id, "<"), ">")
		if id == "" {
			id = strconv.Itoa(len(parts))
		}
		req, err := parseSubRequest(raw)
		parts = append(parts, batchPart{contentID: id, req: req, err: err})
	}
	return parts, nil
}

// parseSubRequest reads one application/http request; the body is what
// Content-Length says, or everything after the headers.
func parseSubRequest(raw []byte) (*http.Request, error) {
	raw = bytes.TrimLeft(raw, "\r\n")
	br := bufio.NewReader(bytes.NewReader(raw))
	tp := textproto.NewReader(br)
	line, err := tp.ReadLine()
	if err != nil {
		return nil, fmt.Errorf("missing request line")
	}
	method, rest, ok1 := strings.Cut(line, " ")
	target, proto, ok2 := strings.Cut(rest, " ")
	if !ok1 || !ok2 || !strings.HasPrefix(proto, "HTTP/") {
		return nil, fmt.Errorf("malformed request line %q", line)
	}
	hdr, err := tp.ReadMIMEHeader()
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("malformed headers: %v", err)
	}
	body, _ := io.ReadAll(br)
	if cl := hdr.Get("Content-Length"); cl != "" {
		if n, err := strconv.Atoi(cl); err == nil && n >= 0 && n <= len(body) {
			body = body[:n]
		}
	} else {
		body = bytes.TrimRight(body, "\r\n")
	}
	req, err := http.NewRequest(method, target, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("malformed request target %q", target)
	}
	req.Header = http.Header(hdr)
	req.ContentLength = int64(len(body))
	req.Header.Del("Content-Length")
	return req, nil
}

// partWriter is an in-memory http.ResponseWriter for one part.
type partWriter struct {
	h      http.Header
	status int
	buf    bytes.Buffer
}

func (w *partWriter) Header() http.Header { return w.h }
func (w *partWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}
func (w *partWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.buf.Write(b)
}

func (s *server) batch(c *gin.Context) {
	body := http.MaxBytesReader(c.Writer, c.Request.Body, maxBatchBytes)
	parts, err := parseBatch(c.GetHeader("Content-Type"), body)
	if err != nil {
		s.writeError(c, err)
		return
	}
	results := make([]*partWriter, len(parts))
	var wg sync.WaitGroup
	sem := make(chan struct{}, batchWorkers)
	for i := range parts {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer func() { <-sem; wg.Done() }()
			defer func() {
				if r := recover(); r != nil {
					s.log.Error("gce batch part panicked", "panic", r)
					results[i] = &partWriter{h: http.Header{}, status: http.StatusInternalServerError,
						buf: *bytes.NewBufferString(`{"error":{"code":500,"message":"internal error","errors":[{"domain":"global","reason":"backendError","message":"internal error"}]}}`)}
				}
			}()
			results[i] = s.servePart(c, parts[i])
		}(i)
	}
	wg.Wait()

	var out bytes.Buffer
	mw := multipart.NewWriter(&out)
	for i, p := range parts {
		w := results[i]
		hdr := textproto.MIMEHeader{}
		hdr.Set("Content-Type", "application/http")
		hdr.Set("Content-ID", "<response-"+p.contentID+">")
		pw, _ := mw.CreatePart(hdr)
		ct := w.h.Get("Content-Type")
		if ct == "" {
			ct = "application/json; charset=UTF-8"
		}
		fmt.Fprintf(pw, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\n", w.status, http.StatusText(w.status), ct)
		if a := w.h.Get("WWW-Authenticate"); a != "" {
			fmt.Fprintf(pw, "WWW-Authenticate: %s\r\n", a)
		}
		fmt.Fprintf(pw, "Content-Length: %d\r\n\r\n", w.buf.Len())
		pw.Write(w.buf.Bytes())
	}
	mw.Close()
	c.Data(http.StatusOK, "multipart/mixed; boundary="+mw.Boundary(), out.Bytes())
}

// servePart runs one sub-request through the routes.
func (s *server) servePart(c *gin.Context, p batchPart) *partWriter {
	w := &partWriter{h: http.Header{}}
	if p.err != nil {
		ginCtx, _ := gin.CreateTestContext(w)
		ginCtx.Request = c.Request
		s.writeError(ginCtx, translate.Errorf(translate.InvalidArgument, "", "", "Invalid batch part: %v", p.err))
		return w
	}
	req := p.req.WithContext(c.Request.Context())
	req.RemoteAddr = c.Request.RemoteAddr
	req.Host = c.Request.Host
	if req.Header.Get("Authorization") == "" {
		if a := c.GetHeader("Authorization"); a != "" {
			req.Header.Set("Authorization", a)
		}
	}
	s.batchTo.ServeHTTP(w, req)
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w
}
