# This file is part of the KZ Investment Platform.
"""Demo organisations of every kind and one user per role."""
from proteus import Model

ORGANIZATIONS = [
    # (key, name, kind, region code or None)
    ('mfa', "Ministry of Foreign Affairs — Investment Committee",
        'authorized_body', None),
    ('kazinvest', "Kazakh Invest National Company", 'national_company', None),
    ('atameken', "National Chamber of Entrepreneurs Atameken",
        'national_chamber', None),
    ('mic', "Ministry of Industry and Construction", 'central_state_body',
        None),
    ('baiterek', "Baiterek National Holding", 'national_holding', None),
    ('embassy_de', "Embassy of Kazakhstan in Germany", 'embassy', None),
    ('embassy_cn', "Embassy of Kazakhstan in China", 'embassy', None),
    ('task_force', "Task Force for Green-Corridor Projects", 'task_force',
        None),
    ('council', "Foreign Investors' Council", 'investment_council', None),
    ('gpo', "General Prosecutor's Office", 'general_prosecutor', None),
    ('damu', "Damu Entrepreneurship Development Fund", 'financial_agency',
        None),
    ('halyk', "Halyk Bank", 'bank', None),
    ('bcc', "Bank CenterCredit", 'bank', None),
    ]

USERS = [
    # (login, name, organisation key, role name)
    ('embassy', "Aigerim Sadykova (Embassy, Berlin)", 'embassy_de',
        'External Front Office'),
    ('kazinvest', "Daniyar Akhmetov (Kazakh Invest)", 'kazinvest',
        'Central Front Office (National Company)'),
    ('ministry', "Saule Nurlanova (Ministry)", 'mic',
        'Central State Body'),
    ('atameken', "Yerlan Bekov (Atameken)", 'atameken',
        'National Chamber'),
    ('akimat.astana', "Marat Zhumabayev (Akimat of Astana)",
        'akimat_710000000', 'Regional Front Office (Akimat)'),
    ('akimat.shymkent', "Gulnara Omarova (Akimat of Shymkent)",
        'akimat_790000000', 'Regional Front Office (Akimat)'),
    ('authorized', "Askar Serikbayev (Investment Committee)", 'mfa',
        'Authorized Body'),
    ('taskforce', "Timur Alimov (Task Force)", 'task_force',
        'Task Force'),
    ('council', "Dana Karimova (Investment Council)", 'council',
        'Investment Council'),
    ('prosecutor.astana', "Nurlan Abenov (Prosecutor, Astana)",
        'prosecutor_710000000', 'Regional Prosecutor'),
    ('genprosecutor', "Alma Tokayeva (General Prosecutor's Office)", 'gpo',
        "General Prosecutor's Office"),
    ('damu.officer', "Ruslan Ibrayev (Damu)", 'damu', 'Damu Monitoring Officer'),
    ('damu.manager', "Zhanna Kassymova (Damu)", 'damu', 'Damu Manager'),
    ('bank', "Olzhas Mukanov (Halyk Bank)", 'halyk', 'Bank'),
    ]


def is_loaded():
    User = Model.get('res.user')
    return bool(User.find([('login', '=', 'authorized')]))


def load(password):
    Region = Model.get('kz.region')
    Organization = Model.get('kz.organization')
    User = Model.get('res.user')
    Role = Model.get('res.role')

    organizations = {}
    for key, name, kind, region_code in ORGANIZATIONS:
        organizations[key] = Organization(name=name, kind=kind)
    for region in Region.find([]):
        organizations[f'akimat_{region.code}'] = Organization(
            name=f"Akimat — {region.name}", kind='akimat', region=region)
        organizations[f'prosecutor_{region.code}'] = Organization(
            name=f"Prosecutor's Office — {region.name}", kind='prosecutor',
            region=region)
        organizations[f'kazinvest_{region.code}'] = Organization(
            name=f"Kazakh Invest — {region.name}",
            kind='national_company_regional', region=region)
    Organization.save(list(organizations.values()))
    for region in Region.find([]):
        office = organizations[f'kazinvest_{region.code}']
        office.parent = organizations['kazinvest']
        office.save()
        prosecutor = organizations[f'prosecutor_{region.code}']
        prosecutor.parent = organizations['gpo']
        prosecutor.save()

    roles = {r.name: r for r in Role.find([])}

    for login, name, key, role_name in USERS:
        user = User(login=login, name=name, password=password)
        user.kz_organization = organizations[key]
        user_role = user.roles.new()
        user_role.role = roles[role_name]
        user.save()
