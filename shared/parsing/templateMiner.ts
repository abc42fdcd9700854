/**
 * The mining API of the parse step (Drain3's TemplateMiner): split a message into tokens and mask
 * them (messageTokens.ts: multi-token values, masks, named values, joined values), feed the masked
 * tokens to Drain, and report the template id, the template and the parameters (the original text
 * behind every `<*>` and every mask placeholder, in order). Drain may merge templates later; the
 * merged-away ids stay resolvable (`resolve`, `template`).
 * Pure: state in, state out (`toState()`), no I/O.
 */
import {
  Drain,
  DEFAULT_DRAIN_CONFIG,
  paramStart,
  tokenize,
  type ChangeType,
  type DrainCluster,
  type DrainConfig,
  type DrainMemo,
  type DrainState,
  newDrainMemo,
} from './drain';
import { createMasker, DEFAULT_MASKS, type MaskRule } from './masks';
import { DEFAULT_TOKEN_RULES, messageTokens, type MessageTokens, type TokenRules } from './messageTokens';
import { maskedTokens, maskedTokensOfBytes, MessageShapes, type MessageShape } from './messageShapes';

/** Messages whose tokens are remembered; past it the cache starts over. */
const MESSAGE_CACHE_SIZE = 20_000;
/** How often the message cache checks that it pays (see createTemplateMiner). */
const CACHE_CHECK_EVERY = 512;

export interface TemplateMinerConfig extends DrainConfig, TokenRules {
  /** Applied in order to every whitespace-free token before clustering. */
  masks: readonly MaskRule[];
}

/** Every setting in one place, Drain3 style: depth 4, similarity 0.4, 100 children, numeric routing, default masks. */
export const DEFAULT_TEMPLATE_MINER_CONFIG: Readonly<TemplateMinerConfig> = Object.freeze({
  ...DEFAULT_DRAIN_CONFIG,
  ...DEFAULT_TOKEN_RULES,
  masks: DEFAULT_MASKS,
});

export interface MineResult {
  templateId: string;
  /** The template right after this message (a later message may still generalize it). */
  template: string;
  params: string[];
  changeType: ChangeType;
}

export type MatchResult = Omit<MineResult, 'changeType'>;

/** Where `addTo` puts the parameters, in order: each is `text.slice(start, end)`. */
export interface ParamSink {
  span(text: string, start: number, end: number): void;
}

/** A ParamSink that also takes parameters as bytes (`addBytesTo`): `bytes[start, end)`, printable ASCII. */
export interface ParamByteSink extends ParamSink {
  spanBytes(bytes: Uint8Array, start: number, end: number): void;
}

export interface TemplateMinerState {
  version: 1;
  masks: MaskRule[];
  /** Absent in states saved before these rules existed: they then take the defaults. */
  tokenRules?: TokenRules;
  drain: DrainState;
}

