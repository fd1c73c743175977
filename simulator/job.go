package simulator

import (
	"bytes"
	"encoding/json"
	"time"
)

// Job statuses (JobInfo.Status ordinals).
const (
	jobPending   = 0
	jobSucceeded = 1
	jobFailed    = 2
)

// job is an async job. Its effects are split in two: the command's run func applies
// the "begin" effects (transitional states) when the job is submitted; its complete
// func applies the rest when the job becomes due (Options.JobLatency, fault waits).
type job struct {
	owned
	UserID       string                         `json:"userId"`
	ID           string                         `json:"id"`
	Cmd          string                         `json:"cmd"`
	InstanceType string                         `json:"instanceType"`
	InstanceID   string                         `json:"instanceId"`
	Params       map[string]string              `json:"params"`
	Maps         map[string][]map[string]string `json:"maps,omitempty"`
	Status       int                            `json:"status"`
	ResultCode   int                            `json:"resultCode"`
	Result       json.RawMessage                `json:"result,omitempty"`
	Created      time.Time                      `json:"created"`
	Due          time.Time                      `json:"due"`
	Completed    time.Time                      `json:"completed"`
	Fault        *apiError                      `json:"fault,omitempty"`
}

// submit runs an async command's begin phase and records its job.
func (s *Server) submit(c *call, cmd *command, fault *mockHit) (any, *apiError) {
	j := &job{owned: owned{c.acct.ID, c.acct.DomainID}, UserID: c.user.ID, ID: s.st.uuid(), Cmd: cmd.name,
		Params: c.p, Maps: c.maps, Created: c.now, Due: c.now.Add(s.latency)}
	if fault != nil {
		j.Due = j.Due.Add(fault.Wait)
		if fault.Fail {
			j.Fault = fault.err()
		}
	}
	c.job = j
	res, err := cmd.run(s, c)
	if err != nil {
		return nil, err
	}
	s.st.Jobs = append(s.st.Jobs, j)
	if s.st.jobIdx != nil {
		s.st.jobIdx[j.ID] = j
		s.st.pendingJobs = append(s.st.pendingJobs, j)
	}
	return res, nil
}

// indexJobs builds the job indexes (by id, and the pending jobs) when
// they are stale (nil), e.g. after a state load. Callers hold mu.
func (s *Server) indexJobs() {
	if s.st.jobIdx != nil {
		return
	}
	s.st.jobIdx = make(map[string]*job, len(s.st.Jobs))
	s.st.pendingJobs = nil
	for _, j := range s.st.Jobs {
		s.st.jobIdx[j.ID] = j
		if j.Status == jobPending {
			s.st.pendingJobs = append(s.st.pendingJobs, j)
		}
	}
}

// jobReply is the immediate answer of an async command.
func jobReply(c *call) flat { return flat{"jobid": c.job.ID} }

// createReply is the immediate answer of an async create command.
func createReply(c *call, id string) flat { return flat{"id": id, "jobid": c.job.ID} }

// advance completes every due job and expunges VMs whose expunge delay passed.
// Callers hold mu.
func (s *Server) advance(now time.Time) {
	// Only the pending jobs (every job ever made stays in Jobs): a request
	// costs O(pending), not O(jobs so far).
	s.indexJobs()
	still := s.st.pendingJobs[:0]
	var due []*job
	for _, j := range s.st.pendingJobs {
		switch {
		case j.Status != jobPending:
		case !j.Due.After(now):
			due = append(due, j)
		default:
			still = append(still, j)
		}
	}
	clear(s.st.pendingJobs[len(still):])
	s.st.pendingJobs = still
	for _, j := range due {
		s.finish(j, now)
	}
	s.autoExpunge(now)
}

func (s *Server) finish(j *job, now time.Time) {
	cmd, _ := lookupCommand(j.Cmd)
	c := &call{cmd: j.Cmd, p: j.Params, maps: j.Maps, now: now, job: j,
		acct: s.accountByID(j.AccountID), user: s.userByID(j.UserID)}
	if c.p == nil {
		c.p = map[string]string{}
	}
	res, err := cmd.complete(s, c)
	j.Completed = now
	if err != nil {
		// ApiAsyncJobDispatcher.runJob: the job completes FAILED with resultCode = the
		// ExceptionResponse's errorcode, and that response carries no cserrorcode
		// (server/src/main/java/com/cloud/api/ApiAsyncJobDispatcher.java).
		j.Status, j.ResultCode = jobFailed, err.Code
		j.Result, _ = json.Marshal(obj{"uuidList": []any{}, "errorcode": err.Code, "errortext": err.Text})
	} else {
		j.Status, j.ResultCode = jobSucceeded, 0
		j.Result, _ = json.Marshal(renderResult(res))
	}
	s.persist()
}

func (s *Server) jobObj(j *job) obj {
	o := obj{"jobid": j.ID, "accountid": j.AccountID, "userid": j.UserID, "domainid": j.DomainID,
		"cmd": cmdClass(j.Cmd, s.isAdminAccount(j.AccountID)), "jobstatus": j.Status, "jobprocstatus": 0, "jobresultcode": j.ResultCode,
		"jobresulttype": "object", "created": fmtTime(j.Created)}
	if a := s.accountByID(j.AccountID); a != nil {
		o["account"] = a.Name
		o["domainpath"] = "ROOT"
	}
	if j.InstanceType != "" {
		o["jobinstancetype"] = j.InstanceType
		o["jobinstanceid"] = j.InstanceID
	}
	if j.Status != jobPending {
		o["completed"] = fmtTime(j.Completed)
		var v obj
		d := json.NewDecoder(bytes.NewReader(j.Result))
		d.UseNumber()
		if d.Decode(&v) == nil {
			o["jobresult"] = v
		}
	}
	return o
}

