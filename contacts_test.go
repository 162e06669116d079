package dmchamp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	jsonv2 "github.com/go-json-experiment/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Calls for the rows of invalidCalls.
func contactsGet(o *GetContactOptions) func(context.Context, *Client) error {
	return func(ctx context.Context, c *Client) error { _, err := c.Contacts.Get(ctx, o); return err }
}

func contactsCreate(r *CreateContactRequest) func(context.Context, *Client) error {
	return func(ctx context.Context, c *Client) error { _, err := c.Contacts.Create(ctx, r); return err }
}

func contactsUpdate(id string, r *UpdateContactRequest) func(context.Context, *Client) error {
	return func(ctx context.Context, c *Client) error { _, err := c.Contacts.Update(ctx, id, r); return err }
}

func contactsAddToList(contactID, listID string) func(context.Context, *Client) error {
	return func(ctx context.Context, c *Client) error {
		_, err := c.Contacts.AddToList(ctx, contactID, listID)
		return err
	}
}

func contactsEnsure(r *CreateContactRequest) func(context.Context, *Client) error {
	return func(ctx context.Context, c *Client) error { _, _, err := c.Contacts.Ensure(ctx, r); return err }
}

func contactsTags(id string) func(context.Context, *Client) error {
	return func(ctx context.Context, c *Client) error { _, err := c.Contacts.Tags(ctx, id); return err }
}

const (
	ctContactID = "aB3dE5fG7hJ9kL1mN2pQ"
	ctNewID     = "Rk2Tw8Yq4Zn6Lp1Vx3Mb"
	ctListID    = "Lt4Wq9Er2Ty7Ui1Op5As"
	ctListID2   = "Ls8Dk3Fj6Gh1Jk9Lz2Xc"
	ctPhone     = "+34612345678"
	ctEmail     = "maria.gonzalez@example.com"
)

var ctContactsURL = testBaseURL + "/contacts"

// ctAPIError asserts err is an *APIError with the given fields, matching
// target and no other sentinel.
func ctAPIError(t *testing.T, err error, status, code int, message, method, path string, target error) *APIError {
	t.Helper()
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, status, apiErr.StatusCode, "StatusCode")
	assert.Equal(t, code, apiErr.Code, "Code")
	assert.Equal(t, message, apiErr.Message, "Message")
	assert.Equal(t, method, apiErr.Method, "Method")
	assert.Equal(t, path, apiErr.Path, "Path")
	onlySentinel(t, err, target)
	return apiErr
}

// ctRaw returns the compacted value of a top-level field of a fixture.
func ctRaw(t *testing.T, name, field string) json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(fixture(t, name), &m))
	require.Contains(t, m, field)
	var buf bytes.Buffer
	require.NoError(t, json.Compact(&buf, m[field]))
	return buf.Bytes()
}

// ---- Get ----

func TestContactsGetByPhoneDocumentedAnswer(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodGet,
		url:    ctContactsURL,
		query:  withKey(url.Values{"phoneNumber": {ctPhone}}),
		header: noAuth,
	}, reply(t, 200, "contacts/get_id.json"))

	got, err := c.Contacts.Get(t.Context(), &GetContactOptions{PhoneNumber: ctPhone})
	require.NoError(t, err)
	assert.Equal(t, &ContactLookup{ContactID: ctContactID}, got)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestContactsGetByEmail(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodGet,
		url:    ctContactsURL,
		query:  withKey(url.Values{"email": {ctEmail}}),
		header: noAuth,
	}, reply(t, 200, "contacts/get_id.json"))

	got, err := c.Contacts.Get(t.Context(), &GetContactOptions{Email: ctEmail})
	require.NoError(t, err)
	assert.Equal(t, &ContactLookup{ContactID: ctContactID}, got)
}

func TestContactsGetPhoneWithoutPlusIsSentAsGiven(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodGet,
		url:    ctContactsURL,
		query:  withKey(url.Values{"phoneNumber": {"34612345678"}}),
	}, reply(t, 200, "contacts/get_id.json"))

	got, err := c.Contacts.Get(t.Context(), &GetContactOptions{PhoneNumber: "34612345678"})
	require.NoError(t, err)
	assert.Equal(t, ctContactID, got.ContactID)
}

func TestContactsGetWithUserID(t *testing.T) {
	c, mt := setupBare(t, WithUserID(testUserID))
	expect(t, mt, want{
		method: http.MethodGet,
		url:    ctContactsURL,
		query:  url.Values{"phoneNumber": {ctPhone}, "userId": {testUserID}},
		header: noAuth,
	}, reply(t, 200, "contacts/get_id.json"))

	got, err := c.Contacts.Get(t.Context(), &GetContactOptions{PhoneNumber: ctPhone})
	require.NoError(t, err)
	assert.Equal(t, ctContactID, got.ContactID)
}

