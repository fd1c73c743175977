package conformance

import (
	"fmt"
	"io"
	"strings"
)

// command is one everyday CLI command (issue 16's survey of gcloud and
// aws CLI usage) and the scenarios that assert what it does. The matrix
// derives each command's outcome per profile from those scenarios'
// results, so a row cannot claim more than the suite measured.
type command struct {
	cli       string   // the command as a user types it
	section   string   // the issue section: "0", "1", "2", "3.1" …
	expect    string   // expectWorks, expectRefused, expectUnsupported, expectNotBuilt
	scenarios []string // scenarios asserting the outcome
	tests     []string // Go tests that also drive it through the real CLI
	note      string
}

// Outcomes a command is asserted to have.
const (
	expectWorks       = "works"         // done as asked and read back as written
	expectRefused     = "refused"       // the client's native error naming what cannot be honoured; nothing created
	expectUnsupported = "not supported" // the client's native "not implemented" error with the reason
	expectNotBuilt    = "not built"     // no scenario: the gateway does not serve it yet
)

// everydayCommands lists every command issue 16 names, in its order.
var everydayCommands = []command{
	// §0: defects that broke everyday flows.
	{"gcloud compute instances add-labels / add-metadata / add-tags (URL-safe fingerprints)", "0", expectWorks,
		[]string{"gce/instances/labels", "gce/instances/actions"}, []string{"TestGcloudEveryday"}, ""},
	{"gcloud compute instances create (external natIP by default, for gcloud compute ssh)", "0", expectWorks,
		[]string{"gce/instances/settings-readback"}, []string{"TestGcloudEveryday"}, ""},
	{"gcloud compute instances create --no-address", "0", expectWorks,
		[]string{"gce/instances/settings-readback"}, []string{"TestGcloudEveryday"}, "no access config"},
	{"gcloud compute instances create --address NAME (region derived from the zone name)", "0", expectWorks,
		[]string{"gce/zones-regions", "gce/addresses/associate"}, []string{"TestGcloudEveryday"}, "SG zones: no user public addresses (addresses skip)"},
	{"aws ec2 run-instances (PublicIpAddress in the default subnet)", "0", expectWorks,
		[]string{"ec2/instances/termination-protection"}, []string{"TestAWSCLIEveryday"}, ""},

	// §1: silently wrong, now honoured or refused.
	{"gcloud compute instances create --deletion-protection", "1", expectWorks,
		[]string{"gce/instances/settings-readback"}, []string{"TestGcloudEveryday"}, "delete refused while protected"},
	{"gcloud compute instances create --preemptible", "1", expectRefused,
		[]string{"gce/instances/refused-settings"}, []string{"TestGcloudEveryday"}, ""},
	{"gcloud compute instances create --provisioning-model SPOT", "1", expectRefused,
		[]string{"gce/instances/refused-settings"}, []string{"TestGcloudEveryday"}, ""},
	{"gcloud compute instances create --scopes …", "1", expectWorks,
		[]string{"gce/instances/settings-readback"}, []string{"TestGcloudEveryday"}, ""},
	{"gcloud compute instances attach-disk --mode ro", "1", expectRefused,
		[]string{"gce/everyday-fixes"}, []string{"TestGcloudEveryday"}, "CloudStack attaches read-write only"},
	{"gcloud compute instances create --machine-type e2-medium", "1", expectWorks,
		[]string{"gce/instances/machine-type-name"}, []string{"TestGcloudEveryday"}, ""},
	{"gcloud compute disks create --type pd-ssd", "1", expectWorks,
		[]string{"gce/everyday-readback"}, nil, ""},
	{"gcloud compute instances create --network / --subnet / --private-network-ip", "1", expectWorks,
		[]string{"gce/instances/settings-readback", "gce/instances/refused-settings"}, []string{"TestGcloudEveryday"}, "unknown network/subnet: 404"},
	{"gcloud compute images create --family", "1", expectWorks,
		[]string{"gce/images/family"}, []string{"TestGcloudEveryday"}, ""},
	{"aws ec2 terminate-instances (DisableApiTermination set)", "1", expectRefused,
		[]string{"ec2/instances/termination-protection"}, []string{"TestAWSCLIEveryday"}, "OperationNotPermitted"},
	{"aws ec2 describe-instance-attribute --attribute disableApiTermination", "1", expectWorks,
		[]string{"ec2/instances/termination-protection"}, []string{"TestAWSCLIEveryday"}, ""},
	{"aws ec2 run-instances --private-ip-address", "1", expectWorks,
		[]string{"ec2/instances/termination-protection"}, []string{"TestAWSCLIEveryday"}, ""},
	{"aws ec2 create-security-group --vpc-id", "1", expectWorks,
		[]string{"ec2/settings-readback"}, []string{"TestAWSCLIEveryday"}, ""},
	{"aws ec2 run-instances --block-device-mappings (a data volume)", "1", expectRefused,
		[]string{"ec2/everyday-readback"}, nil, "CloudStack deploys no data disk at a device name; the root device can be sized"},
	{"aws ec2 authorize-security-group-ingress (rule Description)", "1", expectWorks,
		[]string{"ec2/everyday-readback"}, nil, ""},
	{"aws ec2 create-volume --volume-type gp3", "1", expectWorks,
		[]string{"ec2/settings-readback"}, []string{"TestAWSCLIEveryday"}, ""},
	{"aws ec2 run-instances --instance-initiated-shutdown-behavior terminate", "1", expectRefused,
		[]string{"ec2/instances/refused-settings"}, []string{"TestAWSCLIEveryday"}, ""},
	{"aws ec2 run-instances --metadata-options HttpTokens=required", "1", expectRefused,
		[]string{"ec2/instances/refused-settings"}, []string{"TestAWSCLIEveryday"}, ""},
	{"aws ec2 run-instances --monitoring Enabled=true", "1", expectRefused,
		[]string{"ec2/instances/refused-settings"}, []string{"TestAWSCLIEveryday"}, ""},
	{"aws ec2 run-instances --iam-instance-profile", "1", expectRefused,
		[]string{"ec2/instances/refused-settings"}, []string{"TestAWSCLIEveryday"}, ""},
	{"aws ec2 run-instances --instance-market-options (spot)", "1", expectRefused,
		[]string{"ec2/instances/refused-settings"}, []string{"TestAWSCLIEveryday"}, ""},
	{"aws ec2 describe-key-pairs --include-public-key", "1", expectWorks,
		[]string{"ec2/settings-readback", "ec2/key-pairs/types"}, []string{"TestAWSCLIEveryday"},
		"key pairs created or imported through the gateway (record in CloudStack registered user data, 4.18+); others refused naming why"},
	{"aws ec2 run-instances --associate-public-ip-address --subnet-id (NetworkInterface.1)", "1", expectWorks,
		[]string{"ec2/instances/network-interface"}, []string{"TestAWSCLIEveryday"}, ""},

	// §2: wrong failures, now fixed or honest.
	{"gcloud compute disks create --source-snapshot", "2", expectWorks,
		[]string{"gce/everyday-readback"}, nil, ""},
	{"gcloud compute instances create --create-disk", "2", expectWorks,
		[]string{"gce/instances/create-disk"}, []string{"TestGcloudImages"}, "blank data disks (image= refused naming sourceImage); autoDelete honoured"},
	{"gcloud compute images add-labels / images deprecate", "2", expectWorks,
		[]string{"gce/images/force-labels-deprecate"}, []string{"TestGcloudEveryday"}, ""},
	{"gcloud compute instances set-disk-auto-delete", "2", expectWorks,
		[]string{"gce/everyday-readback"}, nil, "boot disk both ways"},
	{"gcloud compute instances set-scheduling", "2", expectWorks,
		[]string{"gce/everyday-fixes"}, []string{"TestGcloudEveryday"}, "TERMINATE refused"},
	{"gcloud compute instances update --deletion-protection", "2", expectWorks,
		[]string{"gce/instances/settings-readback"}, []string{"TestGcloudEveryday"}, ""},
	{"gcloud compute instances add-access-config / delete-access-config", "2", expectWorks,
		[]string{"gce/everyday-readback"}, nil, "SG zones: the guest address is the external one and cannot be removed (400)"},
	{"gcloud compute instances suspend / resume", "2", expectUnsupported,
		[]string{"gce/everyday-fixes", "gce/everyday-readback"}, []string{"TestGcloudEveryday"}, "CloudStack has no suspended state"},
	{"gcloud compute accelerator-types list / resource-policies list / instance-templates list", "2", expectWorks,
		[]string{"gce/everyday-fixes"}, []string{"TestGcloudEveryday"}, ""},
	{"gcloud compute images describe-from-family (own family)", "2", expectWorks,
		[]string{"gce/images/family"}, []string{"TestGcloudEveryday"}, ""},
	{"gcloud compute images create --force (running instance's disk)", "2", expectWorks,
		[]string{"gce/images/force-labels-deprecate"}, []string{"TestGcloudEveryday"}, ""},
	{"aws ec2 run-instances --instance-type t2.micro", "2", expectWorks,
		[]string{"ec2/everyday-fixes"}, nil, ""},
	{"aws ec2 describe-volumes --max-results 1000", "2", expectWorks,
		[]string{"ec2/everyday-fixes"}, nil, "capped like AWS"},
	{"aws ec2 describe-security-groups --filters ip-permission.*", "2", expectWorks,
		[]string{"ec2/everyday-fixes"}, nil, ""},
	{"aws ec2 create-snapshot / gcloud compute disks snapshot (never-attached volume)", "2", expectRefused,
		[]string{"ec2/snapshots/blank-volume", "gce/snapshots/blank-disk"}, nil, "CloudStack allocates storage at the first attach: IncorrectState / 400 resourceNotReady"},
	{"gcloud compute regions describe / project-info describe (quotas); aws ec2 describe-account-attributes", "2", expectWorks,
		[]string{"gce/quotas", "ec2/account-limits"}, []string{"TestGcloudEveryday"}, ""},

	// §3.1 networks.
	{"aws ec2 create-vpc / create-subnet / delete-subnet / delete-vpc", "3.1", expectWorks,
		[]string{"ec2/vpcs"}, nil, "SG zones: UnsupportedOperation (skip)"},
	{"aws ec2 describe-route-tables / describe-internet-gateways / describe-network-acls / describe-vpc-attribute", "3.1", expectWorks,
		[]string{"ec2/route-tables"}, []string{"TestAWSCLIRouteTables"}, "derived from CloudStack's VPC routers, static routes and ACL lists"},
	{"aws ec2 create-network-acl / create-network-acl-entry / replace-network-acl-association / delete-network-acl", "3.1", expectWorks,
		[]string{"ec2/route-tables"}, nil, "CloudStack VPC network ACL lists; SG zones have no VPCs (default-VPC part only)"},
	{"aws ec2 create-route to an internet or NAT gateway / create-route-table / create-internet-gateway / attach-internet-gateway", "3.1", expectUnsupported,
		[]string{"ec2/route-tables"}, []string{"TestAWSCLIRouteTables"}, "a CloudStack VPC's router is its only gateway; create-route/delete-route to a private gateway (vgw-) map to static routes (SDK test only: users cannot create private gateways)"},
	{"gcloud compute networks create --subnet-mode=custom / describe / list / delete", "3.1", expectWorks,
		[]string{"gce/vpc-networks"}, []string{"TestGcloudNetworks"}, "a CloudStack VPC (super-CIDR 10.0.0.0/8); delete in use: 400 resourceInUseByAnotherResource; SG zones: skip"},
	{"gcloud compute networks create / subnets create in security-group zones", "3.1", expectUnsupported,
		[]string{"gce/vpc-networks/security-groups"}, []string{"TestGcloudNetworks"}, "501: CloudStack creates no VPCs or networks for users there"},
	{"gcloud compute networks create (auto mode, gcloud's default)", "3.1", expectWorks,
		[]string{"gce/vpc-networks"}, []string{"TestGcloudNetworks"}, "a VPC (10.128.0.0/9) with the region's subnetwork 10.128.0.0/20, deleted with the network"},
	{"gcloud compute networks create --mtu / --bgp-routing-mode=global", "3.1", expectRefused,
		[]string{"gce/vpc-networks"}, []string{"TestGcloudNetworks"}, "400 naming mtu / routingConfig.routingMode"},
	{"gcloud compute networks subnets create / describe / list / delete", "3.1", expectWorks,
		[]string{"gce/vpc-networks"}, []string{"TestGcloudNetworks"}, "VPC tiers (createNetwork vpcid); overlapping or outside ranges: 400"},
	{"gcloud compute networks subnets expand-ip-range", "3.1", expectUnsupported,
		[]string{"gce/vpc-networks"}, []string{"TestGcloudNetworks"}, "501: CloudStack cannot widen a network's CIDR"},
	{"gcloud compute instances create --network N --subnet S (custom network)", "3.1", expectWorks,
		[]string{"gce/vpc-networks"}, []string{"TestGcloudNetworks"}, "deployed on the tier; network and subnetwork links resolve"},
	{"gcloud compute routes list / describe", "3.1", expectWorks,
		[]string{"gce/vpc-networks", "gce/vpc-networks/security-groups"}, []string{"TestGcloudNetworks"}, "a subnet route per subnetwork; a default route only where CloudStack gives egress; routes create/delete: 501"},
	{"gcloud compute firewall-rules create --network N (custom network)", "3.1", expectRefused,
		[]string{"gce/vpc-networks"}, []string{"TestGcloudNetworks"}, "400: VPC tiers are filtered by network ACLs, not security groups"},

	// §3.2 templates.
	{"gcloud compute instance-templates create / describe / list / delete", "3.2", expectWorks,
		[]string{"gce/instance-templates"}, []string{"TestGcloudInstanceTemplates"}, "global templates, stored as CloudStack registered user data (4.18+)"},
	{"gcloud compute instance-templates create --can-ip-forward / --preemptible / --shielded-secure-boot", "3.2", expectRefused,
		[]string{"gce/instance-templates/refused"}, []string{"TestGcloudInstanceTemplates"}, "refused at template creation, naming the field"},
	{"gcloud compute instances create --source-instance-template", "3.2", expectWorks,
		[]string{"gce/instance-templates"}, []string{"TestGcloudInstanceTemplates"}, "the request's fields replace the template's"},
	{"gcloud compute instance-groups managed create / describe / list / list-instances / resize / recreate-instances / delete-instances / delete", "3.2", expectWorks,
		[]string{"gce/managed-instance-groups"}, []string{"TestGcloudManagedInstanceGroups"},
		"zonal; CloudStack instance groups whose members come from the global instance template; targetSize is the live members"},
	{"gcloud compute instance-groups list / list-instances", "3.2", expectWorks,
		[]string{"gce/managed-instance-groups"}, []string{"TestGcloudManagedInstanceGroups"}, "the managed groups' instance groups"},
	{"gcloud compute instance-groups managed create --health-check / --description", "3.2", expectRefused,
		[]string{"gce/managed-instance-groups"}, []string{"TestGcloudManagedInstanceGroups"}, "autoHealingPolicies, description: 400 naming the field"},
	{"gcloud compute instance-groups managed set-autoscaling", "3.2", expectUnsupported,
		[]string{"gce/managed-instance-groups"}, []string{"TestGcloudManagedInstanceGroups"}, "501: no autoscaler CloudStack could drive; autoscalers list empty"},

	{"aws ec2 create-launch-template / create-launch-template-version / describe-launch-templates / describe-launch-template-versions / modify-launch-template / delete-launch-template-versions / delete-launch-template", "3.2", expectWorks,
		[]string{"ec2/launch-templates"}, []string{"TestAWSCLILaunchTemplates"}, "stored as CloudStack registered user data (4.18+)"},
	{"aws ec2 run-instances --launch-template", "3.2", expectWorks,
		[]string{"ec2/launch-templates"}, []string{"TestAWSCLILaunchTemplates"}, "the request's parameters replace the template's, group by group"},
	{"aws ec2 create-launch-template with data a launch cannot honour", "3.2", expectRefused,
		[]string{"ec2/launch-templates/refused"}, []string{"TestAWSCLILaunchTemplates"}, "refused at creation, naming the parameter"},

	// §3.3 images and disks.
	{"aws ec2 register-image (root EBS snapshot)", "3.3", expectWorks,
		[]string{"ec2/image-register-share"}, []string{"TestAWSCLIImages"}, "createTemplate from the snapshot; one (root) mapping"},
	{"aws ec2 modify-image-attribute / describe-image-attribute / reset-image-attribute --launch-permission", "3.3", expectWorks,
		[]string{"ec2/image-register-share"}, []string{"TestAWSCLIImages"},
		"Group=all is ispublic (refused where allow.public.user.templates=false); UserId is the account id of sts get-caller-identity, resolved through the gateway's directory, same domain only"},
	{"aws ec2 describe-images --executable-users", "3.3", expectWorks,
		[]string{"ec2/image-register-share"}, []string{"TestAWSCLIImages"}, "all, self, an account name (the scenario checks all where users may publish)"},
	{"aws ec2 copy-image / copy-snapshot", "3.3", expectUnsupported,
		[]string{"ec2/image-register-share"}, []string{"TestAWSCLIImages"},
		"CloudStack's copyTemplate/copySnapshot keep the id (a zone copy, not a new image); images you own are copied to a zone when you launch there"},
	{"aws ec2 describe-snapshot-attribute / modify-snapshot-attribute", "3.3", expectUnsupported,
		[]string{"ec2/image-register-share"}, []string{"TestAWSCLIImages"}, "CloudStack snapshots cannot be shared: describe answers empty, modify UnsupportedOperation"},
	{"aws ec2 deregister-image (image in use)", "3.3", expectWorks,
		[]string{"ec2/image-register-share"}, []string{"TestAWSCLIImages"}, "deleteTemplate forced; pending images IncorrectState"},
	{"gcloud compute images create --source-snapshot / snapshots create", "3.3", expectWorks,
		[]string{"gce/images/from-snapshot"}, []string{"TestGcloudImages"}, "sourceSnapshot read back; boots in every zone (template copied on demand)"},
	{"gcloud compute images create --source-image / disks create --image", "3.3", expectRefused,
		[]string{"gce/images/from-snapshot"}, []string{"TestGcloudImages"}, "400 naming sourceImage: CloudStack cannot copy a template into a new one nor make a data volume from one"},

	// §3.4 instance settings.
	{"aws ec2 describe-instance-type-offerings / describe-volume-status / describe-volume-attribute", "3.4", expectWorks,
		[]string{"ec2/type-offerings-volume-status"}, nil, ""},
	{"aws ec2 modify-instance-attribute --groups", "3.4", expectWorks,
		[]string{"ec2/instances/modify-groups"}, []string{"TestAWSCLIModifyInstanceAttribute"},
		"stopped instances (running: IncorrectInstanceState, CloudStack changes groups only while stopped); zones without security groups: UnsupportedOperation"},
	{"aws ec2 modify-instance-attribute --source-dest-check / --disable-api-stop / --ebs-optimized / --instance-initiated-shutdown-behavior / --kernel / --ena-support / --block-device-mappings", "3.4", expectRefused,
		[]string{"ec2/instances/modify-attributes"}, []string{"TestAWSCLIModifyInstanceAttribute"},
		"the value CloudStack has (true, false, false, stop) is accepted and read back; any other refused naming the attribute"},
}

