/**
 * Drain (He et al., ICWS 2017), following IBM/Drain3's algorithm: a fixed-depth prefix tree routes a
 * tokenized line by its length and its first tokens to a leaf; inside the leaf the most similar
 * cluster template wins if its similarity reaches the threshold, and differing tokens become `<*>`.
 * Pure: no I/O, no clock, no randomness. The whole state round-trips through JSON.
 *
 * Two additions to Drain3, both in DrainConfig: masked tokens route like numeric ones, and the
 * word rule keeps lines that differ in plain words apart until one position has taken many distinct
 * words, then merges those clusters into one (`wordVariantLimit: 0` gives plain Drain3).
 * Merged clusters' ids stay resolvable as aliases of the surviving one (`resolve`, state `aliases`).
 *
 * Template ids: `T` + 12 hex digits of a 64-bit FNV-1a hash of the template text the cluster was
 * created with. Why not sequential numbers: a content hash gives the same id to the same event in
 * two independently started states (a rebuilt state, a dev and a prod lake), while sequence numbers
 * depend on the order of everything seen before. The id is fixed at creation and stored, so it does
 * not change when the template later generalizes. On a (rare) collision the text is re-hashed with
 * a counter, which stays deterministic for a given input order.
 */

import { SiblingIndex } from './siblingIndex';

export const WILDCARD = '<*>';

export interface DrainConfig {
  /** Tree depth as in Drain/Drain3: root + length layer + `depth - 3` token layers + leaf. Min 3. */
  depth: number;
  /** Share of equal non-wildcard tokens needed to join a cluster (0..1). */
  similarityThreshold: number;
  /** Children per tree node; beyond it tokens go to the `<*>` child. */
  maxChildren: number;
  /**
   * Route tokens that contain digits or a mask placeholder (`<NUM>`, `size=<NUM>`) to the `<*>`
   * child: they are likely variables and must not split the tree (Drain3 checks digits only; with
   * masking, a masked token has lost its digits but is no less variable).
   */
  parametrizeNumericTokens: boolean;
  /**
   * The word rule. Plain Drain merges any two lines that are similar enough, so `begin`/`end`,
   * `true`/`false`, `GET`/`POST`, `Started`/`Stopped` end up as one `<*>` template. But differing
   * plain words (no digit, no placeholder) usually name different events, while values carry digits
   * or get masked. So a template that differs from a line in a plain word is a "word variant" and
   * the line does not join it (see also `settledWordLines`). Word-valued variables (user names,
   * service names) must not make one template per value, though: once this many clusters are equal
   * but for one position (siblingIndex.ts), that position is a variable and they merge into the
   * oldest, whose id the others become aliases of. 0 turns the word rule off (plain Drain3).
   */
  wordVariantLimit: number;
  /**
   * A plain word that stayed the same in this many lines of a template is settled: a line with any
   * other token there (even a value such as `SOCKS5` where 900 lines said `HTTPS`) is a word variant
   * too. Below it, a word may still turn out to be a value (`ws=null`, then `ws=WorkSource{10113}`).
   */
  settledWordLines: number;
  /**
   * When a template gains wildcards, clusters of its leaf that it now covers merge into the oldest
   * (Drain.absorbCovered). Part of the word rule: off with it.
   */
  absorbCovered: boolean;
  /**
   * Read `key=value` tokens as a key, which is text, and a value (`isWordDifference`): lines whose
   * tokens there have other keys do not join, and a value that varies becomes `key=<*>`. Part of the
   * word rule: off with it.
   */
  keyValueFields: boolean;
}

export const DEFAULT_DRAIN_CONFIG: Readonly<DrainConfig> = Object.freeze({
  depth: 4,
  similarityThreshold: 0.4,
  maxChildren: 100,
  parametrizeNumericTokens: true,
  wordVariantLimit: 6,
  settledWordLines: 20,
  absorbCovered: true,
  keyValueFields: true,
});

export type ChangeType = 'created' | 'updated' | 'none';

export interface DrainMatch {
  templateId: string;
  /** The template after this line (tokens joined by one space). */
  template: string;
  /** Tokens of the line at the template's `<*>` positions, in order. */
  params: string[];
}

export interface DrainAddResult extends DrainMatch {
  changeType: ChangeType;
}

export interface DrainCluster {
  id: string;
  template: string;
  size: number;
}

