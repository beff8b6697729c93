/* SPDX-License-Identifier: ISC */
/*
 * repo/main.c - aiupdate-repo, the publisher's tool: argument parsing and the
 * subcommand dispatch table.  Exit status: 0 success, 1 internal error,
 * 2 usage or configuration error (a missing private key included),
 * 12 the metadata it would publish does not verify with the client's own
 * code (nothing was written).
 *
 * The testing aids `publish --unsafe-allow-invalid` and `sign-raw` are in the
 * dispatch table but not in --help: they are documented, with a warning, in
 * aiupdate-repo(1) under TESTING AIDS; --unsafe-allow-invalid prints a
 * warning when used.
 */
#include "repo/oms_sign.h"
#include "repo/repo.h"

#include <stdio.h>
#include <string.h>

#include "port/port.h"

#include "port/ban.h"

#ifndef AU_REPO_VERSION
#define AU_REPO_VERSION "0.1.0"
#endif

#define EXIT_INTERNAL 1
#define EXIT_USAGE 2
#define EXIT_METADATA 12
#define EXIT_ARTIFACT 13	/* a bundle devices would refuse, an index not the file's (as aiupdate) */

static const char usage_text[] =
"usage: aiupdate-repo COMMAND ...\n"
"\n"
"  init DIR\n"
"      create DIR/keys/{root,targets,snapshot,timestamp}.key (0600) and .pub,\n"
"      DIR/repo.json and root version 1 (DIR/public/metadata/1.root.json and\n"
"      root.json; threshold 1, expires in 1 year).  Refuses an initialised DIR.\n"
"  add DIR FILE --name NAME [--custom JSON] [--device-class LIST]\n"
"              [--device-tags LIST] [--rollout PERCENT]\n"
"              [--oms-bundle FILE [--oms-publisher NAME]]\n"
"              [--chunked | --no-chunk] [--chunk-above SIZE] [--chunk-index FILE]\n"
"      stage FILE as target NAME; custom is a JSON object, its \"version\"\n"
"      defaults to the previous version of NAME + 1 and never goes back.\n"
"      --device-class, --device-tags: only devices of one of these classes,\n"
"      or carrying one of these tags, take it (names separated by commas);\n"
"      --rollout: only this percentage of devices (0..100) takes it.\n"
"      --oms-bundle: FILE (an OpenSSF Model Signing bundle, oms-sign) is\n"
"      published as target NAME.sig and named in custom.oms; devices check\n"
"      it before the switch ([provenance]); --oms-publisher pins the\n"
"      publisher name devices must have trusted for it.\n"
"      --chunked: also publish the file's chunk index as target NAME.cidx\n"
"      (docs/chunk-index.md), named in custom.chunk_index, so devices fetch\n"
"      only the chunks they lack; single files of >= --chunk-above SIZE\n"
"      (default 64M, or repo.json \"chunk_above\" in bytes; 0: never) are\n"
"      chunked unless --no-chunk.  --chunk-index FILE publishes FILE as the\n"
"      index, refused (exit 13) unless it is the file's index exactly.\n"
"      Prints name=, version=, length=, sha256=.\n"
"  publish DIR [--expires DURATION]\n"
"      sign targets, snapshot and timestamp with new versions, each with\n"
"      every private key of the role in DIR/keys (at least its threshold),\n"
"      verify them with the client's code, then write\n"
"      DIR/public/{metadata,targets}.\n"
"      DURATION: Ns, Nm, Nh or Nd; default 7d (timestamp), 30d (others).\n"
"  root DIR [--expires DURATION]\n"
"      renew the root: sign root version N+1 with the same keys (needs the\n"
"      root keys), write public/metadata/N+1.root.json and root.json.\n"
"      DURATION: default 365d.\n"
"  rotate DIR ROLE [--new-key] [--add-key FILE.pub] [--remove-key KEYID]\n"
"         [--threshold N] [--expires DURATION]\n"
"      change the keys or threshold of ROLE (root, targets, snapshot,\n"
"      timestamp) in root N+1, signed by a threshold of the old and of the\n"
"      new root keys; then re-sign targets, snapshot and timestamp.\n"
"      --new-key makes DIR/keys/ROLE-KEYID16.key (0600) and .pub;\n"
"      --remove-key takes a keyid or a unique prefix (8+ hex digits).\n"
"  keygen OUT\n"
"      a new key pair OUT.key (0600) and OUT.pub, e.g. on an offline\n"
"      machine, for rotate --add-key OUT.pub.\n"
"  dns-records DIR --domain D --host H --port P [--path /PREFIX]\n"
"              [--cert PEM] [--key PEM] [--ca PEM] [--ttl N]\n"
"      print the SRV, TXT and TLSA records for a DNSSEC-signed zone:\n"
"      3 1 1 (DANE-EE) for the server's --cert or --key, 2 0 1 (DANE-TA)\n"
"      for the issuing --ca certificate (sent by the server in its chain).\n"
"  status DIR\n"
"      every published role's version, expiry, threshold and key ids, and\n"
"      every target with its version, fleet restrictions and chunk index.\n"
"  export DIR OUT [--target NAME]\n"
"      copy the published repository (or only target NAME and the metadata)\n"
"      to OUT/metadata and OUT/targets, for `aiupdate --apply --from OUT`.\n"
"  oms-sign DIR-or-FILE --key KEY.pem [--out FILE]\n"
"      write an OpenSSF Model Signing v1.0 bundle (method key, ECDSA P-256)\n"
"      over the model: DIR/model.sig (every file but model.sig and .git*)\n"
"      or FILE.sig.  KEY.pem: an EC private key, mode 0600\n"
"      (openssl ecparam -name prime256v1 -genkey -noout -out KEY.pem).\n"
"  --help, --version\n"
"\n"
"exit status: 0 ok, 1 internal error, 2 usage or configuration error\n"
"(also: fewer private keys than a role's threshold), 12 the metadata\n"
"would not verify (nothing written), 13 add: a bundle devices would refuse\n"
"(links, devices, .., wrong compression, over its budget; nothing staged).\n";

