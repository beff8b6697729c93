/* SPDX-License-Identifier: ISC */
/*
 * tests/conformance/aiupdate-tuf.c - the command line of the public TUF
 * conformance suite (theupdateframework/tuf-conformance, CLIENT-CLI.md),
 * driving the same library as aiupdate (client/metadata/tufclient.h):
 *
 *   aiupdate-tuf --metadata-dir DIR init ROOT_FILE
 *   aiupdate-tuf --metadata-url URL --metadata-dir DIR refresh
 *   aiupdate-tuf --metadata-url URL --metadata-dir DIR --target-name NAME
 *       [--target-name NAME...] --target-base-url URL --target-dir DIR download
 *
 * Options in any order, "--opt VALUE" or "--opt=VALUE".  Exit 0 on success,
 * 1 on any failure (usage errors included).  DIR holds the trusted metadata
 * unversioned (root.json, timestamp.json, ...), byte for byte as served,
 * each file written as soon as it is verified (AU_TUF_PERSIST_EACH).
 * A target is stored in --target-dir under its percent-encoded name (as
 * python-tuf does: "a/b.txt" -> "a%2Fb.txt"), written to a hidden temporary
 * file and renamed into place only after its length and hashes matched; a
 * file already there with the signed length and hashes is not fetched again.
 * URLs are plain http:// to a loopback address (127.0.0.0/8, localhost,
 * [::1]); au_http_open refuses anything else.  The clock is read once
 * through libc (au_now), so faketime works.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/transport/http.h"
#include "client/metadata/tufclient.h"
#include "port/port.h"
#include "port/text.h"
#include "port/ban.h"

#define NAMES_MAX 64		/* --target-name options */
#define URL_MAX 2048		/* bytes of one --*-url option */
#define REQ_MAX AU_HTTP_PATH_MAX
#define FILE_NAME_MAX 255	/* one encoded file name in --target-dir */
#define PATH_MAX_ AU_TUF_PATH_MAX

struct url {
	char host[64];		/* as written, for Host: */
	struct au_addr addr;
	uint16_t port;
	char path[URL_MAX];	/* always ends with '/' */
};

struct conn {
	struct url u;
	struct au_http *http;	/* opened at the first request */
};

struct opts {
	const char *metadir, *metaurl, *tbase, *tdir, *cmd, *root;
	const char *names[NAMES_MAX];
	size_t nnames;
};

static void
usage(void)
{
	fprintf(stderr, "usage: aiupdate-tuf --metadata-dir DIR init ROOT_FILE\n"
	    "       aiupdate-tuf --metadata-url URL --metadata-dir DIR refresh\n"
	    "       aiupdate-tuf --metadata-url URL --metadata-dir DIR "
	    "--target-name NAME [--target-name NAME...]\n"
	    "           --target-base-url URL --target-dir DIR download\n");
}

static int
fail(const char *what, int rc, const struct au_diag *d)
{
	fprintf(stderr, "aiupdate-tuf: %s: %s%s%s\n", what, au_strerror(rc),
	    d != NULL && d->msg[0] != '\0' ? ": " : "",
	    d != NULL ? d->msg : "");
	return 1;
}

/* ---- command line ---- */

static int
set_opt(struct opts *o, const char *name, const char *val)
{
	if (strcmp(name, "--metadata-dir") == 0)
		o->metadir = val;
	else if (strcmp(name, "--metadata-url") == 0)
		o->metaurl = val;
	else if (strcmp(name, "--target-base-url") == 0)
		o->tbase = val;
	else if (strcmp(name, "--target-dir") == 0)
		o->tdir = val;
	else if (strcmp(name, "--target-name") == 0) {
		if (o->nnames == NAMES_MAX)
			return -1;
		o->names[o->nnames++] = val;
	} else
		return -1;
	return val[0] == '\0' ? -1 : 0;
}

static int
set_word(struct opts *o, const char *w)
{
	if (o->cmd == NULL)
		o->cmd = w;
	else if (strcmp(o->cmd, "init") == 0 && o->root == NULL)
		o->root = w;
	else
		return -1;
	return 0;
}

static int
parse_args(int argc, char **argv, struct opts *o)
{
	char name[32];
	int i;

	memset(o, 0, sizeof(*o));
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *eq = strchr(a, '=');

		if (strncmp(a, "--", 2) != 0) {
			if (set_word(o, a) != 0)
				return -1;
			continue;
		}
		if (eq != NULL) {
			if ((size_t)(eq - a) >= sizeof(name))
				return -1;
			memcpy(name, a, (size_t)(eq - a));
			name[eq - a] = '\0';
			if (set_opt(o, name, eq + 1) != 0)
				return -1;
		} else if (i + 1 >= argc || set_opt(o, a, argv[++i]) != 0)
			return -1;
	}
	return 0;
}

