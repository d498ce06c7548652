package connector

import (
	"errors"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/internal/textnorm"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
)

// mem is one valid upstream member and what the plan does with it.
type mem struct {
	src   *Member
	ext   string
	local *member.Member // nil: new
	id    orgkit.MemberID
	// value holds the desired values of the fields in set: for a new member every
	// field given at creation, for an existing one (a clone of the local member) the
	// fields that change.
	value *member.Member
	set   []member.Field
	// aff holds the member's affiliations when they differ from the local ones (and
	// for a new member); nil means unchanged.
	aff         *memAff
	matchKey    member.Field // the key a local member without external ID was matched by
	renamedFrom string       // … or the local member's external ID upstream changed from
	bound       bool         // … or it was bound by PlanOptions.Bindings
	activeFinal bool
	skip        bool
	status      MemberStatus // upstream's, or the local one when upstream did not say
	derivedName bool         // the system name was derived, not given
}

// memAff are a member's new affiliations.
type memAff struct {
	primary    orgkit.NodeID
	secondary  []orgkit.NodeID
	affDept    orgkit.NodeID
	affOrg     orgkit.NodeID
	moveFields []member.Field
}

var emptyMember = &member.Member{}

// uniqueChecked are the unique fields the planner keeps unique (the external ID is
// unique by matching).
var uniqueChecked = []member.Field{member.SystemNameField, member.EmployeeNumberField, member.MobileField, member.EmailField, member.LoginAccountField, member.SSOAccountField}

func (p *planner) planMembers() error {
	p.readMembers()
	p.indexLocal()
	if err := p.matchMembers(); err != nil {
		return err
	}
	var owned [64]bool
	for _, f := range p.fields.Member {
		if int(f) < len(owned) {
			owned[f] = true
		}
	}
	p.callingCode() // set before the workers read it
	p.parallel(func(m *mem, w *sink) {
		if m.local == nil {
			p.newValues(m, w)
		} else {
			p.diffValues(m, &owned, w)
		}
	})
	if err := p.ctx.Err(); err != nil {
		return err
	}
	p.claimUnique()
	if err := p.checkContacts(); err != nil {
		return err
	}
	for _, m := range p.members {
		m.activeFinal = !m.skip && m.status == Enabled
	}
	p.parallel(func(m *mem, w *sink) {
		if !m.skip {
			p.affiliations(m, w)
		}
	})
	p.stripLocalMembers()
	p.planManagers()
	p.memberItems()
	p.releaseItems()
	p.planLeaving()
	return p.ctx.Err()
}

// parallelChunk is the fewest members a worker of parallel gets (a variable so that
// tests can make small snapshots go parallel).
var parallelChunk = 4096

// parallel runs f on every upstream member, split over the available CPUs for large
// snapshots. Each worker has its own sink; their warnings are appended in member
// order, so the plan is the same however the work was split.
func (p *planner) parallel(f func(*mem, *sink)) {
	n := len(p.members)
	workers := min(runtime.GOMAXPROCS(0), n/parallelChunk)
	if workers < 2 {
		for _, m := range p.members {
			f(m, &p.main)
		}
		return
	}
	sinks := make([]sink, workers)
	var wg sync.WaitGroup
	for k := range workers {
		lo, hi := k*n/workers, (k+1)*n/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, m := range p.members[lo:hi] {
				f(m, &sinks[k])
			}
		}()
	}
	wg.Wait()
	for _, s := range sinks {
		p.main.warnings = append(p.main.warnings, s.warnings...)
	}
}

// indexLocal links the upstream members to the local members with their external
// IDs, lists the synced members gone upstream, and counts the active members.
func (p *planner) indexLocal() {
	for l := range p.snap.Shared().Members() {
		if l.Status == orgkit.Active {
			p.active++
		}
		if l.ExternalID == "" {
			continue
		}
		p.boundLocal++
		ext, renamed := l.ExternalID, false
		if nw, ok := p.renames[ext]; ok {
			ext, renamed = nw, true
		}
		if m := p.memByExt[ext]; m != nil {
			m.local, m.id = l, l.ID
			if renamed {
				m.matchKey, m.renamedFrom = member.ExternalIDField, l.ExternalID
			}
		} else {
			p.gone = append(p.gone, l)
		}
	}
}

func (p *planner) readMembers() {
	p.memByExt = make(map[string]*mem, len(p.up.Members))
	p.members = make([]*mem, 0, len(p.up.Members))
	backing := make([]mem, len(p.up.Members))
	for i := range p.up.Members {
		src := &p.up.Members[i]
		ext := strings.TrimSpace(src.ExternalID)
		switch {
		case ext == "":
			p.warn(WarnMemberInvalid, "", "member %q has no external ID: skipped", displayName(src.Values))
			continue
		case !validExternalID(ext):
			p.warn(WarnMemberInvalid, textnorm.Visible(ext, false), "external ID is not valid text (at most 128 characters, no control or invisible formatting characters): skipped")
			continue
		case p.memByExt[ext] != nil:
			p.warn(WarnMemberInvalid, ext, "external ID listed twice: the second (%q) is skipped", displayName(src.Values))
			continue
		}
		m := &backing[i]
		m.src, m.ext, m.status = src, ext, src.Status
		if src.StatusAbsent {
			m.status = Enabled // a new member; a local one keeps its status (matchMembers)
		}
		p.members = append(p.members, m)
		p.memByExt[ext] = m
	}
}

func displayName(v *member.Member) string {
	if v == nil {
		return ""
	}
	return v.DisplayName()
}