func TestContactsGetFullContact(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodGet,
		url:    ctContactsURL,
		query:  withKey(url.Values{"phoneNumber": {ctPhone}}),
	}, reply(t, 200, "contacts/get_contact.json"))

	got, err := c.Contacts.Get(t.Context(), &GetContactOptions{PhoneNumber: ctPhone})
	require.NoError(t, err)

	want := &ContactLookup{
		ContactID: ctContactID,
		Contact: &Contact{
			ID:                    ctContactID,
			PhoneNumber:           ctPhone,
			FirstName:             "Maria",
			LastName:              "Gonzalez",
			Email:                 ctEmail,
			Channel:               "whatsapp",
			IsBotActive:           true,
			DoNotDisturb:          false,
			ExternalID:            "crm-000482",
			IsChatWindowOpen:      true,
			CurrentCampaign:       "Dental cleaning reminder",
			Campaigns:             []string{"Dental cleaning reminder", "Spring whitening offer"},
			Tags:                  []string{"appointment-booked", "vip", "spanish-speaker"},
			CreditsUsed:           14.5,
			BotMessageCount:       23,
			HasHadActivity:        true,
			ChatConcluded:         false,
			CreatedAt:             tsp("2026-03-14T10:22:31.250Z"),
			LastActivityAt:        tsp("2026-11-20T09:41:57.402Z"),
			LastIncomingMessageAt: tsp("2026-11-20T09:38:12.007Z"),
			Raw:                   ctRaw(t, "contacts/get_contact.json", "contact"),
		},
	}
	assert.Equal(t, want, got)

	// Raw is the compacted contact object, unnamed fields included.
	assert.NotContains(t, string(got.Contact.Raw), "\n")
	var raw map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(got.Contact.Raw, &raw))
	assert.JSONEq(t, `{"preferredClinic":"Madrid Centro","insurance":"Sanitas"}`, string(raw["customFields"]))
	assert.JSONEq(t, `"whatsapp_inbound"`, string(raw["source"]))
}

func TestContactsGetFullContactSnakeCaseAndFirestoreTimes(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodGet,
		url:    ctContactsURL,
		query:  withKey(url.Values{"phoneNumber": {"+447700900123"}}),
	}, reply(t, 200, "contacts/get_contact_snake.json"))

	got, err := c.Contacts.Get(t.Context(), &GetContactOptions{PhoneNumber: "+447700900123"})
	require.NoError(t, err)

	want := &ContactLookup{
		ContactID: "xY8wV6uT4sR2qP0oN9mL",
		Contact: &Contact{
			ID:                    "xY8wV6uT4sR2qP0oN9mL",
			PhoneNumber:           "+447700900123",
			FirstName:             "James",
			LastName:              "O'Connor",
			Email:                 "unknown@unknown.com",
			Channel:               "instagram",
			IsBotActive:           false,
			DoNotDisturb:          true,
			DoNotDisturbReason:    "Customer asked to stop receiving messages",
			InstagramID:           "17841405822304914",
			CurrentCampaign:       "Winter check-up",
			Campaigns:             []string{"Winter check-up"},
			Tags:                  []string{"unsubscribed"},
			CreditsUsed:           3,
			BotMessageCount:       4,
			HasHadActivity:        true,
			ChatConcluded:         true,
			CreatedAt:             tsp("2025-09-03T14:27:51.402Z"), // {"_seconds","_nanoseconds"}
			LastActivityAt:        tsp("2026-11-19T21:05:12Z"),     // {"_seconds","_nanoseconds":0}
			LastIncomingMessageAt: tsp("2026-11-20T08:59:40.512Z"), // Unix milliseconds
			Raw:                   ctRaw(t, "contacts/get_contact_snake.json", "contact"),
		},
	}
	assert.Equal(t, want, got)
}

func TestContactsGetFlagNames(t *testing.T) {
	cases := []struct {
		contact  string
		bot, dnd bool
	}{
		{`{"id":"c1","isBotActive":true}`, true, false},
		{`{"id":"c1","is_bot_active":true}`, true, false},
		{`{"id":"c1","doNotDisturb":true}`, false, true},
		{`{"id":"c1","do_not_disturb":true}`, false, true},
		{`{"id":"c1","isBotActive":true,"doNotDisturb":true}`, true, true},
		{`{"id":"c1","is_bot_active":true,"do_not_disturb":true}`, true, true},
		{`{"id":"c1"}`, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.contact, func(t *testing.T) {
			c, mt := setup(t)
			expect(t, mt, want{
				method: http.MethodGet,
				url:    ctContactsURL,
				query:  withKey(url.Values{"phoneNumber": {ctPhone}}),
			}, jsonReply(200, `{"success":true,"contact":`+tc.contact+`}`))

			got, err := c.Contacts.Get(t.Context(), &GetContactOptions{PhoneNumber: ctPhone})
			require.NoError(t, err)
			require.NotNil(t, got.Contact)
			assert.Equal(t, tc.bot, got.Contact.IsBotActive, "IsBotActive")
			assert.Equal(t, tc.dnd, got.Contact.DoNotDisturb, "DoNotDisturb")
		})
	}
}

func TestContactsGetLenientContactValues(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodGet,
		url:    ctContactsURL,
		query:  withKey(url.Values{"email": {ctEmail}}),
	}, jsonReply(200, `{"success":true,"contact":{"id":"Np3Qr5St7Uv9Wx1Yz2Ab","email":"`+ctEmail+`",
		"currentCampaign":null,"campaigns":null,"tags":[],"createdAt":null,"lastActivityAt":"",
		"lastIncomingMessageAt":{"seconds":1795165180,"nanos":512000000},"instagramId":null}}`))

	got, err := c.Contacts.Get(t.Context(), &GetContactOptions{Email: ctEmail})
	require.NoError(t, err)
	require.NotNil(t, got.Contact)
	got.Contact.Raw = nil // checked elsewhere
	assert.Equal(t, &Contact{
		ID:                    "Np3Qr5St7Uv9Wx1Yz2Ab",
		Email:                 ctEmail,
		Tags:                  []string{},
		LastIncomingMessageAt: tsp("2026-11-20T08:59:40.512Z"),
	}, got.Contact, "null and empty values leave zero values; {seconds,nanos} is a timestamp")
}

