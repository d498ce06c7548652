package directory

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/internal/handoff"
	"github.com/orgkit/orgkit/internal/mobiles"
	"github.com/orgkit/orgkit/internal/parallel"
	"github.com/orgkit/orgkit/internal/seal"
	"github.com/orgkit/orgkit/internal/textnorm"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/role"
	"github.com/orgkit/orgkit/store"
	"github.com/orgkit/orgkit/store/memstore"
)

// Options configure a Service. The zero value is ready to use.
type Options struct {
	// Store keeps the directories; nil means a new in-memory store.
	Store store.Store
	// Clock stamps change sets; nil means time.Now.
	Clock func() time.Time
	// Logger receives debug and warning records; nil means no logging.
	Logger *slog.Logger
	// MaxCachedDirectories bounds how many directories' snapshots are kept in memory;
	// the least recently used is evicted. Zero means 64.
	MaxCachedDirectories int
	// DefaultRegion is the region domestic mobile numbers are read in (ISO 3166-1
	// alpha-2); empty means "CN".
	DefaultRegion string
	// Transliterator, when set, romanizes Chinese directory names into keys
	// ("研发中心" → "yan-fa-zhong-xin"); github.com/orgkit/orgkit/pinyin provides one.
	// Without it such names get a key made from the directory's ID.
	Transliterator Transliterator
	// MaxRetries bounds how often a write that lost a race is retried on fresh state;
	// zero means 5.
	MaxRetries int
	// MaxStaleness bounds how out of date a snapshot may be when Snapshot returns it,
	// or Plan and Apply start from it: a cached snapshot last found current longer ago
	// is first brought up to date from the store. Zero means every read asks the store
	// for changes (one round trip) — unless the store is a store.Notifier whose
	// notices arrive: then the cached snapshot is current as soon as the notices of
	// commits are, and reads do not touch the store at all. A snapshot a notice
	// reports behind is always brought up to date first.
	MaxStaleness time.Duration
}

// Service is the one write path to directories and the source of their snapshots.
// It is safe for concurrent use; many Services (in many processes) may share one Store.
//
// Reads never wait on writes: Snapshot serves the cached snapshot within
// Options.MaxStaleness (or as notices keep it current), and Apply plans on a snapshot
// without holding anything readers need, then commits and publishes the new one.
//
// The zero value is ready to use, as New(Options{}): an in-memory store of its own.
// A Service must not be copied after first use.
type Service struct {
	once     sync.Once
	store    store.Store
	mem      *memstore.Store // the store when it is a memstore, for the zero-copy path
	clock    func() time.Time
	epoch    time.Time // the clock when the service was made
	log      *slog.Logger
	rules    member.Rules
	translit Transliterator
	retries  int
	maxStale time.Duration

	mu       sync.RWMutex
	cache    map[orgkit.DirectoryID]*cached
	admitted int           // entries that hold a snapshot
	maxDirs  int           // bound of admitted
	uses     atomic.Uint64 // counts uses of entries, for eviction
	notified atomic.Bool   // the store is a Notifier whose notices arrive

	subMu sync.Mutex
	subs  atomic.Pointer[[]*subscriber]

	midPlan func(orgkit.DirectoryID) // called while a batch is planned, once validated; set by tests
}

// New returns a Service.
func New(opts Options) *Service {
	s := &Service{}
	s.once.Do(func() { s.setup(opts) })
	return s
}

// ready sets up a Service made without New (its zero value) as New(Options{}) would.
func (s *Service) ready() { s.once.Do(func() { s.setup(Options{}) }) }

func (s *Service) setup(opts Options) {
	s.store = opts.Store
	s.clock = opts.Clock
	s.log = opts.Logger
	s.rules = mobiles.Remember(member.Rules{DefaultRegion: opts.DefaultRegion})
	s.translit = opts.Transliterator
	s.retries = cmp.Or(opts.MaxRetries, 5)
	s.maxStale = opts.MaxStaleness
	s.cache = map[orgkit.DirectoryID]*cached{}
	s.maxDirs = cmp.Or(opts.MaxCachedDirectories, 64)
	if s.store == nil {
		s.store = memstore.New()
	}
	s.mem = memstoreOf(s.store)
	if s.clock == nil {
		s.clock = time.Now
	}
	s.epoch = s.clock()
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.watch()
}

