package orgkit

import "github.com/orgkit/orgkit/internal/i18n"

// Violation codes. Codes are stable: hosts may match on them. Each has an English,
// Simplified Chinese and Traditional Chinese message; %[1]s is the record, %[2]s the
// field, %[3]s the value and %[4]s the detail (what the value collides with).
// Codes ending in a segment listed under the generic forms below (".required",
// ".duplicate", ".invalid", ".too_long", ".not_found", ".inactive") may be built for
// any field, e.g. "member.employee_number.duplicate".
const (
	CodeFieldRequired  = "field.required"
	CodeFieldReadOnly  = "field.read_only"
	CodeFieldInvalid   = "field.invalid"
	CodeFieldTooLong   = "field.too_long"
	CodeIDZero         = "record.id.zero"
	CodeRecordNotFound = "record.not_found"
	CodeRecordExists   = "record.exists"
	CodeRecordRetired  = "record.retired"
	// CodeTextForbidden: a name, code or other text holds a control character or an
	// invisible formatting character (a bidirectional override, a zero-width space, …);
	// the detail names it ("U+202E") and the value shows it as U+FFFD. Every text that
	// enters, by any path, obeys this one rule.
	CodeTextForbidden = "text.forbidden_character"

	CodeNodeKindInvalid        = "node.kind.invalid"
	CodeNodeParentKind         = "node.parent.kind"
	CodeNodeMultiOrgOff        = "node.organization.multi_org_off"
	CodeNodeNameRequired       = "node.name.required"
	CodeNodeNameDuplicate      = "node.name.duplicate_sibling"
	CodeNodeNameLanguage       = "node.name.language.invalid"
	CodeNodeCodeInvalid        = "node.code.invalid"
	CodeNodeCodeDuplicate      = "node.code.duplicate"
	CodeNodeRootImmutable      = "node.root.immutable"
	CodeNodeInactive           = "node.inactive"
	CodeTreeCycle              = "tree.cycle"
	CodeNodeActiveChildren     = "node.deactivate.active_children"
	CodeNodeActiveMembers      = "node.deactivate.active_members"
	CodeNodeParentInactive     = "node.reactivate.parent_inactive"
	CodeNodePostInactive       = "node.post.member_inactive"
	CodeNodePostDuplicate      = "node.post.duplicate"
	CodeNodeObserverRoot       = "node.observer.root"
	CodeNodeMergeTarget        = "node.merge.target_is_source"
	CodeNodeMergeAncestor      = "node.merge.source_is_ancestor"
	CodeNodeMergeSynced        = "node.merge.synced_directory"
	CodeNodeMergeNameClash     = "node.merge.child_name_clash"
	CodeNodeWhitelistInactive  = "node.whitelist.inactive"
	CodeNodeIsolationRoot      = "node.isolation.root"
	CodeNodeIsolationInvalid   = "node.isolation.invalid"
	CodeDirectoryMultiOrg      = "directory.multi_org.active_organizations"
	CodeDirectoryLeader        = "directory.leader.inactive"
	CodeDirectoryKeyInvalid    = "directory.key.invalid"
	CodeDirectoryKeyDuplicate  = "directory.key.duplicate"
	CodeDirectorySelfJoin      = "directory.self_join.disallowed"
	CodeMemberMobileInvalid    = "member.mobile.invalid"
	CodeMemberEmailInvalid     = "member.email.invalid"
	CodeMemberLoginMethod      = "member.login_method.missing_contact"
	CodeMemberSecondaryPrimary = "member.secondary.is_primary"
	CodeMemberAffiliatedOrg    = "member.affiliated_organization.kind"
	CodeMemberManagerSelf      = "member.reporting_manager.self"
	CodeMemberManagerCycle     = "member.reporting_manager.cycle"
	CodeMemberManagerInactive  = "member.reporting_manager.inactive"
	CodeMemberLastAdmin        = "member.org_admin.last"
	CodeMemberAvatarTooLarge   = "member.avatar.too_large"
	CodeMemberAvatarType       = "member.avatar.type"
	CodeRoleNameDuplicate      = "role.name.duplicate"
	CodeRolePrimaryNotHeld     = "role.primary.not_held"
	CodeRoleBuiltin            = "role.builtin.immutable"
	CodeRoleRetired            = "role.retired"
	CodeMemberInactive         = "member.inactive"
	CodeCommandNil             = "command.nil"
)

