/*
 * clock.h -- the push's clock and the policy's time syntax (clock.c).
 */
#ifndef SG_CLOCK_H
#define SG_CLOCK_H

#include <time.h>

struct sg_buf;

/* Where the system's tz database lives; TZDIR is not honoured. */
#define SG_ZONEINFO_DIR "/usr/share/zoneinfo"

/* "sun" .. "sat", by tm_wday. */
extern const char *const sg_day_names[7];

/*
 * The push's clock (UTC seconds), read once when the hook starts. Test
 * builds (-DSG_TEST_CLOCK: VARIANT=test and asan) take it from
 * STAGEGATE_TEST_NOW ("2026-12-08T10:00:00Z") when set; release builds
 * have no such code, so a pusher cannot move it.
 */
time_t sg_clock_now(void);
/* Whether this build honours STAGEGATE_TEST_NOW. */
int sg_clock_is_settable(void);

/* 0 if `zone` names a zone of the tz database; else < 0, reason in why. */
int sg_tz_check(const char *zone, struct sg_buf *why);
/* "mon", "tue-thu" into weekday bits (tm_wday); < 0 if not one. */
int sg_window_parse_days(unsigned *out, const char *s);
/* "09:00-15:00" into minutes; < 0 with the reason in why. */
int sg_window_parse_range(int *start, int *end, const char *s,
			  struct sg_buf *why);
/* "2026-12-21" into year, month, day; < 0 if not a real date. */
int sg_window_parse_date(int out[3], const char *s);
/* Compare two parsed dates like strcmp. */
int sg_window_date_cmp(const int a[3], const int b[3]);

#endif
