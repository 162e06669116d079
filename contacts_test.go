package dmchamp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	jsonv2 "github.com/go-json-experiment/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Calls for the rows of invalidCalls.
func contactsGet(o *GetContactOptions) func(context.Context, *Client) error {
	return func(ctx context.Context, c *Client) error { return noResult(c.Contacts.Get(ctx, o)) }
}

func contactsCreate(r *CreateContactRequest) func(context.Context, *Client) error {
	return func(ctx context.Context, c *Client) error { return noResult(c.Contacts.Create(ctx, r)) }
}

func contactsUpdate(id string, r *UpdateContactRequest) func(context.Context, *Client) error {
	return func(ctx context.Context, c *Client) error { return noResult(c.Contacts.Update(ctx, id, r)) }
}

func contactsAddToList(contactID, listID string) func(context.Context, *Client) error {
	return func(ctx context.Context, c *Client) error {
		return noResult(c.Contacts.AddToList(ctx, contactID, listID))
	}
}

func contactsEnsure(r *CreateContactRequest) func(context.Context, *Client) error {
	return func(ctx context.Context, c *Client) error {
		got, created, err := c.Contacts.Ensure(ctx, r)
		if created {
			return errors.New("created, with the error")
		}
		return noResult(got, err)
	}
}

func contactsTags(id string) func(context.Context, *Client) error {
	return func(ctx context.Context, c *Client) error { return noResult(c.Contacts.Tags(ctx, id)) }
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

// ctRaw returns the compacted value of a top-level field of a JSON object.
func ctRaw(t *testing.T, b []byte, field string) json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(b, &m))
	require.Contains(t, m, field)
	var buf bytes.Buffer
	require.NoError(t, json.Compact(&buf, m[field]))
	return buf.Bytes()
}

// errorFixture is an error answer and the *APIError it must give.
type errorFixture struct {
	method   string // the method's row in typedMethods
	status   int
	fixture  string // a file of testdata, or the body itself when it starts with "{"
	code     int
	message  string
	target   error  // the only sentinel matched; nil for none
	details  string // JSON; "" means none
	existing string // ExistingID
}

// checkErrorFixtures checks the *APIError of each error answer.
func checkErrorFixtures(t *testing.T, cases []errorFixture) {
	for _, tc := range cases {
		t.Run(tc.method+"/"+http.StatusText(tc.status)+"/"+tc.fixture, func(t *testing.T) {
			body := []byte(tc.fixture)
			if !strings.HasPrefix(tc.fixture, "{") {
				body = fixture(t, tc.fixture)
			}
			ae := apiErrorFor(t, tc.method, tc.status, body)
			assert.Equal(t, tc.status, ae.StatusCode, "StatusCode")
			assert.Equal(t, tc.code, ae.Code, "Code")
			assert.Equal(t, tc.message, ae.Message, "Message")
			if tc.details == "" {
				assert.Nil(t, ae.Details, "Details")
			} else {
				assert.JSONEq(t, tc.details, string(ae.Details), "Details")
			}
			assert.Equal(t, tc.existing, ae.ExistingID, "ExistingID")
			assert.Equal(t, string(body), string(ae.Body), "Body")
			onlySentinel(t, ae, tc.target)
		})
	}
}

