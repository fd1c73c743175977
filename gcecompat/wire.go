package gcecompat

// Minimal GCE v1 JSON shapes that gcecompat emits. int64/uint64 fields are
// JSON strings and int32 fields JSON numbers, as in the discovery document;
// fingerprints are base64.

type wireList struct {
	Kind          string       `json:"kind"`
	ID            string       `json:"id"`
	Items         any          `json:"items"`
	NextPageToken string       `json:"nextPageToken,omitempty"`
	SelfLink      string       `json:"selfLink"`
	Warning       *wireWarning `json:"warning,omitempty"`
}

type wireAggregatedList struct {
	Kind          string         `json:"kind"`
	ID            string         `json:"id"`
	Items         map[string]any `json:"items"`
	NextPageToken string         `json:"nextPageToken,omitempty"`
	SelfLink      string         `json:"selfLink"`
	Unreachables  []string       `json:"unreachables,omitempty"`
}

type wireWarning struct {
	Code    string         `json:"code"`
	Message string         `json:"message"`
	Data    []wireKeyValue `json:"data,omitempty"`
}

type wireKeyValue struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type wireOpErrorItem struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

type wireOpError struct {
	Errors []wireOpErrorItem `json:"errors"`
}

type wireOperation struct {
	Kind                string       `json:"kind"`
	ID                  string       `json:"id"`
	Name                string       `json:"name"`
	OperationType       string       `json:"operationType"`
	TargetLink          string       `json:"targetLink"`
	TargetID            string       `json:"targetId,omitempty"`
	Status              string       `json:"status"`
	StatusMessage       string       `json:"statusMessage,omitempty"`
	User                string       `json:"user,omitempty"`
	Progress            int          `json:"progress"`
	InsertTime          string       `json:"insertTime"`
	StartTime           string       `json:"startTime,omitempty"`
	EndTime             string       `json:"endTime,omitempty"`
	SelfLink            string       `json:"selfLink"`
	Zone                string       `json:"zone,omitempty"`
	Region              string       `json:"region,omitempty"`
	Error               *wireOpError `json:"error,omitempty"`
	HTTPErrorStatusCode int          `json:"httpErrorStatusCode,omitempty"`
	HTTPErrorMessage    string       `json:"httpErrorMessage,omitempty"`
}

type wireQuota struct {
	Metric string  `json:"metric"`
	Limit  float64 `json:"limit"`
	Usage  float64 `json:"usage"`
}

type wireZone struct {
	Kind                  string   `json:"kind"`
	ID                    string   `json:"id"`
	CreationTimestamp     string   `json:"creationTimestamp,omitempty"`
	Name                  string   `json:"name"`
	Description           string   `json:"description"`
	Status                string   `json:"status"`
	Region                string   `json:"region"`
	SelfLink              string   `json:"selfLink"`
	AvailableCPUPlatforms []string `json:"availableCpuPlatforms,omitempty"`
	SupportsPzs           bool     `json:"supportsPzs"`
}

type wireRegion struct {
	Kind              string      `json:"kind"`
	ID                string      `json:"id"`
	CreationTimestamp string      `json:"creationTimestamp,omitempty"`
	Name              string      `json:"name"`
	Description       string      `json:"description"`
	Status            string      `json:"status"`
	Zones             []string    `json:"zones"`
	Quotas            []wireQuota `json:"quotas,omitempty"`
	SelfLink          string      `json:"selfLink"`
	SupportsPzs       bool        `json:"supportsPzs"`
}

type wireMachineType struct {
	Kind                         string `json:"kind"`
	ID                           string `json:"id"`
	CreationTimestamp            string `json:"creationTimestamp,omitempty"`
	Name                         string `json:"name"`
	Description                  string `json:"description"`
	GuestCpus                    int    `json:"guestCpus"`
	MemoryMb                     int    `json:"memoryMb"`
	ImageSpaceGb                 int    `json:"imageSpaceGb"`
	MaximumPersistentDisks       int    `json:"maximumPersistentDisks"`
	MaximumPersistentDisksSizeGb string `json:"maximumPersistentDisksSizeGb"`
	Zone                         string `json:"zone"`
	SelfLink                     string `json:"selfLink"`
	IsSharedCPU                  bool   `json:"isSharedCpu"`
}