// Store returns the store the service writes to.
func (s *Service) Store() store.Store { s.ready(); return s.store }

// Rules returns the member field rules the service validates with. They remember the
// mobile numbers they normalize, in a memo shared with the service:
// numbers a caller normalizes with them ahead of a large batch — an importer while it
// reads its file — are not parsed again by the batch.
func (s *Service) Rules() member.Rules { s.ready(); return s.rules }

// NewDirectory describes a directory to create.
type NewDirectory struct {
	// ID of the directory; zero means a new one.
	ID orgkit.DirectoryID
	// Name of the directory, also the initial name of its company root. Required.
	Name orgkit.Names
	// Key identifies the directory in the store; empty means generated from the name.
	Key string
	// Platform and UpstreamID bind the directory to a synced platform.
	Platform   orgkit.Platform
	UpstreamID string
	// MultiOrg allows organizations; DisallowSelfJoin stops self-registration.
	MultiOrg         bool
	DisallowSelfJoin bool
	// Founder, when set, becomes the first member, the leader and an org admin.
	Founder *Founder
	// Default makes this the store's default directory.
	Default bool
}

// Founder is the person who creates a directory: its first member, leader and org admin.
//
// Only the name is required. The founder logs in by mobile when given one, else by
// email when given one, else by login account (member.LoginByAccount, with a password
// the host keeps): the LoginAccount given, or the name.
type Founder struct {
	ID           orgkit.MemberID // zero means a new one
	Name         string
	Mobile       string // optional
	Email        string // optional
	LoginAccount string // optional; the name when the founder logs in by account
	JobTitle     string
}

// Create creates a directory with its company root and built-in org-admin role (and,
// when given, its founder) and returns its first snapshot.
func (s *Service) Create(ctx context.Context, nd NewDirectory) (*Snapshot, error) {
	s.ready()
	name := cleanNames(nd.Name)
	var vs []orgkit.Violation
	ref := orgkit.Ref{Kind: orgkit.KindDirectory, ID: nd.ID.UUID(), Name: name.Default}
	if name.Default == "" {
		vs = append(vs, orgkit.Violation{Code: orgkit.CodeFieldRequired, Command: -1, Record: ref, Field: "name"})
	} else {
		vs = append(vs, nameViolations(ref, nd.Name, -1)...)
	}
	if !nd.Platform.Valid() {
		vs = append(vs, orgkit.Violation{Code: orgkit.CodeFieldInvalid, Command: -1, Record: ref, Field: "platform",
			Value: textnorm.Visible(string(nd.Platform), false)})
	}
	for _, t := range [...]struct {
		field orgkit.FieldName
		value string
	}{{"key", nd.Key}, {"upstream_id", nd.UpstreamID}} {
		if v, bad := textViolation(ref, t.field, t.value, -1); bad {
			vs = append(vs, v)
		}
	}
	if len(vs) > 0 {
		return nil, orgkit.Invalid(vs)
	}
	rec := store.DirectoryRecord{
		ID: nd.ID, Key: nd.Key, Name: name, Platform: cmp.Or(nd.Platform, orgkit.Generic), UpstreamID: nd.UpstreamID,
		MultiOrg: nd.MultiOrg, DisallowSelfJoin: nd.DisallowSelfJoin, Default: nd.Default,
		Root: orgkit.NewNodeID(), AdminRole: orgkit.NewRoleID(), CreatedAt: s.clock().UTC(),
	}
	if rec.ID.IsZero() {
		rec.ID = orgkit.NewDirectoryID()
	}
	var err error
	if rec.Key, err = s.pickKey(ctx, nd.Key, name.Default, rec.ID); err != nil {
		return nil, err
	}
	// Validate the founder before anything is written.
	genesis := genesisCommands(rec, nd.Founder)
	if _, err := s.plan(ctx, emptySnapshot(rec, s.rules), store.Meta{Origin: store.OriginAPI}, genesis); err != nil {
		return nil, err
	}
	if err := s.store.CreateDirectory(ctx, rec); err != nil {
		return nil, err
	}
	if err := s.commitGenesis(ctx, rec, nd.Founder); err != nil {
		return nil, err
	}
	return s.Snapshot(ctx, rec.ID)
}

