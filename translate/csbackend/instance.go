package csbackend

import (
	"context"
	"strings"
	"time"

	"github.com/cloudgate/cloudgate/translate"
)

type vmJSON struct {
	ID                  flexString `json:"id"`
	Name                string     `json:"name"`
	DisplayName         string     `json:"displayname"`
	State               string     `json:"state"`
	ZoneID              flexString `json:"zoneid"`
	ZoneName            string     `json:"zonename"`
	ServiceOfferingID   flexString `json:"serviceofferingid"`
	ServiceOfferingName string     `json:"serviceofferingname"`
	CPUNumber           flexInt    `json:"cpunumber"`
	Memory              flexInt    `json:"memory"`
	TemplateID          flexString `json:"templateid"`
	TemplateName        string     `json:"templatename"`
	KeyPair             string     `json:"keypair"`
	KeyPairs            string     `json:"keypairs"`
	SecurityGroup       []struct {
		ID   flexString `json:"id"`
		Name string     `json:"name"`
	} `json:"securitygroup"`
	Nic []struct {
		ID          flexString `json:"id"`
		IPAddress   string     `json:"ipaddress"`
		MACAddress  string     `json:"macaddress"`
		NetworkID   flexString `json:"networkid"`
		NetworkName string     `json:"networkname"`
		IsDefault   flexBool   `json:"isdefault"`
		DeviceID    flexInt    `json:"deviceid"`
		SecondaryIP []struct {
			IPAddress string `json:"ipaddress"`
		} `json:"secondaryip"`
	} `json:"nic"`
	PublicIP        string     `json:"publicip"`
	PublicIPID      flexString `json:"publicipid"`
	Created         csTime     `json:"created"`
	Tags            []tagJSON  `json:"tags"`
	JobID           flexString `json:"jobid"`
	JobStatus       flexInt    `json:"jobstatus"`
	PasswordEnabled flexBool   `json:"passwordenabled"`
	Group           string     `json:"group"`
	GroupID         flexString `json:"groupid"`
}

func (v *vmJSON) instance() translate.Instance {
	in := translate.Instance{
		ID: string(v.ID), Name: v.Name, DisplayName: v.DisplayName, State: v.State,
		ZoneID: string(v.ZoneID), ZoneName: v.ZoneName,
		OfferingID: string(v.ServiceOfferingID), OfferingName: v.ServiceOfferingName,
		CPUs: int(v.CPUNumber), MemoryMB: int(v.Memory),
		ImageID: string(v.TemplateID), ImageName: v.TemplateName,
		KeyPair: v.KeyPair, PublicIP: v.PublicIP, PublicIPID: string(v.PublicIPID),
		Hostname: v.Name, Created: v.Created.Time(), Tags: tagsOf(v.Tags),
		JobID: string(v.JobID), PasswordEnabled: bool(v.PasswordEnabled),
		GroupID: string(v.GroupID), GroupName: v.Group,
	}
	in.JobPending = in.JobID != "" && v.JobStatus == 0
	if in.KeyPair == "" && v.KeyPairs != "" {
		in.KeyPair = strings.TrimSpace(strings.Split(v.KeyPairs, ",")[0])
	}
	for _, g := range v.SecurityGroup {
		in.Groups = append(in.Groups, translate.GroupRef{ID: string(g.ID), Name: g.Name})
	}
	for i, n := range v.Nic {
		nic := translate.NIC{ID: string(n.ID), NetworkID: string(n.NetworkID), IP: n.IPAddress, MAC: n.MACAddress,
			Default: bool(n.IsDefault), DeviceID: int(n.DeviceID)}
		for _, s := range n.SecondaryIP {
			nic.SecondaryIPs = append(nic.SecondaryIPs, s.IPAddress)
		}
		in.NICs = append(in.NICs, nic)
		if i == 0 || bool(n.IsDefault) {
			in.PrivateIP, in.MACAddress = n.IPAddress, n.MACAddress
			in.NetworkID, in.NetworkName = string(n.NetworkID), n.NetworkName
		}
	}
	return in
}

