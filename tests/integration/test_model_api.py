# This file is part of the KZ Investment Platform.
"""Every method of trytond's model classes that an addon overrides keeps the
parameters of the original, so trytond and other modules can still call it
(a `log(projects, values, names)` once shadowed `ModelStorage.log`).

Nothing here names a model: a new one is covered as it comes."""
import inspect
import unittest

from tests import support
from tests.integration.test_security import (
    DATABASE, platform_models, rolled_back)


def unwrap(value):
    "The function behind a classmethod, staticmethod or dualmethod"
    return getattr(value, '__func__', getattr(value, 'func', value))


def base_methods():
    "Yield (name, function) of the public methods of trytond's model bases"
    from trytond.model import (
        DeactivableMixin, ModelSQL, ModelStorage, ModelView, Workflow)
    seen = set()
    for base in [ModelSQL, ModelStorage, ModelView, Workflow,
            DeactivableMixin]:
        for name, value in vars(base).items():
            if name.startswith('_') or name in seen:
                continue
            function = unwrap(value)
            if inspect.isfunction(function):
                seen.add(name)
                yield name, function


def compatible(function, base):
    """Whether function accepts every call that base accepts: the required
    positional arguments of base (under any name, as Tryton renames
    `records`), and the optional ones of base by their names"""
    def split(function):
        required, optional, var_positional, var_keyword = [], [], False, False
        for parameter in inspect.signature(function).parameters.values():
            if parameter.kind == parameter.VAR_POSITIONAL:
                var_positional = True
            elif parameter.kind == parameter.VAR_KEYWORD:
                var_keyword = True
            elif parameter.default is parameter.empty:
                required.append(parameter)
            else:
                optional.append(parameter)
        return required, optional, var_positional, var_keyword
    required, optional, var_positional, var_keyword = split(function)
    base_required, base_optional, _, _ = split(base)
    positional = [p for p in required + optional
        if p.kind != p.KEYWORD_ONLY]
    if not var_positional:
        if len(positional) < len(base_required):
            return False
    if len(required) > len(base_required):
        return False
    names = {p.name for p in required + optional}
    return var_keyword or all(p.name in names for p in base_optional)


class ModelApiTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        support.demo_database(DATABASE)
        from proteus import config as pconfig
        pconfig.set_trytond(
            database=DATABASE, config_file=support.config_file())

    def test_overrides_keep_signatures(self):
        "Addon overrides of trytond model methods accept the same arguments"
        from trytond.pool import Pool
        wrong = []
        with rolled_back():
            pool = Pool()
            for model in platform_models():
                klass = pool.get(model)
                for name, base in base_methods():
                    for owner in klass.__mro__:
                        if not owner.__module__.startswith(
                                'trytond.modules.kz_'):
                            continue
                        if name not in vars(owner):
                            continue
                        value = vars(owner)[name]
                        function = unwrap(value)
                        if not inspect.isfunction(function):
                            continue
                        if not compatible(function, base):
                            wrong.append(
                                f'{model}.{name}{inspect.signature(function)}'
                                f' ≠ {inspect.signature(base)}')
        self.assertEqual(wrong, [])

    def test_deadline_lists_coloured(self):
        "Every list of every deadline model colours its rows by the state"
        from lxml import etree
        from trytond.modules.kz_base.deadline import DeadlineMixin
        from trytond.pool import Pool
        checked, uncoloured = [], []
        with rolled_back():
            pool = Pool()
            View = pool.get('ir.ui.view')
            for model in platform_models():
                Model = pool.get(model)
                if not issubclass(Model, DeadlineMixin):
                    continue
                views = View.search([
                        ('model', '=', model), ('type', '=', 'tree'),
                        ('inherit', '=', None)])
                for view in views:
                    arch = Model.fields_view_get(view.id, 'tree')
                    tree = etree.fromstring(arch['arch'])
                    checked.append(f'{model}/{view.id}')
                    if ('deadline_state' not in tree.get('visual', '')
                            or 'deadline_state' not in arch['fields']):
                        uncoloured.append(f'{model} ({view.name})')
        self.assertGreaterEqual(len({c.split('/')[0] for c in checked}), 11)
        self.assertEqual(uncoloured, [])
