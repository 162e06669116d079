package dmchamp_test

import (
	"context"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dmchamp-go/dmchamp"
	"github.com/dmchamp-go/dmchamp/dmchamptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

var updateCassettes = flag.Bool("update-cassettes", false, "record testdata/cassettes/ again from dmchamptest (go generate)")

const cassetteDir = "testdata/cassettes"

// demoCalls is the session of testdata/cassettes/demo.yaml: the chat
// session calls of the published document, on the demo data.
func demoCalls(t *testing.T, c *dmchamp.Client) (*dmchamp.RecentChatSessions, *dmchamp.ContactChatSessions) {
	t.Helper()
	ctx := context.Background()
	recent, err := c.ChatSessions.Recent(ctx, &dmchamp.RecentChatSessionsOptions{Hours: 24, IncludeMessages: true})
	require.NoError(t, err)
	require.NotEmpty(t, recent.Sessions)
	one, err := c.ChatSessions.ForContact(ctx, recent.Sessions[0].ContactID, &dmchamp.ContactChatSessionsOptions{IncludeMessages: true})
	require.NoError(t, err)
	return recent, one
}

// TestDemoCassette replays testdata/cassettes/demo.yaml, which
// "go generate" records from dmchamptest (-update-cassettes), under a key
// of its own.
func TestDemoCassette(t *testing.T) {
	if *updateCassettes {
		now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
		// A fixed port, date and duration, so that recording again changes
		// the file only where the answers change.
		srv, err := dmchamptest.Listen("127.0.0.1:38171", dmchamptest.WithDemoData(), dmchamptest.WithClock(func() time.Time { return now }))
		require.NoError(t, err)
		t.Cleanup(srv.Close)
		steady := dmchamptest.WithScrub(func(i *dmchamptest.Interaction) {
			i.Response.Headers.Set("Date", now.Format(http.TimeFormat))
			i.Response.Duration = 0
		})
		t.Run("record", func(t *testing.T) {
			c, err := dmchamp.NewClient(srv.Record(t, "demo", dmchamptest.WithCassetteDir(cassetteDir), steady)...)
			require.NoError(t, err)
			demoCalls(t, c)
		})
	}
	c, err := dmchamp.NewClient(append(dmchamptest.Cassette(t, "demo", dmchamptest.WithCassetteDir(cassetteDir)),
		dmchamp.WithAPIKey("a-key-of-the-replay"))...)
	require.NoError(t, err)
	recent, one := demoCalls(t, c)
	assert.Equal(t, recent.Sessions[0].ContactID, one.ContactID)
	assert.Equal(t, recent.Sessions[0].ContactName, one.ContactName)
}

// TestContractCassettes validates every recorded interaction on a
// documented path against the published document: the request (one
// credential, documented parameters) and the answer.
func TestContractCassettes(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(cassetteDir, "*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	documented := map[string]bool{}
	for _, p := range dmchamp.ContractPaths(t) {
		documented[p] = true
	}
	checked := 0
	for _, file := range files {
		raw, err := os.ReadFile(file)
		require.NoError(t, err)
		assert.NotContains(t, string(raw), dmchamptest.DefaultAPIKey, file)
		c, err := cassette.Load(strings.TrimSuffix(file, ".yaml"))
		require.NoError(t, err)
		for _, i := range c.Interactions {
			req, err := i.GetHTTPRequest()
			require.NoError(t, err)
			path := strings.TrimPrefix(req.URL.Path, "/v1")
			if !documented[path] && !documented[documentedTemplate(path)] {
				continue
			}
			checked++
			names, rep := dmchamp.ContractCheckRequest(t, req)
			assert.Empty(t, names, "%s: %s %s is not a documented request:%s", file, req.Method, req.URL, rep)
			resp, err := i.GetHTTPResponse()
			require.NoError(t, err)
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			names, rep = dmchamp.ContractCheckResponse(t, req, resp.StatusCode, http.Header(i.Response.Headers), body)
			assert.Empty(t, names, "%s: the answer to %s does not match the document:%s", file, req.URL.Path, rep)
		}
	}
	assert.Positive(t, checked, "no recorded interaction is on a documented path")
}

// documentedTemplate maps a contact's chat-session path to the document's
// template.
func documentedTemplate(path string) string {
	if rest, ok := strings.CutPrefix(path, "/chat-sessions/"); ok && rest != "recent" && !strings.Contains(rest, "/") {
		return "/chat-sessions/{contactId}"
	}
	return path
}