// DeployVirtualMachine implements translate.CloudStack.
func (b *Backend) DeployVirtualMachine(ctx context.Context, req translate.DeployRequest) (translate.AsyncResult, error) {
	p := params{}.set("zoneid", req.ZoneID).set("serviceofferingid", req.ServiceOfferingID).
		set("templateid", req.TemplateID).set("name", req.Name).set("displayname", req.DisplayName).
		set("keypair", req.KeyPair).setList("securitygroupids", req.SecurityGroupIDs).
		setList("securitygroupnames", req.SecurityGroupNames).setList("networkids", req.NetworkIDs).set("ipaddress", req.IPAddress).
		set("userdata", req.UserDataBase64).setInt("rootdisksize", req.RootDiskGB).
		set("overridediskofferingid", req.RootDiskOfferingID).
		setInt("details[0].cpuNumber", int64(req.CPUs)).setInt("details[0].memory", int64(req.MemoryMB)).
		setInt("details[0].cpuSpeed", int64(req.CPUSpeedMHz)).set("group", req.Group)
	if req.NoStart {
		p["startvm"] = "false"
	}
	raw, err := b.call(ctx, "deployVirtualMachine", translate.ResInstance, p)
	if err != nil {
		return translate.AsyncResult{}, err
	}
	return async("deployVirtualMachine", raw)
}

// ListVirtualMachines implements translate.CloudStack.
func (b *Backend) ListVirtualMachines(ctx context.Context, req translate.ListVMsRequest) ([]translate.Instance, error) {
	items, err := listTyped[vmJSON](ctx, b, "listVirtualMachines", translate.ResInstance, vmParams(req))
	if err != nil {
		return nil, err
	}
	out := make([]translate.Instance, 0, len(items))
	for i := range items {
		out = append(out, items[i].instance())
	}
	return out, nil
}

// vmParams are listVirtualMachines' parameters for req.
func vmParams(req translate.ListVMsRequest) params {
	p := params{}.set("id", req.ID).set("ids", strings.Join(req.IDs, ",")).set("name", req.Name).set("zoneid", req.ZoneID).set("state", req.State).set("keyword", req.Keyword).set("groupid", req.GroupID).setTags(req.Tags)
	if req.Min {
		p["details"] = "min"
	}
	return p
}

func (b *Backend) asyncCall(ctx context.Context, cmd string, res translate.Resource, p params) (translate.AsyncResult, error) {
	raw, err := b.call(ctx, cmd, res, p)
	if err != nil {
		return translate.AsyncResult{}, err
	}
	return async(cmd, raw)
}

// StartVirtualMachine implements translate.CloudStack.
func (b *Backend) StartVirtualMachine(ctx context.Context, id string) (translate.AsyncResult, error) {
	return b.asyncCall(ctx, "startVirtualMachine", translate.ResInstance, params{"id": id})
}

// StopVirtualMachine implements translate.CloudStack.
func (b *Backend) StopVirtualMachine(ctx context.Context, id string, forced bool) (translate.AsyncResult, error) {
	p := params{"id": id}
	if forced {
		p["forced"] = "true"
	}
	return b.asyncCall(ctx, "stopVirtualMachine", translate.ResInstance, p)
}

// RebootVirtualMachine implements translate.CloudStack.
func (b *Backend) RebootVirtualMachine(ctx context.Context, id string) (translate.AsyncResult, error) {
	return b.asyncCall(ctx, "rebootVirtualMachine", translate.ResInstance, params{"id": id})
}

// DestroyVirtualMachine implements translate.CloudStack.
func (b *Backend) DestroyVirtualMachine(ctx context.Context, id string, expunge bool) (translate.AsyncResult, error) {
	p := params{"id": id}
	if expunge {
		p["expunge"] = "true"
	}
	return b.asyncCall(ctx, "destroyVirtualMachine", translate.ResInstance, p)
}

// ExpungeVirtualMachine implements translate.CloudStack.
func (b *Backend) ExpungeVirtualMachine(ctx context.Context, id string) (translate.AsyncResult, error) {
	return b.asyncCall(ctx, "expungeVirtualMachine", translate.ResInstance, params{"id": id})
}

// ChangeServiceForVirtualMachine implements translate.CloudStack.
func (b *Backend) ChangeServiceForVirtualMachine(ctx context.Context, req translate.ChangeServiceRequest) error {
	p := params{"id": req.ID, "serviceofferingid": req.ServiceOfferingID}.
		setInt("details[0].cpuNumber", int64(req.CPUs)).setInt("details[0].memory", int64(req.MemoryMB)).
		setInt("details[0].cpuSpeed", int64(req.CPUSpeedMHz))
	_, err := b.call(ctx, "changeServiceForVirtualMachine", translate.ResInstance, p)
	return err
}

