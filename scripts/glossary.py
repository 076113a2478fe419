#!/usr/bin/env python3
# This file is part of the KZ Investment Platform.
"""Merge translations given as a Python dict {English: (Russian, Kazakh)}
into scripts/glossary.tsv, which scripts/locale_update.py reads.

    python scripts/glossary.py FILE.py    (FILE.py defines G)
"""
import csv
import os
import runpy
import sys

GLOSSARY = os.path.join(os.path.dirname(os.path.abspath(__file__)),
    'glossary.tsv')


def escape(text):
    return text.replace('\\', '\\\\').replace('\n', '\\n').replace('\t', '\\t')


def unescape(text):
    return text.replace('\\n', '\n').replace('\\t', '\t').replace('\\\\', '\\')


def read():
    table = {}
    if os.path.exists(GLOSSARY):
        with open(GLOSSARY, encoding='utf-8', newline='') as fp:
            for row in csv.reader(fp, delimiter='\t', quoting=csv.QUOTE_NONE):
                if len(row) >= 3 and not row[0].startswith('#'):
                    table[unescape(row[0])] = (
                        unescape(row[1]), unescape(row[2]))
    return table


def write(table):
    with open(GLOSSARY, 'w', encoding='utf-8', newline='') as fp:
        fp.write('# English\tRussian\tKazakh\n')
        for key in sorted(table):
            fp.write('\t'.join(map(escape, (key, *table[key]))) + '\n')


if __name__ == '__main__':
    table = read()
    for path in sys.argv[1:]:
        table.update(runpy.run_path(path)['G'])
    write(table)
