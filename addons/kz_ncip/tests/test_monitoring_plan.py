# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"The yearly revision of the monitoring plan (Annex 2 §8)"
import datetime as dt
import unittest

from trytond.model.modelview import AccessButtonError
from trytond.modules.kz_base.exceptions import ClientWriteError
from trytond.modules.kz_base.tests.tools import as_user, today
from trytond.modules.kz_ncip.exceptions import ReportingError
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)

from .tools import notifications, setup_world


class MonitoringPlanTestCase(unittest.TestCase):
    "Test the revisions of the monitoring plan of kz_ncip"

    @classmethod
    def setUpClass(cls):
        activate_module('kz_ncip')

    @classmethod
    def tearDownClass(cls):
        # The scenarios restore their database under the same name
        drop_db()

    def record(self, w, revision, date, summary="Activities updated"):
        Revision = Pool().get('ncip.monitoring.plan.revision')
        with as_user(w.authorized):
            Revision.write([Revision(revision.id)], {'summary': summary})
            with today(date):
                Revision.revise([Revision(revision.id)])
        return Revision(revision.id)

    @with_transaction()
    def test_due_a_year_after_last_revision(self):
        """The first revision is due by the end of its year, the next one
        a year after the last recorded revision"""
        pool = Pool()
        Revision = pool.get('ncip.monitoring.plan.revision')
        w = setup_world()
        with as_user(w.authorized), today(dt.date(2026, 2, 1)):
            first, = Revision.create([{}])
        first = Revision(first.id)
        self.assertEqual(first.year, 2026)
        self.assertEqual(first.previous_revision, None)
        self.assertEqual(first.due_date, dt.date(2026, 12, 31))

        first = self.record(w, first, dt.date(2026, 3, 10))
        self.assertEqual(first.state, 'done')
        self.assertEqual(first.revision_date, dt.date(2026, 3, 10))
        self.assertEqual(first.revised_by, w.authorized)
        self.assertEqual(first.due_date, dt.date(2026, 12, 31))
        self.assertEqual(first.deadline_state, None)
        # The next revision opens with its deadline
        following, = Revision.search([('state', '=', 'draft')])
        self.assertEqual(following.previous_revision, first)
        self.assertEqual(following.year, 2027)
        self.assertEqual(following.due_date, dt.date(2027, 3, 10))
        # A revision created by hand counts from the last one too
        with as_user(w.authorized):
            extra, = Revision.create([{'year': 2027}])
        self.assertEqual(Revision(extra.id).due_date, dt.date(2027, 3, 10))

        # An early revision moves the due date of the pending ones
        second = self.record(w, extra, dt.date(2026, 9, 1))
        following = Revision(following.id)
        self.assertEqual(following.previous_revision, second)
        self.assertEqual(following.due_date, dt.date(2027, 9, 1))
        self.assertEqual(len(Revision.search([('state', '=', 'draft')])), 1)

    @with_transaction()
    def test_setting_changes_due_date(self):
        "The period between revisions is a setting"
        pool = Pool()
        Revision = pool.get('ncip.monitoring.plan.revision')
        Configuration = pool.get('kz.configuration')
        w = setup_world()
        self.assertEqual(Configuration(1).monitoring_plan_revision_months, 12)
        with as_user(w.authorized):
            first, = Revision.create([{'year': 2026}])
        self.record(w, first, dt.date(2026, 3, 10))
        following, = Revision.search([('state', '=', 'draft')])
        self.assertEqual(following.due_date, dt.date(2027, 3, 10))
        # The pending revision follows a new setting
        config = Configuration(1)
        config.monitoring_plan_revision_months = 6
        config.save()
        self.assertEqual(
            Revision(following.id).due_date, dt.date(2026, 9, 10))
        # And so does the next one opened
        second = self.record(w, following, dt.date(2026, 8, 31))
        following, = Revision.search([('state', '=', 'draft')])
        self.assertEqual(following.previous_revision, second)
        self.assertEqual(following.year, 2027)
        self.assertEqual(following.due_date, dt.date(2027, 2, 28))

    @with_transaction()
    def test_overdue_from_daily_check(self):
        """The daily deadline check reminds the authorized body before the
        due date and flags the revision overdue after it"""
        pool = Pool()
        Revision = pool.get('ncip.monitoring.plan.revision')
        Deadline = pool.get('kz.deadline')
        w = setup_world()
        with as_user(w.authorized):
            first, = Revision.create([{'year': 2026}])
        self.record(w, first, dt.date(2026, 3, 10))
        following, = Revision.search([('state', '=', 'draft')])
        with today(dt.date(2027, 3, 8)):
            Deadline.check_deadlines()
            self.assertEqual(
                Revision(following.id).deadline_state, 'warning')
        self.assertEqual(Revision(following.id).overdue, False)
        self.assertEqual(len(notifications(w.authorized, "Due soon")), 1)
        self.assertEqual(notifications(w.akimat, "Due soon"), [])
        with today(dt.date(2027, 3, 11)):
            Deadline.check_deadlines()
            following = Revision(following.id)
            self.assertEqual(following.deadline_state, 'overdue')
            self.assertEqual(Revision.search(
                    [('deadline_state', '=', 'overdue')]), [following])
        self.assertEqual(following.overdue, True)
        self.assertEqual(len(notifications(w.authorized, "Overdue")), 1)
        # Recorded late, it is no longer overdue
        following = self.record(w, following, dt.date(2027, 3, 12))
        self.assertEqual(following.overdue, False)
        self.assertEqual(following.deadline_state, None)

    @with_transaction()
    def test_only_authorized_body_records(self):
        """Every NCIP body reads the revisions; only the authorized body
        records one, with a summary, and then it is read-only"""
        pool = Pool()
        Revision = pool.get('ncip.monitoring.plan.revision')
        w = setup_world()
        with as_user(w.authorized):
            revision, = Revision.create([{'year': 2026}])
        for user in [w.akimat, w.chamber, w.ministry, w.embassy]:
            with as_user(user):
                self.assertEqual(Revision.search([]), [revision])
                with self.assertRaises(Exception):
                    Revision.create([{'year': 2026}])
                with self.assertRaises(AccessButtonError):
                    Revision.revise([Revision(revision.id)])
        with as_user(w.investor_user):
            with self.assertRaises(Exception):
                Revision.search([])
        # Without a summary of the changes it is not recorded
        with as_user(w.authorized):
            with self.assertRaises(ReportingError):
                Revision.revise([Revision(revision.id)])
        revision = self.record(w, revision, dt.date(2026, 5, 5))
        self.assertEqual(revision.state, 'done')
        with as_user(w.authorized):
            for values in [{'summary': "Changed"}, {'year': 2025},
                    {'revision_date': dt.date(2026, 1, 1)},
                    {'revised_by': w.akimat.id}, {'state': 'draft'}]:
                with self.assertRaises(ClientWriteError):
                    Revision.write([Revision(revision.id)], values)
        self.assertEqual(Revision(revision.id).summary, "Activities updated")


