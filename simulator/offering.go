package simulator

import (
	"strconv"
	"strings"
)

func (s *Server) serviceOfferingByID(id string) *serviceOffering {
	for _, o := range s.st.ServiceOfferings {
		if o.ID == id {
			return o
		}
	}
	return nil
}

func (s *Server) diskOfferingByID(id string) *diskOffering {
	for _, o := range s.st.DiskOfferings {
		if o.ID == id {
			return o
		}
	}
	return nil
}

func (s *Server) osTypeByID(id string) *osType {
	for _, o := range s.st.OSTypes {
		if o.ID == id {
			return o
		}
	}
	return nil
}

func (s *Server) serviceOfferingObj(o *serviceOffering) obj {
	r := obj{"id": o.ID, "name": o.Name, "displaytext": o.DisplayText, "iscustomized": o.Customized,
		"storagetype": "shared", "provisioningtype": "thin", "offerha": false, "limitcpuuse": false, "isvolatile": false,
		"issystem": false, "defaultuse": false, "created": fmtTime(o.Created), "state": "Active",
		"dynamicscalingenabled": true, "diskofferingstrictness": false, "hasannotations": false, "encryptroot": false}
	if !o.Customized {
		r["cpunumber"], r["cpuspeed"], r["memory"] = o.CPUs, o.CPUSpeed, o.Memory
	} else if o.CPUSpeed > 0 {
		r["cpuspeed"] = o.CPUSpeed // a customized offering may fix the speed (cores and memory stay open)
	}
	if d := offeringBounds(o); len(d) > 0 {
		r["serviceofferingdetails"] = d
	}
	if o.RootDiskSize > 0 {
		r["rootdisksize"] = o.RootDiskSize
	}
	return r
}

func listServiceOfferings(s *Server, c *call) (any, *apiError) {
	var items []obj
	for _, o := range s.st.ServiceOfferings {
		if id := c.str("id"); id != "" && id != o.ID {
			continue
		}
		if n := c.str("name"); n != "" && !strings.EqualFold(n, o.Name) {
			continue
		}
		if !c.matchKeyword(o.Name, o.DisplayText) {
			continue
		}
		if c.has("iscustomized") && c.boolean("iscustomized", false) != o.Customized {
			continue
		}
		items = append(items, s.serviceOfferingObj(o))
	}
	return c.pageOf("serviceoffering", items), nil
}

func listDiskOfferings(s *Server, c *call) (any, *apiError) {
	var items []obj
	for _, o := range s.st.DiskOfferings {
		if id := c.str("id"); id != "" && id != o.ID {
			continue
		}
		if n := c.str("name"); n != "" && !strings.EqualFold(n, o.Name) {
			continue
		}
		if !c.matchKeyword(o.Name, o.DisplayText) {
			continue
		}
		items = append(items, obj{"id": o.ID, "name": o.Name, "displaytext": o.DisplayText, "disksize": o.DiskSize,
			"iscustomized": o.Customized, "storagetype": "shared", "provisioningtype": "thin", "displayoffering": true,
			"created": fmtTime(o.Created), "state": "Active", "disksizestrictness": false, "encrypt": false,
			"suitableforvirtualmachine": true, "hasannotations": false})
	}
	return c.pageOf("diskoffering", items), nil
}

func listOsTypes(s *Server, c *call) (any, *apiError) {
	var items []obj
	for _, o := range s.st.OSTypes {
		if id := c.str("id"); id != "" && id != o.ID {
			continue
		}
		if d := c.str("description"); d != "" && !strings.EqualFold(d, o.Description) {
			continue
		}
		if !c.matchKeyword(o.Description) {
			continue
		}
		items = append(items, obj{"id": o.ID, "description": o.Description, "name": o.Description, "oscategoryid": o.CategoryID,
			"oscategoryname": o.CategoryName, "isuserdefined": false, "fordisplay": true})
	}
	return c.pageOf("ostype", items), nil
}

func (s *Server) networkOfferingByID(id string) *networkOffering {
	for _, o := range s.st.NetworkOfferings {
		if o.ID == id {
			return o
		}
	}
	return nil
}

func (s *Server) networkOfferingByName(name string) *networkOffering {
	for _, o := range s.st.NetworkOfferings {
		if o.Name == name {
			return o
		}
	}
	return nil
}

func networkOfferingServices(o *networkOffering) []obj {
	out := []obj{}
	for _, sv := range o.Services {
		prov := "VirtualRouter"
		if sv == "SecurityGroup" {
			prov = "SecurityGroupProvider"
		}
		if o.ForVPC {
			prov = "VpcVirtualRouter"
		}
		out = append(out, obj{"name": sv, "provider": []obj{{"name": prov}}})
	}
	return out
}

func (o *networkOffering) availability() string {
	if o.Availability == "" {
		return "Optional"
	}
	return o.Availability
}

func listNetworkOfferings(s *Server, c *call) (any, *apiError) {
	var items []obj
	for _, o := range s.st.NetworkOfferings {
		if id := c.str("id"); id != "" && id != o.ID {
			continue
		}
		if n := c.str("name"); n != "" && n != o.Name {
			continue
		}
		if g := c.str("guestiptype"); g != "" && !strings.EqualFold(g, o.GuestIPType) {
			continue
		}
		if c.has("forvpc") && c.boolean("forvpc", false) != o.ForVPC {
			continue
		}
		if !c.matchKeyword(o.Name, o.DisplayText) {
			continue
		}
		items = append(items, obj{"id": o.ID, "name": o.Name, "displaytext": o.DisplayText, "guestiptype": o.GuestIPType,
			"traffictype": "Guest", "isdefault": o.IsDefault, "state": "Enabled", "forvpc": o.ForVPC, "availability": o.availability(),
			"specifyvlan": false, "specifyipranges": false, "conservemode": true, "egressdefaultpolicy": true,
			"networkrate": 200, "service": networkOfferingServices(o), "ispersistent": false, "supportspublicaccess": false})
	}
	return c.pageOf("networkoffering", items), nil
}

func listVPCOfferings(s *Server, c *call) (any, *apiError) {
	var items []obj
	for _, o := range s.st.VPCOfferings {
		if id := c.str("id"); id != "" && id != o.ID {
			continue
		}
		if n := c.str("name"); n != "" && n != o.Name {
			continue
		}
		items = append(items, obj{"id": o.ID, "name": o.Name, "displaytext": o.DisplayText, "isdefault": true, "state": "Enabled",
			"distributedvpcrouter": false, "supportsregionLevelvpc": false,
			"service": vpcOfferingServices(o)})
	}
	return c.pageOf("vpcoffering", items), nil
}

// offeringBounds renders a customized offering's limits as CloudStack's serviceofferingdetails.
func offeringBounds(o *serviceOffering) map[string]string {
	d := map[string]string{}
	for k, v := range map[string]int{"mincpunumber": o.MinCPUs, "maxcpunumber": o.MaxCPUs, "minmemory": o.MinMemory, "maxmemory": o.MaxMemory} {
		if v > 0 {
			d[k] = strconv.Itoa(v)
		}
	}
	return d
}
