package translate

import (
	"errors"
	"fmt"
)

// Kind classifies an error in protocol-neutral terms. Values are
// append-only: never reorder or reuse them.
type Kind int

const (
	Unknown              Kind = iota // unclassified; wire layers treat it as internal
	Internal                         // a bug or an unexpected CloudStack answer
	NotFound                         // the named resource does not exist (or is not visible to the caller)
	AlreadyExists                    // a resource with that name already exists
	InvalidArgument                  // a parameter value is wrong
	Malformed                        // an identifier or value is syntactically invalid
	FailedPrecondition               // the resource is in the wrong state for the operation
	InUse                            // the resource is in use (attached, associated, referenced)
	PermissionDenied                 // the caller may not do this
	Unauthenticated                  // no, unknown or wrong credentials
	SignatureMismatch                // credentials known but the request signature is wrong
	Expired                          // the request or token is too old (or too far in the future)
	InsufficientCapacity             // the cloud has no room (CloudStack 533)
	LimitExceeded                    // an account resource limit was hit (CloudStack 532)
	Unavailable                      // the backend is down or refuses work; clients should retry
	Unimplemented                    // not supported by this gateway or backend
	DeadlineExceeded                 // the backend did not answer in time
	Throttled                        // too many requests from this caller
	DryRun                           // a dry run that would have succeeded
)

var kindNames = [...]string{
	Unknown: "unknown", Internal: "internal", NotFound: "not found",
	AlreadyExists: "already exists", InvalidArgument: "invalid argument",
	Malformed: "malformed", FailedPrecondition: "failed precondition",
	InUse: "in use", PermissionDenied: "permission denied",
	Unauthenticated: "unauthenticated", SignatureMismatch: "signature mismatch",
	Expired: "expired", InsufficientCapacity: "insufficient capacity",
	LimitExceeded: "limit exceeded", Unavailable: "unavailable",
	Unimplemented: "unimplemented", DeadlineExceeded: "deadline exceeded",
	Throttled: "throttled", DryRun: "dry run",
}

func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Resource names the kind of object an error is about. Wire layers use it to
// pick resource-specific codes (EC2's InvalidInstanceID.NotFound versus
// InvalidVolume.NotFound, for example).
type Resource string

const (
	ResInstance      Resource = "instance"
	ResImage         Resource = "image"
	ResVolume        Resource = "volume"
	ResSnapshot      Resource = "snapshot"
	ResSecurityGroup Resource = "securitygroup"
	ResRule          Resource = "rule"
	ResKeyPair       Resource = "keypair"
	ResAddress       Resource = "address"
	ResZone          Resource = "zone"
	ResOffering      Resource = "offering" // machine type / instance type
	ResDiskOffering  Resource = "diskoffering"
	ResNetwork       Resource = "network"
	ResVPC           Resource = "vpc"
	ResJob           Resource = "job" // operation
	ResTag           Resource = "tag"
	ResAccount       Resource = "account"
	ResInstanceGroup Resource = "instancegroup"
)

// Error is the error type of the core. Op is the Service method or
// CloudStack command that failed, Resource and ID what it was about, and
// Message a client-safe description. Err is the underlying cause, kept for
// logs; wire layers must not show it to clients when Kind is Internal or
// Unknown.
type Error struct {
	Op       string
	Kind     Kind
	Resource Resource
	ID       string
	Message  string
	Err      error
}

func (e *Error) Error() string {
	msg := e.Message
	if msg == "" && e.Err != nil {
		msg = e.Err.Error()
	}
	if msg == "" {
		msg = e.Kind.String()
	}
	if e.Op != "" {
		return e.Op + ": " + msg
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error of the given kind with a formatted, client-safe
// message.
func Errorf(k Kind, res Resource, id string, format string, args ...any) *Error {
	return &Error{Kind: k, Resource: res, ID: id, Message: fmt.Sprintf(format, args...)}
}

// KindOf returns the Kind of err: Unknown for a non-nil error that is not an
// *Error, and Unknown for nil too (callers check nil first).
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Unknown
}

// AsError returns the *Error inside err, or wraps err as an Internal error.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Kind: Internal, Err: err}
}
