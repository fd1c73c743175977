// Package translate is cloudgate's protocol-neutral core.
//
// The wire layers (gcecompat for GCE v1 REST, ec2compat for the EC2 Query
// API) decode their requests into the domain types of this package, call a
// *Service method and encode the result. They never talk to CloudStack
// themselves and never import each other.
//
// Service owns everything the two front ends share: name and ID resolution,
// offering and template lookup, async-job polling, tagging, idempotency
// tokens and error classification. It reaches CloudStack only through the
// narrow CloudStack port defined in cloudstack.go; the one adapter over
// github.com/apache/cloudstack-go lives in translate/csbackend.
//
// # Identity
//
// Every call acts as the caller: the *Principal stored in the context (see
// NewContext) carries the CloudStack API key and secret that the adapter
// signs with. Service never falls back to an administrator key for user
// resources.
//
// # Statelessness
//
// Service keeps no state that another gateway replica would need. Every
// identifier it hands out is either a CloudStack UUID or reversible to one,
// and everything else (client tokens, GCE metadata, labels) is stored in
// CloudStack resource tags, or, for what has no CloudStack entity to tag
// (instance templates, launch templates, the public key of a key pair,
// which CloudStack does not list), in registered user data under reserved
// names (StoreDoc, userdata.go, storeddoc.go, keyrecord.go).
//
// # The CloudStack port
//
// CloudStack (cloudstack.go) lists every CloudStack call Service makes, with
// this package's own request and response structs. Async commands return
// the job id (and new entity id) at once; Service polls
// queryAsyncJobResult itself every Options.JobPollInterval (WaitJob), so a
// job that is done at the first poll costs one round trip. Implementations
// classify CloudStack errors once (translate/csbackend.Classify) and pass
// translate/cstest.RunConformanceTests; translate/mock is a function-field
// mock for unit tests.
//
// # Conventions
//
//   - Zones, offerings and disk offerings are found by UUID or by name
//     (names compare case-insensitively) and cached per caller API key for
//     Options.CatalogTTL. Templates are not cached (callers create them).
//   - Lists are sorted deterministically (creation time, then id; name,
//     then id where CloudStack has no creation time) so that paging in the
//     wire layers is stable. Paged instance listings are read by position
//     from CloudStack instead (InstancesPage, in CloudStack's creation
//     order; InstancesByName, in name order): instancepage.go.
//   - An unknown id is NotFound with the matching Resource, whether
//     CloudStack answers with an empty list or with error 431.
//   - Tags with the ReservedTagPrefix are the gateway's own: Launch stores
//     its client token in ClientTokenTag; ListTags hides them; Tags fields
//     on resources include them (use Tags.User to drop them).
//   - A client token reaches CloudStack in the deploy call itself: a mark
//     derived from it is each VM's displayname, and the hostname of VMs
//     the caller does not name, so a retry on any replica after any crash
//     finds the first attempt's VMs and finishes their tags
//     (clienttoken.go).
//   - Launch validates zone, offering, image, root disk offering and key
//     pair before creating anything, deploys MaxCount VMs, tags them, and
//     rolls back when fewer than MinCount deploy or tagging fails. Job
//     removes a VM left in Error by a failed deployVirtualMachine, so any
//     replica observing the failure cleans up. Launch names the network a
//     zone needs (placement.go) and sends cpuSpeed for custom sizes.
//   - Nothing relies on a permission the operator may not have granted:
//     Capabilities reads listCapabilities as the caller (cached like the
//     catalog). Removing a VM (TerminateInstance, rollback) expunges only
//     where allow.user.expunge.recover.vm lets the caller; otherwise the VM
//     is renamed (RetiredName, freeing its host name) and destroyed, and
//     stays held by CloudStack until expunge.delay (removal.go).
//     TerminatedInstances reads recent VM.DESTROY events, for front ends
//     that show terminated instances CloudStack hides from users, and the
//     VMs' tags (one listTags call), among them the LaunchRecordTag
//     Launch writes with the launch's other tags: launch time, offering
//     and image (launchrecord.go).
//   - Methods that create several CloudStack objects (security-group rules,
//     tagged resources) undo what they created when a later step fails.
//
// # Errors
//
// Every error returned by Service is, or wraps, an *Error whose Kind says
// what went wrong in protocol-neutral terms (NotFound, AlreadyExists, ...).
// Each wire layer has exactly one table that maps Kind (and Resource) to its
// own error format. Use KindOf to classify.
package translate
