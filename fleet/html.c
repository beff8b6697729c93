/* SPDX-License-Identifier: ISC */
/* fleet/html.c - the fleet view as one static page (fleet/html.h). */
#include "fleet/html.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet/status.h"
#include "manifest/tuf.h"
#include "port/port.h"

#include "port/ban.h"

#define W 640		/* chart width, px */
#define H 200		/* chart height */
#define ML 44		/* left margin (axis labels) */
#define MB 24		/* bottom margin */
#define FLEET_TIME_AXIS_S 600	/* a rollout chart spanning less is drawn by report */
#define FLEET_EXPIRY_ROWS 20	/* devices in the expiry chart: the soonest */
#define FLEET_TABLE_ROWS 500	/* rows of the devices table, failing first */

static const char *const palette[] = { "#1f77b4", "#ff7f0e", "#2ca02c",
    "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f" };

static const char style[] =
"body{font-family:sans-serif;margin:24px;color:#222;background:#fff}"
"h1{font-size:22px;margin:0 0 8px}h2{font-size:17px;margin:22px 0 6px}"
".cards{display:flex;gap:12px;flex-wrap:wrap}"
".card{border:1px solid #ccc;border-radius:6px;padding:8px 14px;min-width:110px}"
".card .n{font-size:26px;font-weight:bold}.card .l{font-size:12px;color:#555}"
".bad{color:#c00}table{border-collapse:collapse;font-size:13px}"
"td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}"
"th{background:#f3f3f3}svg{background:#fafafa;border:1px solid #eee}"
"svg text{font-size:11px;fill:#333}.grid{display:flex;gap:24px;flex-wrap:wrap}";

