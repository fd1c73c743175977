// Package cstest is the conformance suite for implementations of the
// translate.CloudStack port. Every implementation (csbackend over the
// simulator, csbackend over a live CloudStack) runs it:
//
//	func TestConformance(t *testing.T) {
//		cstest.RunConformanceTests(t, func() cstest.Harness { return newHarness(t) })
//	}
//
// Assertions check translate.KindOf(err), never message text.
//
// The suite covers the catalog, authentication failures, unknown ids
// (NotFound with the right Resource), the VM lifecycle with async jobs,
// deploy failures, tags (reserved ones included), key pairs, security
// groups (when Fixtures.SecurityGroups) and volumes with snapshots.
package cstest
