// Package dmchampotel traces the requests of a dmchamp.Client with
// OpenTelemetry.
//
//	c, err := dmchamp.NewClient(
//		dmchamp.WithAPIKey(os.Getenv("DMCHAMP_API_KEY")),
//		dmchamp.WithMiddleware(dmchampotel.Middleware()),
//	)
//
// Middleware records one client span for every request sent: each attempt
// of a call, and each redirect it follows. A span is named by the call's
// route, "GET /v1/contacts/tags/{contactId}", never by its path: ids stay
// out of span names. It starts before the request is sent and ends when the
// response headers arrive or the request fails; reading the body is not
// part of it. The trace context is written into the request's headers by
// the configured propagator.
//
// Spans carry the attributes of the OpenTelemetry semantic conventions for
// HTTP client spans (v1.43.0):
//   - http.request.method, and http.request.method_original for a method
//     not in WithKnownMethods;
//   - server.address and server.port;
//   - url.scheme;
//   - url.template: the route, base path included, when known (Client.Do
//     knows it only from Request.Route; without it the span is named by
//     the method alone);
//   - http.response.status_code and network.protocol.version, when a
//     response arrived;
//   - http.request.resend_count: for the second and later requests of a
//     call, retries and redirects alike;
//   - error.type: the status code for 4xx and 5xx answers, the Go error's
//     type for requests that got no answer (such as "*net.OpError" or
//     "context.deadlineExceededError");
//
// and two of their own: dmchamp.api ("dmchamp" or "sessions") and
// dmchamp.attempt (1 for the first attempt, 2 for the first retry, ...).
//
// The span status is Error for 4xx and 5xx answers (with no description:
// the status code tells why) and for requests that got no answer, whose
// error is also recorded as an "exception" event. A request cancelled by
// the caller's context is not an error.
//
// No span holds the URL, its query, a header value or a body. The
// middleware never sees a credential: the client adds them beneath it.
// A failed request's error is recorded by the text of the error that says
// what failed (the text fmt.Errorf wrappers add is dropped), with every URL
// cut to its origin and the request's query values, header values and path
// parameters replaced by REDACTED; an error the client had to replace
// because it held a credential has error.type "_OTHER".
package dmchampotel
