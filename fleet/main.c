/* SPDX-License-Identifier: ISC */
/*
 * fleet/main.c - aiupdate-fleet, the publisher's report collector and
 * fleet view: argument parsing and the subcommand dispatch table
 * (aiupdate-fleet(1)).  Exit status: 0 success, 1 internal error (the
 * database, memory, the listening socket), 2 usage error or a bad key or
 * secret, 3 `remove` of a device that is not enrolled.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "fleet/db.h"
#include "fleet/html.h"
#include "fleet/ingest.h"
#include "fleet/serve.h"
#include "fleet/status.h"
#include "keys/webhook.h"
#include "port/port.h"

#include "port/ban.h"

#define EXIT_INTERNAL 1
#define EXIT_USAGE 2
#define EXIT_NOTFOUND 3

static const char usage_text[] =
"usage: aiupdate-fleet COMMAND --db FILE.sqlite ...\n"
"\n"
"  serve --db F --listen ADDR:PORT [--hmac-secret-file FILE] [--path PATH]\n"
"        [--idle SECONDS] [--deadline SECONDS]\n"
"      receive signed reports (POST PATH, default " FLEET_DEFAULT_PATH ") on\n"
"      ADDR:PORT (a loopback address; TLS is nginx in front), verify and\n"
"      store them; runs until stopped.  IPv6: [::1]:PORT.  A connection\n"
"      idle --idle seconds (default 10) or open --deadline seconds (30) is\n"
"      closed.\n"
"  enroll --db F DEVICE_ID [whpk_KEY]\n"
"      enrol a device with its public key (aiupdate --device-key), or\n"
"      without one: it then signs with the fleet's HMAC secret (v1).\n"
"  remove --db F DEVICE_ID     end an enrolment (its reports stay)\n"
"  list --db F                 the enrolled devices\n"
"  status --db F [--json]      devices, versions, failures, DNSSEC, expiry\n"
"  html --db F OUT.html        the fleet view: one static page\n";

struct args {
	const char *db, *listen, *secret_file, *path, *idle, *deadline, *pos[2];
	int json, npos;
};

static int
usage(const char *msg)
{
	if (msg != NULL)
		fprintf(stderr, "aiupdate-fleet: %s\n", msg);
	fputs(usage_text, stderr);
	return EXIT_USAGE;
}

static int
fail(int status, const struct au_diag *d)
{
	fprintf(stderr, "aiupdate-fleet: %s\n", d->msg[0] ? d->msg : "failed");
	return status;
}

static int
parse(int argc, char **argv, struct args *a)
{
	int i;

	for (i = 2; i < argc; i++) {
		const char *o = argv[i];
		const char **slot = strcmp(o, "--db") == 0 ? &a->db :
		    strcmp(o, "--listen") == 0 ? &a->listen :
		    strcmp(o, "--hmac-secret-file") == 0 ? &a->secret_file :
		    strcmp(o, "--path") == 0 ? &a->path :
		    strcmp(o, "--idle") == 0 ? &a->idle :
		    strcmp(o, "--deadline") == 0 ? &a->deadline : NULL;

		if (slot != NULL) {
			if (i + 1 >= argc)
				return usage("an option is missing its value");
			*slot = argv[++i];
		} else if (strcmp(o, "--json") == 0) {
			a->json = 1;
		} else if (o[0] == '-' && o[1] != '\0') {
			return usage("unknown option");
		} else if (a->npos < 2) {
			a->pos[a->npos++] = o;
		} else {
			return usage("too many arguments");
		}
	}
	if (a->db == NULL)
		return usage("--db FILE is required");
	return 0;
}

static int
open_db(const struct args *a, struct fleet_db **db)
{
	struct au_diag d = {0};

	if (fleet_db_open(a->db, db, &d) != AU_OK)
		return fail(EXIT_INTERNAL, &d);
	return 0;
}

/* "127.0.0.1:8080" or "[::1]:8080" */
static int
parse_listen(const char *s, struct au_addr *addr, uint16_t *port)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	size_t n;
	unsigned long p;
	char *end;

	if (colon == NULL)
		return -1;
	n = (size_t)(colon - s);
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		s++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof(host))
		return -1;
	memcpy(host, s, n);
	host[n] = '\0';
	p = strtoul(colon + 1, &end, 10);
	if (*end != '\0' || colon[1] == '\0' || p == 0 || p > 65535 ||
	    au_addr_parse(host, addr) != AU_OK)
		return -1;
	*port = (uint16_t)p;
	return 0;
}

static int
load_secret(const char *path, struct fleet_keys *k)
{
	struct au_diag d = {0};
	uint8_t *text = NULL;
	size_t len = 0;
	int rc;

	rc = au_file_read_all(path, AU_WEBHOOK_SECRET_TEXT_MAX + 2, &text, &len, &d);
	if (rc != AU_OK)
		return fail(EXIT_USAGE, &d);
	rc = au_webhook_secret_parse((const char *)text, k->secret, sizeof(k->secret),
	    &k->secret_len, &d);
	sodium_memzero(text, len);
	free(text);
	if (rc != AU_OK) {
		au_diag_wrap(&d, rc, "%s", path);
		return fail(EXIT_USAGE, &d);
	}
	return 0;
}

/* 1..3600 seconds, or dflt when s is NULL; 0 when not a number of seconds */
static unsigned
seconds(const char *s, unsigned dflt)
{
	unsigned long n;
	char *end;

	if (s == NULL)
		return dflt;
	n = strtoul(s, &end, 10);
	return *s >= '0' && *s <= '9' && *end == '\0' && n >= 1 && n <= 3600 ?
	    (unsigned)n : 0;
}

