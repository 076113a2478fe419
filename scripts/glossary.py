#!/usr/bin/env python3
# This file is part of the KZ Investment Platform.
"""Merge translations given as a Python dict {English: (Russian, Kazakh)}
into scripts/glossary.tsv (shared words) or, with --module, into
addons/<module>/locale/glossary.tsv; scripts/locale_update.py reads both.

    python scripts/glossary.py [--module kz_ncip] FILE.py  (FILE.py defines G)
"""
import csv
import os
import runpy
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
GLOSSARY = os.path.join(HERE, 'glossary.tsv')


def module_glossary(module):
    return os.path.join(
        os.path.dirname(HERE), 'addons', module, 'locale', 'glossary.tsv')


def escape(text):
    return text.replace('\\', '\\\\').replace('\n', '\\n').replace('\t', '\\t')


def unescape(text):
    return text.replace('\\n', '\n').replace('\\t', '\t').replace('\\\\', '\\')


def read(path=GLOSSARY):
    table = {}
    if os.path.exists(path):
        with open(path, encoding='utf-8', newline='') as fp:
            for row in csv.reader(fp, delimiter='\t', quoting=csv.QUOTE_NONE):
                if len(row) >= 3 and not row[0].startswith('#'):
                    table[unescape(row[0])] = (
                        unescape(row[1]), unescape(row[2]))
    return table


def write(table, path=GLOSSARY):
    with open(path, 'w', encoding='utf-8', newline='') as fp:
        fp.write('# English\tRussian\tKazakh\n')
        for key in sorted(table):
            fp.write('\t'.join(map(escape, (key, *table[key]))) + '\n')


if __name__ == '__main__':
    args = sys.argv[1:]
    target = GLOSSARY
    if args[:1] == ['--module']:
        target = module_glossary(args[1])
        args = args[2:]
    table = read(target)
    for path in args:
        table.update(runpy.run_path(path)['G'])
    write(table, target)
