# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class ContractValidationError(ValidationError):
    pass


class PlanError(UserError):
    pass


class MonitoringError(UserError):
    pass


class BankReportError(UserError):
    pass


class ImportFileError(UserError):
    pass


class ImportBankAccessError(AccessError):
    pass
