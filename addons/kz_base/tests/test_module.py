# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
import datetime as dt
from decimal import Decimal
from unittest.mock import patch

from trytond.model.exceptions import (
    DomainValidationError, SQLConstraintError)
from trytond.modules.kz_base import identifier
from trytond.modules.kz_base.exceptions import (
    ApprovalError, DeadlineError, DecisionRequestError, DeleteError,
    InvalidBIN, MissingMRP)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

VALID_BIN = '990140000384'


class KzBaseTestCase(ModuleTestCase):
    "Test kz_base module"
    module = 'kz_base'

    def test_bin_checksum(self):
        "Valid BIN/IIN numbers, including the second weight pass"
        for code in [VALID_BIN, '880101300010', '100000554338',
                '9901 4000 0384', '990140-000384']:
            with self.subTest(code=code):
                self.assertTrue(identifier.is_valid(code))

    def test_bin_invalid(self):
        "Wrong check digit, wrong length and letters are refused"
        for code in ['990140000385', '99014000038', '9901400003840',
                '99014000038A', '', None]:
            with self.subTest(code=code):
                self.assertFalse(identifier.is_valid(code))

    @with_transaction()
    def test_bin_validate_messages(self):
        "validate raises a translated error naming the problem"
        with self.assertRaisesRegex(InvalidBIN, 'exactly 12 digits'):
            identifier.validate('12345')
        with self.assertRaisesRegex(InvalidBIN, 'check digit'):
            identifier.validate('990140000385')
        self.assertEqual(identifier.validate('9901 4000 0384'), VALID_BIN)

    @with_transaction()
    def test_regions(self):
        "The 20 top-level units of 2022 with unique codes"
        Region = Pool().get('kz.region')
        regions = Region.search([])
        self.assertEqual(len(regions), 20)
        self.assertEqual(
            len([r for r in regions if r.kind == 'oblast']), 17)
        names = {r.name for r in regions}
        for name in ['Abai Region', 'Jetisu Region', 'Ulytau Region',
                'Astana', 'Almaty', 'Shymkent']:
            self.assertIn(name, names)
        self.assertEqual(len({r.code for r in regions}), 20)

    @with_transaction()
    def test_organization_tier_and_bin(self):
        "The tier follows the kind and the BIN is validated"
        pool = Pool()
        Organization = pool.get('kz.organization')
        Region = pool.get('kz.region')
        region, = Region.search([('code', '=', '710000000')])
        akimat, = Organization.create([{
                    'name': "Akimat of Astana",
                    'kind': 'akimat',
                    'region': region.id,
                    'bin': '9901 4000 0384',
                    }])
        self.assertEqual(akimat.tier, 'regional')
        self.assertEqual(akimat.bin, VALID_BIN)
        embassy, = Organization.create([{
                    'name': "Embassy in Germany", 'kind': 'embassy'}])
        self.assertEqual(embassy.tier, 'external')
        with self.assertRaises(InvalidBIN):
            Organization.create([{
                        'name': "Bad", 'kind': 'bank',
                        'bin': '990140000385'}])
        with self.assertRaises(SQLConstraintError):
            Organization.create([{
                        'name': "Copy", 'kind': 'bank', 'bin': VALID_BIN}])

    @with_transaction()
    def test_mrp_lookup(self):
        "MRP in force on 1 January of the date's year"
        MRP = Pool().get('kz.mrp')
        self.assertEqual(MRP.amount_on(dt.date(2023, 12, 31)), 3450)
        self.assertEqual(MRP.amount_on(dt.date(2024, 1, 1)), 3692)
        self.assertEqual(MRP.amount_on(dt.date(2025, 7, 15)), 3932)
        self.assertEqual(
            MRP.multiple(150000, dt.date(2025, 3, 1)),
            Decimal('589800000'))
        with self.assertRaisesRegex(MissingMRP, '2031'):
            MRP.amount_on(dt.date(2031, 1, 1))
        MRP.create([{'year': 2031, 'amount': Decimal('5000')}])
        self.assertEqual(MRP.amount_on(dt.date(2031, 1, 1)), 5000)

    @with_transaction()
    def test_mrp_constraints(self):
        "A year is defined once and the amount is positive"
        MRP = Pool().get('kz.mrp')
        with self.assertRaises(DomainValidationError):
            MRP.create([{'year': 2032, 'amount': Decimal('-1')}])
        with self.assertRaises(DomainValidationError):
            MRP.create([{'year': 1900, 'amount': Decimal('1')}])
        # Last: a failed SQL statement aborts the PostgreSQL transaction
        with self.assertRaises(SQLConstraintError):
            MRP.create([{'year': 2025, 'amount': Decimal('1')}])

    @with_transaction()
    def test_calendar_2025(self):
        "Public holidays and the transferred day off of January 2025"
        Calendar = Pool().get('kz.calendar')
        # 3 January 2025 (Friday) was a day off moved from Sunday 5 January
        self.assertFalse(Calendar.is_working_day(dt.date(2025, 1, 3)))
        self.assertTrue(Calendar.is_working_day(dt.date(2025, 1, 5)))
        self.assertFalse(Calendar.is_working_day(dt.date(2025, 1, 1)))
        self.assertFalse(Calendar.is_working_day(dt.date(2025, 3, 8)))
        self.assertTrue(Calendar.is_working_day(dt.date(2025, 3, 20)))
        self.assertFalse(Calendar.is_working_day(dt.date(2025, 3, 24)))
        self.assertIn(dt.date(2025, 12, 16), Calendar.holidays(2025))

    @with_transaction()
    def test_add_working_days_across_nauryz(self):
        "Nauryz 2025 holidays (21-25 March) are skipped"
        Calendar = Pool().get('kz.calendar')
        thursday = dt.date(2025, 3, 20)
        self.assertEqual(
            Calendar.add_working_days(thursday, 1), dt.date(2025, 3, 26))
        self.assertEqual(
            Calendar.add_working_days(thursday, 3), dt.date(2025, 3, 28))
        self.assertEqual(
            Calendar.add_working_days(dt.date(2025, 3, 26), -1), thursday)
        self.assertEqual(
            Calendar.add_working_days(dt.date(2025, 3, 22), 0),
            dt.date(2025, 3, 26))
        self.assertEqual(
            Calendar.working_days_between(thursday, dt.date(2025, 3, 28)), 3)
        self.assertEqual(
            Calendar.working_days_between(dt.date(2025, 3, 28), thursday), -3)
        self.assertEqual(
            Calendar.add_calendar_days(thursday, 30), dt.date(2025, 4, 19))
        self.assertEqual(
            Calendar.add_days(thursday, 1, 'working'), dt.date(2025, 3, 26))
        self.assertEqual(
            Calendar.add_days(thursday, 1, 'calendar'), dt.date(2025, 3, 21))

    @with_transaction()
    def test_calendar_overrides(self):
        "Administrators add days off and working days"
        pool = Pool()
        Calendar = pool.get('kz.calendar')
        Override = pool.get('kz.calendar.override')
        monday = dt.date(2026, 6, 1)
        saturday = dt.date(2026, 6, 6)
        self.assertTrue(Calendar.is_working_day(monday))
        self.assertFalse(Calendar.is_working_day(saturday))
        Override.create([
                {'date': monday, 'kind': 'holiday', 'name': "Decree"},
                {'date': saturday, 'kind': 'working_day'},
                ])
        self.assertFalse(Calendar.is_working_day(monday))
        self.assertTrue(Calendar.is_working_day(saturday))
        self.assertEqual(
            Calendar.add_working_days(dt.date(2026, 5, 29), 1), dt.date(2026, 6, 2))
        with self.assertRaises(SQLConstraintError):
            Override.create([{'date': monday, 'kind': 'working_day'}])

    @with_transaction()
    def test_configuration_defaults(self):
        "Configuration has defaults an administrator can change"
        Configuration = Pool().get('kz.configuration')
        config = Configuration(1)
        self.assertEqual(config.warning_days, 10)
        config.warning_days = 5
        config.save()
        self.assertEqual(Configuration(1).warning_days, 5)

    @with_transaction()
    def test_rule_context(self):
        "Record rules know the user's organisation, its children and region"
        pool = Pool()
        User = pool.get('res.user')
        Organization = pool.get('kz.organization')
        Region = pool.get('kz.region')
        region, = Region.search([('code', '=', '790000000')])
        akimat, = Organization.create([{
                    'name': "Akimat of Shymkent", 'kind': 'akimat',
                    'region': region.id}])
        office, = Organization.create([{
                    'name': "Investment office", 'kind': 'regional_organization',
                    'region': region.id, 'parent': akimat.id}])
        user, = User.create([{
                    'name': "Officer", 'login': 'officer',
                    'kz_organization': akimat.id}])
        with Transaction().set_user(user.id):
            context = User.kz_rule_context()
        self.assertEqual(context['kz_organization'], akimat.id)
        self.assertEqual(
            context['kz_organizations'], sorted([akimat.id, office.id]))
        self.assertEqual(context['kz_region'], region.id)
        self.assertEqual(user.kz_region, region)
        with Transaction().set_user(0):
            self.assertEqual(User.kz_rule_context()['kz_organization'], -1)

    @with_transaction()
    def test_failed_login_does_not_sleep_in_worker(self):
        "A failed login queues no sleep but is still counted"
        import time
        pool = Pool()
        User = pool.get('res.user')
        Attempt = pool.get('res.user.login.attempt')
        transaction = Transaction()
        for _ in range(3):
            self.assertIsNone(User.get_login('nobody', {'password': 'x'}))
        self.assertFalse(
            [f for f, _, _ in transaction._atexit if f is time.sleep])
        self.assertEqual(Attempt.count('nobody', None), 3)

    @with_transaction()
    def test_login_attempt_window(self):
        "Failed logins count over [kz] login_attempt_window, not hours"
        from trytond import config
        pool = Pool()
        User = pool.get('res.user')
        Attempt = pool.get('res.user.login.attempt')
        table = Attempt.__table__()
        cursor = Transaction().connection.cursor()
        User.get_login('nobody', {'password': 'x'})
        self.assertEqual(Attempt.count('nobody', None), 1)
        # Ten minutes ago: outside a 5-minute window, inside the session
        # timeout of 2 hours
        cursor.execute(*table.update([table.create_date],
                [dt.datetime.now() - dt.timedelta(minutes=10)]))
        with patch.object(config, 'getint', side_effect=lambda section,
                option, default=None: {
                    ('kz', 'login_attempt_window'): 300,
                    ('session', 'timeout'): 7200}.get(
                    (section, option), default)):
            self.assertEqual(Attempt.count('nobody', None), 0)
        with patch.object(config, 'getint', side_effect=lambda section,
                option, default=None: {
                    ('session', 'timeout'): 7200}.get(
                    (section, option), default)):
            self.assertEqual(Attempt.count('nobody', None), 1)

    @with_transaction()
    def test_list_xlsx(self):
        "Any list exports to an .xlsx with its list columns"
        from io import BytesIO

        from openpyxl import load_workbook
        pool = Pool()
        Region = pool.get('kz.region')
        ListXlsx = pool.get('kz.list.xlsx', type='report')
        regions = Region.search([], order=[('code', 'ASC')])
        oext, content, _, name = ListXlsx.execute(
            [r.id for r in regions], {'model': 'kz.region'})
        self.assertEqual(oext, 'xlsx')
        sheet = load_workbook(BytesIO(content)).active
        rows = list(sheet.values)
        self.assertEqual(rows[0], ('Code', 'Name', 'Kind',
                'Administrative Centre'))
        self.assertEqual(rows[1], ('100000000', 'Abai Region', 'Oblast',
                'Semey'))
        self.assertEqual(len(rows), 1 + 20)
        self.assertEqual(
            name, 'Region %s' % pool.get('ir.date').today().isoformat())

    @with_transaction()
    def test_party_identifier_kz_bin(self):
        "Parties accept a validated Kazakhstan BIN/IIN identifier"
        pool = Pool()
        Party = pool.get('party.party')
        party, = Party.create([{
                    'name': "Investor LLP",
                    'identifiers': [('create', [{
                                    'type': 'kz_bin',
                                    'code': '9901 4000 0384'}])],
                    }])
        identifier_, = party.identifiers
        self.assertEqual(identifier_.code, VALID_BIN)
        with self.assertRaises(InvalidBIN):
            Party.create([{
                        'name': "Bad",
                        'identifiers': [('create', [{
                                        'type': 'kz_bin',
                                        'code': '990140000385'}])],
                        }])

    def _today(self, date):
        return patch.object(Pool().get('ir.date'), 'today', return_value=date)

    @with_transaction()
    def test_deadline_due_date_and_colour(self):
        "Due date in working or calendar days, days left and colour"
        pool = Pool()
        TestDeadline = pool.get('kz.test.deadline')
        Configuration = pool.get('kz.configuration')
        # The whole period may warn: the 10 warning days decide
        Configuration.write([Configuration(1)], {'warning_share': 100})
        # Thursday before Nauryz 2025: 3 working days end on 28 March
        record, = TestDeadline.create([{
                    'start': dt.date(2025, 3, 20), 'days': 3,
                    'unit': 'working'}])
        self.assertEqual(record.due_date, dt.date(2025, 3, 28))
        record.unit = 'calendar'
        record.days = 30
        record.save()
        self.assertEqual(record.due_date, dt.date(2025, 4, 19))
        for today, days_left, state, colour in [
                (dt.date(2025, 3, 20), 30, 'ok', 'green'),
                (dt.date(2025, 4, 9), 10, 'ok', 'green'),
                (dt.date(2025, 4, 10), 9, 'warning', 'yellow'),
                (dt.date(2025, 4, 19), 0, 'warning', 'yellow'),
                (dt.date(2025, 4, 20), -1, 'overdue', 'red'),
                ]:
            with self.subTest(today=today), self._today(today):
                record = TestDeadline(record.id)
                self.assertEqual(record.days_left, days_left)
                self.assertEqual(record.deadline_state, state)
                self.assertEqual(record.deadline_colour, colour)
                self.assertEqual(
                    TestDeadline.search([('deadline_state', '=', state)]),
                    [record])
        record.state = 'done'
        record.save()
        self.assertIsNone(TestDeadline(record.id).deadline_state)

    @with_transaction()
    def test_deadline_warning_threshold_setting(self):
        "The warning threshold comes from the configuration"
        pool = Pool()
        TestDeadline = pool.get('kz.test.deadline')
        Configuration = pool.get('kz.configuration')
        config = Configuration(1)
        config.warning_days = 3
        config.save()
        record, = TestDeadline.create([{
                    'start': dt.date(2026, 1, 1), 'days': 10}])
        with self._today(dt.date(2026, 1, 6)):
            self.assertEqual(TestDeadline(record.id).deadline_state, 'ok')
        with self._today(dt.date(2026, 1, 9)):
            self.assertEqual(
                TestDeadline(record.id).deadline_state, 'warning')

    @with_transaction()
    def test_deadline_warning_share(self):
        "A short period is due soon for a share of it, not from its start"
        TestDeadline = Pool().get('kz.test.deadline')
        # 5 working days from Monday 2 February 2026 end on Monday 9:
        # 30 % of the 7 calendar days is 3 days of warning
        record, = TestDeadline.create([{
                    'start': dt.date(2026, 2, 2), 'days': 5,
                    'unit': 'working'}])
        self.assertEqual(record.due_date, dt.date(2026, 2, 9))
        self.assertEqual(record.warning_date, dt.date(2026, 2, 7))
        for today, state in [
                (dt.date(2026, 2, 2), 'ok'),
                (dt.date(2026, 2, 6), 'ok'),
                (dt.date(2026, 2, 7), 'warning'),
                (dt.date(2026, 2, 9), 'warning'),
                (dt.date(2026, 2, 10), 'overdue'),
                ]:
            with self.subTest(today=today), self._today(today):
                self.assertEqual(TestDeadline(record.id).deadline_state, state)
                self.assertEqual(
                    TestDeadline.search([('deadline_state', '=', state)]),
                    [record])
        # A long period is capped by the configuration's warning days
        record.days = 100
        record.unit = 'calendar'
        record.save()
        self.assertEqual(
            record.warning_date, record.due_date - dt.timedelta(days=9))

    @with_transaction()
    def test_deadline_warning_per_kind(self):
        "A kind of deadline may have its own warning days, only once"
        pool = Pool()
        TestDeadline = pool.get('kz.test.deadline')
        Warning = pool.get('kz.deadline.warning')
        Warning.create([{'model': 'kz.test.deadline', 'days': 1}])
        self.assertIn('kz.test.deadline',
            dict(Warning.get_deadline_models()))
        record, = TestDeadline.create([{
                    'start': dt.date(2026, 2, 2), 'days': 5,
                    'unit': 'working'}])
        self.assertEqual(record.warning_date, dt.date(2026, 2, 9))
        with self.assertRaises(Exception):
            Warning.create([{'model': 'kz.test.deadline', 'days': 2}])

    @with_transaction()
    def test_deadline_not_started_not_shown(self):
        "A deadline that starts later is not shown nor found by its state"
        TestDeadline = Pool().get('kz.test.deadline')
        record, = TestDeadline.create([{
                    'start': dt.date(2027, 1, 5), 'days': 5}])
        with self._today(dt.date(2026, 6, 1)):
            record = TestDeadline(record.id)
            self.assertIsNone(record.deadline_state)
            self.assertIsNone(record.deadline_colour)
            for state in ['ok', 'warning', 'overdue']:
                self.assertEqual(
                    TestDeadline.search([('deadline_state', '=', state)]), [])
        with self._today(dt.date(2027, 1, 5)):
            self.assertEqual(TestDeadline(record.id).deadline_state, 'ok')

    @with_transaction()
    def test_deadline_order_by_urgency(self):
        "Ordering by deadline puts overdue first, then due soon, on time"
        TestDeadline = Pool().get('kz.test.deadline')
        on_time, late, soon, none = TestDeadline.create([
                {'start': dt.date(2026, 1, 1), 'days': 60},
                {'start': dt.date(2025, 1, 1), 'days': 5},
                {'start': dt.date(2026, 1, 1), 'days': 12},
                {'name': "no deadline"},
                ])
        with self._today(dt.date(2026, 1, 10)):
            self.assertEqual(TestDeadline.search([],
                    order=[('deadline_state', 'ASC'), ('id', 'ASC')]),
                [late, soon, on_time, none])

    @with_transaction()
    def test_deadline_sql_equals_python(self):
        """The deadline computed by PostgreSQL (lists) equals the Python
        rules, and its search and order agree with it"""
        pool = Pool()
        TestDeadline = pool.get('kz.test.deadline')
        table = TestDeadline.__table__()
        cursor = Transaction().connection.cursor()
        records = TestDeadline.create([
                {'start': dt.date(2026, 1, 1), 'days': d}
                for d in [3, 9, 10, 11, 12, 20, 60]] + [
                {'start': dt.date(2026, 1, 1), 'days': 10, 'state': 'done'},
                {'start': dt.date(2026, 3, 1), 'days': 5},
                {'name': "no deadline"},
                ])
        # Stored before the warning date existed
        legacy = TestDeadline.create([
                {'start': dt.date(2026, 1, 1), 'days': d}
                for d in [5, 14, 15, 16, 40]])
        cursor.execute(*table.update([table.warning_date], [None],
                where=table.id.in_([r.id for r in legacy])))
        with self._today(dt.date(2026, 1, 2)):
            TestDeadline.pause_deadline(records[5:6])
        records += legacy
        ids = [r.id for r in records]
        names = ['days_left', 'deadline_state', 'deadline_colour',
            'deadline_label']
        for today in [dt.date(2025, 12, 1), dt.date(2026, 1, 1),
                dt.date(2026, 1, 5), dt.date(2026, 1, 10),
                dt.date(2026, 1, 12), dt.date(2026, 2, 1),
                dt.date(2026, 3, 3), dt.date(2027, 1, 1)]:
            with self.subTest(today=today), self._today(today):
                sql = TestDeadline.get_deadline_info(
                    TestDeadline.browse(ids), names)
                python = TestDeadline._get_deadline_info_python(
                    TestDeadline.browse(ids), names)
                self.assertEqual(sql, python)
                states = python['deadline_state']
                for state in ['ok', 'warning', 'overdue', 'paused']:
                    self.assertEqual(
                        sorted(r.id for r in TestDeadline.search(
                                [('deadline_state', '=', state)])),
                        sorted(i for i in ids if states[i] == state),
                        msg=state)
                rank = {'overdue': 1, 'warning': 2, 'ok': 3, 'paused': 4}
                found = TestDeadline.search([('id', 'in', ids)],
                    order=[('deadline_state', 'ASC'), ('id', 'ASC')])
                self.assertEqual([r.id for r in found],
                    sorted(ids, key=lambda i: (rank.get(states[i], 5), i)))
                days = python['days_left']
                found = TestDeadline.search([('id', 'in', ids)],
                    order=[('days_left', 'ASC NULLS LAST'), ('id', 'ASC')])
                self.assertEqual([r.id for r in found], sorted(ids,
                        key=lambda i: (days[i] is None, days[i] or 0, i)))

    @with_transaction()
    def test_list_read_labels_and_rec_name(self):
        """A list read gives the selection labels and the rec_name trytond
        computes row by row"""
        from trytond.model import ModelStorage
        pool = Pool()
        TestDeadline = pool.get('kz.test.deadline')
        Approval = pool.get('kz.approval')
        named, unnamed = TestDeadline.create([
                {'name': "Named", 'start': dt.date(2026, 1, 1),
                    'days': 100},
                {'state': 'done'},
                ])
        ids = [named.id, unnamed.id]
        with self._today(dt.date(2026, 1, 2)):
            rows = TestDeadline.read(ids, ['rec_name', 'state:string',
                    'deadline_state', 'deadline_state:string', 'unit'])
            python = TestDeadline._get_deadline_info_python(
                TestDeadline.browse(ids), ['deadline_state'])
        labels = dict(TestDeadline.fields_get(['state'])['state'][
                'selection'])
        deadline_labels = dict(TestDeadline.fields_get(
                ['deadline_state'])['deadline_state']['selection'])
        for row, record in zip(rows, TestDeadline.browse(ids)):
            self.assertEqual(set(row), {'id', 'rec_name', 'state:string',
                    'deadline_state', 'deadline_state:string', 'unit'})
            self.assertEqual(row['rec_name'],
                ModelStorage.get_rec_name(record, 'rec_name'))
            self.assertEqual(row['state:string'], labels[record.state])
            self.assertEqual(row['deadline_state'],
                python['deadline_state'][record.id])
            self.assertEqual(row['deadline_state:string'],
                deadline_labels[row['deadline_state']])
        self.assertEqual([r['rec_name'] for r in rows],
            ["Named", f"({unnamed.id})"])
        # A model with its own rec_name keeps it
        self.assertFalse(Approval._kz_plain_rec_name())
        self.assertTrue(TestDeadline._kz_plain_rec_name())

    @with_transaction()
    def test_deadline_pause(self):
        "A paused deadline stops and the paused days move the due date"
        TestDeadline = Pool().get('kz.test.deadline')
        record, = TestDeadline.create([{
                    'start': dt.date(2026, 1, 1), 'days': 10}])
        with self._today(dt.date(2026, 1, 5)):
            TestDeadline.pause_deadline([record])
            with self.assertRaises(DeadlineError):
                TestDeadline.pause_deadline([record])
        with self._today(dt.date(2026, 1, 20)):
            self.assertEqual(
                TestDeadline(record.id).deadline_state, 'paused')
            TestDeadline.resume_deadline([record])
            with self.assertRaises(DeadlineError):
                TestDeadline.resume_deadline([record])
        record = TestDeadline(record.id)
        self.assertEqual(record.deadline_paused_days, 15)
        self.assertEqual(record.due_date, dt.date(2026, 1, 26))

    @with_transaction()
    def test_deadline_cron_once(self):
        "The daily check reminds and escalates once and flags overdue"
        pool = Pool()
        TestDeadline = pool.get('kz.test.deadline')
        Deadline = pool.get('kz.deadline')
        Notification = pool.get('res.notification')
        User = pool.get('res.user')
        officer, = User.create([{'name': "Officer", 'login': 'officer'}])
        record, = TestDeadline.create([{
                    'start': dt.date(2026, 1, 1), 'days': 10,
                    'responsible': officer.id}])
        self.assertIn(TestDeadline, list(Deadline.deadline_models()))
        with self._today(dt.date(2026, 1, 9)):
            Deadline.check_deadlines()
            Deadline.check_deadlines()
        notifications = Notification.search([('user', '=', officer.id)])
        self.assertEqual(len(notifications), 1)
        self.assertIn('Due soon', notifications[0].label)
        self.assertFalse(TestDeadline(record.id).overdue)
        with self._today(dt.date(2026, 1, 12)):
            Deadline.check_deadlines()
            Deadline.check_deadlines()
        record = TestDeadline(record.id)
        self.assertTrue(record.overdue)
        self.assertEqual(
            len(Notification.search([('user', '=', officer.id)])), 2)
        # Extending the deadline clears the flag at the next check
        record.days = 30
        record.save()
        with self._today(dt.date(2026, 1, 12)):
            Deadline.check_deadlines()
        self.assertFalse(TestDeadline(record.id).overdue)

    @with_transaction()
    def test_deadline_overdue_cleared_when_done(self):
        "A late record that leaves its deadline states is no longer overdue"
        pool = Pool()
        TestDeadline = pool.get('kz.test.deadline')
        Deadline = pool.get('kz.deadline')
        late, other = TestDeadline.create([{
                    'start': dt.date(2026, 1, 1), 'days': 10}] * 2)
        with self._today(dt.date(2026, 1, 20)):
            Deadline.check_deadlines()
            self.assertTrue(all(r.overdue
                    for r in TestDeadline.browse([late.id, other.id])))
            TestDeadline.write([TestDeadline(late.id)], {'state': 'done'})
            # A write of another field keeps the flag of a running record
            TestDeadline.write([TestDeadline(other.id)], {'name': "Still"})
            Deadline.check_deadlines()
        self.assertFalse(TestDeadline(late.id).overdue)
        self.assertTrue(TestDeadline(other.id).overdue)

    @with_transaction()
    def test_notify_users_email(self):
        "A notification is mailed to users with an address, once a sender "
        "is configured"
        from trytond import config
        from trytond.modules.kz_base import notification
        pool = Pool()
        User = pool.get('res.user')
        with_mail, without_mail = User.create([
                {'name': "Mailed", 'login': 'mailed',
                    'email': 'mailed@example.kz'},
                {'name': "Unmailed", 'login': 'unmailed'}])
        sent = []
        with patch.object(notification, 'send_message_transactional',
                side_effect=sent.append), \
                patch.object(config, 'get', side_effect=lambda section,
                    option, default=None: 'platform@example.kz' if (
                        section, option) == ('email', 'from') else default):
            created = notification.notify_users([with_mail, without_mail],
                "Task overdue", "Task 1 is overdue")
        self.assertEqual(len(created), 2)
        message, = sent
        self.assertEqual(message['To'], 'mailed@example.kz')
        self.assertEqual(message['From'], 'platform@example.kz')
        self.assertEqual(message['Subject'], "Task overdue")
        self.assertIn("Task 1 is overdue", message.get_content())
        # No sender configured (development): the in-app ones only
        sent.clear()
        with patch.object(notification, 'send_message_transactional',
                side_effect=sent.append), \
                patch.object(config, 'get', side_effect=lambda section,
                    option, default=None: '' if (
                        section, option) == ('email', 'from') else default):
            notification.notify_users([with_mail], "Again")
        self.assertEqual(sent, [])

    @with_transaction()
    def test_deadline_notification_survives_crash(self):
        "A check that crashes is redone and still notifies exactly once"
        pool = Pool()
        TestDeadline = pool.get('kz.test.deadline')
        Deadline = pool.get('kz.deadline')
        Notification = pool.get('res.notification')
        User = pool.get('res.user')
        transaction = Transaction()
        officer, = User.create([{'name': "Officer", 'login': 'officer'}])
        records = TestDeadline.create([{
                    'name': f"Task {i}", 'start': dt.date(2026, 1, 1),
                    'days': 10, 'responsible': officer.id}
                for i in range(3)])
        from trytond.modules.kz_base import deadline as deadline_module
        calls = []
        real_notify = deadline_module.notify_users

        def crash_on_second(*args, **kwargs):
            calls.append(args)
            if len(calls) == 2:
                raise RuntimeError("worker killed")
            return real_notify(*args, **kwargs)

        with self._today(dt.date(2026, 1, 20)):
            # ir.cron rolls back the transaction of a crashed run: emulate
            # it with a savepoint.
            cursor = transaction.connection.cursor()
            cursor.execute('SAVEPOINT before_cron')
            with patch.object(deadline_module, 'notify_users',
                    side_effect=crash_on_second):
                with self.assertRaises(RuntimeError):
                    Deadline.check_deadlines()
            cursor.execute('ROLLBACK TO SAVEPOINT before_cron')
            transaction.cache.clear()
            self.assertEqual(Notification.search([]), [])
            self.assertFalse(any(r.overdue for r in TestDeadline.browse(
                        [r.id for r in records])))
            Deadline.check_deadlines()
            Deadline.check_deadlines()
        notifications = Notification.search([('user', '=', officer.id)])
        self.assertEqual(len(notifications), 3)
        self.assertTrue(all(r.overdue for r in TestDeadline.browse(
                    [r.id for r in records])))

    def _approval_setup(self):
        pool = Pool()
        Organization = pool.get('kz.organization')
        User = pool.get('res.user')
        chamber, investor_org, ministry = Organization.create([
                {'name': "Chamber", 'kind': 'national_chamber'},
                {'name': "Investor", 'kind': 'investor'},
                {'name': "Ministry", 'kind': 'central_state_body'},
                ])
        users = User.create([
                {'name': n, 'login': n, 'kz_organization': o.id}
                for n, o in [('chamber', chamber), ('investor', investor_org),
                    ('ministry', ministry)]])
        return (chamber, investor_org, ministry), users

    @with_transaction()
    def test_approval_parallel_and_history(self):
        "Parallel approvers, rejection with reason, resubmission history"
        pool = Pool()
        TestApproval = pool.get('kz.test.approval')
        Approval = pool.get('kz.approval')
        (chamber, investor_org, _), (chamber_user, investor_user, ministry_user
            ) = self._approval_setup()
        record, = TestApproval.create([{
                    'name': "Roadmap",
                    'approvers': [('create', [
                                {'sequence': 10, 'organization': chamber.id},
                                {'sequence': 10,
                                    'organization': investor_org.id},
                                ])],
                    }])
        lines = TestApproval.request_approval([record])
        self.assertEqual(len(lines), 2)
        self.assertEqual(TestApproval(record.id).approval_state, 'pending')
        chamber_line = [l for l in lines if l.organization == chamber][0]
        investor_line = [l for l in lines if l.organization == investor_org][0]
        with Transaction().set_user(ministry_user.id):
            with self.assertRaisesRegex(ApprovalError, 'another organisation'):
                Approval.approve([Approval(chamber_line.id)])
        with Transaction().set_user(chamber_user.id):
            self.assertTrue(Approval(chamber_line.id).can_decide)
            self.assertFalse(Approval(investor_line.id).can_decide)
            Approval.approve([Approval(chamber_line.id)])
        with Transaction().set_user(investor_user.id):
            with self.assertRaisesRegex(ApprovalError, 'reason'):
                Approval.reject([Approval(investor_line.id)])
            Approval.write([Approval(investor_line.id)], {
                    'reason': "The land plot date is not realistic"})
            Approval.reject([Approval(investor_line.id)])
        record = TestApproval(record.id)
        self.assertEqual(record.approval_state, 'rejected')
        self.assertEqual(record.result, 'rejected')
        decided = Approval(investor_line.id)
        self.assertEqual(decided.decided_by, investor_user)
        self.assertTrue(decided.decided_on)
        with Transaction().set_user(chamber_user.id):
            with self.assertRaisesRegex(ApprovalError, 'already'):
                Approval.approve([Approval(chamber_line.id)])

        # Resubmission opens round 2 and keeps round 1
        TestApproval.request_approval([record])
        record = TestApproval(record.id)
        self.assertEqual(record.approval_round, 2)
        self.assertEqual(len(record.approvals), 4)
        for line in record.current_approvals():
            with Transaction().set_user(
                    chamber_user.id if line.organization == chamber
                    else investor_user.id):
                Approval.approve([Approval(line.id)])
        record = TestApproval(record.id)
        self.assertEqual(record.approval_state, 'approved')
        self.assertEqual(record.result, 'approved')
        with self.assertRaises(ApprovalError):
            Approval.delete([Approval(investor_line.id)])

    @with_transaction()
    def test_approval_sequence_and_group(self):
        "A later approver waits; a group approver is any member"
        pool = Pool()
        TestApproval = pool.get('kz.test.approval')
        Approval = pool.get('kz.approval')
        Group = pool.get('res.group')
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        (chamber, _, _), (chamber_user, _, ministry_user
            ) = self._approval_setup()
        group = Group(ModelData.get_id('kz_base', 'group_authorized_body'))
        User.write([ministry_user], {'groups': [('add', [group.id])]})
        record, = TestApproval.create([{
                    'approvers': [('create', [
                                {'sequence': 10, 'organization': chamber.id},
                                {'sequence': 20, 'group': group.id},
                                ])],
                    }])
        first, second = sorted(
            TestApproval.request_approval([record]), key=lambda l: l.sequence)
        with Transaction().set_user(ministry_user.id):
            with self.assertRaisesRegex(ApprovalError, 'wait'):
                Approval.approve([Approval(second.id)])
        with Transaction().set_user(chamber_user.id):
            Approval.approve([Approval(first.id)])
        with Transaction().set_user(ministry_user.id):
            Approval.approve([Approval(second.id)])
        self.assertEqual(TestApproval(record.id).result, 'approved')

    @with_transaction()
    def test_approval_to_decide(self):
        """The "To decide" list: the user's pending lines whose turn came,
        each describing its document and the other approvers' decisions"""
        pool = Pool()
        TestApproval = pool.get('kz.test.approval')
        Approval = pool.get('kz.approval')
        Group = pool.get('res.group')
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        (chamber, investor_org, _), (chamber_user, investor_user,
            ministry_user) = self._approval_setup()
        group = Group(ModelData.get_id('kz_base', 'group_authorized_body'))
        User.write([ministry_user], {'groups': [('add', [group.id])]})
        record, = TestApproval.create([{
                    'name': "Cement plant",
                    'approvers': [('create', [
                                {'sequence': 10, 'organization': chamber.id},
                                {'sequence': 10,
                                    'organization': investor_org.id},
                                {'sequence': 20, 'group': group.id},
                                ])],
                    }])
        lines = TestApproval.request_approval([record])
        chamber_line, investor_line, group_line = sorted(
            lines, key=lambda l: (l.sequence, l.organization != chamber))

        def to_decide(user):
            with Transaction().set_user(user.id):
                return Approval.search([('to_decide', '=', True)])
        self.assertEqual(to_decide(chamber_user), [chamber_line])
        self.assertEqual(to_decide(investor_user), [investor_line])
        # The group waits for the first sequence
        self.assertEqual(to_decide(ministry_user), [])
        with Transaction().set_user(chamber_user.id):
            line = Approval(chamber_line.id)
            self.assertTrue(line.to_decide)
            self.assertEqual(line.document_kind,
                pool.get('ir.model').get_name('kz.test.approval'))
            self.assertEqual(line.document_number, 'T-%s' % record.id)
            self.assertEqual(line.document_name, "Cement plant")
            self.assertIn("Investor: Pending", line.other_decisions)
            self.assertNotIn("Chamber", line.other_decisions)
            self.assertIn("Cement plant", line.document_description())
            # One click to the document
            action = Approval.open_document([line])
            self.assertEqual(action['res_model'], 'kz.test.approval')
            self.assertEqual(action['res_id'], [record.id])
            self.assertEqual(action['views'], [[None, 'form']])
            Approval.approve([line])
        self.assertEqual(to_decide(chamber_user), [])
        with Transaction().set_user(investor_user.id):
            Approval.approve([Approval(investor_line.id)])
        self.assertEqual(to_decide(ministry_user), [group_line])
        with Transaction().set_user(ministry_user.id):
            self.assertIn("Chamber: Approved",
                Approval(group_line.id).other_decisions)
        with Transaction().set_user(ministry_user.id):
            self.assertEqual(
                Approval.search([('to_decide', '=', False),
                        ('id', 'in', [l.id for l in lines])]),
                sorted([chamber_line, investor_line], key=lambda l: l.id))

    def _run_wizard(self, name, approvals, **values):
        "Open the decision dialog of the lines and press its button"
        Wizard = Pool().get(name, type='wizard')
        session_id, _, _ = Wizard.create()
        with Transaction().set_context(
                active_model='kz.approval', active_id=approvals[0].id,
                active_ids=[a.id for a in approvals]):
            wizard = Wizard(session_id)
            defaults = wizard.default_start(None)
            for field, value in defaults.items():
                setattr(wizard.start, field, value)
            for field, value in values.items():
                setattr(wizard.start, field, value)
            button = 'approve' if name.endswith('approve') else 'reject'
            return defaults, getattr(wizard, 'transition_' + button)()

    @with_transaction()
    def test_approval_dialogs(self):
        """Approve and reject each in one dialog: the reason is asked in
        the rejection dialog, which no one else may open"""
        pool = Pool()
        TestApproval = pool.get('kz.test.approval')
        Approval = pool.get('kz.approval')
        (chamber, investor_org, _), (chamber_user, investor_user,
            ministry_user) = self._approval_setup()
        record, = TestApproval.create([{
                    'name': "Glass line",
                    'approvers': [('create', [
                                {'sequence': 10, 'organization': chamber.id},
                                {'sequence': 10,
                                    'organization': investor_org.id},
                                ])],
                    }])
        chamber_line, investor_line = sorted(
            TestApproval.request_approval([record]),
            key=lambda l: l.organization != chamber)
        with Transaction().set_user(ministry_user.id):
            with self.assertRaisesRegex(ApprovalError, 'another organisation'):
                self._run_wizard(
                    'kz.approval.approve', [Approval(chamber_line.id)])
        with Transaction().set_user(chamber_user.id):
            defaults, result = self._run_wizard(
                'kz.approval.approve', [Approval(chamber_line.id)])
            self.assertIn("Glass line", defaults['documents'])
            self.assertFalse(defaults['on_behalf'])
            self.assertEqual(result, 'end')
        self.assertEqual(Approval(chamber_line.id).state, 'approved')
        with Transaction().set_user(investor_user.id):
            with self.assertRaisesRegex(ApprovalError, 'reason'):
                self._run_wizard('kz.approval.reject',
                    [Approval(investor_line.id)], reason="  ")
            self._run_wizard('kz.approval.reject',
                [Approval(investor_line.id)],
                reason="The commissioning date is not realistic")
        line = Approval(investor_line.id)
        self.assertEqual(line.state, 'rejected')
        self.assertEqual(line.reason, "The commissioning date is not realistic")
        self.assertEqual(line.decided_by, investor_user)
        self.assertEqual(TestApproval(record.id).result, 'rejected')

    @with_transaction()
    def test_approval_proxy(self):
        """An approving organisation without users has its decision
        recorded by its proxy with the signed document (N§64); once it
        has a user, it decides itself"""
        pool = Pool()
        Organization = pool.get('kz.organization')
        TestApproval = pool.get('kz.test.approval')
        Approval = pool.get('kz.approval')
        User = pool.get('res.user')
        (chamber, _, ministry), (chamber_user, _, ministry_user
            ) = self._approval_setup()
        newcomer, = Organization.create([
                {'name': "Foreign Investor GmbH", 'kind': 'investor'}])
        first, second = TestApproval.create([{
                    'name': name,
                    'approvers': [('create', [{
                                    'sequence': 10,
                                    'organization': newcomer.id,
                                    'proxy': ministry.id}])],
                    } for name in ["Plant", "Second plant"]])
        line, = TestApproval.request_approval([first])
        other, = TestApproval.request_approval([second])
        with Transaction().set_user(chamber_user.id):
            self.assertFalse(Approval(line.id).can_decide)
            self.assertEqual(Approval.search([('to_decide', '=', True)]), [])
        with Transaction().set_user(ministry_user.id):
            self.assertTrue(Approval(line.id).can_decide)
            self.assertEqual(
                Approval.search([('to_decide', '=', True)]), [line, other])
            # Not without the document the investor signed
            with self.assertRaisesRegex(ApprovalError, 'signed'):
                Approval.approve([Approval(line.id)])
            defaults, _ = self._run_wizard(
                'kz.approval.approve', [Approval(line.id)],
                signed_document=b'%PDF-1.4 signed',
                signed_document_name='agreement.pdf')
            self.assertTrue(defaults['on_behalf'])
        line = Approval(line.id)
        self.assertEqual(line.state, 'approved')
        self.assertTrue(line.on_behalf)
        self.assertEqual(line.decided_by, ministry_user)
        self.assertEqual(bytes(line.signed_document), b'%PDF-1.4 signed')
        self.assertEqual(TestApproval(first.id).result, 'approved')

        # Its own user decides from now on
        investor, = User.create([{'name': "Newcomer", 'login': 'newcomer',
                    'kz_organization': newcomer.id}])
        with Transaction().set_user(ministry_user.id):
            self.assertFalse(Approval(other.id).can_decide)
            self.assertEqual(Approval.search([('to_decide', '=', True)]), [])
            with self.assertRaisesRegex(ApprovalError, 'another organisation'):
                Approval.approve([Approval(other.id)])
        with Transaction().set_user(investor.id):
            self.assertEqual(
                Approval.search([('to_decide', '=', True)]), [other])
            Approval.approve([Approval(other.id)])
        self.assertFalse(Approval(other.id).on_behalf)

    @with_transaction()
    def test_approval_needs_approvers(self):
        "Nothing to send to is an error"
        TestApproval = Pool().get('kz.test.approval')
        record, = TestApproval.create([{'name': "Empty"}])
        with self.assertRaises(ApprovalError):
            TestApproval.request_approval([record])

    @with_transaction()
    def test_draft_delete(self):
        "A record is deleted only in its draft states, else it is named"
        TestDraftDelete = Pool().get('kz.test.draft_delete')
        draft, done = TestDraftDelete.create([
                {'name': "Kept"}, {'name': "Sent", 'state': 'done'}])
        with self.assertRaisesRegex(DeleteError, 'Sent'):
            TestDraftDelete.delete([draft, done])
        self.assertEqual(TestDraftDelete.search([], count=True), 2)
        TestDraftDelete.delete([draft])
        self.assertEqual(TestDraftDelete.search([]), [done])
        # A model widens its draft states
        with patch.object(TestDraftDelete, '_delete_states', {'done'}):
            TestDraftDelete.delete([done])
        self.assertEqual(TestDraftDelete.search([], count=True), 0)

    @with_transaction()
    def test_decision_request(self):
        "A request is decided once, a refusal needs a note, sent stays"
        TestRequest = Pool().get('kz.test.decision_request')
        approved, refused = TestRequest.create([
                {'name': "A"}, {'name': "B"}])
        TestRequest.request([approved, refused])
        self.assertEqual(approved.state, 'requested')
        with self.assertRaises(DecisionRequestError):
            TestRequest.delete([approved])
        TestRequest.approve([approved])
        self.assertEqual(approved.state, 'approved')
        self.assertEqual(approved.decided_by.id, Transaction().user)
        self.assertTrue(approved.decision_date)
        with self.assertRaises(DecisionRequestError):
            TestRequest.refuse([refused])
        self.assertEqual(TestRequest(refused.id).state, 'requested')
        refused.decision_note = "Not justified"
        refused.save()
        TestRequest.refuse([refused])
        self.assertEqual(refused.state, 'refused')
        # A decided request cannot be decided again
        TestRequest.refuse([approved])
        self.assertEqual(approved.state, 'approved')
        draft, = TestRequest.create([{'name': "C"}])
        TestRequest.delete([draft])


del ModuleTestCase
