package dmchamptest_test

import (
	"net/http"
	"testing"

	"github.com/dmchamp-go/dmchamp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestContactsCreateAndFind(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	ctx := t.Context()
	listID := srv.AddList("Webinar attendees")

	created, err := c.Contacts.Create(ctx, &dmchamp.CreateContactRequest{
		PhoneNumber: "+4915112345678", FirstName: "Lena", LastName: "Vogel", Email: "lena.vogel@example.de",
		ListIDs: []string{listID}, Channel: "instagram", InstagramID: "lena.v",
	})
	require.NoError(t, err)
	require.NotEmpty(t, created.ContactID)
	assert.Equal(t, "Successfully created new contact", created.Message)

	for _, lookup := range []dmchamp.GetContactOptions{
		{PhoneNumber: "+4915112345678"},
		{PhoneNumber: "4915112345678"},
		{Email: "lena.vogel@example.de"},
		{Email: "Lena.Vogel@Example.de"},
	} {
		got, err := c.Contacts.Get(ctx, &lookup)
		require.NoError(t, err, "%+v", lookup)
		assert.Equal(t, created.ContactID, got.ContactID)
		require.NotNil(t, got.Contact, "the contact is sent whole")
		assert.Equal(t, created.ContactID, got.Contact.ID)
		assert.Equal(t, "Lena", got.Contact.FirstName)
		assert.Equal(t, "Vogel", got.Contact.LastName)
		assert.Equal(t, "+4915112345678", got.Contact.PhoneNumber)
		assert.Equal(t, "instagram", got.Contact.Channel)
		assert.Equal(t, "lena.v", got.Contact.InstagramID)
		assert.True(t, got.Contact.IsBotActive, "is_bot_active defaults to true")
		assert.False(t, got.Contact.DoNotDisturb)
		require.NotNil(t, got.Contact.CreatedAt)
		assert.Equal(t, now, got.Contact.CreatedAt.UTC(), "dated by the server clock")
	}

	// The documented defaults.
	bare, err := c.Contacts.Create(ctx, &dmchamp.CreateContactRequest{PhoneNumber: "34600111222", IsBotActive: dmchamp.Ptr(false)})
	require.NoError(t, err)
	got, err := c.Contacts.Get(ctx, &dmchamp.GetContactOptions{PhoneNumber: "+34600111222"})
	require.NoError(t, err)
	assert.Equal(t, bare.ContactID, got.ContactID)
	assert.Equal(t, "Unknown", got.Contact.FirstName)
	assert.Equal(t, "Unknown", got.Contact.LastName)
	assert.Equal(t, "unknown@unknown.com", got.Contact.Email)
	assert.Equal(t, "whatsapp", got.Contact.Channel)
	assert.False(t, got.Contact.IsBotActive)

	_, err = c.Contacts.Get(ctx, &dmchamp.GetContactOptions{PhoneNumber: "+10000000000"})
	assert.ErrorIs(t, err, dmchamp.ErrNotFound)
	_, err = c.Contacts.Get(ctx, &dmchamp.GetContactOptions{Email: "nobody@example.com"})
	assert.ErrorIs(t, err, dmchamp.ErrNotFound)
}

