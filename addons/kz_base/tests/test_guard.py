# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"The client guard on a test model (tests/guard_models.py)"
import unittest

from trytond.model.exceptions import AccessError
from trytond.modules.kz_base.exceptions import ClientWriteError
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction


class GuardTestCase(unittest.TestCase):
    "The server refuses what a client could not do in the screens"

    @classmethod
    def setUpClass(cls):
        activate_module('kz_base')

    def _user(self):
        User = Pool().get('res.user')
        user, = User.create([{'name': "Clerk", 'login': 'clerk'}])
        return user

    @with_transaction()
    def test_readonly_fields_refused(self):
        "A client sets neither a read-only field nor the Workflow state"
        Guarded = Pool().get('kz.test.guarded')
        user = self._user()
        record, = Guarded.create([{'name': "A"}])
        with _Client(user):
            for values in [{'state': 'done'}, {'number': 'X'},
                    {'decided_by': user.id}]:
                with self.subTest(values=values):
                    with self.assertRaises(ClientWriteError):
                        Guarded.write([Guarded(record.id)], values)
            Guarded.write([Guarded(record.id)], {'name': "B"})
        record = Guarded(record.id)
        self.assertEqual(
            (record.state, record.number, record.decided_by, record.name),
            ('draft', None, None, "B"))

    @with_transaction()
    def test_same_value_allowed(self):
        "Writing the value a read-only field already has is harmless"
        Guarded = Pool().get('kz.test.guarded')
        user = self._user()
        record, = Guarded.create([{'name': "A"}])
        with _Client(user):
            Guarded.write([Guarded(record.id)], {
                    'state': 'draft', 'number': None, 'name': "C"})
        self.assertEqual(Guarded(record.id).name, "C")

    @with_transaction()
    def test_states_readonly(self):
        """A field read-only by its states is refused for that record only,
        as the form with the client's changes shows it"""
        Guarded = Pool().get('kz.test.guarded')
        user = self._user()
        draft, done = Guarded.create([{'name': "A"}, {'name': "B"}])
        Guarded.done([done])
        with _Client(user):
            Guarded.write([Guarded(draft.id)], {'amount': 5})
            with self.assertRaises(ClientWriteError):
                Guarded.write([Guarded(done.id)], {'amount': 5})
            # Unlocking and writing in one call is what the form allows
            Guarded.write([Guarded(draft.id)], {'locked': True})
            with self.assertRaises(ClientWriteError):
                Guarded.write([Guarded(draft.id)], {'locked_text': "x"})
            Guarded.write([Guarded(draft.id)], {
                    'locked': False, 'locked_text': "x"})
        self.assertEqual(Guarded(draft.id).amount, 5)
        self.assertEqual(Guarded(done.id).amount, None)

    @with_transaction()
    def test_create_checked(self):
        "A create may not set protected fields other than to their default"
        Guarded = Pool().get('kz.test.guarded')
        user = self._user()
        with _Client(user):
            for values in [{'state': 'done'}, {'number': 'N-9'}]:
                with self.subTest(values=values):
                    with self.assertRaises(ClientWriteError):
                        Guarded.create([{'name': "A", **values}])
            record, = Guarded.create([{'name': "A", 'state': 'draft',
                        'amount': 3}])
        self.assertEqual((record.state, record.amount), ('draft', 3))

    @with_transaction()
    def test_client_writable(self):
        "A field listed in _client_writable stays writable"
        Guarded = Pool().get('kz.test.guarded')
        user = self._user()
        record, = Guarded.create([{'name': "A"}])
        with _Client(user):
            Guarded.write([Guarded(record.id)], {'note': "ok"})
        self.assertEqual(Guarded(record.id).note, "ok")

    @with_transaction()
    def test_nested_values_checked(self):
        "One2Many create and write actions are checked on their model"
        pool = Pool()
        Guarded = pool.get('kz.test.guarded')
        Line = pool.get('kz.test.guarded.line')
        user = self._user()
        record, = Guarded.create([{'name': "A",
                    'lines': [('create', [{'name': "L"}])]}])
        line, = record.lines
        with _Client(user):
            with self.assertRaises(ClientWriteError):
                Guarded.write([Guarded(record.id)], {'lines': [
                            ('write', [line.id], {'validated': True})]})
            with self.assertRaises(ClientWriteError):
                Guarded.create([{'name': "B", 'lines': [
                                ('create', [{'validated': True}])]}])
            Guarded.write([Guarded(record.id)], {'lines': [
                        ('write', [line.id], {'name': "M"}),
                        ('create', [{'name': "N"}])]})
        self.assertEqual(sorted(l.name for l in Line.search([])), ["M", "N"])
        self.assertFalse(any(l.validated for l in Line.search([])))

    @with_transaction()
    def test_server_code_unaffected(self):
        "A button writes the protected fields: it is server code"
        Guarded = Pool().get('kz.test.guarded')
        user = self._user()
        record, = Guarded.create([{'name': "A"}])
        with _Client(user):
            Guarded.done([Guarded(record.id)])
        record = Guarded(record.id)
        self.assertEqual((record.state, record.number, record.note),
            ('done', 'N-1', 'by button'))

    @with_transaction()
    def test_copy_resets_protected(self):
        "A client's copy is a new record: state and number are not copied"
        Guarded = Pool().get('kz.test.guarded')
        user = self._user()
        record, = Guarded.create([{'name': "A"}])
        Guarded.done([record])
        with _Client(user):
            copy, = Guarded.copy([Guarded(record.id)],
                default={'state': 'done', 'number': 'X'})
        copy = Guarded(copy.id)
        self.assertEqual((copy.state, copy.number, copy.name),
            ('draft', None, "A"))

    @with_transaction()
    def test_secret_fields_not_searchable(self):
        "No client searches or sorts on a password hash"
        User = Pool().get('res.user')
        user = self._user()
        with _Client(user):
            for domain in [[('password_hash', 'like', '$%')],
                    [('password_reset', '!=', None)],
                    ['OR', ('name', '=', 'x'),
                        ('password_hash', 'like', 'a%')],
                    [('create_uid.password_hash', 'like', '$%')],
                    [('create_uid', 'where',
                            [('password_hash', 'like', '$%')])]]:
                with self.subTest(domain=domain):
                    with self.assertRaises(AccessError):
                        User.search(domain)
            with self.assertRaises(AccessError):
                User.search([], order=[('password_hash', 'ASC')])
            self.assertTrue(User.search([('login', '=', 'clerk')]))
        # Server code is not concerned
        self.assertTrue(User.search([('password_hash', '=', None)]))

    @with_transaction()
    def test_field_access_not_searchable(self):
        "A field closed by field access is not searchable by that user"
        pool = Pool()
        FieldAccess = pool.get('ir.model.field.access')
        Guarded = pool.get('kz.test.guarded')
        user = self._user()
        FieldAccess.create([{'model': 'kz.test.guarded', 'field': 'amount',
                    'perm_read': False}])
        with _Client(user):
            with self.assertRaises(AccessError):
                Guarded.search([('amount', '>', 1)])
            Guarded.search([('name', '=', 'x')])


