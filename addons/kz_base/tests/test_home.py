# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The home page (issue 19): counters that count what their list shows to
the user, only the counters of the user's roles, opened at login."""
import datetime as dt
import unittest
from unittest.mock import patch

from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction


class HomeTestCase(unittest.TestCase):
    "Test the home page of kz_base"

    @classmethod
    def setUpClass(cls):
        activate_module('kz_base')

    def _setup(self):
        pool = Pool()
        Organization = pool.get('kz.organization')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        TestApproval = pool.get('kz.test.approval')
        chamber_group = ModelData.get_id('kz_base', 'group_national_chamber')
        chamber, investor = Organization.create([
                {'name': "Chamber", 'kind': 'national_chamber'},
                {'name': "Investor", 'kind': 'investor'},
                ])
        chamber_user, investor_user, embassy_user = User.create([
                {'name': "Chamber", 'login': 'chamber',
                    'kz_organization': chamber.id,
                    'groups': [('add', [chamber_group])]},
                {'name': "Investor", 'login': 'investor',
                    'kz_organization': investor.id,
                    'groups': [('add', [ModelData.get_id(
                                    'kz_base', 'group_investor')])]},
                {'name': "Embassy", 'login': 'embassy',
                    'groups': [('add', [ModelData.get_id(
                                    'kz_base',
                                    'group_external_front_office')])]},
                ])
        records = TestApproval.create([{
                    'name': name,
                    'approvers': [('create', [
                                {'sequence': 10, 'organization': chamber.id},
                                {'sequence': 10, 'organization': investor.id},
                                ])],
                    } for name in ["Roadmap A", "Roadmap B"]])
        TestApproval.request_approval(records)
        return chamber_user, investor_user, embassy_user

    def _counter(self):
        pool = Pool()
        Counter = pool.get('kz.home.counter')
        ModelData = pool.get('ir.model.data')
        return Counter(ModelData.get_id(
                'kz_base', 'home_counter_approval_to_decide'))

    @with_transaction()
    def test_counter_counts_own_lines(self):
        "Approvals to decide: the pending lines of the user's organisation"
        pool = Pool()
        Counter = pool.get('kz.home.counter')
        Approval = pool.get('kz.approval')
        chamber_user, investor_user, _ = self._setup()
        counter = self._counter()
        with Transaction().set_user(chamber_user.id):
            self.assertEqual(Counter(counter.id).count, 2)
            line = Approval.search([
                    ('organization', '=', chamber_user.kz_organization.id),
                    ], limit=1)
            Approval.approve(line)
            self.assertEqual(Counter(counter.id).count, 1)
        with Transaction().set_user(investor_user.id):
            self.assertEqual(Counter(counter.id).count, 2)

    @with_transaction()
    def test_counter_opens_counted_list(self):
        "The counter opens a list of exactly the records it counts"
        pool = Pool()
        Counter = pool.get('kz.home.counter')
        Approval = pool.get('kz.approval')
        ActionKeyword = pool.get('ir.action.keyword')
        chamber_user, _, _ = self._setup()
        counter = self._counter()
        with Transaction().set_user(chamber_user.id):
            action = Counter.open([Counter(counter.id)])
            self.assertEqual(action['res_model'], 'kz.approval')
            self.assertEqual(action['name'], "Approvals to decide")
            self.assertEqual(action['domains'], [])
            domain = PYSONDecoder({}).decode(action['pyson_domain'])
            lines = Approval.search(domain)
            self.assertEqual(len(lines), 2)
            self.assertTrue(all(l.organization == chamber_user.kz_organization
                    for l in lines))
            # Double-clicking the counter (keyword_open) opens the same
            opened, = ActionKeyword.get_keyword(
                'tree_open', ('kz.home.counter', counter.id))
            self.assertEqual(opened['pyson_domain'], action['pyson_domain'])

    @with_transaction()
    def test_counters_of_the_role(self):
        "Each user sees the counters of his roles and those of everybody"
        pool = Pool()
        Counter = pool.get('kz.home.counter')
        chamber_user, _, embassy_user = self._setup()
        counter = self._counter()
        mine = [('concerns_me', '=', True)]
        with Transaction().set_user(chamber_user.id):
            self.assertIn(counter, Counter.search(mine))
        with Transaction().set_user(embassy_user.id):
            self.assertNotIn(counter, Counter.search(mine))
            self.assertIn(counter,
                Counter.search([('concerns_me', '=', False)]))
            everybody, = Counter.copy([counter], {'groups': []})
            self.assertIn(everybody, Counter.search(mine))

    @with_transaction()
    def test_counter_without_access(self):
        "A model the user may not read gives no figure, not an error"
        pool = Pool()
        Counter = pool.get('kz.home.counter')
        User = pool.get('res.user')
        self._setup()
        counter = self._counter()
        nobody, = User.create([{'name': "Nobody", 'login': 'nobody'}])
        with Transaction().set_user(nobody.id):
            self.assertIsNone(Counter(counter.id).count)

    @with_transaction()
    def test_counter_deadline_and_today(self):
        "A deadline counter follows the day: overdue from the due date on"
        pool = Pool()
        Counter = pool.get('kz.home.counter')
        ActWindow = pool.get('ir.action.act_window')
        TestDeadline = pool.get('kz.test.deadline')
        action, = ActWindow.create([{
                    'name': "Test Deadlines",
                    'res_model': 'kz.test.deadline',
                    'domain': "[[\"state\", \"=\", \"open\"]]",
                    }])
        counter, = Counter.create([{
                    'name': "Overdue", 'section': 'deadline',
                    'action': action.id,
                    'domain': "[[\"deadline_state\", \"=\", \"overdue\"]]",
                    }])
        TestDeadline.create([
                {'start': dt.date(2025, 3, 3), 'days': 5},
                {'start': dt.date(2025, 3, 3), 'days': 20},
                {'start': dt.date(2025, 3, 3), 'days': 5, 'state': 'done'},
                ])
        for today, count in [
                (dt.date(2025, 3, 5), 0),
                (dt.date(2025, 3, 10), 1),
                (dt.date(2025, 4, 1), 2),
                ]:
            with self.subTest(today=today), patch(
                    'trytond.ir.date.Date.today', return_value=today):
                self.assertEqual(Counter(counter.id).count, count)

    @with_transaction()
    def test_home_opens_at_login(self):
        "The home page runs at login unless the user chose his actions"
        pool = Pool()
        User = pool.get('res.user')
        Action = pool.get('ir.action')
        ModelData = pool.get('ir.model.data')
        chamber_user, investor_user, _ = self._setup()
        home = Action.get_action_id(ModelData.get_id('kz_base', 'act_home'))
        with Transaction().set_user(chamber_user.id):
            self.assertIn(home, User.get_preferences()['actions'])
        other = Action.get_action_id(
            ModelData.get_id('kz_base', 'act_region_form'))
        User.write([investor_user], {'actions': [('add', [other])]})
        with Transaction().set_user(investor_user.id):
            self.assertEqual(User.get_preferences()['actions'], [other])

    @with_transaction()
    def test_deadline_graph_label_and_colours(self):
        "Graphs show the state's label and the configured colours"
        pool = Pool()
        TestDeadline = pool.get('kz.test.deadline')
        Configuration = pool.get('kz.configuration')
        View = pool.get('ir.ui.view')
        Configuration.write([Configuration(1)], {'colour_overdue': '#c00000'})
        record, = TestDeadline.create([
                {'start': dt.date(2025, 3, 3), 'days': 5}])
        with patch('trytond.ir.date.Date.today',
                return_value=dt.date(2025, 4, 1)):
            record = TestDeadline(record.id)
            self.assertEqual(record.deadline_state, 'overdue')
            self.assertEqual(record.deadline_label, "Overdue")
        view, = View.create([{
                    'model': 'kz.test.deadline',
                    'type': 'graph',
                    'data': '<graph type="vbar"><x>'
                    '<field name="deadline_label"/></x><y>'
                    '<field name="days" color="deadline:overdue"/>'
                    '</y></graph>',
                    }])
        arch = TestDeadline.fields_view_get(view.id, 'graph')['arch']
        self.assertIn('color="#c00000"', arch)
        self.assertNotIn('deadline:', arch)