func TestContactsErrorBodies(t *testing.T) {
	checkErrorFixtures(t, []errorFixture{
		{"Contacts.Get", 400, "contacts/get_error_400_string.json", 0, "Either phoneNumber or email must be provided", ErrBadRequest, "", ""},
		{"Contacts.Get", 400, "contacts/get_error_400_object.json", 0, "Invalid phone number format", ErrBadRequest, "", ""},
		{"Contacts.Get", 401, "contacts/get_error_401.json", 0, "Unauthorized: invalid API key or user ID", ErrUnauthorized, "", ""},
		{"Contacts.Get", 404, "contacts/get_error_404.json", 0, "Contact not found", ErrNotFound, "", ""},
		{"Contacts.Create", 400, "contacts/create_error_400.json", 400, "phoneNumber must include a valid country code", ErrBadRequest, "", ""},
		{"Contacts.Create", 401, "contacts/create_error_401.json", 0, "Unauthorized: invalid API key or user ID", ErrUnauthorized, "", ""},
		{"Contacts.Create", 403, "contacts/create_error_403.json", 403, "Permission denied: you cannot add contacts to list Lt4Wq9Er2Ty7Ui1Op5As", ErrForbidden, "", ""},
		{"Contacts.Create", 404, "contacts/create_error_404.json", 404, "List not found: Lt0Zz0Zz0Zz0Zz0Zz0Zz", ErrNotFound, "", ""},
		{"Contacts.Create", 500, "contacts/create_error_500.json", 500, "Internal server error", ErrServer, "", ""},
		// A duplicate: HTTP 200 with error_code 409, with or without "success", or HTTP 409.
		{"Contacts.Create", 200, "contacts/create_duplicate_200.json", 409, "Contact already exists", ErrConflict, "", ctContactID},
		{"Contacts.Create", 200, "contacts/create_duplicate_no_success.json", 409, "Contact already exists", ErrConflict, "", ""},
		{"Contacts.Create", 409, "contacts/create_duplicate_409.json", 409, "A contact with phone number +34612345678 already exists", ErrConflict, "", ""},
		{"Contacts.Update", 400, "contacts/update_error_400.json", 400, "Invalid email format", ErrBadRequest, "", ""},
		{"Contacts.Update", 401, "contacts/update_error_401.json", 0, "Unauthorized: invalid API key or user ID", ErrUnauthorized, "", ""},
		{"Contacts.Update", 404, "contacts/update_error_404.json", 0, "Contact not found", ErrNotFound, "", ""},
		{"Contacts.Update", 200, "contacts/update_error_404.json", 0, "Contact not found", nil, "", ""}, // success:false without a code
		{"Contacts.AddToList", 400, "contacts/add_to_list_error_400.json", 400, "Missing required parameters", ErrBadRequest, "", ""},
		{"Contacts.AddToList", 401, "contacts/add_to_list_error_401.json", 0, "Unauthorized: invalid API key or user ID", ErrUnauthorized, "", ""},
		{"Contacts.AddToList", 403, "contacts/add_to_list_error_403.json", 403, "Permission denied", ErrForbidden, "", ""},
		{"Contacts.AddToList", 404, "contacts/add_to_list_error_404.json", 404, "List not found", ErrNotFound, "", ""},
		{"Contacts.Tags", 400, "contacts/tags_error_400.json", 400, "Missing contact ID", ErrBadRequest, "", ""},
		{"Contacts.Tags", 401, "contacts/tags_error_401.json", 0, "Unauthorized: invalid API key or user ID", ErrUnauthorized, "", ""},
		{"Contacts.Tags", 404, "contacts/tags_error_404.json", 404, "Contact not found", ErrNotFound, "", ""},
		{"Contacts.Tags", 200, "contacts/tags_error_404.json", 404, "Contact not found", ErrNotFound, "", ""}, // an error envelope where an array was expected
	})
}

// ---- Get ----

