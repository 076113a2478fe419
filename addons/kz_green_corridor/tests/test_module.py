# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
import datetime as dt
import io
import re
from decimal import Decimal

from trytond.model.exceptions import (
    DomainValidationError, RequiredValidationError)
from trytond.modules.kz_base.exceptions import ReportConversionError
from trytond.modules.kz_base.tests.tools import (
    as_user, config_option, create_user, first_column_links, language,
    normalize, pdf_text, run_queue, seed_path)
from trytond.modules.kz_green_corridor.exceptions import (
    ConfigurationValidationError, GreenCorridorError, ImportFileError,
    MissingMRPError, MissingRateError)
from trytond.modules.kz_green_corridor.project import GC_RESULTS, band_points
from trytond.modules.kz_ncip.tests.tools import create_bare_project
from trytond.modules.kz_base.tests.tools import today as base_today
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction

TODAY = dt.date(2025, 6, 2)
KZT_PER_USD = Decimal(500)
MRP_2025 = Decimal(3932)
MILLION = Decimal(1_000_000)
SEED = 'ncip_one_window_rules_2024.ru.txt'


def today(date=TODAY):
    return base_today(date)


def create_currencies(rate_date=dt.date(2025, 1, 1)):
    "KZT is the base (rate 1); 1 USD = 500 KZT from rate_date"
    Currency = Pool().get('currency.currency')
    kzt, usd = Currency.create([{
                'name': "Tenge", 'code': 'KZT', 'symbol': '₸',
                'rates': [('create', [{
                                'date': dt.date(2000, 1, 1),
                                'rate': Decimal(1)}])],
                }, {
                'name': "US Dollar", 'code': 'USD', 'symbol': '$',
                'rates': [('create', [{
                                'date': rate_date,
                                'rate': Decimal(1) / KZT_PER_USD}])]
                if rate_date else [],
                }])
    return kzt, usd


def create_project(usd=None, **values):
    """Create a project; usd is the investment in US dollars, converted to
    tenge at 500 KZT for 1 USD"""
    Project = Pool().get('ncip.project')
    defaults = {
        'new_jobs': 100,
        'high_tech_level': 'non_manufacturing',
        }
    if usd is not None:
        defaults['cost'] = Decimal(usd) * KZT_PER_USD
    defaults.update(values)
    return Project(create_bare_project(**defaults).id)


def create_priority_good(level, code=None):
    PriorityGood = Pool().get('green_corridor.priority_good')
    good, = PriorityGood.create([{
                'code': code or '8501%s' % level[:2],
                'name': "Electric motors",
                'level': level}])
    return good


def last_decision(project):
    return max(project.gc_decisions, key=lambda d: d.id)


def report_text(project):
    "Return the text of the scoring sheet (PDF) of the project"
    Report = Pool().get('ncip.project.green_corridor', type='report')
    ext, content, _, name = Report.execute([project.id], {})
    assert ext == 'pdf', ext
    return pdf_text(content)


def annex1_seed():
    """Return the labels of Annex 1 in the seed (the Russian original): the
    annex note, the title, [(criterion, maximum)] and the threshold note"""
    with open(seed_path(SEED), encoding='utf-8') as fp:
        text = fp.read()
    annex = text[text.index('Приложение 1\n'):text.index('Приложение 2\n')]
    blocks = [[normalize(line) for line in block.splitlines()
            if line.strip()] for block in annex.split('\n\n')]
    blocks = [b for b in blocks if b]
    note = blocks[0] if blocks[0][0] == 'Приложение 1' else None
    title, = [b[0] for b in blocks if b[0].startswith('Система расчета')]
    criteria = [(' '.join(b[:-1]), b[-1]) for b in blocks
        if len(b) > 1 and b[-1].startswith('Максимальный балл')]
    threshold, = [re.match(r'(\*.*) - ([0-9.,]+) балла\.$', line).group(1)
        for b in blocks for line in b if line.startswith('*')]
    return ' '.join(note), title, criteria, threshold


# The inputs of a green-corridor project: 0.25×1 + 0.3×2 + 0.3×1 + 0.15×2
# = 1.45 at the default settings, whatever the investment band
GREEN = {
    'global2000': True, 'global2000_year': 2024,
    'high_tech_level': 'manufacturing', 'new_jobs': 500,
    }


