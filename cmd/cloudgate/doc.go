// Command cloudgate is the CloudStack compatibility gateway.
//
//	cloudgate serve       run the gateway (GCE v1 REST + EC2 Query); with no
//	                      CloudStack URL configured it starts the embedded
//	                      simulator with the demo datacenter
//	cloudgate simulator   run the fake CloudStack management server alone
//	cloudgate keys create write a GCE service-account key and an AWS profile
//	                      for a CloudStack user
//	cloudgate certs init  create the local CA and server certificate
//	cloudgate version     print the version
//
// Configuration comes from a YAML file (--config or CLOUDGATE_CONFIG),
// CLOUDGATE_* environment variables and flags; flags win over the
// environment, which wins over the file. Nested keys use underscores in the
// environment: cloudstack.url is CLOUDGATE_CLOUDSTACK_URL.
package main
