// Package codec stands in for github.com/ugorji/go/codec in cloudgate's
// builds (go.mod replace). gin imports that package only for its
// MessagePack binding and renderer (gin/binding/msgpack.go,
// gin/render/msgpack.go), which cloudgate never uses: the gateway speaks
// EC2 Query (form in, XML out) and GCE REST (JSON), and binds no request
// with gin. Compiling the real codec was a fifth of the serving binary's
// cold build and about 8 MB of the binary (issue 15, bench/RESULTS.md), so
// this module keeps only the API gin calls, and every call fails with
// ErrUnsupported: a MessagePack body or response is refused, never
// half-decoded. gin's own switch for this is the nomsgpack build tag,
// which a plain `go run`/`go build` cannot set from go.mod.
package codec

import (
	"errors"
	"io"
)

// ErrUnsupported is returned by every encode and decode.
var ErrUnsupported = errors.New("MessagePack is not supported by cloudgate")

// Handle is the codec handle interface (only MsgpackHandle here).
type Handle interface{ isHandle() }

// MsgpackHandle selects MessagePack.
type MsgpackHandle struct {
	// RawToString and WriteExt are the options gin versions set.
	RawToString, WriteExt bool
}

func (*MsgpackHandle) isHandle() {}

// Decoder refuses to decode.
type Decoder struct{}

// NewDecoder returns a Decoder that refuses to decode.
func NewDecoder(io.Reader, Handle) *Decoder { return &Decoder{} }

// Decode returns ErrUnsupported.
func (*Decoder) Decode(any) error { return ErrUnsupported }

// Encoder refuses to encode.
type Encoder struct{}

// NewEncoder returns an Encoder that refuses to encode.
func NewEncoder(io.Writer, Handle) *Encoder { return &Encoder{} }

// Encode returns ErrUnsupported.
func (*Encoder) Encode(any) error { return ErrUnsupported }