/** JSON form of a Drain. Clusters are in creation order; each keeps its tree path so the tree rebuilds exactly. */
export interface DrainState {
  version: 1;
  config: DrainConfig;
  /** `extraPaths`: the leaves of clusters merged into this one, which route their lines here. */
  clusters: Array<{ id: string; template: string; size: number; path: string[]; extraPaths?: string[][] }>;
  /** Ids of merged clusters → the id they were merged into (absent in states saved before merging existed). */
  aliases?: Record<string, string>;
}

/**
 * What a caller may keep for one masked token list that keeps coming back (templateMiner.ts keeps
 * one per message shape): the cluster it joined without changing it, the leaf it was routed to, and
 * the versions of that leaf and of the tree then. While neither has changed, nothing that decides
 * the match has, and the same tokens join the same cluster again without a tree search (Drain.learn).
 * Make one with `newDrainMemo`.
 */
export interface DrainMemo {
  cluster: unknown;
  leaf: unknown;
  leafVersion: number;
  treeVersion: number;
  /**
   * Positions where the tokens differ between the lines that share the memo (a shape's tokens with
   * digits, `225ms`): each holds a digit in every such line. The memo is then only taken when the
   * text there cannot change the match (see `digitsMatchAlike`).
   */
  varying?: readonly number[];
}

interface Cluster {
  id: string;
  tokens: string[];
  /** `tokens.join(' ')`, kept until the tokens change: every line reports its template. */
  text?: string;
  size: number;
  /** Tree keys from the root to the leaf holding this cluster (first key: the token count). */
  path: string[];
  /** Leaves of clusters merged into this one: it is filed there too, so their lines still find it. */
  extraPaths: string[][];
  /** Creation order: a merge keeps the oldest cluster. */
  seq: number;
}

/** A memo that holds nothing yet. */
export function newDrainMemo(varying?: readonly number[]): DrainMemo {
  return { cluster: undefined, leaf: undefined, leafVersion: -1, treeVersion: -1, ...(varying ? { varying } : {}) };
}

interface TreeNode {
  children: Map<string, TreeNode>;
  clusters: Cluster[];
  /** A leaf's: counts the changes to its clusters that can change a match there (see `touch`). */
  version: number;
}

const newNode = (): TreeNode => ({ children: new Map(), clusters: [], version: 0 });

/** Whitespace other than single spaces between tokens. */
const IRREGULAR_SPACE = /[^\S ]| {2}/;

export function tokenize(line: string): string[] {
  const trimmed = line.trim();
  if (trimmed === '') return [];
  // Most messages are single-space separated: splitting on a string is several times cheaper.
  return IRREGULAR_SPACE.test(trimmed) ? trimmed.split(/\s+/) : trimmed.split(' ');
}

export class Drain {
  readonly config: Readonly<DrainConfig>;
  private readonly root = newNode();
  private readonly clustersById = new Map<string, Cluster>();
  /** Clusters in creation order (the state's order). */
  private readonly clusterList: Cluster[] = [];
  /** Merged-away id → surviving id (always the final one: chains are flattened). */
  private readonly aliases = new Map<string, string>();
  private readonly siblings = new SiblingIndex();
  private nextSeq = 0;
  /**
   * Counts the nodes added to the tree: a new node can route tokens that went to `<*>` (or nowhere)
   * to another leaf. Within a leaf, what decides a match is its clusters (bestMatch,
   * digitsMatchAlike): a cluster filed there, generalized or merged away bumps the version of each
   * leaf it is filed in (`touch`). A line that joins a cluster without changing it changes nothing
   * else, so while both versions stay the same, the same tokens join the same cluster (DrainMemo).
   * A cluster becoming settled changes no memo's match: it can only become a word variant for
   * tokens (never the best match, which a memo's tokens join unchanged), and the cluster the tokens
   * joined has each of their differing tokens as `<*>`, where settling changes nothing.
   */
  private treeVersion = 0;

  private readonly learningRules: MatchRules;
  /** Inference: every token equal, or taken by `<*>` (`key=<*>`: by a value of its key). */
  private readonly exactRules: MatchRules;

