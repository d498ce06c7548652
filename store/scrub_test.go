package store_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/store"
)

func TestScrubber(t *testing.T) {
	m := &member.Member{ID: orgkit.NewMemberID(), SystemName: orgkit.Names{Default: "zhangwei", ByLang: map[string]string{"en": "Wei Zhang"}},
		FullName: "张伟", Mobile: "+8613900000001", Email: "wei@example.com", OfficePhone: "+86-10-88886666", Region: "CN", Extension: "7"}
	old := m.Clone()
	old.Email = "zw@old.example.com"
	s := store.NewScrubber(store.PersonalFields(), m, old)
	for in, want := range map[string]string{
		"fix mobile 13900000001 of 张伟":                 "fix mobile [erased] of [erased]",
		"mobile +8613900000001":                        "mobile [erased]",
		"call 139-0000-0001 or (139) 0000 0001":        "call [erased] or [erased]",
		"mail WEI@Example.COM, was zw@old.example.com": "mail [erased], was [erased]",
		"office 010 8888 6666":                         "office [erased]",
		"renamed zhangwei to Wei Zhang":                "renamed [erased] to [erased]",
		"CN region, extension 7, ticket 1390000":       "CN region, extension 7, ticket 1390000",
		"":                                             "",
	} {
		assert.Equal(t, want, s.Scrub(in), "scrub %q", in)
	}
	meta, changed := s.ScrubMeta(store.Meta{Actor: "wei@example.com", Reason: "reorg", Origin: store.OriginAPI})
	assert.True(t, changed)
	assert.Equal(t, store.Meta{Actor: "[erased]", Reason: "reorg", Origin: store.OriginAPI}, meta)
	_, changed = s.ScrubMeta(store.Meta{Actor: "admin", Reason: "reorg"})
	assert.False(t, changed)

	redacted := store.Redact(m, store.PersonalFields())
	again := store.NewScrubber(store.PersonalFields(), redacted)
	assert.Equal(t, "by "+redacted.SystemName.Default, again.Scrub("by "+redacted.SystemName.Default), "the pseudonym is not an erased value")
}
