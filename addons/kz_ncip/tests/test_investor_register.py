# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"The register of investors (N§3.19)"
import datetime as dt
import io
import unittest
from decimal import Decimal

from openpyxl import load_workbook

from trytond.model.exceptions import AccessError
from trytond.modules.kz_base.tests.tools import as_user
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction

from .tools import create_project, setup_world

# Above and below 150,000 × the MRP of 2025 (3,932 tenge)
NATIONAL = Decimal('1000000000')
REGIONAL = Decimal('100000000')


class InvestorRegisterTestCase(unittest.TestCase):
    "Test the register of investors of kz_ncip"

    @classmethod
    def setUpClass(cls):
        activate_module('kz_ncip')

    @with_transaction()
    def test_register(self):
        """One line per investor of national-pool projects being prepared,
        implemented or monitored; regional, excluded and closed ones do not
        count"""
        pool = Pool()
        Register = pool.get('ncip.investor.register')
        Project = pool.get('ncip.project')
        w = setup_world()
        glass = create_project(w, name="Glass", cost=NATIONAL)
        cement = create_project(w, name="Cement", region=w.shymkent,
            cost=NATIONAL + 500, passport_date=dt.date(2025, 3, 1))
        # A small project under an investment contract is national (N§3.8)
        contract = create_project(w, name="Contract", cost=REGIONAL,
            investment_contract=True, contract_start=dt.date(2025, 1, 1),
            contract_end=dt.date(2030, 1, 1))
        small = create_project(w, name="Small", cost=REGIONAL)
        excluded = create_project(w, name="Excluded", cost=NATIONAL)
        Project.write([excluded], {'state': 'excluded'})
        closed = create_project(w, name="Closed", cost=NATIONAL,
            investor=w.investor2)
        Project.write([closed], {'state': 'closed'})
        other_small = create_project(
            w, name="Other small", cost=REGIONAL, investor=w.investor2)
        self.assertEqual([p.pool for p in [glass, cement, contract, small,
                    other_small]],
            ['national', 'national', 'national', 'regional', 'regional'])

        line, = Register.search([])
        self.assertEqual(line.investor, w.investor)
        self.assertEqual(line.bin, glass.bin)
        self.assertEqual(line.project_count, 3)
        self.assertEqual(line.contract_count, 1)
        self.assertEqual(line.total_cost, NATIONAL * 2 + 500 + REGIONAL)
        self.assertEqual(line.first_passport_date, dt.date(2025, 3, 1))
        self.assertEqual(line.regions, ', '.join(sorted(
                    [w.astana.rec_name, w.shymkent.rec_name])))
        self.assertEqual(
            sorted(p.name for p in line.projects),
            ["Cement", "Contract", "Glass"])

        # An NCIP body reads the whole register, the projects of its
        # region only; an investor does not read it
        with as_user(w.akimat):
            line, = Register.search([])
            self.assertEqual(line.project_count, 3)
            self.assertEqual(
                sorted(p.name for p in line.projects), ["Contract", "Glass"])
            self.assertEqual(line.regions, w.astana.rec_name)
        with as_user(w.investor_user):
            with self.assertRaises(AccessError):
                Register.search([])

    @with_transaction()
    def test_register_xlsx(self):
        "The register as an Excel file with its own columns"
        pool = Pool()
        Register = pool.get('ncip.investor.register')
        Report = pool.get('ncip.investor.register.xlsx', type='report')
        w = setup_world()
        create_project(w, name="Glass", cost=NATIONAL)
        create_project(w, name="Cement", investor=w.investor2,
            cost=NATIONAL * 2, region=w.shymkent)
        lines = Register.search([])
        self.assertEqual(len(lines), 2)
        with as_user(w.authorized):
            oext, content, _, name = Report.execute(
                [l.id for l in lines], {})
            # Nothing selected: the whole register
            _, whole, _, _ = Report.execute([], {})
        self.assertEqual(oext, 'xlsx')
        for data in [content, whole]:
            sheet = load_workbook(io.BytesIO(data)).active
            self.assertEqual(sheet['A1'].value, "Register of Investors")
            self.assertEqual(
                [c.value for c in sheet[2]],
                ["Investor", "BIN", "Country of Origin",
                    "National Pool Projects", "Under Investment Contract",
                    "Total Estimated Cost", "First Passport", "Regions"])
            rows = {r[0]: r for r in sheet.iter_rows(
                    min_row=3, values_only=True)}
            self.assertEqual(set(rows), {"Investor LLP", "Other Investor LLP"})
            other = rows["Other Investor LLP"]
            self.assertEqual(other[3], 1)
            self.assertEqual(other[5], float(NATIONAL * 2))
            self.assertEqual(other[7], w.shymkent.rec_name)
