package dmchamp

// Contract tests: the requests the SDK sends, the request bodies it builds and
// the fixtures that answer them are checked against the OpenAPI 3.1 document
// DM Champ publishes (testdata/openapi/dmchamp-openapi.json, a byte-for-byte
// copy of ../shared/api/dmchamp-openapi.json: do not edit it, replace it).
//
// The document is checked with github.com/pb33f/libopenapi-validator
// (request, response and schema validation, formats asserted). OpenAPI lets a
// request carry undeclared query parameters and a JSON object undeclared
// properties, so a misspelt name would pass it; these tests add two checks of
// their own that close that gap: every query parameter and every body or
// fixture field must be declared by the document, and every request must
// carry exactly one of the document's credentials (the validator does not
// enforce the document's global security requirement).
//
// Known differences between the document and the prose documentation
// (../shared/api/dmchamp-api.md, DECISIONS.md) are listed in
// TestContractDocumentFacts; none of them makes a check here fail.

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	vconfig "github.com/pb33f/libopenapi-validator/config"
	verrors "github.com/pb33f/libopenapi-validator/errors"
	"github.com/pb33f/libopenapi-validator/schema_validation"
	"github.com/pb33f/libopenapi/datamodel/high/base"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	contractDocFile     = "testdata/openapi/dmchamp-openapi.json"
	publishedDocFile    = "../shared/api/dmchamp-openapi.json" // where the copy comes from, when checked out beside it
	contractRecentPath  = "/chat-sessions/recent"
	contractContactPath = "/chat-sessions/{contactId}"
	contractContactID   = "aB3dE5fG7hJ9kL1mN2pQ"
)

// openAPIContract is the loaded document, shared by every test of this file.
type openAPIContract struct {
	raw     []byte
	model   *v3.Document
	http    validator.Validator
	schemas schema_validation.SchemaValidator
}

// loadOpenAPIContract parses the document once: parsing and building the
// model is the slow part of validation.
var loadOpenAPIContract = sync.OnceValues(func() (*openAPIContract, error) {
	raw, err := os.ReadFile(contractDocFile)
	if err != nil {
		return nil, err
	}
	doc, err := libopenapi.NewDocument(raw)
	if err != nil {
		return nil, err
	}
	m, err := doc.BuildV3Model()
	if err != nil {
		return nil, err
	}
	opts := []vconfig.Option{vconfig.WithFormatAssertions()} // date-time and email are checked too
	v := validator.NewValidatorFromV3Model(&m.Model, opts...)
	v.SetDocument(doc)
	return &openAPIContract{
		raw:     raw,
		model:   &m.Model,
		http:    v,
		schemas: schema_validation.NewSchemaValidatorWithLogger(slog.New(slog.DiscardHandler), opts...),
	}, nil
})

func contractDoc(t *testing.T) *openAPIContract {
	t.Helper()
	c, err := loadOpenAPIContract()
	require.NoError(t, err, "loading %s", contractDocFile)
	return c
}

// operation returns the GET operation of a path of the document.
func (c *openAPIContract) operation(t *testing.T, path string) *v3.Operation {
	t.Helper()
	item := c.model.Paths.PathItems.GetOrZero(path)
	require.NotNil(t, item, "the document declares %s", path)
	require.NotNil(t, item.Get, "the document declares GET %s", path)
	return item.Get
}

// schema returns #/components/schemas/<name>.
func (c *openAPIContract) schema(t *testing.T, name string) *base.Schema {
	t.Helper()
	p := c.model.Components.Schemas.GetOrZero(name)
	require.NotNil(t, p, "the document declares #/components/schemas/%s", name)
	s := p.Schema()
	require.NotNil(t, s, "#/components/schemas/%s builds", name)
	return s
}

