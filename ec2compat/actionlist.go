package ec2compat

import "sort"

// Actions returns the EC2 actions the gateway serves, sorted (the
// conformance matrix lists them).
func Actions() []string {
	out := make([]string, 0, len(actions))
	for name := range actions {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}
