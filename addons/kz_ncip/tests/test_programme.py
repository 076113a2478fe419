# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"Investment programmes and orders (N-30, N§3, 5, 15)"
import datetime as dt
import os
import unittest
from decimal import Decimal

from trytond.model.exceptions import (
    AccessError, DomainValidationError, RequiredValidationError)
from trytond.model.modelview import AccessButtonError
from trytond.modules.kz_base.tests.tools import as_user, today
from trytond.modules.kz_ncip.exceptions import (
    ProgrammeError, ProgrammeValidationError)
from trytond.modules.kz_base.exceptions import ClientWriteError
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

from .tools import (
    LOCALE, create_programme, create_project, notifications,
    project_with_roadmap, setup_programme_world)


class ProgrammeTestCase(unittest.TestCase):
    "Test the investment programmes and orders of kz_ncip"

    @classmethod
    def setUpClass(cls):
        activate_module('kz_ncip')

    @classmethod
    def tearDownClass(cls):
        # The scenarios restore their database under the same name
        drop_db()

    @with_transaction()
    def test_defaults_from_organisation(self):
        "An akimat forms the regional programme of its region"
        Programme = Pool().get('ncip.investment.programme')
        w = setup_programme_world()
        programme = create_programme(w)
        self.assertEqual(programme.kind, 'regional')
        self.assertEqual(programme.region, w.astana)
        self.assertEqual(programme.organization, w.akimat_org)
        self.assertEqual(programme.state, 'draft')
        self.assertEqual(programme.planned_amount, Decimal('1000000'))
        # The total follows the lines before the programme is saved
        Line = Pool().get('ncip.investment.programme.line')
        unsaved = Programme(lines=[Line(planned_amount=Decimal('5')),
                Line(planned_amount=None), Line(planned_amount=Decimal('7'))])
        self.assertEqual(unsaved.on_change_with_planned_amount(), Decimal('12'))
        with as_user(w.embassy):
            self.assertEqual(Programme.default_kind(), 'country')
        with as_user(w.ministry):
            self.assertEqual(Programme.default_kind(), 'order')

    @with_transaction()
    def test_workflow_by_group(self):
        "Front offices submit, only the authorized body approves"
        Programme = Pool().get('ncip.investment.programme')
        w = setup_programme_world()
        programme = create_programme(w)
        for user in [w.chamber, w.authorized, w.investor_user]:
            with self.subTest(user=user.login):
                with as_user(user):
                    with self.assertRaises(
                            (AccessButtonError, AccessError)):
                        Programme.submit([Programme(programme.id)])
        with today(dt.date(2026, 1, 12)):
            with as_user(w.akimat):
                Programme.submit([Programme(programme.id)])
        programme = Programme(programme.id)
        self.assertEqual(programme.state, 'submitted')
        self.assertEqual(programme.submitted_by, w.akimat)
        self.assertEqual(programme.submitted_date, dt.date(2026, 1, 12))
        self.assertEqual(len(notifications(w.authorized, 'approve')), 1)
        # Not an authorized body: refused, whatever the access rights
        for user in [w.akimat, w.ministry, w.kazinvest, w.chamber]:
            with self.subTest(user=user.login):
                with as_user(user):
                    with self.assertRaises(AccessButtonError):
                        Programme.approve([Programme(programme.id)])
        self.assertEqual(Programme(programme.id).state, 'submitted')
        with today(dt.date(2026, 1, 14)):
            with as_user(w.authorized):
                Programme.approve([Programme(programme.id)])
        programme = Programme(programme.id)
        self.assertEqual(programme.state, 'approved')
        self.assertEqual(programme.approved_by, w.authorized)
        self.assertEqual(programme.approved_date, dt.date(2026, 1, 14))
        self.assertEqual(len(notifications(w.akimat, 'approved')), 1)
        # Approved: neither changed nor deleted
        with as_user(w.akimat):
            with self.assertRaises(ClientWriteError):
                Programme.write([Programme(programme.id)], {'name': "New"})
            with self.assertRaises(ProgrammeError):
                Programme.delete([Programme(programme.id)])
        with as_user(w.authorized):
            # The button is hidden out of the submitted state
            with self.assertRaises(AccessButtonError):
                Programme.approve([Programme(programme.id)])

    @with_transaction()
    def test_send_back_needs_note(self):
        "The authorized body sends a programme back with a note"
        Programme = Pool().get('ncip.investment.programme')
        w = setup_programme_world()
        programme = create_programme(w)
        with as_user(w.akimat):
            # The review note is the authorized body's, while it reviews
            with self.assertRaises(ClientWriteError):
                Programme.write([Programme(programme.id)], {
                        'review_note': "Looks fine"})
            Programme.submit([Programme(programme.id)])
            # Submitted: the akimat waits for the decision
            with self.assertRaises(ClientWriteError):
                Programme.write([Programme(programme.id)], {'name': "New"})
        with as_user(w.authorized):
            with self.assertRaisesRegex(ProgrammeError, 'review note'):
                Programme.send_back([Programme(programme.id)])
            Programme.write([Programme(programme.id)], {
                    'review_note': "Add the niches of the agro sector"})
            Programme.send_back([Programme(programme.id)])
        programme = Programme(programme.id)
        self.assertEqual(programme.state, 'draft')
        self.assertIsNone(programme.submitted_by)
        self.assertEqual(len(notifications(w.akimat, 'sent back')), 1)
        with as_user(w.authorized):
            with self.assertRaises(ClientWriteError):
                Programme.write([programme], {'review_note': "Later"})
        with as_user(w.akimat):
            Programme.write([programme], {'name': "Corrected"})
            Programme.submit([Programme(programme.id)])
        self.assertEqual(Programme(programme.id).review_note, None)

    @with_transaction()
    def test_deadline_15_january(self):
        "The regional programme of a year is due by 15 January of it"
        pool = Pool()
        Programme = pool.get('ncip.investment.programme')
        Deadline = pool.get('kz.deadline')
        Configuration = pool.get('kz.configuration')
        w = setup_programme_world()
        self.assertIn(Programme, list(Deadline.deadline_models()))
        programme = create_programme(w)
        self.assertEqual(programme.due_date, dt.date(2026, 1, 15))
        for date, state, colour in [
                (dt.date(2025, 12, 1), 'ok', 'green'),
                # Due soon for the last 30 % of the 15 days (5 days)
                (dt.date(2026, 1, 10), 'ok', 'green'),
                (dt.date(2026, 1, 11), 'warning', 'yellow'),
                (dt.date(2026, 1, 15), 'warning', 'yellow'),
                (dt.date(2026, 1, 16), 'overdue', 'red'),
                ]:
            with self.subTest(date=date):
                with today(date):
                    programme = Programme(programme.id)
                    self.assertEqual(programme.deadline_state, state)
                    self.assertEqual(programme.deadline_colour, colour)
                    self.assertIn(programme, Programme.search(
                            [('deadline_state', '=', state)]))
        # A country programme or an order has no yearly deadline
        country = create_programme(w, user=w.embassy, kind='country',
            name="Germany", country=w.germany.id)
        self.assertIsNone(country.due_date)
        # The daily cron flags it and tells the akimat and the body once
        with today(dt.date(2026, 1, 16)):
            Deadline.check_deadlines()
            Deadline.check_deadlines()
        self.assertTrue(Programme(programme.id).overdue)
        for user in [w.akimat, w.authorized]:
            self.assertEqual(len(notifications(user, 'overdue')), 1,
                user.login)
        self.assertFalse(notifications(w.akimat2, 'overdue'))
        # Submitted: the deadline no longer runs
        with as_user(w.akimat):
            Programme.submit([Programme(programme.id)])
        with today(dt.date(2026, 1, 20)):
            self.assertIsNone(Programme(programme.id).deadline_state)
        # The day is a setting
        config = Configuration(1)
        config.regional_programme_day = 20
        config.save()
        later = create_programme(w, year=2027)
        self.assertEqual(later.due_date, dt.date(2027, 1, 20))

    @with_transaction()
    def test_record_rules(self):
        "An akimat sees its region only; the central tier sees all"
        pool = Pool()
        Programme = pool.get('ncip.investment.programme')
        Line = pool.get('ncip.investment.programme.line')
        w = setup_programme_world()
        astana = create_programme(w)
        shymkent = create_programme(w, user=w.akimat2,
            name="Investment programme of Shymkent")
        country = create_programme(w, user=w.embassy, kind='country',
            name="Germany", country=w.germany.id)
        order = create_programme(w, user=w.ministry, kind='order',
            name="Order of the energy sector", region=None,
            industry="Energy")
        everything = {astana, shymkent, country, order}
        with as_user(w.akimat):
            self.assertEqual(Programme.search([]), [astana])
            self.assertEqual(
                {l.programme for l in Line.search([])}, {astana})
        with as_user(w.akimat2):
            self.assertEqual(Programme.search([]), [shymkent])
            with self.assertRaises(AccessError):
                Programme.read([astana.id], ['name'])
            with self.assertRaises(AccessError):
                Programme.write([Programme(astana.id)], {'name': "Mine"})
            with self.assertRaises(AccessError):
                Line.read([astana.lines[0].id], ['name'])
            with self.assertRaises(AccessError):
                Programme.submit([Programme(astana.id)])
        for user in [w.authorized, w.kazinvest, w.ministry, w.chamber,
                w.embassy]:
            with self.subTest(user=user.login):
                with as_user(user):
                    self.assertEqual(set(Programme.search([])), everything)
        # The central tier reads all but edits only its own
        with as_user(w.ministry):
            with self.assertRaises(AccessError):
                Programme.write([Programme(astana.id)], {'name': "Ours"})
            Programme.write([Programme(order.id)], {'name': "Energy"})
        with as_user(w.embassy):
            with self.assertRaises(AccessError):
                Programme.write([Programme(shymkent.id)], {'name': "Ours"})
        with as_user(w.kazinvest):
            Programme.write([Programme(astana.id)], {
                    'description': "Formed with Kazakh Invest"})
        with as_user(w.investor_user):
            with self.assertRaises(AccessError):
                Programme.search([])
        # Nor can an akimat create one for another region (last: the
        # refused record stays in this transaction)
        with as_user(w.akimat2):
            with self.assertRaises(AccessError):
                Programme.create([{
                            'name': "Astana", 'year': 2027,
                            'region': w.astana.id}])

    @with_transaction()
    def test_bad_input(self):
        "Missing region, order target, duplicates, bad lines, state"
        pool = Pool()
        Programme = pool.get('ncip.investment.programme')
        Line = pool.get('ncip.investment.programme.line')
        w = setup_programme_world()
        with self.assertRaisesRegex(RequiredValidationError, 'Region'):
            create_programme(w, user=w.kazinvest)
        with self.assertRaisesRegex(RequiredValidationError, 'Country'):
            create_programme(w, user=w.embassy, kind='country')
        with self.assertRaisesRegex(
                ProgrammeValidationError, 'region or an industry'):
            create_programme(w, user=w.ministry, kind='order')
        programme = create_programme(w, lines=0)
        with self.assertRaisesRegex(
                ProgrammeValidationError, 'already has'):
            create_programme(w, name="Second programme of Astana")
        # Another year is another programme
        create_programme(w, year=2027)
        with as_user(w.akimat):
            with self.assertRaisesRegex(ProgrammeError, 'niches'):
                Programme.submit([Programme(programme.id)])
            with self.assertRaises(DomainValidationError):
                Line.create([{'programme': programme.id, 'name': "Bad",
                            'planned_amount': Decimal(-1)}])
            # The state changes through the buttons only
            with self.assertRaises(ClientWriteError):
                Programme.write([Programme(programme.id)],
                    {'state': 'approved'})
            with self.assertRaises(ClientWriteError):
                Programme.create([{'name': "Approved", 'year': 2028,
                            'state': 'approved'}])
        # A regional programme takes the projects of its region only
        other = create_project(w, region=w.shymkent, name="Shymkent plant")
        with self.assertRaises(DomainValidationError):
            Line.create([{'programme': programme.id, 'name': "Plant",
                        'project': other.id}])
        mine = create_project(w, name="Astana plant")
        line = Line(programme=programme, project=mine)
        line.on_change_project()
        self.assertEqual(line.name, "Astana plant")
        self.assertEqual(line.planned_amount, mine.cost)
        line.save()

    @with_transaction()
    def test_errors_translated(self):
        "The errors speak the user's language"
        pool = Pool()
        Lang = pool.get('ir.lang')
        Translation = pool.get('ir.translation')
        w = setup_programme_world()
        ru, = Lang.search([('code', '=', 'ru')])
        Lang.write([ru], {'translatable': True})
        Translation.translation_import(
            'ru', 'kz_ncip', os.path.join(LOCALE, 'ru.po'))
        with Transaction().set_context(language='ru'):
            with self.assertRaisesRegex(
                    RequiredValidationError, 'Регион'):
                create_programme(w, user=w.kazinvest)
            with self.assertRaisesRegex(
                    ProgrammeValidationError, 'Заказ на инвестиции'):
                create_programme(w, user=w.ministry, kind='order')

    @with_transaction()
    def test_copy_to_next_year(self):
        "A copy is the draft of the next year with the same targets"
        Programme = Pool().get('ncip.investment.programme')
        w = setup_programme_world()
        programme = create_programme(w, lines=2)
        with as_user(w.akimat):
            Programme.submit([Programme(programme.id)])
        with as_user(w.authorized):
            Programme.approve([Programme(programme.id)])
        with as_user(w.akimat):
            copy, = Programme.copy([Programme(programme.id)])
        copy = Programme(copy.id)
        self.assertEqual(copy.year, 2027)
        self.assertEqual(copy.state, 'draft')
        self.assertIsNone(copy.approved_by)
        self.assertEqual(len(copy.lines), 2)
        self.assertEqual(copy.due_date, dt.date(2027, 1, 15))

    @with_transaction()
    def test_auto_exclusion_notifies(self):
        "The cron's exclusion tells the akimat and the investor (N§34)"
        pool = Pool()
        Project = pool.get('ncip.project')
        w = setup_programme_world()
        project = project_with_roadmap(w)
        Project.write([project], {
                'state': 'post_investment',
                'monitoring_start': dt.date(2025, 10, 1),
                'monitoring_end': dt.date(2028, 10, 1)})
        with today(dt.date(2028, 10, 1)):
            self.assertEqual(Project.exclude_expired(), [project])
        for user in [w.akimat, w.investor_user]:
            found = notifications(user, 'excluded')
            self.assertEqual(len(found), 1, user.login)
            self.assertIn(project.rec_name, found[0].label)
            self.assertIn('2028-10-01', found[0].description)
        for user in [w.akimat2, w.investor2_user]:
            self.assertFalse(notifications(user, 'excluded'), user.login)