// contractParam returns the parameter of op with this name, $refs resolved.
func contractParam(t *testing.T, op *v3.Operation, name string) *v3.Parameter {
	t.Helper()
	for _, p := range op.Parameters {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("the operation %q declares no parameter %q", op.Summary, name)
	return nil
}

// credentialParams are the query parameters of the document's security
// schemes: apiKey and userId.
func (c *openAPIContract) credentialParams() []string {
	var names []string
	for _, req := range c.model.Security {
		for pair := req.Requirements.First(); pair != nil; pair = pair.Next() {
			if s := c.model.Components.SecuritySchemes.GetOrZero(pair.Key()); s != nil && s.In == "query" {
				names = append(names, s.Name)
			}
		}
	}
	return names
}

// contractExchange is one request the SDK sent through the mock transport,
// and the answer it got.
type contractExchange struct {
	req      *http.Request // as sent, credentials included; its body is in reqBody
	reqBody  []byte
	status   int
	header   http.Header
	respBody []byte
}

func (x contractExchange) request() *http.Request {
	r := x.req.Clone(context.Background())
	r.Body = http.NoBody
	if x.reqBody != nil {
		r.Body = io.NopCloser(bytes.NewReader(x.reqBody))
	}
	return r
}

func (x contractExchange) response() *http.Response {
	return &http.Response{
		StatusCode: x.status,
		Header:     x.header.Clone(),
		Body:       io.NopCloser(bytes.NewReader(x.respBody)),
		Request:    x.request(),
	}
}

// contractRecorder keeps every exchange of the responders it wraps.
type contractRecorder struct {
	mu        sync.Mutex
	exchanges []contractExchange
}

func (rec *contractRecorder) wrap(inner httpmock.Responder) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		var body []byte
		if req.Body != nil {
			var err error
			if body, err = io.ReadAll(req.Body); err != nil {
				return nil, err
			}
			req.Body = io.NopCloser(bytes.NewReader(body))
		}
		resp, err := inner(req)
		if err != nil {
			return nil, err
		}
		respBody, err := io.ReadAll(resp.Body)
		if err != nil {
			return nil, err
		}
		resp.Body = io.NopCloser(bytes.NewReader(respBody))
		rec.mu.Lock()
		defer rec.mu.Unlock()
		rec.exchanges = append(rec.exchanges, contractExchange{
			req: req.Clone(context.Background()), reqBody: body,
			status: resp.StatusCode, header: resp.Header.Clone(), respBody: respBody,
		})
		return resp, nil
	}
}

// only returns the single exchange recorded.
func (rec *contractRecorder) only(t *testing.T) contractExchange {
	t.Helper()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	require.Len(t, rec.exchanges, 1, "exactly one request sent")
	return rec.exchanges[0]
}

// contractRecord registers resp, recorded, for every request to method and
// url (any query), and returns the recorder.
func contractRecord(mt *httpmock.MockTransport, method, rawURL string, resp httpmock.Responder) *contractRecorder {
	rec := &contractRecorder{}
	mt.RegisterResponder(method, rawURL, rec.wrap(resp))
	return rec
}

// contractReport renders the validator's findings so a failure names the
// field: each error's message and reason, its parameter and spec path, and
// for schema failures every reason with the JSON path of the failing field
// and the schema location that rejected it.
func contractReport(errs []*verrors.ValidationError) string {
	var b strings.Builder
	for _, e := range errs {
		fmt.Fprintf(&b, "\n  - [%s/%s] %s", e.ValidationType, e.ValidationSubType, e.Message)
		if e.ParameterName != "" {
			fmt.Fprintf(&b, " (parameter %q)", e.ParameterName)
		}
		if e.SpecPath != "" {
			fmt.Fprintf(&b, " (spec path %s)", e.SpecPath)
		}
		fmt.Fprintf(&b, "\n    reason: %s", e.Reason)
		for _, f := range e.SchemaValidationErrors {
			fmt.Fprintf(&b, "\n    * %s: field %s, schema location %s", f.Reason, cmp.Or(f.FieldPath, "(document root)"), cmp.Or(f.DeepLocation, f.Location))
		}
	}
	return b.String()
}

var (
	contractQuoted      = regexp.MustCompile(`'([^']+)'`)
	contractMissingProp = regexp.MustCompile(`^missing propert(?:y|ies) (.+)$`)
)

