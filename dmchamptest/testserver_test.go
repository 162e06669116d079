package dmchamptest_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/dmchamp-go/dmchamp"
	"github.com/dmchamp-go/dmchamp/dmchamptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recordingT is a testing.TB whose cleanups run when the test says, and
// whose errors are recorded instead of failing the test.
type recordingT struct {
	testing.TB
	cleanups []func()
	errors   []string
}

func (r *recordingT) Helper()          {}
func (r *recordingT) Cleanup(f func()) { r.cleanups = append(r.cleanups, f) }
func (r *recordingT) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recordingT) end() {
	for i := len(r.cleanups) - 1; i >= 0; i-- {
		r.cleanups[i]()
	}
}

func TestNewTestServerReportsUnusedFaults(t *testing.T) {
	rt := &recordingT{TB: t}
	srv := dmchamptest.NewTestServer(rt, dmchamptest.WithClock(fixedClock))
	c := newClient(t, srv, dmchamp.WithRetryMax(0))
	srv.Inject(http.MethodGet, "/v1/tags", 1, dmchamptest.Fault{Status: 503})            // used
	srv.Inject(http.MethodGet, "/v1/chat-sessions/*", 3, dmchamptest.Fault{Status: 500}) // used once of three
	srv.Inject("", "/v1/contacts", 0, dmchamptest.Fault{Status: 502})                    // never met

	_, err := c.Tags.List(context.Background())
	require.ErrorIs(t, err, dmchamp.ErrServer)
	_, err = c.ChatSessions.Recent(context.Background(), &dmchamp.RecentChatSessionsOptions{Hours: 24})
	require.ErrorIs(t, err, dmchamp.ErrServer)
	rt.end()

	assert.Equal(t, []string{
		"dmchamptest: unused fault: GET /v1/chat-sessions/*: a fault for 3 requests answered 1",
		"dmchamptest: unused fault: any method /v1/contacts: a fault for every request answered none",
	}, rt.errors)

	// The server was closed.
	_, err = c.Tags.List(context.Background())
	assert.Error(t, err)
}

func TestNewTestServerAllFaultsUsed(t *testing.T) {
	rt := &recordingT{TB: t}
	srv := dmchamptest.NewTestServer(rt)
	c := newClient(t, srv, dmchamp.WithRetryMax(0))
	srv.Inject(http.MethodGet, "/v1/tags", 0, dmchamptest.Fault{Status: 503})
	_, err := c.Tags.List(context.Background())
	require.ErrorIs(t, err, dmchamp.ErrServer)
	srv.Inject(http.MethodPost, "", 5, dmchamptest.Fault{Status: 503})
	srv.ClearFaults() // cleared faults are not counted
	rt.end()
	assert.Empty(t, rt.errors)
}

func TestCalls(t *testing.T) {
	srv := newServer(t, dmchamptest.WithDemoData())
	c := newClient(t, srv)
	ctx := context.Background()
	for range 2 {
		_, err := c.Tags.List(ctx)
		require.NoError(t, err)
	}
	_, err := c.ChatSessions.Recent(ctx, &dmchamp.RecentChatSessionsOptions{Hours: 24})
	require.NoError(t, err)

	assert.Equal(t, 2, srv.Calls(http.MethodGet, "/v1/tags"))
	assert.Equal(t, 2, srv.Calls("get", "/v1/tags"), "the method is matched case-insensitively")
	assert.Equal(t, 0, srv.Calls(http.MethodPost, "/v1/tags"))
	assert.Equal(t, 1, srv.Calls("", "/v1/chat-sessions/*"))
	assert.Equal(t, 3, srv.Calls("", ""))
	srv.ResetRequests()
	assert.Equal(t, 0, srv.Calls("", ""))
}