struct command {
	const char *name;
	int (*run)(int argc, char **argv, struct au_diag *diag);
};

static const struct command commands[] = {
	{ "init", au_repo_cmd_init },
	{ "add", au_repo_cmd_add },
	{ "publish", au_repo_cmd_publish },
	{ "dns-records", au_repo_cmd_dns },
	{ "sign-raw", au_repo_cmd_sign_raw },
	{ "status", au_repo_cmd_status },
	{ "export", au_repo_cmd_export },
	{ "root", au_repo_cmd_root },
	{ "rotate", au_repo_cmd_rotate },
	{ "keygen", au_repo_cmd_keygen },
	{ "oms-sign", au_repo_cmd_oms_sign },
};

static int
exit_status(int err)
{
	switch (au_err_class(err)) {
	case AU_OK: return 0;
	case AU_EUSAGE: return EXIT_USAGE;
	case AU_EMETA_MALFORMED: return EXIT_METADATA;
	case AU_EART_LENGTH: return EXIT_ARTIFACT;
	default: return EXIT_INTERNAL;
	}
}

int
main(int argc, char **argv)
{
	struct au_diag diag = { "", 0 };
	size_t i;
	int rc;

	if (argc < 2) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("aiupdate-repo %s\n", AU_REPO_VERSION);
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		rc = commands[i].run(argc - 1, argv + 1, &diag);
		if (rc != 0)
			fprintf(stderr, "aiupdate-repo %s: %s: %s\n", argv[1],
			    au_strerror(rc), diag.msg);
		return exit_status(rc);
	}
	fprintf(stderr, "aiupdate-repo: unknown command \"%s\"; see --help\n", argv[1]);
	return EXIT_USAGE;
}