// commandOutcome is a command's outcome on one profile, from the results
// of its scenarios there.
func commandOutcome(c command, rep *Report) string {
	if len(c.scenarios) == 0 {
		return "· " + expectNotBuilt
	}
	byName := map[string]*Result{}
	for i := range rep.Results {
		byName[rep.Results[i].Scenario] = &rep.Results[i]
	}
	var failed, skipped, missing []string
	for _, s := range c.scenarios {
		r := byName[s]
		switch {
		case r == nil:
			missing = append(missing, s)
		case r.Status == StatusFail:
			failed = append(failed, s)
		case r.Status == StatusSkip:
			skipped = append(skipped, s)
		}
	}
	switch {
	case len(failed) > 0:
		return "❌ fail (" + strings.Join(failed, ", ") + ")"
	case len(missing) > 0:
		return "– not run"
	case len(skipped) == len(c.scenarios):
		return "⏭ skip"
	case len(skipped) > 0:
		return "✅ " + c.expect + " (⏭ " + strings.Join(skipped, ", ") + ")"
	}
	return "✅ " + c.expect
}

// writeCommands writes the everyday-commands table of the matrix.
func writeCommands(w io.Writer, profiles []ProfileReport) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	p("\n## Everyday commands\n\n")
	p("Every command of the everyday-usage survey (issue 16), with the outcome its scenarios assert on each profile: ")
	p("**works** (done and read back as written), **refused** (the client's native error naming what cannot be honoured; nothing is created), ")
	p("**not supported** (the native not-implemented error with the reason), **not built** (the gateway does not serve it yet). ")
	p("A row fails when one of its scenarios fails there. The Go tests named also drive it through the real CLI.\n\n")
	p("| § | command |")
	for _, pr := range profiles {
		p(" %s |", pr.Name)
	}
	p(" scenarios | CLI tests | note |\n|---|---|")
	for range profiles {
		p("---|")
	}
	p("---|---|---|\n")
	for _, c := range everydayCommands {
		p("| %s | %s |", c.section, cell(c.cli))
		for _, pr := range profiles {
			p(" %s |", commandOutcome(c, pr.Report))
		}
		p(" %s | %s | %s |\n", cell(strings.Join(c.scenarios, ", ")), cell(strings.Join(c.tests, ", ")), cell(c.note))
	}
}