// contractFields lists what the findings name: "query:<name>" for a
// parameter, the JSON path ("$.a.b") for a body or response field. A missing
// required property is named by its would-be path.
func contractFields(errs []*verrors.ValidationError) []string {
	var out []string
	for _, e := range errs {
		if e.ValidationType == "parameter" || e.ValidationType == "query" {
			name := e.ParameterName
			if name == "" {
				if m := contractQuoted.FindStringSubmatch(e.Message); m != nil {
					name = m[1]
				}
			}
			out = append(out, "query:"+name)
			continue
		}
		if len(e.SchemaValidationErrors) == 0 {
			out = append(out, e.ValidationType+"/"+e.ValidationSubType)
		}
		for _, f := range e.SchemaValidationErrors {
			if m := contractMissingProp.FindStringSubmatch(f.Reason); m != nil {
				parent := "$" + strings.ReplaceAll(f.Location, "/", ".")
				for _, q := range contractQuoted.FindAllStringSubmatch(m[1], -1) {
					out = append(out, parent+"."+q[1])
				}
				continue
			}
			out = append(out, cmp.Or(f.FieldPath, "$"))
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// checkRequest validates a request the SDK sent: the validator's request
// validation, then the two checks OpenAPI leaves open (every query
// parameter declared, exactly one credential). It returns what the findings
// name (see contractFields) and a report of them.
func (c *openAPIContract) checkRequest(req *http.Request) (names []string, rep string) {
	ok, errs := c.http.ValidateHttpRequestSync(req)
	names, rep = contractFields(errs), contractReport(errs)
	if !ok && len(errs) == 0 {
		names, rep = append(names, "request"), rep+"\n  - the validator rejected the request without saying why"
	}

	// Declared parameters: those of the matched operation, plus the
	// credentials of the document's security schemes.
	declared := c.credentialParams()
	if op := c.match(req); op != nil {
		for _, p := range op.Parameters {
			if p.In == "query" {
				declared = append(declared, p.Name)
			}
		}
	}
	q := req.URL.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !slices.Contains(declared, k) {
			names = append(names, "query:"+k)
			rep += fmt.Sprintf("\n  - query parameter %q is not declared by the operation (declared: %s)", k, strings.Join(declared, ", "))
		}
	}
	var creds []string
	for _, k := range c.credentialParams() {
		if q.Has(k) {
			creds = append(creds, k)
		}
	}
	if len(creds) != 1 {
		names = append(names, "credentials")
		rep += fmt.Sprintf("\n  - the request carries %d of the credentials %v (%v); the document's security needs one", len(creds), c.credentialParams(), creds)
	}
	sort.Strings(names)
	return slices.Compact(names), rep
}

// match returns the operation of the document a request is for, nil if
// none: the first path, in the document's order as the validator does,
// whose template matches the request's path below the server's base path.
func (c *openAPIContract) match(req *http.Request) *v3.Operation {
	path := req.URL.Path
	for _, s := range c.model.Servers {
		if u, err := url.Parse(s.URL); err == nil && u.Path != "" && strings.HasPrefix(path, u.Path+"/") {
			path = strings.TrimPrefix(path, u.Path)
			break
		}
	}
	for pair := c.model.Paths.PathItems.First(); pair != nil; pair = pair.Next() {
		if contractPathMatches(pair.Key(), path) {
			return pair.Value().GetOperations().GetOrZero(strings.ToLower(req.Method))
		}
	}
	return nil
}

// contractPathMatches reports whether an URL path matches a path template
// of the document.
func contractPathMatches(template, path string) bool {
	ts, ps := strings.Split(template, "/"), strings.Split(path, "/")
	if len(ts) != len(ps) {
		return false
	}
	for i := range ts {
		if !strings.HasPrefix(ts[i], "{") && ts[i] != ps[i] {
			return false
		}
	}
	return true
}

// checkResponse validates an answer as the response of the request's
// operation, and checks that it uses only fields the document declares.
func (c *openAPIContract) checkResponse(t *testing.T, x contractExchange) (names []string, rep string) {
	t.Helper()
	ok, errs := c.http.ValidateHttpResponse(x.request(), x.response())
	names, rep = contractFields(errs), contractReport(errs)
	if !ok && len(errs) == 0 {
		names, rep = append(names, "response"), rep+"\n  - the validator rejected the response without saying why"
	}
	if s := c.responseSchema(x.req, x.status); s != nil {
		// The response validator of v0.6.4 ignores WithFormatAssertions:
		// validate the body against the same schema with formats asserted
		// (date-time, email).
		ok, errs := c.schemas.ValidateSchemaBytes(s, x.respBody)
		var added bool
		for _, n := range contractFields(errs) {
			if !slices.Contains(names, n) {
				names, added = append(names, n), true
			}
		}
		if added {
			rep += contractReport(errs)
		}
		if !ok && len(errs) == 0 {
			names, rep = append(names, "$"), rep+"\n  - the schema validator rejected the body without saying why"
		}
		var v any
		if err := json.Unmarshal(x.respBody, &v); err != nil {
			return append(names, "$"), rep + "\n  - the body is not JSON: " + err.Error()
		}
		for _, p := range contractUndeclared(s, v, "$") {
			names = append(names, p)
			rep += fmt.Sprintf("\n  - field %s is not declared by the document", p)
		}
	}
	sort.Strings(names)
	return slices.Compact(names), rep
}

// responseSchema returns the JSON schema of the answer with this status to
// the request's operation, nil when the document declares none.
func (c *openAPIContract) responseSchema(req *http.Request, status int) *base.Schema {
	op := c.match(req)
	if op == nil {
		return nil
	}
	r := op.Responses.Codes.GetOrZero(strconv.Itoa(status))
	if r == nil || r.Content.GetOrZero("application/json") == nil {
		return nil
	}
	return r.Content.GetOrZero("application/json").Schema.Schema()
}

// checkBody validates a JSON document against a component schema, and
// checks that it uses only properties the schema declares.
func (c *openAPIContract) checkBody(t *testing.T, schema string, body []byte) (names []string, rep string) {
	t.Helper()
	s := c.schema(t, schema)
	ok, errs := c.schemas.ValidateSchemaBytes(s, body)
	names, rep = contractFields(errs), contractReport(errs)
	if !ok && len(errs) == 0 {
		names, rep = append(names, "$"), rep+"\n  - the validator rejected the body without saying why"
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return append(names, "$"), rep + "\n  - the body is not JSON: " + err.Error()
	}
	for _, p := range contractUndeclared(s, v, "$") {
		names = append(names, p)
		rep += fmt.Sprintf("\n  - field %s is not declared by #/components/schemas/%s", p, schema)
	}
	sort.Strings(names)
	return slices.Compact(names), rep
}

// contractUndeclared returns the JSON paths of the object properties of v
// that s does not declare, where s declares properties.
func contractUndeclared(s *base.Schema, v any, path string) []string {
	if s == nil {
		return nil
	}
	var out []string
	switch v := v.(type) {
	case map[string]any:
		if s.Properties == nil || s.Properties.Len() == 0 {
			return nil // a free-form object, e.g. currentCampaignData
		}
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := s.Properties.GetOrZero(k)
			if p == nil {
				out = append(out, path+"."+k)
				continue
			}
			out = append(out, contractUndeclared(p.Schema(), v[k], path+"."+k)...)
		}
	case []any:
		if s.Items == nil || !s.Items.IsA() {
			return nil
		}
		items := s.Items.A.Schema()
		for i, e := range v {
			out = append(out, contractUndeclared(items, e, fmt.Sprintf("%s[%d]", path, i))...)
		}
	}
	return out
}

func TestContractDocument(t *testing.T) {
	c := contractDoc(t)

	ok, errs := c.http.ValidateDocument()
	assert.True(t, ok, "the published document is valid OpenAPI 3.1:%s", contractReport(errs))
	assert.Equal(t, "3.1.0", c.model.Version)

	assert.Equal(t, []string{contractRecentPath, contractContactPath}, ContractPaths(t))
	var schemas []string
	for pair := c.model.Components.Schemas.First(); pair != nil; pair = pair.Next() {
		schemas = append(schemas, pair.Key())
	}
	assert.ElementsMatch(t, []string{"RecentChatSession", "ChatMessage", "ChatSession", "UsageLimits", "Contact",
		"SubAccount", "Tag", "Message", "ChatExport", "OtpResponse"}, schemas)
	assert.ElementsMatch(t, []string{"apiKey", "userId"}, c.credentialParams())

	// The copy must stay the published document, byte for byte. The source
	// is only there when the repository is checked out beside ../shared.
	published, err := os.ReadFile(publishedDocFile)
	if err != nil {
		t.Logf("%s not available (%v): copy not compared", publishedDocFile, err)
		return
	}
	assert.True(t, bytes.Equal(published, c.raw), "%s differs from %s: copy it again, unedited", contractDocFile, publishedDocFile)
}

// TestContractDocumentFacts pins the facts of the document the SDK's own
// checks and documentation rely on, so a new version of the document that
// changes them fails here.
func TestContractDocumentFacts(t *testing.T) {
	c := contractDoc(t)
	statuses := []any{string(ChatSessionOpened), string(ChatSessionClosed)}
	enum := func(s *base.Schema) []any {
		var out []any
		for _, n := range s.Enum {
			out = append(out, n.Value)
		}
		return out
	}

	for _, path := range []string{contractRecentPath, contractContactPath} {
		t.Run(path, func(t *testing.T) {
			op := c.operation(t, path)
			// checkListOptions accepts exactly these statuses.
			assert.Equal(t, statuses, enum(contractParam(t, op, "status").Schema.Schema()))

			// limit: the SDK sends it only when set (DECISIONS 1); 0 means
			// "the server's default" and never reaches the wire, negative
			// values are rejected. The prose (dmchamp-api.md §8.3) gives the
			// default of GET /chat-sessions/{contactId} as 10; the document,
			// like the seed that DECISIONS 1 makes authoritative, says 100
			// for both operations. The document wins; the SDK's godoc names
			// 100 for Recent only.
			limit := contractParam(t, op, "limit").Schema.Schema()
			assert.Equal(t, []string{"integer"}, limit.Type)
			require.NotNil(t, limit.Minimum)
			assert.Equal(t, 1.0, *limit.Minimum)
			require.NotNil(t, limit.Default)
			assert.Equal(t, "100", limit.Default.Value)

			// includeMessages defaults to false: the SDK sends only true.
			inc := contractParam(t, op, "includeMessages").Schema.Schema()
			assert.Equal(t, []string{"boolean"}, inc.Type)
			require.NotNil(t, inc.Default)
			assert.Equal(t, "false", inc.Default.Value)
		})
	}

	// Recent requires hours >= 1: the SDK refuses anything else before
	// sending.
	hours := contractParam(t, c.operation(t, contractRecentPath), "hours")
	require.NotNil(t, hours.Required)
	assert.True(t, *hours.Required)
	require.NotNil(t, hours.Schema.Schema().Minimum)
	assert.Equal(t, 1.0, *hours.Schema.Schema().Minimum)

	// The session and message enums are the SDK's constants.
	for _, name := range []string{"RecentChatSession", "ChatSession"} {
		assert.Equal(t, statuses, enum(c.schema(t, name).Properties.GetOrZero("status").Schema()), name)
	}
	assert.Equal(t, []any{string(DirectionInbound), string(DirectionOutbound)},
		enum(c.schema(t, "ChatMessage").Properties.GetOrZero("direction").Schema()))
}

// contractChatSessionsCalls are the representative calls of ChatSessions: no
// options, every option, each status value, and the userId credential.
var contractChatSessionsCalls = []struct {
	name    string
	userID  bool // the client holds WithUserID instead of WithAPIKey
	path    string
	fixture string
	call    func(*Client) error
}{
	{"Recent hours only", false, contractRecentPath, "recent.json", func(c *Client) error {
		_, err := c.ChatSessions.Recent(context.Background(), &RecentChatSessionsOptions{Hours: 24})
		return err
	}},
	{"Recent every option", false, contractRecentPath, "recent_messages_large.json", func(c *Client) error {
		_, err := c.ChatSessions.Recent(context.Background(), &RecentChatSessionsOptions{
			Hours: 48, Status: ChatSessionClosed, Limit: 150, IncludeMessages: true,
		})
		return err
	}},
	{"Recent status opened", false, contractRecentPath, "recent.json", func(c *Client) error {
		_, err := c.ChatSessions.Recent(context.Background(), &RecentChatSessionsOptions{Hours: 1, Status: ChatSessionOpened})
		return err
	}},
	{"Recent status closed", false, contractRecentPath, "recent.json", func(c *Client) error {
		_, err := c.ChatSessions.Recent(context.Background(), &RecentChatSessionsOptions{Hours: 1, Status: ChatSessionClosed})
		return err
	}},
	{"Recent limit 1", false, contractRecentPath, "recent.json", func(c *Client) error {
		_, err := c.ChatSessions.Recent(context.Background(), &RecentChatSessionsOptions{Hours: 720, Limit: 1})
		return err
	}},
	{"Recent with messages", false, contractRecentPath, "recent_messages_large.json", func(c *Client) error {
		_, err := c.ChatSessions.Recent(context.Background(), &RecentChatSessionsOptions{Hours: 48, IncludeMessages: true})
		return err
	}},
	{"Recent userId", true, contractRecentPath, "recent.json", func(c *Client) error {
		_, err := c.ChatSessions.Recent(context.Background(), &RecentChatSessionsOptions{Hours: 1})
		return err
	}},
	{"ForContact nil options", false, contractContactPath, "contact.json", func(c *Client) error {
		_, err := c.ChatSessions.ForContact(context.Background(), contractContactID, nil)
		return err
	}},
	{"ForContact empty options", false, contractContactPath, "contact.json", func(c *Client) error {
		_, err := c.ChatSessions.ForContact(context.Background(), contractContactID, &ContactChatSessionsOptions{})
		return err
	}},
	{"ForContact every option", false, contractContactPath, "contact.json", func(c *Client) error {
		_, err := c.ChatSessions.ForContact(context.Background(), contractContactID, &ContactChatSessionsOptions{
			Status: ChatSessionClosed, Limit: 5, IncludeMessages: true,
		})
		return err
	}},
	{"ForContact status opened", false, contractContactPath, "contact.json", func(c *Client) error {
		_, err := c.ChatSessions.ForContact(context.Background(), contractContactID, &ContactChatSessionsOptions{Status: ChatSessionOpened})
		return err
	}},
	{"ForContact status closed", false, contractContactPath, "contact.json", func(c *Client) error {
		_, err := c.ChatSessions.ForContact(context.Background(), contractContactID, &ContactChatSessionsOptions{Status: ChatSessionClosed})
		return err
	}},
	{"ForContact userId", true, contractContactPath, "contact.json", func(c *Client) error {
		_, err := c.ChatSessions.ForContact(context.Background(), contractContactID, &ContactChatSessionsOptions{IncludeMessages: true})
		return err
	}},
}

// contractCallURL is the URL, without query, a call of path goes to.
func contractCallURL(path string) string {
	return testBaseURL + strings.Replace(path, "{contactId}", contractContactID, 1)
}

func TestContractChatSessionsRequests(t *testing.T) {
	c := contractDoc(t)
	for _, tc := range contractChatSessionsCalls {
		t.Run(tc.name, func(t *testing.T) {
			client, mt := setup(t)
			if tc.userID {
				client, mt = setupBare(t, WithUserID(testUserID))
			}
			rec := contractRecord(mt, http.MethodGet, contractCallURL(tc.path), reply(t, 200, "chatsessions/"+tc.fixture))
			require.NoError(t, tc.call(client))
			x := rec.only(t)

			names, rep := c.checkRequest(x.request())
			assert.Empty(t, names, "GET %s does not match %s of the document:%s", x.req.URL.Redacted(), tc.path, rep)
			cred := "apiKey"
			if tc.userID {
				cred = "userId"
			}
			assert.True(t, x.req.URL.Query().Has(cred), "the captured request carries the %s credential", cred)

			// The fixture that answered is a valid answer to this request.
			names, rep = c.checkResponse(t, x)
			assert.Empty(t, names, "%s as the 200 answer of GET %s:%s", tc.fixture, tc.path, rep)
		})
	}
}

// TestContractChatSessionsFixtures validates every fixture of the chat
// sessions paths as the answer, with its status, of the operation it answers
// in the SDK's tests, and checks that the fixtures cover exactly the
// responses the document declares.
func TestContractChatSessionsFixtures(t *testing.T) {
	c := contractDoc(t)
	cases := []struct {
		path    string
		status  int
		fixture string
	}{
		{contractRecentPath, 200, "recent.json"},
		{contractRecentPath, 200, "recent_messages_large.json"},
		{contractRecentPath, 400, "error_400.json"},
		{contractRecentPath, 401, "error_401.json"},
		{contractRecentPath, 500, "error_500.json"},
		{contractContactPath, 200, "contact.json"},
		{contractContactPath, 400, "error_400.json"},
		{contractContactPath, 401, "error_401.json"},
		{contractContactPath, 403, "error_403.json"},
		{contractContactPath, 404, "error_404.json"},
	}
	for _, path := range []string{contractRecentPath, contractContactPath} {
		var declared, covered []string
		for pair := c.operation(t, path).Responses.Codes.First(); pair != nil; pair = pair.Next() {
			declared = append(declared, pair.Key())
		}
		for _, tc := range cases {
			if tc.path == path && !slices.Contains(covered, strconv.Itoa(tc.status)) {
				covered = append(covered, strconv.Itoa(tc.status))
			}
		}
		assert.ElementsMatch(t, declared, covered, "the fixtures answer exactly the documented statuses of GET %s", path)
	}

	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s %d %s", tc.path, tc.status, tc.fixture), func(t *testing.T) {
			client, mt := setup(t, WithRetryMax(0))
			rec := contractRecord(mt, http.MethodGet, contractCallURL(tc.path), reply(t, tc.status, "chatsessions/"+tc.fixture))
			var err error
			if tc.path == contractRecentPath {
				_, err = client.ChatSessions.Recent(context.Background(), &RecentChatSessionsOptions{Hours: 24, IncludeMessages: true})
			} else {
				_, err = client.ChatSessions.ForContact(context.Background(), contractContactID, &ContactChatSessionsOptions{IncludeMessages: true})
			}
			if tc.status == 200 {
				require.NoError(t, err)
			} else {
				var apiErr *APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, tc.status, apiErr.StatusCode)
			}
			x := rec.only(t)
			names, rep := c.checkResponse(t, x)
			assert.Empty(t, names, "%s as the %d answer of GET %s:%s", tc.fixture, tc.status, tc.path, rep)
		})
	}
}