// EnsureDefault returns the store's default directory, creating it (named after the
// founder's company "Default", with the founder as leader and org admin) when there is
// none. Concurrent calls, in one process or many, end with one default directory.
func (s *Service) EnsureDefault(ctx context.Context, founder Founder) (*Snapshot, error) {
	s.ready()
	for attempt := 0; ; attempt++ {
		dirs, err := s.store.Directories(ctx)
		if err != nil {
			return nil, err
		}
		for _, d := range dirs {
			if d.Default {
				return s.Snapshot(ctx, d.ID)
			}
		}
		f := founder
		snap, err := s.Create(ctx, NewDirectory{Name: orgkit.Name("Default"), Key: "default", Default: true, Founder: &f})
		// a default created meanwhile by another caller: take that one
		if err == nil || !errors.Is(err, orgkit.ErrPrecondition) || attempt >= s.retries {
			return snap, err
		}
	}
}

// genesisCommands are the first change set of a directory: root, admin role, founder.
func genesisCommands(rec store.DirectoryRecord, f *Founder) []orgkit.Command {
	cmds := []orgkit.Command{genesis{rec: rec}}
	if f != nil {
		id := cmp.Or(f.ID, orgkit.NewMemberID())
		f.ID = id
		login, account := member.LoginByMobile, f.LoginAccount
		switch {
		case strings.TrimSpace(f.Mobile) != "":
		case strings.TrimSpace(f.Email) != "":
			login = member.LoginByEmail
		default:
			login, account = member.LoginByAccount, cmp.Or(strings.TrimSpace(account), f.Name)
		}
		cmds = append(cmds,
			member.Create{ID: id, SystemName: orgkit.Name(f.Name), FullName: f.Name, Mobile: f.Mobile, Email: f.Email,
				LoginAccount: account, JobTitle: f.JobTitle, LoginMethod: login},
			role.Assign{Members: []orgkit.MemberID{id}, Roles: []orgkit.RoleID{rec.AdminRole}},
			SetLeader{Member: id},
		)
	}
	return cmds
}

// genesis writes a directory's settings, root node and org-admin role.
type genesis struct{ rec store.DirectoryRecord }

func (genesis) CommandName() string { return "directory.create" }

func (c genesis) Sealed(seal.Token) orgkit.Command { return c }

func (b *batch) genesis(rec store.DirectoryRecord) {
	b.putSettings(rec)
	b.putNode(&orgtree.Node{ID: rec.Root, Kind: orgtree.Company, Name: rec.Name})
	b.putRole(&role.Role{ID: rec.AdminRole, Name: orgkit.Names{Default: "Org admin",
		ByLang: map[string]string{"en": "Org admin", "zh-Hans": "组织管理员", "zh-Hant": "組織管理員"}},
		Kind: role.Admin, OrgAdmin: true, Permissions: []string{"*"}})
}

// emptySnapshot is the snapshot before a directory's first change set; rules are the
// service's, which every later snapshot keeps (MemberBy normalizes with them).
func emptySnapshot(rec store.DirectoryRecord, rules member.Rules) *Snapshot {
	return &Snapshot{settings: rec, rules: rules, unique: &uniqueIndex{}, lazy: &derivedIndexes{}}
}

// commitGenesis commits a directory's first change set. Losing the race to another
// process that committed it first is fine.
func (s *Service) commitGenesis(ctx context.Context, rec store.DirectoryRecord, f *Founder) error {
	res, err := s.plan(ctx, emptySnapshot(rec, s.rules), store.Meta{Origin: store.OriginAPI, Reason: "create directory", Time: s.clock().UTC()}, genesisCommands(rec, f))
	if err != nil {
		return err
	}
	if _, err := s.storeCommit(ctx, rec.ID, 0, res.cs); err != nil && !errors.Is(err, orgkit.ErrConflict) {
		if !errors.Is(err, store.ErrOutcomeUnknown) {
			return err
		}
		// Whoever committed version 1, the directory has its first change set, or
		// loading it waits for one.
		s.log.Warn("orgkit: outcome of a directory's first commit unknown", "directory", rec.ID, "error", err)
	}
	return nil
}

