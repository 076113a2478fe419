# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The Russian original of the Damu monitoring rules, cut into the labels
of its forms, and the text of a rendered PDF to compare them with."""
import os
import re
import unittest

from trytond.modules.kz_base.tests import tools

SEED_NAME = 'damu_monitoring_rules_2019.ru-en.txt'
# The English translation follows the Russian original in the file
ENGLISH_START = 'On approval of the Rules for monitoring projects'
BLANK = re.compile(r'_+(?:\s*\._*)*')
# A hint in parentheses, one level of nesting, or an unclosed one
HINT = re.compile(r'\((?:[^()]|\([^()]*\))*\)?')


def seed_path():
    "Return the path of the Damu seed, or skip the test without it"
    path = tools.seed_path(SEED_NAME)
    if not os.path.exists(path):
        raise unittest.SkipTest(f"{SEED_NAME} not found (set KZ_SEEDS)")
    return path


def russian():
    with open(seed_path(), encoding='utf-8') as fp:
        text = fp.read()
    return text[:text.index(ENGLISH_START)]


def section(start, end, after=None):
    """Return the lines of the Russian text from the line starting with
    start (after the line starting with after) to the one with end"""
    lines = [l.strip() for l in russian().splitlines()]
    index = 0
    if after:
        index = next(i for i, l in enumerate(lines) if l.startswith(after))
    begin = next(i for i, l in enumerate(lines)
        if i >= index and l.startswith(start))
    stop = next((i for i, l in enumerate(lines)
            if i > begin and end and l.startswith(end)), len(lines))
    return [l for l in lines[begin:stop]
        if l and not l.startswith('Сноска.')]


def normalize(text):
    text = text.replace('\u00ad', '').replace('\u00a0', ' ')
    text = re.sub(r'[«»“”„]', '"', text)
    return re.sub(r'\s+', ' ', text).strip()


def squash(text):
    """Return text without spaces and hyphens: pdftotext breaks lines and
    drops the hyphen of a word broken at the end of a line"""
    return re.sub(r'[\s\-\u2010\u2011]', '', text)


def fragments(lines):
    """Return the labels of form lines: the text between the blanks to
    fill, with each hint in parentheses as a label of its own"""
    result = []
    for line in lines:
        line = normalize(line)
        for hint in HINT.findall(line):
            result.append(hint)
        for part in BLANK.split(HINT.sub('\n', line)):
            for piece in part.split('\n'):
                piece = piece.strip(' ,.;"')
                if re.search(r'[^\W\d_]', piece):
                    result.append(piece)
    return [normalize(f) for f in result]


def pdf_text(content):
    "Return the normalized text of the PDF content (pdftotext)"
    return normalize(tools.pdftotext(content))
