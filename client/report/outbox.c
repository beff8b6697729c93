/* SPDX-License-Identifier: ISC */
/* client/report/outbox.c - the crash-safe, bounded queue of status reports. */
#include "client/report/outbox.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "port/port.h"
#include "port/text.h"
#include "port/ban.h"

#define NAME_DIGITS 20
#define SUFFIX ".report"
#define NAME_LEN (NAME_DIGITS + sizeof(SUFFIX) - 1)
#define LIST_MAX 4096		/* directory entries looked at */
#define PATH_MAX_ 4096

struct entry {
	char name[NAME_LEN + 1];
	uint64_t counter;
	uint64_t size;
};

struct box {
	char dir[PATH_MAX_];
	struct au_lock *lk;
	struct entry *e;
	size_t n;
	uint64_t bytes;
	uint64_t counter, dropped;
	struct au_diag *diag;
};

static uint64_t
digits(const char *s, size_t n, int *ok)
{
	uint64_t v = 0;
	size_t i;

	*ok = n > 0 && n <= 19;
	for (i = 0; *ok && i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			*ok = 0;
		else
			v = v * 10 + (uint64_t)(s[i] - '0');
	}
	return v;
}

int
au_outbox_entry_parse(const uint8_t *buf, size_t len,
    char id[AU_OUTBOX_ID_LEN + 1], size_t *off, size_t *blen)
{
	static const char magic[] = "aiupdate-outbox 1 ";
	const char *p = (const char *)buf, *nl;
	size_t ml = sizeof(magic) - 1, i, head;
	uint64_t n;
	int ok;

	nl = memchr(buf, '\n', len < AU_OUTBOX_HEAD_MAX ? len : AU_OUTBOX_HEAD_MAX);
	if (nl == NULL || (size_t)(nl - p) < ml + AU_OUTBOX_ID_LEN + 2 ||
	    memcmp(p, magic, ml) != 0 || p[ml + AU_OUTBOX_ID_LEN] != ' ')
		return AU_EINTERNAL;
	for (i = 0; i < AU_OUTBOX_ID_LEN; i++) {
		char ch = p[ml + i];

		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f')))
			return AU_EINTERNAL;
	}
	n = digits(p + ml + AU_OUTBOX_ID_LEN + 1,
	    (size_t)(nl - p) - ml - AU_OUTBOX_ID_LEN - 1, &ok);
	head = (size_t)(nl - p) + 1;
	if (!ok || n == 0 || n > AU_OUTBOX_BODY_MAX || n != len - head)
		return AU_EINTERNAL;
	memcpy(id, p + ml, AU_OUTBOX_ID_LEN);
	id[AU_OUTBOX_ID_LEN] = '\0';
	*off = head;
	*blen = (size_t)n;
	return 0;
}

int
au_outbox_state_parse(const uint8_t *buf, size_t len, uint64_t *counter,
    uint64_t *dropped)
{
	const char *p = (const char *)buf, *e = p + len, *nl;
	uint64_t v[2];
	static const char *const key[2] = { "counter ", "dropped " };
	int i, ok;

	for (i = 0; i < 2; i++) {
		nl = memchr(p, '\n', (size_t)(e - p));
		if (nl == NULL || (size_t)(nl - p) <= 8 || memcmp(p, key[i], 8) != 0)
			return AU_EINTERNAL;
		v[i] = digits(p + 8, (size_t)(nl - p) - 8, &ok);
		if (!ok)
			return AU_EINTERNAL;
		p = nl + 1;
	}
	if (p != e)
		return AU_EINTERNAL;
	*counter = v[0];
	*dropped = v[1];
	return 0;
}

static int
path_in(const struct box *b, const char *name, char *buf, size_t size)
{
	if (au_path_join(buf, size, b->dir, name) != 0)
		return au_diag_set(b->diag, AU_EIO, "outbox path too long");
	return 0;
}

