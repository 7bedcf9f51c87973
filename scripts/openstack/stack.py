#!/usr/bin/python3
"""The REST half of scripts/openstack/up.sh (run by it with Debian's python3).

  bootstrap  Keystone: service project and users, roles, catalog, the test
             project "phaseboard" with an admin and a member user, and an
             application credential for the admin.
  wait       every API answers (Neutron warmed up), every service is up.
  mapped     exits 1 unless both computes are listed as hypervisors (mapped
             to the cell by nova-manage cell_v2 discover_hosts).
  finish     flavors and quotas (once), then a token for each credential and
             the version documents, and writes $STATE/env.

Progress goes to stderr as "openstack-up: ..."; a failure writes its reason
to $STATE/failed and exits 1. Standard library only besides requests.
"""
import argparse
import os
import sys
import time

import requests

IP = '127.0.0.1'
KEYSTONE = f'http://{IP}:5000/v3'
COMPUTE = f'http://{IP}:8774'
VOLUME = f'http://{IP}:8776'
NETWORK = f'http://{IP}:9696'
PLACEMENT = f'http://{IP}:8778'
REGION = 'RegionOne'
PROJECT = 'phaseboard'
ADMIN = 'admin'
MEMBER = 'phaseboard-member'
APP_CRED = 'phaseboard'
SERVICE_USERS = ('nova', 'placement', 'neutron', 'cinder')
# name, type, url. Cinder under both names real clouds use: volumev3 (what
# Nova's [cinder] catalog_info looks for) and block-storage (the official one).
CATALOG = (
    ('placement', 'placement', PLACEMENT),
    ('nova', 'compute', f'{COMPUTE}/v2.1'),
    ('neutron', 'network', NETWORK),
    ('cinderv3', 'volumev3', f'{VOLUME}/v3/%(project_id)s'),
    ('cinder', 'block-storage', f'{VOLUME}/v3/%(project_id)s'),
)
FLAVORS = (('1', 'tiny', 64), ('2', 'small', 128))

ARGS = None
SECRETS = {}


def since():
    return time.time() - float(os.environ.get('T0', time.time()))


def log(msg):
    print(f'openstack-up: [{since():.1f} s] {msg}', file=sys.stderr, flush=True)


class Failed(Exception):
    pass


def fail(msg):
    raise Failed(msg)


def call(method, url, token=None, expect=(200, 201, 202, 204), headers=None, **kw):
    h = {'Accept': 'application/json'}
    if token:
        h['X-Auth-Token'] = token
    h.update(headers or {})
    r = requests.request(method, url, headers=h, timeout=60, **kw)
    if r.status_code not in expect:
        fail(f'{method} {url} answered {r.status_code}: {r.text[:400]}')
    return r


def token(auth, project=PROJECT):
    if 'application_credential' in auth['identity']['methods']:
        body = {'auth': auth}
    else:
        body = {'auth': {**auth, 'scope': {'project': {'name': project, 'domain': {'id': 'default'}}}}}
    r = call('POST', f'{KEYSTONE}/auth/tokens', json=body, expect=(201,))
    return r.headers['X-Subject-Token'], r.json()['token']


def password(user, secret):
    return {'identity': {'methods': ['password'], 'password': {'user': {'name': user, 'domain': {'id': 'default'}, 'password': secret}}}}


def app_cred(cred_id, secret):
    return {'identity': {'methods': ['application_credential'], 'application_credential': {'id': cred_id, 'secret': secret}}}


def wait_http(url, seconds, what):
    end = time.time() + seconds
    last = ''
    while time.time() < end:
        try:
            r = requests.get(url, timeout=10)
            if r.status_code in (200, 300, 401):
                return
            last = f'HTTP {r.status_code}'
        except requests.RequestException as e:
            last = type(e).__name__
        time.sleep(0.25)
    fail(f'{what} ({url}) did not answer within {seconds} s ({last}); see {ARGS.state}/logs')


def admin_token(project='admin'):
    return token(password(ADMIN, SECRETS['ADMIN_PASSWORD']), project)[0]