// TestContractCatchesBadRequests shows that a request the document forbids
// fails the check, and that the failure names the parameter.
func TestContractCatchesBadRequests(t *testing.T) {
	c := contractDoc(t)
	cases := []struct {
		name  string
		url   string
		names []string
	}{
		{"hours 0", "/chat-sessions/recent?apiKey=k&hours=0", []string{"query:hours"}},
		{"hours missing", "/chat-sessions/recent?apiKey=k", []string{"query:hours"}},
		{"hours not a number", "/chat-sessions/recent?apiKey=k&hours=day", []string{"query:hours"}},
		{"status outside the enum", "/chat-sessions/recent?apiKey=k&hours=1&status=open", []string{"query:status"}},
		{"status outside the enum, contact", "/chat-sessions/c1?userId=u&status=ChatSessionArchived", []string{"query:status"}},
		{"limit 0", "/chat-sessions/c1?apiKey=k&limit=0", []string{"query:limit"}},
		{"includeMessages not a boolean", "/chat-sessions/recent?apiKey=k&hours=1&includeMessages=yes", []string{"query:includeMessages"}},
		// The two checks this file adds to the validator's.
		{"undeclared parameter", "/chat-sessions/recent?apiKey=k&hours=1&include_messages=true", []string{"query:include_messages"}},
		{"no credential", "/chat-sessions/recent?hours=1", []string{"credentials"}},
		{"both credentials", "/chat-sessions/c1?apiKey=k&userId=u", []string{"credentials"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, testBaseURL+tc.url, nil)
			require.NoError(t, err)
			names, rep := c.checkRequest(req)
			assert.Equal(t, tc.names, names, "findings:%s", rep)
		})
	}
}