// matchMembers finds each upstream member's local member: by external ID, else by
// the caller's bindings, else by the match keys among local members without an
// external ID. On a first sync, upstream members left unmatched while active local
// members are too refuse the plan (unless CreateUnmatched).
func (p *planner) matchMembers() error {
	if err := p.bindMembers(); err != nil {
		return err
	}
	if err := p.matchByKeys(); err != nil {
		return err
	}
	if err := p.checkUnmatched(); err != nil {
		return err
	}
	for _, m := range p.members {
		if m.src.StatusAbsent && m.local != nil && m.local.Status != orgkit.Active {
			m.status = Disabled // upstream did not say: the local status stays
		}
	}
	p.extra = map[orgkit.MemberID]*mem{}
	for _, m := range p.members {
		if m.local == nil {
			m.id = orgkit.NewMemberID()
		}
		if m.local == nil || m.local.ExternalID != m.ext {
			p.extra[m.id] = m
		}
	}
	return nil
}

// bindMembers applies PlanOptions.Bindings, refusing any that cannot hold.
func (p *planner) bindMembers() error {
	var errs []error
	bad := func(ext string, id orgkit.MemberID, format string, args ...any) {
		errs = append(errs, fmt.Errorf("connector: binding of upstream member %q to member %s: %s: %w",
			ext, id, fmt.Sprintf(format, args...), orgkit.ErrInvalid))
	}
	boundTo := map[orgkit.MemberID]string{}
	for _, ext := range slices.Sorted(maps.Keys(p.opts.Bindings)) {
		id := p.opts.Bindings[ext]
		m := p.memByExt[strings.TrimSpace(ext)]
		l, ok := p.snap.Shared().Member(id)
		switch {
		case m == nil:
			bad(ext, id, "no such upstream member in the snapshot")
			continue
		case !ok:
			bad(ext, id, "no such member in the directory")
			continue
		case boundTo[id] != "":
			bad(ext, id, "the member is bound to upstream member %q too", boundTo[id])
			continue
		case l.ExternalID != "" && l.ExternalID != m.ext:
			bad(ext, id, "the member is bound to upstream member %q already", l.ExternalID)
			continue
		case m.local != nil && m.local.ID != id:
			bad(ext, id, "the upstream member is bound to member %s already", m.local.ID)
			continue
		}
		boundTo[id] = m.ext
		if p.boundByCaller == nil {
			p.boundByCaller = map[orgkit.MemberID]bool{}
		}
		p.boundByCaller[id] = true
		if m.local == nil {
			m.local, m.id, m.matchKey, m.bound = l, l.ID, member.ExternalIDField, true
		}
	}
	return errors.Join(errs...)
}

// checkUnmatched refuses a first sync into a populated directory that would create
// upstream members while active local members without external ID are unmatched.
func (p *planner) checkUnmatched() error {
	if p.opts.CreateUnmatched || p.boundLocal > 0 {
		return nil
	}
	var out UnmatchedError
	taken := map[orgkit.MemberID]bool{}
	for _, m := range p.members {
		if m.local == nil {
			out.Upstream = append(out.Upstream, UnmatchedUpstream{ExternalID: m.ext, Name: displayName(m.src.Values)})
		} else {
			taken[m.local.ID] = true
		}
	}
	if len(out.Upstream) == 0 {
		return nil
	}
	for l := range p.snap.Shared().Members() {
		if l.ExternalID == "" && l.Status == orgkit.Active && !taken[l.ID] {
			out.Local = append(out.Local, UnmatchedLocal{Member: l.ID, Name: l.DisplayName()})
		}
	}
	if len(out.Local) == 0 {
		return nil
	}
	return &out
}

// matchByKeys matches the upstream members still without a local member by the
// match keys, among local members without an external ID.
func (p *planner) matchByKeys() error {
	type match struct {
		m     *mem
		cands []Candidate
	}
	var pending []match
	claimedBy := map[orgkit.MemberID][]*mem{}
	for _, m := range p.members {
		if m.local != nil {
			continue
		}
		var cands []Candidate
		for _, f := range p.opts.MatchKeys {
			if f == member.ExternalIDField || !m.src.Has(f) || m.src.Values == nil {
				continue
			}
			probe := &member.Member{}
			f.Copy(probe, m.src.Values)
			if vs := p.opts.Rules.Normalize(probe, []member.Field{f}); len(vs) > 0 && vs[0].Code != orgkit.CodeMemberLoginMethod {
				continue
			}
			key := member.UniqueKey(f, probe)
			if key == "" {
				continue
			}
			l, ok := p.snap.Shared().MemberBy(f, key)
			if !ok || l.ExternalID != "" || p.boundByCaller[l.ID] {
				continue
			}
			if !slices.ContainsFunc(cands, func(c Candidate) bool { return c.Member == l.ID }) {
				cands = append(cands, Candidate{Member: l.ID, Name: l.DisplayName(), Key: f.String()})
			}
		}
		if len(cands) > 0 {
			pending = append(pending, match{m, cands})
			for _, c := range cands {
				claimedBy[c.Member] = append(claimedBy[c.Member], m)
			}
		}
	}
	var amb []Ambiguity
	for _, pm := range pending {
		c := pm.cands[0]
		if len(pm.cands) == 1 && len(claimedBy[c.Member]) == 1 {
			l, _ := p.snap.Shared().Member(c.Member)
			pm.m.local, pm.m.id = l, l.ID
			pm.m.matchKey, _ = member.FieldByName(c.Key)
			continue
		}
		if len(pm.cands) > 1 {
			amb = append(amb, Ambiguity{ExternalIDs: []string{pm.m.ext}, Candidates: pm.cands})
		}
	}
	// local members several upstream members matched, once each
	seen := map[orgkit.MemberID]bool{}
	for _, pm := range pending {
		for _, c := range pm.cands {
			ms := claimedBy[c.Member]
			if len(ms) < 2 || seen[c.Member] {
				continue
			}
			seen[c.Member] = true
			a := Ambiguity{Candidates: []Candidate{c}}
			for _, x := range ms {
				a.ExternalIDs = append(a.ExternalIDs, x.ext)
			}
			amb = append(amb, a)
		}
	}
	if len(amb) > 0 {
		return &AmbiguousMatchError{Matches: amb}
	}
	return nil
}

