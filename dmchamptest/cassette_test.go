package dmchamptest_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dmchamp-go/dmchamp"
	"github.com/dmchamp-go/dmchamp/dmchamptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	recordKey   = "rec-key-Zq81&x/y<z"
	recordToken = "rec-token-Pp23"
	otpSecret   = "JBSWY3DPEHPK3PXP"
)

// session makes the calls a cassette test records and replays, and
// returns what they answered.
func session(t *testing.T, c *dmchamp.Client) (recent *dmchamp.RecentChatSessions, created *dmchamp.CreatedContact, sessions *dmchamp.SessionPage) {
	t.Helper()
	ctx := context.Background()
	recent, err := c.ChatSessions.Recent(ctx, &dmchamp.RecentChatSessionsOptions{Hours: 48, IncludeMessages: true})
	require.NoError(t, err)
	created, err = c.Contacts.Create(ctx, &dmchamp.CreateContactRequest{PhoneNumber: "+34699000111", FirstName: "María"})
	require.NoError(t, err)
	_, err = c.OTP.Generate(ctx, otpSecret)
	require.NoError(t, err)
	sessions, err = c.Sessions.List(ctx, nil)
	require.NoError(t, err)
	// A second Session API call: recording must leave the client's token
	// as it was.
	require.NotEmpty(t, sessions.Sessions)
	got, err := c.Sessions.Get(ctx, sessions.Sessions[0].ID)
	require.NoError(t, err)
	require.Equal(t, sessions.Sessions[0].ID, got.ID)
	return recent, created, sessions
}

func TestCassetteRecordsTheFakeAndReplaysWithAnotherKey(t *testing.T) {
	dir := t.TempDir()
	srv := newServer(t, dmchamptest.WithDemoData(), dmchamptest.WithAPIKey(recordKey), dmchamptest.WithSessionsToken(recordToken))
	var recent *dmchamp.RecentChatSessions
	var created *dmchamp.CreatedContact
	var sessions *dmchamp.SessionPage
	t.Run("record", func(t *testing.T) {
		c, err := dmchamp.NewClient(srv.Record(t, "demo", dmchamptest.WithCassetteDir(dir))...)
		require.NoError(t, err)
		recent, created, sessions = session(t, c)
	})
	require.NotEmpty(t, recent.Sessions)

	file, err := os.ReadFile(filepath.Join(dir, "demo.yaml"))
	require.NoError(t, err)
	for _, secret := range []string{recordKey, recordToken, otpSecret, dmchamptest.DefaultUserID, "rec-key-Zq81", "Zq81"} {
		assert.NotContains(t, string(file), secret, "the cassette holds a credential")
	}
	assert.Contains(t, string(file), "apiKey=REDACTED")
	assert.Contains(t, string(file), "- REDACTED", "the Authorization header is redacted")

	srv.Close() // the replay must not need the server
	t.Run("replay", func(t *testing.T) {
		opts := append(dmchamptest.Cassette(t, "demo", dmchamptest.WithCassetteDir(dir)), dmchamp.WithAPIKey("another-key"))
		c, err := dmchamp.NewClient(opts...)
		require.NoError(t, err)
		r, cr, s := session(t, c)
		assert.Equal(t, recent, r)
		assert.Equal(t, created, cr)
		assert.Equal(t, sessions, s)
	})
}

func TestCassetteRecordsFromTheEnvironment(t *testing.T) {
	dir := t.TempDir()
	srv := newServer(t, dmchamptest.WithDemoData(), dmchamptest.WithAPIKey(recordKey))
	t.Run("record", func(t *testing.T) {
		t.Setenv(dmchamptest.RecordEnv, "1")
		t.Setenv("DMCHAMP_API_KEY", recordKey)
		t.Setenv("DMCHAMP_BASE_URL", srv.BaseURL())
		t.Setenv("SESSIONS_BASE_URL", "")
		opts := dmchamptest.Cassette(t, "env", dmchamptest.WithCassetteDir(dir),
			dmchamptest.WithScrub(func(i *dmchamptest.Interaction) {
				i.Response.Body = strings.ReplaceAll(i.Response.Body, "+971501234567", "+10000000000")
			}))
		c, err := dmchamp.NewClient(opts...)
		require.NoError(t, err)
		_, err = c.ChatSessions.Recent(context.Background(), &dmchamp.RecentChatSessionsOptions{Hours: 48})
		require.NoError(t, err)
	})
	file, err := os.ReadFile(filepath.Join(dir, "env.yaml"))
	require.NoError(t, err)
	assert.NotContains(t, string(file), "Zq81")
	assert.NotContains(t, string(file), "+971501234567", "WithScrub ran before the file was written")
	assert.Contains(t, string(file), "+10000000000")

	t.Run("replay", func(t *testing.T) {
		c, err := dmchamp.NewClient(dmchamptest.Cassette(t, "env", dmchamptest.WithCassetteDir(dir))...)
		require.NoError(t, err)
		got, err := c.ChatSessions.Recent(context.Background(), &dmchamp.RecentChatSessionsOptions{Hours: 48})
		require.NoError(t, err)
		assert.Equal(t, "+10000000000", got.Sessions[0].ContactPhone)
	})
}

func TestCassetteFailsOnARequestItDoesNotHold(t *testing.T) {
	dir := t.TempDir()
	srv := newServer(t, dmchamptest.WithDemoData())
	t.Run("record", func(t *testing.T) {
		c, err := dmchamp.NewClient(srv.Record(t, "one", dmchamptest.WithCassetteDir(dir))...)
		require.NoError(t, err)
		_, err = c.ChatSessions.Recent(context.Background(), &dmchamp.RecentChatSessionsOptions{Hours: 24})
		require.NoError(t, err)
	})

	rt := &recordingT{TB: t}
	c, err := dmchamp.NewClient(dmchamptest.Cassette(rt, "one", dmchamptest.WithCassetteDir(dir))...)
	require.NoError(t, err)
	_, err = c.ChatSessions.Recent(context.Background(), &dmchamp.RecentChatSessionsOptions{Hours: 12})
	require.Error(t, err)
	require.Len(t, rt.errors, 1)
	assert.Contains(t, rt.errors[0], "holds no interaction left for\n\tGET /v1/chat-sessions/recent?hours=12\n")
	assert.Contains(t, rt.errors[0], "\tGET /v1/chat-sessions/recent?hours=24")
	assert.NotContains(t, rt.errors[0], dmchamptest.DefaultAPIKey)
	assert.NotContains(t, rt.errors[0], dmchamptest.ReplayAPIKey)
	rt.end()
}

func TestCassetteMissingFileFails(t *testing.T) {
	rt := &fatalT{recordingT: recordingT{TB: t}}
	func() {
		defer func() { _ = recover() }()
		dmchamptest.Cassette(rt, "none", dmchamptest.WithCassetteDir(t.TempDir()))
	}()
	require.Len(t, rt.errors, 1)
	assert.Contains(t, rt.errors[0], "no cassette")
	assert.Contains(t, rt.errors[0], "DMCHAMP_RECORD=1")
}

// fatalT records Fatalf and stops the function as Fatalf does.
type fatalT struct{ recordingT }

func (f *fatalT) Fatalf(format string, args ...any) {
	f.Errorf(format, args...)
	panic("fatal")
}
