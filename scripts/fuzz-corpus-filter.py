#!/usr/bin/env python3
"""Drops the fuzzing inputs that carry third-party text, before a corpus is committed.

    scripts/fuzz-corpus-filter.py THIRD_PARTY_DIR OWN_DIR CANDIDATE_DIR

Deletes from CANDIDATE_DIR every file that shares a run of 96 bytes or more with a file of
THIRD_PARTY_DIR (the seeds derived from ../shared/corpus: the campaign mutates them, and the
repository must not hold copies of the corpus), unless the project's own files of OWN_DIR (the
fixture and generated seeds) hold that run too (format boilerplate such as a CSV header or a
logging banner). Windows of 64 bytes taken every 32 bytes of the third-party files are compared
with every 64-byte window of each candidate. Prints what it kept and dropped; touches nothing
else.
"""

import os
import sys

K, STEP = 64, 32


def main():
    third, own, candidates = sys.argv[1], sys.argv[2], sys.argv[3]
    windows = set()
    for root, _, files in os.walk(third):
        for f in files:
            data = open(os.path.join(root, f), "rb").read()
            for at in range(0, len(data) - K + 1, STEP):
                windows.add(hash(data[at : at + K]))
    for root, _, files in os.walk(own):
        for f in files:
            data = open(os.path.join(root, f), "rb").read()
            for at in range(0, len(data) - K + 1):
                windows.discard(hash(data[at : at + K]))
    kept = dropped = 0
    for f in sorted(os.listdir(candidates)):
        p = os.path.join(candidates, f)
        data = open(p, "rb").read()
        if any(hash(data[at : at + K]) in windows for at in range(0, len(data) - K + 1)):
            os.remove(p)
            dropped += 1
        else:
            kept += 1
    print(f"fuzz-corpus-filter.py: {kept} kept, {dropped} dropped (third-party text)")


if __name__ == "__main__":
    main()
