// Package dmchamp is a client for the DM Champ API (AI messaging on
// WhatsApp, Instagram and web chat: contacts, chat sessions, sub-accounts,
// OTP) and for the chatbot Session API (AI chat sessions between chatbots and
// clients).
//
//	c, err := dmchamp.NewClient(dmchamp.WithAPIKey(os.Getenv("DMCHAMP_API_KEY")))
//	if err != nil {
//		return err
//	}
//	recent, err := c.ChatSessions.Recent(ctx, &dmchamp.RecentChatSessionsOptions{Hours: 24})
//
// Every method takes a context first, then its arguments, then optional
// CallOptions for that call only (WithResponseInto, WithCallTimeout,
// WithCallRetryMax, WithCallHeader, WithCallRetryNonIdempotent). It returns
// typed values or one of these errors:
//   - *ValidationError: an argument was rejected before any request was sent;
//   - *APIError: the server answered with an error, a "success": false
//     envelope, or a 2xx answer that was refused (ErrInvalidResponse); match
//     it with errors.Is against ErrNotFound, ErrUnauthorized, ErrConflict and
//     the other sentinels;
//   - *RequestError: no response, because the connection failed or the
//     context ended; errors.Is(err, context.DeadlineExceeded) works through it.
//
// GET, PUT and DELETE calls are retried on connection errors, 429 and 5xx
// with exponential backoff, honouring Retry-After. POST calls are not
// retried once they may have reached the server.
//
// The DM Champ credential travels in the query string. The client adds it
// beneath its retry layer and its middleware (WithMiddleware), only for the
// DM Champ origin, strips it from redirects, and removes any credential from
// errors, logs and Response headers. Answers are bounded by
// WithMaxResponseSize and decoded as they stream in when large.
//
// Package webhook receives what DM Champ sends to your server; package
// dmchamptest runs an in-memory DM Champ for tests and demos.
package dmchamp

// The recorded fixtures of testdata/cassettes/, from dmchamptest.
//go:generate go test -run ^TestDemoCassette$ -update-cassettes .