static int
check_args(const struct opts *o)
{
	if (o->cmd == NULL || o->metadir == NULL)
		return -1;
	if (strcmp(o->cmd, "init") == 0)
		return o->root == NULL ? -1 : 0;
	if (o->metaurl == NULL)
		return -1;
	if (strcmp(o->cmd, "refresh") == 0)
		return 0;
	if (strcmp(o->cmd, "download") == 0)
		return (o->nnames == 0 || o->tbase == NULL || o->tdir == NULL) ?
		    -1 : 0;
	return -1;
}

/* ---- URLs ---- */

/* "HOST[:PORT]" with HOST an IP literal, [IPv6] or localhost. */
static int
parse_authority(const char *s, size_t n, struct url *u)
{
	const char *colon = NULL, *h = s;
	size_t hl = n, i;
	unsigned long port = 80;
	char num[8];

	if (n > 0 && s[0] == '[') {
		const char *rb = memchr(s, ']', n);

		if (rb == NULL)
			return -1;
		h = s + 1;
		hl = (size_t)(rb - s) - 1;
		colon = (rb + 1 < s + n) ? rb + 1 : NULL;
		if (colon != NULL && *colon != ':')
			return -1;
	} else if ((colon = memchr(s, ':', n)) != NULL)
		hl = (size_t)(colon - s);
	if (colon != NULL) {
		size_t pl = (size_t)(s + n - colon - 1);

		if (pl == 0 || pl >= sizeof(num))
			return -1;
		for (i = 0, port = 0; i < pl; i++) {
			if (colon[1 + i] < '0' || colon[1 + i] > '9')
				return -1;
			port = port * 10 + (unsigned long)(colon[1 + i] - '0');
		}
	}
	if (hl == 0 || hl >= sizeof(u->host) || port == 0 || port > 65535)
		return -1;
	memcpy(u->host, h, hl);
	u->host[hl] = '\0';
	u->port = (uint16_t)port;
	if (strcmp(u->host, "localhost") == 0)
		return au_addr_parse("127.0.0.1", &u->addr) == 0 ? 0 : -1;
	return au_addr_parse(u->host, &u->addr) == 0 ? 0 : -1;
}

/* "http://AUTHORITY[/PATH]": the path kept as given (already URL-safe). */
static int
parse_url(const char *s, struct url *u)
{
	const char *auth, *slash;
	size_t n;

	memset(u, 0, sizeof(*u));
	if (strncmp(s, "http://", 7) != 0)
		return -1;
	auth = s + 7;
	slash = strchr(auth, '/');
	n = slash != NULL ? (size_t)(slash - auth) : strlen(auth);
	if (parse_authority(auth, n, u) != 0)
		return -1;
	if (snprintf(u->path, sizeof(u->path), "%s", slash ? slash : "/") >=
	    (int)sizeof(u->path) - 1)
		return -1;
	n = strlen(u->path);
	if (u->path[n - 1] != '/') {
		u->path[n] = '/';
		u->path[n + 1] = '\0';
	}
	for (n = 0; u->path[n] != '\0'; n++)
		if ((unsigned char)u->path[n] <= ' ' ||
		    (unsigned char)u->path[n] >= 0x7f ||
		    u->path[n] == '?' || u->path[n] == '#')
			return -1;
	return 0;
}

static int
conn_request(struct conn *c, const char *name, const char *safe, char *req,
    size_t size, struct au_diag *diag)
{
	struct au_endpoint ep;
	size_t n = strlen(c->u.path);

	if (n >= size)
		return au_diag_set(diag, AU_ETOOBIG, "URL for %s too long", name);
	memcpy(req, c->u.path, n + 1);
	if (au_pct_encode(req, size, n, name, safe) != 0)
		return au_diag_set(diag, AU_ETOOBIG, "URL for %s too long", name);
	if (c->http != NULL)
		return 0;
	memset(&ep, 0, sizeof(ep));
	ep.host = c->u.host;
	ep.addrs = &c->u.addr;
	ep.naddrs = 1;
	ep.port = c->u.port;
	ep.auth = AU_TLS_NONE_PLAIN_HTTP;
	return au_http_open(&ep, &c->http, diag);
}

