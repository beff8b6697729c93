#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""tests/check/tmpdir.py - tests make their scratch under $TMPDIR (issue 11).

Every test, tool and bench script makes its scratch through the one helper
of its kind: harness_tmpdir() / harness_tmpbase() (tests/unit/harness.h) in
C, bed_init / ${TMPDIR:-/tmp} (tests/testbed/bed.sh) in shell.  A test that
writes to a hard-coded /tmp leaves files behind where the CI machine or a
developer did not ask for them, and collides when two suites run at once.
This check reads tests/ and bench/ (C, shell, Python, JavaScript) and fails
on a "/tmp" path that is not:

- harness.h (the C fallback), or a line that also names TMPDIR (the shell
  fallback ${TMPDIR:-/tmp});
- a path *inside* a scratch directory ("$W/tmp", "%s/tmp": a word or "}"
  or ")" or "%s" right before "/tmp");
- a line marked "tmp-ok", or right after one (a literal path the test needs as such, e.g. the
  absolute name an attack bundle points at, never written).

A self-test on planted lines shows what counts.

usage: tmpdir.py [--root DIR]     (default: the checkout holding this file)
"""
import os
import re
import sys
import tempfile

sys.dont_write_bytecode = True	# leave nothing behind in the checkout
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402  (tests/check/harness.py)

SCOPE = ['tests', 'bench']
EXTS = ('.c', '.h', '.sh', '.py', '.js', '.mjs')
SKIP_DIRS = {'node_modules', 'corpus', 'check'}
ALLOWED_FILES = {'tests/unit/harness.h'}
# "/tmp" as a path of its own: not after a word character, "}", ")", "%s"
# or another path part, and followed by "/", a quote, space or the end.
HARD = re.compile(r'(?<![\w}\)/.$%-])/tmp(?=[/"\'\s]|$)')


def sources(root):
    for d in SCOPE:
        for base, dirs, names in os.walk(os.path.join(root, d)):
            dirs[:] = sorted(x for x in dirs if x not in SKIP_DIRS)
            for name in sorted(names):
                if name.endswith(EXTS):
                    p = os.path.join(base, name)
                    yield os.path.relpath(p, root), open(
                        p, errors='replace').read()


def run_checks(root, report):
    found = 0
    for p, text in sources(root):
        if p in ALLOWED_FILES:
            continue
        prev = ''
        for n, line in enumerate(text.split('\n'), 1):
            marked = 'tmp-ok' in line or 'tmp-ok' in prev
            prev = line
            if 'TMPDIR' in line or marked:
                continue
            if line.lstrip().startswith(('#', '*', '/*', '//')):
                continue	# prose, not a path the test uses
            if HARD.search(line):
                report('FAIL %s:%d: a hard-coded /tmp: make the scratch '
                       'with harness_tmpdir() or bed_init ($TMPDIR)' % (p, n))
                found += 1
    return {'no hard-coded /tmp in tests/ and bench/': found}


PLANTED = {
    'tests/unit/test_x.c': 'snprintf(d, n, "/tmp/x.XXXXXX");\n'
                           'snprintf(p, n, "%s/tmp/leftover", root);\n'
                           'name = "/tmp/attack"; /* tmp-ok */\n',
    'tests/integration/x.sh': 'W=/tmp/aiu-x\nT=${TMPDIR:-/tmp}\n'
                              'ls "$W/tmp"\n# prose about /tmp\n',
}


def self_test(case):
    with tempfile.TemporaryDirectory(prefix='aiu-tmpdir.') as d:
        for p, text in PLANTED.items():
            os.makedirs(os.path.dirname(os.path.join(d, p)), exist_ok=True)
            with open(os.path.join(d, p), 'w') as f:
                f.write(text)
        lines = []
        got = run_checks(d, lines.append)
    case('self-test: the two planted hard-coded /tmp paths are found, the '
         'scratch-relative, TMPDIR, tmp-ok and prose lines are not',
         got['no hard-coded /tmp in tests/ and bench/'] == 2 and
         any('test_x.c:1:' in x for x in lines) and
         any('x.sh:1:' in x for x in lines))


if __name__ == '__main__':
    sys.exit(harness.main(__doc__, run_checks, self_test))
