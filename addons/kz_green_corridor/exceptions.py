# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class GreenCorridorError(UserError):
    pass


class MissingRateError(UserError):
    pass


class MissingMRPError(UserError):
    pass


class ConfigurationValidationError(ValidationError):
    pass


class ImportFileError(UserError):
    pass
