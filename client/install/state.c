/* SPDX-License-Identifier: ISC */
/* client/install/state.c - the install record state_dir/state.json (see state.h). */
#include "client/install/state.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "port/port.h"

#include "port/ban.h"

static int
hash_ok(const char *h)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
			return 0;
	return h[64] == '\0';
}

/* ---- load ---- */

static int
corrupt(const char *path, const char *why, struct au_diag *diag)
{
	return au_diag_set(diag, AU_EINTERNAL, "state file %s is corrupt (%s); "
	    "move it aside to start a new record (installed versions stay in "
	    "place)", path, why);
}

/* Every member of obj is one of the NULL-terminated names. */
static int
only_keys(json_t *obj, const char *const *names)
{
	const char *key;
	json_t *v;
	size_t i;

	json_object_foreach(obj, key, v) {
		for (i = 0; names[i] != NULL; i++)
			if (strcmp(key, names[i]) == 0)
				break;
		if (names[i] == NULL)
			return -1;
	}
	return 0;
}

static int
get_int(json_t *obj, const char *key, int64_t *out)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_integer(v))
		return -1;
	*out = (int64_t)json_integer_value(v);
	return 0;
}

/* A string member that fits size with its NUL and holds no NUL byte. */
static int
get_str(json_t *obj, const char *key, char *out, size_t size)
{
	json_t *v = json_object_get(obj, key);
	size_t n;

	if (!json_is_string(v))
		return -1;
	n = json_string_length(v);
	if (n >= size || strlen(json_string_value(v)) != n)
		return -1;
	memcpy(out, json_string_value(v), n + 1);
	return 0;
}

static int
get_hash(json_t *v, char out[65])
{
	const char *s = json_string_value(v);

	if (s == NULL || (s[0] != '\0' && (strlen(s) != 64 || !hash_ok(s))))
		return -1;
	memcpy(out, s, strlen(s) + 1);
	return 0;
}

static int
load_bad(json_t *arr, struct au_state_target *t)
{
	size_t i;

	if (!json_is_array(arr) || json_array_size(arr) > AU_STATE_MAX_BAD)
		return -1;
	for (i = 0; i < json_array_size(arr); i++)
		if (get_hash(json_array_get(arr, i), t->bad[i]) != 0 ||
		    t->bad[i][0] == '\0')
			return -1;
	t->nbad = json_array_size(arr);
	return 0;
}

/* Optional "min_version" (format 2): an integer >= 0; absent is -1. */
static int
load_floor(json_t *o, struct au_state_target *t)
{
	t->min_version = -1;
	if (json_object_get(o, "min_version") == NULL)
		return 0;
	return get_int(o, "min_version", &t->min_version) != 0 ||
	    t->min_version < 0 ? -1 : 0;
}

/* Optional "trial" (format 2): {"since":INT,"runs":INT >= 0}. */
static int
load_trial(json_t *o, struct au_state_target *t)
{
	static const char *const keys[] = { "since", "runs", NULL };
	json_t *tr = json_object_get(o, "trial");

	t->trial = 0;
	if (tr == NULL)
		return 0;
	if (!json_is_object(tr) || only_keys(tr, keys) != 0 ||
	    get_int(tr, "since", &t->trial_since) != 0 ||
	    get_int(tr, "runs", &t->trial_runs) != 0 || t->trial_runs < 0)
		return -1;
	t->trial = 1;
	return 0;
}

/* Optional "older" (format 2): [{"version":INT,"hash":HEX}], newest first. */
static int
load_older(json_t *o, struct au_state_target *t)
{
	static const char *const keys[] = { "version", "hash", NULL };
	json_t *arr = json_object_get(o, "older"), *v;
	size_t i;

	t->nolder = 0;
	if (arr == NULL)
		return 0;
	if (!json_is_array(arr) || json_array_size(arr) > AU_STATE_MAX_OLDER)
		return -1;
	for (i = 0; i < json_array_size(arr); i++) {
		v = json_array_get(arr, i);
		if (!json_is_object(v) || only_keys(v, keys) != 0 ||
		    get_int(v, "version", &t->older[i].version) != 0 ||
		    get_hash(json_object_get(v, "hash"), t->older[i].hash) != 0 ||
		    t->older[i].hash[0] == '\0')
			return -1;
	}
	t->nolder = json_array_size(arr);
	return 0;
}

