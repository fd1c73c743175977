package gcecompat

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/cloudgate/cloudgate/translate"
	"github.com/gin-gonic/gin"
)

// conditionNotMet is a gcecompat-private Kind for fingerprint mismatches
// (GCE's 412 conditionNotMet). It lies far outside translate's range.
const conditionNotMet translate.Kind = 1 << 12

// errInfo is how one Kind looks on the GCE wire: the HTTP status, the
// errors[].reason of the error envelope and the errors[].code used inside
// a failed operation.
type errInfo struct {
	status int
	reason string
	opCode string
}

// rpcStatus is the "status" of Google's JSON error body (the
// google.rpc.Code name of the HTTP status, as Google's front end sends it).
var rpcStatus = map[int]string{
	http.StatusBadRequest:          "INVALID_ARGUMENT",
	http.StatusUnauthorized:        "UNAUTHENTICATED",
	http.StatusForbidden:           "PERMISSION_DENIED",
	http.StatusNotFound:            "NOT_FOUND",
	http.StatusConflict:            "ALREADY_EXISTS",
	http.StatusPreconditionFailed:  "FAILED_PRECONDITION",
	http.StatusTooManyRequests:     "RESOURCE_EXHAUSTED",
	http.StatusInternalServerError: "INTERNAL",
	http.StatusNotImplemented:      "UNIMPLEMENTED",
	http.StatusServiceUnavailable:  "UNAVAILABLE",
	http.StatusGatewayTimeout:      "DEADLINE_EXCEEDED",
}

// errorTable is the one table from error kind to GCE error format.
// Handlers never choose status codes; they return errors.
var errorTable = map[translate.Kind]errInfo{
	translate.NotFound:             {http.StatusNotFound, "notFound", "RESOURCE_NOT_FOUND"},
	translate.AlreadyExists:        {http.StatusConflict, "alreadyExists", "RESOURCE_ALREADY_EXISTS"},
	translate.InvalidArgument:      {http.StatusBadRequest, "invalid", "INVALID_FIELD_VALUE"},
	translate.Malformed:            {http.StatusBadRequest, "invalid", "INVALID_FIELD_VALUE"},
	translate.FailedPrecondition:   {http.StatusBadRequest, "resourceNotReady", "RESOURCE_NOT_READY"},
	translate.InUse:                {http.StatusBadRequest, "resourceInUseByAnotherResource", "RESOURCE_IN_USE_BY_ANOTHER_RESOURCE"},
	translate.PermissionDenied:     {http.StatusForbidden, "forbidden", "PERMISSIONS_ERROR"},
	translate.Unauthenticated:      {http.StatusUnauthorized, "required", "UNAUTHENTICATED"},
	translate.SignatureMismatch:    {http.StatusUnauthorized, "authError", "UNAUTHENTICATED"},
	translate.Expired:              {http.StatusUnauthorized, "authError", "UNAUTHENTICATED"},
	translate.InsufficientCapacity: {http.StatusServiceUnavailable, "resourcePoolExhausted", "ZONE_RESOURCE_POOL_EXHAUSTED"},
	translate.LimitExceeded:        {http.StatusForbidden, "quotaExceeded", "QUOTA_EXCEEDED"},
	translate.Unavailable:          {http.StatusServiceUnavailable, "backendError", "SERVICE_UNAVAILABLE"},
	translate.Unimplemented:        {http.StatusNotImplemented, "notImplemented", "UNSUPPORTED_OPERATION"},
	translate.DeadlineExceeded:     {http.StatusGatewayTimeout, "deadlineExceeded", "TIMEOUT"},
	translate.Throttled:            {http.StatusTooManyRequests, "rateLimitExceeded", "RATE_LIMIT_EXCEEDED"},
	translate.DryRun:               {http.StatusBadRequest, "invalid", "INVALID_FIELD_VALUE"},
	conditionNotMet:                {http.StatusPreconditionFailed, "conditionNotMet", "CONDITION_NOT_MET"},
	resourceProtected:              {http.StatusBadRequest, "invalidResourceUsage", "INVALID_USAGE"},
	translate.Internal:             {http.StatusInternalServerError, "backendError", "INTERNAL_ERROR"},
	translate.Unknown:              {http.StatusInternalServerError, "backendError", "INTERNAL_ERROR"},
}