  constructor(config: Partial<DrainConfig> = {}) {
    this.config = Object.freeze(validateConfig({ ...DEFAULT_DRAIN_CONFIG, ...definedOnly(config) }));
    const { similarityThreshold: threshold, wordVariantLimit, settledWordLines, keyValueFields } = this.config;
    this.learningRules = { threshold, includeParams: false, wordVariantLimit, settledWordLines, keyValueFields };
    this.exactRules = { threshold: 1, includeParams: true, wordVariantLimit: 0, settledWordLines: 0, keyValueFields };
  }

  /** Learns from one line (or its tokens): joins or creates a cluster. */
  add(line: string | readonly string[]): DrainAddResult {
    const tokens = typeof line === 'string' ? tokenize(line) : [...line];
    const { cluster, changeType } = this.learnTokens(tokens);
    return withChange(describe(cluster, tokens), changeType);
  }

  /**
   * `add` without the parameters, for callers that extract their own (the template miner takes
   * them from the unmasked tokens). Takes ownership of `tokens`: the caller must not change them.
   */
  learn(tokens: string[], memo?: DrainMemo): { templateId: string; template: string; changeType: ChangeType } {
    const known = memo && this.repeat(memo);
    if (known) return { templateId: known.id, template: (known.text ??= known.tokens.join(' ')), changeType: 'none' };
    const { cluster, changeType } = this.learnTokens(tokens, memo);
    return { templateId: cluster.id, template: (cluster.text ??= cluster.tokens.join(' ')), changeType };
  }

  /**
   * `learn` while the memo holds, without the tokens (a caller can skip building them); null when
   * it does not, and `learn` must be given the tokens.
   */
  learnKnown(memo: DrainMemo): { templateId: string; template: string; changeType: ChangeType } | null {
    const known = this.repeat(memo);
    return known && { templateId: known.id, template: (known.text ??= known.tokens.join(' ')), changeType: 'none' };
  }

  /** `learnKnown` for callers that only need the template id: no result object (templates' first pass). */
  learnKnownId(memo: DrainMemo): string | null {
    return this.repeat(memo)?.id ?? null;
  }

  /** `learn` for callers that only need the template id: no result object. */
  learnId(tokens: string[], memo?: DrainMemo): string {
    return ((memo && this.repeat(memo)) || this.learnTokens(tokens, memo).cluster).id;
  }

  /** The memo's cluster, joined once more, while nothing has changed since the memo was taken; else null. */
  private repeat(memo: DrainMemo): Cluster | null {
    if (memo.treeVersion !== this.treeVersion || (memo.leaf as TreeNode).version !== memo.leafVersion) return null;
    const cluster = memo.cluster as Cluster;
    cluster.size++;
    return cluster;
  }

  /** A change to `cluster` that can change a match: every leaf it is filed in gets a new version. */
  private touch(cluster: Cluster): void {
    this.leafAt(cluster.path).version++;
    for (const path of cluster.extraPaths) this.leafAt(path).version++;
  }

  private learnTokens(tokens: string[], memo?: DrainMemo): { cluster: Cluster; changeType: ChangeType } {
    if (memo) memo.treeVersion = -1;
    const leaf = this.leafOf(tokens);
    const found = leaf && bestMatch(leaf.clusters, tokens, this.learningRules);
    if (!found) {
      const created = this.createCluster(tokens);
      const target = this.mergeSiblings(created);
      return target ? { cluster: target, changeType: 'updated' } : { cluster: created, changeType: 'created' };
    }
    found.size++;
    const merged = mergeTemplate(found.tokens, tokens, this.learningRules.keyValueFields);
    if (merged === found.tokens) {
      if (memo && (!memo.varying || this.digitsMatchAlike(leaf, tokens.length, memo.varying))) {
        memo.cluster = found;
        memo.leaf = leaf;
        memo.leafVersion = leaf.version;
        memo.treeVersion = this.treeVersion;
      }
      return { cluster: found, changeType: 'none' };
    }
    this.touch(found);
    this.siblings.remove(found.id);
    found.tokens = merged;
    found.text = undefined;
    this.siblings.add(found.id, found.tokens);
    return { cluster: this.mergeSiblings(found) ?? this.absorbCovered(found) ?? found, changeType: 'updated' };
  }

  /** The id a template id stands for now: itself, or the cluster it was merged into. */
  resolve(id: string): string {
    return this.aliases.get(id) ?? id;
  }

