package gcecompat

import (
	"io"
	"strings"
	"testing"
)

const batchLF = "--===============8738907601723550794==\n" +
	"Content-Type: application/http\n" +
	"MIME-Version: 1.0\n" +
	"Content-Transfer-Encoding: binary\n" +
	"Content-ID: <d0426817-87d5-4aae-ac0f-cb53b829b53b+0>\n" +
	"\n" +
	"POST /compute/v1/projects/proj/zones/local1-b/instances?alt=json HTTP/1.1\n" +
	"Content-Type: application/json\n" +
	"MIME-Version: 1.0\n" +
	"content-length: 14\n" +
	"user-agent: google-cloud-sdk\n" +
	"Host: 127.0.0.1:8080\n" +
	"\n" +
	"{\"name\":\"vm5\"}\n" +
	"--===============8738907601723550794==\n" +
	"Content-Type: application/http\n" +
	"Content-ID: <d0426817-87d5-4aae-ac0f-cb53b829b53b+1>\n" +
	"\n" +
	"GET /compute/v1/projects/centos-cloud/global/images?alt=json&maxResults=500 HTTP/1.1\n" +
	"\n" +
	"\n" +
	"--===============8738907601723550794==--\n"

func TestParseBatchLF(t *testing.T) {
	parts, err := parseBatch(`multipart/mixed; boundary="===============8738907601723550794=="`, strings.NewReader(batchLF))
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 2 {
		t.Fatalf("got %d parts", len(parts))
	}
	p := parts[0]
	if p.err != nil || p.contentID != "d0426817-87d5-4aae-ac0f-cb53b829b53b+0" {
		t.Fatalf("part 0 = %+v", p)
	}
	if p.req.Method != "POST" || p.req.URL.Path != "/compute/v1/projects/proj/zones/local1-b/instances" || p.req.URL.Query().Get("alt") != "json" {
		t.Fatalf("part 0 request = %s %s", p.req.Method, p.req.URL)
	}
	body, _ := io.ReadAll(p.req.Body)
	if string(body) != `{"name":"vm5"}` {
		t.Fatalf("part 0 body = %q", body)
	}
	q := parts[1]
	if q.err != nil || q.req.Method != "GET" || q.req.URL.Query().Get("maxResults") != "500" {
		t.Fatalf("part 1 = %+v", q)
	}
	body, _ = io.ReadAll(q.req.Body)
	if len(body) != 0 {
		t.Fatalf("part 1 body = %q", body)
	}
}

func TestParseBatchCRLF(t *testing.T) {
	crlf := strings.ReplaceAll(batchLF, "\n", "\r\n")
	parts, err := parseBatch(`multipart/mixed; boundary="===============8738907601723550794=="`, strings.NewReader(crlf))
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 2 || parts[0].err != nil || parts[1].err != nil {
		t.Fatalf("parts = %+v", parts)
	}
	body, _ := io.ReadAll(parts[0].req.Body)
	if string(body) != `{"name":"vm5"}` {
		t.Fatalf("body = %q", body)
	}
}

func TestParseBatchErrors(t *testing.T) {
	if _, err := parseBatch("application/json", strings.NewReader("{}")); err == nil {
		t.Error("non-multipart accepted")
	}
	parts, err := parseBatch(`multipart/mixed; boundary=b`, strings.NewReader("--b\nContent-ID: <x+0>\n\nnot a request\n--b--\n"))
	if err != nil || len(parts) != 1 || parts[0].err == nil {
		t.Errorf("bad part: %+v %v", parts, err)
	}
}

func FuzzBatch(f *testing.F) {
	f.Add(`multipart/mixed; boundary="===============8738907601723550794=="`, batchLF)
	f.Add(`multipart/mixed; boundary=b`, "--b\r\nContent-ID: <a+1>\r\n\r\nGET /x HTTP/1.1\r\n\r\n\r\n--b--\r\n")
	f.Add(`multipart/mixed; boundary=b`, "--b\nContent-ID: <a+1>\n\nPOST /x HTTP/1.1\ncontent-length: 99\n\n{}\n--b--\n")
	f.Fuzz(func(t *testing.T, ct, body string) {
		parts, err := parseBatch(ct, strings.NewReader(body))
		if err != nil {
			return
		}
		for _, p := range parts {
			if p.err == nil && p.req == nil {
				t.Fatal("part without request or error")
			}
			if p.req != nil {
				_, _ = io.ReadAll(p.req.Body)
			}
		}
	})
}