func TestContactsGetIDFallbacks(t *testing.T) {
	cases := []struct {
		name        string
		body        string
		id          string
		withContact bool
	}{
		{"contactId", `{"success":true,"contactId":"Id1aaaaaaaaaaaaaaaaa"}`, "Id1aaaaaaaaaaaaaaaaa", false},
		{"contact_id", `{"success":true,"contact_id":"Id2bbbbbbbbbbbbbbbbb"}`, "Id2bbbbbbbbbbbbbbbbb", false},
		{"contact.id", `{"success":true,"contact":{"id":"Id3ccccccccccccccccc","firstName":"Maria"}}`, "Id3ccccccccccccccccc", true},
		{"contact._id", `{"success":true,"contact":{"_id":"Id4ddddddddddddddddd"}}`, "Id4ddddddddddddddddd", true},
		{"id", `{"success":true,"id":"Id5eeeeeeeeeeeeeeeee"}`, "Id5eeeeeeeeeeeeeeeee", false},
		{"contactId wins", `{"success":true,"contactId":"A","contact_id":"B","contact":{"id":"C"},"id":"D"}`, "A", true},
		{"contact_id before contact.id", `{"success":true,"contact_id":"B","contact":{"id":"C"},"id":"D"}`, "B", true},
		{"contact.id before id", `{"success":true,"contact":{"id":"C"},"id":"D"}`, "C", true},
		{"null contact", `{"success":true,"contactId":"Id1aaaaaaaaaaaaaaaaa","contact":null}`, "Id1aaaaaaaaaaaaaaaaa", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := setup(t)
			expect(t, mt, want{
				method: http.MethodGet,
				url:    ctContactsURL,
				query:  withKey(url.Values{"phoneNumber": {ctPhone}}),
			}, jsonReply(200, tc.body))

			got, err := c.Contacts.Get(t.Context(), &GetContactOptions{PhoneNumber: ctPhone})
			require.NoError(t, err)
			assert.Equal(t, tc.id, got.ContactID)
			if tc.withContact {
				require.NotNil(t, got.Contact)
			} else {
				assert.Nil(t, got.Contact)
			}
		})
	}
}

func TestContactsGetNoIDIsInvalidResponse(t *testing.T) {
	for _, body := range []string{
		`{"success":true}`,
		`{"success":true,"contact":null}`,
		`{"success":true,"contact":{"firstName":"Maria","phoneNumber":"+34612345678"}}`,
		`{"success":true,"contactId":""}`,
	} {
		t.Run(body, func(t *testing.T) {
			c, mt := setup(t)
			expect(t, mt, want{
				method: http.MethodGet,
				url:    ctContactsURL,
				query:  withKey(url.Values{"phoneNumber": {ctPhone}}),
			}, jsonReply(200, body))

			got, err := c.Contacts.Get(t.Context(), &GetContactOptions{PhoneNumber: ctPhone})
			assert.Nil(t, got)
			apiErr := ctAPIError(t, err, 200, 0, "", http.MethodGet, "/v1/contacts", ErrInvalidResponse)
			assert.ErrorIs(t, err, errNoContactID)
			assert.Equal(t, body, string(apiErr.Body))
			assert.Equal(t, 1, mt.GetTotalCallCount(), "a bad 2xx body is not retried")
		})
	}
}

func TestContactsGetBadContactIsInvalidResponse(t *testing.T) {
	for _, body := range []string{
		`{"success":true,"contact":{"id":"c1","createdAt":"yesterday"}}`,
		`{"success":true,"contact":{"id":"c1","tags":"vip"}}`,
		`{"success":true,"contact":{"id":"c1","currentCampaign":42}}`,
		`{"success":true,"contact":"c1"}`,
	} {
		t.Run(body, func(t *testing.T) {
			c, mt := setup(t)
			expect(t, mt, want{
				method: http.MethodGet,
				url:    ctContactsURL,
				query:  withKey(url.Values{"phoneNumber": {ctPhone}}),
			}, jsonReply(200, body))

			_, err := c.Contacts.Get(t.Context(), &GetContactOptions{PhoneNumber: ctPhone})
			ctAPIError(t, err, 200, 0, "", http.MethodGet, "/v1/contacts", ErrInvalidResponse)
		})
	}
}

func TestContactsGetPhoneLengthBounds(t *testing.T) {
	for _, phone := range []string{"+1234567", "1234567", "+123456789012345", "123456789012345"} {
		c, mt := setup(t)
		expect(t, mt, want{
			method: http.MethodGet,
			url:    ctContactsURL,
			query:  withKey(url.Values{"phoneNumber": {phone}}),
		}, reply(t, 200, "contacts/get_id.json"))
		_, err := c.Contacts.Get(t.Context(), &GetContactOptions{PhoneNumber: phone})
		require.NoError(t, err, phone)
		assert.Equal(t, 1, mt.GetTotalCallCount(), phone)
	}
}

func TestContactsGetErrors(t *testing.T) {
	cases := []struct {
		status  int
		fixture string
		code    int
		message string
		target  error
	}{
		{400, "contacts/get_error_400_string.json", 0, "Either phoneNumber or email must be provided", ErrBadRequest},
		{400, "contacts/get_error_400_object.json", 0, "Invalid phone number format", ErrBadRequest},
		{401, "contacts/get_error_401.json", 0, "Unauthorized: invalid API key or user ID", ErrUnauthorized},
		{404, "contacts/get_error_404.json", 0, "Contact not found", ErrNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.fixture, func(t *testing.T) {
			c, mt := setup(t)
			expect(t, mt, want{
				method: http.MethodGet,
				url:    ctContactsURL,
				query:  withKey(url.Values{"phoneNumber": {ctPhone}}),
			}, reply(t, tc.status, tc.fixture))

			got, err := c.Contacts.Get(t.Context(), &GetContactOptions{PhoneNumber: ctPhone})
			assert.Nil(t, got)
			apiErr := ctAPIError(t, err, tc.status, tc.code, tc.message, http.MethodGet, "/v1/contacts", tc.target)
			assert.Equal(t, string(fixture(t, tc.fixture)), string(apiErr.Body))
			assert.Equal(t, 1, apiErr.Attempts)
			assert.Equal(t, 1, mt.GetTotalCallCount(), "4xx is not retried")
		})
	}
}

