package translate

import "time"

// Options configures a Service. A nil *Options means defaults.
type Options struct {
	// JobPollInterval is how often Service polls CloudStack async jobs when
	// it has to wait for one (default 200ms).
	JobPollInterval time.Duration
	// JobTimeout bounds waiting for one async job (default 5m).
	JobTimeout time.Duration
	// CatalogTTL is how long zones, offerings and templates are cached
	// per caller (default 30s; 0 keeps the default, negative disables).
	CatalogTTL time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Service is the protocol-neutral core used by every wire layer. It is
// safe for concurrent use and holds no state that another replica needs.
type Service struct {
	cs   CloudStack
	opts Options
}

// New returns a Service over the CloudStack port cs.
func New(cs CloudStack, opts *Options) *Service {
	s := &Service{cs: cs}
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
