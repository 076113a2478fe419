# This file is part of the KZ Investment Platform.
"""Demo data of kz_ncip.

load() calls the loaders of each part of the module: Module 1
"Attraction" (load_attraction), the regional front offices of N§4
(load_front_offices), Module 2/3 "Implementation" (load_implementation),
the investment programmes with the country programme updates and the niche
data (load_programmes), the investor information requests
(load_information_requests) and the quarterly reports the national company
consolidates (load_reports).  The register of investors follows from the
national-pool projects."""
import datetime as dt
from contextlib import contextmanager
from decimal import Decimal

from proteus import Model
from proteus import config as pconfig

INVESTOR_LOGIN = 'investor.qazaqglass'


def is_loaded():
    Project = Model.get('ncip.project')
    return bool(Project.find([]))


def load(password):
    ensure_current_mrp()
    load_attraction(password)
    load_front_offices()
    load_implementation(password)
    load_programmes()
    load_council()
    load_plan_revision()
    load_information_requests()
    load_reports()


def ensure_current_mrp():
    "The pools need the MRP of this year (4,325 tenge in 2026)"
    MRP = Model.get('kz.mrp')
    year = dt.date.today().year
    if not MRP.find([('year', '=', year)]):
        MRP(year=year, amount=Decimal('4325'),
            legal_basis="Demo value").save()


@contextmanager
def acting_as(login):
    """Run proteus calls as another demo user (same config: a second
    TrytondConfig would reinitialise the pool under the loaded records)"""
    config = pconfig.get_config()
    User = Model.get('res.user')
    user, = User.find([('login', '=', login)])
    previous = config.user
    config.user = user.id
    try:
        yield config
    finally:
        config.user = previous