  /**
   * The word rule's second half: when `cluster` and its siblings at some position (equal but there)
   * number `wordVariantLimit`, or one of them already has `<*>` there, that position holds a value:
   * all of them merge into the oldest (with `key=<*>` there: those with that key). Returns the
   * surviving cluster, or null when nothing merged.
   */
  private mergeSiblings(cluster: Cluster): Cluster | null {
    const limit = this.config.wordVariantLimit;
    if (limit === 0) return null;
    for (const { position: i, ids } of this.siblings.siblingGroups(cluster.id)) {
      let group = ids.map((id) => this.clustersById.get(id)!);
      if (group.length < limit && !group.some((c) => c.tokens[i] === WILDCARD)) {
        // With `key=<*>` there, the clusters with the cluster's key merge: its value is a value, other
        // keys are other fields. Chosen by the cluster's own key, so that the group's order (which a
        // saved state does not keep) cannot matter.
        const key = this.config.keyValueFields ? keyLength(cluster.tokens[i]) : 0;
        if (key === 0) continue;
        group = group.filter((c) => sameKey(cluster.tokens[i], c.tokens[i], key));
        if (group.length < 2 || !group.some((c) => isKeyWildcard(c.tokens[i]))) continue;
      }
      group.sort((a, b) => a.seq - b.seq);
      const [target, ...others] = group;
      this.mergeInto(target, others);
      return target;
    }
    return null;
  }

  /**
   * A template that just gained wildcards may now cover older clusters of its leaf (equal to it
   * wherever it is not `<*>`): they are the same event, told apart only because the variable had
   * not been recognized yet (two word variables at once, say a user and a host name). They merge
   * into the oldest. Returns the surviving cluster, or null when nothing was covered.
   */
  private absorbCovered(cluster: Cluster): Cluster | null {
    if (this.config.wordVariantLimit === 0 || !this.config.absorbCovered) return null;
    const covered = this.leafAt(cluster.path).clusters.filter((c) => c !== cluster && covers(cluster.tokens, c.tokens, this.config.keyValueFields));
    if (covered.length === 0) return null;
    const group = [cluster, ...covered].sort((a, b) => a.seq - b.seq);
    this.mergeInto(group[0], group.slice(1));
    return group[0];
  }

  private mergeInto(target: Cluster, others: readonly Cluster[]): void {
    // Target's leaves now (its tokens and size change) and each other's (it leaves them; target joins those).
    this.touch(target);
    this.siblings.remove(target.id);
    for (const other of others) {
      this.touch(other);
      this.siblings.remove(other.id);
      target.tokens = mergeTemplate(target.tokens, other.tokens, this.learningRules.keyValueFields);
      target.size += other.size;
      for (const path of [other.path, ...other.extraPaths]) {
        const leaf = this.leafAt(path);
        leaf.clusters.splice(leaf.clusters.indexOf(other), 1);
        if (!leaf.clusters.includes(target)) {
          leaf.clusters.push(target);
          target.extraPaths.push(path);
        }
      }
      this.clustersById.delete(other.id);
      this.clusterList.splice(this.clusterList.indexOf(other), 1);
      this.aliases.set(other.id, target.id);
      for (const [from, to] of this.aliases) if (to === other.id) this.aliases.set(from, target.id);
    }
    target.text = undefined;
    this.siblings.add(target.id, target.tokens);
  }

  /** The leaf at a key path, created when missing. */
  private leafAt(path: readonly string[]): TreeNode {
    let node = this.root;
    for (const key of path) {
      let child = node.children.get(key);
      if (!child) {
        node.children.set(key, (child = newNode()));
        this.treeVersion++;
      }
      node = child;
    }
    return node;
  }

  /**
   * Inference without learning: the cluster whose template matches every non-wildcard token, or
   * null. Tries the tree first, then all clusters of the same length (a generalized template may sit
   * under a path that no longer fits the line).
   */
  match(line: string | readonly string[]): DrainMatch | null {
    const tokens = typeof line === 'string' ? tokenize(line) : [...line];
    const found =
      this.treeSearch(tokens, true) ??
      bestMatch(
        this.clusterList.filter((c) => c.tokens.length === tokens.length),
        tokens,
        this.exactRules,
      );
    return found ? describe(found, tokens) : null;
  }

  clusters(): DrainCluster[] {
    return this.clusterList.map((c) => ({ id: c.id, template: c.tokens.join(' '), size: c.size }));
  }

