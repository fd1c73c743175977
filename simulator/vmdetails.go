package simulator

import "strings"

// minDetails reports whether a listVirtualMachines call asks for the
// minimal answer: details= names "min" and not "all" (ListVMsCmd details:
// "all, group, nics, stats, secgrp, tmpl, servoff, diskoff, backoff, iso,
// volume, min, affgrp"; no value means all).
func minDetails(c *call) bool {
	if c == nil || c.str("details") == "" {
		return false
	}
	min := false
	for _, d := range strings.Split(c.str("details"), ",") {
		switch strings.ToLower(strings.TrimSpace(d)) {
		case "all":
			return false
		case "min":
			min = true
		}
	}
	return min
}

// minOmitted are the fields of a VM answer that
// server/src/main/java/com/cloud/api/query/dao/UserVmJoinDaoImpl.java
// newUserVmResponse sets only under a detail other than min (tmpl, servoff,
// stats, volume; secgrp, nics and affgrp add the nested lists).
var minOmitted = []string{"templateid", "serviceofferingid", "cpunumber", "cpuspeed", "memory", "rootdeviceid", "rootdevicetype", "affinitygroup"}