// RenameVirtualMachine implements translate.CloudStack.
func (b *Backend) RenameVirtualMachine(ctx context.Context, id, name string) error {
	_, err := b.call(ctx, "updateVirtualMachine", translate.ResInstance, params{"id": id, "name": name})
	return err
}

// GetVirtualMachineUserData implements translate.CloudStack.
func (b *Backend) GetVirtualMachineUserData(ctx context.Context, id string) (string, error) {
	raw, err := b.call(ctx, "getVirtualMachineUserData", translate.ResInstance, params{"virtualmachineid": id})
	if err != nil {
		return "", err
	}
	var r struct {
		UD struct {
			UserData string `json:"userdata"`
		} `json:"virtualmachineuserdata"`
	}
	if err := decode("getVirtualMachineUserData", raw, &r); err != nil {
		return "", err
	}
	return r.UD.UserData, nil
}

// UpdateVirtualMachineUserData implements translate.CloudStack.
func (b *Backend) UpdateVirtualMachineUserData(ctx context.Context, id, userDataBase64 string) error {
	_, err := b.call(ctx, "updateVirtualMachine", translate.ResInstance, params{"id": id, "userdata": userDataBase64})
	return err
}

// UpdateVirtualMachineSecurityGroups implements translate.CloudStack.
func (b *Backend) UpdateVirtualMachineSecurityGroups(ctx context.Context, id string, groupIDs []string) error {
	_, err := b.call(ctx, "updateVirtualMachine", translate.ResInstance, params{"id": id}.setList("securitygroupids", groupIDs))
	return err
}

// GetVMPassword implements translate.CloudStack.
func (b *Backend) GetVMPassword(ctx context.Context, id string) (string, error) {
	raw, err := b.call(ctx, "getVMPassword", translate.ResInstance, params{"id": id})
	if err != nil {
		return "", err
	}
	var r struct {
		Password struct {
			Encrypted string `json:"encryptedpassword"`
		} `json:"password"`
	}
	if err := decode("getVMPassword", raw, &r); err != nil {
		return "", err
	}
	return r.Password.Encrypted, nil
}

// ListEvents implements translate.CloudStack. Events that name another
// resource are dropped (older CloudStack ignores the resourceid filter).
// CloudStack reads startdate in the management server's time zone, so the
// filter asks for a day more and Since is applied here.
func (b *Backend) ListEvents(ctx context.Context, req translate.ListEventsRequest) ([]translate.Event, error) {
	p := params{}.set("resourceid", req.ResourceID).set("resourcetype", req.ResourceType).set("type", req.Type)
	if !req.Since.IsZero() {
		p["startdate"] = req.Since.Add(-24 * time.Hour).UTC().Format("2006-01-02")
	}
	items, err := b.list(ctx, "listEvents", translate.ResInstance, p)
	if err != nil {
		return nil, err
	}
	out := make([]translate.Event, 0, len(items))
	for _, it := range items {
		var e struct {
			ID           flexString `json:"id"`
			Type         string     `json:"type"`
			Level        string     `json:"level"`
			State        string     `json:"state"`
			Description  string     `json:"description"`
			Created      csTime     `json:"created"`
			ResourceID   flexString `json:"resourceid"`
			ResourceType string     `json:"resourcetype"`
			ResourceName string     `json:"resourcename"`
		}
		if err := decode("listEvents", it, &e); err != nil {
			return nil, err
		}
		if req.ResourceID != "" && string(e.ResourceID) != req.ResourceID &&
			(e.ResourceID != "" || !strings.Contains(e.Description, req.ResourceID)) {
			continue
		}
		if !req.Since.IsZero() && e.Created.Time().Before(req.Since) {
			continue
		}
		out = append(out, translate.Event{ID: string(e.ID), Type: e.Type, Level: e.Level, State: e.State,
			Description: e.Description, Created: e.Created.Time(), ResourceID: string(e.ResourceID),
			ResourceType: e.ResourceType, ResourceName: e.ResourceName})
	}
	return out, nil
}