// memOf returns the upstream member that the local (or new) member id is, if any.
func (p *planner) memOf(id orgkit.MemberID) *mem {
	if m, ok := p.extra[id]; ok {
		return m
	}
	if l, ok := p.snap.Shared().Member(id); ok && l.ExternalID != "" {
		if m := p.memByExt[l.ExternalID]; m != nil && m.id == id {
			return m
		}
	}
	return nil
}

// newValues collects a new member's values: every field upstream gave, normalized; a
// value the rules refuse is left empty, with a warning. Without a system name, the
// member gets their full name (else their external ID) as one.
func (p *planner) newValues(m *mem, w *sink) {
	raw := m.src.Values
	if raw == nil {
		raw = emptyMember
	}
	v := &member.Member{}
	var seen uint64
	for _, f := range m.src.Present {
		if !f.Valid() || structural(f) || seen&(1<<f) != 0 {
			continue
		}
		seen |= 1 << f
		f.Copy(v, raw)
		m.set = append(m.set, f)
	}
	for _, vi := range p.opts.Rules.Normalize(v, m.set) {
		if f, ok := member.FieldByName(string(vi.Field)); ok && vi.Code != orgkit.CodeMemberLoginMethod {
			f.Copy(v, emptyMember)
			w.warn(WarnMemberValue, m.ext, "%s %q: %s; left empty", f, vi.Value, vi.Code)
		}
	}
	if v.SystemName.Default == "" {
		v.SystemName = orgkit.Name(p.opts.Rules.DeriveSystemName(v.FullName, m.ext))
		if seen&(1<<member.SystemNameField) == 0 {
			m.set = append(m.set, member.SystemNameField)
		}
		m.derivedName = true
	}
	m.value = v
}

// diffValues finds the owned fields upstream gave whose values differ from the local
// member's. A value the rules refuse is dropped, with a warning: the local one stays.
func (p *planner) diffValues(m *mem, owned *[64]bool, w *sink) {
	raw := m.src.Values
	if raw == nil {
		raw = emptyMember
	}
	var cand []member.Field
	var seen uint64
	for _, f := range m.src.Present {
		if !f.Valid() || structural(f) || !owned[f] || seen&(1<<f) != 0 {
			continue
		}
		seen |= 1 << f
		if p.sameAsStored(f, raw, m.local) {
			continue
		}
		cand = append(cand, f)
	}
	if len(cand) == 0 {
		return
	}
	v := m.local.Clone()
	for _, f := range cand {
		f.Copy(v, raw)
	}
	for _, vi := range p.opts.Rules.Normalize(v, cand) {
		if f, ok := member.FieldByName(string(vi.Field)); ok && vi.Code != orgkit.CodeMemberLoginMethod {
			f.Copy(v, m.local)
			w.warn(WarnMemberValue, m.ext, "%s %q: %s; local value kept", f, vi.Value, vi.Code)
		}
	}
	for _, f := range cand {
		if !f.Equal(v, m.local) {
			m.set = append(m.set, f)
		}
	}
	if len(m.set) > 0 {
		m.value = v
	}
}

// claimUnique keeps the unique fields unique. For each field, every value that an
// upstream member's change (or a new member) wants is settled among the upstream
// members that want or hold it: the one with the smallest external ID keeps it, and
// the others lose it, with a warning — the field is left empty, or, for a system
// name, which cannot be empty, gets the suffix " (<external ID>)". A member that holds
// the value in a field the sync does not own, or a local member (no external ID),
// keeps it against everyone. A member gone upstream gives up a value in a field the
// sync owns. For owned fields the outcome depends only on the upstream data, never on
// which member had the value first.
func (p *planner) claimUnique() {
	p.claims = map[member.Field]map[string]orgkit.MemberID{}
	for _, f := range uniqueChecked {
		owned := p.fields.OwnsMember(f)
		wants := map[string][]*mem{}
		isCh := map[orgkit.MemberID]bool{}
		for _, m := range p.members {
			if m.value == nil || m.local != nil && !slices.Contains(m.set, f) {
				continue
			}
			isCh[m.id] = true
			if k := member.UniqueKey(f, m.value); k != "" {
				wants[k] = append(wants[k], m)
			}
		}
		if len(wants) == 0 {
			continue
		}
		claimed := make(map[string]orgkit.MemberID, len(wants))
		p.claims[f] = claimed
		keys := slices.Sorted(maps.Keys(wants))
		for _, k := range keys {
			contenders := wants[k]
			var fixed *member.Member
			if o, ok := p.snap.Shared().MemberBy(f, k); ok && !isCh[o.ID] {
				switch hm := p.memOf(o.ID); {
				case hm != nil && owned:
					contenders = append(contenders, hm)
				case hm == nil && owned && o.ExternalID != "" && p.memByExt[o.ExternalID] == nil && p.release(o, f):
				default:
					fixed = o
				}
			}
			winner := slices.MinFunc(contenders, func(a, b *mem) int { return strings.Compare(a.ext, b.ext) })
			if fixed != nil {
				winner = nil
			}
			if winner != nil {
				claimed[k] = winner.id
			}
			for _, c := range contenders {
				if c == winner {
					continue
				}
				var who string
				if fixed != nil {
					who = fixed.Ref().String()
				} else {
					who = "upstream member " + quote(winner.ext)
				}
				p.lose(c, f, k, who, claimed, isCh)
			}
		}
	}
}