def load_attraction(password):
    "Module 1: investor cards with KYC, meetings, visits and initiatives"
    Party = Model.get('party.party')
    Country = Model.get('country.country')
    Organization = Model.get('kz.organization')
    Region = Model.get('kz.region')
    User = Model.get('res.user')

    def country(code, name):
        countries = Country.find([('code', '=', code)])
        if countries:
            return countries[0]
        country = Country(name=name, code=code)
        country.save()
        return country
    germany = country('DE', "Germany")
    country('CN', "China")
    astana, = Region.find([('code', '=', '710000000')])
    shymkent, = Region.find([('code', '=', '790000000')])
    akimat_astana, = Organization.find([
            ('kind', '=', 'akimat'), ('region', '=', astana.id)])
    akimat_user, = User.find([('login', '=', 'akimat.astana')])
    today = dt.date.today()

    with acting_as('embassy'):
        # Records of another proteus config cannot be mixed: reload them
        Party = Model.get('party.party')
        Organization = Model.get('kz.organization')
        User = Model.get('res.user')
        Country = Model.get('country.country')
        Region = Model.get('kz.region')
        germany, astana, shymkent = (Country(germany.id),
            Region(astana.id), Region(shymkent.id))
        cards = {}
        for key, name, origin, oked, size, contact, position in [
                ('wind', "Green Wind GmbH", germany,
                    "35.11 Electricity production", 'large',
                    "Anna Schmidt", "Chief Financial Officer"),
                ('agro', "Bavaria Agrotech AG", germany,
                    "01.11 Growing of cereals", 'medium',
                    "Lukas Weber", "Head of Business Development"),
                ]:
            company = Party(name=name, ncip_investor=True,
                origin_country=origin, oked=oked, company_size=size)
            company.save()
            person = Party(name=contact, ncip_employer=company,
                ncip_position=position)
            email = person.contact_mechanisms.new(type='email')
            email.value = contact.split()[0].lower() + '@example.com'
            person.save()
            company.reload()
            company.ncip_contact = person
            company.save()
            company.click('kyc_start')
            cards[key] = company
        wind = cards['wind']
        for check in wind.kyc_checks:
            check.done = True
        wind.save()
        wind.click('kyc_pass')

        Meeting = Model.get('ncip.meeting')
        meeting = Meeting(subject="Wind farm near Astana", investor=wind,
            date=today - dt.timedelta(days=40),
            place="Berlin", event="Kazakhstan-Germany Business Council",
            key_points="Wind potential of Akmola steppe, grid connection",
            interest="A 100 MW wind farm with a local service centre",
            cost=Decimal('48000000000'), jobs=150, region=astana,
            industry="35.11", expectations="Land plot, tariff auction",
            agreements="A visit to Astana within two months")
        official = meeting.participants.new(kind='official')
        official.user = User.find([('login', '=', 'embassy')])[0]
        official.name = "Aigerim Sadykova"
        official.position = "Counsellor"
        guest = meeting.participants.new(kind='investor')
        guest.party = wind.ncip_contact
        guest.name = "Anna Schmidt"
        meeting.save()

        agro_meeting = Meeting(subject="Grain processing", investor=cards['agro'],
            date=today - dt.timedelta(days=5), place="Munich",
            event="Embassy round table", region=shymkent,
            industry="10.61", cost=Decimal('6000000000'), jobs=80,
            interest="Flour mill and elevator",
            expectations="Subsidised loans", agreements="Send a proposal")
        agro_meeting.save()
        agro_meeting.click('create_initiative')

        Visit = Model.get('ncip.visit')
        visit = Visit(name="Visit of Green Wind to Astana", meeting=meeting,
            investor=wind, region=astana,
            date_from=today - dt.timedelta(days=12),
            date_to=today - dt.timedelta(days=10),
            goals="Meet the akimat, see the sites, meet KEGOC")
        visit.responsible_bodies.append(
            Organization(akimat_astana.id))
        visit.save()
        visit.click('propose')
        proposed = Visit(name="Visit of Bavaria Agrotech", investor=cards['agro'],
            region=shymkent,
            date_from=today + dt.timedelta(days=30),
            date_to=today + dt.timedelta(days=32),
            goals="See the elevators of Shymkent")
        proposed.save()
        proposed.click('propose')

    with acting_as('authorized'):
        Visit = Model.get('ncip.visit')
        visit = Visit(visit.id)
        visit.click('approve')
        visit.programme = ("Day 1: akimat of Astana; day 2: sites; "
            "day 3: KEGOC and the Astana International Financial Centre")
        visit.save()

    with acting_as('embassy'):
        Visit = Model.get('ncip.visit')
        Organization = Model.get('kz.organization')
        visit = Visit(visit.id)
        visit.agreements = "The akimat offers two land plots of 50 ha"
        visit.click('done')
        visit.click('create_initiative')
        visit.reload()
        initiative, = visit.initiatives
        initiative.akimat = Organization(akimat_astana.id)
        initiative.description = "100 MW wind farm near Astana"
        initiative.save()
        initiative.click('hand_over')

    with acting_as('akimat.astana'):
        Initiative = Model.get('ncip.initiative')
        User = Model.get('res.user')
        initiative = Initiative(initiative.id)
        initiative.officer = User(akimat_user.id)
        initiative.click('assign')
        initiative.comments.new(
            text="Two plots are available; the investor will choose by the "
            "end of the month.")
        initiative.save()


# The standard roadmap of N§48: (stage, task, description, calendar days
# after the start of the roadmap, responsible body)
ROADMAP_TEMPLATE = [
    ('pre_investment', 'feasibility_study', "Feasibility study", 60,
        'investor'),
    ('pre_investment', 'technical_conditions',
        "Technical conditions for utilities", 90, 'akimat'),
    ('pre_investment', 'land_plot', "Land plot allocation", 120, 'akimat'),
    ('pre_investment', 'design_documents',
        "Design and estimate documents with their expert review", 210,
        'investor'),
    ('pre_investment', 'financing', "Financing closed", 240, 'investor'),
    ('investment', 'construction', "Construction and installation works",
        600, 'investor'),
    ('investment', 'state_support', "State support measures received", 600,
        'akimat'),
    ('investment', 'commissioning_works', "Commissioning works", 660,
        'investor'),
    ('investment', 'commissioning', "Commissioning", 690, 'akimat'),
    ('post_investment', 'design_capacity',
        "Design capacity or serial production", 870, 'investor'),
    ]


def load_roadmap_template():
    """The standard roadmap template of N§48 the akimats' roadmaps start
    from, with usual durations"""
    Template = Model.get('ncip.roadmap.template')
    Configuration = Model.get('kz.configuration')
    template = Template(name="Standard roadmap (N§48)")
    for sequence, (stage, kind, name, days, responsible) in enumerate(
            ROADMAP_TEMPLATE, 1):
        template.lines.new(stage=stage, kind=kind, name=name, days=days,
            responsible=responsible, sequence=sequence * 10)
    template.save()
    configuration = Configuration(1)
    configuration.roadmap_template = template
    configuration.save()
    return template


