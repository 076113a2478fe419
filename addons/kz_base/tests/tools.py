# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Helpers of the tests of every addon: a user of a role and acting as
them, the queued tasks run, a fixed today, the text of a PDF (pdftotext) and the seed files the
forms are checked against."""
import importlib
import os
import subprocess
import tempfile
from contextlib import contextmanager
from unittest.mock import patch

from trytond import config

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
                os.path.abspath(__file__)))))


@contextmanager
def as_user(user):
    """Act as the user (a record or an id) in the block, with access rights,
    record rules and button access checked as in a client call"""
    from trytond.transaction import Transaction, check_access
    with Transaction().set_user(getattr(user, 'id', user)), check_access():
        yield


def run_queue():
    """Run the tasks the transaction queued, as trytond-worker would after
    the commit (the tests run without a worker and do not commit)"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Queue = Pool().get('ir.queue')
    tasks = Transaction().tasks
    while tasks:
        Queue(tasks.pop(0)).run()


def create_user(login, group, organization=None, name=None, **values):
    """Create a user of the organization in the group (an XML id of
    kz_base, or module.id), named after the login unless named, with the
    other values"""
    from trytond.pool import Pool
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    module, _, group = group.rpartition('.')
    user, = User.create([{
                'name': name or login, 'login': login,
                'kz_organization': organization.id if organization else None,
                'groups': [('add', [
                            ModelData.get_id(module or 'kz_base', group)])],
                **values,
                }])
    return user


def region(code):
    "Return the region (kz.region) of the code"
    from trytond.pool import Pool
    Region = Pool().get('kz.region')
    region, = Region.search([('code', '=', code)])
    return region


def today(date):
    "Make date the today of ir.date in the block"
    from trytond.pool import Pool
    return patch.object(Pool().get('ir.date'), 'today', return_value=date)


def seed_path(name):
    "Return the path of the seed file name (../shared/seeds by default)"
    directory = os.environ.get('KZ_SEEDS') or os.path.join(
        os.path.dirname(ROOT), 'shared', 'seeds')
    return os.path.join(directory, name)


def normalize(text):
    "Return text with every run of white space as one space"
    return ' '.join(text.split())


def pdftotext(content, *options):
    """Return the text pdftotext extracts from the PDF content with the
    options, as it is (callers normalize it their way)"""
    assert content.startswith(b'%PDF-'), content[:20]
    # KZ_DOCUMENTS_DIR keeps a copy of every document read, to look at
    if keep := os.environ.get('KZ_DOCUMENTS_DIR'):
        with tempfile.NamedTemporaryFile(
                dir=keep, suffix='.pdf', delete=False) as copy:
            copy.write(content)
    with tempfile.NamedTemporaryFile(suffix='.pdf') as pdf:
        pdf.write(content)
        pdf.flush()
        result = subprocess.run(['pdftotext', *options, '-enc', 'UTF-8',
                pdf.name, '-'], capture_output=True, check=True)
    return result.stdout.decode('utf-8')


def pdf_text(content):
    """Return the text of the PDF content, in the order it is drawn (each
    table cell whole), with white space normalized"""
    return normalize(pdftotext(content, '-raw'))


@contextmanager
def config_option(section, option, value):
    "Set a configuration option for the duration of the block"
    if not config.has_section(section):
        config.add_section(section)
    old = config.get(section, option)
    config.set(section, option, value)
    try:
        yield
    finally:
        if old is None:
            # trytond.config has no remove_option; set clears its cache
            config._config.remove_option(section, option)
            config._cache_clear()
        else:
            config.set(section, option, old)


@contextmanager
def language(code, *modules):
    """Make the language code translatable with the translations of the
    modules loaded from their locale/<code>.po, and use it in the block"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Lang = pool.get('ir.lang')
    Translation = pool.get('ir.translation')
    lang, = Lang.search([('code', '=', code)])
    if not lang.translatable:
        Lang.write([lang], {'translatable': True})
    for module in modules:
        directory = os.path.dirname(
            importlib.import_module(f'trytond.modules.{module}').__file__)
        Translation.translation_import(code, module,
            os.path.join(directory, 'locale', code + '.po'))
    with Transaction().set_context(language=code):
        yield


# A link: sao opens the other record when the cell is clicked
LINK_TYPES = {'many2one', 'one2one', 'reference', 'one2many', 'many2many'}


def first_column_links(module):
    """Return the list views of the module (with the columns every
    activated module adds) whose first column is a link to another record
    instead of the record itself: (view, model, field) per view; editable
    lists open no record and are left out"""
    from lxml import etree

    from trytond.pool import Pool
    pool = Pool()
    View = pool.get('ir.ui.view')
    result = []
    for view in View.search([
                ('module', '=', module),
                ('type', '=', 'tree'),
                ('inherit', '=', None),
                ]):
        Model = pool.get(view.model)
        arch = Model.fields_view_get(view_id=view.id, view_type='tree')[
            'arch']
        tree = etree.fromstring(arch)
        if tree.get('editable'):
            # A row of an editable list is edited where it is clicked: it
            # opens no record (the roadmap planned in one list)
            continue
        field = next(tree.iter('field'), None)
        if field is None:
            continue
        name = field.get('name')
        definition = Model._fields[name]
        definition = getattr(definition, '_field', definition)
        if definition._type in LINK_TYPES:
            result.append((view.name or view.id, view.model, name))
    return result
