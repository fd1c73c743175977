package simulator

import (
	"fmt"
	"strings"
)

func (s *Server) zoneByID(id string) *zone {
	for _, z := range s.st.Zones {
		if z.ID == id {
			return z
		}
	}
	return nil
}

func (s *Server) zoneName(id string) string {
	if z := s.zoneByID(id); z != nil {
		return z.Name
	}
	return ""
}

// needZone resolves a required zoneid parameter.
func (s *Server) needZone(c *call) (*zone, *apiError) {
	id, err := c.need("zoneid")
	if err != nil {
		return nil, err
	}
	z := s.zoneByID(id)
	if z == nil {
		return nil, noEntity(c.cmd, "zoneid", id)
	}
	return z, nil
}

func listZones(s *Server, c *call) (any, *apiError) {
	var items []obj
	for _, z := range s.st.Zones {
		if id := c.str("id"); id != "" && id != z.ID {
			continue
		}
		if n := c.str("name"); n != "" && !strings.EqualFold(n, z.Name) {
			continue
		}
		if nt := c.str("networktype"); nt != "" && !strings.EqualFold(nt, z.NetworkType) {
			continue
		}
		if !c.matchKeyword(z.Name) {
			continue
		}
		o := obj{"id": z.ID, "name": z.Name, "description": z.Description, "networktype": z.NetworkType,
			"securitygroupsenabled": z.SecurityGroups, "allocationstate": "Enabled", "dns1": "8.8.8.8", "dns2": "8.8.4.4",
			"internaldns1": "10.147.28.6", "localstorageenabled": false, "zonetoken": z.ID[:8], "dhcpprovider": "VirtualRouter",
			"guestcidraddress": z.GuestCIDR, "tags": []obj{}, "type": "Core", "hasannotations": false}
		if c.boolean("showcapacities", false) {
			o["capacity"] = s.zoneCapacity(z)
		}
		items = append(items, o)
	}
	return c.pageOf("zone", items), nil
}

func (s *Server) zoneCapacity(z *zone) []obj {
	var cpuTotal, cpuUsed, memTotal, memUsed int64
	for _, h := range s.st.Hosts {
		if h.ZoneID == z.ID {
			cpu, mem := s.hostUsage(h)
			cpuTotal += int64(h.CPUs * h.CPUSpeed)
			memTotal += h.Memory
			cpuUsed += cpu
			memUsed += mem
		}
	}
	pct := func(a, b int64) string {
		if b == 0 {
			return "0"
		}
		return fmt.Sprintf("%.2f", float64(a)*100/float64(b))
	}
	return []obj{
		{"type": 0, "name": "MEMORY", "capacitytotal": memTotal, "capacityused": memUsed, "capacityallocated": memUsed, "percentused": pct(memUsed, memTotal), "zoneid": z.ID, "zonename": z.Name},
		{"type": 1, "name": "CPU", "capacitytotal": cpuTotal, "capacityused": cpuUsed, "capacityallocated": cpuUsed, "percentused": pct(cpuUsed, cpuTotal), "zoneid": z.ID, "zonename": z.Name},
	}
}

func listPods(s *Server, c *call) (any, *apiError) {
	var items []obj
	for _, p := range s.st.Pods {
		if id := c.str("id"); id != "" && id != p.ID {
			continue
		}
		if z := c.str("zoneid"); z != "" && z != p.ZoneID {
			continue
		}
		if n := c.str("name"); n != "" && n != p.Name {
			continue
		}
		items = append(items, obj{"id": p.ID, "name": p.Name, "zoneid": p.ZoneID, "zonename": s.zoneName(p.ZoneID),
			"gateway": p.Gateway, "netmask": p.Netmask, "startip": []string{p.StartIP}, "endip": []string{p.EndIP},
			"allocationstate": "Enabled"})
	}
	return c.pageOf("pod", items), nil
}

