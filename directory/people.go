package directory

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/internal/i18n"
	"github.com/orgkit/orgkit/internal/seal"
	"github.com/orgkit/orgkit/member"
)

// This file holds the people operations of the employee list (its quick
// actions): the execution of member.SetLoginBlocked, member.SetReportingManager and
// member.SetDepartments, self-join, password resets and activation reminders through
// host interfaces, and member cards rendered from a snapshot.

// liveMembers looks every listed member up (zero IDs and duplicates dropped) and
// reports each unknown one, naming its ID.
func (b *batch) liveMembers(ids []orgkit.MemberID) []*member.Member {
	var ms []*member.Member
	for _, id := range clean(ids) {
		if m, ok := b.liveMember(id, memberIDRecord(id), "members"); ok {
			ms = append(ms, m)
		}
	}
	return ms
}

// setLoginBlocked blocks or allows login. Blocking the last active org admin who may
// still log in is refused.
func (b *batch) setLoginBlocked(c member.SetLoginBlocked) {
	since := len(b.violations)
	ms := b.liveMembers(c.Members)
	if b.failed(since) {
		return
	}
	admin := false
	for _, m := range ms {
		if m.LoginBlocked == c.Blocked {
			continue
		}
		e := m.Clone()
		e.LoginBlocked = c.Blocked
		b.putMember(e)
		if a := b.assignment(m.ID); c.Blocked && m.Status == orgkit.Active && a != nil && a.Holds(b.settings.AdminRole) {
			admin = true
		}
	}
	if admin && b.loginAdmins() == 0 && b.base.version > 0 {
		b.fail(orgkit.CodeMemberLastAdmin, b.directoryRecord(), "org_admin", "")
	}
}

// loginAdmins counts the active org admins whose login is not blocked.
func (b *batch) loginAdmins() int {
	n := 0
	for id, a := range b.assigned.All() {
		if a.Holds(b.settings.AdminRole) {
			if m, ok := b.member(id); ok && m.Status == orgkit.Active && !m.LoginBlocked {
				n++
			}
		}
	}
	return n
}

// setReportingManager sets or clears the reporting manager of members. Whether the
// manager is active and the line has no cycle is checked once here and again, for
// every changed member, on the final state.
func (b *batch) setReportingManager(c member.SetReportingManager) {
	since := len(b.violations)
	ms := b.liveMembers(c.Members)
	if !c.Manager.IsZero() {
		if mgr, ok := b.liveMember(c.Manager, orgkit.Ref{Kind: orgkit.KindCommand}, "reporting_manager"); ok && mgr.Status != orgkit.Active {
			b.fail(orgkit.CodeMemberManagerInactive, memberRecord(mgr), "reporting_manager", mgr.ID.String(), mgr.Ref())
		}
	}
	for _, m := range ms {
		if m.ID == c.Manager {
			b.fail(orgkit.CodeMemberManagerSelf, memberRecord(m), "reporting_manager", m.ID.String())
		}
	}
	if b.failed(since) {
		return
	}
	for _, m := range ms {
		if m.ReportingManager == c.Manager {
			continue
		}
		e := m.Clone()
		e.ReportingManager = c.Manager
		b.putMember(e)
	}
}

