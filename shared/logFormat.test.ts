import { describe, expect, it } from 'vitest';
import { compileLogFormat, KNOWN_LOG_FORMATS, knownLogFormat } from './logFormat';
import { createRandom } from './random';

/** One hand-written line per known format, with the fields loghub's regex would extract. */
const SAMPLES: Record<keyof typeof KNOWN_LOG_FORMATS, { line: string; fields: Record<string, string> }> = {
  hdfs: {
    line: '081110 093512 27 INFO dfs.DataNode$DataXceiver: Receiving block blk_-1608999687919862906 src: /10.250.19.102:54106 dest: /10.250.19.102:50010',
    fields: {
      Date: '081110',
      Time: '093512',
      Pid: '27',
      Level: 'INFO',
      Component: 'dfs.DataNode$DataXceiver',
      Content: 'Receiving block blk_-1608999687919862906 src: /10.250.19.102:54106 dest: /10.250.19.102:50010',
    },
  },
  bgl: {
    line: '- 1118500000 2005.06.11 R14-M0-N3-C:J02-U01 2005-06-11-07.26.40.123456 R14-M0-N3-C:J02-U01 RAS KERNEL INFO generating core.1234',
    fields: {
      Label: '-',
      Timestamp: '1118500000',
      Date: '2005.06.11',
      Node: 'R14-M0-N3-C:J02-U01',
      Time: '2005-06-11-07.26.40.123456',
      NodeRepeat: 'R14-M0-N3-C:J02-U01',
      Type: 'RAS',
      Component: 'KERNEL',
      Level: 'INFO',
      Content: 'generating core.1234',
    },
  },
  thunderbird: {
    line: '- 1131600000 2005.11.10 an401 Nov 10 05:20:00 an401/an401 sshd[12345]: Accepted publickey for admin from 10.100.4.7 port 40022 ssh2',
    fields: {
      Label: '-',
      Timestamp: '1131600000',
      Date: '2005.11.10',
      User: 'an401',
      Month: 'Nov',
      Day: '10',
      Time: '05:20:00',
      Location: 'an401/an401',
      Component: 'sshd',
      PID: '12345',
      Content: 'Accepted publickey for admin from 10.100.4.7 port 40022 ssh2',
    },
  },
  windows: {
    line: '2016-10-01 12:00:03, Info                  CBS    Starting TrustedInstaller initialization.',
    fields: { Date: '2016-10-01', Time: '12:00:03', Level: 'Info', Component: 'CBS', Content: 'Starting TrustedInstaller initialization.' },
  },
  zookeeper: {
    line: '2015-08-01 10:12:33,418 - WARN  [RecvWorker:3:QuorumCnxManager$RecvWorker@765] - Interrupting SendWorker',
    fields: {
      Date: '2015-08-01',
      Time: '10:12:33,418',
      Level: 'WARN',
      Node: 'RecvWorker',
      Component: '3:QuorumCnxManager$RecvWorker',
      Id: '765',
      Content: 'Interrupting SendWorker',
    },
  },
  apache: {
    line: '[Mon Dec 05 10:11:12 2005] [error] [client 192.168.0.7] Directory index forbidden by rule: /var/www/html/',
    fields: { Time: 'Mon Dec 05 10:11:12 2005', Level: 'error', Content: '[client 192.168.0.7] Directory index forbidden by rule: /var/www/html/' },
  },
  android: {
    line: '03-17 16:15:20.123  1702  1820 I ActivityManager: Start proc 4321:com.example.app/u0a77 for activity com.example.app/.Main',
    fields: {
      Date: '03-17',
      Time: '16:15:20.123',
      Pid: '1702',
      Tid: '1820',
      Level: 'I',
      Component: 'ActivityManager',
      Content: 'Start proc 4321:com.example.app/u0a77 for activity com.example.app/.Main',
    },
  },
  healthapp: {
    line: '20171224-08:01:02:345|Step_SPUtils|30002312|setTodayTotalDetailSteps=1514073600000##7007##548365',
    fields: { Time: '20171224-08:01:02:345', Component: 'Step_SPUtils', Pid: '30002312', Content: 'setTodayTotalDetailSteps=1514073600000##7007##548365' },
  },
  openstack: {
    line: 'nova-compute.log.2017-05-17_12:02:35 2017-05-17 12:02:30.456 2931 INFO nova.compute.manager [req-3ea4052c-895d-4b64-9e2d-04d64c4d94ab - - - - -] [instance: 3edec1e4-9678-4a3a-a21b-a145a4ee5e61] Took 0.61 seconds to destroy the instance on the hypervisor.',
    fields: {
      Logrecord: 'nova-compute.log.2017-05-17_12:02:35',
      Date: '2017-05-17',
      Time: '12:02:30.456',
      Pid: '2931',
      Level: 'INFO',
      Component: 'nova.compute.manager',
      ADDR: 'req-3ea4052c-895d-4b64-9e2d-04d64c4d94ab - - - - -',
      Content: '[instance: 3edec1e4-9678-4a3a-a21b-a145a4ee5e61] Took 0.61 seconds to destroy the instance on the hypervisor.',
    },
  },
  proxifier: {
    line: '[11.02 09:15:33] firefox.exe *64 - www.example.org:443 open through proxy proxy.example.net:8080 HTTPS',
    fields: { Time: '11.02 09:15:33', Program: 'firefox.exe *64', Content: 'www.example.org:443 open through proxy proxy.example.net:8080 HTTPS' },
  },
};

