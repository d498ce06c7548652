package wecom

import (
	"encoding/xml"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/internal/msgcrypt"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
)

// ErrCallbackRefused: a callback did not verify (signature, receiver, encryption),
// came too late, or was seen before. Nothing in it was used.
var ErrCallbackRefused = fmt.Errorf("wecom: callback refused: %w", orgkit.ErrInvalid)

// CallbackConfig holds what the app's callback settings hold: the token and the
// EncodingAESKey, both secrets, and the receiver ID (the corp ID for a self-built
// app).
type CallbackConfig struct {
	Token          connector.Secret
	EncodingAESKey connector.Secret
	ReceiverID     string
	// MaxAge is how old a callback may be (0 means 5 minutes); older ones, and ones
	// from further than that in the future, are refused as replays.
	MaxAge time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Callbacks verifies and decodes WeCom's callbacks: the URL check when the callback
// address is set up, and contact changes (change_contact), which it turns into the
// sync engine's delta snapshots — a changed userid included, which the list APIs
// never report. It refuses a callback seen before. It is safe for concurrent use.
type Callbacks struct {
	cfg CallbackConfig
	rx  *msgcrypt.Receiver
}

// NewCallbacks checks the configuration: a token, a 43-character EncodingAESKey and
// a receiver ID.
func NewCallbacks(cfg CallbackConfig) (*Callbacks, error) {
	rx, err := msgcrypt.NewReceiver(msgcrypt.Settings{Prefix: "wecom", Token: cfg.Token.Reveal(), EncodingAESKey: cfg.EncodingAESKey.Reveal(),
		ID: cfg.ReceiverID, IDField: "ReceiverID", IDName: "receiver", MaxAge: cfg.MaxAge, Now: cfg.Now, Time: timestamp, Refused: ErrCallbackRefused})
	if err != nil {
		return nil, err
	}
	cfg.MaxAge = rx.MaxAge
	return &Callbacks{cfg: cfg, rx: rx}, nil
}

// timestamp reads WeCom's timestamps: seconds.
func timestamp(ts string) (time.Time, bool) {
	sec, err := strconv.ParseInt(ts, 10, 64)
	return time.Unix(sec, 0), err == nil
}

func refuse(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCallbackRefused, fmt.Sprintf(format, args...))
}

// VerifyURL answers WeCom's check of the callback address (a GET with
// msg_signature, timestamp, nonce and echostr): the text to answer with.
func (cb *Callbacks) VerifyURL(q url.Values) (string, error) {
	msg, err := cb.open(q, q.Get("echostr"))
	if err != nil {
		return "", err
	}
	return string(msg), nil
}

// Decode verifies and decrypts a callback (the POST's query and body) and turns a
// contact change into a delta snapshot for connector.SyncSnapshot: a created or
// updated member with the fields the event carries (events name only what changed,
// and callbacks set up since August 2022 carry only the userid and departments), a
// changed userid in RenamedMembers, a deleted member in RemovedMembers, and the same
// for departments. Other events give an empty delta. A callback that does not
// verify, is too old or was seen before is refused with ErrCallbackRefused.
func (cb *Callbacks) Decode(q url.Values, body []byte) (*connector.Snapshot, error) {
	var env struct {
		Encrypt string `xml:"Encrypt"`
	}
	if err := xml.Unmarshal(body, &env); err != nil || env.Encrypt == "" {
		return nil, refuse("the body is not an encrypted callback")
	}
	msg, err := cb.open(q, env.Encrypt)
	if err != nil {
		return nil, err
	}
	var ev contactEvent
	if err := xml.Unmarshal(msg, &ev); err != nil {
		return nil, refuse("the decrypted message is not XML: %v", err)
	}
	return ev.delta()
}

// open checks the signature, age and novelty of a callback and decrypts its text.
func (cb *Callbacks) open(q url.Values, encrypted string) ([]byte, error) {
	return cb.rx.Open(q.Get("msg_signature"), q.Get("timestamp"), q.Get("nonce"), encrypted,
		"msg_signature, timestamp, nonce or the message is missing")
}

