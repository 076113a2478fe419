# This file is part of the KZ Investment Platform.
"""Damu demo data: contracts of each kind for Halyk Bank and Bank
CenterCredit, the next year's monitoring plan, a notified monitoring,
Halyk's Annex 4 of last month (a guarantee paid out under the guarantee),
a Mechanism contract whose growth obligation is met by the jobs kept
alone, and the users of the two roles of the module."""
import datetime as dt
from decimal import Decimal

from proteus import Model, Wizard

USERS = [
    # (login, name, organisation name, role name)
    ('damu.coordinator', "Aidos Nurmagambetov (Regional Coordinator, Astana)",
        "Akimat — Astana", "Damu Regional Coordinator"),
    ('damu.commission', "Laura Sultanova (Competition Commission)",
        "Akimat — Astana", "Damu Competition Commission"),
    ('bank.bcc', "Yerzhan Tokhtarov (Bank CenterCredit)",
        "Bank CenterCredit", "Bank"),
    ]

CONTRACTS = [
    # (number, kind, sub kind, entrepreneur, BIN, bank, region code,
    #  purpose, amount, overdue days)
    ('HB-S-2024-001', 'subsidy', 'loan', "Dala Agro LLP", '990140000384',
        'Halyk Bank', '710000000', 'investment', 250000000, 0),
    ('HB-S-2024-002', 'subsidy', 'leasing', "Shymkent Textile LLP",
        '880101300010', 'Halyk Bank', '790000000', 'working_capital',
        80000000, 0),
    ('HB-G-2024-001', 'guarantee', 'individual', "Astana Bakery LLP",
        '100000554338', 'Halyk Bank', '710000000', 'investment', 120000000,
        12),
    ('HB-G-2024-002', 'guarantee', 'portfolio', "IE Sadykov", '000740001307',
        'Halyk Bank', '710000000', 'working_capital', 20000000, 75),
    ('BCC-S-2024-001', 'subsidy', 'islamic', "Karaganda Steel Parts LLP",
        '120240021112', 'Bank CenterCredit', '350000000', 'investment',
        400000000, 0),
    ('BCC-G-2024-001', 'guarantee', 'individual', "Aktobe Dairy LLP",
        '940140000385', 'Bank CenterCredit', '150000000', 'investment',
        150000000, 0),
    ('GR-2024-001', 'grant', 'business_idea', "IE Omarova (3D printing)",
        '880101300010', 'Akimat — Astana', '710000000', None, 5000000, 0),
    ]


def is_loaded():
    Contract = Model.get('damu.contract')
    return bool(Contract.find([('number', '=', 'HB-S-2024-001')]))


def load(password):
    Organization = Model.get('kz.organization')
    Region = Model.get('kz.region')
    Contract = Model.get('damu.contract')
    Plan = Model.get('damu.plan')
    Monitoring = Model.get('damu.monitoring')
    User = Model.get('res.user')
    Role = Model.get('res.role')
    today = dt.date.today()

    organizations = {o.name: o for o in Organization.find([])}
    regions = {r.code: r for r in Region.find([])}
    contracts = {}
    for (number, kind, sub_kind, entrepreneur, bin_, bank, region, purpose,
            amount, overdue) in CONTRACTS:
        contract = Contract(number=number, kind=kind, sub_kind=sub_kind)
        contract.entrepreneur = entrepreneur
        contract.entrepreneur_bin = bin_
        contract.bank = organizations[bank]
        contract.region = regions.get(region) or regions['710000000']
        contract.purpose = purpose
        contract.amount = Decimal(amount)
        contract.contract_date = dt.date(2024, 3, 1)
        contract.decision_date = dt.date(2024, 2, 20)
        contract.investment_end_date = (
            dt.date(2025, 2, 28) if purpose == 'investment' else None)
        contract.revenue_base = Decimal(amount) / 2
        contract.jobs_base = 25
        if kind == 'guarantee':
            contract.guarantee_number = number.replace('-G-', '-GA-')
            contract.guarantee_date = dt.date(2024, 3, 1)
            contract.guarantee_amount = Decimal(amount) / 2
            contract.outstanding_debt = Decimal(amount) * Decimal('0.8')
            contract.principal_overdue_days = overdue
            contract.overdue_principal = (
                Decimal(amount) / 20 if overdue else Decimal(0))
        if kind == 'grant':
            contract.jobs_planned = 2
        contract.tranches.new(date=dt.date(2024, 3, 10),
            amount=Decimal(amount) * Decimal('0.6'))
        contract.tranches.new(date=dt.date(2024, 6, 10),
            amount=Decimal(amount) * Decimal('0.4'))
        contract.save()
        contracts[number] = contract

    plan = Plan(name=f"Monitoring plan {today.year + 1}", year=today.year + 1)
    plan.period_start = dt.date(today.year + 1, 1, 1)
    plan.period_end = dt.date(today.year + 1, 12, 31)
    plan.save()
    plan.click('select_projects')

    monitoring = Monitoring(contract=contracts['HB-G-2024-001'])
    monitoring.origin = 'request'
    monitoring.requester = 'regional_coordinator'
    monitoring.start_date = today + dt.timedelta(days=45)
    monitoring.end_date = today + dt.timedelta(days=59)
    monitoring.save()
    monitoring.click('notify')

    load_annex4(organizations['Halyk Bank'], today)
    load_mechanism(organizations['Halyk Bank'], regions['710000000'])

    roles = {r.name: r for r in Role.find([])}
    for login, name, organization, role in USERS:
        user = User(login=login, name=name, password=password)
        user.kz_organization = organizations[organization]
        user.roles.new(role=roles[role])
        user.save()


