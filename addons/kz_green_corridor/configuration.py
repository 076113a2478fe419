# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta

from .exceptions import ConfigurationValidationError


class Configuration(metaclass=PoolMeta):
    __name__ = 'kz.configuration'

    # Annex 1 of the one-window rules: weights in percent
    gc_weight_investment = fields.Numeric(
        "Investment Weight (%)", digits=(5, 2), required=True,
        help="The weight of the investment amount criterion (Annex 1).")
    gc_weight_global2000 = fields.Numeric(
        "Global 2000 Weight (%)", digits=(5, 2), required=True,
        help="The weight of the Forbes Global 2000 criterion (Annex 1).")
    gc_weight_high_tech = fields.Numeric(
        "High-tech Weight (%)", digits=(5, 2), required=True,
        help="The weight of the high-tech criterion (Annex 1).")
    gc_weight_social = fields.Numeric(
        "Social Weight (%)", digits=(5, 2), required=True,
        help="The weight of the new jobs criterion (Annex 1).")
    # Investment bands in USD: [band1, band2) → points1, [band2, band3) →
    # points2, ≥ band3 → points3, below band1 → points0
    gc_investment_band1 = fields.Numeric(
        "Investment Band 1 (USD)", digits=(16, 2), required=True,
        help="From this amount (included) the investment scores the "
        "first band's points.")
    gc_investment_band2 = fields.Numeric(
        "Investment Band 2 (USD)", digits=(16, 2), required=True,
        help="From this amount (included) the investment scores the "
        "second band's points.")
    gc_investment_band3 = fields.Numeric(
        "Investment Band 3 (USD)", digits=(16, 2), required=True,
        help="From this amount (included) the investment scores the "
        "third band's points.")
    gc_investment_points0 = fields.Numeric(
        "Investment Points below Band 1", digits=(4, 2), required=True)
    gc_investment_points1 = fields.Numeric(
        "Investment Points Band 1", digits=(4, 2), required=True)
    gc_investment_points2 = fields.Numeric(
        "Investment Points Band 2", digits=(4, 2), required=True)
    gc_investment_points3 = fields.Numeric(
        "Investment Points Band 3", digits=(4, 2), required=True)
    gc_global2000_points_absent = fields.Numeric(
        "Global 2000 Points (Absent)", digits=(4, 2), required=True)
    gc_global2000_points_listed = fields.Numeric(
        "Global 2000 Points (Listed)", digits=(4, 2), required=True)
    gc_high_tech_points_non_manufacturing = fields.Numeric(
        "High-tech Points (Non-manufacturing)", digits=(4, 2),
        required=True)
    gc_high_tech_points_manufacturing = fields.Numeric(
        "High-tech Points (Not in Priority List)", digits=(4, 2),
        required=True)
    gc_high_tech_points_medium = fields.Numeric(
        "High-tech Points (Medium)", digits=(4, 2), required=True)
    gc_high_tech_points_high = fields.Numeric(
        "High-tech Points (High)", digits=(4, 2), required=True)
    # Jobs bands: below band1 → points0, [band1, band2) → points1,
    # ≥ band2 → points2
    gc_social_band1 = fields.Integer(
        "Jobs Band 1", required=True,
        help="From this number of new jobs (included) the project scores "
        "the first band's points.")
    gc_social_band2 = fields.Integer(
        "Jobs Band 2", required=True,
        help="From this number of new jobs (included) the project scores "
        "the second band's points.")
    gc_social_points0 = fields.Numeric(
        "Social Points below Band 1", digits=(4, 2), required=True)
    gc_social_points1 = fields.Numeric(
        "Social Points Band 1", digits=(4, 2), required=True)
    gc_social_points2 = fields.Numeric(
        "Social Points Band 2", digits=(4, 2), required=True)
    gc_threshold = fields.Numeric(
        "Green Corridor Threshold", digits=(6, 4), required=True,
        help="A national project whose weighted score is at least this "
        "value enters the green corridor (N§28).")
    gc_task_force_mrp = fields.Numeric(
        "Task Force Threshold (MRP)", digits=(16, 0), required=True,
        help="A green-corridor project costing at least this many MRP of "
        "1 January goes to the Task Force (N§29).")

    @classmethod
    def default_gc_weight_investment(cls):
        return Decimal(25)

    @classmethod
    def default_gc_weight_global2000(cls):
        return Decimal(30)

    @classmethod
    def default_gc_weight_high_tech(cls):
        return Decimal(30)

    @classmethod
    def default_gc_weight_social(cls):
        return Decimal(15)

    @classmethod
    def default_gc_investment_band1(cls):
        return Decimal(10_000_000)

    @classmethod
    def default_gc_investment_band2(cls):
        return Decimal(15_000_000)

    @classmethod
    def default_gc_investment_band3(cls):
        return Decimal(30_000_000)

    @classmethod
    def default_gc_investment_points0(cls):
        return Decimal(0)

    @classmethod
    def default_gc_investment_points1(cls):
        return Decimal(1)

    @classmethod
    def default_gc_investment_points2(cls):
        return Decimal(2)

    @classmethod
    def default_gc_investment_points3(cls):
        return Decimal(3)

    @classmethod
    def default_gc_global2000_points_absent(cls):
        return Decimal(0)

    @classmethod
    def default_gc_global2000_points_listed(cls):
        return Decimal(2)

    @classmethod
    def default_gc_high_tech_points_non_manufacturing(cls):
        return Decimal(0)

    @classmethod
    def default_gc_high_tech_points_manufacturing(cls):
        return Decimal(1)

    @classmethod
    def default_gc_high_tech_points_medium(cls):
        return Decimal(2)

    @classmethod
    def default_gc_high_tech_points_high(cls):
        return Decimal(3)

    @classmethod
    def default_gc_social_band1(cls):
        return 300

    @classmethod
    def default_gc_social_band2(cls):
        return 500

    @classmethod
    def default_gc_social_points0(cls):
        return Decimal('0.5')

    @classmethod
    def default_gc_social_points1(cls):
        return Decimal(1)

    @classmethod
    def default_gc_social_points2(cls):
        return Decimal(2)

    @classmethod
    def default_gc_threshold(cls):
        return Decimal('1.3')

    @classmethod
    def default_gc_task_force_mrp(cls):
        return Decimal(7_500_000)

    @classmethod
    def validate_fields(cls, configurations, field_names):
        super().validate_fields(configurations, field_names)
        if field_names is None or any(
                f.startswith('gc_') for f in field_names):
            for config in configurations:
                config.check_green_corridor()

    def check_green_corridor(self):
        weights = [
            self.gc_weight_investment, self.gc_weight_global2000,
            self.gc_weight_high_tech, self.gc_weight_social]
        if (any(w is None or w < 0 for w in weights)
                or sum(weights) != 100):
            raise ConfigurationValidationError(gettext(
                    'kz_green_corridor.msg_configuration_weights'))
        if not (0 < self.gc_investment_band1 < self.gc_investment_band2
                < self.gc_investment_band3):
            raise ConfigurationValidationError(gettext(
                    'kz_green_corridor.msg_configuration_investment_bands'))
        if not (0 < self.gc_social_band1 < self.gc_social_band2):
            raise ConfigurationValidationError(gettext(
                    'kz_green_corridor.msg_configuration_social_bands'))
        if self.gc_threshold < 0 or self.gc_task_force_mrp <= 0:
            raise ConfigurationValidationError(gettext(
                    'kz_green_corridor.msg_configuration_threshold'))

    @classmethod
    def on_modification(cls, mode, configurations, field_names=None):
        super().on_modification(mode, configurations, field_names=field_names)
        if mode == 'create' or (mode == 'write' and field_names and any(
                    f.startswith('gc_') for f in field_names)):
            # The new weights, bands or thresholds take effect at once on
            # the projects of the national pool (the singleton is passed
            # because a new one may still be cached with its defaults)
            Project = Pool().get('ncip.project')
            for config in configurations:
                Project.recompute_green_corridor(
                    reason='settings', config=config)
