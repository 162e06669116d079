package webhook_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/dmchamp-go/dmchamp/webhook"
)

func hexMAC(secret, body []byte) string {
	h := hmac.New(sha256.New, secret)
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

func TestSignMatchesRFC4231(t *testing.T) {
	// RFC 4231, test case 2.
	got := webhook.Sign([]byte("Jefe"), []byte("what do ya want for nothing?"))
	want := "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
	if got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
}

func TestHMACSHA256(t *testing.T) {
	body := fixture(t, "events/envelope_new_contact.json")
	good := hexMAC(testSecret, body)
	tests := []struct {
		name   string
		header string // "-" for none
		ok     bool
		reason string
	}{
		{"prefixed", "sha256=" + good, true, ""},
		{"bare hex", good, true, ""},
		{"upper-case hex and prefix", "SHA256=" + strings.ToUpper(good), true, ""},
		{"spaces around", "  sha256=" + good + " ", true, ""},
		{"missing", "-", false, "header is missing"},
		{"empty", "", false, "header is missing"},
		{"wrong prefix", "sha1=" + good, false, "not sha256"},
		{"prefix only", "sha256=", false, "does not match"},
		{"other body", "sha256=" + hexMAC(testSecret, []byte(`{"event":"new_contact"}`)), false, "does not match"},
		{"other secret", "sha256=" + hexMAC([]byte("whsec_test_other"), body), false, "does not match"},
		{"one hex digit changed", "sha256=" + flipLast(good), false, "does not match"},
		{"truncated", "sha256=" + good[:62], false, "does not match"},
		{"too long", "sha256=" + good + "00", false, "does not match"},
		{"not hex", "sha256=" + strings.Repeat("zz", 32), false, "does not match"},
		{"the secret itself", string(testSecret), false, "does not match"},
	}
	v := webhook.HMACSHA256(testSecret)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := post(body, "")
			if tt.header != "-" {
				r.Header.Set(webhook.SignatureHeader, tt.header)
			}
			err := v(r, body)
			if tt.ok {
				if err != nil {
					t.Fatalf("refused a good signature: %v", err)
				}
				return
			}
			if !errors.Is(err, webhook.ErrSignature) {
				t.Fatalf("err = %v, want ErrSignature", err)
			}
			if !strings.Contains(err.Error(), tt.reason) {
				t.Errorf("err = %q, want it to say %q", err, tt.reason)
			}
			assertNoSecret(t, "the error", fmt.Sprintf("%v %+v", err, err))
			if strings.Contains(err.Error(), good) {
				t.Errorf("the error holds the expected signature: %v", err)
			}
		})
	}
}

func flipLast(s string) string {
	last := s[len(s)-1]
	if last == '0' {
		return s[:len(s)-1] + "1"
	}
	return s[:len(s)-1] + "0"
}

func TestHMACSHA256CopiesTheSecret(t *testing.T) {
	secret := append([]byte(nil), testSecret...)
	v := webhook.HMACSHA256(secret)
	body := []byte(`{"event":"new_contact"}`)
	sig := webhook.Sign(testSecret, body)
	secret[0] ^= 0xff // the caller reuses its buffer
	if err := v(post(body, sig), body); err != nil {
		t.Fatalf("the verifier used the caller's buffer: %v", err)
	}
}

func TestSharedSecret(t *testing.T) {
	secret := string(testSecret)
	tests := []struct {
		name   string
		header string // "-" for none
		ok     bool
	}{
		{"equal", secret, true},
		{"missing", "-", false},
		{"empty", "", false},
		{"one byte off", secret[:len(secret)-1] + "X", false},
		{"prefix of the secret", secret[:5], false},
		{"secret and more", secret + "x", false},
		{"with the sha256= prefix", "sha256=" + secret, false},
		{"case changed", strings.ToUpper(secret), false},
	}
	v := webhook.SharedSecret(secret)
	body := []byte(`{}`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := post(body, "")
			if tt.header != "-" {
				r.Header.Set(webhook.SignatureHeader, tt.header)
			}
			err := v(r, body)
			if tt.ok != (err == nil) {
				t.Fatalf("ok = %v, err = %v", tt.ok, err)
			}
			if err != nil {
				if !errors.Is(err, webhook.ErrSignature) {
					t.Fatalf("err = %v, want ErrSignature", err)
				}
				assertNoSecret(t, "the error", err.Error())
			}
		})
	}
}