func TestContactsWireShapes(t *testing.T) {
	srv := newServer(t)
	id := srv.AddContact(dmchamp.Contact{PhoneNumber: "+34612345678", FirstName: "Maria", Email: "maria@example.com"})

	r := raw(t, srv, "GET", "/v1/contacts", key(srv, "phoneNumber", "+34612345678"), nil)
	require.Equal(t, http.StatusOK, r.Status)
	body := r.Object(t)
	assert.Equal(t, true, body["success"])
	assert.Equal(t, id, body["contactId"], "the documented flat contactId")
	contact := body["contact"].(map[string]any)
	assert.Equal(t, id, contact["id"], "and the contact that integrations read")
	assert.Equal(t, "Maria", contact["firstName"])
	assert.Equal(t, "Unknown", contact["lastName"])
	assert.Contains(t, contact, "isBotActive", "camelCase in responses")
	assert.Contains(t, contact, "doNotDisturb")
	assert.Equal(t, []any{}, contact["tags"])

	// 404 is {success, message}; 400 is a bare string or {error}.
	r = raw(t, srv, "GET", "/v1/contacts", key(srv, "phoneNumber", "+19999999999"), nil)
	assert.Equal(t, http.StatusNotFound, r.Status)
	assert.Equal(t, map[string]any{"success": false, "message": "Contact not found"}, r.JSON(t))
	r = raw(t, srv, "GET", "/v1/contacts", key(srv, "phoneNumber", "+34612345678", "email", "maria@example.com"), nil)
	assert.Equal(t, http.StatusBadRequest, r.Status)
	assert.Equal(t, "Provide either phoneNumber or email, not both", r.JSON(t))
	r = raw(t, srv, "GET", "/v1/contacts", key(srv), nil)
	assert.Equal(t, http.StatusBadRequest, r.Status)
	assert.Equal(t, map[string]any{"error": "phoneNumber or email is required"}, r.JSON(t))

	// Create: the documented success body; a bad phone number is refused.
	r = raw(t, srv, "POST", "/v1/contacts", key(srv), map[string]any{"phoneNumber": "+14155550100"})
	require.Equal(t, http.StatusOK, r.Status)
	data := r.Object(t)["data"].(map[string]any)
	assert.Equal(t, "Successfully created new contact", data["message"])
	assert.NotEmpty(t, data["contactId"])
	for _, phone := range []string{"", "12345", "+1 415 555 0100", "phone"} {
		r = raw(t, srv, "POST", "/v1/contacts", key(srv), map[string]any{"phoneNumber": phone})
		assert.Equal(t, http.StatusBadRequest, r.Status, "%q", phone)
		assert.Equal(t, float64(400), r.Object(t)["error_code"])
	}
	r = raw(t, srv, "POST", "/v1/contacts", key(srv), "{")
	assert.Equal(t, http.StatusBadRequest, r.Status)
}

func TestContactsDuplicate(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	first, err := c.Contacts.Create(t.Context(), &dmchamp.CreateContactRequest{PhoneNumber: "+4915112345678"})
	require.NoError(t, err)

	// DM Champ answers a duplicate with HTTP 200 and error_code 409, with or
	// without the "+".
	for _, phone := range []string{"+4915112345678", "4915112345678"} {
		r := raw(t, srv, "POST", "/v1/contacts", key(srv), map[string]any{"phoneNumber": phone})
		assert.Equal(t, http.StatusOK, r.Status)
		assert.Equal(t, map[string]any{
			"success": false, "error_code": float64(409), "error": "Contact already exists", "contactId": first.ContactID,
		}, r.JSON(t))

		_, err = c.Contacts.Create(t.Context(), &dmchamp.CreateContactRequest{PhoneNumber: phone})
		require.ErrorIs(t, err, dmchamp.ErrConflict)
		var apiErr *dmchamp.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusOK, apiErr.StatusCode)
		assert.Equal(t, 409, apiErr.Code)
	}
}

