// Package oapiclient is the DM Champ client that oapi-codegen generates from
// the published OpenAPI document, unedited. The benchmarks use it as a peer.
package oapiclient

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen@v2.8.2 -config config.yaml ../../testdata/openapi/dmchamp-openapi.json