class GuardLinkTestCase(unittest.TestCase):
    "A client links only records it may read"

    @classmethod
    def setUpClass(cls):
        activate_module('kz_base')

    @with_transaction()
    def test_unreadable_links_refused(self):
        "Many2One and One2Many 'add' to a record outside the rules fail"
        pool = Pool()
        User = pool.get('res.user')
        RuleGroup = pool.get('ir.rule.group')
        Guarded = pool.get('kz.test.guarded')
        Line = pool.get('kz.test.guarded.line')
        user, = User.create([{'name': "Clerk", 'login': 'clerk'}])
        RuleGroup.create([{'name': "Not hidden", 'model': 'kz.test.guarded',
                    'global_p': True, 'perm_read': True,
                    'rules': [('create', [{
                                    'domain': '[["name", "!=", "hidden"]]',
                                    }])]}])
        hidden, shown = Guarded.create([{'name': 'hidden'},
                {'name': 'shown'}])
        line, = Line.create([{'parent': shown.id, 'name': "L"}])
        with _Client(user):
            with self.assertRaises(AccessError):
                Line.create([{'parent': hidden.id, 'name': "M"}])
            with self.assertRaises(AccessError):
                Line.write([Line(line.id)], {'parent': hidden.id})
            # The value it has is not a new link
            Line.write([Line(line.id)], {'parent': shown.id, 'name': "N"})
            Line.create([{'parent': shown.id, 'name': "O"}])
        self.assertEqual(Line(line.id).parent, shown)


class _Client:
    "Act as the user, with the access checks of a client call"

    def __init__(self, user):
        self.user = user
        self._stack = []

    def __enter__(self):
        transaction = Transaction()
        for manager in [transaction.set_user(self.user.id),
                transaction.set_context(_check_access=True)]:
            manager.__enter__()
            self._stack.append(manager)
        return self

    def __exit__(self, *exc):
        while self._stack:
            self._stack.pop().__exit__(*exc)