  /** The cluster by id, also by the id of a cluster merged into it. */
  cluster(id: string): DrainCluster | undefined {
    const c = this.clustersById.get(this.resolve(id));
    return c && { id: c.id, template: c.tokens.join(' '), size: c.size };
  }

  toState(): DrainState {
    return {
      version: 1,
      config: { ...this.config },
      clusters: this.clusterList.map((c) => ({
        id: c.id,
        template: c.tokens.join(' '),
        size: c.size,
        path: [...c.path],
        ...(c.extraPaths.length > 0 ? { extraPaths: c.extraPaths.map((p) => [...p]) } : {}),
      })),
      ...(this.aliases.size > 0 ? { aliases: Object.fromEntries(this.aliases) } : {}),
    };
  }

  static fromState(state: DrainState): Drain {
    if (state?.version !== 1 || !Array.isArray(state.clusters)) {
      throw new Error('not a Drain state (version 1 with a clusters list expected)');
    }
    const drain = new Drain(state.config);
    for (const saved of state.clusters) {
      if (drain.clustersById.has(saved.id)) throw new Error(`Drain state lists template ${saved.id} twice`);
      const extraPaths = (saved.extraPaths ?? []).map((p) => [...p]);
      const cluster: Cluster = { id: saved.id, tokens: tokenize(saved.template), size: saved.size, path: [...saved.path], extraPaths, seq: drain.nextSeq++ };
      if (cluster.path[0] !== String(cluster.tokens.length)) throw new Error(`Drain state: template ${saved.id} is not filed under its token count`);
      for (const path of [cluster.path, ...extraPaths]) drain.leafAt(path).clusters.push(cluster);
      drain.clustersById.set(cluster.id, cluster);
      drain.clusterList.push(cluster);
      drain.siblings.add(cluster.id, cluster.tokens);
    }
    for (const [from, to] of Object.entries(state.aliases ?? {})) {
      if (!drain.clustersById.has(to)) throw new Error(`Drain state: alias ${from} points to unknown template ${to}`);
      drain.aliases.set(from, to);
    }
    return drain;
  }

  /**
   * How many leading tokens route a line of this length: depth counts root, length layer, token
   * layers and leaf (Drain's paper and Drain3), and the last token never routes.
   */
  private tokenLayers(tokenCount: number): number {
    return Math.max(0, Math.min(this.config.depth - 2, tokenCount) - 1);
  }

  /**
   * Drain3's tree_search: length layer, then the token layers (exact key, else `<*>`), then the
   * leaf's best match: exact (inference) or by the learning rules.
   */
  private treeSearch(tokens: readonly string[], exact: boolean): Cluster | null {
    const leaf = this.leafOf(tokens);
    return leaf && bestMatch(leaf.clusters, tokens, exact ? this.exactRules : this.learningRules);
  }

  /** The leaf the tokens route to, or null. */
  private leafOf(tokens: readonly string[]): TreeNode | null {
    let node = this.root.children.get(String(tokens.length));
    if (!node) return null;
    for (let i = 0; i < this.tokenLayers(tokens.length); i++) {
      node = node.children.get(tokens[i]) ?? node.children.get(WILDCARD);
      if (!node) return null;
    }
    return node;
  }

  /**
   * Whether any text with a digit at the `varying` positions would match as the tokens just did
   * (the same leaf, the same best cluster, unchanged). It would when none of those positions routes
   * (only the first token layers do) and no cluster of the leaf with this many tokens has a token
   * with a digit there: a token with a digit then never equals a template token there (`<*>` counts
   * as a parameter, a word is unequal to it either way, and the word rule asks only whether the
   * line's token has a digit), so every similarity and word variant comes out the same. The
   * cluster it joined unchanged has `<*>` at all of them.
   */
  private digitsMatchAlike(leaf: TreeNode, length: number, varying: readonly number[]): boolean {
    const layers = this.tokenLayers(length);
    for (const p of varying) if (p < layers) return false;
    for (const cluster of leaf.clusters) {
      if (cluster.tokens.length !== length) continue;
      for (const p of varying) if (hasDigit(cluster.tokens[p])) return false;
    }
    return true;
  }

