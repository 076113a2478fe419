# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
import datetime as dt
from decimal import Decimal

from trytond.modules.kz_base.exceptions import InvalidBIN
from trytond.modules.kz_base.tests.tools import first_column_links
from trytond.modules.kz_ncip.exceptions import ProjectValidationError
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction

from .tools import create_bare_project


class KzNcipTestCase(ModuleTestCase):
    "Test kz_ncip module"
    module = 'kz_ncip'

    @with_transaction()
    def test_pool_boundary(self):
        "National pool from exactly 150,000 × MRP of 1 January (N§23)"
        threshold = Decimal(150000) * Decimal(3932)  # MRP 2025
        for cost, pool in [
                (threshold - Decimal('0.01'), 'regional'),
                (threshold, 'national'),
                (threshold + 1, 'national'),
                (Decimal(0), 'regional'),
                ]:
            with self.subTest(cost=cost):
                project = create_bare_project(cost=cost)
                self.assertEqual(project.pool, pool)

    @with_transaction()
    def test_pool_uses_mrp_of_passport_year(self):
        "The MRP of the passport year decides (3,692 in 2024)"
        cost = Decimal(150000) * Decimal(3692)
        self.assertEqual(create_bare_project(
                cost=cost, passport_date=dt.date(2024, 12, 31)).pool,
            'national')
        self.assertEqual(create_bare_project(
                cost=cost, passport_date=dt.date(2025, 1, 1)).pool,
            'regional')

    @with_transaction()
    def test_pool_investment_contract(self):
        "A project under an investment contract is national"
        project = create_bare_project(
            cost=Decimal(1000), investment_contract=True,
            contract_start=dt.date(2025, 1, 1),
            contract_end=dt.date(2035, 1, 1))
        self.assertEqual(project.pool, 'national')

    @with_transaction()
    def test_pool_recomputed(self):
        "Changing the cost or the threshold recomputes the pool"
        pool = Pool()
        Project = pool.get('ncip.project')
        Configuration = pool.get('kz.configuration')
        project = create_bare_project(cost=Decimal(1000))
        self.assertEqual(project.pool, 'regional')
        project.cost = Decimal(10) ** 12
        project.save()
        self.assertEqual(project.pool, 'national')
        config = Configuration(1)
        config.national_pool_mrp = Decimal(10) ** 12
        config.save()
        Project.recompute_pools()
        self.assertEqual(Project(project.id).pool, 'regional')

    @with_transaction()
    def test_negative_cost_and_bad_bin(self):
        "A negative cost or a wrong BIN is refused"
        with self.assertRaises(ProjectValidationError):
            create_bare_project(cost=Decimal(-1))
        with self.assertRaises(InvalidBIN):
            create_bare_project(bin='123456789012')

    @with_transaction()
    def test_passport_deadline(self):
        "The passport is due 30 calendar days after its creation (N§45)"
        project = create_bare_project()
        self.assertEqual(project.due_date, dt.date(2025, 7, 1))

    @with_transaction()
    def test_list_first_column(self):
        "The first column of every list is the record, not a link"
        self.assertEqual(first_column_links(self.module), [])


del ModuleTestCase
