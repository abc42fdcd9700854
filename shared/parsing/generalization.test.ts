/**
 * The parser on constructed lines shaped like logs nobody tuned for (sshd, syslog, proxies,
 * services), with default settings: one true event must come out as one template whatever its
 * variables look like, and events that differ in a word must stay apart.
 */
import { describe, expect, it } from 'vitest';
import { createTemplateMiner, type TemplateMiner } from './templateMiner';

/** Ids after the whole input, as a reader of the saved state sees them (merges resolved). */
function finalIds(miner: TemplateMiner, lines: readonly string[]): string[] {
  return miner.mine(lines).map((r) => miner.resolve(r.templateId));
}

const templateOf = (miner: TemplateMiner, id: string) => miner.template(id)?.template;

describe('variables of any shape, default settings', () => {
  it('sshd: "Failed password for invalid user X from HOST port N ssh2" is one event for any user and host', () => {
    const users = ['admin', 'test', 'oracle', 'guest', 'webmaster', 'nagios', 'postgres', 'alice'];
    const hosts = ['61.53.154.93', 'ns1.example.com', 'adsl-84-226.dynamic.provider.net.br', 'mail.example.org', '218.188.2.4'];
    const lines = users.map((u, i) => `Failed password for invalid user ${u} from ${hosts[i % hosts.length]} port ${40000 + i} ssh2`);
    const miner = createTemplateMiner();
    const ids = finalIds(miner, lines);
    expect(new Set(ids).size).toBe(1);
    expect(templateOf(miner, ids[0])).toBe('Failed password for invalid user <*> from <*> port <NUM> ssh2');
  });

  it('sshd: "Failed password for X from ..." with a bare user name merges once many names were seen', () => {
    const users = ['root', 'admin', 'test', 'oracle', 'guest', 'ftp', 'mysql', 'www'];
    const miner = createTemplateMiner();
    const ids = finalIds(
      miner,
      users.map((u, i) => `Failed password for ${u} from 10.0.${i}.7 port 22 ssh2`),
    );
    expect(new Set(ids).size).toBe(1);
    expect(templateOf(miner, ids[0])).toBe('Failed password for <*> from <IP> port <NUM> ssh2');
  });

  it('syslog: "session opened for user X by (uid=N)" is one event even with only three users', () => {
    const lines = [
      'session opened for user root by (uid=0)',
      'session opened for user cyrus by (uid=0)',
      'session opened for user news by (uid=0)',
      'session opened for user root by (uid=0)',
      'session closed for user cyrus',
      'session closed for user root',
    ];
    const miner = createTemplateMiner();
    const ids = finalIds(miner, lines);
    expect(new Set(ids.slice(0, 4)).size).toBe(1);
    expect(new Set(ids.slice(4)).size).toBe(1);
    expect(ids[4]).not.toBe(ids[0]);
    expect(templateOf(miner, ids[0])).toBe('session opened for user <*> by (uid=<NUM>)');
    expect(miner.add('authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=h.example.com user=news').template).toBe(
      'authentication failure; logname= uid=<NUM> euid=<NUM> tty=NODEVssh ruser= rhost=<HOST> user=<*>',
    );
  });

  it('key=value fields: a dotted or slashed value varies under its key, a plain-word value names a state, another key another event', () => {
    const queues = ['root.batch', 'root.adhoc.alice', 'root.etl'];
    const jobs = ['etl.daily.orders', 'ml/train-ranker', 'reports.weekly', 'etl.hourly.clicks'];
    const miner = createTemplateMiner();
    const finished = finalIds(
      miner,
      jobs.map((job, i) => `Job finished job=${job} queue=${queues[i % queues.length]} status=SUCCEEDED`),
    );
    expect(new Set(finished).size).toBe(1);
    expect(templateOf(miner, finished[0])).toBe('Job finished job=<*> queue=<*> status=SUCCEEDED');
    expect(miner.add('Job finished job=etl.daily.orders queue=root.batch status=FAILED').templateId).not.toBe(finished[0]);

    const loaded = finalIds(miner, [
      'Config loaded file=/etc/app/app.yaml',
      'Config loaded bundle=com.example.settings',
      'Config loaded file=/etc/app/override.yaml',
      'Config loaded bundle=com.example.flags',
    ]);
    expect(loaded[2]).toBe(loaded[0]);
    expect(loaded[3]).toBe(loaded[1]);
    expect(loaded[1]).not.toBe(loaded[0]);
    expect(templateOf(miner, loaded[1])).toBe('Config loaded bundle=<*>');
  });

  it('logfmt (Go services): one event per msg, its ids and durations as key=<*>', () => {
    const miner = createTemplateMiner();
    const ulids = ['01HWXA7K2M9Q', '01HWXB3P8ZT4', '01HWXC0R5NVY', '01HWXD9S1GHJ'];
    const blocks = finalIds(
      miner,
      ulids.map(
        (ulid, i) =>
          `level=info ts=2026-12-02T10:00:1${i}.${100 + i}Z caller=compact.go:519 component=tsdb msg="write block" mint=17145504${i}0000 maxt=17145576${i}0000 ulid=${ulid} duration=${12 + i}.${i}ms`,
      ),
    );
    expect(new Set(blocks).size).toBe(1);
    expect(templateOf(miner, blocks[0])).toMatch(/ msg="write block" mint=<NUM> maxt=<NUM> ulid=<\*> duration=/);
    // Another message is another event, though every key is the same.
    const gc = miner.add(
      'level=info ts=2026-12-02T10:00:20.100Z caller=compact.go:519 component=tsdb msg="write index" mint=1714550400000 maxt=1714557600000 ulid=01HWXE2T7KLM duration=1.2ms',
    );
    expect(miner.resolve(gc.templateId)).not.toBe(blocks[0]);
  });

  it('a date inside the message is one variable, whatever its token count', () => {
    const lines = [
      'connection from 82.252.162.81 (lns-vlq-45-tou-82-252-162-81.adsl.proxad.net) at Sun Jul 24 02:04:59 2005',
      'connection from 24.54.76.216 (24-54-76-216.bflony.adelphia.net) at Mon Jul  4 10:11:12 2005',
      'connection from 211.72.2.106 () at Sat Jun 18 02:08:10 2005',
      'connection from 1.2.3.4 (host.example.com) at Sun, 24 Jul 2005 02:04:59 +0200',
      'connection from 5.6.7.8 (gw.example.net) at 2005-07-24 02:04:59,123',
      'connection from 9.9.9.9 (relay.example.com) at Jul 24, 2005 2:04:59 PM',
    ];
    const miner = createTemplateMiner();
    const ids = finalIds(miner, lines);
    expect(new Set(ids).size).toBe(1);
    // The address and the host name in brackets (empty or not) are adjacent values: one parameter.
    expect(templateOf(miner, ids[0])).toBe('connection from <*> at <DATE>');
    expect(miner.add('connection from 10.1.1.1 (a.example.com) at Tue Aug  2 11:00:00 2005').params).toContain('Tue Aug 2 11:00:00 2005');
  });

  it('a date with a zone name before the year is one variable; an upper-case word after a time is not', () => {
    const miner = createTemplateMiner();
    const ids = finalIds(miner, [
      'kernel #38 built (Release Date: Fri Dec 10 19:02:14 EST 2004)',
      'kernel #39 built (Release Date: Mon Sep 27 22:15:07 EDT 2004)',
    ]);
    expect(new Set(ids).size).toBe(1);
    expect(templateOf(miner, ids[0])).toBe('kernel #<NUM> built (Release Date: <DATE>)');
    expect(createTemplateMiner().add('at Jul 24 02:04:59 INFO started').template).toBe('at <DATE> INFO started');
  });

  it('a list of numbered names of any length is one variable, a single numbered word is not', () => {
    const miner = createTemplateMiner();
    const ids = finalIds(miner, [
      'failed to resolve data source name an14 an15 an16 an17',
      'failed to resolve data source name an142 an143',
      'failed to resolve data source name cn1 cn2 cn3 cn4 cn5 cn6 cn7',
    ]);
    expect(new Set(ids).size).toBe(1);
    expect(templateOf(miner, ids[0])).toBe('failed to resolve data source name <*>');
    expect(miner.add('Accepted password for root from 10.0.0.1 port 22 ssh2').template).toBe('Accepted password for root from <IP> port <NUM> ssh2');
  });

  it('quantities with their unit are one variable, and optional value parts do not split the event', () => {
    const lines = [
      'proxy.example.com:5070 close, 0 bytes sent, 0 bytes received, lifetime 00:01',
      'proxy.example.com:5070 close, 1190 bytes (1.16 KB) sent, 1671 bytes (1.63 KB) received, lifetime <1 sec',
      'proxy.example.com:5070 close, 403 bytes sent, 18846 bytes (18.4 KB) received, lifetime 00:02',
      'proxy.example.com:5070 close, 2933 bytes (2.86 KB) sent, 11721005 bytes (11.1 MB) received, lifetime 02:48',
    ];
    const miner = createTemplateMiner();
    const ids = finalIds(miner, lines);
    expect(new Set(ids).size).toBe(1);
    expect(templateOf(miner, ids[0])).toBe('<HOST>:<NUM> close, <*> sent, <*> received, lifetime <*>');
  });

  it('paths, durations and host names are variables', () => {
    const miner = createTemplateMiner();
    const ids = finalIds(miner, [
      'Took 0.98 seconds to spawn the instance on gw1.example.com',
      'Took 12 ms to spawn the instance on api.example.org',
      'Took 3.5 min to spawn the instance on db.internal.example.net',
    ]);
    expect(new Set(ids).size).toBe(1);
    expect(templateOf(miner, ids[0])).toBe('Took <QTY> to spawn the instance on <HOST>');
  });
});