func TestContactsGet(t *testing.T) {
	cases := []struct {
		name  string
		opts  *GetContactOptions
		query url.Values // without the credential
	}{
		{"phone", &GetContactOptions{PhoneNumber: ctPhone}, url.Values{"phoneNumber": {ctPhone}}},
		{"email", &GetContactOptions{Email: ctEmail}, url.Values{"email": {ctEmail}}},
		{"phone without plus, sent as given", &GetContactOptions{PhoneNumber: "34612345678"}, url.Values{"phoneNumber": {"34612345678"}}},
		// The bounds: 7 and 15 digits, with or without "+".
		{"7 digits", &GetContactOptions{PhoneNumber: "+1234567"}, url.Values{"phoneNumber": {"+1234567"}}},
		{"7 digits without plus", &GetContactOptions{PhoneNumber: "1234567"}, url.Values{"phoneNumber": {"1234567"}}},
		{"15 digits", &GetContactOptions{PhoneNumber: "+123456789012345"}, url.Values{"phoneNumber": {"+123456789012345"}}},
		{"15 digits without plus", &GetContactOptions{PhoneNumber: "123456789012345"}, url.Values{"phoneNumber": {"123456789012345"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := setup(t)
			expect(t, mt, want{method: http.MethodGet, url: ctContactsURL, query: withKey(tc.query), header: noAuth},
				reply(t, 200, "contacts/get_id.json"))

			got, err := c.Contacts.Get(t.Context(), tc.opts)
			require.NoError(t, err)
			assert.Equal(t, &ContactLookup{ContactID: ctContactID}, got)
			assert.Equal(t, 1, mt.GetTotalCallCount())
		})
	}
}

// TestContactLookupDecoding decodes the answers of Contacts.Get as the
// request path does (the flat shape: unmarshal of the whole body). A want
// with a contact gets its Raw from the answer's "contact".
func TestContactLookupDecoding(t *testing.T) {
	cases := []struct {
		name string
		json string
		want *ContactLookup
	}{
		{"full contact", string(fixture(t, "contacts/get_contact.json")), &ContactLookup{
			ContactID: ctContactID,
			Contact: &Contact{
				ID: ctContactID, PhoneNumber: ctPhone, FirstName: "Maria", LastName: "Gonzalez", Email: ctEmail,
				Channel: "whatsapp", IsBotActive: true, DoNotDisturb: false, ExternalID: "crm-000482", IsChatWindowOpen: true,
				CurrentCampaign: "Dental cleaning reminder",
				Campaigns:       []string{"Dental cleaning reminder", "Spring whitening offer"},
				Tags:            []string{"appointment-booked", "vip", "spanish-speaker"},
				CreditsUsed:     14.5, BotMessageCount: 23, HasHadActivity: true, ChatConcluded: false,
				CreatedAt:             tsp("2026-03-14T10:22:31.250Z"),
				LastActivityAt:        tsp("2026-11-20T09:41:57.402Z"),
				LastIncomingMessageAt: tsp("2026-11-20T09:38:12.007Z"),
			},
		}},
		{"snake_case and Firestore times", string(fixture(t, "contacts/get_contact_snake.json")), &ContactLookup{
			ContactID: "xY8wV6uT4sR2qP0oN9mL",
			Contact: &Contact{
				ID: "xY8wV6uT4sR2qP0oN9mL", PhoneNumber: "+447700900123", FirstName: "James", LastName: "O'Connor",
				Email: "unknown@unknown.com", Channel: "instagram", IsBotActive: false, DoNotDisturb: true,
				DoNotDisturbReason: "Customer asked to stop receiving messages", InstagramID: "17841405822304914",
				CurrentCampaign: "Winter check-up", Campaigns: []string{"Winter check-up"}, Tags: []string{"unsubscribed"},
				CreditsUsed: 3, BotMessageCount: 4, HasHadActivity: true, ChatConcluded: true,
				CreatedAt:             tsp("2025-09-03T14:27:51.402Z"), // {"_seconds","_nanoseconds"}
				LastActivityAt:        tsp("2026-11-19T21:05:12Z"),     // {"_seconds","_nanoseconds":0}
				LastIncomingMessageAt: tsp("2026-11-20T08:59:40.512Z"), // Unix milliseconds
			},
		}},
		// Null and empty values leave zero values; {seconds,nanos} is a timestamp.
		{"lenient values", `{"success":true,"contact":{"id":"Np3Qr5St7Uv9Wx1Yz2Ab","email":"` + ctEmail + `",
			"currentCampaign":null,"campaigns":null,"tags":[],"createdAt":null,"lastActivityAt":"",
			"lastIncomingMessageAt":{"seconds":1795165180,"nanos":512000000},"instagramId":null}}`, &ContactLookup{
			ContactID: "Np3Qr5St7Uv9Wx1Yz2Ab",
			Contact:   &Contact{ID: "Np3Qr5St7Uv9Wx1Yz2Ab", Email: ctEmail, Tags: []string{}, LastIncomingMessageAt: tsp("2026-11-20T08:59:40.512Z")},
		}},
		// The flags, camelCase or snake_case.
		{"isBotActive", `{"success":true,"contact":{"id":"c1","isBotActive":true}}`, &ContactLookup{ContactID: "c1", Contact: &Contact{ID: "c1", IsBotActive: true}}},
		{"is_bot_active", `{"success":true,"contact":{"id":"c1","is_bot_active":true}}`, &ContactLookup{ContactID: "c1", Contact: &Contact{ID: "c1", IsBotActive: true}}},
		{"doNotDisturb", `{"success":true,"contact":{"id":"c1","doNotDisturb":true}}`, &ContactLookup{ContactID: "c1", Contact: &Contact{ID: "c1", DoNotDisturb: true}}},
		{"do_not_disturb", `{"success":true,"contact":{"id":"c1","do_not_disturb":true}}`, &ContactLookup{ContactID: "c1", Contact: &Contact{ID: "c1", DoNotDisturb: true}}},
		{"both camelCase", `{"success":true,"contact":{"id":"c1","isBotActive":true,"doNotDisturb":true}}`, &ContactLookup{ContactID: "c1", Contact: &Contact{ID: "c1", IsBotActive: true, DoNotDisturb: true}}},
		{"both snake_case", `{"success":true,"contact":{"id":"c1","is_bot_active":true,"do_not_disturb":true}}`, &ContactLookup{ContactID: "c1", Contact: &Contact{ID: "c1", IsBotActive: true, DoNotDisturb: true}}},
		{"no flags", `{"success":true,"contact":{"id":"c1"}}`, &ContactLookup{ContactID: "c1", Contact: &Contact{ID: "c1"}}},
		// The id: contactId, contact_id, contact.id, contact._id or id, in that order.
		{"contactId", `{"success":true,"contactId":"Id1aaaaaaaaaaaaaaaaa"}`, &ContactLookup{ContactID: "Id1aaaaaaaaaaaaaaaaa"}},
		{"contact_id", `{"success":true,"contact_id":"Id2bbbbbbbbbbbbbbbbb"}`, &ContactLookup{ContactID: "Id2bbbbbbbbbbbbbbbbb"}},
		{"contact.id", `{"success":true,"contact":{"id":"Id3ccccccccccccccccc","firstName":"Maria"}}`, &ContactLookup{ContactID: "Id3ccccccccccccccccc", Contact: &Contact{ID: "Id3ccccccccccccccccc", FirstName: "Maria"}}},
		{"contact._id", `{"success":true,"contact":{"_id":"Id4ddddddddddddddddd"}}`, &ContactLookup{ContactID: "Id4ddddddddddddddddd", Contact: &Contact{ID: "Id4ddddddddddddddddd"}}},
		{"id", `{"success":true,"id":"Id5eeeeeeeeeeeeeeeee"}`, &ContactLookup{ContactID: "Id5eeeeeeeeeeeeeeeee"}},
		{"contactId wins", `{"success":true,"contactId":"A","contact_id":"B","contact":{"id":"C"},"id":"D"}`, &ContactLookup{ContactID: "A", Contact: &Contact{ID: "C"}}},
		{"contact_id before contact.id", `{"success":true,"contact_id":"B","contact":{"id":"C"},"id":"D"}`, &ContactLookup{ContactID: "B", Contact: &Contact{ID: "C"}}},
		{"contact.id before id", `{"success":true,"contact":{"id":"C"},"id":"D"}`, &ContactLookup{ContactID: "C", Contact: &Contact{ID: "C"}}},
		{"null contact", `{"success":true,"contactId":"Id1aaaaaaaaaaaaaaaaa","contact":null}`, &ContactLookup{ContactID: "Id1aaaaaaaaaaaaaaaaa"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.want.Contact != nil {
				tc.want.Contact.Raw = ctRaw(t, []byte(tc.json), "contact")
			}
			var got ContactLookup
			require.NoError(t, unmarshal([]byte(tc.json), &got))
			assert.Equal(t, tc.want, &got)
		})
	}

	// Raw is the compacted contact object, unnamed fields included.
	var got ContactLookup
	require.NoError(t, unmarshal(fixture(t, "contacts/get_contact.json"), &got))
	assert.NotContains(t, string(got.Contact.Raw), "\n")
	var raw map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(got.Contact.Raw, &raw))
	assert.JSONEq(t, `{"preferredClinic":"Madrid Centro","insurance":"Sanitas"}`, string(raw["customFields"]))
	assert.JSONEq(t, `"whatsapp_inbound"`, string(raw["source"]))
}