def load_implementation(password):
    "Projects in each state of Module 2 and 3, a rating and reports"
    Party = Model.get('party.party')
    Organization = Model.get('kz.organization')
    Region = Model.get('kz.region')
    User = Model.get('res.user')
    Role = Model.get('res.role')
    Project = Model.get('ncip.project')

    astana, = Region.find([('code', '=', '710000000')])
    shymkent, = Region.find([('code', '=', '790000000')])
    akimats = {r.id: Organization.find([
                ('kind', '=', 'akimat'), ('region', '=', r.id)])[0]
        for r in [astana, shymkent]}
    load_roadmap_template()

    investors = []
    for name, bin_ in [("Qazaq Glass LLP", '990140000384'),
            ("Steppe Cement JSC", '100000554338')]:
        party = Party(name=name)
        if 'ncip_investor' in Party._fields:
            party.ncip_investor = True
        party.save()
        organization = Organization(
            name=name, kind='investor', party=party)
        organization.save()
        investors.append((party, organization, bin_))
    role, = Role.find([('name', '=', 'Investor')])
    user = User(name="Aliya Nurpeisova (Qazaq Glass)", login=INVESTOR_LOGIN,
        password=password, kz_organization=investors[0][1])
    user_role = user.roles.new()
    user_role.role = role
    user.save()

    today = dt.date.today()

    def passport(name, region, investor, cost, **values):
        party, _, bin_ = investor
        project = Project(
            name=name, investor=party, bin=bin_, industry="23.11",
            product=values.pop('product', name), region=region,
            akimat=akimats[region.id], cost=Decimal(cost),
            financing_scheme="Own funds 30 %, bank loan 70 %",
            contacts="+7 717 200 00 00, info@example.kz",
            description="Construction of a " + name.lower(),
            company_registration_date=dt.date(2023, 5, 10), **values)
        project.save()
        return project

    def plan(project, start):
        project.reload()
        for stage in project.stages:
            for task in stage.tasks:
                index = len([t for t in project.tasks if t.id < task.id])
                task.deadline = start + dt.timedelta(days=45 * index)
                task.responsible_person = "Project office"
                task.expected_result = task.kind.replace('_', ' ').capitalize()
            stage.save()
        project.reload()

    # 1. A complete passport the akimat of Astana turns into a roadmap
    passport("Float glass plant", astana, investors[0], '95000000000')
    # 2. A roadmap in preparation
    wind = passport("Wind farm 50 MW", astana, investors[0],
        '48000000000')
    wind.click('form_roadmap')
    plan(wind, today + dt.timedelta(days=20))
    # 3. Projects with an approved roadmap, some tasks late
    running = []
    for name, region, investor, cost, start in [
            ("Cement plant", shymkent, investors[1], '120000000000',
                today - dt.timedelta(days=100)),
            ("Glass container line", astana, investors[0], '9000000000',
                today - dt.timedelta(days=50)),
            ]:
        project = passport(name, region, investor, cost)
        project.click('form_roadmap')
        plan(project, start)
        project.click('submit')
        running.append(project)
    for login in ['atameken', INVESTOR_LOGIN]:
        with acting_as(login):
            Approval = Model.get('kz.approval')
            for approval in Approval.find([('state', '=', 'pending')]):
                if approval.can_decide:
                    approval.click('approve')
    # Steppe Cement has no demo user: approve as its organisation's user
    steppe = User(name="Steppe Cement", login='investor.steppe',
        password=password, kz_organization=investors[1][1])
    user_role = steppe.roles.new()
    user_role.role = role
    steppe.save()
    with acting_as('investor.steppe'):
        Approval = Model.get('kz.approval')
        for approval in Approval.find([('state', '=', 'pending')]):
            if approval.can_decide:
                approval.click('approve')
    with acting_as('authorized'):
        Project = Model.get('ncip.project')
        for project in running:
            project = Project(project.id)
            if project.state == 'verification':
                project.click('verify')
    Project = Model.get('ncip.project')

    # Module 3 once the National Chamber validated the design capacity
    # (N§48.3, 68): commissioning alone is not enough
    with acting_as('akimat.astana'):
        Task = Model.get('ncip.roadmap.task')
        line, = Project.find([('name', '=', "Glass container line")])
        for kind in ['commissioning', 'design_capacity']:
            task, = Task.find([('project', '=', line.id), ('kind', '=', kind)])
            task.actual_end = today
            task.investor_consent = True
            task.save()
            task.click('complete')
    with acting_as('atameken'):
        Task = Model.get('ncip.roadmap.task')
        for task in Task.find([('project.name', '=', "Glass container line"),
                    ('state', '=', 'done')]):
            task.click('validate_task')

    # The akimat asks to suspend a national project still at its passport
    # (N§31-33: any stage of the national pool)
    with acting_as('akimat.astana'):
        Suspension = Model.get('ncip.project.suspension')
        Project = Model.get('ncip.project')
        glass, = Project.find([('name', '=', "Float glass plant")])
        request = Suspension(project=glass, kind='suspension',
            ground='financing',
            justification="The bank suspended the credit line pending a "
            "new feasibility study.")
        request.save()
        request.click('request')
    Project = Model.get('ncip.project')

    # Reports and the monitoring plan of the last quarter
    Cron = Model.get('ir.cron')
    for method in ['ncip.quarterly.report|create_quarterly',
            'ncip.monitoring.activity|plan',
            'ncip.rating.snapshot|take_quarterly']:
        for cron in Cron.find([('method', '=', method)]):
            cron.click('run_once')


