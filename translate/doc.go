// Package translate is cloudgate's protocol-neutral core.
//
// The wire layers (gcecompat for GCE v1 REST, ec2compat for the EC2 Query
// API) decode their requests into the domain types of this package, call a
// *Service method and encode the result. They never talk to CloudStack
// themselves and never import each other.
//
// Service owns everything the two front ends share: name and ID resolution,
// offering and template lookup, async-job polling, tagging, idempotency
// tokens and error classification. It reaches CloudStack only through the
// narrow CloudStack port defined in cloudstack.go; the one adapter over
// github.com/apache/cloudstack-go lives in translate/csbackend.
//
// # Identity
//
// Every call acts as the caller: the *Principal stored in the context (see
// NewContext) carries the CloudStack API key and secret that the adapter
// signs with. Service never falls back to an administrator key for user
// resources.
//
// # Statelessness
//
// Service keeps no state that another gateway replica would need. Every
// identifier it hands out is either a CloudStack UUID or reversible to one,
// and everything else (client tokens, GCE metadata, labels) is stored in
// CloudStack resource tags.
//
// # Errors
//
// Every error returned by Service is, or wraps, an *Error whose Kind says
// what went wrong in protocol-neutral terms (NotFound, AlreadyExists, ...).
// Each wire layer has exactly one table that maps Kind (and Resource) to its
// own error format. Use KindOf to classify.
package translate
