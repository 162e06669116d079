package dmchamp

import (
	"context"
	"net/http"
)

// TagsService lists tags and tags contacts.
type TagsService struct {
	client *Client
}

// AssignTagRequest names a tag and a contact: set Tag and exactly one of
// PhoneNumber and Email.
type AssignTagRequest struct {
	Tag         string `url:"tag"`                   // created if it does not exist
	PhoneNumber string `url:"phoneNumber,omitempty"` // with country code
	Email       string `url:"email,omitempty"`       // the contact's email address
}

var (
	epTagsList   = register(endpoint{name: "Tags.List", method: http.MethodGet, route: "/tags", shape: bare})
	epTagsAssign = register(endpoint{name: "Tags.Assign", method: http.MethodPost, route: "/tags", shape: flat, result: confirmation})
)

// List returns every tag of the account.
//
// API: GET /tags
func (s *TagsService) List(ctx context.Context, opts ...CallOption) ([]Tag, error) {
	tags, err := callJSON[[]Tag](ctx, s.client, epTagsList, &request{}, opts)
	if err != nil {
		return nil, err
	}
	return *tags, nil
}

// Assign tags a contact, creating the tag if needed, and returns the
// server's message, if any. As documented, every parameter travels in the
// query string.
//
// API: POST /tags
func (s *TagsService) Assign(ctx context.Context, req *AssignTagRequest, opts ...CallOption) (string, error) {
	if req == nil {
		return "", invalid("request", "must not be nil")
	}
	if err := required("Tag", req.Tag); err != nil {
		return "", err
	}
	if err := phoneOrEmail(req.PhoneNumber, req.Email); err != nil {
		return "", err
	}
	q, err := encodeQuery(req)
	if err != nil {
		return "", err
	}
	return message(ctx, s.client, epTagsAssign, &request{query: q}, opts)
}