/* HTML text with &, <, >, " escaped. */
static void
esc(FILE *f, const char *s)
{
	for (; s != NULL && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

static long long
num(const json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

static const char *
str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

static void
card(FILE *f, const char *id, long long n, const char *label, int bad)
{
	fprintf(f, "<div class=\"card\"><div class=\"n%s\" id=\"%s\">%lld</div>"
	    "<div class=\"l\">%s</div></div>\n", bad && n ? " bad" : "", id, n, label);
}

static void
head(FILE *f, const json_t *st)
{
	const json_t *ex = json_object_get(st, "expiry");
	const json_t *dns = json_object_get(st, "dnssec");

	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "<title>aiupdate fleet</title><style>%s</style></head>\n", style);
	fprintf(f, "<body data-devices=\"%lld\" data-reporting=\"%lld\" "
	    "data-reports=\"%lld\" data-failing=\"%zu\" data-dns-affected=\"%lld\" "
	    "data-rrsig-earliest=\"", num(st, "devices"), num(st, "reporting"),
	    num(st, "reports"), json_array_size(json_object_get(st, "failing")),
	    num(dns, "devices_affected"));
	if (json_is_integer(json_object_get(ex, "rrsig_earliest_unix")))
		fprintf(f, "%lld", num(ex, "rrsig_earliest_unix"));
	fputs("\" data-metadata-earliest=\"", f);
	if (json_is_integer(json_object_get(ex, "metadata_earliest_unix")))
		fprintf(f, "%lld", num(ex, "metadata_earliest_unix"));
	fprintf(f, "\">\n<h1>aiupdate fleet</h1><p>generated %s from the "
	    "collector's database</p>\n<div class=\"cards\">\n", str(st, "generated"));
	card(f, "devices", num(st, "devices"), "devices enrolled", 0);
	card(f, "reporting", num(st, "reporting"), "reporting", 0);
	card(f, "reports", num(st, "reports"), "reports accepted", 0);
	card(f, "failing", (long long)json_array_size(json_object_get(st, "failing")),
	    "failing now", 1);
	card(f, "dns-affected", num(dns, "devices_affected"),
	    "with non-secure DNS", 1);
	if (json_is_integer(json_object_get(ex, "rrsig_days")))
		card(f, "rrsig-days", num(ex, "rrsig_days"), "days to RRSIG expiry", 0);
	if (json_is_integer(json_object_get(ex, "metadata_days")))
		card(f, "metadata-days", num(ex, "metadata_days"),
		    "days to metadata expiry", 0);
	fputs("</div>\n", f);
}

/* The y of count c on a 0..max axis. */
static double
ypos(long long c, long long max)
{
	return (double)(H - MB) - (double)c * (H - MB - 10) / (double)(max ? max : 1);
}

/* The x of moment i: by time when the moments span at least
 * FLEET_TIME_AXIS_S seconds, else evenly by report (a burst of reports
 * within seconds, as in the demo, still shows each step). */
static double
xpos(const json_t *moments, size_t i, long long t0, long long t1)
{
	size_t n = json_array_size(moments);

	if (t1 - t0 >= FLEET_TIME_AXIS_S)
		return ML + (double)(num(json_array_get(moments, i), "t") - t0) *
		    (W - ML - 10) / (double)(t1 - t0);
	return ML + (n > 1 ? (double)i * (W - ML - 10) / (double)(n - 1) : 0);
}

/* One polyline per version: a step line of its device count. */
static void
rollout_lines(FILE *f, const json_t *moments, const char **keys, size_t nk,
    long long t0, long long t1, long long max)
{
	size_t i, k;
	const json_t *m;

	for (k = 0; k < nk; k++) {
		double py = -1, y = 0;

		fprintf(f, "<polyline fill=\"none\" stroke-width=\"2.5\" stroke=\"%s\" "
		    "data-line-version=\"", palette[k % 8]);
		esc(f, keys[k]);
		fputs("\" points=\"", f);
		json_array_foreach(moments, i, m) {
			double x = xpos(moments, i, t0, t1);

			y = ypos((long long)json_integer_value(json_object_get(
			    json_object_get(m, "versions"), keys[k])), max);
			if (py >= 0)	/* a step: the old count up to this moment */
				fprintf(f, "%.1f,%.1f ", x, py);
			fprintf(f, "%.1f,%.1f ", x, y);
			py = y;
		}
		if (json_array_size(moments) == 1)	/* one moment: a level line */
			fprintf(f, "%.1f,%.1f ", (double)(W - 10), y);
		fputs("\"/>\n", f);
	}
}

/* A red mark, with its kind, at each report of a failed run. */
static void
rollout_failures(FILE *f, const json_t *moments, long long t0, long long t1)
{
	const json_t *m;
	size_t i;

	json_array_foreach(moments, i, m) {
		const char *kind = str(m, "kind");
		double x = xpos(moments, i, t0, t1);

		if (strcmp(kind, "ok") == 0)
			continue;
		fprintf(f, "<g data-failed-kind=\"%s\"><circle cx=\"%.1f\" cy=\"%d\" r=\"5\" "
		    "fill=\"#d62728\"/><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" "
		    "fill=\"#d62728\">%s</text></g>\n", kind, x, H - MB - 14, x,
		    H - MB - 24, kind);
	}
}

/* version keys in numeric order, "none" first */
static int
by_version(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	long long vx = strcmp(x, "none") == 0 ? -1 : strtoll(x, NULL, 10);
	long long vy = strcmp(y, "none") == 0 ? -1 : strtoll(y, NULL, 10);

	return (vx > vy) - (vx < vy);
}

static void
rollout_chart(FILE *f, const json_t *t, const json_t *moments, long long max)
{
	const char *keys[64];
	size_t nk = 0, i, k;
	const json_t *m, *v;
	const char *key;
	long long t0 = 0, t1 = 0;
	char a[AU_TIME_STR_SIZE] = "", b[AU_TIME_STR_SIZE] = "";

	json_array_foreach(moments, i, m) {
		json_object_foreach((json_t *)json_object_get(m, "versions"), key, v) {
			for (k = 0; k < nk && strcmp(keys[k], key) != 0; k++)
				;
			if (k == nk && nk < 64)
				keys[nk++] = key;
		}
	}
	qsort(keys, nk, sizeof(keys[0]), by_version);
	if (json_array_size(moments) > 0) {
		t0 = num(json_array_get(moments, 0), "t");
		t1 = num(json_array_get(moments, json_array_size(moments) - 1), "t");
	}
	if (t1 <= t0)
		t1 = t0 + 1;
	if (au_time_format(t0, a, sizeof(a)) != AU_OK || au_time_format(t1, b, sizeof(b)) != AU_OK)
		a[0] = b[0] = '\0';
	fputs("<div><h3>", f);
	esc(f, str(t, "name"));
	fprintf(f, "</h3><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	    "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" data-chart=\"rollout\">\n",
	    W, H + 20, W, H + 20);
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>"
	    "<line x1=\"%d\" y1=\"10\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>\n",
	    ML, H - MB, W - 10, H - MB, ML, ML, H - MB);
	fprintf(f, "<text x=\"4\" y=\"14\">%lld</text><text x=\"4\" y=\"%d\">0</text>"
	    "<text x=\"%d\" y=\"%d\">%s</text><text x=\"%d\" y=\"%d\" "
	    "text-anchor=\"middle\">%s</text><text x=\"%d\" y=\"%d\" "
	    "text-anchor=\"end\">%s</text>\n", max, H - MB, ML, H - 8, a,
	    (W + ML) / 2, H - 8, t1 - t0 >= FLEET_TIME_AXIS_S ? "time" :
	    "one step per report", W - 10, H - 8, b);
	rollout_lines(f, moments, keys, nk, t0, t1, max);
	rollout_failures(f, moments, t0, t1);
	for (k = 0; k < nk; k++) {
		fprintf(f, "<rect x=\"%zu\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
		    "<text x=\"%zu\" y=\"%d\">%s", ML + 90 * k, H + 4,
		    palette[k % 8], ML + 14 + 90 * k, H + 13,
		    strcmp(keys[k], "none") == 0 ? "not installed" : "version ");
		if (strcmp(keys[k], "none") != 0)
			esc(f, keys[k]);
		fputs("</text>\n", f);
	}
	fputs("</svg><table><tr><th>version</th><th>devices now</th></tr>\n", f);
	json_array_foreach(json_object_get(t, "versions"), i, v) {
		char ver[24] = "none";

		if (json_is_integer(json_object_get(v, "version")))
			snprintf(ver, sizeof(ver), "%lld", num(v, "version"));
		fputs("<tr data-target=\"", f);
		esc(f, str(t, "name"));
		fprintf(f, "\" data-version=\"%s\" data-count=\"%lld\"><td>%s</td>"
		    "<td>%lld</td></tr>\n", ver, num(v, "devices"), ver, num(v, "devices"));
	}
	fputs("</table></div>\n", f);
}

static int
rollouts(FILE *f, struct fleet_db *db, const json_t *st, struct au_diag *diag)
{
	const json_t *t;
	json_t *moments = NULL;
	size_t i;
	int rc = AU_OK;

	fputs("<h2>Rollout of each target's versions over time</h2><div class=\"grid\">\n", f);
	json_array_foreach(json_object_get(st, "targets"), i, t) {
		rc = fleet_status_rollout(db, str(t, "name"), FLEET_ROLLOUT_POINTS,
		    &moments, diag);
		if (rc != AU_OK)
			break;
		rollout_chart(f, t, moments, num(st, "reporting"));
		json_decref(moments);
	}
	fputs("</div>\n", f);
	return rc;
}

/* A horizontal bar: label, value, the largest value, its color (NULL: "not
 * reported"), its data- attributes (attrs: built from numbers and fixed
 * names only) and the device it belongs to (NULL: none; escaped). */
static void
bar(FILE *f, int row, const char *label, long long v, long long max,
    const char *color, const char *attrs, const char *dev)
{
	int y = 10 + row * 24;
	double w = max > 0 ? (double)(v < 0 ? 0 : v) * (W - 220) / (double)max : 0;

	fprintf(f, "<g %s", attrs);
	if (dev != NULL) {
		fputs(" data-device=\"", f);
		esc(f, dev);
		fputc('"', f);
	}
	fprintf(f, "><text x=\"4\" y=\"%d\">", y + 13);
	esc(f, label);
	if (color == NULL) {	/* no value reported */
		fprintf(f, "</text><text x=\"170\" y=\"%d\">not reported</text></g>\n", y + 13);
		return;
	}
	fprintf(f, "</text><rect x=\"170\" y=\"%d\" width=\"%.1f\" height=\"16\" "
	    "fill=\"%s\"/><text x=\"%.1f\" y=\"%d\">%lld</text></g>\n", y, w + 1,
	    color, 176 + w, y + 13, v);
}

static void
failures(FILE *f, const json_t *st)
{
	const json_t *k = json_object_get(st, "failures_by_kind"), *v;
	const char *kind;
	long long max = 0;
	int row = 0;
	char attrs[96];

	json_object_foreach((json_t *)k, kind, v)
		if (json_integer_value(v) > max)
			max = (long long)json_integer_value(v);
	fprintf(f, "<div><h2>Failures by kind (all reports)</h2><svg "
	    "xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%zu\" "
	    "data-chart=\"failures\">\n", W, 20 + 24 * (json_object_size(k) ? json_object_size(k) : 1));
	if (json_object_size(k) == 0)
		fputs("<text x=\"4\" y=\"20\">no failed run reported</text>\n", f);
	json_object_foreach((json_t *)k, kind, v) {
		snprintf(attrs, sizeof(attrs), "data-kind=\"%s\" data-count=\"%lld\"",
		    kind, (long long)json_integer_value(v));
		bar(f, row++, kind, (long long)json_integer_value(v), max, "#d62728", attrs, NULL);
	}
	fputs("</svg></div>\n", f);
}

/* A device's soonest expiry (RRSIG or metadata), Unix seconds; none: max. */
static long long
soonest(const json_t *d)
{
	long long best = 0x7fffffffffffffffLL;
	const char *const k[] = { "rrsig_expires_unix", "metadata_expires_unix" };
	size_t i;

	for (i = 0; i < 2; i++)
		if (json_is_integer(json_object_get(d, k[i])) && num(d, k[i]) < best)
			best = num(d, k[i]);
	return best;
}

static int
by_soonest(const void *a, const void *b)
{
	long long x = soonest(*(const json_t *const *)a), y = soonest(*(const json_t *const *)b);

	return (x > y) - (x < y);
}

/* The FLEET_EXPIRY_ROWS devices whose RRSIG or metadata expires soonest,
 * two bars each: days until each. */
static int
expiry(FILE *f, const json_t *st)
{
	const json_t *list = json_object_get(st, "device_list"), *d, **pick;
	long long max = 1, rr, md, now = num(st, "generated_unix");
	size_t i, n = json_array_size(list);
	int row = 0;
	char attrs[160], label[160];

	pick = calloc(n ? n : 1, sizeof(*pick));
	if (pick == NULL)
		return -1;
	json_array_foreach(list, i, d)
		pick[i] = d;
	qsort(pick, n, sizeof(*pick), by_soonest);
	if (n > FLEET_EXPIRY_ROWS)
		n = FLEET_EXPIRY_ROWS;
	for (i = 0; i < n; i++) {
		rr = (num(pick[i], "rrsig_expires_unix") - now) / 86400;
		md = (num(pick[i], "metadata_expires_unix") - now) / 86400;
		max = rr > max ? rr : md > max ? md : max;
	}
	fprintf(f, "<div><h2>Days until the earliest RRSIG and metadata expiry</h2>"
	    "<p>the %zu device(s) whose expiry is soonest, of %zu</p><svg "
	    "xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%zu\" "
	    "data-chart=\"expiry\">\n", n, json_array_size(list), W, 20 + 48 * (n ? n : 1));
	for (i = 0; i < n; i++) {
		const char *id = str(pick[i], "device_id");
		int has_rr = json_is_integer(json_object_get(pick[i], "rrsig_expires_unix"));
		int has_md = json_is_integer(json_object_get(pick[i], "metadata_expires_unix"));

		rr = (num(pick[i], "rrsig_expires_unix") - now) / 86400;
		md = (num(pick[i], "metadata_expires_unix") - now) / 86400;
		snprintf(attrs, sizeof(attrs), "data-rrsig-expires=\"%lld\"",
		    has_rr ? num(pick[i], "rrsig_expires_unix") : 0);
		snprintf(label, sizeof(label), "%.100s RRSIG", id);
		bar(f, row++, label, rr, max, has_rr ? "#1f77b4" : NULL, attrs, id);
		snprintf(attrs, sizeof(attrs), "data-metadata-expires=\"%lld\"",
		    has_md ? num(pick[i], "metadata_expires_unix") : 0);
		snprintf(label, sizeof(label), "%.100s %.20s", id, str(pick[i], "metadata_role"));
		bar(f, row++, label, md, max, has_md ? "#2ca02c" : NULL, attrs, id);
	}
	fputs("</svg></div>\n", f);
	free(pick);
	return 0;
}

/* One row of the devices table. */
static void
device_row(FILE *f, const json_t *d)
{
	int failing = json_is_true(json_object_get(d, "failing"));

	fputs("<tr data-device=\"", f);
	esc(f, str(d, "device_id"));
	fprintf(f, "\" data-exit=\"%lld\" data-failing=\"%d\"><td>", num(d, "exit"), failing);
	esc(f, str(d, "device_id"));
	fprintf(f, "</td><td>%s</td><td>", str(d, "last_seen"));
	esc(f, str(d, "mode"));
	fputs("</td><td>", f);
	esc(f, str(d, "result"));
	fprintf(f, "</td><td>%lld</td><td%s>%s</td><td>", num(d, "exit"),
	    failing ? " class=\"bad\"" : "", str(d, "kind"));
	esc(f, failing ? str(d, "why") : "");
	fputs("</td></tr>\n", f);
}

/* The devices (failing ones first, at most FLEET_TABLE_ROWS) and the
 * non-secure DNS answers. */
static void
tables(FILE *f, const json_t *st)
{
	const json_t *list = json_object_get(st, "device_list"), *d, *a;
	size_t i, shown = 0;
	int pass;

	fputs("<h2>Devices</h2><table><tr><th>device</th><th>last seen</th>"
	    "<th>mode</th><th>result</th><th>exit</th><th>kind</th><th>why</th></tr>\n", f);
	for (pass = 1; pass >= 0; pass--)
		json_array_foreach(list, i, d)
			if (json_is_true(json_object_get(d, "failing")) == pass &&
			    shown < FLEET_TABLE_ROWS) {
				device_row(f, d);
				shown++;
			}
	if (shown < json_array_size(list))
		fprintf(f, "<tr><td colspan=\"7\">and %zu more (aiupdate-fleet status "
		    "--json lists every device)</td></tr>\n", json_array_size(list) - shown);
	fputs("</table>\n<h2>Non-secure DNS answers (latest reports)</h2><table>"
	    "<tr><th>device</th><th>name</th><th>type</th><th>state</th>"
	    "<th>why bogus</th></tr>\n", f);
	json_array_foreach(json_object_get(json_object_get(st, "dnssec"), "non_secure"), i, a) {
		const char *const k[] = { "device_id", "qname", "qtype", "state", "why_bogus" };
		size_t j;

		fputs("<tr data-dns-answer=\"1\">", f);
		for (j = 0; j < 5; j++) {
			fputs("<td>", f);
			esc(f, str(a, k[j]));
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

int
fleet_html(struct fleet_db *db, int64_t now, const char *path,
    struct au_diag *diag)
{
	json_t *st = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int rc = fleet_status(db, now, &st, diag);

	if (rc != AU_OK)
		return rc;
	f = open_memstream(&buf, &len);
	if (f == NULL) {
		json_decref(st);
		return au_diag_set(diag, AU_ENOMEM, "html: out of memory");
	}
	head(f, st);
	rc = rollouts(f, db, st, diag);
	failures(f, st);
	if (expiry(f, st) != 0 && rc == AU_OK)
		rc = au_diag_set(diag, AU_ENOMEM, "html: out of memory");
	tables(f, st);
	fputs("</body></html>\n", f);
	if (fclose(f) != 0 && rc == AU_OK)
		rc = au_diag_set(diag, AU_ENOMEM, "html: out of memory");
	if (rc == AU_OK)
		rc = au_file_replace(path, buf, len, 0644, diag);
	free(buf);
	json_decref(st);
	return rc;
}
