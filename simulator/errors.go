package simulator

import "fmt"

// ApiErrorCode values (org.apache.cloudstack.api.ApiErrorCode). The HTTP status equals the code.
const (
	codeUnauthorized        = 401
	codeMalformedParam      = 430
	codeParamError          = 431
	codeUnsupportedAction   = 432
	codeInternalError       = 530
	codeAccountError        = 531
	codeResourceLimit       = 532
	codeInsufficientCap     = 533
	codeResourceUnavailable = 534
	codeResourceAllocation  = 535
	codeResourceInUse       = 536
	codeNetworkRuleConflict = 537
)

// CSExceptionErrorCode values (com.cloud.utils.exception.CSExceptionErrorCode).
const (
	csCloudRuntime       = 4250
	csInsufficientCap    = 4325
	csInvalidParam       = 4350
	csPermissionDenied   = 4365
	csResourceAllocation = 4370
	csResourceInUse      = 4375
	csResourceUnavail    = 4380
	csServerAPI          = 9999
)

const authFailedText = "unable to verify user credentials and/or request signature"

// apiError is the one error type handlers return; the server renders it as
// CloudStack's ExceptionResponse with HTTP status = Code.
type apiError struct {
	Code   int    `json:"errorcode"`
	CSCode int    `json:"cserrorcode,omitempty"`
	Text   string `json:"errortext"`
}

func (e *apiError) Error() string { return fmt.Sprintf("%d/%d: %s", e.Code, e.CSCode, e.Text) }

// invalidParam is InvalidParameterValueException (431/4350).
func invalidParam(format string, a ...any) *apiError {
	return &apiError{codeParamError, csInvalidParam, fmt.Sprintf(format, a...)}
}

// paramError is ServerApiException(PARAM_ERROR) (431/9999).
func paramError(format string, a ...any) *apiError {
	return &apiError{codeParamError, csServerAPI, fmt.Sprintf(format, a...)}
}

// missingParam is the text ParamProcessWorker produces for a missing required parameter.
func missingParam(cmd, name string) *apiError {
	return paramError("Unable to execute API command %s due to missing parameter %s", lower(cmd), name)
}

// noEntity is the text ParamProcessWorker produces for an id that resolves to no entity.
// cloudstack-go's Get<X>ByID helpers turn it into "No match found".
func noEntity(cmd, param, value string) *apiError {
	return paramError("Unable to execute API command %s due to invalid value. Invalid parameter %s value=%s due to incorrect long value format, or entity does not exist or due to incorrect parameter annotation for the field in api cmd class.", lower(cmd), param, value)
}

func permissionDenied(format string, a ...any) *apiError {
	return &apiError{codeAccountError, csPermissionDenied, fmt.Sprintf(format, a...)}
}

func internalError(format string, a ...any) *apiError {
	return &apiError{codeInternalError, csCloudRuntime, fmt.Sprintf(format, a...)}
}

func inUse(format string, a ...any) *apiError {
	return &apiError{codeResourceInUse, csResourceInUse, fmt.Sprintf(format, a...)}
}

func insufficientCapacity(format string, a ...any) *apiError {
	return &apiError{codeInsufficientCap, csInsufficientCap, fmt.Sprintf(format, a...)}
}

func unauthorized() *apiError { return &apiError{Code: codeUnauthorized, Text: authFailedText} }
