package dmchamptest

import (
	"time"

	"github.com/dmchamp-go/dmchamp"
)

// demoContact is a contact of the demo data and the conversation its latest
// session holds: inbound and outbound turns alternate, starting inbound.
type demoContact struct {
	first, last, phone, email, channel, tag string
	ago                                     time.Duration // when the latest session started
	open                                    bool
	turns                                   []string
}

var demoContacts = []demoContact{
	{"Maria", "Gonzalez", "+34612345678", "maria.gonzalez@example.com", "whatsapp", "appointment-booked", 3 * time.Hour, false, []string{
		"Hola, quería pedir cita para una limpieza dental",
		"¡Hola Maria! Tenemos huecos el jueves a las 10:00 o el viernes a las 16:30. ¿Cuál te viene mejor?",
		"El jueves a las 10 perfecto",
		"Listo: jueves a las 10:00. Te enviaremos un recordatorio el día antes. ¡Hasta pronto!",
	}},
	{"James", "O'Connor", "+447700900123", "james.oconnor@example.co.uk", "whatsapp", "", 50 * time.Minute, true, []string{
		"Hi, how much is the first consultation?",
		"Hi James! The first consultation is free and takes about 30 minutes. Would you like to book one?",
		"Yes please, any time Saturday morning?",
	}},
	{"Priya", "Raman", "+919876543210", "priya.r@example.in", "instagram", "pricing-question", 9 * time.Hour, false, []string{
		"Do you ship to Chennai?",
		"We do! Delivery to Chennai takes 3 to 5 working days and is free above ₹2,000.",
		"Great, thanks",
		"You're welcome, Priya. Reply here anytime.",
	}},
	{"Ahmed", "Hassan", "+971501234567", "ahmed.hassan@example.ae", "whatsapp", "needs-human", 20 * time.Minute, true, []string{
		"My order arrived damaged, can I speak to a person?",
		"I'm sorry to hear that, Ahmed. I've flagged this for a team member; they usually reply within 15 minutes.",
	}},
	{"Sofia", "Rossi", "+393471234567", "sofia.rossi@example.it", "chat-widget", "lead-qualified", 26 * time.Hour, false, []string{
		"Ciao! Do you offer group classes?",
		"Ciao Sofia! Yes: Tuesdays and Thursdays at 19:00, up to 8 people. Shall I reserve a spot?",
		"Thursday please",
		"Booked for Thursday at 19:00. See you there!",
	}},
	{"Lucas", "Silva", "+5511987654321", "lucas.silva@example.com.br", "whatsapp_web", "follow-up", 40 * time.Hour, false, []string{
		"Vocês têm plano anual?",
		"Temos sim, Lucas! O plano anual sai com 20% de desconto. Quer que eu envie o link de pagamento?",
		"Vou pensar e retorno",
		"Claro! Fico à disposição.",
	}},
	{"Chen", "Wei", "+8613812345678", "chen.wei@example.cn", "whatsapp", "", 70 * time.Hour, false, []string{
		"Is the store open on Sunday?",
		"Yes, Chen: Sundays from 10:00 to 16:00.",
	}},
	{"Fatima", "Khan", "+923001234567", "fatima.khan@example.pk", "instagram", "not-interested", 5 * time.Hour, false, []string{
		"Please stop sending me offers",
		"Understood, Fatima. You won't receive promotional messages from us any more.",
	}},
}

