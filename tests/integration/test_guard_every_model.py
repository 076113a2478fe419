# This file is part of the KZ Investment Platform.
"""The client guard walks every model of every addon on the demo database:

- for each field that is read-only (statically, by its states for that
  record, or the Workflow state), a client write by a user who may write
  the model, and a client create by a user who may create it, are refused;
- for each model with record rules, an export of a record outside a user's
  rules is refused or returns nothing, and so are the attachments, notes
  and log entries of that record.

Nothing here names a model or a field: a new one is covered as it comes."""
import contextlib
import datetime as dt
import os
import unittest
from decimal import Decimal

from tests import support
from tests.integration.test_security import (
    DATABASE, ROLES, platform_models, rolled_back, user_ids)


@contextlib.contextmanager
def client_of(user_id):
    "The user and the access checks of a JSON-RPC call"
    from trytond.transaction import Transaction
    with Transaction().set_user(user_id), \
            Transaction().set_context(_check_access=True):
        yield


def other_value(Model, name, record):
    """Return a value of the field different from the record's (None when
    no such value can be made)"""
    from trytond.transaction import without_check_access
    field = Model._fields[name]
    with without_check_access():
        current = getattr(record, name) if record else None
    type_ = field._type
    if type_ in {'char', 'text'}:
        return 'guard-' + str(current or '')[:10]
    if type_ == 'integer':
        return (current or 0) + 7
    if type_ == 'float':
        return (current or 0) + 7.5
    if type_ == 'numeric':
        return (current or Decimal(0)) + Decimal('7')
    if type_ == 'boolean':
        return not current
    if type_ == 'date':
        return dt.date(2001, 2, 3) if current != dt.date(2001, 2, 3) \
            else dt.date(2001, 2, 4)
    if type_ in {'datetime', 'timestamp'}:
        return dt.datetime(2001, 2, 3, 4, 5, 6)
    if type_ == 'selection':
        selection = field.selection
        if isinstance(selection, str):
            return None
        for value, _ in selection:
            if value and value != current:
                return value
        return None
    if type_ in {'many2one', 'one2one'}:
        Target = field.get_target()
        with without_check_access():
            others = Target.search(
                [('id', '!=', current.id if current else -1)], limit=1,
                order=[])
        return others[0].id if others else None
    if type_ == 'reference':
        if current:
            Target = current.__class__
            with without_check_access():
                others = Target.search(
                    [('id', '!=', current.id)], limit=1, order=[])
            if others:
                return str(others[0])
        return None
    if type_ in {'one2many', 'many2many'}:
        Target = field.get_target()
        with without_check_access():
            others = Target.search([], limit=1, order=[])
        if type_ == 'many2many' and others:
            return [('add', [others[0].id])]
        if current:
            return [('delete', [current[0].id])]
        return None
    if type_ == 'binary':
        return b'guard'
    return None


def protected_fields(Model, record):
    "Yield the names of the fields a client may not set on the record"
    for name in sorted(Model._fields):
        if Model.kz_protection(name, record):
            field = Model._fields[name]
            # Function fields without setter are never stored
            if getattr(field, 'getter', None) and not getattr(
                    field, 'setter', None):
                continue
            yield name


class GuardEveryModelTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        support.demo_database(DATABASE)

    def user_for(self, model, mode):
        "The first demo user (not the admin first) with the access"
        from trytond.pool import Pool
        ModelAccess = Pool().get('ir.model.access')
        ids = user_ids()
        for login in ROLES[1:] + ROLES[:1]:
            with client_of(ids[login]):
                if ModelAccess.check(model, mode, raise_exception=False):
                    return login, ids[login]
        return None, None

    def test_writes_of_protected_fields(self):
        "Every protected field of every model is refused to a client write"
        from trytond.modules.kz_base.exceptions import ClientWriteError
        from trytond.pool import Pool
        checked = 0
        with rolled_back():
            pool = Pool()
            for model in sorted(platform_models()):
                Model = pool.get(model)
                login, user_id = self.user_for(model, 'write')
                if not login:
                    continue
                with client_of(user_id):
                    records = Model.search([], limit=3, order=[])
                for record in records:
                    with client_of(user_id):
                        record = Model(record.id)
                        names = list(protected_fields(Model, record))
                    for name in names:
                        value = other_value(Model, name, record)
                        if value is None:
                            continue
                        with self.subTest(model=model, field=name,
                                login=login, id=record.id):
                            with client_of(user_id):
                                with self.assertRaises(ClientWriteError):
                                    Model.write([Model(record.id)],
                                        {name: value})
                            checked += 1
        # The walk reached the models: the demo data has records
        self.assertGreater(checked, 100)

    def test_creates_with_protected_fields(self):
        """Every statically read-only field and Workflow state of every
        model is refused to a client create"""
        from trytond.model import Workflow
        from trytond.modules.kz_base.exceptions import ClientWriteError
        from trytond.pool import Pool
        checked = 0
        with rolled_back():
            pool = Pool()
            for model in sorted(platform_models()):
                Model = pool.get(model)
                login, user_id = self.user_for(model, 'create')
                if not login:
                    continue
                # The defaults are the user's (create_uid is himself)
                with client_of(user_id):
                    defaults = Model.default_get(
                        list(Model._fields), with_rec_name=False)
                for name, field in sorted(Model._fields.items()):
                    is_state = (issubclass(Model, Workflow)
                        and name == Model._transition_state)
                    if not (field.readonly or is_state):
                        continue
                    if getattr(field, 'getter', None) and not getattr(
                            field, 'setter', None):
                        continue
                    value = other_value(Model, name, None)
                    if value is None or value == defaults.get(name):
                        continue
                    with self.subTest(model=model, field=name, login=login):
                        with client_of(user_id):
                            with self.assertRaises(ClientWriteError):
                                Model.create([{name: value}])
                        checked += 1
        self.assertGreater(checked, 30)

    def test_exports_outside_rules(self):
        """For every model with record rules, a user's export of a record
        outside them, and of its attachments, notes and logs, gives
        nothing"""
        from trytond.model.exceptions import AccessError
        from trytond.pool import Pool
        checked = 0
        with rolled_back():
            pool = Pool()
            RuleGroup = pool.get('ir.rule.group')
            ModelAccess = pool.get('ir.model.access')
            Attachment = pool.get('ir.attachment')
            Note = pool.get('ir.note')
            Log = pool.get('ir.model.log')
            ruled = {g.model for g in RuleGroup.search([])}
            ids = user_ids()
            for model in sorted(set(platform_models()) & ruled):
                Model = pool.get(model)
                every = Model.search([], order=[])
                if not every:
                    continue
                for login in ROLES[1:]:
                    with client_of(ids[login]):
                        if not ModelAccess.check(
                                model, 'read', raise_exception=False):
                            continue
                        readable = set(Model.search([], order=[]))
                    outside = [r for r in every if r not in readable][:2]
                    if not outside:
                        continue
                    resources = [str(r) for r in outside]
                    attachments = Attachment.create([{'name': 'guard.txt',
                                'resource': r, 'data': b'secret'}
                            for r in resources])
                    notes = Note.create([{'resource': r,
                                'message': 'secret'} for r in resources])
                    logs = Log.create([{'resource': r, 'event': 'write',
                                'user': ids['admin'],
                                'target': 'name'} for r in resources])
                    for Exported, records, names in [
                            (Model, outside, ['rec_name']),
                            (Attachment, attachments, ['name', 'data']),
                            (Note, notes, ['message']),
                            (Log, logs, ['target'])]:
                        with self.subTest(model=model, login=login,
                                exported=Exported.__name__):
                            with client_of(ids[login]):
                                try:
                                    rows = Exported.export_data(
                                        Exported.browse(
                                            [r.id for r in records]),
                                        names)
                                except AccessError:
                                    rows = []
                            self.assertEqual(rows, [])
                            checked += 1
        self.assertGreater(checked, 20)


if os.environ.get('KZ_SKIP_INTEGRATION'):
    del GuardEveryModelTestCase
