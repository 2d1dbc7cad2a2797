#!/usr/bin/env python3
"""Replaces the block between <!-- NAME:start --> and <!-- NAME:end --> in BENCHMARKS.md with
a dated table. Usage: update-benchmarks.py NAME TABLE_FILE [BENCHMARKS.md]; NAME is also the
script (scripts/NAME.sh) whose --update produced the table."""
import datetime
import re
import sys

name, table_file = sys.argv[1], sys.argv[2]
path = sys.argv[3] if len(sys.argv) > 3 else "BENCHMARKS.md"
table = open(table_file).read().strip()
text = open(path).read()
stamp = datetime.datetime.now().strftime("%Y-%m-%d, %H:%M")
block = "<!-- %s:start -->\nRun of %s (`scripts/%s.sh --update`):\n\n%s\n<!-- %s:end -->" % (name, stamp, name, table, name)
updated, count = re.subn(r"<!-- %s:start -->.*?<!-- %s:end -->" % (re.escape(name), re.escape(name)), lambda m: block, text,
                         flags=re.S)
if count != 1:
    sys.exit("%s has no %s markers" % (path, name))
open(path, "w").write(updated)
print("updated %s" % path)
