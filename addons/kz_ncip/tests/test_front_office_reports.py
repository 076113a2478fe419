# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"The regional front offices of N§4 and their quarterly reports (N§74-75)"
import datetime as dt
import unittest

from trytond.model.exceptions import RequiredValidationError
from trytond.modules.kz_base.tests.tools import as_user, create_user, today
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction

from .tools import (
    notifications, project_with_roadmap, setup_programme_world)


def setup_front_offices():
    """The world of the programmes plus, in Astana, the representative of
    a ministry and the office of a support organisation, and the offices
    of Kazakh Invest in Astana and Shymkent, each with a user"""
    pool = Pool()
    Organization = pool.get('kz.organization')
    w = setup_programme_world()
    (w.ministry_rep_org, w.support_org, w.support_rep_org,
        w.kazinvest_astana_org, w.kazinvest_shymkent_org) = (
        Organization.create([
                {'name': "Ministry of Energy in Astana",
                    'kind': 'central_state_body_regional',
                    'region': w.astana.id},
                {'name': "QazIndustry", 'kind': 'support_organization'},
                {'name': "QazIndustry Astana",
                    'kind': 'support_organization_regional',
                    'region': w.astana.id},
                {'name': "Kazakh Invest Astana",
                    'kind': 'national_company_regional',
                    'region': w.astana.id,
                    'parent': w.kazinvest_org.id},
                {'name': "Kazakh Invest Shymkent",
                    'kind': 'national_company_regional',
                    'region': w.shymkent.id,
                    'parent': w.kazinvest_org.id},
                ]))
    w.ministry_rep = create_user('ministry.astana',
        'group_regional_front_office', w.ministry_rep_org)
    w.kazinvest_astana = create_user('kazinvest.astana',
        'group_central_front_office', w.kazinvest_astana_org)
    w.kazinvest_shymkent = create_user('kazinvest.shymkent',
        'group_central_front_office', w.kazinvest_shymkent_org)
    return w


class FrontOfficeReportTestCase(unittest.TestCase):
    "Test the regional front offices and the consolidated report"

    @classmethod
    def setUpClass(cls):
        activate_module('kz_ncip')

    @with_transaction()
    def test_regional_tier(self):
        """The representatives of central bodies and the offices of support
        organisations in the regions are regional front offices"""
        Organization = Pool().get('kz.organization')
        w = setup_front_offices()
        self.assertEqual(w.ministry_rep_org.tier, 'regional')
        self.assertEqual(w.support_rep_org.tier, 'regional')
        self.assertEqual(w.support_org.tier, 'central')
        self.assertEqual(w.ministry_org.tier, 'central')
        # A regional office acts for a region
        for kind in ['central_state_body_regional',
                'support_organization_regional']:
            with self.subTest(kind=kind):
                with self.assertRaises(RequiredValidationError):
                    Organization.create([{'name': kind, 'kind': kind}])
        organization = Organization(kind='support_organization_regional')
        organization.on_change_kind()
        self.assertEqual(organization.tier, 'regional')

    @with_transaction()
    def test_regional_reports_and_consolidation(self):
        """Every regional front office files the regional report; the
        recipient is told; the consolidated report consolidates the
        reports received"""
        Report = Pool().get('ncip.quarterly.report')
        w = setup_front_offices()
        project_with_roadmap(w)
        with today(dt.date(2026, 1, 2)):
            reports = Report.create_quarterly()
        by_org = {(r.organization, r.kind): r for r in reports}
        for organization in [w.akimat_org, w.akimat2_org,
                w.ministry_rep_org, w.support_rep_org]:
            with self.subTest(organization=organization.name):
                report = by_org[organization, 'regional']
                self.assertEqual(report.region, organization.region)
                self.assertEqual(report.due_date, dt.date(2026, 1, 15))
        # The central support organisation and the offices of the national
        # company do not file the regional report
        for organization in [w.support_org, w.kazinvest_astana_org,
                w.ministry_org]:
            self.assertNotIn((organization, 'regional'), by_org)
        consolidated = by_org[w.kazinvest_org, 'consolidated']
        # Nothing received yet: nothing consolidated
        self.assertEqual(consolidated.lines, ())
        self.assertEqual(len(consolidated.pending_reports), 5)
        self.assertEqual(consolidated.received_reports, ())

        # The representative of the ministry in Astana submits its report:
        # the national company and its office in Astana are told
        ministry_report = by_org[w.ministry_rep_org, 'regional']
        with as_user(w.ministry_rep):
            Report.write([Report(ministry_report.id)],
                {'summary': "Two investors met about gas supply"})
            with today(dt.date(2026, 1, 10)):
                Report.submit([Report(ministry_report.id)])
        for user, count in [(w.kazinvest, 1), (w.kazinvest_astana, 1),
                (w.kazinvest_shymkent, 0), (w.authorized, 0)]:
            with self.subTest(user=user.login):
                self.assertEqual(
                    len(notifications(user, "Quarterly report received")),
                    count)
        consolidated = Report(consolidated.id)
        self.assertEqual(consolidated.received_reports, (ministry_report,))
        self.assertEqual(len(consolidated.pending_reports), 4)
        line, = consolidated.lines
        self.assertEqual(line.source, ministry_report)
        self.assertEqual(line.project, ministry_report.lines[0].project)

        # The akimat reports the same project later: its line wins, once
        akimat_report = by_org[w.akimat_org, 'regional']
        with as_user(w.akimat):
            with today(dt.date(2026, 1, 12)):
                Report.submit([Report(akimat_report.id)])
        consolidated = Report(consolidated.id)
        line, = consolidated.lines
        self.assertEqual(line.source, akimat_report)
        self.assertEqual(set(consolidated.received_reports),
            {ministry_report, akimat_report})

        # The external report goes to the authorized body (N§75), the
        # consolidated report too (N§7.4)
        external = by_org[w.embassy_org, 'external']
        with as_user(w.embassy):
            Report.write([Report(external.id)], {'summary': "Road show"})
            Report.submit([Report(external.id)])
        self.assertEqual(
            len(notifications(w.authorized, "Quarterly report received")), 1)
        with as_user(w.kazinvest):
            Report.submit([Report(consolidated.id)])
        self.assertEqual(
            len(notifications(w.authorized, "Quarterly report received")), 2)
        # Submitted: later reports no longer change it
        support_report = by_org[w.support_rep_org, 'regional']
        Report.write([support_report], {'summary': "Late report"})
        Report.submit([support_report])
        self.assertEqual(len(Report(consolidated.id).lines), 1)
