package dmchamp

import (
	"net/http"
	"testing"
)

// The contract checks of contract_test.go, for the tests of package
// dmchamp_test, which can import dmchamptest (this package's tests cannot).

// ContractCheckRequest validates a request against the published OpenAPI
// document: its operation's parameters, no undeclared query parameter,
// exactly one credential. It returns what the findings name, empty when the
// request is valid, and a report of them.
func ContractCheckRequest(t *testing.T, req *http.Request) (names []string, report string) {
	t.Helper()
	return contractDoc(t).checkRequest(req)
}

// ContractCheckResponse validates an answer to req against the published
// OpenAPI document: a documented status, the schema of its body (formats
// asserted) and no undeclared field. It returns what the findings name,
// empty when the answer is valid, and a report of them.
func ContractCheckResponse(t *testing.T, req *http.Request, status int, header http.Header, body []byte) (names []string, report string) {
	t.Helper()
	return contractDoc(t).checkResponse(t, contractExchange{req: req, status: status, header: header, respBody: body})
}

// ContractPaths are the paths of the published OpenAPI document, in its
// order.
func ContractPaths(t *testing.T) []string {
	t.Helper()
	var paths []string
	for pair := contractDoc(t).model.Paths.PathItems.First(); pair != nil; pair = pair.Next() {
		paths = append(paths, pair.Key())
	}
	return paths
}