// seedDemo fills the state with the demo data, dated from the server clock.
func (s *Server) seedDemo() {
	s.seeding = true
	defer func() { s.seeding = false }()
	now := s.now().UTC()
	for _, name := range []string{"Spring promotion", "Newsletter", "VIP customers"} {
		s.st.lists = append(s.st.lists, &list{id: s.id(), name: name})
	}
	for _, t := range []dmchamp.Tag{
		{Name: "appointment-booked", Description: "Booked an appointment"},
		{Name: "lead-qualified", Description: "Qualified by the AI agent"},
		{Name: "pricing-question", Description: "Asked about prices"},
		{Name: "needs-human", Description: "Handed over to the team"},
		{Name: "follow-up", Description: "Follow up in a few days"},
		{Name: "not-interested", Description: "Opted out of offers"},
	} {
		s.addTag(t)
	}
	for i, d := range demoContacts {
		created := now.Add(-d.ago - time.Duration(30+i)*24*time.Hour)
		c := s.addContact(dmchamp.Contact{
			PhoneNumber: d.phone, FirstName: d.first, LastName: d.last, Email: d.email, Channel: d.channel,
			IsBotActive: d.tag != "needs-human", DoNotDisturb: d.tag == "not-interested", CreatedAt: &created,
		})
		if d.tag != "" {
			c.Tags = []string{d.tag}
		}
		// An older, closed session, then the latest one.
		older := now.Add(-d.ago - 19*24*time.Hour)
		olderEnd := older.Add(6 * time.Minute)
		c.sessions = append(c.sessions, &chatSession{id: s.id(), start: older, end: &olderEnd, messages: []dmchamp.ChatMessage{
			s.demoMessage(d.channel, dmchamp.DirectionInbound, "Hi!", older),
			s.demoMessage(d.channel, dmchamp.DirectionOutbound, "Hi "+d.first+", how can I help you today?", older.Add(4*time.Second)),
		}})
		start := now.Add(-d.ago)
		cs := &chatSession{id: s.id(), start: start}
		if d.tag != "" {
			tag := d.tag
			cs.tag = &tag
		}
		at := start
		for j, text := range d.turns {
			dir := dmchamp.DirectionInbound
			if j%2 == 1 {
				dir = dmchamp.DirectionOutbound
			}
			cs.messages = append(cs.messages, s.demoMessage(d.channel, dir, text, at))
			at = at.Add(time.Duration(40+17*j) * time.Second)
		}
		if !d.open {
			end := at.Add(30 * time.Minute)
			cs.end = &end
		}
		c.sessions = append(c.sessions, cs)
		last := cs.messages[len(cs.messages)-1].Timestamp
		c.HasHadActivity, c.LastActivityAt, c.LastIncomingMessageAt = true, last, cs.messages[0].Timestamp
		c.BotMessageCount = len(cs.messages)/2 + 1
		c.CreditsUsed = float64(c.BotMessageCount)
	}
	for _, t := range []dmchamp.WhatsAppTemplate{
		{Name: "appointment_reminder", Status: "approved", Language: "en_US", Category: "UTILITY"},
		{Name: "spring_promotion", Status: "approved", Language: "en_US", Category: "MARKETING"},
		{Name: "recordatorio_cita", Status: "pending", Language: "es_ES", Category: "UTILITY"},
	} {
		created := now.Add(-60 * 24 * time.Hour)
		t.ID, t.CreatedAt = "tpl_"+s.id()[:12], &created
		s.st.tmpls = append(s.st.tmpls, t)
	}
	reset := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	for _, a := range []dmchamp.SubAccount{
		{Email: "owner@brightsmile-dental.example", FirstName: "Elena", LastName: "Marsh", BusinessName: "BrightSmile Dental",
			City: "Austin", Country: "US", State: "TX", TimeZoneID: "America/Chicago", Language: "en",
			UsageLimits: &dmchamp.UsageLimits{MonthlyCredits: 2000, MonthlyCreditsUsed: 640, Credits: 1360, LastResetDate: &reset}},
		{Email: "hola@casaverde.example", FirstName: "Diego", LastName: "Fernandez", BusinessName: "Casa Verde Interiores",
			City: "Madrid", Country: "ES", TimeZoneID: "Europe/Madrid", Language: "es",
			UsageLimits: &dmchamp.UsageLimits{MonthlyCredits: 500, MonthlyCreditsUsed: 120, Credits: 380, RollOverToNextMonth: true, LastResetDate: &reset}},
	} {
		sub := s.addSubAccount(a)
		for i := range 6 {
			contact := demoContacts[i%len(demoContacts)]
			s.st.usage = append(s.st.usage, dmchamp.UsageRow{
				SubAccountID: sub.UID, SubAccountEmail: sub.Email, SubAccountName: sub.FirstName + " " + sub.LastName,
				Date: now.Add(-time.Duration(i*29+5) * time.Hour).Truncate(time.Second), Amount: float64(1 + i%3),
				Reason: "AI reply", CampaignName: "Spring promotion", ContactName: contact.first + " " + contact.last,
				CreditType: "monthly", CustomKeysUsed: i == 4, Description: "Reply on " + contact.channel, AIModel: "gpt-4o",
			})
		}
	}

	julia := &chatbot{id: s.objectID(), name: "Julia – Nutrition Coach", description: "Helps clients plan balanced meals", created: now.Add(-90 * 24 * time.Hour)}
	sam := &chatbot{id: s.objectID(), name: "Sam – Sleep Coach", description: "Builds healthier bedtime routines", created: now.Add(-80 * 24 * time.Hour)}
	s.st.bots = append(s.st.bots, julia, sam)
	tom := &sessionClient{id: s.objectID(), name: "Tom Becker", email: "tom.becker@example.com", created: now.Add(-70 * 24 * time.Hour)}
	amara := &sessionClient{id: s.objectID(), name: "Amara Okafor", email: "amara.okafor@example.com", created: now.Add(-65 * 24 * time.Hour)}
	s.st.clients = append(s.st.clients, tom, amara)
	for _, d := range []struct {
		bot    *chatbot
		client *sessionClient
		title  string
		ago    time.Duration
		status dmchamp.SessionStatus
		turns  []string
	}{
		{sam, tom, "Bedtime routine", 50 * time.Hour, dmchamp.SessionTerminated, []string{"I wake up at 3am every night.", "Let's look at your evening routine first. When do you have your last coffee?"}},
		{julia, amara, "Meal plan review", 20 * time.Hour, dmchamp.SessionCompleted, []string{"Can you check my meal plan for this week?", "It looks balanced! Add a portion of legumes on Wednesday for more fibre."}},
		{julia, tom, "Weekly check-in", 2 * time.Hour, dmchamp.SessionActive, []string{"I skipped breakfast twice this week, is that a problem?", "Now and then it's fine. Did you notice being hungrier later in the day?"}},
	} {
		start := now.Add(-d.ago)
		x := &session{id: s.objectID(), chatbotID: d.bot.id, clientID: d.client.id, title: d.title, start: start,
			status: d.status, created: start, updated: start.Add(5 * time.Minute), version: len(d.turns)}
		for j, text := range d.turns {
			role := dmchamp.RoleUser
			if j%2 == 1 {
				role = dmchamp.RoleAssistant
			}
			x.messages = append(x.messages, dmchamp.SessionMessage{ID: s.objectID(), Role: role, Content: text, Timestamp: start.Add(time.Duration(j*3+1) * time.Second)})
		}
		if d.status != dmchamp.SessionActive {
			end := start.Add(32 * time.Minute)
			x.end = &end
		}
		if d.status == dmchamp.SessionCompleted {
			x.feedback = &dmchamp.Feedback{Rating: 5, Comment: "Very helpful"}
		}
		s.st.sessions = append(s.st.sessions, x)
	}
}

func (s *Server) demoMessage(channel string, dir dmchamp.MessageDirection, body string, at time.Time) dmchamp.ChatMessage {
	status := "read"
	if dir == dmchamp.DirectionInbound {
		status = "received"
	}
	prefix := "msg_"
	if channel == "whatsapp" || channel == "whatsapp_web" {
		prefix = "wamid."
	}
	ts := at
	return dmchamp.ChatMessage{ID: prefix + s.id(), Body: body, Direction: dir, Timestamp: &ts, Type: "text", Channel: channel, Status: status}
}
