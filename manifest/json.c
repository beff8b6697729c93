/* SPDX-License-Identifier: ISC */
/* manifest/json.c - strict JSON intake and canonical JSON (TUF 1.0 section 4.2). */
#include "manifest/json.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "port/ban.h"

/* ---- intake ---- */

/*
 * Scan the raw bytes before jansson sees them: refuse NUL bytes and nesting
 * deeper than AU_JSON_MAX_DEPTH (jansson's own cap is 2048, compiled in).
 * Brackets inside strings do not count.
 */
static int
prescan(const uint8_t *buf, size_t len, struct au_diag *diag)
{
	size_t i, depth = 0;
	int in_str = 0, esc = 0;

	for (i = 0; i < len; i++) {
		uint8_t c = buf[i];

		if (c == 0)
			return au_diag_set(diag, AU_EMETA_MALFORMED,
			    "JSON: NUL byte at offset %zu", i);
		if (in_str) {
			if (esc)
				esc = 0;
			else if (c == '\\')
				esc = 1;
			else if (c == '"')
				in_str = 0;
		} else if (c == '"') {
			in_str = 1;
		} else if (c == '{' || c == '[') {
			if (++depth > AU_JSON_MAX_DEPTH)
				return au_diag_set(diag, AU_EMETA_MALFORMED,
				    "JSON: nesting deeper than %d at offset %zu",
				    AU_JSON_MAX_DEPTH, i);
		} else if ((c == '}' || c == ']') && depth > 0) {
			depth--;
		}
	}
	return AU_OK;
}

int
au_json_parse(const uint8_t *buf, size_t len, size_t max, json_t **out,
    struct au_diag *diag)
{
	json_error_t jerr;
	json_t *v;
	int rc;

	if (len > max)
		return au_diag_set(diag, AU_EMETA_TOOBIG,
		    "JSON document of %zu bytes exceeds the cap of %zu bytes",
		    len, max);
	if (buf == NULL && len > 0)
		return au_diag_set(diag, AU_EINTERNAL, "JSON: NULL buffer");
	rc = prescan(buf, len, diag);
	if (rc != AU_OK)
		return rc;
	v = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (v == NULL)
		return au_diag_set(diag, AU_EMETA_MALFORMED,
		    "JSON: %s at line %d, column %d", jerr.text, jerr.line,
		    jerr.column);
	if (!json_is_object(v)) {
		json_decref(v);
		return au_diag_set(diag, AU_EMETA_MALFORMED,
		    "JSON: top level is not an object");
	}
	*out = v;
	return AU_OK;
}

/* ---- canonical JSON ---- */

struct sbuf {
	char *p;
	size_t len, cap;
	int oom;
};

