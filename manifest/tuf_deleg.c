/* SPDX-License-Identifier: ISC */
/*
 * manifest/tuf_deleg.c - targets roles and their delegations (TUF 1.0
 * section 4.5, "delegations"; matching as python-tuf's DelegatedRole):
 * parsing a verified targets document, looking a target up in one, path
 * patterns, path hash prefixes.
 */
#include "manifest/tuf_int.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "manifest/json.h"
#include "port/ban.h"

static int
is_top_level(const char *name)
{
	int i;

	for (i = 0; i < R_COUNT; i++)
		if (strcmp(name, tuf_role_names[i]) == 0)
			return 1;
	return 0;
}

/* An array of at most AU_TUF_MAX_PATHS strings (each < AU_TARGET_NAME_MAX). */
static int
string_array_ok(const json_t *a)
{
	const json_t *v;
	size_t i;

	if (!json_is_array(a) || json_array_size(a) > AU_TUF_MAX_PATHS)
		return 0;
	json_array_foreach((json_t *)a, i, v)
		if (!json_is_string(v) || json_string_length(v) > AU_TARGET_NAME_MAX ||
		    strlen(json_string_value(v)) != json_string_length(v))
			return 0;
	return 1;
}

static int
parse_one(const json_t *o, struct tuf_delegation *dl, struct au_diag *diag)
{
	const json_t *name = json_object_get(o, "name");
	const json_t *term = json_object_get(o, "terminating");

	if (!json_is_string(name) || json_string_length(name) == 0 ||
	    json_string_length(name) > AU_TUF_ROLE_NAME_MAX ||
	    strlen(json_string_value(name)) != json_string_length(name) ||
	    is_top_level(json_string_value(name)))
		return au_diag_set(diag, AU_EMETA_MALFORMED,
		    "delegations: a role name is missing, empty, over %d bytes, "
		    "or a top-level role name", AU_TUF_ROLE_NAME_MAX);
	dl->name = json_string_value(name);
	if (!json_is_boolean(term))
		return au_diag_set(diag, AU_EMETA_MALFORMED,
		    "delegations: role \"%.128s\": terminating is not true or false",
		    dl->name);
	dl->terminating = json_is_true(term);
	dl->paths = json_object_get(o, "paths");
	dl->prefixes = json_object_get(o, "path_hash_prefixes");
	if ((dl->paths == NULL) == (dl->prefixes == NULL) ||
	    (dl->paths != NULL && !string_array_ok(dl->paths)) ||
	    (dl->prefixes != NULL && !string_array_ok(dl->prefixes)))
		return au_diag_set(diag, AU_EMETA_MALFORMED,
		    "delegations: role \"%.128s\" needs exactly one of paths and "
		    "path_hash_prefixes, an array of at most %d strings",
		    dl->name, AU_TUF_MAX_PATHS);
	return tuf_role_keys_parse(o, &dl->rk, "delegations", dl->name, diag);
}

static int
parse_delegations(struct tuf_targets *tg, struct au_diag *diag)
{
	const json_t *dg = json_object_get(tg->d.signed_, "delegations");
	const json_t *roles = json_object_get(dg, "roles");
	size_t i, j, n;
	int rc;

	if (dg == NULL)
		return AU_OK;
	if (!json_is_object(dg))
		return au_diag_set(diag, AU_EMETA_MALFORMED,
		    "targets \"%.128s\": delegations is not an object", tg->name);
	rc = tuf_keyring_parse(json_object_get(dg, "keys"), &tg->kr,
	    "delegations", diag);
	if (rc != AU_OK)
		return rc;
	/* TAP 15 succinct_roles: not supported; no role is delegated then. */
	if (roles == NULL && json_object_get(dg, "succinct_roles") != NULL)
		return AU_OK;
	n = json_array_size(roles);
	if (!json_is_array(roles) || n > AU_TUF_MAX_DELEGATIONS)
		return au_diag_set(diag, AU_EMETA_MALFORMED,
		    "delegations: roles is not an array of at most %d",
		    AU_TUF_MAX_DELEGATIONS);
	if ((tg->deleg = calloc(n ? n : 1, sizeof(*tg->deleg))) == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		tg->ndeleg++;
		rc = parse_one(json_array_get(roles, i), &tg->deleg[i], diag);
		if (rc != AU_OK)
			return rc;
		for (j = 0; j < i; j++)
			if (strcmp(tg->deleg[j].name, tg->deleg[i].name) == 0)
				return au_diag_set(diag, AU_EMETA_MALFORMED,
				    "delegations: role \"%.128s\" listed twice",
				    tg->deleg[i].name);
	}
	return AU_OK;
}

