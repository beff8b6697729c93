# SPDX-License-Identifier: ISC
"""tests/check/harness.py - what the checks of tests/check/ share: the
command line (--root DIR), the "ok - ..." / "not ok - ..." lines and the
"N passed, N failed" line that tests/run.sh sums.  Not a check itself."""
import os
import sys


def main(doc, run_checks, self_test):
    """run_checks(root, report) -> {check name: faults}; self_test(case)
    calls case(name, ok).  Returns the exit status: 1 on a failure."""
    args = sys.argv[1:]
    root = os.path.normpath(os.path.join(os.path.dirname(
        os.path.abspath(__file__)), '..', '..'))
    if args[:1] == ['--root'] and len(args) == 2:
        root = args[1]
    elif args:
        sys.exit(doc)
    counts = [0, 0]

    def case(name, ok):
        counts[0 if ok else 1] += 1
        print('%s - %s' % ('ok' if ok else 'not ok', name))

    for name, faults in run_checks(root, print).items():
        case(name, faults == 0)
    self_test(case)
    print('%d passed, %d failed' % tuple(counts))
    return 1 if counts[1] else 0