class KzGreenCorridorTestCase(ModuleTestCase):
    "Test kz_green_corridor module"
    module = 'kz_green_corridor'

    def test_band_points(self):
        "Bands are half-open: a bound scores the band it starts"
        bands, points = [10, 15, 30], [0, 1, 2, 3]
        for value, expected in [
                (0, 0), (9.99, 0), (10, 1), (14.99, 1), (15, 2),
                (29.99, 2), (30, 3), (1000, 3)]:
            with self.subTest(value=value):
                self.assertEqual(band_points(value, bands, points), expected)

    @with_transaction()
    def test_investment_bands(self):
        "Investment: < 10 M USD 0, [10, 15) 1, [15, 30) 2, ≥ 30 M 3"
        create_currencies()
        with today():
            for usd, points in [
                    (Decimal('9.99') * MILLION, 0),
                    (10 * MILLION, 1),
                    (Decimal('14.99') * MILLION, 1),
                    (15 * MILLION, 2),
                    (Decimal('29.99') * MILLION, 2),
                    (30 * MILLION, 3),
                    ]:
                with self.subTest(usd=usd):
                    project = create_project(usd=usd)
                    self.assertEqual(project.pool, 'national')
                    self.assertEqual(project.gc_status, 'computed')
                    self.assertEqual(project.gc_investment_usd, usd)
                    self.assertEqual(project.gc_usd_rate, KZT_PER_USD)
                    self.assertEqual(project.gc_usd_rate_date, TODAY)
                    self.assertEqual(project.gc_inclusion_date, TODAY)
                    self.assertEqual(project.gc_investment_points, points)
                    self.assertEqual(
                        project.gc_investment_share,
                        Decimal('0.25') * points)

    @with_transaction()
    def test_social_bands(self):
        "Jobs: < 300 → 0.5, [300, 500) → 1, ≥ 500 → 2"
        create_currencies()
        with today():
            for jobs, points in [
                    (0, Decimal('0.5')), (299, Decimal('0.5')),
                    (300, 1), (499, 1), (500, 2), (5000, 2)]:
                with self.subTest(jobs=jobs):
                    project = create_project(usd=10 * MILLION, new_jobs=jobs)
                    self.assertEqual(project.gc_social_points, points)
                    self.assertEqual(
                        project.gc_social_share, Decimal('0.15') * points)

    @with_transaction()
    def test_high_tech_levels(self):
        "High-tech: non-manufacturing 0, manufacturing 1, medium 2, high 3"
        create_currencies()
        medium = create_priority_good('medium')
        high = create_priority_good('high')
        with today():
            for level, good, points in [
                    ('non_manufacturing', None, 0),
                    ('manufacturing', None, 1),
                    ('medium', medium, 2),
                    ('high', high, 3),
                    ]:
                with self.subTest(level=level):
                    project = create_project(
                        usd=10 * MILLION, high_tech_level=level,
                        priority_good=good.id if good else None)
                    self.assertEqual(project.gc_high_tech_points, points)
                    self.assertEqual(
                        project.gc_high_tech_share, Decimal('0.3') * points)

    @with_transaction()
    def test_priority_good_required_and_matching(self):
        "A medium or high level needs a priority good of that level"
        create_currencies()
        high = create_priority_good('high')
        with today():
            with self.assertRaises(RequiredValidationError):
                create_project(usd=10 * MILLION, high_tech_level='medium')
            with self.assertRaises(DomainValidationError):
                create_project(
                    usd=10 * MILLION, high_tech_level='medium',
                    priority_good=high.id)

    @with_transaction()
    def test_global2000(self):
        "Global 2000: absent 0, listed 2 (with the year of the list)"
        create_currencies()
        with today():
            project = create_project(usd=10 * MILLION)
            self.assertEqual(project.gc_global2000_points, 0)
            with self.assertRaises(RequiredValidationError):
                create_project(usd=10 * MILLION, global2000=True)
            project = create_project(
                usd=10 * MILLION, global2000=True, global2000_year=2024)
            self.assertEqual(project.gc_global2000_points, 2)
            self.assertEqual(project.gc_global2000_share, Decimal('0.6'))

    @with_transaction()
    def test_threshold(self):
        "The green corridor starts exactly at a score of 1.3"
        create_currencies()
        medium = create_priority_good('medium')
        with today():
            # 0.25×1 + 0.3×2 + 0.3×1 + 0.15×1 = 1.30
            project = create_project(
                usd=10 * MILLION, global2000=True, global2000_year=2024,
                high_tech_level='manufacturing', new_jobs=300)
            self.assertEqual(project.green_corridor_score, Decimal('1.3'))
            self.assertEqual(project.green_corridor, True)
            # 0.25×1 + 0.3×2 + 0.3×1 + 0.15×0.5 = 1.225
            project = create_project(
                usd=10 * MILLION, global2000=True, global2000_year=2024,
                high_tech_level='manufacturing', new_jobs=299)
            self.assertEqual(project.green_corridor_score, Decimal('1.225'))
            self.assertEqual(project.green_corridor, False)
            # 0.25×3 + 0 + 0.3×2 + 0.15×2 = 1.65
            project = create_project(
                usd=30 * MILLION, high_tech_level='medium',
                priority_good=medium.id, new_jobs=500)
            self.assertEqual(project.green_corridor_score, Decimal('1.65'))
            self.assertEqual(project.green_corridor, True)

    @with_transaction()
    def test_regional_project_not_scored(self):
        "Only projects of the national pool are scored"
        create_currencies()
        with today():
            project = create_project(usd=1 * MILLION)
            self.assertEqual(project.pool, 'regional')
            self.assertEqual(project.gc_status, None)
            self.assertEqual(project.green_corridor_score, None)
            self.assertEqual(project.green_corridor, False)
            self.assertEqual(project.gc_decisions, ())

    @with_transaction()
    def test_task_force_boundary(self):
        "Task Force from exactly 7,500,000 × MRP of 1 January"
        create_currencies()
        threshold = Decimal(7_500_000) * MRP_2025
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        Notification = pool.get('res.notification')
        user, = User.create([{
                    'name': "Task Force", 'login': 'tf',
                    'groups': [('add', [ModelData.get_id(
                                    'kz_base', 'group_task_force')])],
                    }])
        with today():
            for cost, task_force in [
                    (threshold - Decimal('0.01'), False),
                    (threshold, True),
                    ]:
                with self.subTest(cost=cost):
                    project = create_project(
                        cost=cost, global2000=True, global2000_year=2024,
                        high_tech_level='manufacturing', new_jobs=500)
                    self.assertEqual(project.green_corridor, True)
                    self.assertEqual(project.task_force, task_force)
                    notifications = Notification.search([
                            ('user', '=', user.id),
                            ('model', '=', 'ncip.project'),
                            ('records', '=', '[%s]' % project.id),
                            ])
                    self.assertEqual(len(notifications), int(task_force))
            # Not in the green corridor: no Task Force whatever the cost
            project = create_project(cost=threshold * 2, new_jobs=0)
            self.assertEqual(project.green_corridor, False)
            self.assertEqual(project.task_force, False)

    @with_transaction()
    def test_recompute_on_change(self):
        "Changing an input recomputes the score and logs a decision"
        Project = Pool().get('ncip.project')
        create_currencies()
        with today():
            project = create_project(usd=10 * MILLION, new_jobs=299)
            self.assertEqual(project.green_corridor, False)
            self.assertEqual(len(project.gc_decisions), 1)
            decision, = project.gc_decisions
            self.assertEqual(decision.reason, 'national')
            self.assertEqual(decision.score, project.green_corridor_score)
            self.assertEqual(decision.new_jobs, 299)

            Project.write([project], {
                    'global2000': True, 'global2000_year': 2024,
                    'high_tech_level': 'manufacturing', 'new_jobs': 300})
            project = Project(project.id)
            self.assertEqual(project.green_corridor_score, Decimal('1.3'))
            self.assertEqual(project.green_corridor, True)
            self.assertEqual(len(project.gc_decisions), 2)
            last = max(project.gc_decisions, key=lambda d: d.id)
            self.assertEqual(last.reason, 'change')
            self.assertEqual(last.green_corridor, True)
            self.assertEqual(last.new_jobs, 300)

            # Writing the same values decides nothing new
            Project.write([project], {'new_jobs': 300})
            self.assertEqual(len(Project(project.id).gc_decisions), 2)

            # A lower cost leaves the national pool: the flags go
            Project.write([project], {'cost': Decimal(1000)})
            project = Project(project.id)
            self.assertEqual(project.pool, 'regional')
            self.assertEqual(project.green_corridor, False)
            self.assertEqual(project.gc_status, None)
            last = max(project.gc_decisions, key=lambda d: d.id)
            self.assertEqual(last.reason, 'left')

    @with_transaction()
    def test_manual_usd(self):
        "A manual USD amount with its source replaces the conversion"
        Project = Pool().get('ncip.project')
        create_currencies()
        with today():
            project = create_project(usd=10 * MILLION)
            self.assertEqual(project.gc_investment_points, 1)
            with self.assertRaises(RequiredValidationError):
                Project.write([project], {
                        'gc_usd_manual': True,
                        'gc_investment_usd_manual': 30 * MILLION})
            Project.write([project], {
                    'gc_usd_manual': True,
                    'gc_investment_usd_manual': 30 * MILLION,
                    'gc_usd_source': "Investor's financial model"})
            project = Project(project.id)
            self.assertEqual(project.gc_investment_usd, 30 * MILLION)
            self.assertEqual(project.gc_usd_rate, None)
            self.assertEqual(project.gc_investment_points, 3)
            last = max(project.gc_decisions, key=lambda d: d.id)
            self.assertEqual(last.usd_source, "Investor's financial model")
            with self.assertRaises(DomainValidationError):
                Project.write([project], {
                        'gc_investment_usd_manual': Decimal(-1)})

    @with_transaction()
    def test_missing_rate(self):
        "Without a USD rate the score waits; the button explains why"
        Project = Pool().get('ncip.project')
        kzt, usd = create_currencies(rate_date=None)
        with today():
            project = create_project(usd=10 * MILLION)
            self.assertEqual(project.pool, 'national')
            self.assertEqual(project.gc_status, 'missing_rate')
            self.assertEqual(project.green_corridor_score, None)
            self.assertEqual(project.green_corridor, False)
            with self.assertRaises(MissingRateError):
                Project.recompute_green_corridor_button([project])
            # A rate of the inclusion date makes the score computable
            Rate = Pool().get('currency.currency.rate')
            Rate.create([{
                        'currency': usd.id, 'date': TODAY,
                        'rate': Decimal(1) / KZT_PER_USD}])
            Project.recompute_green_corridor_button([project])
            project = Project(project.id)
            self.assertEqual(project.gc_status, 'computed')
            self.assertEqual(project.gc_investment_points, 1)
            last = max(project.gc_decisions, key=lambda d: d.id)
            self.assertEqual(last.reason, 'manual')

    @with_transaction()
    def test_settings_change(self):
        "A new threshold or weight applies to the national projects at once"
        pool = Pool()
        Project = pool.get('ncip.project')
        Configuration = pool.get('kz.configuration')
        create_currencies()
        with today():
            project = create_project(
                usd=10 * MILLION, global2000=True, global2000_year=2024,
                high_tech_level='manufacturing', new_jobs=299)
            self.assertEqual(project.green_corridor, False)
            config = Configuration(1)
            config.gc_threshold = Decimal('1.2')
            config.save()
            project = Project(project.id)
            self.assertEqual(project.green_corridor, True)
            last = max(project.gc_decisions, key=lambda d: d.id)
            self.assertEqual(last.reason, 'settings')
            self.assertEqual(last.threshold, Decimal('1.2'))

            config.gc_weight_investment = Decimal(40)
            config.gc_weight_social = Decimal(0)
            config.save()
            project = Project(project.id)
            # 0.4×1 + 0.3×2 + 0.3×1 + 0 = 1.3
            self.assertEqual(project.green_corridor_score, Decimal('1.3'))

            config.gc_social_band1 = 100
            config.gc_weight_social = Decimal(15)
            config.gc_weight_investment = Decimal(25)
            config.save()
            project = Project(project.id)
            self.assertEqual(project.gc_social_points, 1)

    @with_transaction()
    def test_settings_validation(self):
        "Weights must add up to 100 % and bands must increase"
        Configuration = Pool().get('kz.configuration')
        Configuration.create([{}])
        for name, value in [
                ('gc_weight_social', Decimal(20)),
                ('gc_investment_band2', Decimal(40) * MILLION),
                ('gc_social_band2', 200),
                ('gc_threshold', Decimal(-1)),
                ]:
            with self.subTest(name=name):
                config = Configuration(1)
                setattr(config, name, value)
                with self.assertRaises(ConfigurationValidationError):
                    config.save()

    @with_transaction()
    def test_negative_jobs(self):
        "A negative number of jobs is refused"
        create_currencies()
        with today():
            with self.assertRaises(DomainValidationError):
                create_project(usd=10 * MILLION, new_jobs=-1)

    @with_transaction()
    def test_council_agenda(self):
        "Open problems of green-corridor projects go to the next meeting"
        pool = Pool()
        Problem = pool.get('green_corridor.problem')
        Meeting = pool.get('ncip.council.meeting')
        create_currencies()
        with today():
            green = create_project(
                usd=30 * MILLION, global2000=True, global2000_year=2024,
                new_jobs=500)
            other = create_project(usd=10 * MILLION)
            self.assertEqual(green.green_corridor, True)
            self.assertEqual(other.green_corridor, False)
            old, = Problem.create([{
                        'project': green.id, 'subject': "Land plot"}])
            Problem.create([{'project': other.id, 'subject': "Permit"}])
            past, meeting, later = Meeting.create([{
                        'name': "Past", 'date': dt.date(2025, 5, 1),
                        }, {
                        'name': "Next", 'date': dt.date(2025, 6, 10),
                        }, {
                        'name': "Later", 'date': dt.date(2025, 9, 10),
                        }])
            self.assertEqual(Meeting.next_meeting(), meeting)
            Meeting.generate_agenda([meeting])
            self.assertEqual(
                [i.problem for i in meeting.agenda], [old])
            self.assertEqual(meeting.agenda[0].project, green)
            # Generating again adds nothing twice
            Meeting.generate_agenda([meeting, later])
            self.assertEqual(len(Meeting(meeting.id).agenda), 1)
            self.assertEqual(len(Meeting(later.id).agenda), 0)
            # A new problem goes at once to the next meeting
            new, = Problem.create([{
                        'project': green.id, 'subject': "Power line"}])
            self.assertEqual(
                [i.problem for i in Meeting(meeting.id).agenda], [old, new])
            # Resolving needs a resolution
            with self.assertRaises(GreenCorridorError):
                Problem.resolve([new])
            new.resolution = "Connected by the akimat"
            new.save()
            Problem.resolve([new])
            self.assertEqual(new.state, 'resolved')

    @with_transaction()
    def test_decision_report(self):
        "The scoring sheet is a PDF with the score and the decision"
        create_currencies()
        with today():
            project = create_project(
                usd=30 * MILLION, global2000=True, global2000_year=2024,
                new_jobs=500)
            text = report_text(project)
        self.assertIn("Scoring system for an investment project", text)
        self.assertIn("Project: Plant", text)
        self.assertIn("Investment amount (25%) Maximum score - 3", text)
        self.assertIn("Present in the list (2024)", text)
        # 0.25×3 + 0.3×2 + 0 + 0.15×2
        self.assertIn("Weighted average score Threshold: 1.3 1.6500", text)
        self.assertIn("is included in the Green Corridor", text)

    @with_transaction()
    def test_decision_report_without_libreoffice(self):
        "Without LibreOffice the scoring sheet is a clear error, not an .odt"
        Report = Pool().get('ncip.project.green_corridor', type='report')
        create_currencies()
        with today():
            project = create_project(usd=30 * MILLION)
            with config_option('report', 'convert_command',
                    '/nonexistent/soffice --convert-to pdf'):
                with self.assertRaisesRegex(ReportConversionError,
                        r'"Green Corridor Scoring Sheet \(Annex 1\)" '
                        r'cannot be produced as PDF'):
                    Report.execute([project.id], {})

    @with_transaction()
    def test_annex1_sheet_seed_labels(self):
        "The Russian scoring sheet has the labels of Annex 1 of the seed"
        note, title, criteria, threshold = annex1_seed()
        self.assertEqual(len(criteria), 4)
        create_currencies()
        with today():
            project = create_project(usd=12 * MILLION, **GREEN)
            with language('ru', 'kz_base', 'kz_ncip', 'kz_green_corridor'):
                text = report_text(project)
        self.assertIn(note, text)
        self.assertIn(title, text)
        for criterion, maximum in criteria:
            # The criterion with its weight, then its maximum, in one cell
            self.assertIn(f'{criterion} {maximum}', text)
        self.assertIn(threshold, text)
        self.assertIn("наличие в перечне (2024)", text)
        self.assertIn("Проект включён в «Зелёный коридор»", text)

    @with_transaction()
    def test_annex1_list_xlsx(self):
        "The list of scored projects has the criteria of Annex 1 as columns"
        from openpyxl import load_workbook
        pool = Pool()
        Report = pool.get('ncip.project.green_corridor.xlsx', type='report')
        _, _, criteria, _ = annex1_seed()
        create_currencies()
        with today():
            green = create_project(usd=12 * MILLION, **GREEN)
            regional = create_project(usd=1, name="Bakery")
            with language('ru', 'kz_base', 'kz_ncip', 'kz_green_corridor'):
                ext, content, _, _ = Report.execute(
                    [green.id, regional.id], {})
        self.assertEqual(ext, 'xlsx')
        sheet = load_workbook(io.BytesIO(content)).active
        rows = list(sheet.iter_rows(values_only=True))
        headers = rows[1]
        self.assertEqual(headers[:2], ('№', 'Инвестиционный проект'))
        self.assertEqual(list(headers[9:13]), [c for c, _ in criteria])
        self.assertEqual(headers[13], 'Средневзвешенное значение')
        # Only the scored project, with its points and score
        self.assertEqual(len(rows), 3)
        self.assertEqual(rows[2][:2], (1, 'Plant'))
        self.assertEqual(rows[2][9:14], (1, 2, 1, 2, 1.45))
        self.assertEqual(rows[2][14:], ('Да', 'Нет'))

    @with_transaction()
    def test_usd_rate_of_inclusion_date(self):
        "The cost is converted at the USD rate of the inclusion date"
        pool = Pool()
        Project = pool.get('ncip.project')
        Rate = pool.get('currency.currency.rate')
        kzt, usd = create_currencies()
        # 500 KZT from 1 January, 400 KZT from 10 June 2025
        Rate.create([{
                    'currency': usd.id, 'date': dt.date(2025, 6, 10),
                    'rate': Decimal(1) / Decimal(400)}])
        cost = 12 * MILLION * KZT_PER_USD
        with today():
            project = create_project(cost=cost)
            later = create_project(cost=Decimal(1000))
        self.assertEqual(project.gc_inclusion_date, TODAY)
        self.assertEqual(later.pool, 'regional')
        with today(dt.date(2025, 6, 20)):
            # A recompute after the new rate keeps the inclusion date's
            Project.write([project], {'new_jobs': 200})
            Project.recompute_green_corridor_button([project])
            # A project entering the pool after the new rate gets it
            Project.write([later], {'cost': cost})
        for record, date, rate, usd_amount, points in [
                (project, TODAY, KZT_PER_USD, 12 * MILLION, 1),
                (later, dt.date(2025, 6, 20), Decimal(400),
                    15 * MILLION, 2),
                ]:
            with self.subTest(project=record.id):
                record = Project(record.id)
                self.assertEqual(record.gc_status, 'computed')
                self.assertEqual(record.gc_inclusion_date, date)
                self.assertEqual(record.gc_usd_rate_date, date)
                self.assertEqual(record.gc_usd_rate, rate)
                self.assertEqual(record.gc_investment_usd, usd_amount)
                self.assertEqual(record.gc_investment_points, points)
                decision = last_decision(record)
                self.assertEqual(decision.usd_rate, rate)
                self.assertEqual(decision.usd_rate_date, date)

    @with_transaction()
    def test_decision_on_usd_source_and_priority_good(self):
        "Changing only the USD source or the priority good logs a decision"
        pool = Pool()
        Project = pool.get('ncip.project')
        create_currencies()
        wind = create_priority_good('high', code='8502')
        solar = create_priority_good('high', code='8541')
        with today():
            project = create_project(
                usd=10 * MILLION, high_tech_level='high',
                priority_good=wind.id, gc_usd_manual=True,
                gc_investment_usd_manual=20 * MILLION,
                gc_usd_source="Financial model")
            self.assertEqual(len(project.gc_decisions), 1)
            decision = last_decision(project)
            self.assertEqual(decision.priority_good, wind)
            self.assertEqual(decision.usd_source, "Financial model")
            score = project.green_corridor_score
            for values, field, expected in [
                    ({'gc_usd_source': "Bank statement"},
                        'usd_source', "Bank statement"),
                    ({'priority_good': solar.id}, 'priority_good', solar),
                    ]:
                with self.subTest(values=values):
                    count = len(Project(project.id).gc_decisions)
                    Project.write([Project(project.id)], values)
                    project = Project(project.id)
                    self.assertEqual(project.green_corridor_score, score)
                    self.assertEqual(len(project.gc_decisions), count + 1)
                    decision = last_decision(project)
                    self.assertEqual(decision.reason, 'change')
                    self.assertEqual(getattr(decision, field), expected)
                    # The same value again decides nothing new
                    Project.write([project], values)
                    self.assertEqual(
                        len(Project(project.id).gc_decisions), count + 1)

    @with_transaction()
    def test_mrp_change_recomputes_task_force(self):
        "A new MRP of the passport year decides the Task Force again"
        pool = Pool()
        Project = pool.get('ncip.project')
        MRP = pool.get('kz.mrp')
        Notification = pool.get('res.notification')
        create_currencies()
        user = create_user('tf', 'group_task_force')
        mrp_2025, = MRP.search([('year', '=', 2025)])
        mrp_2026, = MRP.search([('year', '=', 2026)])
        threshold = Decimal(7_500_000) * MRP_2025
        # The passport of 2025 and the inclusion in 2026: the Task Force
        # uses the MRP of the passport year, as the national pool does
        with today(dt.date(2026, 1, 15)):
            project = create_project(
                cost=threshold, passport_date=dt.date(2025, 12, 30), **GREEN)
            self.assertEqual(project.pool, 'national')
            self.assertEqual(project.gc_inclusion_date, dt.date(2026, 1, 15))
            self.assertEqual(project.green_corridor, True)
            self.assertEqual(project.task_force, True)
            self.assertEqual(last_decision(project).mrp, MRP_2025)
            decisions = len(project.gc_decisions)

            # The MRP of another year changes nothing
            MRP.write([mrp_2026], {'amount': Decimal(5000)})
            run_queue()
            self.assertEqual(len(Project(project.id).gc_decisions), decisions)

            for amount, task_force in [
                    (MRP_2025 + 1, False),
                    (MRP_2025, True),
                    ]:
                with self.subTest(amount=amount):
                    MRP.write([mrp_2025], {'amount': amount})
                    run_queue()
                    project = Project(project.id)
                    self.assertEqual(project.pool, 'national')
                    self.assertEqual(project.gc_status, 'computed')
                    self.assertEqual(project.task_force, task_force)
                    decision = last_decision(project)
                    self.assertEqual(decision.reason, 'mrp')
                    self.assertEqual(decision.mrp, amount)
                    self.assertEqual(decision.task_force, task_force)
        # Assigned twice: on inclusion and when the MRP came back
        self.assertEqual(len(Notification.search([
                        ('user', '=', user.id),
                        ('records', '=', '[%s]' % project.id),
                        ])), 2)

    @with_transaction()
    def test_missing_mrp(self):
        "Without the MRP of the passport year the Task Force waits"
        pool = Pool()
        Project = pool.get('ncip.project')
        MRP = pool.get('kz.mrp')
        create_currencies()
        self.assertFalse(MRP.search([('year', '=', 2030)]))
        with today(dt.date(2030, 3, 2)):
            # An investment contract is national without the MRP
            project = create_project(
                usd=100 * MILLION, passport_date=dt.date(2030, 3, 2),
                investment_contract=True,
                contract_start=dt.date(2030, 1, 1),
                contract_end=dt.date(2040, 1, 1), **GREEN)
            self.assertEqual(project.pool, 'national')
            self.assertEqual(project.green_corridor, True)
            self.assertEqual(project.gc_status, 'missing_mrp')
            self.assertEqual(project.task_force, False)
            self.assertEqual(last_decision(project).status, 'missing_mrp')
            with self.assertRaisesRegex(MissingMRPError, '2030'):
                Project.recompute_green_corridor_button([project])

            # 50 billion tenge ≥ 7,500,000 × 4,500 = 33.75 billion
            mrp, = MRP.create([{'year': 2030, 'amount': Decimal(4500)}])
            run_queue()
            project = Project(project.id)
            self.assertEqual(project.gc_status, 'computed')
            self.assertEqual(project.task_force, True)
            self.assertEqual(last_decision(project).reason, 'mrp')

            MRP.delete([mrp])
            run_queue()
            project = Project(project.id)
            self.assertEqual(project.gc_status, 'missing_mrp')
            self.assertEqual(project.task_force, False)
            self.assertEqual(last_decision(project).reason, 'mrp')

    @with_transaction()
    def test_cron_scores_unscored_projects(self):
        "The daily cron scores the national projects never scored"
        pool = Pool()
        Project = pool.get('ncip.project')
        Decision = pool.get('green_corridor.decision')
        Cron = pool.get('ir.cron')
        ModelData = pool.get('ir.model.data')
        kzt, usd = create_currencies(rate_date=None)
        cron = Cron(ModelData.get_id(
                'kz_green_corridor', 'cron_score_unscored'))
        self.assertEqual(
            cron.method, 'ncip.project|score_unscored_green_corridor')
        self.assertEqual((cron.interval_number, cron.interval_type),
            (1, 'days'))
        with today():
            unscored = create_project(usd=30 * MILLION, **GREEN)
            scored = create_project(usd=10 * MILLION)
            regional = create_project(usd=1 * MILLION)
            # As if unscored was in the national pool before the module
            # was activated
            Decision.delete(list(unscored.gc_decisions))
            Project.write([unscored], dict(
                    {n: None for n in GC_RESULTS},
                    green_corridor=False, task_force=False))
            Project.write([scored], {'gc_usd_manual': True,
                    'gc_investment_usd_manual': 10 * MILLION,
                    'gc_usd_source': "Bank"})
        unscored, scored, regional = Project.browse(
            [unscored.id, scored.id, regional.id])
        self.assertEqual(unscored.gc_status, None)
        self.assertEqual(unscored.gc_decisions, ())
        self.assertEqual(scored.gc_status, 'computed')
        scored_decisions = len(scored.gc_decisions)

        with today(dt.date(2025, 6, 3)):
            Cron.run_once([cron])
        unscored = Project(unscored.id)
        # Still waiting for the USD rate
        self.assertEqual(unscored.gc_status, 'missing_rate')
        decision, = unscored.gc_decisions
        self.assertEqual(decision.reason, 'national')

        # Once the rate is entered the next run scores it
        Rate = pool.get('currency.currency.rate')
        Rate.create([{'currency': usd.id, 'date': dt.date(2025, 1, 1),
                    'rate': Decimal(1) / KZT_PER_USD}])
        with today(dt.date(2025, 6, 4)):
            self.assertEqual(
                Project.score_unscored_green_corridor(), [unscored])
            # Nothing left to score
            self.assertEqual(Project.score_unscored_green_corridor(), [])
        unscored = Project(unscored.id)
        self.assertEqual(unscored.gc_status, 'computed')
        self.assertEqual(unscored.green_corridor_score, Decimal('1.95'))
        self.assertEqual(unscored.green_corridor, True)
        self.assertEqual(unscored.gc_inclusion_date, dt.date(2025, 6, 3))
        self.assertEqual(len(unscored.gc_decisions), 2)
        self.assertEqual(
            len(Project(scored.id).gc_decisions), scored_decisions)
        regional = Project(regional.id)
        self.assertEqual(regional.gc_status, None)
        self.assertEqual(regional.gc_decisions, ())

    @with_transaction()
    def test_settings_bands_and_points(self):
        "New bands and points apply to the national projects at once"
        pool = Pool()
        Project = pool.get('ncip.project')
        Configuration = pool.get('kz.configuration')
        create_currencies()
        Configuration.create([{}])
        with today():
            # 12 M USD, Global 2000, manufacturing, 350 jobs
            project = create_project(
                usd=12 * MILLION, global2000=True, global2000_year=2024,
                high_tech_level='manufacturing', new_jobs=350)
            for values, field, expected in [
                    ({}, 'gc_investment_points', 1),
                    ({'gc_investment_band1': 13 * MILLION},
                        'gc_investment_points', 0),
                    ({'gc_investment_band2': 12 * MILLION},
                        'gc_investment_points', 2),
                    ({'gc_investment_band2': 11 * MILLION,
                            'gc_investment_band3': 12 * MILLION},
                        'gc_investment_points', 3),
                    ({'gc_investment_points1': Decimal('1.5')},
                        'gc_investment_points', Decimal('1.5')),
                    ({}, 'gc_social_points', 1),
                    ({'gc_social_band1': 400}, 'gc_social_points',
                        Decimal('0.5')),
                    ({'gc_social_band2': 350}, 'gc_social_points', 2),
                    ({'gc_social_points1': Decimal('1.25')},
                        'gc_social_points', Decimal('1.25')),
                    ({'gc_global2000_points_listed': Decimal(1)},
                        'gc_global2000_points', 1),
                    ({'gc_high_tech_points_manufacturing': Decimal('1.5')},
                        'gc_high_tech_points', Decimal('1.5')),
                    ]:
                with self.subTest(values=values, field=field):
                    defaults = {
                        n: getattr(Configuration, f'default_{n}')()
                        for n in values}
                    Configuration.write([Configuration(1)], values)
                    project = Project(project.id)
                    self.assertEqual(getattr(project, field), expected)
                    if values:
                        self.assertEqual(
                            last_decision(project).reason, 'settings')
                    Configuration.write([Configuration(1)], defaults)
                    self.assertEqual(
                        Project(project.id).green_corridor_score,
                        Decimal('1.3'))

    @with_transaction()
    def test_settings_task_force_mrp(self):
        "A new Task Force multiple of the MRP applies at once"
        pool = Pool()
        Project = pool.get('ncip.project')
        Configuration = pool.get('kz.configuration')
        create_currencies()
        Configuration.create([{}])
        with today():
            project = create_project(
                cost=Decimal(7_500_000) * MRP_2025, **GREEN)
            for multiple, task_force in [
                    (Decimal(7_500_000), True),
                    (Decimal(7_500_001), False),
                    (Decimal(7_000_000), True),
                    ]:
                with self.subTest(multiple=multiple):
                    Configuration.write([Configuration(1)], {
                            'gc_task_force_mrp': multiple})
                    project = Project(project.id)
                    self.assertEqual(project.green_corridor, True)
                    self.assertEqual(project.task_force, task_force)
                    self.assertEqual(
                        last_decision(project).task_force_mrp, multiple)

    @with_transaction()
    def test_decision_report_logged_threshold(self):
        "The document prints the threshold of the decision, not the current"
        pool = Pool()
        Configuration = pool.get('kz.configuration')
        create_currencies()
        Configuration.create([{}])
        with today():
            # 0.25×3 + 0.3×2 + 0 + 0.15×2 = 1.65
            project = create_project(
                usd=30 * MILLION, global2000=True, global2000_year=2024,
                new_jobs=500)
            self.assertEqual(len(project.gc_decisions), 1)
            # A lower threshold does not change the decision
            Configuration.write([Configuration(1)], {
                    'gc_threshold': Decimal('1.1')})
            self.assertEqual(len(project.__class__(project.id).gc_decisions),
                1)
            text = report_text(project)
            self.assertIn("Threshold: 1.3 ", text)
            self.assertNotIn("Threshold: 1.1", text)
            # A threshold the score no longer reaches is a new decision,
            # but the project stays in the corridor (N§28): removal is a
            # decision of the authorized body
            Configuration.write([Configuration(1)], {
                    'gc_threshold': Decimal('1.7')})
            text = report_text(project)
            self.assertIn("Threshold: 1.7 ", text)
            self.assertIn("is included in the Green Corridor", text)
            project = project.__class__(project.id)
            self.assertEqual(project.gc_threshold_met, False)
            project.gc_removal_reason = "Below the new threshold"
            project.save()
            project.__class__.remove_from_green_corridor([project])
            text = report_text(project)
            self.assertIn("does not reach the threshold", text)

    @with_transaction()
    def test_task_force_menu_visibility(self):
        "The Task Force menu is only for the Task Force (and supervisors)"
        pool = Pool()
        Menu = pool.get('ir.ui.menu')
        ModelData = pool.get('ir.model.data')
        Group = pool.get('res.group')
        menus = [ModelData.get_id('kz_green_corridor', name)
            for name in ['menu_task_force', 'menu_project_task_force']]
        one_window = ModelData.get_id('kz_ncip', 'menu_ncip')
        allowed = {'group_task_force', 'group_kz_admin',
            'group_authorized_body'}
        for menu in Menu.browse(menus):
            self.assertEqual(
                {g.id for g in menu.groups},
                {ModelData.get_id('kz_base', g) for g in allowed})
        for group in [
                'group_task_force', 'group_kz_admin', 'group_authorized_body',
                'group_regional_front_office', 'group_central_front_office',
                'group_central_state_body', 'group_investment_council',
                'group_national_chamber', 'group_prosecutor',
                'group_investor', 'group_kz_user',
                ]:
            with self.subTest(group=group):
                user = create_user(group.replace('group_', 'u_'), group)
                self.assertIn(ModelData.get_id('kz_base', group),
                    [g.id for g in Group.browse(user.groups)])
                with as_user(user):
                    visible = Menu.search([('id', 'in', menus)])
                    # The One Window menu itself stays visible to every
                    # role; a user without a role has nothing in it, and
                    # an empty folder is hidden
                    self.assertEqual(
                        bool(Menu.search([('id', '=', one_window)])),
                        group != 'group_kz_user')
                self.assertEqual(
                    len(visible), 2 if group in allowed else 0)


    @with_transaction()
    def test_score_decides_at_inclusion(self):
        "A later lower score shows the difference; removal is a decision"
        pool = Pool()
        Project = pool.get('ncip.project')
        create_currencies()
        authorized = create_user('gc_authorized', 'group_authorized_body')
        with today():
            # 0.25×1 + 0.3×2 + 0.3×1 + 0.15×1 = 1.30
            project = create_project(
                usd=10 * MILLION, global2000=True, global2000_year=2024,
                high_tech_level='manufacturing', new_jobs=300)
            self.assertEqual(project.green_corridor, True)
            self.assertEqual(project.gc_inclusion_score, Decimal('1.3'))
            self.assertEqual(project.gc_score_difference, 0)
            # Fewer jobs: 1.225 is under the threshold, the project stays
            Project.write([project], {'new_jobs': 299})
            project = Project(project.id)
            self.assertEqual(project.green_corridor_score, Decimal('1.225'))
            self.assertEqual(project.gc_score_difference, Decimal('-0.075'))
            self.assertEqual(project.gc_threshold_met, False)
            self.assertEqual(project.green_corridor, True)
            self.assertEqual(last_decision(project).reason, 'change')
            self.assertEqual(last_decision(project).green_corridor, True)
            # Nor does a recompute on request or a higher threshold
            Project.recompute_green_corridor_button([project])
            self.assertEqual(Project(project.id).green_corridor, True)

            # The authorized body removes it, with a reason
            with as_user(authorized):
                with self.assertRaisesRegex(GreenCorridorError, 'reason'):
                    Project.remove_from_green_corridor(
                        [Project(project.id)])
                Project.write([Project(project.id)], {
                        'gc_removal_reason': "Jobs cut to 299"})
                Project.remove_from_green_corridor([Project(project.id)])
            project = Project(project.id)
            self.assertEqual(project.green_corridor, False)
            self.assertEqual(project.task_force, False)
            self.assertEqual(project.gc_removed, True)
            decision = last_decision(project)
            self.assertEqual(decision.reason, 'removed')
            self.assertEqual(decision.note, "Jobs cut to 299")
            self.assertEqual(decision.green_corridor, False)
            # A removed project does not come back by itself
            Project.write([project], {'new_jobs': 500})
            project = Project(project.id)
            self.assertEqual(project.gc_threshold_met, True)
            self.assertEqual(project.green_corridor, False)

            # A project scored under the threshold joins when an input
            # raises its score (nothing is dropped, nothing decided away)
            other = create_project(usd=10 * MILLION, new_jobs=299)
            self.assertEqual(other.green_corridor, False)
            Project.write([other], {
                    'global2000': True, 'global2000_year': 2024,
                    'high_tech_level': 'manufacturing', 'new_jobs': 300})
            self.assertEqual(Project(other.id).green_corridor, True)
            self.assertEqual(
                Project(other.id).gc_inclusion_score, Decimal('0.325'))

    @with_transaction()
    def test_import_nbk_rates_xml(self):
        "The National Bank's XML of a day becomes the currency rates"
        pool = Pool()
        Currency = pool.get('currency.currency')
        Rate = pool.get('currency.currency.rate')
        Project = pool.get('ncip.project')
        RateImport = pool.get('green_corridor.rate.import', type='wizard')
        kzt, usd = create_currencies(rate_date=None)
        eur, = Currency.create([{'name': "Euro", 'code': 'EUR',
                    'symbol': '€'}])
        xml = """<?xml version="1.0" encoding="utf-8"?>
<rates>
  <generator>nationalbank.kz</generator>
  <title>Official exchange rates of National Bank</title>
  <date>02.06.2025</date>
  <item><fullname>ДОЛЛАР США</fullname><title>USD</title>
    <description>512.5</description><quant>1</quant></item>
  <item><fullname>ЕВРО</fullname><title>EUR</title>
    <description>580.10</description><quant>1</quant></item>
  <item><fullname>ЯПОНСКИХ ИЕН</fullname><title>JPY</title>
    <description>356.54</description><quant>100</quant></item>
</rates>""".encode()
        with today():
            # No rate yet: the project waits for it
            project = create_project(cost=15 * MILLION * Decimal('512.5'))
            self.assertEqual(project.gc_status, 'missing_rate')
        session_id, _, _ = RateImport.create()
        wizard = RateImport(session_id)
        wizard.start.file = xml
        wizard.start.filename = 'rates.xml'
        self.assertEqual(wizard.transition_import_(), 'done')
        self.assertIn('JPY', wizard.start.summary)
        rate, = Rate.search([('currency', '=', usd.id)])
        self.assertEqual(rate.date, dt.date(2025, 6, 2))
        self.assertEqual(rate.rate, (1 / Decimal('512.5')).quantize(
                Decimal('0.000001')))
        self.assertEqual(len(Rate.search([('currency', '=', eur.id)])), 1)
        # Importing again replaces, does not duplicate
        wizard.transition_import_()
        self.assertEqual(len(Rate.search([('currency', '=', usd.id)])), 1)
        with today():
            Project.score_unscored_green_corridor()
        project = Project(project.id)
        self.assertEqual(project.gc_status, 'computed')
        # Tryton keeps 6 decimals of the tenge's inverse rate
        self.assertAlmostEqual(float(project.gc_usd_rate), 512.5, delta=0.1)

        for data in [b'<rates><item/></rates>', b'not xml',
                b'<!DOCTYPE r [<!ENTITY a "b">]><rates>&a;</rates>']:
            with self.subTest(data=data):
                wizard.start.file = data
                with self.assertRaises(ImportFileError):
                    wizard.transition_import_()

    @with_transaction()
    def test_import_rates_and_goods_xlsx(self):
        "Rates and the priority goods of order No. 306 from spreadsheets"
        import io
        from openpyxl import Workbook
        pool = Pool()
        Rate = pool.get('currency.currency.rate')
        PriorityGood = pool.get('green_corridor.priority_good')
        RateImport = pool.get('green_corridor.rate.import', type='wizard')
        GoodImport = pool.get(
            'green_corridor.priority_good.import', type='wizard')

        def xlsx(rows):
            workbook = Workbook()
            for row in rows:
                workbook.active.append(row)
            data = io.BytesIO()
            workbook.save(data)
            return data.getvalue()

        kzt, usd = create_currencies(rate_date=None)
        session_id, _, _ = RateImport.create()
        wizard = RateImport(session_id)
        wizard.start.file = xlsx([
                ["Date", "Currency", "Rate", "Quantity"],
                [dt.date(2025, 6, 2), 'USD', 500, None],
                ['03.06.2025', 'usd', '501,5', 1],
                ])
        wizard.start.filename = 'rates.xlsx'
        wizard.transition_import_()
        self.assertEqual(
            [(r.date, r.rate) for r in Rate.search(
                    [('currency', '=', usd.id)], order=[('date', 'ASC')])],
            [(dt.date(2025, 6, 2), Decimal('0.002')),
                (dt.date(2025, 6, 3), Decimal('0.001994'))])
        wizard.start.file = xlsx([['USD', 'no date', 500]])
        with self.assertRaises(ImportFileError):
            wizard.transition_import_()

        old = create_priority_good('medium', code='8701')
        PriorityGood.write([old], {'active': False})
        session_id, _, _ = GoodImport.create()
        wizard = GoodImport(session_id)
        wizard.start.file = xlsx([
                ["Код ТН ВЭД", "Наименование", "Уровень"],
                ['8502', "Электрогенераторные установки", "Высокий"],
                ['8701', "Тракторы", "средний"],
                [3004, "Medicaments", "high"],
                ])
        wizard.start.filename = 'order306.xlsx'
        wizard.start.legal_basis = "Order No. 306 of 30 March 2022"
        wizard.transition_import_()
        self.assertIn('2', wizard.start.summary)
        goods = {g.code: g for g in PriorityGood.search([])}
        self.assertEqual(set(goods), {'8502', '8701', '3004'})
        self.assertEqual(goods['8502'].level, 'high')
        self.assertEqual(goods['8701'].level, 'medium')
        self.assertEqual(goods['8701'].name, "Тракторы")
        for rows in [[['8502', "Generators", "low"]], [['', "x", "high"]]]:
            with self.subTest(rows=rows):
                wizard.start.file = xlsx([["Code", "Name", "Level"]] + rows)
                with self.assertRaises(ImportFileError):
                    wizard.transition_import_()
        wizard.start.file = b'<xml/>'
        with self.assertRaises(ImportFileError):
            wizard.transition_import_()

    @with_transaction()
    def test_list_first_column(self):
        "The first column of every list is the record, not a link"
        self.assertEqual(first_column_links(self.module), [])


del ModuleTestCase
