#!/usr/bin/env python3
# This file is part of the KZ Investment Platform.
"""Write config/forbidden-passwords.txt, the [password] forbidden file: one
password a line, which kz_base refuses whole and case-insensitively.

It holds the platform's own guesses (country, cities and institutions with
years) and the 30,000 most common passwords of the frequency list that the
zxcvbn package embeds (zxcvbn-python, MIT licence, Copyright (c) 2016
Daniel Wolf; the list comes from Dropbox's zxcvbn, MIT licence).  The file
is shipped: run this again only to change it.

    .venv/bin/python scripts/forbidden_passwords.py [OUTPUT]
"""
import os
import sys

from zxcvbn.frequency_lists import FREQUENCY_LISTS

HERE = os.path.dirname(os.path.abspath(__file__))
OUTPUT = os.path.join(
    os.path.dirname(HERE), 'config', 'forbidden-passwords.txt')

# The entries the file had before the generated list
OWN = [
    'password', 'password123', '123456789012', 'qwertyuiopas',
    'administrator', 'admin1234567',
    ]
WORDS = [
    'kazakhstan', 'qazaqstan', 'astana', 'almaty', 'nursultan', 'shymkent',
    'karaganda', 'kazinvest', 'kazakhinvest', 'administrator',
    ]
YEARS = range(1990, 2036)
SUFFIXES = ['', '!', '@', '#', '.', '*']


def passwords():
    yield from OWN
    for word in WORDS:
        for year in YEARS:
            for suffix in SUFFIXES:
                yield f'{word}{year}{suffix}'
                yield f'{word}@{year}{suffix}'
    yield from FREQUENCY_LISTS['passwords']


def main(output=OUTPUT):
    seen = set()
    with open(output, 'w', encoding='utf-8') as fp:
        for password in passwords():
            password = password.strip().casefold()
            if password and password not in seen:
                seen.add(password)
                fp.write(password + '\n')
    print(f"{len(seen)} passwords written to {output}", file=sys.stderr)


if __name__ == '__main__':
    main(*sys.argv[1:])
