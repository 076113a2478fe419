# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
import datetime as dt

from trytond.model.exceptions import AccessError
from trytond.modules.kz_base.exceptions import ApprovalError
from trytond.modules.kz_prosecutor_filter.exceptions import MeasureError
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

ASTANA = '710000000'
SHYMKENT = '790000000'


def region(code):
    Region = Pool().get('kz.region')
    region, = Region.search([('code', '=', code)])
    return region


def setup():
    "Organisations, users per role, an investor and a project in Astana"
    pool = Pool()
    Organization = pool.get('kz.organization')
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    Party = pool.get('party.party')
    Project = pool.get('ncip.project')
    orgs = {}
    for key, kind, code in [
            ('akimat_astana', 'akimat', ASTANA),
            ('akimat_shymkent', 'akimat', SHYMKENT),
            ('ministry', 'central_state_body', None),
            ('pro_astana', 'prosecutor', ASTANA),
            ('pro_shymkent', 'prosecutor', SHYMKENT),
            ('gpo', 'general_prosecutor', None),
            ]:
        orgs[key], = Organization.create([{
                    'name': key, 'kind': kind,
                    'region': region(code).id if code else None}])
    investor, other = Party.create([{'name': "Investor"}, {'name': "Other"}])
    users = {}
    for login, org, group in [
            ('akimat', 'akimat_astana', 'group_regional_front_office'),
            ('akimat2', 'akimat_shymkent', 'group_regional_front_office'),
            ('ministry', 'ministry', 'group_central_state_body'),
            ('prosecutor', 'pro_astana', 'group_prosecutor'),
            ('prosecutor2', 'pro_shymkent', 'group_prosecutor'),
            ('gpo', 'gpo', 'group_general_prosecutor'),
            ]:
        users[login], = User.create([{
                    'name': login, 'login': login,
                    'kz_organization': orgs[org].id,
                    'groups': [('add', [
                                ModelData.get_id('kz_base', group)])],
                    }])
    project, = Project.create([{
                'name': "Plant", 'investor': investor.id,
                'region': region(ASTANA).id,
                'passport_date': dt.date(2025, 6, 1)}])
    return orgs, users, investor, project


def as_user(user):
    return Transaction().set_user(user.id)