func TestContactsGetServerErrorIsRetried(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodGet,
		url:    ctContactsURL,
		query:  withKey(url.Values{"email": {ctEmail}}),
	}, reply(t, 500, "contacts/create_error_500.json").Then(reply(t, 200, "contacts/get_id.json")))

	got, err := c.Contacts.Get(t.Context(), &GetContactOptions{Email: ctEmail})
	require.NoError(t, err)
	assert.Equal(t, ctContactID, got.ContactID)
	assert.Equal(t, 2, mt.GetTotalCallCount(), "GET is retried after a 500")
}

// ---- Create ----

func TestContactsCreateMinimal(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodPost,
		url:    ctContactsURL,
		query:  withKey(nil),
		body:   `{"phoneNumber":"+34612345678"}`,
		header: noAuth,
	}, reply(t, 200, "contacts/create.json"))

	got, err := c.Contacts.Create(t.Context(), &CreateContactRequest{PhoneNumber: ctPhone})
	require.NoError(t, err)
	assert.Equal(t, &CreatedContact{ContactID: ctNewID, Message: "Successfully created new contact"}, got)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestContactsCreateFullBody(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodPost,
		url:    ctContactsURL,
		query:  withKey(nil),
		body: `{
			"phoneNumber": "+34612345678",
			"firstName": "Maria",
			"lastName": "Gonzalez",
			"email": "maria.gonzalez@example.com",
			"is_bot_active": false,
			"listId": "Lt4Wq9Er2Ty7Ui1Op5As",
			"listIds": ["Lt4Wq9Er2Ty7Ui1Op5As", "Ls8Dk3Fj6Gh1Jk9Lz2Xc"],
			"instagramId": "17841405822304914",
			"currentCampaign": "Cp7Rt2Yw9Qa4Zx6Vb1Nm",
			"currentCampaignData": {"appointmentDate": "2026-12-02", "clinic": "Madrid Centro", "reminderCount": 2, "confirmed": false},
			"channel": "whatsapp",
			"isChatWindowOpen": false,
			"externalId": "crm-000482",
			"customChannel": "clinic-portal",
			"chatWidgetId": "Wg5Hn7Jm2Kq9Lr4St6Uv",
			"do_not_disturb": false
		}`,
	}, reply(t, 200, "contacts/create.json"))

	got, err := c.Contacts.Create(t.Context(), &CreateContactRequest{
		PhoneNumber:     ctPhone,
		FirstName:       "Maria",
		LastName:        "Gonzalez",
		Email:           ctEmail,
		IsBotActive:     Ptr(false),
		ListID:          ctListID,
		ListIDs:         []string{ctListID, ctListID2},
		InstagramID:     "17841405822304914",
		CurrentCampaign: "Cp7Rt2Yw9Qa4Zx6Vb1Nm",
		CurrentCampaignData: map[string]any{
			"appointmentDate": "2026-12-02", "clinic": "Madrid Centro", "reminderCount": 2, "confirmed": false,
		},
		Channel:          "whatsapp",
		IsChatWindowOpen: Ptr(false),
		ExternalID:       "crm-000482",
		CustomChannel:    "clinic-portal",
		ChatWidgetID:     "Wg5Hn7Jm2Kq9Lr4St6Uv",
		DoNotDisturb:     Ptr(false),
	})
	require.NoError(t, err)
	assert.Equal(t, &CreatedContact{ContactID: ctNewID, Message: "Successfully created new contact"}, got)
}

func TestContactsCreateFlagsTrue(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodPost,
		url:    ctContactsURL,
		query:  withKey(nil),
		body:   `{"phoneNumber":"447700900123","is_bot_active":true,"isChatWindowOpen":true,"do_not_disturb":true,"listIds":["Ls8Dk3Fj6Gh1Jk9Lz2Xc"]}`,
	}, reply(t, 200, "contacts/create_flat.json"))

	got, err := c.Contacts.Create(t.Context(), &CreateContactRequest{
		PhoneNumber:      "447700900123",
		IsBotActive:      Ptr(true),
		IsChatWindowOpen: Ptr(true),
		DoNotDisturb:     Ptr(true),
		ListIDs:          []string{ctListID2},
	})
	require.NoError(t, err)
	assert.Equal(t, &CreatedContact{ContactID: ctNewID}, got, "the flat answer has no message")
}