// setDepartments reassigns primary and secondary departments.
func (b *batch) setDepartments(c member.SetDepartments) {
	since := len(b.violations)
	ms := b.liveMembers(c.Members)
	cmd := orgkit.Ref{Kind: orgkit.KindCommand}
	resolve := func(id orgkit.NodeID, field orgkit.FieldName) orgkit.NodeID {
		if id.IsZero() {
			return id
		}
		n, ok := b.node(id)
		if !ok || n.Status == orgkit.Retired {
			b.fail(orgkit.CodeReferenceNotFound, cmd, field, id.String())
			b.cascade(id.UUID())
			return id
		}
		return n.ID
	}
	primary := orgkit.NodeID{}
	if c.SetPrimary {
		primary = resolve(c.Primary, "primary_department")
	}
	secondary := make([]orgkit.NodeID, len(c.Secondary))
	for i, id := range c.Secondary {
		secondary[i] = resolve(id, "secondary_departments")
	}
	secondary = clean(secondary)
	switch {
	case c.SecondaryMode > member.RemoveSecondary:
		b.fail(orgkit.CodeFieldInvalid, cmd, "secondary_mode", fmt.Sprint(c.SecondaryMode))
	case c.SecondaryMode == member.KeepSecondary && len(secondary) > 0:
		b.fail(orgkit.CodeMemberSecondaryKept, cmd, "secondary_mode", "keep")
	}
	if b.failed(since) {
		return
	}
	for _, m := range ms {
		e := m.Clone()
		sec := make([]orgkit.NodeID, 0, len(e.Secondary)+len(secondary))
		for _, id := range e.Secondary {
			if n, ok := b.node(id); ok {
				id = n.ID
			}
			if c.SetPrimary && id == primary {
				continue // promoted to primary
			}
			sec = append(sec, id)
		}
		if c.SetPrimary {
			e.Primary = primary
		}
		switch c.SecondaryMode {
		case member.ReplaceSecondary:
			sec = slices.Clone(secondary)
		case member.AddSecondary:
			sec = append(sec, secondary...)
		case member.RemoveSecondary:
			sec = slices.DeleteFunc(sec, func(id orgkit.NodeID) bool { return slices.Contains(secondary, id) })
		}
		e.Secondary = clean(sec)
		if !b.resolveAffiliations(e) {
			continue
		}
		if len(member.Changed(m, e)) == 0 {
			continue
		}
		b.putMember(e)
	}
}

// Registration is what a newly registered user gives to join a directory by
// themselves (see Service.Join).
type Registration struct {
	// ID of the new member; zero means a new one.
	ID orgkit.MemberID
	// Name is the system name (unique in the directory). Required.
	Name string
	// FullName is the display name; empty means Name.
	FullName string
	// Mobile and Email: at least the one the login method needs. The login method is
	// mobile when a mobile is given, email otherwise.
	Mobile string
	Email  string // see Mobile
	// LoginAccount, Language ("zh-Hans") and TimeZone ("Asia/Shanghai") are optional.
	LoginAccount string
	Language     string // see LoginAccount
	TimeZone     string // see LoginAccount
	// ActivatedAt is when the user activated the account by registering; zero if not.
	ActivatedAt time.Time
}

// join is the command Service.Join runs: the self-join check and the member's creation
// happen in one batch, against the settings the batch commits on.
type join struct{ m member.Member }

// CommandName implements orgkit.Command.
func (join) CommandName() string { return "directory.join" }

func (c join) Sealed(seal.Token) orgkit.Command { return c }

func (b *batch) join(c join) {
	if b.settings.DisallowSelfJoin {
		b.fail(orgkit.CodeDirectorySelfJoin, b.directoryRecord(), "self_join", c.m.SystemName.Default)
		return
	}
	b.createMember(member.Create(c.m))
}

// Join adds a newly registered user to the directory as an active member with no
// department (SelfJoined set), when the directory allows self-join
// (store.DirectoryRecord.DisallowSelfJoin is false, the default). Otherwise it fails
// with a directory.self_join.disallowed violation (errors.Is(err, orgkit.ErrInvalid)).
// Field rules and uniqueness apply as to any new member. It returns the new member as
// stored.
func (s *Service) Join(ctx context.Context, dir orgkit.DirectoryID, r Registration) (member.Member, error) {
	id := r.ID
	if id.IsZero() {
		id = orgkit.NewMemberID()
	}
	full := r.FullName
	if full == "" {
		full = r.Name
	}
	login := member.LoginByMobile
	if r.Mobile == "" && r.Email != "" {
		login = member.LoginByEmail
	}
	m := member.Member{
		ID: id, SystemName: orgkit.Name(r.Name), FullName: full, LoginMethod: login,
		Mobile: r.Mobile, Email: r.Email, LoginAccount: r.LoginAccount,
		Language: r.Language, TimeZone: r.TimeZone, ActivatedAt: r.ActivatedAt, SelfJoined: true,
	}
	res, err := s.Apply(ctx, dir, Meta{Actor: "member " + id.String(), Reason: "self-join"}, join{m})
	if err != nil {
		return member.Member{}, err
	}
	got, _ := res.Snapshot.Member(id)
	return got, nil
}

