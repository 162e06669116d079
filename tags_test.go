package dmchamp

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tagsAssign is a call for the rows of invalidCalls.
func tagsAssign(r *AssignTagRequest) func(context.Context, *Client) error {
	return func(ctx context.Context, c *Client) error { return noResult(c.Tags.Assign(ctx, r)) }
}

var tgTagsURL = testBaseURL + "/tags"

// ---- List ----

func TestTagsList(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodGet,
		url:    tgTagsURL,
		query:  withKey(nil),
		header: noAuth,
	}, reply(t, 200, "tags/list.json"))

	got, err := c.Tags.List(t.Context())
	require.NoError(t, err)
	assert.Equal(t, []Tag{
		{Name: "appointment-booked", Description: "Booked a visit through the AI agent"},
		{Name: "vip", Description: "Returning patient"},
		{Name: "no-show", Description: "Missed an appointment without cancelling"},
		{Name: "spanish-speaker"},
		{Name: "Hot Lead & VIP"},
	}, got)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestTagsListWithUserID(t *testing.T) {
	c, mt := setupBare(t, WithUserID(testUserID))
	expect(t, mt, want{
		method: http.MethodGet,
		url:    tgTagsURL,
		query:  url.Values{"userId": {testUserID}},
		header: noAuth,
	}, reply(t, 200, "tags/list.json"))

	got, err := c.Tags.List(t.Context())
	require.NoError(t, err)
	assert.Len(t, got, 5)
}

// ---- Assign ----

func TestTagsAssignByPhone(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodPost,
		url:    tgTagsURL,
		query:  withKey(url.Values{"tag": {"vip"}, "phoneNumber": {"+34612345678"}}),
		body:   "", // everything travels in the query
		header: noAuth,
	}, reply(t, 200, "tags/assign.json"))

	msg, err := c.Tags.Assign(t.Context(), &AssignTagRequest{Tag: "vip", PhoneNumber: "+34612345678"})
	require.NoError(t, err)
	assert.Equal(t, "Tag 'vip' assigned to contact successfully", msg)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestTagsAssignByEmailWithNoContent(t *testing.T) {
	c, mt := setup(t)
	// A "+" in the email and "&" in the tag must survive query encoding.
	expect(t, mt, want{
		method: http.MethodPost,
		url:    tgTagsURL,
		query:  withKey(url.Values{"tag": {"Hot Lead & VIP"}, "email": {"maria+promo@example.com"}}),
		header: noAuth,
	}, jsonReply(204, ""))

	msg, err := c.Tags.Assign(t.Context(), &AssignTagRequest{Tag: "Hot Lead & VIP", Email: "maria+promo@example.com"})
	require.NoError(t, err)
	assert.Empty(t, msg)
}

func TestTagsAssignSuccessShapes(t *testing.T) {
	cases := []struct {
		body, msg string
	}{
		{string(fixture(t, "tags/assign.json")), "Tag 'vip' assigned to contact successfully"},
		{`{"success":true}`, ""},
		{`{"message":"Tag assigned"}`, "Tag assigned"},
	}
	for _, tc := range cases {
		t.Run(tc.body, func(t *testing.T) {
			c, mt := setup(t)
			expect(t, mt, want{
				method: http.MethodPost,
				url:    tgTagsURL,
				query:  withKey(url.Values{"tag": {"vip"}, "phoneNumber": {"34612345678"}}),
			}, jsonReply(200, tc.body))

			msg, err := c.Tags.Assign(t.Context(), &AssignTagRequest{Tag: "vip", PhoneNumber: "34612345678"})
			require.NoError(t, err)
			assert.Equal(t, tc.msg, msg)
		})
	}
}

func TestTagsAssignWithUserID(t *testing.T) {
	c, mt := setupBare(t, WithUserID(testUserID))
	expect(t, mt, want{
		method: http.MethodPost,
		url:    tgTagsURL,
		query:  url.Values{"tag": {"no-show"}, "email": {"priya.r@example.in"}, "userId": {testUserID}},
	}, reply(t, 200, "tags/assign.json"))

	_, err := c.Tags.Assign(t.Context(), &AssignTagRequest{Tag: "no-show", Email: "priya.r@example.in"})
	require.NoError(t, err)
}

func TestTagsErrorBodies(t *testing.T) {
	checkErrorFixtures(t, []errorFixture{
		{"Tags.List", 401, "tags/error_401.json", 0, "Unauthorized: invalid API key or user ID", ErrUnauthorized, "", ""},
		{"Tags.List", 200, `{"success":false,"error_code":401,"error":"Invalid API key"}`, 401, "Invalid API key", ErrUnauthorized, "", ""},
		{"Tags.Assign", 400, "tags/error_400.json", 400, "Tag and either phoneNumber or email are required", ErrBadRequest, "", ""},
		{"Tags.Assign", 401, "tags/error_401.json", 0, "Unauthorized: invalid API key or user ID", ErrUnauthorized, "", ""},
		{"Tags.Assign", 404, "tags/error_404.json", 404, "Contact not found", ErrNotFound, "", ""},
		{"Tags.Assign", 200, "tags/error_404.json", 404, "Contact not found", ErrNotFound, "", ""},
		{"Tags.Assign", 500, "tags/error_500.json", 500, "Something went wrong while tagging the contact", ErrServer, "", ""},
	})
}

// TestTagDecoding decodes the answers of Tags.List and Contacts.Tags as the
// request path does (the bare shape: unmarshal of the whole body): tags
// are objects or strings. A nil want is an answer refused.
func TestTagDecoding(t *testing.T) {
	cases := []struct {
		name string
		json string
		want []Tag
	}{
		{"empty", string(fixture(t, "tags/list_empty.json")), []Tag{}},
		{"strings", string(fixture(t, "contacts/tags_strings.json")), []Tag{{Name: "appointment-booked"}, {Name: "vip"}, {Name: "spanish-speaker"}}},
		{"string and object", `["vip",{"name":"no-show","description":"Missed an appointment without cancelling"}]`,
			[]Tag{{Name: "vip"}, {Name: "no-show", Description: "Missed an appointment without cancelling"}}},
		{"mixed, spaces kept", `["vip", {"name":"no-show","description":"Missed an appointment"}, " spaced "]`,
			[]Tag{{Name: "vip"}, {Name: "no-show", Description: "Missed an appointment"}, {Name: " spaced "}}},
		{"object instead of array", `{"success":true,"tags":[{"name":"vip"}]}`, nil},
		{"truncated array", `[{"name":"vip"},{"name":"no-`, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []Tag
			err := unmarshal([]byte(tc.json), &got)
			if tc.want == nil {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}
