package gcecompat

// Wire shapes of managed instance groups, instance groups and autoscalers
// (Google's InstanceGroupManager, ManagedInstance, InstanceGroup,
// InstanceWithNamedPorts; compute v1 discovery document).

type wireInstanceGroupManager struct {
	Kind                        string           `json:"kind"`
	ID                          string           `json:"id"`
	CreationTimestamp           string           `json:"creationTimestamp"`
	Name                        string           `json:"name"`
	Zone                        string           `json:"zone"`
	InstanceTemplate            string           `json:"instanceTemplate"`
	Versions                    []wireMIGVersion `json:"versions"`
	InstanceGroup               string           `json:"instanceGroup"`
	BaseInstanceName            string           `json:"baseInstanceName"`
	Fingerprint                 string           `json:"fingerprint"`
	CurrentActions              wireMIGActions   `json:"currentActions"`
	Status                      wireMIGStatus    `json:"status"`
	TargetSize                  int              `json:"targetSize"`
	ListManagedInstancesResults string           `json:"listManagedInstancesResults"`
	SelfLink                    string           `json:"selfLink"`
}

type wireMIGVersion struct {
	Name             string `json:"name,omitempty"`
	InstanceTemplate string `json:"instanceTemplate"`
}

// wireMIGActions is InstanceGroupManagerActionsSummary: every count is
// present, as Google sends them.
type wireMIGActions struct {
	Abandoning             int `json:"abandoning"`
	Creating               int `json:"creating"`
	CreatingWithoutRetries int `json:"creatingWithoutRetries"`
	Deleting               int `json:"deleting"`
	None                   int `json:"none"`
	Recreating             int `json:"recreating"`
	Refreshing             int `json:"refreshing"`
	Restarting             int `json:"restarting"`
	Resuming               int `json:"resuming"`
	Starting               int `json:"starting"`
	Stopping               int `json:"stopping"`
	Suspending             int `json:"suspending"`
	Verifying              int `json:"verifying"`
}

type wireMIGStatus struct {
	IsStable      bool            `json:"isStable"`
	VersionTarget wireMIGReached  `json:"versionTarget"`
	Stateful      wireMIGStateful `json:"stateful"`
}

type wireMIGReached struct {
	IsReached bool `json:"isReached"`
}

type wireMIGStateful struct {
	HasStatefulConfig  bool                `json:"hasStatefulConfig"`
	PerInstanceConfigs wireMIGAllEffective `json:"perInstanceConfigs"`
}

type wireMIGAllEffective struct {
	AllEffective bool `json:"allEffective"`
}

type wireManagedInstance struct {
	Instance       string          `json:"instance"`
	ID             string          `json:"id"`
	Name           string          `json:"name"`
	InstanceStatus string          `json:"instanceStatus"`
	CurrentAction  string          `json:"currentAction"`
	Version        *wireMIGVersion `json:"version,omitempty"`
}

type wireManagedInstances struct {
	ManagedInstances []*wireManagedInstance `json:"managedInstances"`
	NextPageToken    string                 `json:"nextPageToken,omitempty"`
}

type wireInstanceGroup struct {
	Kind              string `json:"kind"`
	ID                string `json:"id"`
	CreationTimestamp string `json:"creationTimestamp"`
	Name              string `json:"name"`
	Description       string `json:"description"`
	Zone              string `json:"zone"`
	Network           string `json:"network,omitempty"`
	Fingerprint       string `json:"fingerprint"`
	Size              int    `json:"size"`
	SelfLink          string `json:"selfLink"`
}

type wireInstanceWithNamedPorts struct {
	Instance string `json:"instance"`
	Status   string `json:"status"`
}
