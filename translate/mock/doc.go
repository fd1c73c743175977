// Package mock provides a hand-written, function-field mock of the
// translate.CloudStack port for unit tests of translate.Service and the
// wire layers (error injection). Set the XxxFn fields a test needs; the
// others return an Unimplemented error.
package mock
