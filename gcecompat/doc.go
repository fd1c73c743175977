// Package gcecompat serves the Google Compute Engine v1 REST API (the
// subset that gcloud and google.golang.org/api/compute/v1 use) over a
// *translate.Service, so that unmodified GCE clients drive a CloudStack
// cloud.
//
// Register adds every route of routes.go under /compute/v1/projects/… and
// the batch endpoint POST /batch/compute/v1 to a gin router. Handlers
// return (value, error); the adapter in server.go authenticates the caller
// (Options.Authenticate), checks the project and encodes the answer, and
// errors.go holds the one table from error Kind to Google error format.
//
// # Projects, regions and zones
//
// The GCE project is the caller's Principal.Project (the CloudStack
// account, lower-cased); any other project is 403 forbidden, except that
// public image projects (debian-cloud, ubuntu-os-cloud, … see
// Options.ImageProjects) are readable by everyone and image lists of
// unknown projects are empty. The gateway has one region
// (Options.Region, default "local1") holding every CloudStack zone; a zone
// is named after its region as gcloud expects (it finds a zone's region by
// cutting the name at its last '-'): the region, '-', and the CloudStack
// zone name lower-cased with other characters and dashes dropped
// (CloudStack "zone1" is "local1-zone1"). The plain lower-cased CloudStack
// name is still accepted in requests.
//
// # Identifiers
//
// GCE names are CloudStack names (instances, volumes, snapshots) or are
// derived from them (offerings, disk offerings, templates, zones). Numeric
// ids are the first 63 bits of SHA-256 of the CloudStack UUID, so every
// replica computes the same id. Fingerprints are base64 hashes of the
// content they protect (labels, metadata, tags) and are checked on set*
// calls: a stale fingerprint is 412 conditionNotMet.
//
// # Operations
//
// An operation's name is "operation-" + base32 of its type, scope (zone,
// region or global), target collection, name and UUID, insert time and the
// CloudStack async job ids behind it (operations.go). Nothing is stored:
// get and wait decode the name and ask CloudStack for the jobs' state, so
// any replica, or a restarted gateway, answers them. Synchronous changes
// get an operation without jobs, which is DONE at once. A failed job makes
// the operation DONE with error.errors[].code (ZONE_RESOURCE_POOL_EXHAUSTED
// for insufficient capacity, QUOTA_EXCEEDED for limits, …) and
// httpErrorStatusCode. wait blocks up to 30s.
//
// Operation lists are built from CloudStack's listAsyncJobs (instance,
// disk, snapshot, image and address jobs) plus one synthesized operation
// per firewall (its last insert/update/patch, whose time is kept in the
// firewall's definition). A job-backed operation takes its insert time
// from its first job, so the operation returned by a mutation appears
// under the same name in the lists. Synchronous changes other than
// firewall changes (labels, metadata, machine type, deletes of
// firewalls) are not listed.
//
// instances.insert honours requestId: the id is kept in a reserved tag
// (and passed to translate as the client token, which puts it in the
// deploy call itself) together with the deploy job, so a retry answers
// the same operation instead of 409, also on another replica after the
// first one died before tagging the VM. disks.insert keeps its requestId
// in the same reserved tag, so a retry answers an operation instead of
// 409, though not after a replica died between createVolume and its tags
// (createVolume has no field that could carry the id). Other methods
// ignore requestId.
//
// # Instances
//
// Instances are VMs. The machine type is a fixed service offering
// (gceName of its name) or custom-CPUS-MEMORY on a custom offering (common
// GCE predefined names such as e2-small also map to the custom offering).
// The boot disk comes from initializeParams.sourceImage (image, family or
// zonal imageFamilyView, in any visible project); further disks are
// attached with attachDisk. Labels are the VM's user tags. Network tags,
// description and metadata are reserved tags (metadata.go);
// metadata "startup-script" is the CloudStack user data, and the first key
// in "ssh-keys" is imported as a CloudStack key pair for the VM. Instance
// lists return metadata without the startup-script value (get has it).
// An accessConfigs[].natIP naming a reserved address makes insert wait for
// the deployment and then enable static NAT from that address; an access
// config without natIP is the guest address in security-group zones and an
// ephemeral public IP elsewhere (accessconfigs.go). Boot disks with
// autoDelete false (GCE's default) are detached and kept when the instance
// is deleted; data disks given by source at insert are attached, and data
// disks with initializeParams (gcloud --create-disk) are created blank and
// attached in the same operation; data disks with autoDelete are deleted
// with their instance (createdisk.go). An image boots in every zone: a
// template the caller owns is copied to the instance's zone on demand
// (copyTemplate keeps its id).
// disks.insert copies a sourceDisk through a temporary snapshot. A boot
// disk given by source (a kept boot disk) boots a new instance
// (bootdisk.go).
//
// # Firewalls
//
// Firewalls map onto security groups; see firewalls.go for the design.
// In short: network tag T is group "gce-tag-T"; a firewall's allow rules
// go into the groups of its target tags (or "default"); its definition is
// kept in a marker group "gce-fw-NAME". CloudStack groups cannot express
// deny rules or priorities: "denied" firewalls are accepted, stored and
// listed, but enforce nothing beyond CloudStack's default deny, and
// priority is reported only. An instance's groups are fixed at creation,
// so setTags does not change which firewalls apply to it.
//
// # Lists
//
// filter= is parsed and evaluated on the JSON form of each item
// (filter.go): eq/ne with RE2 full matches, =, !=, :, <, >, AND, OR, NOT,
// parenthesised terms ANDed. maxResults (≤ 500) and pageToken page through
// the filtered, ordered items; page tokens are stateless offsets with a
// hash of the listing (collection, filter, orderBy), refused for another
// listing. orderBy accepts name and creationTimestamp [desc]; without it
// lists are in name order, Google's documented default. Aggregated lists
// group items by scope and leave empty scopes out. instances.list and
// aggregatedList without a filter in name order read in full only the
// page's VMs and volumes (instancepages.go; the order itself comes from one
// minimal CloudStack listing of the zone).
//
// # Request bodies
//
// Bodies are decoded strictly (body.go): an unknown field is 400 invalid
// "Unknown name …" naming it, trailing data after the JSON value is 400,
// and fields whose value CloudStack cannot honour (canIpForward,
// preemptible, accelerators, READ_ONLY disks, …; instancespec.go) are 400
// naming the field. Output-only fields that clients echo back from a GET
// (kind anywhere; id, creationTimestamp, selfLink at the top level) are
// accepted and ignored.
//
// # Discovery
//
// Google's discovery document, filtered to the methods of routes.go
// (discovery.json, written by gen_discovery.go from the copy shipped in the
// google.golang.org/api module), is served with rootUrl = the gateway at
// /discovery/v1/apis/compute/v1/rest, /$discovery/rest?version=v1 and
// /compute/v1/$discovery/rest, without credentials, so googleapiclient
// and other discovery-driven clients call the gateway.
//
// # Instance and image settings, quotas
//
// instances.insert honours deletionProtection, serviceAccounts (kept and
// read back; guests get no tokens), a subnetwork and networkIP, and
// predefined machine type names, and refuses what CloudStack cannot do,
// naming the field (instancespec.go, instancesettings.go). delete of a
// protected instance is 400 invalidResourceUsage; setDeletionProtection
// and setScheduling change settings; suspend/resume are 501. Images keep
// their family, labels and deprecation status on the template
// (imagesettings.go); images.insert with forceCreate templates a
// temporary snapshot of a running instance's boot disk, with
// sourceSnapshot templates the snapshot, and reads its source back;
// sourceImage is refused naming it (imagesource.go). Region and
// project quotas are the CloudStack account's limits and usage
// (quotas.go). Accelerator types and resource policies list empty
// (emptycatalogs.go).
//
// # Instance templates
//
// Global instanceTemplates (insert, get, list, aggregatedList, delete;
// instancetemplates.go) are CloudStack registered user data (4.18+, any
// user) named "cg-it-<name>", whose content is the properties exactly as
// sent, so they read back unchanged; CloudStack's unique names make an
// insert atomic and a retried insert (same requestId, kept in the
// content) the same success. Every property an instances.insert could not
// honour is refused at template insert naming resource.properties.<field>
// (the instance checks, machine type, image, disk type, network; source
// disks, sourceInstance and regional templates). instances.insert with
// sourceInstanceTemplate starts from the template's properties, each
// top-level field of the body replacing the template's. On a CloudStack
// older than 4.18 insert is 501 saying why and lists are empty.
//
// # Managed instance groups
//
// Zonal instanceGroupManagers (insert, get, list, aggregatedList, delete,
// resize, recreateInstances, deleteInstances, listManagedInstances) and
// their instanceGroups (get, list, aggregatedList, listInstances) map onto
// CloudStack instance groups (instancegroupmanagers.go). The group's name
// holds the MIG's fixed definition ("gce-mig:<zone uuid>:<name>:<base
// instance name>:<instance template>"), its VMs (deploy group=) are the
// members, created through instances.insert from the global instance
// template and named <base>-<4 random characters>; targetSize is derived
// (live members not marked deleting), so every replica answers the same
// and a resize interrupted by a crash is finished by resizing again.
// A single version naming the template is accepted (Terraform's version
// block); its name, if any, joins the group's name and reads back. Autoscalers list empty and cannot be created;
// autoHealingPolicies, distributionPolicy, statefulPolicy, updatePolicy,
// several or sized versions, namedPorts, targetPools, description and
// regional MIGs are refused naming them; the other MIG methods (patch,
// setInstanceTemplate, abandonInstances, per-instance configs, …) are 501.
// Unlike GCE, nothing recreates a member deleted outside the MIG (the
// target size drops with it), MIG operations carry their members' jobs
// but are not listed by operations.list, and insert ignores requestId.
//
// # Networks, subnetworks and routes
//
// "default" stands for the caller's CloudStack networks outside VPCs (its
// subnetworks); every CloudStack VPC is a custom-mode network whose
// subnetworks are its tiers (networks.go, subnetworks.go). networks.insert
// (legacy mode, mtu and GLOBAL routing are 400 naming the field) creates a
// VPC with super-CIDR 10.0.0.0/8 (custom mode) or 10.128.0.0/9 with the
// region's tier 10.128.0.0/20 (auto mode) in the first Advanced zone
// without security groups; subnetworks.insert creates a tier
// (or, on "default", an isolated network); delete is 400
// resourceInUseByAnotherResource while subnetworks or instances use them;
// expandIpCidrRange is 501 (CloudStack cannot widen a CIDR). In zones with
// security groups CloudStack lets users create neither: 501. Instances are
// deployed on the subnetwork named in networkInterfaces[0] and read back
// their network and subnetwork. Firewalls on custom networks are 400: VPC
// tiers are filtered by network ACLs, not security groups. routes.list/get
// are derived (gceroutes.go): a subnet route per subnetwork and a default
// route only where CloudStack gives egress (source NAT, or a shared
// network's gateway); routes.insert/delete are 501.
//
// # Not supported
//
// Auto-mode networks, disks and images from images, global addresses, regional
// instance groups, creating routes, routers and load balancing: the
// collections listed in routes.go (unsupported) answer 501 notImplemented
// in Google error format; other unknown paths are 404. Snapshots of
// never-attached (CloudStack "Allocated") disks fail, as CloudStack
// refuses them.
package gcecompat