// TestContractCatchesBadResponses shows that an answer the document forbids
// fails the check, naming the field.
func TestContractCatchesBadResponses(t *testing.T) {
	c := contractDoc(t)
	good := string(fixture(t, "chatsessions/recent.json"))
	cases := []struct {
		name, from, to string
		names          []string
	}{
		{"status outside the enum", `"status": "ChatSessionClosed"`, `"status": "closed"`, []string{"$.data.sessions[0].status"}},
		{"total_sessions as a string", `"total_sessions": 3`, `"total_sessions": "3"`, []string{"$.data.total_sessions"}},
		// The rule that failed recent.json and recent_messages_large.json
		// before they were fixed: the document (and dmchamp-api.md §10)
		// types end_date_time as a date-time string, not nullable; an open
		// session omits it. The SDK still decodes a null leniently
		// (TestChatSessionsLenientValues).
		{"end_date_time null", `"end_date_time": "2026-11-20T09:41:57.402Z"`, `"end_date_time": null`, []string{"$.data.sessions[0].end_date_time"}},
		{"start_date_time not a date-time", `"start_date_time": "2026-11-21T06:30:00Z"`, `"start_date_time": "21/11/2026 06:30"`, []string{"$.data.sessions[2].start_date_time"}},
		{"misspelt field", `"contact_phone": "+34612345678"`, `"contactPhone": "+34612345678"`, []string{"$.data.sessions[0].contactPhone"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body := strings.Replace(good, tc.from, tc.to, 1)
			require.NotEqual(t, good, body, "the fixture contains %s", tc.from)
			req, err := http.NewRequest(http.MethodGet, testBaseURL+"/chat-sessions/recent?apiKey=k&hours=24", nil)
			require.NoError(t, err)
			names, rep := c.checkResponse(t, contractExchange{
				req: req, status: 200, header: http.Header{"Content-Type": {"application/json; charset=utf-8"}}, respBody: []byte(body),
			})
			assert.Equal(t, tc.names, names, "findings:%s", rep)
		})
	}
}