/* Every "targets" entry: integer length >= 0, non-empty hashes of strings. */
static int
entries_ok(const struct tuf_doc *d, struct au_diag *diag)
{
	json_t *tg = json_object_get(d->signed_, "targets"), *v, *len, *h, *hv;
	const char *name, *alg;

	if (!json_is_object(tg))
		return au_diag_set(diag, AU_EMETA_MALFORMED,
		    "targets: \"targets\" missing or not an object");
	json_object_foreach(tg, name, v) {
		len = json_object_get(v, "length");
		h = json_object_get(v, "hashes");
		if (!json_is_integer(len) || json_integer_value(len) < 0 ||
		    !json_is_object(h) || json_object_size(h) == 0)
			return au_diag_set(diag, AU_EMETA_MALFORMED,
			    "targets: \"%.128s\" needs an integer length >= 0 and "
			    "a non-empty hashes object", name);
		json_object_foreach(h, alg, hv)
			if (!json_is_string(hv))
				return au_diag_set(diag, AU_EMETA_MALFORMED,
				    "targets: \"%.128s\": hash %.32s is not a string",
				    name, alg);
	}
	return AU_OK;
}

int
tuf_targets_new(struct tuf_doc *d, const char *name, struct tuf_targets **out,
    struct au_diag *diag)
{
	struct tuf_targets *tg;
	int rc;

	if ((rc = entries_ok(d, diag)) != AU_OK)
		return rc;
	tg = calloc(1, sizeof(*tg));
	if (tg == NULL || (tg->name = strdup(name)) == NULL) {
		free(tg);
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	}
	tg->d = *d;	/* takes ownership */
	memset(d, 0, sizeof(*d));
	rc = parse_delegations(tg, diag);
	if (rc != AU_OK) {
		*d = tg->d;	/* give it back to the caller */
		memset(&tg->d, 0, sizeof(tg->d));
		tuf_targets_free(tg);
		return rc;
	}
	*out = tg;
	return AU_OK;
}

void
tuf_targets_free(struct tuf_targets *tg)
{
	size_t i;

	if (tg == NULL)
		return;
	for (i = 0; i < tg->ndeleg; i++)
		free(tg->deleg[i].rk.keyids);
	free(tg->deleg);
	for (i = 0; i < tg->nvia; i++)
		free(tg->via[i]);
	free(tg->via);
	tuf_keyring_free(&tg->kr);
	tuf_doc_clear(&tg->d);
	free(tg->name);
	free(tg);
}

const struct tuf_delegation *
tuf_targets_delegation(const struct tuf_targets *tg, const char *child)
{
	size_t i;

	for (i = 0; i < tg->ndeleg; i++)
		if (strcmp(tg->deleg[i].name, child) == 0)
			return &tg->deleg[i];
	return NULL;
}

int
tuf_targets_via(const struct tuf_targets *tg, const char *delegator)
{
	size_t i;

	for (i = 0; delegator != NULL && i < tg->nvia; i++)
		if (strcmp(tg->via[i], delegator) == 0)
			return 1;
	return 0;
}

int
tuf_targets_add_via(struct tuf_targets *tg, const char *delegator,
    struct au_diag *diag)
{
	char **nv, *name;

	if (tuf_targets_via(tg, delegator))
		return AU_OK;
	if ((name = strdup(delegator)) == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	if ((nv = realloc(tg->via, (tg->nvia + 1) * sizeof(*nv))) == NULL) {
		free(name);
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	}
	tg->via = nv;
	tg->via[tg->nvia++] = name;
	return AU_OK;
}

/* ---- target lookup ---- */

static int
target_hashes(const json_t *h, const char *name, struct au_target *tg,
    struct au_diag *diag)
{
	const json_t *v;

	if ((v = json_object_get(h, "sha256")) != NULL) {
		if (au_hex_decode(json_string_value(v), tg->sha256, 32) != AU_OK)
			return au_diag_set(diag, AU_EMETA_MALFORMED,
			    "target \"%.128s\": sha256 is not 64 hex digits", name);
		tg->has_sha256 = 1;
	}
	if ((v = json_object_get(h, "sha512")) != NULL) {
		if (au_hex_decode(json_string_value(v), tg->sha512, 64) != AU_OK)
			return au_diag_set(diag, AU_EMETA_MALFORMED,
			    "target \"%.128s\": sha512 is not 128 hex digits", name);
		tg->has_sha512 = 1;
	}
	if (!tg->has_sha256 && !tg->has_sha512)
		return au_diag_set(diag, AU_EART_HASHALG,
		    "target \"%.128s\": no supported hash (sha256, sha512) listed",
		    name);
	return AU_OK;
}

static int
target_custom(const json_t *custom, const char *name, struct au_target *tg,
    struct au_diag *diag)
{
	const json_t *ver = json_object_get(custom, "version");
	size_t clen;