// pickKey returns the given key (validated) or one generated from the name that no
// other directory uses.
func (s *Service) pickKey(ctx context.Context, key, name string, id orgkit.DirectoryID) (string, error) {
	dirs, err := s.store.Directories(ctx)
	if err != nil {
		return "", err
	}
	taken := map[string]bool{}
	for _, d := range dirs {
		taken[d.Key] = true
	}
	if key != "" {
		if !ValidKey(key) {
			return "", orgkit.Invalid([]orgkit.Violation{{Code: orgkit.CodeDirectoryKeyInvalid, Command: -1,
				Record: orgkit.Ref{Kind: orgkit.KindDirectory}, Field: "key", Value: key}})
		}
		if taken[key] {
			return "", fmt.Errorf("directory: key %q is taken: %w", key, orgkit.ErrPrecondition)
		}
		return key, nil
	}
	base := KeyFromName(romanize(s.translit, name))
	if base == "" {
		base = "dir-" + strings.ReplaceAll(id.String(), "-", "")[20:]
	}
	k := base
	for i := 2; taken[k]; i++ {
		k = fmt.Sprintf("%s-%d", base, i)
	}
	return k, nil
}

// ValidKey reports whether key is a valid directory key: 1–64 lower-case ASCII
// letters, digits and '-', starting with a letter or digit.
func ValidKey(key string) bool {
	if key == "" || len(key) > 64 || key[0] == '-' {
		return false
	}
	for _, c := range []byte(key) {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// KeyFromName turns a name into a key: letters and digits lower-cased, Latin letters
// with accents or in full width folded to plain ASCII ("Café Zürich" → "cafe-zurich",
// "ß" → "ss"), every other run of characters one '-', at most about 60 characters.
// Names with no such letters or digits give "". Chinese names need a transliteration
// first: pass pinyin.DirectoryKey(name) (package github.com/orgkit/orgkit/pinyin) as
// NewDirectory.Key, or give KeyFromName a romanized name.
func KeyFromName(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range foldLatin(name) {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(unicode.ToLower(r))
			if b.Len() >= 60 {
				break
			}
			continue
		}
		dash = true
	}
	return b.String()
}

// romanize writes each character that has a reading as its first reading, a word of
// its own: "研发部 Sales" → "yan fa bu Sales". Without a transliterator it is s.
func romanize(t Transliterator, s string) string {
	if t == nil {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		rs := t.Readings(string(r))
		if len(rs) == 1 && len(rs[0]) > 0 {
			b.WriteString(" " + rs[0][0] + " ")
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// foldLatin lower-cases s and folds Latin letters with accents or in full width to
// plain ASCII ("Café" → "cafe", "Ｚürich" → "zurich", "ß" → "ss"); other characters
// are kept. KeyFromName uses it.
func foldLatin(s string) string {
	var b strings.Builder
	for _, r := range norm.NFKD.String(strings.ToLower(s)) {
		if unicode.Is(unicode.Mn, r) { // accents left by the decomposition
			continue
		}
		switch r {
		case 'ß':
			b.WriteString("ss")
		case 'æ':
			b.WriteString("ae")
		case 'œ':
			b.WriteString("oe")
		case 'ø':
			b.WriteByte('o')
		case 'đ', 'ð':
			b.WriteByte('d')
		case 'ł':
			b.WriteByte('l')
		case 'þ':
			b.WriteString("th")
		case 'ı':
			b.WriteByte('i')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Directories lists the store's directories.
func (s *Service) Directories(ctx context.Context) ([]Settings, error) {
	s.ready()
	recs, err := s.store.Directories(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Settings, len(recs))
	for i, r := range recs {
		out[i] = settingsOf(r)
	}
	return out, nil
}

// Snapshot returns the directory's latest snapshot: the cached one when it is within
// Options.MaxStaleness (or notices keep it current), otherwise brought up to date
// with the changes others committed, read from the store page by page. It never
// waits for a write of this service to be planned or committed. An unknown
// directory fails with orgkit.ErrNotFound and takes no place in the cache. A store
// whose log contradicts itself even after a reload fails it with an error matching
// store.ErrContract.
func (s *Service) Snapshot(ctx context.Context, dir orgkit.DirectoryID) (*Snapshot, error) {
	s.ready()
	return s.current(ctx, s.entry(dir), false)
}

// fromRecords builds a snapshot from every record of a directory.
// Records are put in ID order (creation order for version-7 IDs), so member slots
// and tree record order are the same in every process, whatever order the store
// returned them in.
func fromRecords(recs *store.Records, rules member.Rules) (*Snapshot, error) {
	slices.SortFunc(recs.Nodes, func(a, b *orgtree.Node) int { return a.ID.Compare(b.ID) })
	slices.SortFunc(recs.Members, func(a, b *member.Member) int { return a.ID.Compare(b.ID) })
	slices.SortFunc(recs.Roles, func(a, b *role.Role) int { return a.ID.Compare(b.ID) })
	slices.SortFunc(recs.RoleGroups, func(a, b *role.Group) int { return a.ID.Compare(b.ID) })
	w := newWorking(emptySnapshot(recs.Directory, rules))
	w.quiet, w.lazyUnique = true, true
	w.settings = recs.Directory
	for _, n := range recs.Nodes {
		w.putNode(n)
	}
	w.loadMembers(recs.Members)
	for _, r := range recs.Roles {
		w.putRole(r)
	}
	for _, g := range recs.RoleGroups {
		w.putGroup(g)
	}
	for _, a := range recs.Assignments {
		w.putAssignment(a)
	}
	return w.freeze(recs.Head)
}

// Result is what Apply and Plan return.
type Result struct {
	// Snapshot is the directory after the batch (for Plan, as it would be); the
	// snapshot the batch started from when it changed nothing.
	Snapshot *Snapshot
	// ChangeSet holds every record the batch changed, with before- and after-images;
	// nil when the batch changed nothing. Its Version is set once committed.
	ChangeSet *ChangeSet

	cs *store.ChangeSet // what is committed; ChangeSet is the caller's view of it
}

// Apply validates the commands as one batch and commits them as one change set: all
// or nothing. Violations come back as an *orgkit.InvalidError listing every one with
// its command index (errors.Is(err, orgkit.ErrInvalid)). A batch that changes nothing
// commits nothing. A write that loses a race with another writer is retried on fresh
// state, unless meta.IfVersion pins it (then orgkit.ErrConflict).
//
// Apply plans on a snapshot without holding anything readers need: Snapshot keeps
// answering from the previous snapshot while a batch, however large, is validated,
// and the new snapshot is published once the store has committed it. Writes of one
// service to one directory are planned one at a time. A commit whose outcome the
// store cannot tell (store.ErrOutcomeUnknown) is resolved by reading the log for the
// change set's ID, never by committing it twice.
func (s *Service) Apply(ctx context.Context, dir orgkit.DirectoryID, meta Meta, cmds ...orgkit.Command) (*Result, error) {
	return s.apply(ctx, dir, meta.store(), cmds)
}

func (s *Service) apply(ctx context.Context, dir orgkit.DirectoryID, meta store.Meta, cmds []orgkit.Command) (*Result, error) {
	s.ready()
	e := s.entry(dir)
	e.write.Lock()
	defer e.write.Unlock()
	force := false
	for attempt := 0; ; attempt++ {
		base, err := s.current(ctx, e, force)
		if err != nil {
			return nil, err
		}
		if meta.IfVersion != 0 && meta.IfVersion != base.version && !force {
			force = true // the cached snapshot may be behind: ask the store before refusing
			if base, err = s.current(ctx, e, true); err != nil {
				return nil, err
			}
		}
		if meta.IfVersion != 0 && meta.IfVersion != base.version {
			return nil, fmt.Errorf("directory: %s is at version %d, not %d: %w", dir, base.version, meta.IfVersion, orgkit.ErrConflict)
		}
		res, err := s.plan(ctx, base, meta, cmds)
		if err != nil || res.cs == nil {
			return res, err
		}
		err = s.commit(ctx, e, base, res)
		if err == nil {
			s.log.Debug("orgkit: committed", "directory", dir, "version", res.cs.Version, "changes", len(res.cs.Changes))
			return res, nil
		}
		if !errors.Is(err, orgkit.ErrConflict) || meta.IfVersion != 0 || attempt >= s.retries {
			return nil, err
		}
		force = true
		s.log.Warn("orgkit: write conflict, retrying on fresh state", "directory", dir, "attempt", attempt+1)
	}
}

// commit commits res's change set at base's version and publishes res.Snapshot. A
// commit whose outcome is unknown is resolved by reading version base+1: the change
// set landed when that version carries its ID; another ID there is a conflict; and
// while the head is still base, committing the same change set again at base is safe
// (only one commit can become base+1).
func (s *Service) commit(ctx context.Context, e *cached, base *Snapshot, res *Result) error {
	cs := res.cs
	want := base.version + 1
	e.pending.Store(want)
	defer e.pending.Store(0)
	for try := 0; ; try++ {
		head, err := s.storeCommit(ctx, e.id, base.version, cs)
		if errors.Is(err, store.ErrOutcomeUnknown) {
			var landed bool
			landed, err = s.resolve(ctx, e.id, base.version, cs, err)
			if err == nil && !landed {
				if try < s.retries {
					s.log.Warn("orgkit: outcome of a commit unknown and not landed; committing the same change set again", "directory", e.id, "version", want)
					continue
				}
				err = fmt.Errorf("directory: %s: outcome of committing version %d still unknown after %d tries: %w", e.id, want, try+1, store.ErrOutcomeUnknown)
			}
			if err == nil {
				head, cs.Version = want, want
			}
		}
		if err != nil {
			e.stale.Store(true) // whatever happened, the next read asks the store
			return err
		}
		if head != want || cs.Version != want {
			e.stale.Store(true)
			return fmt.Errorf("directory: %s: store.Commit on base %d returned head %d and version %d, want %d: %w",
				e.id, base.version, head, cs.Version, want, store.ErrContract)
		}
		break
	}
	res.Snapshot.version = want
	res.ChangeSet.Version = want
	committed := s.now()
	var css []*store.ChangeSet
	if s.subscribed() {
		css = []*store.ChangeSet{cs}
	}
	e.load.Lock()
	s.publish(e, res.Snapshot, css)
	if e.snap.Load() == res.Snapshot {
		e.checked.Store(committed)
	}
	e.load.Unlock()
	return nil
}

// resolve finds out whether cs, whose commit at base ended in cause (an unknown
// outcome), landed: version base+1 carries its ID. A version base+1 with another ID
// is a conflict; no version base+1 yet means not landed.
func (s *Service) resolve(ctx context.Context, dir orgkit.DirectoryID, base uint64, cs *store.ChangeSet, cause error) (landed bool, err error) {
	page, err := s.changes(ctx, dir, base, 1)
	if err != nil {
		return false, fmt.Errorf("directory: %s: %w; reading version %d to resolve it failed: %w", dir, cause, base+1, err)
	}
	if err := checkPage(dir, base, 1, page); err != nil {
		return false, fmt.Errorf("%w; resolving an unknown outcome: %w", err, store.ErrContract)
	}
	switch {
	case len(page) == 0:
		return false, nil
	case page[0].ID == cs.ID:
		return true, nil
	}
	return false, fmt.Errorf("directory: %s: version %d is change set %s, not this write's %s: %w",
		dir, base+1, page[0].ID, cs.ID, orgkit.ErrConflict)
}

// Plan validates the commands exactly as Apply would and returns the would-be
// snapshot and change set without committing: a dry run. Like Apply, it gives up with
// ctx's error once ctx is done, also in the middle of a large batch.
func (s *Service) Plan(ctx context.Context, dir orgkit.DirectoryID, meta Meta, cmds ...orgkit.Command) (*Result, error) {
	base, err := s.Snapshot(ctx, dir)
	if err != nil {
		return nil, err
	}
	return s.plan(ctx, base, meta.store(), cmds)
}

// plan runs the commands on base. It gives up with ctx's error, having written
// nothing, once ctx is done: it looks before it starts and every cancelPoll commands
// while a large batch is validated.
func (s *Service) plan(ctx context.Context, base *Snapshot, meta store.Meta, cmds []orgkit.Command) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rules := prepareMobiles(s.rules, cmds)
	b := &batch{working: newWorking(base), rules: rules, origin: cmp.Or(meta.Origin, store.OriginAPI), ctx: ctx}
	b.reserve(cmds)
	b.normalized = normalizeCreates(rules, cmds)
	if len(b.normalized) > 0 && b.done() { // a large batch's creates took a while
		return nil, b.ctxErr
	}
	b.run(cmds)
	if b.ctxErr != nil {
		return nil, b.ctxErr
	}
	if s.midPlan != nil {
		s.midPlan(base.settings.ID)
	}
	if len(b.violations) > 0 {
		// in command order; violations of the final state without a command last
		slices.SortStableFunc(b.violations, func(x, y orgkit.Violation) int {
			return cmp.Compare(uint(x.Command), uint(y.Command))
		})
		return nil, orgkit.Invalid(b.violations)
	}
	b.changes = slices.DeleteFunc(b.changes, func(c store.Change) bool {
		return c.Before != nil && sameRecord(c.Before, c.After)
	})
	if len(b.changes) == 0 {
		return &Result{Snapshot: base}, nil // nothing changed: the same snapshot
	}
	snap, err := b.freeze(base.version)
	if err != nil {
		return nil, fmt.Errorf("directory: %w", err)
	}
	res := &Result{Snapshot: snap}
	meta.Origin = cmp.Or(meta.Origin, store.OriginAPI)
	if meta.Time.IsZero() {
		meta.Time = s.clock().UTC()
	}
	res.cs = &store.ChangeSet{ID: store.NewChangeSetID(), Meta: meta, Changes: b.changes}
	res.ChangeSet = viewOf(res.cs)
	return res, nil
}

// reserve sizes a large batch's change list and indexes for its commands ahead of
// time — about one changed record per command, one member slot per member created —
// so that they are made once at their size instead of growing (and being copied)
// step by step while the batch runs.
func (b *batch) reserve(cmds []orgkit.Command) {
	if len(cmds) < 256 {
		return
	}
	creates := 0
	keyed := make([]int, len(member.UniqueFields)) // members created with a value in each unique field
	count := func(m *member.Member) {
		creates++
		for k, f := range member.UniqueFields {
			if !f.IsBlank(m) {
				keyed[k]++
			}
		}
	}
	for _, c := range cmds {
		switch c := c.(type) {
		case member.Create:
			count((*member.Member)(&c))
		case handoff.MemberCreate:
			if c.M != nil {
				count(c.M)
			}
		}
	}
	b.changes = make([]store.Change, 0, len(cmds))
	b.changed = make(map[changeKey]touch, len(cmds))
	b.slots.Grow(creates)
	if !b.lazyUnique {
		for k, n := range keyed {
			b.unique[k].Grow(n)
		}
	}
}

// prepareMobiles normalizes the mobiles of a large batch's member commands ahead of
// time, in parallel (see internal/mobiles.Prepare).
func prepareMobiles(r member.Rules, cmds []orgkit.Command) member.Rules {
	if len(cmds) < 256 {
		return r
	}
	numbers := make([]string, 0, len(cmds))
	for _, c := range cmds {
		switch c := c.(type) {
		case member.Create:
			numbers = append(numbers, c.Mobile)
		case handoff.MemberCreate:
			if c.M != nil {
				numbers = append(numbers, c.M.Mobile)
			}
		case member.Update:
			if slices.Contains(c.Fields, member.MobileField) {
				numbers = append(numbers, c.Value.Mobile)
			}
		}
	}
	if len(numbers) < 256 {
		return r
	}
	return mobiles.Prepare(r, numbers)
}

// normalizeCreates normalizes the members of a large batch's member.Create commands
// ahead of time, in parallel on every processor (normalizing does not depend on the
// other commands); nil for a small batch. By command index; zero for other commands.
// A member.Create's member is copied first (the command is the caller's); a
// handoff.MemberCreate's is normalized in place (it is the batch's).
func normalizeCreates(r member.Rules, cmds []orgkit.Command) []normalized {
	var at []int
	for i, c := range cmds {
		switch c := c.(type) {
		case member.Create:
			at = append(at, i)
		case handoff.MemberCreate:
			if c.M != nil {
				at = append(at, i)
			}
		}
	}
	if len(at) < 256 {
		return nil
	}
	out := make([]normalized, len(cmds))
	all := member.Fields()
	parallel.For(len(at), 64, func(k int) {
		var m *member.Member
		switch c := cmds[at[k]].(type) {
		case member.Create:
			m = (*member.Member)(&c).Clone()
		case handoff.MemberCreate:
			m = c.M
		}
		out[at[k]] = normalized{m, r.Normalize(m, all)}
	})
	return out
}