def admin_token_and_project(project='admin'):
    tok, body = token(password(ADMIN, SECRETS['ADMIN_PASSWORD']), project)
    return tok, body['project']['id']


# ------------------------------------------------------------------ bootstrap
def one(tok, path, key, **query):
    r = call('GET', f'{KEYSTONE}/{path}', tok, params=query)
    items = r.json()[key]
    return items[0] if items else None


def ensure(tok, path, key, match, body):
    found = one(tok, path, key, **match)
    if found:
        return found
    return call('POST', f'{KEYSTONE}/{path}', tok, json={key[:-1]: body}, expect=(201,)).json()[key[:-1]]


def ensure_user(tok, name, secret, project_id):
    u = one(tok, 'users', 'users', name=name, domain_id='default')
    if u:
        call('PATCH', f'{KEYSTONE}/users/{u["id"]}', tok, json={'user': {'password': secret}})
        return u
    body = {'name': name, 'domain_id': 'default', 'password': secret, 'default_project_id': project_id, 'enabled': True}
    return call('POST', f'{KEYSTONE}/users', tok, json={'user': body}, expect=(201,)).json()['user']


def grant(tok, project_id, user_id, role_id):
    call('PUT', f'{KEYSTONE}/projects/{project_id}/users/{user_id}/roles/{role_id}', tok)


def bootstrap():
    wait_http(KEYSTONE, 90, 'Keystone')
    tok = admin_token()
    roles = {n: ensure(tok, 'roles', 'roles', {'name': n}, {'name': n}) for n in ('admin', 'member', 'reader', 'service')}
    service = ensure(tok, 'projects', 'projects', {'name': 'service', 'domain_id': 'default'}, {'name': 'service', 'domain_id': 'default'})
    for u in SERVICE_USERS:
        user = ensure_user(tok, u, SECRETS['SERVICE_PASSWORD'], service['id'])
        # service: Cinder's attachment delete accepts only requests with a
        # service token (bug 2004555); keystone-manage bootstrap does not
        # create that role.
        for r in ('admin', 'service'):
            grant(tok, service['id'], user['id'], roles[r]['id'])
    for name, type_, url in CATALOG:
        svc = ensure(tok, 'services', 'services', {'type': type_}, {'name': name, 'type': type_, 'enabled': True})
        for iface in ('public', 'internal', 'admin'):
            ep = one(tok, 'endpoints', 'endpoints', service_id=svc['id'], interface=iface)
            body = {'service_id': svc['id'], 'interface': iface, 'url': url, 'region_id': REGION}
            if not ep:
                call('POST', f'{KEYSTONE}/endpoints', tok, json={'endpoint': body}, expect=(201,))
            elif ep['url'] != url:
                call('PATCH', f'{KEYSTONE}/endpoints/{ep["id"]}', tok, json={'endpoint': body})
    project = ensure(tok, 'projects', 'projects', {'name': PROJECT, 'domain_id': 'default'},
                     {'name': PROJECT, 'domain_id': 'default', 'description': 'phaseboard tests'})
    admin = one(tok, 'users', 'users', name=ADMIN, domain_id='default')
    for r in ('admin', 'member', 'reader'):
        grant(tok, project['id'], admin['id'], roles[r]['id'])
    member = ensure_user(tok, MEMBER, SECRETS['MEMBER_PASSWORD'], project['id'])
    for r in ('member', 'reader'):
        grant(tok, project['id'], member['id'], roles[r]['id'])
    # The application credential belongs to the admin, scoped to the
    # project; its secret is ours (Keystone shows a secret only once).
    ptok = admin_token(PROJECT)
    ac = one(ptok, f'users/{admin["id"]}/application_credentials', 'application_credentials', name=APP_CRED)
    if ac:
        try:
            token(app_cred(ac['id'], SECRETS['APP_CRED_SECRET']))
        except Failed:
            call('DELETE', f'{KEYSTONE}/users/{admin["id"]}/application_credentials/{ac["id"]}', ptok)
            ac = None
    if not ac:
        body = {'name': APP_CRED, 'secret': SECRETS['APP_CRED_SECRET'], 'description': 'phaseboard tests (admin)'}
        call('POST', f'{KEYSTONE}/users/{admin["id"]}/application_credentials', ptok,
             json={'application_credential': body}, expect=(201,))
    log('Keystone: projects, users, roles, catalog, application credential')