/*
 * au_tuf_fetch_fn: GET METADATA_URL/FILE.  FILE comes percent-encoded from
 * client/tufclient (au_tuf_role_file: a delegated role "a/b" is
 * "1.a%2Fb.json", as the conformance suite expects), so '%' is passed
 * through and any other unsafe byte encoded.
 */
static int
fetch_meta(void *arg, const char *file, size_t cap, uint8_t **buf,
    size_t *len, struct au_diag *diag)
{
	struct conn *c = arg;
	char req[REQ_MAX + 1];
	int rc = conn_request(c, file, "%", req, sizeof(req), diag);

	if (rc != 0)
		return rc;
	return au_http_get_mem(c->http, req, cap, buf, len, diag);
}

/* ---- targets ---- */

struct sink {
	struct au_file *f;
	crypto_hash_sha256_state h256;
	crypto_hash_sha512_state h512;
	struct au_diag *diag;
};

static void
sink_init(struct sink *s, struct au_file *f, struct au_diag *diag)
{
	s->f = f;
	s->diag = diag;
	crypto_hash_sha256_init(&s->h256);
	crypto_hash_sha512_init(&s->h512);
}

static void
sink_feed(struct sink *s, const uint8_t *buf, size_t len)
{
	crypto_hash_sha256_update(&s->h256, buf, len);
	crypto_hash_sha512_update(&s->h512, buf, len);
}

static int
sink_write(void *arg, const uint8_t *buf, size_t len)
{
	struct sink *s = arg;

	sink_feed(s, buf, len);
	return au_file_write(s->f, buf, len, s->diag);
}

/* Every hash the target lists (sha256/sha512) matches: 0, else AU_EART_HASH. */
static int
sink_check(struct sink *s, const struct au_target *tg, uint64_t got,
    struct au_diag *diag)
{
	uint8_t h256[32], h512[64];

	crypto_hash_sha256_final(&s->h256, h256);
	crypto_hash_sha512_final(&s->h512, h512);
	if (got != tg->length)
		return au_diag_set(diag, AU_EART_LENGTH, "%llu bytes, signed "
		    "length %llu", (unsigned long long)got,
		    (unsigned long long)tg->length);
	if ((tg->has_sha256 && sodium_memcmp(h256, tg->sha256, 32) != 0) ||
	    (tg->has_sha512 && sodium_memcmp(h512, tg->sha512, 64) != 0))
		return au_diag_set(diag, AU_EART_HASH, "hash mismatch");
	return 0;
}

/* 1 if path holds exactly the signed target (length and hashes), else 0. */
static int
have_target(const char *path, const struct au_target *tg)
{
	struct au_stat st;
	struct au_file *f;
	struct sink s;
	uint8_t buf[65536];
	uint64_t total = 0;
	size_t got;
	int rc;

	if (au_stat(path, &st, NULL) != 0 || st.type != AU_FT_FILE ||
	    st.size != tg->length || au_file_open_read(path, &f, NULL) != 0)
		return 0;
	sink_init(&s, NULL, NULL);
	while ((rc = au_file_read(f, buf, sizeof(buf), &got, NULL)) == 0 &&
	    got > 0 && total <= tg->length) {
		sink_feed(&s, buf, got);
		total += got;
	}
	(void)au_file_close(f);
	return rc == 0 && sink_check(&s, tg, total, NULL) == 0;
}

/* GET the target into tmp, verify, fsync, rename to dst. */
static int
fetch_target(struct conn *c, const char *file, const struct au_target *tg,
    const char *tmp, const char *dst, struct au_diag *diag)
{
	char req[REQ_MAX + 1];
	struct au_file *f;
	struct sink s;
	uint64_t got = 0;
	int rc;

	rc = conn_request(c, file, "/", req, sizeof(req), diag);
	if (rc == 0 && (rc = au_unlink(tmp, diag)) == 0)
		rc = au_file_create(tmp, 0644, &f, diag);
	if (rc != 0)
		return rc;
	sink_init(&s, f, diag);
	rc = au_http_get(c->http, req, tg->length, sink_write, &s, &got, diag);
	if (rc == AU_ETOOBIG)
		rc = au_diag_set(diag, AU_EART_LENGTH, "more than the signed "
		    "%llu bytes", (unsigned long long)tg->length);
	if (rc == 0)
		rc = sink_check(&s, tg, got, diag);
	if (rc == 0)
		rc = au_file_sync(f, diag);
	if (au_file_close(f) != 0 && rc == 0)
		rc = au_diag_set(diag, AU_EIO, "close %s", tmp);
	if (rc == 0)
		rc = au_rename(tmp, dst, diag);
	if (rc != 0 && au_unlink(tmp, NULL) != 0)
		au_log(AU_LOG_WARN, "could not remove %s", tmp);
	return rc;
}