static int
save_state(struct box *b)
{
	char path[PATH_MAX_], txt[AU_OUTBOX_STATE_MAX];
	int n = snprintf(txt, sizeof(txt), "counter %" PRIu64 "\ndropped %"
	    PRIu64 "\n", b->counter, b->dropped);

	if (n < 0 || (size_t)n >= sizeof(txt) || path_in(b, "state", path,
	    sizeof(path)) != 0)
		return au_diag_set(b->diag, AU_EINTERNAL, "outbox state too long");
	return au_file_replace(path, txt, (size_t)n, 0644, b->diag);
}

static void
load_state(struct box *b)
{
	char path[PATH_MAX_];
	uint8_t *buf = NULL;
	size_t len = 0;
	struct au_diag d = { "", 0 };

	b->counter = b->dropped = 0;
	if (path_in(b, "state", path, sizeof(path)) != 0 ||
	    au_file_read_all(path, AU_OUTBOX_STATE_MAX, &buf, &len, &d) != 0) {
		if (d.sys != 2)	/* ENOENT: first report */
			au_log(AU_LOG_WARN, "event=report-outbox file=%s error=\"%s\"",
			    path, d.msg);
		return;
	}
	if (au_outbox_state_parse(buf, len, &b->counter, &b->dropped) != 0)
		au_log(AU_LOG_WARN, "event=report-outbox file=%s error=\"corrupt; "
		    "the counter goes on from the newest entry\"", path);
	free(buf);
}

static int
cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	return x->counter < y->counter ? -1 : x->counter > y->counter;
}

static int
on_name(const char *name, void *arg)
{
	struct box *b = arg;
	char path[PATH_MAX_];
	size_t n = strlen(name);
	struct au_stat st;
	struct entry *e;
	int ok;

	if (path_in(b, name, path, sizeof(path)) != 0)
		return 0;
	if (n > 4 && strcmp(name + n - 4, ".tmp") == 0) {
		if (au_unlink(path, NULL) != 0)	/* a write a crash cut */
			au_log(AU_LOG_DEBUG, "cannot remove %s", path);
		return 0;
	}
	if (n != NAME_LEN || strcmp(name + NAME_DIGITS, SUFFIX) != 0 ||
	    b->n >= LIST_MAX || au_stat(path, &st, NULL) != 0 ||
	    st.type != AU_FT_FILE)
		return 0;
	e = &b->e[b->n];
	e->counter = digits(name, NAME_DIGITS - 1, &ok) * 10 +
	    (uint64_t)(name[NAME_DIGITS - 1] - '0');
	if (!ok || name[NAME_DIGITS - 1] < '0' || name[NAME_DIGITS - 1] > '9')
		return 0;
	memcpy(e->name, name, NAME_LEN + 1);
	e->size = st.size;
	b->bytes += st.size;
	b->n++;
	return 0;
}

static void
close_box(struct box *b)
{
	au_lock_release(b->lk);
	free(b->e);
	b->lk = NULL;
	b->e = NULL;
}

/* Lock, read the state and list the entries in counter order. */
static int
open_box(const char *state_dir, int create, struct box *b, int *missing,
    struct au_diag *diag)
{
	char path[PATH_MAX_];
	struct au_stat st;
	int rc;

	memset(b, 0, sizeof(*b));
	b->diag = diag;
	*missing = 0;
	if (au_path_join(b->dir, sizeof(b->dir), state_dir, AU_OUTBOX_DIR) != 0)
		return au_diag_set(diag, AU_EIO, "outbox path too long");
	if ((rc = au_stat(b->dir, &st, diag)) != 0)
		return rc;
	if (st.type == AU_FT_NONE && !create) {
		*missing = 1;
		return 0;
	}
	if ((rc = au_mkdir_p(b->dir, 0700, diag)) != 0 ||
	    (rc = path_in(b, "lock", path, sizeof(path))) != 0 ||
	    (rc = au_lock_take(path, &b->lk, diag)) != 0)
		return rc;
	if ((b->e = calloc(LIST_MAX, sizeof(*b->e))) == NULL) {
		close_box(b);
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	}
	load_state(b);
	if ((rc = au_dir_list(b->dir, on_name, b, diag)) != 0) {
		close_box(b);
		return rc;
	}
	qsort(b->e, b->n, sizeof(*b->e), cmp_entry);
	if (b->n > 0 && b->e[b->n - 1].counter > b->counter)
		b->counter = b->e[b->n - 1].counter;
	return 0;
}

