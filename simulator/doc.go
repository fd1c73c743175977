// Package simulator is a fake Apache CloudStack management server ("fake
// datacenter") for tests and demos. It speaks CloudStack's wire protocol on
// /client/api: signed GET/POST requests (HMAC-SHA1, verified like Java's
// ApiServer), login sessions, JSON and default-XML envelopes, CloudStack's
// error codes (HTTP status = errorcode, cserrorcode, errortext), async jobs
// polled with queryAsyncJobResult, list paging with count = total, and
// per-account visibility.
//
// # Library first
//
//	srv, _ := simulator.New(&simulator.Options{NoListener: true})
//	defer srv.Close()
//	key, secret, _ := srv.UserKeys("demo")
//	cs := cloudstack.NewAsyncClient(srv.URL(), key, secret, false,
//		cloudstack.WithHTTPClient(srv.HTTPClient()))
//
// # Profiles and settings
//
// The simulator models a default Apache CloudStack: management-server settings
// (listConfigurations / updateConfiguration / resetConfiguration, admin only) start at
// CloudStack's defaults and drive behaviour (the Setting* constants name them):
// users cannot expunge or recover VMs (allow.user.expunge.recover.vm=false: destroy
// expunge=true returns a jobid whose job fails 530), users never see Destroyed VMs
// (allow.user.view.destroyed.vm=false), destroyed VMs keep what they hold until the
// expunge thread (every expunge.interval) finds them older than expunge.delay (86400 s
// each), and list pages hold at most default.page.size (500) items. listCapabilities
// reports the caller's view of these settings. A Seed sets them (Seed.Settings).
//
// Networks follow CloudStack's model: zones with security groups (Advanced+SG, Basic) have one
// zone-wide Shared network that VMs deployed without networkids land on, and no Isolated
// networks; Advanced zones without security groups need a Required network offering for such
// deploys (CloudStack then creates "<account>-network"); associateIpAddress zoneid= needs the
// account's only Isolated network; a hostname is unique per network until the VM is expunged.
// A customized offering without cpuspeed needs details[0].cpuSpeed. docs/simulator.md lists
// each rule with its CloudStack source.
//
// Shipped datacenters, by name (Profiles, ProfileSeed, NewFromProfile, Options.Profile):
//
//	demo              Advanced zone with security groups + Basic zone, CloudStack's defaults
//	                  (DefaultSeed, and what Options{} starts)
//	demo-recommended  the same datacenter with the settings recommended for a gateway
//	                  operator (users expunge/recover, see destroyed VMs, expunge within ~90s)
//	sandbox           an Advanced zone without security groups: Isolated networks with a
//	                  Required source-NAT offering, VPCs (terraform-provider-cloudstack's CI zone)
//
//	srv, _ := simulator.NewFromProfile(simulator.ProfileSandbox, &simulator.Options{NoListener: true})
//
// Options.Now and Server.RunExpunger make the expunge thread testable; Options.ExpungeDelay
// overrides both expunge settings (the CLI's --expunge-delay).
//
// # Async jobs
//
// An async command applies its "begin" effects at once (a VM shows Starting,
// Stopping or Expunging and carries jobid/jobstatus in listVirtualMachines) and
// completes when the job is due: Options.JobLatency after submission (default 0:
// done at the first poll), plus any configureSimulator wait. Jobs complete lazily
// on the next request, so the simulator never changes state behind a test's back.
//
// # Network latency
//
// Options.CallLatency and Options.ItemLatency (or POST
// /_sim/config?callLatency=50ms&itemLatency=100us, or SetCallLatency) hold back
// every API answer by CallLatency + ItemLatency × the items of a list answer,
// with the state lock released, so concurrent calls overlap as on a real
// management server across a network. Benchmarks use it to compare a client
// operation's latency with its longest chain of sequential CloudStack calls.
//
// # Fault injection
//
// configureSimulator (admin only) takes name = an API command name (or "*" for
// every async command), value = "result:fail|wait:<ms>|errorcode:<code>|errortext:<t>",
// count (nil = until cleanupSimulatorMock) and an optional zoneid scope. Async
// commands fail inside the job (jobstatus 2); sync commands fail directly.
// /_sim/healthcheck, POST /_sim/reset and /_sim/config?jobLatency=2s are plain
// HTTP control endpoints on the same handler.
//
// # Capacity
//
// Each zone has hosts with CPU (cores × MHz) and memory; Starting/Running/Stopping
// VMs consume capacity. A deploy that fits nowhere fails its job with 533/4325
// "Unable to create a deployment for VM…" and leaves the VM in Error.
//
// # cloudstack-go quirks (v2.17.1) the simulator deliberately does not paper over
//
// Real CloudStack wraps these sync single-object responses in an object name, and
// cloudstack-go decodes them without unwrapping, so its typed result is empty (no
// error): getVMPassword ({"password":{"encryptedpassword"}}), getUser ({"user":{…}}),
// updateVirtualMachine, changeServiceForVirtualMachine and recoverVirtualMachine
// ({"virtualmachine":{…}}), updateTemplate ({"template":{…}}). Read them through
// cloudstack.CustomService (cs.Custom.(*cloudstack.CustomService)) or re-list.
// cloudstack-go signs '~' like Go's url.QueryEscape, not like Java; the simulator
// accepts that form too (logging a warning) where real CloudStack answers 401.
package simulator