def annex4_row(number, entrepreneur, bin_, amount, overdue, paid):
    "An Annex 4 row of a Halyk guarantee of CONTRACTS"
    amount = Decimal(amount)
    return [1, "Halyk Bank", "Astana", entrepreneur, bin_, "LLP", number,
        dt.date(2024, 3, 1), 36, amount, 12, 0, 0, dt.date(2024, 3, 10),
        amount, amount * Decimal('0.8'), number.replace('-G-', '-GA-'),
        dt.date(2024, 3, 1), amount / 2, paid,
        amount / 20 if overdue else 0, overdue, 0, "investment", "10.71",
        "active", "6", dt.date(2024, 2, 10), "1"]


def load_annex4(halyk, today):
    """Halyk's Annex 4 of last month, imported as the bank would: Damu
    paid 6 million tenge under the guarantee of HB-G-2024-001 (column 20);
    its remaining guarantee is the guarantee amount less it"""
    from trytond.modules.kz_damu_monitoring import annex4
    rows = [annex4_row(number, entrepreneur, bin_, amount, overdue,
            6000000 if number == 'HB-G-2024-001' else 0)
        for (number, kind, _, entrepreneur, bin_, bank, _, _, amount,
            overdue) in CONTRACTS
        if bank == 'Halyk Bank' and kind == 'guarantee']
    period = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    wizard = Wizard('damu.bank.report.import')
    wizard.form.bank = halyk
    wizard.form.period = period
    wizard.form.programme = 'programme_1'
    wizard.form.file = annex4.write_xlsx(rows, "Annex 4 — Halyk Bank")
    wizard.form.filename = f'annex4-halyk-{period:%Y-%m}.xlsx'
    wizard.execute('check')
    assert wizard.form.imported == len(rows), wizard.form.errors


def load_mechanism(bank, region):
    """A Mechanism contract of 2021: two fiscal years later its jobs are
    kept and its revenue is flat, which meets the obligation (D§12.5)"""
    Contract = Model.get('damu.contract')
    Monitoring = Model.get('damu.monitoring')
    contract = Contract(number='HB-M-2021-001', kind='subsidy',
        sub_kind='loan')
    contract.instrument = 'mechanism'
    contract.project_type = 'new'
    contract.entrepreneur = "Kokshetau Grain LLP"
    contract.entrepreneur_bin = '990140000384'
    contract.bank = bank
    contract.region = region
    contract.purpose = 'working_capital'
    contract.amount = Decimal(300000000)
    contract.contract_date = dt.date(2021, 7, 1)
    contract.decision_date = dt.date(2021, 6, 15)
    contract.revenue_base = Decimal(900000000)
    contract.jobs_base = 40
    contract.tranches.new(date=dt.date(2021, 7, 5),
        amount=Decimal(300000000))
    contract.save()
    monitoring = Monitoring(contract=contract)
    monitoring.origin = 'request'
    monitoring.requester = 'regional_coordinator'
    monitoring.start_date = dt.date(2024, 3, 4)
    monitoring.end_date = dt.date(2024, 3, 18)
    monitoring.jobs_actual = 40
    monitoring.revenue_actual = Decimal(900000000)
    monitoring.save()
    assert monitoring.growth_met is True
