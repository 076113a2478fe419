# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.

# The web routes exist once the module is imported (Pool.start), as
# trytond's own authentication_saml does
from . import routes  # noqa: F401