// PasswordResetter is the host's password service. orgkit never stores passwords: it
// picks the members whose password may be reset and asks the host to do it.
type PasswordResetter interface {
	// ResetPassword resets the member's password (the product sends no SMS for it). m
	// is a copy of the member, the host's to keep or change.
	ResetPassword(ctx context.Context, dir orgkit.DirectoryID, m *member.Member) error
}

// ActivationSender is the host's messaging service for activation reminders.
type ActivationSender interface {
	// SendActivation reminds the member to activate the account, by SMS to the mobile
	// or by email. m is a copy of the member, the host's to keep or change.
	SendActivation(ctx context.Context, dir orgkit.DirectoryID, m *member.Member, via Channel) error
}

// Channel is how an activation reminder reaches a member.
type Channel uint8

const (
	// ChannelAuto uses the member's login method: SMS for mobile, email for email.
	ChannelAuto Channel = iota
	// ChannelSMS sends an SMS to the member's mobile.
	ChannelSMS
	// ChannelEmail sends an email to the member's email address.
	ChannelEmail
)

// String returns "auto", "sms" or "email".
func (c Channel) String() string {
	switch c {
	case ChannelAuto:
		return "auto"
	case ChannelSMS:
		return "sms"
	case ChannelEmail:
		return "email"
	}
	return "unknown"
}

// Outcome says what happened to one member of a reset or reminder request.
type Outcome uint8

const (
	// Done: the host was called and succeeded.
	Done Outcome = iota + 1
	// Ineligible: the member was not eligible; Reason says why. The host was not called.
	Ineligible
	// Failed: the host was called and returned an error (or the context ended first).
	Failed
)

// String returns "done", "ineligible" or "failed".
func (o Outcome) String() string {
	switch o {
	case Done:
		return "done"
	case Ineligible:
		return "ineligible"
	case Failed:
		return "failed"
	}
	return "unknown"
}

// Reason is why a member was not eligible: a stable dotted code with a localized
// text (Text).
type Reason string

// The reasons a member is not eligible for a password reset or an activation reminder.
const (
	ReasonNotFound     Reason = "member.not_found"
	ReasonInactive     Reason = "member.inactive"
	ReasonLoginBlocked Reason = "member.login_blocked"
	ReasonActivated    Reason = "member.already_activated"
	ReasonNoMobile     Reason = "member.mobile.missing"
	ReasonNoEmail      Reason = "member.email.missing"
	ReasonBadChannel   Reason = "channel.invalid"
)

var reasonTexts = i18n.NewTexts(
	i18n.Text{Key: string(ReasonNotFound), Forms: [3]string{"the member does not exist in this directory", "该成员不在此组织架构中", "該成員不在此組織架構中"}},
	i18n.Text{Key: string(ReasonInactive), Forms: [3]string{"the member is not active", "该成员未启用", "該成員未啟用"}},
	i18n.Text{Key: string(ReasonLoginBlocked), Forms: [3]string{"the member's login is blocked", "该成员已被禁止登录", "該成員已被禁止登入"}},
	i18n.Text{Key: string(ReasonActivated), Forms: [3]string{"the account is already activated", "该账号已激活", "該帳號已啟用"}},
	i18n.Text{Key: string(ReasonNoMobile), Forms: [3]string{"the member has no mobile number for an SMS", "该成员没有可接收短信的手机号", "該成員沒有可接收簡訊的手機號"}},
	i18n.Text{Key: string(ReasonNoEmail), Forms: [3]string{"the member has no email address", "该成员没有邮箱", "該成員沒有郵箱"}},
	i18n.Text{Key: string(ReasonBadChannel), Forms: [3]string{"the channel is not valid", "发送渠道无效", "發送渠道無效"}},
)