def load_programmes():
    """A draft regional investment programme of Astana for 2027 with the
    data of a niche, and the country programme of the embassy in Germany
    with its quarterly update"""
    with acting_as('akimat.astana'):
        # The kind, region and organisation default from the akimat
        Programme = Model.get('ncip.investment.programme')
        programme = Programme(
            name="Regional investment programme of Astana 2027", year=2027,
            description="Investment niches of the capital for 2027, formed "
            "with Kazakh Invest")
        for name, industry, amount in [
                ("Deep processing of grain: flour and compound feed",
                    "10.61", '15000000000'),
                ("Multimodal logistics hub near the airport",
                    "52.10", '25000000000'),
                ]:
            line = programme.lines.new()
            line.name = name
            line.industry = industry
            line.planned_amount = Decimal(amount)
        programme.save()
        Niche = Model.get('ncip.investment.programme.niche')
        Niche(line=programme.lines[0], year=2026, half='1',
            revenue=Decimal('9000000000'), payback_years=Decimal('6.5'),
            irr=Decimal('15'), consumption=Decimal('60000000000'),
            import_amount=Decimal('18000000000'),
            export_amount=Decimal('4000000000'),
            export_potential="Flour to Afghanistan and Central Asia").save()

    # The country programme of the year of the last quarter, and its
    # update due by the 15th after that quarter (N§15.2)
    today = dt.date.today()
    year = today.year if today.month > 3 else today.year - 1
    with acting_as('embassy'):
        Programme = Model.get('ncip.investment.programme')
        Country = Model.get('country.country')
        germany, = Country.find([('code', '=', 'DE')])
        programme = Programme(kind='country', country=germany, year=year,
            name=f"Country investment programme: Germany {year}",
            description="German investors targeted for green energy and "
            "agriculture")
        line = programme.lines.new()
        line.name = "Wind turbine blades for Central Asia"
        line.industry = "28.11"
        line.planned_amount = Decimal('30000000000')
        programme.save()
        programme.click('submit')
    Cron = Model.get('ir.cron')
    for cron in Cron.find([
            ('method', '=',
                'ncip.investment.programme.update|plan_quarterly')]):
        cron.click('run_once')


def load_front_offices():
    """The representative of the ministry and the office of a support
    organisation in Astana: regional front offices (N§4) that file the
    regional quarterly report"""
    Organization = Model.get('kz.organization')
    Region = Model.get('kz.region')
    astana, = Region.find([('code', '=', '710000000')])
    ministry, = Organization.find([('kind', '=', 'central_state_body')],
        limit=1)
    support = Organization(name="QazIndustry Development Centre",
        kind='support_organization')
    support.save()
    Organization.save([
            Organization(name="Ministry of Industry and Construction — "
                "representative in Astana",
                kind='central_state_body_regional', region=astana,
                parent=ministry),
            Organization(name="QazIndustry — Astana office",
                kind='support_organization_regional', region=astana,
                parent=support),
            ])