func TestContactsCreateAnswerShapes(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		want   CreatedContact
	}{
		{"documented data", 200, string(fixture(t, "contacts/create.json")),
			CreatedContact{ContactID: ctNewID, Message: "Successfully created new contact"}},
		{"flat", 200, string(fixture(t, "contacts/create_flat.json")),
			CreatedContact{ContactID: ctNewID}},
		{"flat with message, 201", 201, `{"success":true,"message":"Contact created","contactId":"` + ctNewID + `"}`,
			CreatedContact{ContactID: ctNewID, Message: "Contact created"}},
		{"contact_id", 200, `{"success":true,"contact_id":"` + ctNewID + `"}`,
			CreatedContact{ContactID: ctNewID}},
		{"contact.id", 200, `{"success":true,"contact":{"id":"` + ctNewID + `","phoneNumber":"+34612345678"}}`,
			CreatedContact{ContactID: ctNewID}},
		{"id", 200, `{"success":true,"id":"` + ctNewID + `"}`,
			CreatedContact{ContactID: ctNewID}},
		{"data wins over flat", 200, `{"success":true,"contactId":"Flat0000000000000000","message":"flat","data":{"contactId":"` + ctNewID + `","message":"Successfully created new contact"}}`,
			CreatedContact{ContactID: ctNewID, Message: "Successfully created new contact"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := setup(t)
			expect(t, mt, want{
				method: http.MethodPost,
				url:    ctContactsURL,
				query:  withKey(nil),
				body:   `{"phoneNumber":"+34612345678"}`,
			}, jsonReply(tc.status, tc.body))

			got, err := c.Contacts.Create(t.Context(), &CreateContactRequest{PhoneNumber: ctPhone})
			require.NoError(t, err)
			assert.Equal(t, &tc.want, got)
		})
	}
}

func TestContactsCreateNoIDIsInvalidResponse(t *testing.T) {
	for _, body := range []string{
		`{"success":true}`,
		`{"success":true,"data":{"message":"Successfully created new contact"}}`,
		`{"success":true,"data":null}`,
		``,
	} {
		t.Run(body, func(t *testing.T) {
			c, mt := setup(t)
			expect(t, mt, want{
				method: http.MethodPost,
				url:    ctContactsURL,
				query:  withKey(nil),
				body:   `{"phoneNumber":"+34612345678"}`,
			}, jsonReply(200, body))

			got, err := c.Contacts.Create(t.Context(), &CreateContactRequest{PhoneNumber: ctPhone})
			assert.Nil(t, got)
			ctAPIError(t, err, 200, 0, "", http.MethodPost, "/v1/contacts", ErrInvalidResponse)
			assert.Equal(t, 1, mt.GetTotalCallCount())
		})
	}
}

func TestContactsCreateDuplicate(t *testing.T) {
	cases := []struct {
		name    string
		status  int
		fixture string
		message string
	}{
		{"HTTP 200 with error_code 409", 200, "contacts/create_duplicate_200.json", "Contact already exists"},
		{"HTTP 409", 409, "contacts/create_duplicate_409.json", "A contact with phone number +34612345678 already exists"},
		{"HTTP 200 with error_code 409 and no success", 200, "contacts/create_duplicate_no_success.json", "Contact already exists"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := setup(t)
			expect(t, mt, want{
				method: http.MethodPost,
				url:    ctContactsURL,
				query:  withKey(nil),
				body:   `{"phoneNumber":"+34612345678","firstName":"Maria"}`,
			}, reply(t, tc.status, tc.fixture))

			got, err := c.Contacts.Create(t.Context(), &CreateContactRequest{PhoneNumber: ctPhone, FirstName: "Maria"})
			assert.Nil(t, got)
			apiErr := ctAPIError(t, err, tc.status, 409, tc.message, http.MethodPost, "/v1/contacts", ErrConflict)
			assert.Equal(t, string(fixture(t, tc.fixture)), string(apiErr.Body))
			assert.Equal(t, 1, apiErr.Attempts)
			assert.Equal(t, 1, mt.GetTotalCallCount())
		})
	}
}

func TestContactsCreateErrors(t *testing.T) {
	cases := []struct {
		status  int
		fixture string
		code    int
		message string
		target  error
	}{
		{400, "contacts/create_error_400.json", 400, "phoneNumber must include a valid country code", ErrBadRequest},
		{401, "contacts/create_error_401.json", 0, "Unauthorized: invalid API key or user ID", ErrUnauthorized},
		{403, "contacts/create_error_403.json", 403, "Permission denied: you cannot add contacts to list Lt4Wq9Er2Ty7Ui1Op5As", ErrForbidden},
		{404, "contacts/create_error_404.json", 404, "List not found: Lt0Zz0Zz0Zz0Zz0Zz0Zz", ErrNotFound},
		{500, "contacts/create_error_500.json", 500, "Internal server error", ErrServer},
	}
	for _, tc := range cases {
		t.Run(tc.fixture, func(t *testing.T) {
			c, mt := setup(t)
			expect(t, mt, want{
				method: http.MethodPost,
				url:    ctContactsURL,
				query:  withKey(nil),
				body:   `{"phoneNumber":"+34612345678","listIds":["Lt4Wq9Er2Ty7Ui1Op5As"]}`,
			}, reply(t, tc.status, tc.fixture))

			got, err := c.Contacts.Create(t.Context(), &CreateContactRequest{PhoneNumber: ctPhone, ListIDs: []string{ctListID}})
			assert.Nil(t, got)
			apiErr := ctAPIError(t, err, tc.status, tc.code, tc.message, http.MethodPost, "/v1/contacts", tc.target)
			assert.Equal(t, 1, apiErr.Attempts)
			assert.Equal(t, 1, mt.GetTotalCallCount(), "a POST is sent once, even when answered %d", tc.status)
		})
	}
}

func TestContactsCreatePOSTNotRetried(t *testing.T) {
	for _, code := range []int{429, 500, 502, 503, 504} {
		c, mt := setup(t)
		expect(t, mt, want{
			method: http.MethodPost,
			url:    ctContactsURL,
			query:  withKey(nil),
			body:   `{"phoneNumber":"+34612345678"}`,
		}, jsonReply(code, `{"success":false,"error":"`+http.StatusText(code)+`"}`))

		_, err := c.Contacts.Create(t.Context(), &CreateContactRequest{PhoneNumber: ctPhone})
		var apiErr *APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, code, apiErr.StatusCode)
		assert.Equal(t, 1, apiErr.Attempts)
		assert.Equal(t, 1, mt.GetTotalCallCount(), "POST answered %d is sent once", code)
	}
}

