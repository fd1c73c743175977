package ec2compat

import (
	"context"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"

	"github.com/cloudgate/cloudgate/translate"
)

type stateChangeItem struct {
	InstanceID    string        `xml:"instanceId"`
	CurrentState  instanceState `xml:"currentState"`
	PreviousState instanceState `xml:"previousState"`
}

type stateChangeResp struct {
	meta
	Instances []stateChangeItem `xml:"instancesSet>item"`
}

// stateChange runs op on every InstanceId.N (after checking they all
// exist) and reports previous and current states. skip tells when an
// instance is already where op would take it. With wait, it waits for the
// jobs (bounded by SyncWait) and reports the state reached; without, it
// answers at once with transitional, like EC2 (StopInstances answers
// "stopping", StartInstances "pending"; Libcloud checks for exactly that)
// and the client's waiters wait. A terminated instance op does not skip is
// IncorrectInstanceState ("… from which it can be <verb>").
func (s *server) stateChange(r *request, verb string, skip func(instanceState) bool, wait bool, transitional instanceState,
	op func(ctx context.Context, id string) (*translate.Job, error)) (response, error) {
	ids := r.q.list("InstanceId")
	if len(ids) == 0 {
		return nil, apiErr("MissingParameter", "The request must contain the parameter InstanceId")
	}
	insts, err := s.instancesByID(r, ids)
	if err != nil {
		return nil, err
	}
	return s.stateChangeOf(r, insts, verb, skip, wait, transitional, func(ctx context.Context, in *translate.Instance) (*translate.Job, error) {
		return op(ctx, in.ID)
	})
}

// stateChangeOf is stateChange of instances the request has just read.
func (s *server) stateChangeOf(r *request, insts []translate.Instance, verb string, skip func(instanceState) bool, wait bool, transitional instanceState,
	op func(ctx context.Context, in *translate.Instance) (*translate.Job, error)) (response, error) {
	var err error
	jobs := make([]*translate.Job, len(insts))
	for i := range insts {
		st := stateOf(&insts[i])
		if skip(st) {
			continue
		}
		if stateOf(&insts[i]) == stateTerminated {
			// Described from CloudStack's events (it no longer lists the VM
			// to the caller): EC2 refuses to act on a terminated instance.
			return nil, &translate.Error{Kind: translate.FailedPrecondition, Resource: translate.ResInstance, ID: insts[i].ID,
				Message: "The instance '" + ec2ID(pInstance, insts[i].ID) + "' is not in a state from which it can be " + verb + "."}
		}
		if jobs[i], err = op(r.ctx, &insts[i]); err != nil {
			return nil, err
		}
	}
	resp := &stateChangeResp{}
	var now map[string]*translate.Instance
	if wait {
		if now, err = s.settled(r, insts, jobs); err != nil {
			return nil, err
		}
	}
	for i := range insts {
		item := stateChangeItem{InstanceID: ec2ID(pInstance, insts[i].ID), PreviousState: stateOf(&insts[i])}
		if !wait {
			item.CurrentState = item.PreviousState
			if jobs[i] != nil {
				if jobs[i].Status == translate.JobFailed && jobs[i].Err != nil {
					return nil, jobs[i].Err
				}
				item.CurrentState = transitional
			}
			resp.Instances = append(resp.Instances, item)
			continue
		}
		if cur := now[strings.ToLower(insts[i].ID)]; cur != nil {
			item.CurrentState = stateOf(cur)
		} else {
			item.CurrentState = stateTerminated // already expunged
		}
		resp.Instances = append(resp.Instances, item)
	}
	return resp, nil
}

func (s *server) startInstances(r *request) (response, error) {
	return s.stateChange(r, "started", func(st instanceState) bool { return st == stateRunning || st == statePending }, false, statePending, s.svc.StartInstance)
}

func (s *server) stopInstances(r *request) (response, error) {
	force, err := r.q.boolean("Force")
	if err != nil {
		return nil, err
	}
	return s.stateChange(r, "stopped", func(st instanceState) bool { return st == stateStopped || st == stateStopping }, false, stateStopping,
		func(ctx context.Context, id string) (*translate.Job, error) {
			return s.svc.StopInstance(ctx, id, force)
		})
}

func (s *server) rebootInstances(r *request) (response, error) {
	if _, err := s.stateChange(r, "rebooted", func(instanceState) bool { return false }, true, stateRunning, s.svc.RebootInstance); err != nil {
		return nil, err
	}
	return ok()
}

// terminateInstances removes the instances (translate.TerminateInstance:
// expunged where the caller may expunge, otherwise destroyed with their
// data volumes detached); DescribeInstances keeps showing them as
// terminated for an hour from CloudStack's events.
func (s *server) terminateInstances(r *request) (response, error) {
	ids := r.q.list("InstanceId")
	if len(ids) == 0 {
		return nil, apiErr("MissingParameter", "The request must contain the parameter InstanceId")
	}
	// The instances and their auto-assigned public IPs are read once, at
	// the same time (issue 15: three sequential reads of the instance and
	// one of its addresses before the destroy).
	insts, ephemeral, err := s.instancesWithEphemeralIPs(r, ids)
	if err != nil {
		return nil, err
	}
	// Termination protection fails the whole request, as on AWS.
	for i := range insts {
		if protected(&insts[i]) && stateOf(&insts[i]) != stateTerminated {
			return nil, apiErrf("OperationNotPermitted", "The instance '%s' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.", ec2ID(pInstance, insts[i].ID))
		}
	}
	return s.stateChangeOf(r, insts, "terminated", func(st instanceState) bool { return st == stateTerminated || st == stateShuttingDown }, true, stateShuttingDown,
		func(ctx context.Context, in *translate.Instance) (*translate.Job, error) {
			// Its auto-assigned public IP goes with it (not an Elastic IP).
			addrs, err := ephemeral(in.ID)
			if err == nil {
				err = s.releaseAddresses(r, addrs)
			}
			if err != nil {
				return nil, err
			}
			return s.svc.TerminateListed(ctx, in, false)
		})
}

