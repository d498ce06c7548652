package dingtalk

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/internal/msgcrypt"
)

// ErrCallbackRefused: a callback did not verify (signature, owner key, encryption),
// came too late, or was seen before. Nothing in it was used.
var ErrCallbackRefused = fmt.Errorf("dingtalk: callback refused: %w", orgkit.ErrInvalid)

// CallbackConfig holds what the app's event subscription settings hold: the token
// and the EncodingAESKey (aes_key), both secrets, and the owner key DingTalk puts
// inside every message.
type CallbackConfig struct {
	// Token is the token set in the subscription: it signs every callback.
	Token connector.Secret
	// EncodingAESKey is the subscription's aes_key, 43 characters of base64: the
	// key that encrypts every callback.
	EncodingAESKey connector.Secret
	// OwnerKey is the app's AppKey for the event subscriptions of a self-built app
	// (the developer console's "事件订阅"), or the corp ID for callbacks registered
	// through the older register_call_back API.
	OwnerKey string
	// MaxAge is how old a callback may be (0 means 5 minutes); older ones, and ones
	// from further than that in the future, are refused as replays.
	MaxAge time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Callbacks verifies and decrypts DingTalk's HTTP event callbacks, answers them as
// DingTalk expects (Reply), and refuses a callback seen before. It is safe for
// concurrent use.
type Callbacks struct {
	cfg CallbackConfig
	rx  *msgcrypt.Receiver
}

// NewCallbacks checks the configuration: a token, a 43-character EncodingAESKey and
// an owner key.
func NewCallbacks(cfg CallbackConfig) (*Callbacks, error) {
	rx, err := msgcrypt.NewReceiver(msgcrypt.Settings{Prefix: "dingtalk", Token: cfg.Token.Reveal(), EncodingAESKey: cfg.EncodingAESKey.Reveal(),
		ID: cfg.OwnerKey, IDField: "OwnerKey", IDHint: " (the AppKey, or the corp ID)", IDName: "owner", MaxAge: cfg.MaxAge, Now: cfg.Now, Time: timestamp, Refused: ErrCallbackRefused})
	if err != nil {
		return nil, err
	}
	cfg.MaxAge = rx.MaxAge
	return &Callbacks{cfg: cfg, rx: rx}, nil
}

// timestamp reads DingTalk's timestamps: milliseconds, or seconds (a number that
// would be before 1973 in milliseconds).
func timestamp(ts string) (time.Time, bool) {
	n, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || n <= 0 {
		return time.Time{}, false
	}
	if n < 100_000_000_000 {
		return time.Unix(n, 0), true
	}
	return time.UnixMilli(n), true
}

func (cb *Callbacks) now() time.Time {
	if cb.cfg.Now != nil {
		return cb.cfg.Now()
	}
	return time.Now()
}

func refuse(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCallbackRefused, fmt.Sprintf(format, args...))
}

// Event is a decrypted DingTalk event. Contact events name only IDs:
// Client.Delta reads what they name.
type Event struct {
	// Type is the event type (EventType): "check_url" when DingTalk checks the
	// callback address, "user_add_org", "org_dept_modify", ….
	Type string
	// CorpID is the organization the event is about.
	CorpID string
	// UserIDs and DeptIDs are the members and departments it names.
	UserIDs, DeptIDs []string
	// At is when DingTalk says the event happened (TimeStamp), if it says.
	At time.Time
	// JSON is the decrypted message.
	JSON []byte
}

// Decode verifies and decrypts a callback — the POST's query (msg_signature or
// signature, timestamp or timeStamp, nonce) and its JSON body ({"encrypt": …}) —
// and returns the event. A callback that does not verify, is too old or was seen
// before is refused with ErrCallbackRefused. Answer every accepted callback, the
// URL check included, with Reply.
func (cb *Callbacks) Decode(q url.Values, body []byte) (*Event, error) {
	var env struct {
		Encrypt string `json:"encrypt"`
	}
	if err := json.Unmarshal(body, &env); err != nil || env.Encrypt == "" {
		return nil, refuse("the body is not an encrypted callback")
	}
	sig := cmpOr(q.Get("msg_signature"), q.Get("signature"))
	ts := cmpOr(q.Get("timestamp"), q.Get("timeStamp"))
	msg, err := cb.rx.Open(sig, ts, q.Get("nonce"), env.Encrypt, "the signature, timestamp, nonce or message is missing")
	if err != nil {
		return nil, err
	}
	var raw struct {
		EventType string          `json:"EventType"`
		CorpID    string          `json:"CorpId"`
		UserID    json.RawMessage `json:"UserId"`
		DeptID    json.RawMessage `json:"DeptId"`
		TimeStamp flexString      `json:"TimeStamp"`
	}
	if err := json.Unmarshal(msg, &raw); err != nil {
		return nil, refuse("the decrypted message is not a JSON object: %v", err)
	}
	ev := &Event{Type: raw.EventType, CorpID: raw.CorpID, UserIDs: ids(raw.UserID), DeptIDs: ids(raw.DeptID), JSON: msg}
	if ms, err := strconv.ParseInt(string(raw.TimeStamp), 10, 64); err == nil && ms > 0 {
		ev.At = time.UnixMilli(ms)
	}
	if ev.Type == "" {
		return nil, refuse("the message has no EventType")
	}
	return ev, nil
}