describe('single-word variables', () => {
  it('a word that takes many values at one place is a variable: one event', () => {
    const services = ['chargen', 'daytime', 'echo', 'eklogin', 'ftp', 'klogin', 'kshell', 'telnet'];
    const miner = createTemplateMiner();
    const ids = finalIds(
      miner,
      services.map((s) => `xinetd removing service ${s} now`),
    );
    expect(new Set(ids).size).toBe(1);
    expect(templateOf(miner, ids[0])).toBe('xinetd removing service <*> now');
  });

  it('two word variables in one line (a user and a bare host name): one event once the leaf is crowded', () => {
    const users = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy'];
    const hosts = ['gateway', 'bastion', 'jumpbox', 'router', 'printer', 'laptop', 'desktop', 'kiosk', 'scanner', 'tablet'];
    const miner = createTemplateMiner();
    const ids = finalIds(
      miner,
      users.map((u, i) => `Accepted publickey for ${u} from ${hosts[i]} via ssh`),
    );
    // No two lines are siblings (they differ in two places); the word rule keeps the first few
    // apart, then a line joins the most similar, and the template that gained wildcards absorbs the others.
    expect(new Set(ids).size).toBe(1);
    expect(templateOf(miner, ids[0])).toBe('Accepted publickey for <*> from <*> via ssh');
  });

  it('a few words at one place name different events: kept apart', () => {
    const miner = createTemplateMiner();
    const lines = ['GET', 'POST', 'DELETE', 'GET', 'POST'].map((m, i) => `10.0.0.${i} "${m} /v2/servers/detail" status: 200 len: 1893 time: 0.25`);
    const ids = finalIds(miner, lines);
    expect(new Set(ids).size).toBe(3);
    const states = finalIds(
      createTemplateMiner(),
      ['Started', 'Stopped', 'Paused', 'Resumed'].map((w) => `[instance: 42] VM ${w} (Lifecycle Event)`),
    );
    expect(new Set(states).size).toBe(4);
  });
});

