import { describe, expect, it } from 'vitest';
import { createTemplateMiner, DEFAULT_TEMPLATE_MINER_CONFIG, type TemplateMinerState } from './templateMiner';
import { DEFAULT_MASKS } from './masks';

/** A small HDFS-like day: three events, with block ids, addresses and sizes varying. */
const HDFS_DAY = [
  'Receiving block blk_-1608999687919862906 src: /10.250.19.102:54106 dest: /10.250.19.102:50010',
  'BLOCK* NameSystem.allocateBlock: /user/root/rand/_temporary/part-00001 blk_-1608999687919862906',
  'Receiving block blk_7503483334202473044 src: /10.251.215.16:55695 dest: /10.251.215.16:50010',
  'PacketResponder 1 for block blk_-1608999687919862906 terminating',
  'BLOCK* NameSystem.allocateBlock: /user/root/rand/_temporary/part-00004 blk_7503483334202473044',
  'PacketResponder 0 for block blk_7503483334202473044 terminating',
  'Receiving block blk_-3544583377289625738 src: /10.251.71.16:51590 dest: /10.251.71.16:50010',
  'PacketResponder 2 for block blk_-3544583377289625738 terminating',
];

describe('template miner', () => {
  it('has all defaults in one object', () => {
    expect(DEFAULT_TEMPLATE_MINER_CONFIG).toMatchObject({ depth: 4, similarityThreshold: 0.4, maxChildren: 100, masks: DEFAULT_MASKS });
  });

  it('masks, then clusters: variants of an event share one template from the first line on', () => {
    const results = createTemplateMiner().mine(HDFS_DAY);
    const templates = new Map(results.map((r) => [r.templateId, r.template]));
    expect([...templates.values()].sort()).toEqual([
      // Adjacent values are one parameter: `<PATH> <BLK>` is one `<*>`.
      'BLOCK* NameSystem.allocateBlock: <*>',
      'PacketResponder <NUM> for block <BLK> terminating',
      'Receiving block <BLK> src: <IP> dest: <IP>',
    ]);
    // Masks made the lines identical, so the first template never had to change.
    expect(results.map((r) => r.changeType)).toEqual(['created', 'created', 'none', 'created', 'none', 'none', 'none', 'none']);
  });

  it('extracts parameters at mask and <*> positions, in order', () => {
    const miner = createTemplateMiner();
    expect(miner.add(HDFS_DAY[0]).params).toEqual(['blk_-1608999687919862906', '/10.250.19.102:54106', '/10.250.19.102:50010']);
    miner.add('Served GET /api/v1/orders/8812 to app7 in 35ms');
    const r = miner.add('Served GET /api/v2/users to web2 in 120ms');
    expect(r.template).toBe('Served GET <PATH> to <*> in <*>');
    // `35ms` has digits glued to a word, so NUM leaves it and Drain generalizes the whole token.
    expect(r.params).toEqual(['/api/v2/users', 'web2', '120ms']);
  });

  it('keeps the masked-out parts of a kept token as separate parameters', () => {
    const miner = createTemplateMiner();
    const r = miner.add('retry=3/5 after 0x1f');
    expect(r).toMatchObject({ template: 'retry=<NUM>/<NUM> after <HEX>', params: ['3', '5', '0x1f'] });
  });

  it('separates events that differ in a plain word, as Drain alone would not', () => {
    const ids = createTemplateMiner()
      .mine([
        '[instance: 3edec1e4-9678-4a3a-a21b-a145a4ee5e61] VM Started (Lifecycle Event)',
        '[instance: 3edec1e4-9678-4a3a-a21b-a145a4ee5e61] VM Paused (Lifecycle Event)',
        '[instance: 96abccce-8d1f-4e07-b6d1-4b2ab87e23b4] VM Started (Lifecycle Event)',
      ])
      .map((r) => r.templateId);
    expect(ids[0]).not.toBe(ids[1]);
    expect(ids[2]).toBe(ids[0]);
  });

  it('matches without learning', () => {
    const miner = createTemplateMiner();
    const learned = miner.mine(HDFS_DAY);
    const before = JSON.stringify(miner.toState());
    const m = miner.match('PacketResponder 3 for block blk_42 terminating');
    expect(m).toEqual({ templateId: learned[3].templateId, template: 'PacketResponder <NUM> for block <BLK> terminating', params: ['3', 'blk_42'] });
    expect(miner.match('Verification succeeded for blk_42')).toBeNull();
    expect(JSON.stringify(miner.toState())).toBe(before);
  });

  it('lists templates and finds one by id', () => {
    const miner = createTemplateMiner();
    const [first] = miner.mine(HDFS_DAY);
    expect(miner.templates()).toHaveLength(3);
    expect(miner.template(first.templateId)).toEqual({ id: first.templateId, template: 'Receiving block <BLK> src: <IP> dest: <IP>', size: 3 });
    expect(miner.template('T000000000000')).toBeUndefined();
  });
});