static int
load_target(json_t *o, struct au_state_target *t, int64_t fmt)
{
	static const char *const keys1[] = { "name", "version", "prev_version",
	    "hash", "prev_hash", "installed_at", "bad", NULL };
	static const char *const keys2[] = { "name", "version", "prev_version",
	    "hash", "prev_hash", "installed_at", "bad", "min_version", "trial",
	    "older", "provenance", NULL };

	if (!json_is_object(o) || only_keys(o, fmt == 1 ? keys1 : keys2) != 0 ||
	    load_floor(o, t) != 0 || load_trial(o, t) != 0 ||
	    load_older(o, t) != 0 ||
	    get_str(o, "name", t->name, sizeof(t->name)) != 0 ||
	    t->name[0] == '\0' ||
	    get_int(o, "version", &t->version) != 0 ||
	    get_int(o, "prev_version", &t->prev_version) != 0 ||
	    get_int(o, "installed_at", &t->installed_at) != 0 ||
	    get_hash(json_object_get(o, "hash"), t->hash) != 0 ||
	    get_hash(json_object_get(o, "prev_hash"), t->prev_hash) != 0 ||
	    (json_object_get(o, "provenance") != NULL && get_str(o,
	    "provenance", t->provenance, sizeof(t->provenance)) != 0))
		return -1;
	return load_bad(json_object_get(o, "bad"), t);
}

/* Fill st from the parsed document; a reason string on failure. */
static const char *
load_doc(json_t *doc, struct au_state *st)
{
	static const char *const keys[] = { "format", "last_run",
	    "last_result", "last_message", "targets", NULL };
	json_t *arr = json_object_get(doc, "targets");
	int64_t fmt, res;
	size_t i, j;

	if (!json_is_object(doc) || only_keys(doc, keys) != 0)
		return "not an object of the known members";
	if (get_int(doc, "format", &fmt) != 0 || fmt < 1 ||
	    fmt > AU_STATE_FORMAT)
		return "unknown format";
	if (get_int(doc, "last_run", &st->last_run) != 0 ||
	    get_int(doc, "last_result", &res) != 0 || res < -100000 ||
	    res > 0 || get_str(doc, "last_message", st->last_message,
	    sizeof(st->last_message)) != 0)
		return "bad last_run, last_result or last_message";
	st->last_result = (int)res;
	if (!json_is_array(arr) || json_array_size(arr) > AU_STATE_MAX_TARGETS)
		return "targets missing or too many";
	for (i = 0; i < json_array_size(arr); i++) {
		if (load_target(json_array_get(arr, i), &st->t[i], fmt) != 0)
			return "a target entry is malformed";
		for (j = 0; j < i; j++)
			if (strcmp(st->t[j].name, st->t[i].name) == 0)
				return "a target is listed twice";
	}
	st->n = json_array_size(arr);
	return NULL;
}

/*
 * *out = *st (the empty state for NULL), copying only the n targets held:
 * the whole struct is 173 KiB (AU_STATE_MAX_TARGETS entries), and writing
 * all of it made every page resident for the run (issue 15: peak RSS).
 * Entries from n on are left as they were: nothing reads them (a target
 * is added through au_state_target(), which clears its entry).
 */
static void
state_set(struct au_state *out, const struct au_state *st)
{
	size_t n = st != NULL ? st->n : 0;

	if (n > 0)
		memcpy(out->t, st->t, n * sizeof(st->t[0]));
	out->n = n;
	out->last_run = st != NULL ? st->last_run : 0;
	out->last_result = st != NULL ? st->last_result : 0;
	memcpy(out->last_message, st != NULL ? st->last_message : "",
	    st != NULL ? sizeof(out->last_message) : 1);
}

