package auth

import (
	"github.com/cloudgate/cloudgate/translate"
)

func unauthenticated(op, format string, args ...any) *translate.Error {
	e := translate.Errorf(translate.Unauthenticated, "", "", format, args...)
	e.Op = op
	return e
}

func signatureMismatch(op, format string, args ...any) *translate.Error {
	e := translate.Errorf(translate.SignatureMismatch, "", "", format, args...)
	e.Op = op
	return e
}

func expired(op, format string, args ...any) *translate.Error {
	e := translate.Errorf(translate.Expired, "", "", format, args...)
	e.Op = op
	return e
}

// lookupError turns a Directory error into an authentication error: an
// unknown identity is Unauthenticated; anything else (CloudStack down, …)
// keeps its kind so the wire layer can answer 503 rather than 401.
func lookupError(op string, err error, format string, args ...any) error {
	switch translate.KindOf(err) {
	case translate.NotFound, translate.Unauthenticated, translate.PermissionDenied:
		return unauthenticated(op, format, args...)
	}
	e := translate.AsError(err)
	if e.Op == "" {
		e = &translate.Error{Op: op, Kind: e.Kind, Message: e.Message, Err: err}
	}
	return e
}