// oneInstance decodes InstanceId and fetches the instance.
func (s *server) oneInstance(r *request) (*translate.Instance, error) {
	id, err := r.q.required("InstanceId")
	if err != nil {
		return nil, err
	}
	insts, err := s.instancesByID(r, []string{id})
	if err != nil {
		return nil, err
	}
	return &insts[0], nil
}

type instanceAttributeResp struct {
	meta
	InstanceID                        string             `xml:"instanceId"`
	InstanceType                      *valueItem         `xml:"instanceType,omitempty"`
	UserData                          *optValueItem      `xml:"userData,omitempty"`
	RootDeviceName                    *valueItem         `xml:"rootDeviceName,omitempty"`
	DisableAPITermination             *valueItem         `xml:"disableApiTermination,omitempty"`
	DisableAPIStop                    *valueItem         `xml:"disableApiStop,omitempty"`
	InstanceInitiatedShutdownBehavior *valueItem         `xml:"instanceInitiatedShutdownBehavior,omitempty"`
	SourceDestCheck                   *valueItem         `xml:"sourceDestCheck,omitempty"`
	EbsOptimized                      *valueItem         `xml:"ebsOptimized,omitempty"`
	Kernel                            *valueItem         `xml:"kernel,omitempty"`
	Ramdisk                           *valueItem         `xml:"ramdisk,omitempty"`
	Groups                            *[]groupItem       `xml:"groupSet>item,omitempty"`
	BlockDevices                      *[]blockDeviceItem `xml:"blockDeviceMapping>item,omitempty"`
}

func (s *server) describeInstanceAttribute(r *request) (response, error) {
	attr, err := r.q.required("Attribute")
	if err != nil {
		return nil, err
	}
	in, err := s.oneInstance(r)
	if err != nil {
		return nil, err
	}
	it := s.toInstanceItem(s.view(r, []translate.Instance{*in}), in)
	resp := &instanceAttributeResp{InstanceID: it.InstanceID}
	switch attr {
	case "instanceType":
		resp.InstanceType = &valueItem{it.InstanceType}
	case "userData":
		ud, err := s.svc.UserData(r.ctx, in.ID)
		if err != nil {
			return nil, err
		}
		// EC2 answers <userData/> without a value when there is none;
		// an empty <value/> reads as "" and Terraform then diffs.
		resp.UserData = &optValueItem{}
		if len(ud) > 0 {
			v := base64.StdEncoding.EncodeToString(ud)
			resp.UserData.Value = &v
		}
	case "rootDeviceName":
		resp.RootDeviceName = &valueItem{rootDeviceName}
	case "disableApiTermination":
		resp.DisableAPITermination = &valueItem{strconv.FormatBool(protected(in))}
	case "disableApiStop":
		resp.DisableAPIStop = &valueItem{"false"}
	case "instanceInitiatedShutdownBehavior":
		resp.InstanceInitiatedShutdownBehavior = &valueItem{"stop"}
	case "sourceDestCheck":
		resp.SourceDestCheck = &valueItem{"true"}
	case "ebsOptimized":
		resp.EbsOptimized = &valueItem{"false"}
	case "kernel":
		resp.Kernel = &valueItem{}
	case "ramdisk":
		resp.Ramdisk = &valueItem{}
	case "groupSet":
		resp.Groups = &it.Groups
	case "blockDeviceMapping":
		resp.BlockDevices = &it.BlockDevices
	default:
		return nil, apiErrf("InvalidParameterValue", "Value (%s) for parameter attribute is invalid. Unknown attribute.", attr)
	}
	return resp, nil
}

type consoleOutputResp struct {
	meta
	InstanceID string `xml:"instanceId"`
	Timestamp  string `xml:"timestamp"`
	Output     string `xml:"output"`
}

// getConsoleOutput takes InstanceId, or the list form InstanceId.1 that
// boto 2 sends (EC2 accepts both).
func (s *server) getConsoleOutput(r *request) (response, error) {
	if !r.q.has("InstanceId") {
		if ids := r.q.list("InstanceId"); len(ids) == 1 {
			r.q["InstanceId"] = ids
		} else if len(ids) > 1 {
			return nil, apiErr("InvalidParameterCombination", "GetConsoleOutput takes one InstanceId.")
		}
	}
	in, err := s.oneInstance(r)
	if err != nil {
		return nil, err
	}
	out, err := s.svc.ConsoleOutput(r.ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &consoleOutputResp{InstanceID: ec2ID(pInstance, in.ID), Timestamp: ts(s.opts.Now()),
		Output: base64.StdEncoding.EncodeToString([]byte(out))}, nil
}

type passwordDataResp struct {
	meta
	InstanceID   string `xml:"instanceId"`
	Timestamp    string `xml:"timestamp"`
	PasswordData string `xml:"passwordData"`
}

func (s *server) getPasswordData(r *request) (response, error) {
	in, err := s.oneInstance(r)
	if err != nil {
		return nil, err
	}
	pw, err := s.svc.Password(r.ctx, in.ID)
	var te *translate.Error
	if errors.As(err, &te) && te.Kind == translate.NotFound && te.Resource != translate.ResInstance {
		pw, err = "", nil // no password set
	}
	if err != nil {
		return nil, err
	}
	return &passwordDataResp{InstanceID: ec2ID(pInstance, in.ID), Timestamp: ts(s.opts.Now()), PasswordData: pw}, nil
}