// describeError returns the wire info and the client-safe message of err.
func describeError(err error) (errInfo, string) {
	e := translate.AsError(err)
	info, ok := errorTable[e.Kind]
	if !ok {
		info = errorTable[translate.Internal]
	}
	msg := e.Message
	if e.Kind == translate.Internal || e.Kind == translate.Unknown || msg == "" {
		msg = http.StatusText(info.status)
		if info.status == http.StatusInternalServerError {
			msg = "Internal error. Please try again or contact the gateway operator."
		}
	}
	return info, msg
}

type wireErrorItem struct {
	Domain  string `json:"domain"`
	Reason  string `json:"reason"`
	Message string `json:"message"`
}

type wireErrorBody struct {
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Errors  []wireErrorItem `json:"errors"`
	Status  string          `json:"status,omitempty"`
}

// writeError is the only writer of error responses.
func (s *server) writeError(c *gin.Context, err error) {
	info, msg := describeError(err)
	e := translate.AsError(err)
	if info.status >= 500 {
		s.log.Error("gce request failed", "method", c.Request.Method, "path", c.Request.URL.Path, "kind", e.Kind.String(), "err", err)
	}
	if info.status == http.StatusUnauthorized {
		c.Header("WWW-Authenticate", `Bearer realm="cloudgate"`)
	}
	body := map[string]wireErrorBody{"error": {
		Code: info.status, Message: msg,
		Errors: []wireErrorItem{{Domain: "global", Reason: info.reason, Message: msg}},
		Status: rpcStatus[info.status],
	}}
	writeJSON(c, info.status, body)
	c.Abort()
}

// operationError converts a failed job's error into the error field of an
// operation plus its httpErrorStatusCode/httpErrorMessage.
func operationError(err error) (*wireOpError, int, string) {
	info, msg := describeError(err)
	return &wireOpError{Errors: []wireOpErrorItem{{Code: info.opCode, Message: msg}}}, info.status, strings.ToUpper(http.StatusText(info.status))
}

func writeJSON(c *gin.Context, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"error":{"code":500,"message":"encoding failed","errors":[{"domain":"global","reason":"backendError","message":"encoding failed"}]}}`)
	}
	c.Data(status, "application/json; charset=UTF-8", buf.Bytes())
}

// Errors raised by gcecompat itself.

func notFound(res translate.Resource, path string) error {
	return translate.Errorf(translate.NotFound, res, path, "The resource '%s' was not found", path)
}

func invalid(format string, args ...any) error {
	return translate.Errorf(translate.InvalidArgument, "", "", format, args...)
}

func unimplementedf(format string, args ...any) error {
	return translate.Errorf(translate.Unimplemented, "", "", format, args...)
}

func fingerprintMismatch(what string) error {
	return &translate.Error{Kind: conditionNotMet, Message: "Supplied fingerprint does not match current " + what + " fingerprint."}
}

// NotFound answers a request for a path the gateway does not serve with
// Google's JSON 404 (the engine's NoRoute handler uses it for /compute/…,
// /batch and /discovery paths, so clients never parse a plain-text 404).
func NotFound(c *gin.Context) {
	(&server{log: slog.Default()}).writeError(c, errNoRoute(c.Request))
}

func errNoRoute(r *http.Request) error {
	return translate.Errorf(translate.NotFound, "", "", "The requested URL %s was not found on this server.", r.URL.Path)
}

// isNotFound reports whether err is a NotFound error.
func isNotFound(err error) bool {
	var e *translate.Error
	return errors.As(err, &e) && e.Kind == translate.NotFound
}