int
au_state_load(const char *path, struct au_state *out, struct au_diag *diag)
{
	struct au_state *st = NULL;
	struct au_diag d = { "", 0 };
	uint8_t *buf = NULL;
	json_t *doc = NULL;
	json_error_t jerr;
	const char *why = NULL;
	size_t len = 0;
	int rc;

	rc = au_file_read_all(path, AU_STATE_MAX_BYTES, &buf, &len, &d);
	if (rc == AU_EIO && d.sys == ENOENT) {
		state_set(out, NULL);
		return 0;
	}
	if (rc == AU_ETOOBIG)
		return corrupt(path, "larger than AU_STATE_MAX_BYTES", diag);
	if (rc != 0)
		return au_diag_sys(diag, rc, d.sys, "state file: %s", d.msg);
	st = calloc(1, sizeof(*st));
	if (st == NULL) {
		rc = au_diag_set(diag, AU_ENOMEM, "out of memory");
		goto out;
	}
	doc = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, &jerr);
	why = doc == NULL ? jerr.text : load_doc(doc, st);
	if (why != NULL)
		rc = corrupt(path, why, diag);
	else
		state_set(out, st);
out:
	json_decref(doc);
	free(st);
	free(buf);
	return rc;
}

/* ---- save ---- */

static json_t *
save_older(const struct au_state_target *t)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; arr != NULL && i < t->nolder && i < AU_STATE_MAX_OLDER;
	    i++)
		if (json_array_append_new(arr, json_pack("{s:I, s:s}",
		    "version", (json_int_t)t->older[i].version, "hash",
		    t->older[i].hash)) != 0) {
			json_decref(arr);
			arr = NULL;
		}
	return arr;
}

/* The format 2 members, each only when it says something. */
static void ascii(const char *in, char *out, size_t size);

static int
save_optional(json_t *o, const struct au_state_target *t)
{
	char prov[sizeof(t->provenance)];

	ascii(t->provenance, prov, sizeof(prov));
	if (prov[0] != '\0' && json_object_set_new(o, "provenance",
	    json_string(prov)) != 0)
		return -1;
	if (t->min_version >= 0 && json_object_set_new(o, "min_version",
	    json_integer((json_int_t)t->min_version)) != 0)
		return -1;
	if (t->trial && json_object_set_new(o, "trial", json_pack("{s:I, s:I}",
	    "since", (json_int_t)t->trial_since, "runs",
	    (json_int_t)t->trial_runs)) != 0)
		return -1;
	if (t->nolder > 0 && json_object_set_new(o, "older",
	    save_older(t)) != 0)
		return -1;
	return 0;
}

