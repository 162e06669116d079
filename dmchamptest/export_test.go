package dmchamptest

// SetRecordLimit changes how many requests s keeps, so that tests can check
// the limit without sending 10,000 requests. Call it before any request.
func SetRecordLimit(s *Server, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.recordLimit = n
}