# ------------------------------------------------------------------ wait
def wait():
    started = ARGS.started.split()
    hosts = ARGS.hosts.split()
    for name, url in (('Keystone', KEYSTONE), ('Placement', PLACEMENT), ('Neutron', NETWORK),
                      ('Cinder API', VOLUME), ('Nova API', COMPUTE)):
        wait_http(url, 180, name)
    if started:
        log('every API answers')
    tok, admin_project_id = admin_token_and_project()
    # Neutron 21.0.0: the first GET /v2.0/ports of a fresh API worker fails
    # with 500 (AttributeError: Port has no attribute 'port_forwardings')
    # unless something else was listed first. Nova lists ports on every
    # live migration; list networks, then make sure ports answer.
    for _ in range(20):
        call('GET', f'{NETWORK}/v2.0/networks', tok, expect=(200, 500))
        if call('GET', f'{NETWORK}/v2.0/ports', tok, expect=(200, 500)).status_code == 200:
            break
        time.sleep(0.5)
    else:
        fail('Neutron still answers 500 to GET /v2.0/ports after the warm-up')
    want = {('nova-conductor', None), ('nova-scheduler', None)} | {('nova-compute', h) for h in hosts}
    cwant = {'cinder-scheduler', 'cinder-volume'}
    end = time.time() + 180
    while True:
        svcs = call('GET', f'{COMPUTE}/v2.1/os-services', tok).json()['services']
        up = {(s['binary'], s['host'] if s['binary'] == 'nova-compute' else None) for s in svcs if s['state'] == 'up'}
        csvcs = call('GET', f'{VOLUME}/v3/{admin_project_id}/os-services', tok).json()['services']
        cup = {s['binary'] for s in csvcs if s['state'] == 'up'}
        missing = sorted(f'{b}{"@" + h if h else ""}' for b, h in want - up) + sorted(cwant - cup)
        if not missing:
            break
        if time.time() > end:
            fail(f'not up after 180 s: {", ".join(missing)}; see {ARGS.state}/logs')
        time.sleep(1)
    if started:
        log(f'Nova: conductor, scheduler, computes {", ".join(hosts)} up; Cinder: scheduler, volume up')


def mapped():
    """Exit 0 when every compute host is mapped to the cell (listed as a hypervisor)."""
    tok = admin_token()
    hyp = {h['hypervisor_hostname'] for h in call('GET', f'{COMPUTE}/v2.1/os-hypervisors', tok).json()['hypervisors']}
    if not set(ARGS.hosts.split()) <= hyp:
        sys.exit(1)


