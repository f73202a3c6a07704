/*
 * limits.h -- every bound stagegate puts on hostile input, with its reason.
 * Reaching one is an error that refuses the push, never a silent pass.
 */
#ifndef SG_LIMITS_H
#define SG_LIMITS_H

/* Two oids, two spaces, a refname: git refuses refnames near 4k anyway. */
#define SG_MAX_PUSH_LINE	4096
/* More ref updates than this in one push is a mirror, not a promotion. */
#define SG_MAX_PUSH_UPDATES	10000
/* A policy is a page or two of YAML; a megabyte is already absurd. */
#define SG_MAX_POLICY_BYTES	(1024 * 1024)
/* libyaml 0.2.5 has no nesting limit; our loader counts depth itself. */
#define SG_MAX_YAML_DEPTH	32
/* Commits one ref update may bring; beyond this the push is refused. */
#define SG_MAX_COMMITS		200000
/* Commit and tag messages longer than this are refused, not parsed. */
#define SG_MAX_MESSAGE_BYTES	(1024 * 1024)
/*
 * One line on the pusher's terminal, escaped. A longer one (a 30 KB
 * trailer value quoted in a finding) loses its middle: the rule and the
 * explanation at either end stay on screen, and nothing floods it.
 */
#define SG_MAX_MSG_LINE		4096
/* Violations listed per push; more are counted, not printed. */
#define SG_MAX_SHOWN_FINDINGS	200
/* Untested commits named in one tested.skipped message. */
#define SG_MAX_NAMED_COMMITS	10
/* pcre2 match and depth limits: reaching one is an error, not a pass. */
#define SG_PCRE2_MATCH_LIMIT	1000000
#define SG_PCRE2_DEPTH_LIMIT	10000
/* Capture groups a secret rule may report (the match array's size). */
#define SG_MAX_RULE_GROUP	9
/* How far back a rule's allow-context looks for the key of a value: keys
   sit just before their values, and a minified line must not be re-read. */
#define SG_RULE_CONTEXT		256
/* A rule's `near` window: a key = value match is at most a few KB. */
#define SG_MAX_RULE_NEAR	65536
/* The secret gate's default deadline: GitHub Enterprise kills pre-receive
   hooks at 5 s; elsewhere a real first push must fit (issue 13). */
#define SG_GHES_DEADLINE_MS	4000
#define SG_DEFAULT_DEADLINE_MS	60000
/* One audit record; a record larger than this is cut, never dropped. */
#define SG_MAX_AUDIT_RECORD	(256 * 1024)

/* Archives inside blobs: entries, total inflated bytes, ratio, nesting. */
#define SG_ZIP_MAX_ENTRIES	20000
#define SG_ZIP_MAX_TOTAL	(512u * 1024 * 1024)
#define SG_ZIP_MAX_RATIO	200
#define SG_ZIP_MAX_DEPTH	4
/* Below this many inflated bytes the ratio is not checked (tiny files). */
#define SG_INFLATE_RATIO_FLOOR	(1024u * 1024)
/* Printable run of a binary scanned as a string (strings(1) uses 4). */
#define SG_STRINGS_MIN		8
/* UTF-16 without a BOM is only guessed from this many characters on. */
#define SG_UTF16_MIN_PAIRS	4
/* A base64 line this long (and a multiple of 4) may wrap onto the next. */
#define SG_B64_MIN_WRAP		40
/* base64 runs shorter than this are words, not encoded files */
#define SG_B64_MIN_RUN		32
/* File and entry names shorter than this are not run through the rules. */
#define SG_MIN_NAME_SCAN	8
/*
 * libgit2's pack mappings and object cache: peak memory of a hook.
 * Mapped windows are resident and count in peak RSS: on a real first
 * push (creator-kit, 38 MB pack; tests/bench/RESULTS.md) 32 MB and 64 MB
 * raised it from 58 to 72 and 92 MB for no measurable CPU (median 5.4,
 * 5.6, 5.5 s); 8 MB cost system time and saved no RSS. (64 MB saves 15 %
 * CPU on the synthetic large push, whose windows are touched sparsely.)
 */
#define SG_MWINDOW_MAPPED_LIMIT	(16u * 1024 * 1024)
/* libgit2 maps 1 GB windows by default: one window would hold a pack */
#define SG_MWINDOW_SIZE		(4u * 1024 * 1024)
#define SG_OBJECT_CACHE_LIMIT	(1u * 1024 * 1024)
/* Findings of one push beyond which scanning stops (all refused). */
#define SG_MAX_SECRET_FINDINGS	1000
/* The same for `stagegate scan`, which audits whole trees and histories. */
#define SG_MAX_SCAN_FINDINGS	100000
/*
 * Results in one SARIF run: GitHub code scanning rejects a whole file
 * above 25,000 (its documented hard limit), so more are left out and
 * the run says how many (scan --format json lists them all).
 */
#define SG_MAX_SARIF_RESULTS	25000

/*
 * A path in a pushed tree: no checkout can hold a longer one (PATH_MAX),
 * so a longer one is refused (secret.path-too-long), its content scanned.
 */
#define SG_MAX_PATH_BYTES	4096
#define SG_PATH_TOO_LONG	"(a path longer than 4096 bytes).../"
/* Change windows: names, how far ahead the next opening is looked for. */
#define SG_MAX_ZONE_NAME	64
#define SG_WINDOW_HORIZON_DAYS	400
#define SG_MAX_WINDOWS		32
#define SG_MAX_FREEZES		64
/* A break-glass reason is a ticket and a line, not a story. */
#define SG_MAX_BREAK_GLASS_REASON	200
/* Solution manifests read per tree, and the bytes of each. */
#define SG_MAX_SOLUTIONS	256
#define SG_MAX_SOLUTION_BYTES	(4u * 1024 * 1024)

/* Schema files (Customizations.xml of a packed solution can be large). */
#define SG_MAX_SCHEMA_BYTES	(64u * 1024 * 1024)
/* XML nesting the schema readers follow; deeper is unreadable. */
#define SG_MAX_XML_DEPTH	256
/* A migration plan is a page of YAML; the audit record keeps all of it. */
#define SG_MAX_PLAN_BYTES	(64u * 1024)
/* Personal-data gate: a data file larger than this is scanned in its
 * first SG_MAX_DATA_BYTES only, and says so (a warning). */
#define SG_MAX_DATA_BYTES	(64u * 1024 * 1024)
/* Hex digits of an object id in messages (unique in any real repository). */
#define SG_OID_SHOWN	10

#endif
