package translate

import (
	"context"
	"errors"
	"sort"
	"strings"
	"time"
)

// Options configures a Service. A nil *Options means defaults.
type Options struct {
	// JobPollInterval is how often Service polls CloudStack async jobs when
	// it has to wait for one (default 200ms).
	JobPollInterval time.Duration
	// JobTimeout bounds waiting for one async job (default 5m).
	JobTimeout time.Duration
	// CatalogTTL is how long zones, service offerings and disk offerings
	// are cached per caller (default 30s; 0 keeps the default, negative
	// disables). Templates are not cached.
	CatalogTTL time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
	// CustomCPUSpeedMHz is sent as details[0].cpuSpeed for custom sizes of
	// offerings without a CPU speed (default DefaultCustomCPUSpeedMHz).
	CustomCPUSpeedMHz int
	// TerminatedVisibility is how long EC2-style listings keep showing an
	// instance as terminated after it was destroyed (default 1h, as AWS).
	TerminatedVisibility time.Duration
}

// Service is the protocol-neutral core used by every wire layer. It is
// safe for concurrent use and holds no state that another replica needs.
type Service struct {
	cs    CloudStack
	opts  Options
	cache *catalogCache
	// tokens serializes launches with the same client token.
	tokens tokenLocks
}

// New returns a Service over the CloudStack port cs.
func New(cs CloudStack, opts *Options) *Service {
	s := &Service{cs: cs, cache: newCatalogCache()}
	if opts != nil {
		s.opts = *opts
	}
	if s.opts.JobPollInterval <= 0 {
		s.opts.JobPollInterval = 200 * time.Millisecond
	}
	if s.opts.JobTimeout <= 0 {
		s.opts.JobTimeout = 5 * time.Minute
	}
	if s.opts.CatalogTTL == 0 {
		s.opts.CatalogTTL = 30 * time.Second
	}
	if s.opts.Now == nil {
		s.opts.Now = time.Now
	}
	if s.opts.CustomCPUSpeedMHz <= 0 {
		s.opts.CustomCPUSpeedMHz = DefaultCustomCPUSpeedMHz
	}
	if s.opts.TerminatedVisibility <= 0 {
		s.opts.TerminatedVisibility = time.Hour
	}
	return s
}

// Tags are resource tags (CloudStack resource tags; EC2 tags; GCE labels).
// Keys starting with ReservedTagPrefix are the gateway's own; Tags fields
// returned by Service include them, and User drops them.
type Tags map[string]string

// ReservedTagPrefix marks tags the gateway writes for itself (client
// tokens, GCE metadata and network tags, ...).
const ReservedTagPrefix = "cloudgate:"

// User returns the tags without the gateway's reserved ones.
func (t Tags) User() Tags {
	out := Tags{}
	for k, v := range t {
		if len(k) < len(ReservedTagPrefix) || k[:len(ReservedTagPrefix)] != ReservedTagPrefix {
			out[k] = v
		}
	}
	return out
}

// ClientTokenTag is the reserved tag in which Launch stores a client token
// on every VM it creates.
const ClientTokenTag = ReservedTagPrefix + "client-token"

// DeletionProtectionTag, set to "true" on a VM, protects it from deletion
// through either front end: GCE's deletionProtection and EC2's
// DisableApiTermination are the same setting, kept in CloudStack.
const DeletionProtectionTag = ReservedTagPrefix + "deletion-protection"

// NoPublicAddressTag, set to "true" on a VM, records that the caller asked
// for no reachable (external) address: GCE insert without accessConfigs
// (--no-address), EC2 AssociatePublicIpAddress=false.
const NoPublicAddressTag = ReservedTagPrefix + "no-public-address"

// IsReserved reports whether a tag key is one of the gateway's own.
func IsReserved(key string) bool { return strings.HasPrefix(key, ReservedTagPrefix) }

// Match reports whether t has every key/value of want (a "" value in want
// matches any value).
func (t Tags) Match(want Tags) bool {
	for k, v := range want {
		got, ok := t[k]
		if !ok || (v != "" && got != v) {
			return false
		}
	}
	return true
}

// principal returns the caller; Unauthenticated if there is none.
func principal(ctx context.Context) (*Principal, error) {
	p, ok := FromContext(ctx)
	if !ok {
		return nil, &Error{Kind: Unauthenticated, Message: "no credentials"}
	}
	return p, nil
}

// resourceKinds are the kinds whose wire codes depend on the resource
// (EC2's InvalidVolume.NotFound, InvalidKeyPair.Duplicate, ...).
var resourceKinds = map[Kind]bool{NotFound: true, AlreadyExists: true, InUse: true, Malformed: true}

// opErr makes sure err is an *Error with Op set (to the Service method when
// the adapter did not name a CloudStack command) and, for resource-specific
// kinds without a resource, with res and id filled in.
func opErr(op string, res Resource, id string, err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if !errors.As(err, &e) {
		switch {
		case errors.Is(err, context.DeadlineExceeded):
			return &Error{Op: op, Kind: DeadlineExceeded, Resource: res, ID: id, Message: "deadline exceeded", Err: err}
		case errors.Is(err, context.Canceled):
			return &Error{Op: op, Kind: DeadlineExceeded, Resource: res, ID: id, Message: "request cancelled", Err: err}
		}
		return &Error{Op: op, Kind: Internal, Resource: res, ID: id, Err: err}
	}
	named := e.Resource != "" || res == "" || !resourceKinds[e.Kind]
	if e.Op != "" && named {
		return e
	}
	c := *e
	if c.Op == "" {
		c.Op = op
	}
	if !named {
		c.Resource = res
		if c.ID == "" {
			c.ID = id
		}
	}
	return &c
}

func notFound(op string, res Resource, id string) *Error {
	return &Error{Op: op, Kind: NotFound, Resource: res, ID: id,
		Message: "the " + string(res) + " '" + id + "' does not exist"}
}

func invalid(op string, res Resource, id, format string, args ...any) *Error {
	e := Errorf(InvalidArgument, res, id, format, args...)
	e.Op = op
	return e
}

// isNotFound reports whether err means "no such entity".
func isNotFound(err error) bool { return KindOf(err) == NotFound }

// sortByCreated orders items by creation time, then by id, so that paging
// in the wire layers is stable.
func sortByCreated[T any](xs []T, created func(*T) time.Time, id func(*T) string) {
	sort.SliceStable(xs, func(i, j int) bool {
		ci, cj := created(&xs[i]), created(&xs[j])
		if !ci.Equal(cj) {
			return ci.Before(cj)
		}
		return id(&xs[i]) < id(&xs[j])
	})
}

// idFilter is a set of ids; an empty filter matches everything.
type idFilter map[string]bool

func newIDFilter(ids []string) idFilter {
	f := idFilter{}
	for _, id := range ids {
		if id != "" {
			f[id] = true
		}
	}
	return f
}

func (f idFilter) match(id string) bool { return len(f) == 0 || f[id] }

// single returns the only id of the filter, or "".
func (f idFilter) single() string {
	if len(f) != 1 {
		return ""
	}
	for id := range f {
		return id
	}
	return ""
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
