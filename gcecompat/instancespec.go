package gcecompat

import (
	"fmt"
	"strings"
)

// instanceInsert is the body of instances.insert: every field gcloud,
// Terraform, Libcloud and the Google SDKs send. Fields CloudStack cannot
// honour are accepted only with their GCE default values (validate);
// anything else is 400 invalid naming the field, never dropped.
type instanceInsert struct {
	Name               string            `json:"name"`
	Description        string            `json:"description"`
	MachineType        string            `json:"machineType"`
	Hostname           string            `json:"hostname"`
	Zone               string            `json:"zone"`
	CanIPForward       bool              `json:"canIpForward"`
	DeletionProtection bool              `json:"deletionProtection"`
	MinCPUPlatform     string            `json:"minCpuPlatform"`
	Disks              []insertDisk      `json:"disks"`
	NetworkInterfaces  []insertNIC       `json:"networkInterfaces"`
	Metadata           *reqMetadata      `json:"metadata"`
	Tags               *wireTags         `json:"tags"`
	Labels             map[string]string `json:"labels"`
	Scheduling         *struct {
		AutomaticRestart  *bool  `json:"automaticRestart"`
		OnHostMaintenance string `json:"onHostMaintenance"`
		Preemptible       bool   `json:"preemptible"`
		ProvisioningModel string `json:"provisioningModel"`
	} `json:"scheduling"`
	// ServiceAccounts are kept and read back (instancesettings.go), but
	// instances get no Google service-account credentials.
	ServiceAccounts   []insertServiceAccount `json:"serviceAccounts"`
	GuestAccelerators []struct {
		AcceleratorType  string `json:"acceleratorType"`
		AcceleratorCount int    `json:"acceleratorCount"`
	} `json:"guestAccelerators"`
}

type insertDisk struct {
	Boot             bool        `json:"boot"`
	AutoDelete       *bool       `json:"autoDelete"`
	Mode             string      `json:"mode"`
	Type             string      `json:"type"`
	Source           string      `json:"source"`
	DeviceName       string      `json:"deviceName"`
	Interface        string      `json:"interface"`
	Index            *int        `json:"index"`
	DiskSizeGb       *string     `json:"diskSizeGb"`
	InitializeParams *initParams `json:"initializeParams"`
}

type initParams struct {
	DiskName    string            `json:"diskName"`
	SourceImage string            `json:"sourceImage"`
	DiskSizeGb  int64String       `json:"diskSizeGb"`
	DiskType    string            `json:"diskType"`
	Labels      map[string]string `json:"labels"`
}

type insertNIC struct {
	Name          string             `json:"name"`
	Network       string             `json:"network"`
	Subnetwork    string             `json:"subnetwork"`
	NetworkIP     string             `json:"networkIP"`
	StackType     string             `json:"stackType"`
	NicType       string             `json:"nicType"`
	AccessConfigs []wireAccessConfig `json:"accessConfigs"`
	AliasIPRanges []struct {
		IPCidrRange string `json:"ipCidrRange"`
	} `json:"aliasIpRanges"`
}

// unsupportedValue is the 400 for a field whose value the gateway cannot
// honour on CloudStack.
func unsupportedValue(field string, value any, why string) error {
	return invalid("Invalid value for field '%s': '%v'. %s", field, value, why)
}