// ids reads a list of IDs given as strings or numbers (or one alone), once each;
// other values are skipped.
func ids(raw json.RawMessage) []string {
	if len(raw) == 0 {
		return nil
	}
	var list []flexString
	if json.Unmarshal(raw, &list) != nil {
		var one flexString
		if json.Unmarshal(raw, &one) != nil {
			return nil
		}
		list = []flexString{one}
	}
	var out []string
	for _, x := range list {
		s := strings.TrimSpace(string(x))
		if s == "" || s == "null" || s == "true" || s == "false" || strings.ContainsAny(s[:1], "{[") || slices.Contains(out, s) {
			continue // not an ID: an object, a list, a boolean
		}
		out = append(out, s)
	}
	return out
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// Reply returns the answer DingTalk expects to every callback, the URL check
// included: the word "success" encrypted with the owner key and signed, as the
// JSON object {"msg_signature", "timeStamp", "nonce", "encrypt"}. Without it
// DingTalk takes the event as undelivered and sends it again.
func (cb *Callbacks) Reply() ([]byte, error) {
	encrypted, err := cb.rx.Cipher.Encrypt([]byte("success"), cb.cfg.OwnerKey)
	if err != nil {
		return nil, err
	}
	ts := strconv.FormatInt(cb.now().UnixMilli(), 10)
	nonce := rand.Text()[:16]
	return json.Marshal(map[string]string{"msg_signature": msgcrypt.Sign(cb.cfg.Token.Reveal(), ts, nonce, encrypted), "timeStamp": ts,
		"nonce": nonce, "encrypt": encrypted})
}

// Handler serves DingTalk's callbacks at the address set up in the developer
// console: it decodes each POST, hands every event but the URL check to handle, and
// answers with Reply once handle returns nil. A refused callback gets 403, a failed
// handle 500 (DingTalk sends the event again later).
func (cb *Callbacks) Handler(handle func(context.Context, *Event) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "POST only", http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, "unreadable body", http.StatusBadRequest)
			return
		}
		ev, err := cb.Decode(r.URL.Query(), body)
		if err != nil {
			http.Error(w, "refused", http.StatusForbidden)
			return
		}
		if ev.Type != "check_url" {
			if err := handle(r.Context(), ev); err != nil {
				http.Error(w, "not handled", http.StatusInternalServerError)
				return
			}
		}
		reply, err := cb.Reply()
		if err != nil {
			http.Error(w, "no reply", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(reply)
	})
}

// Contact events Delta turns into delta snapshots.
const (
	EventUserAdd    = "user_add_org"
	EventUserModify = "user_modify_org"
	EventUserActive = "user_active_org"
	EventUserLeave  = "user_leave_org"
	EventDeptCreate = "org_dept_create"
	EventDeptModify = "org_dept_modify"
	EventDeptRemove = "org_dept_remove"
)

// Delta turns a contact event into a delta snapshot for connector.SyncSnapshot. The
// events name only IDs, so it reads what they name: members added, changed or
// activated (user/get: every field the lists give, the departments, the leader flags
// and, with Options.ReportingManagers, the manager) — one DingTalk no longer knows
// (60121) is removed; departments created or changed (department/get) — one gone
// (60003) is removed, one out of the app's scope is partial. Members who left and
// departments removed are removed. Other events, the URL check among them, give an
// empty delta. An event of another organization is refused (ErrCallbackRefused).
func (c *Client) Delta(ctx context.Context, ev *Event) (*connector.Snapshot, error) {
	snap := &connector.Snapshot{Delta: true, RootID: RootID}
	if ev == nil {
		return snap, nil
	}
	if ev.CorpID != "" && ev.CorpID != c.cfg.CorpID {
		return nil, refuse("event of organization %q, not %q", ev.CorpID, c.cfg.CorpID)
	}
	switch ev.Type {
	case EventUserAdd, EventUserModify, EventUserActive:
		for _, id := range ev.UserIDs {
			u, err := c.user(ctx, id)
			switch {
			case CodeOf(err) == codeUnknownUser:
				snap.RemovedMembers = append(snap.RemovedMembers, id)
			case err != nil:
				return nil, err
			default:
				if u.UserID == "" {
					u.UserID = id
				}
				snap.Members = append(snap.Members, c.member(u, true))
			}
		}
	case EventUserLeave:
		snap.RemovedMembers = slices.Clone(ev.UserIDs)
	case EventDeptCreate, EventDeptModify:
		for _, id := range ev.DeptIDs {
			n, err := strconv.ParseInt(id, 10, 64)
			if err != nil || n <= 1 {
				continue // not a department, or the root
			}
			var got struct {
				Result apiDept `json:"result"`
			}
			err = c.post(ctx, "/topapi/v2/department/get", map[string]any{"dept_id": n}, &got)
			switch {
			case CodeOf(err) == codeDeptMissing:
				snap.RemovedDepartments = append(snap.RemovedDepartments, id)
			case err != nil && outOfScope(err):
				snap.PartialDepartments = append(snap.PartialDepartments, id)
			case err != nil:
				return nil, err
			default:
				snap.Departments = append(snap.Departments, c.detailed(got.Result, connector.Department{ExternalID: id}))
			}
		}
	case EventDeptRemove:
		snap.RemovedDepartments = slices.DeleteFunc(slices.Clone(ev.DeptIDs), func(id string) bool { return id == RootID })
	}
	return snap, nil
}