static void
put(struct sbuf *b, const char *s, size_t n)
{
	size_t ncap;
	char *np;

	if (b->oom)
		return;
	if (n >= b->cap - b->len) {
		ncap = b->cap ? b->cap : 256;
		while (n >= ncap - b->len)
			ncap *= 2;
		np = realloc(b->p, ncap);
		if (np == NULL) {
			b->oom = 1;
			return;
		}
		b->p = np;
		b->cap = ncap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* A string: '"', the bytes with only '\' and '"' escaped, '"'. */
static void
put_str(struct sbuf *b, const char *s, size_t n)
{
	size_t i, run = 0;

	put(b, "\"", 1);
	for (i = 0; i < n; i++) {
		if (s[i] != '\\' && s[i] != '"')
			continue;
		put(b, s + run, i - run);
		put(b, "\\", 1);
		run = i;
	}
	put(b, s + run, n - run);
	put(b, "\"", 1);
}

struct kv {
	const char *key;
	size_t klen;
	json_t *val;
};

static int
kv_cmp(const void *a, const void *b)
{
	const struct kv *x = a, *y = b;
	size_t n = x->klen < y->klen ? x->klen : y->klen;
	int c = memcmp(x->key, y->key, n);

	if (c != 0)
		return c;
	return (x->klen > y->klen) - (x->klen < y->klen);
}

static int emit(struct sbuf *b, const json_t *v, int depth,
    struct au_diag *diag);

static int
emit_object(struct sbuf *b, const json_t *v, int depth, struct au_diag *diag)
{
	size_t n = json_object_size(v), i = 0;
	struct kv *kvs = NULL;
	void *it;
	int rc = AU_OK;

	if (n > 0 && (kvs = calloc(n, sizeof(*kvs))) == NULL)
		return au_diag_set(diag, AU_ENOMEM, "canonical JSON: out of memory");
	for (it = json_object_iter((json_t *)v); it != NULL && i < n;
	    it = json_object_iter_next((json_t *)v, it), i++) {
		kvs[i].key = json_object_iter_key(it);
		kvs[i].klen = json_object_iter_key_len(it);
		kvs[i].val = json_object_iter_value(it);
	}
	if (n > 1)
		qsort(kvs, n, sizeof(*kvs), kv_cmp);
	put(b, "{", 1);
	for (i = 0; i < n && rc == AU_OK; i++) {
		if (i > 0)
			put(b, ",", 1);
		put_str(b, kvs[i].key, kvs[i].klen);
		put(b, ":", 1);
		rc = emit(b, kvs[i].val, depth + 1, diag);
	}
	put(b, "}", 1);
	free(kvs);
	return rc;
}

static int
emit_array(struct sbuf *b, const json_t *v, int depth, struct au_diag *diag)
{
	size_t i, n = json_array_size(v);
	int rc = AU_OK;

	put(b, "[", 1);
	for (i = 0; i < n && rc == AU_OK; i++) {
		if (i > 0)
			put(b, ",", 1);
		rc = emit(b, json_array_get(v, i), depth + 1, diag);
	}
	put(b, "]", 1);
	return rc;
}

static int
emit(struct sbuf *b, const json_t *v, int depth, struct au_diag *diag)
{
	char num[32];
	int n;

	if (depth > AU_JSON_MAX_DEPTH)
		return au_diag_set(diag, AU_EMETA_MALFORMED,
		    "canonical JSON: nesting deeper than %d", AU_JSON_MAX_DEPTH);
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return emit_object(b, v, depth, diag);
	case JSON_ARRAY:
		return emit_array(b, v, depth, diag);
	case JSON_STRING:
		put_str(b, json_string_value(v), json_string_length(v));
		return AU_OK;
	case JSON_INTEGER:
		n = snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		if (n < 0 || (size_t)n >= sizeof(num))
			return au_diag_set(diag, AU_EINTERNAL,
			    "canonical JSON: integer format");
		put(b, num, (size_t)n);
		return AU_OK;
	case JSON_TRUE:
		put(b, "true", 4);
		return AU_OK;
	case JSON_FALSE:
		put(b, "false", 5);
		return AU_OK;
	case JSON_NULL:
		put(b, "null", 4);
		return AU_OK;
	case JSON_REAL:
	default:
		return au_diag_set(diag, AU_EMETA_MALFORMED,
		    "canonical JSON: real numbers are not allowed in signed metadata");
	}
}

int
au_json_canonical(const json_t *v, char **out, size_t *len,
    struct au_diag *diag)
{
	struct sbuf b = { NULL, 0, 0, 0 };
	int rc;

	if (v == NULL)
		return au_diag_set(diag, AU_EINTERNAL, "canonical JSON: NULL value");
	put(&b, "", 0);
	rc = emit(&b, v, 1, diag);
	if (rc == AU_OK && b.oom)
		rc = au_diag_set(diag, AU_ENOMEM, "canonical JSON: out of memory");
	if (rc != AU_OK) {
		free(b.p);
		return rc;
	}
	*out = b.p;
	*len = b.len;
	return AU_OK;
}
