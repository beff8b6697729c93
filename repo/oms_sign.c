/* SPDX-License-Identifier: ISC */
/*
 * repo/oms_sign.c - OMS v1.0 bundles, method "key" (repo/oms_sign.h), and
 * the `aiupdate-repo oms-sign` command.
 */
#include "repo/oms_sign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "manifest/oms.h"
#include "port/port.h"
#include "port/tree.h"
#include "repo/repo.h"
#include "port/ban.h"

#define FILES_MAX 65536

static int
is_ignored(const char *rel)
{
	static const char *const ig[] = AU_OMS_SIGN_IGNORE;
	size_t i, l;

	for (i = 0; i < sizeof(ig) / sizeof(ig[0]); i++) {
		l = strlen(ig[i]);
		if (strncmp(rel, ig[i], l) == 0 && (rel[l] == '\0' || rel[l] == '/'))
			return 1;
	}
	return 0;
}

/* Append {"name","digest","algorithm"} for file full; digest into raw. */
static int
add_resource(json_t *arr, const char *name, const char *full,
    crypto_hash_sha256_state *subj, struct au_diag *diag)
{
	struct au_repo_hashes h;
	uint8_t raw[32];
	int rc;

	if ((rc = au_repo_copy(full, NULL, NULL, &h, diag)) != 0)
		return rc;
	if (sodium_hex2bin(raw, sizeof(raw), h.sha256, 64, NULL, NULL, NULL))
		return AU_EINTERNAL;
	crypto_hash_sha256_update(subj, raw, sizeof(raw));
	if (json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "name", name,
	    "digest", h.sha256, "algorithm", "sha256")) != 0)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	return 0;
}

static int
add_tree(json_t *arr, const char *dir, crypto_hash_sha256_state *subj,
    struct au_diag *diag)
{
	char full[2 * AU_TREE_PATH_MAX + 2];
	struct au_tree t;
	size_t i;
	int rc;

	if ((rc = au_tree_list(dir, FILES_MAX, 32, &t, diag)) != 0)
		return rc;
	if (t.has_other)
		rc = au_diag_set(diag, AU_EUSAGE, "%s/%s: a link or special file "
		    "(OMS signs regular files only)", dir, t.other);
	for (i = 0; i < t.n && rc == 0; i++) {
		if (is_ignored(t.files[i]))
			continue;
		(void)snprintf(full, sizeof(full), "%s/%s", dir, t.files[i]);
		rc = add_resource(arr, t.files[i], full, subj, diag);
	}
	au_tree_free(&t);
	return rc;
}

static json_t *
ignore_list(void)
{
	static const char *const ig[] = AU_OMS_SIGN_IGNORE;
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && i < sizeof(ig) / sizeof(ig[0]); i++)
		(void)json_array_append_new(a, json_string(ig[i]));
	return a;
}

int
au_oms_statement_build(const char *path, json_t **out, struct au_diag *diag)
{
	crypto_hash_sha256_state subj;
	const char *base = strrchr(path, '/');
	char hex[65];
	uint8_t d[32];
	struct au_stat st;
	json_t *res = json_array(), *doc = NULL;
	int rc;

	base = base != NULL && base[1] != '\0' ? base + 1 : path;
	crypto_hash_sha256_init(&subj);
	if ((rc = au_stat(path, &st, diag)) != 0)
		goto out;
	if (st.type == AU_FT_FILE)
		rc = add_resource(res, base, path, &subj, diag);
	else if (st.type == AU_FT_DIR)
		rc = add_tree(res, path, &subj, diag);
	else
		rc = au_diag_set(diag, AU_EUSAGE, "%s: not a file or directory",
		    path);
	if (rc != 0)
		goto out;
	crypto_hash_sha256_final(&subj, d);
	sodium_bin2hex(hex, sizeof(hex), d, sizeof(d));
	doc = json_pack("{s:s, s:[{s:s, s:{s:s}}], s:s, s:{s:O, s:{s:s, s:s, "
	    "s:b, s:o}}}", "_type", AU_OMS_STATEMENT_TYPE, "subject", "name", base,
	    "digest", "sha256", hex, "predicateType", AU_OMS_PREDICATE_TYPE,
	    "predicate", "resources", res, "serialization", "method", "files",
	    "hash_type", "sha256", "allow_symlinks", 0, "ignore_paths",
	    st.type == AU_FT_DIR ? ignore_list() : json_array());
	if (doc == NULL)
		rc = au_diag_set(diag, AU_ENOMEM, "out of memory");
out:
	json_decref(res);
	if (rc == 0)
		*out = doc;
	return rc;
}

