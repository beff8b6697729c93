/* SPDX-License-Identifier: ISC */
/* client/report/progress.c - formatting of the download progress bar. */
#include "client/report/progress.h"

#include <stdio.h>
#include <string.h>

#include "port/ban.h"

/* "512 B", "3.4 KiB", "15.0 MiB", "1.2 GiB" */
static void
fmt_bytes(double v, char *buf, size_t size)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	size_t u = 0;

	while (v >= 1024.0 && u + 1 < sizeof(unit) / sizeof(unit[0])) {
		v /= 1024.0;
		u++;
	}
	if (u == 0)
		(void)snprintf(buf, size, "%.0f %s", v, unit[u]);
	else
		(void)snprintf(buf, size, "%.1f %s", v, unit[u]);
}

static void
fmt_left(double secs, char *buf, size_t size)
{
	unsigned s = secs > 359999.0 ? 359999u : (unsigned)secs;

	if (s >= 3600)
		(void)snprintf(buf, size, "%u:%02u:%02u", s / 3600,
		    s / 60 % 60, s % 60);
	else
		(void)snprintf(buf, size, "%u:%02u", s / 60, s % 60);
}

void
au_progress_format(const char *name, uint64_t done, uint64_t total,
    int64_t elapsed_ms, char *line, size_t size)
{
	char bar[AU_PROGRESS_BAR + 1], d[32], t[32], rate[32], left[32];
	unsigned pct = total ? (unsigned)(done >= total ? 100 : done * 100 / total)
	    : 100;
	unsigned fill = pct * AU_PROGRESS_BAR / 100, i;
	double bps;

	for (i = 0; i < AU_PROGRESS_BAR; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[AU_PROGRESS_BAR] = '\0';
	fmt_bytes((double)done, d, sizeof(d));
	fmt_bytes((double)total, t, sizeof(t));
	if (elapsed_ms > 0 && done > 0) {
		bps = (double)done * 1000.0 / (double)elapsed_ms;
		fmt_bytes(bps, rate, sizeof(rate));
		fmt_left(done >= total ? 0.0 : (double)(total - done) / bps,
		    left, sizeof(left));
	} else {
		(void)snprintf(rate, sizeof(rate), "--");
		(void)snprintf(left, sizeof(left), "--:--");
	}
	(void)snprintf(line, size, "%s [%s] %3u%%  %s/%s  %s/s  %s left", name,
	    bar, pct, d, t, rate, left);
}

void
au_progress_begin(struct au_progress *p, const char *name, uint64_t total,
    int64_t now_ms)
{
	size_t n = strlen(name), max = sizeof(p->name) - 1;

	memset(p, 0, sizeof(*p));
	if (n > max)	/* keep the end of the name: it tells targets apart */
		(void)snprintf(p->name, sizeof(p->name), "...%s",
		    name + n - (max - 3));
	else
		(void)snprintf(p->name, sizeof(p->name), "%s", name);
	p->total = total;
	p->start_ms = now_ms;
	p->last_ms = now_ms;
	p->started = 1;
}

int
au_progress_update(struct au_progress *p, uint64_t done, int64_t now_ms,
    char *line, size_t size)
{
	if (done < p->total && now_ms - p->last_ms < AU_PROGRESS_INTERVAL_MS)
		return 0;
	p->last_ms = now_ms;
	au_progress_format(p->name, done, p->total, now_ms - p->start_ms, line,
	    size);
	return 1;
}
