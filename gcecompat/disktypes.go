package gcecompat

import (
	"context"
	"strconv"
	"strings"

	"github.com/cloudgate/cloudgate/translate"
	"github.com/gin-gonic/gin"
)

// Disk types are CloudStack disk offerings, named gceName(offering name).
// The GCE names pd-standard and pd-balanced map to the first custom-size
// offering, pd-ssd to the first custom-size offering whose name mentions
// "ssd" (else the pd-standard one); they are listed as extra disk types.

var diskTypeAliases = []string{"pd-standard", "pd-balanced", "pd-ssd"}

func (d *wireDiskType) sortName() string { return d.Name }
func (d *wireDiskType) sortTime() string { return d.CreationTimestamp }

// diskTypes returns every disk type name with its offering.
func diskTypes(offs []translate.DiskOffering) map[string]translate.DiskOffering {
	m := map[string]translate.DiskOffering{}
	var std, ssd *translate.DiskOffering
	for i, o := range offs {
		m[gceName(o.Name)] = o
		if o.Custom && std == nil {
			std = &offs[i]
		}
		if o.Custom && ssd == nil && strings.Contains(strings.ToLower(o.Name+o.DisplayText), "ssd") {
			ssd = &offs[i]
		}
	}
	if std == nil && len(offs) > 0 {
		std = &offs[0]
	}
	if ssd == nil {
		ssd = std
	}
	if std != nil {
		for _, a := range diskTypeAliases {
			if _, taken := m[a]; taken {
				continue
			}
			if a == "pd-ssd" {
				m[a] = *ssd
			} else {
				m[a] = *std
			}
		}
	}
	return m
}

// resolveDiskType maps a disk type name or URL to an offering; "" gives
// the pd-standard offering. InvalidArgument if there is none.
func (s *server) resolveDiskType(ctx context.Context, project, zone, ref string) (*translate.DiskOffering, string, error) {
	name := lastSegment(ref)
	if name == "" {
		name = "pd-standard"
	}
	offs, err := s.svc.DiskOfferings(ctx)
	if err != nil {
		return nil, "", err
	}
	if o, ok := diskTypes(offs)[name]; ok {
		return &o, name, nil
	}
	return nil, "", notFound(translate.ResDiskOffering, "projects/"+project+"/zones/"+zone+"/diskTypes/"+name)
}

// tagDiskType keeps the disk type name a disk was created with, since
// several GCE names may map to one offering.
const tagDiskType = translate.ReservedTagPrefix + "gce-disk-type"

// tagSourceImage keeps the image (projects/P/global/images/NAME) a boot
// disk was made from.
const tagSourceImage = translate.ReservedTagPrefix + "gce-source-image"

// diskTypeName names a volume's disk type: the name it was created with
// while that still maps to its offering, else the first of pd-standard,
// pd-balanced, pd-ssd that maps to it, else the offering's own name.
func diskTypeName(v *translate.Volume, offs []translate.DiskOffering) string {
	types := diskTypes(offs)
	if t := v.Tags[tagDiskType]; t != "" {
		if o, ok := types[t]; ok && o.ID == v.DiskOfferingID {
			return t
		}
	}
	for _, a := range diskTypeAliases {
		if o, ok := types[a]; ok && o.ID == v.DiskOfferingID {
			return a
		}
	}
	for _, o := range offs {
		if o.ID == v.DiskOfferingID {
			return gceName(o.Name)
		}
	}
	return "pd-standard"
}

func (s *server) diskTypesIn(ctx context.Context, project, zone string) ([]*wireDiskType, error) {
	offs, err := s.svc.DiskOfferings(ctx)
	if err != nil {
		return nil, err
	}
	var out []*wireDiskType
	for name, o := range diskTypes(offs) {
		valid, def := "10GB-65536GB", "10"
		if !o.Custom && o.SizeGB > 0 {
			valid = strconv.FormatInt(o.SizeGB, 10) + "GB"
			def = strconv.FormatInt(o.SizeGB, 10)
		}
		desc := o.DisplayText
		if desc == "" {
			desc = o.Name
		}
		out = append(out, &wireDiskType{
			Kind: "compute#diskType", ID: numericID(o.ID + "/" + name), Name: name, Description: desc,
			CreationTimestamp: timestamp(o.Created), ValidDiskSize: valid, DefaultDiskSizeGb: def,
			Zone: s.zoneLink(project, zone), SelfLink: s.zonal(project, zone, "diskTypes", name),
		})
	}
	return out, nil
}

func (s *server) listDiskTypes(c *gin.Context) (any, error) {
	return zonalList(s, c, "compute#diskTypeList", "diskTypes", s.diskTypesIn)
}

func (s *server) aggregatedDiskTypes(c *gin.Context) (any, error) {
	return zonalAggregated(s, c, "compute#diskTypeAggregatedList", "diskTypes", s.diskTypesIn)
}

func (s *server) getDiskType(c *gin.Context) (any, error) {
	ctx, project := c.Request.Context(), c.Param("project")
	zone, err := s.zoneByName(ctx, project, c.Param("zone"))
	if err != nil {
		return nil, err
	}
	items, err := s.diskTypesIn(ctx, project, s.gceZone(zone.Name))
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		if it.Name == c.Param("diskType") {
			return it, nil
		}
	}
	return nil, notFound(translate.ResDiskOffering, "projects/"+project+"/zones/"+s.gceZone(zone.Name)+"/diskTypes/"+c.Param("diskType"))
}