// Codes of a whole-value replacement (orgtree.SetAssistants, SetObservers,
// SetIsolation, role.Update) refused because its Replacing is no longer the record's
// value: someone changed it since the caller read it. The violation's value is the
// current one.
const (
	CodeNodeAssistantsChanged  = "node.assistants.changed"
	CodeNodeObserversChanged   = "node.observers.changed"
	CodeNodeIsolationChanged   = "node.isolation.changed"
	CodeRolePermissionsChanged = "role.permissions.changed"
)

var violationTexts = i18n.NewTexts(
	i18n.Text{Key: "*.required", Forms: [3]string{"%[1]s: %[2]s is required", "%[1]s：%[2]s 为必填项", "%[1]s：%[2]s 為必填項"}},
	i18n.Text{Key: "*.duplicate", Forms: [3]string{"%[1]s: %[2]s %[3]q is already used by %[4]s", "%[1]s：%[2]s「%[3]s」已被 %[4]s 使用", "%[1]s：%[2]s「%[3]s」已被 %[4]s 使用"}},
	i18n.Text{Key: "*.invalid", Forms: [3]string{"%[1]s: %[2]s %[3]q is not valid%[4]s", "%[1]s：%[2]s「%[3]s」无效%[4]s", "%[1]s：%[2]s「%[3]s」無效%[4]s"}},
	i18n.Text{Key: "*.too_long", Forms: [3]string{"%[1]s: %[2]s is longer than %[4]s characters", "%[1]s：%[2]s 超过 %[4]s 个字符", "%[1]s：%[2]s 超過 %[4]s 個字元"}},
	i18n.Text{Key: "*.not_found", Forms: [3]string{"%[1]s: %[2]s %[3]s does not exist", "%[1]s：%[2]s %[3]s 不存在", "%[1]s：%[2]s %[3]s 不存在"}},
	i18n.Text{Key: "*.inactive", Forms: [3]string{"%[1]s: %[2]s %[3]s is not active", "%[1]s：%[2]s %[3]s 未启用", "%[1]s：%[2]s %[3]s 未啟用"}},
	i18n.Text{Key: CodeFieldReadOnly, Forms: [3]string{"%[1]s: %[2]s is owned by the synced platform and cannot be edited here", "%[1]s：%[2]s 由同步平台维护，不能在此修改", "%[1]s：%[2]s 由同步平台維護，不能在此修改"}},
	i18n.Text{Key: CodeIDZero, Forms: [3]string{"%[1]s: an ID is required (the zero ID is refused)", "%[1]s：必须提供 ID（不接受零值 ID）", "%[1]s：必須提供 ID（不接受零值 ID）"}},
	i18n.Text{Key: CodeRecordNotFound, Forms: [3]string{"%[1]s does not exist", "%[1]s 不存在", "%[1]s 不存在"}},
	i18n.Text{Key: CodeRecordExists, Forms: [3]string{"%[1]s already exists", "%[1]s 已存在", "%[1]s 已存在"}},
	i18n.Text{Key: CodeTextForbidden, Forms: [3]string{"%[1]s: %[2]s %[3]q holds %[4]s, a control or invisible formatting character that names and codes may not hold", "%[1]s：%[2]s「%[3]s」含有控制字符或不可见的格式字符 %[4]s，名称和编码中不允许使用", "%[1]s：%[2]s「%[3]s」含有控制字元或不可見的格式字元 %[4]s，名稱和編碼中不允許使用"}},
	i18n.Text{Key: CodeRecordRetired, Forms: [3]string{"%[1]s is retired and can no longer be changed", "%[1]s 已归档，不能再修改", "%[1]s 已歸檔，不能再修改"}},
	i18n.Text{Key: CodeNodeKindInvalid, Forms: [3]string{"%[1]s: kind %[3]q is not valid here%[4]s", "%[1]s：类型「%[3]s」在此无效%[4]s", "%[1]s：類型「%[3]s」在此無效%[4]s"}},
	i18n.Text{Key: CodeNodeParentKind, Forms: [3]string{"%[1]s: a %[3]s cannot be placed under %[4]s", "%[1]s：%[3]s 不能放在 %[4]s 之下", "%[1]s：%[3]s 不能放在 %[4]s 之下"}},
	i18n.Text{Key: CodeNodeMultiOrgOff, Forms: [3]string{"%[1]s: organizations exist only while multi-org is on", "%[1]s：仅在开启多组织后才能使用组织", "%[1]s：僅在開啟多組織後才能使用組織"}},
	i18n.Text{Key: CodeNodeNameRequired, Forms: [3]string{"%[1]s: a name is required", "%[1]s：名称为必填项", "%[1]s：名稱為必填項"}},
	i18n.Text{Key: CodeNodeNameDuplicate, Forms: [3]string{"%[1]s: name %[3]q (language %[2]s) is already used by sibling %[4]s", "%[1]s：名称「%[3]s」（语言 %[2]s）与同级的 %[4]s 重复", "%[1]s：名稱「%[3]s」（語言 %[2]s）與同級的 %[4]s 重複"}},
	i18n.Text{Key: CodeNodeNameLanguage, Forms: [3]string{"%[1]s: %[3]q is not a valid language tag", "%[1]s：「%[3]s」不是有效的语言标记", "%[1]s：「%[3]s」不是有效的語言標記"}},
	i18n.Text{Key: CodeNodeCodeInvalid, Forms: [3]string{"%[1]s: code %[3]q is not valid (1–64 letters, digits, '-', '_' or '.')", "%[1]s：编码「%[3]s」无效（1–64 个字母、数字、-、_ 或 .）", "%[1]s：編碼「%[3]s」無效（1–64 個字母、數字、-、_ 或 .）"}},
	i18n.Text{Key: CodeNodeCodeDuplicate, Forms: [3]string{"%[1]s: code %[3]q is already used by %[4]s", "%[1]s：编码「%[3]s」已被 %[4]s 使用", "%[1]s：編碼「%[3]s」已被 %[4]s 使用"}},
	i18n.Text{Key: CodeNodeRootImmutable, Forms: [3]string{"%[1]s: the company root cannot be %[3]s", "%[1]s：公司根节点不能%[3]s", "%[1]s：公司根節點不能%[3]s"}},
	i18n.Text{Key: CodeNodeInactive, Forms: [3]string{"%[1]s: node %[3]s is not active", "%[1]s：节点 %[3]s 未启用", "%[1]s：節點 %[3]s 未啟用"}},
	i18n.Text{Key: CodeTreeCycle, Forms: [3]string{"%[1]s: moving under %[3]s would make a cycle", "%[1]s：移动到 %[3]s 之下会形成循环", "%[1]s：移動到 %[3]s 之下會形成循環"}},
	i18n.Text{Key: CodeNodeActiveChildren, Forms: [3]string{"%[1]s: cannot be deactivated while it has active child nodes (%[4]s)", "%[1]s：存在启用的下级节点（%[4]s），不能停用", "%[1]s：存在啟用的下級節點（%[4]s），不能停用"}},
	i18n.Text{Key: CodeNodeActiveMembers, Forms: [3]string{"%[1]s: cannot be deactivated while active members belong to it (%[4]s)", "%[1]s：仍有启用的成员（%[4]s），不能停用", "%[1]s：仍有啟用的成員（%[4]s），不能停用"}},
	i18n.Text{Key: CodeNodeParentInactive, Forms: [3]string{"%[1]s: cannot be reactivated while its parent %[3]s is inactive", "%[1]s：上级 %[3]s 已停用，不能启用", "%[1]s：上級 %[3]s 已停用，不能啟用"}},
	i18n.Text{Key: CodeNodePostInactive, Forms: [3]string{"%[1]s: %[2]s %[3]s must be an active member", "%[1]s：%[2]s %[3]s 必须是启用的成员", "%[1]s：%[2]s %[3]s 必須是啟用的成員"}},
	i18n.Text{Key: CodeNodePostDuplicate, Forms: [3]string{"%[1]s: %[3]s is listed twice in %[2]s", "%[1]s：%[3]s 在 %[2]s 中重复", "%[1]s：%[3]s 在 %[2]s 中重複"}},
	i18n.Text{Key: CodeNodeObserverRoot, Forms: [3]string{"%[1]s: the company root has no observers", "%[1]s：公司根节点不能设置观察者", "%[1]s：公司根節點不能設置觀察者"}},
	i18n.Text{Key: CodeNodeMergeTarget, Forms: [3]string{"%[1]s: the merge target is also a source", "%[1]s：合并目标也在来源中", "%[1]s：合併目標也在來源中"}},
	i18n.Text{Key: CodeNodeMergeAncestor, Forms: [3]string{"%[1]s: source %[3]s is an ancestor of the merge target", "%[1]s：来源 %[3]s 是合并目标的上级", "%[1]s：來源 %[3]s 是合併目標的上級"}},
	i18n.Text{Key: CodeNodeMergeSynced, Forms: [3]string{"%[1]s: merging is not possible in a synced directory", "%[1]s：同步的组织架构不能合并部门", "%[1]s：同步的組織架構不能合併部門"}},
	i18n.Text{Key: CodeNodeMergeNameClash, Forms: [3]string{"%[1]s: child %[3]q clashes with %[4]s under the merge target", "%[1]s：下级「%[3]s」与合并目标下的 %[4]s 重名", "%[1]s：下級「%[3]s」與合併目標下的 %[4]s 重名"}},
	i18n.Text{Key: CodeNodeWhitelistInactive, Forms: [3]string{"%[1]s: whitelist entry %[3]s is not active", "%[1]s：白名单项 %[3]s 未启用", "%[1]s：白名單項 %[3]s 未啟用"}},
	i18n.Text{Key: CodeNodeIsolationRoot, Forms: [3]string{"%[1]s: the company root is never isolated", "%[1]s：公司根节点不能设置隔离", "%[1]s：公司根節點不能設置隔離"}},
	i18n.Text{Key: CodeNodeIsolationInvalid, Forms: [3]string{"%[1]s: isolation setting %[2]s has no value %[3]q", "%[1]s：隔离设置 %[2]s 没有取值「%[3]s」", "%[1]s：隔離設置 %[2]s 沒有取值「%[3]s」"}},
	i18n.Text{Key: CodeNodeAssistantsChanged, Forms: [3]string{"%[1]s: the assistants changed since they were read (now: %[3]s); read them again, or add and remove assistants instead of replacing them", "%[1]s：助理在读取后已被修改（当前：%[3]s），请重新读取，或改为添加、移除助理", "%[1]s：助理在讀取後已被修改（目前：%[3]s），請重新讀取，或改為新增、移除助理"}},
	i18n.Text{Key: CodeNodeObserversChanged, Forms: [3]string{"%[1]s: the observers changed since they were read (now: %[3]s); read them again, or add and remove observers instead of replacing them", "%[1]s：观察者在读取后已被修改（当前：%[3]s），请重新读取，或改为添加、移除观察者", "%[1]s：觀察者在讀取後已被修改（目前：%[3]s），請重新讀取，或改為新增、移除觀察者"}},
	i18n.Text{Key: CodeNodeIsolationChanged, Forms: [3]string{"%[1]s: the isolation settings changed since they were read (now: %[3]s); read them again, or add and remove whitelist entries instead of replacing them", "%[1]s：隔离设置在读取后已被修改（当前：%[3]s），请重新读取，或改为添加、移除白名单项", "%[1]s：隔離設置在讀取後已被修改（目前：%[3]s），請重新讀取，或改為新增、移除白名單項"}},
	i18n.Text{Key: CodeRolePermissionsChanged, Forms: [3]string{"%[1]s: the permissions changed since they were read (now: %[3]s); read them again, or grant and revoke permissions instead of replacing them", "%[1]s：权限在读取后已被修改（当前：%[3]s），请重新读取，或改为授予、撤销权限", "%[1]s：權限在讀取後已被修改（目前：%[3]s），請重新讀取，或改為授予、撤銷權限"}},
	i18n.Text{Key: CodeDirectoryMultiOrg, Forms: [3]string{"%[1]s: multi-org cannot be turned off while active organizations exist (%[4]s)", "%[1]s：仍有启用的组织（%[4]s），不能关闭多组织", "%[1]s：仍有啟用的組織（%[4]s），不能關閉多組織"}},
	i18n.Text{Key: CodeDirectoryLeader, Forms: [3]string{"%[1]s: leader %[3]s must be an active member", "%[1]s：负责人 %[3]s 必须是启用的成员", "%[1]s：負責人 %[3]s 必須是啟用的成員"}},
	i18n.Text{Key: CodeDirectoryKeyInvalid, Forms: [3]string{"%[1]s: key %[3]q is not valid (lower-case letters, digits and '-', 1–64)", "%[1]s：标识「%[3]s」无效（小写字母、数字和 -，1–64 位）", "%[1]s：標識「%[3]s」無效（小寫字母、數字和 -，1–64 位）"}},
	i18n.Text{Key: CodeDirectoryKeyDuplicate, Forms: [3]string{"%[1]s: key %[3]q is already used by another directory", "%[1]s：标识「%[3]s」已被其他组织架构使用", "%[1]s：標識「%[3]s」已被其他組織架構使用"}},
	i18n.Text{Key: CodeDirectorySelfJoin, Forms: [3]string{"%[1]s: this directory does not let registered users join by themselves", "%[1]s：该组织架构不允许新注册用户自行加入", "%[1]s：該組織架構不允許新註冊用戶自行加入"}},
	i18n.Text{Key: CodeMemberMobileInvalid, Forms: [3]string{"%[1]s: mobile %[3]q is not a valid phone number%[4]s", "%[1]s：手机号「%[3]s」无效%[4]s", "%[1]s：手機號「%[3]s」無效%[4]s"}},
	i18n.Text{Key: CodeMemberEmailInvalid, Forms: [3]string{"%[1]s: email %[3]q is not a valid address", "%[1]s：邮箱「%[3]s」无效", "%[1]s：郵箱「%[3]s」無效"}},
	i18n.Text{Key: CodeMemberLoginMethod, Forms: [3]string{"%[1]s: login method %[3]s needs the member's %[3]s (a mobile, an email, for platform login an external ID, for account login a login account)", "%[1]s：登录方式为 %[3]s 时必须填写对应信息（手机号、邮箱、平台登录所需的外部 ID，或账号登录所需的登录账号）", "%[1]s：登入方式為 %[3]s 時必須填寫對應資訊（手機號、郵箱、平台登入所需的外部 ID，或帳號登入所需的登入帳號）"}},
	i18n.Text{Key: CodeMemberSecondaryPrimary, Forms: [3]string{"%[1]s: secondary department %[3]s is the primary department", "%[1]s：附属部门 %[3]s 与主属部门相同", "%[1]s：附屬部門 %[3]s 與主屬部門相同"}},
	i18n.Text{Key: CodeMemberAffiliatedOrg, Forms: [3]string{"%[1]s: affiliated organization %[3]s must be an organization or the company", "%[1]s：归属组织 %[3]s 必须是组织或公司", "%[1]s：歸屬組織 %[3]s 必須是組織或公司"}},
	i18n.Text{Key: CodeMemberManagerSelf, Forms: [3]string{"%[1]s: a member cannot report to themselves", "%[1]s：成员不能汇报给自己", "%[1]s：成員不能匯報給自己"}},
	i18n.Text{Key: CodeMemberManagerCycle, Forms: [3]string{"%[1]s: reporting to %[3]s would make a cycle (%[4]s)", "%[1]s：汇报给 %[3]s 会形成循环（%[4]s）", "%[1]s：匯報給 %[3]s 會形成循環（%[4]s）"}},
	i18n.Text{Key: CodeMemberManagerInactive, Forms: [3]string{"%[1]s: reporting manager %[3]s must be an active member", "%[1]s：汇报对象 %[3]s 必须是启用的成员", "%[1]s：匯報對象 %[3]s 必須是啟用的成員"}},
	i18n.Text{Key: CodeMemberLastAdmin, Forms: [3]string{"%[1]s: the last active org admin cannot be removed or deactivated", "%[1]s：不能移除或停用最后一位启用的组织管理员", "%[1]s：不能移除或停用最後一位啟用的組織管理員"}},
	i18n.Text{Key: CodeMemberAvatarTooLarge, Forms: [3]string{"avatar: %[3]s bytes is over the limit of %[4]s bytes", "头像：%[3]s 字节超过上限 %[4]s 字节", "頭像：%[3]s 位元組超過上限 %[4]s 位元組"}},
	i18n.Text{Key: CodeMemberAvatarType, Forms: [3]string{"avatar: content is %[3]s, not JPEG, GIF or PNG", "头像：内容为 %[3]s，不是 JPEG、GIF 或 PNG", "頭像：內容為 %[3]s，不是 JPEG、GIF 或 PNG"}},
	i18n.Text{Key: CodeRoleNameDuplicate, Forms: [3]string{"%[1]s: name %[3]q is already used by %[4]s", "%[1]s：名称「%[3]s」已被 %[4]s 使用", "%[1]s：名稱「%[3]s」已被 %[4]s 使用"}},
	i18n.Text{Key: CodeRolePrimaryNotHeld, Forms: [3]string{"%[1]s: primary role %[3]s is not one of the member's roles", "%[1]s：主角色 %[3]s 不在该成员的角色中", "%[1]s：主角色 %[3]s 不在該成員的角色中"}},
	i18n.Text{Key: CodeRoleBuiltin, Forms: [3]string{"%[1]s: the built-in org-admin role cannot be %[3]s", "%[1]s：内置的组织管理员角色不能%[3]s", "%[1]s：內置的組織管理員角色不能%[3]s"}},
	i18n.Text{Key: CodeRoleRetired, Forms: [3]string{"%[1]s: role %[3]s is retired", "%[1]s：角色 %[3]s 已归档", "%[1]s：角色 %[3]s 已歸檔"}},
	i18n.Text{Key: CodeMemberInactive, Forms: [3]string{"%[1]s: member %[3]s is not active", "%[1]s：成员 %[3]s 未启用", "%[1]s：成員 %[3]s 未啟用"}},
	i18n.Text{Key: CodeCommandNil, Forms: [3]string{"%[1]s is nil", "%[1]s为空", "%[1]s為空"}},
)
