package gcecompat

import (
	"context"
	"fmt"
	"regexp"
	"strconv"

	"github.com/cloudgate/cloudgate/translate"
	"github.com/gin-gonic/gin"
)

// Machine types are CloudStack service offerings. A fixed offering is
// named gceName(offering name). Custom offerings are not listed; they
// serve "custom-CPUS-MEMORY_MB" (and "<family>-custom-CPUS-MEMORY_MB")
// and, when no fixed offering has the name, GCE's predefined names from
// predefinedTypes.

var customType = regexp.MustCompile(`^(?:[a-z][a-z0-9]*-)?custom-([0-9]+)-([0-9]+)(?:-ext)?$`)

// predefinedTypes are common GCE machine types served by a custom offering.
var predefinedTypes = map[string][2]int{
	"f1-micro": {1, 614}, "g1-small": {1, 1740},
	"e2-micro": {2, 1024}, "e2-small": {2, 2048}, "e2-medium": {2, 4096},
	"e2-standard-2": {2, 8192}, "e2-standard-4": {4, 16384},
	"n1-standard-1": {1, 3840}, "n1-standard-2": {2, 7680}, "n1-standard-4": {4, 15360},
	"n2-standard-2": {2, 8192}, "n2-standard-4": {4, 16384},
}

func (m *wireMachineType) sortName() string { return m.Name }
func (m *wireMachineType) sortTime() string { return m.CreationTimestamp }

func (s *server) wireMachineType(project, zone string, o translate.Offering, name string, cpus, mem int) *wireMachineType {
	desc := o.DisplayText
	if desc == "" || o.Custom {
		desc = fmt.Sprintf("%d vCPUs, %d MB RAM", cpus, mem)
	}
	return &wireMachineType{
		Kind: "compute#machineType", ID: numericID(o.ID + "/" + name), Name: name, Description: desc,
		CreationTimestamp: timestamp(o.Created), GuestCpus: cpus, MemoryMb: mem,
		MaximumPersistentDisks: 16, MaximumPersistentDisksSizeGb: "65536",
		Zone: zone, SelfLink: s.zonal(project, zone, "machineTypes", name),
		IsSharedCPU: cpus < 1,
	}
}

// machineType is a resolved machine type.
type machineType struct {
	offering translate.Offering
	name     string
	cpus     int
	memoryMB int
}

// resolveMachineType maps a machine type name (or URL) to an offering.
// NotFound if there is none.
func (s *server) resolveMachineType(ctx context.Context, project, zone, ref string) (*machineType, error) {
	name := lastSegment(ref)
	offs, err := s.svc.Offerings(ctx)
	if err != nil {
		return nil, err
	}
	for _, o := range offs {
		if !o.Custom && gceName(o.Name) == name {
			return &machineType{offering: o, name: name, cpus: o.CPUs, memoryMB: o.MemoryMB}, nil
		}
	}
	var cpus, mem int
	if m := customType.FindStringSubmatch(name); m != nil {
		cpus, _ = strconv.Atoi(m[1])
		mem, _ = strconv.Atoi(m[2])
	} else if p, ok := predefinedTypes[name]; ok {
		cpus, mem = p[0], p[1]
	}
	if cpus > 0 && mem > 0 {
		for _, o := range offs {
			if !o.Custom {
				continue
			}
			if (o.MinCPUs > 0 && cpus < o.MinCPUs) || (o.MaxCPUs > 0 && cpus > o.MaxCPUs) ||
				(o.MinMemoryMB > 0 && mem < o.MinMemoryMB) || (o.MaxMemoryMB > 0 && mem > o.MaxMemoryMB) {
				continue
			}
			return &machineType{offering: o, name: name, cpus: cpus, memoryMB: mem}, nil
		}
	}
	return nil, notFound(translate.ResOffering, "projects/"+project+"/zones/"+zone+"/machineTypes/"+name)
}

// machineTypeName names the machine type of an instance.
func machineTypeName(in *translate.Instance, offs []translate.Offering) string {
	for _, o := range offs {
		if o.ID == in.OfferingID {
			if o.Custom {
				// A predefined name asked for at insert or setMachineType
				// reads back as asked while the size still matches it.
				if name := in.Tags[tagMachineType]; name != "" && predefinedTypes[name] == [2]int{in.CPUs, in.MemoryMB} {
					return name
				}
				return fmt.Sprintf("custom-%d-%d", in.CPUs, in.MemoryMB)
			}
			return gceName(o.Name)
		}
	}
	if in.OfferingName != "" {
		return gceName(in.OfferingName)
	}
	return fmt.Sprintf("custom-%d-%d", in.CPUs, in.MemoryMB)
}

func (s *server) machineTypesIn(ctx context.Context, project string, zone string) ([]*wireMachineType, error) {
	offs, err := s.svc.Offerings(ctx)
	if err != nil {
		return nil, err
	}
	var out []*wireMachineType
	for _, o := range offs {
		if o.Custom {
			continue
		}
		out = append(out, s.wireMachineType(project, zone, o, gceName(o.Name), o.CPUs, o.MemoryMB))
	}
	return out, nil
}

func (s *server) listMachineTypes(c *gin.Context) (any, error) {
	return zonalList(s, c, "compute#machineTypeList", "machineTypes", s.machineTypesIn)
}

func (s *server) aggregatedMachineTypes(c *gin.Context) (any, error) {
	return zonalAggregated(s, c, "compute#machineTypeAggregatedList", "machineTypes", s.machineTypesIn)
}

func (s *server) getMachineType(c *gin.Context) (any, error) {
	ctx, project := c.Request.Context(), c.Param("project")
	zone, err := s.zoneByName(ctx, project, c.Param("zone"))
	if err != nil {
		return nil, err
	}
	mt, err := s.resolveMachineType(ctx, project, s.gceZone(zone.Name), c.Param("machineType"))
	if err != nil {
		return nil, err
	}
	return s.wireMachineType(project, s.gceZone(zone.Name), mt.offering, mt.name, mt.cpus, mt.memoryMB), nil
}
