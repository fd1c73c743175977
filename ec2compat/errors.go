package ec2compat

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/cloudgate/cloudgate/translate"
)

// This file is the only place that decides EC2 error codes and HTTP
// statuses. Handlers return errors (translate *Error values, or protocol
// errors made with apiErr) and never pick a status.

// ec2Error is an error as EC2 reports it.
type ec2Error struct {
	Code    string
	Message string
}

// protoError is an error found by ec2compat itself while decoding the
// protocol (MissingParameter, InvalidAction, …); its status still comes
// from codeStatus.
type protoError struct{ ec2Error }

func (e *protoError) Error() string { return e.Code + ": " + e.Message }

func apiErr(code, msg string) error { return &protoError{ec2Error{Code: code, Message: msg}} }

func apiErrf(code, format string, args ...any) error {
	return apiErr(code, fmt.Sprintf(format, args...))
}

// codeStatus is the HTTP status of every code the gateway sends; codes not
// listed are 400. 5xx (and 503 RequestLimitExceeded) make clients retry.
var codeStatus = map[string]int{
	"AuthFailure":                  http.StatusUnauthorized,
	"SignatureDoesNotMatch":        http.StatusForbidden,
	"UnauthorizedOperation":        http.StatusForbidden,
	"DryRunOperation":              http.StatusPreconditionFailed,
	"RequestLimitExceeded":         http.StatusServiceUnavailable,
	"Unavailable":                  http.StatusServiceUnavailable,
	"InsufficientInstanceCapacity": http.StatusInternalServerError,
	"InternalError":                http.StatusInternalServerError,
}

// kindCode maps a translate Kind to its default EC2 code and the
// per-resource refinements.
var kindCode = map[translate.Kind]struct {
	code  string
	byRes map[translate.Resource]string
}{
	translate.NotFound: {"InvalidParameterValue", map[translate.Resource]string{
		translate.ResInstance:      "InvalidInstanceID.NotFound",
		translate.ResImage:         "InvalidAMIID.NotFound",
		translate.ResVolume:        "InvalidVolume.NotFound",
		translate.ResSnapshot:      "InvalidSnapshot.NotFound",
		translate.ResSecurityGroup: "InvalidGroup.NotFound",
		translate.ResRule:          "InvalidPermission.NotFound",
		translate.ResKeyPair:       "InvalidKeyPair.NotFound",
		translate.ResAddress:       "InvalidAllocationID.NotFound",
		translate.ResNetwork:       "InvalidSubnetID.NotFound",
		translate.ResVPC:           "InvalidVpcID.NotFound",
		translate.ResZone:          "InvalidZone.NotFound",
		translate.ResRoute:         "InvalidRoute.NotFound",
		translate.ResGateway:       "InvalidGatewayID.NotFound",
	}},
	translate.AlreadyExists: {"InvalidParameterValue", map[translate.Resource]string{
		translate.ResSecurityGroup: "InvalidGroup.Duplicate",
		translate.ResKeyPair:       "InvalidKeyPair.Duplicate",
		translate.ResRule:          "InvalidPermission.Duplicate",
		translate.ResRoute:         "RouteAlreadyExists",
	}},
	translate.Malformed: {"InvalidParameterValue", map[translate.Resource]string{
		translate.ResInstance:      "InvalidInstanceID.Malformed",
		translate.ResImage:         "InvalidAMIID.Malformed",
		translate.ResVolume:        "InvalidVolumeID.Malformed",
		translate.ResSnapshot:      "InvalidSnapshotID.Malformed",
		translate.ResSecurityGroup: "InvalidGroupId.Malformed",
		translate.ResAddress:       "InvalidAllocationID.Malformed",
		translate.ResNetwork:       "InvalidSubnetID.Malformed",
		translate.ResVPC:           "InvalidVpcID.Malformed",
		translate.ResKeyPair:       "InvalidKeyPair.Format",
	}},
	translate.InvalidArgument: {"InvalidParameterValue", nil},
	translate.FailedPrecondition: {"IncorrectState", map[translate.Resource]string{
		translate.ResInstance: "IncorrectInstanceState",
	}},
	translate.InUse: {"DependencyViolation", map[translate.Resource]string{
		translate.ResVolume:   "VolumeInUse",
		translate.ResInstance: "IncorrectInstanceState",
		translate.ResAddress:  "Resource.AlreadyAssociated",
	}},
	translate.PermissionDenied:  {"UnauthorizedOperation", nil},
	translate.Unauthenticated:   {"AuthFailure", nil},
	translate.SignatureMismatch: {"SignatureDoesNotMatch", nil},
	translate.Expired:           {"RequestExpired", nil},
	translate.InsufficientCapacity: {"InsufficientInstanceCapacity", map[translate.Resource]string{
		translate.ResAddress: "InsufficientAddressCapacity",
		translate.ResVolume:  "InsufficientVolumeCapacity",
	}},
	translate.LimitExceeded: {"InstanceLimitExceeded", map[translate.Resource]string{
		translate.ResVolume:   "VolumeLimitExceeded",
		translate.ResSnapshot: "SnapshotLimitExceeded",
		translate.ResAddress:  "AddressLimitExceeded",
	}},
	translate.Unavailable:      {"Unavailable", nil},
	translate.DeadlineExceeded: {"Unavailable", nil},
	translate.Throttled:        {"RequestLimitExceeded", nil},
	translate.Unimplemented:    {"UnsupportedOperation", nil},
	translate.DryRun:           {"DryRunOperation", nil},
	translate.Internal:         {"InternalError", nil},
	translate.Unknown:          {"InternalError", nil},
}