func (s *Server) isAdminAccount(id string) bool {
	a := s.accountByID(id)
	return a != nil && a.Type == 1
}

func (s *Server) jobByID(id string) *job {
	s.indexJobs()
	return s.st.jobIdx[id]
}

func queryAsyncJobResult(s *Server, c *call) (any, *apiError) {
	id, err := c.need("jobid")
	if err != nil {
		return nil, err
	}
	j := s.jobByID(id)
	if j == nil || (!c.isAdmin() && j.AccountID != c.acct.ID) {
		return nil, noEntity(c.cmd, "jobid", id)
	}
	return flat(s.jobObj(j)), nil
}

func listAsyncJobs(s *Server, c *call) (any, *apiError) {
	var items []obj
	for _, j := range s.st.Jobs {
		if !s.visible(c, j.owned) {
			continue
		}
		items = append(items, s.jobObj(j))
	}
	return c.pageOf("asyncjobs", items), nil
}

// fmtTime formats like CloudStack (yyyy-MM-dd'T'HH:mm:ssZ).
func fmtTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05-0700") }

// cmdClasses are the API command classes (api/src/main/java/org/apache/cloudstack/api/command/...)
// a job's cmd names. Admin callers run the ...ByAdmin subclass where one exists, as in the
// fixtures of cloudstack-go (test/testdata: DeployVMCmdByAdmin, StopVMCmdByAdmin, …).
var cmdClasses = map[string][2]string{ // name → {user class, admin class ("" = same)}
	"createTemplate":                 {"user.template.CreateTemplateCmd", "admin.template.CreateTemplateCmdByAdmin"},
	"deleteTemplate":                 {"user.template.DeleteTemplateCmd", ""},
	"deployVirtualMachine":           {"user.vm.DeployVMCmd", "admin.vm.DeployVMCmdByAdmin"},
	"startVirtualMachine":            {"user.vm.StartVMCmd", "admin.vm.StartVMCmdByAdmin"},
	"stopVirtualMachine":             {"user.vm.StopVMCmd", "admin.vm.StopVMCmdByAdmin"},
	"rebootVirtualMachine":           {"user.vm.RebootVMCmd", "admin.vm.RebootVMCmdByAdmin"},
	"destroyVirtualMachine":          {"user.vm.DestroyVMCmd", "admin.vm.DestroyVMCmdByAdmin"},
	"expungeVirtualMachine":          {"admin.vm.ExpungeVMCmd", ""},
	"scaleVirtualMachine":            {"user.vm.ScaleVMCmd", "admin.vm.ScaleVMCmdByAdmin"},
	"resetSSHKeyForVirtualMachine":   {"user.vm.ResetVMSSHKeyCmd", "admin.vm.ResetVMSSHKeyCmdByAdmin"},
	"resetPasswordForVirtualMachine": {"user.vm.ResetVMPasswordCmd", "admin.vm.ResetVMPasswordCmdByAdmin"},
	"authorizeSecurityGroupIngress":  {"user.securitygroup.AuthorizeSecurityGroupIngressCmd", ""},
	"authorizeSecurityGroupEgress":   {"user.securitygroup.AuthorizeSecurityGroupEgressCmd", ""},
	"revokeSecurityGroupIngress":     {"user.securitygroup.RevokeSecurityGroupIngressCmd", ""},
	"revokeSecurityGroupEgress":      {"user.securitygroup.RevokeSecurityGroupEgressCmd", ""},
	"deleteNetwork":                  {"user.network.DeleteNetworkCmd", ""},
	"createVPC":                      {"user.vpc.CreateVPCCmd", "admin.vpc.CreateVPCCmdByAdmin"},
	"deleteVPC":                      {"user.vpc.DeleteVPCCmd", ""},
	"associateIpAddress":             {"user.address.AssociateIPAddrCmd", "admin.address.AssociateIPAddrCmdByAdmin"},
	"disassociateIpAddress":          {"user.address.DisassociateIPAddrCmd", ""},
	"disableStaticNat":               {"user.nat.DisableStaticNatCmd", ""},
	"createVolume":                   {"user.volume.CreateVolumeCmd", "admin.volume.CreateVolumeCmdByAdmin"},
	"attachVolume":                   {"user.volume.AttachVolumeCmd", "admin.volume.AttachVolumeCmdByAdmin"},
	"detachVolume":                   {"user.volume.DetachVolumeCmd", "admin.volume.DetachVolumeCmdByAdmin"},
	"resizeVolume":                   {"user.volume.ResizeVolumeCmd", "admin.volume.ResizeVolumeCmdByAdmin"},
	"createSnapshot":                 {"user.snapshot.CreateSnapshotCmd", ""},
	"deleteSnapshot":                 {"user.snapshot.DeleteSnapshotCmd", ""},
	"createTags":                     {"user.tag.CreateTagsCmd", ""},
	"deleteTags":                     {"user.tag.DeleteTagsCmd", ""},
}

// cmdClass is the fully qualified command class of a job run by a caller (admin or not).
func cmdClass(name string, admin bool) string {
	const pkg = "org.apache.cloudstack.api.command."
	c, ok := cmdClasses[name]
	if !ok {
		return pkg + "user." + name
	}
	if admin && c[1] != "" {
		return pkg + c[1]
	}
	return pkg + c[0]
}