// TestContractRequestBodies validates the bodies the SDK sends for
// Contacts.Create and SubAccounts.Create against the document's Contact and
// SubAccount schemas.
func TestContractRequestBodies(t *testing.T) {
	c := contractDoc(t)
	cases := []struct {
		name, path, schema, fixture string
		status                      int
		call                        func(*Client) error
	}{
		{"Contacts.Create minimal", "/contacts", "Contact", "contacts/create.json", 200, func(c *Client) error {
			_, err := c.Contacts.Create(context.Background(), &CreateContactRequest{PhoneNumber: "+34612345678"})
			return err
		}},
		{"Contacts.Create full", "/contacts", "Contact", "contacts/create.json", 200, func(c *Client) error {
			_, err := c.Contacts.Create(context.Background(), &CreateContactRequest{
				PhoneNumber:     "+34612345678",
				FirstName:       "Maria",
				LastName:        "Gonzalez",
				Email:           "maria.gonzalez@example.com",
				IsBotActive:     Ptr(false),
				ListID:          "Lt4Wq9Er2Ty7Ui1Op5As",
				ListIDs:         []string{"Lt4Wq9Er2Ty7Ui1Op5As", "Ls8Dk3Fj6Gh1Jk9Lz2Xc"},
				InstagramID:     "17841405822304914",
				CurrentCampaign: "Cp7Rt2Yw9Qa4Zx6Vb1Nm",
				CurrentCampaignData: map[string]any{
					"appointmentDate": "2026-12-02", "clinic": "Madrid Centro", "reminderCount": 2, "confirmed": false,
				},
				Channel:          "whatsapp",
				IsChatWindowOpen: Ptr(true),
				ExternalID:       "crm-000482",
				CustomChannel:    "clinic-portal",
				ChatWidgetID:     "Wg5Hn7Jm2Kq9Lr4St6Uv",
				DoNotDisturb:     Ptr(true),
			})
			return err
		}},
		{"SubAccounts.Create minimal", "/subaccounts", "SubAccount", "subaccounts/create.json", 201, func(c *Client) error {
			_, err := c.SubAccounts.Create(context.Background(), &CreateSubAccountRequest{
				Email: "owner@harborviewvet.example", FirstName: "Noah", LastName: "Castellanos",
				UsageLimits: SubAccountLimits{MonthlyCredits: 1},
			})
			return err
		}},
		{"SubAccounts.Create full", "/subaccounts", "SubAccount", "subaccounts/create.json", 201, func(c *Client) error {
			_, err := c.SubAccounts.Create(context.Background(), &CreateSubAccountRequest{
				Email:        "owner@harborviewvet.example",
				FirstName:    "Noah",
				LastName:     "Castellanos",
				BusinessName: "Harborview Veterinary Clinic",
				Description:  "Small-animal clinic, WhatsApp booking assistant",
				AddressLine:  "88 Harbor Way",
				City:         "Seattle",
				Country:      "US",
				PostalCode:   "98121",
				State:        "WA",
				TimeZoneID:   "America/Los_Angeles",
				Language:     "en",
				UsageLimits:  SubAccountLimits{MonthlyCredits: 1000, Credits: 1000, RollOverToNextMonth: true},
			})
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			client, mt := setup(t)
			rec := contractRecord(mt, http.MethodPost, testBaseURL+tc.path, reply(t, tc.status, tc.fixture))
			require.NoError(t, tc.call(client))
			x := rec.only(t)
			assert.Equal(t, "application/json", x.req.Header.Get("Content-Type"))
			names, rep := c.checkBody(t, tc.schema, x.reqBody)
			assert.Empty(t, names, "the body of %s does not match #/components/schemas/%s:%s\nbody: %s", tc.name, tc.schema, rep, x.reqBody)
		})
	}
}