  private createCluster(tokens: string[]): Cluster {
    const text = tokens.join(' ');
    let id = templateIdFor(text);
    // An alias is taken too: an old id must keep naming the cluster it was merged into.
    for (let n = 1; this.clustersById.has(id) || this.aliases.has(id); n++) id = templateIdFor(`${text}\u0000${n}`);
    const cluster: Cluster = { id, tokens, size: 1, path: this.pathFor(tokens), extraPaths: [], seq: this.nextSeq++ };
    const leaf = this.leafAt(cluster.path);
    leaf.clusters.push(cluster);
    leaf.version++;
    this.clustersById.set(id, cluster);
    this.clusterList.push(cluster);
    this.siblings.add(id, tokens);
    return cluster;
  }

  /**
   * Drain3's add_seq_to_prefix_tree, computed as a key path: which child each token layer goes to,
   * given the children that already exist (numeric tokens and full nodes go to `<*>`).
   */
  private pathFor(tokens: readonly string[]): string[] {
    const path = [String(tokens.length)];
    let node: TreeNode | undefined = this.root.children.get(path[0]);
    for (let i = 0; i < this.tokenLayers(tokens.length); i++) {
      const token = tokens[i];
      const children = node?.children;
      let key: string;
      if (children?.has(token)) key = token;
      else if (this.config.parametrizeNumericTokens && isVariableToken(token)) key = WILDCARD;
      else {
        const count = children?.size ?? 0;
        if (children?.has(WILDCARD)) key = count < this.config.maxChildren ? token : WILDCARD;
        else key = count + 1 < this.config.maxChildren ? token : WILDCARD;
      }
      path.push(key);
      node = children?.get(key);
    }
    return path;
  }
}

/** Adds the change type to a fresh match object (no copy: this runs once per line). */
function withChange(match: DrainMatch, changeType: DrainAddResult['changeType']): DrainAddResult {
  (match as DrainAddResult).changeType = changeType;
  return match as DrainAddResult;
}

function describe(cluster: Cluster, tokens: readonly string[]): DrainMatch {
  const params: string[] = [];
  for (let i = 0; i < cluster.tokens.length; i++) {
    const t = cluster.tokens[i];
    if (t === WILDCARD) params.push(tokens[i]);
    else if (t !== tokens[i] && isKeyWildcard(t)) params.push(tokens[i].slice(paramStart(t)));
  }
  return { templateId: cluster.id, template: (cluster.text ??= cluster.tokens.join(' ')), params };
}

interface MatchRules {
  threshold: number;
  /** Count template wildcards as similar (inference) or not (learning, so templates do not snowball). */
  includeParams: boolean;
  /** See DrainConfig; wordVariantLimit 0 = no word rule. */
  wordVariantLimit: number;
  settledWordLines: number;
  /** See DrainConfig. */
  keyValueFields: boolean;
}

/**
 * Drain3's fast_match: similarity = equal tokens / length; the highest similarity wins, ties go to
 * the template with more wildcards, then to the older cluster. With the word rule, word variants
 * (see DrainConfig.wordVariantLimit) only match when the leaf holds `wordVariantLimit` of them;
 * siblings among them (one differing place) merge instead (Drain.mergeSiblings).
 */
function bestMatch(clusters: readonly Cluster[], tokens: readonly string[], rules: MatchRules): Cluster | null {
  const best = { cluster: null as Cluster | null, sim: -1, params: -1 };
  const bestVariant = { cluster: null as Cluster | null, sim: -1, params: -1 };
  let variants = 0;
  for (const cluster of clusters) {
    const t = cluster.tokens;
    if (t.length !== tokens.length) continue;
    const settled = cluster.size >= rules.settledWordLines;
    let same = 0;
    let params = 0;
    let wordVariant = false;
    for (let i = 0; i < t.length; i++) {
      if (t[i] === WILDCARD) params++;
      else if (t[i] === tokens[i]) same++;
      else if (rules.keyValueFields && takesValueOf(t[i], tokens[i])) params++;
      else if (rules.wordVariantLimit > 0 && !wordVariant && isWordDifference(t[i], tokens[i], settled, rules.keyValueFields)) wordVariant = true;
    }
    const sim = t.length === 0 ? 1 : (rules.includeParams ? same + params : same) / t.length;
    if (!wordVariant) keepBetter(best, cluster, sim, params);
    else if (sim >= rules.threshold) {
      variants++;
      keepBetter(bestVariant, cluster, sim, params);
    }
  }
  if (best.cluster && best.sim >= rules.threshold) return best.cluster;
  // Word variants that differ in more than one place are never siblings (two word variables, say
  // a user and a host name): once a leaf holds this many of them, the line joins the most similar.
  return rules.wordVariantLimit > 0 && variants >= rules.wordVariantLimit ? bestVariant.cluster : null;
}

