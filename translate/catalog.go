package translate

import (
	"context"
	"sort"
	"strings"
	"sync"
	"time"
)

// Zone is a CloudStack zone (a GCE zone, an EC2 availability zone).
type Zone struct {
	ID          string
	Name        string
	Description string
	// NetworkType is "Basic" or "Advanced".
	NetworkType string
	// SecurityGroups reports whether the zone enforces security groups
	// (basic zones and advanced zones with security groups).
	SecurityGroups bool
	Enabled        bool
}

// Offering is a CloudStack service offering: a GCE machine type, an EC2
// instance type. A Custom offering accepts any CPU count and memory size
// within its bounds (GCE custom-CPUS-MEMORY machine types).
type Offering struct {
	ID          string
	Name        string
	DisplayText string
	CPUs        int
	CPUSpeedMHz int
	MemoryMB    int
	Custom      bool
	// Bounds for custom offerings (0 = unbounded).
	MinCPUs, MaxCPUs         int
	MinMemoryMB, MaxMemoryMB int
	StorageType              string // "shared" or "local"
	Created                  time.Time
}

// DiskOffering is a CloudStack disk offering (a GCE disk type, an EBS
// volume type).
type DiskOffering struct {
	ID          string
	Name        string
	DisplayText string
	SizeGB      int64 // 0 when Custom
	Custom      bool
	StorageType string
	Created     time.Time
}

// Zones lists the zones visible to the caller, sorted by name.
func (s *Service) Zones(ctx context.Context) ([]Zone, error) {
	v, err := s.cached(ctx, "zones", func(ctx context.Context) (any, error) {
		zs, err := s.cs.ListZones(ctx)
		if err != nil {
			return nil, err
		}
		sort.Slice(zs, func(i, j int) bool { return zs[i].Name < zs[j].Name })
		return zs, nil
	})
	if err != nil {
		return nil, opErr("Zones", ResZone, "", err)
	}
	return append([]Zone(nil), v.([]Zone)...), nil
}

// Zone returns one zone by UUID or name; NotFound (ResZone) if there is
// none.
func (s *Service) Zone(ctx context.Context, idOrName string) (*Zone, error) {
	zs, err := s.Zones(ctx)
	if err != nil {
		return nil, err
	}
	for i := range zs {
		if zs[i].ID == idOrName {
			return &zs[i], nil
		}
	}
	for i := range zs {
		if strings.EqualFold(zs[i].Name, idOrName) {
			return &zs[i], nil
		}
	}
	return nil, notFound("Zone", ResZone, idOrName)
}

// Offerings lists service offerings (machine/instance types), sorted by
// creation time then id.
func (s *Service) Offerings(ctx context.Context) ([]Offering, error) {
	v, err := s.cached(ctx, "offerings", func(ctx context.Context) (any, error) {
		os, err := s.cs.ListServiceOfferings(ctx)
		if err != nil {
			return nil, err
		}
		sortByCreated(os, func(o *Offering) time.Time { return o.Created }, func(o *Offering) string { return o.ID })
		return os, nil
	})
	if err != nil {
		return nil, opErr("Offerings", ResOffering, "", err)
	}
	return append([]Offering(nil), v.([]Offering)...), nil
}

// Offering returns one service offering by UUID or name (names compare
// case-insensitively); NotFound (ResOffering) if none.
func (s *Service) Offering(ctx context.Context, idOrName string) (*Offering, error) {
	os, err := s.Offerings(ctx)
	if err != nil {
		return nil, err
	}
	for i := range os {
		if os[i].ID == idOrName {
			return &os[i], nil
		}
	}
	for i := range os {
		if strings.EqualFold(os[i].Name, idOrName) {
			return &os[i], nil
		}
	}
	return nil, notFound("Offering", ResOffering, idOrName)
}

// DiskOfferings lists disk offerings (disk/volume types), sorted by
// creation time then id.
func (s *Service) DiskOfferings(ctx context.Context) ([]DiskOffering, error) {
	v, err := s.cached(ctx, "diskofferings", func(ctx context.Context) (any, error) {
		ds, err := s.cs.ListDiskOfferings(ctx)
		if err != nil {
			return nil, err
		}
		sortByCreated(ds, func(o *DiskOffering) time.Time { return o.Created }, func(o *DiskOffering) string { return o.ID })
		return ds, nil
	})
	if err != nil {
		return nil, opErr("DiskOfferings", ResDiskOffering, "", err)
	}
	return append([]DiskOffering(nil), v.([]DiskOffering)...), nil
}

// DiskOffering returns one disk offering by UUID or name; NotFound
// (ResDiskOffering) if none.
func (s *Service) DiskOffering(ctx context.Context, idOrName string) (*DiskOffering, error) {
	ds, err := s.DiskOfferings(ctx)
	if err != nil {
		return nil, err
	}
	for i := range ds {
		if ds[i].ID == idOrName {
			return &ds[i], nil
		}
	}
	for i := range ds {
		if strings.EqualFold(ds[i].Name, idOrName) {
			return &ds[i], nil
		}
	}
	return nil, notFound("DiskOffering", ResDiskOffering, idOrName)
}

// catalogCache caches catalog lists per caller (API key) for CatalogTTL.
// It is bounded: when it holds maxCatalogEntries entries, expired ones are
// dropped, and if that is not enough, all of them.
type catalogCache struct {
	mu sync.Mutex
	m  map[string]catalogEntry
}

type catalogEntry struct {
	val any
	exp time.Time
}

const maxCatalogEntries = 4096

func newCatalogCache() *catalogCache { return &catalogCache{m: map[string]catalogEntry{}} }

// cached returns the value of load for the caller, cached for CatalogTTL.
func (s *Service) cached(ctx context.Context, kind string, load func(context.Context) (any, error)) (any, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	if s.opts.CatalogTTL < 0 {
		return load(ctx)
	}
	key := p.APIKey + "\x00" + kind
	now := s.opts.Now()
	c := s.cache
	c.mu.Lock()
	e, ok := c.m[key]
	c.mu.Unlock()
	if ok && now.Before(e.exp) {
		return e.val, nil
	}
	v, err := load(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= maxCatalogEntries {
		for k, e := range c.m {
			if !now.Before(e.exp) {
				delete(c.m, k)
			}
		}
		if len(c.m) >= maxCatalogEntries {
			clear(c.m)
		}
	}
	c.m[key] = catalogEntry{val: v, exp: now.Add(s.opts.CatalogTTL)}
	return v, nil
}
