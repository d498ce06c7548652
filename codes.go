package orgkit

import "github.com/orgkit/orgkit/internal/i18n"

// Violation codes: every rule a violation can report, in one list. Codes are stable:
// hosts may match on them, together with the violation's Record kind and Field (a
// CodeFieldInvalid of a member's birthday: Code, Record.Kind KindMember, Field
// "birthday"). Each has a message in English, Simplified Chinese and Traditional
// Chinese.
const (
	// The generic rules of any record's fields.
	CodeFieldRequired  = "field.required"  // a required field is blank
	CodeFieldReadOnly  = "field.read_only" // a field the synced platform owns
	CodeFieldInvalid   = "field.invalid"   // a value of the wrong form or out of its set; Detail, if any, a hint in the message's words
	CodeFieldTooLong   = "field.too_long"  // Detail is the limit in characters
	CodeFieldDuplicate = "field.duplicate" // a value that must be unique is taken (Related holds the taker)
	// CodeFieldLanguage: a language tag of a multilingual name that is not valid or
	// given twice (Value).
	CodeFieldLanguage = "field.language.invalid"
	// CodeReferenceNotFound: a field refers to a record (Value is its ID) that does
	// not exist in the directory.
	CodeReferenceNotFound = "field.reference.not_found"
	CodeIDZero            = "record.id.zero"
	CodeRecordNotFound    = "record.not_found"
	CodeRecordExists      = "record.exists"
	CodeRecordRetired     = "record.retired"
	// CodeTextForbidden: a name, code or other text holds a control character or an
	// invisible formatting character (a bidirectional override, a zero-width space, …);
	// the detail names it ("U+202E") and the value shows it as U+FFFD. Every text that
	// enters, by any path, obeys this one rule.
	CodeTextForbidden = "text.forbidden_character"
	CodeCommandNil    = "command.nil" // a nil command, or a nil pointer to one

	CodeNodeKindInvalid       = "node.kind.invalid"
	CodeNodeParentKind        = "node.parent.kind"
	CodeNodeMultiOrgOff       = "node.organization.multi_org_off"
	CodeNodeNameRequired      = "node.name.required"
	CodeNodeNameDuplicate     = "node.name.duplicate_sibling" // Detail is the language tag
	CodeNodeNameLanguage      = "node.name.language.invalid"
	CodeNodeCodeInvalid       = "node.code.invalid"
	CodeNodeCodeDuplicate     = "node.code.duplicate"
	CodeNodeRootImmutable     = "node.root.immutable" // Value says what was tried: "moved", "deactivated", "merged"
	CodeNodeInactive          = "node.inactive"
	CodeTreeCycle             = "tree.cycle"
	CodeNodeActiveChildren    = "node.deactivate.active_children"
	CodeNodeActiveMembers     = "node.deactivate.active_members" // Detail is how many; Related the first few
	CodeNodeParentInactive    = "node.reactivate.parent_inactive"
	CodeNodePostInactive      = "node.post.member_inactive"
	CodeNodePostDuplicate     = "node.post.duplicate"
	CodeNodeObserverRoot      = "node.observer.root"
	CodeNodeMergeTarget       = "node.merge.target_is_source"
	CodeNodeMergeAncestor     = "node.merge.source_is_ancestor"
	CodeNodeMergeSynced       = "node.merge.synced_directory"
	CodeNodeMergeNameClash    = "node.merge.child_name_clash"
	CodeNodeWhitelistInactive = "node.whitelist.inactive"
	CodeNodeIsolationRoot     = "node.isolation.root"
	CodeNodeIsolationInvalid  = "node.isolation.invalid"

	CodeDirectoryMultiOrg     = "directory.multi_org.active_organizations"
	CodeDirectoryLeader       = "directory.leader.inactive"
	CodeDirectoryKeyInvalid   = "directory.key.invalid"
	CodeDirectoryKeyDuplicate = "directory.key.duplicate"
	CodeDirectorySelfJoin     = "directory.self_join.disallowed"

	CodeMemberMobileInvalid    = "member.mobile.invalid"
	CodeMemberEmailInvalid     = "member.email.invalid"
	CodeMemberLoginMethod      = "member.login_method.missing_contact"
	CodeMemberSecondaryPrimary = "member.secondary.is_primary"
	CodeMemberAffiliatedOrg    = "member.affiliated_organization.kind"
	CodeMemberManagerSelf      = "member.reporting_manager.self"
	CodeMemberManagerCycle     = "member.reporting_manager.cycle" // Detail is the chain of names
	CodeMemberManagerInactive  = "member.reporting_manager.inactive"
	CodeMemberLastAdmin        = "member.org_admin.last"
	CodeMemberAvatarTooLarge   = "member.avatar.too_large"
	CodeMemberAvatarType       = "member.avatar.type"
	CodeMemberInactive         = "member.inactive"
	// CodeMemberSecondaryKept: SetDepartments was given secondary departments while
	// its mode keeps the member's own.
	CodeMemberSecondaryKept = "member.secondary_mode.keeps"
	// The member card layouts (member.Layout.Validate): a field listed as custom that
	// is one of the fixed fields every card opens with, one the card kind does not
	// allow, or one listed twice (Detail is its first position).
	CodeCardFieldFixed      = "member.card.fields.fixed"
	CodeCardFieldNotAllowed = "member.card.fields.invalid"
	CodeCardFieldDuplicate  = "member.card.fields.duplicate"

	CodeRoleNameDuplicate  = "role.name.duplicate"
	CodeRolePrimaryNotHeld = "role.primary.not_held"
	CodeRoleBuiltin        = "role.builtin.immutable" // Value says what was tried: "changed", "retired"
	CodeRoleRetired        = "role.retired"
)

