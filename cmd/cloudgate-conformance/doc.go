// Command cloudgate-conformance runs the black-box conformance suite
// (package conformance) against any GCE and/or EC2 endpoint and writes the
// compatibility matrix (compatibility.{md,json,junit.xml}).
//
//	cloudgate-conformance --data-dir .cloudgate
//	cloudgate-conformance --gce-endpoint URL --ec2-endpoint URL [credentials]
//
// It is a separate binary so that the serving binary, cloudgate, links no
// client SDK (aws-sdk-go-v2 service clients, google.golang.org/api): those
// are what the suite drives the gateway with, and they would make the
// gateway's first build minutes longer and its binary several times larger.
// cmd/cloudgate's TestServingBinaryLinksNoClientSDK enforces the split.
package main