export interface TemplateMiner {
  readonly config: Readonly<TemplateMinerConfig>;
  /** Learns from one message (the Content part of a line, not the header). */
  add(content: string): MineResult;
  /**
   * `add` for a columnar writer: the parameters go to `sink` as positions in the message (or in a
   * token), so no string is cut per parameter (`parse` writes them as JSON bytes, ParamsColumn).
   */
  addTo(content: string, sink: ParamSink): Omit<MineResult, 'params'>;
  /**
   * `addTo` for a message given as UTF-8 bytes (`bytes[start..end)`), when a remembered message
   * shape of printable ASCII fits it; else null, and nothing was learned (the caller decodes the
   * message and calls `addTo`). A message that fits a shape is its own normalized form
   * (normalizeMessage.ts): its tokens tile it with single spaces. `parse` mines Bronze's message
   * bytes this way and decodes only the misses.
   */
  addBytesTo(bytes: Uint8Array, start: number, end: number, sink: ParamByteSink): Omit<MineResult, 'params'> | null;
  /** `addBytesTo` for a message of `shape`, a shape this miner numbered (`numberedShape`) for a message of the same shape. */
  addShapeTo(shape: MessageShape, bytes: Uint8Array, start: number, end: number, sink: ParamByteSink): Omit<MineResult, 'params'>;
  /** `add` for callers that only need the template id: no parameters, no result object. */
  learn(content: string): string;
  /**
   * `learn` for a message given as UTF-8 bytes (`bytes[start..end)`), when a remembered message
   * shape of printable ASCII fits it; else null, and nothing was learned (the caller decodes the
   * message and calls `learn`). `templates` reads its lines as bytes and decodes only these.
   */
  learnBytes(bytes: Uint8Array, start: number, end: number): string | null;
  /**
   * The remembered shape of printable ASCII that fits `bytes[start..end)` (what `learnBytes` looks
   * up), or undefined. A caller that can tell messages of one shape apart by other means (the
   * reading thread of `templates` numbers them) keeps it and learns them with `learnShape`.
   */
  shapeBytes(bytes: Uint8Array, start: number, end: number): MessageShape | undefined;
  /**
   * `shapeBytes` for the messages `bytes[starts[i]..ends[i])` of lines from..to at once: writes a
   * shape number, or -1, to `out[i - from]`, and returns the generation for `numberedShape`; -1
   * (nothing written) while shapes are off. Numbers only: hits are counted by `learnShape` and
   * `addShapeTo`.
   */
  numberShapes(bytes: Uint8Array, starts: ArrayLike<number>, ends: ArrayLike<number>, from: number, to: number, out: Int32Array): number;
  /** The shape numbered `n` by a `numberShapes` that returned `generation`; undefined when the remembered shapes started over since, or shapes are off now. */
  numberedShape(n: number, generation: number): MessageShape | undefined;
  /** `learnBytes` for a message of `shape`, a shape `shapeBytes` of this miner gave for a message of the same shape. */
  learnShape(shape: MessageShape, bytes: Uint8Array, start: number, end: number): string;
  /**
   * `learn` for a message whose masked tokens were made elsewhere, by `messageTokens` with this
   * miner's masks and token rules (`templates` has its reading thread tokenize messages of a shape
   * it has not seen before: the miner would have to tokenize them itself). Drain sees the same
   * tokens, so it learns the same; only the caches are skipped.
   */
  learnMasked(masked: string[]): string;
  /** Whether `learnMasked` may take tokens made with the default masks and token rules. */
  readonly defaultRules: boolean;
  /** Learns from many messages, in order. */
  mine(contents: Iterable<string>): MineResult[];
  /** Inference only: the template that covers the message exactly, or null. Never changes state. */
  match(content: string): MatchResult | null;
  /** Current templates in creation order. */
  templates(): DrainCluster[];
  /** The template by id; an id merged into another template gives that one. */
  template(id: string): DrainCluster | undefined;
  /** The id a template id stands for now: itself, or the template it was merged into. */
  resolve(id: string): string;
  toState(): TemplateMinerState;
}

/** Settings that only decide how new messages match; a saved state can take new values for them. */
const MATCHING_SETTINGS = ['similarityThreshold', 'wordVariantLimit', 'settledWordLines', 'absorbCovered', 'keyValueFields'] as const;

/**
 * With a state, the tree-shaping settings (depth, maxChildren, parametrizeNumericTokens) are the
 * state's, since the saved tree was built with them; passing different ones is an error rather
 * than silently ignored. Masks and the matching settings (similarity threshold, word rule) may
 * change between runs: they only affect how new messages are matched. Settings not given keep the
 * state's values, masks included.
 */
/** How a miner runs, not what it mines: never saved with the state, never changes a template. */
export interface MinerRuntime {
  /**
   * Remember message shapes (messageShapes.ts; default on). A batch step gains up to 3× from them;
   * a long-running consumer (`stream`) turns them off: fresh ids keep churning the bounded cache,
   * and over a 10-minute soak at 10K records/s its RSS climbed 558 → 845 MB with them and stayed
   * at 495–522 MB without, at the same throughput (decision 75).
   */
  messageShapes?: boolean;
}