func TestContactsGetInvalidResponse(t *testing.T) {
	for body, noID := range map[string]bool{
		`{"success":true}`:                true,
		`{"success":true,"contact":null}`: true,
		`{"success":true,"contactId":""}`: true,
		`{"success":true,"contact":{"firstName":"Maria","phoneNumber":"+34612345678"}}`: true,
		`{"success":true,"contact":{"id":"c1","createdAt":"yesterday"}}`:                false,
		`{"success":true,"contact":{"id":"c1","tags":"vip"}}`:                           false,
		`{"success":true,"contact":{"id":"c1","currentCampaign":42}}`:                   false,
		`{"success":true,"contact":"c1"}`:                                               false,
	} {
		t.Run(body, func(t *testing.T) {
			c, mt := setup(t)
			expect(t, mt, want{method: http.MethodGet, url: ctContactsURL, query: withKey(url.Values{"phoneNumber": {ctPhone}})},
				jsonReply(200, body))

			got, err := c.Contacts.Get(t.Context(), &GetContactOptions{PhoneNumber: ctPhone})
			assert.Nil(t, got)
			apiErr := ctAPIError(t, err, 200, 0, "", http.MethodGet, "/v1/contacts", ErrInvalidResponse)
			if noID {
				assert.ErrorIs(t, err, errNoContactID)
			}
			assert.Equal(t, body, string(apiErr.Body))
			assert.Equal(t, 1, mt.GetTotalCallCount(), "a bad 2xx body is not retried")
		})
	}
}

