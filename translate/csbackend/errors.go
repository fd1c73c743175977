package csbackend

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/cloudgate/cloudgate/translate"
)

// csErrorRE parses cloudstack-go's flattened API errors:
// "CloudStack API error %d (CSExceptionErrorCode: %d): %s". cloudstack-go's
// CSError is not an error type, so the codes survive only in this text.
var csErrorRE = regexp.MustCompile(`(?s)^CloudStack API error (\d+) \(CSExceptionErrorCode: (-?\d+)\): (.*)$`)

// Classify turns an error from a CloudStack call (cmd) into a
// *translate.Error. res is the call's primary resource, used for NotFound.
// It is the one place where CloudStack errors are classified; failed async
// jobs go through ClassifyCode, which it uses too.
func Classify(cmd string, res translate.Resource, err error) *translate.Error {
	if err == nil {
		return nil
	}
	var te *translate.Error
	if errors.As(err, &te) {
		return te
	}
	e := &translate.Error{Op: cmd, Err: err}
	var nerr net.Error
	var serr *json.SyntaxError
	var terr *json.UnmarshalTypeError
	var uerr *url.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		e.Kind, e.Message = translate.DeadlineExceeded, "CloudStack did not answer in time"
	case errors.Is(err, context.Canceled):
		e.Kind, e.Message = translate.DeadlineExceeded, "the request was cancelled"
	case errors.As(err, &nerr) && nerr.Timeout():
		e.Kind, e.Message = translate.DeadlineExceeded, "CloudStack did not answer in time"
	case errors.As(err, &uerr), errors.As(err, &nerr), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		e.Kind, e.Message = translate.Unavailable, "CloudStack is unreachable"
	case errors.As(err, &serr), errors.As(err, &terr), strings.HasPrefix(err.Error(), "Unable to extract the raw value"):
		// A body that is not CloudStack's JSON envelope: a proxy error
		// page, an empty 5xx, a server starting up.
		e.Kind, e.Message = translate.Unavailable, "CloudStack returned an unexpected answer"
	case strings.HasPrefix(err.Error(), "No match found for"):
		// cloudstack-go's Get<X>ByID helpers.
		e.Kind, e.Resource, e.Message = translate.NotFound, res, err.Error()
	default:
		m := csErrorRE.FindStringSubmatch(err.Error())
		if m == nil {
			e.Kind, e.Message = translate.Internal, "unexpected CloudStack error"
			break
		}
		code, _ := strconv.Atoi(m[1])
		cscode, _ := strconv.Atoi(m[2])
		c := ClassifyCode(cmd, res, code, cscode, m[3])
		c.Err = err
		return c
	}
	return e
}

// notFoundText matches CloudStack's ways of saying an entity is missing
// (all of them arrive as errorcode 431).
var notFoundText = regexp.MustCompile(`(?i)entity does not exist|unable to find|does not exist|not found|cannot find|can't find|no such`)

// userExpungeText matches CloudStack's refusal of user expunge/recover
// ("Parameter expunge can be passed by Admin only. Or when the
// allow.user.expunge.recover.vm key is set.").
var userExpungeText = regexp.MustCompile(`(?i)allow\.user\.expunge\.recover\.vm|can be passed by Admin only`)

// inUseText matches CloudStack's in-use refusals that arrive as 530 in
// failed jobs: "Cannot delete group when it's in use by virtual machines",
// "Can't delete the network, not all user vms are expunged", "… is being
// used by …", "… still has …", "… has active …".
var inUseText = regexp.MustCompile(`(?i)in use|being used|not all user vms are expunged|still (has|have|attached|in use)|has active|have active|is attached to`)

var badParamRE = regexp.MustCompile(`Invalid parameter (\w+) value=(\S*)`)

// paramResource maps CloudStack id parameters to resources.
var paramResource = map[string]translate.Resource{
	"virtualmachineid": translate.ResInstance, "volumeid": translate.ResVolume,
	"snapshotid": translate.ResSnapshot, "templateid": translate.ResImage, "zoneid": translate.ResZone,
	"serviceofferingid": translate.ResOffering, "diskofferingid": translate.ResDiskOffering,
	"overridediskofferingid": translate.ResDiskOffering, "networkid": translate.ResNetwork,
	"networkids": translate.ResNetwork, "vpcid": translate.ResVPC, "securitygroupid": translate.ResSecurityGroup,
	"securitygroupids": translate.ResSecurityGroup, "ipaddressid": translate.ResAddress, "jobid": translate.ResJob,
	"ostypeid": translate.ResImage,
}

// ClassifyCode maps a CloudStack errorcode (ApiErrorCode), cserrorcode and
// errortext to a Kind.
func ClassifyCode(cmd string, res translate.Resource, code, cscode int, text string) *translate.Error {
	e := &translate.Error{Op: cmd, Message: text}
	switch code {
	case 401, 411:
		e.Kind = translate.Unauthenticated
	case 405:
		e.Kind = translate.Internal
	case 429:
		e.Kind = translate.Throttled
	case 430:
		e.Kind = translate.Malformed
	case 431:
		switch {
		case strings.Contains(strings.ToLower(text), "already exist"):
			e.Kind = translate.AlreadyExists
		case notFoundText.MatchString(text):
			e.Kind, e.Resource = translate.NotFound, res
			// "Invalid parameter <name> value=<id> due to … entity does not
			// exist" names the parameter, hence the resource.
			if m := badParamRE.FindStringSubmatch(text); m != nil {
				if r, ok := paramResource[strings.ToLower(m[1])]; ok {
					e.Resource = r
				}
				e.ID = m[2]
			}
		default:
			e.Kind = translate.InvalidArgument
		}
	case 432:
		e.Kind = translate.Unimplemented
	case 530:
		e.Kind = translate.Internal
		switch {
		case cscode == 4375: // ResourceInUseException wrapped as internal
			e.Kind = translate.InUse
		case strings.Contains(text, "vpc.max.networks"):
			// VpcManagerImpl.validateNewVpcGuestNetwork: "Number of networks
			// per VPC can't extend N; increase it using global config
			// vpc.max.networks" (a CloudRuntimeException): a limit.
			e.Kind = translate.LimitExceeded
		case userExpungeText.MatchString(text):
			// UserVmManagerImpl.destroyVm / expungeVm for a user while
			// allow.user.expunge.recover.vm is false: a 530 inside the job.
			e.Kind = translate.PermissionDenied
		case inUseText.MatchString(text):
			// A failed job carries no cserrorcode (ApiAsyncJobDispatcher),
			// so in-use conflicts are recognised by CloudStack's texts.
			e.Kind = translate.InUse
		}
	case 531:
		e.Kind = translate.PermissionDenied
	case 532:
		e.Kind = translate.LimitExceeded
	case 533:
		e.Kind = translate.InsufficientCapacity
	case 534, 535:
		e.Kind = translate.Unavailable
	case 536:
		e.Kind = translate.InUse
	case 537:
		e.Kind = translate.AlreadyExists
	default:
		switch {
		case code >= 500:
			e.Kind = translate.Unavailable
		case code >= 400:
			e.Kind = translate.InvalidArgument
		default:
			e.Kind = translate.Internal
		}
	}
	if e.Message == "" {
		e.Message = e.Kind.String()
	}
	if e.Kind == translate.Internal {
		e.Err = errors.New(text)
		e.Message = "CloudStack internal error"
	}
	return e
}