// lose takes a unique value from an upstream member: the field is left empty (a
// system name gets the suffix " (<external ID>)" instead).
func (p *planner) lose(m *mem, f member.Field, key, who string, claimed map[string]orgkit.MemberID, isCh map[orgkit.MemberID]bool) {
	shown := key
	if f == member.SystemNameField && m.value != nil {
		shown = m.value.SystemName.Default
	}
	if !(f == member.SystemNameField && m.derivedName) {
		p.warn(WarnMemberDuplicate, m.ext, "%s %q is already used by %s: dropped", f, shown, who)
	}
	if m.value == nil {
		m.value = m.local.Clone()
	}
	if f != member.SystemNameField {
		f.Copy(m.value, emptyMember)
	} else {
		m.value.SystemName = p.suffixedSystemName(m.value.SystemName, m.ext, m.id, f, claimed, isCh)
	}
	m.set = slices.DeleteFunc(m.set, func(x member.Field) bool { return x == f })
	if m.local == nil || !f.Equal(m.value, m.local) {
		m.set = append(m.set, f)
	}
}

// suffixedSystemName returns "<name> (<ext>)" (then "<name> (<ext> 2)", …): the first
// form nobody holds, cut to the system name's length limit, and claims it.
func (p *planner) suffixedSystemName(n orgkit.Names, ext string, self orgkit.MemberID, f member.Field, claimed map[string]orgkit.MemberID, isCh map[orgkit.MemberID]bool) orgkit.Names {
	for i := 1; ; i++ {
		name := member.SuffixedSystemName(n.Default, ext, i)
		key := member.UniqueKey(f, &member.Member{SystemName: orgkit.Name(name)})
		_, taken := claimed[key]
		if o, ok := p.snap.Shared().MemberBy(f, key); ok && o.ID != self && !isCh[o.ID] {
			taken = true
		}
		if !taken || i > 1000 {
			claimed[key] = self
			return orgkit.Names{Default: name, ByLang: n.ByLang}
		}
	}
}

// release takes a unique value from a member gone upstream so that an upstream member
// can have it: the field is emptied (a system name gets the member's external ID as a
// suffix). A contact the member's login method needs is released only when the other
// contact can take over. It reports whether the value was released.
func (p *planner) release(o *member.Member, f member.Field) bool {
	if p.released == nil {
		p.released = map[orgkit.MemberID]*member.Member{}
	}
	prev, ok := p.released[o.ID]
	if !ok {
		prev = o
	}
	v := prev.Clone()
	switch f {
	case member.SystemNameField:
		v.SystemName = orgkit.Name(member.SuffixedSystemName(o.SystemName.Default, o.ExternalID, 1))
	case member.MobileField, member.EmailField:
		f.Copy(v, emptyMember)
		switch {
		case v.LoginMethod == member.LoginByMobile && v.Mobile == "" && v.Email != "":
			v.LoginMethod = member.LoginByEmail
		case v.LoginMethod == member.LoginByEmail && v.Email == "" && v.Mobile != "":
			v.LoginMethod = member.LoginByMobile
		case v.Mobile == "" && v.Email == "":
			v.LoginMethod = member.LoginByPlatform
		}
	default:
		f.Copy(v, emptyMember)
	}
	if !ok {
		p.releaseOrder = append(p.releaseOrder, o.ID)
	}
	p.released[o.ID] = v
	p.warn(WarnMemberDuplicate, o.ExternalID, "gone upstream: gives up its %s for an upstream member", f)
	return true
}

// checkContacts makes sure every member can log in: the login method needs its
// contact (mobile or email). When it is missing and the other contact is there, the
// login method switches; a member with neither logs in through the platform
// (member.LoginByPlatform), as WeCom apps made since 2022 give no contacts.
func (p *planner) checkContacts() error {
	for _, m := range p.members {
		if m.value == nil {
			continue
		}
		get := func(f member.Field) *member.Member {
			if m.local == nil || slices.Contains(m.set, f) {
				return m.value
			}
			return m.local
		}
		method, mobile, email := get(member.LoginMethodField).LoginMethod, get(member.MobileField).Mobile, get(member.EmailField).Email
		if method == member.LoginByMobile && mobile != "" || method == member.LoginByEmail && email != "" || method == member.LoginByPlatform ||
			method == member.LoginByAccount && get(member.LoginAccountField).LoginAccount != "" {
			continue
		}
		if mobile != "" || email != "" {
			to := member.LoginByMobile
			if mobile == "" {
				to = member.LoginByEmail
			}
			m.value.LoginMethod = to
			if m.local == nil || to != m.local.LoginMethod {
				if !slices.Contains(m.set, member.LoginMethodField) {
					m.set = append(m.set, member.LoginMethodField)
				}
			} else {
				m.set = slices.DeleteFunc(m.set, func(x member.Field) bool { return x == member.LoginMethodField })
			}
			if m.local != nil || m.src.Has(member.LoginMethodField) {
				p.warn(WarnMemberLoginMethod, m.ext, "login method %s has no %s: logs in by %s", method, method, to)
			}
			continue
		}
		// neither contact: the member logs in through the platform
		m.value.LoginMethod = member.LoginByPlatform
		if m.local == nil || m.local.LoginMethod != member.LoginByPlatform {
			if !slices.Contains(m.set, member.LoginMethodField) {
				m.set = append(m.set, member.LoginMethodField)
			}
		} else {
			m.set = slices.DeleteFunc(m.set, func(x member.Field) bool { return x == member.LoginMethodField })
		}
	}
	return nil
}

