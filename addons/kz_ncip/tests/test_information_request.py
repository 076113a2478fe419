# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"Investor information requests (N§12.7, 16.5)"
import datetime as dt
import unittest

from trytond.model.exceptions import AccessError, DomainValidationError
from trytond.model.modelview import AccessButtonError
from trytond.modules.kz_base.exceptions import ClientWriteError
from trytond.modules.kz_base.tests.tools import as_user, today
from trytond.modules.kz_ncip.exceptions import InformationRequestError
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction

from .tools import notifications, setup_world

# A week without public holidays: Monday 2 to Friday 6 February 2026
MONDAY = dt.date(2026, 2, 2)


def register(w, user=None, **values):
    "Create and register a request as the user (the investor by default)"
    Request = Pool().get('ncip.information.request')
    values.setdefault('front_office', w.akimat_org.id)
    values.setdefault('subject', "Land plots for a glass factory")
    values.setdefault('question', "Which land plots with gas are free?")
    with as_user(user or w.investor_user):
        request, = Request.create([values])
        Request.submit([Request(request.id)])
    return Request(request.id)


class InformationRequestTestCase(unittest.TestCase):
    "Test the investor information requests of kz_ncip"

    @classmethod
    def setUpClass(cls):
        activate_module('kz_ncip')

    @with_transaction()
    def test_investor_asks_front_office_answers(self):
        "The investor asks, the akimat answers in 5 wd, the investor reads"
        Request = Pool().get('ncip.information.request')
        w = setup_world()
        with as_user(w.investor_user):
            # The investor asks for its own company
            self.assertEqual(Request.default_investor(), w.investor.id)
            self.assertEqual(
                Request.default_organization(), w.investor_org.id)
        with today(MONDAY):
            request = register(w)
        self.assertEqual(request.state, 'submitted')
        self.assertEqual(request.investor, w.investor)
        self.assertEqual(request.organization, w.investor_org)
        self.assertEqual(request.on_behalf, False)
        self.assertEqual(request.submitted_by, w.investor_user)
        self.assertEqual(request.submitted_date, MONDAY)
        # 5 working days: the Monday after
        self.assertEqual(request.due_date, dt.date(2026, 2, 9))
        self.assertEqual(
            len(notifications(w.akimat, "information request")), 1)

        # The investor neither answers nor writes the answer
        with as_user(w.investor_user):
            with self.assertRaises(ClientWriteError):
                Request.write([Request(request.id)], {'answer': "Done"})
            with self.assertRaises(AccessButtonError):
                Request.answer_request([Request(request.id)])
        # An empty answer is not sent
        with as_user(w.akimat):
            with self.assertRaises(InformationRequestError):
                Request.answer_request([Request(request.id)])
            Request.write([Request(request.id)], {
                    'answer': "Plots 12 and 14 of the industrial zone."})
            with today(dt.date(2026, 2, 5)):
                Request.answer_request([Request(request.id)])
        request = Request(request.id)
        self.assertEqual(request.state, 'answered')
        self.assertEqual(request.answered_by, w.akimat)
        self.assertEqual(request.answer_date, dt.date(2026, 2, 5))
        self.assertEqual(
            len(notifications(w.investor_user, "Answer to your")), 1)
        with as_user(w.investor_user):
            answer, = Request.read([request.id], ['answer'])
            self.assertEqual(
                answer['answer'], "Plots 12 and 14 of the industrial zone.")
            # Answered: the answer stays as sent
        with as_user(w.akimat):
            with self.assertRaises(ClientWriteError):
                Request.write([Request(request.id)], {'answer': "Other"})

    @with_transaction()
    def test_on_behalf_and_visibility(self):
        """A front office registers for the investor; each investor sees
        its own requests, each front office those addressed to it"""
        Request = Pool().get('ncip.information.request')
        w = setup_world()
        with today(MONDAY):
            own = register(w)
            # The akimat of Shymkent registers for the investor and
            # addresses the ministry (a central front office)
            behalf = register(w, user=w.akimat2, investor=w.investor.id,
                front_office=w.ministry_org.id)
            other = register(w, user=w.investor2_user,
                investor=w.investor2.id)
        self.assertEqual(behalf.organization, w.akimat2_org)
        self.assertEqual(behalf.on_behalf, True)
        for user, visible in [
                (w.investor_user, {own, behalf}),
                (w.investor2_user, {other}),
                (w.akimat, {own, other}),
                (w.akimat2, {behalf}),
                (w.ministry, {behalf}),
                (w.authorized, {own, behalf, other}),
                ]:
            with self.subTest(user=user.login):
                with as_user(user):
                    self.assertEqual(set(Request.search([])), visible)
        # A draft stays with whoever writes it
        with as_user(w.investor_user):
            draft, = Request.create([{'investor': w.investor.id,
                        'front_office': w.akimat_org.id,
                        'subject': "Not sent", 'question': "Q"}])
        with as_user(w.akimat):
            self.assertEqual(Request.search([('id', '=', draft.id)]), [])
        with as_user(w.investor2_user):
            with self.assertRaises(AccessError):
                Request.read([own.id], ['answer'])
            # Nor asks in the name of another investor
            with self.assertRaises(AccessError):
                Request.create([{'investor': w.investor.id,
                            'front_office': w.akimat_org.id,
                            'subject': "S", 'question': "Q"}])
        # The chamber answers nothing it was not asked
        with as_user(w.chamber):
            self.assertEqual(Request.search([]), [])
        # The ministry answers; the investor is told, not the akimat
        with as_user(w.ministry):
            Request.write([Request(behalf.id)], {'answer': "See the list"})
            Request.answer_request([Request(behalf.id)])
        self.assertEqual(
            len(notifications(w.investor_user, "Answer to your")), 1)
        self.assertEqual(
            len(notifications(w.akimat2, "Answer to your")), 1)

    @with_transaction()
    def test_front_office_tier(self):
        "Only a regional or central front office answers"
        Request = Pool().get('ncip.information.request')
        w = setup_world()
        for organization in [w.embassy_org, w.investor2_org, w.mfa_org]:
            with self.subTest(organization=organization.name):
                with self.assertRaises(DomainValidationError):
                    Request.create([{
                                'investor': w.investor.id,
                                'front_office': organization.id,
                                'subject': "S", 'question': "Q"}])

    @with_transaction()
    def test_deadline_setting_holiday_reminder_escalation(self):
        """The days are a setting, counted in working days; a reminder
        before and an escalation after the due date, once each"""
        pool = Pool()
        Request = pool.get('ncip.information.request')
        Configuration = pool.get('kz.configuration')
        Override = pool.get('kz.calendar.override')
        w = setup_world()
        # Friday + 5 wd is the next Friday
        with today(dt.date(2026, 2, 6)):
            friday = register(w)
        self.assertEqual(friday.due_date, dt.date(2026, 2, 13))
        # A day off in the week moves it by one working day
        Override.create([{'date': dt.date(2026, 2, 10), 'kind': 'holiday'}])
        with today(dt.date(2026, 2, 6)):
            holiday = register(w, subject="After a day off")
        self.assertEqual(holiday.due_date, dt.date(2026, 2, 16))
        # The setting decides the number of days
        config = Configuration(1)
        config.information_request_days = 2
        config.save()
        with today(MONDAY):
            short = register(w, subject="Short")
        self.assertEqual(short.due_date, dt.date(2026, 2, 4))

        # Reminder before the due date (reminder days of kz_base)
        with today(dt.date(2026, 2, 3)):
            Request.check_deadlines()
        self.assertEqual(Request(short.id).deadline_reminded, True)
        self.assertEqual(Request(short.id).overdue, False)
        # Late: the akimat and the authorized body are told, once
        with today(dt.date(2026, 2, 5)):
            self.assertEqual(Request(short.id).deadline_state, 'overdue')
            self.assertIn(short, Request.search(
                    [('deadline_state', '=', 'overdue')]))
            Request.check_deadlines()
            Request.check_deadlines()
        self.assertEqual(Request(short.id).overdue, True)
        self.assertEqual(
            len(notifications(w.authorized, "Overdue")), 1)
        # Answered late: no longer overdue
        with as_user(w.akimat):
            Request.write([Request(short.id)], {'answer': "Late answer"})
            with today(dt.date(2026, 2, 5)):
                Request.answer_request([Request(short.id)])
        self.assertEqual(Request(short.id).overdue, False)
        self.assertEqual(Request(short.id).deadline_state, None)
        # Refused last: it leaves the test transaction unusable
        with self.assertRaises(DomainValidationError):
            config.information_request_days = 0
            config.save()

    @with_transaction()
    def test_delete_and_empty_request(self):
        "A draft is deleted, a registered request is kept"
        Request = Pool().get('ncip.information.request')
        w = setup_world()
        with as_user(w.investor_user):
            draft, = Request.create([{
                        'investor': w.investor.id,
                        'front_office': w.akimat_org.id,
                        'subject': "Draft", 'question': " "}])
            with self.assertRaises(InformationRequestError):
                Request.submit([draft])
            Request.delete([draft])
        request = register(w)
        with as_user(w.investor_user):
            with self.assertRaises(InformationRequestError):
                Request.delete([request])
            # Registered: the question stays as sent
            with self.assertRaises(ClientWriteError):
                Request.write([request], {'question': "Other"})