type wireDiskType struct {
	Kind              string `json:"kind"`
	ID                string `json:"id"`
	CreationTimestamp string `json:"creationTimestamp,omitempty"`
	Name              string `json:"name"`
	Description       string `json:"description"`
	ValidDiskSize     string `json:"validDiskSize"`
	Zone              string `json:"zone"`
	SelfLink          string `json:"selfLink"`
	DefaultDiskSizeGb string `json:"defaultDiskSizeGb"`
}

type wireDeprecation struct {
	State       string `json:"state"`
	Replacement string `json:"replacement,omitempty"`
	Deprecated  string `json:"deprecated,omitempty"`
	Obsolete    string `json:"obsolete,omitempty"`
	Deleted     string `json:"deleted,omitempty"`
}

type wireImage struct {
	Kind              string            `json:"kind"`
	ID                string            `json:"id"`
	CreationTimestamp string            `json:"creationTimestamp,omitempty"`
	Name              string            `json:"name"`
	Description       string            `json:"description"`
	Family            string            `json:"family,omitempty"`
	SourceType        string            `json:"sourceType"`
	SourceDisk        string            `json:"sourceDisk,omitempty"`
	SourceDiskID      string            `json:"sourceDiskId,omitempty"`
	SourceSnapshot    string            `json:"sourceSnapshot,omitempty"`
	SourceSnapshotID  string            `json:"sourceSnapshotId,omitempty"`
	Status            string            `json:"status"`
	ArchiveSizeBytes  string            `json:"archiveSizeBytes"`
	DiskSizeGb        string            `json:"diskSizeGb"`
	Architecture      string            `json:"architecture,omitempty"`
	Labels            map[string]string `json:"labels,omitempty"`
	LabelFingerprint  string            `json:"labelFingerprint"`
	SelfLink          string            `json:"selfLink"`
	Deprecated        *wireDeprecation  `json:"deprecated,omitempty"`
}

type wireImageFamilyView struct {
	Image *wireImage `json:"image"`
}

type wireMetadataItem struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type wireMetadata struct {
	Kind        string             `json:"kind,omitempty"`
	Fingerprint string             `json:"fingerprint,omitempty"`
	Items       []wireMetadataItem `json:"items,omitempty"`
}

type wireTags struct {
	Items       []string `json:"items,omitempty"`
	Fingerprint string   `json:"fingerprint,omitempty"`
}

type wireAccessConfig struct {
	Kind        string `json:"kind,omitempty"`
	Type        string `json:"type,omitempty"`
	Name        string `json:"name,omitempty"`
	NatIP       string `json:"natIP,omitempty"`
	NetworkTier string `json:"networkTier,omitempty"`
}

type wireNetworkInterface struct {
	Kind          string             `json:"kind,omitempty"`
	Name          string             `json:"name,omitempty"`
	Network       string             `json:"network,omitempty"`
	Subnetwork    string             `json:"subnetwork,omitempty"`
	NetworkIP     string             `json:"networkIP,omitempty"`
	Fingerprint   string             `json:"fingerprint,omitempty"`
	StackType     string             `json:"stackType,omitempty"`
	AccessConfigs []wireAccessConfig `json:"accessConfigs,omitempty"`
}

type wireInitializeParams struct {
	DiskName    string            `json:"diskName,omitempty"`
	SourceImage string            `json:"sourceImage,omitempty"`
	DiskSizeGb  string            `json:"diskSizeGb,omitempty"`
	DiskType    string            `json:"diskType,omitempty"`
	Labels      map[string]string `json:"labels,omitempty"`
}

type wireAttachedDisk struct {
	Kind             string                `json:"kind,omitempty"`
	Type             string                `json:"type,omitempty"`
	Mode             string                `json:"mode,omitempty"`
	Source           string                `json:"source,omitempty"`
	DeviceName       string                `json:"deviceName,omitempty"`
	Index            int                   `json:"index"`
	Boot             bool                  `json:"boot"`
	AutoDelete       bool                  `json:"autoDelete"`
	Interface        string                `json:"interface,omitempty"`
	DiskSizeGb       string                `json:"diskSizeGb,omitempty"`
	InitializeParams *wireInitializeParams `json:"initializeParams,omitempty"`
}