// The verifiers compare through the constant-time function, over
// fixed-length values, whatever the header holds: how far a guess matches
// and how long it is cannot change the comparison's duration.
func TestVerifiersCompareInConstantTime(t *testing.T) {
	type comparison struct{ a, b []byte }
	var calls []comparison
	defer webhook.SwapEqual(func(a, b []byte) bool {
		calls = append(calls, comparison{bytes.Clone(a), bytes.Clone(b)})
		return bytes.Equal(a, b)
	})()

	body := []byte(`{"event":"new_contact"}`)
	mac, _ := hex.DecodeString(hexMAC(testSecret, body))
	hmacV := webhook.HMACSHA256(testSecret)
	for _, sig := range []string{webhook.Sign(testSecret, body), "sha256=" + flipLast(hexMAC(testSecret, body)), hexMAC([]byte("whsec_test_other"), body)} {
		calls = nil
		err := hmacV(post(body, sig), body)
		if len(calls) != 1 {
			t.Fatalf("HMACSHA256 made %d constant-time comparisons for %q, want 1", len(calls), sig)
		}
		given, _ := hex.DecodeString(strings.TrimPrefix(sig, "sha256="))
		if !bytes.Equal(calls[0].a, mac) || !bytes.Equal(calls[0].b, given) {
			t.Errorf("HMACSHA256 compared %x with %x, want the body's MAC with the given one", calls[0].a, calls[0].b)
		}
		if (err == nil) != bytes.Equal(given, mac) {
			t.Errorf("HMACSHA256(%q) = %v", sig, err)
		}
	}

	secret := string(testSecret)
	sharedV := webhook.SharedSecret(secret)
	want := sha256.Sum256(testSecret)
	for _, guess := range []string{secret, "w", secret[:10], secret + "-and-a-much-longer-tail", strings.Repeat("x", 4096)} {
		calls = nil
		r := post(body, "")
		r.Header.Set(webhook.SignatureHeader, guess)
		err := sharedV(r, body)
		if len(calls) != 1 {
			t.Fatalf("SharedSecret made %d constant-time comparisons for a %d-byte guess, want 1", len(calls), len(guess))
		}
		sum := sha256.Sum256([]byte(guess))
		if !bytes.Equal(calls[0].a, want[:]) || !bytes.Equal(calls[0].b, sum[:]) {
			t.Errorf("SharedSecret compared %x with %x, want the two SHA-256 digests", calls[0].a, calls[0].b)
		}
		if (err == nil) != (guess == secret) {
			t.Errorf("SharedSecret(%d-byte guess) = %v", len(guess), err)
		}
	}
}

func TestUnverifiedAcceptsAnything(t *testing.T) {
	if err := webhook.Unverified()(post([]byte("x"), ""), []byte("x")); err != nil {
		t.Fatal(err)
	}
}

func TestEmptySecretsPanic(t *testing.T) {
	for name, build := range map[string]func(){
		"HMACSHA256(nil)":  func() { webhook.HMACSHA256(nil) },
		"HMACSHA256([]{})": func() { webhook.HMACSHA256([]byte{}) },
		`SharedSecret("")`: func() { webhook.SharedSecret("") },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic for an empty secret")
				}
			}()
			build()
		})
	}
}

// Verification runs on the raw bytes before decoding: a body that is not
// JSON but carries a bad signature is refused for its signature.
func TestParseVerifiesBeforeDecoding(t *testing.T) {
	_, err := webhook.Parse(post([]byte("not json"), "sha256=00"), webhook.HMACSHA256(testSecret))
	if !errors.Is(err, webhook.ErrSignature) {
		t.Fatalf("err = %v, want ErrSignature", err)
	}
	var called bool
	v := func(r *http.Request, body []byte) error {
		called = true
		if string(body) != "not json" {
			t.Errorf("the verifier saw %q", body)
		}
		return nil
	}
	if _, err := webhook.Parse(post([]byte("not json"), ""), v); !errors.Is(err, webhook.ErrMalformed) || !called {
		t.Fatalf("err = %v, called = %v", err, called)
	}
}

func TestParseWithoutVerifierRefuses(t *testing.T) {
	_, err := webhook.Parse(post([]byte(`{"event":"new_contact"}`), ""), nil)
	if !errors.Is(err, webhook.ErrSignature) || !strings.Contains(err.Error(), "Unverified()") {
		t.Fatalf("err = %v, want ErrSignature naming Unverified()", err)
	}
}