describe('compileLogFormat on the known loghub formats', () => {
  for (const [name, { line, fields }] of Object.entries(SAMPLES)) {
    it(`parses a ${name} line`, () => {
      const format = compileLogFormat(KNOWN_LOG_FORMATS[name as keyof typeof KNOWN_LOG_FORMATS]);
      expect(format.fields).toEqual(Object.keys(fields));
      expect(format.match(line)).toEqual(fields);
    });
  }

  it('covers exactly the ten loghub systems of the datasets README', () => {
    expect(Object.keys(KNOWN_LOG_FORMATS).sort()).toEqual([
      'android',
      'apache',
      'bgl',
      'hdfs',
      'healthapp',
      'openstack',
      'proxifier',
      'thunderbird',
      'windows',
      'zookeeper',
    ]);
  });

  it('finds known formats by name in any case', () => {
    expect(knownLogFormat('HDFS')).toBe(KNOWN_LOG_FORMATS.hdfs);
    expect(knownLogFormat('nope')).toBeUndefined();
    expect(knownLogFormat('toString')).toBeUndefined();
  });
});

describe('compileLogFormat semantics', () => {
  it('makes the Thunderbird [PID] part optional, and an absent optional field is empty', () => {
    const format = compileLogFormat(KNOWN_LOG_FORMATS.thunderbird);
    const fields = format.match('- 1131600001 2005.11.10 tbird-admin1 Nov 10 05:20:01 local@tbird-admin1 kernel: eth0: link up, 1000Mbps');
    expect(fields).toMatchObject({ Component: 'kernel', PID: '', Content: 'eth0: link up, 1000Mbps' });
    expect(format.match('- 1131600002 2005.11.10 dn73 Nov 10 05:20:02 dn73/dn73 crond(pam_unix)[2915]: session closed for user root')).toMatchObject({
      Component: 'crond(pam_unix)',
      PID: '2915',
      Content: 'session closed for user root',
    });
  });

  it('lets a run of spaces match any whitespace, and trims the line first (as loghub does)', () => {
    const format = compileLogFormat('<Date> <Time> <Level> <Content>');
    expect(format.match('2024-01-02   10:00:00\tWARN  disk almost full\r')).toEqual({
      Date: '2024-01-02',
      Time: '10:00:00',
      Level: 'WARN',
      Content: 'disk almost full',
    });
  });

  it('treats text between headers literally, so user formats need no regex escaping', () => {
    const bracketed = compileLogFormat('<Time> [<Level>] <Component>|<Content>');
    expect(bracketed.match('10:00:01 [ERROR] billing|charge failed (card declined)')).toEqual({
      Time: '10:00:01',
      Level: 'ERROR',
      Component: 'billing',
      Content: 'charge failed (card declined)',
    });
    const dotted = compileLogFormat('<A>.<Content>');
    expect(dotted.match('xy')).toBeNull();
    const parens = compileLogFormat('<Level> (<Pid>): <Content>');
    expect(parens.match('INFO (42): ready')).toEqual({ Level: 'INFO', Pid: '42', Content: 'ready' });
  });

  it('keeps backslash-escaped characters literal', () => {
    const format = compileLogFormat('\\[<Time>\\] \\(<Level>\\) <Content>');
    expect(format.match('[12:00] (info) hello')).toEqual({ Time: '12:00', Level: 'info', Content: 'hello' });
    expect(format.match('12:00 info hello')).toBeNull();
  });

  it('splits lazily like loghub: each header takes the shortest text that lets the rest match', () => {
    const format = compileLogFormat(KNOWN_LOG_FORMATS.hdfs);
    expect(format.match('081109 203615 148 INFO dfs.DataNode: Received block: done')).toMatchObject({
      Component: 'dfs.DataNode',
      Content: 'Received block: done',
    });
  });

  it('returns null for lines that do not fit', () => {
    const format = compileLogFormat(KNOWN_LOG_FORMATS.hdfs);
    expect(format.match('just some text')).toBeNull();
    expect(format.match('')).toBeNull();
  });

  it('gives the Content field alone (content) exactly as match does, null where match is null', () => {
    for (const [name, { line }] of Object.entries(SAMPLES)) {
      const format = compileLogFormat(KNOWN_LOG_FORMATS[name as keyof typeof KNOWN_LOG_FORMATS]);
      for (const text of [line, `  ${line}  `, line.slice(0, 12), 'just some text', ''])
        expect(format.content(text), `${name}: ${text}`).toBe(format.match(text)?.Content ?? null);
    }
    // Content inside an optional part that is absent: '' as match gives it.
    const optional = compileLogFormat('<Level>( \\[<Content>\\])?');
    expect(optional.content('INFO')).toBe(optional.match('INFO')?.Content);
  });

  it('rejects unusable formats with a readable message', () => {
    expect(() => compileLogFormat('<Date> <Time>')).toThrow(/<Content>/);
    expect(() => compileLogFormat('<Date> <Date> <Content>')).toThrow(/twice/);
    expect(() => compileLogFormat('<Bad Name> <Content>')).toThrow(/letters, digits/);
  });
});