# ------------------------------------------------------------------ finish
def finish():
    hosts = ARGS.hosts.split()
    done = os.path.join(ARGS.state, 'done', 'objects')
    tok, body = token(password(ADMIN, SECRETS['ADMIN_PASSWORD']))
    project_id = body['project']['id']
    if not os.path.exists(done):
        for fid, name, ram in FLAVORS:
            flavor = {'id': fid, 'name': name, 'ram': ram, 'vcpus': 1, 'disk': 1}
            call('POST', f'{COMPUTE}/v2.1/flavors', tok, json={'flavor': flavor}, expect=(200, 409))
        call('PUT', f'{COMPUTE}/v2.1/os-quota-sets/{project_id}', tok,
             json={'quota_set': {'instances': -1, 'cores': -1, 'ram': -1}})
        call('PUT', f'{VOLUME}/v3/{project_id}/os-quota-sets/{project_id}', tok,
             json={'quota_set': {'volumes': -1, 'gigabytes': -1, 'snapshots': -1}})
        open(done, 'w').close()
        log('flavors tiny (1) and small (2), unlimited quotas for project phaseboard')
    # Every credential the tests get works.
    token(password(MEMBER, SECRETS['MEMBER_PASSWORD']))
    admin_id = body['user']['id']
    ac = one(tok, f'users/{admin_id}/application_credentials', 'application_credentials', name=APP_CRED)
    if not ac:
        fail(f'application credential {APP_CRED} of {ADMIN} is missing')
    token(app_cred(ac['id'], SECRETS['APP_CRED_SECRET']))
    # The version documents, unauthenticated: GET /v2.1/ (Nova) and GET /
    # (Cinder answers 300 with every version; /v3/ itself needs a token).
    versions = {}
    v = call('GET', f'{COMPUTE}/v2.1/', expect=(200,)).json()['version']
    versions['compute'] = (v['min_version'], v['version'])
    v = [d for d in call('GET', f'{VOLUME}/', expect=(200, 300)).json()['versions'] if d['id'] == 'v3.0'][0]
    versions['volume'] = (v['min_version'], v['version'])
    env = {
        'KEYSTONE_URL': KEYSTONE,
        'OS_REGION': REGION,
        'OS_DOMAIN': 'Default',
        'OS_DOMAIN_ID': 'default',
        'OS_PROJECT': PROJECT,
        'OS_PROJECT_ID': project_id,
        'ADMIN_USER': ADMIN,
        'ADMIN_PASSWORD': SECRETS['ADMIN_PASSWORD'],
        'MEMBER_USER': MEMBER,
        'MEMBER_PASSWORD': SECRETS['MEMBER_PASSWORD'],
        'APP_CRED_ID': ac['id'],
        'APP_CRED_NAME': APP_CRED,
        'APP_CRED_SECRET': SECRETS['APP_CRED_SECRET'],
        'COMPUTE_HOST_1': hosts[0],
        'COMPUTE_HOST_2': hosts[1],
        'COMPUTE_HOSTS': ','.join(hosts),
        'COMPUTE_URL': f'{COMPUTE}/v2.1',
        'VOLUME_URL': f'{VOLUME}/v3/{project_id}',
        'COMPUTE_MICROVERSIONS': '-'.join(versions['compute']),
        'VOLUME_MICROVERSIONS': '-'.join(versions['volume']),
        'FLAVOR_TINY': '1',
        'FLAVOR_SMALL': '2',
        'LIVE_MIGRATION_SECONDS_FILE': os.path.join(ARGS.state, 'live-migration-seconds'),
        'VOLUME_SECONDS_FILE': os.path.join(ARGS.state, 'volume-seconds'),
        'DIR': ARGS.state,
    }
    path = os.path.join(ARGS.state, 'env')
    with open(path + '.new', 'w') as f:
        os.fchmod(f.fileno(), 0o600)
        f.writelines(f'{k}={v}\n' for k, v in env.items())
    os.replace(path + '.new', path)


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument('command', choices=('bootstrap', 'wait', 'mapped', 'finish'))
    p.add_argument('--state', required=True)
    p.add_argument('--started', default='')
    p.add_argument('--hosts', default='fake-1 fake-2')
    ARGS = p.parse_args()
    with open(os.path.join(ARGS.state, 'secrets')) as f:
        SECRETS.update(line.strip().split('=', 1) for line in f if '=' in line)
    try:
        {'bootstrap': bootstrap, 'wait': wait, 'mapped': mapped, 'finish': finish}[ARGS.command]()
    except (Failed, requests.RequestException, KeyError, ValueError) as e:
        reason = str(e) if isinstance(e, Failed) else f'{ARGS.command}: {type(e).__name__}: {e}'
        print(f'openstack-up: FAILED: {reason}', file=sys.stderr, flush=True)
        with open(os.path.join(ARGS.state, 'failed'), 'w') as f:
            f.write(reason + '\n')
        try:
            os.remove(os.path.join(ARGS.state, 'env'))
        except FileNotFoundError:
            pass
        sys.exit(1)


if __name__ == '__main__':
    main()
