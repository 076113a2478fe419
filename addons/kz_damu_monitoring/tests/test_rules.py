# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The rules of the Russian original of the Damu rules (issue 14): the
site-visit window, the growth obligation, Annex 4/5 figures per programme,
portfolio thresholds, the spread of the plan, Annex 2 item 5 and the
forms' labels read from the seed."""
import datetime as dt
import io
from decimal import Decimal
from unittest.mock import patch

import openpyxl

from trytond.model.exceptions import DomainValidationError
from trytond.modules.kz_base import deadline as deadline_module
from trytond.modules.kz_damu_monitoring import annex4
from trytond.modules.kz_damu_monitoring import monitoring as monitoring_module
from trytond.modules.kz_base.tests.tools import today
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction, without_check_access

from .tools import (
    BINS, contract_values, load_translations, seed_form, setup_orgs)


def row(number, bin_, disbursed=1000, debt=1000, guarantee=None, paid=None,
        overdue_days=0):
    "An Annex 4 row of the contract number"
    return [1, "Halyk Bank", "Astana", f"Entrepreneur {number}", bin_,
        "LLP", number, dt.date(2024, 3, 1), 36, 100000000, 12, 0, 0,
        dt.date(2024, 3, 5), disbursed, debt, "", None, guarantee, paid,
        0, overdue_days, 0, "investment", "10.11", "active", "6",
        dt.date(2024, 2, 10), "1"]


