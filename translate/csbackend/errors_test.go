package csbackend

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"testing"

	"github.com/cloudgate/cloudgate/translate"
)

func csErr(code, cs int, text string) error {
	return fmt.Errorf("CloudStack API error %d (CSExceptionErrorCode: %d): %s", code, cs, text)
}

func TestClassify(t *testing.T) {
	var syntax json.SyntaxError
	tests := []struct {
		name string
		err  error
		kind translate.Kind
		res  translate.Resource
	}{
		{"431 param", csErr(431, 4350, "Unable to deploy: invalid value for rootdisksize"), translate.InvalidArgument, ""},
		{"431 entity does not exist", csErr(431, 4350, "Invalid parameter id value=abc due to incorrect long value format, or entity does not exist or due to incorrect parameter annotation for the field in api cmd class."), translate.NotFound, translate.ResVolume},
		{"431 names the parameter", csErr(431, 9999, "Unable to execute API command attachvolume due to invalid value. Invalid parameter virtualmachineid value=abc due to incorrect long value format, or entity does not exist or due to incorrect parameter annotation for the field in api cmd class."), translate.NotFound, translate.ResInstance},
		{"431 unable to find", csErr(431, 4350, "Unable to find virtual machine with id 1"), translate.NotFound, translate.ResVolume},
		{"431 already exists", csErr(431, 4350, "A key pair with name 'k' already exists."), translate.AlreadyExists, ""},
		{"401", csErr(401, 0, "unable to verify user credentials and/or request signature"), translate.Unauthenticated, ""},
		{"430", csErr(430, 0, "malformed"), translate.Malformed, ""},
		{"432", csErr(432, 0, "unsupported"), translate.Unimplemented, ""},
		{"429", csErr(429, 4545, "too many"), translate.Throttled, ""},
		{"530", csErr(530, 4250, "NPE"), translate.Internal, ""},
		{"530 in use", csErr(530, 4375, "in use"), translate.InUse, ""},
		{"531", csErr(531, 4365, "Account demo does not have permission"), translate.PermissionDenied, ""},
		{"532", csErr(532, 0, "Maximum number of resources of type 'user_vm' exceeded"), translate.LimitExceeded, ""},
		{"533", csErr(533, 4325, "Unable to create a deployment"), translate.InsufficientCapacity, ""},
		{"534", csErr(534, 4380, "unavailable"), translate.Unavailable, ""},
		{"535", csErr(535, 4370, "allocation"), translate.Unavailable, ""},
		{"536", csErr(536, 4375, "volume is attached"), translate.InUse, ""},
		{"537", csErr(537, 0, "rule conflict"), translate.AlreadyExists, ""},
		{"502", csErr(502, 0, "bad gateway"), translate.Unavailable, ""},
		{"transport", &url.Error{Op: "Post", URL: "http://x", Err: errors.New("connection refused")}, translate.Unavailable, ""},
		{"non-JSON body", &syntax, translate.Unavailable, ""},
		{"non-CloudStack JSON error", &json.UnmarshalTypeError{Value: "string"}, translate.Unavailable, ""},
		{"no envelope", errors.New("Unable to extract the raw value from:\n\n{}\n\n"), translate.Unavailable, ""},
		{"deadline", context.DeadlineExceeded, translate.DeadlineExceeded, ""},
		{"wrapped deadline", fmt.Errorf("x: %w", context.DeadlineExceeded), translate.DeadlineExceeded, ""},
		{"no match", errors.New("No match found for abc: &{Count:0 VirtualMachines:[]}"), translate.NotFound, translate.ResVolume},
		{"garbage", errors.New("something odd"), translate.Internal, ""},
		{"already classified", &translate.Error{Kind: translate.InUse}, translate.InUse, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := Classify("cmd", translate.ResVolume, tt.err)
			if e.Kind != tt.kind {
				t.Fatalf("kind = %v, want %v (%v)", e.Kind, tt.kind, e)
			}
			if e.Resource != tt.res {
				t.Fatalf("resource = %q, want %q", e.Resource, tt.res)
			}
			if e.Kind == translate.Internal && e.Message != "unexpected CloudStack error" && e.Message != "CloudStack internal error" {
				t.Fatalf("internal error leaks its text: %q", e.Message)
			}
		})
	}
}

func TestJobFailure(t *testing.T) {
	tests := []struct {
		raw  string
		kind translate.Kind
	}{
		{`{"jobid":"j","cmd":"org.apache.cloudstack.api.command.user.vm.DeployVMCmd","jobstatus":2,"jobresultcode":530,"jobresulttype":"object","jobresult":{"errorcode":533,"errortext":"no capacity"},"jobinstancetype":"VirtualMachine","jobinstanceid":"vm"}`, translate.InsufficientCapacity},
		{`{"jobid":"j","cmd":"createTags","jobstatus":2,"jobresultcode":530,"jobresulttype":"text","jobresult":"boom"}`, translate.Internal},
		{`{"jobid":"j","cmd":"x","jobstatus":3}`, translate.Internal},
	}
	for _, tt := range tests {
		var j jobJSON
		if err := json.Unmarshal([]byte(tt.raw), &j); err != nil {
			t.Fatal(err)
		}
		got := j.job()
		if got.Status != translate.JobFailed || got.Err == nil || got.Err.Kind != tt.kind {
			t.Fatalf("%s: job = %+v err=%v", tt.raw, got, got.Err)
		}
	}
	var j jobJSON
	_ = json.Unmarshal([]byte(`{"jobid":"j","cmd":"org.apache.cloudstack.api.command.admin.vm.DeployVMCmdByAdmin","jobstatus":1,"jobinstancetype":"VirtualMachine","jobinstanceid":"vm-1","created":"2021-10-04T09:24:38+0000"}`), &j)
	got := j.job()
	if got.Command != "deployVirtualMachine" || got.Resource != translate.ResInstance || got.ResourceID != "vm-1" || got.Created.IsZero() || got.Status != translate.JobSucceeded {
		t.Fatalf("job = %+v", got)
	}
}

// Failed jobs carry no cserrorcode (ApiAsyncJobDispatcher): 530s are told
// apart by CloudStack's texts.
func TestClassifyJob530(t *testing.T) {
	for text, want := range map[string]translate.Kind{
		"Parameter expunge can be passed by Admin only. Or when the allow.user.expunge.recover.vm key is set.": translate.PermissionDenied,
		"Cannot delete group when it's in use by virtual machines":                                             translate.InUse,
		"Can't delete the network, not all user vms are expunged. Vm VM[User|i-2-5-VM] is in Destroyed state":  translate.InUse,
		"Failed to start the VM": translate.Internal,
	} {
		if got := ClassifyCode("destroyVirtualMachine", translate.ResInstance, 530, 0, text).Kind; got != want {
			t.Errorf("%q: %v, want %v", text, got, want)
		}
	}
}