static json_t *
b64(const uint8_t *b, size_t n)
{
	size_t sz = sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL);
	char *s = malloc(sz);
	json_t *v;

	if (s == NULL)
		return NULL;
	sodium_bin2base64(s, sz, b, n, sodium_base64_VARIANT_ORIGINAL);
	v = json_string(s);
	free(s);
	return v;
}

int
au_oms_bundle_build(const uint8_t *stmt, size_t len, const struct au_ecsign *k,
    char **out, size_t *outlen, struct au_diag *diag)
{
	char pem[AU_ECSIGN_PUB_PEM_MAX], hint[65];
	uint8_t sig[AU_EC_SIG_MAX], h[32], *pae = NULL;
	size_t siglen, plen;
	json_t *doc = NULL;
	char *text = NULL;
	int rc;

	if ((rc = au_ecsign_public_pem(k, pem, sizeof(pem), diag)) != 0)
		return rc;
	crypto_hash_sha256(h, (const uint8_t *)pem, strlen(pem));
	sodium_bin2hex(hint, sizeof(hint), h, sizeof(h));
	if ((rc = au_oms_pae(AU_OMS_PAYLOAD_TYPE, stmt, len, &pae, &plen)) != 0)
		return au_diag_set(diag, rc, "statement too large");
	rc = au_ecsign_sign(k, pae, plen, sig, &siglen, diag);
	free(pae);
	if (rc != 0)
		return rc;
	doc = json_pack("{s:s, s:{s:{s:s}, s:[]}, s:{s:o, s:s, s:[{s:o, s:s}]}}",
	    "mediaType", AU_OMS_MEDIA_TYPE, "verificationMaterial", "publicKey",
	    "hint", hint, "tlogEntries", "dsseEnvelope", "payload", b64(stmt, len),
	    "payloadType", AU_OMS_PAYLOAD_TYPE, "signatures", "sig",
	    b64(sig, siglen), "keyid", "");
	if (doc != NULL)
		text = json_dumps(doc, JSON_INDENT(2));
	json_decref(doc);
	if (text == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	*out = text;
	*outlen = strlen(text);
	return 0;
}

int
au_repo_cmd_oms_sign(int argc, char **argv, struct au_diag *diag)
{
	struct au_repo_opt opts[] = { { "--key", 1, NULL }, { "--out", 1, NULL } };
	const char *pos[1];
	char outpath[AU_REPO_PATH_MAX];
	struct au_ecsign *k = NULL;
	struct au_stat st;
	json_t *stmt = NULL;
	char *ptext = NULL, *bundle = NULL;
	size_t blen;
	int rc;

	rc = au_repo_args(argc, argv, opts, 2, pos, 1, 1, diag);
	if (rc == 0 && opts[0].value == NULL)
		rc = au_diag_set(diag, AU_EUSAGE, "oms-sign needs --key KEY.pem");
	if (rc == 0 && (rc = au_ecsign_load(opts[0].value, &k, diag)) == 0 &&
	    au_ecsign_bits(k) != 256)
		rc = au_diag_set(diag, AU_EUSAGE, "%s: oms-sign writes P-256 "
		    "signatures; this key is P-%d", opts[0].value, au_ecsign_bits(k));
	if (rc == 0 && (rc = au_stat(pos[0], &st, diag)) == 0) {
		int n = opts[1].value != NULL ?
		    snprintf(outpath, sizeof(outpath), "%s", opts[1].value) :
		    st.type == AU_FT_DIR ?
		    snprintf(outpath, sizeof(outpath), "%s/model.sig", pos[0]) :
		    snprintf(outpath, sizeof(outpath), "%s.sig", pos[0]);

		if (n < 0 || (size_t)n >= sizeof(outpath))
			rc = au_diag_set(diag, AU_EUSAGE, "output path too long");
	}
	if (rc == 0)
		rc = au_oms_statement_build(pos[0], &stmt, diag);
	if (rc == 0 && (ptext = json_dumps(stmt, JSON_COMPACT)) == NULL)
		rc = au_diag_set(diag, AU_ENOMEM, "out of memory");
	if (rc == 0)
		rc = au_oms_bundle_build((const uint8_t *)ptext, strlen(ptext), k,
		    &bundle, &blen, diag);
	if (rc == 0)
		rc = au_file_replace(outpath, bundle, blen, 0644, diag);
	if (rc == 0)
		printf("%s: OMS v1.0 bundle (key, P-256) over %zu file(s)\n",
		    outpath, json_array_size(json_object_get(json_object_get(stmt,
		    "predicate"), "resources")));
	json_decref(stmt);
	free(ptext);
	free(bundle);
	au_ecsign_free(k);
	return rc;
}