def load_information_requests():
    """The investor asks the akimat of Astana, which answers; Kazakh Invest
    registers a request for Steppe Cement, still to answer"""
    Party = Model.get('party.party')
    Organization = Model.get('kz.organization')
    steppe, = Party.find([('name', '=', "Steppe Cement JSC")])
    akimat_shymkent, = Organization.find([
            ('kind', '=', 'akimat'), ('region.code', '=', '790000000')])
    with acting_as(INVESTOR_LOGIN):
        # The investor and the registering organisation default from the
        # investor's user
        Request = Model.get('ncip.information.request')
        Organization = Model.get('kz.organization')
        akimat_astana, = Organization.find([
                ('kind', '=', 'akimat'), ('region.code', '=', '710000000')])
        answered = Request(front_office=akimat_astana,
            subject="Gas connection for the float glass plant",
            question="What gas capacity is free at the Astana industrial "
            "park and what does the connection cost?")
        answered.save()
        answered.click('submit')
        pending = Request(front_office=akimat_astana,
            subject="Training of glass technologists",
            question="Which colleges of Astana could train 40 operators?")
        pending.save()
        pending.click('submit')
    with acting_as('akimat.astana'):
        Request = Model.get('ncip.information.request')
        answered = Request(answered.id)
        answered.answer = ("Up to 12,000 m³/h are free at the industrial "
            "park; QazaqGaz connects within 90 days at about 40 million "
            "tenge.")
        answered.save()
        answered.click('answer_request')
    with acting_as('kazinvest'):
        Request = Model.get('ncip.information.request')
        Party = Model.get('party.party')
        Organization = Model.get('kz.organization')
        behalf = Request(investor=Party(steppe.id),
            front_office=Organization(akimat_shymkent.id),
            subject="Land plot near the limestone quarry",
            question="Is the 40 ha plot next to the quarry free for a "
            "cement plant extension?")
        behalf.save()
        behalf.click('submit')


def load_reports():
    """The akimat of Astana submits its regional report: Kazakh Invest is
    told and its consolidated report takes the lines"""
    with acting_as('akimat.astana'):
        Report = Model.get('ncip.quarterly.report')
        report, = Report.find([
                ('kind', '=', 'regional'),
                ('organization.name', '=', "Akimat — Astana"),
                ], order=[('year', 'DESC'), ('quarter', 'DESC')], limit=1)
        report.summary = ("Two investors accompanied; the float glass "
            "plant got its land plot.")
        report.save()
        report.click('submit')


def backdate_progress(names, days):
    """The demo's history: no progress on the projects for so many days
    (a field no client may write, set in a transaction of the server)"""
    from trytond.transaction import Transaction
    config = pconfig.get_config()
    Project = config.pool.get('ncip.project')
    date = dt.date.today() - dt.timedelta(days=days)
    with Transaction().start(config.database_name, 0) as transaction:
        Project.write(Project.search([('name', 'in', names)]),
            {'progress_date': date})
        transaction.commit()


def load_council():
    """The next Investment Council meeting; two projects without progress
    for four months, one already put on the agenda by the authorized body
    (N§7.2)"""
    backdate_progress(["Float glass plant", "Wind farm 50 MW"], 120)
    with acting_as('authorized'):
        Meeting = Model.get('ncip.council.meeting')
        Project = Model.get('ncip.project')
        meeting = Meeting(name="Investment Council meeting",
            date=dt.date.today() + dt.timedelta(days=14))
        item = meeting.agenda.new(kind='climate')
        item.subject = "Work permits for foreign engineers"
        meeting.save()
        glass, = Project.find([('name', '=', "Float glass plant")])
        glass.click('add_to_agenda')


def load_plan_revision():
    """The yearly revision of the monitoring plan (Annex 2 para. 8): last
    year's recorded, this year's due by the authorized body"""
    year = dt.date.today().year
    with acting_as('authorized'):
        Revision = Model.get('ncip.monitoring.plan.revision')
        revision = Revision(year=year - 1,
            summary="Quarterly site visits added for the green-corridor "
            "projects.")
        revision.save()
        revision.click('revise')