// notFoundMessage formats EC2's own not-found messages.
var notFoundMessage = map[string]string{
	"InvalidInstanceID.NotFound":   "The instance ID '%s' does not exist",
	"InvalidAMIID.NotFound":        "The image id '[%s]' does not exist",
	"InvalidVolume.NotFound":       "The volume '%s' does not exist.",
	"InvalidSnapshot.NotFound":     "The snapshot '%s' does not exist.",
	"InvalidGroup.NotFound":        "The security group '%s' does not exist",
	"InvalidKeyPair.NotFound":      "The key pair '%s' does not exist",
	"InvalidAllocationID.NotFound": "The allocation ID '%s' does not exist",
	"InvalidSubnetID.NotFound":     "The subnet ID '%s' does not exist",
	"InvalidVpcID.NotFound":        "The vpc ID '%s' does not exist",
	"InvalidGatewayID.NotFound":    "The gateway ID '%s' does not exist",
	"InvalidInstanceID.Malformed":  "Invalid id: \"%s\"",
	"InvalidAMIID.Malformed":       "Invalid id: \"%s\"",
	"InvalidVolumeID.Malformed":    "Invalid id: \"%s\"",
	"InvalidSnapshotID.Malformed":  "Invalid id: \"%s\"",
	"InvalidGroupId.Malformed":     "Invalid id: \"%s\"",
}

// toEC2Error classifies err into a status and an EC2 code and message.
func toEC2Error(err error) (int, ec2Error) {
	var pe *protoError
	if errors.As(err, &pe) {
		return statusOf(pe.Code), pe.ec2Error
	}
	te := translate.AsError(err)
	m, ok := kindCode[te.Kind]
	if !ok {
		m = kindCode[translate.Internal]
	}
	code := m.code
	if c, ok := m.byRes[te.Resource]; ok {
		code = c
	}
	msg := te.Message
	switch {
	case code == "InternalError":
		msg = "An internal error has occurred"
	case te.ID != "" && notFoundMessage[code] != "":
		msg = fmt.Sprintf(notFoundMessage[code], displayID(te.Resource, te.ID))
	case msg == "":
		msg = te.Kind.String()
	}
	return statusOf(code), ec2Error{Code: code, Message: msg}
}

func statusOf(code string) int {
	if s, ok := codeStatus[code]; ok {
		return s
	}
	return http.StatusBadRequest
}