// ---- Update ----

func TestContactsUpdate(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodPut,
		url:    ctContactsURL + "/" + ctContactID,
		query:  withKey(nil),
		body:   `{"firstName":"María José","lastName":"Gonzalez Ruiz","email":"mj.gonzalez@example.com","is_bot_active":false,"do_not_disturb":true}`,
		header: noAuth,
	}, reply(t, 200, "contacts/update.json"))

	msg, err := c.Contacts.Update(t.Context(), ctContactID, &UpdateContactRequest{
		FirstName:    Ptr("María José"),
		LastName:     Ptr("Gonzalez Ruiz"),
		Email:        Ptr("mj.gonzalez@example.com"),
		IsBotActive:  Ptr(false),
		DoNotDisturb: Ptr(true),
	})
	require.NoError(t, err)
	assert.Equal(t, "Contact updated successfully", msg)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestContactsUpdateOnlyFalseFlag(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodPut,
		url:    ctContactsURL + "/" + ctContactID,
		query:  withKey(nil),
		body:   `{"is_bot_active":false}`,
	}, reply(t, 200, "contacts/update.json"))

	msg, err := c.Contacts.Update(t.Context(), ctContactID, &UpdateContactRequest{IsBotActive: Ptr(false)})
	require.NoError(t, err)
	assert.Equal(t, "Contact updated successfully", msg)
}

func TestContactsUpdateEscapesIDAndAcceptsNoContent(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodPut,
		url:    ctContactsURL + "/a%2Fb%3Fc%20d",
		query:  withKey(nil),
		body:   `{"lastName":"Raman"}`,
	}, jsonReply(204, ""))

	msg, err := c.Contacts.Update(t.Context(), "a/b?c d", &UpdateContactRequest{LastName: Ptr("Raman")})
	require.NoError(t, err)
	assert.Empty(t, msg)
}

// An update answered 200 with nothing that confirms it has not shown that
// it happened.
func TestContactsUpdateUnconfirmedIsInvalidResponse(t *testing.T) {
	for _, body := range []string{``, `null`, `{}`, `{"success":"yes"}`, `{"ok":true}`, `[]`} {
		c, mt := setup(t)
		mt.RegisterResponder(http.MethodPut, ctContactsURL+"/"+ctContactID, jsonReply(200, body))
		msg, err := c.Contacts.Update(t.Context(), ctContactID, &UpdateContactRequest{LastName: Ptr("")})
		assert.ErrorIs(t, err, ErrInvalidResponse, "%q", body)
		assert.Empty(t, msg)
	}
}

func TestContactsUpdateSuccessWithoutMessage(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodPut,
		url:    ctContactsURL + "/" + ctContactID,
		query:  withKey(nil),
		body:   `{"do_not_disturb":false}`,
	}, jsonReply(200, `{"success":true}`))

	msg, err := c.Contacts.Update(t.Context(), ctContactID, &UpdateContactRequest{DoNotDisturb: Ptr(false)})
	require.NoError(t, err)
	assert.Empty(t, msg)
}

func TestContactsUpdateErrors(t *testing.T) {
	cases := []struct {
		status  int
		fixture string
		code    int
		message string
		target  error
	}{
		{400, "contacts/update_error_400.json", 400, "Invalid email format", ErrBadRequest},
		{401, "contacts/update_error_401.json", 0, "Unauthorized: invalid API key or user ID", ErrUnauthorized},
		{404, "contacts/update_error_404.json", 0, "Contact not found", ErrNotFound},
		{200, "contacts/update_error_404.json", 0, "Contact not found", nil}, // success:false on 200
	}
	for _, tc := range cases {
		t.Run(tc.fixture, func(t *testing.T) {
			c, mt := setup(t)
			expect(t, mt, want{
				method: http.MethodPut,
				url:    ctContactsURL + "/" + ctContactID,
				query:  withKey(nil),
				body:   `{"firstName":"Maria"}`,
			}, reply(t, tc.status, tc.fixture))

			msg, err := c.Contacts.Update(t.Context(), ctContactID, &UpdateContactRequest{FirstName: Ptr("Maria")})
			assert.Empty(t, msg)
			// A nil target: success:false without a code matches no sentinel.
			ctAPIError(t, err, tc.status, tc.code, tc.message, http.MethodPut, "/v1/contacts/"+ctContactID, tc.target)
			assert.Equal(t, 1, mt.GetTotalCallCount())
		})
	}
}

func TestContactsUpdateIsRetried(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodPut,
		url:    ctContactsURL + "/" + ctContactID,
		query:  withKey(nil),
		body:   `{"firstName":"Maria"}`,
	}, jsonReply(503, `{"success":false,"error":"Service Unavailable"}`).Then(reply(t, 200, "contacts/update.json")))

	msg, err := c.Contacts.Update(t.Context(), ctContactID, &UpdateContactRequest{FirstName: Ptr("Maria")})
	require.NoError(t, err)
	assert.Equal(t, "Contact updated successfully", msg)
	assert.Equal(t, 2, mt.GetTotalCallCount(), "PUT is idempotent and retried")
}

// ---- AddToList ----