// affiliations computes a member's departments: from upstream when given (departments
// not upstream are dropped with a warning; none left means unassigned), else the
// local ones. An active member whose affiliations change loses every affiliation to a
// department that is inactive after the plan (a department gone upstream, say): when
// that was the primary, the first remaining secondary becomes the primary, and with
// none left the primary is unassigned. Explicit affiliated departments and
// organizations that are inactive go back to their derived defaults.
func (p *planner) affiliations(m *mem, w *sink) {
	// buf[0] is the primary (zero: unassigned), buf[1:] the secondaries
	buf := append(w.affBuf[:0], orgkit.NodeID{})
	if m.src.hasDepartments() {
		for _, e := range m.src.Departments {
			e = strings.TrimSpace(e)
			var id orgkit.NodeID
			switch d := p.deptByExt[e]; {
			case e == "":
				continue
			case e == p.rootID:
				id = p.root.ID
			case d != nil:
				id = d.id
			default:
				w.warn(WarnMemberDepartment, m.ext, "department %q is not upstream: dropped from the member's departments", e)
				continue
			}
			switch {
			case buf[0].IsZero():
				buf[0] = id
			case !slices.Contains(buf, id):
				buf = append(buf, id)
			}
		}
		if m.local != nil && len(p.partialInside) > 0 {
			buf = p.keepPartialAffiliations(buf, m.local)
		}
	} else if m.local != nil {
		buf[0] = m.local.Primary
		buf = append(buf, m.local.Secondary...)
	}
	var affDept, affOrg orgkit.NodeID
	if m.local != nil {
		affDept, affOrg = m.local.AffiliatedDepartment, m.local.AffiliatedOrganization
	}
	same := m.local != nil && buf[0] == m.local.Primary && slices.Equal(buf[1:], m.local.Secondary)
	if m.activeFinal && (!same || m.local.Status != orgkit.Active || len(p.goneDeact) > 0 && slices.ContainsFunc(buf, p.goneDeactFn)) {
		buf = p.keepActive(buf, m.ext, w)
		if !affDept.IsZero() && !p.nodeActiveFinal(affDept) {
			affDept = orgkit.NodeID{}
		}
		if !affOrg.IsZero() && !p.nodeActiveFinal(affOrg) {
			affOrg = orgkit.NodeID{}
		}
		same = m.local != nil && buf[0] == m.local.Primary && slices.Equal(buf[1:], m.local.Secondary)
	}
	w.affBuf = buf
	if same && affDept == m.local.AffiliatedDepartment && affOrg == m.local.AffiliatedOrganization {
		return // unchanged
	}
	a := &memAff{affDept: affDept, affOrg: affOrg}
	m.aff = a
	if same {
		a.primary, a.secondary = m.local.Primary, m.local.Secondary
	} else {
		a.primary = buf[0]
		if len(buf) > 1 {
			a.secondary = slices.Clone(buf[1:])
		}
		if m.local != nil {
			a.moveFields = append(a.moveFields, member.PrimaryDepartmentField, member.SecondaryDepartmentsField)
		}
	}
	if m.local == nil {
		return
	}
	if affDept != m.local.AffiliatedDepartment {
		a.moveFields = append(a.moveFields, member.AffiliatedDepartmentField)
	}
	if affOrg != m.local.AffiliatedOrganization {
		a.moveFields = append(a.moveFields, member.AffiliatedOrganizationField)
	}
}

func (p *planner) goneDeactFn(id orgkit.NodeID) bool { return p.goneDeact[id] }

// keepPartialAffiliations adds back to buf (buf[0] the primary) the member's local
// affiliations inside departments upstream could not read, which upstream cannot
// vouch for either way (WeCom, for one, lists only the departments an app may see):
// a local primary there stays the primary.
func (p *planner) keepPartialAffiliations(buf []orgkit.NodeID, l *member.Member) []orgkit.NodeID {
	if id := l.Primary; !id.IsZero() && p.partialInside[id] && buf[0] != id {
		buf = slices.DeleteFunc(buf, func(x orgkit.NodeID) bool { return x == id })
		if !buf[0].IsZero() {
			buf = slices.Insert(buf, 1, buf[0])
		}
		buf[0] = id
	}
	for _, id := range l.Secondary {
		if p.partialInside[id] && !slices.Contains(buf, id) {
			if buf[0].IsZero() {
				buf[0] = id
			} else {
				buf = append(buf, id)
			}
		}
	}
	return buf
}

// keepActive drops, with a warning, the departments that are inactive after the plan
// from buf (buf[0] the primary, buf[1:] the secondaries): a dropped primary is
// replaced by the first remaining secondary. It returns a new slice.
func (p *planner) keepActive(buf []orgkit.NodeID, ext string, w *sink) []orgkit.NodeID {
	out := []orgkit.NodeID{{}}
	for i, id := range buf {
		switch {
		case id.IsZero():
		case !p.nodeActiveFinal(id):
			w.warn(WarnMemberAffiliation, ext, "department %q is inactive after the sync: dropped from the member's departments", p.nodeName(id))
		case i == 0 || out[0].IsZero() && !buf[0].IsZero():
			out[0] = id
		default:
			out = append(out, id)
		}
	}
	return out
}

