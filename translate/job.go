package translate

import (
	"context"
	"strings"
	"time"
)

// JobStatus is the state of a CloudStack async job.
type JobStatus int

const (
	JobPending   JobStatus = iota // jobstatus 0
	JobSucceeded                  // jobstatus 1
	JobFailed                     // jobstatus 2 (and 3, cancelled)
)

// Job is a CloudStack async job (a GCE operation).
type Job struct {
	ID      string
	Status  JobStatus
	Command string // CloudStack API command, e.g. "deployVirtualMachine"
	// Resource/ResourceID name the object the job works on, when known.
	Resource   Resource
	ResourceID string
	// Err is set when Status is JobFailed, classified like every other
	// Service error (InsufficientCapacity, InvalidArgument, ...).
	Err       *Error
	UserID    string
	Created   time.Time
	Completed time.Time
}

// pendingSame returns the job CloudStack is running on vm if it is a cmd
// job: a retried call (its first attempt reached CloudStack, the answer was
// lost with the replica that sent it) finds its own job under way, and
// answers with it instead of failing with CloudStack's "another operation
// is in progress".
func (s *Service) pendingSame(ctx context.Context, vm *Instance, cmd string) *Job {
	if vm == nil || !vm.JobPending || vm.JobID == "" {
		return nil
	}
	j, err := s.cs.QueryAsyncJobResult(ctx, vm.JobID)
	if err != nil || j.Status != JobPending || !strings.EqualFold(j.Command, cmd) {
		return nil
	}
	if j.Resource == "" {
		j.Resource, j.ResourceID = ResInstance, vm.ID
	}
	return j
}

// Done reports whether the job has finished.
func (j *Job) Done() bool { return j != nil && j.Status != JobPending }

// Job returns a job of the caller's by id; NotFound (ResJob) if none.
// When a deployVirtualMachine job has failed and left its VM in the Error
// state, Job expunges that VM first, so that a failed launch never leaves
// a VM behind no matter which replica observes the failure.
func (s *Service) Job(ctx context.Context, id string) (*Job, error) {
	if id == "" {
		return nil, notFound("Job", ResJob, id)
	}
	j, err := s.cs.QueryAsyncJobResult(ctx, id)
	if err != nil {
		return nil, opErr("Job", ResJob, id, err)
	}
	if j == nil {
		return nil, notFound("Job", ResJob, id)
	}
	if j.Status == JobFailed && j.Err == nil {
		j.Err = &Error{Op: j.Command, Kind: Internal, Message: "the job failed"}
	}
	if j.Status == JobFailed && strings.EqualFold(j.Command, "deployVirtualMachine") && j.ResourceID != "" {
		s.expungeIfError(ctx, j.ResourceID)
	}
	return j, nil
}

// expungeIfError destroys a VM left in the Error state by a failed deploy,
// with expunge when the caller may expunge (see removeVM). It is best
// effort: a VM that is gone already is fine.
func (s *Service) expungeIfError(ctx context.Context, vmID string) {
	vms, err := s.cs.ListVirtualMachines(ctx, ListVMsRequest{ID: vmID})
	if err != nil || len(vms) == 0 || vms[0].State != StateError {
		return
	}
	_ = s.removeVM(ctx, &vms[0], false)
}

// WaitJob polls the job until it is done or timeout elapses (0 = the
// service's JobTimeout) or ctx ends, and returns its latest state. It
// returns an error only if the job cannot be read; a failed job is a Job
// with Status JobFailed.
func (s *Service) WaitJob(ctx context.Context, id string, timeout time.Duration) (*Job, error) {
	if timeout <= 0 {
		timeout = s.opts.JobTimeout
	}
	deadline := time.Now().Add(timeout)
	for {
		j, err := s.Job(ctx, id)
		if err != nil {
			return nil, err
		}
		if j.Done() || !time.Now().Before(deadline) {
			return j, nil
		}
		d := s.opts.JobPollInterval
		if rest := time.Until(deadline); rest < d {
			d = rest
		}
		if sleep(ctx, d) != nil {
			return j, nil
		}
	}
}

// await waits for an async CloudStack job started by op and turns its
// outcome into an error: the job's classified error if it failed,
// DeadlineExceeded if it did not finish in time.
func (s *Service) await(ctx context.Context, op string, res Resource, id, jobID string) (*Job, error) {
	if jobID == "" {
		return &Job{Status: JobSucceeded, Resource: res, ResourceID: id}, nil
	}
	j, err := s.WaitJob(ctx, jobID, 0)
	if err != nil {
		return nil, opErr(op, res, id, err)
	}
	switch j.Status {
	case JobSucceeded:
		return j, nil
	case JobFailed:
		return j, opErr(op, res, id, j.Err)
	}
	return j, &Error{Op: op, Kind: DeadlineExceeded, Resource: res, ID: id,
		Message: "CloudStack job " + jobID + " did not finish in time"}
}

// pendingJob describes a job CloudStack has just accepted.
func (s *Service) pendingJob(cmd string, res Resource, id string, r AsyncResult) *Job {
	j := &Job{ID: r.JobID, Status: JobPending, Command: cmd, Resource: res, ResourceID: id, Created: s.opts.Now()}
	if r.JobID == "" {
		j.Status = JobSucceeded
		j.Completed = j.Created
	}
	return j
}

// Jobs lists the caller's recent async jobs (CloudStack listAsyncJobs),
// sorted by creation time then id.
func (s *Service) Jobs(ctx context.Context) ([]Job, error) {
	js, err := s.cs.ListAsyncJobs(ctx)
	if err != nil {
		return nil, opErr("Jobs", ResJob, "", err)
	}
	sortByCreated(js, func(j *Job) time.Time { return j.Created }, func(j *Job) string { return j.ID })
	return js, nil
}