static int
remove_entry(struct box *b, size_t i)
{
	char path[PATH_MAX_];
	int rc = path_in(b, b->e[i].name, path, sizeof(path));

	if (rc == 0)
		rc = au_unlink(path, b->diag);
	if (rc == 0)
		b->bytes -= b->e[i].size;
	return rc;
}

static void
fill_stats(const struct box *b, size_t first, struct au_outbox_stats *st)
{
	st->queued = b->n - first;
	st->queued_bytes = b->bytes;
}

/* How many of the oldest entries go so that one of esz bytes fits. */
static size_t
to_evict(const struct box *b, const struct au_outbox_limits *lim, uint64_t esz)
{
	uint64_t bytes = b->bytes;
	size_t e = 0;

	while (e < b->n && (b->n - e + 1 > lim->max_count ||
	    bytes + esz > lim->max_bytes))
		bytes -= b->e[e++].size;
	return e;
}

static int
write_entry(struct box *b, uint64_t counter, const char *id,
    const char *body, size_t len)
{
	char name[NAME_LEN + 1], path[PATH_MAX_], head[AU_OUTBOX_HEAD_MAX];
	char *buf;
	int n, rc;

	(void)snprintf(name, sizeof(name), "%020" PRIu64 SUFFIX, counter);
	n = snprintf(head, sizeof(head), "aiupdate-outbox 1 %s %zu\n", id, len);
	if (n < 0 || (size_t)n >= sizeof(head) ||
	    (rc = path_in(b, name, path, sizeof(path))) != 0)
		return au_diag_set(b->diag, AU_EINTERNAL, "outbox entry name");
	if ((buf = malloc((size_t)n + len)) == NULL)
		return au_diag_set(b->diag, AU_ENOMEM, "out of memory");
	memcpy(buf, head, (size_t)n);
	memcpy(buf + n, body, len);
	rc = au_file_replace(path, buf, (size_t)n + len, 0600, b->diag);
	free(buf);
	if (rc == 0)
		b->bytes += (size_t)n + len;
	return rc;
}

static int
build_body(struct box *b, au_outbox_build_fn build, void *arg, uint64_t dropped,
    const char *id, char **body, size_t *len)
{
	int rc;

	free(*body);
	*body = NULL;
	rc = build(arg, b->counter + 1, dropped, id, body, len, b->diag);
	if (rc == 0 && *len > AU_OUTBOX_BODY_MAX)
		rc = au_diag_set(b->diag, AU_ETOOBIG, "report of %zu bytes over "
		    "%d", *len, AU_OUTBOX_BODY_MAX);
	return rc;
}

int
au_outbox_add(const char *state_dir, const struct au_outbox_limits *lim,
    au_outbox_build_fn build, void *arg, struct au_outbox_stats *st,
    struct au_diag *diag)
{
	uint8_t rnd[AU_OUTBOX_ID_LEN / 2];
	char id[AU_OUTBOX_ID_LEN + 1], *body = NULL;
	size_t len = 0, ev, i;
	struct box b;
	int rc, missing;

