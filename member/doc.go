// Package member is the people of a directory: the Member record with every field an
// enterprise directory needs, the Field registry, the field rules, and the commands
// that create and change members.
//
// # Fields
//
// Account (system name, full name, given and family name, login method, mobile, email, login account, gender,
// SSO account, status, login blocked, activated-at), org relations (primary, secondary,
// affiliated department and organization, job title, reporting manager, hire and
// employment dates, employee number, responsible lines), personal info (avatar,
// birthday, office phone, extension, QQ, WeChat, language, time zone, region, bio,
// work details), two extended fields, the external ID of a synced platform and the
// mark of a member its identity provider deprovisioned, with the forms in which
// the provider wrote the mobile and the email (so that it reads back what it sent).
// Field names each one: partial updates, read-only rules, import columns and member
// cards are all expressed in Fields.
//
// # Rules
//
// Rules.Normalize checks and normalizes the fields a command sets: mobiles to E.164
// (domestic numbers in the configured region, CN by default; international forms
// such as +852-12345678), emails lower-cased, BCP 47 languages, IANA time zones,
// ISO 3166 regions, calendar dates, lengths, and the login method's contact.
// CheckAvatar validates an uploaded picture by its content. The rules that span
// records — uniqueness of system name, employee number, mobile, email, login account,
// SSO account and external ID; affiliations; reporting lines — are checked by the
// directory service on the final state of every batch.
//
// # Leaving active status
//
// Deactivate and Resign remove a member from posts, whitelists and reporting lines
// (Resign also takes every role); the primary affiliation stays, and the change set
// records every removal so it can be shown and undone.
package member