// stripLocalMembers takes the departments gone upstream from the active members the
// upstream does not describe (local members, or members whose departments upstream
// did not give are handled in affiliations), so the departments can be deactivated.
func (p *planner) stripLocalMembers() {
	seen := map[orgkit.MemberID]bool{}
	for _, n := range p.goneOrder {
		for lm := range p.snap.Shared().MembersAt(n.ID) {
			if lm.Status != orgkit.Active || seen[lm.ID] || p.memOf(lm.ID) != nil {
				continue
			}
			if lm.ExternalID != "" && p.memByExt[lm.ExternalID] == nil {
				continue // leaving: inactive members may keep inactive departments
			}
			seen[lm.ID] = true
			p.strip = append(p.strip, lm)
		}
	}
	for _, lm := range p.strip {
		buf := p.keepActive(append([]orgkit.NodeID{lm.Primary}, lm.Secondary...), lm.ExternalID, &p.main)
		v := &member.Member{Primary: buf[0], AffiliatedDepartment: lm.AffiliatedDepartment, AffiliatedOrganization: lm.AffiliatedOrganization}
		if len(buf) > 1 {
			v.Secondary = buf[1:]
		}
		fields := []member.Field{member.PrimaryDepartmentField, member.SecondaryDepartmentsField}
		if !v.AffiliatedDepartment.IsZero() && !p.nodeActiveFinal(v.AffiliatedDepartment) {
			v.AffiliatedDepartment = orgkit.NodeID{}
			fields = append(fields, member.AffiliatedDepartmentField)
		}
		if !v.AffiliatedOrganization.IsZero() && !p.nodeActiveFinal(v.AffiliatedOrganization) {
			v.AffiliatedOrganization = orgkit.NodeID{}
			fields = append(fields, member.AffiliatedOrganizationField)
		}
		p.moves = append(p.moves, Item{Kind: MemberMove, ExternalID: lm.ExternalID, Member: lm.ID, Name: lm.DisplayName(), Fields: fields,
			Reason:  "departments gone upstream: " + p.namesOf(lm.Affiliations()) + " → " + p.namesOf(v.Affiliations()),
			Command: member.Update{ID: lm.ID, Fields: fields, Value: *v}})
	}
}

func (p *planner) namesOf(ids []orgkit.NodeID) string {
	if len(ids) == 0 {
		return "(unassigned)"
	}
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = p.nodeName(id)
	}
	return strings.Join(s, ", ")
}

// planManagers sets reporting managers from upstream: the upstream manager when that
// is an active upstream member, else none (with a warning). A cycle of reporting lines
// is broken by dropping the line of the member with the greatest external ID in it
// (with a warning); only lines upstream gives are dropped, so the outcome does not
// depend on the directory's previous state.
func (p *planner) planManagers() {
	p.mgr = map[orgkit.MemberID]orgkit.MemberID{}
	if !p.fields.OwnsMember(member.ReportingManagerField) {
		return
	}
	var changed []*mem
	for _, m := range p.members {
		if !m.activeFinal || !m.src.Has(member.ReportingManagerField) {
			continue
		}
		var want orgkit.MemberID
		if e := strings.TrimSpace(m.src.Manager); e != "" {
			switch mm := p.memByExt[e]; {
			case mm == nil:
				p.warn(WarnManagerDropped, m.ext, "reporting manager %q is not upstream: none set", e)
			case mm == m:
				p.warn(WarnManagerDropped, m.ext, "member reports to themselves upstream: none set")
			case !mm.activeFinal:
				p.warn(WarnManagerDropped, m.ext, "reporting manager %q is not active: none set", e)
			default:
				want = mm.id
			}
		}
		var cur orgkit.MemberID
		if m.local != nil {
			cur = m.local.ReportingManager
		}
		if want != cur {
			p.mgr[m.id] = want
			changed = append(changed, m)
		}
	}
	final := func(id orgkit.MemberID) orgkit.MemberID {
		if v, ok := p.mgr[id]; ok {
			return v
		}
		if l, ok := p.snap.Shared().Member(id); ok {
			return l.ReportingManager
		}
		return orgkit.MemberID{}
	}
	slices.SortFunc(changed, func(a, b *mem) int { return strings.Compare(a.ext, b.ext) })
	for _, m := range changed {
		for {
			path := []orgkit.MemberID{m.id}
			cycle := false
			for cur := final(m.id); !cur.IsZero(); cur = final(cur) {
				if cur == m.id {
					cycle = true
					break
				}
				if slices.Contains(path, cur) {
					break // a cycle elsewhere: its own member breaks it
				}
				path = append(path, cur)
			}
			if !cycle {
				break
			}
			var brk *mem // the greatest external ID among the lines upstream gives
			for _, id := range path {
				if x := p.memOf(id); x != nil && x.activeFinal && x.src.Has(member.ReportingManagerField) {
					if brk == nil || x.ext > brk.ext {
						brk = x
					}
				}
			}
			exts := make([]string, 0, len(path))
			for _, id := range path {
				if x := p.memOf(id); x != nil {
					exts = append(exts, x.ext)
				} else {
					exts = append(exts, id.String())
				}
			}
			if brk == nil {
				break // cannot happen: a new cycle has a line from upstream
			}
			p.warn(WarnManagerCycle, brk.ext, "reporting lines %s form a cycle: %q reports to nobody", strings.Join(exts, " → "), brk.ext)
			if brk.local != nil && brk.local.ReportingManager.IsZero() {
				delete(p.mgr, brk.id)
			} else {
				p.mgr[brk.id] = orgkit.MemberID{}
			}
		}
	}
}

