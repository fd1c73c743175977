package translate

import (
	"context"
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

// Done reports whether the job has finished.
func (j *Job) Done() bool { return j != nil && j.Status != JobPending }

// Job returns a job of the caller's by id; NotFound (ResJob) if none.
// When a deployVirtualMachine job has failed and left its VM in the Error
// state, Job expunges that VM first, so that a failed launch never leaves
// a VM behind no matter which replica observes the failure.
func (s *Service) Job(ctx context.Context, id string) (*Job, error) {
	return nil, unimplemented("Job")
}

// WaitJob polls the job until it is done or timeout elapses (0 = the
// service's JobTimeout) or ctx ends, and returns its latest state. It
// returns an error only if the job cannot be read; a failed job is a Job
// with Status JobFailed.
func (s *Service) WaitJob(ctx context.Context, id string, timeout time.Duration) (*Job, error) {
	return nil, unimplemented("WaitJob")
}

// Jobs lists the caller's recent async jobs (CloudStack listAsyncJobs).
func (s *Service) Jobs(ctx context.Context) ([]Job, error) {
	return nil, unimplemented("Jobs")
}
