/*
 * clock.c -- the push's clock, and the time syntax the policy uses for
 * change windows and freezes (weekdays, "09:00-15:00", dates, tz zones).
 * The policy loader validates with it; the window gate evaluates.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "clock.h"
#include "error.h"
#include "limits.h"
#include "banned.h"

const char *const sg_day_names[7] = {
	"sun", "mon", "tue", "wed", "thu", "fri", "sat"
};

#ifdef SG_TEST_CLOCK
int sg_clock_is_settable(void)
{
	return 1;
}

time_t sg_clock_now(void)
{
	const char *s = getenv("STAGEGATE_TEST_NOW");
	struct tm tm;
	char *end;

	if (!s || !*s)
		return time(NULL);
	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (!end || *end)
		return time(NULL);
	return timegm(&tm);
}
#else
int sg_clock_is_settable(void)
{
	return 0;
}

time_t sg_clock_now(void)
{
	return time(NULL);
}
#endif

int sg_tz_check(const char *zone, struct sg_buf *why)
{
	struct sg_buf path = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	char magic[4];
	int fd, ok;

	/* a name, not a path: no "..", no leading '/', tame characters */
	if (!*zone || *zone == '/' || strstr(zone, "..") ||
	    strlen(zone) > SG_MAX_ZONE_NAME ||
	    strspn(zone, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			 "0123456789/_+-") != strlen(zone))
		return sg_error(why, SG_ERROR, "'%s' is not a time zone name "
				"(an IANA name such as 'Europe/Paris')", zone);
	sg_buf_addf(&path, "%s/%s", SG_ZONEINFO_DIR, zone);
	fd = open(path.buf, O_RDONLY | O_CLOEXEC);
	ok = fd >= 0 && read(fd, magic, 4) == 4 && !memcmp(magic, "TZif", 4);
	if (fd >= 0)
		close(fd);
	sg_buf_release(&path);
	if (!ok)
		return sg_error(why, SG_ERROR, "unknown time zone '%s' (not in "
				"the tz database, " SG_ZONEINFO_DIR ")", zone);
	return 0;
}

static int day_index(const char *s, size_t len)
{
	for (int i = 0; i < 7; i++)
		if (len == 3 && !strncasecmp(s, sg_day_names[i], 3))
			return i;
	return -1;
}

int sg_window_parse_days(unsigned *out, const char *s)
{
	const char *dash = strchr(s, '-');
	int a, b;

	if (!dash) {
		a = day_index(s, strlen(s));
		if (a < 0)
			return SG_ERROR;
		*out |= 1u << a;
		return 0;
	}
	a = day_index(s, (size_t)(dash - s));
	b = day_index(dash + 1, strlen(dash + 1));
	if (a < 0 || b < 0)
		return SG_ERROR;
	/* "fri-mon" wraps over the weekend */
	for (int d = a;; d = (d + 1) % 7) {
		*out |= 1u << d;
		if (d == b)
			break;
	}
	return 0;
}

static int digit(char c)
{
	return c >= '0' && c <= '9';
}

/* "HH:MM" at p (the caller checked five characters) into minutes, or -1. */
static int parse_hhmm(const char *p)
{
	int h, m;

	if (!digit(p[0]) || !digit(p[1]) || p[2] != ':' || !digit(p[3]) ||
	    !digit(p[4]))
		return -1;
	h = (p[0] - '0') * 10 + (p[1] - '0');
	m = (p[3] - '0') * 10 + (p[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && m))
		return -1;
	return h * 60 + m;
}

int sg_window_parse_range(int *start, int *end, const char *s,
			  struct sg_buf *why)
{
	if (strlen(s) != 11 || s[5] != '-' ||
	    (*start = parse_hhmm(s)) < 0 || (*end = parse_hhmm(s + 6)) < 0 ||
	    *start == 24 * 60)
		return sg_error(why, SG_ERROR, "'%s' is not a time range "
				"(HH:MM-HH:MM, 24-hour clock, 00:00 to 24:00)",
				s);
	if (*end <= *start)
		return sg_error(why, SG_ERROR, "time range '%s' ends before "
				"it starts; a window over midnight is two "
				"windows (e.g. 22:00-24:00 and 00:00-02:00)", s);
	return 0;
}

int sg_window_parse_date(int out[3], const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
				     30, 31 };
	int y, m, d, leap;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    strspn(s, "0123456789") != 4 || strspn(s + 5, "0123456789") != 2 ||
	    strspn(s + 8, "0123456789") != 2)
		return SG_ERROR;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	leap = (y % 4 == 0 && y % 100) || y % 400 == 0;
	if (y < 1970 || y > 2200 || m < 1 || m > 12 || d < 1 ||
	    d > mdays[m - 1] || (m == 2 && d == 29 && !leap))
		return SG_ERROR;
	out[0] = y;
	out[1] = m;
	out[2] = d;
	return 0;
}

int sg_window_date_cmp(const int a[3], const int b[3])
{
	for (int i = 0; i < 3; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}