static int
download_one(struct au_tuf_client *tuf, struct conn *c, const char *tdir,
    const char *name, struct au_diag *diag)
{
	char enc[FILE_NAME_MAX + 1], dst[PATH_MAX_], tmp[PATH_MAX_];
	char file[AU_TUF_PATH_MAX];
	struct au_target tg;
	int rc, n;

	rc = au_tuf_find_target(tuf, name, &tg, diag);
	if (rc != 0)
		return rc;
	if (au_pct_encode(enc, sizeof(enc), 0, name, "") != 0)
		rc = au_diag_set(diag, AU_ETOOBIG, "target name too long");
	n = snprintf(dst, sizeof(dst), "%s/%s", tdir, enc);
	if (rc == 0 && (n < 0 || (size_t)n >= sizeof(dst) ||
	    snprintf(tmp, sizeof(tmp), "%s/.%s.part", tdir, enc) >=
	    (int)sizeof(tmp)))
		rc = au_diag_set(diag, AU_ETOOBIG, "target path too long");
	if (rc == 0)
		rc = au_mkdir_p(tdir, 0755, diag);
	if (rc == 0 && !have_target(dst, &tg)) {
		rc = au_tuf_target_file(tuf, name, &tg, file, sizeof(file));
		if (rc == 0)
			rc = fetch_target(c, file, &tg, tmp, dst, diag);
	}
	au_target_clear(&tg);
	return rc;
}

/* ---- commands ---- */

/* Check the root is self-signed (TUF 5.2), then store it as DIR/root.json. */
static int
cmd_init(const struct opts *o)
{
	struct au_diag d = { "", 0 };
	struct au_trusted *t = NULL;
	char path[PATH_MAX_];
	uint8_t *buf = NULL;
	size_t len;
	int rc;

	rc = au_file_read_all(o->root, AU_ROOT_MAX_BYTES, &buf, &len, &d);
	if (rc == 0)
		rc = au_trusted_new(buf, len, &t, &d);
	au_trusted_free(t);
	if (rc == 0)
		rc = au_mkdir_p(o->metadir, 0755, &d);
	if (rc == 0 && snprintf(path, sizeof(path), "%s/root.json",
	    o->metadir) >= (int)sizeof(path))
		rc = au_diag_set(&d, AU_ETOOBIG, "metadata dir path too long");
	if (rc == 0)
		rc = au_file_replace(path, buf, len, 0644, &d);
	free(buf);
	return rc == 0 ? 0 : fail("init", rc, &d);
}

static int
cmd_update(const struct opts *o)
{
	struct au_diag d = { "", 0 };
	struct conn meta, targets;
	struct au_tuf_client *tuf = NULL;
	size_t i;
	int rc, failed = 0;

	memset(&meta, 0, sizeof(meta));
	memset(&targets, 0, sizeof(targets));
	if (parse_url(o->metaurl, &meta.u) != 0 ||
	    (o->tbase != NULL && parse_url(o->tbase, &targets.u) != 0))
		return fail("URL", AU_EUSAGE, NULL);
	rc = au_tuf_open(o->metadir, NULL, au_now(), fetch_meta, &meta,
	    AU_TUF_PERSIST_EACH, &tuf, &d);
	if (rc == 0)
		rc = au_tuf_refresh(tuf, &d);
	if (rc != 0)
		failed = fail("refresh", rc, &d);
	for (i = 0; !failed && strcmp(o->cmd, "download") == 0 &&
	    i < o->nnames; i++) {
		d.msg[0] = '\0';
		rc = download_one(tuf, &targets, o->tdir, o->names[i], &d);
		if (rc != 0)
			failed = fail(o->names[i], rc, &d);
	}
	au_tuf_free(tuf);
	au_http_close(meta.http);
	au_http_close(targets.http);
	return failed;
}

int
main(int argc, char **argv)
{
	struct opts o;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		usage();
		return 0;
	}
	if (parse_args(argc, argv, &o) != 0 || check_args(&o) != 0) {
		usage();
		return 1;
	}
	if (sodium_init() < 0)
		return fail("libsodium", AU_EINTERNAL, NULL);
	if (strcmp(o.cmd, "init") == 0)
		return cmd_init(&o);
	return cmd_update(&o) ? 1 : 0;
}
