package csbackend

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/cloudgate/cloudgate/translate"
)

type jobJSON struct {
	JobID           flexString      `json:"jobid"`
	Cmd             string          `json:"cmd"`
	JobStatus       flexInt         `json:"jobstatus"`
	JobResultCode   flexInt         `json:"jobresultcode"`
	JobResultType   string          `json:"jobresulttype"`
	JobResult       json.RawMessage `json:"jobresult"`
	JobInstanceType string          `json:"jobinstancetype"`
	JobInstanceID   flexString      `json:"jobinstanceid"`
	UserID          flexString      `json:"userid"`
	Created         csTime          `json:"created"`
	Completed       csTime          `json:"completed"`
}

// commandOf maps the Java command class CloudStack reports in "cmd" to the
// API command name (…vm.DeployVMCmdByAdmin → deployVirtualMachine).
var commandOf = map[string]string{
	"DeployVMCmd": "deployVirtualMachine", "StartVMCmd": "startVirtualMachine",
	"StopVMCmd": "stopVirtualMachine", "RebootVMCmd": "rebootVirtualMachine",
	"DestroyVMCmd": "destroyVirtualMachine", "ExpungeVMCmd": "expungeVirtualMachine",
	"ScaleVMCmd": "scaleVirtualMachine", "ResetVMPasswordCmd": "resetPasswordForVirtualMachine",
	"CreateVolumeCmd": "createVolume", "AttachVolumeCmd": "attachVolume", "DetachVolumeCmd": "detachVolume",
	"ResizeVolumeCmd": "resizeVolume", "CreateSnapshotCmd": "createSnapshot", "DeleteSnapshotCmd": "deleteSnapshot",
	"CreateTemplateCmd": "createTemplate", "DeleteTemplateCmd": "deleteTemplate",
	"CreateTagsCmd": "createTags", "DeleteTagsCmd": "deleteTags",
	"AuthorizeSecurityGroupIngressCmd": "authorizeSecurityGroupIngress",
	"AuthorizeSecurityGroupEgressCmd":  "authorizeSecurityGroupEgress",
	"RevokeSecurityGroupIngressCmd":    "revokeSecurityGroupIngress",
	"RevokeSecurityGroupEgressCmd":     "revokeSecurityGroupEgress",
	"AssociateIPAddrCmd":               "associateIpAddress", "DisassociateIPAddrCmd": "disassociateIpAddress",
	"DisableStaticNatCmd": "disableStaticNat", "DeleteNetworkCmd": "deleteNetwork",
	"CreateVPCCmd": "createVPC", "DeleteVPCCmd": "deleteVPC",
}

func commandName(cmd string) string {
	if i := strings.LastIndexByte(cmd, '.'); i >= 0 {
		cls := strings.TrimSuffix(cmd[i+1:], "ByAdmin")
		if c, ok := commandOf[cls]; ok {
			return c
		}
		return cls
	}
	return cmd
}

var resourceOfInstanceType = map[string]translate.Resource{
	"virtualmachine": translate.ResInstance, "volume": translate.ResVolume, "snapshot": translate.ResSnapshot,
	"template": translate.ResImage, "ipaddress": translate.ResAddress, "publicipaddress": translate.ResAddress,
	"network": translate.ResNetwork, "vpc": translate.ResVPC, "securitygroup": translate.ResSecurityGroup,
}

func (j *jobJSON) job() *translate.Job {
	out := &translate.Job{
		ID: string(j.JobID), Command: commandName(j.Cmd),
		Resource:   resourceOfInstanceType[strings.ToLower(j.JobInstanceType)],
		ResourceID: string(j.JobInstanceID), UserID: string(j.UserID),
		Created: j.Created.Time(), Completed: j.Completed.Time(),
	}
	switch j.JobStatus {
	case 0:
		out.Status = translate.JobPending
	case 1:
		out.Status = translate.JobSucceeded
	default:
		out.Status = translate.JobFailed
		out.Err = j.failure(out.Command, out.Resource)
	}
	if out.ResourceID == "" && out.Command == "deployVirtualMachine" && len(j.JobResult) > 0 {
		var r struct {
			VM struct {
				ID flexString `json:"id"`
			} `json:"virtualmachine"`
		}
		if json.Unmarshal(j.JobResult, &r) == nil {
			out.ResourceID = string(r.VM.ID)
		}
	}
	return out
}

// failure classifies a failed job's result ({"errorcode":…,"errortext":…}
// or a text result).
func (j *jobJSON) failure(cmd string, res translate.Resource) *translate.Error {
	if j.JobStatus == 3 {
		return &translate.Error{Op: cmd, Kind: translate.Internal, Message: "the job was cancelled"}
	}
	var r struct {
		ErrorCode   flexInt `json:"errorcode"`
		CSErrorCode flexInt `json:"cserrorcode"`
		ErrorText   string  `json:"errortext"`
	}
	if len(j.JobResult) > 0 && j.JobResult[0] == '"' {
		_ = json.Unmarshal(j.JobResult, &r.ErrorText)
		r.ErrorCode = j.JobResultCode
	} else {
		_ = json.Unmarshal(j.JobResult, &r)
	}
	if r.ErrorCode == 0 {
		r.ErrorCode = j.JobResultCode
	}
	if r.ErrorCode == 0 {
		r.ErrorCode = 530
	}
	return ClassifyCode(cmd, res, int(r.ErrorCode), int(r.CSErrorCode), r.ErrorText)
}

// QueryAsyncJobResult implements translate.CloudStack.
func (b *Backend) QueryAsyncJobResult(ctx context.Context, jobID string) (*translate.Job, error) {
	raw, err := b.call(ctx, "queryAsyncJobResult", translate.ResJob, params{"jobid": jobID})
	if err != nil {
		return nil, err
	}
	var j jobJSON
	if err := decode("queryAsyncJobResult", raw, &j); err != nil {
		return nil, err
	}
	if j.JobID == "" {
		j.JobID = flexString(jobID)
	}
	return j.job(), nil
}

// ListAsyncJobs implements translate.CloudStack.
func (b *Backend) ListAsyncJobs(ctx context.Context) ([]translate.Job, error) {
	items, err := b.list(ctx, "listAsyncJobs", translate.ResJob, nil)
	if err != nil {
		return nil, err
	}
	out := make([]translate.Job, 0, len(items))
	for _, it := range items {
		var j jobJSON
		if err := decode("listAsyncJobs", it, &j); err != nil {
			return nil, err
		}
		out = append(out, *j.job())
	}
	return out, nil
}
