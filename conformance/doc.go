// Package conformance is cloudgate's black-box test suite. It builds the
// cloudgate binary, starts `cloudgate serve` with the embedded simulator
// and drives it only through public clients: the gcloud and aws CLIs,
// boto3, aws-sdk-go-v2 and google.golang.org/api/compute/v1. It imports no
// project package.
//
// Tests that need a client CLI skip when it is missing, except when CI=true,
// where they fail.
package conformance