static int
cmd_serve(const struct args *a)
{
	static struct fleet_serve_opts o;	/* the secret: wiped at exit */
	struct fleet_db *db = NULL;
	struct au_diag d = {0};
	int rc;

	if (a->listen == NULL || parse_listen(a->listen, &o.addr, &o.port) != 0)
		return usage("--listen ADDR:PORT is required (a literal address)");
	o.path = a->path != NULL ? a->path : FLEET_DEFAULT_PATH;
	if (o.path[0] != '/' || strlen(o.path) > FLEET_PATH_MAX)
		return usage("--path must start with / (at most 256 bytes)");
	if (a->npos != 0)
		return usage("serve takes no argument");
	o.idle_s = seconds(a->idle, FLEET_IDLE_S);
	o.deadline_s = seconds(a->deadline, FLEET_DEADLINE_S);
	if (o.idle_s == 0 || o.deadline_s == 0)
		return usage("--idle and --deadline take 1..3600 seconds");
	if (a->secret_file != NULL && (rc = load_secret(a->secret_file, &o.keys)) != 0)
		return rc;
	if ((rc = open_db(a, &db)) != 0)
		return rc;
	au_log_set_level(AU_LOG_INFO);
	rc = fleet_serve(db, &o, &d);
	sodium_memzero(&o.keys, sizeof(o.keys));
	fleet_db_close(db);
	return rc == AU_OK ? 0 : fail(EXIT_INTERNAL, &d);
}

static int
cmd_enroll(const struct args *a)
{
	struct fleet_db *db = NULL;
	struct au_diag d = {0};
	uint8_t pk[AU_WEBHOOK_PK_BYTES];
	int rc;

	if (a->npos < 1)
		return usage("enroll DEVICE_ID [whpk_KEY]");
	if (a->npos == 2 && au_webhook_pk_parse(a->pos[1], pk, &d) != AU_OK)
		return fail(EXIT_USAGE, &d);
	if ((rc = open_db(a, &db)) != 0)
		return rc;
	rc = fleet_db_enroll(db, a->pos[0], a->npos == 2 ? pk : NULL, au_now(), &d);
	fleet_db_close(db);
	if (rc != AU_OK)
		return fail(rc == AU_EUSAGE ? EXIT_USAGE : EXIT_INTERNAL, &d);
	printf("enrolled %s (%s)\n", a->pos[0], a->npos == 2 ? "v1a, its key" :
	    "v1, the fleet secret");
	return 0;
}

static int
cmd_remove(const struct args *a)
{
	struct fleet_db *db = NULL;
	struct au_diag d = {0};
	int rc, found = 0;

	if (a->npos != 1)
		return usage("remove DEVICE_ID");
	if ((rc = open_db(a, &db)) != 0)
		return rc;
	rc = fleet_db_remove(db, a->pos[0], &found, &d);
	fleet_db_close(db);
	if (rc != AU_OK)
		return fail(EXIT_INTERNAL, &d);
	if (!found) {
		fprintf(stderr, "aiupdate-fleet: %s is not enrolled\n", a->pos[0]);
		return EXIT_NOTFOUND;
	}
	printf("removed %s\n", a->pos[0]);
	return 0;
}

static int
cmd_list(const struct args *a)
{
	struct fleet_db *db = NULL;
	struct au_diag d = {0};
	int rc;

	if ((rc = open_db(a, &db)) != 0)
		return rc;
	rc = fleet_db_list(db, &d);
	fleet_db_close(db);
	return rc == AU_OK ? 0 : fail(EXIT_INTERNAL, &d);
}

static int
cmd_status(const struct args *a)
{
	struct fleet_db *db = NULL;
	struct au_diag d = {0};
	json_t *st = NULL;
	int rc;

	if ((rc = open_db(a, &db)) != 0)
		return rc;
	rc = fleet_status(db, au_now(), &st, &d);
	fleet_db_close(db);
	if (rc != AU_OK)
		return fail(EXIT_INTERNAL, &d);
	if (a->json) {
		json_dumpf(st, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
	} else {
		fleet_status_print(st);
	}
	json_decref(st);
	return 0;
}

static int
cmd_html(const struct args *a)
{
	struct fleet_db *db = NULL;
	struct au_diag d = {0};
	int rc;

	if (a->npos != 1)
		return usage("html --db F OUT.html");
	if ((rc = open_db(a, &db)) != 0)
		return rc;
	rc = fleet_html(db, au_now(), a->pos[0], &d);
	fleet_db_close(db);
	return rc == AU_OK ? 0 : fail(EXIT_INTERNAL, &d);
}

static const struct {
	const char *name;
	int (*fn)(const struct args *);
} commands[] = {
	{ "serve", cmd_serve }, { "enroll", cmd_enroll }, { "remove", cmd_remove },
	{ "list", cmd_list }, { "status", cmd_status }, { "html", cmd_html },
};

int
main(int argc, char **argv)
{
	struct args a = {0};
	size_t i;
	int rc;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return argc < 2 ? usage(NULL) : (fputs(usage_text, stdout), 0);
	if (sodium_init() < 0) {
		fputs("aiupdate-fleet: libsodium could not initialise\n", stderr);
		return EXIT_INTERNAL;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		rc = parse(argc, argv, &a);
		return rc != 0 ? rc : commands[i].fn(&a);
	}
	return usage("unknown command");
}