describe('template ids across days', () => {
  it('a merge on day 2 keeps day-1 ids resolvable through the saved state', () => {
    const day1 = createTemplateMiner();
    const day1Ids = ['chargen', 'daytime', 'echo'].map((s) => day1.add(`xinetd removing service ${s} now`).templateId);
    expect(new Set(day1Ids).size).toBe(3);
    const day2 = createTemplateMiner({}, JSON.parse(JSON.stringify(day1.toState())));
    const day2Ids = ['ftp', 'klogin', 'kshell', 'telnet'].map((s) => day2.add(`xinetd removing service ${s} now`).templateId);
    const merged = day2.resolve(day2Ids.at(-1)!);
    // The oldest template survives, so the first id stays what it was; the others resolve to it.
    expect(merged).toBe(day1Ids[0]);
    for (const id of [...day1Ids, ...day2Ids]) expect(day2.resolve(id)).toBe(merged);
    expect(day2.template(day1Ids[1])?.template).toBe('xinetd removing service <*> now');
    const day3 = createTemplateMiner({}, JSON.parse(JSON.stringify(day2.toState())));
    expect(day3.resolve(day1Ids[2])).toBe(merged);
    expect(day3.add('xinetd removing service daytime now').templateId).toBe(merged);
  });

  it('a state saved between two days continues exactly like one long run, merges included', () => {
    const services = ['chargen', 'daytime', 'echo', 'eklogin', 'ftp', 'klogin', 'kshell', 'telnet'];
    const day1 = [
      ...services.slice(0, 4).map((x) => `xinetd removing service ${x} now`),
      'session opened for user root by (uid=0)',
      'VM Started (Lifecycle Event)',
    ];
    const day2 = [
      ...services.slice(4).map((x) => `xinetd removing service ${x} now`),
      'session opened for user news by (uid=0)',
      'VM Stopped (Lifecycle Event)',
      'xinetd removing service echo now',
    ];
    const long = createTemplateMiner();
    const expected = [...day1, ...day2].map((l) => long.add(l));
    const first = createTemplateMiner();
    const got = day1.map((l) => first.add(l));
    const second = createTemplateMiner({}, JSON.parse(JSON.stringify(first.toState())));
    got.push(...day2.map((l) => second.add(l)));
    expect(got).toEqual(expected);
    expect(second.toState()).toEqual(long.toState());
  });
});