class DamuRulesTestCase(ModuleTestCase):
    "Test the Damu rules of the Russian original"
    module = 'kz_damu_monitoring'

    def _contracts(self, orgs, *values):
        Contract = Pool().get('damu.contract')
        return Contract.create([contract_values(orgs, **v) for v in values])

    def _monitoring(self, contract, start=dt.date(2025, 4, 1), **values):
        Monitoring = Pool().get('damu.monitoring')
        values.setdefault('origin', 'planned')
        monitoring, = Monitoring.create([dict({
                        'contract': contract.id,
                        'start_date': start,
                        'end_date': start + dt.timedelta(days=14),
                        }, **values)])
        return monitoring

    def _import(self, bank, rows, period, programme='programme_1'):
        Wizard = Pool().get('damu.bank.report.import', type='wizard')
        session_id, _, _ = Wizard.create()
        session = Wizard(session_id)
        session.start.bank = bank
        session.start.period = period
        session.start.programme = programme
        session.start.file = annex4.write_xlsx(rows)
        session.start.filename = 'annex4.xlsx'
        session.start.replace = False
        with without_check_access():
            state = session.transition_check()
        return state, session

    # D§9: the site visit

    @with_transaction()
    def test_site_visit_window(self):
        "The visit comes after the investment phase, at the latest 1 year "
        "after the loan was issued; the due date is the end of the window"
        pool = Pool()
        Tranche = pool.get('damu.contract.tranche')
        Monitoring = pool.get('damu.monitoring')
        orgs = setup_orgs()
        contract, long_phase = self._contracts(orgs,
            {'number': 'S-1', 'purpose': 'investment',
                'investment_end_date': dt.date(2024, 10, 31)},
            {'number': 'S-2', 'purpose': 'investment',
                'investment_end_date': dt.date(2025, 12, 31)})
        Tranche.create([{'contract': c.id, 'date': dt.date(2024, 4, 1),
                    'amount': Decimal(1000)} for c in [contract, long_phase]])
        monitoring = self._monitoring(contract)
        self.assertTrue(monitoring.site_visit)
        self.assertEqual(monitoring.site_visit_from, dt.date(2024, 10, 31))
        # the end of the window, not the end of the investment phase
        self.assertEqual(monitoring.site_visit_due, dt.date(2025, 4, 1))
        # a visit before the end of the investment phase is refused; on
        # its last day it is accepted
        with self.assertRaises(DomainValidationError):
            Monitoring.write([monitoring],
                {'site_visit_date': dt.date(2024, 10, 30)})
        Monitoring.write([monitoring],
            {'site_visit_date': dt.date(2024, 10, 31)})
        # An investment phase longer than a year: the year wins
        other = self._monitoring(long_phase)
        self.assertEqual(other.site_visit_from, dt.date(2025, 4, 1))
        self.assertEqual(other.site_visit_due, dt.date(2025, 4, 1))

    @with_transaction()
    def test_later_visit_only_by_contract(self):
        "After the first visit, the project is visited again only by the "
        "further term of the contract (D§9)"
        pool = Pool()
        Contract = pool.get('damu.contract')
        Monitoring = pool.get('damu.monitoring')
        orgs = setup_orgs()
        contract, = self._contracts(orgs, {'number': 'S-1',
                'purpose': 'investment',
                'investment_end_date': dt.date(2024, 6, 30)})
        first = self._monitoring(contract, start=dt.date(2024, 9, 2))
        Monitoring.write([first], {'site_visit_date': dt.date(2024, 9, 5)})
        second = self._monitoring(contract, start=dt.date(2025, 9, 1),
            origin='request', requester='court')
        self.assertFalse(second.site_visit)
        self.assertIsNone(second.site_visit_due)
        Contract.write([contract],
            {'further_visit_date': dt.date(2025, 10, 31)})
        second = Monitoring(second.id)
        self.assertTrue(second.site_visit)
        self.assertEqual(second.site_visit_due, dt.date(2025, 10, 31))
        # the first monitoring keeps its own window
        self.assertEqual(Monitoring(first.id).site_visit_due,
            dt.date(2025, 3, 1))

    @with_transaction()
    def test_late_visit_flagged_once(self):
        "A visit already late when the monitoring opens is flagged and "
        "told once; the daily check does not escalate it again"
        pool = Pool()
        Monitoring = pool.get('damu.monitoring')
        Deadline = pool.get('kz.deadline')
        orgs = setup_orgs()
        contract, = self._contracts(orgs, {'number': 'S-1',
                'purpose': 'investment',
                'investment_end_date': dt.date(2024, 6, 30)})
        monitoring = self._monitoring(contract, start=dt.date(2025, 6, 2))
        self.assertEqual(monitoring.site_visit_due, dt.date(2025, 3, 1))
        with today(dt.date(2025, 4, 15)), patch.object(
                monitoring_module, 'notify_users') as told:
            Monitoring.notify([monitoring])
        self.assertEqual(told.call_count, 1)
        visit, = [d for d in monitoring.deadlines if d.kind == 'site_visit']
        self.assertTrue(visit.overdue)
        self.assertTrue(visit.deadline_escalated)
        for day in [dt.date(2025, 4, 16), dt.date(2025, 4, 17)]:
            with today(day), patch.object(
                    deadline_module, 'notify_users') as escalated:
                Deadline.check_deadlines()
            self.assertFalse([c for c in escalated.call_args_list
                    if visit in c.args[3]])

    # D§12.5: the growth obligation

    @with_transaction()
    def test_growth_mechanism_or_rule(self):
        "Under the Mechanism the jobs kept are enough, or the revenue +10 %"
        Monitoring = Pool().get('damu.monitoring')
        orgs = setup_orgs()
        contract, = self._contracts(orgs, {'number': 'M-1',
                'instrument': 'mechanism', 'direction': None,
                'project_type': 'new',
                'decision_date': dt.date(2021, 6, 1),
                'revenue_base': Decimal(1000), 'jobs_base': 10})
        self.assertEqual(contract.growth_due_date, dt.date(2024, 1, 1))
        monitoring = self._monitoring(contract)
        self.assertIn('growth', [s.subject for s in monitoring.subjects])
        self.assertIsNone(monitoring.growth_met)
        for jobs, revenue, met in [
                (10, Decimal(1000), True),  # jobs kept, revenue flat
                (12, Decimal(900), True),  # jobs increased
                (9, Decimal(1100), True),  # revenue +10 %
                (9, Decimal(1099), False),
                (9, None, None),  # revenue not known yet
                ]:
            Monitoring.write([monitoring],
                {'jobs_actual': jobs, 'revenue_actual': revenue})
            self.assertEqual(Monitoring(monitoring.id).growth_met, met,
                msg=(jobs, revenue))

    @with_transaction()
    def test_growth_programme_project_types(self):
        "Under the Programme: revenue and jobs +10 %, for modernisation "
        "and expansion projects only"
        Monitoring = Pool().get('damu.monitoring')
        orgs = setup_orgs()
        base = {'decision_date': dt.date(2021, 6, 1),
            'revenue_base': Decimal(1000), 'jobs_base': 10}
        modern, new = self._contracts(orgs,
            dict(base, number='P-1', project_type='modernisation'),
            dict(base, number='P-2', project_type='new'))
        monitoring = self._monitoring(modern)
        Monitoring.write([monitoring],
            {'jobs_actual': 10, 'revenue_actual': Decimal(1100)})
        self.assertFalse(monitoring.growth_met)
        Monitoring.write([monitoring], {'jobs_actual': 11})
        self.assertTrue(Monitoring(monitoring.id).growth_met)
        self.assertIsNone(new.growth_due_date)
        other = self._monitoring(new)
        self.assertNotIn('growth', [s.subject for s in other.subjects])
        Monitoring.write([other],
            {'jobs_actual': 1, 'revenue_actual': Decimal(1)})
        self.assertIsNone(other.growth_met)

    @with_transaction()
    def test_migration_instrument(self):
        "Contracts recorded before get the Programme, its first direction "
        "and a project type that keeps their growth check"
        Contract = Pool().get('damu.contract')
        orgs = setup_orgs()
        subsidy, grant = self._contracts(orgs, {'number': 'S-1'},
            {'number': 'R-1', 'kind': 'grant', 'sub_kind': 'business_idea',
                'purpose': None, 'bank': orgs['grantor'].id})
        table = Contract.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update(
                [table.instrument, table.direction, table.project_type],
                ['mechanism', None, 'expansion']))
        Contract._migrate_instrument()
        cursor.execute(*table.select(table.id, table.instrument,
                table.direction, table.project_type))
        values = {r[0]: r[1:] for r in cursor}
        self.assertEqual(values[subsidy.id],
            ('programme', '1', 'modernisation'))
        self.assertEqual(values[grant.id], ('programme', '1', 'new'))

    # D§21-23: Annex 4 and 5

    @with_transaction()
    def test_subsidy_only_bank_never_expected(self):
        "A bank is expected an Annex 4 only for months with guarantees"
        pool = Pool()
        Report = pool.get('damu.bank.report')
        Deadline = pool.get('kz.deadline')
        orgs = setup_orgs()
        self._contracts(orgs, {'number': 'S-1'},
            {'number': 'G-1', 'kind': 'guarantee', 'sub_kind': 'individual',
                'bank': orgs['bcc'].id, 'guarantee_amount': Decimal(1000),
                'contract_date': dt.date(2025, 3, 10)})
        # February: no guarantee signed yet, nothing expected
        with today(dt.date(2025, 3, 1)):
            self.assertEqual(Report.create_expected(), [])
        with today(dt.date(2025, 4, 1)):
            report, = Report.create_expected()
        self.assertEqual(report.bank, orgs['bcc'])
        with today(dt.date(2025, 5, 20)), patch.object(
                deadline_module, 'notify_users'):
            Deadline.check_deadlines()
            overdue = Report.search([('deadline_state', '=', 'overdue')])
        self.assertEqual([r.bank for r in overdue], [orgs['bcc']])

    @with_transaction()
    def test_two_programmes_two_reports(self):
        "A bank files one Annex 4 per programme; a row of another "
        "programme is refused (D§21)"
        pool = Pool()
        Report = pool.get('damu.bank.report')
        orgs = setup_orgs()
        g = {'kind': 'guarantee', 'sub_kind': 'individual',
            'guarantee_amount': Decimal(500)}
        programme, mechanism = self._contracts(orgs,
            dict(g, number='G-1'),
            dict(g, number='G-2', entrepreneur_bin=BINS[1],
                instrument='mechanism', direction=None))
        self.assertEqual((programme.programme, mechanism.programme),
            ('programme_1', 'mechanism'))
        with today(dt.date(2025, 4, 1)):
            reports = Report.create_expected()
        self.assertEqual(sorted(r.programme for r in reports),
            ['mechanism', 'programme_1'])
        with today(dt.date(2025, 4, 2)):
            state, session = self._import(orgs['halyk'],
                [row('G-1', BINS[0]), row('G-2', BINS[1])],
                dt.date(2025, 3, 1))
            self.assertEqual(state, 'errors')
            self.assertIn('another programme', session.done.errors)
            state, _ = self._import(orgs['halyk'],
                [row('G-1', BINS[0])], dt.date(2025, 3, 1))
            self.assertEqual(state, 'done')
            state, _ = self._import(orgs['halyk'],
                [row('G-2', BINS[1])], dt.date(2025, 3, 1), 'mechanism')
            self.assertEqual(state, 'done')
        received = Report.search([('state', '=', 'received')])
        self.assertEqual(sorted(r.programme for r in received),
            ['mechanism', 'programme_1'])
        self.assertEqual([len(r.lines) for r in received], [1, 1])

    @with_transaction()
    def test_annex5_from_annex4_history(self):
        "Annex 5 columns 4, 5, 7, 8 come from the Annex 4 of the month "
        "reported, not from the latest figures"
        from trytond.modules.kz_damu_monitoring.guarantee_report import (
            annex5_lines)
        orgs = setup_orgs()
        contract, = self._contracts(orgs, {'number': 'G-1',
                'kind': 'guarantee', 'sub_kind': 'individual',
                'amount': Decimal(2000), 'guarantee_amount': Decimal(500)})
        with today(dt.date(2025, 3, 3)):
            self._import(orgs['halyk'], [row('G-1', BINS[0],
                        disbursed=600, debt=600, guarantee=500)],
                dt.date(2025, 2, 1))
        with today(dt.date(2025, 4, 3)):
            self._import(orgs['halyk'], [row('G-1', BINS[0],
                        disbursed=1000, debt=900, guarantee=500, paid=100,
                        overdue_days=5)],
                dt.date(2025, 3, 1))
        # the contract holds the latest figures
        self.assertEqual(contract.guarantee_paid, Decimal(100))
        self.assertEqual(contract.guarantee_balance, Decimal(400))
        columns = ['loan_amount', 'disbursed', 'debt', 'guarantee_amount',
            'guarantee_balance', 'guarantee_paid']
        expected = {
            dt.date(2025, 2, 28): [2000, 600, 600, 500, 500, 0],
            # mid-March: the last month reported is February
            dt.date(2025, 3, 15): [2000, 600, 600, 500, 500, 0],
            dt.date(2025, 3, 31): [2000, 1000, 900, 500, 400, 100],
            }
        for date, values in expected.items():
            (line,), _ = annex5_lines(date)
            self.assertEqual([line[c] for c in columns],
                [Decimal(v) for v in values], msg=date)

    @with_transaction()
    def test_annex5_sheet_per_direction(self):
        "Annex 5 has a sheet per direction of the Programme; the "
        "Mechanism is not in it (D§23)"
        Report = Pool().get('damu.guarantee.report.xlsx', type='report')
        orgs = setup_orgs()
        g = {'kind': 'guarantee', 'sub_kind': 'individual',
            'guarantee_amount': Decimal(500), 'amount': Decimal(1000)}
        self._contracts(orgs, dict(g, number='G-1'),
            dict(g, number='G-2', direction='2', amount=Decimal(3000)),
            dict(g, number='G-3', instrument='mechanism', direction=None,
                amount=Decimal(7000)))
        _, content, _, _ = Report.execute([], {'date': '2025-03-31'})
        workbook = openpyxl.load_workbook(io.BytesIO(content))
        self.assertEqual(workbook.sheetnames, ['Direction 1', 'Direction 2'])
        totals = [list(s.iter_rows(values_only=True))[-1][2]
            for s in workbook.worksheets]
        self.assertEqual(totals, [1000, 3000])

    @with_transaction()
    def test_annex5_due_date_and_reminder(self):
        "The Annex 5 filing is due by the 25th and reminded, like Annex 4"
        pool = Pool()
        Filing = pool.get('damu.guarantee.report.filing')
        Deadline = pool.get('kz.deadline')
        orgs = setup_orgs()
        with today(dt.date(2025, 4, 1)):
            self.assertEqual(Filing.create_expected(), [])
        self._contracts(orgs, {'number': 'G-1', 'kind': 'guarantee',
                'sub_kind': 'individual', 'guarantee_amount': Decimal(1)})
        with today(dt.date(2025, 4, 1)):
            filing, = Filing.create_expected()
            self.assertEqual(Filing.create_expected(), [])
        self.assertEqual(filing.period, dt.date(2025, 3, 1))
        self.assertEqual(filing.due_date, dt.date(2025, 4, 25))
        with today(dt.date(2025, 4, 23)), patch.object(
                deadline_module, 'notify_users'):
            _, soon = Filing.check_deadlines()
        self.assertEqual(soon, [filing])
        with today(dt.date(2025, 4, 26)), patch.object(
                deadline_module, 'notify_users'):
            Deadline.check_deadlines()
        self.assertTrue(Filing(filing.id).overdue)
        with today(dt.date(2025, 4, 27)):
            Filing.send([filing])
        self.assertEqual(filing.state, 'sent')
        self.assertEqual(filing.sent_date, dt.date(2025, 4, 27))
        self.assertFalse(filing.overdue)

    # D§22: portfolio guarantees

    @with_transaction()
    def test_portfolio_threshold_per_contract(self):
        "60 calendar days by default; the guarantee agreement may set "
        "another period (D§22)"
        Contract = Pool().get('damu.contract')
        orgs = setup_orgs()
        p = {'kind': 'guarantee', 'sub_kind': 'portfolio',
            'guarantee_amount': Decimal(1)}
        default_60, default_61, own_20, own_90 = self._contracts(orgs,
            dict(p, number='P-1', principal_overdue_days=60),
            dict(p, number='P-2', principal_overdue_days=61),
            dict(p, number='P-3', principal_overdue_days=30,
                portfolio_overdue_days=20),
            dict(p, number='P-4', principal_overdue_days=70,
                portfolio_overdue_days=90))
        monitored = Contract.search(
            Contract.monitorable_domain(dt.date(2025, 1, 1)))
        self.assertEqual(sorted(c.number for c in monitored),
            ['P-2', 'P-3'])
        self.assertEqual([c.beyond_overdue_threshold for c in [
                    default_60, default_61, own_20, own_90]],
            [False, True, True, False])

    # D§7, D§16: the plan

    @with_transaction()
    def test_plan_spread(self):
        "The planned monitorings are spread over the months or quarters; "
        "their length is a setting"
        pool = Pool()
        Plan = pool.get('damu.plan')
        Configuration = pool.get('kz.configuration')
        Calendar = pool.get('kz.calendar')
        orgs = setup_orgs()
        self._contracts(orgs, *[{'number': f'S-{i}'} for i in range(24)])
        config = Configuration(1)
        config.damu_monitoring_days = 5
        config.save()
        monthly, quarterly = Plan.create([
                {'name': '2025', 'year': 2025,
                    'period_start': dt.date(2025, 1, 1),
                    'period_end': dt.date(2025, 12, 31)},
                {'name': '2026', 'year': 2026,
                    'period_start': dt.date(2026, 1, 1),
                    'period_end': dt.date(2026, 12, 31),
                    'distribution': 'quarter'},
                ])
        Plan.select_projects([monthly, quarterly])
        starts = [m.start_date for m in monthly.monitorings]
        self.assertEqual(len(set(starts)), 12)
        self.assertEqual({starts.count(s) for s in starts}, {2})
        # the first working day of each month
        self.assertEqual(min(starts),
            Calendar.add_working_days(dt.date(2025, 1, 1), 0))
        self.assertEqual(max(starts),
            Calendar.add_working_days(dt.date(2025, 12, 1), 0))
        for monitoring in monthly.monitorings:
            self.assertEqual(monitoring.end_date, Calendar.add_working_days(
                    monitoring.start_date, 5))
        starts = sorted({m.start_date for m in quarterly.monitorings})
        self.assertEqual([s.month for s in starts], [1, 4, 7, 10])
        self.assertEqual(len(quarterly.monitorings), 24)

    @with_transaction()
    def test_documents_lead_setting(self):
        "The documents are due the configured working days before the start"
        pool = Pool()
        Configuration = pool.get('kz.configuration')
        Calendar = pool.get('kz.calendar')
        orgs = setup_orgs()
        contract, = self._contracts(orgs, {'number': 'S-1'})
        monitoring = self._monitoring(contract)
        self.assertEqual(monitoring.documents_date,
            Calendar.add_working_days(monitoring.start_date, -1))
        config = Configuration(1)
        config.damu_documents_days = 3
        config.save()
        monitoring = pool.get('damu.monitoring')(monitoring.id)
        self.assertEqual(monitoring.documents_date,
            Calendar.add_working_days(monitoring.start_date, -3))

    # Annex 2, item 5

    @with_transaction()
    def test_certificate_of_rights(self):
        "The certificate is requested at the first monitoring, again when "
        "older than a year, and always in an unplanned monitoring of an "
        "overdue principal"
        Document = Pool().get('damu.monitoring.document')
        orgs = setup_orgs()
        contract, = self._contracts(orgs, {'number': 'G-1',
                'kind': 'guarantee', 'sub_kind': 'individual',
                'guarantee_amount': Decimal(1000)})

        def certificate(monitoring):
            document, = [d for d in monitoring.documents
                if d.item == 'a2_5']
            return document
        first = self._monitoring(contract, start=dt.date(2025, 1, 6))
        self.assertTrue(certificate(first).required)
        Document.write([certificate(first)],
            {'received': True, 'received_date': dt.date(2025, 1, 10)})
        within = self._monitoring(contract, start=dt.date(2026, 1, 9),
            origin='request', requester='court')
        self.assertFalse(certificate(within).required)
        self.assertIn(Pool().get('ir.lang').get().strftime(
                dt.date(2025, 1, 10)), certificate(within).note)
        self.assertEqual(within.missing_documents, 9)
        older = self._monitoring(contract, start=dt.date(2026, 2, 2))
        self.assertTrue(certificate(older).required)
        overdue = self._monitoring(contract, start=dt.date(2025, 7, 1),
            origin='overdue')
        self.assertTrue(certificate(overdue).required)

    # Issue 13: the forms' labels are the seed's

    @with_transaction()
    def test_annex4_template_labels_from_seed(self):
        "The blank Annex 4 has the title, labels and numbers of the seed"
        title, labels, numbers = seed_form(4)
        self.assertEqual(len(labels), 29)
        load_translations('ru')
        Template = Pool().get('damu.bank.report.template', type='report')
        with Transaction().set_context(language='ru'):
            oext, content, _, _ = Template.execute([], {})
        self.assertEqual(oext, 'xlsx')
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(len(rows), 3)
        self.assertEqual(rows[0][0], title)
        self.assertEqual(list(rows[1]), labels)
        self.assertEqual(list(rows[2]), numbers)

    @with_transaction()
    def test_annex4_export_stored_report(self):
        "A stored Annex 4 exports with the seed's labels and reads back"
        pool = Pool()
        Export = pool.get('damu.bank.report.xlsx', type='report')
        Report = pool.get('damu.bank.report')
        _, labels, numbers = seed_form(4)
        load_translations('ru')
        orgs = setup_orgs()
        self._contracts(orgs, {'number': 'G-1', 'kind': 'guarantee',
                'sub_kind': 'individual', 'guarantee_amount': Decimal(500)})
        with today(dt.date(2025, 4, 2)):
            self._import(orgs['halyk'], [row('G-1', BINS[0], paid=120)],
                dt.date(2025, 3, 1))
        report, = Report.search([])
        with Transaction().set_context(language='ru'):
            oext, content, _, _ = Export.execute([report.id], {})
        self.assertEqual(oext, 'xlsx')
        rows = list(openpyxl.load_workbook(
                io.BytesIO(content)).active.iter_rows(values_only=True))
        self.assertIn('Halyk Bank', rows[0][0])
        self.assertIn('01.03.2025', rows[0][0])
        self.assertIn('31.03.2025', rows[0][0])
        self.assertEqual(list(rows[1]), labels)
        self.assertEqual(list(rows[2]), numbers)
        self.assertEqual(rows[3][6], 'G-1')
        self.assertEqual(rows[3][19], 120)
        # the exported file is a valid Annex 4 file
        parsed, errors = annex4.read(content)
        self.assertEqual(errors, [])
        self.assertEqual(parsed[0][1]['guarantee_paid'], Decimal(120))

    @with_transaction()
    def test_annex5_labels_from_seed(self):
        "Annex 5 has the labels and numbers of the seed"
        _, labels, numbers = seed_form(5)
        self.assertEqual(len(labels), 8)
        load_translations('ru')
        Report = Pool().get('damu.guarantee.report.xlsx', type='report')
        with Transaction().set_context(language='ru'):
            _, content, _, _ = Report.execute([], {'date': '2025-03-31'})
        workbook = openpyxl.load_workbook(io.BytesIO(content))
        for sheet in workbook.worksheets:
            rows = list(sheet.iter_rows(values_only=True))
            self.assertEqual(list(rows[1]), labels)
            self.assertEqual(list(rows[2]), numbers)


del ModuleTestCase
