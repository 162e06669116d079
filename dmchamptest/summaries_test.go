package dmchamptest_test

import (
	"net/http"
	"testing"

	"github.com/dmchamp-go/dmchamp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSummaries(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	id := srv.AddContact(dmchamp.Contact{PhoneNumber: "+34612345678", Email: "maria@example.com"})

	msg, err := c.Summaries.Generate(t.Context(), &dmchamp.GenerateSummaryRequest{PhoneNumber: "34612345678"})
	require.NoError(t, err)
	assert.Contains(t, msg, id)
	_, err = c.Summaries.Generate(t.Context(), &dmchamp.GenerateSummaryRequest{Email: "maria@example.com"})
	require.NoError(t, err)
	_, err = c.Summaries.Generate(t.Context(), &dmchamp.GenerateSummaryRequest{Email: "nobody@example.com"})
	assert.ErrorIs(t, err, dmchamp.ErrNotFound)

	r := raw(t, srv, "POST", "/v1/summaries", key(srv), map[string]any{})
	assert.Equal(t, http.StatusBadRequest, r.Status)
	assert.Equal(t, "phoneNumber or email is required", r.JSON(t), "a bare string, as documented")
}