type wireScheduling struct {
	AutomaticRestart  *bool  `json:"automaticRestart,omitempty"`
	OnHostMaintenance string `json:"onHostMaintenance,omitempty"`
	Preemptible       bool   `json:"preemptible"`
	ProvisioningModel string `json:"provisioningModel,omitempty"`
}

type wireInstance struct {
	Kind               string                 `json:"kind"`
	ID                 string                 `json:"id"`
	CreationTimestamp  string                 `json:"creationTimestamp,omitempty"`
	Name               string                 `json:"name"`
	Description        string                 `json:"description"`
	Tags               wireTags               `json:"tags"`
	MachineType        string                 `json:"machineType"`
	Status             string                 `json:"status"`
	StatusMessage      string                 `json:"statusMessage,omitempty"`
	Zone               string                 `json:"zone"`
	CanIPForward       bool                   `json:"canIpForward"`
	NetworkInterfaces  []wireNetworkInterface `json:"networkInterfaces"`
	Disks              []wireAttachedDisk     `json:"disks"`
	Metadata           wireMetadata           `json:"metadata"`
	Scheduling         wireScheduling         `json:"scheduling"`
	CPUPlatform        string                 `json:"cpuPlatform,omitempty"`
	Labels             map[string]string      `json:"labels,omitempty"`
	LabelFingerprint   string                 `json:"labelFingerprint"`
	Fingerprint        string                 `json:"fingerprint"`
	DeletionProtection bool                   `json:"deletionProtection"`
	ServiceAccounts    []wireServiceAccount   `json:"serviceAccounts,omitempty"`
	Hostname           string                 `json:"hostname,omitempty"`
	SelfLink           string                 `json:"selfLink"`
}

type wireFirewallRule struct {
	IPProtocol string   `json:"IPProtocol"`
	Ports      []string `json:"ports,omitempty"`
}

type wireFirewall struct {
	Kind              string             `json:"kind"`
	ID                string             `json:"id"`
	CreationTimestamp string             `json:"creationTimestamp,omitempty"`
	Name              string             `json:"name"`
	Description       string             `json:"description"`
	Network           string             `json:"network"`
	Priority          int                `json:"priority"`
	SourceRanges      []string           `json:"sourceRanges,omitempty"`
	DestinationRanges []string           `json:"destinationRanges,omitempty"`
	SourceTags        []string           `json:"sourceTags,omitempty"`
	TargetTags        []string           `json:"targetTags,omitempty"`
	Allowed           []wireFirewallRule `json:"allowed,omitempty"`
	Denied            []wireFirewallRule `json:"denied,omitempty"`
	Direction         string             `json:"direction"`
	Disabled          bool               `json:"disabled"`
	SelfLink          string             `json:"selfLink"`
}

type wireNetwork struct {
	Kind                  string            `json:"kind"`
	ID                    string            `json:"id"`
	CreationTimestamp     string            `json:"creationTimestamp,omitempty"`
	Name                  string            `json:"name"`
	Description           string            `json:"description"`
	SelfLink              string            `json:"selfLink"`
	AutoCreateSubnetworks bool              `json:"autoCreateSubnetworks"`
	Subnetworks           []string          `json:"subnetworks,omitempty"`
	RoutingConfig         map[string]string `json:"routingConfig,omitempty"`
	MTU                   int               `json:"mtu,omitempty"`
}

type wireSubnetwork struct {
	Kind                  string `json:"kind"`
	ID                    string `json:"id"`
	CreationTimestamp     string `json:"creationTimestamp,omitempty"`
	Name                  string `json:"name"`
	Description           string `json:"description"`
	Network               string `json:"network"`
	IPCidrRange           string `json:"ipCidrRange"`
	GatewayAddress        string `json:"gatewayAddress,omitempty"`
	Region                string `json:"region"`
	Fingerprint           string `json:"fingerprint"`
	StackType             string `json:"stackType"`
	Purpose               string `json:"purpose,omitempty"`
	PrivateIPGoogleAccess bool   `json:"privateIpGoogleAccess"`
	SelfLink              string `json:"selfLink"`
}