func TestContactsAddToList(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodPost,
		url:    ctContactsURL + "/lists",
		query:  withKey(nil),
		body:   `{"contactId":"aB3dE5fG7hJ9kL1mN2pQ","listId":"Lt4Wq9Er2Ty7Ui1Op5As"}`,
		header: noAuth,
	}, reply(t, 200, "contacts/add_to_list.json"))

	msg, err := c.Contacts.AddToList(t.Context(), ctContactID, ctListID)
	require.NoError(t, err)
	assert.Equal(t, "Contact successfully added to list Spring Promo 2026", msg)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestContactsAddToListErrors(t *testing.T) {
	cases := []struct {
		status  int
		fixture string
		code    int
		message string
		target  error
	}{
		{400, "contacts/add_to_list_error_400.json", 400, "Missing required parameters", ErrBadRequest},
		{401, "contacts/add_to_list_error_401.json", 0, "Unauthorized: invalid API key or user ID", ErrUnauthorized},
		{403, "contacts/add_to_list_error_403.json", 403, "Permission denied", ErrForbidden},
		{404, "contacts/add_to_list_error_404.json", 404, "List not found", ErrNotFound},
		{500, "contacts/create_error_500.json", 500, "Internal server error", ErrServer},
	}
	for _, tc := range cases {
		t.Run(tc.fixture, func(t *testing.T) {
			c, mt := setup(t)
			expect(t, mt, want{
				method: http.MethodPost,
				url:    ctContactsURL + "/lists",
				query:  withKey(nil),
				body:   `{"contactId":"aB3dE5fG7hJ9kL1mN2pQ","listId":"Lt4Wq9Er2Ty7Ui1Op5As"}`,
			}, reply(t, tc.status, tc.fixture))

			msg, err := c.Contacts.AddToList(t.Context(), ctContactID, ctListID)
			assert.Empty(t, msg)
			apiErr := ctAPIError(t, err, tc.status, tc.code, tc.message, http.MethodPost, "/v1/contacts/lists", tc.target)
			assert.Equal(t, 1, apiErr.Attempts)
			assert.Equal(t, 1, mt.GetTotalCallCount(), "a POST is sent once")
		})
	}
}

// ---- Tags ----

func TestContactsTags(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodGet,
		url:    ctContactsURL + "/tags/" + ctContactID,
		query:  withKey(nil),
		header: noAuth,
	}, reply(t, 200, "contacts/tags.json"))

	got, err := c.Contacts.Tags(t.Context(), ctContactID)
	require.NoError(t, err)
	assert.Equal(t, []Tag{
		{Name: "appointment-booked", Description: "Booked a visit through the AI agent"},
		{Name: "vip", Description: "Returning patient"},
		{Name: "spanish-speaker"},
	}, got)
}

func TestContactsTagsAsStrings(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodGet,
		url:    ctContactsURL + "/tags/" + ctContactID,
		query:  withKey(nil),
	}, reply(t, 200, "contacts/tags_strings.json"))

	got, err := c.Contacts.Tags(t.Context(), ctContactID)
	require.NoError(t, err)
	assert.Equal(t, []Tag{{Name: "appointment-booked"}, {Name: "vip"}, {Name: "spanish-speaker"}}, got)
}

func TestContactsTagsMixedAndEmpty(t *testing.T) {
	cases := []struct {
		body string
		want []Tag
	}{
		{`["vip", {"name":"no-show","description":"Missed an appointment"}, " spaced "]`,
			[]Tag{{Name: "vip"}, {Name: "no-show", Description: "Missed an appointment"}, {Name: " spaced "}}},
		{`[]`, []Tag{}},
	}
	for _, tc := range cases {
		t.Run(tc.body, func(t *testing.T) {
			c, mt := setup(t)
			expect(t, mt, want{
				method: http.MethodGet,
				url:    ctContactsURL + "/tags/" + ctContactID,
				query:  withKey(nil),
			}, jsonReply(200, tc.body))

			got, err := c.Contacts.Tags(t.Context(), ctContactID)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestContactsTagsEscapesID(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodGet,
		url:    ctContactsURL + "/tags/a%2Fb%3Fc%20d",
		query:  withKey(nil),
	}, reply(t, 200, "contacts/tags.json"))

	got, err := c.Contacts.Tags(t.Context(), "a/b?c d")
	require.NoError(t, err)
	assert.Len(t, got, 3)
}

func TestContactsTagsErrors(t *testing.T) {
	cases := []struct {
		status  int
		fixture string
		code    int
		message string
		target  error
	}{
		{400, "contacts/tags_error_400.json", 400, "Missing contact ID", ErrBadRequest},
		{401, "contacts/tags_error_401.json", 0, "Unauthorized: invalid API key or user ID", ErrUnauthorized},
		{404, "contacts/tags_error_404.json", 404, "Contact not found", ErrNotFound},
		{200, "contacts/tags_error_404.json", 404, "Contact not found", ErrNotFound}, // an error envelope where an array was expected
	}
	for _, tc := range cases {
		t.Run(tc.fixture, func(t *testing.T) {
			c, mt := setup(t)
			expect(t, mt, want{
				method: http.MethodGet,
				url:    ctContactsURL + "/tags/" + ctContactID,
				query:  withKey(nil),
			}, reply(t, tc.status, tc.fixture))

			got, err := c.Contacts.Tags(t.Context(), ctContactID)
			assert.Nil(t, got)
			ctAPIError(t, err, tc.status, tc.code, tc.message, http.MethodGet, "/v1/contacts/tags/"+ctContactID, tc.target)
			assert.Equal(t, 1, mt.GetTotalCallCount())
		})
	}
}

func TestContactsTagsNotAnArrayIsInvalidResponse(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodGet,
		url:    ctContactsURL + "/tags/" + ctContactID,
		query:  withKey(nil),
	}, jsonReply(200, `{"success":true,"data":[{"name":"vip"}]}`))

	got, err := c.Contacts.Tags(t.Context(), ctContactID)
	assert.Nil(t, got)
	apiErr := ctAPIError(t, err, 200, 0, "", http.MethodGet, "/v1/contacts/tags/"+ctContactID, ErrInvalidResponse)
	var se *jsonv2.SemanticError
	assert.True(t, errors.As(apiErr.Err, &se), "cause: %v", apiErr.Err)
}