export function createTemplateMiner(config: Partial<TemplateMinerConfig> = {}, state?: TemplateMinerState, runtime: MinerRuntime = {}): TemplateMiner {
  let drain: Drain;
  let masks: readonly MaskRule[];
  let tokenRules: TokenRules;
  if (state) {
    if (state.version !== 1 || !state.drain) throw new Error('not a template miner state (version 1 expected)');
    for (const key of ['depth', 'maxChildren', 'parametrizeNumericTokens'] as const) {
      if (config[key] !== undefined && config[key] !== state.drain.config[key]) {
        throw new Error(`the saved template state was built with ${key}=${state.drain.config[key]}, not ${config[key]}; start a new state to change it`);
      }
    }
    const matching = Object.fromEntries(MATCHING_SETTINGS.filter((k) => config[k] !== undefined).map((k) => [k, config[k]]));
    drain = Drain.fromState({ ...state.drain, config: { ...state.drain.config, ...matching } });
    masks = config.masks ?? sameAsDefault(state.masks);
    tokenRules = { ...DEFAULT_TOKEN_RULES, ...state.tokenRules, ...pickTokenRules(config) };
  } else {
    drain = new Drain(config);
    masks = config.masks ?? DEFAULT_MASKS;
    tokenRules = { ...DEFAULT_TOKEN_RULES, ...pickTokenRules(config) };
  }
  const masker = createMasker(masks);
  const fullConfig: Readonly<TemplateMinerConfig> = Object.freeze({ ...drain.config, ...tokenRules, masks });

  // Logs repeat whole messages (a third to four fifths of the lines of most loghub samples): the
  // tokens of a message do not depend on the miner's state, so they are remembered (bounded),
  // with the clusterer's memo (drain.ts) for them. Nothing downstream changes these arrays (Drain
  // copies a template before generalizing it). Where messages rarely repeat (HDFS: every line
  // names its block), remembering them only costs: after every CACHE_CHECK_EVERY lookups, the
  // cache turns off if fewer than one in eight of them hit, for as long, and twice as long each
  // time it fails again (up to 64 times): a lookup hashes the whole message.
  const prepared = new Map<string, KnownMessage>();
  let lookups = 0;
  let hits = 0;
  let remembering = true;
  let offPeriods = 1;

  // Messages of one shape (messageShapes.ts: equal but for digits) tokenize alike: looked up when
  // the message itself is not known. Only with the default masks and token rules, which are known
  // to treat digits alike; the shapes turn themselves off like the message cache.
  const defaultRules = masks === DEFAULT_MASKS && tokenRules.valueRuns && tokenRules.joinAdjacentValues && tokenRules.namedValues;
  const shapes = runtime.messageShapes !== false && defaultRules ? new MessageShapes() : null;
  let shapeLookups = 0;
  let shapeHits = 0;
  let shaping = shapes !== null;

  /** Every CACHE_CHECK_EVERY lookups, shapes turn off if fewer than one in eight hit, or back on after a period off. */
  const countShapeLookup = () => {
    if (++shapeLookups === CACHE_CHECK_EVERY) {
      shaping = !shaping || shapeHits * 8 >= shapeLookups;
      shapeLookups = shapeHits = 0;
    }
  };
  /** A message learned by its shape, found on its bytes: a lookup that hit (the shapes stay on while they keep hitting). */
  const countShapeHit = () => {
    countShapeLookup();
    shapeHits++;
  };

  /** The message as remembered, its shape, or its tokens made now. */
  const prepare = (content: string): MessageShape | KnownMessage | MessageTokens => {
    if (++lookups === (remembering ? CACHE_CHECK_EVERY : CACHE_CHECK_EVERY * offPeriods)) {
      if (!remembering) {
        remembering = true;
        offPeriods = Math.min(offPeriods * 2, 64);
      } else if (hits * 8 < lookups) {
        remembering = false;
        prepared.clear();
      } else offPeriods = 1;
      lookups = hits = 0;
    }
    if (remembering) {
      const known = prepared.get(content);
      if (known) {
        hits++;
        return known;
      }
    }
    if (shapes) countShapeLookup();
    if (shaping) {
      const shape = shapes!.find(content);
      if (shape) {
        shapeHits++;
        return shape;
      }
    }
    const tokens = messageTokens(content, masker, tokenRules);
    if (remembering) {
      if (prepared.size >= MESSAGE_CACHE_SIZE) prepared.clear();
      prepared.set(content, { ...tokens, memo: newDrainMemo() });
    }
    return (shaping && shapes!.remember(content, tokens)) || tokens;
  };

  /**
   * Where each template token's parameter starts in the line's token: -1 for a kept token (its
   * masks cut the values out), 0 for `<*>` (the whole token), the key's length for `key=<*>` (the
   * value). Templates are few and their text is one cached string per cluster: read each once.
   */
  const paramStartsCache = new Map<string, Int32Array>();
  const paramStartsOf = (template: string) => {
    let starts = paramStartsCache.get(template);
    if (!starts) {
      starts = Int32Array.from(tokenize(template), paramStart);
      paramStartsCache.set(template, starts);
    }
    return starts;
  };
  /** A `<*>` position gives the whole original token, `key=<*>` its value; a kept token gives what its masks cut out. */
  function writeParams(template: string, content: string, prepared: MessageShape | MessageTokens, sink: ParamSink): void {
    const paramStarts = paramStartsOf(template);
    if ('tokenSpans' in prepared) {
      const { tokenSpans, valueStarts, valueSpans } = prepared;
      for (let i = 0; i < paramStarts.length; i++) {
        if (paramStarts[i] >= 0) sink.span(content, tokenSpans[2 * i] + paramStarts[i], tokenSpans[2 * i + 1]);
        else for (let v = valueStarts[i]; v < valueStarts[i + 1]; v++) sink.span(content, valueSpans[2 * v], valueSpans[2 * v + 1]);
      }
      return;
    }
    const { tokens, values } = prepared;
    for (let i = 0; i < paramStarts.length; i++) {
      if (paramStarts[i] >= 0) sink.span(tokens[i], paramStarts[i], tokens[i].length);
      else for (const v of values[i]) sink.span(v, 0, v.length);
    }
  }
  /** `writeParams` for a message of a shape given as bytes from `start`: the shape's spans are offsets in it. */
  function writeShapeParamBytes(template: string, shape: MessageShape, bytes: Uint8Array, start: number, sink: ParamByteSink): void {
    const paramStarts = paramStartsOf(template);
    const { tokenSpans, valueStarts, valueSpans } = shape;
    for (let i = 0; i < paramStarts.length; i++) {
      if (paramStarts[i] >= 0) sink.spanBytes(bytes, start + tokenSpans[2 * i] + paramStarts[i], start + tokenSpans[2 * i + 1]);
      else for (let v = valueStarts[i]; v < valueStarts[i + 1]; v++) sink.spanBytes(bytes, start + valueSpans[2 * v], start + valueSpans[2 * v + 1]);
    }
  }
  /** The parameters as strings (one sink for every call: no closure per message). */
  const list = { params: [] as string[], span: (text: string, start: number, end: number) => list.params.push(text.slice(start, end)) };
  function paramsOf(template: string, content: string, prepared: MessageShape | MessageTokens): string[] {
    list.params = [];
    writeParams(template, content, prepared, list);
    return list.params;
  }
  const maskedOf = (prepared: MessageShape | MessageTokens, content: string) => ('tokenSpans' in prepared ? maskedTokens(prepared, content) : prepared.masked);
  const memoOf = (prepared: MessageShape | KnownMessage | MessageTokens) => ('memo' in prepared ? prepared.memo : undefined);
  /** Drain's result; the masked tokens are built only when the memo does not hold (a shape's tokens with digits are made per message). */
  const learned = (prepared: MessageShape | KnownMessage | MessageTokens, content: string) => {
    const memo = memoOf(prepared);
    return (memo && drain.learnKnown(memo)) || drain.learn(maskedOf(prepared, content), memo);
  };

  const miner: TemplateMiner = {
    config: fullConfig,
    add(content) {
      const prepared = prepare(content);
      const r = learned(prepared, content);
      return { templateId: r.templateId, template: r.template, params: paramsOf(r.template, content, prepared), changeType: r.changeType };
    },
    addTo(content, sink) {
      const prepared = prepare(content);
      const r = learned(prepared, content);
      writeParams(r.template, content, prepared, sink);
      return r;
    },
    learn(content) {
      const prepared = prepare(content);
      const memo = memoOf(prepared);
      return (memo && drain.learnKnownId(memo)) || drain.learnId(maskedOf(prepared, content), memo);
    },
    addBytesTo(bytes, start, end, sink) {
      // A miss is counted by `addTo`, which the caller calls next: every message counts once.
      const shape = miner.shapeBytes(bytes, start, end);
      return shape ? miner.addShapeTo(shape, bytes, start, end, sink) : null;
    },
    addShapeTo(shape, bytes, start, _end, sink) {
      countShapeHit();
      const memo = shape.memo!;
      const r = drain.learnKnown(memo) || drain.learn(maskedTokensOfBytes(shape, bytes, start), memo);
      writeShapeParamBytes(r.template, shape, bytes, start, sink);
      return r;
    },
    learnBytes(bytes, start, end) {
      // A miss is counted by `learn`, which the caller calls next: every message counts once.
      const shape = miner.shapeBytes(bytes, start, end);
      return shape ? miner.learnShape(shape, bytes, start, end) : null;
    },
    shapeBytes: (bytes, start, end) => (shaping ? shapes!.findBytes(bytes, start, end) : undefined),
    numberShapes: (bytes, starts, ends, from, to, out) => (shaping ? shapes!.numberBytes(bytes, starts, ends, from, to, out) : -1),
    // While shapes are off, numbered lines take the string path, as they would have line by line.
    numberedShape: (n, generation) => (shaping ? shapes!.numberedShape(n, generation) : undefined),
    learnShape(shape, bytes, start) {
      countShapeHit();
      const memo = shape.memo!;
      return drain.learnKnownId(memo) ?? drain.learnId(maskedTokensOfBytes(shape, bytes, start), memo);
    },
    learnMasked(masked) {
      if (!defaultRules) throw new Error('learnMasked takes tokens made with the default masks and token rules; this miner has others');
      return drain.learnId(masked);
    },
    defaultRules,
    mine(contents) {
      const out: MineResult[] = [];
      for (const content of contents) out.push(miner.add(content));
      return out;
    },
    match(content) {
      const prepared = prepare(content);
      const r = drain.match(maskedOf(prepared, content));
      return r && { templateId: r.templateId, template: r.template, params: paramsOf(r.template, content, prepared) };
    },
    templates: () => drain.clusters(),
    template: (id) => drain.cluster(id),
    resolve: (id) => drain.resolve(id),
    toState: () => ({ version: 1, masks: masks.map((m) => ({ ...m })), tokenRules: { ...tokenRules }, drain: drain.toState() }),
  };
  return miner;
}

/** A remembered message: its tokens, and the clusterer's memo for them. */
interface KnownMessage extends MessageTokens {
  memo: DrainMemo;
}

/**
 * A saved state holds a JSON copy of its masks: when that copy is the default list, the default
 * list itself is used, so its compiled regexes and shortcuts (bare integers) apply on every day,
 * not only on the first.
 */
function sameAsDefault(masks: readonly MaskRule[]): readonly MaskRule[] {
  return JSON.stringify(masks) === JSON.stringify(DEFAULT_MASKS) ? DEFAULT_MASKS : masks;
}

/** The token rules set in a config (undefined ones left out, so they do not override). */
function pickTokenRules(config: Partial<TokenRules>): Partial<TokenRules> {
  const out: Partial<TokenRules> = {};
  if (config.valueRuns !== undefined) out.valueRuns = config.valueRuns;
  if (config.joinAdjacentValues !== undefined) out.joinAdjacentValues = config.joinAdjacentValues;
  if (config.namedValues !== undefined) out.namedValues = config.namedValues;
  return out;
}