static json_t *
save_target(const struct au_state_target *t)
{
	json_t *o, *bad = json_array();
	size_t i;

	for (i = 0; bad != NULL && i < t->nbad && i < AU_STATE_MAX_BAD; i++)
		if (json_array_append_new(bad, json_string(t->bad[i])) != 0) {
			json_decref(bad);
			bad = NULL;
		}
	if (bad == NULL)
		return NULL;
	o = json_pack("{s:s, s:I, s:I, s:s, s:s, s:I, s:o}",
	    "name", t->name, "version", (json_int_t)t->version,
	    "prev_version", (json_int_t)t->prev_version, "hash", t->hash,
	    "prev_hash", t->prev_hash,
	    "installed_at", (json_int_t)t->installed_at, "bad", bad);
	if (o != NULL && save_optional(o, t) != 0) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

/* last_message as printable ASCII, so the file always stays valid JSON. */
static void
ascii(const char *in, char *out, size_t size)
{
	size_t i;

	for (i = 0; in[i] != '\0' && i + 1 < size; i++)
		out[i] = (in[i] >= 0x20 && in[i] < 0x7f) ? in[i] : '?';
	out[i] = '\0';
}

static json_t *
save_doc(const struct au_state *st)
{
	char msg[sizeof(st->last_message)];
	json_t *doc, *arr = json_array();
	size_t i;

	for (i = 0; arr != NULL && i < st->n && i < AU_STATE_MAX_TARGETS; i++)
		if (json_array_append_new(arr, save_target(&st->t[i])) != 0) {
			json_decref(arr);
			arr = NULL;
		}
	if (arr == NULL)
		return NULL;
	ascii(st->last_message, msg, sizeof(msg));
	doc = json_pack("{s:i, s:I, s:i, s:s, s:o}", "format", AU_STATE_FORMAT,
	    "last_run", (json_int_t)st->last_run, "last_result",
	    st->last_result, "last_message", msg, "targets", arr);
	return doc;
}

int
au_state_save(const char *path, const struct au_state *st,
    struct au_diag *diag)
{
	json_t *doc = save_doc(st);
	char *text = NULL;
	int rc;

	if (doc == NULL)
		return au_diag_set(diag, AU_EINTERNAL, "state for %s holds a "
		    "name that is not valid UTF-8, or memory ran out", path);
	text = json_dumps(doc, JSON_INDENT(1) | JSON_SORT_KEYS);
	if (text == NULL)
		rc = au_diag_set(diag, AU_ENOMEM, "out of memory");
	else
		rc = au_file_replace(path, text, strlen(text), 0644, diag);
	free(text);
	json_decref(doc);
	return rc;
}

/* ---- queries ---- */

struct au_state_target *
au_state_find(struct au_state *st, const char *name, int create)
{
	struct au_state_target *t;
	size_t i, n;

	if (name == NULL)
		return NULL;
	for (i = 0; i < st->n; i++)
		if (strcmp(st->t[i].name, name) == 0)
			return &st->t[i];
	n = strlen(name);
	if (!create || n == 0 || n > AU_STATE_MAX_NAME ||
	    st->n == AU_STATE_MAX_TARGETS)
		return NULL;
	t = &st->t[st->n++];
	memset(t, 0, sizeof(*t));
	memcpy(t->name, name, n + 1);
	t->version = t->prev_version = t->min_version = -1;
	return t;
}

int
au_state_is_bad(const struct au_state *st, const char *name, const char *hash)
{
	size_t i, j;

	if (name == NULL || hash == NULL)
		return 0;
	for (i = 0; i < st->n; i++) {
		if (strcmp(st->t[i].name, name) != 0)
			continue;
		for (j = 0; j < st->t[i].nbad; j++)
			if (strcmp(st->t[i].bad[j], hash) == 0)
				return 1;
	}
	return 0;
}

int
au_state_mark_bad(struct au_state *st, const char *name, const char *hash)
{
	struct au_state_target *t;

	if (hash == NULL || strlen(hash) != 64 || !hash_ok(hash))
		return AU_EINTERNAL;
	if (au_state_is_bad(st, name, hash))
		return 0;
	t = au_state_find(st, name, 1);
	if (t == NULL)
		return AU_EINTERNAL;
	if (t->nbad == AU_STATE_MAX_BAD) {
		memmove(t->bad[0], t->bad[1], (AU_STATE_MAX_BAD - 1) * 65);
		t->nbad--;
	}
	memcpy(t->bad[t->nbad++], hash, 65);
	return 0;
}

void
au_state_push_older(struct au_state_target *t, size_t max)
{
	if (max > AU_STATE_MAX_OLDER)
		max = AU_STATE_MAX_OLDER;
	if (t->prev_hash[0] != '\0' && max > 0) {
		if (t->nolder == AU_STATE_MAX_OLDER)
			t->nolder--;
		memmove(&t->older[1], &t->older[0],
		    t->nolder * sizeof(t->older[0]));
		t->older[0].version = t->prev_version;
		memcpy(t->older[0].hash, t->prev_hash, sizeof(t->prev_hash));
		t->nolder++;
	}
	if (t->nolder > max)
		t->nolder = max;
}

size_t
au_state_older_hashes(const struct au_state *st, char (*out)[65], size_t cap)
{
	size_t i, j, n = 0;

	for (i = 0; i < st->n; i++)
		for (j = 0; j < st->t[i].nolder && n < cap; j++)
			memcpy(out[n++], st->t[i].older[j].hash, 65);
	return n;
}
