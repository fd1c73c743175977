package translate

// CloudStack is the narrow port through which Service reaches CloudStack.
// It lists only the calls Service makes, in terms of this package's own
// request and response structs; translate/csbackend implements it over
// github.com/apache/cloudstack-go. Every method signs its CloudStack call
// with the keys of the *Principal in ctx.
//
// (The method set is defined together with Service's implementation.)
type CloudStack interface {
}
