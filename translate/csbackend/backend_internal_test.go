package csbackend

import (
	"net/http"
	"testing"
)

func TestClientCache(t *testing.T) {
	hc := &http.Client{}
	b := NewBackend("http://cs.invalid/client/api", &Options{HTTPClient: hc, MaxClients: 2})
	a1 := b.client("a", "s")
	if b.client("a", "s") != a1 {
		t.Fatal("client not reused for the same key pair")
	}
	if b.client("a", "other") == a1 {
		t.Fatal("client reused after the secret changed")
	}
	b.client("b", "s")
	b.client("c", "s")
	if len(b.clients) != 2 {
		t.Fatalf("cache holds %d clients, want 2", len(b.clients))
	}
	if _, ok := b.clients["a"]; ok {
		t.Fatal("least recently used client not evicted")
	}
	if hc.Jar != nil {
		t.Fatal("the caller's http.Client was modified")
	}
}
