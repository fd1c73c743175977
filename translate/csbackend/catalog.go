package csbackend

import (
	"context"
	"strconv"
	"strings"

	"github.com/cloudgate/cloudgate/translate"
)

type zoneJSON struct {
	ID                    flexString `json:"id"`
	Name                  string     `json:"name"`
	Description           string     `json:"description"`
	NetworkType           string     `json:"networktype"`
	SecurityGroupsEnabled flexBool   `json:"securitygroupsenabled"`
	AllocationState       string     `json:"allocationstate"`
}

// ListZones implements translate.CloudStack.
func (b *Backend) ListZones(ctx context.Context) ([]translate.Zone, error) {
	items, err := b.list(ctx, "listZones", translate.ResZone, params{"available": "true"})
	if err != nil {
		return nil, err
	}
	out := make([]translate.Zone, 0, len(items))
	for _, it := range items {
		var z zoneJSON
		if err := decode("listZones", it, &z); err != nil {
			return nil, err
		}
		out = append(out, translate.Zone{
			ID: string(z.ID), Name: z.Name, Description: z.Description, NetworkType: z.NetworkType,
			SecurityGroups: bool(z.SecurityGroupsEnabled) || strings.EqualFold(z.NetworkType, "Basic"),
			Enabled:        z.AllocationState == "" || strings.EqualFold(z.AllocationState, "Enabled"),
		})
	}
	return out, nil
}

type offeringJSON struct {
	ID          flexString        `json:"id"`
	Name        string            `json:"name"`
	DisplayText string            `json:"displaytext"`
	CPUNumber   flexInt           `json:"cpunumber"`
	CPUSpeed    flexInt           `json:"cpuspeed"`
	Memory      flexInt           `json:"memory"`
	Customized  flexBool          `json:"iscustomized"`
	StorageType string            `json:"storagetype"`
	Created     csTime            `json:"created"`
	Details     map[string]string `json:"serviceofferingdetails"`
}

func detailInt(d map[string]string, keys ...string) int {
	for _, k := range keys {
		if v, ok := d[k]; ok {
			n, _ := strconv.Atoi(v)
			return n
		}
	}
	return 0
}

// ListServiceOfferings implements translate.CloudStack. Custom bounds come
// from serviceofferingdetails (mincpunumber, maxcpunumber, minmemory,
// maxmemory).
func (b *Backend) ListServiceOfferings(ctx context.Context) ([]translate.Offering, error) {
	items, err := b.list(ctx, "listServiceOfferings", translate.ResOffering, nil)
	if err != nil {
		return nil, err
	}
	out := make([]translate.Offering, 0, len(items))
	for _, it := range items {
		var o offeringJSON
		if err := decode("listServiceOfferings", it, &o); err != nil {
			return nil, err
		}
		out = append(out, translate.Offering{
			ID: string(o.ID), Name: o.Name, DisplayText: o.DisplayText,
			CPUs: int(o.CPUNumber), CPUSpeedMHz: int(o.CPUSpeed), MemoryMB: int(o.Memory),
			Custom:  bool(o.Customized) || o.CPUNumber == 0 && o.Memory == 0,
			MinCPUs: detailInt(o.Details, "mincpunumber"), MaxCPUs: detailInt(o.Details, "maxcpunumber"),
			MinMemoryMB: detailInt(o.Details, "minmemory"), MaxMemoryMB: detailInt(o.Details, "maxmemory"),
			StorageType: o.StorageType, Created: o.Created.Time(),
		})
	}
	return out, nil
}

type diskOfferingJSON struct {
	ID          flexString `json:"id"`
	Name        string     `json:"name"`
	DisplayText string     `json:"displaytext"`
	DiskSize    flexInt    `json:"disksize"`
	Customized  flexBool   `json:"iscustomized"`
	StorageType string     `json:"storagetype"`
	Created     csTime     `json:"created"`
}

// ListDiskOfferings implements translate.CloudStack.
func (b *Backend) ListDiskOfferings(ctx context.Context) ([]translate.DiskOffering, error) {
	items, err := b.list(ctx, "listDiskOfferings", translate.ResDiskOffering, nil)
	if err != nil {
		return nil, err
	}
	out := make([]translate.DiskOffering, 0, len(items))
	for _, it := range items {
		var o diskOfferingJSON
		if err := decode("listDiskOfferings", it, &o); err != nil {
			return nil, err
		}
		out = append(out, translate.DiskOffering{
			ID: string(o.ID), Name: o.Name, DisplayText: o.DisplayText, SizeGB: int64(o.DiskSize),
			Custom: bool(o.Customized), StorageType: o.StorageType, Created: o.Created.Time(),
		})
	}
	return out, nil
}

