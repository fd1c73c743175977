// Package csbackend implements translate.CloudStack (the core's port to
// Apache CloudStack) over github.com/apache/cloudstack-go/v2. It is the only
// package of cloudgate that imports cloudstack-go.
//
// # Calls
//
// Every call is signed with the keys of the *translate.Principal in the
// context; the adapter keeps idle cloudstack-go clients per key pair (key
// pairs bounded by Options.MaxClients, least recently used evicted), each
// with its own copy of Options.HTTPClient (sharing its transport) and its
// own cookie jar; a call takes one, so each in-flight call has its own.
// Calls go through cloudstack-go's synchronous client (signing, POST form,
// error flattening) via its Custom request path. A successful answer's
// body is kept by a transport under that client and decoded once, by this
// package (answer.go: cloudstack-go would parse it twice more first), into
// this package's own tolerant structs: cloudstack-go's
// generated structs fail on numbers-as-strings, and its async client sleeps
// 1s, 2s, 3s… between polls, so translate.Service polls
// queryAsyncJobResult itself. cloudstack-go has no context support; calls
// run aside and the adapter stops waiting when the context ends.
//
// List commands are read page by page (Options.PageSize) until CloudStack's
// total count is reached.
//
// # Errors
//
// cloudstack-go flattens CloudStack errors into the text "CloudStack API
// error <code> (CSExceptionErrorCode: <cs>): <text>". Classify parses it
// and ClassifyCode maps the code to a translate.Kind (one table, tested):
// 431 → InvalidArgument (NotFound when the text says the entity does not
// exist, AlreadyExists when it says so), 401 → Unauthenticated, 531 →
// PermissionDenied, 532 → LimitExceeded, 533 → InsufficientCapacity,
// 534/535 → Unavailable, 536 → InUse, 537 → AlreadyExists, 530 → Internal.
// Transport errors and non-JSON answers are Unavailable, context deadlines
// DeadlineExceeded. Failed async jobs are classified with the same table.
//
// # Identity
//
// Directory implements translate.Directory with an administrator key pair
// (getUser userapikey=… → getUserKeys; listUsers username=…), and
// Directory.Login checks a password with CloudStack's login command.
package csbackend