/**
 * Whether a template token and a line's differing token name different events (a word variant)
 * rather than carry different values. Plain words differ as words (`begin`/`end`); a word that
 * stayed the same over a settled template's lines differs from anything. A `key=value` token is
 * read as its parts, the key being text: another key is another field, even when both hold digits
 * (`num=5,flags=0x1` / `topActivity=ComponentInfo{…}`); the same key with another value is a value
 * when either value is more than a plain word (a dotted or slashed name, digits:
 * `name=com.android.phone`, `cmp=com.example/.Main`), and a word variant when both are plain words,
 * quoted or not, which name states and events as other plain words do (`expand=true` /
 * `expand=false`, `state=RUNNING`, logfmt's `msg="started"`).
 */
function isWordDifference(templateToken: string, token: string, settled: boolean, keyValueFields: boolean): boolean {
  const key = keyValueFields ? keyLength(templateToken) : 0;
  if (key > 0) {
    const other = keyLength(token);
    if (other > 0) {
      if (!sameKey(templateToken, token, key)) return true;
      if (!isPlainWord(templateToken, key) || !isPlainWord(token, key)) return false;
    }
  }
  return !isVariableToken(templateToken) && (settled || !isVariableToken(token));
}

/**
 * Whether `token` from `from` on is letters, `_` and `-` only, before any trailing `,` or `;`, and
 * inside quotes if quoted: `msg="started"` names an event as `msg=started` does (logfmt).
 */
function isPlainWord(token: string, from: number): boolean {
  let end = token.length;
  while (end > from && (token.charCodeAt(end - 1) === 44 || token.charCodeAt(end - 1) === 59)) end--;
  const quote = token.charCodeAt(from);
  if ((quote === 34 || quote === 39) && end - from >= 2 && token.charCodeAt(end - 1) === quote) {
    from++;
    end--;
  }
  for (let i = from; i < end; i++) {
    const c = token.charCodeAt(i);
    if (!(((c | 32) >= 97 && (c | 32) <= 122) || c === 95 || c === 45)) return false;
  }
  return true;
}

/**
 * The length of `key=` at the start of a token, or 0. A key is a letter or `_`, then letters, `_`,
 * `.` or `-`: no digits, so that lines of one message shape (which differ in digits only,
 * messageShapes.ts) always have the same keys, and a Drain memo stays valid across them.
 */
function keyLength(token: string): number {
  const first = token.charCodeAt(0);
  if (!((first | 32) >= 97 && (first | 32) <= 122) && first !== 95) return 0;
  for (let i = 1; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c === 61 /* = */) return i + 1;
    if (!(((c | 32) >= 97 && (c | 32) <= 122) || c === 95 || c === 46 || c === 45)) return 0;
  }
  return 0;
}

function keepBetter(best: { cluster: Cluster | null; sim: number; params: number }, cluster: Cluster, sim: number, params: number): void {
  if (sim > best.sim || (sim === best.sim && params > best.params)) {
    best.cluster = cluster;
    best.sim = sim;
    best.params = params;
  }
}

/** Whether `template` matches `tokens` wherever it is not `<*>` (or `key=<*>`: any value of the key; same length). */
function covers(template: readonly string[], tokens: readonly string[], keyValueFields: boolean): boolean {
  if (template.length !== tokens.length) return false;
  for (let i = 0; i < template.length; i++) {
    if (template[i] !== WILDCARD && template[i] !== tokens[i] && !(keyValueFields && takesValueOf(template[i], tokens[i]))) return false;
  }
  return true;
}

/**
 * Differing tokens become `<*>`, or `key=<*>` where both are values of one key, so that the key
 * still tells fields apart (`isWordDifference`). Returns the same array when nothing changes
 * (cheap "none" check).
 */
function mergeTemplate(template: string[], tokens: readonly string[], keyValueFields: boolean): string[] {
  let out: string[] | null = null;
  for (let i = 0; i < template.length; i++) {
    const t = template[i];
    if (t === WILDCARD || t === tokens[i] || (keyValueFields && takesValueOf(t, tokens[i]))) continue;
    out ??= [...template];
    const key = keyValueFields ? keyLength(t) : 0;
    out[i] = key > 0 && sameKey(t, tokens[i], key) ? t.slice(0, key) + WILDCARD : WILDCARD;
  }
  return out ?? template;
}