	if (custom == NULL)
		return AU_OK;
	if (ver != NULL && (!json_is_integer(ver) || json_integer_value(ver) < 0))
		return au_diag_set(diag, AU_EMETA_MALFORMED,
		    "target \"%.128s\": custom.version is not an integer >= 0", name);
	if (ver != NULL)
		tg->version = json_integer_value(ver);
	return au_json_canonical(custom, &tg->custom_json, &clen, diag);
}

int
tuf_targets_lookup(const struct tuf_targets *role, const char *name,
    struct au_target *out, struct au_diag *diag)
{
	struct au_target tg;
	const json_t *v;
	int rc;

	v = json_object_get(json_object_get(role->d.signed_, "targets"), name);
	if (v == NULL)
		return au_diag_set(diag, AU_EMETA_NOTARGET,
		    "target \"%s\" is not in %.128s v%lld", name, role->name,
		    (long long)role->d.version);
	memset(&tg, 0, sizeof(tg));
	tg.version = -1;
	tg.length = (uint64_t)json_integer_value(json_object_get(v, "length"));
	rc = target_hashes(json_object_get(v, "hashes"), name, &tg, diag);
	if (rc == AU_OK)
		rc = target_custom(json_object_get(v, "custom"), name, &tg, diag);
	if (rc != AU_OK) {
		au_target_clear(&tg);
		return rc;
	}
	*out = tg;
	return AU_OK;
}

void
au_target_clear(struct au_target *tg)
{
	if (tg == NULL)
		return;
	free(tg->custom_json);
	memset(tg, 0, sizeof(*tg));
}

/* [set] at p (p points after '['): 1 match, 0 no match, -1 not a set. */
static int
set_match(const char **pp, const char *pend, char c)
{
	const char *p = *pp;
	int neg = 0, hit = 0;

	if (p < pend && *p == '!') {
		neg = 1;
		p++;
	}
	if (p < pend && *p == ']') {	/* a leading ']' is a member */
		hit |= c == ']';
		p++;
	}
	for (; p < pend && *p != ']'; p++) {
		if (p + 2 < pend && p[1] == '-' && p[2] != ']') {
			hit |= (unsigned char)c >= (unsigned char)p[0] &&
			    (unsigned char)c <= (unsigned char)p[2];
			p += 2;
		} else {
			hit |= *p == c;
		}
	}
	if (p >= pend)
		return -1;	/* no closing ']': '[' is literal (Python fnmatch) */
	*pp = p + 1;
	return hit != neg;
}

/*
 * Python fnmatch.fnmatchcase on one path component: '*' any run, '?' one
 * byte, '[seq]' / '[!seq]' a set; no escapes.  Iterative with one
 * backtrack point, so linear-ish in practice and never recursive.
 */
static int
component_match(const char *p, const char *pend, const char *s,
    const char *send)
{
	const char *star_p = NULL, *star_s = NULL, *q;
	int m;

	while (s < send) {
		if (p < pend && *p == '*') {
			star_p = ++p;
			star_s = s;
			continue;
		}
		if (p < pend && *p == '[') {
			q = p + 1;
			m = set_match(&q, pend, *s);
			if (m == 1) {
				p = q;
				s++;
				continue;
			}
			if (m == -1 && *s == '[') {
				p++;
				s++;
				continue;
			}
		} else if (p < pend && (*p == '?' || *p == *s)) {
			p++;
			s++;
			continue;
		}
		if (star_p == NULL)
			return 0;
		p = star_p;
		s = ++star_s;
	}
	while (p < pend && *p == '*')
		p++;
	return p == pend;
}

/*
 * python-tuf _is_target_in_pathpattern: the pattern and the name have the
 * same number of '/'-separated parts and each part matches (so '*' never
 * crosses a '/').
 */
int
au_tuf_path_match(const char *pattern, const char *name)
{
	const char *pe, *ne;

	for (;;) {
		pe = strchr(pattern, '/');
		ne = strchr(name, '/');
		if ((pe == NULL) != (ne == NULL))
			return 0;
		if (pe == NULL)
			return component_match(pattern, pattern + strlen(pattern),
			    name, name + strlen(name));
		if (!component_match(pattern, pe, name, ne))
			return 0;
		pattern = pe + 1;
		name = ne + 1;
	}
}

static int
hash_prefix_match(const json_t *prefixes, const char *name)
{
	uint8_t h[crypto_hash_sha256_BYTES];
	char hex[2 * sizeof(h) + 1];
	const json_t *v;
	size_t i;

	crypto_hash_sha256(h, (const uint8_t *)name, strlen(name));
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	json_array_foreach((json_t *)prefixes, i, v)
		if (strncmp(hex, json_string_value(v),
		    json_string_length(v)) == 0 && json_string_length(v) <= 64)
			return 1;
	return 0;
}

int
tuf_delegation_matches(const struct tuf_delegation *dl, const char *name)
{
	const json_t *v;
	size_t i;

	if (dl->prefixes != NULL)
		return hash_prefix_match(dl->prefixes, name);
	json_array_foreach((json_t *)dl->paths, i, v)
		if (au_tuf_path_match(json_string_value(v), name))
			return 1;
	return 0;
}