// contactEvent is a decrypted callback; only change_contact events are read.
type contactEvent struct {
	MsgType    string  `xml:"MsgType"`
	Event      string  `xml:"Event"`
	ChangeType string  `xml:"ChangeType"`
	UserID     string  `xml:"UserID"`
	NewUserID  string  `xml:"NewUserID"`
	Name       *string `xml:"Name"`
	Department *string `xml:"Department"`
	MainDept   *int64  `xml:"MainDepartment"`
	IsLeader   *string `xml:"IsLeaderInDept"`
	Leader     *string `xml:"DirectLeader"`
	Position   *string `xml:"Position"`
	Mobile     *string `xml:"Mobile"`
	Gender     *string `xml:"Gender"`
	Email      *string `xml:"Email"`
	Status     *int    `xml:"Status"`
	Avatar     *string `xml:"Avatar"`
	Telephone  *string `xml:"Telephone"`
	ID         string  `xml:"Id"`
	ParentID   *string `xml:"ParentId"`
	Order      *int64  `xml:"Order"`
}

func (ev *contactEvent) delta() (*connector.Snapshot, error) {
	snap := &connector.Snapshot{Delta: true, RootID: RootID}
	if ev.Event != "change_contact" {
		return snap, nil
	}
	switch ev.ChangeType {
	case "create_user", "update_user":
		if ev.UserID == "" {
			return nil, refuse("%s without a UserID", ev.ChangeType)
		}
		ext := ev.UserID
		if ev.NewUserID != "" && ev.NewUserID != ev.UserID {
			snap.RenamedMembers = map[string]string{ev.UserID: ev.NewUserID}
			ext = ev.NewUserID
		}
		snap.Members = append(snap.Members, ev.member(ext))
	case "delete_user":
		if ev.UserID == "" {
			return nil, refuse("delete_user without a UserID")
		}
		snap.RemovedMembers = []string{ev.UserID}
	case "create_party", "update_party":
		if ev.ID == "" {
			return nil, refuse("%s without an Id", ev.ChangeType)
		}
		d := connector.Department{ExternalID: ev.ID}
		if ev.Name != nil {
			d.Name, d.Present = orgkit.Names{Default: *ev.Name}, append(d.Present, orgtree.NameField)
		}
		if ev.ParentID != nil {
			d.Parent, d.Present = *ev.ParentID, append(d.Present, orgtree.ParentField)
		}
		if ev.Order != nil {
			d.Order, d.Present = order(*ev.Order), append(d.Present, orgtree.OrderField)
		}
		snap.Departments = append(snap.Departments, d)
	case "delete_party":
		if ev.ID == "" {
			return nil, refuse("delete_party without an Id")
		}
		snap.RemovedDepartments = []string{ev.ID}
	}
	return snap, nil
}

// member maps the fields an event carries, as the member lists' are mapped.
func (ev *contactEvent) member(ext string) connector.Member {
	u := apiUser{UserID: ext, Name: ev.Name, Position: ev.Position, Mobile: ev.Mobile, Gender: ev.Gender, Email: ev.Email,
		Avatar: ev.Avatar, Telephone: ev.Telephone, MainDepartment: ev.MainDept, Status: 1}
	if ev.Status != nil {
		u.Status = *ev.Status
	}
	if ev.Leader != nil {
		leaders := splitList(*ev.Leader)
		u.DirectLeader = &leaders
	}
	var c Client              // no extattr mapping in events
	if ev.Department == nil { // departments not in the event: not given
		m := c.member(u)
		m.Present = slices.DeleteFunc(m.Present, func(f member.Field) bool {
			return f == member.PrimaryDepartmentField || f == member.SecondaryDepartmentsField
		})
		m.Departments, m.StatusAbsent = nil, ev.Status == nil
		return m
	}
	deps := splitList(*ev.Department)
	u.Department = make([]int64, 0, len(deps))
	for _, d := range deps {
		if id, err := strconv.ParseInt(d, 10, 64); err == nil {
			u.Department = append(u.Department, id)
		}
	}
	if ev.IsLeader != nil {
		for _, s := range splitList(*ev.IsLeader) {
			n, _ := strconv.Atoi(s)
			u.IsLeaderInDept = append(u.IsLeaderInDept, n)
		}
	}
	m := c.member(u)
	m.StatusAbsent = ev.Status == nil
	return m
}

func splitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}