class KzProsecutorFilterTestCase(ModuleTestCase):
    "Test kz_prosecutor_filter module"
    module = 'kz_prosecutor_filter'

    @with_transaction()
    def test_routing(self):
        "Local acts go to the regional office, central ones to the GPO"
        Measure = Pool().get('prosecutor.measure')
        orgs, users, investor, project = setup()
        for issuer, values, expected in [
                ('akimat_astana', {'project': project.id}, 'pro_astana'),
                ('akimat_shymkent', {}, 'pro_shymkent'),
                ('akimat_astana', {'region': region(SHYMKENT).id},
                    'pro_shymkent'),
                ('ministry', {'project': project.id}, 'gpo'),
                ]:
            with self.subTest(issuer=issuer, values=values):
                measure, = Measure.create([dict({
                                'kind': 'permit_suspension',
                                'issuer': orgs[issuer].id,
                                'investor': investor.id,
                                'legal_grounds': "Art. 1",
                                }, **values)])
                Measure.submit([measure])
                self.assertEqual(measure.state, 'submitted')
                self.assertEqual(measure.prosecutor, orgs[expected])
                approval, = measure.approvals
                self.assertEqual(approval.organization, orgs[expected])

    @with_transaction()
    def test_approve_and_effect(self):
        "Only the routed office decides; the measure takes effect approved"
        pool = Pool()
        Measure = pool.get('prosecutor.measure')
        Approval = pool.get('kz.approval')
        orgs, users, investor, project = setup()
        measure, = Measure.create([{
                    'kind': 'suspension_activity',
                    'issuer': orgs['akimat_astana'].id,
                    'investor': investor.id, 'project': project.id,
                    'legal_grounds': "Art. 2"}])
        Measure.submit([measure])
        approval, = measure.approvals
        self.assertEqual(measure.in_effect, False)
        # The issuing body cannot approve its own measure, nor another
        # prosecutor's office
        for login in ['akimat', 'prosecutor2']:
            with self.subTest(login=login), as_user(users[login]):
                with self.assertRaises(ApprovalError):
                    Approval.approve([Approval(approval.id)])
        with as_user(users['prosecutor']):
            Approval.approve([Approval(approval.id)])
        measure = Measure(measure.id)
        self.assertEqual(measure.state, 'approved')
        self.assertEqual(measure.in_effect, True)
        self.assertIsNotNone(measure.decision_date)
        self.assertEqual(
            list(project.__class__(project.id).restrictive_measures),
            [measure])

    @with_transaction()
    def test_reject_needs_reason(self):
        "A rejection needs a reason, which the measure keeps"
        pool = Pool()
        Measure = pool.get('prosecutor.measure')
        Approval = pool.get('kz.approval')
        orgs, users, investor, project = setup()
        measure, = Measure.create([{
                    'kind': 'contract_termination',
                    'issuer': orgs['ministry'].id,
                    'investor': investor.id, 'legal_grounds': "Art. 3"}])
        Measure.submit([measure])
        approval, = measure.approvals
        with as_user(users['gpo']):
            with self.assertRaises(ApprovalError):
                Approval.reject([Approval(approval.id)])
            approval = Approval(approval.id)
            approval.reason = "No violation was established"
            approval.save()
            Approval.reject([approval])
        measure = Measure(measure.id)
        self.assertEqual(measure.state, 'rejected')
        self.assertEqual(measure.in_effect, False)
        self.assertEqual(
            measure.decision_reason, "No violation was established")

    @with_transaction()
    def test_return_for_rework(self):
        "The routed office returns with a reason; the body resubmits"
        Measure = Pool().get('prosecutor.measure')
        orgs, users, investor, project = setup()
        measure, = Measure.create([{
                    'kind': 'tax_audit', 'issuer': orgs['akimat_astana'].id,
                    'investor': investor.id, 'project': project.id,
                    'legal_grounds': "Tax code"}])
        Measure.submit([measure])
        with as_user(users['prosecutor2']):
            with self.assertRaises(MeasureError):
                Measure.return_([Measure(measure.id)])
        with as_user(users['prosecutor']):
            with self.assertRaises(MeasureError):
                Measure.return_([Measure(measure.id)])
        measure.return_reason = "Attach the audit plan"
        measure.save()
        with as_user(users['prosecutor']):
            Measure.return_([Measure(measure.id)])
        measure = Measure(measure.id)
        self.assertEqual(measure.state, 'returned')
        self.assertEqual(measure.decision_reason, "Attach the audit plan")
        self.assertEqual(measure.approval_state, None)
        Measure.submit([measure])
        measure = Measure(measure.id)
        self.assertEqual(measure.state, 'submitted')
        self.assertEqual(measure.approval_round, 2)

    @with_transaction()
    def test_deadline(self):
        "The decision is due in 5 working days from the submission"
        pool = Pool()
        Measure = pool.get('prosecutor.measure')
        Date = pool.get('ir.date')
        orgs, users, investor, project = setup()
        measure, = Measure.create([{
                    'kind': 'lawsuit', 'issuer': orgs['ministry'].id,
                    'investor': investor.id, 'legal_grounds': "Civil code"}])
        from unittest.mock import patch
        with patch.object(Date, 'today', return_value=dt.date(2025, 6, 2)):
            Measure.submit([measure])
        measure = Measure(measure.id)
        self.assertEqual(measure.submitted_date, dt.date(2025, 6, 2))
        # Monday 2 June 2025 + 5 working days (Friday 6 June is Kurban Ait)
        self.assertEqual(measure.due_date, dt.date(2025, 6, 10))
        with patch.object(Date, 'today', return_value=dt.date(2025, 6, 20)):
            self.assertEqual(
                Measure.search([('deadline_state', '=', 'overdue')]),
                [measure])

    @with_transaction()
    def test_access_per_role(self):
        "Each office sees what concerns it"
        pool = Pool()
        Measure = pool.get('prosecutor.measure')
        orgs, users, investor, project = setup()
        astana, shymkent, central = Measure.create([{
                    'kind': 'permit_refusal',
                    'issuer': orgs['akimat_astana'].id,
                    'investor': investor.id, 'project': project.id,
                    'legal_grounds': "A"}, {
                    'kind': 'permit_refusal',
                    'issuer': orgs['akimat_shymkent'].id,
                    'investor': investor.id, 'legal_grounds': "B"}, {
                    'kind': 'permit_refusal',
                    'issuer': orgs['ministry'].id,
                    'investor': investor.id, 'legal_grounds': "C"}])
        Measure.submit([astana, shymkent, central])
        for login, expected in [
                ('prosecutor', [astana]),
                ('prosecutor2', [shymkent]),
                ('gpo', [astana, shymkent, central]),
                ('akimat', [astana]),
                ('ministry', [central]),
                ]:
            with self.subTest(login=login), as_user(users[login]), \
                    Transaction().set_context(_check_access=True):
                self.assertEqual(
                    sorted(Measure.search([]), key=lambda m: m.id),
                    expected)
        # A body cannot create a measure on behalf of another
        with as_user(users['prosecutor']), \
                Transaction().set_context(_check_access=True):
            with self.assertRaises(AccessError):
                Measure.create([{
                            'kind': 'lawsuit',
                            'issuer': orgs['pro_astana'].id,
                            'investor': investor.id,
                            'legal_grounds': "D"}])

    @with_transaction()
    def test_investor_sees_decided_measures(self):
        "An investor sees the measures concerning it once decided"
        pool = Pool()
        Measure = pool.get('prosecutor.measure')
        Approval = pool.get('kz.approval')
        Organization = pool.get('kz.organization')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        Party = pool.get('party.party')
        orgs, users, investor, project = setup()
        other, = Party.create([{'name': "Other investor"}])
        investor_org, = Organization.create([{
                    'name': "Investor", 'kind': 'investor',
                    'party': investor.id}])
        investor_user, = User.create([{
                    'name': 'investor', 'login': 'investor',
                    'kz_organization': investor_org.id,
                    'groups': [('add', [ModelData.get_id(
                                    'kz_base', 'group_investor')])],
                    }])
        pending, decided, foreign = Measure.create([{
                    'kind': 'permit_refusal',
                    'issuer': orgs['ministry'].id,
                    'investor': investor.id, 'legal_grounds': "A"}, {
                    'kind': 'permit_refusal',
                    'issuer': orgs['ministry'].id,
                    'investor': investor.id, 'legal_grounds': "B"}, {
                    'kind': 'permit_refusal',
                    'issuer': orgs['ministry'].id,
                    'investor': other.id, 'legal_grounds': "C"}])
        Measure.submit([pending, decided, foreign])
        with as_user(users['gpo']):
            Approval.approve([a for m in [decided, foreign]
                    for a in Measure(m.id).approvals])
        with as_user(investor_user), \
                Transaction().set_context(_check_access=True):
            self.assertEqual(Measure.search([]), [decided])


del ModuleTestCase