type wireDisk struct {
	Kind                string            `json:"kind"`
	ID                  string            `json:"id"`
	CreationTimestamp   string            `json:"creationTimestamp,omitempty"`
	Name                string            `json:"name"`
	Description         string            `json:"description"`
	SizeGb              string            `json:"sizeGb"`
	Zone                string            `json:"zone"`
	Status              string            `json:"status"`
	SourceSnapshot      string            `json:"sourceSnapshot,omitempty"`
	SourceImage         string            `json:"sourceImage,omitempty"`
	SourceDisk          string            `json:"sourceDisk,omitempty"`
	Type                string            `json:"type"`
	Users               []string          `json:"users,omitempty"`
	Labels              map[string]string `json:"labels,omitempty"`
	LabelFingerprint    string            `json:"labelFingerprint"`
	LastAttachTimestamp string            `json:"lastAttachTimestamp,omitempty"`
	PhysicalBlockSize   string            `json:"physicalBlockSizeBytes"`
	SelfLink            string            `json:"selfLink"`
}

type wireSnapshot struct {
	Kind              string            `json:"kind"`
	ID                string            `json:"id"`
	CreationTimestamp string            `json:"creationTimestamp,omitempty"`
	Name              string            `json:"name"`
	Description       string            `json:"description"`
	Status            string            `json:"status"`
	SourceDisk        string            `json:"sourceDisk,omitempty"`
	SourceDiskID      string            `json:"sourceDiskId,omitempty"`
	DiskSizeGb        string            `json:"diskSizeGb"`
	StorageBytes      string            `json:"storageBytes"`
	Labels            map[string]string `json:"labels,omitempty"`
	LabelFingerprint  string            `json:"labelFingerprint"`
	SelfLink          string            `json:"selfLink"`
}

type wireAddress struct {
	Kind              string   `json:"kind"`
	ID                string   `json:"id"`
	CreationTimestamp string   `json:"creationTimestamp,omitempty"`
	Name              string   `json:"name"`
	Description       string   `json:"description"`
	Address           string   `json:"address"`
	Status            string   `json:"status"`
	Region            string   `json:"region"`
	AddressType       string   `json:"addressType"`
	NetworkTier       string   `json:"networkTier"`
	Users             []string `json:"users,omitempty"`
	SelfLink          string   `json:"selfLink"`
}

type wireProject struct {
	Kind                   string       `json:"kind"`
	ID                     string       `json:"id"`
	CreationTimestamp      string       `json:"creationTimestamp,omitempty"`
	Name                   string       `json:"name"`
	Description            string       `json:"description"`
	CommonInstanceMetadata wireMetadata `json:"commonInstanceMetadata"`
	Quotas                 []wireQuota  `json:"quotas,omitempty"`
	DefaultNetworkTier     string       `json:"defaultNetworkTier"`
	XpnProjectStatus       string       `json:"xpnProjectStatus"`
	SelfLink               string       `json:"selfLink"`
}

type wireSerialPortOutput struct {
	Kind     string `json:"kind"`
	Contents string `json:"contents"`
	Start    string `json:"start"`
	Next     string `json:"next"`
	SelfLink string `json:"selfLink"`
}

type wireServiceAccount struct {
	Email  string   `json:"email"`
	Scopes []string `json:"scopes"`
}

type wireRoute struct {
	Kind              string `json:"kind"`
	ID                string `json:"id"`
	CreationTimestamp string `json:"creationTimestamp,omitempty"`
	Name              string `json:"name"`
	Description       string `json:"description"`
	Network           string `json:"network"`
	DestRange         string `json:"destRange"`
	Priority          int    `json:"priority"`
	RouteType         string `json:"routeType,omitempty"`
	NextHopGateway    string `json:"nextHopGateway,omitempty"`
	NextHopIP         string `json:"nextHopIp,omitempty"`
	NextHopNetwork    string `json:"nextHopNetwork,omitempty"`
	SelfLink          string `json:"selfLink"`
}
