// Package ogenclient is the DM Champ client that ogen generates from the
// published OpenAPI document, unedited: the client only (ogen.yml turns off
// the server, webhooks and OpenTelemetry). The benchmarks use it as a peer.
package ogenclient

//go:generate go run github.com/ogen-go/ogen/cmd/ogen@v1.24.0 -config ogen.yml -package ogenclient -target . -clean ../../testdata/openapi/dmchamp-openapi.json