func TestContactsUpdateListsAndTags(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	ctx := t.Context()
	created, err := c.Contacts.Create(ctx, &dmchamp.CreateContactRequest{PhoneNumber: "+4915112345678", FirstName: "Lena", Email: "lena@example.de"})
	require.NoError(t, err)
	id := created.ContactID

	msg, err := c.Contacts.Update(ctx, id, &dmchamp.UpdateContactRequest{
		LastName: dmchamp.Ptr("Vogel-Braun"), Email: dmchamp.Ptr("lena.vb@example.de"), IsBotActive: dmchamp.Ptr(false), DoNotDisturb: dmchamp.Ptr(true),
	})
	require.NoError(t, err)
	assert.Equal(t, "Contact updated successfully", msg)
	got, err := c.Contacts.Get(ctx, &dmchamp.GetContactOptions{Email: "lena.vb@example.de"})
	require.NoError(t, err)
	assert.Equal(t, "Lena", got.Contact.FirstName, "fields not sent are kept")
	assert.Equal(t, "Vogel-Braun", got.Contact.LastName)
	assert.False(t, got.Contact.IsBotActive)
	assert.True(t, got.Contact.DoNotDisturb)
	_, err = c.Contacts.Get(ctx, &dmchamp.GetContactOptions{Email: "lena@example.de"})
	assert.ErrorIs(t, err, dmchamp.ErrNotFound, "the old email is gone")
	_, err = c.Contacts.Update(ctx, "no-such-contact", &dmchamp.UpdateContactRequest{FirstName: dmchamp.Ptr("X")})
	assert.ErrorIs(t, err, dmchamp.ErrNotFound)

	listID := srv.AddList("Spring leads")
	msg, err = c.Contacts.AddToList(ctx, id, listID)
	require.NoError(t, err)
	assert.Equal(t, "Contact successfully added to list Spring leads", msg)
	_, err = c.Contacts.AddToList(ctx, id, listID)
	require.NoError(t, err, "adding twice is fine")
	_, err = c.Contacts.AddToList(ctx, id, "no-such-list")
	assert.ErrorIs(t, err, dmchamp.ErrNotFound)
	_, err = c.Contacts.AddToList(ctx, "no-such-contact", listID)
	assert.ErrorIs(t, err, dmchamp.ErrNotFound)
	r := raw(t, srv, "POST", "/v1/contacts/lists", key(srv), map[string]any{"contactId": id})
	assert.Equal(t, envelopeError(http.StatusBadRequest, "Missing required parameters"), r.JSON(t))

	// A create naming an unknown list creates nothing.
	_, err = c.Contacts.Create(ctx, &dmchamp.CreateContactRequest{PhoneNumber: "+4915100000001", ListIDs: []string{listID, "nope"}})
	assert.ErrorIs(t, err, dmchamp.ErrNotFound)
	_, err = c.Contacts.Get(ctx, &dmchamp.GetContactOptions{PhoneNumber: "+4915100000001"})
	assert.ErrorIs(t, err, dmchamp.ErrNotFound)

	// Tags: assigned by phone or email, created on first use.
	srv.AddTag(dmchamp.Tag{Name: "vip", Description: "Very important"})
	_, err = c.Tags.Assign(ctx, &dmchamp.AssignTagRequest{Tag: "vip", PhoneNumber: "4915112345678"})
	require.NoError(t, err)
	_, err = c.Tags.Assign(ctx, &dmchamp.AssignTagRequest{Tag: "webinar-2026", Email: "lena.vb@example.de"})
	require.NoError(t, err)
	_, err = c.Tags.Assign(ctx, &dmchamp.AssignTagRequest{Tag: "vip", Email: "lena.vb@example.de"})
	require.NoError(t, err, "assigning twice is fine")
	tags, err := c.Contacts.Tags(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, []dmchamp.Tag{{Name: "vip", Description: "Very important"}, {Name: "webinar-2026"}}, tags)
	all, err := c.Tags.List(ctx)
	require.NoError(t, err)
	assert.Equal(t, []dmchamp.Tag{{Name: "vip", Description: "Very important"}, {Name: "webinar-2026"}}, all)
	got, err = c.Contacts.Get(ctx, &dmchamp.GetContactOptions{PhoneNumber: "+4915112345678"})
	require.NoError(t, err)
	assert.Equal(t, []string{"vip", "webinar-2026"}, got.Contact.Tags)

	_, err = c.Tags.Assign(ctx, &dmchamp.AssignTagRequest{Tag: "vip", Email: "nobody@example.com"})
	assert.ErrorIs(t, err, dmchamp.ErrNotFound)
	_, err = c.Contacts.Tags(ctx, "no-such-contact")
	assert.ErrorIs(t, err, dmchamp.ErrNotFound)

	// Bare arrays on the wire.
	r = raw(t, srv, "GET", "/v1/tags", key(srv), nil)
	assert.IsType(t, []any{}, r.JSON(t))
	r = raw(t, srv, "GET", "/v1/contacts/tags/"+id, key(srv), nil)
	assert.IsType(t, []any{}, r.JSON(t))
	r = raw(t, srv, "POST", "/v1/tags", key(srv, "tag", "x"), nil)
	assert.Equal(t, http.StatusBadRequest, r.Status, "a contact is required")
}