// memberItems plans creates, bindings, activations, field updates, moves and
// reporting-manager changes.
func (p *planner) memberItems() {
	for _, m := range p.members {
		if m.skip {
			continue
		}
		_, mgrChange := p.mgr[m.id]
		if m.local != nil && !m.matchKey.Valid() && len(m.set) == 0 && m.aff == nil && !mgrChange &&
			(m.local.Status == orgkit.Active || m.status != Enabled) {
			continue // nothing to do
		}
		name := ""
		if m.value != nil {
			name = m.value.DisplayName()
		} else if m.local != nil {
			name = m.local.DisplayName()
		}
		it := Item{ExternalID: m.ext, Member: m.id, Name: name}
		if m.local == nil {
			c := *m.value
			c.ID, c.ExternalID = m.id, m.ext
			c.Status = orgkit.Active
			if m.status != Enabled {
				c.Status = orgkit.Inactive
			}
			if m.aff != nil {
				c.Primary, c.Secondary = m.aff.primary, m.aff.secondary
			}
			it.Kind, it.Command = MemberCreate, member.Create(c)
			it.Reason = "new upstream in " + p.namesOf(c.Affiliations())
			if c.Status != orgkit.Active {
				it.Reason += " (" + m.status.String() + ")"
			}
			p.creates = append(p.creates, it)
		} else {
			if m.matchKey.Valid() {
				b := it
				b.Kind, b.Fields = MemberBind, []member.Field{member.ExternalIDField}
				b.Reason = "matched by " + m.matchKey.String()
				switch {
				case m.bound:
					b.Reason = "bound by the caller"
				case m.renamedFrom != "":
					b.Reason = "upstream ID changed from " + quote(m.renamedFrom)
				}
				b.Command = member.Update{ID: m.id, Fields: b.Fields, Value: member.Member{ExternalID: m.ext}}
				p.binds = append(p.binds, b)
			}
			if m.local.Status != orgkit.Active && m.status == Enabled {
				a := it
				a.Kind, a.Reason, a.Command = MemberActivate, "enabled upstream again", member.Activate{Members: []orgkit.MemberID{m.id}}
				p.activations = append(p.activations, a)
			}
			if len(m.set) > 0 {
				u := it
				u.Fields = slices.Sorted(slices.Values(m.set))
				names := make([]string, len(u.Fields))
				for i, f := range u.Fields {
					names[i] = f.String()
				}
				u.Kind, u.Reason = MemberUpdate, "changed upstream: "+strings.Join(names, ", ")
				u.Command = member.Update{ID: m.id, Fields: u.Fields, Value: *m.value}
				p.updates = append(p.updates, u)
			}
			if a := m.aff; a != nil && len(a.moveFields) > 0 {
				mv := it
				mv.Kind, mv.Fields = MemberMove, a.moveFields
				to := a.secondary
				if !a.primary.IsZero() {
					to = append([]orgkit.NodeID{a.primary}, a.secondary...)
				}
				mv.Reason = "departments " + p.namesOf(m.local.Affiliations()) + " → " + p.namesOf(to)
				mv.Command = member.Update{ID: m.id, Fields: a.moveFields, Value: member.Member{
					Primary: a.primary, Secondary: a.secondary, AffiliatedDepartment: a.affDept, AffiliatedOrganization: a.affOrg}}
				p.moves = append(p.moves, mv)
			}
		}
		if want, ok := p.mgr[m.id]; ok {
			mg := it
			mg.Kind, mg.Fields = MemberManager, []member.Field{member.ReportingManagerField}
			mg.Reason = "reports to nobody upstream"
			if !want.IsZero() {
				mg.Reason = "reports to " + quote(p.memOf(want).ext) + " upstream"
			}
			mg.Command = member.Update{ID: m.id, Fields: mg.Fields, Value: member.Member{ReportingManager: want}}
			p.managers = append(p.managers, mg)
		}
	}
}

// releaseItems empties the unique values that members gone upstream gave up.
func (p *planner) releaseItems() {
	for _, id := range p.releaseOrder {
		o, _ := p.snap.Shared().Member(id)
		v := p.released[id]
		var fields []member.Field
		for _, f := range []member.Field{member.SystemNameField, member.LoginMethodField, member.MobileField, member.EmailField,
			member.LoginAccountField, member.SSOAccountField, member.EmployeeNumberField} {
			if !f.Equal(o, v) {
				fields = append(fields, f)
			}
		}
		slices.Sort(fields)
		names := make([]string, len(fields))
		for i, f := range fields {
			names[i] = f.String()
		}
		p.updates = append(p.updates, Item{Kind: MemberUpdate, ExternalID: o.ExternalID, Member: id, Name: o.DisplayName(), Fields: fields,
			Reason:  "gone upstream; gives up " + strings.Join(names, ", ") + " for an upstream member",
			Command: member.Update{ID: id, Fields: fields, Value: *v}})
	}
}

// planLeaving deactivates (or makes resign) the members disabled, resigned or gone
// upstream.
func (p *planner) planLeaving() {
	holdsRoles := func(id orgkit.MemberID) bool {
		a, ok := p.snap.Shared().Assignment(id)
		return ok && len(a.Roles) > 0
	}
	leave := func(l *member.Member, resign bool, reason string) {
		it := Item{ExternalID: l.ExternalID, Member: l.ID, Name: l.DisplayName(), Reason: reason}
		if resign {
			it.Kind, it.Command = MemberResign, member.Resign{Members: []orgkit.MemberID{l.ID}}
		} else {
			it.Kind, it.Command = MemberDeactivate, member.Deactivate{Members: []orgkit.MemberID{l.ID}}
		}
		p.leaving = append(p.leaving, it)
	}
	for _, m := range p.members {
		if m.local == nil {
			continue
		}
		active := m.local.Status == orgkit.Active
		switch m.status {
		case Disabled:
			if active {
				leave(m.local, false, "disabled upstream")
			}
		case Resigned:
			if active || holdsRoles(m.id) {
				leave(m.local, true, "resigned upstream")
			}
		}
	}
	for _, l := range p.gone {
		active := l.Status == orgkit.Active
		switch {
		case p.opts.ResignMissing && (active || holdsRoles(l.ID)):
			leave(l, true, "gone upstream")
		case !p.opts.ResignMissing && active:
			leave(l, false, "gone upstream")
		}
	}
	slices.SortStableFunc(p.leaving, func(a, b Item) int { return strings.Compare(a.ExternalID, b.ExternalID) })
}