// ---- Create ----

func TestContactsCreate(t *testing.T) {
	cases := []struct {
		name string
		req  *CreateContactRequest
		body string
	}{
		{"minimal", &CreateContactRequest{PhoneNumber: ctPhone}, `{"phoneNumber":"+34612345678"}`},
		{"every field", &CreateContactRequest{
			PhoneNumber: ctPhone, FirstName: "Maria", LastName: "Gonzalez", Email: ctEmail, IsBotActive: Ptr(false),
			ListID: ctListID, ListIDs: []string{ctListID, ctListID2}, InstagramID: "17841405822304914",
			CurrentCampaign: "Cp7Rt2Yw9Qa4Zx6Vb1Nm",
			CurrentCampaignData: map[string]any{
				"appointmentDate": "2026-12-02", "clinic": "Madrid Centro", "reminderCount": 2, "confirmed": false,
			},
			Channel: "whatsapp", IsChatWindowOpen: Ptr(false), ExternalID: "crm-000482", CustomChannel: "clinic-portal",
			ChatWidgetID: "Wg5Hn7Jm2Kq9Lr4St6Uv", DoNotDisturb: Ptr(false),
		}, `{
			"phoneNumber": "+34612345678", "firstName": "Maria", "lastName": "Gonzalez", "email": "maria.gonzalez@example.com",
			"is_bot_active": false, "listId": "Lt4Wq9Er2Ty7Ui1Op5As", "listIds": ["Lt4Wq9Er2Ty7Ui1Op5As", "Ls8Dk3Fj6Gh1Jk9Lz2Xc"],
			"instagramId": "17841405822304914", "currentCampaign": "Cp7Rt2Yw9Qa4Zx6Vb1Nm",
			"currentCampaignData": {"appointmentDate": "2026-12-02", "clinic": "Madrid Centro", "reminderCount": 2, "confirmed": false},
			"channel": "whatsapp", "isChatWindowOpen": false, "externalId": "crm-000482", "customChannel": "clinic-portal",
			"chatWidgetId": "Wg5Hn7Jm2Kq9Lr4St6Uv", "do_not_disturb": false
		}`},
		{"flags true", &CreateContactRequest{
			PhoneNumber: "447700900123", IsBotActive: Ptr(true), IsChatWindowOpen: Ptr(true), DoNotDisturb: Ptr(true), ListIDs: []string{ctListID2},
		}, `{"phoneNumber":"447700900123","is_bot_active":true,"isChatWindowOpen":true,"do_not_disturb":true,"listIds":["Ls8Dk3Fj6Gh1Jk9Lz2Xc"]}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := setup(t)
			expect(t, mt, want{method: http.MethodPost, url: ctContactsURL, query: withKey(nil), body: tc.body, header: noAuth},
				reply(t, 200, "contacts/create.json"))

			got, err := c.Contacts.Create(t.Context(), tc.req)
			require.NoError(t, err)
			assert.Equal(t, &CreatedContact{ContactID: ctNewID, Message: "Successfully created new contact"}, got)
			assert.Equal(t, 1, mt.GetTotalCallCount())
		})
	}
}

// TestCreatedContactDecoding decodes the answers of Contacts.Create as the
// request path does (the flat shape: unmarshal of the whole body); a nil want
// is an answer refused.
func TestCreatedContactDecoding(t *testing.T) {
	cases := []struct {
		name string
		json string
		want *CreatedContact
	}{
		{"documented data", string(fixture(t, "contacts/create.json")), &CreatedContact{ContactID: ctNewID, Message: "Successfully created new contact"}},
		{"flat", string(fixture(t, "contacts/create_flat.json")), &CreatedContact{ContactID: ctNewID}},
		{"flat with message", `{"success":true,"message":"Contact created","contactId":"` + ctNewID + `"}`, &CreatedContact{ContactID: ctNewID, Message: "Contact created"}},
		{"contact_id", `{"success":true,"contact_id":"` + ctNewID + `"}`, &CreatedContact{ContactID: ctNewID}},
		{"contact.id", `{"success":true,"contact":{"id":"` + ctNewID + `","phoneNumber":"+34612345678"}}`, &CreatedContact{ContactID: ctNewID}},
		{"id", `{"success":true,"id":"` + ctNewID + `"}`, &CreatedContact{ContactID: ctNewID}},
		{"data wins over flat", `{"success":true,"contactId":"Flat0000000000000000","message":"flat","data":{"contactId":"` + ctNewID + `","message":"Successfully created new contact"}}`,
			&CreatedContact{ContactID: ctNewID, Message: "Successfully created new contact"}},
		{"no id", `{"success":true}`, nil},
		{"data without id", `{"success":true,"data":{"message":"Successfully created new contact"}}`, nil},
		{"null data", `{"success":true,"data":null}`, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got CreatedContact
			err := unmarshal([]byte(tc.json), &got)
			if tc.want == nil {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, &got)
		})
	}
}

// ---- Update ----

func TestContactsUpdate(t *testing.T) {
	cases := []struct {
		name   string
		id     string
		req    *UpdateContactRequest
		body   string
		status int
		answer string
		msg    string
	}{
		{"every field", ctContactID, &UpdateContactRequest{
			FirstName: Ptr("María José"), LastName: Ptr("Gonzalez Ruiz"), Email: Ptr("mj.gonzalez@example.com"),
			IsBotActive: Ptr(false), DoNotDisturb: Ptr(true),
		}, `{"firstName":"María José","lastName":"Gonzalez Ruiz","email":"mj.gonzalez@example.com","is_bot_active":false,"do_not_disturb":true}`,
			200, string(fixture(t, "contacts/update.json")), "Contact updated successfully"},
		{"only a false flag", ctContactID, &UpdateContactRequest{IsBotActive: Ptr(false)}, `{"is_bot_active":false}`,
			200, string(fixture(t, "contacts/update.json")), "Contact updated successfully"},
		// An empty value on purpose is sent, not dropped.
		{"cleared fields", ctContactID, &UpdateContactRequest{LastName: Ptr(""), Email: Ptr("")}, `{"lastName":"","email":""}`,
			200, string(fixture(t, "contacts/update.json")), "Contact updated successfully"},
		{"success without message", ctContactID, &UpdateContactRequest{DoNotDisturb: Ptr(false)}, `{"do_not_disturb":false}`,
			200, `{"success":true}`, ""},
		{"escaped id, no content", "a/b?c d", &UpdateContactRequest{LastName: Ptr("Raman")}, `{"lastName":"Raman"}`, 204, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := setup(t)
			expect(t, mt, want{method: http.MethodPut, url: ctContactsURL + "/" + url.PathEscape(tc.id), query: withKey(nil), body: tc.body, header: noAuth},
				jsonReply(tc.status, tc.answer))

			msg, err := c.Contacts.Update(t.Context(), tc.id, tc.req)
			require.NoError(t, err)
			assert.Equal(t, tc.msg, msg)
			assert.Equal(t, 1, mt.GetTotalCallCount())
		})
	}
}

// An update answered 200 with nothing that confirms it has not shown that
// it happened (TestSideEffectsNeedEvidence has the other bodies).
func TestContactsUpdateUnconfirmedIsInvalidResponse(t *testing.T) {
	c, mt := setup(t)
	mt.RegisterResponder(http.MethodPut, ctContactsURL+"/"+ctContactID, jsonReply(200, `{"ok":true}`))
	msg, err := c.Contacts.Update(t.Context(), ctContactID, &UpdateContactRequest{LastName: Ptr("")})
	assert.ErrorIs(t, err, ErrInvalidResponse)
	assert.Empty(t, msg)
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

// ---- Tags ----

func TestContactsTags(t *testing.T) {
	for id, path := range map[string]string{ctContactID: ctContactID, "a/b?c d": "a%2Fb%3Fc%20d"} {
		t.Run(id, func(t *testing.T) {
			c, mt := setup(t)
			expect(t, mt, want{method: http.MethodGet, url: ctContactsURL + "/tags/" + path, query: withKey(nil), header: noAuth},
				reply(t, 200, "contacts/tags.json"))

			got, err := c.Contacts.Tags(t.Context(), id)
			require.NoError(t, err)
			assert.Equal(t, []Tag{
				{Name: "appointment-booked", Description: "Booked a visit through the AI agent"},
				{Name: "vip", Description: "Returning patient"},
				{Name: "spanish-speaker"},
			}, got)
		})
	}
}

func TestContactsTagsNotAnArrayIsInvalidResponse(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{method: http.MethodGet, url: ctContactsURL + "/tags/" + ctContactID, query: withKey(nil)},
		jsonReply(200, `{"success":true,"data":[{"name":"vip"}]}`))

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