// TestContractCatchesBadBodies shows that a body the schema forbids fails
// the check, naming the field.
func TestContractCatchesBadBodies(t *testing.T) {
	c := contractDoc(t)
	cases := []struct {
		name, schema, body string
		names              []string
	}{
		{"is_bot_active as a string", "Contact", `{"phoneNumber":"+34612345678","is_bot_active":"true"}`, []string{"$.is_bot_active"}},
		{"phoneNumber missing", "Contact", `{"firstName":"Maria","email":"maria@example.com"}`, []string{"$.phoneNumber"}},
		{"listIds not strings", "Contact", `{"phoneNumber":"+34612345678","listIds":[1]}`, []string{"$.listIds[0]"}},
		{"email not an email", "Contact", `{"phoneNumber":"+34612345678","email":"maria"}`, []string{"$.email"}},
		{"camelCase flag", "Contact", `{"phoneNumber":"+34612345678","isBotActive":false}`, []string{"$.isBotActive"}},
		{"monthly_credits as a string", "SubAccount",
			`{"email":"a@example.com","first_name":"A","last_name":"B","usage_limits":{"monthly_credits":"1000"}}`,
			[]string{"$.usage_limits.monthly_credits"}},
		{"monthly_credits 0", "SubAccount",
			`{"email":"a@example.com","first_name":"A","last_name":"B","usage_limits":{"monthly_credits":0}}`,
			[]string{"$.usage_limits.monthly_credits"}},
		{"monthly_credits missing", "SubAccount",
			`{"email":"a@example.com","first_name":"A","last_name":"B","usage_limits":{"credits":5}}`,
			[]string{"$.usage_limits.monthly_credits"}},
		{"usage_limits missing", "SubAccount", `{"email":"a@example.com","first_name":"A","last_name":"B"}`, []string{"$.usage_limits"}},
		{"camelCase name", "SubAccount",
			`{"email":"a@example.com","first_name":"A","last_name":"B","lastName":"B","usage_limits":{"monthly_credits":1}}`,
			[]string{"$.lastName"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			names, rep := c.checkBody(t, tc.schema, []byte(tc.body))
			assert.Equal(t, tc.names, names, "findings:%s", rep)
		})
	}
}