// planLeaders sets each department's manager (its first leader) and assistants (the
// others). Where upstream gave the department's leaders, they are its Leaders, then
// the members flagged as leading it. Where it did not, the local posts stay, except
// for members leaving active status and members whose flags (LeaderIn) no longer
// name the department; members newly flagged fill an empty manager post, then join
// the assistants. Leaders that are not active upstream members are dropped, with a
// warning.
func (p *planner) planLeaders() {
	ownMgr, ownAsst := p.fields.OwnsNode(orgtree.ManagerField), p.fields.OwnsNode(orgtree.AssistantsField)
	if !ownMgr && !ownAsst {
		return
	}
	flagged := map[string][]*mem{}
	for _, m := range p.members {
		if !m.src.LeaderInPresent {
			continue
		}
		for _, e := range m.src.LeaderIn {
			e = strings.TrimSpace(e)
			if !slices.Contains(flagged[e], m) {
				flagged[e] = append(flagged[e], m)
			}
		}
	}
	for _, ms := range flagged {
		slices.SortFunc(ms, func(a, b *mem) int { return strings.Compare(a.ext, b.ext) })
	}
	for _, d := range p.depts {
		var mgr orgkit.MemberID
		var asst []orgkit.MemberID
		if d.src.hasLeaders() || d.node == nil {
			var ids []orgkit.MemberID
			add := func(m *mem, e string) {
				switch {
				case m == nil:
					p.warn(WarnLeaderDropped, d.ext, "leader %q of %q is not upstream: dropped", e, d.finalName.Default)
				case !m.activeFinal:
					p.warn(WarnLeaderDropped, d.ext, "leader %q of %q is not active: dropped", e, d.finalName.Default)
				case !slices.Contains(ids, m.id):
					ids = append(ids, m.id)
				}
			}
			if d.src.hasLeaders() {
				for _, e := range d.src.Leaders {
					e = strings.TrimSpace(e)
					if e != "" {
						add(p.memByExt[e], e)
					}
				}
			}
			for _, m := range flagged[d.ext] {
				add(m, m.ext)
			}
			if len(ids) > 0 {
				mgr = ids[0]
				if len(ids) > 1 {
					asst = ids[1:]
				}
			}
		} else {
			mgr, asst = p.keptLeaders(d, flagged[d.ext])
		}
		var curMgr orgkit.MemberID
		var curAsst []orgkit.MemberID
		if d.node != nil {
			curMgr, curAsst = d.node.Manager, d.node.Assistants
		}
		it := Item{ExternalID: d.ext, Node: d.id, Name: d.finalName.Default}
		if ownMgr && mgr != curMgr {
			m := it
			m.Kind, m.Command = NodeManager, orgtree.SetManager{Node: d.id, Member: mgr}
			m.Reason = "no leader upstream"
			if !mgr.IsZero() {
				m.Reason = "first leader upstream is " + quote(p.extOf(mgr))
			}
			p.leaders = append(p.leaders, m)
		}
		if ownAsst && !slices.Equal(asst, curAsst) {
			a := it
			a.Kind, a.Command = NodeAssistants, orgtree.SetAssistants{Node: d.id, Members: asst, Replacing: curAsst}
			a.Reason = fmt.Sprintf("%d other leader(s) upstream", len(asst))
			p.leaders = append(p.leaders, a)
		}
	}
}

// keptLeaders are the leaders of a department whose leaders upstream did not give:
// its local manager and assistants, without those leaving active status or no
// longer flagged as leading it, then the members flagged as leading it (the first
// fills an empty manager post).
func (p *planner) keptLeaders(d *dept, flagged []*mem) (orgkit.MemberID, []orgkit.MemberID) {
	stays := func(id orgkit.MemberID) bool {
		if m := p.memOf(id); m != nil {
			return m.activeFinal && (!m.src.LeaderInPresent || slices.ContainsFunc(m.src.LeaderIn, func(e string) bool {
				return strings.TrimSpace(e) == d.ext
			}))
		}
		l, ok := p.snap.Shared().Member(id)
		return ok && l.ExternalID == "" && l.Status == orgkit.Active // a local member: not upstream's to change
	}
	var mgr orgkit.MemberID
	if id := d.node.Manager; !id.IsZero() && stays(id) {
		mgr = id
	}
	var asst []orgkit.MemberID
	for _, id := range d.node.Assistants {
		if stays(id) {
			asst = append(asst, id)
		}
	}
	for _, m := range flagged {
		switch {
		case !m.activeFinal:
			p.warn(WarnLeaderDropped, d.ext, "leader %q of %q is not active: dropped", m.ext, d.finalName.Default)
		case m.id == mgr || slices.Contains(asst, m.id):
		case mgr.IsZero():
			mgr = m.id
		default:
			asst = append(asst, m.id)
		}
	}
	return mgr, asst
}

// extOf is the external ID of a member the plan makes a leader.
func (p *planner) extOf(id orgkit.MemberID) string {
	if m := p.memOf(id); m != nil {
		return m.ext
	}
	if l, ok := p.snap.Shared().Member(id); ok {
		return l.DisplayName()
	}
	return id.String()
}
