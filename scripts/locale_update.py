#!/usr/bin/env python3
# This file is part of the KZ Investment Platform.
"""Regenerate addons/<module>/locale/{ru,kk}.po from the module's strings.

Every translatable string of the module (fields, selections, views, menus,
messages, XML data) is exported; a msgstr is kept from the existing .po
file, else taken from scripts/glossary.tsv (English, Russian, Kazakh per
line, tab-separated).  Strings still untranslated are listed and make the
script exit 1.

    .venv/bin/python scripts/locale_update.py kz_base [kz_ncip ...]
"""
import os
import subprocess
import sys
import tempfile

import polib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LANGS = ('ru', 'kk')


def glossary(module_name):
    "Return the shared glossary updated with the module's own"
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import glossary as module
    table = module.read()
    table.update(module.read(module.module_glossary(module_name)))
    return {k: {'ru': ru, 'kk': kk} for k, (ru, kk) in table.items()}


def export_templates(modules):
    "Return {module: [(msgctxt, msgid)]} from a scratch SQLite database"
    with tempfile.TemporaryDirectory() as path:
        env = dict(os.environ, TRYTOND_DATABASE__URI='sqlite://',
            TRYTOND_DATABASE__PATH=path)
        open(os.path.join(path, 'locale.sqlite'), 'w').close()
        passfile = os.path.join(path, 'password')
        with open(passfile, 'w') as fp:
            fp.write('locale-export-only\n')
        subprocess.run([os.path.join(os.path.dirname(sys.executable),
                    'trytond-admin'), '-d', 'locale', '--all', '-u',
                *modules, '--activate-dependencies', '--email', 'admin@locale.invalid'],
            env=dict(env, TRYTONPASSFILE=passfile), check=True, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        os.environ.update(env)
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        Pool.start()
        pool = Pool('locale')
        pool.init()
        result = {}
        with Transaction().start('locale', 0) as transaction:
            TranslationSet = pool.get('ir.translation.set', type='wizard')
            Translation = pool.get('ir.translation')
            session_id, _, _ = TranslationSet.create()
            TranslationSet(session_id).transition_set_()
            transaction.commit()
            for module in modules:
                content = Translation.translation_export('en', module)
                po = polib.pofile(content.decode('utf-8'))
                result[module] = [(e.msgctxt, e.msgid) for e in po]
        return result


def main(modules):
    missing = 0
    for module, entries in export_templates(modules).items():
        table = glossary(module)
        for lang in LANGS:
            path = os.path.join(ROOT, 'addons', module, 'locale', f'{lang}.po')
            old = {}
            if os.path.exists(path):
                old = {(e.msgctxt, e.msgid): e.msgstr
                    for e in polib.pofile(path) if e.msgstr}
            po = polib.POFile(wrapwidth=78)
            po.metadata = {'Content-Type': 'text/plain; charset=utf-8'}
            for msgctxt, msgid in sorted(set(entries)):
                msgstr = old.get((msgctxt, msgid)) or table.get(
                    msgid, {}).get(lang, '')
                if not msgstr:
                    missing += 1
                    print(f"{module} {lang}: {msgid!r} ({msgctxt})")
                po.append(polib.POEntry(
                        msgctxt=msgctxt, msgid=msgid, msgstr=msgstr))
            os.makedirs(os.path.dirname(path), exist_ok=True)
            po.save(path)
    print(f"{missing} untranslated", file=sys.stderr)
    return 1 if missing else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
