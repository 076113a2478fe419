# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"Module 1 'Attraction': cards, KYC, meetings, visits, initiatives"
import datetime as dt
import os
import unittest
from decimal import Decimal

from lxml import etree

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, DomainValidationError
from trytond.model.modelview import AccessButtonError
from trytond.modules.kz_ncip.exceptions import (
    InitiativeError, KYCError, PartyDuplicateError, VisitError)
from trytond.modules.kz_base.exceptions import ClientWriteError
from trytond.modules.kz_base.tests.tools import as_user, create_user, today
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder, PYSONEncoder
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from .tools import LOCALE, VALID_BIN, setup_attraction_world, world_user

KYC_FIELDS = ['kyc_state', 'kyc_note', 'kyc_date', 'kyc_officer', 'kyc_checks']


def other_users(w):
    "Return a bank user and a Damu officer"
    Organization = Pool().get('kz.organization')
    bank_org, damu_org = Organization.create([
            {'name': "Halyk Bank", 'kind': 'bank'},
            {'name': "Damu", 'kind': 'financial_agency'},
            ])
    return [world_user('bank', bank_org, 'bank'),
        world_user('damu', damu_org, 'damu_officer')]


def create_initiative(w, **values):
    Initiative = Pool().get('ncip.initiative')
    defaults = {
        'name': "Wind farm", 'organization': w.embassy_org.id,
        'investor': w.investor.id, 'region': w.astana.id,
        'akimat': w.akimat_org.id, 'visit_date': dt.date(2025, 3, 20),
        'industry': "Energy", 'cost': Decimal('1000000'),
        'description': "A 100 MW wind farm",
        }
    defaults.update(values)
    initiative, = Initiative.create([defaults])
    return initiative


def enabled_buttons(Model):
    "Return the buttons of the form view that the user may click"
    arch = Model.fields_view_get(view_type='form')['arch']
    enabled = set()
    for button in etree.fromstring(arch).iter('button'):
        states = PYSONDecoder().decode(button.get('states', '{}'))
        if states.get('readonly') is not True:
            enabled.add(button.get('name'))
    return enabled


