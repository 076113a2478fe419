# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The world of the kz_ncip tests, shared by every test module of kz_ncip
and of the addons built on it: the organisations of the One Window with a
user each, an investor, projects and programmes."""
import datetime as dt
import os
from decimal import Decimal

from trytond.modules.kz_base.tests.tools import (
    as_user, create_user, region, today)
from trytond.pool import Pool

VALID_BIN = '990140000384'
ASTANA = '710000000'
SHYMKENT = '790000000'
LOCALE = os.path.join(os.path.dirname(os.path.dirname(__file__)), 'locale')


def world_user(login, organization, group):
    "Create the user of the organization in the group of kz_base"
    return create_user(login, 'group_%s' % group, organization,
        name=login.title())


def setup_world():
    """Create the organisations of Modules 2 and 3 with their users and
    two investors, as attributes of the returned world"""
    pool = Pool()
    Organization = pool.get('kz.organization')
    Party = pool.get('party.party')

    w = type('World', (), {})()
    w.astana = region(ASTANA)
    w.shymkent = region(SHYMKENT)
    w.investor, w.investor2 = Party.create([
            {'name': "Investor LLP", 'ncip_investor': True},
            {'name': "Other Investor LLP", 'ncip_investor': True}])
    (w.chamber_org, w.mfa_org, w.akimat_org, w.akimat2_org,
        w.investor_org, w.investor2_org, w.ministry_org, w.embassy_org,
        w.kazinvest_org) = Organization.create([
            {'name': "Atameken", 'kind': 'national_chamber'},
            {'name': "Investment Committee", 'kind': 'authorized_body'},
            {'name': "Akimat of Astana", 'kind': 'akimat',
                'region': w.astana.id},
            {'name': "Akimat of Shymkent", 'kind': 'akimat',
                'region': w.shymkent.id},
            {'name': "Investor LLP", 'kind': 'investor',
                'party': w.investor.id},
            {'name': "Other Investor LLP", 'kind': 'investor',
                'party': w.investor2.id},
            {'name': "Ministry of Energy", 'kind': 'central_state_body'},
            {'name': "Embassy in Germany", 'kind': 'embassy'},
            {'name': "Kazakh Invest", 'kind': 'national_company'},
            ])
    w.akimat = world_user('akimat', w.akimat_org, 'regional_front_office')
    w.akimat2 = world_user('akimat2', w.akimat2_org, 'regional_front_office')
    w.chamber = world_user('chamber', w.chamber_org, 'national_chamber')
    w.authorized = world_user('authorized', w.mfa_org, 'authorized_body')
    w.investor_user = world_user('investor', w.investor_org, 'investor')
    w.investor2_user = world_user('investor2', w.investor2_org, 'investor')
    w.ministry = world_user('ministry', w.ministry_org, 'central_state_body')
    w.embassy = world_user('embassy', w.embassy_org, 'external_front_office')
    return w


def setup_programme_world():
    "The world of Module 2 plus a Kazakh Invest user and a country"
    Country = Pool().get('country.country')
    w = setup_world()
    w.kazinvest = world_user(
        'kazinvest', w.kazinvest_org, 'central_front_office')
    w.germany, = Country.create([{'name': "Germany", 'code': 'DE'}])
    return w


def setup_attraction_world():
    """The world of the programmes plus a second embassy with its user; the
    investor is a German company of Module 1's card (N-4)"""
    pool = Pool()
    Organization = pool.get('kz.organization')
    Party = pool.get('party.party')
    w = setup_programme_world()
    w.embassy2_org, = Organization.create([
            {'name': "Embassy in China", 'kind': 'embassy'}])
    w.embassy2 = world_user(
        'embassy2', w.embassy2_org, 'external_front_office')
    Party.write([w.investor], {
            'name': "Siemens Energy", 'origin_country': w.germany.id,
            'oked': '35.11', 'company_size': 'large',
            })
    return w


def create_bare_project(**values):
    """Create a project of a new investor in Astana with only what a
    passport needs"""
    pool = Pool()
    Project = pool.get('ncip.project')
    Party = pool.get('party.party')
    investor, = Party.create([{'name': "Investor LLP"}])
    defaults = {
        'name': "Plant", 'investor': investor.id,
        'region': region(ASTANA).id,
        'passport_date': dt.date(2025, 6, 1),
        }
    defaults.update(values)
    project, = Project.create([defaults])
    return project


def create_project(w, region=None, investor=None, **values):
    "Create a project of the world with a complete passport"
    Project = Pool().get('ncip.project')
    region = region or w.astana
    akimat = w.akimat_org if region == w.astana else w.akimat2_org
    defaults = {
        'name': "Glass factory", 'investor': (investor or w.investor).id,
        'bin': VALID_BIN, 'industry': "23.11", 'product': "Float glass",
        'region': region.id, 'akimat': akimat.id,
        'cost': Decimal('1000000000'), 'financing_scheme': "Own funds",
        'contacts': "+7 701 000 00 00", 'description': "A glass factory",
        'company_registration_date': dt.date(2024, 3, 1),
        'passport_date': dt.date(2025, 6, 1),
        }
    defaults.update(values)
    project, = Project.create([defaults])
    return project


def plan_roadmap(project, start=dt.date(2025, 9, 1), organization=None):
    "Fill the standard tasks with deadlines a month apart"
    Task = Pool().get('ncip.roadmap.task')
    tasks = sorted(project.tasks, key=lambda t: (t.stage.sequence, t.sequence))
    for i, task in enumerate(tasks):
        values = {
            'deadline': start + dt.timedelta(days=30 * i),
            'responsible_person': "Officer %s" % i,
            'expected_result': "Result %s" % i,
            }
        if organization and i == 0:
            values['responsible_organization'] = organization.id
        Task.write([task], values)
    return tasks


def approve_all(w, project):
    "Approve the roadmap as each approver of the world"
    Approval = Pool().get('kz.approval')
    users = {w.chamber_org: w.chamber, w.investor_org: w.investor_user,
        w.ministry_org: w.ministry}
    for line in project.current_approvals():
        with as_user(users[line.organization]):
            Approval.approve([Approval(line.id)])


def project_with_roadmap(w, **values):
    "Create a project and bring it to 'with roadmap'"
    Project = Pool().get('ncip.project')
    project = create_project(w, **values)
    with today(dt.date(2025, 6, 10)):
        Project.form_roadmap([project])
        plan_roadmap(project)
        Project.submit([project])
        approve_all(w, Project(project.id))
        Project.verify([project])
    return Project(project.id)


def create_programme(w, user=None, lines=1, **values):
    "Create a programme as the user (the Astana akimat by default)"
    Programme = Pool().get('ncip.investment.programme')
    values.setdefault('name', "Investment programme of Astana")
    values.setdefault('year', 2026)
    if lines:
        values.setdefault('lines', [('create', [{
                            'name': "Niche %s" % i,
                            'planned_amount': Decimal('1000000'),
                            } for i in range(lines)])])
    with as_user(user or w.akimat):
        programme, = Programme.create([values])
    return Programme(programme.id)


def notifications(user, label):
    "Return the notifications of the user whose label has label"
    Notification = Pool().get('res.notification')
    return Notification.search([
            ('user', '=', user.id), ('label', 'ilike', '%' + label + '%')])
