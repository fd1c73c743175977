package conformance

import "flag"

// update regenerates committed outputs instead of comparing with them:
// docs/compatibility.{md,json} (TestConformance) and
// testdata/compatibility-moto.{md,json} (TestConformanceMoto).
var update = flag.Bool("update", false, "rewrite docs/compatibility.{md,json} and testdata baselines from this run")
