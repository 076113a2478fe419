# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"Country programme updates (N§15.2) and niche project data (N§12.2, 16.4)"
import datetime as dt
import unittest
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.model.exceptions import DomainValidationError
from trytond.model.modelview import AccessButtonError
from trytond.modules.kz_base.exceptions import ClientWriteError
from trytond.modules.kz_base.tests.tools import as_user, today
from trytond.modules.kz_ncip.exceptions import ProgrammeError
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)

from .tools import (
    create_programme, notifications, setup_programme_world)


def country_programme(w, year=2026):
    return create_programme(w, user=w.embassy, kind='country',
        name="Country programme of Germany", country=w.germany.id,
        year=year, organization=w.embassy_org.id, region=None)


class ProgrammeUpdateTestCase(unittest.TestCase):
    "Test the country programme updates and the niche data of kz_ncip"

    @classmethod
    def setUpClass(cls):
        activate_module('kz_ncip')

    @classmethod
    def tearDownClass(cls):
        # The scenarios restore their database under the same name
        drop_db()

    @with_transaction()
    def test_quarterly_update(self):
        """After each quarter an update of every country programme of the
        year is due by the 15th, with reminders and escalation"""
        pool = Pool()
        Update = pool.get('ncip.investment.programme.update')
        Programme = pool.get('ncip.investment.programme')
        Configuration = pool.get('kz.configuration')
        w = setup_programme_world()
        programme = country_programme(w)
        country_programme(w, year=2027)
        regional = create_programme(w)
        with today(dt.date(2026, 4, 1)):
            update, = Update.plan_quarterly()
            self.assertEqual(Update.plan_quarterly(), [])
        self.assertEqual(update.programme, programme)
        self.assertEqual((update.year, update.quarter), (2026, 1))
        self.assertEqual(update.due_date, dt.date(2026, 4, 15))
        self.assertEqual(Programme(programme.id).updates, (update,))
        self.assertEqual(Programme(regional.id).updates, ())
        # The fourth quarter is due in January of the next year
        with today(dt.date(2027, 1, 3)):
            q4, = Update.plan_quarterly()
        self.assertEqual((q4.year, q4.quarter), (2026, 4))
        self.assertEqual(q4.due_date, dt.date(2027, 1, 15))
        # The day is a setting
        config = Configuration(1)
        config.country_programme_update_day = 10
        config.save()
        with today(dt.date(2026, 7, 2)):
            q2, = Update.plan_quarterly()
        self.assertEqual(q2.due_date, dt.date(2026, 7, 10))

        # Reminded before, escalated to the national company after
        with today(dt.date(2026, 4, 13)):
            Update.check_deadlines()
        self.assertEqual(len(notifications(w.embassy, "Due soon")), 1)
        with today(dt.date(2026, 4, 16)):
            self.assertEqual(Update(update.id).deadline_state, 'overdue')
            Update.check_deadlines()
        self.assertEqual(len(notifications(w.kazinvest, "Overdue")), 1)

        # The foreign office confirms with a note; the akimat cannot
        with as_user(w.akimat):
            with self.assertRaises(Exception):
                Update.confirm([Update(update.id)])
        with as_user(w.embassy):
            with self.assertRaises(ProgrammeError):
                Update.confirm([Update(update.id)])
            Update.write([Update(update.id)],
                {'note': "Two German investors added"})
            with today(dt.date(2026, 4, 17)):
                Update.confirm([Update(update.id)])
            with self.assertRaises(ClientWriteError):
                Update.write([Update(update.id)], {'note': "Changed"})
            # The period is the platform's, not the user's
            with self.assertRaises(ClientWriteError):
                Update.write([Update(q2.id)], {'quarter': 3})
        update = Update(update.id)
        self.assertEqual(update.state, 'done')
        self.assertEqual(update.updated_by, w.embassy)
        self.assertEqual(update.update_date, dt.date(2026, 4, 17))
        self.assertEqual(update.overdue, False)
        with as_user(w.ministry):
            with self.assertRaises(AccessButtonError):
                Update.confirm([Update(q2.id)])
        # Refused last: it leaves the test transaction unusable
        with self.assertRaises(DomainValidationError):
            config.country_programme_update_day = 32
            config.save()

    @with_transaction()
    def test_niche_data(self):
        """Every half-year the niche projects of a programme get their
        financial indicators, consumption, export, import and export
        potential, whatever the state of the programme"""
        pool = Pool()
        Niche = pool.get('ncip.investment.programme.niche')
        Programme = pool.get('ncip.investment.programme')
        w = setup_programme_world()
        programme = create_programme(w)
        line, = programme.lines
        with as_user(w.akimat):
            Programme.submit([Programme(programme.id)])
        with as_user(w.authorized):
            Programme.approve([Programme(programme.id)])
        with as_user(w.akimat):
            with today(dt.date(2026, 8, 1)):
                self.assertEqual(Niche.default_half(), '2')
            Niche.create([{
                        'line': line.id, 'year': 2026, 'half': '1',
                        'revenue': Decimal('5000000000'),
                        'payback_years': Decimal('6.5'),
                        'irr': Decimal('14.20'),
                        'consumption': Decimal('30000000000'),
                        'import_amount': Decimal('22000000000'),
                        'export_amount': Decimal('0'),
                        'export_potential': "Uzbekistan, Kyrgyzstan",
                        }])
            Niche.create([{'line': line.id, 'year': 2026, 'half': '2',
                        'revenue': Decimal('5500000000')}])
        line = pool.get('ncip.investment.programme.line')(line.id)
        self.assertEqual(
            [(d.year, d.half) for d in line.niche_data],
            [(2026, '2'), (2026, '1')])
        # Another region's akimat neither reads nor writes them
        with as_user(w.akimat2):
            self.assertEqual(Niche.search([]), [])
        # Refused (last: a refused write leaves the test transaction
        # unusable)
        with as_user(w.akimat):
            with self.assertRaises(DomainValidationError):
                Niche.create([{'line': line.id, 'year': 2027, 'half': '1',
                            'import_amount': Decimal('-1')}])
        with as_user(w.akimat):
            # One set of data per half-year
            with self.assertRaises(UserError):
                Niche.create([{'line': line.id, 'year': 2026, 'half': '1'}])
