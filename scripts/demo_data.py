#!/usr/bin/env python3
# This file is part of the KZ Investment Platform.
"""Load the demo data of every activated addon once and finish the setup
wizards, so that a new database opens on the Investment Platform menu."""
import argparse
import importlib.util
import os
import sys

from proteus import Model
from proteus import config as pconfig

HERE = os.path.dirname(os.path.abspath(__file__))


def activated_modules():
    Module = Model.get('ir.module')
    return {m.name for m in Module.find([('state', '=', 'activated')])}


def finish_config_wizards():
    Item = Model.get('ir.module.config_wizard.item')
    for item in Item.find([('state', '!=', 'done')]):
        item.state = 'done'
        item.save()


def demo_module(name):
    path = os.path.join(HERE, 'demo', f'{name}.py')
    if not os.path.exists(path):
        return None
    spec = importlib.util.spec_from_file_location(f'demo_{name}', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--config', required=True)
    parser.add_argument('--database', required=True)
    args = parser.parse_args(argv)
    pconfig.set_trytond(database=args.database, config_file=args.config)
    password = os.environ.get('KZ_DEMO_PASSWORD', 'kz-demo-2026')
    finish_config_wizards()
    activated = activated_modules()
    # Dependency order: kz_base first, then the modules built on it
    order = ['kz_base', 'kz_ncip', 'kz_green_corridor',
        'kz_prosecutor_filter', 'kz_damu_monitoring']
    for name in order + sorted(activated - set(order)):
        if name not in activated:
            continue
        module = demo_module(name)
        if module is None:
            continue
        if module.is_loaded():
            print(f"demo data of {name}: already loaded", file=sys.stderr)
            continue
        module.load(password)
        print(f"demo data of {name}: loaded", file=sys.stderr)


if __name__ == '__main__':
    main()