describe('template miner state', () => {
  const DAY2 = [
    'PacketResponder 1 for block blk_5 terminating',
    'Receiving block blk_6 src: /10.0.0.1:1 dest: /10.0.0.2:2',
    'Verification succeeded for blk_6',
  ];

  it('round-trips through JSON: ids of day 1 survive into day 2, and the result equals one long run', () => {
    const oneRun = createTemplateMiner();
    const expected = oneRun.mine([...HDFS_DAY, ...DAY2]);

    const day1 = createTemplateMiner();
    const r1 = day1.mine(HDFS_DAY);
    const saved = JSON.parse(JSON.stringify(day1.toState())) as TemplateMinerState;
    const day2 = createTemplateMiner({}, saved);
    const r2 = day2.mine(DAY2);

    expect([...r1, ...r2]).toEqual(expected);
    expect(r2[0].templateId).toBe(r1[3].templateId);
    expect(day2.toState()).toEqual(oneRun.toState());
  });

  it('keeps an id when the template generalizes on a later day', () => {
    const day1 = createTemplateMiner();
    const first = day1.add('Disk /dev/sda1 is at 91% capacity on node db1');
    const day2 = createTemplateMiner({}, JSON.parse(JSON.stringify(day1.toState())));
    const later = day2.add('Disk /dev/sdb2 is at 97% capacity on node db7');
    expect(later).toMatchObject({ templateId: first.templateId, changeType: 'updated' });
    expect(later.template).toBe('Disk <PATH> is at <NUM>% capacity on node <*>');
    expect(later.params).toEqual(['/dev/sdb2', '97', 'db7']);
  });

  it('numbers the shapes of many messages at once, and no number outlives the shapes starting over', () => {
    const miner = createTemplateMiner();
    const lines = ['PacketResponder 1 for block blk_42 terminating', 'PacketResponder 2 for block blk_77 terminating', 'Served block blk_9 to /10.0.0.1'];
    const bytes = Buffer.from(lines.join('\n'));
    const starts = Int32Array.of(0, lines[0].length + 1, lines[0].length + lines[1].length + 2);
    const ends = Int32Array.from(starts, (s, i) => s + lines[i].length);
    // A shape is remembered on its second sighting (of another message: a repeated one is known as it is).
    miner.learn('PacketResponder 3 for block blk_55 terminating');
    miner.learn(lines[0]);
    const out = new Int32Array(3);
    const generation = miner.numberShapes(bytes, starts, ends, 0, 3, out);
    expect(generation).toBeGreaterThanOrEqual(0);
    expect(out[0]).toBeGreaterThanOrEqual(0);
    expect(out[1]).toBe(out[0]);
    expect(out[2]).toBe(-1);
    const shape = miner.numberedShape(out[1], generation)!;
    expect(miner.learnShape(shape, bytes, starts[1], ends[1])).toBe(miner.learn(lines[1]));
    // 30,000 more shapes, each seen three times (shapes stay on while one lookup in eight hits, and
    // turn off for a while when fewer do): past 20,000 remembered the shapes start over, and the
    // old number stands for nothing.
    const word = (k: number) => k.toString(26).replace(/[0-9]/g, (d) => 'qrstuvwxyz'[Number(d)]);
    for (let k = 0; k < 30_000; k++) for (const ms of [5, 6, 7]) miner.learn(`event ${word(k)} took ${ms} ms`);
    expect(miner.numberedShape(out[1], generation)).toBeUndefined();
  });

  it('is deterministic', () => {
    const run = () => {
      const miner = createTemplateMiner();
      miner.mine([...HDFS_DAY, ...DAY2]);
      return JSON.stringify(miner.toState());
    };
    expect(run()).toBe(run());
  });

  it('keeps the saved masks unless new ones are given, and refuses a different tree shape', () => {
    const custom = createTemplateMiner({ masks: [{ name: 'TICKET', pattern: 'TCK-\\d+' }] });
    custom.add('opened TCK-42 for ops');
    const state = custom.toState();
    expect(createTemplateMiner({}, state).add('opened TCK-77 for ops').template).toBe('opened <TICKET> for ops');
    expect(createTemplateMiner({ similarityThreshold: 0.6, wordVariantLimit: 0 }, state).config).toMatchObject({
      similarityThreshold: 0.6,
      wordVariantLimit: 0,
    });
    expect(createTemplateMiner({}, state).config).toMatchObject({ similarityThreshold: 0.4, wordVariantLimit: 6 });
    expect(() => createTemplateMiner({ depth: 6 }, state)).toThrow(/depth=4/);
    expect(() => createTemplateMiner({}, { version: 2 } as unknown as TemplateMinerState)).toThrow(/not a template miner state/);
  });
});