// Text returns the reason in the language best matching tag (English, Simplified or
// Traditional Chinese).
func (r Reason) Text(tag language.Tag) string {
	if !reasonTexts.Has(string(r)) {
		return string(r)
	}
	return reasonTexts.Sprintf(tag, string(r))
}

// Notice is the outcome for one member of ResetPasswords or RemindActivation.
type Notice struct {
	Member  orgkit.MemberID // the member requested
	Outcome Outcome         // what happened
	// Reason is set when Outcome is Ineligible.
	Reason Reason
	// Via is the channel used (activation reminders only).
	Via Channel
	// Err is the host's error when Outcome is Failed.
	Err error
}

// Report lists one Notice per requested member, in the order given (duplicates and
// zero IDs dropped). Nobody is skipped silently: an ineligible member is listed with
// its Reason.
type Report struct {
	Notices []Notice // one per member requested
}

// Count returns how many members had the outcome.
func (r *Report) Count(o Outcome) int {
	n := 0
	for _, x := range r.Notices {
		if x.Outcome == o {
			n++
		}
	}
	return n
}

// Members returns the members that had the outcome, in order.
func (r *Report) Members(o Outcome) []orgkit.MemberID {
	var out []orgkit.MemberID
	for _, x := range r.Notices {
		if x.Outcome == o {
			out = append(out, x.Member)
		}
	}
	return out
}

// ResetPasswords asks the host to reset the passwords of the listed members. Eligible
// are active members whose login is not blocked; every other member is reported as
// Ineligible with its reason. A host error fails that member only. The returned
// error is set only when the directory cannot be read or ctx ends (the report then
// holds what was done so far, the rest marked Failed with ctx's error).
func (s *Service) ResetPasswords(ctx context.Context, dir orgkit.DirectoryID, host PasswordResetter, members ...orgkit.MemberID) (*Report, error) {
	snap, err := s.Snapshot(ctx, dir)
	if err != nil {
		return nil, err
	}
	return notify(ctx, snap, members, func(m *member.Member) (Channel, Reason) {
		return 0, loginEligible(m)
	}, func(m *member.Member, _ Channel) error {
		return host.ResetPassword(ctx, dir, m)
	})
}

// RemindActivation asks the host to send activation reminders (SMS or email
// for accounts never activated) to the listed members. Eligible are active members whose
// login is not blocked and who never activated their account (ActivatedAt zero), and
// who have a mobile (for ChannelSMS) or an email address (for ChannelEmail);
// ChannelAuto picks SMS or email by the member's login method. Every other member is
// reported as Ineligible with its reason. Errors are as for ResetPasswords.
func (s *Service) RemindActivation(ctx context.Context, dir orgkit.DirectoryID, host ActivationSender, via Channel, members ...orgkit.MemberID) (*Report, error) {
	snap, err := s.Snapshot(ctx, dir)
	if err != nil {
		return nil, err
	}
	return notify(ctx, snap, members, func(m *member.Member) (Channel, Reason) {
		return activationEligible(m, via)
	}, func(m *member.Member, ch Channel) error {
		return host.SendActivation(ctx, dir, m, ch)
	})
}

func loginEligible(m *member.Member) Reason {
	switch {
	case m.Status != orgkit.Active:
		return ReasonInactive
	case m.LoginBlocked:
		return ReasonLoginBlocked
	}
	return ""
}

