package bench

import (
	"context"
	"flag"
	"fmt"
	"testing"

	"github.com/dmchamp-go/dmchamp"
	"github.com/dmchamp-go/dmchamp/bench/oapiclient"
	"github.com/dmchamp-go/dmchamp/bench/ogenclient"
	"github.com/ogen-go/ogen/ogenerrors"
)

// recentImpl is one way of calling GET /chat-sessions/recent.
type recentImpl struct {
	name string
	// call makes the call once and returns the decoded answer.
	call func(ctx context.Context) (any, error)
	// digest sums up an answer of call.
	digest func(any) digest
}

// recentImpls returns the SDK, the baseline and the generated clients, each
// with a client of its own for srv. messages asks for the sessions'
// messages.
func recentImpls(b *testing.B, srv *benchServer, messages bool) []recentImpl {
	sdk, err := dmchamp.NewClient(dmchamp.WithBaseURL(srv.URL+"/v1"), dmchamp.WithAPIKey(benchKey))
	if err != nil {
		b.Fatal(err)
	}
	sdkOpts := &dmchamp.RecentChatSessionsOptions{Hours: 48, IncludeMessages: messages}

	baseHTTP := httpClient()

	oapi, err := oapiclient.NewClientWithResponses(srv.URL+"/v1", oapiclient.WithHTTPClient(httpClient()))
	if err != nil {
		b.Fatal(err)
	}
	key := benchKey
	oapiParams := &oapiclient.GetChatSessionsRecentParams{ApiKey: &key, Hours: 48}
	if messages {
		oapiParams.IncludeMessages = &messages
	}

	ogen, err := ogenclient.NewClient(srv.URL+"/v1", ogenKey{}, ogenclient.WithClient(httpClient()))
	if err != nil {
		b.Fatal(err)
	}
	ogenParams := ogenclient.ChatSessionsRecentGetParams{Hours: 48}
	if messages {
		ogenParams.IncludeMessages = ogenclient.NewOptBool(true)
	}

	return []recentImpl{
		{
			name: "sdk",
			call: func(ctx context.Context) (any, error) { return sdk.ChatSessions.Recent(ctx, sdkOpts) },
			digest: func(v any) digest {
				r := v.(*dmchamp.RecentChatSessions)
				d := digest{sessions: len(r.Sessions), total: r.TotalSessions}
				for i, s := range r.Sessions {
					if i == 0 {
						d.firstID, d.firstStart = s.SessionID, s.StartDateTime.UnixMilli()
					}
					if s.EndDateTime == nil {
						d.open++
					}
					if s.Tag == nil {
						d.untagged++
					}
					for _, m := range s.Messages {
						d.messages++
						if m.Timestamp == nil {
							d.untimed++
						}
						d.lastMessageID, d.lastMessageDir = m.ID, string(m.Direction)
					}
				}
				return d
			},
		},
		{
			name: "baseline",
			call: func(ctx context.Context) (any, error) { return baselineRecent(ctx, baseHTTP, srv.URL, 48, messages) },
			digest: func(v any) digest {
				r := v.(*plainRecent)
				d := digest{sessions: len(r.Sessions), total: r.TotalSessions}
				for i, s := range r.Sessions {
					if i == 0 {
						d.firstID, d.firstStart = s.SessionID, s.StartDateTime.UnixMilli()
					}
					if s.EndDateTime == nil {
						d.open++
					}
					if s.Tag == nil {
						d.untagged++
					}
					for _, m := range s.Messages {
						d.messages++
						if m.Timestamp == nil {
							d.untimed++
						}
						d.lastMessageID, d.lastMessageDir = m.ID, m.Direction
					}
				}
				return d
			},
		},
		{
			name: "oapi-codegen",
			call: func(ctx context.Context) (any, error) {
				resp, err := oapi.GetChatSessionsRecentWithResponse(ctx, oapiParams)
				if err != nil {
					return nil, err
				}
				if resp.JSON200 == nil || resp.JSON200.Data == nil {
					return nil, fmt.Errorf("status %d: no data", resp.StatusCode())
				}
				return resp.JSON200.Data, nil
			},
			digest: func(v any) digest {
				r := v.(*struct {
					HoursAgo      *int                            `json:"hours_ago,omitempty"`
					Sessions      *[]oapiclient.RecentChatSession `json:"sessions,omitempty"`
					TotalSessions *int                            `json:"total_sessions,omitempty"`
				})
				var d digest
				if r.TotalSessions != nil {
					d.total = *r.TotalSessions
				}
				if r.Sessions == nil {
					return d
				}
				d.sessions = len(*r.Sessions)
				for i, s := range *r.Sessions {
					if i == 0 {
						d.firstID, d.firstStart = deref(s.SessionId), deref(s.StartDateTime).UnixMilli()
					}
					if s.EndDateTime == nil {
						d.open++
					}
					if s.Tag == nil {
						d.untagged++
					}
					if s.Messages == nil {
						continue
					}
					for _, m := range *s.Messages {
						d.messages++
						if m.Timestamp == nil {
							d.untimed++
						}
						d.lastMessageID, d.lastMessageDir = deref(m.Id), string(deref(m.Direction))
					}
				}
				return d
			},
		},
		{
			name: "ogen",
			call: func(ctx context.Context) (any, error) {
				res, err := ogen.ChatSessionsRecentGet(ctx, ogenParams)
				if err != nil {
					return nil, err
				}
				ok, isOK := res.(*ogenclient.ChatSessionsRecentGetOK)
				if !isOK || !ok.Data.Set {
					return nil, fmt.Errorf("answer %T: no data", res)
				}
				return &ok.Data.Value, nil
			},
			digest: func(v any) digest {
				r := v.(*ogenclient.ChatSessionsRecentGetOKData)
				d := digest{sessions: len(r.Sessions), total: r.TotalSessions.Value}
				for i, s := range r.Sessions {
					if i == 0 {
						d.firstID, d.firstStart = s.SessionID.Value, s.StartDateTime.Value.UnixMilli()
					}
					if !s.EndDateTime.Set {
						d.open++
					}
					if s.Tag.Null {
						d.untagged++
					}
					for _, m := range s.Messages {
						d.messages++
						if m.Timestamp.Null {
							d.untimed++
						}
						d.lastMessageID, d.lastMessageDir = m.ID.Value, string(m.Direction.Value)
					}
				}
				return d
			},
		},
	}
}

// ogenKey is the ogen client's security source: the API key, in the query.
type ogenKey struct{}

func (ogenKey) ApiKeyAuth(context.Context, ogenclient.OperationName) (ogenclient.ApiKeyAuth, error) {
	return ogenclient.ApiKeyAuth{APIKey: benchKey}, nil
}

func (ogenKey) UserIdAuth(context.Context, ogenclient.OperationName) (ogenclient.UserIdAuth, error) {
	return ogenclient.UserIdAuth{}, ogenerrors.ErrSkipClientSecurity
}

func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

// rotate is the impl that each group of sub-benchmarks starts with. go test
// runs each sub-benchmark -count times in a row, so a fair comparison runs
// the benchmarks once per value 0..3 (see BENCHMARKS.md): every impl then
// takes every position in the run order equally often.
var rotate = flag.Int("rotate", 0, "index of the impl each benchmark runs first")

// rotated returns the indexes 0..n-1 starting at -rotate, and fails b on a
// negative -rotate.
func rotated(b *testing.B, n int) []int {
	if *rotate < 0 {
		b.Fatalf("-rotate is %d, want 0 or more", *rotate)
	}
	order := make([]int, n)
	for i := range order {
		order[i] = (*rotate + i) % n
	}
	return order
}
