package csbackend

import (
	"net/http"
	"testing"
)

func TestClientCache(t *testing.T) {
	hc := &http.Client{}
	b := NewBackend("http://cs.invalid/client/api", &Options{HTTPClient: hc, MaxClients: 2})
	a1 := b.acquire("a", "s")
	b.release("a", "s", a1)
	if b.acquire("a", "s") != a1 {
		t.Fatal("client not reused for the same key pair")
	}
	if a2 := b.acquire("a", "s"); a2 == a1 {
		t.Fatal("a client in use handed out twice")
	} else {
		b.release("a", "s", a2)
	}
	b.release("a", "s", a1)
	if c := b.acquire("a", "other"); c == a1 || len(b.clients["a"].idle) != 0 {
		t.Fatal("client reused after the secret changed")
	}
	b.acquire("b", "s")
	b.acquire("c", "s")
	if len(b.clients) != 2 {
		t.Fatalf("cache holds %d key pairs, want 2", len(b.clients))
	}
	if _, ok := b.clients["a"]; ok {
		t.Fatal("least recently used key pair not evicted")
	}
	b.release("a", "other", a1) // its key pair is gone: dropped
	if _, ok := b.clients["a"]; ok {
		t.Fatal("release re-created an evicted key pair")
	}
	if hc.Jar != nil || hc.Transport != nil {
		t.Fatal("the caller's http.Client was modified")
	}
}
