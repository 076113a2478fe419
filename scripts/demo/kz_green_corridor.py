# This file is part of the KZ Investment Platform.
"""Green corridor demo: the tenge and the US dollar with their rates, the MRP
of the current year, the National Bank's rates of today and the priority
goods of order No. 306 imported from their files, a green-corridor project
for the Task Force with a problem on the next Investment Council meeting, a
project kept in the corridor whose score fell, and the scores of the
national projects already there."""
import datetime as dt
import io
from decimal import Decimal

from openpyxl import Workbook
from proteus import Model, Wizard

# Tenge for one US dollar from 1 January (approximate National Bank rates)
USD_RATES = [
    (dt.date(2023, 1, 1), Decimal('462.65')),
    (dt.date(2024, 1, 1), Decimal('454.56')),
    (dt.date(2025, 1, 1), Decimal('525.11')),
    (dt.date(2026, 1, 1), Decimal('505.00')),
    ]
MRP = {2026: Decimal('4325')}
PRIORITY_GOODS = [
    # (code, name, level)
    ('8502', "Electric generating sets and wind turbines", 'high'),
    ('8541', "Photovoltaic cells and semiconductor devices", 'high'),
    ('3004', "Medicaments in measured doses", 'high'),
    ('8701', "Tractors", 'medium'),
    ('7606', "Aluminium plates and sheets", 'medium'),
    ('3102', "Mineral nitrogen fertilisers", 'medium'),
    ]


def is_loaded():
    PriorityGood = Model.get('green_corridor.priority_good')
    return bool(PriorityGood.find([('code', '=', '8502')]))


def load_currencies():
    Currency = Model.get('currency.currency')
    currencies = {c.code: c for c in Currency.find([
                ('code', 'in', ['KZT', 'USD'])])}
    kzt = currencies.get('KZT')
    if not kzt:
        kzt = Currency(name="Tenge", code='KZT', symbol="₸", digits=2)
        kzt.rates.new(date=dt.date(2000, 1, 1), rate=Decimal(1))
        kzt.save()
    base = kzt.rates[0].rate if kzt.rates else Decimal(1)
    usd = currencies.get('USD')
    if not usd:
        usd = Currency(name="US Dollar", code='USD', symbol="$", digits=2)
    known = {r.date for r in usd.rates}
    for date, kzt_per_usd in USD_RATES:
        if date not in known:
            usd.rates.new(date=date, rate=(base / kzt_per_usd).quantize(
                    Decimal('0.000001')))
    usd.save()


def load_mrp():
    MRPModel = Model.get('kz.mrp')
    for year, amount in MRP.items():
        if not MRPModel.find([('year', '=', year)]):
            MRPModel(year=year, amount=amount,
                legal_basis="Law on the republican budget for 2026-2028").save()


def import_nbk_rates():
    """The administrator imports the National Bank's official rates of
    today from the bank's XML (no network call: the file is given)"""
    date = dt.date.today()
    xml = (
        '<?xml version="1.0" encoding="utf-8"?>\n<rates>'
        '<title>Official exchange rates of National Bank of Republic '
        'Kazakhstan</title><date>%s</date>'
        '<item><fullname>ДОЛЛАР США</fullname><title>USD</title>'
        '<description>505.00</description><quant>1</quant></item>'
        '<item><fullname>ЕВРО</fullname><title>EUR</title>'
        '<description>590.20</description><quant>1</quant></item>'
        '</rates>' % date.strftime('%d.%m.%Y')).encode()
    wizard = Wizard('green_corridor.rate.import')
    wizard.form.file = xml
    wizard.form.filename = 'get_rates.xml'
    wizard.execute('import_')


def import_priority_goods():
    "The administrator imports order No. 306 from a spreadsheet"
    workbook = Workbook()
    workbook.active.append(["Code", "Name", "Level"])
    for code, name, level in PRIORITY_GOODS:
        workbook.active.append([code, name, level])
    data = io.BytesIO()
    workbook.save(data)
    wizard = Wizard('green_corridor.priority_good.import')
    wizard.form.file = data.getvalue()
    wizard.form.filename = 'order_306.xlsx'
    wizard.execute('import_')


def load(password):
    load_currencies()
    load_mrp()
    import_nbk_rates()
    import_priority_goods()
    PriorityGood = Model.get('green_corridor.priority_good')
    goods = {g.code: g for g in PriorityGood.find([])}

    # Score the national projects of the other demo data
    Project = Model.get('ncip.project')
    national = Project.find([('pool', '=', 'national')])
    if national:
        Project.click(national, 'recompute_green_corridor_button')

    Party = Model.get('party.party')
    Region = Model.get('kz.region')
    investor = Party(name="Nordwind Energie AG")
    investor.save()
    astana, = Region.find([('code', '=', '710000000')])
    project = Project(
        name="Wind farm 150 MW", investor=investor, region=astana)
    project.product = "Electricity from wind"
    project.cost = Decimal('42000000000')
    project.global2000 = True
    project.global2000_year = 2025
    project.priority_good = goods['8502']
    project.high_tech_level = 'high'
    project.new_jobs = 650
    project.save()

    # Fewer jobs than planned: the score falls under the threshold, the
    # project stays in the corridor until the authorized body decides
    # (N§28)
    solar = Project(
        name="Solar panel plant", investor=investor, region=astana)
    solar.product = "Photovoltaic modules"
    solar.cost = Decimal('6000000000')
    solar.global2000 = True
    solar.global2000_year = 2025
    solar.high_tech_level = 'manufacturing'
    solar.new_jobs = 300
    solar.save()
    solar.new_jobs = 250
    solar.save()

    Problem = Model.get('green_corridor.problem')
    Meeting = Model.get('ncip.council.meeting')
    today = dt.date.today()
    if not Meeting.find([('state', '=', 'planned'), ('date', '>=', today)]):
        Meeting(name="Investment Council meeting",
            date=today + dt.timedelta(days=14)).save()
    Problem(project=project, subject="Grid connection of the wind farm",
        description="The regional grid company has not issued the "
        "technical conditions for 60 days.").save()