// validate refuses the values CloudStack cannot honour. It names the
// field, as GCE does.
func (r *instanceInsert) validate() error {
	if r.CanIPForward {
		return unsupportedValue("resource.canIpForward", true, "IP forwarding is not supported by this gateway.")
	}
	if p := r.MinCPUPlatform; p != "" && !strings.EqualFold(p, "Automatic") {
		return unsupportedValue("resource.minCpuPlatform", p, "CPU platforms cannot be chosen on CloudStack.")
	}
	if r.Hostname != "" {
		host, _, _ := strings.Cut(r.Hostname, ".")
		if host != r.Name {
			return unsupportedValue("resource.hostname", r.Hostname, "The guest host name is the instance name on CloudStack; a hostname must start with '"+r.Name+".'.")
		}
	}
	if len(r.GuestAccelerators) > 0 {
		return unsupportedValue("resource.guestAccelerators[0].acceleratorType", r.GuestAccelerators[0].AcceleratorType, "Accelerators are not supported by this gateway.")
	}
	if sc := r.Scheduling; sc != nil {
		switch {
		// Spot/preemptible first: gcloud sends automaticRestart=false and
		// onHostMaintenance=TERMINATE with them, and the error must name
		// what the user asked for.
		case sc.ProvisioningModel != "" && sc.ProvisioningModel != "STANDARD":
			return unsupportedValue("resource.scheduling.provisioningModel", sc.ProvisioningModel, "Only STANDARD provisioning is supported by this gateway.")
		case sc.Preemptible:
			return unsupportedValue("resource.scheduling.preemptible", true, "Preemptible instances are not supported by this gateway.")
		case sc.AutomaticRestart != nil && !*sc.AutomaticRestart:
			return unsupportedValue("resource.scheduling.automaticRestart", false, "CloudStack restarts instances after host failures.")
		case sc.OnHostMaintenance != "" && sc.OnHostMaintenance != "MIGRATE":
			return unsupportedValue("resource.scheduling.onHostMaintenance", sc.OnHostMaintenance, "CloudStack live-migrates instances on host maintenance.")
		}
	}
	for i, d := range r.Disks {
		f := fmt.Sprintf("resource.disks[%d]", i)
		switch {
		case d.Mode != "" && d.Mode != "READ_WRITE":
			return unsupportedValue(f+".mode", d.Mode, "Only READ_WRITE disks are supported by this gateway.")
		case d.Type != "" && d.Type != "PERSISTENT":
			return unsupportedValue(f+".type", d.Type, "Only PERSISTENT disks are supported by this gateway.")
		case d.Interface != "" && d.Interface != "SCSI":
			return unsupportedValue(f+".interface", d.Interface, "The disk interface cannot be chosen on CloudStack.")
		case d.Index != nil && *d.Index != i:
			return unsupportedValue(f+".index", *d.Index, "Disks are attached in the order given.")
		case d.DiskSizeGb != nil:
			return unsupportedValue(f+".diskSizeGb", *d.DiskSizeGb, "Give the size in initializeParams.diskSizeGb.")
		case d.Boot != (i == 0):
			return unsupportedValue(f+".boot", d.Boot, "The first disk, and only the first, must be the boot disk.")
		case d.Boot && d.Source != "" && d.InitializeParams != nil:
			return unsupportedValue(f+".initializeParams", "{…}", "Give either source or initializeParams for the boot disk.")
		case !d.Boot && d.Source != "" && d.InitializeParams != nil:
			return unsupportedValue(f+".initializeParams", "{…}", "Give either source or initializeParams for a data disk.")
		case !d.Boot && d.Source == "" && d.InitializeParams == nil:
			return unsupportedValue(f+".source", "", "A data disk needs the source disk, or initializeParams to create one (createdisk.go).")
		}
		if ip := d.InitializeParams; ip != nil {
			if err := checkLabels(f+".initializeParams.labels", ip.Labels); err != nil {
				return err
			}
		}
		if ip := d.InitializeParams; d.Boot && ip != nil && ip.DiskName != "" && ip.DiskName != r.Name {
			return unsupportedValue(f+".initializeParams.diskName", ip.DiskName, "The boot disk is named after the instance on CloudStack.")
		}
	}
	for i, nic := range r.NetworkInterfaces {
		f := fmt.Sprintf("resource.networkInterfaces[%d]", i)
		switch {
		case i > 0:
			return unsupportedValue(f, nic.Network, "Only one network interface is supported by this gateway.")
		case nic.StackType != "" && nic.StackType != "IPV4_ONLY":
			return unsupportedValue(f+".stackType", nic.StackType, "Only IPV4_ONLY is supported by this gateway.")
		case nic.NicType != "" && nic.NicType != "VIRTIO_NET":
			return unsupportedValue(f+".nicType", nic.NicType, "The NIC type cannot be chosen on CloudStack.")
		case len(nic.AliasIPRanges) > 0:
			return unsupportedValue(f+".aliasIpRanges[0].ipCidrRange", nic.AliasIPRanges[0].IPCidrRange, "Alias IP ranges are not supported by this gateway.")
		case len(nic.AccessConfigs) > 1:
			return unsupportedValue(f+".accessConfigs[1]", nic.AccessConfigs[1].Name, "Only one access config per interface is supported.")
		}
		for j, ac := range nic.AccessConfigs {
			g := fmt.Sprintf("%s.accessConfigs[%d]", f, j)
			if ac.Type != "" && ac.Type != "ONE_TO_ONE_NAT" {
				return unsupportedValue(g+".type", ac.Type, "Only ONE_TO_ONE_NAT access configs are supported.")
			}
			if ac.NetworkTier != "" && ac.NetworkTier != "PREMIUM" {
				return unsupportedValue(g+".networkTier", ac.NetworkTier, "Only the PREMIUM network tier is supported.")
			}
		}
	}
	return nil
}