// Codes of a whole-value replacement (orgtree.SetAssistants, SetObservers,
// SetIsolation, role.Update) refused because its Replacing is no longer the record's
// value: someone changed it since the caller read it. The violation's Related (for
// posts) or Value (for permissions, and isolation settings in a form for programs)
// is the current value.
const (
	CodeNodeAssistantsChanged  = "node.assistants.changed"
	CodeNodeObserversChanged   = "node.observers.changed"
	CodeNodeIsolationChanged   = "node.isolation.changed"
	CodeRolePermissionsChanged = "role.permissions.changed"
)

// codeUnknown renders a violation whose code has no message.
const codeUnknown = "*"

// violationTexts are the messages. Their arguments: %[1]s the record, %[2]s the
// field's label, %[3]s the value, %[4]s the detail (a word of a closed set, such as
// "default", in the message's language), %[5]s the value as a word of a closed set (a
// kind, an action) in the message's language, %[6]s the related records, %[7]s the
// code.
var violationTexts = i18n.NewTexts(
	i18n.Text{Key: codeUnknown, Forms: [3]string{"%[1]s: %[2]s %[3]q (%[7]s)", "%[1]s：%[2]s「%[3]s」（%[7]s）", "%[1]s：%[2]s「%[3]s」（%[7]s）"}},
	i18n.Text{Key: CodeFieldRequired, Forms: [3]string{"%[1]s: %[2]s is required", "%[1]s：%[2]s为必填项", "%[1]s：%[2]s為必填項"}},
	i18n.Text{Key: CodeFieldReadOnly, Forms: [3]string{"%[1]s: %[2]s is owned by the synced platform and cannot be edited here", "%[1]s：%[2]s由同步平台维护，不能在此修改", "%[1]s：%[2]s由同步平台維護，不能在此修改"}},
	i18n.Text{Key: CodeFieldInvalid, Forms: [3]string{"%[1]s: %[2]s %[3]q is not valid%[4]s", "%[1]s：%[2]s「%[3]s」无效%[4]s", "%[1]s：%[2]s「%[3]s」無效%[4]s"}},
	i18n.Text{Key: CodeFieldTooLong, Forms: [3]string{"%[1]s: %[2]s is longer than %[4]s characters", "%[1]s：%[2]s超过 %[4]s 个字符", "%[1]s：%[2]s超過 %[4]s 個字元"}},
	i18n.Text{Key: CodeFieldDuplicate, Forms: [3]string{"%[1]s: %[2]s %[3]q is already used by %[6]s", "%[1]s：%[2]s「%[3]s」已被%[6]s使用", "%[1]s：%[2]s「%[3]s」已被%[6]s使用"}},
	i18n.Text{Key: CodeFieldLanguage, Forms: [3]string{"%[1]s: %[2]s: the language tag %[3]q is not valid or is given twice", "%[1]s：%[2]s的语言标记「%[3]s」无效或重复", "%[1]s：%[2]s的語言標記「%[3]s」無效或重複"}},
	i18n.Text{Key: CodeReferenceNotFound, Forms: [3]string{"%[1]s: %[2]s %[3]s does not exist", "%[1]s：%[2]s %[3]s 不存在", "%[1]s：%[2]s %[3]s 不存在"}},
	i18n.Text{Key: CodeIDZero, Forms: [3]string{"%[1]s: an ID is required (the zero ID is refused)", "%[1]s：必须提供 ID（不接受零值 ID）", "%[1]s：必須提供 ID（不接受零值 ID）"}},
	i18n.Text{Key: CodeRecordNotFound, Forms: [3]string{"%[1]s does not exist", "%[1]s不存在", "%[1]s不存在"}},
	i18n.Text{Key: CodeRecordExists, Forms: [3]string{"%[1]s already exists", "%[1]s已存在", "%[1]s已存在"}},
	i18n.Text{Key: CodeRecordRetired, Forms: [3]string{"%[1]s is retired and can no longer be changed", "%[1]s已归档，不能再修改", "%[1]s已歸檔，不能再修改"}},
	i18n.Text{Key: CodeTextForbidden, Forms: [3]string{"%[1]s: %[2]s %[3]q holds %[4]s, a control or invisible formatting character that names and codes may not hold", "%[1]s：%[2]s「%[3]s」含有控制字符或不可见的格式字符 %[4]s，名称和编码中不允许使用", "%[1]s：%[2]s「%[3]s」含有控制字元或不可見的格式字元 %[4]s，名稱和編碼中不允許使用"}},
	i18n.Text{Key: CodeCommandNil, Forms: [3]string{"%[1]s is nil", "%[1]s为空", "%[1]s為空"}},
	i18n.Text{Key: CodeNodeKindInvalid, Forms: [3]string{"%[1]s: %[5]s is not a valid node kind here", "%[1]s：节点类型「%[5]s」在此无效", "%[1]s：節點類型「%[5]s」在此無效"}},
	i18n.Text{Key: CodeNodeParentKind, Forms: [3]string{"%[1]s: a %[5]s cannot be placed under %[6]s", "%[1]s：%[5]s不能放在%[6]s之下", "%[1]s：%[5]s不能放在%[6]s之下"}},
	i18n.Text{Key: CodeNodeMultiOrgOff, Forms: [3]string{"%[1]s: organizations exist only while multi-org is on", "%[1]s：仅在开启多组织后才能使用组织", "%[1]s：僅在開啟多組織後才能使用組織"}},
	i18n.Text{Key: CodeNodeNameRequired, Forms: [3]string{"%[1]s: a name is required", "%[1]s：名称为必填项", "%[1]s：名稱為必填項"}},
	i18n.Text{Key: CodeNodeNameDuplicate, Forms: [3]string{"%[1]s: name %[3]q (language %[4]s) is already used by sibling %[6]s", "%[1]s：名称「%[3]s」（语言 %[4]s）与同级的%[6]s重复", "%[1]s：名稱「%[3]s」（語言 %[4]s）與同級的%[6]s重複"}},
	i18n.Text{Key: CodeNodeNameLanguage, Forms: [3]string{"%[1]s: %[3]q is not a valid language tag", "%[1]s：「%[3]s」不是有效的语言标记", "%[1]s：「%[3]s」不是有效的語言標記"}},
	i18n.Text{Key: CodeNodeCodeInvalid, Forms: [3]string{"%[1]s: code %[3]q is not valid (1–64 letters, digits, '-', '_' or '.')", "%[1]s：编码「%[3]s」无效（1–64 个字母、数字、-、_ 或 .）", "%[1]s：編碼「%[3]s」無效（1–64 個字母、數字、-、_ 或 .）"}},
	i18n.Text{Key: CodeNodeCodeDuplicate, Forms: [3]string{"%[1]s: code %[3]q is already used by %[6]s", "%[1]s：编码「%[3]s」已被%[6]s使用", "%[1]s：編碼「%[3]s」已被%[6]s使用"}},
	i18n.Text{Key: CodeNodeRootImmutable, Forms: [3]string{"%[1]s: the company root cannot be %[5]s", "%[1]s：公司根节点不能%[5]s", "%[1]s：公司根節點不能%[5]s"}},
	i18n.Text{Key: CodeNodeInactive, Forms: [3]string{"%[1]s: %[2]s %[6]s is not active", "%[1]s：%[2]s%[6]s未启用", "%[1]s：%[2]s%[6]s未啟用"}},
	i18n.Text{Key: CodeTreeCycle, Forms: [3]string{"%[1]s: moving under %[6]s would make a cycle", "%[1]s：移动到%[6]s之下会形成循环", "%[1]s：移動到%[6]s之下會形成循環"}},
	i18n.Text{Key: CodeNodeActiveChildren, Forms: [3]string{"%[1]s: cannot be deactivated while it has active child nodes (%[6]s)", "%[1]s：存在启用的下级节点（%[6]s），不能停用", "%[1]s：存在啟用的下級節點（%[6]s），不能停用"}},
	i18n.Text{Key: CodeNodeActiveMembers, Forms: [3]string{"%[1]s: cannot be deactivated while %[4]s active members belong to it (%[6]s …)", "%[1]s：仍有 %[4]s 名启用的成员（%[6]s等），不能停用", "%[1]s：仍有 %[4]s 名啟用的成員（%[6]s等），不能停用"}},
	i18n.Text{Key: CodeNodeParentInactive, Forms: [3]string{"%[1]s: cannot be reactivated while its parent %[6]s is inactive", "%[1]s：上级%[6]s已停用，不能启用", "%[1]s：上級%[6]s已停用，不能啟用"}},
	i18n.Text{Key: CodeNodePostInactive, Forms: [3]string{"%[1]s: %[2]s %[6]s must be an active member", "%[1]s：%[2]s%[6]s必须是启用的成员", "%[1]s：%[2]s%[6]s必須是啟用的成員"}},
	i18n.Text{Key: CodeNodePostDuplicate, Forms: [3]string{"%[1]s: %[6]s is listed twice in %[2]s", "%[1]s：%[6]s在%[2]s中重复", "%[1]s：%[6]s在%[2]s中重複"}},
	i18n.Text{Key: CodeNodeObserverRoot, Forms: [3]string{"%[1]s: the company root has no observers", "%[1]s：公司根节点不能设置观察者", "%[1]s：公司根節點不能設置觀察者"}},
	i18n.Text{Key: CodeNodeMergeTarget, Forms: [3]string{"%[1]s: the merge target is also a source", "%[1]s：合并目标也在来源中", "%[1]s：合併目標也在來源中"}},
	i18n.Text{Key: CodeNodeMergeAncestor, Forms: [3]string{"%[1]s: source %[6]s is an ancestor of the merge target", "%[1]s：来源%[6]s是合并目标的上级", "%[1]s：來源%[6]s是合併目標的上級"}},
	i18n.Text{Key: CodeNodeMergeSynced, Forms: [3]string{"%[1]s: merging is not possible in a synced directory", "%[1]s：同步的组织架构不能合并部门", "%[1]s：同步的組織架構不能合併部門"}},
	i18n.Text{Key: CodeNodeMergeNameClash, Forms: [3]string{"%[1]s: child %[3]q clashes with %[6]s under the merge target", "%[1]s：下级「%[3]s」与合并目标下的%[6]s重名", "%[1]s：下級「%[3]s」與合併目標下的%[6]s重名"}},
	i18n.Text{Key: CodeNodeWhitelistInactive, Forms: [3]string{"%[1]s: whitelist entry %[6]s is not active", "%[1]s：白名单项%[6]s未启用", "%[1]s：白名單項%[6]s未啟用"}},
	i18n.Text{Key: CodeNodeIsolationRoot, Forms: [3]string{"%[1]s: the company root is never isolated", "%[1]s：公司根节点不能设置隔离", "%[1]s：公司根節點不能設置隔離"}},
	i18n.Text{Key: CodeNodeIsolationInvalid, Forms: [3]string{"%[1]s: isolation setting %[2]s has no value %[3]q", "%[1]s：隔离设置%[2]s没有取值「%[3]s」", "%[1]s：隔離設置%[2]s沒有取值「%[3]s」"}},
	i18n.Text{Key: CodeNodeAssistantsChanged, Forms: [3]string{"%[1]s: the assistants changed since they were read (now: %[6]s); read them again, or add and remove assistants instead of replacing them", "%[1]s：助理在读取后已被修改（当前：%[6]s），请重新读取，或改为添加、移除助理", "%[1]s：助理在讀取後已被修改（目前：%[6]s），請重新讀取，或改為新增、移除助理"}},
	i18n.Text{Key: CodeNodeObserversChanged, Forms: [3]string{"%[1]s: the observers changed since they were read (now: %[6]s); read them again, or add and remove observers instead of replacing them", "%[1]s：观察者在读取后已被修改（当前：%[6]s），请重新读取，或改为添加、移除观察者", "%[1]s：觀察者在讀取後已被修改（目前：%[6]s），請重新讀取，或改為新增、移除觀察者"}},
	i18n.Text{Key: CodeNodeIsolationChanged, Forms: [3]string{"%[1]s: the isolation settings changed since they were read; read them again, or add and remove whitelist entries instead of replacing them", "%[1]s：隔离设置在读取后已被修改，请重新读取，或改为添加、移除白名单项", "%[1]s：隔離設置在讀取後已被修改，請重新讀取，或改為新增、移除白名單項"}},
	i18n.Text{Key: CodeRolePermissionsChanged, Forms: [3]string{"%[1]s: the permissions changed since they were read (now: %[3]s); read them again, or grant and revoke permissions instead of replacing them", "%[1]s：权限在读取后已被修改（当前：%[3]s），请重新读取，或改为授予、撤销权限", "%[1]s：權限在讀取後已被修改（目前：%[3]s），請重新讀取，或改為授予、撤銷權限"}},
	i18n.Text{Key: CodeDirectoryMultiOrg, Forms: [3]string{"%[1]s: multi-org cannot be turned off while active organizations exist (%[6]s)", "%[1]s：仍有启用的组织（%[6]s），不能关闭多组织", "%[1]s：仍有啟用的組織（%[6]s），不能關閉多組織"}},
	i18n.Text{Key: CodeDirectoryLeader, Forms: [3]string{"%[1]s: leader %[6]s must be an active member", "%[1]s：负责人%[6]s必须是启用的成员", "%[1]s：負責人%[6]s必須是啟用的成員"}},
	i18n.Text{Key: CodeDirectoryKeyInvalid, Forms: [3]string{"%[1]s: key %[3]q is not valid (lower-case letters, digits and '-', 1–64)", "%[1]s：标识「%[3]s」无效（小写字母、数字和 -，1–64 位）", "%[1]s：標識「%[3]s」無效（小寫字母、數字和 -，1–64 位）"}},
	i18n.Text{Key: CodeDirectoryKeyDuplicate, Forms: [3]string{"%[1]s: key %[3]q is already used by another directory", "%[1]s：标识「%[3]s」已被其他组织架构使用", "%[1]s：標識「%[3]s」已被其他組織架構使用"}},
	i18n.Text{Key: CodeDirectorySelfJoin, Forms: [3]string{"%[1]s: this directory does not let registered users join by themselves", "%[1]s：该组织架构不允许新注册用户自行加入", "%[1]s：該組織架構不允許新註冊用戶自行加入"}},
	i18n.Text{Key: CodeMemberMobileInvalid, Forms: [3]string{"%[1]s: mobile %[3]q is not a valid phone number", "%[1]s：手机号「%[3]s」无效", "%[1]s：手機號「%[3]s」無效"}},
	i18n.Text{Key: CodeMemberEmailInvalid, Forms: [3]string{"%[1]s: email %[3]q is not a valid address", "%[1]s：邮箱「%[3]s」无效", "%[1]s：郵箱「%[3]s」無效"}},
	i18n.Text{Key: CodeMemberLoginMethod, Forms: [3]string{"%[1]s: login method %[5]s needs the member's %[5]s (a mobile, an email, for platform login an external ID, for account login a login account)", "%[1]s：登录方式为%[5]s时必须填写对应信息（手机号、邮箱、平台登录所需的外部 ID，或账号登录所需的登录账号）", "%[1]s：登入方式為%[5]s時必須填寫對應資訊（手機號、郵箱、平台登入所需的外部 ID，或帳號登入所需的登入帳號）"}},
	i18n.Text{Key: CodeMemberSecondaryPrimary, Forms: [3]string{"%[1]s: secondary department %[6]s is the primary department", "%[1]s：附属部门%[6]s与主属部门相同", "%[1]s：附屬部門%[6]s與主屬部門相同"}},
	i18n.Text{Key: CodeMemberAffiliatedOrg, Forms: [3]string{"%[1]s: affiliated organization %[6]s must be an organization or the company", "%[1]s：归属组织%[6]s必须是组织或公司", "%[1]s：歸屬組織%[6]s必須是組織或公司"}},
	i18n.Text{Key: CodeMemberManagerSelf, Forms: [3]string{"%[1]s: a member cannot report to themselves", "%[1]s：成员不能汇报给自己", "%[1]s：成員不能匯報給自己"}},
	i18n.Text{Key: CodeMemberManagerCycle, Forms: [3]string{"%[1]s: reporting to %[6]s would make a cycle (%[4]s)", "%[1]s：汇报给%[6]s会形成循环（%[4]s）", "%[1]s：匯報給%[6]s會形成循環（%[4]s）"}},
	i18n.Text{Key: CodeMemberManagerInactive, Forms: [3]string{"%[1]s: reporting manager %[6]s must be an active member", "%[1]s：汇报对象%[6]s必须是启用的成员", "%[1]s：匯報對象%[6]s必須是啟用的成員"}},
	i18n.Text{Key: CodeMemberLastAdmin, Forms: [3]string{"%[1]s: the last active org admin cannot be removed or deactivated", "%[1]s：不能移除或停用最后一位启用的组织管理员", "%[1]s：不能移除或停用最後一位啟用的組織管理員"}},
	i18n.Text{Key: CodeMemberAvatarTooLarge, Forms: [3]string{"%[1]s: %[3]s bytes is over the limit of %[4]s bytes", "%[1]s：%[3]s 字节超过上限 %[4]s 字节", "%[1]s：%[3]s 位元組超過上限 %[4]s 位元組"}},
	i18n.Text{Key: CodeMemberAvatarType, Forms: [3]string{"%[1]s: content is %[3]s, not JPEG, GIF or PNG", "%[1]s：内容为 %[3]s，不是 JPEG、GIF 或 PNG", "%[1]s：內容為 %[3]s，不是 JPEG、GIF 或 PNG"}},
	i18n.Text{Key: CodeMemberInactive, Forms: [3]string{"%[1]s: member %[6]s is not active", "%[1]s：成员%[6]s未启用", "%[1]s：成員%[6]s未啟用"}},
	i18n.Text{Key: CodeMemberSecondaryKept, Forms: [3]string{"%[1]s: secondary departments are given, but the mode keeps the member's own", "%[1]s：指定了附属部门，但处理方式为保留成员原有的附属部门", "%[1]s：指定了附屬部門，但處理方式為保留成員原有的附屬部門"}},
	i18n.Text{Key: CodeCardFieldFixed, Forms: [3]string{"%[1]s: %[5]s is a default field, always shown first", "%[1]s：%[5]s是默认字段，总是最先显示", "%[1]s：%[5]s是預設欄位，總是最先顯示"}},
	i18n.Text{Key: CodeCardFieldNotAllowed, Forms: [3]string{"%[1]s: %[5]s cannot be shown on this card", "%[1]s：%[5]s不能显示在此名片上", "%[1]s：%[5]s不能顯示在此名片上"}},
	i18n.Text{Key: CodeCardFieldDuplicate, Forms: [3]string{"%[1]s: %[5]s is already listed at position %[4]s", "%[1]s：%[5]s已在第 %[4]s 位列出", "%[1]s：%[5]s已在第 %[4]s 位列出"}},
	i18n.Text{Key: CodeRoleNameDuplicate, Forms: [3]string{"%[1]s: name %[3]q is already used by %[6]s", "%[1]s：名称「%[3]s」已被%[6]s使用", "%[1]s：名稱「%[3]s」已被%[6]s使用"}},
	i18n.Text{Key: CodeRolePrimaryNotHeld, Forms: [3]string{"%[1]s: primary role %[6]s is not one of the member's roles", "%[1]s：主角色%[6]s不在该成员的角色中", "%[1]s：主角色%[6]s不在該成員的角色中"}},
	i18n.Text{Key: CodeRoleBuiltin, Forms: [3]string{"%[1]s: the built-in org-admin role cannot be %[5]s", "%[1]s：内置的组织管理员角色不能%[5]s", "%[1]s：內置的組織管理員角色不能%[5]s"}},
	i18n.Text{Key: CodeRoleRetired, Forms: [3]string{"%[1]s: %[6]s is retired", "%[1]s：%[6]s已归档", "%[1]s：%[6]s已歸檔"}},
)