func listClusters(s *Server, c *call) (any, *apiError) {
	var items []obj
	for _, cl := range s.st.Clusters {
		if id := c.str("id"); id != "" && id != cl.ID {
			continue
		}
		if z := c.str("zoneid"); z != "" && z != cl.ZoneID {
			continue
		}
		if n := c.str("name"); n != "" && n != cl.Name {
			continue
		}
		items = append(items, obj{"id": cl.ID, "name": cl.Name, "podid": cl.PodID, "podname": s.podName(cl.PodID),
			"zoneid": cl.ZoneID, "zonename": s.zoneName(cl.ZoneID), "hypervisortype": "Simulator", "clustertype": "CloudManaged",
			"allocationstate": "Enabled", "managedstate": "Managed", "cpuovercommitratio": "1.0", "memoryovercommitratio": "1.0", "arch": "x86_64"})
	}
	return c.pageOf("cluster", items), nil
}

func (s *Server) podName(id string) string {
	for _, p := range s.st.Pods {
		if p.ID == id {
			return p.Name
		}
	}
	return ""
}

func (s *Server) clusterName(id string) string {
	for _, c := range s.st.Clusters {
		if c.ID == id {
			return c.Name
		}
	}
	return ""
}

func (s *Server) hostByID(id string) *host {
	for _, h := range s.st.Hosts {
		if h.ID == id {
			return h
		}
	}
	return nil
}

// hostUsage returns the CPU (MHz) and memory (bytes) allocated to VMs on h.
func (s *Server) hostUsage(h *host) (cpu, mem int64) {
	for _, v := range s.st.VMs {
		if v.HostID == h.ID && usesCapacity(v.State) {
			cpu += int64(v.CPUs * v.CPUSpeed)
			mem += int64(v.Memory) << 20
		}
	}
	return cpu, mem
}

func usesCapacity(state string) bool {
	return state == "Starting" || state == "Running" || state == "Stopping" || state == "Migrating"
}

// findHost picks the first host in the zone with room for cpus×speed MHz and memMB.
func (s *Server) findHost(zoneID string, cpus, speed, memMB int) *host {
	for _, h := range s.st.Hosts {
		if h.ZoneID != zoneID || cpus > h.CPUs || speed > h.CPUSpeed {
			continue
		}
		cpu, mem := s.hostUsage(h)
		if cpu+int64(cpus*speed) <= int64(h.CPUs*h.CPUSpeed) && mem+int64(memMB)<<20 <= h.Memory {
			return h
		}
	}
	return nil
}

func listHosts(s *Server, c *call) (any, *apiError) {
	var items []obj
	for _, h := range s.st.Hosts {
		if id := c.str("id"); id != "" && id != h.ID {
			continue
		}
		if z := c.str("zoneid"); z != "" && z != h.ZoneID {
			continue
		}
		if n := c.str("name"); n != "" && n != h.Name {
			continue
		}
		if t := c.str("type"); t != "" && !strings.EqualFold(t, "Routing") {
			continue
		}
		cpu, mem := s.hostUsage(h)
		total := int64(h.CPUs * h.CPUSpeed)
		items = append(items, obj{"id": h.ID, "name": h.Name, "type": "Routing", "state": "Up", "resourcestate": "Enabled",
			"ipaddress": h.IP, "hypervisor": "Simulator", "hypervisorversion": "4.20", "version": CloudStackVersion,
			"zoneid": h.ZoneID, "zonename": s.zoneName(h.ZoneID), "podid": h.PodID, "podname": s.podName(h.PodID),
			"clusterid": h.ClusterID, "clustername": s.clusterName(h.ClusterID), "clustertype": "CloudManaged",
			"cpunumber": h.CPUs, "cpusockets": 1, "cpuspeed": h.CPUSpeed, "cpuallocated": fmt.Sprintf("%.2f%%", float64(cpu)*100/float64(total)),
			"cpuallocatedvalue": cpu, "cpuallocatedpercentage": fmt.Sprintf("%.2f%%", float64(cpu)*100/float64(total)),
			"cpuwithoverprovisioning": fmt.Sprint(total), "cpuused": "10%", "memorytotal": h.Memory, "memoryallocated": mem,
			"memoryallocatedbytes": mem, "memoryallocatedpercentage": fmt.Sprintf("%.2f%%", float64(mem)*100/float64(h.Memory)),
			"memorywithoverprovisioning": fmt.Sprint(h.Memory), "memoryused": mem, "capabilities": "hvm", "arch": "x86_64",
			"created": fmtTime(h.Created), "hasenoughcapacity": cpu < total && mem < h.Memory, "islocalstorageactive": false})
	}
	return c.pageOf("host", items), nil
}
