// Package webhook receives the requests DM Champ makes to your own server:
// webhook events, replies pushed to a custom channel, and custom-function
// calls made by the AI during a conversation. It uses the standard library
// only.
//
//	secret := []byte(os.Getenv("DMCHAMP_WEBHOOK_SECRET"))
//	h := webhook.Handler(webhook.HMACSHA256(secret), func(ctx context.Context, e *webhook.Event) error {
//		switch e.Kind() {
//		case webhook.KindNewContact:
//			c, err := e.Contact()
//			...
//		}
//		return nil // an error answers 500, so DM Champ may retry
//	}, webhook.WithDedup(time.Hour))
//	http.Handle("/dmchamp/webhook", h)
//
// # Verification
//
// A Verifier sees the raw body before anything is parsed. DM Champ does not
// publish how it signs deliveries, and public integrations disagree, so the
// caller chooses: HMACSHA256 checks X-DmChamp-Signature: sha256=<hex
// HMAC-SHA256 of the body>; SharedSecret compares that header with the
// secret as plain text; Unverified accepts anything (development only).
// Comparisons take constant time and no error or log line holds the secret.
// Sign makes a valid header, for tests.
//
// # Accepted event shapes
//
// DM Champ's webhook settings (Settings > Webhook) have one toggle per
// event: new contact, message received, tag applied, appointment booked,
// human alerted and conversation summary; its notifications (template
// approvals, credit alerts, campaign status, message reads) can go the
// same way. The payloads are not published. Parse accepts any JSON object,
// keeps the raw body (Event.Raw), and reads these shapes, seen in public
// integrations:
//
//   - Envelope {"event", "data"}: a PHP (Laravel) CRM integration reads
//     "event" (new_contact, contact_tagged, appointment_booked, new_message)
//     and flat "data" fields: contactPhone, contactEmail, contactFirstName,
//     contactLastName, tag, appointmentDate, messageBody. It verifies
//     X-DmChamp-Signature as an HMAC (HMACSHA256).
//   - Top-level objects {"event", "contact": {...}}: a Next.js onboarding
//     integration reads "event" (flow.completed, contact.tagged,
//     contact.updated) and a "contact" object: id, phone, first_name,
//     custom_fields. It compares X-DmChamp-Signature with the secret
//     (SharedSecret).
//   - Flat {"event" or "type", ...}: a Next.js activity feed reads "event",
//     else "type" (contact.created, message.received, message.sent,
//     flow.completed), with contact_id, contact_name, phone, email,
//     channel, content/message/body, message_id/external_id/id and
//     direction at the top level.
//
// Within those, "data" may hold "contact", "message" and "tag" objects
// (the object form of the same fields), "id" or "eventId" names the
// delivery, and timestamps are RFC 3339 strings, unix seconds or
// milliseconds, or Firestore timestamps ({"_seconds", "_nanoseconds"}). The
// fields read for each typed value are listed on Contact, Message, Tag,
// ChannelReply and FunctionCall; testdata holds one example of each shape.
// An event of a type not listed (a notification, a new event) is delivered
// like any other: Kind returns its Type, and Event.Decode reads its Data.
//
// # Handlers
//
// Handler and ChannelHandler answer POST only, cap the body (WithMaxBody,
// 1 MiB by default), bound the time a client may take to send it
// (WithReadTimeout), verify, decode, and call your function: before
// answering (its error answers 500 so that DM Champ retries), or after a
// 202 with WithAsync; WithDedup drops redelivered events. A panic in your
// function is recovered. See Receiver for every status code, and
// Receiver.Shutdown for draining. FunctionHandler answers the AI within its
// wait budget (WithTimeout, 10 s by default).
package webhook