/** Whether `templateToken` is `key=<*>` and `token` a value of that key. */
function takesValueOf(templateToken: string, token: string): boolean {
  return isKeyWildcard(templateToken) && sameKey(templateToken, token, paramStart(templateToken));
}

/** A `key=<*>` template token (see `mergeTemplate`). */
function isKeyWildcard(token: string): boolean {
  const key = token.length - WILDCARD.length;
  return key > 1 && token.endsWith(WILDCARD) && keyLength(token) === key;
}

/**
 * Where a template token's parameter starts in a line's token: 0 for `<*>` (the whole token), the
 * key's length for `key=<*>` (the value), -1 for a kept token (no parameter of Drain's; its masks
 * may cut values out).
 */
export function paramStart(templateToken: string): number {
  if (templateToken === WILDCARD) return 0;
  return isKeyWildcard(templateToken) ? templateToken.length - WILDCARD.length : -1;
}

/** Whether `token` starts with the `key=` of `keyed` (`key` long). */
function sameKey(keyed: string, token: string, key: number): boolean {
  return keyLength(token) === key && token.startsWith(keyed.slice(0, key));
}

/** A mask placeholder inside a token: `<NUM>`, `<IP>`, `<*>` (mask names are upper-case). */
const PLACEHOLDER = /<(?:\*|[A-Z][A-Z0-9_]*)>/;

function hasDigit(token: string): boolean {
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}

/** Likely a variable: has a digit or a mask placeholder. Everything else is a plain word. */
export function isVariableToken(token: string): boolean {
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return token.includes('<') && PLACEHOLDER.test(token);
}

/** `T` + 12 hex digits of FNV-1a 64 over the UTF-8 bytes: short, stable across platforms and versions. */
export function templateIdFor(text: string): string {
  // FNV-1a 64 in four 16-bit limbs, without BigInt (an id is made for every new cluster): the same
  // hash = (hash ^ byte) * 0x100000001b3 mod 2^64, from 0xcbf29ce484222325. The prime is
  // 2^40 + 0x1b3, so the product is hash * 0x1b3 plus hash shifted left by 40 bits.
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  for (const byte of UTF8.encode(text)) {
    h0 ^= byte;
    const shifted2 = (h0 << 8) & 0xffff;
    const shifted3 = ((h0 >>> 8) | (h1 << 8)) & 0xffff;
    let t = h0 * 0x1b3;
    const n0 = t & 0xffff;
    t = h1 * 0x1b3 + (t >>> 16);
    const n1 = t & 0xffff;
    t = h2 * 0x1b3 + shifted2 + (t >>> 16);
    const n2 = t & 0xffff;
    t = h3 * 0x1b3 + shifted3 + (t >>> 16);
    h3 = t & 0xffff;
    h2 = n2;
    h1 = n1;
    h0 = n0;
  }
  return `T${hex4(h3)}${hex4(h2)}${hex4(h1)}`;
}

const UTF8 = new TextEncoder();
const hex4 = (limb: number) => limb.toString(16).padStart(4, '0');

function definedOnly<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function validateConfig(config: DrainConfig): DrainConfig {
  if (!Number.isInteger(config.depth) || config.depth < 3) throw new Error(`Drain depth must be an integer >= 3 (got ${config.depth})`);
  if (!(config.similarityThreshold >= 0 && config.similarityThreshold <= 1)) {
    throw new Error(`Drain similarityThreshold must be within 0..1 (got ${config.similarityThreshold})`);
  }
  if (!Number.isInteger(config.maxChildren) || config.maxChildren < 2) throw new Error(`Drain maxChildren must be an integer >= 2 (got ${config.maxChildren})`);
  for (const key of ['wordVariantLimit', 'settledWordLines'] as const) {
    if (!Number.isInteger(config[key]) || config[key] < 0) throw new Error(`Drain ${key} must be an integer >= 0 (got ${config[key]})`);
  }
  for (const key of ['absorbCovered', 'keyValueFields'] as const) {
    if (typeof config[key] !== 'boolean') throw new Error(`Drain ${key} must be true or false (got ${config[key]})`);
  }
  return config;
}
