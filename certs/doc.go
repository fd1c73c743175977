// Package certs creates and loads the gateway's local TLS material: a
// self-signed ECDSA P-256 certificate authority (ca.pem, ca-key.pem) and a
// server certificate signed by it (server.pem, server-key.pem).
//
// Init is idempotent: existing files are loaded and reused. The server
// certificate is re-issued (with the same CA) when a requested name is not
// among its subject alternative names, when it expires within RenewBefore,
// or when it no longer chains to the CA. The CA is created once and kept for
// CAValidity; clients trust it with, for example,
// `gcloud config set core/custom_ca_certs_file <dir>/ca.pem` or
// `aws --ca-bundle <dir>/ca.pem`.
//
// Private keys are written with mode 0600. The package uses only the
// standard library.
package certs
