package clumio

import (
	"encoding/json"
	"strconv"
	"strings"
)

// ErrorMessage reads Clumio's error envelope,
// {"errors":[{"error_code":359,"error_message":"..."}]}, into one line such as
// "359: The authentication token is missing". It returns "" when the body is
// not that envelope, so that the HTTP layer shows an excerpt instead.
func ErrorMessage(body []byte) string {
	var env errorEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		return ""
	}
	msgs := make([]string, 0, len(env.Errors))
	for _, e := range env.Errors {
		m := strings.TrimSpace(e.ErrorMessage)
		if e.ErrorCode != nil {
			m = strings.TrimSpace(strconv.FormatUint(*e.ErrorCode, 10) + ": " + m)
		}
		if m != "" {
			msgs = append(msgs, m)
		}
	}
	return strings.Join(msgs, "; ")
}