	memset(st, 0, sizeof(*st));
	if ((rc = au_random(rnd, sizeof(rnd), diag)) != 0 ||
	    (rc = open_box(state_dir, 1, &b, &missing, diag)) != 0)
		return rc;
	au_hex_encode(rnd, sizeof(rnd), id);
	rc = build_body(&b, build, arg, b.dropped, id, &body, &len);
	ev = rc == 0 ? to_evict(&b, lim, len + AU_OUTBOX_HEAD_MAX) : 0;
	if (rc == 0 && ev > 0)	/* the body says how many went */
		rc = build_body(&b, build, arg, b.dropped + ev, id, &body, &len);
	if (rc == 0 && len + AU_OUTBOX_HEAD_MAX > lim->max_bytes)
		rc = au_diag_set(diag, AU_ETOOBIG, "report of %zu bytes over "
		    "outbox_max_bytes", len);
	if (rc != 0)
		goto out;
	b.counter++;
	b.dropped += ev;
	if ((rc = save_state(&b)) != 0)	/* the counter first: never reused */
		goto out;
	for (i = 0; i < ev && rc == 0; i++)
		rc = remove_entry(&b, i);
	if (rc == 0)
		rc = write_entry(&b, b.counter, id, body, len);
	if (rc == 0) {
		/* counted in the report just queued (no second write when
		 * there was nothing to count) */
		if (b.dropped != 0) {
			b.dropped = 0;
			if (save_state(&b) != 0)
				au_log(AU_LOG_WARN, "event=report-outbox "
				    "error=\"%s\"", diag ? diag->msg : "state");
		}
		st->counter = b.counter;
		memcpy(st->report_id, id, sizeof(id));
		st->evicted = ev;
		st->queued = b.n - ev + 1;
		st->queued_bytes = b.bytes;
	}
out:
	free(body);
	close_box(&b);
	return rc;
}

/* Read and parse entry i, then hand it to send. */
static int
flush_one(struct box *b, size_t i, au_outbox_send_fn sendfn, void *arg,
    struct au_outbox_stats *st)
{
	char path[PATH_MAX_], id[AU_OUTBOX_ID_LEN + 1];
	uint8_t *buf = NULL;
	size_t len = 0, off, blen;
	struct au_diag d = { "", 0 };
	int v, err = 0;

	if (path_in(b, b->e[i].name, path, sizeof(path)) != 0)
		return AU_OUTBOX_KEEP;
	if (au_file_read_all(path, AU_OUTBOX_HEAD_MAX + AU_OUTBOX_BODY_MAX,
	    &buf, &len, &d) != 0 ||
	    au_outbox_entry_parse(buf, len, id, &off, &blen) != 0) {
		au_log(AU_LOG_WARN, "event=report-outbox file=%s error=\"corrupt "
		    "entry dropped%s%s\"", path, d.msg[0] ? ": " : "", d.msg);
		st->corrupt++;
		free(buf);
		return AU_OUTBOX_REFUSED;
	}
	v = sendfn(arg, id, buf + off, blen, &err, &d);
	free(buf);
	if (v == AU_OUTBOX_KEEP)
		st->send_err = err != 0 ? err : AU_EINTERNAL;
	else if (v == AU_OUTBOX_SENT)
		st->sent++;
	else if (v == AU_OUTBOX_DUPLICATE)
		st->duplicate++;
	else
		st->refused++;
	return v;
}

int
au_outbox_flush(const char *state_dir, au_outbox_send_fn sendfn, void *arg,
    struct au_outbox_stats *st, struct au_diag *diag)
{
	struct box b;
	uint64_t dropped0;
	size_t i;
	int rc, missing, v = AU_OUTBOX_SENT;

	memset(st, 0, sizeof(*st));
	if ((rc = open_box(state_dir, 0, &b, &missing, diag)) != 0 || missing)
		return rc;
	dropped0 = b.dropped;
	for (i = 0; i < b.n; i++) {
		v = flush_one(&b, i, sendfn, arg, st);
		if (v == AU_OUTBOX_KEEP)
			break;
		if (v == AU_OUTBOX_REFUSED)
			b.dropped++;
		if ((rc = remove_entry(&b, i)) != 0)
			break;
	}
	if (b.dropped != dropped0 && rc == 0)
		rc = save_state(&b);
	fill_stats(&b, i, st);
	close_box(&b);
	return rc;
}
