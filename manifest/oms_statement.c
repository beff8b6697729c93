/* SPDX-License-Identifier: ISC */
/* manifest/oms_statement.c - the OMS in-toto Statement v1 (manifest/oms.h). */
#include "manifest/oms.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "manifest/json.h"
#include "manifest/oms_int.h"
#include "port/ban.h"

struct au_oms_statement {
	struct au_oms_resource *res;
	size_t nres;
	char **ignore;
	size_t nignore;
	int shards;
	uint64_t shard_size;
};

int
au_oms_hex32(const char *hex, uint8_t out[32])
{
	size_t i;

	if (hex == NULL || strlen(hex) != 64 || strspn(hex,
	    "0123456789abcdef") != 64)
		return -1;
	for (i = 0; i < 32; i++) {
		int hi = hex[2 * i], lo = hex[2 * i + 1];

		hi = hi <= '9' ? hi - '0' : hi - 'a' + 10;
		lo = lo <= '9' ? lo - '0' : lo - 'a' + 10;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* A relative POSIX path with no empty, "." or ".." part and no control byte. */
static int
safe_path(const char *p, size_t n)
{
	size_t i, start = 0;

	if (n == 0 || n > AU_OMS_NAME_MAX || p[0] == '/')
		return 0;
	for (i = 0; i <= n; i++) {
		if (i < n && ((unsigned char)p[i] < 0x20 || p[i] == 0x7f ||
		    p[i] == '\\'))
			return 0;
		if (i < n && p[i] != '/')
			continue;
		if (i == start || (i - start == 1 && p[start] == '.') ||
		    (i - start == 2 && p[start] == '.' && p[start + 1] == '.'))
			return 0;
		start = i + 1;
	}
	return 1;
}

/* Decimal without sign or leading zero (but "0"), fitting 64 bits. */
static int
parse_u64(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0 || n > 20 || (n > 1 && s[0] == '0'))
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9' ||
		    v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

/* r->path (and, for shards, start/end) from r->name. */
static int
split_name(struct au_oms_resource *r, int shards, uint64_t shard_size)
{
	size_t n = strlen(r->name), plen = n;
	const char *c1, *c2;

	if (shards) {
		c2 = strrchr(r->name, ':');
		if (c2 == NULL || c2 == r->name)
			return -1;
		for (c1 = c2 - 1; c1 > r->name && *c1 != ':'; c1--)
			;
		if (*c1 != ':' ||
		    parse_u64(c1 + 1, (size_t)(c2 - c1 - 1), &r->start) != 0 ||
		    parse_u64(c2 + 1, n - (size_t)(c2 - r->name) - 1, &r->end) ||
		    r->start >= r->end || r->end - r->start > shard_size ||
		    r->start % shard_size != 0)
			return -1;
		plen = (size_t)(c1 - r->name);
	}
	if (!safe_path(r->name, plen) || (r->path = strndup(r->name, plen)) == NULL)
		return -1;
	return 0;
}

static int
parse_resource(struct au_oms_statement *st, const json_t *o, size_t i,
    struct au_diag *diag)
{
	const json_t *name = json_object_get(o, "name"),
	    *dg = json_object_get(o, "digest"),
	    *alg = json_object_get(o, "algorithm");
	struct au_oms_resource *r = &st->res[i];

	if (!json_is_object(o) || !json_is_string(name) ||
	    !json_is_string(dg) || !json_is_string(alg))
		return au_diag_set(diag, AU_EMETA_MALFORMED, "OMS resource %zu: "
		    "not {name, digest, algorithm} strings", i);
	if (strcmp(json_string_value(alg), "sha256") != 0)
		return AU_EART_HASHALG;
	if (au_oms_hex32(json_string_value(dg), r->digest) != 0)
		return au_diag_set(diag, AU_EMETA_MALFORMED, "OMS resource %zu: "
		    "digest is not 64 lower-case hex digits", i);
	if (json_string_length(name) > AU_OMS_NAME_MAX + 48 ||
	    memchr(json_string_value(name), 0, json_string_length(name)) ||
	    (r->name = strdup(json_string_value(name))) == NULL ||
	    split_name(r, st->shards, st->shard_size) != 0)
		return au_diag_set(diag, AU_EMETA_MALFORMED, "OMS resource %zu: "
		    "name is not a safe relative path%s", i, st->shards ?
		    " with :start:end of one shard" : "");
	return AU_OK;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* resources[]: each well formed, no name twice. */
static int
parse_resources(struct au_oms_statement *st, const json_t *arr,
    enum au_oms_fail *why, struct au_diag *diag)
{
	const json_t *o;
	char **names;
	size_t i;
	int rc = AU_OK;

	if (!json_is_array(arr) || json_array_size(arr) > AU_OMS_RESOURCES_MAX)
		return au_diag_set(diag, AU_EMETA_MALFORMED, "OMS predicate: "
		    "resources not an array of at most %d", AU_OMS_RESOURCES_MAX);
	if ((st->res = calloc(json_array_size(arr) + 1, sizeof(*st->res))) == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	json_array_foreach(arr, i, o) {
		st->nres = i + 1;
		if ((rc = parse_resource(st, o, i, diag)) == AU_EART_HASHALG)
			return au_diag_set(diag, au_oms_fail(why,
			    AU_OMS_UNSUPPORTED), "OMS resource %zu: algorithm "
			    "is not sha256", i);
		if (rc != AU_OK)
			return rc;
	}
	if ((names = malloc((st->nres + 1) * sizeof(*names))) == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	for (i = 0; i < st->nres; i++)
		names[i] = st->res[i].name;
	qsort(names, st->nres, sizeof(*names), by_name);
	for (i = 1; i < st->nres && rc == AU_OK; i++)
		if (strcmp(names[i - 1], names[i]) == 0)
			rc = au_diag_set(diag, AU_EMETA_MALFORMED, "OMS: "
			    "resource %.200s listed twice", names[i]);
	free(names);
	return rc;
}

static int
parse_ignore(struct au_oms_statement *st, const json_t *arr,
    struct au_diag *diag)
{
	const json_t *v;
	size_t i;

	if (arr == NULL)
		return AU_OK;
	if (!json_is_array(arr) || json_array_size(arr) > AU_OMS_IGNORE_MAX)
		return au_diag_set(diag, AU_EMETA_MALFORMED, "OMS serialization: "
		    "ignore_paths not an array of at most %d", AU_OMS_IGNORE_MAX);
	if ((st->ignore = calloc(json_array_size(arr) + 1, sizeof(char *))) == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	json_array_foreach(arr, i, v) {
		if (!json_is_string(v) || !safe_path(json_string_value(v),
		    json_string_length(v)) ||
		    strlen(json_string_value(v)) != json_string_length(v))
			return au_diag_set(diag, AU_EMETA_MALFORMED, "OMS "
			    "ignore_paths[%zu]: not a safe relative path", i);
		if ((st->ignore[i] = strdup(json_string_value(v))) == NULL)
			return au_diag_set(diag, AU_ENOMEM, "out of memory");
		st->nignore = i + 1;
	}
	return AU_OK;
}

static int
parse_serialization(struct au_oms_statement *st, const json_t *s,
    enum au_oms_fail *why, struct au_diag *diag)
{
	static const char *const keys[] = { "method", "hash_type",
		"allow_symlinks", "ignore_paths", "shard_size", NULL };
	const json_t *m = json_object_get(s, "method"),
	    *h = json_object_get(s, "hash_type"),
	    *sz = json_object_get(s, "shard_size");
	int rc;

	if (!json_is_object(s) || !json_is_string(m) || !json_is_string(h) ||
	    !json_is_boolean(json_object_get(s, "allow_symlinks")))
		return au_diag_set(diag, AU_EMETA_MALFORMED, "OMS serialization: "
		    "method, hash_type or allow_symlinks missing");
	if ((rc = au_oms_only_keys(s, keys, "serialization", diag)) != AU_OK)
		return rc;
	if (strcmp(json_string_value(h), "sha256") != 0)
		return au_diag_set(diag, au_oms_fail(why, AU_OMS_UNSUPPORTED),
		    "OMS serialization: hash_type %.32s is not supported "
		    "(sha256 only)", json_string_value(h));
	st->shards = strcmp(json_string_value(m), "shards") == 0;
	if (!st->shards && strcmp(json_string_value(m), "files") != 0)
		return au_diag_set(diag, AU_EMETA_MALFORMED, "OMS serialization: "
		    "method is neither files nor shards");
	if (st->shards != (sz != NULL) || (sz != NULL &&
	    (!json_is_integer(sz) || json_integer_value(sz) <= 0)))
		return au_diag_set(diag, AU_EMETA_MALFORMED, "OMS serialization: "
		    "shard_size must be a positive integer with shards only");
	st->shard_size = sz != NULL ? (uint64_t)json_integer_value(sz) : 0;
	return parse_ignore(st, json_object_get(s, "ignore_paths"), diag);
}

/* The one subject's sha256 = SHA-256(digest_1 || ... || digest_n). */
static int
check_subject(const struct au_oms_statement *st, const json_t *subj,
    struct au_diag *diag)
{
	const json_t *s0 = json_array_get(subj, 0);
	crypto_hash_sha256_state h;
	uint8_t want[32], got[32];
	size_t i;

	if (!json_is_array(subj) || json_array_size(subj) != 1 ||
	    !json_is_object(s0) || !json_is_string(json_object_get(s0, "name")) ||
	    au_oms_hex32(json_string_value(json_object_get(json_object_get(s0,
	    "digest"), "sha256")), want) != 0)
		return au_diag_set(diag, AU_EMETA_MALFORMED, "OMS statement: not "
		    "exactly one subject with a sha256 digest");
	crypto_hash_sha256_init(&h);
	for (i = 0; i < st->nres; i++)
		crypto_hash_sha256_update(&h, st->res[i].digest, 32);
	crypto_hash_sha256_final(&h, got);
	if (memcmp(want, got, 32) != 0)	/* public data */
		return au_diag_set(diag, AU_EMETA_MALFORMED, "OMS statement: the "
		    "subject digest is not that of the resources");
	return AU_OK;
}

static int
parse_doc(struct au_oms_statement *st, const json_t *doc,
    enum au_oms_fail *why, struct au_diag *diag)
{
	static const char *const keys[] = { "_type", "subject", "predicateType",
		"predicate", NULL };
	static const char *const pkeys[] = { "resources", "serialization", NULL };
	const json_t *t = json_object_get(doc, "_type"),
	    *pt = json_object_get(doc, "predicateType"),
	    *pred = json_object_get(doc, "predicate");
	int rc;

	if (!json_is_string(t) || strcmp(json_string_value(t),
	    AU_OMS_STATEMENT_TYPE) != 0)
		return au_diag_set(diag, au_oms_fail(why, AU_OMS_WRONG_TYPE),
		    "OMS: the payload is not an in-toto Statement v1");
	if (!json_is_string(pt) || strcmp(json_string_value(pt),
	    AU_OMS_PREDICATE_TYPE) != 0)
		return au_diag_set(diag, au_oms_fail(why, AU_OMS_WRONG_TYPE),
		    "OMS: wrong predicate type %.100s (want %s)",
		    json_is_string(pt) ? json_string_value(pt) : "(none)",
		    AU_OMS_PREDICATE_TYPE);
	if ((rc = au_oms_only_keys(doc, keys, "statement", diag)) != AU_OK)
		return rc;
	if (!json_is_object(pred) ||
	    (rc = au_oms_only_keys(pred, pkeys, "predicate", diag)) != AU_OK)
		return rc != AU_OK ? rc : au_diag_set(diag, AU_EMETA_MALFORMED,
		    "OMS: predicate missing or not an object");
	rc = parse_serialization(st, json_object_get(pred, "serialization"),
	    why, diag);
	if (rc == AU_OK)
		rc = parse_resources(st, json_object_get(pred, "resources"),
		    why, diag);
	if (rc == AU_OK)
		rc = check_subject(st, json_object_get(doc, "subject"), diag);
	return rc;
}

int
au_oms_statement_parse(const uint8_t *buf, size_t len,
    struct au_oms_statement **out, enum au_oms_fail *why,
    struct au_diag *diag)
{
	struct au_oms_statement *st;
	enum au_oms_fail w = AU_OMS_MALFORMED;
	json_t *doc = NULL;
	int rc;

	if ((st = calloc(1, sizeof(*st))) == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	rc = au_json_parse(buf, len, AU_OMS_PAYLOAD_MAX, &doc, diag);
	if (rc == AU_OK)
		rc = parse_doc(st, doc, &w, diag);
	json_decref(doc);
	if (rc != AU_OK) {
		au_oms_statement_free(st);
		if (why != NULL)
			*why = w;
		return rc == AU_EMETA_TOOBIG ? AU_EMETA_MALFORMED : rc;
	}
	*out = st;
	return AU_OK;
}

void
au_oms_statement_free(struct au_oms_statement *st)
{
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < st->nres; i++) {
		free(st->res[i].name);
		free(st->res[i].path);
	}
	for (i = 0; i < st->nignore; i++)
		free(st->ignore[i]);
	free(st->res);
	free(st->ignore);
	free(st);
}

const struct au_oms_resource *
au_oms_resources(const struct au_oms_statement *st, size_t *n)
{
	*n = st->nres;
	return st->res;
}

const char *const *
au_oms_ignore_paths(const struct au_oms_statement *st, size_t *n)
{
	*n = st->nignore;
	return (const char *const *)st->ignore;
}

int
au_oms_is_shards(const struct au_oms_statement *st)
{
	return st->shards;
}
