// Package importexport reads and writes members and departments as xlsx workbooks
// and CSV: templates to fill in, validated all-or-nothing imports with a report and
// an error workbook, and streaming exports (written through excelize).
//
// # Templates
//
// WriteTemplate writes an xlsx template: a member sheet and/or a department sheet
// with headers in English, Simplified or Traditional Chinese, required columns marked
// "*", dropdowns for enumerated columns (gender, login method, status, yes/no, kind,
// contact view, message reception), text format for columns of digits so that
// leading zeros stay, and an instruction sheet describing every column.
//
// # Columns
//
// A column is named by a stable Column ("employee_number", "primary_department",
// "roles", "name:en", …). On import, columns are found by their header in any of the
// three languages (or a common synonym, or the stable name), in any order; a header
// may carry a "*" or a note in parentheses. A header merged over several rows is read
// from its top cell, and title rows above the header are skipped (the header is the
// row, among the first ten, that names the most known columns). Columns no header
// names are problems unless ImportOptions.AllowUnknownColumns is set.
//
// Departments are referred to by code, or by path of names from the company
// ("Acme/Beijing R&D", the company's name optional), or by a name only one department
// has. Members are referred to (reporting manager, department posts, whitelists) by
// the import's match key, or else by any other key field when exactly one member
// matches (export names a member whose key is blank by system name); they may be
// members of the directory or rows of the same import, before or after the referring
// row. Roles are referred to by name. Lists are separated by ";" (also "；"
// or line breaks); a member's roles list its primary role first.
//
// # Platform templates
//
// The member-import templates administrators download from the platforms import as
// they are: instruction rows above the header and merged cells are skipped, a
// template's example row is not a member, and its headers mean what the template
// says. A member sheet is read as a template when its header row holds the headers
// that identify it (ImportOptions.HeaderAliases still win); SheetReport.Template
// names it:
//
//	template          identified by (all of)           columns read                                   departments
//	WeCom (xlsx)      姓名 帐号/账号 部门 别名         姓名 账号/帐号 职务 部门 性别 手机 座机 邮箱   path with "/", from the top;
//	                  (Traditional spellings too)      (个人邮箱) 地址; 别名 企业邮箱 视频号 and the    several separated by "；"
//	                                                   exported status columns ignored                 (or ";")
//	WeCom CSV (API)   姓名 帐号/账号 所在部门          姓名 帐号 手机号 邮箱 所在部门 职位 性别        department IDs (codes here)
//	                                                   地址 座机 禁用; 是否部门内领导 排序 ignored      separated by ";"
//	DingTalk (xlsx)   姓名 部门 分机号 办公地点        员工UserID (external ID) 姓名 手机号 部门 职位  path with "-" (or "/");
//	                                                   工号 直属主管UserID 邮箱 分机号 办公地点         several separated by ","
//	                                                   入职时间 性别; 初始密码 a secret; 主管 flag,     (or "；", ";")
//	                                                   备注, 企业邮箱, account and role columns ignored
//	Feishu/Lark       姓名 部门 人员类型 入职日期      姓名 用户 ID (external ID) 手机号 工作邮箱 部门  path with "/";
//	                  (繁體 spellings too)             工号 性别 入职日期 直属上级 职务 工作城市;       several separated by ";"
//	                                                   人员类型 企业邮箱 ignored
//	Microsoft Entra   Name [displayName],              Name (full name), User name (UPN: email),      one department name
//	(bulk create CSV) User name [userPrincipalName],   Block sign in (login blocked), Job title,
//	                  Initial password [passwordProfile] Department, Usage location (region), Office,
//	                                                   Office phone, Mobile phone; First/Last name;
//	                                                   address columns ignored; the "Example:" row skipped
//	Google Workspace  First Name, Last Name,           First and Last Name (the full name), Email     Org Unit Path: "/" the
//	(bulk upload CSV) Email Address, and Org Unit      Address, Org Unit Path, Mobile/Work Phone,     top, "/Sales" below it
//	                  Path or a [READ ONLY] column     Work Address, Employee ID, Employee Title,
//	                                                   Manager Email; the rest ignored
//
// How sure each header set is: the Entra and Google Workspace headers (the blank
// template and a downloaded user list, whose "[READ ONLY]" columns are ignored as
// Google ignores them) and WeCom's API CSV header are confirmed verbatim by several
// independent public sources. WeCom's member file (the sheet 成员列表 the console
// exports for editing and imports back: eight rule rows, each merged over the
// header, then 姓名 账号 别名 职务 部门 性别 手机 座机 邮箱 地址 视频号 and the status
// columns; a company with business mail has one rule and a 企业邮箱 column more) is
// confirmed by a public copy of the file and by independent programs that read or
// rebuild it. DingTalk's current file (its rules in one merged cell, a row of column
// groups, then 员工UserID 姓名 手机号 部门 职位 工号 …) is read from one public copy
// of the file, most of its column order also from an independent reader; an older
// layout (员工UserID 部门 职位 姓名 性别 工号 …) is confirmed by public code. The Feishu/Lark console template can only be downloaded by a
// signed-in administrator: its header is built from the fields and rules Lark
// documents and is not confirmed cell by cell. Since columns are found by header in
// any order, a real file that orders them otherwise still imports; a spelling not
// listed here can be given through ImportOptions.HeaderAliases.
//
// Password columns (Entra's Initial password, Google's Password and Password Hash
// Function, DingTalk's 初始密码, and any header aliased to ColSecret) are never stored, never put in a
// report, a problem or an error, and blanked in the error workbook. Spelling
// variants are read everywhere, template or not: 帐号/账号/帳號, 手机/手机号/手機號,
// 邮箱/电子邮箱/个人邮箱/工作邮箱, 部门/所在部门/部門, and so on.
//
// On any member sheet, a primary-department cell may list several departments
// separated by "；" or ";" (commas are legal in department names): the first is the
// primary, the others secondary (a name that itself holds the separator is tried
// whole first). A template that documents a notation of its own is read in it too:
// DingTalk's "市场部-杭州分部,产品部" (levels by "-", departments by ","), tried after
// the cell as it is. A sheet without a system-name column names new members as sync
// does (member.Rules.DeriveSystemName: the full name, else an identifier of the row
// — external ID, login account, SSO account, employee number, email or mobile — and
// a name another member or row holds gets that identifier as a suffix,
// "张伟 (zhangwei2)"); without a login-method column, a new member with an email
// and no mobile logs in by email. Given and family names (ColGivenName,
// ColFamilyName) make the full name of a sheet that has none.
//
// # Importing
//
// Import reads a file (xlsx or CSV, sniffed), ImportFiles several files as one
// import, and Plan and PlanFiles preview without writing. The mode is Add, Update or
// Upsert, with one match key per import (employee number, mobile, email, system name,
// login account or external ID, compared after the directory's normalization, so
// "139 0000 0000" finds "+8613900000000"). On update a blank cell leaves a field
// unchanged and "#clear" empties it.
//
// Real spreadsheets are read forgivingly: cells are read raw, so that Excel serial
// dates convert exactly (in the workbook's 1900 or 1904 date system) and numbers stay
// whole ("13912345678", never "1.39E+10"); text cells keep their leading zeros;
// full-width digits and stray spaces are folded; text dates may be written
// 2024-03-01, 2024/3/1, 2024年3月1日, 1 Mar 2024 or D/M/YYYY (day first unless
// ImportOptions.MonthFirst); blank rows are skipped. Values a spreadsheet has already
// damaged are refused rather than guessed at: a number shortened to scientific
// notation ("1.39E+10"), a formula error ("#N/A"), a two-digit year.
//
// Every row is validated before anything is written — cell formats, the key (blank,
// unknown, taken, twice in the file), references, columns of fields a synced
// directory's platform owns (field.read_only), and then every rule of the directory
// service, whose violations are mapped back from their command to the row and column.
// When there is any problem nothing is written and Report.Problems lists each with
// its row, column letter, header, value, violation code and a message in
// ImportOptions.Language. Otherwise the whole import is one change set with origin
// "import", and the report counts the rows created, updated and unchanged.
//
// WriteErrorWorkbook re-streams the upload with the bad cells in red, a column saying
// what is wrong on each row, and a sheet listing every problem.
//
// # Untrusted files
//
// An upload may come from anyone, so every limit (see Limits) is enforced while the
// file streams in, before the memory it guards is spent, and an import writes no
// temporary files. An xlsx file is read by the package's own streaming reader, not
// loaded whole: a zip bomb is refused from its central directory before anything is
// inflated; each part is then inflated once, as it is read, and what it really
// inflates to is counted; a damaged part, or one that inflates to more than it
// declares, is refused (ErrFormat) rather than read truncated. Its XML is checked
// token by token: nesting depth, the size of any one tag, text, comment or string,
// the number and total size of the shared strings, the columns and bytes of each
// row; document type declarations are refused. A CSV record's fields are counted as
// its separators are read, and its bytes as they arrive. Exceeding a limit fails the
// import with a *LimitError naming the limit, the part and the row; cancelling the
// context stops the read within a row. Reading stops at the first row over the row
// limit, and a file with more problems than Limits.MaxProblems is reported with the
// first ones only.
//
// # CSV encodings
//
// A CSV file's encoding is detected or refused, never guessed: a byte order mark
// names UTF-8 or UTF-16 (Excel's "Unicode Text", tab-separated); otherwise the text
// passes as ASCII until its first non-ASCII byte, where the encodings the next 64 KiB
// are valid in (UTF-8, GB18030/GBK, Big5, Shift_JIS) are the candidates. Byte
// validity alone does not tell them apart (GBK text is often valid Big5), so the
// candidate whose decoded header row names the most known columns wins; then UTF-8;
// then a candidate whose text is clearly more plausible (mostly common characters of
// its script) than every other's. A file still undecided is refused with an
// *EncodingError naming the candidates, and ImportOptions.Encoding (or
// Input.Encoding) reads it. Whatever the encoding, the whole file must be valid in
// it: the first invalid sequence refuses the import, naming its line. The separator
// is ',', ';' or tab (the one that splits a line among the first ten into the most
// known headers); lines end in LF, CRLF or a bare CR.
//
// # Exporting
//
// Export writes the members of the directory, of a node's subtree, a selection of IDs
// or any iter.Seq of members, and/or the departments (codes, parents, names in every
// language, posts, group and isolation settings), with the columns and order the
// caller chooses and localized headers, as xlsx (excelize's StreamWriter) or CSV
// (UTF-8 with a byte order mark). Derived defaults — an affiliated department or
// organization that follows the primary department — are left blank.
//
// # Formula safety
//
// In xlsx every value is written as a string cell, never a formula. In CSV a value
// starting with '=', '+', '-', '@', tab or carriage return gets a leading "'", and
// import strips exactly one leading "'" when one of those characters follows. A value that itself starts with "'" followed by one of
// those characters gets a second "'" on export, so that every value survives the
// round trip.
//
// # Round trip
//
// Export, import into an empty directory, export again: the two files are
// byte-identical, in both formats (xlsx documents carry fixed properties and their
// parts are written in a fixed order). A workbook with both sheets, or a department
// CSV and a member CSV given together to ImportFiles, imports as one change set in
// which departments are created before the members in them and posts are set after.
package importexport