class AttractionTestCase(unittest.TestCase):
    "Test Module 1 'Attraction' of kz_ncip"

    @classmethod
    def setUpClass(cls):
        activate_module('kz_ncip')

    # Cards and KYC (N-4)
    @with_transaction()
    def test_escalations_reach_authorized_body(self):
        "Initiative and project escalations reach the same people: the "
        "users of the authorized body, not everyone in its role"
        pool = Pool()
        Project = pool.get('ncip.project')
        w = setup_attraction_world()
        create_user('outsider', 'group_authorized_body', w.kazinvest_org,
            name="Outsider")
        initiative = create_initiative(w)
        project, = Project.create([{
                    'name': "Plant", 'investor': w.investor.id,
                    'region': w.astana.id, 'akimat': w.akimat_org.id,
                    'passport_date': dt.date(2025, 6, 1)}])

        def escalated_to(record):
            return (set(record.get_deadline_escalation_recipients())
                - set(record.get_deadline_recipients()))
        self.assertEqual(escalated_to(initiative), {w.authorized})
        self.assertEqual(escalated_to(project), {w.authorized})

    @with_transaction()
    def test_investor_card_bin_and_duplicates(self):
        "BIN through the kz_bin identifier; duplicates by BIN or name+country"
        Party = Pool().get('party.party')
        w = setup_attraction_world()
        company, = Party.create([{
                    'name': "Vestas", 'ncip_investor': True,
                    'origin_country': w.germany.id,
                    'identifiers': [('create', [{
                                    'type': 'kz_bin', 'code': VALID_BIN}])],
                    }])
        self.assertEqual(company.ncip_bin, VALID_BIN)
        self.assertEqual(
            Party.search([('ncip_bin', '=', VALID_BIN)]), [company])
        with self.assertRaisesRegex(PartyDuplicateError, VALID_BIN):
            Party.create([{
                        'name': "Other", 'identifiers': [('create', [{
                                        'type': 'kz_bin',
                                        'code': VALID_BIN}])]}])
        with self.assertRaisesRegex(PartyDuplicateError, 'already exists'):
            Party.create([{
                        'name': "siemens energy", 'ncip_investor': True,
                        'origin_country': w.germany.id}])
        # Same name from another country is another company
        Party.create([{'name': "Siemens Energy", 'ncip_investor': True}])

    @with_transaction()
    def test_contact_card(self):
        "A contact person is a party of the company with a position"
        Party = Pool().get('party.party')
        w = setup_attraction_world()
        contact, = Party.create([{
                    'name': "Hans Müller", 'ncip_employer': w.investor.id,
                    'ncip_position': "Director",
                    'contact_mechanisms': [('create', [{
                                    'type': 'email',
                                    'value': 'hans@example.com'}])],
                    }])
        w.investor.ncip_contact = contact
        w.investor.save()
        self.assertEqual(list(w.investor.ncip_contacts), [contact])

    @with_transaction()
    def test_kyc_checklist(self):
        "KYC passes only when every check is done; failing needs a note"
        Party = Pool().get('party.party')
        w = setup_attraction_world()
        party = w.investor
        self.assertEqual(party.kyc_state, 'not_started')
        Party.kyc_start([party])
        self.assertEqual(party.kyc_state, 'in_progress')
        self.assertEqual(len(party.kyc_checks), 5)
        with self.assertRaises(KYCError):
            Party.kyc_pass([party])
        with self.assertRaises(KYCError):
            Party.kyc_fail([party])
        for check in party.kyc_checks:
            check.done = True
            check.save()
        with today(dt.date(2025, 5, 5)), \
                Transaction().set_user(w.embassy.id):
            Party.kyc_pass([party])
        party = Party(party.id)
        self.assertEqual(party.kyc_state, 'passed')
        # Nobody sets the result by a plain write: not even a KYC body,
        # and the investor may not write (nor read) its KYC at all
        with as_user(w.embassy):
            with self.assertRaises(ClientWriteError):
                Party.write([party], {'kyc_state': 'failed'})
        with as_user(w.investor_user):
            with self.assertRaises(AccessError):
                Party.write([party], {'kyc_state': 'failed'})
        self.assertEqual(party.kyc_date, dt.date(2025, 5, 5))
        self.assertEqual(party.kyc_officer, w.embassy)

    @with_transaction()
    def test_kyc_field_access(self):
        "The KYC is read by the NCIP bodies and written by the KYC bodies"
        pool = Pool()
        Party = pool.get('party.party')
        w = setup_attraction_world()
        bank, damu = other_users(w)
        party = w.investor
        Party.kyc_start([party])
        with as_user(w.embassy):
            Party.write([party], {'kyc_note': "Sanctions lists clear"})
            self.assertEqual(Party.read([party.id], ['kyc_note'])[0][
                    'kyc_note'], "Sanctions lists clear")
            Party.write([party], {'kyc_checks': [('write',
                            [party.kyc_checks[0].id], {'done': True})]})
        with as_user(w.authorized):
            Party.write([party], {'kyc_note': "Reviewed"})
        # The akimat reads the KYC, writes the card but not the KYC
        with as_user(w.akimat):
            values, = Party.read([party.id], KYC_FIELDS)
            self.assertEqual(values['kyc_state'], 'in_progress')
            Party.write([party], {'oked': '35.12'})
            for values in [{'kyc_note': "Changed"},
                    {'kyc_checks': [('delete', [party.kyc_checks[0].id])]}]:
                with self.subTest(values=values):
                    with self.assertRaises(AccessError):
                        Party.write([party], values)
        # The investor reads its card, neither reads nor writes its KYC
        # and does not edit the card
        with as_user(w.investor_user):
            self.assertEqual(Party.read([party.id], ['name', 'oked'])[0][
                    'oked'], '35.12')
            for name in KYC_FIELDS:
                with self.subTest(name=name):
                    with self.assertRaises(AccessError):
                        Party.read([party.id], [name])
            for values in [{'kyc_note': "Self-assessed"}, {'oked': '01.11'},
                    {'ncip_investor': False}]:
                with self.subTest(values=values):
                    with self.assertRaises(AccessError):
                        Party.write([party], values)
        # Banks and Damu read the parties, not their KYC
        for user in [bank, damu]:
            with self.subTest(user=user.login), as_user(user):
                self.assertEqual(Party.read([party.id], ['rec_name'])[0][
                        'rec_name'], "Siemens Energy")
                for name in KYC_FIELDS:
                    with self.assertRaises(AccessError):
                        Party.read([party.id], [name])
                with self.assertRaises(AccessError):
                    Party.search([('kyc_state', '=', 'passed')])
                with self.assertRaises(AccessError):
                    Party.write([party], {'kyc_note': "Bank's view"})
                view = Party.fields_view_get(view_type='form')
                self.assertFalse(set(KYC_FIELDS) & set(view['fields']))
        party = Party(party.id)
        self.assertEqual(party.kyc_note, "Reviewed")
        self.assertEqual(party.oked, '35.12')
        self.assertEqual(
            sorted(c.done for c in party.kyc_checks), [False] * 4 + [True])

    @with_transaction()
    def test_investor_reads_own_card_only(self):
        "An investor reads the card of its company and its contacts only"
        pool = Pool()
        Party = pool.get('party.party')
        w = setup_attraction_world()
        bank, damu = other_users(w)
        other, = Party.create([{'name': "Vestas Wind", 'ncip_investor': True}])
        contact, = Party.create([{
                    'name': "Anna Schmidt", 'ncip_employer': w.investor.id,
                    'ncip_position': "Director"}])
        with as_user(w.investor_user):
            self.assertEqual(
                set(Party.search([])), {w.investor, contact})
            Party.read([w.investor.id, contact.id], ['rec_name'])
            with self.assertRaises(AccessError):
                Party.read([other.id], ['name'])
            with self.assertRaises(AccessError):
                Party.write([other], {'name': "Renamed"})
        # The rule is the investors' only
        for user in [w.embassy, w.akimat, bank, damu]:
            with self.subTest(user=user.login), as_user(user):
                self.assertIn(other, Party.search([]))
                Party.read([other.id], ['rec_name'])

    # Meetings and visits (N-5, N-6)
    @with_transaction()
    def test_meeting_to_initiative(self):
        "A meeting records the talks and creates its initiative"
        pool = Pool()
        Meeting = pool.get('ncip.meeting')
        w = setup_attraction_world()
        with Transaction().set_user(w.embassy.id):
            meeting, = Meeting.create([{
                        'subject': "Wind energy", 'date': dt.date(2025, 3, 20),
                        'investor': w.investor.id, 'place': "Berlin",
                        'event': "Kazakhstan Investment Forum",
                        'key_points': "Interest in wind", 'cost': Decimal(5),
                        'jobs': 200, 'region': w.astana.id,
                        'industry': "Energy", 'expectations': "Land plot",
                        'agreements': "Site visit",
                        'participants': [('create', [
                                        {'kind': 'official',
                                            'user': w.embassy.id,
                                            'name': "Consul"},
                                        {'kind': 'investor',
                                            'name': "Hans Müller"}])],
                        }])
            self.assertEqual(meeting.organization, w.embassy_org)
            action = Meeting.create_initiative([meeting])
        initiative = meeting.initiative
        self.assertTrue(initiative)
        # The button opens the initiative and says what comes next
        self.assertEqual(action['res_model'], 'ncip.initiative')
        self.assertEqual(action['res_id'], initiative.id)
        self.assertEqual(action['views'][0][1], 'form')
        self.assertIn("Initiative created: Wind energy", action['kz_message'])
        self.assertIn("akimat", action['kz_message'])
        self.assertEqual(initiative.meeting, meeting)
        self.assertEqual(list(initiative.meetings), [meeting])
        self.assertEqual(initiative.cost, Decimal(5))
        self.assertEqual(initiative.region, w.astana)
        self.assertEqual(initiative.akimat, w.akimat_org)
        self.assertEqual(initiative.organization, w.embassy_org)
        self.assertEqual(initiative.visit_date, dt.date(2025, 3, 20))

    @with_transaction()
    def test_visit_workflow(self):
        "Draft, proposed, refused with reason or approved, done with card"
        pool = Pool()
        Visit = pool.get('ncip.visit')
        w = setup_attraction_world()
        visit, = Visit.create([{
                    'name': "Visit to Astana",
                    'organization': w.embassy_org.id,
                    'investor': w.investor.id,
                    'date_from': dt.date(2025, 3, 18),
                    'date_to': dt.date(2025, 3, 20),
                    'goals': "Meet the akimat",
                    'responsible_bodies': [('add', [w.akimat_org.id])],
                    }])
        Visit.propose([visit])
        with self.assertRaises(VisitError):
            Visit.refuse([visit])
        visit.decision_note = "Not the right time"
        visit.save()
        Visit.refuse([visit])
        self.assertEqual(visit.state, 'refused')
        Visit.draft([visit])
        Visit.propose([visit])
        with today(dt.date(2025, 3, 1)):
            Visit.approve([visit])
        self.assertEqual(visit.state, 'approved')
        self.assertEqual(visit.decision_date, dt.date(2025, 3, 1))
        with self.assertRaises(VisitError):
            Visit.create_initiative([visit])
        with self.assertRaises(VisitError):
            Visit.done([visit])
        visit.agreements = "Land plot agreed"
        visit.programme = "Day 1: akimat"
        visit.save()
        Visit.done([visit])
        self.assertEqual(visit.visit_date, dt.date(2025, 3, 20))
        Visit.create_initiative([visit])
        initiative, = visit.initiatives
        self.assertEqual(initiative.visit, visit)
        self.assertEqual(initiative.agreements, "Land plot agreed")
        self.assertEqual(initiative.visit_date, dt.date(2025, 3, 20))

    # Initiative deadlines (N-7, N-8)
    @with_transaction()
    def test_handover_deadline_across_nauryz(self):
        "3 working days after 20 March 2025 skip Nauryz: due 28 March"
        w = setup_attraction_world()
        initiative = create_initiative(w)
        self.assertEqual(initiative.due_date, dt.date(2025, 3, 28))
        with today(dt.date(2025, 3, 27)):
            initiative = initiative.__class__(initiative.id)
            self.assertEqual(initiative.days_left, 1)
            self.assertEqual(initiative.deadline_state, 'warning')
        with today(dt.date(2025, 3, 29)):
            initiative = initiative.__class__(initiative.id)
            self.assertEqual(initiative.deadline_state, 'overdue')

    @with_transaction()
    def test_decision_deadline_and_extension(self):
        "30 calendar days at the akimat, one extension of at most 30"
        pool = Pool()
        Initiative = pool.get('ncip.initiative')
        Configuration = pool.get('kz.configuration')
        w = setup_attraction_world()
        initiative = create_initiative(w)
        with today(dt.date(2025, 3, 24)):
            Initiative.hand_over([initiative])
        initiative = Initiative(initiative.id)
        self.assertEqual(initiative.state, 'handed')
        self.assertEqual(initiative.due_date, dt.date(2025, 4, 23))
        with today(dt.date(2025, 4, 1)):
            self.assertEqual(Initiative(initiative.id).deadline_state, 'ok')
        # Due soon for the last 30 % of the 30 days (fewer than 9 left)
        with today(dt.date(2025, 4, 15)):
            self.assertEqual(
                Initiative(initiative.id).deadline_state, 'warning')
        initiative.officer = w.akimat
        initiative.save()
        Initiative.assign([initiative])
        initiative.extension_days = 31
        initiative.save()
        with self.assertRaisesRegex(InitiativeError, '30'):
            Initiative.extend([initiative])
        initiative.extension_days = 20
        initiative.save()
        # Saving the days alone does not extend
        self.assertEqual(
            Initiative(initiative.id).due_date, dt.date(2025, 4, 23))
        Initiative.extend([initiative])
        initiative = Initiative(initiative.id)
        self.assertTrue(initiative.extended)
        self.assertEqual(initiative.due_date, dt.date(2025, 5, 13))
        with self.assertRaisesRegex(InitiativeError, 'only once'):
            Initiative.extend([initiative])
        # The durations are settings
        config = Configuration(1)
        config.initiative_decision_days = 10
        config.save()
        initiative.handed_date = initiative.handed_date
        Initiative.write([initiative], {'extension_days': 20})
        self.assertEqual(
            Initiative(initiative.id).due_date, dt.date(2025, 4, 23))

    @with_transaction()
    def test_extension_days_checked(self):
        "The extension days are 1 to the maximum and fixed once extended"
        pool = Pool()
        Initiative = pool.get('ncip.initiative')
        w = setup_attraction_world()
        initiative = create_initiative(w)
        with today(dt.date(2025, 3, 24)):
            Initiative.hand_over([initiative])
        with as_user(w.akimat):
            for days in [0, -5, 31]:
                with self.subTest(days=days):
                    with self.assertRaisesRegex(
                            InitiativeError, 'between 1 and 30'):
                        Initiative.write([Initiative(initiative.id)],
                            {'extension_days': days})
            Initiative.write([Initiative(initiative.id)],
                {'extension_days': 10})
            with today(dt.date(2025, 4, 1)):
                Initiative.extend([Initiative(initiative.id)])
        initiative = Initiative(initiative.id)
        self.assertEqual(initiative.due_date, dt.date(2025, 5, 3))
        with as_user(w.akimat):
            # Extended: the field is read-only, the server refuses it
            for days in [30, 5, None]:
                with self.subTest(days=days):
                    with self.assertRaises(ClientWriteError):
                        Initiative.write([Initiative(initiative.id)],
                            {'extension_days': days})
            # The same value changes nothing and passes
            Initiative.write([Initiative(initiative.id)],
                {'extension_days': 10, 'description': "Second talks"})
        initiative = Initiative(initiative.id)
        self.assertEqual(initiative.extension_days, 10)
        self.assertEqual(initiative.due_date, dt.date(2025, 5, 3))
        # A draft initiative shows no extension: the client may not set it
        with as_user(w.embassy):
            with self.assertRaises(ClientWriteError):
                create_initiative(w, extension_days=10)

    @with_transaction()
    def test_initiative_deadline_colour(self):
        "Initiatives: red overdue, yellow for the last 30 % of the period"
        Initiative = Pool().get('ncip.initiative')
        w = setup_attraction_world()
        initiative = create_initiative(w)
        with today(dt.date(2025, 3, 24)):
            Initiative.hand_over([initiative])
        self.assertEqual(
            Initiative(initiative.id).due_date, dt.date(2025, 4, 23))
        # The default colours of kz_base: due soon when fewer days are
        # left than 30 % of the 30-day period (9), at most 10
        for date, days_left, state, colour in [
                (dt.date(2025, 4, 14), 9, 'ok', 'green'),
                (dt.date(2025, 4, 15), 8, 'warning', 'yellow'),
                (dt.date(2025, 4, 23), 0, 'warning', 'yellow'),
                (dt.date(2025, 4, 24), -1, 'overdue', 'red'),
                ]:
            with self.subTest(date=date), today(date):
                initiative = Initiative(initiative.id)
                self.assertEqual(initiative.days_left, days_left)
                self.assertEqual(initiative.deadline_state, state)
                self.assertEqual(initiative.deadline_colour, colour)
                self.assertEqual(Initiative.search(
                        [('deadline_state', '=', state)]), [initiative])

    @with_transaction()
    def test_errors_translated(self):
        "The errors of Module 1 speak the user's language"
        pool = Pool()
        Lang = pool.get('ir.lang')
        Translation = pool.get('ir.translation')
        Initiative = pool.get('ncip.initiative')
        w = setup_attraction_world()
        ru, = Lang.search([('code', '=', 'ru')])
        Lang.write([ru], {'translatable': True})
        Translation.translation_import(
            'ru', 'kz_ncip', os.path.join(LOCALE, 'ru.po'))
        # The guard's refusals are kz_base's
        Translation.translation_import('ru', 'kz_base', os.path.join(
                os.path.dirname(os.path.dirname(LOCALE)), 'kz_base',
                'locale', 'ru.po'))
        initiative = create_initiative(w)
        Initiative.hand_over([initiative])
        Initiative.extend([initiative])
        with Transaction().set_context(language='ru'):
            with self.assertRaisesRegex(InitiativeError,
                    'Инициатива «Wind farm» уже продлевалась'):
                Initiative.extend([Initiative(initiative.id)])
            with as_user(w.akimat):
                with self.assertRaisesRegex(ClientWriteError,
                        'только для чтения'):
                    Initiative.write([Initiative(initiative.id)],
                        {'extension_days': 5})
            with self.assertRaisesRegex(InitiativeError,
                    'укажите причину'):
                Initiative.return_to_initiator([Initiative(initiative.id)])

    @with_transaction()
    def test_overdue_cron_notifies(self):
        "The daily check flags overdue initiatives, tells officer and body"
        pool = Pool()
        Initiative = pool.get('ncip.initiative')
        Deadline = pool.get('kz.deadline')
        Notification = pool.get('res.notification')
        w = setup_attraction_world()
        initiative = create_initiative(w)
        with today(dt.date(2025, 3, 24)):
            Initiative.hand_over([initiative])
        initiative.officer = w.akimat
        initiative.save()
        Initiative.assign([initiative])
        with today(dt.date(2025, 4, 24)):
            Deadline.check_deadlines()
            Deadline.check_deadlines()
        self.assertTrue(Initiative(initiative.id).overdue)
        for user in [w.akimat, w.authorized]:
            notifications = Notification.search([
                    ('user', '=', user.id),
                    ('label', 'ilike', '%overdue%')])
            self.assertEqual(len(notifications), 1, user.login)
        self.assertFalse(Notification.search([
                    ('user', '=', w.embassy2.id)]))

    # Return and conversion (N-8, N-9, N-10)
    @with_transaction()
    def test_return_needs_reason(self):
        "Returning without a reason fails; with one it notifies the initiator"
        pool = Pool()
        Initiative = pool.get('ncip.initiative')
        Notification = pool.get('res.notification')
        w = setup_attraction_world()
        initiative = create_initiative(w)
        Initiative.hand_over([initiative])
        self.assertTrue(Notification.search([('user', '=', w.akimat.id)]))
        with self.assertRaises(InitiativeError):
            Initiative.return_to_initiator([initiative])
        self.assertEqual(Initiative(initiative.id).state, 'handed')
        initiative.return_reason = "No land available"
        initiative.save()
        Initiative.return_to_initiator([initiative])
        self.assertEqual(initiative.state, 'returned')
        self.assertFalse(initiative.deadline_state)
        self.assertTrue(Notification.search([
                    ('user', '=', w.embassy.id),
                    ('label', 'ilike', '%returned%')]))
        # The initiator reworks and hands it over again
        with today(dt.date(2025, 6, 2)):
            Initiative.hand_over([initiative])
        initiative = Initiative(initiative.id)
        self.assertEqual(initiative.state, 'handed')
        self.assertEqual(initiative.due_date, dt.date(2025, 7, 2))
        self.assertFalse(initiative.return_reason)

    @with_transaction()
    def test_convert_to_project(self):
        "Conversion needs the passport fields and creates the project"
        pool = Pool()
        Initiative = pool.get('ncip.initiative')
        Project = pool.get('ncip.project')
        w = setup_attraction_world()
        initiative = create_initiative(w, cost=None, industry=None)
        Initiative.hand_over([initiative])
        with self.assertRaisesRegex(InitiativeError, 'Indicative Cost'):
            Initiative.convert([initiative])
        self.assertFalse(Project.search([]))
        self.assertEqual(Initiative(initiative.id).state, 'handed')
        initiative.cost = Decimal('2000000')
        initiative.industry = "Energy"
        initiative.save()
        with today(dt.date(2025, 4, 1)):
            Initiative.convert([initiative])
        initiative = Initiative(initiative.id)
        project = initiative.project
        self.assertEqual(initiative.state, 'converted')
        self.assertEqual(initiative.project, project)
        self.assertEqual(project.state, 'passport')
        self.assertEqual(project.initiative, initiative)
        self.assertEqual(project.akimat, w.akimat_org)
        self.assertEqual(project.initiator, w.embassy_org)
        self.assertEqual(project.cost, Decimal('2000000'))
        self.assertEqual(project.passport_date, dt.date(2025, 4, 1))
        self.assertIsNone(initiative.deadline_state)

    @with_transaction()
    def test_reopen_from_project(self):
        "Module 2 turns a project back into its initiative (N§41)"
        pool = Pool()
        Initiative = pool.get('ncip.initiative')
        Notification = pool.get('res.notification')
        w = setup_attraction_world()
        initiative = create_initiative(w)
        Initiative.hand_over([initiative])
        with today(dt.date(2025, 4, 1)):
            Initiative.convert([initiative])
        project = initiative.project
        with self.assertRaises(InitiativeError):
            Initiative.reopen_from_project(project, '')
        with Transaction().set_user(w.akimat2.id), \
                self.assertRaises(InitiativeError):
            Initiative.reopen_from_project(project, "Region changed")
        with Transaction().set_user(w.akimat.id):
            reopened = Initiative.reopen_from_project(
                project, "Region changed")
        self.assertEqual(reopened, initiative)
        self.assertEqual(reopened.state, 'returned')
        self.assertEqual(reopened.return_reason, "Region changed")
        for user in [w.embassy, w.authorized]:
            self.assertTrue(Notification.search([
                        ('user', '=', user.id),
                        ('label', 'ilike', '%returned%')]), user.login)
        # A project without initiative gets a new one
        Project = pool.get('ncip.project')
        other, = Project.create([{
                    'name': "Plant", 'investor': w.investor.id,
                    'region': w.astana.id, 'akimat': w.akimat_org.id,
                    'initiator': w.kazinvest_org.id,
                    'passport_date': dt.date(2025, 4, 1)}])
        new = Initiative.reopen_from_project(other, "Conditions changed")
        self.assertEqual(new.state, 'returned')
        self.assertEqual(new.organization, w.kazinvest_org)
        self.assertEqual(Project(other.id).initiative, new)

    @with_transaction()
    def test_comments_thread(self):
        "Participants discuss the initiative; comments stay as written"
        pool = Pool()
        Comment = pool.get('ncip.initiative.comment')
        w = setup_attraction_world()
        initiative = create_initiative(w)
        with as_user(w.embassy):
            comment, = Comment.create([{
                        'initiative': initiative.id,
                        'text': "The investor asks about land"}])
            self.assertEqual(comment.author, w.embassy)
            self.assertEqual(comment.organization, w.embassy_org)
        with as_user(w.akimat):
            Comment.create([{
                        'initiative': initiative.id,
                        'text': "Two plots available"}])
            self.assertEqual(len(Comment.search([])), 2)
            with self.assertRaises(ClientWriteError):
                Comment.write([comment], {'text': "Changed"})
        with as_user(w.embassy2):
            self.assertEqual(Comment.search([]), [])

    # Access (N-1)
    @with_transaction()
    def test_access_embassy(self):
        "An embassy sees and writes only its own meetings and initiatives"
        pool = Pool()
        Meeting = pool.get('ncip.meeting')
        Initiative = pool.get('ncip.initiative')
        w = setup_attraction_world()
        own = create_initiative(w)
        other = create_initiative(w, organization=w.embassy2_org.id)
        with as_user(w.embassy):
            meeting, = Meeting.create([{
                        'subject': "Talks", 'investor': w.investor.id}])
            self.assertEqual(Initiative.search([]), [own])
            Initiative.write([own], {'description': "Updated"})
            with self.assertRaises(AccessError):
                Initiative.read([other.id], ['name'])
            with self.assertRaises(AccessError):
                Initiative.write([other], {'description': "Hacked"})
        with as_user(w.embassy2):
            self.assertEqual(Meeting.search([]), [])
            self.assertEqual(Initiative.search([]), [other])
        # Last: the refused row stays in the test transaction
        with as_user(w.embassy):
            with self.assertRaises(AccessError):
                Meeting.create([{
                            'subject': "Fake", 'investor': w.investor.id,
                            'organization': w.embassy2_org.id}])

    @with_transaction()
    def test_access_akimat(self):
        "An akimat sees only its region and acts only for itself"
        pool = Pool()
        Initiative = pool.get('ncip.initiative')
        w = setup_attraction_world()
        astana = create_initiative(w)
        shymkent = create_initiative(w, region=w.shymkent.id,
            akimat=w.akimat2_org.id)
        Initiative.hand_over([astana, shymkent])
        with as_user(w.akimat):
            self.assertEqual(Initiative.search([]), [astana])
            with self.assertRaises(AccessError):
                Initiative.read([shymkent.id], ['name'])
            astana = Initiative(astana.id)
            astana.officer = w.akimat
            astana.save()
            Initiative.assign([astana])
            # An akimat cannot hand over an initiative for the initiator
            with self.assertRaises(AccessButtonError):
                Initiative.hand_over([astana])

    @with_transaction()
    def test_handed_initiative_is_the_akimats(self):
        "Once handed over, only the akimat edits the initiative"
        pool = Pool()
        Initiative = pool.get('ncip.initiative')
        w = setup_attraction_world()
        initiative = create_initiative(w)
        with as_user(w.embassy):
            Initiative.write([initiative], {'description': "Before"})
        Initiative.hand_over([initiative])
        with as_user(w.akimat):
            Initiative.write([initiative], {'description': "Akimat's"})
        with as_user(w.embassy):
            for values in [{'description': "After"},
                    {'officer': w.embassy.id}, {'extension_days': 30},
                    {'return_reason': "Not ours"}]:
                with self.subTest(values=values):
                    with self.assertRaises(InitiativeError):
                        Initiative.write([initiative], values)
            # but it still takes part in the discussion
            Initiative.write([initiative], {'comments': [
                        ('create', [{'text': "Any news?"}])]})
        self.assertEqual(Initiative(initiative.id).description, "Akimat's")

    @with_transaction()
    def test_officer_picker(self):
        """The officer of an initiative is a user of its akimat with the
        akimat's role, not another user working there (Damu coordinator)"""
        pool = Pool()
        Initiative = pool.get('ncip.initiative')
        User = pool.get('res.user')
        w = setup_attraction_world()
        coordinator, = User.create([{
                    'name': "Coordinator", 'login': 'coordinator',
                    'kz_organization': w.akimat_org.id}])
        initiative = create_initiative(w)
        with today(dt.date(2025, 3, 24)):
            Initiative.hand_over([initiative])
        domain = Initiative.officer.domain
        officers = User.search([
                PYSONDecoder({'akimat': w.akimat_org.id}).decode(
                    PYSONEncoder().encode(domain)),
                ])
        self.assertIn(w.akimat, officers)
        self.assertNotIn(coordinator, officers)
        self.assertNotIn(w.akimat2, officers)
        initiative.officer = coordinator
        with self.assertRaises(DomainValidationError):
            initiative.save()

    @with_transaction()
    def test_buttons_by_role(self):
        "The form buttons of other roles come read-only to the client"
        pool = Pool()
        w = setup_attraction_world()
        expected = {
            w.embassy: {
                'ncip.initiative': {'hand_over'},
                'ncip.meeting': {'create_initiative'},
                'ncip.visit': {
                    'draft', 'propose', 'done', 'create_initiative'},
                },
            w.akimat: {
                'ncip.initiative': {
                    'assign', 'extend', 'return_to_initiator', 'convert'},
                'ncip.meeting': set(),
                'ncip.visit': set(),
                },
            w.authorized: {
                'ncip.initiative': set(),
                'ncip.meeting': set(),
                'ncip.visit': {'approve', 'refuse'},
                },
            }
        for user, models in expected.items():
            for model, enabled in models.items():
                with self.subTest(user=user.login, model=model), \
                        as_user(user):
                    self.assertEqual(
                        enabled_buttons(pool.get(model)), enabled)

    @with_transaction()
    def test_access_central_and_authorized(self):
        "Central tier and authorized body see all; act only for their own"
        pool = Pool()
        Initiative = pool.get('ncip.initiative')
        Visit = pool.get('ncip.visit')
        w = setup_attraction_world()
        initiatives = [create_initiative(w),
            create_initiative(w, organization=w.embassy2_org.id)]
        Initiative.hand_over(initiatives)
        visit, = Visit.create([{
                    'name': "Visit", 'organization': w.embassy_org.id,
                    'investor': w.investor.id,
                    'date_from': dt.date(2025, 3, 18),
                    'date_to': dt.date(2025, 3, 20)}])
        for user in [w.kazinvest, w.authorized]:
            with as_user(user):
                self.assertEqual(len(Initiative.search([])), 2, user.login)
        with as_user(w.kazinvest):
            # The national company cannot hand over an embassy's initiative
            draft = create_initiative(w)
            with self.assertRaisesRegex(InitiativeError, 'cannot act'):
                Initiative.hand_over([draft])
            with self.assertRaises(AccessButtonError):
                Visit.approve([visit])
        Visit.propose([visit])
        with as_user(w.authorized):
            Visit.approve([visit])
            with self.assertRaises(AccessError):
                Initiative.write(initiatives, {'description': "No"})
        self.assertEqual(visit.state, 'approved')

    @with_transaction()
    def test_access_investor_sees_nothing(self):
        "Investors have no access to Module 1"
        pool = Pool()
        w = setup_attraction_world()
        create_initiative(w)
        with as_user(w.investor_user):
            for name in ['ncip.initiative', 'ncip.meeting', 'ncip.visit']:
                with self.assertRaises(AccessError):
                    pool.get(name).search([])

    @with_transaction()
    def test_error_nothing_saved(self):
        "A refused conversion of several initiatives leaves all unchanged"
        pool = Pool()
        Initiative = pool.get('ncip.initiative')
        Project = pool.get('ncip.project')
        w = setup_attraction_world()
        good = create_initiative(w)
        bad = create_initiative(w, description=None)
        Initiative.hand_over([good, bad])
        with self.assertRaises(UserError):
            Initiative.convert([good, bad])
        self.assertEqual(
            [i.state for i in Initiative.browse([good, bad])],
            ['handed', 'handed'])
        self.assertFalse(Project.search([]))