type networkOfferingJSON struct {
	ID          flexString `json:"id"`
	Name        string     `json:"name"`
	GuestIPType string     `json:"guestiptype"`
	ForVPC      flexBool   `json:"forvpc"`
	SpecifyVLAN flexBool   `json:"specifyvlan"`
	State       string     `json:"state"`
	IsDefault   flexBool   `json:"isdefault"`
	Avail       string     `json:"availability"`
	Service     []struct {
		Name string `json:"name"`
	} `json:"service"`
}

// ListNetworkOfferings implements translate.CloudStack (enabled offerings
// only).
func (b *Backend) ListNetworkOfferings(ctx context.Context, req translate.ListNetworkOfferingsRequest) ([]translate.NetworkOffering, error) {
	p := params{"state": "Enabled"}.set("zoneid", req.ZoneID)
	p["forvpc"] = strconv.FormatBool(req.ForVPC)
	items, err := b.list(ctx, "listNetworkOfferings", translate.ResNetwork, p)
	if err != nil {
		return nil, err
	}
	out := make([]translate.NetworkOffering, 0, len(items))
	for _, it := range items {
		var o networkOfferingJSON
		if err := decode("listNetworkOfferings", it, &o); err != nil {
			return nil, err
		}
		no := translate.NetworkOffering{ID: string(o.ID), Name: o.Name, GuestIPType: o.GuestIPType,
			ForVPC: bool(o.ForVPC), SpecifyVLAN: bool(o.SpecifyVLAN), State: o.State, IsDefault: bool(o.IsDefault), Availability: o.Avail}
		for _, s := range o.Service {
			if s.Name == "SourceNat" {
				no.SourceNatFirst = true
			}
		}
		out = append(out, no)
	}
	return out, nil
}

// ListVPCOfferings implements translate.CloudStack.
func (b *Backend) ListVPCOfferings(ctx context.Context) ([]translate.VPCOffering, error) {
	items, err := b.list(ctx, "listVPCOfferings", translate.ResVPC, params{"state": "Enabled"})
	if err != nil {
		return nil, err
	}
	out := make([]translate.VPCOffering, 0, len(items))
	for _, it := range items {
		var o struct {
			ID        flexString `json:"id"`
			Name      string     `json:"name"`
			State     string     `json:"state"`
			IsDefault flexBool   `json:"isdefault"`
		}
		if err := decode("listVPCOfferings", it, &o); err != nil {
			return nil, err
		}
		out = append(out, translate.VPCOffering{ID: string(o.ID), Name: o.Name, State: o.State, IsDefault: bool(o.IsDefault)})
	}
	return out, nil
}

type templateJSON struct {
	ID              flexString `json:"id"`
	Name            string     `json:"name"`
	DisplayText     string     `json:"displaytext"`
	OSTypeName      string     `json:"ostypename"`
	OSTypeID        flexString `json:"ostypeid"`
	ZoneID          flexString `json:"zoneid"`
	ZoneName        string     `json:"zonename"`
	CrossZones      flexBool   `json:"crossZones"`
	IsPublic        flexBool   `json:"ispublic"`
	IsFeatured      flexBool   `json:"isfeatured"`
	Account         string     `json:"account"`
	AccountID       flexString `json:"accountid"`
	IsReady         flexBool   `json:"isready"`
	Status          string     `json:"status"`
	Size            flexInt    `json:"size"`
	Format          string     `json:"format"`
	Hypervisor      string     `json:"hypervisor"`
	PasswordEnabled flexBool   `json:"passwordenabled"`
	Created         csTime     `json:"created"`
	Tags            []tagJSON  `json:"tags"`
}

// ListTemplates implements translate.CloudStack.
func (b *Backend) ListTemplates(ctx context.Context, req translate.ListTemplatesRequest) ([]translate.Image, error) {
	f := req.Filter
	if f == "" {
		f = "executable"
	}
	p := params{"templatefilter": f}.set("id", req.ID).set("name", req.Name).set("zoneid", req.ZoneID)
	items, err := b.list(ctx, "listTemplates", translate.ResImage, p)
	if err != nil {
		return nil, err
	}
	out := make([]translate.Image, 0, len(items))
	for _, it := range items {
		var t templateJSON
		if err := decode("listTemplates", it, &t); err != nil {
			return nil, err
		}
		img := translate.Image{
			ID: string(t.ID), Name: t.Name, DisplayText: t.DisplayText, OSType: t.OSTypeName, OSTypeID: string(t.OSTypeID),
			ZoneID: string(t.ZoneID), ZoneName: t.ZoneName, Public: bool(t.IsPublic), Featured: bool(t.IsFeatured),
			Owner: t.Account, OwnerID: string(t.AccountID), Ready: bool(t.IsReady), Status: t.Status,
			SizeBytes: int64(t.Size), Format: t.Format, Hypervisor: t.Hypervisor,
			PasswordEnabled: bool(t.PasswordEnabled), Created: t.Created.Time(), Tags: tagsOf(t.Tags),
		}
		if t.CrossZones {
			img.ZoneID, img.ZoneName = "", ""
		}
		out = append(out, img)
	}
	return out, nil
}
