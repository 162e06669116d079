package dmchamp

import (
	"context"
	"net/http"
)

// SummariesService starts AI summaries of conversations.
type SummariesService struct {
	client *Client
}

// GenerateSummaryRequest identifies the contact whose conversation is
// summarized: set exactly one field.
type GenerateSummaryRequest struct {
	PhoneNumber string `json:"phoneNumber,omitempty"` // with country code
	Email       string `json:"email,omitempty"`       // the contact's email address
}

var epSummariesGenerate = register(endpoint{name: "Summaries.Generate", method: http.MethodPost, route: "/summaries", shape: flat, result: confirmation})

// Generate starts the summary of a contact's conversation and returns the
// server's message. The summary is produced asynchronously and is not part
// of the answer: it appears on the contact in DM Champ when ready.
//
// API: POST /summaries
func (s *SummariesService) Generate(ctx context.Context, req *GenerateSummaryRequest, opts ...CallOption) (string, error) {
	if req == nil {
		return "", invalid("request", "must not be nil")
	}
	if err := phoneOrEmail(req.PhoneNumber, req.Email); err != nil {
		return "", err
	}
	return message(ctx, s.client, epSummariesGenerate, &request{body: req}, opts)
}