func activationEligible(m *member.Member, via Channel) (Channel, Reason) {
	if r := loginEligible(m); r != "" {
		return via, r
	}
	if !m.ActivatedAt.IsZero() {
		return via, ReasonActivated
	}
	if via == ChannelAuto {
		via = ChannelSMS
		if m.LoginMethod == member.LoginByEmail {
			via = ChannelEmail
		}
	}
	switch {
	case via == ChannelSMS && m.Mobile == "":
		return via, ReasonNoMobile
	case via == ChannelEmail && m.Email == "":
		return via, ReasonNoEmail
	case via > ChannelEmail:
		return via, ReasonBadChannel
	}
	return via, ""
}

func notify(ctx context.Context, snap *Snapshot, ids []orgkit.MemberID, eligible func(*member.Member) (Channel, Reason), call func(*member.Member, Channel) error) (*Report, error) {
	rep := &Report{}
	for _, id := range clean(ids) {
		n := Notice{Member: id}
		m, ok := snap.member(id)
		switch {
		case ctx.Err() != nil:
			n.Outcome, n.Err = Failed, ctx.Err()
		case !ok:
			n.Outcome, n.Reason = Ineligible, ReasonNotFound
		default:
			n.Via, n.Reason = eligible(m)
			if n.Reason != "" {
				n.Outcome = Ineligible
			} else if n.Err = call(m.Clone(), n.Via); n.Err != nil { // the host's own copy
				n.Outcome = Failed
			} else {
				n.Outcome = Done
			}
		}
		rep.Notices = append(rep.Notices, n)
	}
	return rep, ctx.Err()
}

// NodeName returns the name of the node (following merge redirects) in the language
// best matching tag, or "" when there is no such node. With MemberName it lets a
// Snapshot resolve references when rendering member cards (member.Resolver).
func (s *Snapshot) NodeName(id orgkit.NodeID, tag language.Tag) string {
	if s.tree == nil {
		return ""
	}
	n, ok := s.tree.Shared().Node(id)
	if !ok {
		return ""
	}
	return n.Name.In(tag)
}

// MemberName returns how a member is shown to people: the full name, or when it is
// blank the system name in the language best matching tag; "" when there is no such
// member.
func (s *Snapshot) MemberName(id orgkit.MemberID, tag language.Tag) string {
	m, ok := s.member(id)
	if !ok {
		return ""
	}
	if m.FullName != "" {
		return m.FullName
	}
	return m.SystemName.In(tag)
}

var _ member.Resolver = (*Snapshot)(nil)

// Card renders the member's card with the layout in the language best matching tag:
// ordered, localized label/value pairs with blank fields left out, department and
// manager names looked up in this snapshot. See member.Layout.
func (s *Snapshot) Card(m *member.Member, kind member.CardKind, tag language.Tag) []member.CardItem {
	return s.CardLayout(kind).Render(m, tag, s)
}

// CardLayout returns the directory's layout of the card kind (member.DefaultLayout
// until an admin sets one with SetCardLayout).
func (s *Snapshot) CardLayout(kind member.CardKind) member.Layout {
	for _, l := range s.settings.CardLayouts {
		if l.Kind == kind {
			return l
		}
	}
	return member.DefaultLayout(kind)
}

func (b *batch) setCardLayout(l member.Layout) {
	var inv *orgkit.InvalidError
	if err := l.Validate(); errors.As(err, &inv) {
		for _, v := range inv.Violations {
			v.Command = b.cmd
			b.violations = append(b.violations, v)
		}
		return
	}
	d := b.settings.Clone()
	l.Fields = slices.Clone(l.Fields)
	d.CardLayouts = slices.DeleteFunc(d.CardLayouts, func(x member.Layout) bool { return x.Kind == l.Kind })
	d.CardLayouts = append(d.CardLayouts, l)
	slices.SortFunc(d.CardLayouts, func(a, b member.Layout) int { return int(a.Kind) - int(b.Kind) })
	b.putSettings(d)
}