func TestContactLookupJSONRoundTrip(t *testing.T) {
	var in ContactLookup
	require.NoError(t, json.Unmarshal(fixture(t, "contacts/get_contact.json"), &in))
	b, err := json.Marshal(in)
	require.NoError(t, err)
	var out ContactLookup
	require.NoError(t, json.Unmarshal(b, &out))
	assert.Equal(t, in.ContactID, out.ContactID)
	assert.Equal(t, in.Contact.FirstName, out.Contact.FirstName)

	b, err = json.Marshal(CreatedContact{ContactID: "x", Message: "ok"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"contactId":"x","message":"ok"}`, string(b))
}

func TestContactsEnsure(t *testing.T) {
	getURL := ctContactsURL
	phone := url.Values{"phoneNumber": {"+34612345678"}}
	req := &CreateContactRequest{PhoneNumber: "+34612345678", FirstName: "Maria"}

	t.Run("exists", func(t *testing.T) {
		c, mt := setup(t)
		expect(t, mt, want{method: http.MethodGet, url: getURL, query: withKey(phone)}, reply(t, 200, "contacts/get_contact.json"))
		got, created, err := c.Contacts.Ensure(t.Context(), req)
		require.NoError(t, err)
		assert.False(t, created)
		assert.Equal(t, ctContactID, got.ID)
		assert.Equal(t, "Maria", got.FirstName)
		assert.Equal(t, 1, mt.GetTotalCallCount(), "found: nothing created")
	})
	t.Run("created", func(t *testing.T) {
		c, mt := setup(t)
		expect(t, mt, want{method: http.MethodGet, url: getURL, query: withKey(phone)}, reply(t, 404, "contacts/get_error_404.json"))
		expect(t, mt, want{method: http.MethodPost, url: getURL, query: withKey(nil),
			body: `{"phoneNumber":"+34612345678","firstName":"Maria"}`}, reply(t, 200, "contacts/create.json"))
		got, created, err := c.Contacts.Ensure(t.Context(), req)
		require.NoError(t, err)
		assert.True(t, created)
		assert.Equal(t, &Contact{ID: "Rk2Tw8Yq4Zn6Lp1Vx3Mb", PhoneNumber: "+34612345678", FirstName: "Maria", IsBotActive: true}, got, "the created id and the request's fields")
	})
	t.Run("lost the race", func(t *testing.T) {
		c, mt := setup(t)
		expect(t, mt, want{method: http.MethodGet, url: getURL, query: withKey(phone)}, httpmock.ResponderFromMultipleResponses([]*http.Response{
			httpmock.NewStringResponse(404, string(fixture(t, "contacts/get_error_404.json"))),
			httpmock.NewStringResponse(200, string(fixture(t, "contacts/get_contact.json"))),
		}))
		expect(t, mt, want{method: http.MethodPost, url: getURL, query: withKey(nil),
			body: `{"phoneNumber":"+34612345678","firstName":"Maria"}`}, reply(t, 200, "contacts/create_duplicate_200.json"))
		got, created, err := c.Contacts.Ensure(t.Context(), req)
		require.NoError(t, err)
		assert.False(t, created, "another creator won")
		assert.Equal(t, ctContactID, got.ID)
		assert.Equal(t, 3, mt.GetTotalCallCount())
	})
	t.Run("other errors", func(t *testing.T) {
		c, mt := setup(t)
		expect(t, mt, want{method: http.MethodGet, url: getURL, query: withKey(phone)}, reply(t, 401, "contacts/get_error_401.json"))
		_, _, err := c.Contacts.Ensure(t.Context(), req)
		assert.ErrorIs(t, err, ErrUnauthorized)
		assert.Equal(t, 1, mt.GetTotalCallCount())
	})
}

func TestContactsCreateDuplicateHasExistingID(t *testing.T) {
	c, mt := setup(t)
	mt.RegisterResponder(http.MethodPost, ctContactsURL, reply(t, 200, "contacts/create_duplicate_200.json"))
	_, err := c.Contacts.Create(t.Context(), &CreateContactRequest{PhoneNumber: "+34612345678"})
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.ErrorIs(t, err, ErrConflict)
	assert.Equal(t, "aB3dE5fG7hJ9kL1mN2pQ", ae.ExistingID)

	mt.RegisterResponder(http.MethodPost, ctContactsURL, reply(t, 409, "contacts/create_duplicate_409.json"))
	_, err = c.Contacts.Create(t.Context(), &CreateContactRequest{PhoneNumber: "+34612345678"})
	require.ErrorAs(t, err, &ae)
	assert.Empty(t, ae.ExistingID, "not sent")
}

func TestContactsUpdateClearsFields(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{method: http.MethodPut, url: ctContactsURL + "/" + ctContactID, query: withKey(nil),
		body: `{"lastName":"","email":""}`}, reply(t, 200, "contacts/update.json"))
	_, err := c.Contacts.Update(t.Context(), ctContactID, &UpdateContactRequest{LastName: Ptr(""), Email: Ptr("")})
	require.NoError(t, err, "an empty value on purpose is sent, not dropped")
}