describe('contentBytes (the byte-level Content of templates)', () => {
  const printable = (bytes: Buffer, start: number, end: number) => bytes.subarray(start, end).every((c) => c >= 32 && c <= 126);
  const formats = [
    ...Object.values(KNOWN_LOG_FORMATS),
    '<Content>',
    '<A><B> <Content>',
    '<A>:<B>  -  <Content>',
    '\\[<A>\\]\\|<B> <Content>',
    '<A> \\<<B>\\> <Content>',
  ];
  const PLAIN = ['a', 'INFO', 'x:', ':', '-', '[', ']', '|', '<', '>', '@', ',', '12', '0x1f', 'dfs.DataNode$X'];
  const WORDS = [
    '',
    'a',
    'INFO',
    'x:',
    ':',
    ': ',
    ' ',
    '  ',
    '\t',
    '-',
    '[',
    ']',
    '|',
    '<',
    '>',
    '@',
    ',',
    '12',
    '0x1f',
    '\r',
    'é',
    '\u00a0',
    '\u2028',
    '\ufeff',
    'dfs.DataNode$X',
  ];

  /** A line built along the format: each field a few random words, the literals sometimes dropped or doubled. */
  function lineFor(format: string, random: ReturnType<typeof createRandom>): string {
    const word = () => (random.int(6) ? PLAIN : WORDS)[random.int(random.int(6) ? PLAIN.length : WORDS.length)];
    return format
      .replace(/\\(.)/g, '$1')
      .replace(/\(|\)\?/g, '')
      .replace(/<(\w+)>/g, () => Array.from({ length: 1 + random.int(3) }, word).join(random.int(3) ? ' ' : ''))
      .replace(/ /g, () => (random.int(4) ? ' ' : [' ', '  ', ' \t', ''][random.int(4)]));
  }

  it('gives the regex Content whenever it decides and the Content is printable ASCII, and decides most plain lines', { timeout: 30_000 }, () => {
    const random = createRandom(17);
    for (const format of formats) {
      const compiled = compileLogFormat(format);
      // Optional parts have no byte matcher (and Thunderbird's regex backtracks for seconds on random lines).
      if (format.includes('(')) continue;
      const range = new Int32Array(2);
      let plain = 0;
      let plainDecided = 0;
      for (let i = 0; i < 4000; i++) {
        const line = `${random.int(4) ? '' : ' '}${lineFor(format, random)}${random.int(4) ? '' : ' '}`;
        const bytes = Buffer.from(line);
        const content = compiled.content(line);
        const isPlain = content !== null && /^[ -~]*$/.test(line);
        if (isPlain) plain++;
        if (!compiled.contentBytes?.(bytes, 0, bytes.length, range) || !printable(bytes, range[0], range[1])) continue;
        if (isPlain) plainDecided++;
        expect(bytes.toString('latin1', range[0], range[1]), `${format}: ${JSON.stringify(line)}`).toBe(content);
      }
      // Undecided lines take the regex: only a few plain ones should (a field that holds its separator).
      expect(plainDecided, format).toBeGreaterThan(plain * 0.9);
      expect(plain, format).toBeGreaterThan(500);
    }
  });

  it('also within a larger buffer, and is absent where the regex has parts it cannot follow', () => {
    const hdfs = compileLogFormat(KNOWN_LOG_FORMATS.hdfs);
    const bytes = Buffer.from(`xx\n${SAMPLES.hdfs.line}\nyy`);
    const range = new Int32Array(2);
    expect(hdfs.contentBytes!(bytes, 3, 3 + SAMPLES.hdfs.line.length, range)).toBe(true);
    expect(bytes.toString('latin1', range[0], range[1])).toBe(SAMPLES.hdfs.fields.Content);
    // Any byte from 0x80 in a field, anywhere in a word of four (invalid UTF-8 too), leaves the line to the regex.
    const line = Buffer.from(SAMPLES.hdfs.line, 'latin1');
    const component = line.indexOf('dfs.');
    // In fields that end at whitespace (Date, Time) and at a character (Component's `:`).
    const places = [1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, ...Array.from({ length: 8 }, (_, k) => component + k)];
    for (const byte of [0x80, 0x85, 0xa0, 0xc3, 0xff])
      for (const at of places) {
        const odd = Buffer.from(line);
        odd[at] = byte;
        expect(hdfs.contentBytes!(odd, 0, odd.length, range), `0x${byte.toString(16)} at ${at}`).toBe(false);
      }
    expect(compileLogFormat(KNOWN_LOG_FORMATS.thunderbird).contentBytes).toBeUndefined();
    expect(compileLogFormat('<Content> end').contentBytes).toBeUndefined();
    expect(compileLogFormat('<A>\t<Content>').contentBytes).toBeUndefined();
  });
});
