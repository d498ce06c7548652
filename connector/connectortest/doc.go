// Package connectortest provides an in-memory connector.Source for tests, benchmarks
// and examples, and a generator of upstream directories of any size.
//
// # Source
//
// New returns an empty Source; PutDepartment, PutMember, EditDepartment, EditMember,
// RemoveDepartment, RemoveMember, RestoreDepartment and RestoreMember change it between
// syncs, as an administrator would on the platform. It implements every optional
// capability: FetchChanges (connector.DeltaSource) returns what changed after the
// cursor of an earlier snapshot, and FetchDepartment (connector.DepartmentFetcher) a
// department's members. FailNextFetch and PartialNextFetch make the next fetch fail
// or come back partial; ExpireCursors makes every earlier cursor expire;
// SetOutOfScope hides departments as a platform hides those outside an app's scope.
// RenameMember changes a member's upstream ID, reported in deltas as WeCom's
// callback reports it. With Options.DerivedDepartments the source lists departments
// as a Microsoft Graph source derives them from the members' strings; WithholdFields
// withholds member fields as platforms do without the permission, declaring the
// fields the app may see in each snapshot. Clone copies a source as it is now.
//
// # Platform fakes
//
// WeComServer serves a Source as WeCom's server API does, and GraphServer as
// Microsoft Graph and the Microsoft identity platform do (users paged by next links,
// the delta query, groups, OData error bodies, the token and sign-in endpoints), each
// with injectable faults — expired tokens, throttling, dropped connections, failing
// pages — for the platform clients' tests.
//
// # Generated directories
//
// Generate builds a realistic upstream from a seed: departments up to eight deep,
// members with contacts, job details and secondary departments, leaders on a third of
// the departments, and reporting lines that follow them. The same options always give
// the same data, from a handful of people to 100,000 and more. With LeaderFlags (or
// UseLeaderFlags on any source) the leaders come as WeCom gives them: as the members'
// flags, the departments' own leader lists left out.
//
// Depart and Churn make rounds of upstream change for benchmarks and tests: Churn
// spreads a share of changes over every kind the planner knows, choosing records so
// that no two changes interact, and returns the plan item counts to expect.
package connectortest
