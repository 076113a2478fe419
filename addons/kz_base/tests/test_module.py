# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
import datetime as dt
from decimal import Decimal

from trytond.model.exceptions import (
    DomainValidationError, SQLConstraintError)
from trytond.modules.kz_base import identifier
from trytond.modules.kz_base.exceptions import InvalidBIN, MissingMRP
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
        with self.assertRaises(SQLConstraintError):
            MRP.create([{'year': 2025, 'amount': Decimal('1')}])
        with self.assertRaises(DomainValidationError):
            MRP.create([{'year': 2032, 'amount': Decimal('-1')}])
        with self.assertRaises(DomainValidationError):
            MRP.create([{'year': 1900, 'amount': Decimal('1')}])

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


del ModuleTestCase
